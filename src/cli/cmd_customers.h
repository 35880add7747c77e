/* Reading a transaction log (customer id, time, amount) into the customer
 * table: shared by `svcm customers` and `svcm segment --transactions`. */
#ifndef SVCM_CLI_CMD_CUSTOMERS_H
#define SVCM_CLI_CMD_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "load.h"
#include "svcm/lifetime.h"
#include "svcm/segment.h"

/* How to read a log. */
typedef struct cust_log_opts {
    const char *id_col, *time_col, *amount_col; /* header names (after --col) */
    int64_t as_of;                              /* the last day included (any instant of it) */
    svcm_time_unit period;                      /* slot of same-period merging: day or week */
    svcm_time_unit unit;                        /* unit of x/t_x/T/recency/tenure: day or week */
    svcm_summary_returns returns;               /* negative amounts */
    bool skip_missing_id;                       /* count rows with an empty id instead of failing */
    bool keep_rows; /* also keep every row up to --as-of (cust_log.row_*); memory then grows
                       with the rows */
    const cli_read_opts *read; /* --separator, --no-header, --na, --encoding, --time-format,
                                  --epoch, --tz, --ambiguous; NULL: the defaults */
} cust_log_opts;

/* Defaults: columns id, time, amount; day periods in days; returns are an
 * error; as_of must be set by the caller. */
void cust_log_opts_init(cust_log_opts *o);

/* The customer table of a log and what was left out. */
typedef struct cust_log {
    svcm_customers *table;             /* owned; table->id[i] indexes the id strings */
    char *arena;                       /* the id strings, NUL-terminated */
    size_t *id_off;                    /* arena offset of id k */
    size_t n_ids;                      /* distinct ids read (before --as-of) */
    int64_t slot_seconds, slot_offset; /* slot geometry (first/last purchase dates) */
    /* the report */
    uint64_t rows;        /* data rows read */
    uint64_t after_as_of; /* rows after the --as-of day, left out */
    uint64_t missing_id;  /* rows with an empty id, skipped */
    uint64_t returns;     /* rows up to --as-of with a negative amount */
    size_t no_purchase;   /* ids up to --as-of left without a purchase (net returns) */
    /* the rows up to --as-of the table was made from, in file order (row_id:
     * the id number k of id_off), for commands that need the purchases
     * themselves (svcm lifetime); freed by cust_log_free */
    int64_t *row_id, *row_time;
    double *row_value;
    size_t n_rows;
} cust_log;

/* Read path ("-": standard input) and summarise it. Errors are printed as
 * "svcm CMD: FILE:LINE:COLUMN: FIELD: message". Returns 0 or an exit code;
 * on failure *out holds nothing to free. */
int cust_log_read(const char *cmd, const char *path, const cust_log_opts *o, cust_log *out);
void cust_log_free(cust_log *l);
/* The id string of table row i. */
const char *cust_log_id(const cust_log *l, size_t i);
/* The report as one line on stderr: "svcm CMD: FILE: ...". */
void cust_log_report(const char *cmd, const char *path, const cust_log *l, const cust_log_opts *o);
/* Parse day|week for option name; a usage error otherwise. */
svcm_time_unit cust_opt_unit(const cli_args *a, const char *name);
/* Parse net|drop|error; a usage error otherwise. */
svcm_summary_returns cust_opt_returns(const cli_args *a);
/* Parse --as-of: an INSTANT; a usage error otherwise. */
int64_t cust_opt_as_of(const cli_args *a);
/* The log options every log-reading command takes: --period, --unit
 * (sets *unit_given), --returns and --skip-missing-id (and --as-of when
 * as_of is true). True when argument a->i was one of them (consumed). */
bool cust_log_opt(cli_args *a, cust_log_opts *o, bool as_of, bool *unit_given);

/* Help lines shared by both commands. */
#define CUST_LOG_HELP \
    "  --col FIELD=COLUMN the log's columns for the fields id, time and amount\n" \
    "                     (defaults: columns named id, time, amount)\n" \
    "  --as-of DATE       end of observation (required): the whole UTC day of DATE is\n" \
    "                     included; rows after it are left out and counted\n" \
    "  --period P         day (default) or week: purchases of one customer in the same\n" \
    "                     UTC day, or ISO week (Monday to Sunday, UTC), are merged into\n" \
    "                     one purchase worth their sum\n" \
    "  --unit U           day or week: unit of t_x, T, recency and tenure (default: the\n" \
    "                     period; --period day --unit week is the Fader-Hardie-Lee\n" \
    "                     CDNOW summary)\n" \
    "  --returns R        negative amounts: error (default; names FILE:LINE:COLUMN),\n" \
    "                     drop (left out and counted) or net (added into the total of\n" \
    "                     their period; a period holding a return that nets to <= 0 is\n" \
    "                     not a purchase, and a return is never carried to another\n" \
    "                     period)\n" \
    "  --skip-missing-id  skip rows with an empty id and count them (default: error)\n" \
    "  (the reading options below: --tz, --time-format, --separator ... read the\n" \
    "  times and fields; days and weeks are UTC days and weeks whatever --tz; an\n" \
    "  --na token in the id column is a missing id)\n"

#endif /* SVCM_CLI_CMD_CUSTOMERS_H */
