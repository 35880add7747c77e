/* The Check of a PDCA cycle: the after samples against the baseline ones
 * (means, change, a two-sided test, XmR limits of the baseline and Western
 * Electric signals of the after samples) and the direction-aware verdict.
 * The cycle is only read; pdca.c stores the result. */
#include <string.h>

#include "internal.h"
#include "pdca_internal.h"
#include "svcm/pdca.h"

bool svcm__pdca_better(bool higher, double from, double to)
{
    return higher ? to > from : to < from;
}

svcm_pdca_verdict svcm__pdca_verdict(bool higher, const struct svcm_cycle_check_result *r)
{
    if (!r->significant || r->change == 0.0)
        return SVCM_PDCA_VERDICT_NO_CHANGE;
    if (svcm__pdca_better(higher, r->baseline_mean, r->after_mean))
        return r->target_met ? SVCM_PDCA_VERDICT_IMPROVED : SVCM_PDCA_VERDICT_TARGET_MISSED;
    return SVCM_PDCA_VERDICT_WORSE;
}

/* When neither sample varies the test statistic is undefined: the
 * difference is then either certain (p = 0) or absent (p = 1). */
static void degenerate_test(double diff, double df, struct svcm_test_result *r)
{
    r->diff = diff;
    r->ci.lo = r->ci.hi = diff;
    r->df = df;
    if (diff == 0.0) {
        r->statistic = 0.0;
        r->p_value = r->p_greater = r->p_less = 1.0;
    } else {
        r->statistic = diff > 0 ? INFINITY : -INFINITY;
        r->p_value = 0.0;
        r->p_greater = diff > 0 ? 0.0 : 1.0;
        r->p_less = diff > 0 ? 1.0 : 0.0;
    }
}

/* The samples split by kind, ready for the test and the chart. */
typedef struct split {
    size_t nb, na;
    double *xb, *xa;        /* values: nb baseline then na after (one block) */
    int e;                  /* the moments are of value / 2^e */
    svcm_moments mb, ma;    /* baseline, after */
    bool counts;            /* z-test: rate KPI, counts everywhere, no overflow */
    uint64_t s1, n1, s2, n2; /* summed successes and trials: baseline, after */
} split;

/* Count the samples of each kind; counts stays true only when all have them. */
static void count_kinds(const svcm_cycle *c, split *sp)
{
    sp->counts = c->rate;
    for (size_t i = 0; i < c->n_samples; i++) {
        if (c->samples[i].baseline)
            sp->nb++;
        else
            sp->na++;
        sp->counts = sp->counts && c->samples[i].has_counts;
    }
}

/* The Welch test runs on values / 2^e with |value / 2^e| < 1, so that
 * variances neither overflow (values near DBL_MAX) nor underflow (values
 * near 1e-160); t, df and p are scale-free and a power of 2 scales
 * exactly, so ordinary data give the same bits as unscaled arithmetic. */
static void fill_split(const svcm_cycle *c, split *sp)
{
    double big = 0.0;
    for (size_t i = 0; i < c->n_samples; i++)
        if (fabs(c->samples[i].value) > big)
            big = fabs(c->samples[i].value);
    (void)frexp(big, &sp->e);
    svcm_moments_init(&sp->mb);
    svcm_moments_init(&sp->ma);
    bool overflow = false;
    for (size_t i = 0, ib = 0, ia = 0; i < c->n_samples; i++) {
        const svcm_pdca_sample *s = &c->samples[i];
        uint64_t *sx = s->baseline ? &sp->s1 : &sp->s2, *nx = s->baseline ? &sp->n1 : &sp->n2;
        if (s->baseline) {
            sp->xb[ib++] = s->value;
            (void)svcm_moments_add(&sp->mb, ldexp(s->value, -sp->e));
        } else {
            sp->xa[ia++] = s->value;
            (void)svcm_moments_add(&sp->ma, ldexp(s->value, -sp->e));
        }
        if (sp->counts) {
            overflow = overflow || *nx > UINT64_MAX - s->trials;
            *sx += s->successes;
            *nx += s->trials;
        }
    }
    sp->counts = sp->counts && !overflow;
}

/* The two-sided test at confidence 1 - alpha, with the means it compares:
 * the z-test on summed counts, else Welch's t-test (undone scaling). */
static int run_test(split *sp, double alpha, struct svcm_cycle_check_result *r)
{
    int rc;
    if (sp->counts) {
        r->test = SVCM_PDCA_TEST_PROPORTIONS;
        r->baseline_mean = (double)sp->s1 / (double)sp->n1;
        r->after_mean = (double)sp->s2 / (double)sp->n2;
        rc = svcm_two_proportion_z_test(sp->s1, sp->n1, sp->s2, sp->n2, 1.0 - alpha, &r->result);
        if (rc == SVCM_ERANGE)
            degenerate_test(r->after_mean - r->baseline_mean, INFINITY, &r->result);
        return rc;
    }
    r->test = SVCM_PDCA_TEST_WELCH;
    double vb = 0.0, va = 0.0;
    (void)svcm_moments_variance(&sp->mb, &vb);
    (void)svcm_moments_variance(&sp->ma, &va);
    r->baseline_mean = ldexp(sp->mb.mean, sp->e);
    r->after_mean = ldexp(sp->ma.mean, sp->e);
    rc = svcm_welch_t_test(sp->mb.mean, vb, (double)sp->nb, sp->ma.mean, va, (double)sp->na,
                           1.0 - alpha, &r->result);
    if (rc == SVCM_ERANGE)
        degenerate_test(sp->ma.mean - sp->mb.mean, (double)(sp->nb + sp->na - 2), &r->result);
    r->result.diff = ldexp(r->result.diff, sp->e);
    r->result.ci.lo = ldexp(r->result.ci.lo, sp->e);
    r->result.ci.hi = ldexp(r->result.ci.hi, sp->e);
    return rc;
}

/* Change, control limits, target and verdict once the test has run. */
static int summarize(const svcm_cycle *c, const split *sp, struct svcm_cycle_check_result *r, svcm_error *err)
{
    r->p_value = r->result.p_value;
    r->change = r->after_mean - r->baseline_mean;
    if (!svcm__finite(r->change) || !svcm__finite(r->result.diff) ||
        !svcm__finite(r->result.ci.lo) || !svcm__finite(r->result.ci.hi) ||
        svcm_xmr_limits(sp->xb, sp->nb, &r->limits, NULL) != SVCM_OK)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "samples",
                           "the change, its confidence interval or the control limits "
                           "exceed the double range");
    r->relative_change = r->baseline_mean != 0.0 ? r->change / fabs(r->baseline_mean) : NAN;
    r->target_met = c->higher_is_better ? r->after_mean >= c->target : r->after_mean <= c->target;
    r->significant = r->p_value < c->alpha;
    r->verdict = svcm__pdca_verdict(c->higher_is_better, r);
    return SVCM_OK;
}

/* Western Electric signals of the after samples against the baseline's
 * limits, in an allocation of their own (counted first, then written). */
static int find_signals(const svcm_allocator *a, const split *sp, struct svcm_cycle_check_result *r,
                        svcm_we_signal **sigs, svcm_error *err)
{
    size_t nsig = 0;
    (void)svcm_western_electric(sp->xa, sp->na, r->limits.center, r->limits.sigma, NULL, 0,
                                &nsig, NULL);
    svcm_we_signal *sg = svcm__calloc(a, nsig, sizeof *sg);
    if (sg == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    (void)svcm_western_electric(sp->xa, sp->na, r->limits.center, r->limits.sigma, sg, nsig,
                                &nsig, NULL);
    for (size_t i = 0; i < nsig; i++)
        r->rule_count[sg[i].rule - 1]++;
    r->n_signals = nsig;
    *sigs = sg;
    return SVCM_OK;
}

int svcm__pdca_check_compute(const svcm_cycle *c, struct svcm_cycle_check_result *res, svcm_we_signal **sigs,
                             svcm_error *err)
{
    split sp;
    memset(&sp, 0, sizeof sp);
    count_kinds(c, &sp);
    if (sp.nb < 2 || sp.na < 2)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "samples",
                           "the Check needs at least 2 baseline and 2 after samples "
                           "(have %zu and %zu)", sp.nb, sp.na);
    sp.xb = svcm__calloc(&c->alloc, sp.nb + sp.na, sizeof(double));
    if (sp.xb == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    sp.xa = sp.xb + sp.nb;
    fill_split(c, &sp);
    struct svcm_cycle_check_result r;
    memset(&r, 0, sizeof r);
    r.n_baseline = sp.nb;
    r.n_after = sp.na;
    r.alpha = c->alpha;
    int rc = run_test(&sp, c->alpha, &r);
    if (rc != SVCM_OK && rc != SVCM_ERANGE)
        rc = svcm__error(err, rc, SVCM_NO_INDEX, NULL, "the significance test failed");
    else
        rc = summarize(c, &sp, &r, err);
    if (rc == SVCM_OK)
        rc = find_signals(&c->alloc, &sp, &r, sigs, err);
    svcm__free(&c->alloc, sp.xb);
    if (rc == SVCM_OK)
        *res = r;
    return rc;
}
