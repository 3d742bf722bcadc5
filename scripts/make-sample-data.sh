#!/usr/bin/env bash
# Regenerates sample-data/: a few small, seeded GeoPackages (EPSG:2056, 32632, 27700 and 4326;
# points, lines, polygons, a multi-layer file, files in a subdirectory) for demos and docs.
# Usage: scripts/make-sample-data.sh [OUTDIR]   (default: sample-data, relative to the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-sample-data}"
jar=cli/target/cairn.jar
if [[ ! -f "$jar" ]]; then
  mvn -B -q install -DskipTests
fi
rm -rf "$out"
java -cp "$jar" dev.cairn.geo.sample.SampleData "$out"
