/* Tests of the number writer and parser shared by the text formats
 * (src/numtext.c, declared in src/internal.h). The C library's snprintf and
 * strtod in the "C" locale are the independent reference: glibc's are
 * correctly rounded. */
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "numtext.h"

/* Iterations of a randomised sweep: all of them normally, a twentieth under
 * `meson test --setup valgrind` (which sets SVCM_TIMEOUT_SCALE), where the
 * run checks memory use, not more numbers. */
static long sweep(long n) { return getenv("SVCM_TIMEOUT_SCALE") != NULL ? n / 20 : n; }

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static int parse(const char *s, double *v) { return svcm__parse_double(s, strlen(s), v); }

static const char *fmt(double v, char buf[SVCM__DOUBLE_TEXT_MAX])
{
    size_t n = svcm__format_double(v, buf);
    assert_int_equal(strlen(buf), n);
    assert_true(n < SVCM__DOUBLE_TEXT_MAX);
    return buf;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The number of significant digits of a written finite number. */
static int significant_digits(const char *s)
{
    int n = 0, lead = 1;
    for (; *s != '\0' && *s != 'e'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (lead && *s == '0')
            continue;
        lead = 0;
        n++;
    }
    /* trailing zeros of an integer written in full do not count */
    return n == 0 ? 1 : n;
}

/* v written, parsed back bit for bit; the text is the shortest: no decimal
 * of fewer significant digits reads back to v (checked with the C
 * library in the "C" locale). */
static void check_round_trip(double v)
{
    char b[SVCM__DOUBLE_TEXT_MAX];
    fmt(v, b);
    double back = 0.0;
    if (parse(b, &back) != SVCM_OK || !same_bits(back, v))
        fail_msg("%a written as '%s' came back as %a", v, b, back);
    if (strtod(b, NULL) != v)
        fail_msg("%a written as '%s': strtod disagrees", v, b);
    const char *e = strchr(b, 'e');
    const char *end = e != NULL ? e : b + strlen(b);
    int digits = significant_digits(b);
    /* an integer like 100 has trailing zeros that are not significant */
    if (e == NULL && strchr(b, '.') == NULL)
        while (digits > 1 && end[-1] == '0' && end > b) {
            end--;
            digits--;
        }
    if (digits > 1 && v != 0.0) {
        char shorter[64];
        snprintf(shorter, sizeof shorter, "%.*e", digits - 2, v);
        if (strtod(shorter, NULL) == v)
            fail_msg("%a written as '%s' but '%s' is shorter and reads back", v, b, shorter);
    }
}

static void test_known_values_are_written_shortest(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},
        {0.2, "0.2"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {1e23, "1e+23"},
        {-0.0, "-0"},
        {0.0, "0"},
        {1.0, "1"},
        {-2.5, "-2.5"},
        {100.0, "100"},
        {180.0, "180"},
        {0.05, "0.05"},
        {1e-4, "0.0001"},
        {1e-5, "1e-05"},
        {123456789012345.0, "123456789012345"},
        {1e15, "1e+15"},
        {9007199254740993.0, "9007199254740992"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {-DBL_MAX, "-1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {5e-324, "5e-324"},
        {1e-320, "1e-320"},
        {INFINITY, "inf"},
        {-INFINITY, "-inf"},
        {NAN, "nan"},
        {-NAN, "nan"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char b[SVCM__DOUBLE_TEXT_MAX];
        if (strcmp(fmt(cases[i].v, b), cases[i].text) != 0)
            fail_msg("%a: '%s', want '%s'", cases[i].v, b, cases[i].text);
        double back = 0.0;
        assert_int_equal(parse(b, &back), SVCM_OK);
        if (isnan(cases[i].v))
            assert_true(isnan(back));
        else
            assert_true(same_bits(back, cases[i].v));
    }
}

static void test_random_doubles_round_trip_bit_for_bit_and_shortest(void **state)
{
    (void)state;
    static const double edge[] = {0.0, -0.0, 0.1, 1e23, DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN,
                                  5e-324, -5e-324, 2 * 5e-324, DBL_MIN - 5e-324,
                                  9007199254740993.0, 123456789012345678.0, 0.05, 1.0 / 3.0,
                                  1e21, 1e22, 5e-310, 4.35e-312, 1e-4, 9.999999999999998};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        check_round_trip(edge[i]);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (long i = 0; i < sweep(200000); i++) { /* every exponent and mantissa */
        uint64_t bits = xorshift(&x);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            check_round_trip(v);
    }
    for (long i = 0; i < sweep(50000); i++) { /* subnormals: exponent field 0 */
        uint64_t bits = xorshift(&x) & 0x800FFFFFFFFFFFFFull;
        double v;
        memcpy(&v, &bits, sizeof v);
        check_round_trip(v);
    }
    for (long i = 0; i < sweep(50000); i++) { /* short decimals come back short */
        /* k / 1000 rounded once: the nearest double to a decimal of at
         * most 7 digits, which %.15g prints. */
        double v = (double)((int64_t)(xorshift(&x) % 2000001) - 1000000) / 1000.0;
        check_round_trip(v);
        char b[SVCM__DOUBLE_TEXT_MAX], ref[64];
        snprintf(ref, sizeof ref, "%.15g", v);
        assert_string_equal(fmt(v, b), ref);
    }
}

static void test_accepted_forms_read_like_strtod(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "0", "-0", "1", "1.", ".5", "-.5", "007", "1.25", "1E5", "1e+5", "1e-5", "1e05",
        "123456789012345678901234567890", "0.000000000000000000000000000001",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "1e-400", "-1e-400", "1.7976931348623157e308", "1.797693134862315807e308",
        "0e99999999999999999999", "1e-99999999999999999999", "0.1e1", "100e-2",
        "2.2250738585072011e-308", "9007199254740993",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = 12345.0;
        if (parse(ok[i], &v) != SVCM_OK)
            fail_msg("'%s' refused", ok[i]);
        double want = strtod(ok[i], NULL);
        if (!same_bits(v, want))
            fail_msg("'%s': %a, strtod %a", ok[i], v, want);
    }
    double v = 0.0;
    assert_int_equal(parse("inf", &v), SVCM_OK);
    assert_true(isinf(v) && v > 0);
    assert_int_equal(parse("-inf", &v), SVCM_OK);
    assert_true(isinf(v) && v < 0);
    assert_int_equal(parse("nan", &v), SVCM_OK);
    assert_true(isnan(v));
    /* The token need not be NUL-terminated: only n bytes are read. */
    assert_int_equal(svcm__parse_double("12345", 3, &v), SVCM_OK);
    assert_true(v == 123.0);
    assert_int_equal(svcm__parse_double("0.5,", 3, &v), SVCM_OK);
    assert_true(v == 0.5);
    /* 63 bytes is the longest token. */
    char longest[SVCM__NUMBER_TOKEN_MAX + 2];
    memset(longest, '1', SVCM__NUMBER_TOKEN_MAX);
    longest[0] = '0';
    longest[1] = '.';
    longest[SVCM__NUMBER_TOKEN_MAX] = '\0';
    assert_int_equal(parse(longest, &v), SVCM_OK);
    assert_true(same_bits(v, strtod(longest, NULL)));
    longest[SVCM__NUMBER_TOKEN_MAX] = '1';
    longest[SVCM__NUMBER_TOKEN_MAX + 1] = '\0';
    assert_int_equal(parse(longest, &v), SVCM_EFORMAT);
}

static void test_refused_forms_leave_the_output_alone(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",       " 1",     "1 ",    "+1",    "\t1",   "1\n",    "0x1p3",  "0X10",   "0x1.8p+1",
        "INF",    "Inf",    "infinity", "+inf", "-nan",  "NAN",    "nan(1)", "nan()",  "1,5",
        ".",      "-",      "-.",    "e5",    ".e5",   "1e",     "1e+",    "1e-",    "1.5.2",
        "--1",    "-+1",    "1e1.5", "1ee5",  "1e5x",  "x",      "1_000",  "1'000",  "١",
        "0.5f",   "1d",     "- 1",   "1e 5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42.0;
        int rc = parse(bad[i], &v);
        if (rc != SVCM_EFORMAT)
            fail_msg("'%s' gave %d, want SVCM_EFORMAT", bad[i], rc);
        assert_true(v == 42.0);
    }
    double v = 42.0;
    /* Beyond the double range is out of range, never infinity. */
    assert_int_equal(parse("1e999", &v), SVCM_ERANGE);
    assert_int_equal(parse("-1e999", &v), SVCM_ERANGE);
    assert_int_equal(parse("1.7976931348623159e308", &v), SVCM_ERANGE);
    assert_int_equal(parse("99999999999999999999e99999999999", &v), SVCM_ERANGE);
    assert_true(v == 42.0);
    /* A NUL byte inside the token, NULL pointers, n = 0. */
    assert_int_equal(svcm__parse_double("1\0002", 3, &v), SVCM_EFORMAT);
    assert_int_equal(svcm__parse_double(NULL, 1, &v), SVCM_EFORMAT);
    assert_int_equal(svcm__parse_double("1", 1, NULL), SVCM_EFORMAT);
    assert_int_equal(svcm__parse_double("1", 0, &v), SVCM_EFORMAT);
    assert_true(v == 42.0);
}

/* ---- the exact reference: the writer as it was before the fast path
 * (0.2.0): digits from snprintf's "%.*e", read back with strtod in the "C"
 * locale, from 15 significant digits (1 for subnormals) up to 17. The fast
 * writer must give exactly these bytes. */
static size_t ref_layout(bool neg, const char *d, int nd, int x, int p, char *buf)
{
    size_t k = 0;
    if (neg)
        buf[k++] = '-';
    if (x < -4 || x >= p) {
        buf[k++] = d[0];
        if (nd > 1) {
            buf[k++] = '.';
            memcpy(buf + k, d + 1, (size_t)nd - 1);
            k += (size_t)nd - 1;
        }
        k += (size_t)sprintf(buf + k, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            buf[k++] = i < nd ? d[i] : '0';
        if (nd > x + 1) {
            buf[k++] = '.';
            memcpy(buf + k, d + x + 1, (size_t)(nd - x - 1));
            k += (size_t)(nd - x - 1);
        }
    } else {
        buf[k++] = '0';
        buf[k++] = '.';
        for (int i = 0; i < -x - 1; i++)
            buf[k++] = '0';
        memcpy(buf + k, d, (size_t)nd);
        k += (size_t)nd;
    }
    buf[k] = '\0';
    return k;
}

static void ref_format(double v, char *buf)
{
    if (isnan(v)) {
        strcpy(buf, "nan");
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "inf" : "-inf");
        return;
    }
    int first = fabs(v) < DBL_MIN && v != 0.0 ? 1 : 15;
    for (int p = first; p <= 17; p++) {
        char t[64], d[17];
        snprintf(t, sizeof t, "%.*e", p - 1, v);
        const char *q = t + (t[0] == '-');
        int k = 0;
        for (; *q != 'e'; q++)
            if (*q >= '0' && *q <= '9')
                d[k++] = *q;
        int x = atoi(q + 1), nd = p;
        while (nd > 1 && d[nd - 1] == '0')
            nd--;
        ref_layout(signbit(v) != 0, d, nd, x, p, buf);
        if (p == 17 || strtod(buf, NULL) == v)
            return;
    }
}

static void check_against_ref(double v)
{
    char b[SVCM__DOUBLE_TEXT_MAX], ref[64];
    fmt(v, b);
    ref_format(v, ref);
    if (svcm__double_text_len(v) != strlen(b))
        fail_msg("%a written as '%s' but measured as %zu bytes", v, b, svcm__double_text_len(v));
    if (strcmp(b, ref) != 0)
        fail_msg("%a written as '%s', the exact reference writes '%s'", v, b, ref);
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* A uniform double in [0, 1) with all 53 bits random. */
static double unit(uint64_t *x) { return (double)(xorshift(x) >> 11) / 9007199254740992.0; }

static void test_writer_is_byte_identical_to_the_exact_reference(void **state)
{
    (void)state;
    setlocale(LC_NUMERIC, "C");
    uint64_t x = 0xD1B54A32D192ED03ull;
    /* Every binary exponent, neighbours of the powers of two and ten (the
     * narrow rounding interval below 2^k, carries like 9.99..95), values
     * that need 15, 16 and 17 digits, subnormals, extremes. */
    for (int e = -1074; e <= 1023; e++) {
        double p2 = ldexp(1.0, e);
        check_against_ref(p2);
        check_against_ref(-p2);
        check_against_ref(nextafter(p2, 0.0));
        check_against_ref(nextafter(p2, INFINITY));
        check_against_ref(p2 * (1.0 + unit(&x)));
    }
    for (int k = -330; k <= 308; k++) {
        char t[32];
        snprintf(t, sizeof t, "1e%d", k);
        double p10 = strtod(t, NULL);
        check_against_ref(p10);
        check_against_ref(nextafter(p10, 0.0));
        check_against_ref(nextafter(p10, INFINITY));
        snprintf(t, sizeof t, "9.9999999999999995e%d", k);
        check_against_ref(strtod(t, NULL));
        snprintf(t, sizeof t, "9.999999999999999e%d", k);
        check_against_ref(strtod(t, NULL));
    }
    static const double edge[] = {0.0, -0.0, DBL_MAX, -DBL_MAX, DBL_MIN, 5e-324,
                                  INFINITY, -INFINITY, NAN, 0.1, 0.3, 1e23, 2.5, 1234567890123456.5,
                                  9007199254740991.0, 9007199254740992.0, 4503599627370497.5};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        check_against_ref(edge[i]);
    for (long i = 0; i < sweep(1000000); i++) {
        uint64_t r = xorshift(&x);
        switch (i % 5) {
        case 0: /* any bit pattern */
            check_against_ref(from_bits(r));
            break;
        case 1: /* the exponents of everyday numbers, all mantissa bits */
            check_against_ref(ldexp(1.0 + unit(&x), (int)(r % 200) - 100));
            break;
        case 2: /* measurements like the benchmark's */
            check_against_ref(100.0 * unit(&x) - 50.0);
            break;
        case 3: /* short decimals (a division rounded once) */
            check_against_ref((double)(int64_t)(r % 100000000) / pow(10.0, (double)(r >> 58)));
            break;
        default: /* 16 and 17 digit integers and halves near 2^53 */
            check_against_ref((double)(r >> 10) / 2.0);
            break;
        }
    }
}

/* A random token in the accepted forms: up to 25 digits with the point
 * anywhere (or none), an optional exponent of either case and sign. */
static void random_token(uint64_t *x, char *t)
{
    uint64_t r = xorshift(x);
    size_t k = 0;
    if (r & 1)
        t[k++] = '-';
    int nd = 1 + (int)((r >> 1) % 25);
    int point = (int)((r >> 6) % (uint64_t)(nd + 2)) - 1; /* -1: none */
    int zeros = (r >> 11) % 4 == 0 ? (int)((r >> 13) % 6) : 0;
    for (int i = 0; i < zeros; i++)
        t[k++] = '0';
    uint64_t d = xorshift(x);
    for (int i = 0; i < nd; i++) {
        if (i == point)
            t[k++] = '.';
        if (i % 16 == 15)
            d = xorshift(x);
        /* runs of 0 and 9 now and then: the carries */
        int c = (r >> 20) % 8 == 0 ? ((r >> 23) & 1 ? 9 : 0) : (int)(d % 10);
        d /= 10;
        t[k++] = (char)('0' + c);
    }
    if (point == nd)
        t[k++] = '.';
    if ((r >> 30) % 3 != 0) {
        t[k++] = (r >> 32) & 1 ? 'e' : 'E';
        uint64_t s = (r >> 33) % 3;
        if (s != 0)
            t[k++] = s == 1 ? '-' : '+';
        k += (size_t)sprintf(t + k, "%d", (int)((r >> 35) % 60));
    }
    t[k] = '\0';
}

static void check_against_strtod(const char *t)
{
    double v = 42.0;
    int rc = parse(t, &v);
    if (rc != SVCM_OK)
        fail_msg("'%s' refused (%d)", t, rc);
    double want = strtod(t, NULL);
    if (!same_bits(v, want))
        fail_msg("'%s': %a, strtod in the C locale %a", t, v, want);
}

static void test_parser_is_correctly_rounded_like_strtod(void **state)
{
    (void)state;
    setlocale(LC_NUMERIC, "C");
    uint64_t x = 0x8BADF00DDEADBEEFull;
    char t[96];
    for (long i = 0; i < sweep(1000000); i++) {
        random_token(&x, t);
        check_against_strtod(t);
    }
    /* Exact midpoints between two doubles (ties go to the even one), and
     * the integers either side: O / 2^j for odd 54-bit O, written as
     * O * 5^j with j decimals. */
    for (long i = 0; i < sweep(300000); i++) {
        uint64_t O = ((xorshift(&x) >> 11) | (UINT64_C(1) << 53)) | 1u;
        int j = i % 5;
        uint64_t I = O;
        for (int k = 0; k < j; k++)
            I *= 5;
        if (j == 4 && I / 625 != O)
            continue; /* cannot happen: O * 625 < 2^64 */
        for (int delta = -1; delta <= 1; delta++) {
            uint64_t w = I + (uint64_t)(int64_t)delta;
            if (j == 0) {
                snprintf(t, sizeof t, "%" PRIu64, w);
            } else if (i % 2 == 0) {
                snprintf(t, sizeof t, "%" PRIu64 "e-%d", w, j);
            } else {
                char digits[32];
                int n = snprintf(digits, sizeof digits, "%" PRIu64, w);
                snprintf(t, sizeof t, "%.*s.%s", n - j, digits, digits + n - j);
            }
            check_against_strtod(t);
        }
    }
    /* Whatever the writer writes, and its 17-digit spelling. */
    for (long i = 0; i < sweep(300000); i++) {
        double v = ldexp(1.0 + unit(&x), (int)(xorshift(&x) % 160) - 80);
        char b[SVCM__DOUBLE_TEXT_MAX];
        check_against_strtod(fmt(v, b));
        snprintf(t, sizeof t, "%.16e", v);
        check_against_strtod(t);
    }
}

/* A locale whose decimal point is a comma, if the machine has one. */
static bool comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "fr_FR", "nl_NL.UTF-8", "es_ES.UTF-8",
                                        "it_IT.UTF-8", "pt_BR.UTF-8", "ru_RU.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_NUMERIC, names[i]) != NULL &&
            strcmp(localeconv()->decimal_point, ",") == 0)
            return true;
    setlocale(LC_NUMERIC, "C");
    return false;
}

static void test_a_decimal_comma_locale_changes_nothing(void **state)
{
    (void)state;
    /* Texts written in the "C" locale first. */
    enum { N = 2000 };
    static double vals[N];
    static char texts[N][SVCM__DOUBLE_TEXT_MAX];
    uint64_t x = 0x0123456789ABCDEFull;
    for (int i = 0; i < N; i++) {
        uint64_t bits = xorshift(&x);
        memcpy(&vals[i], &bits, sizeof vals[i]);
        if (i % 3 == 0)
            vals[i] = (double)(bits % 100000) / 100.0;
        fmt(vals[i], texts[i]);
    }
    if (!comma_locale())
        skip(); /* no such locale installed: nothing to compare with */
    char probe[32];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5"); /* the C library does use the comma */
    for (int i = 0; i < N; i++) {
        char b[SVCM__DOUBLE_TEXT_MAX];
        if (strcmp(fmt(vals[i], b), texts[i]) != 0)
            fail_msg("%a: '%s' under a comma locale, '%s' under C", vals[i], b, texts[i]);
        double back = 0.0;
        assert_int_equal(parse(texts[i], &back), SVCM_OK);
        assert_true(same_bits(back, vals[i]) || (isnan(back) && isnan(vals[i])));
    }
    double v = 42.0;
    assert_int_equal(parse("0,5", &v), SVCM_EFORMAT);
    assert_int_equal(parse("0.5", &v), SVCM_OK);
    assert_true(v == 0.5);
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values_are_written_shortest),
        cmocka_unit_test(test_random_doubles_round_trip_bit_for_bit_and_shortest),
        cmocka_unit_test(test_accepted_forms_read_like_strtod),
        cmocka_unit_test(test_refused_forms_leave_the_output_alone),
        cmocka_unit_test(test_a_decimal_comma_locale_changes_nothing),
        cmocka_unit_test(test_writer_is_byte_identical_to_the_exact_reference),
        cmocka_unit_test(test_parser_is_correctly_rounded_like_strtod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
