/* Private to the priority engine (priority.c and queue.c). */
#ifndef SVCM_PRIORITY_INTERNAL_H
#define SVCM_PRIORITY_INTERNAL_H

#include "svcm/priority.h"

/* Score one request that is known to be valid under valid options at
 * instant now; out->index is set to 0. Defined in priority.c. */
void svcm__priority_eval(const svcm_priority_options *o, const svcm_request *r, int64_t now,
                         struct svcm_priority_result *out);

#endif /* SVCM_PRIORITY_INTERNAL_H */
