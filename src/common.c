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
    err->field = NULL;
    err->message[0] = '\0';
}

int svcm__error(svcm_error *err, int code, size_t index, const char *field,
                const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->index = index;
    err->field = field;
    err->message[0] = '\0';
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
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

void svcm__allocator_resolve(svcm_allocator *dst, const svcm_allocator *src)
{
    *dst = (src != NULL && src->alloc && src->realloc && src->free) ? *src : libc_allocator;
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
