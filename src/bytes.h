/* Private: little-endian writer/reader for svcm's saved byte formats.
 *
 * Every saved object starts with a 12-byte header:
 *   "SVCM" magic, u16 kind tag, u16 format version, u32 payload length.
 * Writers are two-pass: run once with buf == NULL to measure, then for real;
 * the writer never writes past cap. Readers never read past len and set
 * ok = false on any overrun, so loaders check once at the end. */
#ifndef SVCM_BYTES_H
#define SVCM_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SVCM__HEADER_SIZE 12u

/* Kind tags of saved objects: append only. */
enum svcm__kind {
    SVCM__KIND_MOMENTS = 1,
    SVCM__KIND_FEEDBACK = 2,
    SVCM__KIND_RATE = 3,
    SVCM__KIND_SKETCH = 4,
    SVCM__KIND_DURATIONS = 5,
    SVCM__KIND_CALENDAR = 6,
    SVCM__KIND_SEGMENT = 7,
    SVCM__KIND_LIFETIME = 8,
    SVCM__KIND_PRIORITY = 9,
    SVCM__KIND_PDCA = 10,
    SVCM__KIND_KPI_GROUPS = 11,
    SVCM__KIND_CALLS = 12,
    SVCM__KIND_EXTRA = 13 /* first free tag */
};

typedef struct svcm__writer {
    unsigned char *buf; /* NULL: measure only */
    size_t cap;
    size_t pos; /* bytes produced so far (may exceed cap when measuring) */
} svcm__writer;

static inline void svcm__w_bytes(svcm__writer *w, const void *p, size_t n)
{
    if (w->buf != NULL && w->pos <= w->cap && n <= w->cap - w->pos)
        memcpy(w->buf + w->pos, p, n);
    w->pos += n;
}
static inline void svcm__w_u8(svcm__writer *w, uint8_t v) { svcm__w_bytes(w, &v, 1); }
static inline void svcm__w_u16(svcm__writer *w, uint16_t v)
{
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    svcm__w_bytes(w, b, 2);
}
static inline void svcm__w_u32(svcm__writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
    svcm__w_bytes(w, b, 4);
}
static inline void svcm__w_u64(svcm__writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    svcm__w_bytes(w, b, 8);
}
static inline void svcm__w_i64(svcm__writer *w, int64_t v) { svcm__w_u64(w, (uint64_t)v); }
static inline void svcm__w_f64(svcm__writer *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    svcm__w_u64(w, u);
}
/* Header with a payload length to be patched by svcm__w_finish(). */
static inline void svcm__w_header(svcm__writer *w, uint16_t kind, uint16_t version)
{
    svcm__w_bytes(w, "SVCM", 4);
    svcm__w_u16(w, kind);
    svcm__w_u16(w, version);
    svcm__w_u32(w, 0);
}
static inline void svcm__w_finish(svcm__writer *w)
{
    if (w->buf != NULL && w->pos <= w->cap && w->pos >= SVCM__HEADER_SIZE) {
        uint32_t n = (uint32_t)(w->pos - SVCM__HEADER_SIZE);
        for (int i = 0; i < 4; i++) w->buf[8 + i] = (unsigned char)(n >> (8 * i));
    }
}

typedef struct svcm__reader {
    const unsigned char *buf;
    size_t len;
    size_t pos;
    bool ok;
} svcm__reader;

static inline const unsigned char *svcm__r_take(svcm__reader *r, size_t n)
{
    if (!r->ok || r->pos > r->len || n > r->len - r->pos) {
        r->ok = false;
        return NULL;
    }
    const unsigned char *p = r->buf + r->pos;
    r->pos += n;
    return p;
}
static inline uint8_t svcm__r_u8(svcm__reader *r)
{
    const unsigned char *p = svcm__r_take(r, 1);
    return p ? p[0] : 0;
}
static inline uint16_t svcm__r_u16(svcm__reader *r)
{
    const unsigned char *p = svcm__r_take(r, 2);
    return p ? (uint16_t)(p[0] | (p[1] << 8)) : 0;
}
static inline uint32_t svcm__r_u32(svcm__reader *r)
{
    const unsigned char *p = svcm__r_take(r, 4);
    uint32_t v = 0;
    if (p)
        for (int i = 0; i < 4; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}
static inline uint64_t svcm__r_u64(svcm__reader *r)
{
    const unsigned char *p = svcm__r_take(r, 8);
    uint64_t v = 0;
    if (p)
        for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}
static inline int64_t svcm__r_i64(svcm__reader *r) { return (int64_t)svcm__r_u64(r); }
static inline double svcm__r_f64(svcm__reader *r)
{
    uint64_t u = svcm__r_u64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
/* Check magic, kind and payload length; returns the version (0 on failure,
 * with ok = false). On success the reader's len is narrowed to the header's
 * payload length, so trailing bytes are detected with svcm__r_done(). */
static inline uint16_t svcm__r_header(svcm__reader *r, uint16_t kind)
{
    const unsigned char *m = svcm__r_take(r, 4);
    if (m == NULL || memcmp(m, "SVCM", 4) != 0) {
        r->ok = false;
        return 0;
    }
    uint16_t k = svcm__r_u16(r);
    uint16_t v = svcm__r_u16(r);
    uint32_t n = svcm__r_u32(r);
    if (!r->ok || k != kind || (size_t)n != r->len - r->pos) {
        r->ok = false;
        return 0;
    }
    return v;
}
/* True when everything was read exactly, with no overrun. */
static inline bool svcm__r_done(const svcm__reader *r) { return r->ok && r->pos == r->len; }

#endif /* SVCM_BYTES_H */
