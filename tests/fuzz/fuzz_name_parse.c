/* The name parsers (tier; rate kind; quadrant and impact) on arbitrary
 * NUL-terminated strings: whatever parses is a valid value whose canonical
 * name parses back to it, and equals the input up to case or is a
 * documented alias ("important" for key, "organization"). */
#include "fuzz.h"

#include <ctype.h>
#include <svcm/tier.h>
#ifdef HAVE_FEEDBACK
#include <svcm/kpi.h>
#endif
#ifdef HAVE_PRIORITY
#include <svcm/priority.h>
#endif

static int same_ci(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* parse(s) succeeded with value v: name(v) is s up to case, or an alias */
#define CHECK_NAME(s, v, name_fn, parse_fn, type, alias)                      \
    do {                                                                       \
        const char *n_ = name_fn((int)(v));                                    \
        FUZZ_CHECK(n_ != NULL);                                                \
        FUZZ_CHECK(same_ci(s, n_) || same_ci(s, alias));                       \
        type w_;                                                               \
        FUZZ_CHECK(parse_fn(n_, &w_) == SVCM_OK && w_ == (v));                 \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strdup(data, size);
    if (s == NULL)
        return 0;

    svcm_tier tier;
    if (svcm_tier_parse(s, &tier) == SVCM_OK)
        CHECK_NAME(s, tier, svcm_tier_name, svcm_tier_parse, svcm_tier, "important");
#ifdef HAVE_FEEDBACK
    svcm_rate_kind rk;
    if (svcm_rate_kind_parse(s, &rk) == SVCM_OK)
        CHECK_NAME(s, rk, svcm_rate_kind_name, svcm_rate_kind_parse, svcm_rate_kind, "");
#endif
#ifdef HAVE_PRIORITY
    svcm_quadrant q;
    if (svcm_quadrant_parse(s, &q) == SVCM_OK)
        CHECK_NAME(s, q, svcm_quadrant_name, svcm_quadrant_parse, svcm_quadrant, "");
    svcm_impact im;
    if (svcm_impact_parse(s, &im) == SVCM_OK)
        CHECK_NAME(s, im, svcm_impact_name, svcm_impact_parse, svcm_impact, "organization");
#endif
    free(s);
    return 0;
}
