/* Tests of the tier policy: defaults, range checks, text in and out. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/segment.h"

static int parse(const char *text, svcm_segment_options *p, svcm_error *err)
{
    return svcm_segment_options_parse(text, strlen(text), p, err);
}

/* Field by field: the struct has padding, so memcmp would compare garbage. */
static void assert_policy_equal(const svcm_segment_options *a, const svcm_segment_options *b)
{
    assert_int_equal(a->bins, b->bins);
    assert_int_equal(a->vip_m_top_scores, b->vip_m_top_scores);
    const double da[10] = {a->churn_days,   a->p_alive_min,  a->new_tenure_days,
                           a->new_max_frequency, a->vip_active_days, a->vip_min_monetary,
                           a->key_weight_r, a->key_weight_f, a->key_weight_m, a->key_min_score};
    const double db[10] = {b->churn_days,   b->p_alive_min,  b->new_tenure_days,
                           b->new_max_frequency, b->vip_active_days, b->vip_min_monetary,
                           b->key_weight_r, b->key_weight_f, b->key_weight_m, b->key_min_score};
    assert_memory_equal(da, db, sizeof da); /* bit for bit */
}

static void test_defaults_are_the_documented_ones(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    assert_int_equal(p.bins, 5);
    assert_true(p.churn_days == 180.0);
    assert_true(p.p_alive_min == 0.2);
    assert_true(p.new_tenure_days == 90.0);
    assert_true(p.new_max_frequency == 1.0);
    assert_true(p.vip_active_days == 90.0);
    assert_int_equal(p.vip_m_top_scores, 1);
    assert_true(isinf(p.vip_min_monetary) && p.vip_min_monetary > 0);
    assert_true(p.key_weight_r == 1.0 && p.key_weight_f == 1.0 && p.key_weight_m == 1.0);
    assert_true(p.key_min_score == 4.0);
    assert_int_equal(svcm_segment_options_check(&p, NULL), SVCM_OK);
    svcm_segment_options_init(NULL); /* no-op */
}

static void test_check_names_each_out_of_range_threshold(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_error err;
#define EXPECT_BAD(stmt, name)                                                 \
    do {                                                                       \
        svcm_segment_options_init(&p);                                          \
        stmt;                                                                  \
        assert_int_equal(svcm_segment_options_check(&p, &err), SVCM_EINVAL);    \
        assert_string_equal(err.field, name);                                  \
    } while (0)
    EXPECT_BAD(p.bins = 1, "bins");
    EXPECT_BAD(p.bins = 11, "bins");
    EXPECT_BAD(p.churn_days = -1, "churn_days");
    EXPECT_BAD(p.churn_days = NAN, "churn_days");
    EXPECT_BAD(p.p_alive_min = 1.01, "p_alive_min");
    EXPECT_BAD(p.p_alive_min = -0.01, "p_alive_min");
    EXPECT_BAD(p.new_tenure_days = NAN, "new_tenure_days");
    EXPECT_BAD(p.new_max_frequency = INFINITY, "new_max_frequency");
    EXPECT_BAD(p.vip_active_days = -5, "vip_active_days");
    EXPECT_BAD(p.vip_m_top_scores = 6, "vip_m_top_scores");
    EXPECT_BAD(p.vip_m_top_scores = -1, "vip_m_top_scores");
    EXPECT_BAD(p.vip_min_monetary = -1, "vip_min_monetary");
    EXPECT_BAD(p.key_weight_r = -1, "key_weight_r");
    EXPECT_BAD(p.key_weight_f = INFINITY, "key_weight_f");
    EXPECT_BAD((p.key_weight_r = 0, p.key_weight_f = 0, p.key_weight_m = 0), "key_weight_m");
    EXPECT_BAD(p.key_min_score = 0.5, "key_min_score");
    EXPECT_BAD(p.key_min_score = 5.5, "key_min_score");
    EXPECT_BAD(p.bins = 3, "key_min_score"); /* default 4 is above 3 bins */
#undef EXPECT_BAD
    /* Switches that turn rules off are valid. */
    svcm_segment_options_init(&p);
    p.churn_days = INFINITY;
    p.p_alive_min = 0;
    p.new_tenure_days = 0;
    p.new_max_frequency = -1;
    p.vip_m_top_scores = 0;
    p.vip_active_days = INFINITY;
    assert_int_equal(svcm_segment_options_check(&p, &err), SVCM_OK);
    assert_int_equal(svcm_segment_options_check(NULL, &err), SVCM_EINVAL);
}

static void test_text_with_comments_and_blank_lines_sets_the_given_keys(void **state)
{
    (void)state;
    const char *text = "# churn policy for tenant 7\n"
                       "\n"
                       "churn_days = 365   # a year\n"
                       "  key_min_score=3.5\r\n"
                       "\tvip_min_monetary = 2500\n"
                       "key_weight_r = 2\n"
                       "   # trailing comment only\n"
                       "bins = 5"; /* no final newline */
    svcm_segment_options p, want;
    svcm_segment_options_init(&want);
    want.churn_days = 365;
    want.key_min_score = 3.5;
    want.vip_min_monetary = 2500;
    want.key_weight_r = 2;
    svcm_error err;
    assert_int_equal(parse(text, &p, &err), SVCM_OK);
    assert_policy_equal(&p, &want);
    /* Empty text: all defaults. */
    assert_int_equal(svcm_segment_options_parse("", 0, &p, &err), SVCM_OK);
    svcm_segment_options_init(&want);
    assert_policy_equal(&p, &want);
    assert_int_equal(svcm_segment_options_parse(NULL, 0, &p, &err), SVCM_OK);
    assert_int_equal(parse("inf_off = 1", NULL, &err), SVCM_EINVAL);
}

static void test_unknown_key_is_a_format_error_on_its_line(void **state)
{
    (void)state;
    svcm_segment_options p;
    memset(&p, 0x5A, sizeof p);
    svcm_segment_options before = p;
    svcm_error err;
    assert_int_equal(parse("# ok\nchurn_days = 100\nchurn_dayz = 3\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_string_equal(err.field, "key");
    /* Issue 13: the position is in line/column only, not in the message. */
    assert_string_equal(err.message, "unknown key 'churn_dayz'");
    assert_memory_equal(&p, &before, sizeof p); /* nothing written */
}

static void test_bad_values_are_format_errors_naming_key_and_line(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_error err;
    assert_int_equal(parse("\n\nchurn_days = soon\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 14); /* the value */
    assert_string_equal(err.field, "churn_days");
    assert_string_equal(err.message, "'churn_days' = 'soon' is not a number");
    /* A line without '=' names the line (found by the policy fuzzer). */
    assert_int_equal(parse("bins = 5\n  x\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.field, "line");
    assert_string_equal(err.message, "expected 'key = value'");
    assert_int_equal(parse("bins = 5.5\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 8);
    assert_string_equal(err.field, "bins");
    assert_int_equal(parse("churn_days = 12 days\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(parse("churn_days =\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(parse("churn_days = 0x10\n", &p, &err), SVCM_EFORMAT);
    /* A decimal beyond the double range is not +inf (strtod's HUGE_VAL was
     * taken silently, turning the VIP value rule off); inf still is. */
    assert_int_equal(parse("\nvip_min_monetary = 1e999\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.field, "vip_min_monetary");
    assert_int_equal(parse("churn_days = -1e999\n", &p, &err), SVCM_EFORMAT);
    assert_string_equal(err.message, "'churn_days' = '-1e999' is not a number in the double range");
    assert_int_equal(parse("vip_min_monetary = inf\n", &p, &err), SVCM_OK);
    assert_true(isinf(p.vip_min_monetary));
    /* One set of number forms for every text format (src/internal.h):
     * no other spelling of infinity, no '+', no hexadecimal, no comma. */
    static const char *const refused[] = {
        "vip_min_monetary = Infinity\n", "vip_min_monetary = INF\n", "vip_min_monetary = +inf\n",
        "churn_days = +180\n",           "churn_days = 180,5\n",     "churn_days = 0x1p7\n",
        "churn_days = -nan\n",           "churn_days = 1e\n",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (parse(refused[i], &p, &err) != SVCM_EFORMAT)
            fail_msg("'%s' accepted", refused[i]);
        assert_int_equal(err.line, 1);
    }
    assert_int_equal(parse("churn_days = .5e3\np_alive_min = 1.\n", &p, &err), SVCM_OK);
    assert_true(p.churn_days == 500.0 && p.p_alive_min == 1.0);
    assert_int_equal(parse("churn_days = nan\n", &p, &err), SVCM_EINVAL);
    assert_int_equal(parse("bins 5\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 1);
    /* An embedded NUL does not cut the value short. */
    assert_int_equal(svcm_segment_options_parse("bins = 5\0x\n", 10, &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 1);
    assert_int_equal(parse("bins = 4\nbins = 5\n", &p, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    assert_string_equal(err.field, "bins");
    assert_string_equal(err.message, "'bins' is given twice");
}

static void test_out_of_range_values_are_invalid_with_their_line(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_error err;
    assert_int_equal(parse("bins = 5\np_alive_min = 1.5\n", &p, &err), SVCM_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 15);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_string_equal(err.field, "p_alive_min");
    assert_null(strstr(err.message, "line"));
    assert_int_equal(parse("churn_days = nan\n", &p, &err), SVCM_EINVAL);
    assert_int_equal(err.line, 1);
    assert_int_equal(parse("churn_days = -3\n", &p, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "churn_days");
    /* A cross-key rule: key_min_score above bins names key_min_score's line. */
    assert_int_equal(parse("key_min_score = 7\n# x\nbins = 5\n", &p, &err), SVCM_EINVAL);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 17);
    assert_string_equal(err.field, "key_min_score");
    /* Fewer bins with the defaulted key_min_score (4): no line to name. */
    assert_int_equal(parse("bins = 3\n", &p, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "key_min_score");
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 0);
    assert_int_equal(parse("bins = 3\nkey_min_score = 2.5\n", &p, &err), SVCM_OK);
    assert_int_equal(p.bins, 3);
}

static void round_trip(const svcm_segment_options *p)
{
    size_t len = 0;
    assert_int_equal(svcm_segment_options_format(p, NULL, 0, &len), SVCM_ENOSPC);
    assert_true(len > 0);
    char buf[1024];
    assert_true(len < sizeof buf);
    size_t got = 0;
    assert_int_equal(svcm_segment_options_format(p, buf, sizeof buf, &got), SVCM_OK);
    assert_int_equal(got, len);
    assert_int_equal(strlen(buf), len);
    svcm_segment_options back;
    assert_int_equal(svcm_segment_options_parse(buf, len, &back, NULL), SVCM_OK);
    assert_policy_equal(&back, p);
}

static void test_format_round_trips_exactly(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    round_trip(&p);
    char buf[1024];
    size_t len = 0;
    assert_int_equal(svcm_segment_options_format(&p, buf, sizeof buf, &len), SVCM_OK);
    /* Short numbers stay short; +inf is written as inf. */
    assert_non_null(strstr(buf, "p_alive_min = 0.2\n"));
    assert_non_null(strstr(buf, "vip_min_monetary = inf\n"));
    assert_non_null(strstr(buf, "bins = 5\n"));
    p.bins = 10;
    p.churn_days = 1.0 / 3.0;
    p.p_alive_min = 0.1 + 0.2; /* 0.30000000000000004 needs 17 digits */
    p.new_tenure_days = INFINITY;
    p.new_max_frequency = -2.5;
    p.vip_m_top_scores = 3;
    p.vip_min_monetary = 1e-300;
    p.key_weight_m = 5e-324; /* smallest subnormal */
    p.key_min_score = 9.999999999999998;
    round_trip(&p);
}

static void test_format_with_small_buffer_writes_nothing(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    size_t len = 0;
    char buf[16];
    memset(buf, '#', sizeof buf);
    assert_int_equal(svcm_segment_options_format(&p, buf, sizeof buf, &len), SVCM_ENOSPC);
    assert_true(len > sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], '#');
    char exact[512];
    assert_true(len + 1 <= sizeof exact);
    /* The text-writer contract: cap len + 1 fits exactly, cap len is
     * ENOSPC with len still the length needed and nothing written. */
    size_t need = len;
    memset(exact, '#', sizeof exact);
    assert_int_equal(svcm_segment_options_format(&p, exact, need, &len), SVCM_ENOSPC);
    assert_int_equal(len, need);
    for (size_t i = 0; i < sizeof exact; i++)
        assert_int_equal(exact[i], '#');
    assert_int_equal(svcm_segment_options_format(&p, exact, need + 1, &len), SVCM_OK);
    assert_int_equal(len, need);
    assert_int_equal(strlen(exact), need);
    /* buf NULL is a size query whatever cap says; len NULL is refused. */
    len = 0;
    assert_int_equal(svcm_segment_options_format(&p, NULL, 4096, &len), SVCM_ENOSPC);
    assert_int_equal(len, need);
    memset(exact, '#', sizeof exact);
    assert_int_equal(svcm_segment_options_format(&p, exact, sizeof exact, NULL), SVCM_EINVAL);
    assert_int_equal(exact[0], '#');
    assert_int_equal(svcm_segment_options_format(&p, NULL, 0, NULL), SVCM_EINVAL);
    p.bins = 0;
    assert_int_equal(svcm_segment_options_format(&p, exact, sizeof exact, &len), SVCM_EINVAL);
    assert_int_equal(svcm_segment_options_format(NULL, exact, sizeof exact, &len), SVCM_EINVAL);
}

/* A decimal-comma LC_NUMERIC locale changes neither the text written nor
 * what is read (the numbers go through src/numtext.c, not printf/strtod).
 * Skipped when the machine has no such locale. */
static void test_decimal_comma_locale_changes_nothing(void **state)
{
    (void)state;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    p.churn_days = 180.5;
    p.p_alive_min = 0.1 + 0.2;
    p.vip_min_monetary = 1e-300;
    char c_text[1024], other[1024];
    size_t c_len = 0, len = 0;
    assert_int_equal(svcm_segment_options_format(&p, c_text, sizeof c_text, &c_len), SVCM_OK);
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "nl_NL.UTF-8", "ru_RU.UTF-8"};
    bool comma = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !comma; i++)
        comma = setlocale(LC_NUMERIC, names[i]) != NULL &&
                strcmp(localeconv()->decimal_point, ",") == 0;
    if (!comma) {
        setlocale(LC_NUMERIC, "C");
        skip();
    }
    assert_int_equal(svcm_segment_options_format(&p, other, sizeof other, &len), SVCM_OK);
    assert_string_equal(other, c_text);
    assert_non_null(strstr(other, "churn_days = 180.5\n"));
    svcm_segment_options back;
    assert_int_equal(svcm_segment_options_parse(c_text, c_len, &back, NULL), SVCM_OK);
    assert_policy_equal(&back, &p);
    assert_int_equal(parse("churn_days = 180,5\n", &back, NULL), SVCM_EFORMAT);
    setlocale(LC_NUMERIC, "C");
}

static void test_reason_names_cover_every_code(void **state)
{
    (void)state;
    const char *want[SVCM_SEGMENT_REASON_COUNT] = {
        "lost_inactive", "lost_p_alive", "potential_new", "potential_few_purchases",
        "vip_m_score",   "vip_monetary", "key_score",     "regular"};
    for (int i = 0; i < SVCM_SEGMENT_REASON_COUNT; i++)
        assert_string_equal(svcm_segment_reason_name(i), want[i]);
    assert_null(svcm_segment_reason_name(-1));
    assert_null(svcm_segment_reason_name(SVCM_SEGMENT_REASON_COUNT));
}

static void test_random_text_never_crashes_and_names_a_real_line(void **state)
{
    (void)state;
    /* Mutations of a valid text: every outcome is OK, EFORMAT or EINVAL, and
     * an error's line number lies within the text. */
    const char *base = "bins = 5\nchurn_days = 180 # x\n\nkey_min_score = 4\nvip_min_monetary = inf\n";
    const char alphabet[] = "=#\n \t.-+e0123456789abinkxyz\r\0";
    uint64_t x = 0x12345678u;
    for (int trial = 0; trial < 20000; trial++) {
        char buf[128];
        size_t len = strlen(base);
        memcpy(buf, base, len);
        for (int k = 0; k < 3; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[x % len] = alphabet[(x >> 32) % (sizeof alphabet - 1)];
        }
        size_t lines = 1;
        for (size_t i = 0; i < len; i++)
            lines += buf[i] == '\n';
        svcm_segment_options p;
        svcm_error err;
        svcm_error_clear(&err);
        int rc = svcm_segment_options_parse(buf, len, &p, &err);
        assert_true(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_EINVAL);
        if (rc != SVCM_OK)
            assert_int_equal(err.index, SVCM_NO_INDEX);
        if (rc == SVCM_EFORMAT)
            assert_true(err.line >= 1 && err.line <= lines && err.column >= 1);
        if (rc == SVCM_EINVAL)
            assert_true(err.line == 0 || (err.line >= 1 && err.line <= lines));
        if (rc == SVCM_OK)
            assert_int_equal(svcm_segment_options_check(&p, NULL), SVCM_OK);
    }
}

/* Invalid UTF-8 anywhere in the text (comments too) is a format error
 * with the line and byte column of the first bad byte (counted by hand). */
static void test_invalid_utf8_is_a_format_error_with_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t line, column;
    } bad[] = {
        {"churn_days = 10 # caf\xE9\n", 1, 22},                 /* Latin-1 in a comment */
        {"bins = 5\n# ok\nchurn_days = caf\xE9\n", 3, 17},      /* Latin-1 in a value */
        {"caf\xE9 = 1\n", 1, 4},                                /* Latin-1 in a key */
        {"# \xC0\xAF\n", 1, 3},                                 /* overlong '/' */
        {"# \xE0\x80\xAF\n", 1, 3},                             /* overlong, three bytes */
        {"\n\n# \xED\xA0\x80\n", 3, 3},                         /* surrogate U+D800 */
        {"# \xF4\x90\x80\x80\n", 1, 3},                         /* U+110000 */
        {"# \x80\n", 1, 3},                                     /* lone continuation */
        {"bins = 5 # \xE2\x82", 1, 12},                         /* truncated at the end */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_segment_options p;
        memset(&p, 0x5A, sizeof p);
        svcm_segment_options before = p;
        svcm_error err;
        svcm_error_clear(&err);
        int rc = parse(bad[i].text, &p, &err);
        if (rc != SVCM_EFORMAT || err.line != bad[i].line || err.column != bad[i].column ||
            err.index != SVCM_NO_INDEX || strcmp(err.message, "invalid UTF-8") != 0)
            fail_msg("case %zu: rc %d, %zu:%zu, message '%s'", i, rc, err.line, err.column,
                     err.message);
        assert_string_equal(err.field, "line");
        assert_memory_equal(&p, &before, sizeof p); /* nothing written */
    }
}

static void test_utf8_comments_are_accepted(void **state)
{
    (void)state;
    const char *text = "# caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80\n"
                       "churn_days = 10 # \xF0\x9F\x98\x80\n";
    svcm_segment_options p, want;
    svcm_segment_options_init(&want);
    want.churn_days = 10;
    assert_int_equal(parse(text, &p, NULL), SVCM_OK);
    assert_policy_equal(&p, &want);
}

/* An unknown key is quoted (up to 40 bytes) without cutting a UTF-8
 * sequence in two, so the message stays valid UTF-8. */
static void test_unknown_key_quote_never_splits_a_utf8_sequence(void **state)
{
    (void)state;
    svcm_error err;
    char text[64], want[96];
    svcm_segment_options p;
    /* 39 ASCII bytes and an e-acute: the 40-byte cut falls inside it. */
    snprintf(text, sizeof text, "%s\xC3\xA9 = 1\n", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(parse(text, &p, &err), SVCM_EFORMAT);
    snprintf(want, sizeof want, "unknown key '%s'", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_string_equal(err.message, want);
    /* 38 ASCII bytes and an e-acute: exactly 40 bytes, quoted whole. */
    snprintf(text, sizeof text, "%s\xC3\xA9 = 1\n", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(parse(text, &p, &err), SVCM_EFORMAT);
    snprintf(want, sizeof want, "unknown key '%s\xC3\xA9'", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_string_equal(err.message, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_the_documented_ones),
        cmocka_unit_test(test_check_names_each_out_of_range_threshold),
        cmocka_unit_test(test_text_with_comments_and_blank_lines_sets_the_given_keys),
        cmocka_unit_test(test_unknown_key_is_a_format_error_on_its_line),
        cmocka_unit_test(test_bad_values_are_format_errors_naming_key_and_line),
        cmocka_unit_test(test_out_of_range_values_are_invalid_with_their_line),
        cmocka_unit_test(test_format_round_trips_exactly),
        cmocka_unit_test(test_format_with_small_buffer_writes_nothing),
        cmocka_unit_test(test_decimal_comma_locale_changes_nothing),
        cmocka_unit_test(test_reason_names_cover_every_code),
        cmocka_unit_test(test_random_text_never_crashes_and_names_a_real_line),
        cmocka_unit_test(test_invalid_utf8_is_a_format_error_with_line_and_column),
        cmocka_unit_test(test_utf8_comments_are_accepted),
        cmocka_unit_test(test_unknown_key_quote_never_splits_a_utf8_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
