/* Internal: the RFM pieces that svcm_segment_run() (segment.c) runs on
 * several threads. Both take up to @p threads threads (parallel.h); results
 * are the same for any number. */
#ifndef SVCM_RFM_INTERNAL_H
#define SVCM_RFM_INTERNAL_H

#include <stdbool.h>

#include "svcm/segment.h"

/* A view with rows whose pointers and stride are valid (the checks of
 * svcm_customers_check() before its record rules). */
static inline bool svcm__customers_view_ok(const svcm_customers *c)
{
    return c != NULL && c->n > 0 && c->recency != NULL && c->frequency != NULL &&
           c->monetary != NULL && (c->stride == 0 || c->stride >= sizeof(double));
}

/* svcm_customers_check() with the record rules checked in row parts at
 * once; the error (the first bad record) is the one it reports. */
int svcm__customers_check_threads(const svcm_customers *c, unsigned threads, svcm_error *err);

/* svcm_rfm_fit() of a view with n > 0, valid pointers and stride, and
 * valid bins, on up to @p threads threads. With @p check, the records are
 * checked in the same pass over the rows as the fit's first (the rules of
 * svcm_customers_check()); else they must have been checked. Returns
 * SVCM_OK, the first bad record's error (SVCM_EINVAL, detail in err), or
 * SVCM_ENOMEM (no detail; a bad record is reported before it); *out is
 * written only on success. */
int svcm__rfm_fit_rows(const svcm_customers *c, int bins, unsigned threads, bool check,
                       const svcm_allocator *alloc, svcm_rfm_edges *out, svcm_error *err);

#endif /* SVCM_RFM_INTERNAL_H */
