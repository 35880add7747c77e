#!/bin/sh
# Run every libFuzzer target built in BUILD_DIR for SECONDS each, one after
# the other, each on a scratch copy of its seed corpus (corpus/<target>).
# Prints per target the executions and the coverage ("cov:") of libFuzzer's
# final status line. Every crash, leak, timeout or out-of-memory input is
# copied to tests/fuzz/crashes/<target>-<hash>; the script then exits 1.
#
#   tests/fuzz/run.sh [--keep-going] BUILD_DIR SECONDS [TARGET...]
#   tests/fuzz/run.sh --regen BUILD_DIR    rewrite the binary seeds
#
# --keep-going runs libFuzzer with -fork=1 -ignore_crashes=1 so that a
# target goes on after its first crash and can collect several distinct
# ones (the run still fails). Extra libFuzzer flags: FUZZ_FLAGS="...".
set -u

here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = "--regen" ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --regen BUILD_DIR" >&2; exit 2; }
    exec "$2/tests/fuzz/gen_corpus" "$here/corpus"
fi
mode=
if [ "${1:-}" = "--keep-going" ]; then
    mode="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
case $seconds in
    ''|*[!0-9]*) echo "$0: SECONDS must be a whole number" >&2; exit 2 ;;
esac
bindir="$build/tests/fuzz"
[ -d "$bindir" ] || { echo "$0: no fuzz targets in $build (configure with -Dfuzz=true)" >&2; exit 2; }

if [ $# -gt 0 ]; then
    targets="$*"
else
    targets=
    for f in "$bindir"/fuzz_*; do
        [ -f "$f" ] && [ -x "$f" ] && targets="$targets ${f##*/fuzz_}"
    done
fi
[ -n "$targets" ] || { echo "$0: no fuzz targets built in $bindir" >&2; exit 2; }

# The signature of a failing input: the first error line of a re-run plus
# the first stack frame in svcm or CLI code, addresses removed.
signature() {
    "$1" -runs=1 -timeout=10 -rss_limit_mb=2048 "$2" 2>&1 |
        grep -E 'property failed|ERROR: [A-Za-z]+Sanitizer|runtime error|ERROR: libFuzzer| in (svcm|cli)[a-z_0-9]* ' |
        sed 's/^==[0-9]*==//; s/0x[0-9a-f]*//g; s/^ *#[0-9]* *//; s/ (BuildId: [0-9a-f]*)//' |
        head -n 2 | tr '\n' ' '
}

work=$(mktemp -d "${TMPDIR:-/tmp}/svcm-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
crashes="$here/crashes"
status=0

printf '%-22s %12s %8s %8s  %s\n' target execs cov ft result
for t in $targets; do
    exe="$bindir/fuzz_$t"
    if [ ! -x "$exe" ]; then
        echo "$0: $exe not built" >&2
        status=1
        continue
    fi
    mkdir -p "$work/$t/corpus" "$work/$t/art"
    if [ -d "$here/corpus/$t" ]; then
        cp "$here/corpus/$t"/* "$work/$t/corpus/" 2>/dev/null
    fi
    dict=
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    log="$work/$t/log"
    # shellcheck disable=SC2086 # word splitting of the flag lists wanted
    "$exe" "$work/$t/corpus" $dict $mode ${FUZZ_FLAGS:-} -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$work/$t/art/" \
        >"$log" 2>&1
    rc=$?
    # the last status line: "#EXECS ... cov: N ft: N ..." (plain or fork mode)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    execs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
    cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s\n' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    result=ok
    found=0
    # One reproducer per distinct failure (--keep-going finds the same one
    # many times), smallest input first; a failure that matches a
    # reproducer already in crashes/ is reported against that file.
    : >"$work/$t/sigs"
    for k in "$crashes/$t"-*; do
        [ -f "$k" ] || continue
        printf '%s\t%s\n' "$(signature "$exe" "$k")" "${k##*/}" >>"$work/$t/known"
    done
    # shellcheck disable=SC2045 # libFuzzer names: crash-<sha1>, no blanks
    for a in $(ls -rS "$work/$t/art" 2>/dev/null); do
        a="$work/$t/art/$a"
        [ -f "$a" ] || continue
        found=$((found + 1))
        sig=$(signature "$exe" "$a")
        grep -qxF "$sig" "$work/$t/sigs" && continue
        printf '%s\n' "$sig" >>"$work/$t/sigs"
        kind=$(basename "$a" | sed 's/-.*//')
        old=$(grep -F "$sig	" "$work/$t/known" 2>/dev/null | head -n 1 | cut -f2)
        if [ -n "$sig" ] && [ -n "$old" ]; then
            echo "  $t: $kind, known finding crashes/$old"
        else
            h=$(sha1sum "$a" | cut -c1-12)
            mkdir -p "$crashes"
            cp "$a" "$crashes/$t-$h"
            echo "  $t: $kind input saved as $crashes/$t-$h"
        fi
        printf '  | %s\n' "$sig"
    done
    [ $found -gt 1 ] && echo "  $t: $found failing inputs, $(wc -l <"$work/$t/sigs") distinct"
    if [ $rc -ne 0 ] || [ $found -ne 0 ]; then
        result="FAILED (exit $rc)"
        status=1
    fi
    printf '%-22s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
