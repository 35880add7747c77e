/* svcm demo: write a synthetic help-desk data set and run every command on it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo_data.h"

static const char demo_help[] =
    "usage: svcm demo [--dir DIR] [--customers N] [--tickets N] [--answers N] [--data-only]\n"
    "\n"
    "Writes a deterministic synthetic data set (customers.csv, tickets.csv,\n"
    "feedback.csv; the same bytes on every run) into DIR (default svcm-demo/) and\n"
    "runs the svcm commands on it, printing what each one reports.\n";

typedef int (*gen_fn)(FILE *, uint64_t, long);

static int write_file(const char *dir, const char *name, gen_fn gen, uint64_t seed, long n,
                      char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    cli_out o;
    if (cli_out_open(&o, path) != 0) {
        fprintf(stderr, "svcm demo: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (gen(o.f, seed, n) != 0) {
        cli_out_abort(&o);
        fprintf(stderr, "svcm demo: write error on %s\n", path);
        return -1;
    }
    return cli_out_commit(&o);
}

/* Run a subcommand with the given arguments, after a heading. */
static int run(const char *heading, int (*cmd)(int, char **), char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    printf("\n=== %s\n$ svcm", heading);
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n\n");
    fflush(stdout);
    int rc = cmd(argc, argv);
    fflush(stdout);
    return rc;
}

int cli_cmd_demo(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "demo"};
    const char *dir = "svcm-demo";
    long n_cust = 3000, n_tick = 2000, n_ans = 3000;
    int data_only = 0;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(demo_help, stdout);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--dir")) {
            dir = a.value;
        } else if (cli_opt(&a, "--customers")) {
            n_cust = (long)cli_opt_int(&a, "--customers", 1, 100000000);
        } else if (cli_opt(&a, "--tickets")) {
            n_tick = (long)cli_opt_int(&a, "--tickets", 1, 100000000);
        } else if (cli_opt(&a, "--answers")) {
            n_ans = (long)cli_opt_int(&a, "--answers", 1, 100000000);
        } else if (cli_flag(&a, "--data-only")) {
            data_only = 1;
        } else {
            cli_usage_error(&a, "unknown argument '%s'", argv[a.i]);
        }
    }
    if (cli_mkdir(dir) != 0) {
        fprintf(stderr, "svcm demo: cannot create %s: %s\n", dir, strerror(errno));
        return CLI_EXIT_DATA;
    }
    char customers[4096], tickets[4096], feedback[4096];
    if (write_file(dir, "customers.csv", cli_demo_customers, 0x5EC7u, n_cust, customers,
                   sizeof customers) != 0 ||
        write_file(dir, "tickets.csv", cli_demo_tickets, 0x71C3u, n_tick, tickets,
                   sizeof tickets) != 0 ||
        write_file(dir, "feedback.csv", cli_demo_feedback, 0xFEEDu, n_ans, feedback,
                   sizeof feedback) != 0)
        return CLI_EXIT_DATA;
    printf("svcm %s demo: wrote %s (%ld customers), %s (%ld tickets), %s (%ld answers)\n",
           svcm_version(), customers, n_cust, tickets, n_tick, feedback, n_ans);
    if (data_only)
        return CLI_EXIT_OK;
    char svg_tiers[4200];
    snprintf(svg_tiers, sizeof svg_tiers, "%s/tiers.svg", dir);
    int rc = 0;
    rc |= run("Customer tiers", cli_cmd_segment,
              (char *[]){"segment", customers, "--summary-only", "--svg", svg_tiers, NULL});
    rc |= run("Staffing one half hour of calls", cli_cmd_staff,
              (char *[]){"staff", "--calls", "360", "--aht", "240", "--interval", "1800",
                         "--target-sl", "0.8", "--target-s", "20", NULL});
    return rc ? CLI_EXIT_DATA : CLI_EXIT_OK;
}
