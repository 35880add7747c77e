/* Scorecard: targets with statistical verdicts (svcm/scorecard.h). The
 * intervals and tests are the library's own (stats.c, rates.c,
 * feedback.c, the durations sketch); this file decides on which side of a
 * target they lie, how many observations would decide, and reads and
 * writes the targets text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svcm/scorecard.h"

/* The largest sample size n_to_decide reports (2^53: every count below it
 * is exact in a double). */
#define MAX_DECIDE 9007199254740992.0

static bool good_confidence(double c) { return c > 0.0 && c < 1.0; }

static bool good_direction(int d)
{
    return d == SVCM_TARGET_DIRECTION_AT_LEAST || d == SVCM_TARGET_DIRECTION_AT_MOST;
}

static svcm_target_outcome outcome_of(svcm_interval ci, double target, svcm_target_direction dir)
{
    if (dir == SVCM_TARGET_DIRECTION_AT_LEAST) {
        if (ci.lo >= target)
            return SVCM_TARGET_OUTCOME_MET;
        if (ci.hi < target)
            return SVCM_TARGET_OUTCOME_MISSED;
    } else {
        if (ci.hi <= target)
            return SVCM_TARGET_OUTCOME_MET;
        if (ci.lo > target)
            return SVCM_TARGET_OUTCOME_MISSED;
    }
    return SVCM_TARGET_OUTCOME_UNDETERMINED;
}

/* ------------------------------------------------------------ sample size */

/* The interval an estimate would have with n observations. */
typedef enum { AT_WILSON, AT_T, AT_WALD } at_kind;

typedef struct at_n {
    at_kind kind;
    double est;   /* proportion, mean or NPS points */
    double spread; /* t: the standard deviation s; Wald: 100 sqrt(V) */
    double z;     /* normal quantile 1 - alpha/2 */
    double confidence;
} at_n;

/* Wilson (1927) in closed form at a (possibly non-integer) count p n:
 * centre (p + z^2 / 2n) / (1 + z^2 / n), half-width
 * z / (1 + z^2 / n) sqrt(p (1 - p) / n + z^2 / 4n^2). */
static svcm_interval wilson_at(double p, double n, double z)
{
    double z2 = z * z, d = 1.0 + z2 / n;
    double c = (p + z2 / (2.0 * n)) / d;
    double h = z / d * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    svcm_interval ci = {fmax(0.0, c - h), fmin(1.0, c + h)};
    return ci;
}

static bool interval_at(const at_n *a, double n, svcm_interval *ci)
{
    double h;
    switch (a->kind) {
    case AT_WILSON:
        *ci = wilson_at(a->est, n, a->z);
        return true;
    case AT_T: {
        double t;
        if (n < 2.0 || svcm_t_quantile(0.5 + a->confidence / 2.0, n - 1.0, &t) != SVCM_OK)
            return false;
        h = t * a->spread / sqrt(n);
        break;
    }
    default:
        h = a->z * a->spread / sqrt(n);
        break;
    }
    ci->lo = a->est - h;
    ci->hi = a->est + h;
    return true;
}

static bool decides(const at_n *a, double n, double target, svcm_target_direction dir)
{
    svcm_interval ci;
    if (!interval_at(a, n, &ci))
        return false;
    return outcome_of(ci, target, dir) != SVCM_TARGET_OUTCOME_UNDETERMINED;
}

/* The smallest n in [1, 2^53] whose interval at the estimate excludes the
 * target, or 0. Doubling finds a deciding n, bisection the smallest: the
 * half-widths shrink as n grows (and the Wilson centre moves towards p),
 * so once an n decides every larger one does. */
static uint64_t n_to_decide(const at_n *a, double target, svcm_target_direction dir)
{
    if (a->est == target || !(a->spread >= 0.0))
        return 0;
    double lo = 0.0, hi = 1.0; /* lo: does not decide (or 0), hi: candidate */
    while (!decides(a, hi, target, dir)) {
        lo = hi;
        hi *= 2.0;
        if (hi > MAX_DECIDE)
            return 0;
    }
    while (hi - lo > 1.0) {
        double mid = floor((lo + hi) / 2.0);
        if (decides(a, mid, target, dir))
            hi = mid;
        else
            lo = mid;
    }
    return (uint64_t)hi;
}

static int z_of(double confidence, double *z)
{
    return svcm_normal_quantile(0.5 + confidence / 2.0, z);
}

static void fill(struct svcm_target_result *r, double value, svcm_interval ci, uint64_t n,
                 double target, svcm_target_direction dir, double confidence)
{
    memset(r, 0, sizeof *r);
    r->value = value;
    r->ci = ci;
    r->n = n;
    r->target = target;
    r->direction = dir;
    r->confidence = confidence;
    r->outcome = outcome_of(ci, target, dir);
}

/* ---------------------------------------------------------------- verdicts */

int svcm_target_verdict(uint64_t successes, uint64_t trials, double target,
                        svcm_target_direction direction, double confidence,
                        struct svcm_target_result *out)
{
    if (out == NULL || !(target >= 0.0 && target <= 1.0) || !good_direction((int)direction) ||
        !good_confidence(confidence) || successes > trials)
        return SVCM_EINVAL;
    if (trials == 0)
        return SVCM_EEMPTY;
    svcm_interval ci;
    double z;
    int rc = svcm_wilson(successes, trials, confidence, &ci);
    if (rc == SVCM_OK)
        rc = z_of(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_target_result r;
    double p = (double)successes / (double)trials;
    fill(&r, p, ci, trials, target, direction, confidence);
    if (r.outcome == SVCM_TARGET_OUTCOME_UNDETERMINED) {
        at_n a = {AT_WILSON, p, 0.0, z, confidence};
        r.n_to_decide = n_to_decide(&a, target, direction);
    }
    *out = r;
    return SVCM_OK;
}

int svcm_target_verdict_mean(const svcm_moments *m, double target,
                             svcm_target_direction direction, double confidence,
                             struct svcm_target_result *out)
{
    if (m == NULL || out == NULL || !svcm__finite(target) || !good_direction((int)direction) ||
        !good_confidence(confidence))
        return SVCM_EINVAL;
    svcm_interval ci;
    double var;
    int rc = svcm_moments_mean_ci(m, confidence, &ci);
    if (rc == SVCM_OK)
        rc = svcm_moments_variance(m, &var);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_target_result r;
    fill(&r, m->mean, ci, m->n, target, direction, confidence);
    if (r.outcome == SVCM_TARGET_OUTCOME_UNDETERMINED) {
        at_n a = {AT_T, m->mean, sqrt(var), 0.0, confidence};
        r.n_to_decide = n_to_decide(&a, target, direction);
    }
    *out = r;
    return SVCM_OK;
}

int svcm_target_verdict_feedback(const svcm_feedback *f, double target,
                                 svcm_target_direction direction, double confidence,
                                 struct svcm_target_result *out)
{
    if (f == NULL || out == NULL || !svcm__finite(target) || !good_direction((int)direction) ||
        !good_confidence(confidence))
        return SVCM_EINVAL;
    struct svcm_feedback_result fr;
    double z;
    int rc = svcm_feedback_result(f, confidence, &fr);
    if (rc == SVCM_OK)
        rc = z_of(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    bool share = (fr.kind == SVCM_FEEDBACK_KIND_CSAT && fr.csat_method != SVCM_CSAT_METHOD_MEAN) ||
                 (fr.kind == SVCM_FEEDBACK_KIND_CES && fr.ces_method == SVCM_CES_METHOD_TOP);
    bool net = fr.kind == SVCM_FEEDBACK_KIND_NPS ||
               (fr.kind == SVCM_FEEDBACK_KIND_CES && fr.ces_method == SVCM_CES_METHOD_INDEX);
    uint64_t n = fr.n;
    if (fr.kind == SVCM_FEEDBACK_KIND_CSAT && fr.csat_method == SVCM_CSAT_METHOD_RATED)
        n = fr.satisfied + fr.dissatisfied;
    struct svcm_target_result r;
    fill(&r, fr.value, fr.ci, n, target, direction, confidence);
    if (r.outcome == SVCM_TARGET_OUTCOME_UNDETERMINED) {
        at_n a = {AT_T, fr.value, fr.std_error * sqrt((double)n), z, confidence};
        if (share) {
            a.kind = AT_WILSON;
        } else if (net) {
            uint64_t good = fr.kind == SVCM_FEEDBACK_KIND_NPS ? fr.promoters : fr.satisfied;
            uint64_t bad = fr.kind == SVCM_FEEDBACK_KIND_NPS ? fr.detractors : fr.dissatisfied;
            double pp = (double)good / (double)fr.n, pd = (double)bad / (double)fr.n;
            double v = pp + pd - (pp - pd) * (pp - pd);
            a.kind = AT_WALD;
            a.spread = 100.0 * sqrt(fmax(0.0, v));
        }
        r.n_to_decide = n_to_decide(&a, target, direction);
    }
    *out = r;
    return SVCM_OK;
}

/* ---------------------------------------------------------------- quantiles */

/* Sorted values by rank: an array or a durations sketch. */
typedef struct ranked {
    const double *sorted; /* or NULL: use d */
    const svcm_durations *d;
    uint64_t n;
} ranked;

static double value_at(const ranked *s, uint64_t j)
{
    if (s->sorted != NULL)
        return s->sorted[j];
    /* The sketch's rank is floor(q (n - 1)): aim at the middle of rank j so
     * that rounding cannot fall to j - 1. */
    double q = j + 1 >= s->n ? 1.0 : ((double)j + 0.5) / (double)(s->n - 1);
    double v = 0.0;
    (void)svcm_durations_quantiles(s->d, &q, 1, &v, NULL);
    return v;
}

/* Number of values x with x <= t (or < t when strict): the ranks are in
 * order, so bisect. */
static uint64_t count_within(const ranked *s, double t, bool strict)
{
    uint64_t lo = 0, hi = s->n; /* answer in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        double v = value_at(s, mid);
        if (strict ? v < t : v <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int quantile_verdict(const ranked *s, double q, double target,
                            svcm_target_direction dir, double confidence,
                            struct svcm_target_result *out)
{
    double alpha = 1.0 - confidence, z;
    int rc = z_of(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    uint64_t n = s->n;
    /* Binomial(n, q) CDF by the pmf recurrence in logs:
     * log pmf(k + 1) = log pmf(k) + log((n - k) / (k + 1)) + log(q / (1 - q)). */
    double lq = log(q), l1q = log1p(-q), lpmf = (double)n * l1q, cdf = 0.0;
    int64_t lrank = -1, urank = -1; /* 1-based ranks l and u, -1: none */
    for (uint64_t k = 0; k < n; k++) {
        cdf += exp(lpmf);
        if (cdf <= alpha / 2.0)
            lrank = (int64_t)k + 1;
        if (cdf >= 1.0 - alpha / 2.0) {
            urank = (int64_t)k + 1;
            break;
        }
        lpmf += log((double)(n - k) / (double)(k + 1)) + lq - l1q;
    }
    double rr = floor(q * (double)(n - 1));
    uint64_t r = rr >= (double)(n - 1) ? n - 1 : (uint64_t)rr;
    svcm_interval ci;
    ci.lo = lrank < 0 ? -INFINITY : value_at(s, (uint64_t)lrank - 1);
    ci.hi = urank < 0 ? INFINITY : value_at(s, (uint64_t)urank - 1);
    struct svcm_target_result res;
    fill(&res, value_at(s, r), ci, n, target, dir, confidence);
    if (res.outcome == SVCM_TARGET_OUTCOME_UNDETERMINED) {
        /* xi_q <= T  <=>  P(X <= T) >= q; xi_q >= T  <=>  P(X < T) <= q. */
        bool most = dir == SVCM_TARGET_DIRECTION_AT_MOST;
        double share = (double)count_within(s, target, !most) / (double)n;
        at_n a = {AT_WILSON, share, 0.0, z, confidence};
        uint64_t w = n_to_decide(&a, q,
                                 most ? SVCM_TARGET_DIRECTION_AT_LEAST
                                      : SVCM_TARGET_DIRECTION_AT_MOST);
        if (w > 0) {
            /* Never below n + 1 (n does not decide), nor below the size at
             * which the order statistic on the deciding side exists: the
             * upper rank needs q^m <= alpha/2, the lower (1 - q)^m <= alpha/2. */
            bool upper = most ? share >= q : share <= q;
            double need = ceil(log(alpha / 2.0) / (upper ? lq : l1q));
            if ((double)w < need)
                w = need < MAX_DECIDE ? (uint64_t)need : 0;
            if (w != 0 && w <= n)
                w = n + 1;
        }
        res.n_to_decide = w;
    }
    *out = res;
    return SVCM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int svcm_target_verdict_quantile(const double *values, size_t n, double q, double target,
                                 svcm_target_direction direction, double confidence,
                                 const svcm_allocator *alloc, struct svcm_target_result *out,
                                 svcm_error *err)
{
    if ((values == NULL && n > 0) || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, values == NULL ? "values" : "out",
                           "NULL pointer");
    if (!(q > 0.0 && q < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "q",
                           "quantile level must be in (0, 1)");
    if (!svcm__finite(target))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target", "target must be finite");
    if (!good_direction((int)direction))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "direction", "unknown direction %d",
                           (int)direction);
    if (!good_confidence(confidence))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "confidence",
                           "confidence must be in (0, 1)");
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!svcm__finite(values[i]))
            return svcm__error(err, SVCM_EINVAL, i, "values", "value is not finite");
    if (n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "values", "no values");
    double *sorted = svcm__calloc(alloc, n, sizeof *sorted);
    if (sorted == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    ranked s = {sorted, NULL, (uint64_t)n};
    rc = quantile_verdict(&s, q, target, direction, confidence, out);
    svcm__free(alloc, sorted);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "%s", svcm_strerror(rc));
    return SVCM_OK;
}

int svcm_target_verdict_durations(const svcm_durations *d, double q, double target,
                                  svcm_target_direction direction, double confidence,
                                  struct svcm_target_result *out)
{
    if (d == NULL || out == NULL || !(q > 0.0 && q < 1.0) || !svcm__finite(target) ||
        !good_direction((int)direction) || !good_confidence(confidence))
        return SVCM_EINVAL;
    uint64_t n = svcm_durations_count(d);
    if (n == 0)
        return SVCM_EEMPTY;
    ranked s = {NULL, d, n};
    return quantile_verdict(&s, q, target, direction, confidence, out);
}

/* ------------------------------------------------------------------ changes */

static void decide_change(struct svcm_target_change_result *out, const struct svcm_test_result *t,
                          svcm_target_direction dir, double confidence)
{
    out->test = *t;
    out->change = SVCM_TARGET_CHANGE_UNCHANGED;
    if (t->p_value < 1.0 - confidence && t->diff != 0.0) {
        bool up = t->diff > 0.0;
        bool good = dir == SVCM_TARGET_DIRECTION_AT_LEAST ? up : !up;
        out->change = good ? SVCM_TARGET_CHANGE_BETTER : SVCM_TARGET_CHANGE_WORSE;
    }
}

/* No variance in either period: the plain difference decides. */
static struct svcm_test_result degenerate(double diff)
{
    struct svcm_test_result t;
    t.diff = diff;
    t.ci.lo = diff;
    t.ci.hi = diff;
    t.statistic = 0.0;
    t.df = INFINITY;
    t.p_value = diff == 0.0 ? 1.0 : 0.0;
    t.p_greater = diff > 0.0 ? 0.0 : 1.0;
    t.p_less = diff < 0.0 ? 0.0 : 1.0;
    return t;
}

int svcm_target_change_rate(const svcm_rate *previous, const svcm_rate *current,
                            svcm_target_direction direction, double confidence,
                            struct svcm_target_change_result *out)
{
    if (out == NULL || !good_direction((int)direction))
        return SVCM_EINVAL;
    struct svcm_test_result t;
    int rc = svcm_rate_compare(previous, current, confidence, &t);
    if (rc == SVCM_ERANGE) /* pooled rate 0 or 1: both periods the same */
        t = degenerate(0.0);
    else if (rc != SVCM_OK)
        return rc;
    decide_change(out, &t, direction, confidence);
    return SVCM_OK;
}

int svcm_target_change_feedback(const svcm_feedback *previous, const svcm_feedback *current,
                                svcm_target_direction direction, double confidence,
                                struct svcm_target_change_result *out)
{
    if (out == NULL || !good_direction((int)direction))
        return SVCM_EINVAL;
    struct svcm_test_result t;
    int rc = svcm_feedback_compare(previous, current, confidence, &t);
    if (rc == SVCM_ERANGE) {
        struct svcm_feedback_result a, b;
        rc = svcm_feedback_result(previous, confidence, &a);
        if (rc == SVCM_OK)
            rc = svcm_feedback_result(current, confidence, &b);
        if (rc != SVCM_OK)
            return rc;
        t = degenerate(b.value - a.value);
    } else if (rc != SVCM_OK) {
        return rc;
    }
    decide_change(out, &t, direction, confidence);
    return SVCM_OK;
}

int svcm_target_change_mean(const svcm_moments *previous, const svcm_moments *current,
                            svcm_target_direction direction, double confidence,
                            struct svcm_target_change_result *out)
{
    if (previous == NULL || current == NULL || out == NULL || !good_direction((int)direction) ||
        !good_confidence(confidence))
        return SVCM_EINVAL;
    double va, vb;
    int rc = svcm_moments_variance(previous, &va);
    if (rc == SVCM_OK)
        rc = svcm_moments_variance(current, &vb);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_test_result t;
    rc = svcm_welch_t_test(previous->mean, va, (double)previous->n, current->mean, vb,
                           (double)current->n, confidence, &t);
    if (rc == SVCM_ERANGE && va == 0.0 && vb == 0.0)
        t = degenerate(current->mean - previous->mean);
    else if (rc != SVCM_OK)
        return rc;
    decide_change(out, &t, direction, confidence);
    return SVCM_OK;
}

/* -------------------------------------------------------------------- names */

const char *svcm_target_outcome_name(int outcome)
{
    static const char *const names[] = {"met", "missed", "undetermined"};
    return outcome >= 0 && outcome < 3 ? names[outcome] : NULL;
}

const char *svcm_target_change_name(int change)
{
    static const char *const names[] = {"unchanged", "better", "worse"};
    return change >= 0 && change < 3 ? names[change] : NULL;
}

static const char *const unit_suffix[] = {"", "%", "s", "m", "h", "d"};
#define N_UNITS 6

const char *svcm_target_unit_name(int unit)
{
    return unit >= 0 && unit < N_UNITS ? unit_suffix[unit] : NULL;
}

int svcm_target_scaled(const svcm_target *t, double *out)
{
    static const double factor[N_UNITS] = {1.0, 0.01, 1.0, 60.0, 3600.0, 86400.0};
    if (t == NULL || out == NULL || !((int)t->unit >= 0 && (int)t->unit < N_UNITS))
        return SVCM_EINVAL;
    double v = t->unit == SVCM_TARGET_UNIT_PERCENT ? t->value / 100.0 : t->value * factor[t->unit];
    if (!svcm__finite(v) && svcm__finite(t->value))
        return SVCM_ERANGE;
    *out = v;
    return SVCM_OK;
}

/* ------------------------------------------------------------------ targets */

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (!first && ((c >= '0' && c <= '9') || c == '_'));
}

/* Checks of one item, shared by add, check and parse: field and message,
 * NULL when fine. name_len is the name's length. */
static const char *item_problem(const char *name, size_t name_len, int direction, double value,
                                int unit, const char **field)
{
    *field = "name";
    if (name_len == 0)
        return "empty name";
    if (name_len > SVCM_TARGET_NAME_MAX)
        return "name longer than 63 bytes";
    for (size_t i = 0; i < name_len; i++)
        if (!name_char(name[i], i == 0))
            return i == 0 ? "name must start with a letter a-z"
                          : "name may only hold a-z, 0-9 and _";
    *field = "direction";
    if (!good_direction(direction))
        return "unknown direction";
    *field = "unit";
    if (!(unit >= 0 && unit < N_UNITS))
        return "unknown unit";
    *field = "value";
    if (!svcm__finite(value))
        return "value must be finite";
    if (unit == SVCM_TARGET_UNIT_PERCENT && !(value >= 0.0 && value <= 100.0))
        return "percentage must be in [0, 100]";
    if (unit >= SVCM_TARGET_UNIT_SECONDS && value < 0.0)
        return "duration must not be negative";
    return NULL;
}

/* strlen bounded by max (strnlen is POSIX, not C11). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static bool has_name(const svcm_targets *t, size_t upto, const char *name, size_t len)
{
    for (size_t i = 0; i < upto; i++)
        if (strlen(t->item[i].name) == len && memcmp(t->item[i].name, name, len) == 0)
            return true;
    return false;
}

void svcm_targets_init(svcm_targets *t)
{
    if (t != NULL)
        memset(t, 0, sizeof *t);
}

int svcm_targets_add(svcm_targets *t, const char *name, svcm_target_direction direction,
                     double value, svcm_target_unit unit, svcm_error *err)
{
    if (t == NULL || name == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, t == NULL ? "targets" : "name",
                           "NULL pointer");
    if (t->count >= SVCM_TARGETS_MAX)
        return svcm__error(err, t->count > SVCM_TARGETS_MAX ? SVCM_EINVAL : SVCM_ERANGE,
                           SVCM_NO_INDEX, "count", "more than %d targets", SVCM_TARGETS_MAX);
    size_t len = bounded_len(name, SVCM_TARGET_NAME_MAX + 1);
    const char *field;
    const char *why = item_problem(name, len, (int)direction, value, (int)unit, &field);
    if (why != NULL)
        return svcm__error(err, SVCM_EINVAL, t->count, field, "%s", why);
    if (has_name(t, t->count, name, len))
        return svcm__error(err, SVCM_EINVAL, t->count, "name", "duplicate target name");
    svcm_target *it = &t->item[t->count];
    memset(it, 0, sizeof *it);
    memcpy(it->name, name, len);
    it->direction = direction;
    it->value = value;
    it->unit = unit;
    t->count++;
    return SVCM_OK;
}

int svcm_targets_check(const svcm_targets *t, svcm_error *err)
{
    if (t == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "targets", "NULL pointer");
    if (t->count > SVCM_TARGETS_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "count", "more than %d targets",
                           SVCM_TARGETS_MAX);
    for (size_t i = 0; i < t->count; i++) {
        const svcm_target *it = &t->item[i];
        size_t len = bounded_len(it->name, sizeof it->name);
        const char *field = "name";
        const char *why = len == sizeof it->name
                              ? "name is not NUL-terminated"
                              : item_problem(it->name, len, (int)it->direction, it->value,
                                             (int)it->unit, &field);
        if (why != NULL)
            return svcm__error(err, SVCM_EINVAL, i, field, "%s", why);
        if (has_name(t, i, it->name, len))
            return svcm__error(err, SVCM_EINVAL, i, "name", "duplicate target name");
    }
    return SVCM_OK;
}

int svcm_targets_find(const svcm_targets *t, const char *name, size_t *index)
{
    if (t == NULL || name == NULL || index == NULL || t->count > SVCM_TARGETS_MAX)
        return SVCM_EINVAL;
    for (size_t i = 0; i < t->count; i++) {
        if (strncmp(t->item[i].name, name, sizeof t->item[i].name) == 0 &&
            strlen(name) < sizeof t->item[i].name) {
            *index = i;
            return SVCM_OK;
        }
    }
    return SVCM_ENOTFOUND;
}

static bool blank(char c) { return c == ' ' || c == '\t'; }

static bool number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
}

/* One line text[b, e) (without its LF; a CR before it already dropped).
 * Appends to *t or fails with the line's position. */
static int parse_line(const char *text, size_t b, size_t e, size_t line, svcm_targets *t,
                      svcm_error *err)
{
    size_t i = b;
#define COL(p) ((p) - b + 1)
    for (size_t k = b; k < e; k++)
        if (text[k] == '#') {
            e = k;
            break;
        }
    while (i < e && blank(text[i]))
        i++;
    while (e > i && blank(text[e - 1]))
        e--;
    if (i == e)
        return SVCM_OK;
    size_t ns = i;
    while (i < e && !blank(text[i]) && text[i] != '>' && text[i] != '<')
        i++;
    size_t nlen = i - ns;
    const char *field;
    const char *why = item_problem(text + ns, nlen, 0, 0.0, 0, &field);
    if (why != NULL)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, COL(ns), "name", "%s",
                              why);
    while (i < e && blank(text[i]))
        i++;
    if (i + 2 > e || (text[i] != '>' && text[i] != '<') || text[i + 1] != '=')
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, i < e ? COL(i) : 0,
                              "direction", "expected >= or <= after the name");
    svcm_target_direction dir =
        text[i] == '>' ? SVCM_TARGET_DIRECTION_AT_LEAST : SVCM_TARGET_DIRECTION_AT_MOST;
    i += 2;
    while (i < e && blank(text[i]))
        i++;
    if (i == e)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, 0, "value",
                              "missing value after the operator");
    size_t vs = i;
    while (i < e && number_char(text[i]))
        i++;
    size_t ve = i;
    double v;
    int rc = ve > vs ? svcm__parse_double(text + vs, ve - vs, &v) : SVCM_EFORMAT;
    if (rc != SVCM_OK)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, COL(vs), "value",
                              rc == SVCM_ERANGE ? "number out of range" : "not a number");
    size_t us = i;
    while (i < e && !blank(text[i]))
        i++;
    int unit = -1;
    for (int u = 0; u < N_UNITS; u++)
        if (strlen(unit_suffix[u]) == i - us && memcmp(unit_suffix[u], text + us, i - us) == 0)
            unit = u;
    if (unit < 0)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, COL(us), "unit",
                              "unknown unit (want %%, s, m, h, d or none)");
    while (i < e && blank(text[i]))
        i++;
    if (i < e)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, COL(i), "text",
                              "unexpected text after the value");
    if (has_name(t, t->count, text + ns, nlen))
        return svcm__error_at(err, SVCM_EINVAL, t->count, line, COL(ns), "name",
                              "duplicate target name");
    why = item_problem(text + ns, nlen, (int)dir, v, unit, &field);
    if (why != NULL)
        return svcm__error_at(err, SVCM_EINVAL, t->count, line, COL(vs), field, "%s", why);
    if (t->count >= SVCM_TARGETS_MAX)
        return svcm__error_at(err, SVCM_EINVAL, SVCM_NO_INDEX, line, 0, "count",
                              "more than %d targets", SVCM_TARGETS_MAX);
    svcm_target *it = &t->item[t->count++];
    memset(it, 0, sizeof *it);
    memcpy(it->name, text + ns, nlen);
    it->direction = dir;
    it->value = v;
    it->unit = (svcm_target_unit)unit;
    return SVCM_OK;
#undef COL
}

int svcm_targets_parse(const char *text, size_t len, svcm_targets *out, svcm_error *err)
{
    if (out == NULL || (text == NULL && len > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, out == NULL ? "out" : "text",
                           "NULL pointer");
    int rc = len > 0 ? svcm__utf8_text(text, len, "text", err) : SVCM_OK;
    if (rc != SVCM_OK)
        return rc;
    const char *nul = len > 0 ? memchr(text, '\0', len) : NULL;
    if (nul != NULL) {
        size_t off = (size_t)(nul - text);
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, svcm__line_of(text, off),
                              svcm__column_of(text, off), "text", "NUL byte in the text");
    }
    /* Into a scratch copy: out is written only on success. */
    svcm_targets scratch;
    svcm_targets *t = &scratch;
    svcm_targets_init(t);
    size_t b = 0, line = 1;
    while (b < len) {
        const char *nl = memchr(text + b, '\n', len - b);
        size_t e = nl != NULL ? (size_t)(nl - text) : len;
        size_t ee = e > b && text[e - 1] == '\r' ? e - 1 : e;
        rc = parse_line(text, b, ee, line, t, err);
        if (rc != SVCM_OK)
            break;
        b = e + 1;
        line++;
    }
    if (rc == SVCM_OK)
        *out = *t;
    return rc;
}

int svcm_targets_format(const svcm_targets *t, char *buf, size_t cap, size_t *len)
{
    if (t == NULL || len == NULL || svcm_targets_check(t, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    size_t need = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t pos = 0;
        for (size_t i = 0; i < t->count; i++) {
            const svcm_target *it = &t->item[i];
            char num[SVCM__DOUBLE_TEXT_MAX];
            size_t nl = svcm__format_double(it->value, num);
            const char *op =
                it->direction == SVCM_TARGET_DIRECTION_AT_LEAST ? " >= " : " <= ";
            const char *parts[] = {it->name, op, num, unit_suffix[it->unit], "\n"};
            size_t lens[] = {strlen(it->name), 4, nl, strlen(unit_suffix[it->unit]), 1};
            for (size_t k = 0; k < 5; k++) {
                if (pass == 1)
                    memcpy(buf + pos, parts[k], lens[k]);
                pos += lens[k];
            }
        }
        if (pass == 0) {
            need = pos;
            *len = need;
            if (buf == NULL || cap < need + 1)
                return SVCM_ENOSPC;
        } else {
            buf[pos] = '\0';
        }
    }
    return SVCM_OK;
}
