#!/usr/bin/env bash
# Benchmark: streaming of a transaction log (issue 18, "Streaming CLI").
# `svcm customers` and `svcm segment --transactions` on a log of ROWS
# (default 5,000,000) line items of about 100,000 customers made by
# gen_transactions.py; prints wall time and peak RSS of each run beside the
# streaming target of issue 18 (kpi --by on 5 M rows: <= 3 s, <= 64 MB).
# Figures only: nothing is asserted.
# usage: bench_stream.sh SVCM GEN_TRANSACTIONS.py [ROWS]
set -euo pipefail
svcm=$1
gen=$2
rows=${3:-5000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$gen" "$dir/log.csv" "$rows" $((rows / 50)) 1
echo "input: $(wc -l < "$dir/log.csv") lines, $(du -h "$dir/log.csv" | cut -f1)"
printf '%-44s %9s %11s   %s\n' "run" "wall s" "peak MB" "target (issue 18, streaming)"
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$svcm" "$@" >/dev/null 2>"$dir/err" || {
    cat "$dir/err" >&2
    exit 1
  }
  read -r wall kb < "$dir/time"
  printf '%-44s %9s %11.1f   <= 3 s, <= 64 MB\n' "$name" "$wall" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}
for i in 1 2; do
  run "customers --period day ($i)" customers "$dir/log.csv" --as-of 2025-12-31 \
    --format csv --output "$dir/out.csv"
done
run "customers --period week" customers "$dir/log.csv" --as-of 2025-12-31 --period week \
  --format csv --output "$dir/out.csv"
run "customers --as-of 2024-12-31 (half cut)" customers "$dir/log.csv" --as-of 2024-12-31 \
  --format csv --output "$dir/out.csv"
run "segment --transactions" segment --transactions "$dir/log.csv" --as-of 2025-12-31 \
  --format csv --output "$dir/out.csv"
