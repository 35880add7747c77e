#!/usr/bin/env bash
# svcm quick start: install the build dependencies (Debian), build into
# build/, and run `svcm demo`: it writes a synthetic help-desk data set into
# svcm-demo/ and runs every svcm command on it (tiers, ticket and survey KPIs,
# dispatch order, a PDCA Check, Erlang C staffing), with SVG charts.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release >/dev/null
fi
ninja -C build >/dev/null
exec build/src/cli/svcm demo --dir svcm-demo "$@"
