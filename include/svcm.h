/**
 * @file svcm.h
 * @brief Umbrella header: includes the whole public API of svcm.
 */
#ifndef SVCM_H
#define SVCM_H

#include "svcm/common.h"
#include "svcm/stats.h"
#include "svcm/tier.h"
#include "svcm/time.h"
#include "svcm/calendar.h"
#include "svcm/erlang.h"
#include "svcm/schedule.h"
#include "svcm/kpi.h"
#include "svcm/lifetime.h"
#include "svcm/pdca.h"
#include "svcm/priority.h"
#include "svcm/segment.h"
#include "svcm/sketch.h"
#include "svcm/calls.h"
#include "svcm/journey.h"
#include "svcm/scorecard.h"

#endif /* SVCM_H */
