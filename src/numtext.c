/* Numbers in svcm's text formats: one writer (shortest round trip) and one
 * parser (a whole token, one set of accepted forms), both independent of
 * the LC_NUMERIC locale. Used by the PDCA cycle text (pdca_io.c) and the
 * segment policy text (policy.c); the forms are described in internal.h.
 *
 * Neither function ever hands a radix character to the C library: the
 * writer takes only the digits and the exponent from snprintf's "%.*e"
 * (whatever the locale prints between them), and the parser gives strtod
 * a string of the form "[-]DIGITSe[-]DIGITS" with no point in it, which
 * every locale reads the same way. glibc's snprintf and strtod are
 * correctly rounded, so the digits are exact and a parse is the nearest
 * double. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Exponents beyond this are clamped: a token has at most
 * SVCM__NUMBER_TOKEN_MAX digits, so 10^EXP_CLAMP times any of them is
 * already far outside the double range (and 10^-EXP_CLAMP far below it). */
#define EXP_CLAMP 100000

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

int svcm__parse_double(const char *s, size_t n, double *out)
{
    if (s == NULL || out == NULL || n == 0 || n > SVCM__NUMBER_TOKEN_MAX)
        return SVCM_EFORMAT;
    if (n == 3 && memcmp(s, "inf", 3) == 0) {
        *out = INFINITY;
        return SVCM_OK;
    }
    if (n == 4 && memcmp(s, "-inf", 4) == 0) {
        *out = -INFINITY;
        return SVCM_OK;
    }
    if (n == 3 && memcmp(s, "nan", 3) == 0) {
        *out = NAN;
        return SVCM_OK;
    }
    /* "[-]DIGITSe[-]DIGITS": sign, up to n digits, 'e', sign, exponent. */
    char b[SVCM__NUMBER_TOKEN_MAX + 16];
    size_t i = 0, k = 0;
    if (s[i] == '-')
        b[k++] = s[i++];
    size_t int_digits = 0, frac_digits = 0;
    while (i < n && is_digit(s[i])) {
        b[k++] = s[i++];
        int_digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            b[k++] = s[i++];
            frac_digits++;
        }
    }
    if (int_digits + frac_digits == 0)
        return SVCM_EFORMAT;
    long exp10 = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            neg = s[i++] == '-';
        if (i == n || !is_digit(s[i]))
            return SVCM_EFORMAT;
        while (i < n && is_digit(s[i])) {
            if (exp10 < EXP_CLAMP)
                exp10 = exp10 * 10 + (s[i] - '0');
            i++;
        }
        if (neg)
            exp10 = -exp10;
    }
    if (i != n)
        return SVCM_EFORMAT;
    exp10 -= (long)frac_digits;
    if (exp10 > EXP_CLAMP)
        exp10 = EXP_CLAMP;
    if (exp10 < -EXP_CLAMP)
        exp10 = -EXP_CLAMP;
    b[k++] = 'e';
    int w = snprintf(b + k, sizeof b - k, "%ld", exp10);
    if (w < 0 || (size_t)w >= sizeof b - k)
        return SVCM_EFORMAT; /* cannot happen: the exponent has at most 7 characters */
    char *end = NULL;
    double v = strtod(b, &end);
    if (end != b + k + (size_t)w)
        return SVCM_EFORMAT; /* cannot happen: b is in strtod's own syntax */
    if (isinf(v))
        return SVCM_ERANGE;
    *out = v;
    return SVCM_OK;
}

/* The digits and decimal exponent of v (finite) rounded to p significant
 * digits: d receives p digits, *x the exponent of the first one. Only the
 * digits and the exponent of snprintf's output are read, not its radix
 * character. */
static void digits_of(double v, int p, char *d, int *x)
{
    char t[64];
    (void)snprintf(t, sizeof t, "%.*e", p - 1, v);
    const char *q = t;
    if (*q == '-')
        q++;
    int k = 0;
    while (k < p && *q != '\0' && *q != 'e') {
        if (is_digit(*q))
            d[k++] = *q;
        q++;
    }
    while (*q != '\0' && *q != 'e')
        q++;
    *x = *q == 'e' ? atoi(q + 1) : 0;
}

/* Lay out digits d[0..nd) (no trailing zeros but the first) with exponent
 * x the way printf's "%.{p}g" does: exponent form when x < -4 or x >= p,
 * else fixed. Returns the length; buf has room for SVCM__DOUBLE_TEXT_MAX. */
static size_t layout(bool neg, const char *d, int nd, int x, int p, char *buf)
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
        buf[k++] = 'e';
        buf[k++] = x < 0 ? '-' : '+';
        int a = x < 0 ? -x : x;
        char e[8];
        int ne = 0;
        do {
            e[ne++] = (char)('0' + a % 10);
            a /= 10;
        } while (a > 0);
        if (ne < 2)
            e[ne++] = '0';
        while (ne > 0)
            buf[k++] = e[--ne];
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

size_t svcm__format_double(double v, char buf[SVCM__DOUBLE_TEXT_MAX])
{
    if (isnan(v)) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    if (isinf(v)) {
        const char *s = v > 0 ? "inf" : "-inf";
        size_t n = strlen(s);
        memcpy(buf, s, n + 1);
        return n;
    }
    bool neg = signbit(v) != 0;
    /* The nearest p-digit decimal to v reads back to v if any p-digit
     * decimal does, so the first p that reads back is the shortest. Any
     * decimal of at most 15 significant digits survives a trip through a
     * normal double (DBL_DIG), so there the 15-digit rounding of v is the
     * shortest decimal padded with zeros, and the search starts at 15;
     * subnormals have fewer digits of precision and start at 1. 17 digits
     * always read back. */
    size_t n = 0;
    int first = fabs(v) < DBL_MIN && v != 0.0 ? 1 : 15;
    for (int p = first; p <= 17; p++) {
        char d[17];
        int x = 0;
        digits_of(v, p, d, &x);
        int nd = p;
        while (nd > 1 && d[nd - 1] == '0')
            nd--;
        n = layout(neg, d, nd, x, p, buf);
        double back = 0.0;
        if (p == 17 || (svcm__parse_double(buf, n, &back) == SVCM_OK && back == v))
            break;
    }
    return n;
}
