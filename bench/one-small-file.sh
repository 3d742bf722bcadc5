#!/usr/bin/env bash
# Whole-process time of converting ONE small file, as make, Airflow or a shell loop call a tool:
# cairn (through the ./cairn launcher) against GDAL's ogr2ogr.
# Usage: bench/one-small-file.sh [RUNS] [RESULTS_FILE]
#   RUNS          timed runs of each command (default 10); the table gives medians
#   RESULTS_FILE  where the Markdown rows go (default: stdout)
# Env:
#   CAIRN_JAVA_OPTS  passed to the launcher as usual (default there: -Xmx1g -XX:MaxNewSize=96m)
#   CAIRN            the launcher to time (default: this repository's ./cairn); e.g. the launcher of
#                    another checkout, to compare two versions on the same input
# The input is a 1-feature GeoPackage in EPSG:32632 made by ogr2ogr (not timed); every run writes
# into a fresh output path. One untimed run of each command comes first (it builds the jar if
# needed and fills the EPSG answer cache, see README "Start-up"). "cold EPSG cache" runs cairn
# with an empty cache directory each time: the first run on a machine, or after an upgrade.
# Each measurement: wall seconds, peak RSS and CPU seconds (user + system: less sensitive than wall
# time to other load on the machine) from GNU time (/usr/bin/time -f "%e %M %U %S").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
results=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"one","n":1},"geometry":{"type":"Polygon","coordinates":[[[500000,5200000],[500100,5200000],[500100,5200100],[500000,5200000]]]}}]}' > "$work/one.geojson"
ogr2ogr -f GPKG -s_srs EPSG:32632 -a_srs EPSG:32632 -nln one "$work/one.gpkg" "$work/one.geojson"

# time_once OUT COMMAND...: runs once, appends "wall_s rss_kib cpu_s" to OUT (cpu = user + system)
time_once() {
  local out=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/cmd.out" 2> "$work/cmd.err" || {
    echo "failed: $*" >&2; tail -5 "$work/cmd.err" >&2; return 1; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time" >> "$out"
}

# median FILE COLUMN: median of that column (1 = wall s, 2 = RSS KiB, 3 = CPU s)
median() {
  sort -n -k"$2","$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

opts=${CAIRN_JAVA_OPTS:--Xmx1g -XX:MaxNewSize=96m}
cairn=("${CAIRN:-$here/cairn}" convert "$work/one.gpkg" -o "$work/out" --to EPSG:4326 -q)
ogr=(ogr2ogr -f GPKG -t_srs EPSG:4326 "$work/out.gpkg" "$work/one.gpkg")

# untimed: builds the jar if needed, fills the EPSG answer cache
"${ogr[@]}"; "${cairn[@]}" 2> "$work/first.err" || { cat "$work/first.err" >&2; exit 1; }
: > "$work/ogr"; : > "$work/cairn"; : > "$work/cold"
for _ in $(seq "$runs"); do   # interleaved, so that a busy moment of the machine hits all three
  rm -f "$work/out.gpkg"; time_once "$work/ogr" "${ogr[@]}"
  rm -rf "$work/out"; time_once "$work/cairn" env CAIRN_JAVA_OPTS="$opts" "${cairn[@]}"
  rm -rf "$work/out" "$work/empty-cache"
  time_once "$work/cold" env CAIRN_JAVA_OPTS="$opts -Dcairn.cache.dir=$work/empty-cache" "${cairn[@]}"
done

ow=$(median "$work/ogr" 1); om=$(( $(median "$work/ogr" 2 | cut -d. -f1) / 1024 )); oc=$(median "$work/ogr" 3)
cw=$(median "$work/cairn" 1); cm=$(( $(median "$work/cairn" 2 | cut -d. -f1) / 1024 )); cc=$(median "$work/cairn" 3)
kw=$(median "$work/cold" 1); km=$(( $(median "$work/cold" 2 | cut -d. -f1) / 1024 )); kc=$(median "$work/cold" 3)
table() {
  echo "| 1 polygon, GeoPackage 32632 → 4326, median of $runs | wall s | peak RSS MiB | CPU s | wall, cairn / ogr2ogr |"
  echo "|---|---|---|---|---|"
  echo "| ogr2ogr -f GPKG -t_srs EPSG:4326 | $ow | $om | $oc | |"
  echo "| ./cairn convert (EPSG answers cached) | $cw | $cm | $cc | $(awk -v a="$cw" -v b="$ow" 'BEGIN {printf "%.1f×", a / b}') |"
  echo "| ./cairn convert, cold EPSG cache | $kw | $km | $kc | $(awk -v a="$kw" -v b="$ow" 'BEGIN {printf "%.1f×", a / b}') |"
}
if [ -n "$results" ]; then table > "$results"; else table; fi
