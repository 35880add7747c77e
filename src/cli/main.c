/* svcm: the command-line tool. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "svcm.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"calls", cli_cmd_calls, "interval reports (service level, ASA, abandons) from a call log"},
    {"customers", cli_cmd_customers, "customer table (x, t_x, T, RFM) from a transaction log"},
    {"demo", cli_cmd_demo, "write a synthetic data set and run every command on it"},
#ifdef SVCM_CLI_HAVE_JOURNEY
    {"journey", cli_cmd_journey, "touchpoint funnel, paths and last touchpoint before loss"},
#endif
    {"kpi", cli_cmd_kpi, "ticket KPIs (times, SLA, FCR) or survey KPIs (NPS, CSAT, CES)"},
    {"lifetime", cli_cmd_lifetime, "fit a purchase model on a calibration period, check a holdout"},
    {"pdca", cli_cmd_pdca, "a saved PDCA cycle: goal, actions, Check, signals, audit"},
    {"priority", cli_cmd_priority, "dispatch order with Eisenhower quadrant and ITIL priority"},
#ifdef SVCM_CLI_HAVE_REPORT
    {"report", cli_cmd_report, "one self-contained HTML report of every engine"},
#endif
#ifdef SVCM_CLI_HAVE_SCORECARD
    {"scorecard", cli_cmd_scorecard, "KPI targets with statistical verdicts (met, missed, undetermined)"},
#endif
    {"segment", cli_cmd_segment, "five-tier customer segmentation with RFM scores"},
    {"staff", cli_cmd_staff, "Erlang C staffing for an interval"},
};

static void usage(FILE *out)
{
    fputs("usage: svcm [--version] [--help] COMMAND [ARGS]\n"
          "\n"
          "Service metrics over CSV files: customer tiers, priorities, PDCA\n"
          "cycles and KPIs, computed by the svcm library.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "options:\n"
          "  --version   print the version and exit\n"
          "  --help      print this help and exit\n"
          "\n"
          "svcm COMMAND --help describes a command. Exit status: 0 success,\n"
          "1 bad data or a failed computation, 2 usage error.\n",
          out);
}

/* Output that went to standard output outside cli_out (help texts, the demo's
 * narration) must not fail silently either. */
static int flushed(int code)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return code;
    if (code != CLI_EXIT_OK) /* the command has said what went wrong */
        return code;
    int why = errno ? errno : cli_stdout_errno ? cli_stdout_errno : EIO;
    fprintf(stderr, "svcm: cannot write standard output: %s\n", strerror(why));
    return CLI_EXIT_DATA;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("svcm %s\n", svcm_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "svcm: unknown command '%s' (try svcm --help)\n", argv[1]);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv) { return flushed(dispatch(argc, argv)); }
