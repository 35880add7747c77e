/* Civil-date arithmetic and the local <-> UTC mapping of zones. */
#include "internal.h"
#include "svcm/time.h"

#define DAY_S INT64_C(86400)

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int svcm_time_days_in_month(int32_t year, int month)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return dim[month - 1] + (month == 2 && is_leap(year));
}

/* Days since 1970-01-01 of a proleptic Gregorian date: H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms" (days_from_civil), with
 * March-based years so that the leap day ends the year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                             /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     /* 0..146096 */
    return era * 146097 + doe - 719468;
}

/* The inverse (Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int check_civil(const svcm_civil *c, svcm_error *err)
{
    if (c->year < SVCM_TIME_YEAR_MIN || c->year > SVCM_TIME_YEAR_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "year",
                           "year must be in %d..%d", SVCM_TIME_YEAR_MIN, SVCM_TIME_YEAR_MAX);
    if (c->month < 1 || c->month > 12)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "month", "month must be 1..12");
    int dim = svcm_time_days_in_month(c->year, c->month);
    if (c->day < 1 || c->day > dim)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "day",
                           "day must be 1..%d in %04d-%02d", dim, (int)c->year, (int)c->month);
    if (c->hour > 23)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "hour", "hour must be 0..23");
    if (c->minute > 59)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "minute", "minute must be 0..59");
    if (c->second > 59)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "second", "second must be 0..59");
    return SVCM_OK;
}

static int64_t civil_seconds(const svcm_civil *c)
{
    return days_from_civil(c->year, c->month, c->day) * DAY_S + c->hour * INT64_C(3600) +
           c->minute * INT64_C(60) + c->second;
}

int svcm_time_from_civil(const svcm_civil *civil, int64_t *utc, svcm_error *err)
{
    if (civil == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "civil", "civil is NULL");
    if (utc == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "utc", "output is NULL");
    int rc = check_civil(civil, err);
    if (rc != SVCM_OK)
        return rc;
    *utc = civil_seconds(civil);
    return SVCM_OK;
}

/* Seconds of 0000-01-01T00:00 and 10000-01-01T00:00 (exclusive). */
#define CIVIL_LO (INT64_C(-719528) * DAY_S)
#define CIVIL_HI (INT64_C(2932897) * DAY_S)

int svcm_time_to_civil(int64_t utc, svcm_civil *out)
{
    if (out == NULL)
        return SVCM_EINVAL;
    if (utc < CIVIL_LO || utc >= CIVIL_HI)
        return SVCM_ERANGE;
    int64_t days = floor_div(utc, DAY_S), y;
    int64_t sod = utc - days * DAY_S;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    out->year = (int32_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    out->hour = (uint8_t)(sod / 3600);
    out->minute = (uint8_t)(sod / 60 % 60);
    out->second = (uint8_t)(sod % 60);
    /* 1970-01-01 was a Thursday (4). */
    out->weekday = (uint8_t)(((days % 7) + 11) % 7);
    return SVCM_OK;
}

int svcm_zone_to_local(const svcm_zone *zone, int64_t utc, svcm_civil *out, int32_t *offset_s)
{
    int32_t off;
    if (zone == NULL || out == NULL || svcm_zone_offset(zone, utc, &off, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    if ((off > 0 && utc > INT64_MAX - off) || (off < 0 && utc < INT64_MIN - off))
        return SVCM_ERANGE;
    int rc = svcm_time_to_civil(utc + off, out);
    if (rc == SVCM_OK && offset_s != NULL)
        *offset_s = off;
    return rc;
}

static int32_t offset_at(const svcm_zone *zone, int64_t utc)
{
    int32_t off = 0;
    (void)svcm_zone_offset(zone, utc, &off, NULL);
    return off;
}

/* The offsets that could apply around local time L: those in effect a day
 * before and after, and what they map to (catches a transition in between). */
static int candidates(const svcm_zone *zone, int64_t local, int32_t c[4])
{
    c[0] = offset_at(zone, local - DAY_S);
    c[1] = offset_at(zone, local + DAY_S);
    c[2] = offset_at(zone, local - c[0]);
    c[3] = offset_at(zone, local - c[1]);
    return 4;
}

/* Offsets o with offset(L - o) == o give the instants whose local time is L. */
static int valid_instants(const svcm_zone *zone, int64_t local, int64_t *lo, int64_t *hi)
{
    int32_t c[4];
    int n = candidates(zone, local, c), found = 0;
    for (int i = 0; i < n; i++) {
        int64_t u = local - c[i];
        if (offset_at(zone, u) != c[i])
            continue;
        if (found == 0 || u < *lo)
            *lo = u;
        if (found == 0 || u > *hi)
            *hi = u;
        found = 1;
    }
    return found;
}

/* A skipped local time: read it with the offset before (EARLIER) or after
 * (LATER) the transition; the transition lies between L - max and L - min
 * of the candidate offsets. */
static int64_t resolve_gap(const svcm_zone *zone, int64_t local, svcm_time_ambiguous rule)
{
    int32_t c[4], mn, mx;
    int n = candidates(zone, local, c);
    mn = mx = c[0];
    for (int i = 1; i < n; i++) {
        mn = c[i] < mn ? c[i] : mn;
        mx = c[i] > mx ? c[i] : mx;
    }
    int32_t before = offset_at(zone, local - mx), after = offset_at(zone, local - mn);
    return local - (rule == SVCM_TIME_AMBIGUOUS_LATER ? after : before);
}

static int refuse_local(svcm_error *err, const svcm_civil *c, const svcm_zone *zone,
                        const char *what)
{
    return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "local",
                       "%04d-%02d-%02d %02d:%02d:%02d %s in %.40s", (int)c->year,
                       (int)c->month, (int)c->day, (int)c->hour, (int)c->minute,
                       (int)c->second, what, svcm_zone_name(zone));
}

int svcm_zone_from_local(const svcm_zone *zone, const svcm_civil *civil,
                         svcm_time_ambiguous ambiguous, int64_t *utc, svcm_error *err)
{
    if (zone == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "zone", "zone is NULL");
    if ((unsigned)ambiguous > SVCM_TIME_AMBIGUOUS_ERROR)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "ambiguous",
                           "ambiguous must be EARLIER, LATER or ERROR");
    int64_t local;
    int rc = svcm_time_from_civil(civil, &local, err);
    if (rc != SVCM_OK)
        return rc;
    int64_t lo = 0, hi = 0;
    if (!valid_instants(zone, local, &lo, &hi)) {
        if (ambiguous == SVCM_TIME_AMBIGUOUS_ERROR)
            return refuse_local(err, civil, zone, "does not exist");
        *utc = resolve_gap(zone, local, ambiguous);
        return SVCM_OK;
    }
    if (lo != hi && ambiguous == SVCM_TIME_AMBIGUOUS_ERROR)
        return refuse_local(err, civil, zone, "is ambiguous");
    *utc = ambiguous == SVCM_TIME_AMBIGUOUS_LATER ? hi : lo;
    return SVCM_OK;
}
