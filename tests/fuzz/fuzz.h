/* Helpers shared by the libFuzzer targets: a check that aborts (so libFuzzer
 * records the input as a crash) and a reader that takes fixed-size values
 * off the front of the fuzz input. */
#ifndef SVCM_FUZZ_H
#define SVCM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svcm/common.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the library promises; a failure is a bug, not bad input. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* SVCM_FUZZ_LENIENT=1 in the environment skips the checks of error details
 * and of NUL bytes in accepted CSV numbers, so that a known finding of that
 * kind does not stop the search for others (see README.md). Off by default. */
static inline int fuzz_lenient(void)
{
    static int lenient = -1;
    if (lenient < 0) {
        const char *v = getenv("SVCM_FUZZ_LENIENT");
        lenient = v != NULL && v[0] == '1';
    }
    return lenient;
}

typedef struct fuzz_reader {
    const uint8_t *p;
    size_t n;
} fuzz_reader;

/* The next k bytes little-endian (zero-padded once the input runs out). */
static inline uint64_t fuzz_take(fuzz_reader *r, size_t k)
{
    uint64_t v = 0;
    for (size_t i = 0; i < k; i++) {
        if (r->n > 0) {
            v |= (uint64_t)r->p[0] << (8 * i);
            r->p++;
            r->n--;
        }
    }
    return v;
}

/* Copy of data with a NUL after it, for code that might read a C string. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s != NULL) {
        if (size > 0)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Well-formed UTF-8 (RFC 3629), decided by decoding each sequence from its
 * bit pattern and checking the code point: shortest form, not a surrogate,
 * at most U+10FFFF. Independent of the library's table-driven validator.
 * Returns 1 when valid; else 0 with *bad (if not NULL) at the first byte of
 * the first ill-formed sequence. */
static inline int fuzz_utf8_valid(const uint8_t *p, size_t n, size_t *bad)
{
    static const uint32_t min_of[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < n) {
        size_t k = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3
                 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
        uint32_t cp = k == 1 ? p[i] : k == 2 ? p[i] & 0x1Fu : k == 3 ? p[i] & 0x0Fu : p[i] & 0x07u;
        size_t j = 1;
        for (; k > 1 && j < k && i + j < n && (p[i + j] & 0xC0) == 0x80; j++)
            cp = (cp << 6) | (p[i + j] & 0x3Fu);
        if (k == 0 || j < k || cp < min_of[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            if (bad != NULL)
                *bad = i;
            return 0;
        }
        i += k;
    }
    return 1;
}

/* True when msg contains "line N" or "column N" (N a digit). */
static inline int fuzz_names_position(const char *msg)
{
    for (const char *w = msg; *w; w++) {
        size_t n = strncmp(w, "line ", 5) == 0 ? 5 : strncmp(w, "column ", 7) == 0 ? 7 : 0;
        if (n > 0 && w[n] >= '0' && w[n] <= '9')
            return 1;
    }
    return 0;
}

/* The error detail of a refused text (issue 13): the status, a message that
 * does not repeat the position, a 1-based line within the text or just
 * after it (a record missing at the end), or 0 where the header allows it
 * (no_line_ok), a column within that line (0: unknown), and an index that
 * is SVCM_NO_INDEX or a record (row) number below the line count. */
static inline void fuzz_check_line_error(const svcm_error *err, int rc, const uint8_t *data,
                                         size_t size, int no_line_ok)
{
    if (fuzz_lenient())
        return;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    FUZZ_CHECK(err->code == rc);
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
    /* Messages that quote the input never carry or cut a bad sequence. */
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)err->message, strlen(err->message), NULL));
    /* Quoted input may spell anything; the library's own words never
     * carry the position (they used to begin "line N:"). */
    FUZZ_CHECK(strncmp(err->message, "line ", 5) != 0);
    if (strchr(err->message, '\'') == NULL)
        FUZZ_CHECK(!fuzz_names_position(err->message));
    FUZZ_CHECK(err->index == SVCM_NO_INDEX || err->index < lines);
    /* Invalid UTF-8 is refused at the line and column of its first bad byte. */
    size_t bad = 0;
    if (!fuzz_utf8_valid(data, size, &bad) && strcmp(err->message, "invalid UTF-8") == 0) {
        size_t line = 1, bol = 0;
        for (size_t i = 0; i < bad; i++)
            if (data[i] == '\n') {
                line++;
                bol = i + 1;
            }
        FUZZ_CHECK(err->line == line && err->column == bad - bol + 1);
    }
    if (err->line == 0) {
        FUZZ_CHECK(no_line_ok && err->column == 0);
        return;
    }
    FUZZ_CHECK(err->line <= lines + 1);
    /* The column lies within its line, or just past its end. */
    size_t at = 0, line = 1;
    while (at < size && line < err->line)
        line += data[at++] == '\n';
    size_t len = 0;
    while (at + len < size && data[at + len] != '\n')
        len++;
    FUZZ_CHECK(err->column <= len + 1);
}

#endif /* SVCM_FUZZ_H */
