/* Private numerics of the lifetime engine (BG/NBD, MBG/NBD, Pareto/NBD,
 * BG/BB and Gamma-Gamma): a small BFGS minimiser for smooth functions of a
 * few unconstrained variables (the models' log-parameters), standard errors
 * from the observed information, the digamma function the gradients need,
 * and the one-record BG/NBD expectation CLV sums. */
#ifndef SVCM_OPTIMIZE_H
#define SVCM_OPTIMIZE_H

#include <stddef.h>

#include "svcm/lifetime.h"

/* Largest number of variables svcm__bfgs() handles. */
#define SVCM__BFGS_MAX_DIM 4

/* Objective: returns f(theta) and writes its gradient to grad[0..dim).
 * A non-finite return value marks theta as outside the domain. */
typedef double (*svcm__objective)(const double *theta, double *grad, void *ctx);

/* Minimise f from theta (updated in place). Stops when every |gradient|
 * component is <= gtol, or when no step along a descent direction lowers f
 * at machine precision while every component is <= 1e-6. Returns SVCM_OK
 * (with *fmin = f(theta)) or SVCM_ENOCONV (theta then holds the last
 * iterate); *iters receives the iterations taken. */
int svcm__bfgs(svcm__objective f, void *ctx, size_t dim, double *theta, double *fmin,
               unsigned max_iter, double gtol, unsigned *iters);

/* svcm__bfgs() with the inverse Hessian approximation in and out: Hin
 * (dim x dim, row-major) is the starting one, used as it is (NULL: the
 * identity, rescaled after the first step, as svcm__bfgs() does); Hout, if
 * not NULL, receives the last one (also on SVCM_ENOCONV). A warm start: the
 * fit of a subsample gives theta and Hin for the fit of all the rows. */
int svcm__bfgs_h(svcm__objective f, void *ctx, size_t dim, double *theta, double *fmin,
                 unsigned max_iter, double gtol, unsigned *iters, const double *Hin,
                 double *Hout);

/* Warm start of a fit on many rows (see svcm__bfgs_h()): at or above
 * SVCM__WARM_MIN distinct rows, a fit first runs on every k-th of the sorted
 * distinct rows, about SVCM__WARM_SAMPLE of them, to at most SVCM__WARM_GTOL
 * (the subsample's own sampling error is far larger), and the fit on all the
 * rows starts from its estimate and inverse Hessian; it falls back to the
 * usual start if the subsample's fit fails or runs off. The result is the
 * same maximum, reached in a few iterations over all the rows instead of
 * some 30. */
#define SVCM__WARM_MIN 100000
#define SVCM__WARM_SAMPLE 20000
#define SVCM__WARM_GTOL 1e-6

/* psi(x) = d/dx log Gamma(x) for x > 0 (NaN otherwise), to about 1e-15
 * relative: recurrence up to x >= 10, then the asymptotic series. */
double svcm__digamma(double x);

/* E[Y(t) | x, t_x, T] of one valid record (bgnbd.c), for svcm_clv():
 * SVCM_OK or SVCM_ENOCONV, *out written only on success. */
int svcm__bgnbd_expected_one(const svcm_bgnbd_params *p, double t, double x, double tx,
                             double T, double *out);

/* Parameter and option checks shared by both models: SVCM_OK, or
 * SVCM_EINVAL naming the field. */
int svcm__lifetime_check_positive(double v, const char *name, svcm_error *err);
int svcm__lifetime_check_fit_options(const svcm_lifetime_fit_options *opts, svcm_error *err);
/* As svcm__lifetime_check_fit_options(), which refuses a non-zero
 * penalizer (models without one), but accepting a finite penalizer >= 0. */
int svcm__lifetime_check_fit_options_penalized(const svcm_lifetime_fit_options *opts,
                                               svcm_error *err);

/* An objective plus the L2 penalty lambda * sum(exp(theta_k)^2) of the
 * lifetimes package (see svcm_lifetime_fit_options::penalizer): pass
 * svcm__penalized_objective with a pointer to this as ctx. */
typedef struct svcm__penalized {
    svcm__objective f; /* the unpenalised objective (mean negative loglik) */
    void *ctx;         /* its context */
    size_t dim;        /* number of variables */
    double lambda;     /* penalty coefficient, >= 0 */
} svcm__penalized;
double svcm__penalized_objective(const double *theta, double *grad, void *ctx);

/* Largest purchase count x the models accept: r + x and b + x stay exact. */
#define SVCM__LIFETIME_MAX_X 1e12

/* Checks shared by the (x, t_x, T) models: every record has a whole x in
 * [0, SVCM__LIFETIME_MAX_X], finite T >= 0, t_x in [0, T] and t_x = 0 when
 * x = 0; a horizon t is finite and >= 0. SVCM_OK, or SVCM_EINVAL naming the
 * record and field. */
int svcm__lifetime_check_records(const double *x, const double *tx, const double *T, size_t n,
                                 svcm_error *err);
int svcm__lifetime_check_t(size_t i, double t, svcm_error *err);

/* Standard errors of the parameters at a maximum of the likelihood, from
 * the observed information: f is the mean negative log-likelihood in
 * theta = log(params) (as svcm__bfgs minimises it), wsum the total weight.
 * Writes se[0..dim) and returns SVCM_OK, or SVCM_ENOCONV when the Hessian is
 * not positive definite or a difference step leaves the domain. */
int svcm__lifetime_se(svcm__objective f, void *ctx, size_t dim, const double *theta,
                      double wsum, double *se);

/* One distinct (x, t_x, T) row of the BG/NBD and Pareto/NBD fits and its
 * total weight. */
typedef struct svcm__lgroup {
    double x, tx, T, w;
} svcm__lgroup;

/* Collapse identical (x, t_x, T) rows of positive weight (w NULL: 1 each;
 * -0.0 and 0.0 the same), summing their weights, into *ng groups in runs
 * of equal x: sorted by (x, T, t_x), or, from SVCM__WARM_MIN groups when
 * the largest x is at most their number plus 65536, by a counting sort on
 * x (within a run, in the order of first appearance). On success *out holds the groups
 * (the caller frees it with al); SVCM_ENOMEM otherwise. The records must
 * have passed svcm__lifetime_check_records(). */
int svcm__lifetime_group(const svcm_allocator *al, const double *x, const double *tx,
                         const double *T, const double *w, size_t n, svcm__lgroup **out,
                         size_t *ng);

#endif /* SVCM_OPTIMIZE_H */
