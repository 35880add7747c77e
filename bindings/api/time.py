# The description of the time engine's binding surface: svcm.Zone, generated
# whole (a managed class over struct svcmb_zone, which keeps the TZif bytes
# a zone was loaded from: its saved form), and its records. Hand-written in
# bindings/python/py_time.c and bindings/lua/lua_time.c: parse_time (its tz
# is a spec or a Zone; an int or a float result).
include("svcm/time.h")

helper("""
/* A zone and the TZif bytes it was loaded from (NULL when made from a
 * spec). The saved form (to_bytes) is those bytes, else the spec;
 * from_bytes() reads either. */
struct svcmb_zone {
    svcm_zone *z;
    unsigned char *tzif;
    size_t n;
};

/* The zone of h, for parse_time (declared again in py_time.c, lua_time.c). */
const svcm_zone *svcmb_zone_of(const struct svcmb_zone *h);
const svcm_zone *svcmb_zone_of(const struct svcmb_zone *h) { return h->z; }

static void svcmb_zone_free(struct svcmb_zone *h)
{
    if (h != NULL) {
        svcm_zone_free(h->z);
        free(h->tzif);
        free(h);
    }
}

/* A new struct svcmb_zone from a spec (tzif NULL) or from TZif bytes. */
static int svcmb_zone_make(const char *spec, const unsigned char *tzif, size_t n,
                           struct svcmb_zone **out, svcm_error *err)
{
    struct svcmb_zone *h = calloc(1, sizeof *h);
    if (h == NULL || (tzif != NULL && (h->tzif = malloc(n ? n : 1)) == NULL)) {
        free(h);
        return SVCM_ENOMEM;
    }
    int rc = tzif ? svcm_zone_load(tzif, n, NULL, &h->z, err)
                  : svcm_zone_new(spec, NULL, &h->z, err);
    if (rc == SVCM_OK && tzif != NULL) {
        memcpy(h->tzif, tzif, n);
        h->n = n;
    }
    if (rc != SVCM_OK) {
        svcmb_zone_free(h);
        h = NULL;
    }
    *out = h;
    return rc;
}

static int svcmb_zone_save(const struct svcmb_zone *h, unsigned char *buf, size_t cap, size_t *n)
{
    const char *spec = svcm_zone_name(h->z);
    size_t len = h->tzif ? h->n : strlen(spec);
    if (n != NULL)
        *n = len;
    if (buf == NULL || cap < len)
        return buf == NULL ? SVCM_OK : SVCM_ERANGE;
    memcpy(buf, h->tzif ? (const void *)h->tzif : (const void *)spec, len);
    return SVCM_OK;
}

/* TZif bytes, else (a pickled spec zone) a spec without NUL bytes. */
static int svcmb_zone_load(const unsigned char *b, size_t n, const svcm_allocator *alloc,
                           struct svcmb_zone **out, svcm_error *err)
{
    (void)alloc;
    if (n >= 4 && memcmp(b, "TZif", 4) == 0)
        return svcmb_zone_make(NULL, b, n, out, err);
    if (memchr(b, 0, n) != NULL) {
        snprintf(err->message, sizeof err->message, "neither TZif data nor a zone spec");
        return SVCM_EFORMAT;
    }
    char *spec = malloc(n + 1);
    if (spec == NULL)
        return SVCM_ENOMEM;
    memcpy(spec, b, n);
    spec[n] = '\\0';
    int rc = svcmb_zone_make(spec, NULL, 0, out, err);
    free(spec);
    return rc;
}

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

klass("Zone", "struct svcmb_zone",
      "A time zone: 'UTC', a fixed offset '+HH:MM' / '+HHMM' / '+HH', a POSIX\n"
      "TZ rule string ('CET-1CEST,M3.5.0,M10.5.0/3'), or an IANA name read from\n"
      "the system's zone files ($TZDIR, else /usr/share/zoneinfo).\n"
      "Raises svcm.FormatError for a malformed spec, svcm.NotFound for an\n"
      "unknown name. Zone.from_bytes(data) reads a compiled TZif file (RFC 8536)\n"
      "or a saved zone: to_bytes() is the TZif bytes it was loaded from, else\n"
      "its spec.",
      free="svcmb_zone_free", save="svcmb_zone_save", load="svcmb_zone_load",
      save_as="to_bytes", load_as="from_bytes",
      repr='snprintf(buf, cap, "svcm.Zone(\'%s\')", svcm_zone_name(self->z));')
constructor("Zone", ["spec: str"], "rc = svcmb_zone_make(spec, NULL, 0, &out, &err);")
getter("Zone", "name", "str", "the specification the zone was made from",
       "out = svcm_zone_name(self->z);")
method("Zone", "offset", "The offset (seconds east of UTC) and whether daylight saving is in\n"
       "effect at the instant utc (int seconds since the epoch).",
       ["utc: i64"], "ZoneOffset", "(void)svcm_zone_offset(self->z, utc, &out.offset, &out.dst);",
       fast=True)
method("Zone", "abbrev", "The zone abbreviation at the instant, e.g. 'CEST'.",
       ["utc: i64"], "str", "out = svcm_zone_abbrev(self->z, utc);", fast=True)
method("Zone", "to_local", "The local date and time of the instant in this zone.\n"
       "Raises svcm.OutOfRange outside years 0..9999.",
       ["utc: i64"], "LocalTime", "rc = svcm_zone_to_local(self->z, utc, &out, NULL);", fast=True)
method("Zone", "to_utc", "The instant of a local time in this zone. ambiguous decides skipped and\n"
       "repeated local times: 'earlier' uses the offset before the transition,\n"
       "'later' the offset after it (PEP 495 fold=0 / fold=1), 'error' raises\n"
       "svcm.InvalidInput.",
       ["year: int", "month: int", "day: int", "hour: int = 0", "minute: int = 0",
        "second: int = 0", "ambiguous: choice(earlier|later|error) = 0"], "i64",
       "svcm_civil c = {year, svcm_civil_u8(month), svcm_civil_u8(day), svcm_civil_u8(hour),\n"
       "                svcm_civil_u8(minute), svcm_civil_u8(second), 0};\n"
       "rc = svcm_zone_from_local(self->z, &c, (svcm_time_ambiguous)ambiguous, &out, &err);",
       fast=True)
