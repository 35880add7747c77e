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
        cmocka_unit_test(test_version_macros_match_runtime),
        cmocka_unit_test(test_allocator_is_used_and_grow_keeps_data_on_failure),
        cmocka_unit_test(test_bytes_round_trip_and_bounds),
        cmocka_unit_test(test_tier_names_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
