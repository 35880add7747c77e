/* RFC 4180 CSV reader for the svcm command-line tool. */
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CSV_BUF_SIZE (1u << 16)

int cli_csv_open(cli_csv *r, FILE *in, char sep)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->sep = sep;
    r->line = 1;
    r->col = 1;
    r->buf = malloc(CSV_BUF_SIZE);
    r->buf_cap = CSV_BUF_SIZE;
    return r->buf ? 0 : -1;
}

void cli_csv_set_whitespace(cli_csv *r) { r->ws = true; }

static inline bool is_blank(int c) { return c == ' ' || c == '\t'; }

/* Does byte c end a field? */
static inline bool ends_field(const cli_csv *r, int c)
{
    return c < 0 || c == '\n' || (r->ws ? is_blank(c) : c == r->sep);
}

void cli_csv_close(cli_csv *r)
{
    free(r->buf);
    free(r->rec);
    free(r->starts);
    free(r->fcol);
    free(r->fline);
    free(r->fields);
    memset(r, 0, sizeof *r);
}

/* Next byte, or -1 at end of input. */
static inline int next_byte(cli_csv *r)
{
    if (r->buf_pos == r->buf_len) {
        if (r->eof)
            return -1;
        r->buf_len = fread(r->buf, 1, r->buf_cap, r->in);
        r->buf_pos = 0;
        if (r->buf_len == 0) {
            r->eof = true;
            return -1;
        }
    }
    int c = r->buf[r->buf_pos++];
    if (c == '\n') {
        r->line++;
        r->col = 1;
    } else {
        r->col++;
    }
    return c;
}

static inline int peek_byte(cli_csv *r)
{
    if (r->buf_pos == r->buf_len) {
        if (r->eof)
            return -1;
        r->buf_len = fread(r->buf, 1, r->buf_cap, r->in);
        r->buf_pos = 0;
        if (r->buf_len == 0) {
            r->eof = true;
            return -1;
        }
    }
    return r->buf[r->buf_pos];
}

static int push_char(cli_csv *r, char c)
{
    if (r->rec_len + 1 >= r->rec_cap) {
        size_t cap = r->rec_cap ? r->rec_cap * 2 : 256;
        char *p = realloc(r->rec, cap);
        if (p == NULL)
            return -1;
        r->rec = p;
        r->rec_cap = cap;
    }
    r->rec[r->rec_len++] = c;
    return 0;
}

/* End the current field: NUL-terminate and record where it started (in
 * rec, and its line and column in the input). */
static int end_field(cli_csv *r, size_t start, uint64_t fline, uint64_t fcol)
{
    if (push_char(r, '\0') < 0)
        return -1;
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
        size_t *s = realloc(r->starts, cap * sizeof *s);
        if (s == NULL)
            return -1;
        r->starts = s;
        cli_field *f = realloc(r->fields, cap * sizeof *f);
        if (f == NULL)
            return -1;
        r->fields = f;
        uint64_t *fc = realloc(r->fcol, cap * sizeof *fc);
        if (fc == NULL)
            return -1;
        r->fcol = fc;
        uint64_t *fl = realloc(r->fline, cap * sizeof *fl);
        if (fl == NULL)
            return -1;
        r->fline = fl;
        r->fields_cap = cap;
    }
    r->fcol[r->nfields] = fcol;
    r->fline[r->nfields] = fline;
    r->starts[r->nfields] = start;
    r->fields[r->nfields].len = r->rec_len - 1 - start;
    r->nfields++;
    return 0;
}

static int fail(cli_csv *r, uint64_t line, uint64_t col, const char *why)
{
    r->error = why;
    r->error_line = line;
    r->error_col = col;
    return -1;
}

static const char nul_byte[] = "NUL byte in a field (a binary or UTF-16 file?)";
static const char bare_cr[] = "carriage return without a line feed: CR-only line ends (classic "
                              "Mac OS) are not supported; convert the file to LF or CRLF";

/* Skip a UTF-8 byte-order mark at the start of the input. The first refill
 * reads up to CSV_BUF_SIZE bytes (fread stops short only at the end), so a
 * mark is whole in the buffer if the input has one. */
static void skip_bom(cli_csv *r)
{
    r->started = true;
    if (peek_byte(r) == 0xEF && r->buf_len - r->buf_pos >= 3 &&
        memcmp(r->buf + r->buf_pos, "\xEF\xBB\xBF", 3) == 0)
        r->buf_pos += 3;
}

/* After a carriage return outside quotes: consume the line feed that must
 * follow. Returns the line feed, or -1 after recording the error. */
static int crlf(cli_csv *r)
{
    if (peek_byte(r) == '\n')
        return next_byte(r);
    return fail(r, r->line, r->col - 1, bare_cr);
}

/* The rest of a quoted field after its opening quote; then the byte after
 * the closing quote (separator, line feed or -1 at the end) in *after.
 * Returns 0 or -1. */
static int quoted_field(cli_csv *r, uint64_t fline, uint64_t fcol, int *after)
{
    for (;;) {
        int c = next_byte(r);
        if (c < 0)
            return fail(r, fline, fcol, "quoted field is not closed before the end of input");
        if (c == 0)
            return fail(r, r->line, r->col - 1, nul_byte);
        if (c == '"' && peek_byte(r) != '"')
            break;
        if (c == '"')
            next_byte(r); /* "" is one quote */
        if (push_char(r, (char)c) < 0)
            return fail(r, r->line, r->col, "out of memory");
    }
    uint64_t aline = r->line, acol = r->col;
    int c = next_byte(r);
    if (c == '\r' && (c = crlf(r)) < 0)
        return -1;
    if (!ends_field(r, c))
        return fail(r, aline, acol, "unexpected character after a closing quote");
    *after = c;
    return 0;
}

/* An unquoted field starting with byte c; the byte that ended it in *after. */
static int plain_field(cli_csv *r, int c, int *after)
{
    while (!ends_field(r, c)) {
        if (c == '\r') {
            c = crlf(r);
            if (c < 0)
                return -1;
            break;
        }
        if (c == '"')
            return fail(r, r->line, r->col - 1, "quote inside an unquoted field");
        if (c == 0)
            return fail(r, r->line, r->col - 1, nul_byte);
        if (push_char(r, (char)c) < 0)
            return fail(r, r->line, r->col, "out of memory");
        c = next_byte(r);
    }
    *after = c;
    return 0;
}

int cli_csv_next(cli_csv *r)
{
    r->rec_len = 0;
    r->nfields = 0;
    if (!r->started)
        skip_bom(r);
    if (peek_byte(r) < 0)
        return 0;
    r->rec_line = r->line;
    if (r->ws)
        while (is_blank(peek_byte(r)))
            next_byte(r);
    for (;;) {
        uint64_t fline = r->line, fcol = r->col;
        size_t start = r->rec_len;
        int c = next_byte(r);
        if (r->ws && c == '\r') /* a line of blanks ending in CRLF */
            c = crlf(r);
        int rc = c == '"' ? quoted_field(r, fline, fcol, &c)
                 : c == '\n' || c < 0 ? 0
                                      : plain_field(r, c, &c);
        if (rc < 0)
            return -1;
        if (end_field(r, start, fline, fcol) < 0)
            return fail(r, r->line, r->col, "out of memory");
        if (r->ws && is_blank(c)) {
            /* The blanks after a field: the next field, or the line end. */
            int n;
            while (is_blank(n = peek_byte(r)))
                next_byte(r);
            if (n == '\r') {
                next_byte(r);
                if (crlf(r) < 0)
                    return -1;
                break;
            }
            if (n == '\n')
                next_byte(r);
            if (n == '\n' || n < 0)
                break;
            continue;
        }
        if (r->ws || c != r->sep)
            break; /* end of record or of input */
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].ptr = r->rec + r->starts[i];
    return 1;
}

/* Bounds of f with surrounding blanks trimmed. */
static void trim(const cli_field *f, const char **b, const char **e)
{
    const char *p = f->ptr, *q = f->ptr + f->len;
    while (p < q && isspace((unsigned char)*p))
        p++;
    while (q > p && isspace((unsigned char)q[-1]))
        q--;
    *b = p;
    *e = q;
}

long cli_csv_column(const cli_field *header, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        const char *b, *e;
        trim(&header[i], &b, &e);
        if ((size_t)(e - b) == len && memcmp(b, name, len) == 0)
            return (long)i;
    }
    return -1;
}

/* Fields are NUL-terminated at their length (cli_csv_next and option
 * values), so strtod and strtoll stop there at the latest; a NUL inside the
 * field stops them early and the field is refused. */
int cli_parse_double(const cli_field *f, double *out)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (b == e)
        return CLI_PARSE_BAD;
    char *end;
    errno = 0;
    double v = strtod(b, &end);
    if (end != e || isnan(v))
        return CLI_PARSE_BAD;
    /* ERANGE: overflow (inf), underflow to zero, or a subnormal result. */
    if (isinf(v) || (errno == ERANGE && v == 0))
        return errno == ERANGE ? CLI_PARSE_RANGE : CLI_PARSE_BAD;
    *out = v;
    return CLI_PARSE_OK;
}

int cli_parse_int64(const cli_field *f, int64_t *out)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (b == e)
        return CLI_PARSE_BAD;
    char *end;
    errno = 0;
    long long v = strtoll(b, &end, 10);
    if (end != e)
        return CLI_PARSE_BAD;
    if (errno == ERANGE)
        return CLI_PARSE_RANGE;
    *out = (int64_t)v;
    return CLI_PARSE_OK;
}

int cli_parse_instant(const cli_field *f, int64_t *out)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (cli_parse_int64(f, out) == CLI_PARSE_OK)
        return 0;
    int64_t t;
    if (svcm_time_parse(b, (size_t)(e - b), NULL, NULL, &t, NULL, NULL) != SVCM_OK)
        return -1;
    *out = t;
    return 0;
}

int cli_read_instant(const cli_field *f, int64_t *out, const char **why)
{
    const char *b, *e;
    trim(f, &b, &e);
    int64_t t;
    if (e - b == 8 && strspn(b, "0123456789") == 8) {
        *why = "is ambiguous: a bare 8-digit number may be a YYYYMMDD date or epoch "
               "seconds; write the date as YYYY-MM-DD[THH:MM:SSZ], or the seconds with "
               "a sign (+20260218)";
        return -1;
    }
    int rc = cli_parse_instant(f, &t);
    if (rc == 0 && t != INT64_MIN) {
        *out = t;
        return 0;
    }
    *why = rc == 0 || cli_parse_int64(f, &t) == CLI_PARSE_RANGE
               ? "is out of range for an instant"
               : "is not an instant (accepted: epoch seconds, or YYYY-MM-DDTHH:MM:SSZ with "
                 "optional time, seconds and offset)";
    return -1;
}

/* Is f (blanks around it allowed) an optionally signed run of digits? */
static bool integer_text(const cli_field *f)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (b < e && (*b == '+' || *b == '-'))
        b++;
    return b < e && strspn(b, "0123456789") == (size_t)(e - b);
}

int cli_read_instant_opts(const cli_field *f, const svcm_time_options *opts,
                          const svcm_zone *zone, int64_t *out, const char **why)
{
    bool explicit = opts != NULL && (opts->format != NULL || opts->epoch != SVCM_TIME_EPOCH_NONE);
    if (!explicit && (zone == NULL || integer_text(f)))
        return cli_read_instant(f, out, why);
    const char *b, *e;
    trim(f, &b, &e);
    svcm_error err;
    int64_t t;
    int rc = svcm_time_parse(b, (size_t)(e - b), opts, zone, &t, NULL, &err);
    if (rc == SVCM_OK && t != INT64_MIN) {
        *out = t;
        return 0;
    }
    static char msg[sizeof err.message + 64];
    if (rc == SVCM_OK || rc == SVCM_ERANGE)
        snprintf(msg, sizeof msg, "is out of range for an instant");
    else
        snprintf(msg, sizeof msg, "is not an instant (%s)", err.message);
    *why = msg;
    return -1;
}
