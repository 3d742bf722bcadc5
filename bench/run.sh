#!/usr/bin/env bash
# Benchmarks cairn against GDAL's ogr2ogr on the same data, same machine, one after the other.
# Usage: bench/run.sh [DATA_DIR] [RESULTS_FILE]
#   DATA_DIR      made by make_bench_data.sh (big_32632.gpkg, small/part_NNNN.gpkg); default /tmp/geobench
#   RESULTS_FILE  where the Markdown rows go (default: stdout)
# Needs: gdal-bin, GNU time (/usr/bin/time), the cairn jar (built if missing).
# Each measurement: wall seconds and peak RSS (MiB) from GNU time; outputs are removed between runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/geobench}
results=${2:-/dev/stdout}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$here/cli/target/cairn.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
cairn() { java ${CAIRN_JAVA_OPTS:--Xmx1g} -jar "$jar" "$@"; }
export -f cairn 2>/dev/null || true

# measure NAME COMMAND...: runs once, prints "NAME|wall_s|rss_mib"
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; return 1; }
  read -r wall rss < "$work/time"
  echo "$name|$wall|$((rss / 1024))"
}

nproc_=$(nproc)
{
  echo "| case | tool | wall s | peak RSS MiB |"
  echo "|---|---|---|---|"
  if [ -f "$data/big_32632.gpkg" ]; then
    n=$(ogrinfo -so "$data/big_32632.gpkg" big | sed -n 's/^Feature Count: //p')
    r=$(measure ogr2ogr-big ogr2ogr -f GPKG -t_srs EPSG:4326 "$work/big_ogr.gpkg" "$data/big_32632.gpkg")
    echo "| $n polygons, one GeoPackage, 32632 → 4326 | ogr2ogr | $(echo "$r" | cut -d'|' -f2) | $(echo "$r" | cut -d'|' -f3) |"
    rm -f "$work/big_ogr.gpkg"
    r=$(measure cairn-big java ${CAIRN_JAVA_OPTS:--Xmx1g} -jar "$jar" convert "$data/big_32632.gpkg" -o "$work/big_cairn" --to EPSG:4326 --workers "$nproc_" -q)
    echo "| $n polygons, one GeoPackage, 32632 → 4326 | cairn (chunks of 200k, $nproc_ workers) | $(echo "$r" | cut -d'|' -f2) | $(echo "$r" | cut -d'|' -f3) |"
    rm -rf "$work/big_cairn"
    r=$(measure cairn-big-unchunked java ${CAIRN_JAVA_OPTS:--Xmx1g} -jar "$jar" convert "$data/big_32632.gpkg" -o "$work/big_cairn" --to EPSG:4326 --chunk-features 0 -q)
    echo "| $n polygons, one GeoPackage, 32632 → 4326 | cairn (unchunked) | $(echo "$r" | cut -d'|' -f2) | $(echo "$r" | cut -d'|' -f3) |"
    rm -rf "$work/big_cairn"
  fi
  if [ -d "$data/small" ]; then
    files=$(ls "$data/small" | wc -l)
    mkdir -p "$work/small_ogr"
    r=$(measure ogr2ogr-loop bash -c 'for f in "$1"/*.gpkg; do ogr2ogr -f GPKG -t_srs EPSG:4326 "$2/$(basename "$f")" "$f"; done' _ "$data/small" "$work/small_ogr")
    echo "| $files GeoPackages × 500 polygons | ogr2ogr shell loop | $(echo "$r" | cut -d'|' -f2) | $(echo "$r" | cut -d'|' -f3) |"
    rm -rf "$work/small_ogr"
    r=$(measure cairn-small java ${CAIRN_JAVA_OPTS:--Xmx1g} -jar "$jar" convert "$data/small" -o "$work/small_cairn" --to EPSG:4326 --workers "$nproc_" -q)
    echo "| $files GeoPackages × 500 polygons | cairn ($nproc_ workers) | $(echo "$r" | cut -d'|' -f2) | $(echo "$r" | cut -d'|' -f3) |"
    rm -rf "$work/small_cairn"
  fi
} > "$results"
