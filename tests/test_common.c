/* Tests of status codes, error detail, allocator plumbing, version, tiers,
 * and the private byte reader/writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    assert_int_equal(err.index, 3);
    assert_string_equal(err.field, "line");
    assert_string_equal(err.message, "line 3: invalid UTF-8 at byte offset 15");
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
    svcm__allocator_resolve(&resolved, &a);
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
    /* An incomplete allocator falls back to libc. */
    svcm_allocator partial = {c_alloc, NULL, c_free, &c};
    svcm__allocator_resolve(&resolved, &partial);
    assert_true(resolved.ctx == NULL);
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
        cmocka_unit_test(test_bytes_round_trip_and_bounds),
        cmocka_unit_test(test_tier_names_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
