/* Tests of status codes, error detail, allocator plumbing, version, tiers,
 * and the private byte reader/writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "internal.h"
#include "svcm.h"

static void test_strerror_never_null_and_names_every_code(void **state)
{
    (void)state;
    for (int rc = -100; rc <= 5; rc++) {
        assert_non_null(svcm_strerror(rc));
        assert_non_null(svcm_status_name(rc));
    }
    assert_string_equal(svcm_strerror(SVCM_OK), "success");
    assert_string_equal(svcm_strerror(SVCM_EINVAL), "invalid argument");
    assert_string_equal(svcm_strerror(-99), "unknown error");
    assert_string_equal(svcm_status_name(SVCM_ENOMEM), "SVCM_ENOMEM");
    assert_string_equal(svcm_status_name(-99), "SVCM_EUNKNOWN");
}

static void test_status_codes_are_negative_distinct_and_stable(void **state)
{
    (void)state;
    /* Codes are part of the ABI: pin their values. */
    assert_int_equal(SVCM_OK, 0);
    assert_int_equal(SVCM_EINVAL, -1);
    assert_int_equal(SVCM_ENOMEM, -2);
    assert_int_equal(SVCM_ERANGE, -3);
    assert_int_equal(SVCM_ESTATE, -4);
    assert_int_equal(SVCM_EFORMAT, -5);
    assert_int_equal(SVCM_EEMPTY, -6);
    assert_int_equal(SVCM_ENOTFOUND, -7);
    assert_int_equal(SVCM_EMISMATCH, -8);
    assert_int_equal(SVCM_ENOCONV, -9);
    assert_int_equal(SVCM_ENOSPC, -10);
    assert_int_equal(SVCM_EEXIST, -11);
    assert_int_equal(SVCM_EIO, -12);
    int seen[16] = {0};
#define CHECK_CODE(name, value, msg)                                           \
    assert_true((value) <= 0 && (value) > -16);                                \
    assert_int_equal(seen[-(value)]++, 0);                                     \
    assert_true(strlen(msg) > 0);
    SVCM_ERRORS(CHECK_CODE)
#undef CHECK_CODE
}

static void test_error_detail_is_filled_and_cleared(void **state)
{
    (void)state;
    svcm_error err;
    assert_int_equal(svcm__error(&err, SVCM_EINVAL, 7, "score", "score %d is outside 0..10", 11),
                     SVCM_EINVAL);
    assert_int_equal(err.code, SVCM_EINVAL);
    assert_int_equal(err.index, 7);
    assert_string_equal(err.field, "score");
    assert_string_equal(err.message, "score 11 is outside 0..10");
    svcm_error_clear(&err);
    assert_int_equal(err.code, SVCM_OK);
    assert_true(err.index == SVCM_NO_INDEX);
    assert_null(err.field);
    assert_string_equal(err.message, "");
    svcm_error_clear(NULL);
    assert_int_equal(svcm__error(NULL, SVCM_ENOMEM, 0, NULL, "x"), SVCM_ENOMEM);
    assert_int_equal(svcm__error(&err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL), SVCM_ENOMEM);
    assert_string_equal(err.message, "out of memory");
}

static void test_error_message_truncates_on_a_utf8_boundary(void **state)
{
    (void)state;
    char big[400];
    /* 'é' is two bytes; fill so that the cut falls inside a sequence. */
    size_t pos = 0;
    big[pos++] = 'a';
    while (pos + 2 < sizeof big) {
        big[pos++] = (char)0xC3;
        big[pos++] = (char)0xA9;
    }
    big[pos] = '\0';
    svcm_error err;
    svcm__error(&err, SVCM_EINVAL, 0, NULL, "%s", big);
    size_t n = strlen(err.message);
    assert_true(n < sizeof err.message);
    assert_true(n % 2 == 1); /* 'a' plus whole two-byte sequences */
    assert_true(((unsigned char)err.message[n - 1]) == 0xA9);
}

/* svcm__utf8_check on a malloc'ed copy of exactly len bytes, so that ASan
 * catches a read past the end. Returns the bad offset, or SIZE_MAX. */
static size_t utf8_bad_offset(const char *s, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    size_t bad = SIZE_MAX - 1;
    bool ok = svcm__utf8_check(copy, len, &bad);
    free(copy);
    if (ok) {
        assert_true(bad == SIZE_MAX - 1); /* untouched on success */
        return SIZE_MAX;
    }
    assert_true(bad < len);
    return bad;
}

#define U8(lit) lit, sizeof lit - 1

static void test_utf8_check_accepts_well_formed_sequences(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        const char *what;
    } ok[] = {
        {U8(""), "empty"},
        {U8("plain ASCII ~\x7F"), "ASCII up to DEL"},
        {U8("a\0b"), "NUL is U+0000 (callers keep their own NUL rule)"},
        {U8("\xC2\x80"), "U+0080, first two-byte"},
        {U8("\xDF\xBF"), "U+07FF, last two-byte"},
        {U8("\xE0\xA0\x80"), "U+0800, first three-byte"},
        {U8("\xED\x9F\xBF"), "U+D7FF, just below the surrogates"},
        {U8("\xEE\x80\x80"), "U+E000, just above the surrogates"},
        {U8("\xEF\xBF\xBD"), "U+FFFD replacement character"},
        {U8("\xEF\xBF\xBE\xEF\xBF\xBF"), "U+FFFE, U+FFFF: noncharacters are well-formed"},
        {U8("\xF0\x90\x80\x80"), "U+10000, first four-byte"},
        {U8("\xF4\x8F\xBF\xBF"), "U+10FFFF, last code point"},
        /* Markus Kuhn, UTF-8 decoder capability and stress test, 1. */
        {U8("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"), "Kuhn 1: kosme"},
        {U8("caf\xC3\xA9"), "cafe with e-acute"},
        {U8("\xE6\x9D\xB1\xE4\xBA\xAC"), "Tokyo in kanji"},
        {U8("\xF0\x9F\x98\x80 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), "emoji with a skin tone"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (utf8_bad_offset(ok[i].s, ok[i].len) != SIZE_MAX)
            fail_msg("%s: refused", ok[i].what);
    assert_true(svcm__utf8_check(NULL, 0, NULL));
    assert_true(svcm__utf8_check("\xC3\xA9", 2, NULL));
}

static void test_utf8_check_refuses_ill_formed_sequences_at_their_first_byte(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        size_t bad;
        const char *what;
    } bad[] = {
        /* Kuhn 3.1: unexpected continuation bytes. */
        {U8("\x80"), 0, "Kuhn 3.1.1: lone first continuation byte"},
        {U8("\xBF"), 0, "Kuhn 3.1.2: lone last continuation byte"},
        {U8("\x80\xBF\x80"), 0, "Kuhn 3.1.5: three continuation bytes"},
        {U8("ab\x80"), 2, "continuation byte after ASCII"},
        {U8("\xC3\xA9\xA9"), 2, "continuation byte after a complete sequence"},
        /* Kuhn 3.2: lonely start characters. */
        {U8("\xC3 "), 0, "Kuhn 3.2.1: two-byte lead then space"},
        {U8("\xE2 x"), 0, "Kuhn 3.2.2: three-byte lead then space"},
        {U8("\xF0 xyz"), 0, "Kuhn 3.2.3: four-byte lead then space"},
        {U8("\xC2\x41"), 0, "lead then ASCII"},
        /* Kuhn 3.3: sequences with the last continuation byte missing. */
        {U8("\xC3"), 0, "Kuhn 3.3.1: two-byte lead at the end"},
        {U8("\xE2\x82"), 0, "Kuhn 3.3.2: truncated E2 82 (euro sign cut)"},
        {U8("x\xE2\x82"), 1, "truncated E2 82 after ASCII"},
        {U8("\xE2\x82x"), 0, "E2 82 then ASCII"},
        {U8("\xF0\x9F\x98"), 0, "Kuhn 3.3.3: four-byte sequence cut"},
        {U8("\xE2\x82\xAC\xF0\x9F\x98"), 3, "cut after a whole euro sign"},
        /* Kuhn 3.5: impossible bytes. */
        {U8("\xFE"), 0, "Kuhn 3.5.1: FE"},
        {U8("\xFF"), 0, "Kuhn 3.5.2: FF"},
        {U8("\xFE\xFE\xFF\xFF"), 0, "Kuhn 3.5.3: FE FE FF FF"},
        {U8("\xF5\x80\x80\x80"), 0, "F5 lead (beyond U+10FFFF)"},
        {U8("\xF8\x88\x80\x80\x80"), 0, "five-byte form"},
        {U8("\xFC\x84\x80\x80\x80\x80"), 0, "six-byte form"},
        /* Kuhn 4: overlong forms. */
        {U8("\xC0\xAF"), 0, "Kuhn 4.1.1: overlong '/' C0 AF"},
        {U8("\xE0\x80\xAF"), 0, "Kuhn 4.1.2: overlong '/' E0 80 AF"},
        {U8("\xF0\x80\x80\xAF"), 0, "Kuhn 4.1.3: overlong '/' F0 80 80 AF"},
        {U8("\xC1\xBF"), 0, "Kuhn 4.2.1: largest overlong two-byte"},
        {U8("\xE0\x9F\xBF"), 0, "Kuhn 4.2.2: largest overlong three-byte"},
        {U8("\xF0\x8F\xBF\xBF"), 0, "Kuhn 4.2.3: largest overlong four-byte"},
        {U8("\xC0\x80"), 0, "Kuhn 4.3.1: overlong NUL"},
        {U8("\xE0\x80\x80"), 0, "Kuhn 4.3.2: overlong NUL, three bytes"},
        /* Kuhn 5: surrogates. */
        {U8("\xED\xA0\x80"), 0, "Kuhn 5.1.1: U+D800"},
        {U8("\xED\xAD\xBF"), 0, "Kuhn 5.1.2: U+DB7F"},
        {U8("\xED\xB0\x80"), 0, "Kuhn 5.1.5: U+DC00"},
        {U8("\xED\xBF\xBF"), 0, "Kuhn 5.1.7: U+DFFF"},
        {U8("\xED\xA0\x80\xED\xB0\x80"), 0, "Kuhn 5.2.1: paired U+D800 U+DC00"},
        {U8("ok \xED\xA0\x80"), 3, "surrogate after ASCII"},
        /* Beyond U+10FFFF. */
        {U8("\xF4\x90\x80\x80"), 0, "U+110000: F4 90 80 80"},
        {U8("\xF7\xBF\xBF\xBF"), 0, "U+1FFFFF: F7 BF BF BF"},
        /* Latin-1 where UTF-8 was promised. */
        {U8("caf\xE9"), 3, "Latin-1 cafe"},
        {U8("caf\xE9 au lait"), 3, "Latin-1 e-acute then ASCII"},
        {U8("\xC3\xA9t\xE9"), 3, "UTF-8 then Latin-1"},
        {U8("na\xEFve"), 2, "Latin-1 i-diaeresis"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t got = utf8_bad_offset(bad[i].s, bad[i].len);
        if (got != bad[i].bad)
            fail_msg("%s: offset %zu, want %zu", bad[i].what, got, bad[i].bad);
    }
    /* The length bounds the check: a sequence cut by len is truncated,
     * whatever follows in memory. */
    assert_int_equal(utf8_bad_offset("\xC3\xA9", 1), 0);
    assert_int_equal(utf8_bad_offset("ab\xF0\x9F\x98\x80", 5), 2);
    size_t off = 99;
    assert_false(svcm__utf8_check("\x80", 1, NULL));
    assert_false(svcm__utf8_check("a\xFF", 2, &off));
    assert_int_equal(off, 1);
}

/* An independent decoder: the code point of the sequence at p (n bytes
 * long by its lead), or -1 when the bytes do not follow the bit patterns. */
static long decode_by_bits(const unsigned char *p, size_t len, size_t *n)
{
    static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    static const unsigned char lead_bits[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    size_t k;
    for (k = 1; k <= 4; k++)
        if ((p[0] & (unsigned char)~lead_mask[k]) == lead_bits[k])
            break;
    if (k > 4 || k > len)
        return -1;
    long cp = p[0] & lead_mask[k];
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *n = k;
    return cp;
}

/* Well-formed per RFC 3629 section 3: the shortest form of a scalar value. */
static bool reference_valid(const unsigned char *p, size_t len)
{
    static const long min_of_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        long cp = decode_by_bits(p + i, len - i, &n);
        if (cp < 0 || cp < min_of_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

static void test_utf8_check_agrees_with_a_reference_decoder(void **state)
{
    (void)state;
    unsigned char b[4];
    /* Every 1-, 2- and 3-byte string. */
    for (unsigned x = 0; x < 0x1000000; x++) {
        b[0] = (unsigned char)(x >> 16);
        b[1] = (unsigned char)(x >> 8);
        b[2] = (unsigned char)x;
        size_t len = x < 0x100 ? 1 : x < 0x10000 ? 2 : 3;
        const unsigned char *s = b + 3 - len;
        if (svcm__utf8_check((const char *)s, len, NULL) != reference_valid(s, len))
            fail_msg("disagree on %u bytes %06X", (unsigned)len, x);
    }
    /* Four bytes: every lead and second byte, edge values for the rest. */
    static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xA0, 0xBF, 0xC0, 0xFF};
    for (unsigned l = 0; l < 0x100; l++)
        for (unsigned m = 0; m < 0x100; m++)
            for (size_t i = 0; i < sizeof edge; i++)
                for (size_t j = 0; j < sizeof edge; j++) {
                    b[0] = (unsigned char)l;
                    b[1] = (unsigned char)m;
                    b[2] = edge[i];
                    b[3] = edge[j];
                    if (svcm__utf8_check((const char *)b, 4, NULL) != reference_valid(b, 4))
                        fail_msg("disagree on %02X %02X %02X %02X", b[0], b[1], b[2], b[3]);
                }
}

static void test_utf8_prefix_and_line_of(void **state)
{
    (void)state;
    const char *s = "ab\xC3\xA9\xE6\x9D\xB1!";
    size_t len = strlen(s);
    assert_int_equal(svcm__utf8_prefix(s, len, 100), len);
    assert_int_equal(svcm__utf8_prefix(s, len, len), len);
    assert_int_equal(svcm__utf8_prefix(s, len, 2), 2);
    assert_int_equal(svcm__utf8_prefix(s, len, 3), 2); /* inside the e-acute */
    assert_int_equal(svcm__utf8_prefix(s, len, 4), 4);
    assert_int_equal(svcm__utf8_prefix(s, len, 5), 4);
    assert_int_equal(svcm__utf8_prefix(s, len, 6), 4);
    assert_int_equal(svcm__utf8_prefix(s, len, 7), 7);
    assert_int_equal(svcm__utf8_prefix(s, len, 0), 0);
    assert_int_equal(svcm__line_of("a\nb\n\nc", 0), 1);
    assert_int_equal(svcm__line_of("a\nb\n\nc", 2), 2);
    assert_int_equal(svcm__line_of("a\nb\n\nc", 5), 4);
    svcm_error err;
    assert_int_equal(svcm__utf8_text("ok\nstill ok\ncaf\xE9\n", 17, "line", &err), SVCM_EFORMAT);
    assert_int_equal(err.code, SVCM_EFORMAT);
    /* Byte 15 is the E9 of "caf\xE9": line 3 starts at byte 12. */
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 4);
    assert_string_equal(err.field, "line");
    assert_string_equal(err.message, "invalid UTF-8");
    assert_int_equal(svcm__column_of("a\nb\n\nc", 0), 1);
    assert_int_equal(svcm__column_of("ab\ncd", 1), 2);
    assert_int_equal(svcm__column_of("ab\ncd", 2), 3); /* the '\n' itself */
    assert_int_equal(svcm__column_of("ab\ncd", 4), 2);
    assert_int_equal(svcm__column_of("a\nb\n\nc", 5), 1);
    assert_int_equal(svcm__utf8_text("caf\xC3\xA9", 5, "line", &err), SVCM_OK);
    assert_int_equal(svcm__utf8_text(NULL, 0, "line", NULL), SVCM_OK);
}

static void test_version_macros_match_runtime(void **state)
{
    (void)state;
    assert_string_equal(svcm_version(), SVCM_VERSION_STRING);
    assert_int_equal(svcm_version_number(), SVCM_VERSION_HEX);
    assert_int_equal(SVCM_VERSION_HEX, (SVCM_VERSION_MAJOR << 16) | (SVCM_VERSION_MINOR << 8) |
                                           SVCM_VERSION_PATCH);
    /* The string spells the three numbers (meson.build, pyproject.toml and
     * the rockspec carry the same; the Python and Lua tests compare). */
    char spelled[32];
    snprintf(spelled, sizeof spelled, "%d.%d.%d", SVCM_VERSION_MAJOR, SVCM_VERSION_MINOR,
             SVCM_VERSION_PATCH);
    assert_string_equal(SVCM_VERSION_STRING, spelled);
}

/* An allocator that counts and can be told to fail. */
typedef struct {
    int allocs, frees, fail_at;
} counting;

static void *c_alloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (c->fail_at >= 0 && c->allocs == c->fail_at)
        return NULL;
    c->allocs++;
    return malloc(n);
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting *c = ctx;
    if (c->fail_at >= 0 && c->allocs == c->fail_at)
        return NULL;
    if (p == NULL)
        c->allocs++;
    return realloc(p, n);
}
static void c_free(void *ctx, void *p)
{
    counting *c = ctx;
    if (p)
        c->frees++;
    free(p);
}

static void test_allocator_is_used_and_grow_keeps_data_on_failure(void **state)
{
    (void)state;
    counting c = {0, 0, -1};
    svcm_allocator a = {c_alloc, c_realloc, c_free, &c}, resolved;
    assert_int_equal(svcm__allocator_resolve(&resolved, &a, NULL), SVCM_OK);
    assert_ptr_equal(resolved.ctx, &c);
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(svcm__grow(&resolved, (void **)&v, &cap, 3, sizeof *v), SVCM_OK);
    assert_true(cap >= 3);
    v[0] = 1;
    v[1] = 2;
    v[2] = 3;
    c.fail_at = c.allocs; /* the next allocation fails */
    size_t old_cap = cap;
    int *old = v;
    assert_int_equal(svcm__grow(&resolved, (void **)&v, &cap, 1000, sizeof *v), SVCM_ENOMEM);
    assert_ptr_equal(v, old);
    assert_int_equal(cap, old_cap);
    assert_int_equal(v[2], 3);
    c.fail_at = -1;
    assert_int_equal(svcm__grow(&resolved, (void **)&v, &cap, 1000, sizeof *v), SVCM_OK);
    assert_int_equal(v[2], 3);
    svcm__free(&resolved, v);
    assert_int_equal(c.allocs, c.frees);
    /* Overflowing sizes fail cleanly. */
    assert_null(svcm__calloc(&resolved, SIZE_MAX / 2, 4));
    assert_int_equal(svcm__grow(&resolved, (void **)&v, &cap, SIZE_MAX, 8), SVCM_ENOMEM);
    char *s = NULL;
    assert_int_equal(svcm__strdup(&resolved, "abc", &s), SVCM_OK);
    assert_string_equal(s, "abc");
    svcm__free(&resolved, s);
    assert_int_equal(svcm__strdup(&resolved, NULL, &s), SVCM_OK);
    assert_null(s);
    assert_int_equal(c.allocs, c.frees);
    /* NULL means libc: the copy works and carries no context. */
    assert_int_equal(svcm__allocator_resolve(&resolved, NULL, NULL), SVCM_OK);
    assert_null(resolved.ctx);
    void *p = svcm__alloc(&resolved, 8);
    assert_non_null(p);
    svcm__free(&resolved, p);
    /* An incomplete allocator is refused (0.1 fell back to libc) and the
     * destination is left alone. */
    svcm_allocator partial = {c_alloc, NULL, c_free, &c}, before = resolved;
    svcm_error e;
    assert_int_equal(svcm__allocator_resolve(&resolved, &partial, &e), SVCM_EINVAL);
    assert_string_equal(e.field, "alloc");
    assert_string_equal(e.message, "allocator is missing its realloc function");
    assert_memory_equal(&resolved, &before, sizeof before);
    assert_int_equal(svcm__allocator_check(&a, NULL), SVCM_OK);
    assert_int_equal(svcm__allocator_check(NULL, NULL), SVCM_OK);
}

/* ---- Incomplete allocators: every public function that takes one. ---- */

/* One call of a public function with valid input; frees what it made.
 * has_err: the function takes an svcm_error. */
typedef struct {
    const char *name;
    int (*call)(const svcm_allocator *a, svcm_error *e);
    bool has_err;
} alloc_case;

static int ac_calendar_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    svcm_calendar *c = NULL;
    int rc = svcm_calendar_new(&o, a, &c, e);
    svcm_calendar_free(c);
    return rc;
}

static int ac_calendar_parse(const svcm_allocator *a, svcm_error *e)
{
    const char text[] = "mon = 09:00-17:00\n";
    svcm_calendar *c = NULL;
    int rc = svcm_calendar_parse(text, sizeof text - 1, a, &c, e);
    svcm_calendar_free(c);
    return rc;
}

static int ac_feedback_new(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *f = NULL;
    int rc = svcm_feedback_new(&o, a, &f, NULL);
    svcm_feedback_free(f);
    return rc;
}

static int ac_feedback_load(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *f = NULL;
    unsigned char buf[512];
    size_t len = 0;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_save(f, buf, sizeof buf, &len), SVCM_OK);
    svcm_feedback_free(f);
    f = NULL;
    int rc = svcm_feedback_load(buf, len, a, &f, NULL);
    svcm_feedback_free(f);
    return rc;
}

static int ac_sketch_new(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_sketch *s = NULL;
    int rc = svcm_sketch_new(NULL, a, &s, NULL);
    svcm_sketch_free(s);
    return rc;
}

static int ac_sketch_load(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_sketch *s = NULL;
    unsigned char buf[512];
    size_t len = 0;
    assert_int_equal(svcm_sketch_new(NULL, NULL, &s, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_save(s, buf, sizeof buf, &len), SVCM_OK);
    svcm_sketch_free(s);
    s = NULL;
    int rc = svcm_sketch_load(buf, len, a, &s, NULL);
    svcm_sketch_free(s);
    return rc;
}

static int ac_durations_new(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_durations *d = NULL;
    int rc = svcm_durations_new(NULL, a, &d, NULL);
    svcm_durations_free(d);
    return rc;
}

static int ac_durations_load(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    svcm_durations *d = NULL;
    unsigned char buf[1024];
    size_t len = 0;
    assert_int_equal(svcm_durations_new(NULL, NULL, &d, NULL), SVCM_OK);
    assert_int_equal(svcm_durations_save(d, buf, sizeof buf, &len), SVCM_OK);
    svcm_durations_free(d);
    d = NULL;
    int rc = svcm_durations_load(buf, len, a, &d, NULL);
    svcm_durations_free(d);
    return rc;
}

/* Three customers, two with repeat purchases: valid for every fit. */
static const double ac_x[] = {1, 0, 2}, ac_tx[] = {2, 0, 3}, ac_T[] = {5, 4, 6};

static int ac_bgnbd_fit(const svcm_allocator *a, svcm_error *e)
{
    struct svcm_bgnbd_fit_result r;
    return svcm_bgnbd_fit(ac_x, ac_tx, ac_T, NULL, 3, NULL, a, &r, e);
}

static int ac_gammagamma_fit(const svcm_allocator *a, svcm_error *e)
{
    const double spend[] = {10, 0, 20};
    struct svcm_gammagamma_fit_result r;
    return svcm_gammagamma_fit(ac_x, spend, 3, NULL, a, &r, e);
}

static int ac_lifetime_summarize(const svcm_allocator *a, svcm_error *e)
{
    const int64_t ids[] = {1, 1}, times[] = {0, 86400};
    const double values[] = {10, 20};
    svcm_customer_summary out[2];
    size_t count = 0;
    return svcm_lifetime_summarize(ids, times, values, 2, 10 * 86400, NULL, a, out, 2, &count,
                                   e);
}

static int ac_mbgnbd_fit(const svcm_allocator *a, svcm_error *e)
{
    struct svcm_mbgnbd_fit_result r;
    return svcm_mbgnbd_fit(ac_x, ac_tx, ac_T, NULL, 3, NULL, a, &r, e);
}

static int ac_bgbb_fit(const svcm_allocator *a, svcm_error *e)
{
    struct svcm_bgbb_fit_result r;
    return svcm_bgbb_fit(ac_x, ac_tx, ac_T, NULL, 3, NULL, a, &r, e);
}

static int ac_paretonbd_fit(const svcm_allocator *a, svcm_error *e)
{
    struct svcm_paretonbd_fit_result r;
    return svcm_paretonbd_fit(ac_x, ac_tx, ac_T, NULL, 3, NULL, a, &r, e);
}

static int ac_cycle_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "faster replies";
    o.metric = "first response time";
    svcm_cycle *c = NULL;
    int rc = svcm_cycle_new(&o, a, &c, e);
    svcm_cycle_free(c);
    return rc;
}

static int ac_cycle_load(const svcm_allocator *a, svcm_error *e)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "faster replies";
    o.metric = "first response time";
    svcm_cycle *c = NULL;
    char buf[2048];
    size_t len = 0;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_format(c, buf, sizeof buf, &len), SVCM_OK);
    svcm_cycle_free(c);
    c = NULL;
    int rc = svcm_cycle_parse(buf, len, a, &c, e);
    svcm_cycle_free(c);
    return rc;
}

static int ac_priority_sort(const svcm_allocator *a, svcm_error *e)
{
    (void)e;
    struct svcm_priority_result r[2];
    memset(r, 0, sizeof r);
    r[0].score = 1.0;
    r[1].score = 2.0;
    return svcm_priority_sort(r, 2, a);
}

static int ac_priority_order(const svcm_allocator *a, svcm_error *e)
{
    svcm_request q;
    memset(&q, 0, sizeof q);
    q.impact = 2; /* valid on both the 0.1 (0..3) and 0.2 (1..4) scales */
    q.severity = 2;
    q.value = 0.5;
    q.due = SVCM_NO_DUE;
    struct svcm_priority_result r;
    return svcm_priority_order(NULL, &q, 1, 0, a, &r, e);
}

static int ac_wsjf_order(const svcm_allocator *a, svcm_error *e)
{
    const svcm_wsjf_item it = {1, 3.0, 2.0, 1.0, 2.0};
    size_t order;
    return svcm_wsjf_order(&it, 1, a, &order, NULL, e);
}

static int ac_pqueue_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_pqueue *q = NULL;
    int rc = svcm_pqueue_new(NULL, a, &q, e);
    svcm_pqueue_free(q);
    return rc;
}

static int ac_schedule_solve(const svcm_allocator *a, svcm_error *e)
{
    const uint32_t required[] = {1, 2};
    const uint8_t coverage[] = {1, 1};
    uint32_t counts[1];
    struct svcm_schedule_result r;
    return svcm_schedule_solve(required, 2, coverage, 1, NULL, NULL, a, counts, &r, e);
}

static int ac_rfm_column_edges(const svcm_allocator *a, svcm_error *e)
{
    const double x[] = {5, 1, 4, 2, 3};
    double edges[SVCM_RFM_MIN_BINS - 1];
    return svcm_rfm_column_edges(x, 5, SVCM_RFM_MIN_BINS, a, edges, e);
}

static int ac_rfm_fit(const svcm_allocator *a, svcm_error *e)
{
    const double rec[] = {3, 30, 300}, freq[] = {9, 3, 1}, mon[] = {900, 90, 9};
    svcm_customers c;
    memset(&c, 0, sizeof c);
    c.n = 3;
    c.recency = rec;
    c.frequency = freq;
    c.monetary = mon;
    svcm_rfm_edges out;
    return svcm_rfm_fit(&c, SVCM_RFM_MIN_BINS, a, &out, e);
}

static int ac_segment_migration(const svcm_allocator *a, svcm_error *e)
{
    const int64_t ids[] = {7, 8};
    const uint8_t old_t[] = {0, 1}, new_t[] = {1, 1};
    svcm_migration m;
    return svcm_segment_migration(ids, old_t, 2, ids, new_t, 2, a, &m, e);
}

static int ac_zone_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_zone *z = NULL;
    int rc = svcm_zone_new("UTC", a, &z, e);
    svcm_zone_free(z);
    return rc;
}

static int ac_zone_load(const svcm_allocator *a, svcm_error *e)
{
    /* Smallest TZif (RFC 8536 section 3): version 1 header, counts
     * isut 0, isstd 0, leap 0, time 0, type 1, char 4; one ttinfo
     * (utoff 0, isdst 0, desigidx 0) and "UTC\0". */
    unsigned char tz[44 + 6 + 4];
    memset(tz, 0, sizeof tz);
    memcpy(tz, "TZif", 4);
    tz[20 + 4 * 4 + 3] = 1; /* typecnt */
    tz[20 + 5 * 4 + 3] = 4; /* charcnt */
    memcpy(tz + 44 + 6, "UTC", 4);
    svcm_zone *z = NULL;
    int rc = svcm_zone_load(tz, sizeof tz, a, &z, e);
    svcm_zone_free(z);
    return rc;
}

static int ac_kpi_groups_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_kpi_slot slot;
    svcm_kpi_slot_init(&slot, SVCM_KPI_SLOT_KIND_FEEDBACK);
    svcm_feedback_options_init(&slot.feedback, SVCM_FEEDBACK_KIND_NPS);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = &slot;
    o.n_slots = 1;
    svcm_kpi_groups *g = NULL;
    int rc = svcm_kpi_groups_new(&o, a, &g, e);
    svcm_kpi_groups_free(g);
    return rc;
}

static int ac_kpi_groups_load(const svcm_allocator *a, svcm_error *e)
{
    svcm_kpi_slot slot;
    svcm_kpi_slot_init(&slot, SVCM_KPI_SLOT_KIND_RATE);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = &slot;
    o.n_slots = 1;
    svcm_kpi_groups *g = NULL;
    unsigned char buf[1024];
    size_t len = 0;
    assert_int_equal(svcm_kpi_groups_new(&o, NULL, &g, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_save(g, buf, sizeof buf, &len), SVCM_OK);
    svcm_kpi_groups_free(g);
    g = NULL;
    int rc = svcm_kpi_groups_load(buf, len, a, &g, e);
    svcm_kpi_groups_free(g);
    return rc;
}

static int ac_customers_new(const svcm_allocator *a, svcm_error *e)
{
    svcm_customers_options o;
    svcm_customers_options_init(&o);
    o.n = 2;
    svcm_customers *c = NULL;
    int rc = svcm_customers_new(&o, a, &c, e);
    svcm_customers_free(c);
    return rc;
}

static int ac_customers_summarize(const svcm_allocator *a, svcm_error *e)
{
    const int64_t ids[] = {1, 1, 2}, times[] = {0, 86400, 3 * 86400};
    const double values[] = {10, 20, 5};
    svcm_customers *c = NULL;
    int rc = svcm_customers_summarize(ids, times, values, 3, 10 * 86400, NULL, a, &c, e);
    svcm_customers_free(c);
    return rc;
}

static int ac_customers_segment(const svcm_allocator *a, svcm_error *e)
{
    const double rec[] = {3, 30, 300}, freq[] = {9, 3, 1}, mon[] = {900, 90, 9};
    svcm_customers c;
    memset(&c, 0, sizeof c);
    c.n = 3;
    c.recency = rec;
    c.frequency = freq;
    c.monetary = mon;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t tiers[3];
    return svcm_customers_segment(&c, &p, NULL, a, tiers, NULL, NULL, e);
}

static int ac_lifetime_table_fit(const svcm_allocator *a, svcm_error *e)
{
    svcm_customers c;
    memset(&c, 0, sizeof c);
    c.n = 3;
    c.x = ac_x;
    c.t_x = ac_tx;
    c.T = ac_T;
    double p_alive[3];
    return svcm_lifetime_table_fit(&c, NULL, a, NULL, p_alive, NULL, NULL, e);
}

/* Every public function with a `const svcm_allocator *` parameter (grep
 * the public headers). */
static const alloc_case alloc_cases[] = {
    {"svcm_calendar_new", ac_calendar_new, true},
    {"svcm_calendar_parse", ac_calendar_parse, true},
    {"svcm_feedback_new", ac_feedback_new, false},
    {"svcm_feedback_load", ac_feedback_load, false},
    {"svcm_sketch_new", ac_sketch_new, false},
    {"svcm_sketch_load", ac_sketch_load, false},
    {"svcm_durations_new", ac_durations_new, false},
    {"svcm_durations_load", ac_durations_load, false},
    {"svcm_bgnbd_fit", ac_bgnbd_fit, true},
    {"svcm_gammagamma_fit", ac_gammagamma_fit, true},
    {"svcm_lifetime_summarize", ac_lifetime_summarize, true},
    {"svcm_mbgnbd_fit", ac_mbgnbd_fit, true},
    {"svcm_bgbb_fit", ac_bgbb_fit, true},
    {"svcm_paretonbd_fit", ac_paretonbd_fit, true},
    {"svcm_cycle_new", ac_cycle_new, true},
    {"svcm_cycle_parse", ac_cycle_load, true},
    {"svcm_priority_sort", ac_priority_sort, false},
    {"svcm_priority_order", ac_priority_order, true},
    {"svcm_wsjf_order", ac_wsjf_order, true},
    {"svcm_pqueue_new", ac_pqueue_new, true},
    {"svcm_schedule_solve", ac_schedule_solve, true},
    {"svcm_rfm_column_edges", ac_rfm_column_edges, true},
    {"svcm_rfm_fit", ac_rfm_fit, true},
    {"svcm_segment_migration", ac_segment_migration, true},
    {"svcm_zone_new", ac_zone_new, true},
    {"svcm_zone_load", ac_zone_load, true},
    {"svcm_kpi_groups_new", ac_kpi_groups_new, true},
    {"svcm_kpi_groups_load", ac_kpi_groups_load, true},
    {"svcm_customers_new", ac_customers_new, true},
    {"svcm_customers_summarize", ac_customers_summarize, true},
    {"svcm_customers_segment", ac_customers_segment, true},
    {"svcm_lifetime_table_fit", ac_lifetime_table_fit, true},
};

/* The case's input is valid: libc and a complete allocator give the same
 * code, not SVCM_EINVAL (the tiny fits may stop with SVCM_ENOCONV), and
 * everything allocated is freed. */
static void check_complete_allocators(const alloc_case *k)
{
    counting c = {0, 0, -1};
    const svcm_allocator full = {c_alloc, c_realloc, c_free, &c};
    int libc_rc = k->call(NULL, NULL);
    if (libc_rc == SVCM_EINVAL)
        fail_msg("%s refuses the test's input with libc", k->name);
    int rc = k->call(&full, NULL);
    if (rc != libc_rc)
        fail_msg("%s: %s with libc, %s with a complete allocator", k->name,
                 svcm_status_name(libc_rc), svcm_status_name(rc));
    if (c.allocs != c.frees)
        fail_msg("%s: %d allocations, %d frees", k->name, c.allocs, c.frees);
}

static void test_every_allocating_function_refuses_an_incomplete_allocator(void **state)
{
    (void)state;
    static const char *const names[3] = {"alloc", "realloc", "free"};
    char want[64];
    for (size_t i = 0; i < sizeof alloc_cases / sizeof alloc_cases[0]; i++) {
        const alloc_case *k = &alloc_cases[i];
        check_complete_allocators(k);
        for (int m = 0; m < 3; m++) {
            counting c = {0, 0, -1};
            svcm_allocator part = {c_alloc, c_realloc, c_free, &c};
            if (m == 0)
                part.alloc = NULL;
            else if (m == 1)
                part.realloc = NULL;
            else
                part.free = NULL;
            svcm_error e;
            svcm_error_clear(&e);
            int rc = k->call(&part, &e);
            if (rc != SVCM_EINVAL)
                fail_msg("%s without %s: %s", k->name, names[m], svcm_status_name(rc));
            /* Refused before anything was allocated. */
            if (c.allocs != 0)
                fail_msg("%s without %s allocated %d blocks", k->name, names[m], c.allocs);
            if (!k->has_err)
                continue;
            snprintf(want, sizeof want, "allocator is missing its %s function", names[m]);
            assert_int_equal(e.code, SVCM_EINVAL);
            assert_non_null(e.field);
            assert_string_equal(e.field, "alloc");
            assert_string_equal(e.message, want);
            assert_true(e.index == SVCM_NO_INDEX);
        }
    }
}

static void test_bytes_round_trip_and_bounds(void **state)
{
    (void)state;
    unsigned char buf[64];
    svcm__writer m = {NULL, 0, 0};
    svcm__w_header(&m, SVCM__KIND_EXTRA, 3);
    svcm__w_u8(&m, 0xAB);
    svcm__w_u16(&m, 0xBEEF);
    svcm__w_u32(&m, 0xDEADBEEFu);
    svcm__w_i64(&m, -5);
    svcm__w_f64(&m, -0.0);
    size_t need = m.pos;
    assert_int_equal(need, 12 + 1 + 2 + 4 + 8 + 8);
    svcm__writer w = {buf, sizeof buf, 0};
    svcm__w_header(&w, SVCM__KIND_EXTRA, 3);
    svcm__w_u8(&w, 0xAB);
    svcm__w_u16(&w, 0xBEEF);
    svcm__w_u32(&w, 0xDEADBEEFu);
    svcm__w_i64(&w, -5);
    svcm__w_f64(&w, -0.0);
    svcm__w_finish(&w);
    assert_int_equal(w.pos, need);
    /* Little-endian on the wire whatever the host. */
    assert_int_equal(buf[13], 0xEF);
    assert_int_equal(buf[14], 0xBE);
    svcm__reader r = {buf, need, 0, true};
    assert_int_equal(svcm__r_header(&r, SVCM__KIND_EXTRA), 3);
    assert_int_equal(svcm__r_u8(&r), 0xAB);
    assert_int_equal(svcm__r_u16(&r), 0xBEEF);
    assert_int_equal(svcm__r_u32(&r), 0xDEADBEEFu);
    assert_int_equal(svcm__r_i64(&r), -5);
    double z = svcm__r_f64(&r);
    assert_true(z == 0.0 && signbit(z));
    assert_true(svcm__r_done(&r));
    /* Reading past the end fails and stays failed. */
    assert_int_equal(svcm__r_u32(&r), 0);
    assert_false(r.ok);
    /* Wrong kind, or a length that disagrees with the header, fails. */
    svcm__reader k = {buf, need, 0, true};
    svcm__r_header(&k, SVCM__KIND_MOMENTS);
    assert_false(k.ok);
    svcm__reader t = {buf, need - 1, 0, true};
    svcm__r_header(&t, SVCM__KIND_EXTRA);
    assert_false(t.ok);
    /* A writer never writes past its capacity. */
    unsigned char small[8];
    memset(small, 0x5A, sizeof small);
    svcm__writer s = {small, 4, 0};
    svcm__w_u64(&s, UINT64_MAX);
    assert_int_equal(s.pos, 8);
    assert_int_equal(small[0], 0x5A);
}

static void test_tier_names_and_parse(void **state)
{
    (void)state;
    static const char *names[] = {"vip", "key", "regular", "potential", "lost"};
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        assert_string_equal(svcm_tier_name(i), names[i]);
        svcm_tier t;
        assert_int_equal(svcm_tier_parse(names[i], &t), SVCM_OK);
        assert_int_equal(t, i);
    }
    assert_null(svcm_tier_name(-1));
    assert_null(svcm_tier_name(SVCM_TIER_COUNT));
    svcm_tier t;
    assert_int_equal(svcm_tier_parse("VIP", &t), SVCM_OK);
    assert_int_equal(t, SVCM_TIER_VIP);
    assert_int_equal(svcm_tier_parse("Important", &t), SVCM_OK);
    assert_int_equal(t, SVCM_TIER_KEY);
    assert_int_equal(svcm_tier_parse("gold", &t), SVCM_EINVAL);
    assert_int_equal(svcm_tier_parse("vipx", &t), SVCM_EINVAL);
    assert_int_equal(svcm_tier_parse("", &t), SVCM_EINVAL);
    assert_int_equal(svcm_tier_parse(NULL, &t), SVCM_EINVAL);
    assert_int_equal(svcm_tier_parse("vip", NULL), SVCM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_never_null_and_names_every_code),
        cmocka_unit_test(test_status_codes_are_negative_distinct_and_stable),
        cmocka_unit_test(test_error_detail_is_filled_and_cleared),
        cmocka_unit_test(test_error_message_truncates_on_a_utf8_boundary),
        cmocka_unit_test(test_utf8_check_accepts_well_formed_sequences),
        cmocka_unit_test(test_utf8_check_refuses_ill_formed_sequences_at_their_first_byte),
        cmocka_unit_test(test_utf8_check_agrees_with_a_reference_decoder),
        cmocka_unit_test(test_utf8_prefix_and_line_of),
        cmocka_unit_test(test_version_macros_match_runtime),
        cmocka_unit_test(test_allocator_is_used_and_grow_keeps_data_on_failure),
        cmocka_unit_test(test_every_allocating_function_refuses_an_incomplete_allocator),
        cmocka_unit_test(test_bytes_round_trip_and_bounds),
        cmocka_unit_test(test_tier_names_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
