#!/usr/bin/env bash
# Benchmarks `cairn tiles` against gdal2tiles.py --xyz, same input, same machine, one after the
# other, each RUNS times, interleaved; then checks that they agree tile by tile.
# Usage: bench/tiles.sh [INPUT] [RUNS]
#   INPUT  a GeoTIFF; default /tmp/geobench/raster_32632.tif, made by ../shared/bench/make_bench_data.sh
#          (20000x20000x3 uint8, tiled, DEFLATE, EPSG:32632)
#   RUNS   runs of each tool (default 1)
# Env:
#   ZOOM        zoom range (default 0-14)
#   RESAMPLING  nearest, bilinear or average (default average, gdal2tiles' default): both tools
#   PROCESSES   gdal2tiles --processes (default 2)
#   CAIRN=0     skips the cairn runs (gdal2tiles alone, e.g. before `cairn tiles` exists)
#   CAIRN_JAVA_OPTS  JVM options (default: the launcher's -Xmx1g -XX:MaxNewSize=96m)
# Cases: gdal2tiles.py --xyz (XYZ folder of PNGs), cairn tiles to an XYZ folder, cairn tiles to
# an .mbtiles file; outputs of the last run are compared with bench/compare_tiles.py, then removed.
# Memory: gdal2tiles forks PROCESSES workers, and GNU time's %M is the peak RSS of the largest
# single process of the tree (wait4's ru_maxrss), not of the tree: two forked 150 MiB processes
# report 163 MiB. So each run is also sampled every 0.2 s by summing the proportional set size
# (Pss in /proc/PID/smaps_rollup: shared pages split between the sharers, so copy-on-write pages
# of forked workers count once) over the whole process tree; the table gives both. The sampler
# can miss a peak shorter than 0.2 s.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
in=${1:-/tmp/geobench/raster_32632.tif}
runs=${2:-1}
zoom=${ZOOM:-0-14}
r=${RESAMPLING:-average}
procs=${PROCESSES:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$here/cli/target/cairn.jar"
opts=${CAIRN_JAVA_OPTS:--Xmx1g -XX:MaxNewSize=96m}
if [ "${CAIRN:-1}" != 0 ]; then
  [ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
fi
gr=$r; [ "$r" = nearest ] && gr=near

descendants() { # PID: the PID and all its descendants
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 } END {
      n = 1; tree[root] = 1; print root
      while (n) { n = 0; for (p in parent) if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; print p; n = 1 } } }'
}
sample_pss() { # PID OUTFILE: writes the peak of the summed Pss (KiB) of the tree while PID lives
  local peak=0 sum v p
  while kill -0 "$1" 2>/dev/null; do
    sum=0
    for p in $(descendants "$1"); do
      v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
      sum=$((sum + ${v:-0}))
    done
    [ "$sum" -gt "$peak" ] && peak=$sum
    echo "$peak" > "$2"
    sleep 0.2
  done
}
measure() { # NAME COMMAND...: prints "wall_s|largest_rss_mib|tree_pss_mib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err" &
  local pid=$!
  echo 0 > "$work/pss"
  sample_pss "$pid" "$work/pss" &
  local sampler=$!
  wait "$pid" || { wait "$sampler" || true; echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; return 1; }
  wait "$sampler" || true
  read -r wall rss < "$work/time"
  echo "$wall|$((rss / 1024))|$(( $(cat "$work/pss") / 1024 ))"
}
tiles_in() { # FOLDER or .mbtiles: tile count
  if [ -d "$1" ]; then find "$1" -name '*.png' | wc -l
  else /usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tiles').fetchone()[0])" "$1"; fi
}
ref=""
row() { # TOOL MEASUREMENT TILES
  local wall; wall=$(echo "$2" | cut -d'|' -f1)
  [ -z "$ref" ] && ref=$wall
  echo "| $c | $1 | $wall | $(awk -v a="$wall" -v b="$ref" 'BEGIN { printf "%.2f", a / b }') | $(echo "$2" | cut -d'|' -f2) | $(echo "$2" | cut -d'|' -f3) | $3 |"
}

echo "| case | tool | wall s | × gdal2tiles | peak RSS MiB, largest process (GNU time) | peak PSS MiB, process tree (sampled) | tiles |"
echo "|---|---|---|---|---|---|---|"
c="$(gdalinfo "$in" | sed -n 's/^Size is \(.*\), \(.*\)/\1x\2/p') $(basename "$in") → XYZ z$zoom, $r"
for i in $(seq "$runs"); do
  rm -rf "$work/g2t" "$work/cairn" "$work/cairn.mbtiles"
  ref=""
  m=$(measure gdal2tiles gdal2tiles.py -q --xyz --processes="$procs" -r "$gr" -z "$zoom" -w none "$in" "$work/g2t")
  row "gdal2tiles.py --xyz --processes=$procs" "$m" "$(tiles_in "$work/g2t")"
  [ "${CAIRN:-1}" = 0 ] && continue
  m=$(measure cairn java @"$here/cli/jvm.options" $opts -jar "$jar" tiles "$in" -o "$work/cairn" --zoom "$zoom" --resampling "$r" -q)
  row "cairn tiles (XYZ)" "$m" "$(tiles_in "$work/cairn")"
  m=$(measure cairnmb java @"$here/cli/jvm.options" $opts -jar "$jar" tiles "$in" -o "$work/cairn.mbtiles" --zoom "$zoom" --resampling "$r" -q)
  row "cairn tiles (MBTiles)" "$m" "$(tiles_in "$work/cairn.mbtiles")"
done
echo
echo "Agreement with gdal2tiles (last run; bench/compare_tiles.py, per-tile MAD over RGBA, 0-255):"
if [ "${CAIRN:-1}" = 0 ]; then
  echo "- gdal2tiles vs itself: $("$here/bench/compare_tiles.py" "$work/g2t" "$work/g2t")"
else
  echo "- cairn XYZ: $("$here/bench/compare_tiles.py" "$work/g2t" "$work/cairn")"
  echo "- cairn MBTiles: $("$here/bench/compare_tiles.py" "$work/g2t" "$work/cairn.mbtiles")"
fi
