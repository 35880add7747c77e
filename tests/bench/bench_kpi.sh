#!/usr/bin/env bash
# Benchmark: svcm kpi on a large tickets file (issue 18, "svcm kpi --by, 5 M
# tickets: <= 3 s and <= 64 MB"; item 2, streaming CLI). Generates TICKETS
# (default 5,000,000) tickets with `svcm demo --data-only` in a temporary
# directory, runs `svcm kpi` grouped by channel (3 groups) and by agent (12),
# from the file and from standard input, and prints wall time, CPU time (user
# + system) and peak RSS of each run beside the target and the figures of
# the whole-file version it replaced. The machine may be shared: compare CPU
# time. Figures only: nothing is asserted.
# usage: bench_kpi.sh SVCM [TICKETS]
set -euo pipefail
svcm=$1
tickets=${2:-5000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$svcm" demo --dir "$dir" --data-only --tickets "$tickets" --customers 10 --answers 10 >/dev/null
t="$dir/tickets.csv"
echo "input: $(wc -l < "$t") lines, $(du -h "$t" | cut -f1) ($tickets tickets)"
printf '%-34s %8s %8s %9s   %s\n' "run" "wall s" "CPU s" "peak MB" \
  "target (issue 18): <= 3 s, <= 64 MB (before, 5 M: 12.6 s, 1.0 GB)"
report() {
  local name=$1
  read -r wall user sys kb < "$dir/time"
  printf '%-34s %8s %8.2f %9.1f   <= 3 s, <= 64 MB\n' "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
    "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$svcm" "$@" >/dev/null 2>"$dir/err" || {
    cat "$dir/err" >&2
    exit 1
  }
  report "$name"
}
run "kpi --by channel" kpi "$t" --by channel --format csv --output "$dir/out.csv"
run "kpi --by agent" kpi "$t" --by agent --format csv --output "$dir/out.csv"
run "kpi (one group)" kpi "$t" --format csv --output "$dir/out.csv"
run "kpi --by channel --invalid skip" kpi "$t" --by channel --invalid skip --format csv \
  --output "$dir/out.csv"
/usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$svcm" kpi - --by channel --format csv \
  --output "$dir/out.csv" < "$t" 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
report "kpi - --by channel (stdin)"
