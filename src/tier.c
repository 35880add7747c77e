/* Tier names shared by segmentation and priority. */
#include "internal.h"
#include "svcm/tier.h"

static const char *const tier_names[SVCM_TIER_COUNT] = {"vip", "key", "regular", "potential",
                                                        "lost"};

const char *svcm_tier_name(int tier)
{
    return (tier >= 0 && tier < SVCM_TIER_COUNT) ? tier_names[tier] : NULL;
}

int svcm_tier_parse(const char *name, svcm_tier *out)
{
    if (name == NULL || out == NULL)
        return SVCM_EINVAL;
    int i = svcm__name_index(name, tier_names, SVCM_TIER_COUNT);
    if (i < 0 && svcm__name_eq(name, "important"))
        i = SVCM_TIER_KEY;
    if (i < 0)
        return SVCM_EINVAL;
    *out = (svcm_tier)i;
    return SVCM_OK;
}
