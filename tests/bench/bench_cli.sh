#!/usr/bin/env bash
# Benchmark: `svcm segment` end to end (CSV parsing, RFM fit, tiers, summary,
# per-customer CSV output) on customers files of 1,000,000 and 5,000,000 rows
# made by `svcm demo --data-only`. Prints, per size, the best wall time, the
# best CPU time (user + system: the figure to compare on a shared machine)
# and the largest peak resident memory of its runs (/usr/bin/time -f), beside
# the targets of issue 18 and the figures before the reader was reworked
# (csvspeed) and before the output writer and engine were (segperf; CPU).
set -euo pipefail
svcm=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# run ROWS RUNS TARGET: time RUNS runs on a ROWS-row file, print one line.
run() {
  local rows=$1 runs=$2 target=$3 best='' cpu='' peak=0
  "$svcm" demo --data-only --customers "$rows" --tickets 10 --answers 10 \
    --dir "$dir/in" >/dev/null
  local csv="$dir/in/customers.csv"
  local mb=$(( $(stat -c %s "$csv") / 1000000 ))
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" \
      "$svcm" segment "$csv" --format csv --output "$dir/out.csv"
    read -r wall user sys kb < "$dir/time"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
    fi
    local c
    c=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then
      cpu=$c
    fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  printf 'svcm segment %s rows (%s MB of CSV): %s s wall, %s s CPU (best of %s), %s MB peak; %s\n' \
    "$rows" "$mb" "$best" "$cpu" "$runs" $(( peak / 1024 )) "$target"
  rm -rf "$dir/in" "$dir/out.csv"
}

run 1000000 3 'target <= 0.35 s (before: 0.7-1.0 s, 55 MB; before segperf: 0.40 s CPU)'
run 5000000 2 'target <= 1.8 s; anchor: R,F,M columns only 120 MB (before: 3.7 s, 275 MB; before segperf: 2.2-2.5 s CPU)'
