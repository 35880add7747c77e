/* Tables, numbers and strings for the svcm command-line tool. */
#include "table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int cli_table_init(cli_table *t, const char *title, size_t ncols, const char *const *names)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->names = calloc(ncols ? ncols : 1, sizeof *t->names);
    t->widths = calloc(ncols ? ncols : 1, sizeof *t->widths);
    if (t->names == NULL || t->widths == NULL)
        return -1;
    for (size_t i = 0; i < ncols; i++)
        if ((t->names[i] = dup_str(names[i])) == NULL)
            return -1;
    if (title && (t->title = dup_str(title)) == NULL)
        return -1;
    return 0;
}

void cli_table_free(cli_table *t)
{
    if (t->names)
        for (size_t i = 0; i < t->ncols; i++)
            free(t->names[i]);
    free(t->names);
    free(t->widths);
    size_t filled = t->nrows * t->ncols + t->col;
    for (size_t i = 0; i < filled; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->title);
    memset(t, 0, sizeof *t);
}

static int add_cell(cli_table *t, cli_cell cell, bool owns_text)
{
    if (owns_text && cell.text == NULL)
        return -1;
    if (t->col == 0 && t->nrows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        cli_cell *c = NULL;
        if (t->ncols == 0 || cap <= SIZE_MAX / (t->ncols * sizeof(cli_cell)))
            c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (c == NULL) {
            free(cell.text);
            return -1;
        }
        t->cells = c;
        t->cap_rows = cap;
    }
    t->cells[t->nrows * t->ncols + t->col] = cell;
    if (++t->col == t->ncols) {
        t->col = 0;
        t->nrows++;
    }
    return 0;
}

int cli_table_str(cli_table *t, const char *s)
{
    return add_cell(t, (cli_cell){dup_str(s ? s : ""), 0.0, 0, false}, true);
}

int cli_table_num(cli_table *t, double v, int decimals)
{
    return add_cell(t, (cli_cell){NULL, v, decimals, true}, false);
}

int cli_table_int(cli_table *t, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return add_cell(t, (cli_cell){dup_str(buf), 0.0, 0, true}, true);
}

/* The shortest %.*e form of v (p significant digits) that reads back to v;
 * its decimal exponent in *exp. */
static int shortest_digits(char buf[CLI_NUM_SIZE], double v, int *exp)
{
    int p = 1;
    for (; p < 17; p++) {
        snprintf(buf, CLI_NUM_SIZE, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (p == 17) /* 17 significant digits always read back */
        snprintf(buf, CLI_NUM_SIZE, "%.16e", v);
    *exp = atoi(strchr(buf, 'e') + 1);
    return p;
}

static void shortest(char buf[CLI_NUM_SIZE], double v)
{
    int exp, p = shortest_digits(buf, v, &exp);
    if (exp >= -4 && exp < 16) /* else keep the exponent form */
        snprintf(buf, CLI_NUM_SIZE, "%.*f", p - 1 - exp > 0 ? p - 1 - exp : 0, v);
}

const char *cli_format_number(char buf[CLI_NUM_SIZE], double v, int decimals, cli_format fmt)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return buf;
    }
    if (v == 0) /* -0.0 too */
        v = 0.0;
    if (fmt != CLI_TEXT || fabs(v) >= 1e16) {
        shortest(buf, v);
        return buf;
    }
    if (decimals < 0)
        snprintf(buf, CLI_NUM_SIZE, "%.*g", -decimals, v);
    else
        snprintf(buf, CLI_NUM_SIZE, "%.*f", decimals, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf)); /* no "-0.00" */
    return buf;
}

/* What a cell prints as: its text, or its number in this format. */
static const char *cell_text(const cli_cell *c, cli_format fmt, char buf[CLI_NUM_SIZE])
{
    return c->text ? c->text : cli_format_number(buf, c->num, c->decimals, fmt);
}

void cli_write_csv_string(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Length of the UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) as a positive number, or minus the
 * length of its maximal invalid subpart (at least one byte). Reads no byte
 * past a NUL. */
int cli_utf8_sequence(const unsigned char *s)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return -1;
    if (s[1] < lo || s[1] > hi)
        return -1;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return -i;
    return n;
}

void cli_write_json_string(FILE *out, const char *str)
{
    const unsigned char *p = (const unsigned char *)str;
    fputc('"', out);
    while (*p) {
        int n = cli_utf8_sequence(p);
        unsigned cp = n == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu) : *p;
        if (n < 0)
            fputs("\\ufffd", out);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n' || *p == '\r' || *p == '\t')
            fputs(*p == '\n' ? "\\n" : *p == '\r' ? "\\r" : "\\t", out);
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F && n <= 2))
            fprintf(out, "\\u%04x", cp);
        else
            fwrite(p, 1, (size_t)n, out);
        p += n < 0 ? -n : n;
    }
    fputc('"', out);
}

/* Display width of UTF-8 text: one column per code point. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void write_csv(const cli_table *t, FILE *out)
{
    size_t nc = t->ncols;
    char buf[CLI_NUM_SIZE];
    for (size_t c = 0; c < nc; c++) {
        if (c)
            fputc(',', out);
        cli_write_csv_string(out, t->names[c]);
    }
    fputs("\r\n", out);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            cli_write_csv_string(out, cell_text(&t->cells[r * nc + c], CLI_CSV, buf));
        }
        fputs("\r\n", out);
    }
}

static void write_json(const cli_table *t, FILE *out)
{
    size_t nc = t->ncols;
    char buf[CLI_NUM_SIZE];
    fputc('[', out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n {" : "\n {", out);
        for (size_t c = 0; c < nc; c++) {
            const cli_cell *cell = &t->cells[r * nc + c];
            const char *text = cell_text(cell, CLI_JSON, buf);
            if (c)
                fputs(", ", out);
            cli_write_json_string(out, t->names[c]);
            fputs(": ", out);
            if (cell->is_number)
                fputs(text[0] ? text : "null", out);
            else
                cli_write_json_string(out, text);
        }
        fputc('}', out);
    }
    fputs(t->nrows ? "\n]\n" : "]\n", out);
}

static void pad(FILE *out, size_t n, int c)
{
    while (n-- > 0)
        fputc(c, out);
}

/* One text row: names (header), dashes (rule) or the cells of row r. */
static void write_text_row(const cli_table *t, FILE *out, int kind, size_t r)
{
    char buf[CLI_NUM_SIZE];
    for (size_t c = 0; c < t->ncols; c++) {
        const cli_cell *cell = kind == 2 ? &t->cells[r * t->ncols + c] : NULL;
        const char *s = cell ? cell_text(cell, CLI_TEXT, buf) : t->names[c];
        size_t gap = t->widths[c] - width(s);
        bool last = c + 1 == t->ncols;
        if (c)
            fputs("  ", out);
        if (kind == 1) {
            pad(out, t->widths[c], '-');
            continue;
        }
        if (cell && cell->is_number)
            pad(out, gap, ' ');
        fputs(s, out);
        if (!(cell && cell->is_number) && !last)
            pad(out, gap, ' ');
    }
    fputc('\n', out);
}

static void write_text(const cli_table *t, FILE *out)
{
    char buf[CLI_NUM_SIZE];
    for (size_t c = 0; c < t->ncols; c++) {
        t->widths[c] = width(t->names[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t x = width(cell_text(&t->cells[r * t->ncols + c], CLI_TEXT, buf));
            if (x > t->widths[c])
                t->widths[c] = x;
        }
    }
    if (t->title)
        fprintf(out, "%s\n", t->title);
    write_text_row(t, out, 0, 0);
    write_text_row(t, out, 1, 0);
    for (size_t r = 0; r < t->nrows; r++)
        write_text_row(t, out, 2, r);
}

int cli_table_write(const cli_table *t, FILE *out, cli_format fmt)
{
    if (fmt == CLI_CSV)
        write_csv(t, out);
    else if (fmt == CLI_JSON)
        write_json(t, out);
    else
        write_text(t, out);
    return ferror(out) ? -1 : 0;
}

int cli_format_parse(const char *s, cli_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = CLI_TEXT;
    else if (strcmp(s, "csv") == 0)
        *out = CLI_CSV;
    else if (strcmp(s, "json") == 0)
        *out = CLI_JSON;
    else
        return -1;
    return 0;
}
