/* svcm staff: Erlang C staffing for one interval. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "svcm/erlang.h"

static const char staff_help[] =
    "usage: svcm staff --calls N --aht S --interval S [--target-sl P] [--target-s S]\n"
    "                  [--max-occupancy P] [--max-asa S] [--shrinkage P] [common options]\n"
    "\n"
    "Smallest number of agents meeting a service-level goal under Erlang C (M/M/N),\n"
    "and what agent counts around it achieve.\n"
    "\n"
    "  --calls N          calls offered in the interval\n"
    "  --aht S            average handle time, seconds\n"
    "  --interval S       interval length, seconds (e.g. 1800)\n"
    "  --target-sl P      service-level goal, fraction (default 0.8)\n"
    "  --target-s S       answer-time target, seconds (default 20)\n"
    "  --max-occupancy P  occupancy cap, fraction (default none)\n"
    "  --max-asa S        average speed of answer goal, seconds (default none)\n"
    "  --shrinkage P      fraction of paid time off the phones (default 0)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP;

static int add_row(cli_table *t, const struct svcm_erlang_result *r, const char *note)
{
    int rc = cli_table_int(t, r->agents);
    rc |= cli_table_int(t, r->staff);
    rc |= cli_table_num(t, r->traffic, 2);
    rc |= cli_table_num(t, 100.0 * r->service_level, 1);
    rc |= cli_table_num(t, r->asa_s, 1);
    rc |= cli_table_num(t, 100.0 * r->occupancy, 1);
    rc |= cli_table_num(t, 100.0 * r->p_wait, 1);
    rc |= cli_table_str(t, note);
    return rc;
}

/* The option a library field name came from. */
static const char *option_of(const char *field)
{
    static const char *const map[][2] = {
        {"calls", "--calls"},
        {"aht_s", "--aht"},
        {"interval_s", "--interval"},
        {"target_sl", "--target-sl"},
        {"target_answer_s", "--target-s"},
        {"max_occupancy", "--max-occupancy"},
        {"max_asa_s", "--max-asa"},
        {"shrinkage", "--shrinkage"},
    };
    for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return field ? field : "input";
}

/* The table of agent counts around the smallest that meets the goals. */
static int staff_table(const cli_common *c, double calls, double aht, double interval,
                       const svcm_erlang_options *o)
{
    svcm_error err;
    double traffic;
    int rc = svcm_erlang_traffic(calls, aht, interval, &traffic, &err);
    struct svcm_erlang_result best;
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff(traffic, aht, o, &best, &err);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm staff: %s: %s\n", option_of(err.field),
                err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    static const char *const cols[] = {"agents", "staff", "erlangs", "sl_pct", "asa_s",
                                       "occupancy_pct", "p_wait_pct", "note"};
    char *title = cli_strdupf("Erlang C staffing: %.0f calls, AHT %.0f s, interval %.0f s, "
                              "goal %.0f%% in %.0f s",
                              calls, aht, interval, 100.0 * o->target_sl, o->target_answer_s);
    cli_table t;
    bool have_t = title != NULL;
    int bad = !have_t || cli_table_init(&t, title, 8, cols) != 0;
    free(title);
    uint32_t lo = best.agents > 3 ? best.agents - 3 : 1;
    for (uint32_t n = lo; n <= best.agents + 3 && !bad; n++) {
        struct svcm_erlang_result r;
        if (n == best.agents) {
            bad |= add_row(&t, &best, "smallest meeting the goals");
            continue;
        }
        if (svcm_erlang_eval(traffic, aht, n, o, &r, NULL) != SVCM_OK)
            continue;
        bad |= add_row(&t, &r, n < best.agents ? "misses a goal" : "");
    }
    cli_table *tables[] = {&t};
    if (bad)
        fprintf(stderr, "svcm staff: out of memory\n");
    int code = bad ? CLI_EXIT_DATA : cli_emit(c, tables, NULL, 1);
    if (have_t)
        cli_table_free(&t);
    return code;
}

int cli_cmd_staff(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "staff"};
    cli_common c;
    cli_common_init(&c, "staff");
    double calls = NAN, aht = NAN, interval = NAN;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(staff_help, stdout);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--calls")) {
            calls = cli_opt_double(&a, "--calls");
        } else if (cli_opt(&a, "--aht")) {
            aht = cli_opt_double(&a, "--aht");
        } else if (cli_opt(&a, "--interval")) {
            interval = cli_opt_double(&a, "--interval");
        } else if (cli_opt(&a, "--target-sl")) {
            o.target_sl = cli_opt_double(&a, "--target-sl");
        } else if (cli_opt(&a, "--target-s")) {
            o.target_answer_s = cli_opt_double(&a, "--target-s");
        } else if (cli_opt(&a, "--max-occupancy")) {
            o.max_occupancy = cli_opt_double(&a, "--max-occupancy");
        } else if (cli_opt(&a, "--max-asa")) {
            o.max_asa_s = cli_opt_double(&a, "--max-asa");
        } else if (cli_opt(&a, "--shrinkage")) {
            o.shrinkage = cli_opt_double(&a, "--shrinkage");
        } else if (!cli_common_opt(&a, &c)) {
            cli_usage_error(&a, "unknown argument '%s'", argv[a.i]);
        }
    }
    if (isnan(calls) || isnan(aht) || isnan(interval))
        cli_usage_error(&a, "--calls, --aht and --interval are required");
    if (c.svg)
        cli_usage_error(&a, "--svg is not available for staff");
    int code = staff_table(&c, calls, aht, interval, &o);
    cli_common_free(&c);
    return code;
}
