/* Internal: more of the number writer of the text formats (numtext.c), for
 * writers that measure their text before writing it. The writer and the
 * parser themselves are declared in internal.h. */
#ifndef SVCM_NUMTEXT_H
#define SVCM_NUMTEXT_H

#include <stddef.h>

/* svcm__double_text_len: the length of svcm__format_double(v)'s text (its
 * NUL not counted), found without spelling the digits for the numbers of
 * its fast path. Thread-safe. */
size_t svcm__double_text_len(double v);

#endif /* SVCM_NUMTEXT_H */
