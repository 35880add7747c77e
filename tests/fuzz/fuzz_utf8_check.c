/* svcm__utf8_check, the one UTF-8 validator behind every text loader,
 * parser and setter, against an independent decoder (fuzz_utf8_valid): the
 * same verdict and the same offset of the first bad byte. For valid input,
 * every svcm__utf8_prefix cut is the longest one that stays valid, and
 * svcm__line_of counts the line feeds before an offset and svcm__column_of
 * the bytes since the last one. */
#include "fuzz.h"

#include "src/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t bad = SIZE_MAX, want = SIZE_MAX;
    int ok = svcm__utf8_check(s, size, &bad);
    int ref = fuzz_utf8_valid(data, size, &want);
    FUZZ_CHECK(ok == ref);
    if (!ok) {
        FUZZ_CHECK(bad == want);
        /* Everything before the bad byte is valid on its own. */
        FUZZ_CHECK(svcm__utf8_check(s, bad, NULL));
        size_t lines = 1;
        for (size_t i = 0; i < bad; i++)
            lines += data[i] == '\n';
        FUZZ_CHECK(svcm__line_of(s, bad) == lines);
        size_t bol = bad;
        while (bol > 0 && data[bol - 1] != '\n')
            bol--;
        FUZZ_CHECK(svcm__column_of(s, bad) == bad - bol + 1);
        return 0;
    }
    FUZZ_CHECK(bad == SIZE_MAX); /* untouched on success */
    for (size_t max = 0; max <= size && max < 64; max++) {
        size_t n = svcm__utf8_prefix(s, size, max);
        FUZZ_CHECK(n <= max);
        FUZZ_CHECK(svcm__utf8_check(s, n, NULL));
        /* Longest: no valid cut between n and max. */
        for (size_t m = n + 1; m <= max; m++)
            FUZZ_CHECK(!svcm__utf8_check(s, m, NULL));
    }
    return 0;
}
