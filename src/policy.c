/* The five-tier policy: defaults, range checks, "key = value" text in and
 * out, reason names. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svcm/segment.h"

static const char *const reason_names[SVCM_SEGMENT_REASON_COUNT] = {
    "lost_inactive", "lost_p_alive", "potential_new", "potential_few_purchases",
    "vip_m_score",   "vip_monetary", "key_score",     "regular",
};

const char *svcm_segment_reason_name(int reason)
{
    return (reason >= 0 && reason < SVCM_SEGMENT_REASON_COUNT) ? reason_names[reason] : NULL;
}

void svcm_segment_options_init(svcm_segment_options *p)
{
    if (p == NULL)
        return;
    p->bins = 5;
    p->churn_days = 180.0;
    p->p_alive_min = 0.2;
    p->new_tenure_days = 90.0;
    p->new_max_frequency = 1.0;
    p->vip_active_days = 90.0;
    p->vip_m_top_scores = 1;
    p->vip_min_monetary = INFINITY;
    p->key_weight_r = 1.0;
    p->key_weight_f = 1.0;
    p->key_weight_m = 1.0;
    p->key_min_score = 4.0;
}

/* The text keys, in the order they are written. */
enum key_type { KEY_INT, KEY_DOUBLE };
static const struct {
    const char *name;
    enum key_type type;
    size_t offset;
} keys[] = {
#define SVCM__KEY(name, type) {#name, type, offsetof(svcm_segment_options, name)}
    SVCM__KEY(bins, KEY_INT),
    SVCM__KEY(churn_days, KEY_DOUBLE),
    SVCM__KEY(p_alive_min, KEY_DOUBLE),
    SVCM__KEY(new_tenure_days, KEY_DOUBLE),
    SVCM__KEY(new_max_frequency, KEY_DOUBLE),
    SVCM__KEY(vip_active_days, KEY_DOUBLE),
    SVCM__KEY(vip_m_top_scores, KEY_INT),
    SVCM__KEY(vip_min_monetary, KEY_DOUBLE),
    SVCM__KEY(key_weight_r, KEY_DOUBLE),
    SVCM__KEY(key_weight_f, KEY_DOUBLE),
    SVCM__KEY(key_weight_m, KEY_DOUBLE),
    SVCM__KEY(key_min_score, KEY_DOUBLE),
#undef SVCM__KEY
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* A threshold in days or money: >= 0, +inf allowed, NaN refused. */
static bool nonneg_or_inf(double x) { return x >= 0.0; }

int svcm_segment_options_check(const svcm_segment_options *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "policy is NULL");
#define SVCM__BAD(field, ...) svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, field, __VA_ARGS__)
    if (p->bins < SVCM_RFM_MIN_BINS || p->bins > SVCM_RFM_MAX_BINS)
        return SVCM__BAD("bins", "bins must be in %d..%d, got %d", SVCM_RFM_MIN_BINS,
                         SVCM_RFM_MAX_BINS, p->bins);
    if (!nonneg_or_inf(p->churn_days))
        return SVCM__BAD("churn_days", "churn_days must be >= 0, got %g", p->churn_days);
    if (!(p->p_alive_min >= 0.0 && p->p_alive_min <= 1.0))
        return SVCM__BAD("p_alive_min", "p_alive_min must be in [0, 1], got %g", p->p_alive_min);
    if (!nonneg_or_inf(p->new_tenure_days))
        return SVCM__BAD("new_tenure_days", "new_tenure_days must be >= 0, got %g",
                         p->new_tenure_days);
    if (!svcm__finite(p->new_max_frequency))
        return SVCM__BAD("new_max_frequency", "new_max_frequency must be finite, got %g",
                         p->new_max_frequency);
    if (!nonneg_or_inf(p->vip_active_days))
        return SVCM__BAD("vip_active_days", "vip_active_days must be >= 0, got %g",
                         p->vip_active_days);
    if (p->vip_m_top_scores < 0 || p->vip_m_top_scores > p->bins)
        return SVCM__BAD("vip_m_top_scores", "vip_m_top_scores must be in 0..bins (%d), got %d",
                         p->bins, p->vip_m_top_scores);
    if (!nonneg_or_inf(p->vip_min_monetary))
        return SVCM__BAD("vip_min_monetary", "vip_min_monetary must be >= 0, got %g",
                         p->vip_min_monetary);
    const double w[3] = {p->key_weight_r, p->key_weight_f, p->key_weight_m};
    static const char *const wname[3] = {"key_weight_r", "key_weight_f", "key_weight_m"};
    for (int i = 0; i < 3; i++)
        if (!svcm__finite(w[i]) || !(w[i] >= 0.0))
            return SVCM__BAD(wname[i], "%s must be finite and >= 0, got %g", wname[i], w[i]);
    if (!(w[0] + w[1] + w[2] > 0.0) || !svcm__finite(w[0] + w[1] + w[2]))
        return SVCM__BAD("key_weight_m", "the key weights must have a finite, positive sum");
    if (!(p->key_min_score >= 1.0 && p->key_min_score <= (double)p->bins))
        return SVCM__BAD("key_min_score", "key_min_score must be in [1, bins (%d)], got %g",
                         p->bins, p->key_min_score);
#undef SVCM__BAD
    return SVCM_OK;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Parse a whole value as an int (decimal, optional sign). */
static bool parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < -1000000 || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

int svcm_segment_options_parse(const char *text, size_t len, svcm_segment_options *out,
                              svcm_error *err)
{
    if (out == NULL || (text == NULL && len > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    int rc = svcm__utf8_text(text, len, "line", err);
    if (rc != SVCM_OK)
        return rc;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    size_t line_of[NKEYS] = {0}; /* 0: not given */
    size_t col_of[NKEYS] = {0};  /* column of the value */
    size_t line = 0, pos = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t stop = end; /* the comment starts at '#' */
        for (size_t i = pos; i < end; i++)
            if (text[i] == '#') {
                stop = i;
                break;
            }
        size_t a = pos, b = stop, bol = pos;
        pos = end + 1;
        while (a < b && is_space(text[a]))
            a++;
        while (b > a && is_space(text[b - 1]))
            b--;
        if (a == b)
            continue;
        size_t eq = a;
        while (eq < b && text[eq] != '=')
            eq++;
        if (eq == b)
            return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, a - bol + 1, "line",
                                  "expected 'key = value'");
        size_t ke = eq;
        while (ke > a && is_space(text[ke - 1]))
            ke--;
        size_t vs = eq + 1;
        while (vs < b && is_space(text[vs]))
            vs++;
        size_t k;
        for (k = 0; k < NKEYS; k++)
            if (strlen(keys[k].name) == ke - a && memcmp(keys[k].name, text + a, ke - a) == 0)
                break;
        if (k == NKEYS)
            return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, a - bol + 1, "key",
                                  "unknown key '%.*s'",
                                  (int)svcm__utf8_prefix(text + a, ke - a, 40), text + a);
        if (line_of[k] != 0)
            return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, a - bol + 1,
                                  keys[k].name, "'%s' is given twice", keys[k].name);
        char val[SVCM__NUMBER_TOKEN_MAX + 1];
        if (b - vs == 0 || b - vs >= sizeof val || memchr(text + vs, '\0', b - vs) != NULL)
            return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, vs - bol + 1,
                                  keys[k].name, "'%s' needs a number", keys[k].name);
        memcpy(val, text + vs, b - vs);
        val[b - vs] = '\0';
        bool ok;
        int prc = SVCM_OK;
        if (keys[k].type == KEY_INT) {
            int v = 0;
            ok = parse_int(val, &v);
            if (ok)
                memcpy((char *)&p + keys[k].offset, &v, sizeof v);
        } else {
            double v = 0.0;
            prc = svcm__parse_double(val, b - vs, &v);
            ok = prc == SVCM_OK;
            if (ok)
                memcpy((char *)&p + keys[k].offset, &v, sizeof v);
        }
        /* A decimal beyond the double range ("1e999") is not +inf: only
         * the word inf is. */
        const char *what = keys[k].type == KEY_INT ? "an integer"
                           : prc == SVCM_ERANGE    ? "a number in the double range"
                                                   : "a number";
        if (!ok)
            return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, vs - bol + 1,
                                  keys[k].name, "'%s' = '%.*s' is not %s", keys[k].name,
                                  (int)svcm__utf8_prefix(val, b - vs, 40), val, what);
        line_of[k] = line;
        col_of[k] = vs - bol + 1;
    }
    svcm_error e;
    svcm_error_clear(&e);
    rc = svcm_segment_options_check(&p, &e);
    if (rc != SVCM_OK) {
        /* Blame the value of the key at fault; a default has no line. */
        size_t at = 0, col = 0;
        for (size_t k = 0; k < NKEYS; k++)
            if (e.field != NULL && strcmp(e.field, keys[k].name) == 0 && line_of[k] != 0) {
                at = line_of[k];
                col = col_of[k];
            }
        return svcm__error_at(err, rc, SVCM_NO_INDEX, at, col, e.field, "%s", e.message);
    }
    *out = p;
    return SVCM_OK;
}

int svcm_segment_options_format(const svcm_segment_options *p, char *buf, size_t cap, size_t *len)
{
    if (len == NULL)
        return SVCM_EINVAL;
    int rc = svcm_segment_options_check(p, NULL);
    if (rc != SVCM_OK)
        return rc;
    /* Measure first, then write: nothing is written when buf is too small. */
    char line[96];
    size_t need = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0;
        for (size_t k = 0; k < NKEYS; k++) {
            int n;
            if (keys[k].type == KEY_INT) {
                int v;
                memcpy(&v, (const char *)p + keys[k].offset, sizeof v);
                n = snprintf(line, sizeof line, "%s = %d\n", keys[k].name, v);
            } else {
                double v;
                memcpy(&v, (const char *)p + keys[k].offset, sizeof v);
                char num[SVCM__DOUBLE_TEXT_MAX];
                (void)svcm__format_double(v, num);
                n = snprintf(line, sizeof line, "%s = %s\n", keys[k].name, num);
            }
            if (pass == 1)
                memcpy(buf + at, line, (size_t)n);
            at += (size_t)n;
        }
        if (pass == 0) {
            need = at;
            *len = need;
            if (buf == NULL || cap < need + 1)
                return SVCM_ENOSPC;
        } else {
            buf[at] = '\0';
        }
    }
    return SVCM_OK;
}
