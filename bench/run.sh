#!/usr/bin/env bash
# Benchmarks cairn against GDAL's ogr2ogr on the same data, same machine, one after the other.
# Usage: bench/run.sh [DATA_DIR] [RESULTS_FILE]
#   DATA_DIR      made by make_bench_data.sh (big_32632.gpkg, small/part_NNNN.gpkg); default /tmp/geobench
#   RESULTS_FILE  where the Markdown rows go (default: stdout)
# Env:
#   BIG10M        a 10,000,000-feature GeoPackage (make_bench_data.sh with N_BIG=10000000): adds the
#                 peak-RSS case, cairn at CAIRN_10M_OPTS (default -Xmx256m); ogr2ogr too if OGR_10M=1
#   CAIRN_JAVA_OPTS  JVM options of the other cairn runs (default -Xmx1g -XX:MaxNewSize=96m, as the launcher)
#   GEOJSON=1     adds a GeoJSON input case: big_32632.gpkg is first written as an RFC 7946
#                 GeoJSON file by ogr2ogr (not timed), then converted to a GeoPackage in EPSG:3857
# Needs: gdal-bin, GNU time (/usr/bin/time), python3, the cairn jar (built if missing).
# Each measurement: wall seconds and peak RSS (MiB) from GNU time; outputs are removed between
# runs. cairn runs with --json; its summary gives the checkpoint's share of the workers' time
# (checkpoint_ms / (workers x duration_ms)).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/geobench}
results=${2:-}
# Without a results file the rows go to stdout as it is: "> /dev/stdout" would truncate a file
# that stdout is redirected to.
if [ -n "$results" ]; then exec > "$results"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$here/cli/target/cairn.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
opts=${CAIRN_JAVA_OPTS:--Xmx1g -XX:MaxNewSize=96m}

# measure NAME COMMAND...: runs once, prints "wall_s|rss_mib"
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; return 1; }
  read -r wall rss < "$work/time"
  echo "$wall|$((rss / 1024))"
}

# checkpoint NAME: the checkpoint's share of worker time from cairn's --json summary
checkpoint() {
  tail -1 "$work/$1.out" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("%.1f %%" % (100.0 * s["checkpoint_ms"] / max(1, s["workers"] * s["duration_ms"])))'
}

row() { # case tool measurement [checkpoint]
  echo "| $1 | $2 | $(echo "$3" | cut -d'|' -f1) | $(echo "$3" | cut -d'|' -f2) | ${4:-} |"
}

cores=$(nproc)
{
  echo "| case | tool | wall s | peak RSS MiB | checkpoint share |"
  echo "|---|---|---|---|---|"
  if [ -f "$data/big_32632.gpkg" ]; then
    n=$(ogrinfo -so "$data/big_32632.gpkg" big | sed -n 's/^Feature Count: //p')
    c="$n polygons, one GeoPackage, 32632 → 4326"
    r=$(measure ogr-big ogr2ogr -f GPKG -t_srs EPSG:4326 "$work/big_ogr.gpkg" "$data/big_32632.gpkg")
    row "$c" "ogr2ogr -f GPKG" "$r"; rm -f "$work/big_ogr.gpkg"
    r=$(measure cairn-big java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$data/big_32632.gpkg" -o "$work/big_cairn" --to EPSG:4326 --workers "$cores" -q --json)
    row "$c" "cairn (chunks of 200k, $cores workers)" "$r" "$(checkpoint cairn-big)"; rm -rf "$work/big_cairn"
    r=$(measure cairn-big0 java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$data/big_32632.gpkg" -o "$work/big_cairn" --to EPSG:4326 --chunk-features 0 -q --json)
    row "$c" "cairn (--chunk-features 0)" "$r" "$(checkpoint cairn-big0)"; rm -rf "$work/big_cairn"
    c="$n polygons, GeoPackage 32632 → FlatGeobuf 4326"
    r=$(measure ogr-fgb ogr2ogr -f FlatGeobuf -t_srs EPSG:4326 "$work/big_ogr.fgb" "$data/big_32632.gpkg")
    row "$c" "ogr2ogr -f FlatGeobuf" "$r"; rm -f "$work/big_ogr.fgb"
    r=$(measure cairn-fgb java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$data/big_32632.gpkg" -o "$work/big_cairn" --to EPSG:4326 --format fgb -q --json)
    row "$c" "cairn --format fgb (chunks of 200k)" "$r" "$(checkpoint cairn-fgb)"; rm -rf "$work/big_cairn"
  fi
  if [ "${GEOJSON:-0}" = 1 ] && [ -f "$data/big_32632.gpkg" ]; then
    ogr2ogr -f GeoJSON -t_srs EPSG:4326 "$work/big.geojson" "$data/big_32632.gpkg"
    n=$(ogrinfo -so "$data/big_32632.gpkg" big | sed -n 's/^Feature Count: //p')
    c="$n polygons, one GeoJSON ($(du -m "$work/big.geojson" | cut -f1) MB) → GeoPackage 3857"
    r=$(measure ogr-gj ogr2ogr -f GPKG -t_srs EPSG:3857 "$work/gj_ogr.gpkg" "$work/big.geojson")
    row "$c" "ogr2ogr -f GPKG" "$r"; rm -f "$work/gj_ogr.gpkg"
    r=$(measure cairn-gj java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$work/big.geojson" -o "$work/gj_cairn" --to EPSG:3857 -q --json)
    row "$c" "cairn (chunks of 200k)" "$r" "$(checkpoint cairn-gj)"; rm -rf "$work/gj_cairn"
    r=$(measure cairn-gj0 java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$work/big.geojson" -o "$work/gj_cairn" --to EPSG:3857 --chunk-features 0 -q --json)
    row "$c" "cairn (--chunk-features 0)" "$r" "$(checkpoint cairn-gj0)"; rm -rf "$work/gj_cairn" "$work/big.geojson"
  fi
  if [ -d "$data/small" ]; then
    files=$(ls "$data/small" | wc -l)
    c="$files GeoPackages × 500 polygons"
    mkdir -p "$work/small_ogr"
    r=$(measure ogr-loop bash -c 'for f in "$1"/*.gpkg; do ogr2ogr -f GPKG -t_srs EPSG:4326 "$2/$(basename "$f")" "$f"; done' _ "$data/small" "$work/small_ogr")
    row "$c" "ogr2ogr shell loop" "$r"; rm -rf "$work/small_ogr"
    r=$(measure cairn-small java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$data/small" -o "$work/small_cairn" --to EPSG:4326 --workers "$cores" -q --json)
    row "$c" "cairn ($cores workers)" "$r" "$(checkpoint cairn-small)"; rm -rf "$work/small_cairn"
  fi
  if [ -n "${BIG10M:-}" ] && [ -f "$BIG10M" ]; then
    layer=$(ogrinfo -q "$BIG10M" | sed -n 's/^1: \([^ ]*\).*/\1/p')
    n=$(ogrinfo -so "$BIG10M" "$layer" | sed -n 's/^Feature Count: //p')
    c="$n polygons, one GeoPackage, 32632 → 4326"
    if [ "${OGR_10M:-0}" = 1 ]; then
      r=$(measure ogr-10m ogr2ogr -f GPKG -t_srs EPSG:4326 "$work/big10m_ogr.gpkg" "$BIG10M")
      row "$c" "ogr2ogr -f GPKG" "$r"; rm -f "$work/big10m_ogr.gpkg"
    fi
    o10=${CAIRN_10M_OPTS:--Xmx256m}
    r=$(measure cairn-10m java $o10 -jar "$jar" convert "$BIG10M" -o "$work/big10m_cairn" --to EPSG:4326 --workers "$cores" -q --json)
    row "$c" "cairn $o10 (chunks of 200k, $cores workers)" "$r" "$(checkpoint cairn-10m)"; rm -rf "$work/big10m_cairn"
  fi
}
