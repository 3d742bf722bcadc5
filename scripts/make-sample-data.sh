#!/usr/bin/env bash
# Regenerates sample-data/: a few small, seeded GeoPackages (EPSG:2056, 32632, 27700 and 4326;
# points, lines, polygons, a multi-layer file, files in a subdirectory) for demos and docs.
# The generator is test code of the geo module (not in cairn.jar): see scripts/sample-classpath.sh.
# Usage: scripts/make-sample-data.sh [OUTDIR]   (default: sample-data, relative to the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-sample-data}"
cp=$(scripts/sample-classpath.sh)
rm -rf "$out"
java -cp "$cp" dev.cairn.geo.sample.SampleData "$out"
