/**
 * @file svcm/tier.h
 * @brief The five customer tiers, shared by segmentation and priority.
 */
#ifndef SVCM_TIER_H
#define SVCM_TIER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Customer tiers, most valuable first. Values are stable. */
enum svcm_tier_value {
    SVCM_TIER_VIP = 0,       /**< top value and active */
    SVCM_TIER_KEY = 1,       /**< important: high weighted RFM score */
    SVCM_TIER_REGULAR = 2,   /**< everyone else who is active */
    SVCM_TIER_POTENTIAL = 3, /**< new, or at most one purchase */
    SVCM_TIER_LOST = 4       /**< inactive past the churn window */
};

/**
 * @brief A customer tier: one of the ::svcm_tier_value constants, stored in
 *        one byte everywhere (segmentation writes it, priority reads it), so
 *        the output of one engine is the input of the other without
 *        conversion. @since 0.2 (an enum in 0.1)
 */
typedef uint8_t svcm_tier;

/** @brief Number of tiers. */
#define SVCM_TIER_COUNT 5

/**
 * @brief Lower-case name of a tier: "vip", "key", "regular", "potential",
 *        "lost".
 * @param tier an ::svcm_tier value (any int is accepted).
 * @return a static string; NULL if @p tier is out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_tier_name(int tier);

/**
 * @brief Parse a tier name (case-insensitive; "important" is accepted for
 *        key).
 * @param name NUL-terminated name.
 * @param[out] out the tier.
 * @return SVCM_OK; SVCM_EINVAL for NULL or an unknown name.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_tier_parse(const char *name, svcm_tier *out);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_TIER_H */
