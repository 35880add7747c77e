#!/usr/bin/env bash
# Benchmark: `svcm segment` end to end (CSV parsing, RFM fit, tiers, summary,
# per-customer CSV output) on a 1,000,000-row customers file made by
# `svcm demo --data-only`. Prints wall time and peak memory of 3 runs.
set -euo pipefail
svcm=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$svcm" demo --data-only --customers 1000000 --tickets 10 --answers 10 --dir "$dir" >/dev/null
echo "input: $(wc -l < "$dir/customers.csv") lines, $(du -h "$dir/customers.csv" | cut -f1)"
for i in 1 2 3; do
  /usr/bin/time -f "svcm segment 1M rows: %e s wall, %M KB peak" \
    "$svcm" segment "$dir/customers.csv" --format csv --output "$dir/out.csv"
done 2>&1
