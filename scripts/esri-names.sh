#!/usr/bin/env bash
# Regenerates the table of ESRI CRS names and the EPSG codes they stand for
# (geo/src/main/resources/dev/cairn/geo/shp/esri-names.tsv) from PROJ's proj.db, which takes the
# names from ESRI's projection engine data. Names that stand for more than one EPSG code are left
# out: those .prj files are identified by definition instead.
#   usage: scripts/esri-names.sh [path/to/proj.db]     (needs sqlite3)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${1:-/usr/share/proj/proj.db}
out="$here/geo/src/main/resources/dev/cairn/geo/shp/esri-names.tsv"
mkdir -p "$(dirname "$out")"
{
  echo "# ESRI CRS name<TAB>EPSG code; from PROJ's proj.db ($(sqlite3 "$db" "select value from metadata where key='ESRI.VERSION'"), EPSG $(sqlite3 "$db" "select value from metadata where key='EPSG.VERSION'")); regenerate with scripts/esri-names.sh"
  sqlite3 -separator $'\t' "$db" "
    SELECT alt_name, MIN(code) FROM alias_name
    WHERE source = 'ESRI' AND auth_name = 'EPSG' AND table_name IN ('projected_crs', 'geodetic_crs')
    GROUP BY alt_name HAVING COUNT(DISTINCT code) = 1
    ORDER BY alt_name"
} > "$out"
echo "wrote $(($(wc -l < "$out") - 1)) names to $out" >&2
