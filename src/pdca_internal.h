/* Private: shared by pdca.c (cycles) and pdca_io.c (save/load). */
#ifndef SVCM_PDCA_INTERNAL_H
#define SVCM_PDCA_INTERNAL_H

#include "internal.h"
#include "svcm/pdca.h"

/* Kinds of the record at fault, reported through *bad_kind. */
#define SVCM__PDCA_REC_CYCLE 0
#define SVCM__PDCA_REC_ACTION 1
#define SVCM__PDCA_REC_SAMPLE 2
#define SVCM__PDCA_REC_AUDIT 3
#define SVCM__PDCA_REC_CHECK 4
#define SVCM__PDCA_REC_SIGNAL 5

/* Defined in pdca.c: builds a cycle from parsed records after checking
 * every invariant; on SVCM_EFORMAT, *bad_kind / *bad_index name the record. */
int svcm__cycle_assemble(const svcm_allocator *alloc, const svcm_cycle_info *info,
                         const svcm_pdca_action *actions, const svcm_pdca_sample *samples,
                         const svcm_pdca_audit *audit, const svcm_pdca_check *check,
                         svcm_cycle **out, int *bad_kind, size_t *bad_index, svcm_error *err);

#endif /* SVCM_PDCA_INTERNAL_H */
