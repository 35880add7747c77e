/* Tier names shared by segmentation and priority. */
#include <ctype.h>

#include "internal.h"
#include "svcm/tier.h"

static const char *const tier_names[SVCM_TIER_COUNT] = {"vip", "key", "regular", "potential",
                                                        "lost"};

const char *svcm_tier_name(int tier)
{
    return (tier >= 0 && tier < SVCM_TIER_COUNT) ? tier_names[tier] : NULL;
}

static bool eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

int svcm_tier_parse(const char *name, svcm_tier *out)
{
    if (name == NULL || out == NULL)
        return SVCM_EINVAL;
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        if (eq_nocase(name, tier_names[i])) {
            *out = (svcm_tier)i;
            return SVCM_OK;
        }
    }
    if (eq_nocase(name, "important")) {
        *out = SVCM_TIER_KEY;
        return SVCM_OK;
    }
    return SVCM_EINVAL;
}
