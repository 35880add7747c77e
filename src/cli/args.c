/* Option parsing and output plumbing shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <sys/stat.h>

#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_stdout_errno;

void cli_puts(const char *s)
{
    errno = 0;
    if (fputs(s, stdout) == EOF && cli_stdout_errno == 0)
        cli_stdout_errno = errno;
}

void cli_usage_error(const cli_args *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "svcm %s: ", a->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try svcm %s --help)\n", a->cmd);
    exit(CLI_EXIT_USAGE);
}

bool cli_opt(cli_args *a, const char *name)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        a->value = arg + n + 1;
        a->i++;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (a->i + 1 >= a->argc)
        cli_usage_error(a, "option %s needs a value", name);
    a->value = a->argv[a->i + 1];
    a->i += 2;
    return true;
}

bool cli_flag(cli_args *a, const char *name)
{
    if (strcmp(a->argv[a->i], name) != 0)
        return false;
    a->i++;
    return true;
}

void cli_common_init(cli_common *c, const char *cmd)
{
    memset(c, 0, sizeof *c);
    c->cmd = cmd;
    c->format = CLI_TEXT;
    cli_read_opts_init(&c->read);
}

void cli_common_free(cli_common *c)
{
    svcm_zone_free(c->zone);
    c->zone = NULL;
    c->read.zone = NULL;
    free(c->rename_from);
    free(c->rename_to);
    c->rename_from = c->rename_to = NULL;
    c->n_renames = c->cap_renames = 0;
}

/* Record FIELD=COLUMN, split in place at eq (the argument vector is ours). */
static int add_rename(cli_common *c, const char *value, const char *eq)
{
    if (c->n_renames == c->cap_renames) {
        size_t cap = c->cap_renames ? 2 * c->cap_renames : 8;
        const char **from = realloc(c->rename_from, cap * sizeof *from);
        if (from != NULL)
            c->rename_from = from;
        const char **to = from ? realloc(c->rename_to, cap * sizeof *to) : NULL;
        if (to == NULL)
            return -1;
        c->rename_to = to;
        c->cap_renames = cap;
    }
    char *v = (char *)value;
    v[eq - value] = '\0';
    c->rename_from[c->n_renames] = v;
    c->rename_to[c->n_renames] = eq + 1;
    c->n_renames++;
    return 0;
}

/* The reading options of CLI_READ_HELP; true when consumed. */
static bool cli_read_opt(cli_args *a, cli_common *c)
{
    cli_read_opts *o = &c->read;
    if (cli_opt(a, "--separator")) {
        const char *v = a->value;
        o->whitespace = strcmp(v, "whitespace") == 0;
        if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
            o->sep = '\t';
        else if (!o->whitespace && (strlen(v) != 1 || v[0] == '"' || v[0] == '\n' ||
                                    v[0] == '\r' || (unsigned char)v[0] >= 0x80))
            cli_usage_error(a, "--separator takes one ASCII character other than a quote or a "
                            "line end, 'tab' or 'whitespace', not '%s'", v);
        else if (!o->whitespace)
            o->sep = v[0];
        return true;
    }
    if (cli_flag(a, "--no-header")) {
        o->no_header = true;
        return true;
    }
    if (cli_opt(a, "--na")) {
        o->na = a->value;
        return true;
    }
    if (cli_opt(a, "--encoding")) {
        const char *v = a->value;
        if (strcmp(v, "utf-8") == 0 || strcmp(v, "UTF-8") == 0 || strcmp(v, "utf8") == 0)
            o->latin1 = false;
        else if (strcmp(v, "latin-1") == 0 || strcmp(v, "latin1") == 0 ||
                 strcmp(v, "iso-8859-1") == 0 || strcmp(v, "ISO-8859-1") == 0)
            o->latin1 = true;
        else
            cli_usage_error(a, "--encoding must be utf-8 or latin-1, not '%s'", v);
        return true;
    }
    if (cli_opt(a, "--time-format")) {
        o->time.format = a->value;
        return true;
    }
    if (cli_opt(a, "--epoch")) {
        if (strcmp(a->value, "s") == 0)
            o->time.epoch = SVCM_TIME_EPOCH_S;
        else if (strcmp(a->value, "ms") == 0)
            o->time.epoch = SVCM_TIME_EPOCH_MS;
        else
            cli_usage_error(a, "--epoch must be s or ms, not '%s'", a->value);
        return true;
    }
    if (cli_opt(a, "--ambiguous")) {
        if (strcmp(a->value, "earlier") == 0)
            o->time.ambiguous = SVCM_TIME_AMBIGUOUS_EARLIER;
        else if (strcmp(a->value, "later") == 0)
            o->time.ambiguous = SVCM_TIME_AMBIGUOUS_LATER;
        else if (strcmp(a->value, "error") == 0)
            o->time.ambiguous = SVCM_TIME_AMBIGUOUS_ERROR;
        else
            cli_usage_error(a, "--ambiguous must be earlier, later or error, not '%s'",
                            a->value);
        return true;
    }
    if (cli_opt(a, "--tz")) {
        svcm_zone *z = NULL;
        svcm_error err;
        int rc = svcm_zone_new(a->value, NULL, &z, &err);
        if (rc != SVCM_OK)
            cli_usage_error(a, "--tz '%s': %s", a->value,
                            err.message[0] ? err.message : svcm_strerror(rc));
        svcm_zone_free(c->zone);
        c->zone = z;
        c->tz = a->value;
        o->zone = z;
        return true;
    }
    return false;
}

/* After the options: a format or epoch with a text field checked once, so
 * a bad --time-format is a usage error, not an error on every row. */
static void check_time_options(const cli_args *a, const cli_common *c)
{
    const svcm_time_options *t = &c->read.time;
    if (t->format == NULL && t->epoch == SVCM_TIME_EPOCH_NONE)
        return;
    if (t->format != NULL && t->epoch != SVCM_TIME_EPOCH_NONE)
        cli_usage_error(a, "--time-format and --epoch exclude each other");
    int64_t s;
    svcm_error err;
    int rc = svcm_time_parse("", 0, t, NULL, &s, NULL, &err);
    if (rc == SVCM_EINVAL)
        cli_usage_error(a, "--time-format '%s': %s", t->format ? t->format : "",
                        err.message[0] ? err.message : svcm_strerror(rc));
}

bool cli_common_opt(cli_args *a, cli_common *c)
{
    if (cli_opt(a, "--format")) {
        if (cli_format_parse(a->value, &c->format) != 0)
            cli_usage_error(a, "--format must be text, csv or json, not '%s'", a->value);
        return true;
    }
    if (cli_opt(a, "--output") || cli_opt(a, "-o")) {
        c->output = a->value;
        return true;
    }
    if (cli_opt(a, "--svg")) {
        c->svg = a->value;
        return true;
    }
    if (cli_read_opt(a, c))
        return true;
    if (cli_opt(a, "--col")) {
        const char *eq = strchr(a->value, '=');
        if (eq == NULL || eq == a->value || eq[1] == '\0')
            cli_usage_error(a, "--col needs FIELD=COLUMN, got '%s'", a->value);
        if (add_rename(c, a->value, eq) != 0) {
            fprintf(stderr, "svcm %s: out of memory\n", a->cmd);
            exit(CLI_EXIT_DATA);
        }
        return true;
    }
    return false;
}

void cli_common_check(const cli_args *a, const cli_common *c)
{
    check_time_options(a, c);
    if (c->svg && cli_same_output(c->output, c->svg))
        cli_usage_error(a, "--output and --svg name the same destination '%s'",
                        c->output ? c->output : "-");
}

const char *cli_colname(const cli_common *c, const char *field)
{
    for (size_t i = c->n_renames; i-- > 0;)
        if (strcmp(c->rename_from[i], field) == 0)
            return c->rename_to[i];
    return field;
}

void cli_common_or_file(cli_args *a, cli_common *c, const char **file)
{
    if (cli_common_opt(a, c))
        return;
    const char *arg = a->argv[a->i];
    if (arg[0] == '-' && arg[1] != '\0')
        cli_usage_error(a, "unknown option '%s'", arg);
    if (*file != NULL)
        cli_usage_error(a, "one input file expected, got '%s' too", arg);
    *file = arg;
    a->i++;
}

void cli_text_error(const char *cmd, const char *path, const svcm_error *err, int rc)
{
    char at[64] = "";
    if (err->line > 0 && err->column > 0)
        snprintf(at, sizeof at, ":%zu:%zu", err->line, err->column);
    else if (err->line > 0)
        snprintf(at, sizeof at, ":%zu", err->line);
    fprintf(stderr, "svcm %s: %s%s: %s%s%s\n", cmd, path, at, err->field ? err->field : "",
            err->field ? ": " : "", err->message[0] ? err->message : svcm_strerror(rc));
}

int cli_read_file(const char *path, char **text, size_t *len)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int err = 0;
    for (;;) {
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p = ncap > cap ? realloc(buf, ncap) : NULL;
            if (p == NULL) {
                err = ENOMEM;
                break;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (err == 0 && ferror(f))
        err = EIO;
    if (!is_stdin)
        fclose(f);
    if (err != 0) {
        free(buf);
        errno = err;
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

double cli_opt_double(const cli_args *a, const char *name)
{
    cli_field f = {a->value, strlen(a->value)};
    double v;
    if (cli_parse_double(&f, &v) != CLI_PARSE_OK)
        cli_usage_error(a, "%s: '%s' is not a number", name, a->value);
    return v;
}

double cli_opt_duration(const cli_args *a, const char *name)
{
    static const char units[] = "smhd";
    static const double seconds[] = {1.0, 60.0, 3600.0, 86400.0};
    size_t n = strlen(a->value);
    const char *u = n ? strchr(units, a->value[n - 1]) : NULL;
    /* The number before the unit: strtod stops at the unit letter. */
    cli_field f = {a->value, u ? n - 1 : n};
    double v;
    if (cli_parse_double(&f, &v) != CLI_PARSE_OK || v < 0)
        cli_usage_error(a, "%s: '%s' is not a duration (e.g. 3600, 90m, 4h, 2d)", name, a->value);
    return v * (u ? seconds[u - units] : 1.0);
}

long long cli_opt_int(const cli_args *a, const char *name, long long min, long long max)
{
    char *end;
    errno = 0;
    long long v = strtoll(a->value, &end, 10);
    if (a->value[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max)
        cli_usage_error(a, "%s: '%s' is not an integer in %lld..%lld", name, a->value, min, max);
    return v;
}

int cli_emit(const cli_common *c, cli_table *const *tables, const char *const *keys, size_t n)
{
    cli_out out;
    if (cli_out_open(&out, c->cmd, c->output) != 0)
        return CLI_EXIT_DATA;
    /* Several tables: text and CSV put a blank line between them, JSON makes
     * an object with one array per key. A write error is kept in the stream
     * and reported by the commit. */
    bool wrap = c->format == CLI_JSON && n > 1;
    if (wrap)
        fputc('{', out.f);
    for (size_t i = 0; i < n; i++) {
        if (i && !wrap)
            fputs(c->format == CLI_CSV ? "\r\n" : "\n", out.f);
        if (wrap)
            fprintf(out.f, "%s\"%s\": ", i ? ",\n" : "", keys[i]);
        cli_table_write(tables[i], out.f, c->format);
    }
    if (wrap)
        fputs("}\n", out.f);
    return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

char *cli_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

int cli_mkdir(const char *path)
{
    struct stat st;
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

void cli_format_instant(int64_t t, char *buf, size_t size)
{
    /* Civil date from days (Hinnant's algorithm), no time zone database. */
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
             (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60),
             (long long)(secs % 60));
}
