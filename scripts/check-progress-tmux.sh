#!/usr/bin/env bash
# Checks the progress bar in a real terminal: runs cairn inside a detached tmux session
# (120x30), captures the pane a few times during a conversion of 300,000 generated features,
# and checks that the bar line (percent, assets, features, features/s, ETA) is drawn in place and
# that the run ends with the summary. Needs tmux and a built jar (cli/target/cairn.jar); the input
# is written by the sample-data generator (scripts/sample-classpath.sh).
# Exit 0 when the bar looks right, 1 otherwise; prints the captured panes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$here/cli/target/cairn.jar"
command -v tmux >/dev/null || { echo "tmux is not installed" >&2; exit 1; }
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 1; }
sample_cp=$("$here/scripts/sample-classpath.sh")

work=$(mktemp -d)
session="cairn-progress-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/Gen.java" <<'JAVA'
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Path;
import java.util.List;

public class Gen {
    public static void main(String[] a) {
        for (int i = 0; i < 6; i++) {
            SampleData.writeGpkg(Path.of(a[0], "part" + i + ".gpkg"),
                    List.of(new LayerSpec("pts", GeometryKind.POINT, 2056, 50_000)), 100 + i);
        }
    }
}
JAVA
java -Dderby.stream.error.field=dev.cairn.geo.sample.SampleData.DERBY_LOG -cp "$sample_cp" "$work/Gen.java" "$work/in"

tmux new-session -d -s "$session" -x 120 -y 30 \
  "java -jar '$jar' convert '$work/in' -o '$work/out' --workers 2; echo CAIRN_EXIT=\$?; sleep 300"
bar_seen=0
for _ in $(seq 1 60); do
  sleep 1
  pane=$(tmux capture-pane -p -t "$session")
  if grep -Eq '^cairn +[0-9]+% \[[=> ]+\] [0-9]+/6 assets \| [0-9,]+/300,000 features \| [0-9,]+ features/s \| ETA [0-9?:]+' <<<"$pane"; then
    bar_seen=$((bar_seen + 1))
    echo "--- pane while running:"; grep -v '^$' <<<"$pane"
  fi
  if grep -q '^CAIRN_EXIT=' <<<"$pane"; then
    break
  fi
done
echo "--- final pane:"; grep -v '^$' <<<"$pane"
fail=0
[ "$bar_seen" -ge 1 ] || { echo "FAIL: no progress bar line seen" >&2; fail=1; }
grep -q '^CAIRN_EXIT=0' <<<"$pane" || { echo "FAIL: cairn did not exit 0" >&2; fail=1; }
grep -q '^cairn: job .* finished: 6 done' <<<"$pane" || { echo "FAIL: no summary" >&2; fail=1; }
grep -Eq '^cairn 100% .* 6/6 assets \| 300,000/300,000 features' <<<"$pane" || { echo "FAIL: bar did not end at 100%" >&2; fail=1; }
[ "$(grep -c '% \[' <<<"$pane")" -eq 1 ] || { echo "FAIL: the bar was not redrawn in place (several bar lines)" >&2; fail=1; }
[ "$fail" = 0 ] && echo "OK: progress bar drawn in place, ends at 100% with the summary"
exit "$fail"
