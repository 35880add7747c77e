/* Internal: the transaction summarizer with an output sized to the
 * customers (src/bgnbd.c), for svcm_customers_summarize (src/customers.c). */
#ifndef SVCM_SUMMARY_H
#define SVCM_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "svcm/lifetime.h"

/* svcm_lifetime_summarize() (same rules, options and errors, except that
 * there is no SVCM_ENOSPC), writing into an array of exactly *count
 * summaries (at least one element) allocated through alloc, which the
 * caller releases with svcm__free(alloc, *out). Memory is the sort of the
 * transactions plus the summaries of the customers, not of every
 * transaction. On failure *out is NULL. */
int svcm__lifetime_summarize_new(const int64_t *ids, const int64_t *times, const double *values,
                                 size_t n, int64_t end, const svcm_summary_options *opts,
                                 const svcm_allocator *alloc, svcm_customer_summary **out,
                                 size_t *count, svcm_error *err);

#endif /* SVCM_SUMMARY_H */
