# The description of the time engine's binding surface: the methods and the
# name of svcm.Zone and their records (bindings/gen/svcmgen.py turns it into
# Python and Lua and the stubs). Hand-written in bindings/python/py_time.c
# and bindings/lua/lua_time.c: the Zone type (constructors from a spec or
# TZif bytes, pickling) and parse_time (its tz is a spec or a Zone; an int
# or a float result).
include("svcm/time.h")

helper("""
/* offset(): the two results of svcm_zone_offset in one record. */
struct svcm_zone_offset_view {
    int32_t offset;
    int dst;
};

/* A civil field for a uint8_t slot: values outside 0..255 become 255, which
 * every field refuses, so the C call names the field. */
static uint8_t svcm_civil_u8(int v) { return (uint8_t)(v < 0 || v > 255 ? 255 : v); }
""")

record("ZoneOffset", "struct svcm_zone_offset_view", "The UTC offset of a zone at an instant.", [
    ("offset", "int", "seconds east of UTC"),
    ("dst", "ibool", "daylight saving in effect"),
])
record("LocalTime", "svcm_civil", "A local date and time of day.", [
    ("year", "int", "year"),
    ("month", "u8", "1..12"),
    ("day", "u8", "1..31"),
    ("hour", "u8", "0..23"),
    ("minute", "u8", "0..59"),
    ("second", "u8", "0..59"),
])

klass("Zone", "svcm_zone",
      "Zone(spec: str)\n\n"
      "A time zone: 'UTC', a fixed offset '+HH:MM' / '+HHMM' / '+HH', a POSIX\n"
      "TZ rule string ('CET-1CEST,M3.5.0,M10.5.0/3'), or an IANA name read from\n"
      "the system's zone files ($TZDIR, else /usr/share/zoneinfo).\n"
      "Raises svcm.FormatError for a malformed spec, svcm.NotFound for an\n"
      "unknown name.",
      '''def __init__(self, spec: str) -> None: ...
# pickle, copy: Zone(spec), or Zone.from_tzif(data) with the bytes it was loaded from
def __reduce__(self) -> tuple[object, ...]: ...
@classmethod
def from_tzif(cls, data: _Buffer, /) -> Zone: ...
''')
getter("Zone", "name", "str", "the specification the zone was made from",
       "out = svcm_zone_name(self);")
method("Zone", "offset", "The offset (seconds east of UTC) and whether daylight saving is in\n"
       "effect at the instant utc (int seconds since the epoch).",
       ["utc: i64"], "ZoneOffset", "(void)svcm_zone_offset(self, utc, &out.offset, &out.dst);",
       fast=True)
method("Zone", "abbrev", "The zone abbreviation at the instant, e.g. 'CEST'.",
       ["utc: i64"], "str", "out = svcm_zone_abbrev(self, utc);", fast=True)
method("Zone", "to_local", "The local date and time of the instant in this zone.\n"
       "Raises svcm.OutOfRange outside years 0..9999.",
       ["utc: i64"], "LocalTime", "rc = svcm_zone_to_local(self, utc, &out, NULL);", fast=True)
method("Zone", "to_utc", "The instant of a local time in this zone. ambiguous decides skipped and\n"
       "repeated local times: 'earlier' uses the offset before the transition,\n"
       "'later' the offset after it (PEP 495 fold=0 / fold=1), 'error' raises\n"
       "svcm.InvalidInput.",
       ["year: int", "month: int", "day: int", "hour: int = 0", "minute: int = 0",
        "second: int = 0", "ambiguous: choice(earlier|later|error) = 0"], "i64",
       "svcm_civil c = {year, svcm_civil_u8(month), svcm_civil_u8(day), svcm_civil_u8(hour),\n"
       "                svcm_civil_u8(minute), svcm_civil_u8(second), 0};\n"
       "rc = svcm_zone_from_local(self, &c, (svcm_time_ambiguous)ambiguous, &out, &err);",
       fast=True)
