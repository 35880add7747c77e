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
 * double.
 *
 * Those exact paths are slow (multiple precision in glibc), so the common
 * numbers take the fast paths at the end of this file: the same results
 * from 128-bit integer arithmetic, checked against the C library in
 * tests/test_numtext.c (issue 18). */
#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "numtext.h"

/* Exponents beyond this are clamped: a token has at most
 * SVCM__NUMBER_TOKEN_MAX digits, so 10^EXP_CLAMP times any of them is
 * already far outside the double range (and 10^-EXP_CLAMP far below it). */
#define EXP_CLAMP 100000

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_slow(const char *s, size_t n, double *out)
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

static size_t format_slow(double v, char buf[SVCM__DOUBLE_TEXT_MAX])
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
        if (p == 17 || (parse_slow(buf, n, &back) == SVCM_OK && back == v))
            break;
    }
    return n;
}

/* ------------------------------------------------------------ fast paths
 *
 * Both functions above are exact but slow (glibc's snprintf and strtod work
 * in multiple precision). The paths below give the same results with
 * 128-bit integer arithmetic for the numbers every format is full of
 * (decimal exponents within about +-27 of the digits), and hand everything
 * else to the exact functions above. Without a 128-bit integer type the
 * slow paths do all the work. */

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

static const uint64_t pow10_u64[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
    10000000000000000000u};

/* 5^0 .. 5^27 (5^27 < 2^63). */
static const uint64_t pow5_u64[28] = {
    1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u, 9765625u,
    48828125u, 244140625u, 1220703125u, 6103515625u, 30517578125u, 152587890625u,
    762939453125u, 3814697265625u, 19073486328125u, 95367431640625u, 476837158203125u,
    2384185791015625u, 11920928955078125u, 59604644775390625u, 298023223876953125u,
    1490116119384765625u, 7450580596923828125u};

static int bitlen(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
    if (hi != 0)
        return 128 - __builtin_clzll(hi);
    return lo != 0 ? 64 - __builtin_clzll(lo) : 0;
}

/* 5^s for 0 <= s <= 32 (5^32 < 2^75). */
static u128 pow5(int s)
{
    return s <= 27 ? (u128)pow5_u64[s] : (u128)pow5_u64[27] * pow5_u64[s - 27];
}

/* The 15-, 16- and 17-digit roundings (half to even, as snprintf's
 * "%.*e") of the finite normal double m * 2^e (2^52 <= m < 2^53), from one
 * exact division: digits[j] holds the 15 + j digit rounding (possibly
 * 10^(15+j) after a carry), *x the decimal exponent of the first of the 17
 * digits, exact[j] whether that decimal reads back to the same double (the
 * nearest double, ties to even; the interval below 2^k is half as wide
 * when narrow_below). x is a guess on entry, off by at most one. False
 * when the numbers involved do not fit 128 bits (the caller falls back on
 * the exact slow path).
 *
 * With V = A / B the value scaled by 10^s (s = 16 - x) and H2 twice the
 * half-gap to the next double in the same units, the p-digit rounding is
 * q_p = A / (B * 10^(17 - p)) rounded, and it reads back to v when its
 * distance to V, times 2, is below H2 (or equal, with m even). */
static bool round_digits(uint64_t m, int e, bool narrow_below, int *x, uint64_t digits[3],
                         bool exact[3])
{
    u128 q = 0, r = 0, B = 1, H2 = 0;
    for (int tries = 0;; tries++) {
        if (tries > 3)
            return false; /* cannot happen: the guess is off by at most one */
        int s = 16 - *x;
        u128 A;
        if (s >= 0) {
            if (s > 32)
                return false;
            u128 f = pow5(s);
            A = (u128)m * f; /* < 2^53 * 2^75 */
            if (e + s >= 0) {
                if (bitlen(A) + e + s > 125 || bitlen(f) + e + s > 125)
                    return false;
                q = A << (e + s);
                r = 0;
                H2 = f << (e + s);
                B = 1;
            } else {
                int k = -(e + s);
                if (k > 118)
                    return false;
                B = (u128)1 << k;
                q = A >> k;
                r = A & (B - 1);
                H2 = f;
            }
        } else {
            int t = -s;
            if (t > 27)
                return false;
            if (e - t >= 0) {
                if (53 + e - t > 120)
                    return false;
                A = (u128)m << (e - t);
                B = pow5_u64[t];
                H2 = (u128)1 << (e - t);
            } else {
                if (64 + t - e > 118)
                    return false;
                A = m;
                B = (u128)pow5_u64[t] << (t - e);
                H2 = 1;
            }
            q = A / B;
            r = A % B;
        }
        if (q >= pow10_u64[17])
            ++*x;
        else if (q < pow10_u64[16])
            --*x;
        else
            break;
    }
    bool even = (m & 1) == 0;
    uint64_t q17 = (uint64_t)q;
    /* Division by constants: the compiler multiplies instead of dividing. */
    const uint64_t qs[3] = {q17 / 100, q17 / 10, q17};
    const uint64_t rs[3] = {q17 % 100, q17 % 10, 0};
    if ((B >> 56) == 0 && (H2 >> 62) == 0) {
        /* The usual case (numbers near 1, in any unit): every quantity
         * below fits 64 bits (B * 100 < 2^63, 4 * diff <= 2 * B * 100). */
        uint64_t b = (uint64_t)B, rr = (uint64_t)r, h2 = (uint64_t)H2;
        for (int j = 0; j < 3; j++) {
            uint64_t P = pow10_u64[2 - j];
            /* Branch-free: up and exact are data, not control flow. */
            uint64_t R = rs[j] * b + rr, BP = b * P, R2 = R << 1;
            uint64_t up = (uint64_t)(R2 > BP) | ((uint64_t)(R2 == BP) & (qs[j] & 1));
            uint64_t mask = 0 - up;
            uint64_t diff = ((BP - R) & mask) | (R & ~mask);
            digits[j] = qs[j] + up;
            uint64_t d = diff << (1 + ((up ^ 1) & (uint64_t)narrow_below));
            exact[j] = (diff == 0) | (d < h2) | ((d == h2) & even);
        }
        return true;
    }
    for (int j = 0; j < 3; j++) {
        uint64_t P = pow10_u64[2 - j];
        uint64_t qj = qs[j];
        u128 R = (u128)rs[j] * B + r; /* < B * P <= 2^125 */
        u128 BP = B * P;
        u128 R2 = R << 1;
        bool up = R2 > BP || (R2 == BP && (qj & 1) != 0);
        u128 diff = up ? BP - R : R; /* <= BP / 2 */
        digits[j] = qj + (up ? 1u : 0u);
        u128 d = diff << ((!up && narrow_below) ? 2 : 1);
        exact[j] = diff == 0 || d < H2 || (d == H2 && even);
    }
    return true;
}

/* The doubles nearest to 10^-24 .. 10^49. */
#define P10_MIN (-24)
static const double p10[] = {
    1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12,
    1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3,
    1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34,
    1e35, 1e36, 1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49};

/* The shortest text of v as digits: *neg, the nd significant digits D
 * (no trailing zeros), the decimal exponent *x of the first and the
 * precision *p (15, 16 or 17) that lays them out. False when v needs the
 * slow path (zero, subnormal, nonfinite, or an exponent beyond the 128-bit
 * range). */
static bool shortest(double v, bool *neg, uint64_t *Dout, int *ndout, int *xout, int *pout)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    *neg = (bits >> 63) != 0;
    int be = (int)((bits >> 52) & 0x7FF);
    if (be == 0 || be == 0x7FF)
        return false;
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int e = be - 1075;
    bool narrow = m == (UINT64_C(1) << 52) && be > 1;
    /* floor(log10(2^(e + 52))), off by at most one from that of v: 78913
     * / 2^18 is log10(2) to 6 digits, exact enough over this range. */
    int x = (e + 52) >= 0 ? ((e + 52) * 78913) >> 18 : -((-(e + 52) * 78913 + 262143) >> 18);
    /* The guess is floor(log10(v)) or one below: one comparison with the
     * nearest double to the next power of ten settles it (or, where that
     * double is not exact, leaves it for round_digits to correct). */
    if (x + 1 >= P10_MIN && x + 1 < P10_MIN + (int)(sizeof p10 / sizeof p10[0]) &&
        fabs(v) >= p10[x + 1 - P10_MIN])
        x++;
    uint64_t digits[3];
    bool exact[3];
    if (!round_digits(m, e, narrow, &x, digits, exact))
        return false;
    int j = (int)!exact[0] + (int)(!exact[0] & !exact[1]); /* the first exact one */
    int p = 15 + j;
    uint64_t D = digits[j];
    if (D == pow10_u64[p]) { /* 9.99..5 rounded up to 10.00..0 */
        D = pow10_u64[p - 1];
        x++;
    }
    int nd = p;
    while (nd > 1 && D % 10 == 0) {
        D /= 10;
        nd--;
    }
    *Dout = D;
    *ndout = nd;
    *xout = x;
    *pout = p;
    return true;
}

/* The fast writer: false when v needs the slow path. */
static bool format_fast(double v, char buf[SVCM__DOUBLE_TEXT_MAX], size_t *len)
{
    bool neg;
    uint64_t D;
    int nd, xx, p;
    if (!shortest(v, &neg, &D, &nd, &xx, &p))
        return false;
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    /* D as 17 digits with leading zeros, two independent halves (shorter
     * chains of divisions), two digits at a time; its nd digits are the
     * last nd. */
    char t17[17];
    uint32_t lo = (uint32_t)(D % 100000000u), hi = (uint32_t)(D / 100000000u);
    for (int i = 16; i > 8; i -= 2) {
        unsigned q2 = lo % 100;
        lo /= 100;
        t17[i] = pairs[2 * q2 + 1];
        t17[i - 1] = pairs[2 * q2];
    }
    for (int i = 8; i > 0; i -= 2) {
        unsigned q2 = hi % 100;
        hi /= 100;
        t17[i] = pairs[2 * q2 + 1];
        t17[i - 1] = pairs[2 * q2];
    }
    t17[0] = (char)('0' + hi);
    const char *d = t17 + 17 - nd;
    *len = layout(neg, d, nd, xx, p, buf);
    return true;
}

/* Round Q * 2^e2 (plus a fraction below 1 when sticky) to the nearest
 * double; Q has at least 55 bits when sticky, and the result is normal. */
static double round_to_double(u128 Q, bool sticky, int e2)
{
    int L = bitlen(Q);
    uint64_t mant;
    if (L <= 53) { /* exact: sticky needs L >= 55 */
        mant = (uint64_t)Q << (53 - L);
        e2 -= 53 - L;
    } else {
        int sh = L - 53;
        mant = (uint64_t)(Q >> sh);
        u128 rem = Q & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
        if (rem > half || (rem == half && (sticky || (mant & 1) != 0)))
            mant++;
        if (mant == (UINT64_C(1) << 53)) {
            mant >>= 1;
            sh++;
        }
        e2 += sh;
    }
    /* mant in [2^52, 2^53), the value mant * 2^e2 normal: assemble the
     * bits (exact, like ldexp, without the call). */
    uint64_t bits = ((uint64_t)(e2 + 52 + 1023) << 52) | (mant & ((UINT64_C(1) << 52) - 1));
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* Compare M with c * 5^t * 2^g (c odd, below 2^55): -1, 0 or 1. */
static int cmp_scaled(uint64_t M, uint64_t c, int t, int g)
{
    u128 rhs = (u128)c * pow5_u64[t]; /* < 2^55 * 2^51 (t <= 22) */
    u128 lhs = M;
    if (g >= 0) {
        if (bitlen(rhs) + g > 64)
            return -1; /* rhs >= 2^64 > M */
        rhs <<= g;
    } else {
        if (bitlen(lhs) - g > 127)
            return 1; /* cannot happen: M / 10^t is within an ulp of c / 2 * 2^.. */
        lhs <<= -g;
    }
    return lhs < rhs ? -1 : lhs > rhs;
}

/* M / 10^t (1 <= t <= 22) correctly rounded: the quotient of two exact
 * doubles is within one unit in the last place (M itself may have been
 * rounded), and exact comparisons with the midpoints to the neighbours
 * settle it. */
static double div_pow10(uint64_t M, int t)
{
    static const double exact10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double y = (double)M / exact10[t];
    if (M <= (UINT64_C(1) << 53))
        return y; /* both operands exact: one correctly rounded division */
    uint64_t bits;
    memcpy(&bits, &y, sizeof bits);
    uint64_t my = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int ey = (int)(bits >> 52) - 1075; /* y = my * 2^ey, normal */
    if (my == (UINT64_C(1) << 52)) {
        /* the neighbour below is closer: the exact division decides */
        int sh = 55 + 64 - bitlen(M);
        u128 A = (u128)M << sh;
        u128 B = (u128)pow5_u64[t];
        return round_to_double(A / B, A % B != 0, -sh - t);
    }
    bool odd = (my & 1) != 0;
    /* X = M / 10^t against the midpoints (2 my +- 1) 2^(ey - 1):
     * M against (2 my +- 1) 5^t 2^(ey - 1 + t). */
    int up = cmp_scaled(M, 2 * my + 1, t, ey - 1 + t);
    if (up > 0 || (up == 0 && odd))
        bits++;
    else {
        int lo = cmp_scaled(M, 2 * my - 1, t, ey - 1 + t);
        if (lo < 0 || (lo == 0 && odd))
            bits--;
    }
    memcpy(&y, &bits, sizeof y);
    return y;
}

/* The fast parser: true with *out set for a token in the accepted forms
 * with at most 19 significant digits and a decimal exponent within +-27 of
 * them; false for anything else (the slow parser decides). */
static bool parse_fast(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = s[0] == '-';
    if (neg)
        i++;
    uint64_t M = 0;
    int nd = 0, dexp = 0;
    bool any = false;
    while (i < n && is_digit(s[i])) {
        any = true;
        if (M != 0 || s[i] != '0') {
            if (nd == 19)
                return false;
            M = M * 10 + (uint64_t)(s[i] - '0');
            nd++;
        }
        i++;
    }
    if (i < n && s[i] == '.') {
        i++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Eight digits at a time once the leading zeros are behind. */
        while (M != 0 && nd <= 11 && n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (((w & UINT64_C(0xF0F0F0F0F0F0F0F0)) |
                 (((w + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) >> 4)) !=
                UINT64_C(0x3333333333333333))
                break;
            w = (w & UINT64_C(0x0F0F0F0F0F0F0F0F)) * 2561 >> 8;
            w = (w & UINT64_C(0x00FF00FF00FF00FF)) * 6553601 >> 16;
            M = M * 100000000u +
                (uint64_t)(uint32_t)((w & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001) >> 32);
            nd += 8;
            dexp -= 8;
            i += 8;
        }
#endif
        while (i < n && is_digit(s[i])) {
            any = true;
            if (M != 0 || s[i] != '0') {
                if (nd == 19)
                    return false;
                M = M * 10 + (uint64_t)(s[i] - '0');
                nd++;
            }
            dexp--;
            i++;
        }
    }
    if (!any)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i == n || !is_digit(s[i]))
            return false;
        int ex = 0;
        while (i < n && is_digit(s[i])) {
            if (ex < 1000)
                ex = ex * 10 + (s[i] - '0');
            i++;
        }
        dexp += eneg ? -ex : ex;
    }
    if (i != n)
        return false;
    double v;
    if (M == 0) {
        v = 0.0;
    } else if (dexp == 0 && M <= (UINT64_C(1) << 53)) {
        v = (double)M; /* exact */
    } else if (dexp >= 0 && dexp <= 27) {
        v = round_to_double((u128)M * pow5_u64[dexp], false, dexp);
    } else if (dexp < 0 && dexp >= -22) {
        v = div_pow10(M, -dexp);
    } else if (dexp < 0 && dexp >= -27) {
        int t = -dexp;
        uint64_t B = pow5_u64[t];
        int sh = 55 + bitlen(B) - bitlen(M);
        if (sh < 0)
            sh = 0;
        u128 A = (u128)M << sh;
        v = round_to_double(A / B, A % B != 0, -sh - t);
    } else {
        return false;
    }
    *out = neg ? -v : v;
    return true;
}
#endif /* __SIZEOF_INT128__ */

int svcm__parse_double(const char *s, size_t n, double *out)
{
    if (s == NULL || out == NULL || n == 0 || n > SVCM__NUMBER_TOKEN_MAX)
        return SVCM_EFORMAT;
#ifdef __SIZEOF_INT128__
    if (parse_fast(s, n, out))
        return SVCM_OK;
#endif
    return parse_slow(s, n, out);
}

size_t svcm__format_double(double v, char buf[SVCM__DOUBLE_TEXT_MAX])
{
#ifdef __SIZEOF_INT128__
    if (v == 0.0) {
        bool neg = signbit(v) != 0;
        memcpy(buf, neg ? "-0" : "0", neg ? 3 : 2);
        return neg ? 2 : 1;
    }
    size_t n = 0;
    if (format_fast(v, buf, &n))
        return n;
#endif
    return format_slow(v, buf);
}

size_t svcm__double_text_len(double v)
{
#ifdef __SIZEOF_INT128__
    bool neg;
    uint64_t D;
    int nd, x, p;
    if (v != 0.0 && shortest(v, &neg, &D, &nd, &x, &p)) {
        /* the length layout() gives */
        size_t n = neg ? 1u : 0u;
        if (x < -4 || x >= p) {
            int a = x < 0 ? -x : x;
            n += (size_t)nd + (nd > 1 ? 1u : 0u) + 2u + (a >= 100 ? 3u : 2u);
        } else if (x >= 0) {
            n += (size_t)x + 1u + (nd > x + 1 ? (size_t)(nd - x) : 0u);
        } else {
            n += 2u + (size_t)(-x - 1) + (size_t)nd;
        }
        return n;
    }
#endif
    char b[SVCM__DOUBLE_TEXT_MAX];
    return svcm__format_double(v, b);
}
