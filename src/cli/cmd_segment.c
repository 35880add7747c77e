/* svcm segment: five-tier segmentation of customers from a CSV file. */
#define _POSIX_C_SOURCE 200809L /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_customers.h"
#include "load.h"
#include "svcm/lifetime.h"
#include "svcm/segment.h"
#include "svg.h"

static const char segment_help[] =
    "usage: svcm segment FILE [--policy FILE] [--bins K] [--summary-only | --customers-only]\n"
    "                    [column options] [common options]\n"
    "       svcm segment --migrate OLD NEW [--policy FILE] [column options] [common options]\n"
    "       svcm segment --transactions LOG --as-of DATE [log options] [--policy FILE]\n"
    "                    [--bins K] [--lifetime ...] [common options]\n"
    "\n"
    "Scores every customer on recency, frequency and monetary value (1..K, K = 5 by\n"
    "default, edges fitted from the population's quantiles) and assigns one of five\n"
    "tiers (vip, key, regular, potential, lost) with the rule that fired; then a\n"
    "summary per tier. --migrate segments two snapshots of the same customers and\n"
    "counts moves between tiers, by id.\n"
    "\n"
    "  --policy FILE      tier rules as key = value lines (see svcm_segment_options_parse)\n"
    "  --bins K           RFM scores 1..K, K from " CLI_XSTR(SVCM_RFM_MIN_BINS) " to "
    CLI_XSTR(SVCM_RFM_MAX_BINS) " (default: the policy's, 5)\n"
    "  --threads N        threads for the checks, edge fit and tiering, 1 to "
    CLI_XSTR(SVCM_SEGMENT_MAX_THREADS) "\n"
    "                     (default: the online cores; the output is the same for any N)\n"
    "  --id-col NAME      column names (defaults: id, recency_days, frequency,\n"
    "  --recency-col NAME   monetary, tenure_days, p_alive; the last two optional)\n"
    "  --frequency-col NAME\n"
    "  --monetary-col NAME\n"
    "  --tenure-col NAME\n"
    "  --p-alive-col NAME\n"
    "  --mean-spend-col NAME  mean value of the repeat purchases, the first excluded\n"
    "                     (default mean_repeat_spend; optional, read with --lifetime)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         tier distribution chart with value share (written as\n"
    "                     --output is; not the same file as --output)\n"
    "  --lifetime         fit BG/NBD + Gamma-Gamma: P(alive) feeds the lost rule, and\n"
    "                     each customer gets P(alive) and CLV (needs tenure_days;\n"
    "                     frequency counts all purchases, monetary their total; the\n"
    "                     spend model reads mean_repeat_spend, and without that\n"
    "                     column estimates it as monetary / frequency, with a warning)\n"
    "  --clv-months N     CLV horizon in months (default 12)\n"
    "  --discount R       monthly discount rate for CLV (default 0.01)\n"
    "  --col FIELD=COLUMN same as the --*-col options, e.g. --col recency_days=days;\n"
    "                     any number of times. A column name that occurs twice in\n"
    "                     the header cannot be read: map the field to another column.\n"
    "\n"
    "With --migrate, an id that occurs twice in one file is an error naming it.\n"
    "Memory: the quantile edges need every customer at once, so segment holds all\n"
    "rows, but only the columns it reads: per customer the id's text and 8 bytes per\n"
    "numeric column (no other column is kept), plus 5 bytes of scores and tier.\n";

/* Apart: one literal would pass the 4095 bytes C11 compilers must take. */
static const char segment_log_help[] =
    "\n"
    "--transactions LOG segments straight from a transaction log (customer id, time,\n"
    "amount): its customer table (as svcm customers writes it; recency and tenure in\n"
    "days, frequency = purchases, monetary = their total, the mean repeat spend for\n"
    "--lifetime) is scored and tiered. Log options:\n"
    CUST_LOG_HELP
    "The --*-col options do not apply to a log; its rows left out are reported on\n"
    "standard error.\n";

typedef struct seg_cols {
    const char *id, *recency, *frequency, *monetary, *tenure, *p_alive, *mean_spend;
} seg_cols;

typedef struct seg_lifetime {
    int on;
    unsigned months;
    double discount;
} seg_lifetime;

typedef struct seg_run {
    cli_dataset data;
    const cli_read_opts *ro; /* how the file was read (to locate fields in errors) */
    cli_col cols[7];
    uint8_t *tiers, *reasons, *r, *f, *m;
    svcm_tier_summary summary[SVCM_TIER_COUNT];
    double *p_alive, *clv; /* with --lifetime */
    struct svcm_bgnbd_fit_result bg;
    struct svcm_gammagamma_fit_result gg;
    bool from_log; /* rows are the customers of a transaction log */
} seg_run;

static void seg_free(seg_run *s)
{
    cli_dataset_free(&s->data);
    free(s->tiers);
    free(s->reasons);
    free(s->r);
    free(s->f);
    free(s->m);
    free(s->p_alive);
    free(s->clv);
    memset(s, 0, sizeof *s);
}

/* The file's column for a library field name (names as in svcm_customers). */
/* The file column (or -1) of a library field name of the customer view. */
static long file_column_of(const seg_run *s, const char *field)
{
    static const char *const fields[] = {"id",     "recency", "frequency",        "monetary",
                                         "tenure", "p_alive", "mean_repeat_spend"};
    for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(field, fields[i]) == 0)
            return s->cols[i].field;
    return -1;
}

/* A customer the library refused: file:line:column for a file, the row of
 * the customer table for a transaction log. */
static void seg_record_error(const char *path, const seg_run *s, const svcm_error *err,
                             const char *label)
{
    const char *id = cli_str(&s->data, &s->cols[0], err->index);
    if (s->from_log)
        fprintf(stderr, "svcm segment: %s: customer '%s' (customer row %zu), %s: %s\n", path, id,
                err->index + 1, label, err->message);
    else
        cli_record_error("segment", path, s->ro, &s->data, err->index, file_column_of(s, err->field),
                         label, "customer", id, err->message);
}

static const char *column_of(const seg_run *s, const char *field)
{
    static const char *const fields[] = {"id",     "recency", "frequency",        "monetary",
                                         "tenure", "p_alive", "mean_repeat_spend"};
    for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(field, fields[i]) == 0)
            return s->cols[i].name;
    return field ? field : "?";
}

/* Mean spend per repeat purchase, the Gamma-Gamma input (Fader & Hardie
 * 2013): the file's mean_repeat_spend column when it has one; otherwise
 * only the total over all purchases is known, and monetary / frequency
 * (first purchase included) is the estimate, with a warning. */
static double *seg_repeat_spend(const char *path, const seg_run *s)
{
    size_t n = s->data.n;
    if (s->cols[6].field >= 0)
        return NULL; /* read from the file */
    fprintf(stderr,
            "svcm segment: %s: no '%s' column: mean spend per repeat purchase estimated as "
            "monetary / frequency (first purchase included)\n",
            path, s->cols[6].name);
    double *ms = malloc(n * sizeof *ms);
    const double *freq = s->cols[2].values, *mon = s->cols[3].values;
    for (size_t i = 0; ms && i < n; i++)
        ms[i] = freq[i] > 1 ? mon[i] / freq[i] : 0.0;
    return ms;
}

/* BG/NBD, Gamma-Gamma, P(alive) and CLV in one library call on the
 * segmentation columns (days), with the models in weeks. */
static int seg_lifetime_fit(const char *path, seg_run *s, const seg_lifetime *lt)
{
    size_t n = s->data.n;
    if (s->cols[4].field < 0) {
        fprintf(stderr, "svcm segment: --lifetime needs the tenure column '%s'\n", s->cols[4].name);
        return CLI_EXIT_DATA;
    }
    double *est = seg_repeat_spend(path, s);
    s->p_alive = malloc(n * sizeof *s->p_alive);
    s->clv = malloc(n * sizeof *s->clv);
    if ((est == NULL && s->cols[6].field < 0) || !s->p_alive || !s->clv) {
        fprintf(stderr, "svcm segment: out of memory\n");
        free(est);
        return CLI_EXIT_DATA;
    }
    svcm_customers c = {.n = n, .recency = s->cols[1].values, .frequency = s->cols[2].values,
                        .monetary = s->cols[3].values, .tenure = s->cols[4].values,
                        .mean_repeat_spend = est ? est : s->cols[6].values,
                        .unit = SVCM_TIME_UNIT_DAY};
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o); /* models in weeks, CLV in months */
    o.clv.horizon = lt->months;
    o.clv.discount_rate = lt->discount;
    struct svcm_lifetime_table_result r;
    svcm_error err;
    int rc = svcm_lifetime_table_fit(&c, &o, NULL, &r, s->p_alive, NULL, s->clv, &err);
    free(est);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX && err.index < n)
            seg_record_error(path, s, &err, column_of(s, err.field));
        else
            fprintf(stderr, "svcm segment: %s: %s\n", path,
                    err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    s->bg = r.bgnbd;
    s->gg = r.gammagamma;
    return 0;
}

/* The columns of s from the customer table of a transaction log: ids,
 * recency and tenure in days, frequency, monetary, mean repeat spend (no
 * p_alive). Returns 0 or an exit code. */
static int seg_from_log(const char *path, const cust_log_opts *lo, seg_run *s)
{
    cust_log l;
    int code = cust_log_read("segment", path, lo, &l);
    if (code != 0)
        return code;
    cust_log_report("segment", path, &l, lo);
    const svcm_customers *t = l.table;
    size_t n = t->n;
    double days = svcm_time_unit_seconds((int)t->unit) / 86400.0;
    size_t *ids = malloc(n * sizeof *ids);
    double *col[5];
    bool ok = ids != NULL;
    for (int k = 0; k < 5; k++)
        ok &= (col[k] = malloc(n * sizeof(double))) != NULL;
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            ids[i] = l.id_off[t->id[i]];
            col[0][i] = t->recency[i] * days;
            col[1][i] = t->frequency[i];
            col[2][i] = t->monetary[i];
            col[3][i] = t->tenure[i] * days;
            col[4][i] = t->mean_repeat_spend[i];
        }
        static const int at[5] = {1, 2, 3, 4, 6};
        s->cols[0].values = ids;
        s->cols[0].field = 0;
        for (int k = 0; k < 5; k++) {
            s->cols[at[k]].values = col[k];
            s->cols[at[k]].field = at[k];
        }
        s->data = (cli_dataset){.n = n, .cols = s->cols, .ncols = 7, .arena = l.arena};
        l.arena = NULL; /* the dataset owns the id strings now */
    } else {
        free(ids);
        for (int k = 0; k < 5; k++)
            free(col[k]);
        fprintf(stderr, "svcm segment: out of memory\n");
    }
    cust_log_free(&l);
    return ok ? 0 : CLI_EXIT_DATA;
}

/* Load one file (a customer table, or with log != NULL a transaction log)
 * and segment it. Returns 0 or an exit code. */
static int seg_load_and_assign(const char *path, const cli_read_opts *ro, const seg_cols *names,
                               const svcm_segment_options *pol, const seg_lifetime *lt,
                               const cust_log_opts *log, unsigned threads, seg_run *s)
{
    memset(s, 0, sizeof *s);
    s->ro = ro;
    s->cols[0] = (cli_col){names->id, CLI_COL_STRING, true, false, -1, NULL};
    s->cols[1] = (cli_col){names->recency, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[2] = (cli_col){names->frequency, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[3] = (cli_col){names->monetary, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[4] = (cli_col){names->tenure, CLI_COL_DOUBLE, false, false, -1, NULL};
    s->cols[5] = (cli_col){names->p_alive, CLI_COL_DOUBLE, false, false, -1, NULL};
    s->cols[6] = (cli_col){names->mean_spend, CLI_COL_DOUBLE, false, false, -1, NULL};
    if (log != NULL) {
        s->from_log = true;
        int code = seg_from_log(path, log, s);
        if (code != 0)
            return code;
    } else if (cli_load("segment", path, ro, s->cols, 7, &s->data) != 0) {
        return CLI_EXIT_DATA;
    }
    size_t n = s->data.n;
    if (n == 0) {
        fprintf(stderr, "svcm segment: %s: no customers\n", path);
        return CLI_EXIT_DATA;
    }
    if (lt && lt->on) {
        int code = seg_lifetime_fit(path, s, lt);
        if (code != 0)
            return code;
    }
    svcm_customers c = {0};
    c.n = n;
    c.recency = s->cols[1].values;
    c.frequency = s->cols[2].values;
    c.monetary = s->cols[3].values;
    c.tenure = s->cols[4].field >= 0 ? s->cols[4].values : NULL;
    c.p_alive = s->p_alive ? s->p_alive : s->cols[5].field >= 0 ? s->cols[5].values : NULL;
    s->tiers = malloc(n);
    s->reasons = malloc(n);
    s->r = malloc(n);
    s->f = malloc(n);
    s->m = malloc(n);
    if (!s->tiers || !s->reasons || !s->r || !s->f || !s->m) {
        fprintf(stderr, "svcm segment: out of memory\n");
        return CLI_EXIT_DATA;
    }
    svcm_error err;
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    run.threads = threads;
    int rc = svcm_segment_run(&c, pol, NULL, &run, NULL, s->tiers, s->reasons, s->r, s->f, s->m,
                              NULL, &err);
    if (rc == SVCM_OK)
        rc = svcm_segment_summarize(&c, s->tiers, s->r, s->f, s->m, s->summary, &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX && err.index < n)
            seg_record_error(path, s, &err, column_of(s, err.field));
        else
            fprintf(stderr, "svcm segment: %s: %s\n", path,
                    err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    return 0;
}

static int summary_table(const seg_run *s, cli_table *t)
{
    static const char *const cols[] = {"tier", "customers", "share_pct", "value", "value_share_pct",
                                       "mean_recency", "mean_frequency", "mean_monetary",
                                       "mean_r", "mean_f", "mean_m"};
    if (cli_table_init(t, "Tier summary", 11, cols) != 0)
        return -1;
    int bad = 0;
    for (int k = 0; k < SVCM_TIER_COUNT; k++) {
        const svcm_tier_summary *x = &s->summary[k];
        bad |= cli_table_str(t, svcm_tier_name(k));
        bad |= cli_table_int(t, (long long)x->count);
        bad |= cli_table_num(t, 100.0 * x->customer_share, 1);
        bad |= cli_table_num(t, x->monetary_total, 2);
        bad |= cli_table_num(t, 100.0 * x->monetary_share, 1);
        bad |= cli_table_num(t, x->mean_recency, 1);
        bad |= cli_table_num(t, x->mean_frequency, 2);
        bad |= cli_table_num(t, x->mean_monetary, 2);
        bad |= cli_table_num(t, x->mean_r_score, 2);
        bad |= cli_table_num(t, x->mean_f_score, 2);
        bad |= cli_table_num(t, x->mean_m_score, 2);
    }
    return bad;
}

/* The per-customer rows go through a block buffer written with one fwrite
 * per 64 KiB: a million rows of fprintf calls (format parsing, locking,
 * padding) cost more than reading the file. The bytes are those the printf
 * formats gave ("%-*s  %-9s  %-18s  %u%u%u", ",%s,%s,%u,%u,%u", ...); an id
 * that needs quoting or escaping goes through cli_write_csv_string /
 * cli_write_json_string after a flush. Write errors stay in the stream's
 * error flag, which cli_out_commit checks. */
typedef struct row_buf {
    FILE *out;
    size_t len;
    char buf[1 << 16];
} row_buf;

/* Room for one row but the id (names, scores, numbers, padding). */
#define ROW_ROOM (4 * CLI_NUM_SIZE + 128)

static void rb_flush(row_buf *b)
{
    if (b->len > 0)
        fwrite(b->buf, 1, b->len, b->out);
    b->len = 0;
}

static void rb_put(row_buf *b, const char *s, size_t n)
{
    if (n > sizeof b->buf - b->len) {
        rb_flush(b);
        if (n > sizeof b->buf) {
            fwrite(s, 1, n, b->out);
            return;
        }
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
}

/* Make room for ROW_ROOM bytes. */
static char *rb_room(row_buf *b)
{
    if (sizeof b->buf - b->len < ROW_ROOM)
        rb_flush(b);
    return b->buf + b->len;
}

static char *put_str(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* %-*s: s, then blanks up to width w. */
static char *put_padded(char *p, const char *s, size_t n, size_t w)
{
    p = put_str(p, s, n);
    for (; n < w; n++)
        *p++ = ' ';
    return p;
}

/* %*s (right-justified in w). */
static char *put_right(char *p, const char *s, size_t w)
{
    size_t n = strlen(s);
    for (; n < w; w--)
        *p++ = ' ';
    return put_str(p, s, n);
}

/* %u of a score (0..255). */
static char *put_score(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

/* Whether an id is written as it is: CSV, none of , " CR LF; JSON, only
 * printable ASCII other than " and backslash. */
static bool csv_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return false;
    return true;
}

static bool json_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\')
            return false;
    }
    return true;
}

typedef struct name_len {
    const char *s;
    size_t n;
} name_len;

static void write_customer(row_buf *b, cli_format fmt, const seg_run *s, size_t i, size_t w,
                           const name_len *tiers, const name_len *reasons)
{
    const char *id = cli_str(&s->data, &s->cols[0], i);
    const size_t idn = strlen(id);
    const name_len tier = tiers[s->tiers[i] < SVCM_TIER_COUNT ? s->tiers[i] : 0];
    const name_len why = reasons[s->reasons[i] < SVCM_SEGMENT_REASON_COUNT ? s->reasons[i] : 0];
    char pa[CLI_NUM_SIZE], clv[CLI_NUM_SIZE];
    bool lt = s->p_alive != NULL;
    if (lt) {
        cli_format_number(pa, s->p_alive[i], 4, fmt);
        cli_format_number(clv, s->clv[i], 2, fmt);
    }
    char *p;
    if (fmt == CLI_TEXT) {
        if (w > ROW_ROOM / 2) { /* long ids: padded piece by piece */
            static const char blanks[] = "                                ";
            rb_put(b, id, idn);
            for (size_t k = idn; k < w;) {
                size_t m = w - k < sizeof blanks - 1 ? w - k : sizeof blanks - 1;
                rb_put(b, blanks, m);
                k += m;
            }
            p = rb_room(b);
        } else {
            p = put_padded(rb_room(b), id, idn, w);
        }
        *p++ = ' ';
        *p++ = ' ';
        p = put_padded(p, tier.s, tier.n, 9);
        *p++ = ' ';
        *p++ = ' ';
        p = put_padded(p, why.s, why.n, 18);
        *p++ = ' ';
        *p++ = ' ';
        p = put_score(p, s->r[i]);
        p = put_score(p, s->f[i]);
        p = put_score(p, s->m[i]);
        if (lt) {
            p = put_right(put_str(p, "  ", 2), pa, 7);
            p = put_right(put_str(p, "  ", 2), clv, 8);
        }
        *p++ = '\n';
    } else if (fmt == CLI_CSV) {
        if (csv_plain(id, idn)) {
            rb_put(b, id, idn);
        } else {
            rb_flush(b);
            cli_write_csv_string(b->out, id);
        }
        p = rb_room(b);
        *p++ = ',';
        p = put_str(p, tier.s, tier.n);
        *p++ = ',';
        p = put_str(p, why.s, why.n);
        *p++ = ',';
        p = put_score(p, s->r[i]);
        *p++ = ',';
        p = put_score(p, s->f[i]);
        *p++ = ',';
        p = put_score(p, s->m[i]);
        if (lt) {
            *p++ = ',';
            p = put_str(p, pa, strlen(pa));
            *p++ = ',';
            p = put_str(p, clv, strlen(clv));
        }
        *p++ = '\r';
        *p++ = '\n';
    } else {
        rb_put(b, i ? ",\n {\"id\": " : "\n {\"id\": ", i ? 10 : 9);
        if (json_plain(id, idn)) {
            rb_put(b, "\"", 1);
            rb_put(b, id, idn);
            rb_put(b, "\"", 1);
        } else {
            rb_flush(b);
            cli_write_json_string(b->out, id);
        }
        p = put_str(rb_room(b), ", \"tier\": \"", 11);
        p = put_str(p, tier.s, tier.n);
        p = put_str(p, "\", \"reason\": \"", 14);
        p = put_str(p, why.s, why.n);
        p = put_str(p, "\", \"r\": ", 8);
        p = put_score(p, s->r[i]);
        p = put_str(p, ", \"f\": ", 7);
        p = put_score(p, s->f[i]);
        p = put_str(p, ", \"m\": ", 7);
        p = put_score(p, s->m[i]);
        if (lt) {
            const char *x = pa[0] ? pa : "null", *y = clv[0] ? clv : "null";
            p = put_str(p, ", \"p_alive\": ", 13);
            p = put_str(p, x, strlen(x));
            p = put_str(p, ", \"clv\": ", 9);
            p = put_str(p, y, strlen(y));
        }
        *p++ = '}';
    }
    b->len = (size_t)(p - b->buf);
}

/* Per-customer rows, streamed: a million rows must not go through a table of
 * allocated cells. */
static void write_customers(FILE *out, cli_format fmt, const seg_run *s)
{
    const cli_dataset *d = &s->data;
    size_t n = d->n, w = 2;
    for (size_t i = 0; i < n && fmt == CLI_TEXT; i++) {
        size_t l = strlen(cli_str(d, &s->cols[0], i));
        if (l > w)
            w = l;
    }
    int lt = s->p_alive != NULL;
    if (fmt == CLI_TEXT)
        fprintf(out, "Customers\n%-*s  tier       reason              rfm%s\n", (int)w, "id",
                lt ? "  p_alive       clv" : "");
    else if (fmt == CLI_CSV)
        fputs(lt ? "id,tier,reason,r,f,m,p_alive,clv\r\n" : "id,tier,reason,r,f,m\r\n", out);
    else
        fputs("[", out);
    name_len tiers[SVCM_TIER_COUNT], reasons[SVCM_SEGMENT_REASON_COUNT];
    for (int k = 0; k < SVCM_TIER_COUNT; k++)
        tiers[k] = (name_len){svcm_tier_name(k), strlen(svcm_tier_name(k))};
    for (int k = 0; k < SVCM_SEGMENT_REASON_COUNT; k++)
        reasons[k] = (name_len){svcm_segment_reason_name(k), strlen(svcm_segment_reason_name(k))};
    row_buf b;
    b.out = out;
    b.len = 0;
    for (size_t i = 0; i < n; i++)
        write_customer(&b, fmt, s, i, w, tiers, reasons);
    rb_flush(&b);
    if (fmt == CLI_JSON)
        fputs(n ? "\n]" : "]", out);
}

static int write_svg(const char *path, const seg_run *s)
{
    const char *labels[SVCM_TIER_COUNT];
    double cs[SVCM_TIER_COUNT], vs[SVCM_TIER_COUNT];
    long long counts[SVCM_TIER_COUNT];
    for (int k = 0; k < SVCM_TIER_COUNT; k++) {
        labels[k] = svcm_tier_name(k);
        cs[k] = s->summary[k].customer_share;
        vs[k] = s->summary[k].monetary_share;
        counts[k] = (long long)s->summary[k].count;
    }
    char *title = cli_strdupf("Customer tiers (%zu customers)", s->data.n);
    cli_out o;
    if (title == NULL) {
        fprintf(stderr, "svcm segment: out of memory\n");
        return CLI_EXIT_DATA;
    }
    int code = CLI_EXIT_DATA;
    if (cli_out_open(&o, "segment", path) == 0) {
        cli_svg_share_bars(o.f, title, SVCM_TIER_COUNT, labels, cs, vs, counts);
        code = cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
    }
    free(title);
    return code;
}

static int read_policy(const char *path, svcm_segment_options *pol)
{
    char *buf;
    size_t len;
    if (cli_read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "svcm segment: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    svcm_error err;
    int rc = svcm_segment_options_parse(buf, len, pol, &err);
    free(buf);
    if (rc != SVCM_OK) {
        cli_text_error("segment", path, &err, rc);
        return -1;
    }
    return 0;
}

static int strptr_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A migration failure in the file's terms: a duplicate id by its text and
 * both of its rows (the library only knows the ids' ranks). */
static void report_migration(const svcm_error *err, int rc, const seg_run *a, const seg_run *b,
                             const char *old_path, const char *new_path)
{
    bool in_new = err->field && strncmp(err->field, "new", 3) == 0;
    bool dup = err->field && strstr(err->field, "_ids") != NULL;
    const seg_run *s = in_new ? b : a;
    if (!dup || err->index >= s->data.n) {
        fprintf(stderr, "svcm segment: migration: %s\n",
                err->message[0] ? err->message : svcm_strerror(rc));
        return;
    }
    const char *id = cli_str(&s->data, &s->cols[0], err->index);
    size_t first = 0;
    while (first < err->index && strcmp(cli_str(&s->data, &s->cols[0], first), id) != 0)
        first++;
    fprintf(stderr,
            "svcm segment: %s: customer '%s' (data row %zu): the id occurs twice, first in data "
            "row %zu\n",
            in_new ? new_path : old_path, id, err->index + 1, first + 1);
}

static int migrate(const char *old_path, const char *new_path, const cli_read_opts *ro,
                   const seg_cols *names, const svcm_segment_options *pol, unsigned threads,
                   const cli_common *c)
{
    seg_run a, b;
    int code = seg_load_and_assign(old_path, ro, names, pol, NULL, NULL, threads, &a);
    if (code != 0) {
        seg_free(&a);
        return code;
    }
    code = seg_load_and_assign(new_path, ro, names, pol, NULL, NULL, threads, &b);
    if (code != 0) {
        seg_free(&a);
        seg_free(&b);
        return code;
    }
    /* Ids are text; number them through one sorted dictionary of both files. */
    size_t na = a.data.n, nb = b.data.n, nt = na + nb;
    const char **all = malloc(nt * sizeof *all);
    int64_t *ida = malloc(na * sizeof *ida), *idb = malloc(nb * sizeof *idb);
    code = CLI_EXIT_DATA;
    if (all && ida && idb) {
        for (size_t i = 0; i < na; i++)
            all[i] = cli_str(&a.data, &a.cols[0], i);
        for (size_t i = 0; i < nb; i++)
            all[na + i] = cli_str(&b.data, &b.cols[0], i);
        /* Sort the id strings, drop repeats, and use each id's rank. */
        qsort(all, nt, sizeof *all, strptr_cmp);
        size_t nu = 0;
        for (size_t i = 0; i < nt; i++)
            if (nu == 0 || strcmp(all[nu - 1], all[i]) != 0)
                all[nu++] = all[i];
        for (size_t i = 0; i < na; i++) {
            const char *id = cli_str(&a.data, &a.cols[0], i);
            const char **hit = bsearch(&id, all, nu, sizeof *all, strptr_cmp);
            ida[i] = (int64_t)(hit - all);
        }
        for (size_t i = 0; i < nb; i++) {
            const char *id = cli_str(&b.data, &b.cols[0], i);
            const char **hit = bsearch(&id, all, nu, sizeof *all, strptr_cmp);
            idb[i] = (int64_t)(hit - all);
        }
        svcm_migration mig;
        svcm_error err;
        int rc = svcm_segment_migration(ida, a.tiers, na, idb, b.tiers, nb, NULL, &mig, &err);
        if (rc != SVCM_OK) {
            report_migration(&err, rc, &a, &b, old_path, new_path);
        } else {
            static const char *const cols[] = {"from \\ to", "vip", "key", "regular",
                                               "potential", "lost", "gone"};
            cli_table t;
            int bad = cli_table_init(&t, "Tier migration (rows: old tier, columns: new tier)", 7, cols);
            for (int i = 0; i < SVCM_TIER_COUNT && !bad; i++) {
                bad |= cli_table_str(&t, svcm_tier_name(i));
                for (int j = 0; j < SVCM_TIER_COUNT; j++)
                    bad |= cli_table_int(&t, (long long)mig.counts[i][j]);
                bad |= cli_table_int(&t, (long long)mig.gone[i]);
            }
            bad |= cli_table_str(&t, "new");
            for (int j = 0; j < SVCM_TIER_COUNT; j++)
                bad |= cli_table_int(&t, (long long)mig.arrived[j]);
            bad |= cli_table_str(&t, "");
            cli_table *tables[] = {&t};
            code = bad ? CLI_EXIT_DATA : cli_emit(c, tables, NULL, 1);
            cli_table_free(&t);
        }
    } else {
        fprintf(stderr, "svcm segment: out of memory\n");
    }
    free(all);
    free(ida);
    free(idb);
    seg_free(&a);
    seg_free(&b);
    return code;
}

typedef struct seg_opts {
    cli_common c;
    seg_cols names;
    const char *file, *policy, *old_path, *new_path;
    const char *transactions; /* --transactions LOG */
    cust_log_opts log;        /* its options */
    bool unit_given;          /* --unit (else the period) */
    int summary_only, customers_only;
    seg_lifetime lt;
    long long bins;
    long long threads; /* --threads; 0: the online cores */
} seg_opts;

/* The fitted lifetime models as a table; parameters as text, each number
 * through the number writer (rounded in text, exact in CSV and JSON). */
static int lifetime_table(const seg_run *s, cli_format fmt, cli_table *t)
{
    static const char *const pc[] = {"model", "parameters", "loglik", "customers"};
    char n[7][CLI_NUM_SIZE];
    const double v[7] = {s->bg.params.r, s->bg.params.alpha, s->bg.params.a, s->bg.params.b,
                         s->gg.params.p, s->gg.params.q, s->gg.params.gamma};
    for (int i = 0; i < 7; i++)
        cli_format_number(n[i], v[i], 4, fmt);
    char *bg = cli_strdupf("r=%s alpha=%s a=%s b=%s", n[0], n[1], n[2], n[3]);
    char *gg = cli_strdupf("p=%s q=%s gamma=%s", n[4], n[5], n[6]);
    int bad = cli_table_init(t, "Lifetime models (time unit: weeks)", 4, pc) | !bg | !gg;
    bad = bad || (cli_table_str(t, "BG/NBD") | cli_table_str(t, bg) |
                  cli_table_num(t, s->bg.loglik, 2) | cli_table_int(t, (long long)s->bg.n));
    bad = bad || (cli_table_str(t, "Gamma-Gamma") | cli_table_str(t, gg) |
                  cli_table_num(t, s->gg.loglik, 2) | cli_table_int(t, (long long)s->gg.n));
    free(bg);
    free(gg);
    return bad;
}

/* Customers, summary and lifetime models to --output, whole or not at all. */
static int seg_report(const seg_opts *o, const seg_run *s, const cli_table *sum,
                      const cli_table *par)
{
    cli_format fmt = o->c.format;
    bool customers = !o->summary_only, summary = !o->customers_only;
    cli_out out;
    if (cli_out_open(&out, "segment", o->c.output) != 0)
        return CLI_EXIT_DATA;
    bool wrap = fmt == CLI_JSON && ((customers && summary) || (par && summary));
    if (wrap)
        fputs(customers ? "{\"customers\": " : "{\"summary\": ", out.f);
    if (customers)
        write_customers(out.f, fmt, s);
    if (customers && summary)
        fputs(fmt == CLI_JSON ? ",\n\"summary\": " : "\n", out.f);
    if (summary)
        cli_table_write(sum, out.f, fmt);
    else if (fmt == CLI_JSON)
        fputc('\n', out.f);
    if (par && summary) {
        fputs(fmt == CLI_JSON ? ",\n\"lifetime\": " : "\n", out.f);
        cli_table_write(par, out.f, fmt);
    }
    if (wrap)
        fputs("}\n", out.f);
    return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

/* Threads for svcm_segment_run: --threads, else the online cores (1 when
 * sysconf cannot tell), at most SVCM_SEGMENT_MAX_THREADS. */
static unsigned seg_threads(const seg_opts *o)
{
    if (o->threads > 0)
        return (unsigned)o->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > SVCM_SEGMENT_MAX_THREADS ? SVCM_SEGMENT_MAX_THREADS : (unsigned)n;
}

/* Segment one file: the report, then the chart. */
static int seg_single(const seg_opts *o, const svcm_segment_options *pol)
{
    seg_run s;
    int code = seg_load_and_assign(o->transactions ? o->transactions : o->file, &o->c.read,
                                   &o->names, pol, &o->lt, o->transactions ? &o->log : NULL,
                                   seg_threads(o), &s);
    cli_table sum = {0}, par = {0}; /* freeing a zeroed table is a no-op */
    if (code == 0 && (summary_table(&s, &sum) != 0 ||
                      (o->lt.on && lifetime_table(&s, o->c.format, &par) != 0))) {
        fprintf(stderr, "svcm segment: out of memory\n");
        code = CLI_EXIT_DATA;
    }
    if (code == 0)
        code = seg_report(o, &s, &sum, o->lt.on ? &par : NULL);
    if (code == 0 && o->c.svg)
        code = write_svg(o->c.svg, &s);
    cli_table_free(&sum);
    cli_table_free(&par);
    seg_free(&s);
    return code;
}

/* The option loop; returns true when --help was given. */
static bool seg_parse(cli_args *a, seg_opts *o)
{
    while (a->i < a->argc) {
        if (cli_flag(a, "--help") || cli_flag(a, "-h")) {
            return true;
        } else if (cli_opt(a, "--policy")) {
            o->policy = a->value;
        } else if (cli_opt(a, "--bins")) {
            o->bins = cli_opt_int(a, "--bins", SVCM_RFM_MIN_BINS, SVCM_RFM_MAX_BINS);
        } else if (cli_opt(a, "--threads")) {
            o->threads = cli_opt_int(a, "--threads", 1, SVCM_SEGMENT_MAX_THREADS);
        } else if (cli_opt(a, "--id-col")) {
            o->names.id = a->value;
        } else if (cli_opt(a, "--recency-col")) {
            o->names.recency = a->value;
        } else if (cli_opt(a, "--frequency-col")) {
            o->names.frequency = a->value;
        } else if (cli_opt(a, "--monetary-col")) {
            o->names.monetary = a->value;
        } else if (cli_opt(a, "--tenure-col")) {
            o->names.tenure = a->value;
        } else if (cli_opt(a, "--p-alive-col")) {
            o->names.p_alive = a->value;
        } else if (cli_opt(a, "--mean-spend-col")) {
            o->names.mean_spend = a->value;
        } else if (cli_flag(a, "--lifetime")) {
            o->lt.on = 1;
        } else if (cli_opt(a, "--clv-months")) {
            o->lt.months = (unsigned)cli_opt_int(a, "--clv-months", 1, 1200);
        } else if (cli_opt(a, "--discount")) {
            o->lt.discount = cli_opt_double(a, "--discount");
            if (o->lt.discount < 0)
                cli_usage_error(a, "--discount must be >= 0");
        } else if (cli_flag(a, "--summary-only")) {
            o->summary_only = 1;
        } else if (cli_flag(a, "--customers-only")) {
            o->customers_only = 1;
        } else if (cli_opt(a, "--transactions")) {
            o->transactions = a->value;
        } else if (cust_log_opt(a, &o->log, true, &o->unit_given)) {
            /* --as-of, --period, --unit, --returns, --skip-missing-id */
        } else if (cli_flag(a, "--migrate")) {
            if (a->i + 2 > a->argc)
                cli_usage_error(a, "--migrate needs two files: OLD NEW");
            o->old_path = a->argv[a->i];
            o->new_path = a->argv[a->i + 1];
            a->i += 2;
        } else {
            cli_common_or_file(a, &o->c, &o->file);
        }
    }
    return false;
}

/* After the options: the policy, then one file or a migration. */
static int seg_run_opts(const cli_args *a, seg_opts *o)
{
    seg_cols *nm = &o->names;
    const char **fields[] = {&nm->id,     &nm->recency, &nm->frequency, &nm->monetary,
                             &nm->tenure, &nm->p_alive, &nm->mean_spend};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        *fields[i] = cli_colname(&o->c, *fields[i]);
    if (o->summary_only && o->customers_only)
        cli_usage_error(a, "--summary-only and --customers-only exclude each other");
    cli_common_check(a, &o->c);
    svcm_segment_options pol;
    svcm_segment_options_init(&pol);
    if (o->policy && read_policy(o->policy, &pol) != 0)
        return CLI_EXIT_DATA;
    if (o->bins) {
        pol.bins = (int)o->bins;
        svcm_error err;
        if (svcm_segment_options_check(&pol, &err) != SVCM_OK) {
            fprintf(stderr, "svcm segment: --bins %lld: %s\n", o->bins, err.message);
            return CLI_EXIT_USAGE;
        }
    }
    if (o->transactions) {
        if (o->file || o->old_path)
            cli_usage_error(a, "give one of FILE, --migrate OLD NEW or --transactions LOG");
        if (o->log.as_of == INT64_MIN)
            cli_usage_error(a, "--transactions needs --as-of DATE (the end of observation)");
        if (!o->unit_given)
            o->log.unit = o->log.period;
        o->log.read = &o->c.read;
        o->log.id_col = cli_colname(&o->c, "id");
        o->log.time_col = cli_colname(&o->c, "time");
        o->log.amount_col = cli_colname(&o->c, "amount");
        return seg_single(o, &pol);
    }
    if (o->log.as_of != INT64_MIN || o->log.skip_missing_id || o->unit_given)
        cli_usage_error(a, "--as-of, --unit and --skip-missing-id go with --transactions");
    if (o->old_path) {
        if (o->file)
            cli_usage_error(a, "give either FILE or --migrate OLD NEW");
        if (o->c.svg)
            cli_usage_error(a, "--svg is not available with --migrate");
        if (o->lt.on)
            cli_usage_error(a, "--lifetime is not available with --migrate");
        return migrate(o->old_path, o->new_path, &o->c.read, &o->names, &pol, seg_threads(o),
                       &o->c);
    }
    if (o->file == NULL)
        cli_usage_error(a, "no input file");
    return seg_single(o, &pol);
}

int cli_cmd_segment(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "segment"};
    seg_opts o = {.names = {"id", "recency_days", "frequency", "monetary", "tenure_days", "p_alive",
                            "mean_repeat_spend"},
                  .lt = {0, 12, 0.01}};
    cli_common_init(&o.c, "segment");
    cust_log_opts_init(&o.log);
    int code = CLI_EXIT_OK;
    if (seg_parse(&a, &o)) {
        cli_puts(segment_help);
        cli_puts(segment_log_help);
        cli_puts("\n" CLI_READ_HELP);
    } else {
        code = seg_run_opts(&a, &o);
    }
    cli_common_free(&o.c);
    return code;
}
