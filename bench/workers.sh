#!/usr/bin/env bash
# End-to-end throughput of scale-out: the 2,000-file bench converted by 1, 2 and 4 cairn processes
# sharing one local PostgreSQL store, one thread each (the first process plans the job and works on
# it, the others are `cairn worker`s started once the plan is there).
# Usage: bench/workers.sh [DATA_DIR] [COUNTS]
#   DATA_DIR  holds small/part_NNNN.gpkg, made by ../shared/bench/make_bench_data.sh, e.g.
#             RASTER_SIZE=64 N_BIG=1000 ../shared/bench/make_bench_data.sh /tmp/geobench-small
#             (default /tmp/geobench-small)
#   COUNTS    process counts to measure (default "1 2 4")
# Env:
#   THREADS          --workers of each process (default 1)
#   CAIRN_JAVA_OPTS  JVM options of every process (default: the launcher's -Xmx1g -XX:MaxNewSize=96m)
#   PG_BIN           PostgreSQL server binaries (default: the newest /usr/lib/postgresql/*/bin)
# Starts a throwaway cluster as the tests do (initdb + pg_ctl, as user postgres when run as root,
# on a free port, fsync=off), one new database per measurement, and removes it all at the end.
# Prints one Markdown row per count: processes, wall seconds (first start to last exit, JVM
# start-ups and planning included), files/s, and how many files each process completed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/geobench-small}
counts=${2:-1 2 4}
threads=${THREADS:-1}
opts=${CAIRN_JAVA_OPTS:--Xmx1g -XX:MaxNewSize=96m}
jar="$here/cli/target/cairn.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
[ -d "$data/small" ] || { echo "no $data/small: make it with make_bench_data.sh (see the header)" >&2; exit 2; }
files=$(find "$data/small" -name '*.gpkg' | wc -l)

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
work=$(mktemp -d)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync > "$work/initdb.log"
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w -o \
  "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start > /dev/null
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2> /dev/null || true; done
  as_pg "$bin/pg_ctl" -D "$work/data" -m immediate -w stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
sql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt "$@"; }

echo "| processes × threads | wall s | files/s | files done per process |"
echo "|---|---|---|---|"
for n in $counts; do
  db="bench_$n"
  sql -d postgres -c "CREATE DATABASE $db" > /dev/null
  url="postgresql://127.0.0.1:$port/$db?user=postgres"
  out="$work/out_$n"
  pids=()
  start=$(date +%s.%N)
  java @"$here/cli/jvm.options" $opts -jar "$jar" convert "$data/small" -o "$out" --to EPSG:4326 --workers "$threads" --store "$url" \
    -q --json > "$work/starter_$n.out" 2> "$work/starter_$n.err" &
  pids+=($!)
  if [ "$n" -gt 1 ]; then
    # the workers join once every file is planned (a worker that finds nothing pending ends)
    until [ "$(sql -d "$db" -c "SELECT count(*) FROM cairn.asset" 2> /dev/null || echo 0)" = "$files" ]; do
      kill -0 "${pids[0]}" 2> /dev/null || { echo "the first process ended early" >&2; tail -5 "$work/starter_$n.err" >&2; exit 1; }
      sleep 0.05
    done
    for i in $(seq 2 "$n"); do
      java @"$here/cli/jvm.options" $opts -jar "$jar" worker --store "$url" --workers "$threads" -q > "$work/worker_${n}_$i.out" 2> "$work/worker_${n}_$i.err" &
      pids+=($!)
    done
  fi
  for p in "${pids[@]}"; do wait "$p" || { echo "a process of the $n-process run failed" >&2; exit 1; }; done
  end=$(date +%s.%N)
  pids=()
  done_count=$(sql -d "$db" -c "SELECT count(*) FROM cairn.asset WHERE state = 'done'")
  [ "$done_count" = "$files" ] || { echo "$n processes: $done_count of $files files done" >&2; exit 1; }
  per=$(sql -d "$db" -c "SELECT string_agg(n::text, ' / ' ORDER BY n DESC) FROM (SELECT count(*) AS n FROM cairn.event WHERE kind = 'done' GROUP BY worker) t")
  python3 -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); print('| %s × %s | %.1f | %.0f | %s |' % (sys.argv[3], sys.argv[4], w, int(sys.argv[5])/w, sys.argv[6]))" \
    "$start" "$end" "$n" "$threads" "$files" "$per"
  rm -rf "$out"
done
