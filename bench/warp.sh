#!/usr/bin/env bash
# Benchmarks `cairn warp` against GDAL's gdalwarp writing a COG, same data, same machine, one
# after the other, each RUNS times, interleaved.
# Usage: bench/warp.sh [DATA_DIR] [RUNS]
#   DATA_DIR  holds raster_32632.tif, made by ../shared/bench/make_bench_data.sh (20000x20000x3
#             uint8, tiled, DEFLATE, EPSG:32632); default /tmp/geobench
#   RUNS      runs of each tool per case (default 1)
# Env:
#   RESAMPLING  nearest, bilinear (default), cubic or average: the same for both tools
#   TO          target CRS (default EPSG:3857)
#   BIG=0       skips the 20000² case
#   SCENES=N    adds a case of N small scenes (1024x1024 windows cut from the raster by
#               gdal_translate, not timed), warped as one folder (gdalwarp in a loop)
#   CAIRN_JAVA_OPTS  JVM options (default: the launcher's -Xmx1g -XX:MaxNewSize=96m)
# Both write DEFLATE-compressed 512x512-tiled COGs with overviews; gdalwarp with -multi and
# NUM_THREADS=ALL_CPUS for warping and compression (the issue's reference command).
# Each measurement: wall seconds and peak RSS (MiB) from GNU time; outputs removed between runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/geobench}
runs=${2:-1}
r=${RESAMPLING:-bilinear}
to=${TO:-EPSG:3857}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$here/cli/target/cairn.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
opts=${CAIRN_JAVA_OPTS:--Xmx1g -XX:MaxNewSize=96m}
gr=$r; [ "$r" = nearest ] && gr=near

measure() { # NAME COMMAND...: prints "wall_s|rss_mib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; return 1; }
  read -r wall rss < "$work/time"
  echo "$wall|$((rss / 1024))"
}
row() { echo "| $1 | $2 | $(echo "$3" | cut -d'|' -f1) | $(echo "$3" | cut -d'|' -f2) |"; }

echo "| case | tool | wall s | peak RSS MiB |"
echo "|---|---|---|---|"
in="$data/raster_32632.tif"
c="$(gdalinfo "$in" | sed -n 's/^Size is \(.*\), \(.*\)/\1x\2/p') uint8 RGB 32632 → $to, $r"
for i in $(seq "$runs"); do
  [ "${BIG:-1}" = 0 ] && break
  m=$(measure gdalwarp gdalwarp -q -of COG -multi -wo NUM_THREADS=ALL_CPUS -co NUM_THREADS=ALL_CPUS \
      -co COMPRESS=DEFLATE -t_srs "$to" -r "$gr" "$in" "$work/gdal.tif")
  row "$c" "gdalwarp -of COG -multi" "$m"; rm -f "$work/gdal.tif"
  m=$(measure cairn java @"$here/cli/jvm.options" $opts -jar "$jar" warp "$in" -o "$work/cairn" --to "$to" --resampling "$r" -q)
  row "$c" "cairn warp" "$m"; rm -rf "$work/cairn"
done
if [ -n "${SCENES:-}" ]; then
  mkdir -p "$work/scenes"
  for k in $(seq 0 $((SCENES - 1))); do
    gdal_translate -q -srcwin $(( (k * 1024) % 18976 )) $(( (k / 18 * 1024) % 18976 )) 1024 1024 \
        -co TILED=YES -co COMPRESS=DEFLATE "$in" "$work/scenes/scene_$(printf %04d "$k").tif"
  done
  c="$SCENES scenes of 1024x1024 uint8 RGB → $to, $r"
  for i in $(seq "$runs"); do
    m=$(measure gdalloop bash -c "mkdir -p '$work/gout'; for f in '$work'/scenes/*.tif; do gdalwarp -q -of COG -multi \
        -wo NUM_THREADS=ALL_CPUS -co NUM_THREADS=ALL_CPUS -co COMPRESS=DEFLATE -t_srs '$to' -r '$gr' \"\$f\" \
        '$work/gout/'\$(basename \"\$f\"); done")
    row "$c" "gdalwarp in a shell loop" "$m"; rm -rf "$work/gout"
    m=$(measure cairnscenes java @"$here/cli/jvm.options" $opts -jar "$jar" warp "$work/scenes" -o "$work/cout" --to "$to" --resampling "$r" -q)
    row "$c" "cairn warp (one job)" "$m"; rm -rf "$work/cout"
  done
fi
