/* Internal: the RFM pieces that svcm_segment_run() (segment.c) runs on
 * several threads. Both take up to @p threads threads (parallel.h); results
 * are the same for any number. */
#ifndef SVCM_RFM_INTERNAL_H
#define SVCM_RFM_INTERNAL_H

#include "svcm/segment.h"

/* svcm_customers_check() with the record rules checked in row parts at
 * once; the error (the first bad record) is the one it reports. */
int svcm__customers_check_threads(const svcm_customers *c, unsigned threads, svcm_error *err);

/* svcm_rfm_fit() of a checked view with n > 0 and valid bins: SVCM_OK or
 * SVCM_ENOMEM (no error detail); *out written only on success. */
int svcm__rfm_fit_checked(const svcm_customers *c, int bins, unsigned threads,
                          const svcm_allocator *alloc, svcm_rfm_edges *out);

#endif /* SVCM_RFM_INTERNAL_H */
