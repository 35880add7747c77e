#!/usr/bin/env bash
# svcm quick start: install the build dependencies (Debian), build into
# build/, and run the tour of the library over the shared CDNOW data.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release >/dev/null
fi
ninja -C build >/dev/null
exec build/examples/tour "$@"
