/* The PDCA cycle text format (docs/pdca-format.md): the writer, and the
 * reader that tokenizes and parses the text into records and hands them to
 * svcm__cycle_assemble (pdca_load.c), blaming the line of a bad record. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "numtext.h"
#include "pdca_internal.h"
#include "svcm/pdca.h"

#define MAGIC "svcm-pdca"

/* ---------------------------------------------------------------- save */

typedef struct sink {
    char *buf; /* NULL: measure only */
    size_t cap;
    size_t pos;
} sink;

static void put(sink *s, const char *p, size_t n)
{
    if (s->buf != NULL && s->pos <= s->cap && n <= s->cap - s->pos)
        memcpy(s->buf + s->pos, p, n);
    s->pos += n;
}

static void puts_(sink *s, const char *p) { put(s, p, strlen(p)); }

/* A string literal, its length known at compile time. */
#define PUTS(s, lit) put(s, lit, sizeof lit - 1)

/* " " and the decimal digits of v, without snprintf (locale-free, and
 * the writer's hot path: every sample has one or three integers). */
static void put_u64(sink *s, uint64_t v)
{
    char b[24];
    size_t k = sizeof b;
    do {
        b[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    b[--k] = ' ';
    put(s, b + k, sizeof b - k);
}

static void put_i64(sink *s, int64_t v)
{
    char b[24];
    size_t k = sizeof b;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        b[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        b[--k] = '-';
    b[--k] = ' ';
    put(s, b + k, sizeof b - k);
}

/* The shortest decimal that reads back to the same double (numtext.c):
 * 0.05 stays "0.05" for the reader of the file; NaN is "nan", infinities
 * "inf" and "-inf". */
static void put_f64(sink *s, double v)
{
    if (s->buf == NULL) { /* measuring: the length without the digits */
        s->pos += 1 + svcm__double_text_len(v);
        return;
    }
    char b[SVCM__DOUBLE_TEXT_MAX + 1];
    b[0] = ' ';
    size_t n = svcm__format_double(v, b + 1);
    put(s, b, n + 1);
}

static void put_word(sink *s, const char *w)
{
    PUTS(s, " ");
    puts_(s, w);
}

/* A quoted, escaped string: no byte of the result is a control character. */
static void put_text(sink *s, const char *t)
{
    PUTS(s, " \"");
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        char b[5];
        switch (*p) {
        case '\\': PUTS(s, "\\\\"); break;
        case '"': PUTS(s, "\\\""); break;
        case '\n': PUTS(s, "\\n"); break;
        case '\r': PUTS(s, "\\r"); break;
        case '\t': PUTS(s, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7F) {
                snprintf(b, sizeof b, "\\x%02X", *p);
                puts_(s, b);
            } else {
                put(s, (const char *)p, 1);
            }
        }
    }
    PUTS(s, "\"");
}

static void put_bool(sink *s, bool v) { puts_(s, v ? " 1" : " 0"); }

static void write_cycle(const svcm_cycle *c, sink *s)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    svcm_problem pr;
    bool has_problem = svcm_cycle_problem(c, &pr) == SVCM_OK;
    char head[32];
    /* Version 1 unless the cycle carries a 5W2H record, so that text
     * without one stays what 0.1 wrote and reads. */
    snprintf(head, sizeof head, MAGIC " %d\n", has_problem ? SVCM_PDCA_FORMAT_VERSION : 1);
    puts_(s, head);
    PUTS(s, "id");
    put_u64(s, in.id);
    PUTS(s, "\ntitle");
    put_text(s, in.title);
    PUTS(s, "\nowner");
    put_text(s, in.owner);
    PUTS(s, "\nmetric");
    put_text(s, in.metric);
    PUTS(s, "\nunit");
    put_text(s, in.unit);
    PUTS(s, "\ndirection");
    put_word(s, in.higher_is_better ? "higher" : "lower");
    PUTS(s, "\nrate");
    put_bool(s, in.rate);
    PUTS(s, "\nalpha");
    put_f64(s, in.alpha);
    if (in.has_goal) {
        PUTS(s, "\ngoal");
        put_f64(s, in.baseline);
        put_f64(s, in.target);
        put_i64(s, in.deadline);
    }
    PUTS(s, "\nphase");
    put_word(s, svcm_pdca_phase_name(in.phase));
    PUTS(s, "\noutcome");
    put_word(s, svcm_pdca_outcome_name(in.outcome));
    if (in.has_do_start) {
        PUTS(s, "\ndo-start");
        put_i64(s, in.do_start);
    }
    if (in.has_prev) {
        PUTS(s, "\nprev");
        put_u64(s, in.prev_id);
        put_text(s, in.prev_title);
    }
    if (in.has_next) {
        PUTS(s, "\nnext");
        put_u64(s, in.next_id);
        put_text(s, in.next_title);
    }
    if (has_problem) {
        PUTS(s, "\nproblem");
        put_text(s, pr.what);
        put_text(s, pr.why);
        put_text(s, pr.who);
        put_text(s, pr.when);
        put_text(s, pr.where);
        put_text(s, pr.how);
        put_f64(s, pr.how_much);
        put_text(s, pr.how_much_unit);
    }
    for (size_t i = 0; i < in.n_actions; i++) {
        svcm_pdca_action a;
        (void)svcm_cycle_action(c, i, &a);
        PUTS(s, "\naction");
        put_i64(s, a.due);
        put_word(s, svcm_action_status_name(a.status));
        put_text(s, a.description);
        put_text(s, a.owner);
    }
    for (size_t i = 0; i < in.n_samples; i++) {
        svcm_pdca_sample x;
        (void)svcm_cycle_sample(c, i, &x);
        PUTS(s, "\nsample");
        put_i64(s, x.t);
        put_word(s, x.baseline ? "baseline" : "after");
        put_f64(s, x.value);
        if (x.has_counts) {
            put_u64(s, x.successes);
            put_u64(s, x.trials);
        }
    }
    for (size_t i = 0; i < in.n_audit; i++) {
        svcm_pdca_audit a;
        (void)svcm_cycle_audit(c, i, &a);
        PUTS(s, "\naudit");
        put_i64(s, a.at);
        put_word(s, svcm_pdca_phase_name(a.from));
        put_word(s, svcm_pdca_phase_name(a.to));
        put_text(s, a.actor);
        put_text(s, a.note);
    }
    struct svcm_cycle_check_result k;
    if (svcm_cycle_check_result(c, &k) == SVCM_OK) {
        PUTS(s, "\ncheck-samples");
        put_u64(s, k.n_baseline);
        put_u64(s, k.n_after);
        PUTS(s, "\ncheck-means");
        put_f64(s, k.baseline_mean);
        put_f64(s, k.after_mean);
        PUTS(s, "\ncheck-change");
        put_f64(s, k.change);
        put_f64(s, k.relative_change);
        PUTS(s, "\ncheck-test");
        put_word(s, k.test == SVCM_PDCA_TEST_PROPORTIONS ? "proportions" : "welch");
        const struct svcm_test_result *r = &k.result;
        double v[8] = {r->diff, r->ci.lo, r->ci.hi, r->statistic, r->df,
                       r->p_value, r->p_greater, r->p_less};
        for (int i = 0; i < 8; i++)
            put_f64(s, v[i]);
        PUTS(s, "\ncheck-verdict");
        put_word(s, svcm_pdca_verdict_name(k.verdict));
        put_bool(s, k.target_met);
        put_bool(s, k.significant);
        put_f64(s, k.alpha);
        PUTS(s, "\ncheck-xmr");
        put_u64(s, k.limits.n);
        double l[5] = {k.limits.center, k.limits.mr_bar, k.limits.sigma, k.limits.ucl,
                       k.limits.lcl};
        for (int i = 0; i < 5; i++)
            put_f64(s, l[i]);
        for (size_t i = 0; i < k.n_signals; i++) {
            PUTS(s, "\nsignal");
            put_u64(s, (uint64_t)k.signals[i].rule);
            put_u64(s, k.signals[i].index);
        }
    }
    PUTS(s, "\nend\n");
}

int svcm_cycle_format(const svcm_cycle *c, char *buf, size_t cap, size_t *len)
{
    if (c == NULL || len == NULL)
        return SVCM_EINVAL;
    sink m = {NULL, 0, 0};
    write_cycle(c, &m);
    *len = m.pos;
    if (buf == NULL || cap < m.pos + 1)
        return SVCM_ENOSPC;
    sink w = {buf, cap, 0};
    write_cycle(c, &w);
    buf[w.pos] = '\0';
    return SVCM_OK;
}

/* ---------------------------------------------------------------- load */

/* Keys in the order they must appear. */
enum key {
    K_ID, K_TITLE, K_OWNER, K_METRIC, K_UNIT, K_DIRECTION, K_RATE, K_ALPHA, K_GOAL, K_PHASE,
    K_OUTCOME, K_DO_START, K_PREV, K_NEXT, K_PROBLEM, K_ACTION, K_SAMPLE, K_AUDIT, K_CHECK_SAMPLES,
    K_CHECK_MEANS, K_CHECK_CHANGE, K_CHECK_TEST, K_CHECK_VERDICT, K_CHECK_XMR, K_SIGNAL, K_END,
    K_COUNT
};

static const struct {
    const char *name;
    bool repeat;
    bool required;
} keys[K_COUNT] = {
    {"id", false, true},         {"title", false, true},         {"owner", false, true},
    {"metric", false, true},     {"unit", false, true},          {"direction", false, true},
    {"rate", false, true},       {"alpha", false, true},         {"goal", false, false},
    {"phase", false, true},      {"outcome", false, true},       {"do-start", false, false},
    {"prev", false, false},      {"next", false, false},         {"problem", false, false},
    {"action", true, false},
    {"sample", true, false},     {"audit", true, false},         {"check-samples", false, false},
    {"check-means", false, false}, {"check-change", false, false}, {"check-test", false, false},
    {"check-verdict", false, false}, {"check-xmr", false, false}, {"signal", true, false},
    {"end", false, true},
};

/* Parsing state for one load. Strings are allocated and freed at the end. */
typedef struct loader {
    const svcm_allocator *alloc;
    svcm_error *err;
    const char *text; /* the whole text */
    size_t line;      /* 1-based number of the current line */
    const char *bol;  /* first byte of the current line */
    const char *tok;  /* the token being read (error column), or NULL */
    const char *p;    /* cursor in the current line */
    const char *end;  /* end of the current line */
    const char *key;  /* static name of the current key (error field) */
    int version;      /* format version of the header line */
    char **strings;
    size_t n_strings, cap_strings;
    bool nomem;
} loader;

/* The position goes into line/column, never into the message (issue 13). */
static int fail(loader *ld, const char *why)
{
    size_t col = ld->tok != NULL ? (size_t)(ld->tok - ld->bol) + 1 : 0;
    return svcm__error_at(ld->err, SVCM_EFORMAT, SVCM_NO_INDEX, ld->line, col, ld->key, "%s",
                          why);
}

/* The next space-separated bare token; false when none. */
static bool word(loader *ld, const char **w, size_t *n)
{
    /* A missing token is blamed where it should have started. */
    ld->tok = ld->p < ld->end && *ld->p == ' ' ? ld->p + 1 : ld->p;
    if (ld->p >= ld->end || *ld->p != ' ')
        return false;
    ld->p++;
    const char *s = ld->p;
    while (ld->p < ld->end && *ld->p != ' ')
        ld->p++;
    *w = s;
    *n = (size_t)(ld->p - s);
    return *n > 0;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

static int get_enum(loader *ld, const char *(*name)(int), int count, int *out)
{
    const char *w;
    size_t n;
    if (!word(ld, &w, &n))
        return fail(ld, "missing a name");
    for (int i = 0; i < count; i++)
        if (word_is(w, n, name(i))) {
            *out = i;
            return SVCM_OK;
        }
    return fail(ld, "unknown name");
}

static int get_u64(loader *ld, uint64_t *out)
{
    const char *w;
    size_t n;
    if (!word(ld, &w, &n))
        return fail(ld, "missing an unsigned integer");
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return fail(ld, "bad unsigned integer");
        unsigned d = (unsigned)(w[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return fail(ld, "unsigned integer out of range");
        v = v * 10 + d;
    }
    *out = v;
    return SVCM_OK;
}

static int get_size(loader *ld, size_t *out)
{
    uint64_t v;
    int rc = get_u64(ld, &v);
    if (rc != SVCM_OK)
        return rc;
    if (v > SIZE_MAX)
        return fail(ld, "count out of range");
    *out = (size_t)v;
    return SVCM_OK;
}

static int get_i64(loader *ld, int64_t *out)
{
    const char *w;
    size_t n;
    if (!word(ld, &w, &n))
        return fail(ld, "missing an integer");
    bool neg = w[0] == '-';
    if (neg) {
        w++;
        n--;
    }
    if (n == 0)
        return fail(ld, "bad integer");
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return fail(ld, "bad integer");
        unsigned d = (unsigned)(w[i] - '0');
        if (v > (lim - d) / 10)
            return fail(ld, "integer out of range");
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return SVCM_OK;
}

static int get_bool(loader *ld, bool *out)
{
    const char *w;
    size_t n;
    if (!word(ld, &w, &n) || !(word_is(w, n, "0") || word_is(w, n, "1")))
        return fail(ld, "expected 0 or 1");
    *out = w[0] == '1';
    return SVCM_OK;
}

/* A double in the one accepted form of numtext.c (decimal; "inf", "-inf"
 * and "nan" are read, and refused here unless nonfinite). */
static int get_f64(loader *ld, double *out, bool nonfinite)
{
    const char *w;
    size_t n;
    if (!word(ld, &w, &n))
        return fail(ld, "missing a number");
    double v = 0.0;
    int rc = svcm__parse_double(w, n, &v);
    if (rc == SVCM_ERANGE)
        return fail(ld, "number beyond the double range");
    if (rc != SVCM_OK)
        return fail(ld, "bad number");
    if (!nonfinite && !svcm__finite(v))
        return fail(ld, "number must be finite");
    *out = v;
    return SVCM_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A quoted, escaped string, decoded into an allocated copy kept by ld. */
static int get_text(loader *ld, const char **out)
{
    ld->tok = ld->p < ld->end && *ld->p == ' ' ? ld->p + 1 : ld->p;
    if (ld->end - ld->p < 3 || ld->p[0] != ' ' || ld->p[1] != '"')
        return fail(ld, "expected a quoted string");
    ld->p += 2;
    const char *s = ld->p;
    size_t n = 0;
    /* First pass: find the closing quote and the decoded length. */
    const char *q = s;
    for (;;) {
        if (q >= ld->end)
            return fail(ld, "unterminated string");
        if (*q == '"')
            break;
        if ((unsigned char)*q < 0x20 || *q == 0x7F)
            return fail(ld, "raw control character in a string");
        if (*q == '\\') {
            if (q + 1 >= ld->end)
                return fail(ld, "unterminated escape");
            char e = q[1];
            if (e == 'x') {
                if (ld->end - q < 4 || hexval(q[2]) < 0 || hexval(q[3]) < 0)
                    return fail(ld, "bad \\x escape");
                if (hexval(q[2]) == 0 && hexval(q[3]) == 0)
                    return fail(ld, "NUL byte in a string");
                q += 4;
            } else if (strchr("\\\"nrt", e) != NULL && e != '\0') {
                q += 2;
            } else {
                return fail(ld, "unknown escape");
            }
        } else {
            q++;
        }
        n++;
    }
    if (ld->n_strings == ld->cap_strings) {
        void *p = ld->strings;
        if (svcm__grow(ld->alloc, &p, &ld->cap_strings, ld->n_strings + 1, sizeof(char *)) != SVCM_OK) {
            ld->nomem = true;
            return svcm__error(ld->err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        }
        ld->strings = p;
    }
    char *d = svcm__alloc(ld->alloc, n + 1);
    if (d == NULL) {
        ld->nomem = true;
        return svcm__error(ld->err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    ld->strings[ld->n_strings++] = d;
    size_t k = 0;
    for (const char *r = s; r < q;) {
        if (*r != '\\') {
            d[k++] = *r++;
            continue;
        }
        switch (r[1]) {
        case 'n': d[k++] = '\n'; r += 2; break;
        case 'r': d[k++] = '\r'; r += 2; break;
        case 't': d[k++] = '\t'; r += 2; break;
        case 'x': d[k++] = (char)(hexval(r[2]) * 16 + hexval(r[3])); r += 4; break;
        default: d[k++] = r[1]; r += 2; break;
        }
    }
    d[k] = '\0';
    /* The raw text is valid UTF-8 (parse_all checked), but \x escapes of
     * bytes 80..FF may still spell an ill-formed sequence: report the text
     * offset of the byte or escape that begins it. */
    size_t bad = 0;
    if (!svcm__utf8_check(d, k, &bad)) {
        const char *r = s;
        for (size_t at = 0; at < bad; at++)
            r += *r != '\\' ? 1 : r[1] == 'x' ? 4 : 2;
        return svcm__error_at(ld->err, SVCM_EFORMAT, SVCM_NO_INDEX, ld->line,
                              (size_t)(r - ld->bol) + 1, ld->key, "invalid UTF-8");
    }
    ld->p = q + 1;
    *out = d;
    return SVCM_OK;
}

/* Growable arrays of parsed records with the line each came from. */
typedef struct records {
    svcm_pdca_action *actions;
    size_t n_actions, cap_actions, *action_lines, cap_action_lines;
    svcm_pdca_sample *samples;
    size_t n_samples, cap_samples; /* sample i is on line key_line[K_SAMPLE] + i */
    svcm_pdca_audit *audits;
    size_t n_audits, cap_audits, *audit_lines, cap_audit_lines;
    svcm_we_signal *signals;
    size_t n_signals, cap_signals, *signal_lines, cap_signal_lines;
} records;

/* Make room for one more record in arr (elem bytes) and its line list. */
static int more(loader *ld, void **arr, size_t *cap, size_t **lines, size_t *cap_lines, size_t n,
                size_t elem)
{
    void *l = *lines;
    if (svcm__grow(ld->alloc, arr, cap, n + 1, elem) != SVCM_OK ||
        svcm__grow(ld->alloc, &l, cap_lines, n + 1, sizeof(size_t)) != SVCM_OK) {
        ld->nomem = true;
        return svcm__error(ld->err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    *lines = l;
    return SVCM_OK;
}

#define MORE(ld, R, name)                                                      \
    more(ld, (void **)&(R)->name##s, &(R)->cap_##name##s, &(R)->name##_lines,   \
         &(R)->cap_##name##_lines, (R)->n_##name##s, sizeof *(R)->name##s)

static const char *phase_name(int i) { return svcm_pdca_phase_name(i); }
static const char *outcome_name(int i) { return svcm_pdca_outcome_name(i); }
static const char *status_name(int i) { return svcm_action_status_name(i); }
static const char *verdict_name(int i) { return svcm_pdca_verdict_name(i); }
static const char *direction_name(int i) { return i == 0 ? "lower" : "higher"; }
static const char *test_name(int i) { return i == 0 ? "welch" : "proportions"; }
static const char *kind_name(int i) { return i == 0 ? "after" : "baseline"; }

/* Parse the fields of one line with key k into info/check/records. */
static int parse_fields(loader *ld, int k, struct svcm_cycle_result *in, struct svcm_cycle_check_result *ck,
                        records *R, svcm_problem *pr)
{
    int rc = SVCM_OK, e = 0;
    switch (k) {
    case K_ID: return get_u64(ld, &in->id);
    case K_TITLE: return get_text(ld, &in->title);
    case K_OWNER: return get_text(ld, &in->owner);
    case K_METRIC: return get_text(ld, &in->metric);
    case K_UNIT: return get_text(ld, &in->unit);
    case K_DIRECTION:
        rc = get_enum(ld, direction_name, 2, &e);
        in->higher_is_better = e == 1;
        return rc;
    case K_RATE: return get_bool(ld, &in->rate);
    case K_ALPHA: return get_f64(ld, &in->alpha, false);
    case K_GOAL:
        in->has_goal = true;
        if ((rc = get_f64(ld, &in->baseline, false)) != SVCM_OK ||
            (rc = get_f64(ld, &in->target, false)) != SVCM_OK)
            return rc;
        return get_i64(ld, &in->deadline);
    case K_PHASE:
        rc = get_enum(ld, phase_name, SVCM_PDCA_PHASE_CLOSED + 1, &e);
        in->phase = (svcm_pdca_phase)e;
        return rc;
    case K_OUTCOME:
        rc = get_enum(ld, outcome_name, SVCM_PDCA_OUTCOME_ABANDONED + 1, &e);
        in->outcome = (svcm_pdca_outcome)e;
        return rc;
    case K_DO_START:
        in->has_do_start = true;
        return get_i64(ld, &in->do_start);
    case K_PREV:
        in->has_prev = true;
        if ((rc = get_u64(ld, &in->prev_id)) != SVCM_OK)
            return rc;
        return get_text(ld, &in->prev_title);
    case K_NEXT:
        in->has_next = true;
        if ((rc = get_u64(ld, &in->next_id)) != SVCM_OK)
            return rc;
        return get_text(ld, &in->next_title);
    case K_PROBLEM: {
        if (ld->version < 2)
            return fail(ld, "a problem record needs format version 2");
        const char **t[] = {&pr->what, &pr->why,   &pr->who,          &pr->when,
                            &pr->where, &pr->how};
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if ((rc = get_text(ld, t[i])) != SVCM_OK)
                return rc;
        if ((rc = get_f64(ld, &pr->how_much, true)) != SVCM_OK)
            return rc;
        if (pr->how_much == pr->how_much && !svcm__finite(pr->how_much))
            return fail(ld, "how much must be finite (or nan when not known)");
        return get_text(ld, &pr->how_much_unit);
    }
    case K_ACTION: {
        if ((rc = MORE(ld, R, action)) != SVCM_OK)
            return rc;
        svcm_pdca_action *a = &R->actions[R->n_actions];
        memset(a, 0, sizeof *a);
        if ((rc = get_i64(ld, &a->due)) != SVCM_OK ||
            (rc = get_enum(ld, status_name, SVCM_ACTION_STATUS_DROPPED + 1, &e)) != SVCM_OK)
            return rc;
        a->status = (svcm_action_status)e;
        if ((rc = get_text(ld, &a->description)) != SVCM_OK ||
            (rc = get_text(ld, &a->owner)) != SVCM_OK)
            return rc;
        R->action_lines[R->n_actions++] = ld->line;
        return SVCM_OK;
    }
    case K_SAMPLE: {
        /* No line list: sample lines are consecutive (keys come in order,
         * and no other line can sit between two samples), so sample i is
         * on the first sample line + i. */
        if (R->n_samples == R->cap_samples) {
            void *arr = R->samples;
            if (svcm__grow(ld->alloc, &arr, &R->cap_samples, R->n_samples + 1,
                           sizeof *R->samples) != SVCM_OK) {
                ld->nomem = true;
                return svcm__error(ld->err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
            }
            R->samples = arr;
        }
        svcm_pdca_sample *s = &R->samples[R->n_samples];
        memset(s, 0, sizeof *s);
        if ((rc = get_i64(ld, &s->t)) != SVCM_OK || (rc = get_enum(ld, kind_name, 2, &e)) != SVCM_OK)
            return rc;
        s->baseline = e == 1;
        if ((rc = get_f64(ld, &s->value, false)) != SVCM_OK)
            return rc;
        if (ld->p < ld->end) {
            s->has_counts = true;
            if ((rc = get_u64(ld, &s->successes)) != SVCM_OK ||
                (rc = get_u64(ld, &s->trials)) != SVCM_OK)
                return rc;
        }
        R->n_samples++;
        return SVCM_OK;
    }
    case K_AUDIT: {
        if ((rc = MORE(ld, R, audit)) != SVCM_OK)
            return rc;
        svcm_pdca_audit *a = &R->audits[R->n_audits];
        memset(a, 0, sizeof *a);
        int from = 0, to = 0;
        if ((rc = get_i64(ld, &a->at)) != SVCM_OK ||
            (rc = get_enum(ld, phase_name, SVCM_PDCA_PHASE_CLOSED + 1, &from)) != SVCM_OK ||
            (rc = get_enum(ld, phase_name, SVCM_PDCA_PHASE_CLOSED + 1, &to)) != SVCM_OK ||
            (rc = get_text(ld, &a->actor)) != SVCM_OK || (rc = get_text(ld, &a->note)) != SVCM_OK)
            return rc;
        a->from = (svcm_pdca_phase)from;
        a->to = (svcm_pdca_phase)to;
        R->audit_lines[R->n_audits++] = ld->line;
        return SVCM_OK;
    }
    case K_CHECK_SAMPLES:
        if ((rc = get_size(ld, &ck->n_baseline)) != SVCM_OK)
            return rc;
        return get_size(ld, &ck->n_after);
    case K_CHECK_MEANS:
        if ((rc = get_f64(ld, &ck->baseline_mean, false)) != SVCM_OK)
            return rc;
        return get_f64(ld, &ck->after_mean, false);
    case K_CHECK_CHANGE:
        if ((rc = get_f64(ld, &ck->change, false)) != SVCM_OK)
            return rc;
        return get_f64(ld, &ck->relative_change, true);
    case K_CHECK_TEST: {
        if ((rc = get_enum(ld, test_name, 2, &e)) != SVCM_OK)
            return rc;
        ck->test = (svcm_pdca_test)e;
        struct svcm_test_result *r = &ck->result;
        double *v[8] = {&r->diff, &r->ci.lo, &r->ci.hi, &r->statistic, &r->df,
                        &r->p_value, &r->p_greater, &r->p_less};
        for (int i = 0; i < 8; i++)
            if ((rc = get_f64(ld, v[i], i == 3 || i == 4)) != SVCM_OK)
                return rc;
        ck->p_value = r->p_value;
        return SVCM_OK;
    }
    case K_CHECK_VERDICT:
        if ((rc = get_enum(ld, verdict_name, SVCM_PDCA_VERDICT_WORSE + 1, &e)) != SVCM_OK)
            return rc;
        ck->verdict = (svcm_pdca_verdict)e;
        if ((rc = get_bool(ld, &ck->target_met)) != SVCM_OK ||
            (rc = get_bool(ld, &ck->significant)) != SVCM_OK)
            return rc;
        return get_f64(ld, &ck->alpha, false);
    case K_CHECK_XMR: {
        if ((rc = get_size(ld, &ck->limits.n)) != SVCM_OK)
            return rc;
        double *v[5] = {&ck->limits.center, &ck->limits.mr_bar, &ck->limits.sigma,
                        &ck->limits.ucl, &ck->limits.lcl};
        for (int i = 0; i < 5; i++)
            if ((rc = get_f64(ld, v[i], false)) != SVCM_OK)
                return rc;
        return SVCM_OK;
    }
    case K_SIGNAL: {
        if ((rc = MORE(ld, R, signal)) != SVCM_OK)
            return rc;
        uint64_t rule = 0;
        size_t idx = 0;
        if ((rc = get_u64(ld, &rule)) != SVCM_OK || (rc = get_size(ld, &idx)) != SVCM_OK)
            return rc;
        if (rule < 1 || rule > SVCM_WE_RULES)
            return fail(ld, "Western Electric rule must be 1 to 4");
        R->signals[R->n_signals] = (svcm_we_signal){(int)rule, idx};
        R->signal_lines[R->n_signals++] = ld->line;
        return SVCM_OK;
    }
    default: /* K_END has no fields */
        return SVCM_OK;
    }
}

static void loader_free(loader *ld, records *R)
{
    for (size_t i = 0; i < ld->n_strings; i++)
        svcm__free(ld->alloc, ld->strings[i]);
    svcm__free(ld->alloc, ld->strings);
    svcm__free(ld->alloc, R->actions);
    svcm__free(ld->alloc, R->action_lines);
    svcm__free(ld->alloc, R->samples);
    svcm__free(ld->alloc, R->audits);
    svcm__free(ld->alloc, R->audit_lines);
    svcm__free(ld->alloc, R->signals);
    svcm__free(ld->alloc, R->signal_lines);
}

/* Parse every line; key_line[k] receives the first line of key k (0 when
 * absent). */
static int parse_all(loader *ld, const char *text, size_t len, struct svcm_cycle_result *in,
                     struct svcm_cycle_check_result *ck, bool *has_check, records *R,
                     svcm_problem *pr, size_t *key_line)
{
    const char *p = text, *end = text + len;
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL) {
        size_t at = (size_t)(nul - text);
        return svcm__error_at(ld->err, SVCM_EFORMAT, SVCM_NO_INDEX, svcm__line_of(text, at),
                              svcm__column_of(text, at), NULL, "NUL byte in the text");
    }
    /* Text of ASCII bytes only (the usual case) is valid UTF-8: one pass a
     * word at a time finds any byte above 0x7F, and only then does the
     * full check run. */
    bool ascii = true;
    size_t at = 0;
    for (; at + 8 <= len && ascii; at += 8) {
        uint64_t w;
        memcpy(&w, text + at, sizeof w);
        ascii = (w & UINT64_C(0x8080808080808080)) == 0;
    }
    for (; at < len && ascii; at++)
        ascii = (unsigned char)text[at] < 0x80;
    int rc = ascii ? SVCM_OK : svcm__utf8_text(text, len, NULL, ld->err);
    if (rc != SVCM_OK)
        return rc;
    bool seen[K_COUNT] = {false};
    int last = -1;
    ld->line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        ld->line++;
        ld->bol = p;
        ld->tok = p;
        ld->p = p;
        ld->end = eol;
        ld->key = NULL;
        if (ld->line == 1) {
            size_t ml = strlen(MAGIC);
            if ((size_t)(eol - p) < ml || memcmp(p, MAGIC, ml) != 0)
                return fail(ld, "not an svcm PDCA cycle (bad magic)");
            /* versions 1 (no problem record) .. SVCM_PDCA_FORMAT_VERSION */
            ld->version = 0;
            for (int v = 1; v <= SVCM_PDCA_FORMAT_VERSION; v++) {
                char head[32];
                int n = snprintf(head, sizeof head, MAGIC " %d", v);
                if ((size_t)(eol - p) == (size_t)n && memcmp(p, head, (size_t)n) == 0)
                    ld->version = v;
            }
            if (ld->version == 0)
                return fail(ld, "unsupported format version");
        } else {
            if (last == K_END)
                return fail(ld, "text after \"end\"");
            const char *k = p;
            while (ld->p < eol && *ld->p != ' ')
                ld->p++;
            /* Records repeat (sample after sample): try the last key first. */
            int key = -1;
            size_t kn = (size_t)(ld->p - k);
            if (last >= 0 && word_is(k, kn, keys[last].name))
                key = last;
            for (int i = 0; i < K_COUNT && key < 0; i++)
                if (word_is(k, kn, keys[i].name))
                    key = i;
            if (key < 0)
                return fail(ld, "unknown key");
            ld->key = keys[key].name;
            if (key < last)
                return fail(ld, "key out of order");
            if (key == last && !keys[key].repeat)
                return fail(ld, "repeated key");
            if (key >= K_CHECK_MEANS && key <= K_SIGNAL && !seen[key - 1] && !seen[key])
                return fail(ld, "check record without the records before it");
            seen[key] = true;
            last = key;
            if (key_line[key] == 0)
                key_line[key] = ld->line;
            rc = parse_fields(ld, key, in, ck, R, pr);
            if (rc != SVCM_OK)
                return rc;
            ld->tok = ld->p;
            if (ld->p != ld->end)
                return fail(ld, "unexpected text at the end of the line");
        }
        p = nl != NULL ? nl + 1 : end;
    }
    ld->key = NULL;
    ld->tok = NULL; /* the errors below blame a whole line */
    for (int i = 0; i < K_COUNT; i++)
        if (keys[i].required && !seen[i]) {
            ld->line++;
            ld->key = keys[i].name;
            return fail(ld, i == K_END ? "truncated: missing \"end\"" : "missing required key");
        }
    *has_check = seen[K_CHECK_SAMPLES];
    if (*has_check && !seen[K_CHECK_XMR]) {
        ld->line = key_line[K_CHECK_SAMPLES];
        return fail(ld, "incomplete Check result");
    }
    return SVCM_OK;
}

/* The line to blame for a cycle-level error: the key named by field (the
 * goal for "baseline" and "target"), else the phase line. */
static size_t cycle_line(const char *field, const size_t *key_line)
{
    if (field != NULL) {
        if (strcmp(field, "baseline") == 0 || strcmp(field, "target") == 0)
            field = "goal";
        for (int k = 0; k < K_COUNT; k++)
            if (strcmp(field, keys[k].name) == 0 && key_line[k] != 0)
                return key_line[k];
    }
    return key_line[K_PHASE];
}

/* The line to blame for an inconsistent Check: the key named by field. */
static size_t check_line(const char *field, const size_t *key_line)
{
    for (int k = K_CHECK_SAMPLES; k <= K_CHECK_XMR; k++)
        if (field != NULL && strcmp(field, keys[k].name) == 0)
            return key_line[k];
    return key_line[K_CHECK_SAMPLES];
}

int svcm_cycle_parse(const char *text, size_t len, const svcm_allocator *alloc,
                    svcm_cycle **out, svcm_error *err)
{
    if (text == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.alloc = &a;
    ld.err = err;
    ld.text = text;
    records R;
    memset(&R, 0, sizeof R);
    struct svcm_cycle_result in;
    memset(&in, 0, sizeof in);
    struct svcm_cycle_check_result ck;
    memset(&ck, 0, sizeof ck);
    bool has_check = false;
    svcm_problem pr;
    memset(&pr, 0, sizeof pr);
    size_t key_line[K_COUNT] = {0};
    if (len == 0) {
        loader_free(&ld, &R);
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, 1, 0, NULL, "empty text");
    }
    int rc = parse_all(&ld, text, len, &in, &ck, &has_check, &R, &pr, key_line);
    if (rc == SVCM_OK) {
        in.n_actions = R.n_actions;
        in.n_samples = R.n_samples;
        in.n_audit = R.n_audits;
        if (!in.has_prev)
            in.prev_title = "";
        if (!in.has_next)
            in.next_title = "";
        ck.signals = R.signals;
        ck.n_signals = R.n_signals;
        int kind = SVCM__PDCA_REC_CYCLE;
        size_t idx = 0;
        rc = svcm__cycle_assemble(&a, &in, R.actions, R.samples, R.audits,
                                  has_check ? &ck : NULL, key_line[K_PROBLEM] != 0 ? &pr : NULL,
                                  out, &kind, &idx, err);
        if (rc == SVCM_EFORMAT && err != NULL) {
            /* Point at the line of the record at fault. */
            size_t line = cycle_line(err->field, key_line);
            switch (kind) {
            case SVCM__PDCA_REC_ACTION: line = R.action_lines[idx]; break;
            case SVCM__PDCA_REC_SAMPLE: line = key_line[K_SAMPLE] + idx; break;
            case SVCM__PDCA_REC_AUDIT: line = R.audit_lines[idx]; break;
            case SVCM__PDCA_REC_CHECK: line = check_line(err->field, key_line); break;
            case SVCM__PDCA_REC_SIGNAL: line = R.signal_lines[idx]; break;
            case SVCM__PDCA_REC_PROBLEM: line = key_line[K_PROBLEM]; break;
            default: break;
            }
            err->code = SVCM_EFORMAT;
            err->index = SVCM_NO_INDEX;
            err->line = line;
            err->column = 0;
        }
    }
    loader_free(&ld, &R);
    return rc;
}
