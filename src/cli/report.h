/* svcm report: one self-contained HTML page from the inputs of the other
 * commands (used by `svcm report` and `svcm demo`). */
#ifndef SVCM_CLI_REPORT_H
#define SVCM_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"

/* What to report on: each input is optional (NULL: its section is left
 * out); strings are borrowed. */
typedef struct cli_report_opts {
    const char *output; /* the HTML file (default "report.html"; "-": stdout) */
    const char *title;  /* page title (default "Service report") */
    const char *customers, *customers_prev; /* svcm segment FILE / --migrate PREV FILE */
    const char *transactions, *as_of;       /* svcm segment --transactions LOG --as-of D */
    bool lifetime;                          /* svcm segment --lifetime */
    const char *tickets;                    /* svcm kpi FILE (tickets) */
    const char *surveys;                    /* svcm kpi FILE (survey answers) */
    const char *by;                         /* --by COLUMN for both ("" or NULL: none) */
    const char *open, *now;                 /* svcm priority FILE [--now INSTANT] */
    long top;                               /* items listed per quadrant */
    const char *cycle;                      /* svcm pdca FILE */
    const char *intervals;                  /* svcm staff --intervals FILE */
    const char *interval, *shrinkage, *target_sl, *target_s; /* staff options (text) */
    const char *targets;                    /* targets text, evaluated on tickets and surveys */
    const char *events, *funnel;            /* event log and the funnel's steps "a,b,c" */
    double window;                          /* funnel window in seconds; 0: none */
    const cli_read_opts *read;              /* how to read CSV (NULL: defaults) */
    /* reading options given to every command that reads CSV (argv pieces) */
    char **read_args;
    size_t n_read_args;
} cli_report_opts;

/* Defaults: no inputs, report.html, --by channel, 5 items, 1800 s. */
void cli_report_opts_init(cli_report_opts *o);
/* Write the report. Returns a CLI exit code (messages printed). */
int cli_report_write(const cli_report_opts *o);

#endif /* SVCM_CLI_REPORT_H */
