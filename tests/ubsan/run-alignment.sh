#!/bin/sh
# Misaligned loads: build the library and the Python extension with
# UndefinedBehaviorSanitizer's alignment check, made fatal, and run the
# Python test that feeds misaligned buffers of every numeric format and byte
# order to every batch function (bindings/python/tests/test_convert.py).
# The C library dereferences double / int64_t pointers, so the binding must
# hand it aligned memory; a misaligned load anywhere aborts with a report.
#
#   tests/ubsan/run-alignment.sh [build-dir]     (default: build-ubsan-align)
#
# Uses gcc (its libubsan is a shared library that the extension loads) and
# the Python that runs Meson, which is the one the extension is built for
# (PYTHON overrides it).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-ubsan-align}
flags='-fsanitize=alignment -fno-sanitize-recover=alignment'
if [ ! -f "$build/build.ninja" ]; then
    CC=${CC:-gcc} meson setup "$build" "$src" -Dc_args="$flags" -Dc_link_args="$flags" \
        -Db_lundef=false -Dpython=enabled -Dlua=disabled -Dcli=false -Dtests=false >/dev/null
fi
ninja -C "$build"
build=$(cd "$build" && pwd)
python=${PYTHON:-$(sed -n '1s/^#! *//p' "$(command -v meson)")}
cd "$src/bindings/python/tests"
UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
PYTHONPATH="$build" PYTHONDONTWRITEBYTECODE=1 PYTHONMALLOC=malloc \
    $python -m unittest -v test_convert
