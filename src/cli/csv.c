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

void cli_csv_close(cli_csv *r)
{
    free(r->buf);
    free(r->rec);
    free(r->starts);
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

/* End the current field: NUL-terminate and record where it started. */
static int end_field(cli_csv *r, size_t start)
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
        r->fields_cap = cap;
    }
    r->starts[r->nfields] = start;
    r->fields[r->nfields].len = r->rec_len - 1 - start;
    r->nfields++;
    return 0;
}

static int fail(cli_csv *r, uint64_t line, uint64_t col, const char *why)
{
    snprintf(r->error, sizeof r->error, "%s", why);
    r->error_line = line;
    r->error_col = col;
    return -1;
}

int cli_csv_next(cli_csv *r)
{
    r->rec_len = 0;
    r->nfields = 0;
    int c = peek_byte(r);
    if (c < 0)
        return 0;
    r->rec_line = r->line;
    size_t start = 0;
    for (;;) {
        uint64_t fline = r->line, fcol = r->col;
        c = next_byte(r);
        if (c == '"') {
            /* Quoted field: up to the closing quote, "" is a quote. */
            for (;;) {
                c = next_byte(r);
                if (c < 0)
                    return fail(r, fline, fcol, "quoted field is not closed before the end of input");
                if (c == '"') {
                    if (peek_byte(r) == '"') {
                        next_byte(r);
                        if (push_char(r, '"') < 0)
                            return fail(r, r->line, r->col, "out of memory");
                        continue;
                    }
                    break;
                }
                if (push_char(r, (char)c) < 0)
                    return fail(r, r->line, r->col, "out of memory");
            }
            uint64_t aline = r->line, acol = r->col;
            c = next_byte(r);
            if (c == '\r' && peek_byte(r) == '\n')
                c = next_byte(r);
            if (c >= 0 && c != r->sep && c != '\n')
                return fail(r, aline, acol, "unexpected character after a closing quote");
        } else {
            while (c >= 0 && c != r->sep && c != '\n') {
                if (c == '\r' && peek_byte(r) == '\n') {
                    c = next_byte(r);
                    break;
                }
                if (c == '"')
                    return fail(r, r->line, r->col - 1, "quote inside an unquoted field");
                if (push_char(r, (char)c) < 0)
                    return fail(r, r->line, r->col, "out of memory");
                c = next_byte(r);
            }
        }
        if (end_field(r, start) < 0)
            return fail(r, r->line, r->col, "out of memory");
        start = r->rec_len;
        if (c != r->sep)
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

/* The field without surrounding blanks, NUL-terminated in tmp (which holds
 * at least max + 1 bytes). Returns its length, or 0 when it is empty or
 * longer than max. A NUL inside the field shortens the C string, so callers
 * check that parsing consumed all the returned length. */
static size_t trimmed_copy(const cli_field *f, char *tmp, size_t max)
{
    const char *b, *e;
    trim(f, &b, &e);
    size_t n = (size_t)(e - b);
    if (n == 0 || n > max)
        return 0;
    memcpy(tmp, b, n);
    tmp[n] = '\0';
    return n;
}

int cli_parse_double(const cli_field *f, double *out)
{
    char tmp[72];
    size_t n = trimmed_copy(f, tmp, 64);
    if (n == 0)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + n || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_parse_int64(const cli_field *f, int64_t *out)
{
    char tmp[32];
    size_t n = trimmed_copy(f, tmp, 24);
    if (n == 0)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (end != tmp + n || errno == ERANGE)
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly n digits at *p. */
static int digits(const char **p, const char *e, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= e || !isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return 0;
}

int cli_parse_instant(const cli_field *f, int64_t *out)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (cli_parse_int64(f, out) == 0)
        return 0;
    const char *p = b;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (digits(&p, e, 4, &y) || p >= e || *p++ != '-' || digits(&p, e, 2, &mo) || p >= e ||
        *p++ != '-' || digits(&p, e, 2, &d))
        return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    int64_t offset = 0;
    if (p < e && (*p == 'T' || *p == ' ')) {
        p++;
        if (digits(&p, e, 2, &h) || p >= e || *p++ != ':' || digits(&p, e, 2, &mi))
            return -1;
        if (p < e && *p == ':') {
            p++;
            if (digits(&p, e, 2, &s))
                return -1;
        }
        if (h > 23 || mi > 59 || s > 59)
            return -1;
        if (p < e && *p == 'Z') {
            p++;
        } else if (p < e && (*p == '+' || *p == '-')) {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (digits(&p, e, 2, &oh) || p >= e || *p++ != ':' || digits(&p, e, 2, &om) ||
                oh > 14 || om > 59)
                return -1;
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (p != e)
        return -1;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - offset;
    return 0;
}
