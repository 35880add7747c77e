/* Tests of src/customers.c: the customer table, the summarizer into it,
 * segmentation of a table in any unit, and the lifetime bridge.
 *
 * Published values:
 * - [FHL05] Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
 *   Way", Marketing Science 24(2): BG/NBD on the CDNOW sample, r = 0.243,
 *   alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4; to four decimals
 *   (Hardie's BG/NBD workbook, as quoted by the lifetimes package) r =
 *   0.2426, alpha = 4.4135, a = 0.7929, b = 2.4258.
 * - [HX] the same workbook: E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226.
 * - [FH13] Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
 *   Value": p = 6.25, q = 3.74, gamma = 15.44 from the 946 CDNOW customers
 *   with repeat purchases, spend being the mean of the REPEAT purchases;
 *   CLVTools' reference implementation reaches LL = -4055.9177.
 * - tests/data/cdnow_summary.csv: the published per-customer summary. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/segment.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* ------------------------------------------------------------ data */

typedef struct cdnow {
    size_t n;
    double *x, *tx, *T, *zbar;
} cdnow;

static void cdnow_load(cdnow *d)
{
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    d->n = 0;
    d->x = malloc(2400 * sizeof(double));
    d->tx = malloc(2400 * sizeof(double));
    d->T = malloc(2400 * sizeof(double));
    d->zbar = malloc(2400 * sizeof(double));
    int id;
    while (fgets(line, sizeof line, f) != NULL) {
        size_t i = d->n++;
        assert_true(i < 2400);
        assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &d->x[i], &d->tx[i], &d->T[i],
                                &d->zbar[i]),
                         5);
    }
    fclose(f);
    assert_int_equal(d->n, 2357);
}

static void cdnow_free(cdnow *d)
{
    free(d->x);
    free(d->tx);
    free(d->T);
    free(d->zbar);
}

/* Days since 1970-01-01 of a Gregorian date (Hinnant's days_from_civil). */
static int64_t civil_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The raw CDNOW transactions, summarised to 1997-09-30 in weeks. */
static svcm_customers *cdnow_table(const svcm_allocator *al)
{
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_sample_transactions.txt", "r");
    assert_non_null(f);
    size_t n = 0;
    int64_t *id = malloc(7000 * sizeof *id), *t = malloc(7000 * sizeof *t);
    double *v = malloc(7000 * sizeof *v), value;
    long master, sample, date;
    int cds;
    while (fscanf(f, "%ld %ld %ld %d %lf", &master, &sample, &date, &cds, &value) == 5) {
        assert_true(n < 7000);
        id[n] = sample;
        t[n] = civil_days(date / 10000, (int)(date / 100 % 100), (int)(date % 100)) * 86400;
        v[n++] = value;
    }
    fclose(f);
    assert_int_equal(n, 6919);
    svcm_customers *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_customers_summarize(id, t, v, n, civil_days(1997, 9, 30) * 86400, NULL,
                                              al, &c, &err),
                     SVCM_OK);
    free(id);
    free(t);
    free(v);
    return c;
}

/* A counting allocator that fails once its budget is spent. */
typedef struct budget {
    long left, live;
} budget;

static void *b_alloc(void *ctx, size_t n)
{
    budget *b = ctx;
    if (b->left-- <= 0)
        return NULL;
    b->live++;
    return malloc(n);
}

static void *b_realloc(void *ctx, void *p, size_t n)
{
    budget *b = ctx;
    if (b->left-- <= 0)
        return NULL;
    b->live += p == NULL;
    return realloc(p, n);
}

static void b_free(void *ctx, void *p)
{
    budget *b = ctx;
    b->live -= p != NULL;
    free(p);
}

/* ------------------------------------------------------------ table */

static void test_time_units_have_their_lengths_in_seconds(void **state)
{
    (void)state;
    assert_true(svcm_time_unit_seconds(SVCM_TIME_UNIT_DAY) == 86400.0);
    assert_true(svcm_time_unit_seconds(SVCM_TIME_UNIT_WEEK) == 7.0 * 86400.0);
    assert_true(svcm_time_unit_seconds(SVCM_TIME_UNIT_SECOND) == 1.0);
    assert_true(svcm_time_unit_seconds(SVCM_TIME_UNIT_COUNT) == 0.0);
    assert_true(svcm_time_unit_seconds(-1) == 0.0);
}

static void test_new_table_has_zeroed_chosen_columns_and_frees_through_its_allocator(void **state)
{
    (void)state;
    budget b = {100, 0};
    svcm_allocator al = {b_alloc, b_realloc, b_free, &b};
    svcm_customers_options o;
    svcm_customers_options_init(&o);
    assert_int_equal(o.columns, SVCM_CUSTOMERS_COLUMN_ALL);
    assert_int_equal(o.unit, SVCM_TIME_UNIT_DAY);
    o.n = 3;
    o.columns = SVCM_CUSTOMERS_COLUMN_ID | SVCM_CUSTOMERS_COLUMN_X | SVCM_CUSTOMERS_COLUMN_T;
    o.unit = SVCM_TIME_UNIT_WEEK;
    svcm_customers *c = NULL;
    assert_int_equal(svcm_customers_new(&o, &al, &c, NULL), SVCM_OK);
    assert_int_equal(b.live, 1);
    assert_int_equal(c->n, 3);
    assert_int_equal(c->unit, SVCM_TIME_UNIT_WEEK);
    assert_null(c->recency);
    assert_null(c->t_x);
    assert_null(c->mean_repeat_spend);
    for (size_t i = 0; i < 3; i++) {
        assert_true(c->id[i] == 0 && c->x[i] == 0.0 && c->T[i] == 0.0);
        ((double *)(void *)c->x)[i] = (double)i; /* owned columns are writable */
        ((int64_t *)(void *)c->id)[i] = 10 + (int64_t)i;
    }
    assert_true(c->x[2] == 2.0 && c->id[2] == 12 && c->T[2] == 0.0);
    svcm_customers_free(c);
    assert_int_equal(b.live, 0);
    svcm_customers_free(NULL);
    /* NULL options: no rows, every column. */
    assert_int_equal(svcm_customers_new(NULL, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(c->n, 0);
    assert_non_null(c->mean_repeat_spend);
    svcm_customers_free(c);
}

static void test_new_table_rejects_bad_shapes(void **state)
{
    (void)state;
    svcm_customers_options o;
    svcm_customers_options_init(&o);
    svcm_customers *c = (svcm_customers *)&o; /* must be reset to NULL */
    svcm_error err;
    o.columns = 0x400;
    assert_int_equal(svcm_customers_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "columns");
    assert_null(c);
    svcm_customers_options_init(&o);
    o.unit = (svcm_time_unit)7;
    assert_int_equal(svcm_customers_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "unit");
    assert_int_equal(svcm_customers_new(NULL, NULL, NULL, &err), SVCM_EINVAL);
    svcm_customers_options_init(&o);
    o.n = SIZE_MAX / 4;
    assert_int_equal(svcm_customers_new(&o, NULL, &c, &err), SVCM_ENOMEM);
    budget b = {0, 0};
    svcm_allocator al = {b_alloc, b_realloc, b_free, &b};
    o.n = 4;
    assert_int_equal(svcm_customers_new(&o, &al, &c, &err), SVCM_ENOMEM);
    assert_null(c);
    svcm_allocator half = {b_alloc, NULL, b_free, &b};
    assert_int_equal(svcm_customers_new(&o, &half, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
}

/* ------------------------------------------------------- summarizer */

static void test_summarized_cdnow_table_reproduces_cdnow_summary_csv(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_customers *c = cdnow_table(NULL);
    assert_int_equal(c->n, d.n);
    assert_int_equal(c->unit, SVCM_TIME_UNIT_WEEK);
    for (size_t i = 0; i < c->n; i++) {
        assert_int_equal(c->id[i], (int64_t)(i + 1)); /* CSV IDs 1..2357, in order */
        assert_true(c->x[i] == d.x[i]);
        /* the CSV rounds to two decimals */
        CLOSE(c->t_x[i], d.tx[i], 0.005 + 1e-9);
        CLOSE(c->T[i], d.T[i], 0.005 + 1e-9);
        CLOSE(c->mean_repeat_spend[i], d.zbar[i], 0.005 + 1e-9);
        /* the RFM columns describe the same customer */
        assert_true(c->frequency[i] == c->x[i] + 1.0);
        assert_true(c->tenure[i] == c->T[i]);
        CLOSE(c->recency[i], c->T[i] - c->t_x[i], 1e-12);
        assert_true(c->p_alive[i] == 0.0);
        assert_true(c->monetary[i] >= c->x[i] * c->mean_repeat_spend[i] - 1e-9);
    }
    /* Customer 1 in the raw file: 1997-01-01 29.33 (first), 01-18 29.73 and
     * 08-02 14.96 (repeats), 12-12 26.48 (after the end: not counted). */
    CLOSE(c->monetary[0], 29.33 + 29.73 + 14.96, 1e-12);
    CLOSE(c->mean_repeat_spend[0], (29.73 + 14.96) / 2.0, 1e-12);
    CLOSE(c->recency[0], (civil_days(1997, 9, 30) - civil_days(1997, 8, 2)) / 7.0, 1e-12);
    svcm_customers_free(c);
    cdnow_free(&d);
}

static void test_summarize_into_days_and_its_errors(void **state)
{
    (void)state;
    /* Customer 5: days 0 (10), 3 (4), 3 (6, same day), 10 (1); end day 20. */
    int64_t id[] = {5, 5, 5, 5}, t[] = {0, 3 * 86400, 3 * 86400 + 60, 10 * 86400};
    double v[] = {10, 4, 6, 1};
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.period = 86400.0;
    svcm_customers *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_customers_summarize(id, t, v, 4, 20 * 86400, &o, NULL, &c, &err), SVCM_OK);
    assert_int_equal(c->unit, SVCM_TIME_UNIT_DAY);
    assert_int_equal(c->n, 1);
    assert_true(c->x[0] == 2.0 && c->t_x[0] == 10.0 && c->T[0] == 20.0);
    assert_true(c->recency[0] == 10.0 && c->tenure[0] == 20.0 && c->frequency[0] == 3.0);
    assert_true(c->monetary[0] == 21.0 && c->mean_repeat_spend[0] == 5.5);
    svcm_customers_free(c);
    o.period = 3600.0;
    assert_int_equal(svcm_customers_summarize(id, t, v, 4, 0, &o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "period");
    assert_null(c);
    assert_int_equal(svcm_customers_summarize(id, t, v, 4, 0, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    /* The summarizer's own checks come through. */
    v[2] = NAN;
    assert_int_equal(svcm_customers_summarize(id, t, v, 4, 0, NULL, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 2);
    /* First purchase DBL_MAX and one repeat DBL_MAX: the mean is finite,
     * the monetary total is not. */
    int64_t id2[] = {8, 9, 9}, t2[] = {0, 0, 86400};
    double v2[] = {1, DBL_MAX, DBL_MAX};
    assert_int_equal(svcm_customers_summarize(id2, t2, v2, 3, 86400, NULL, NULL, &c, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    assert_null(c);
    /* Scratch and table allocations fail cleanly. */
    for (long k = 0; k < 8; k++) {
        budget b = {k, 0};
        svcm_allocator al = {b_alloc, b_realloc, b_free, &b};
        v[2] = 6;
        int rc = svcm_customers_summarize(id, t, v, 4, 20 * 86400, &o, &al, &c, NULL);
        assert_true(rc == SVCM_ENOMEM || rc == SVCM_EINVAL); /* period 3600 is still set */
        o.period = 86400.0;
        rc = svcm_customers_summarize(id, t, v, 4, 20 * 86400, &o, &al, &c, NULL);
        if (rc == SVCM_OK)
            svcm_customers_free(c);
        else
            assert_int_equal(rc, SVCM_ENOMEM);
        assert_int_equal(b.live, 0);
        o.period = 3600.0;
    }
}

/* Returns (negative values), svcm_summary_options::returns. Customer 1:
 * day 0 buys 10; day 2 buys 8 and returns 8 (nets to 0); day 5 buys 6 and
 * returns 2 (nets to 4); day 7 returns 3 alone. Customer 2: day 1 buys 5
 * and returns 5 (nothing left). Customer 3: day 4 returns 1 alone, day 6
 * buys 0 (a free item, no return: a purchase). End day 10, days out. */
#define RET_N 10
static const int64_t ret_id[RET_N] = {1, 1, 1, 1, 1, 1, 2, 2, 3, 3};
static const int64_t ret_t[RET_N] = {0,         2 * 86400, 2 * 86400 + 60, 5 * 86400,
                                     5 * 86400 + 1, 7 * 86400, 86400, 86400 + 5,
                                     4 * 86400, 6 * 86400};
static const double ret_v[RET_N] = {10, 8, -8, 6, -2, -3, 5, -5, -1, 0};

static svcm_customers *ret_table(svcm_summary_returns r, int *rc, svcm_error *err)
{
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.period = 86400.0;
    o.returns = r;
    svcm_customers *c = NULL;
    *rc = svcm_customers_summarize(ret_id, ret_t, ret_v, RET_N, 10 * 86400, &o, NULL, &c, err);
    return c;
}

static void test_summary_returns_are_an_error_by_default_naming_the_row(void **state)
{
    (void)state;
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    assert_int_equal(o.returns, SVCM_SUMMARY_RETURNS_ERROR);
    svcm_error err;
    int rc;
    svcm_customers *c = ret_table(SVCM_SUMMARY_RETURNS_ERROR, &rc, &err);
    assert_int_equal(rc, SVCM_EINVAL);
    assert_null(c);
    assert_int_equal(err.index, 2); /* the first negative value */
    assert_string_equal(err.field, "value");
    assert_non_null(strstr(err.message, "-8"));
    /* An unknown rule is refused before anything else. */
    c = ret_table((svcm_summary_returns)3, &rc, &err);
    assert_int_equal(rc, SVCM_EINVAL);
    assert_null(c);
    assert_string_equal(err.field, "returns");
    assert_int_equal(err.index, SVCM_NO_INDEX);
    c = ret_table((svcm_summary_returns)-1, &rc, &err);
    assert_int_equal(rc, SVCM_EINVAL);
    assert_string_equal(err.field, "returns");
    /* NaN stays an error whatever the rule. */
    double v[] = {1, NAN};
    int64_t id[] = {1, 1}, t[] = {0, 86400};
    svcm_summary_options_init(&o);
    o.returns = SVCM_SUMMARY_RETURNS_NET;
    assert_int_equal(svcm_customers_summarize(id, t, v, 2, 86400, &o, NULL, &c, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "value");
}

static void test_summary_returns_net_within_their_slot_and_cancel_slots_at_or_below_zero(
    void **state)
{
    (void)state;
    svcm_error err;
    int rc;
    svcm_customers *c = ret_table(SVCM_SUMMARY_RETURNS_NET, &rc, &err);
    assert_int_equal(rc, SVCM_OK);
    /* Customer 2 has no purchase left and is not in the table. */
    assert_int_equal(c->n, 2);
    assert_int_equal(c->id[0], 1);
    /* Purchases: day 0 (10) and day 5 (4); day 2 nets to 0 and day 7 to -3. */
    assert_true(c->x[0] == 1.0 && c->t_x[0] == 5.0 && c->T[0] == 10.0);
    assert_true(c->monetary[0] == 14.0 && c->mean_repeat_spend[0] == 4.0);
    assert_true(c->recency[0] == 5.0 && c->frequency[0] == 2.0);
    /* Customer 3: the lone return on day 4 is not a purchase; the free item
     * on day 6 is the first purchase. */
    assert_int_equal(c->id[1], 3);
    assert_true(c->x[1] == 0.0 && c->t_x[1] == 0.0 && c->T[1] == 4.0);
    assert_true(c->monetary[1] == 0.0 && c->mean_repeat_spend[1] == 0.0);
    svcm_customers_free(c);
    /* The lifetime summary agrees and counts the customers left. */
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.period = 86400.0;
    o.returns = SVCM_SUMMARY_RETURNS_NET;
    svcm_customer_summary out[RET_N];
    size_t count = 99;
    assert_int_equal(svcm_lifetime_summarize(ret_id, ret_t, ret_v, RET_N, 10 * 86400, &o, NULL,
                                             NULL, 0, &count, &err),
                     SVCM_ENOSPC);
    assert_int_equal(count, 2);
    assert_int_equal(svcm_lifetime_summarize(ret_id, ret_t, ret_v, RET_N, 10 * 86400, &o, NULL,
                                             out, 2, &count, &err),
                     SVCM_OK);
    assert_int_equal(out[0].first, 0);
    assert_int_equal(out[1].first, 6 * 86400);
    /* A slot that nets to a positive amount keeps the time of its first
     * transaction and only its net value. */
    int64_t id[] = {4, 4}, t[] = {100, 200};
    double v[] = {-1, 3};
    assert_int_equal(svcm_lifetime_summarize(id, t, v, 2, 86400, &o, NULL, out, 2, &count, &err),
                     SVCM_OK);
    assert_int_equal(count, 1);
    assert_int_equal(out[0].first, 100);
    assert_true(out[0].monetary == 2.0 && out[0].x == 0.0 && out[0].T == 1.0);
}

static void test_summary_returns_drop_leaves_negative_rows_out(void **state)
{
    (void)state;
    svcm_error err;
    int rc;
    svcm_customers *c = ret_table(SVCM_SUMMARY_RETURNS_DROP, &rc, &err);
    assert_int_equal(rc, SVCM_OK);
    assert_int_equal(c->n, 3);
    /* Customer 1: days 0 (10), 2 (8), 5 (6). */
    assert_true(c->x[0] == 2.0 && c->t_x[0] == 5.0 && c->T[0] == 10.0);
    assert_true(c->monetary[0] == 24.0 && c->mean_repeat_spend[0] == 7.0);
    /* Customer 2: day 1 (5). Customer 3: day 6 (0). */
    assert_true(c->x[1] == 0.0 && c->T[1] == 9.0 && c->monetary[1] == 5.0);
    assert_true(c->x[2] == 0.0 && c->T[2] == 4.0 && c->monetary[2] == 0.0);
    svcm_customers_free(c);
    /* Every transaction a return: an empty table, not an error. */
    int64_t id[] = {1}, t[] = {0};
    double v[] = {-1};
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.returns = SVCM_SUMMARY_RETURNS_DROP;
    assert_int_equal(svcm_customers_summarize(id, t, v, 1, 0, &o, NULL, &c, &err), SVCM_OK);
    assert_int_equal(c->n, 0);
    svcm_customers_free(c);
}

static void test_summary_range_errors_come_after_the_capacity_check(void **state)
{
    (void)state;
    /* A repeat purchase worth DBL_MAX twice in one slot: the mean spend is
     * beyond the double range; a measuring call still reports the count. */
    int64_t id[] = {1, 1, 1, 2}, t[] = {0, 86400, 86400 + 1, 0};
    double v[] = {1, DBL_MAX, DBL_MAX, 1};
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    svcm_customer_summary out[4];
    size_t count = 0;
    svcm_error err;
    assert_int_equal(svcm_lifetime_summarize(id, t, v, 4, 86400, &o, NULL, NULL, 0, &count, &err),
                     SVCM_ENOSPC);
    assert_int_equal(count, 2);
    assert_int_equal(svcm_lifetime_summarize(id, t, v, 4, 86400, &o, NULL, out, 4, &count, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    svcm_customers *c = NULL;
    assert_int_equal(svcm_customers_summarize(id, t, v, 4, 86400, &o, NULL, &c, &err),
                     SVCM_ERANGE);
    assert_null(c);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    /* Under NET a return in that slot brings the mean back into range. */
    double w[] = {1, DBL_MAX, -DBL_MAX, 1};
    o.returns = SVCM_SUMMARY_RETURNS_NET;
    assert_int_equal(svcm_lifetime_summarize(id, t, w, 4, 86400, &o, NULL, out, 4, &count, &err),
                     SVCM_OK);
    assert_int_equal(count, 2);
    /* DBL_MAX - DBL_MAX nets to 0: no purchase on day 1. */
    assert_true(out[0].x == 0.0 && out[0].monetary == 1.0);
}

/* ------------------------------------------------------------ bridge */

static void test_bridge_on_summarized_cdnow_reproduces_published_models(void **state)
{
    (void)state;
    svcm_customers *c = cdnow_table(NULL);
    size_t n = c->n;
    double *pa = malloc(n * sizeof *pa), *ey = malloc(n * sizeof *ey);
    double *clv = malloc(n * sizeof *clv);
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o);
    o.horizon = 39.0;
    struct svcm_lifetime_table_result r;
    svcm_error err;
    assert_int_equal(svcm_lifetime_table_fit(c, &o, NULL, &r, pa, ey, clv, &err), SVCM_OK);
    assert_int_equal(r.unit, SVCM_TIME_UNIT_WEEK);
    /* [FHL05], four decimals (Hardie's workbook); the CSV's rounding of
     * t_x and T to 0.01 week is absent here, hence 2e-4. */
    CLOSE(r.bgnbd.params.r, 0.2426, 2e-4);
    CLOSE(r.bgnbd.params.alpha, 4.4135, 2e-3);
    CLOSE(r.bgnbd.params.a, 0.7929, 2e-4);
    CLOSE(r.bgnbd.params.b, 2.4258, 2e-3);
    CLOSE(r.bgnbd.loglik, -9582.4, 0.5);
    assert_int_equal(r.bgnbd.n, 2357);
    /* [FH13] on the mean REPEAT spend, and CLVTools' log-likelihood. */
    assert_int_equal(r.gammagamma.n, 946);
    CLOSE(r.gammagamma.params.p, 6.25, 0.005);
    CLOSE(r.gammagamma.params.q, 3.74, 0.005);
    CLOSE(r.gammagamma.params.gamma, 15.44, 0.005);
    CLOSE(r.gammagamma.loglik, -4055.9177, 0.0005);
    /* [HX]: customer 1 (x = 2, t_x = 30.43, T = 38.86) expects 1.226
     * purchases in 39 weeks; the fitted (not rounded) parameters move the
     * third decimal by less than 0.002. */
    CLOSE(ey[0], 1.226, 0.002);
    /* P(alive), by its closed form (Fader, Hardie & Lee 2008) written out. */
    const svcm_bgnbd_params *p = &r.bgnbd.params;
    for (size_t i = 0; i < n; i++) {
        double x = c->x[i], want = 1.0;
        if (x > 0)
            want = 1.0 / (1.0 + p->a / (p->b + x - 1.0) *
                                    pow((p->alpha + c->T[i]) / (p->alpha + c->t_x[i]), p->r + x));
        CLOSE(pa[i], want, 1e-12);
    }
    svcm_customers_free(c);
    free(pa);
    free(ey);
    free(clv);
}

/* CLV of one customer from its definition (svcm_clv's documentation),
 * summed here: E(M) by the Gamma-Gamma formula of [FH13], E[Y] through the
 * library's BG/NBD expectation (tested against [HX] in test_lifetime.c). */
static double clv_by_hand(const struct svcm_lifetime_table_result *r, const svcm_clv_options *co,
                          double x, double tx, double T, double m)
{
    const svcm_gammagamma_params *g = &r->gammagamma.params;
    double em = g->p * (g->gamma + x * m) / (g->p * x + g->q - 1.0), sum = 0.0, prev = 0.0;
    for (unsigned k = 1; k <= co->horizon; k++) {
        double ey;
        assert_int_equal(svcm_bgnbd_expected_purchases(&r->bgnbd.params, k * co->period_length,
                                                       &x, &tx, &T, 1, &ey, NULL),
                         SVCM_OK);
        sum += (ey - prev) / pow(1.0 + co->discount_rate, k);
        prev = ey;
    }
    return co->margin * em * sum;
}

static void test_bridge_from_rfm_columns_in_days_matches_lifetime_columns_in_weeks(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    size_t n = d.n;
    double *f = malloc(n * sizeof *f), *ten = malloc(n * sizeof *ten);
    double *rec = malloc(n * sizeof *rec), *mon = malloc(n * sizeof *mon);
    for (size_t i = 0; i < n; i++) {
        f[i] = d.x[i] + 1.0;
        ten[i] = 7.0 * d.T[i];
        rec[i] = 7.0 * (d.T[i] - d.tx[i]);
        mon[i] = 1000.0; /* monetary is not read by the bridge */
    }
    svcm_customers days = {.n = n, .recency = rec, .frequency = f, .monetary = mon,
                           .tenure = ten, .mean_repeat_spend = d.zbar,
                           .unit = SVCM_TIME_UNIT_DAY};
    svcm_customers weeks = {.n = n, .x = d.x, .t_x = d.tx, .T = d.T,
                            .mean_repeat_spend = d.zbar, .unit = SVCM_TIME_UNIT_WEEK};
    double *c1 = malloc(n * sizeof *c1), *c2 = malloc(n * sizeof *c2);
    struct svcm_lifetime_table_result r1, r2;
    assert_int_equal(svcm_lifetime_table_fit(&days, NULL, NULL, &r1, NULL, NULL, c1, NULL),
                     SVCM_OK);
    assert_int_equal(svcm_lifetime_table_fit(&weeks, NULL, NULL, &r2, NULL, NULL, c2, NULL),
                     SVCM_OK);
    /* [FHL05] from the published summary, to its three decimals. */
    CLOSE(r2.bgnbd.params.r, 0.243, 0.0005);
    CLOSE(r2.bgnbd.params.alpha, 4.414, 0.0005);
    CLOSE(r2.bgnbd.params.a, 0.793, 0.0005);
    CLOSE(r2.bgnbd.params.b, 2.426, 0.0005);
    /* days -> weeks is a change of unit only (7 x / 7 rounds by an ulp) */
    CLOSE(r1.bgnbd.params.r, r2.bgnbd.params.r, 1e-7);
    CLOSE(r1.bgnbd.params.alpha, r2.bgnbd.params.alpha, 1e-6);
    CLOSE(r1.gammagamma.params.p, r2.gammagamma.params.p, 1e-7);
    svcm_clv_options co;
    svcm_clv_options_init(&co);
    for (size_t i = 0; i < n; i += 97) {
        CLOSE(c1[i], c2[i], 1e-6 * (1.0 + c2[i]));
        double want = clv_by_hand(&r2, &co, d.x[i], d.tx[i], d.T[i], d.zbar[i]);
        CLOSE(c2[i], want, 1e-9 * (1.0 + want));
    }
    free(f);
    free(ten);
    free(rec);
    free(mon);
    free(c1);
    free(c2);
    cdnow_free(&d);
}

static void test_mean_spend_including_first_purchase_misses_published_gammagamma(void **state)
{
    (void)state;
    /* Why the table carries mean_repeat_spend: monetary / frequency, the
     * CLI's old input, averages the first purchase in and does not give
     * [FH13]'s estimates on the same customers. */
    svcm_customers *c = cdnow_table(NULL);
    size_t n = c->n;
    double *all = malloc(n * sizeof *all);
    for (size_t i = 0; i < n; i++)
        all[i] = c->x[i] > 0 ? c->monetary[i] / c->frequency[i] : 0.0;
    struct svcm_gammagamma_fit_result g;
    assert_int_equal(svcm_gammagamma_fit(c->x, all, n, NULL, NULL, &g, NULL), SVCM_OK);
    assert_true(fabs(g.params.p - 6.25) > 0.05 || fabs(g.params.q - 3.74) > 0.05 ||
                fabs(g.params.gamma - 15.44) > 0.05);
    free(all);
    svcm_customers_free(c);
}

static void test_bridge_with_model_unit_days_scales_alpha_by_seven(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_customers weeks = {.n = d.n, .x = d.x, .t_x = d.tx, .T = d.T,
                            .unit = SVCM_TIME_UNIT_WEEK};
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o);
    struct svcm_lifetime_table_result rw, rd;
    double ew, ed;
    assert_int_equal(svcm_lifetime_table_fit(&weeks, &o, NULL, &rw, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    o.unit = SVCM_TIME_UNIT_DAY;
    o.horizon = 7.0 * 52.0;
    assert_int_equal(svcm_lifetime_table_fit(&weeks, &o, NULL, &rd, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(rd.unit, SVCM_TIME_UNIT_DAY);
    /* alpha is a scale in time units: 7 times larger in days; the shapes
     * and the likelihood's maximiser are otherwise the same. */
    CLOSE(rd.bgnbd.params.alpha, 7.0 * rw.bgnbd.params.alpha, 1e-5);
    CLOSE(rd.bgnbd.params.r, rw.bgnbd.params.r, 1e-6);
    CLOSE(rd.bgnbd.params.b, rw.bgnbd.params.b, 1e-5);
    /* 52 weeks = 364 days: the same expectation for customer 1. */
    svcm_customers one = {.n = d.n, .x = d.x, .t_x = d.tx, .T = d.T, .unit = SVCM_TIME_UNIT_WEEK};
    double *e1 = malloc(d.n * sizeof *e1), *e2 = malloc(d.n * sizeof *e2);
    assert_int_equal(svcm_lifetime_table_fit(&one, &o, NULL, NULL, NULL, e1, NULL, NULL), SVCM_OK);
    o.unit = SVCM_TIME_UNIT_WEEK;
    o.horizon = 52.0;
    assert_int_equal(svcm_lifetime_table_fit(&one, &o, NULL, NULL, NULL, e2, NULL, NULL), SVCM_OK);
    ed = e1[0];
    ew = e2[0];
    CLOSE(ed, ew, 1e-5);
    free(e1);
    free(e2);
    cdnow_free(&d);
}

/* A small valid table: three customers in weeks, RFM columns. */
static double T3_f[] = {3, 1, 5}, T3_r[] = {2, 10, 1}, T3_ten[] = {20, 10, 30},
              T3_m[] = {12, 0, 7}, T3_mon[] = {50, 9, 80};

static svcm_customers small(void)
{
    return (svcm_customers){.n = 3, .frequency = T3_f, .recency = T3_r, .tenure = T3_ten,
                            .monetary = T3_mon, .mean_repeat_spend = T3_m,
                            .unit = SVCM_TIME_UNIT_WEEK};
}

static void expect_error(const svcm_customers *c, const svcm_lifetime_table_options *o, int rc,
                         size_t index, const char *field)
{
    double pa[3] = {-1, -1, -1}, clv[3] = {-1, -1, -1};
    svcm_error err;
    assert_int_equal(svcm_lifetime_table_fit(c, o, NULL, NULL, pa, NULL, clv, &err), rc);
    assert_int_equal(err.code, rc);
    assert_int_equal(err.index, index);
    if (field)
        assert_string_equal(err.field, field);
    assert_true(pa[0] == -1 && pa[2] == -1 && clv[1] == -1); /* nothing written */
}

static void test_bridge_rejects_bad_tables_and_options_naming_the_field(void **state)
{
    (void)state;
    svcm_customers c = small();
    c.frequency = NULL;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "frequency");
    c = small();
    c.tenure = NULL;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "tenure");
    c = small();
    c.recency = NULL;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "recency");
    c = small();
    c.mean_repeat_spend = NULL; /* only needed for CLV */
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "mean_repeat_spend");
    c = small();
    c.x = T3_f; /* a partial set of lifetime columns */
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "t_x");
    c.t_x = T3_r;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "T");
    c = small();
    double frac[] = {3, 1.5, 5};
    c.frequency = frac;
    expect_error(&c, NULL, SVCM_EINVAL, 1, "frequency");
    c = small();
    double late[] = {2, 10, 31};
    c.recency = late;
    expect_error(&c, NULL, SVCM_EINVAL, 2, "recency");
    c = small();
    double neg[] = {20, -1, 30};
    c.tenure = neg;
    expect_error(&c, NULL, SVCM_EINVAL, 1, "tenure");
    c = small();
    c.unit = (svcm_time_unit)9;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "unit");
    c = small();
    c.stride = 4;
    expect_error(&c, NULL, SVCM_EINVAL, SVCM_NO_INDEX, "stride");
    c = small();
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o);
    o.horizon = NAN;
    expect_error(&c, &o, SVCM_EINVAL, SVCM_NO_INDEX, "horizon");
    svcm_lifetime_table_options_init(&o);
    o.unit = (svcm_time_unit)-1;
    expect_error(&c, &o, SVCM_EINVAL, SVCM_NO_INDEX, "unit");
    svcm_lifetime_table_options_init(&o);
    o.fit.gtol = -1;
    expect_error(&c, &o, SVCM_EINVAL, SVCM_NO_INDEX, "gtol");
    /* lifetime columns are checked by the fit, under their own names */
    double x[] = {1, 0, 2}, tx[] = {5, 1, 3}, T[] = {10, 10, 10};
    svcm_customers l = {.n = 3, .x = x, .t_x = tx, .T = T, .mean_repeat_spend = T3_m};
    expect_error(&l, NULL, SVCM_EINVAL, 1, "t_x");
    c.n = 0;
    expect_error(&c, NULL, SVCM_EEMPTY, SVCM_NO_INDEX, NULL);
    assert_int_equal(svcm_lifetime_table_fit(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                     SVCM_EINVAL);
    svcm_allocator half = {b_alloc, NULL, NULL, NULL};
    c = small();
    assert_int_equal(svcm_lifetime_table_fit(&c, NULL, &half, NULL, NULL, NULL, NULL, NULL),
                     SVCM_EINVAL);
}

static void test_bridge_fails_cleanly_when_memory_runs_out(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_customers c = {.n = d.n, .x = d.x, .t_x = d.tx, .T = d.T, .mean_repeat_spend = d.zbar,
                        .unit = SVCM_TIME_UNIT_WEEK};
    double *clv = malloc(d.n * sizeof *clv);
    int ok = 0;
    for (long k = 0; k < 12 && !ok; k++) {
        budget b = {k, 0};
        svcm_allocator al = {b_alloc, b_realloc, b_free, &b};
        clv[0] = -1;
        int rc = svcm_lifetime_table_fit(&c, NULL, &al, NULL, NULL, NULL, clv, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
        assert_int_equal(b.live, 0);
        ok = rc == SVCM_OK;
        if (!ok)
            assert_true(clv[0] == -1);
    }
    assert_true(ok);
    free(clv);
    cdnow_free(&d);
}

/* ------------------------------------------------------ segmentation */

static void test_segment_table_in_weeks_matches_the_same_table_in_days(void **state)
{
    (void)state;
    enum { N = 40 };
    double rw[N], fw[N], mw[N], tw[N], pa[N], rd[N], td[N];
    for (int i = 0; i < N; i++) {
        rw[i] = (i * 7 % 40) * 1.5;    /* weeks */
        tw[i] = rw[i] + (i % 13) * 2.0; /* weeks, >= recency */
        fw[i] = 1 + i % 9;
        mw[i] = 10.0 * ((i * 11) % 17);
        pa[i] = (i % 10) / 9.0;
        rd[i] = 7.0 * rw[i];
        td[i] = 7.0 * tw[i];
    }
    svcm_customers weeks = {.n = N, .recency = rw, .frequency = fw, .monetary = mw,
                            .tenure = tw, .p_alive = pa, .unit = SVCM_TIME_UNIT_WEEK};
    svcm_customers days = {.n = N, .recency = rd, .frequency = fw, .monetary = mw,
                           .tenure = td, .p_alive = pa};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_rfm_edges e1, e2;
    uint8_t t1[N], t2[N], r1[N], r2[N];
    assert_int_equal(svcm_customers_segment(&weeks, &p, NULL, NULL, t1, r1, &e1, NULL), SVCM_OK);
    /* the reference: the 0.1 functions on the table in days */
    assert_int_equal(svcm_rfm_fit(&days, p.bins, NULL, &e2, NULL), SVCM_OK);
    assert_int_equal(svcm_segment_assign(&days, &p, &e2, t2, r2, NULL, NULL, NULL, NULL), SVCM_OK);
    assert_memory_equal(t1, t2, N);
    assert_memory_equal(r1, r2, N);
    assert_memory_equal(&e1, &e2, sizeof e1);
    /* every rule the policy has fired on this population */
    int seen[SVCM_TIER_COUNT] = {0};
    for (int i = 0; i < N; i++)
        seen[t1[i]] = 1;
    assert_true(seen[SVCM_TIER_LOST] && seen[SVCM_TIER_POTENTIAL]);
    /* fixed edges in days, and a table in days, pass straight through */
    uint8_t t3[N];
    assert_int_equal(svcm_customers_segment(&days, &p, &e2, NULL, t3, NULL, NULL, NULL), SVCM_OK);
    assert_memory_equal(t3, t2, N);
}

static void test_segment_table_reads_records_with_flags_in_weeks(void **state)
{
    (void)state;
    svcm_customer_record recs[3] = {
        {1, 30.0, 4, 100, 40.0, 0.9, SVCM_CUSTOMER_HAS_TENURE | SVCM_CUSTOMER_HAS_P_ALIVE},
        {2, 1.0, 3, 50, 5.0, 0.05, SVCM_CUSTOMER_HAS_P_ALIVE}, /* weeks: 7 days ago */
        {3, 2.0, 6, 500, 9.0, 0.0, SVCM_CUSTOMER_HAS_TENURE},
    };
    svcm_customers v;
    assert_int_equal(svcm_customers_from_records(recs, 3, &v), SVCM_OK);
    v.unit = SVCM_TIME_UNIT_WEEK;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[3], why[3];
    svcm_error err;
    assert_int_equal(svcm_customers_segment(&v, &p, NULL, NULL, t, why, NULL, &err), SVCM_OK);
    /* 30 weeks = 210 days > churn_days 180: lost though P(alive) is high;
     * customer 2: P(alive) 0.05 < 0.2 given by its flags: lost;
     * customer 3: tenure 9 weeks = 63 days < 90: potential (new). */
    assert_int_equal(why[0], SVCM_SEGMENT_REASON_LOST_INACTIVE);
    assert_int_equal(why[1], SVCM_SEGMENT_REASON_LOST_P_ALIVE);
    assert_int_equal(why[2], SVCM_SEGMENT_REASON_POTENTIAL_NEW);
    assert_int_equal(t[2], SVCM_TIER_POTENTIAL);
    /* the same records read as days: nobody is past 180 days */
    v.unit = SVCM_TIME_UNIT_DAY;
    assert_int_equal(svcm_customers_segment(&v, &p, NULL, NULL, t, why, NULL, &err), SVCM_OK);
    assert_int_not_equal(why[0], SVCM_SEGMENT_REASON_LOST_INACTIVE);
}

static void test_segment_table_errors(void **state)
{
    (void)state;
    svcm_customers c = small();
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[3] = {9, 9, 9};
    svcm_error err;
    c.unit = (svcm_time_unit)3;
    assert_int_equal(svcm_customers_segment(&c, &p, NULL, NULL, t, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "unit");
    c = small();
    double bad[] = {2, NAN, 1};
    c.recency = bad;
    assert_int_equal(svcm_customers_segment(&c, &p, NULL, NULL, t, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "recency");
    assert_int_equal(err.index, 1);
    assert_true(t[0] == 9 && t[1] == 9 && t[2] == 9);
    assert_int_equal(svcm_customers_segment(NULL, &p, NULL, NULL, t, NULL, NULL, &err),
                     SVCM_EINVAL);
    c = small();
    budget b = {0, 0};
    svcm_allocator al = {b_alloc, b_realloc, b_free, &b};
    assert_int_equal(svcm_customers_segment(&c, &p, NULL, &al, t, NULL, NULL, &err), SVCM_ENOMEM);
    b.left = 1; /* the copy succeeds, the fit's scratch does not */
    assert_int_equal(svcm_customers_segment(&c, &p, NULL, &al, t, NULL, NULL, &err), SVCM_ENOMEM);
    assert_int_equal(b.live, 0);
    assert_true(t[0] == 9);
}

/* ------------------------------------------------------ streaming builder */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct rand_log {
    size_t n;
    int64_t *id, *t;
    double *v;
} rand_log;

/* n rows of up to 60 customers over 300 days, several rows on some days.
 * quarter: values are multiples of 0.25 (sums exact in any order), else
 * any doubles; neg: some values are negative (returns), some of them
 * cancelling the row before, so that slots net to exactly 0. */
static void rand_log_make(rand_log *l, size_t n, uint64_t seed, bool quarter, bool neg)
{
    uint64_t s = seed * 2654435761u + 1;
    l->n = n;
    l->id = malloc(n * sizeof *l->id);
    l->t = malloc(n * sizeof *l->t);
    l->v = malloc(n * sizeof *l->v);
    assert_true(l->id && l->t && l->v);
    for (size_t i = 0; i < n; i++) {
        l->id[i] = (int64_t)(rng_next(&s) % 60) - 20; /* negative ids too */
        l->t[i] = (int64_t)(rng_next(&s) % 300) * 86400 + (int64_t)(rng_next(&s) % 86400);
        double v = quarter ? (double)(rng_next(&s) % 4000) * 0.25
                           : (double)(rng_next(&s) >> 11) * 0x1p-53 * 1000.0;
        if (neg && rng_next(&s) % 5 == 0)
            v = -v;
        if (neg && i > 0 && rng_next(&s) % 6 == 0) { /* returns all of the row before */
            l->id[i] = l->id[i - 1];
            l->t[i] = l->t[i - 1] + 1;
            v = -l->v[i - 1];
        }
        l->v[i] = v;
    }
}

static void rand_log_free(rand_log *l)
{
    free(l->id);
    free(l->t);
    free(l->v);
}

static void rand_log_shuffle(rand_log *l, uint64_t seed)
{
    uint64_t s = seed + 99;
    for (size_t i = l->n; i > 1; i--) {
        size_t j = (size_t)(rng_next(&s) % i);
        int64_t a = l->id[i - 1], b = l->t[i - 1];
        double c = l->v[i - 1];
        l->id[i - 1] = l->id[j], l->t[i - 1] = l->t[j], l->v[i - 1] = l->v[j];
        l->id[j] = a, l->t[j] = b, l->v[j] = c;
    }
}

/* Sort by time and make the times distinct, so that arrival order is
 * time order. */
static int by_time(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (x[1] > y[1]) - (x[1] < y[1]);
}
static void rand_log_sort_by_time(rand_log *l)
{
    int64_t(*r)[3] = malloc(l->n * sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < l->n; i++) {
        r[i][0] = l->id[i];
        r[i][1] = l->t[i];
        memcpy(&r[i][2], &l->v[i], sizeof(double));
    }
    qsort(r, l->n, sizeof *r, by_time);
    for (size_t i = 0; i < l->n; i++) {
        l->id[i] = r[i][0];
        l->t[i] = i > 0 && r[i][1] <= l->t[i - 1] ? l->t[i - 1] + 1 : r[i][1]; /* distinct */
        memcpy(&l->v[i], &r[i][2], sizeof(double));
    }
    free(r);
}

static void assert_tables_identical(const svcm_customers *a, const svcm_customers *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->unit, b->unit);
    if (a->n == 0)
        return;
    assert_memory_equal(a->id, b->id, a->n * sizeof(int64_t));
    const double *ca[] = {a->x, a->t_x, a->T, a->mean_repeat_spend, a->frequency,
                          a->monetary, a->recency, a->tenure, a->p_alive};
    const double *cb[] = {b->x, b->t_x, b->T, b->mean_repeat_spend, b->frequency,
                          b->monetary, b->recency, b->tenure, b->p_alive};
    for (size_t k = 0; k < sizeof ca / sizeof ca[0]; k++)
        assert_memory_equal(ca[k], cb[k], a->n * sizeof(double));
}

/* Feed l into two builders in batches of random sizes (every other batch
 * to the second), merge, finish; compare with svcm_customers_summarize. */
static void builder_vs_summarize(const rand_log *l, const svcm_summary_options *so, int64_t end,
                                 uint64_t seed)
{
    svcm_customers_builder_options bo;
    svcm_customers_builder_options_init(&bo);
    bo.summary = *so;
    bo.end = end;
    svcm_customers_builder *b[2] = {NULL, NULL};
    svcm_error err;
    for (int k = 0; k < 2; k++)
        assert_int_equal(svcm_customers_builder_new(&bo, NULL, &b[k], &err), SVCM_OK);
    uint64_t s = seed + 7;
    size_t i = 0;
    for (int turn = 0; i < l->n; turn ^= 1) {
        size_t m = (size_t)(rng_next(&s) % 700);
        if (m > l->n - i)
            m = l->n - i;
        int rc = svcm_customers_builder_add(b[turn], l->id + i, l->t + i, l->v + i, m, &err);
        if (rc != SVCM_OK)
            fail_msg("add: %s (%s, row %zu)", err.message, err.field, err.index);
        i += m;
    }
    assert_int_equal(svcm_customers_builder_merge(b[0], b[1], &err), SVCM_OK);
    struct svcm_customers_builder_result r;
    assert_int_equal(svcm_customers_builder_result(b[0], &r), SVCM_OK);
    assert_int_equal(r.rows, l->n);
    svcm_customers *got = NULL, *want = NULL;
    assert_int_equal(svcm_customers_builder_finish(b[0], NULL, &got, &err), SVCM_OK);
    assert_int_equal(svcm_customers_summarize(l->id, l->t, l->v, l->n, end, so, NULL, &want, &err),
                     SVCM_OK);
    assert_tables_identical(got, want);
    svcm_customers_free(got);
    svcm_customers_free(want);
    svcm_customers_builder_free(b[0]);
    svcm_customers_builder_free(b[1]);
}

static void test_builder_matches_summarize_on_shuffled_random_logs(void **state)
{
    (void)state;
    const svcm_summary_returns modes[] = {SVCM_SUMMARY_RETURNS_ERROR, SVCM_SUMMARY_RETURNS_NET,
                                          SVCM_SUMMARY_RETURNS_DROP};
    for (uint64_t seed = 1; seed <= 12; seed++) {
        svcm_summary_returns mode = modes[seed % 3];
        rand_log l;
        rand_log_make(&l, 500 + (size_t)seed * 250, seed, true,
                      mode != SVCM_SUMMARY_RETURNS_ERROR);
        rand_log_shuffle(&l, seed);
        svcm_summary_options so;
        svcm_summary_options_init(&so);
        so.returns = mode;
        if (seed % 2) { /* ISO weeks in weeks, as svcm customers --period week */
            so.granularity = 604800;
            so.offset = 4 * 86400;
        } else { /* days, in days */
            so.period = 86400.0;
        }
        /* the --as-of cut: day 200 of 300, and no cut */
        builder_vs_summarize(&l, &so, 200 * 86400, seed);
        builder_vs_summarize(&l, &so, 400 * 86400, seed + 100);
        rand_log_free(&l);
    }
}

static void test_builder_matches_summarize_bit_for_bit_on_any_doubles_in_time_order(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rand_log l;
        rand_log_make(&l, 3000, seed + 50, false, seed % 2 == 0);
        rand_log_sort_by_time(&l);
        svcm_summary_options so;
        svcm_summary_options_init(&so);
        so.returns = seed % 2 ? SVCM_SUMMARY_RETURNS_ERROR : SVCM_SUMMARY_RETURNS_NET;
        builder_vs_summarize(&l, &so, 250 * 86400, seed);
        rand_log_free(&l);
    }
}

static void test_builder_merges_same_day_purchases_and_keeps_memory_per_customer_day(void **state)
{
    (void)state;
    /* Customer 5 as in test_summarize_into_days_and_its_errors, fed one row
     * at a time and in reverse, plus 1000 rows of customer 6 on one day. */
    int64_t id[] = {5, 5, 5, 5}, t[] = {10 * 86400, 3 * 86400 + 60, 3 * 86400, 0};
    double v[] = {1, 6, 4, 10};
    svcm_customers_builder_options o;
    svcm_customers_builder_options_init(&o);
    o.summary.period = 86400.0;
    o.end = 20 * 86400;
    svcm_customers_builder *b = NULL;
    svcm_error err;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(svcm_customers_builder_add(b, id + i, t + i, v + i, 1, &err), SVCM_OK);
    int64_t id6 = 6, t6 = 5 * 86400 + 7;
    double v6 = 2.0;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(svcm_customers_builder_add(b, &id6, &t6, &v6, 1, &err), SVCM_OK);
    struct svcm_customers_builder_result r;
    assert_int_equal(svcm_customers_builder_result(b, &r), SVCM_OK);
    assert_int_equal(r.rows, 1004);
    assert_int_equal(r.periods, 4); /* days 0, 3, 10 of 5; day 5 of 6 */
    assert_true(r.bytes > 0);
    svcm_customers *c = NULL;
    assert_int_equal(svcm_customers_builder_finish(b, NULL, &c, &err), SVCM_OK);
    assert_int_equal(c->unit, SVCM_TIME_UNIT_DAY);
    assert_int_equal(c->n, 2);
    assert_true(c->id[0] == 5 && c->id[1] == 6);
    assert_true(c->x[0] == 2.0 && c->t_x[0] == 10.0 && c->T[0] == 20.0);
    assert_true(c->monetary[0] == 21.0 && c->mean_repeat_spend[0] == 5.5);
    assert_true(c->x[1] == 0.0 && c->T[1] == 15.0 && c->monetary[1] == 2000.0);
    svcm_customers_free(c);
    /* the builder stays usable: a later row, and the table again */
    int64_t t7 = 19 * 86400;
    assert_int_equal(svcm_customers_builder_add(b, &id6, &t7, &v6, 1, &err), SVCM_OK);
    assert_int_equal(svcm_customers_builder_finish(b, NULL, &c, &err), SVCM_OK);
    assert_true(c->x[1] == 1.0 && c->t_x[1] == 14.0 && c->mean_repeat_spend[1] == 2.0);
    svcm_customers_free(c);
    /* an empty builder gives an empty table */
    svcm_customers_builder *e = NULL;
    assert_int_equal(svcm_customers_builder_new(NULL, NULL, &e, &err), SVCM_OK);
    assert_int_equal(svcm_customers_builder_add(e, NULL, NULL, NULL, 0, &err), SVCM_OK);
    assert_int_equal(svcm_customers_builder_finish(e, NULL, &c, &err), SVCM_OK);
    assert_int_equal(c->n, 0);
    assert_int_equal(c->unit, SVCM_TIME_UNIT_WEEK);
    svcm_customers_free(c);
    svcm_customers_builder_free(e);
    svcm_customers_builder_free(b);
    svcm_customers_builder_free(NULL);
}

static void test_builder_rejects_bad_options_rows_and_merges_naming_the_field(void **state)
{
    (void)state;
    svcm_customers_builder_options o;
    svcm_customers_builder_options_init(&o);
    svcm_customers_builder *b = (svcm_customers_builder *)&o, *b2 = NULL;
    svcm_error err;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, NULL, &err), SVCM_EINVAL);
    o.summary.granularity = 0;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_EINVAL);
    assert_null(b);
    assert_string_equal(err.field, "granularity");
    svcm_customers_builder_options_init(&o);
    o.summary.period = NAN;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "period");
    o.summary.period = 3600.0;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "period");
    svcm_customers_builder_options_init(&o);
    o.summary.returns = (svcm_summary_returns)42;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "returns");
    svcm_customers_builder_options_init(&o);
    o.summary.offset = 5;
    o.end = INT64_MIN;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "end");
    svcm_customers_builder_options_init(&o);
    o.end = 10 * 86400;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b, &err), SVCM_OK);
    /* rows: the first bad one, by its position in the batch; nothing added */
    int64_t id[] = {1, 2, 3}, t[] = {0, 86400, 2 * 86400};
    double v[] = {1, -2, 3};
    assert_int_equal(svcm_customers_builder_add(b, id, t, v, 3, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    v[1] = INFINITY;
    assert_int_equal(svcm_customers_builder_add(b, id, t, v, 3, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    v[1] = 2;
    t[2] = INT64_MAX;
    svcm_customers_builder_options_init(&o);
    o.summary.offset = -1;
    o.end = 0;
    assert_int_equal(svcm_customers_builder_new(&o, NULL, &b2, &err), SVCM_OK);
    assert_int_equal(svcm_customers_builder_add(b2, id, t, v, 3, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "time");
    assert_int_equal(err.index, 2);
    t[2] = 2 * 86400;
    assert_int_equal(svcm_customers_builder_add(b, NULL, t, v, 3, &err), SVCM_EINVAL);
    assert_int_equal(svcm_customers_builder_add(NULL, id, t, v, 3, &err), SVCM_EINVAL);
    struct svcm_customers_builder_result r;
    assert_int_equal(svcm_customers_builder_result(b, &r), SVCM_OK);
    assert_int_equal(r.rows, 0);
    assert_int_equal(r.periods, 0);
    assert_int_equal(svcm_customers_builder_result(NULL, &r), SVCM_EINVAL);
    assert_int_equal(svcm_customers_builder_result(b, NULL), SVCM_EINVAL);
    /* merges: different options, itself, NULL */
    assert_int_equal(svcm_customers_builder_merge(b, b2, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "opts");
    assert_int_equal(svcm_customers_builder_merge(b, b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "src");
    assert_int_equal(svcm_customers_builder_merge(NULL, b, &err), SVCM_EINVAL);
    /* finish: NULL out, an incomplete allocator */
    svcm_customers *c = (svcm_customers *)&r;
    assert_int_equal(svcm_customers_builder_finish(b, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_customers_builder_finish(NULL, NULL, &c, &err), SVCM_EINVAL);
    assert_null(c);
    svcm_allocator no_free = {NULL, NULL, NULL, NULL};
    assert_int_equal(svcm_customers_builder_finish(b, &no_free, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    /* a monetary total beyond the double range, as the summarizer says */
    int64_t id2[] = {8, 9, 9}, t2[] = {0, 0, 86400};
    double v2[] = {1, DBL_MAX, DBL_MAX};
    assert_int_equal(svcm_customers_builder_add(b, id2, t2, v2, 3, &err), SVCM_OK);
    assert_int_equal(svcm_customers_builder_finish(b, NULL, &c, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "value");
    assert_int_equal(err.index, 1);
    assert_non_null(strstr(err.message, "customer 9"));
    assert_null(c);
    assert_int_equal(svcm_customers_summarize(id2, t2, v2, 3, 10 * 86400, NULL, NULL, &c, &err),
                     SVCM_ERANGE);
    svcm_customers_builder_free(b);
    svcm_customers_builder_free(b2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_units_have_their_lengths_in_seconds),
        cmocka_unit_test(test_new_table_has_zeroed_chosen_columns_and_frees_through_its_allocator),
        cmocka_unit_test(test_new_table_rejects_bad_shapes),
        cmocka_unit_test(test_summarized_cdnow_table_reproduces_cdnow_summary_csv),
        cmocka_unit_test(test_summarize_into_days_and_its_errors),
        cmocka_unit_test(test_summary_returns_are_an_error_by_default_naming_the_row),
        cmocka_unit_test(test_summary_returns_net_within_their_slot_and_cancel_slots_at_or_below_zero),
        cmocka_unit_test(test_summary_returns_drop_leaves_negative_rows_out),
        cmocka_unit_test(test_summary_range_errors_come_after_the_capacity_check),
        cmocka_unit_test(test_bridge_on_summarized_cdnow_reproduces_published_models),
        cmocka_unit_test(test_bridge_from_rfm_columns_in_days_matches_lifetime_columns_in_weeks),
        cmocka_unit_test(test_mean_spend_including_first_purchase_misses_published_gammagamma),
        cmocka_unit_test(test_bridge_with_model_unit_days_scales_alpha_by_seven),
        cmocka_unit_test(test_bridge_rejects_bad_tables_and_options_naming_the_field),
        cmocka_unit_test(test_bridge_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_segment_table_in_weeks_matches_the_same_table_in_days),
        cmocka_unit_test(test_segment_table_reads_records_with_flags_in_weeks),
        cmocka_unit_test(test_segment_table_errors),
        cmocka_unit_test(test_builder_matches_summarize_on_shuffled_random_logs),
        cmocka_unit_test(test_builder_matches_summarize_bit_for_bit_on_any_doubles_in_time_order),
        cmocka_unit_test(test_builder_merges_same_day_purchases_and_keeps_memory_per_customer_day),
        cmocka_unit_test(test_builder_rejects_bad_options_rows_and_merges_naming_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
