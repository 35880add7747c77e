/* Private helpers shared by svcm's source files. Not installed. */
#ifndef SVCM_INTERNAL_H
#define SVCM_INTERNAL_H

#include <math.h>
#include <string.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcm/common.h"

#if defined(__GNUC__) || defined(__clang__)
#define SVCM__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SVCM__LIKELY(x) __builtin_expect(!!(x), 1)
#define SVCM__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SVCM__PRINTF(f, a)
#define SVCM__LIKELY(x) (x)
#define SVCM__UNLIKELY(x) (x)
#endif

/* A caller's allocator is NULL (libc) or complete: otherwise SVCM_EINVAL,
 * field "alloc", "allocator is missing its <name> function" in *err (if
 * not NULL). Public functions check before allocating anything. */
int svcm__allocator_check(const svcm_allocator *src, svcm_error *err);
/* The allocator an object keeps: a copy of the caller's, or libc's when src
 * is NULL; SVCM_EINVAL as svcm__allocator_check (dst untouched). */
int svcm__allocator_resolve(svcm_allocator *dst, const svcm_allocator *src,
                            svcm_error *err);

/* Allocation through an allocator; NULL allocator means libc. Sizes of 0 are
 * rounded up to 1 so that NULL always means failure. */
void *svcm__alloc(const svcm_allocator *a, size_t size);
void *svcm__realloc(const svcm_allocator *a, void *ptr, size_t size);
void svcm__free(const svcm_allocator *a, void *ptr);
/* count * size with overflow check; returns NULL on overflow. Zeroed. */
void *svcm__calloc(const svcm_allocator *a, size_t count, size_t size);
/* Grow *ptr (of *cap elements of elem bytes) to hold at least need elements.
 * Returns SVCM_OK or SVCM_ENOMEM (ptr and cap unchanged). */
int svcm__grow(const svcm_allocator *a, void **ptr, size_t *cap, size_t need,
               size_t elem);
/* Duplicate a NUL-terminated string (NULL gives NULL with SVCM_OK). */
int svcm__strdup(const svcm_allocator *a, const char *s, char **out);

/* ASCII case-insensitive name matching for the *_parse functions:
 * svcm__name_eq compares two names; svcm__name_index returns the position
 * of name in names[0..n), or -1. */
bool svcm__name_eq(const char *a, const char *b);
int svcm__name_index(const char *name, const char *const *names, int n);

/* Strict UTF-8 (RFC 3629, the Unicode "well-formed" table): true when
 * s[0..len) is valid. Overlong forms, surrogates (U+D800..U+DFFF), code
 * points above U+10FFFF, bytes C0, C1, F5..FF, stray continuation bytes and
 * sequences cut short (also by the end of the text) are invalid; on failure
 * *bad_offset (if not NULL) receives the offset of the first byte of the
 * first ill-formed sequence. NUL is U+0000, valid here: each caller keeps
 * its own rule for NUL bytes. s may be NULL when len is 0. */
bool svcm__utf8_check(const char *s, size_t len, size_t *bad_offset);

/* The longest prefix of s[0..len) of at most max bytes that does not end
 * inside a UTF-8 sequence, for quoting input in a message. */
size_t svcm__utf8_prefix(const char *s, size_t len, size_t max);

/* The 1-based line of byte offset off in text (lines end in '\n'). */
size_t svcm__line_of(const char *text, size_t off);

/* The 1-based byte column of offset off in its line of text. */
size_t svcm__column_of(const char *text, size_t off);

/* For the line-oriented text parsers: SVCM_OK when text[0..len) is valid
 * UTF-8, else fills *err with SVCM_EFORMAT, index SVCM_NO_INDEX, line and
 * column of the first bad byte, field, and "invalid UTF-8", and returns
 * SVCM_EFORMAT. */
int svcm__utf8_text(const char *text, size_t len, const char *field, svcm_error *err);

/* Fill *err (if not NULL) and return code. index may be SVCM_NO_INDEX, field
 * may be NULL (it must be a static string). */
int svcm__error(svcm_error *err, int code, size_t index, const char *field,
                const char *fmt, ...) SVCM__PRINTF(5, 6);
/* The error of a failed svcm_X_load(buf, len, ..., out, err) whose
 * implementation returned rc: "buf" or "out" is NULL (SVCM_EINVAL), the bytes
 * are not a `what` saved by this library (SVCM_EFORMAT), or memory ran out.
 * Returns rc (SVCM_OK untouched). */
int svcm__load_error(svcm_error *err, int rc, const void *buf, const char *what);
/* The error of a failed svcm_X_new(opts, alloc, out, err): "out" (or, with
 * opts_required, "opts") is NULL, the settings are invalid (see `type`), or
 * memory ran out. Returns rc. */
int svcm__new_error(svcm_error *err, int rc, const void *opts, bool opts_required,
                    const void *out, const char *type);
/* svcm__error with a position in text: 1-based line and column (0 when
 * unknown); the message must not repeat the position. */
int svcm__error_at(svcm_error *err, int code, size_t index, size_t line,
                   size_t column, const char *field, const char *fmt, ...)
    SVCM__PRINTF(7, 8);

static inline bool svcm__finite(double x) { return isfinite(x) != 0; }

/* The table texts (ITIL, problem grading): a separator is a blank, a tab,
 * a CR or a comma. */
static inline bool svcm__table_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == ',';
}

/* Whether text[p, end) begins with the keyword w (wl bytes) followed by a
 * separator or the end of the line. */
static inline bool svcm__table_word(const char *text, size_t p, size_t end, const char *w,
                                    size_t wl)
{
    return end - p >= wl && memcmp(text + p, w, wl) == 0 &&
           (end - p == wl || svcm__table_space(text[p + wl]));
}

/* The rest of a keyword line, text[q, end): one decimal number between
 * separators. True with *v its value (any value above 1000 reads as some
 * number above 1000) and *at the offset of its first digit; false with *at
 * the offset to report: where the digits should start when there are none,
 * else the first byte after the number that is not a separator. */
static inline bool svcm__table_number(const char *text, size_t q, size_t end, int *v,
                                      size_t *at)
{
    while (q < end && svcm__table_space(text[q]))
        q++;
    size_t start = q;
    int n = 0;
    while (q < end && text[q] >= '0' && text[q] <= '9') {
        if (n <= 1000)
            n = n * 10 + (text[q] - '0');
        q++;
    }
    size_t stop = q;
    while (q < end && svcm__table_space(text[q]))
        q++;
    if (start == stop || q != end) {
        *at = start == stop ? start : q;
        return false;
    }
    *v = n;
    *at = start;
    return true;
}

/* log|Gamma(x)| without a data race: lgamma() stores the sign in the global
 * signgam, so two threads calling it race (ThreadSanitizer reports it);
 * lgamma_r() returns the sign instead. lgamma_r is in the libm of glibc, musl
 * and the BSDs (the build checks for it) but strict C11 headers do not
 * declare it. */
double lgamma_r(double x, int *sign);
static inline double svcm__lgamma(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

/* Numbers in the text formats (numtext.c): one writer and one parser, the
 * same for every format, neither affected by the LC_NUMERIC locale.
 *
 * Accepted forms (the whole token, nothing else): a decimal
 *     ["-"] (1*DIGIT ["." *DIGIT] / "." 1*DIGIT) [("e" / "E") ["+" / "-"] 1*DIGIT]
 * of at most SVCM__NUMBER_TOKEN_MAX bytes, read as the nearest double
 * (below the smallest subnormal: zero of the same sign), and exactly the
 * words "inf", "-inf" and "nan" (lower case). Refused: a leading '+',
 * leading or trailing blanks (the caller splits tokens), hexadecimal
 * ("0x1p3"), other spellings of infinity or NaN ("INF", "infinity",
 * "+inf", "-nan", "nan(1)"), a decimal comma, and a decimal beyond the
 * double range ("1e999" is SVCM_ERANGE, never infinity). Callers that
 * want a finite number refuse inf and nan themselves. */
#define SVCM__NUMBER_TOKEN_MAX 63
/* svcm__parse_double: s[0..n) (need not be NUL-terminated) into *out.
 * SVCM_OK; SVCM_EFORMAT for anything not in the forms above (NULL s or
 * out, n == 0, n > SVCM__NUMBER_TOKEN_MAX included); SVCM_ERANGE for a
 * decimal whose magnitude rounds beyond DBL_MAX. *out is written only on
 * SVCM_OK. Thread-safe. */
int svcm__parse_double(const char *s, size_t n, double *out);
/* Room for any svcm__format_double text, its NUL included. */
#define SVCM__DOUBLE_TEXT_MAX 32
/* svcm__format_double: v as the decimal with the fewest significant
 * digits that svcm__parse_double reads back to the same double (0.1 is
 * "0.1", -0.0 is "-0"), laid out as printf's "%.{P}g" with P the larger
 * of 15 and that digit count (exponent form "1e+23", "5e-324" when the
 * decimal exponent is below -4 or at least P); +inf, -inf and NaN are
 * "inf", "-inf" and "nan". Writes a NUL-terminated text into buf and
 * returns its length (without the NUL). Thread-safe. */
size_t svcm__format_double(double v, char buf[SVCM__DOUBLE_TEXT_MAX]);

#endif /* SVCM_INTERNAL_H */
