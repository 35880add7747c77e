# The description of the calendar engine's binding surface: the SLA
# compliance record of one metric, the civil-date conversions and the
# queries of svcm.Calendar. bindings/gen/svcmgen.py turns it into Python and
# Lua and the stubs. Hand-written in bindings/python/py_calendar.c and
# bindings/lua/lua_calendar.c: the Calendar type (week tables, holidays,
# parsing and printing, the batch methods with their int64 columns), sla and
# sla_compliance (a Calendar argument, ticket arrays, pauses), the records
# SlaResult and SlaSummary (records of records).
include("svcm/calendar.h")

# The week and holiday readers of the hand-written constructors of both
# languages parse text with these (declared again in py_calendar.c and
# lua_calendar.c; each binding links its own copy).
helper("""
long svcmbind_parse_hms(const char *s);
int svcmbind_parse_date(const char *s, svcm_date *out);

static int svcmbind_digit(char c) { return c >= '0' && c <= '9'; }

/* "HH:MM", "H:MM" or "HH:MM:SS" (24:00 allowed) -> seconds, or -1. */
long svcmbind_parse_hms(const char *s)
{
    long h = 0, m, sec = 0;
    int nd = 0;
    while (svcmbind_digit(*s) && nd < 2) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (nd == 0 || *s++ != ':' || !svcmbind_digit(s[0]) || !svcmbind_digit(s[1]))
        return -1;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    if (*s == ':') {
        s++;
        if (!svcmbind_digit(s[0]) || !svcmbind_digit(s[1]))
            return -1;
        sec = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
    }
    if (*s != '\\0' || m > 59 || sec > 59 || h > 24 || (h == 24 && (m || sec)))
        return -1;
    return h * 3600 + m * 60 + sec;
}

/* "YYYY-MM-DD", optionally with a leading '-' and up to 7 year digits:
 * 1 and *out, else 0. */
int svcmbind_parse_date(const char *s, svcm_date *out)
{
    int neg = *s == '-';
    s += neg;
    long y = 0;
    int nd = 0;
    while (svcmbind_digit(*s) && nd < 7) {
        y = y * 10 + (*s++ - '0');
        nd++;
    }
    if (nd == 0 || s[0] != '-' || !svcmbind_digit(s[1]) || !svcmbind_digit(s[2]) ||
        s[3] != '-' || !svcmbind_digit(s[4]) || !svcmbind_digit(s[5]) || s[6] != '\\0')
        return 0;
    out->year = (int32_t)(neg ? -y : y);
    out->month = (s[1] - '0') * 10 + (s[2] - '0');
    out->day = (s[4] - '0') * 10 + (s[5] - '0');
    return 1;
}
""")

helper("""
/* An SLA metric with due INT64_MAX (the "none" of an i64? field) where the
 * library has SVCM_SLA_NONE (declared again in py_calendar.c, lua_calendar.c). */
svcm_sla_metric svcmb_sla_metric(svcm_sla_metric m);
svcm_sla_metric svcmb_sla_metric(svcm_sla_metric m)
{
    m.due = m.due == SVCM_SLA_NONE ? INT64_MAX : m.due;
    return m;
}
""")

record("SlaMetric", "svcm_sla_metric", "One SLA metric of a ticket.", [
    ("elapsed", "i64", "business seconds on the clock, pauses excluded"),
    ("remaining", "i64", "target - elapsed (negative once over)"),
    ("due", "i64?", "instant the target is reached given the pauses so far, or None"),
    ("stopped", "bool", "the stop event (response / resolution) happened"),
    ("met", "bool", "stopped within target"),
    ("breached", "bool", "elapsed > target"),
])
record("SlaRate", "svcm_sla_rate", "Compliance of one metric.", [
    ("met", "u64", "tickets that met the target"),
    ("breached", "u64", "tickets that breached it (open ones included)"),
    ("pending", "u64", "open tickets still within target"),
    ("rate", "f64", "met / (met + breached), NaN when none decided"),
    ("ci", "interval", "Wilson interval (lo, hi) for rate"),
])

function("days_from_civil",
         "Days since 1970-01-01 of a proleptic Gregorian date (negative before).",
         ["year: int", "month: int", "day: int"], "i64",
         "svcm_date date = {year, month, day};\n"
         "rc = svcm_days_from_civil(&date, &out);")
fast("days_from_civil")

record("CivilDate", "svcm_date", "A proleptic Gregorian date.", [
    ("year", "int", "year (0 is 1 BC)"),
    ("month", "int", "1..12"),
    ("day", "int", "1..31"),
])
function("civil_from_days", "The (year, month, day) of a day number since 1970-01-01.",
         ["days: i64"], "CivilDate", "rc = svcm_civil_from_days(days, &out);")
fast("civil_from_days")

klass("Calendar", "svcm_calendar",
      "A business-hours calendar: week tables, holidays and a UTC offset or a zone.",
      """def __new__(
    cls,
    utc_offset_minutes: int = ...,
    week: Optional[Sequence[_Day]] = ...,
    holidays: Optional[Iterable[_Date]] = ...,
    zone: Optional[str] = ...,  # IANA name, POSIX TZ rule or "+HH:MM" (0.2)
) -> Calendar: ...
def business_seconds_batch(self, starts: _Int64s, ends: _Int64s, /) -> Column: ...
def add_business_seconds_batch(self, starts: _Int64s, seconds: _Int64s, /) -> Column: ...
def to_text(self) -> str: ...
@classmethod
def parse(cls, text: str, /) -> Calendar: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
""")
# Long zoned spans probe the zone once a day: these two release the GIL.
method("Calendar", "business_seconds",
       "Business seconds in [start, end) (instants: int seconds since the epoch,\n"
       "UTC). start > end gives the negative of the reverse count. With a zone\n"
       "the count is exact across daylight-saving changeovers (elapsed seconds:\n"
       "open hours in a skipped hour do not exist, in a repeated hour count twice).\n"
       "Raises svcm.OutOfRange for instants beyond +-1e14 s (zoned: outside the\n"
       "years 0000..9999).",
       ["start: i64", "end: i64"], "i64",
       "rc = svcm_calendar_business_seconds(self, start, end, &out);")
method("Calendar", "add_business_seconds",
       "The earliest instant with `seconds` business seconds since start; with\n"
       "seconds > 0 it is inside hours or exactly at a closing time; 0 gives start.\n"
       "Raises svcm.InvalidInput for seconds < 0, svcm.NotFound if the calendar is\n"
       "never open, svcm.OutOfRange beyond +-1e14 s (zoned: the years 0000..9999).",
       ["start: i64", "seconds: i64"], "i64",
       "rc = svcm_calendar_add_business_seconds(self, start, seconds, &out);")
method("Calendar", "is_open",
       "Whether t is within hours (open at the opening instant, closed at the\n"
       "closing one).",
       ["t: i64"], "bool", "rc = svcm_calendar_is_open(self, t, &out);", fast=True)
method("Calendar", "next_open",
       "The earliest instant >= t within hours (t itself when open). Raises\n"
       "svcm.NotFound if the calendar is never open.",
       ["t: i64"], "i64", "rc = svcm_calendar_next_open(self, t, &out);", fast=True)
