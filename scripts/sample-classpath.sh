#!/usr/bin/env bash
# Prints the class path of the sample-data generator (dev.cairn.geo.sample.SampleData, test code
# of the geo module, with the NGA GeoPackage library it writes with; none of it is in cairn.jar),
# after compiling it. Installs nothing into the local Maven repository: the modules geo needs are
# taken from their target/ directories.
# Usage: java -cp "$(scripts/sample-classpath.sh)" dev.cairn.geo.sample.SampleData OUTDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
# build-classpath runs in every module of the -am list; each writes its own target/ file.
mvn -B -q -Dstyle.color=never -pl geo -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/sample.classpath -Dmdep.includeScope=test >&2
echo "$here/geo/target/test-classes:$here/geo/target/classes:$(cat geo/target/sample.classpath)"
