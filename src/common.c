/* Status codes, error detail, allocator plumbing and version. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *svcm_strerror(int rc)
{
    switch (rc) {
#define SVCM__MSG(name, value, msg)                                            \
    case value:                                                                \
        return msg;
        SVCM_ERRORS(SVCM__MSG)
#undef SVCM__MSG
    default:
        return "unknown error";
    }
}

const char *svcm_status_name(int rc)
{
    switch (rc) {
#define SVCM__NAME(name, value, msg)                                           \
    case value:                                                                \
        return "SVCM_" #name;
        SVCM_ERRORS(SVCM__NAME)
#undef SVCM__NAME
    default:
        return "SVCM_EUNKNOWN";
    }
}

void svcm_error_clear(svcm_error *err)
{
    if (err == NULL)
        return;
    err->code = SVCM_OK;
    err->index = SVCM_NO_INDEX;
    err->line = 0;
    err->column = 0;
    err->field = NULL;
    err->message[0] = '\0';
}

static int error_fill(svcm_error *err, int code, size_t index, size_t line,
                      size_t column, const char *field, const char *fmt,
                      va_list ap) SVCM__PRINTF(7, 0);

static int error_fill(svcm_error *err, int code, size_t index, size_t line,
                      size_t column, const char *field, const char *fmt,
                      va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->index = index;
    err->line = line;
    err->column = column;
    err->field = field;
    err->message[0] = '\0';
    if (fmt != NULL) {
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (n >= (int)sizeof err->message) {
            /* Truncated: do not leave half of a UTF-8 sequence at the end. */
            size_t end = sizeof err->message - 1;
            while (end > 0 && ((unsigned char)err->message[end - 1] & 0xC0) == 0x80)
                end--;
            if (end > 0 && ((unsigned char)err->message[end - 1] & 0xC0) == 0xC0)
                end--;
            err->message[end] = '\0';
        }
    } else {
        snprintf(err->message, sizeof err->message, "%s", svcm_strerror(code));
    }
    return code;
}

int svcm__error(svcm_error *err, int code, size_t index, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = error_fill(err, code, index, 0, 0, field, fmt, ap);
    va_end(ap);
    return rc;
}

int svcm__error_at(svcm_error *err, int code, size_t index, size_t line,
                   size_t column, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = error_fill(err, code, index, line, column, field, fmt, ap);
    va_end(ap);
    return rc;
}

bool svcm__name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

int svcm__name_index(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (svcm__name_eq(name, names[i]))
            return i;
    return -1;
}

bool svcm__utf8_check(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* The lead byte fixes the number of continuation bytes and the range
         * of the first one (Unicode 15, table 3-7): E0 and F0 exclude
         * overlongs, ED the surrogates, F4 everything above U+10FFFF. */
        size_t more;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            break; /* 80..C1 (continuation or overlong lead), F5..FF */
        }
        if (len - i - 1 < more || p[i + 1] < lo || p[i + 1] > hi)
            break;
        size_t k = 2;
        while (k <= more && (p[i + k] & 0xC0) == 0x80)
            k++;
        if (k <= more)
            break;
        i += more + 1;
    }
    if (i == len)
        return true;
    if (bad_offset != NULL)
        *bad_offset = i;
    return false;
}

size_t svcm__utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    /* s[n] is the first byte cut off: back up while it continues a sequence. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t svcm__line_of(const char *text, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

size_t svcm__column_of(const char *text, size_t off)
{
    size_t bol = off;
    while (bol > 0 && text[bol - 1] != '\n')
        bol--;
    return off - bol + 1;
}

int svcm__utf8_text(const char *text, size_t len, const char *field, svcm_error *err)
{
    size_t bad = 0;
    if (svcm__utf8_check(text, len, &bad))
        return SVCM_OK;
    /* The position goes into line/column only (issue 13: one place). */
    return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, svcm__line_of(text, bad),
                          svcm__column_of(text, bad), field, "invalid UTF-8");
}

const char *svcm_version(void) { return SVCM_VERSION_STRING; }

unsigned svcm_version_number(void) { return SVCM_VERSION_HEX; }

static void *libc_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static const svcm_allocator libc_allocator = {libc_alloc, libc_realloc, libc_free, NULL};

int svcm__allocator_check(const svcm_allocator *src, svcm_error *err)
{
    /* Refused rather than patched with libc: mixing the caller's alloc with
     * libc's free would corrupt one of the two heaps. */
    const char *missing = NULL;
    if (src == NULL)
        return SVCM_OK;
    if (src->alloc == NULL)
        missing = "alloc";
    else if (src->realloc == NULL)
        missing = "realloc";
    else if (src->free == NULL)
        missing = "free";
    if (missing == NULL)
        return SVCM_OK;
    return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "alloc",
                       "allocator is missing its %s function", missing);
}

int svcm__allocator_resolve(svcm_allocator *dst, const svcm_allocator *src,
                            svcm_error *err)
{
    int rc = svcm__allocator_check(src, err);
    if (rc == SVCM_OK)
        *dst = src != NULL ? *src : libc_allocator;
    return rc;
}

void *svcm__alloc(const svcm_allocator *a, size_t size)
{
    if (a == NULL)
        a = &libc_allocator;
    return a->alloc(a->ctx, size ? size : 1);
}

void *svcm__realloc(const svcm_allocator *a, void *ptr, size_t size)
{
    if (a == NULL)
        a = &libc_allocator;
    return a->realloc(a->ctx, ptr, size ? size : 1);
}

void svcm__free(const svcm_allocator *a, void *ptr)
{
    if (ptr == NULL)
        return;
    if (a == NULL)
        a = &libc_allocator;
    a->free(a->ctx, ptr);
}

void *svcm__calloc(const svcm_allocator *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = svcm__alloc(a, count * size);
    if (p != NULL)
        memset(p, 0, (count * size) != 0 ? count * size : 1);
    return p;
}

int svcm__grow(const svcm_allocator *a, void **ptr, size_t *cap, size_t need,
               size_t elem)
{
    if (need <= *cap)
        return SVCM_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return SVCM_ENOMEM;
        ncap *= 2;
    }
    if (elem != 0 && ncap > SIZE_MAX / elem)
        return SVCM_ENOMEM;
    void *p = svcm__realloc(a, *ptr, ncap * elem);
    if (p == NULL)
        return SVCM_ENOMEM;
    *ptr = p;
    *cap = ncap;
    return SVCM_OK;
}

int svcm__strdup(const svcm_allocator *a, const char *s, char **out)
{
    if (s == NULL) {
        *out = NULL;
        return SVCM_OK;
    }
    size_t n = strlen(s) + 1;
    char *p = svcm__alloc(a, n);
    if (p == NULL)
        return SVCM_ENOMEM;
    memcpy(p, s, n);
    *out = p;
    return SVCM_OK;
}

int svcm__load_error(svcm_error *err, int rc, const void *buf, const char *what)
{
    if (rc == SVCM_OK)
        return rc;
    if (rc == SVCM_EINVAL)
        return svcm__error(err, rc, SVCM_NO_INDEX, buf == NULL ? "buf" : "out", "is NULL");
    if (rc == SVCM_EFORMAT)
        return svcm__error(err, rc, SVCM_NO_INDEX, "buf",
                           "not %s saved by this library, or damaged", what);
    return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
}

int svcm__new_error(svcm_error *err, int rc, const void *opts, bool opts_required,
                    const void *out, const char *type)
{
    if (rc == SVCM_OK)
        return rc;
    if (rc != SVCM_EINVAL)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    if (out == NULL || (opts_required && opts == NULL))
        return svcm__error(err, rc, SVCM_NO_INDEX, out == NULL ? "out" : "opts", "is NULL");
    return svcm__error(err, rc, SVCM_NO_INDEX, "opts", "invalid settings (see %s)", type);
}
