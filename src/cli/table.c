/* Tables and atomic output files for the svcm command-line tool. */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (t->names == NULL)
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
    size_t filled = t->nrows * t->ncols + t->col;
    for (size_t i = 0; i < filled; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->title);
    memset(t, 0, sizeof *t);
}

static int add_cell(cli_table *t, char *text, bool is_number)
{
    if (text == NULL)
        return -1;
    if (t->col == 0 && t->nrows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        if (t->ncols && cap > SIZE_MAX / (t->ncols * sizeof(cli_cell))) {
            free(text);
            return -1;
        }
        cli_cell *c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (c == NULL) {
            free(text);
            return -1;
        }
        t->cells = c;
        t->cap_rows = cap;
    }
    t->cells[t->nrows * t->ncols + t->col] = (cli_cell){text, is_number};
    if (++t->col == t->ncols) {
        t->col = 0;
        t->nrows++;
    }
    return 0;
}

int cli_table_str(cli_table *t, const char *s) { return add_cell(t, dup_str(s ? s : ""), false); }

int cli_table_num(cli_table *t, double v, int decimals)
{
    char buf[64];
    if (!isfinite(v))
        return add_cell(t, dup_str(""), true);
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || (strncmp(buf, "-0.", 3) == 0 && strspn(buf + 3, "0") == strlen(buf + 3)))
        memmove(buf, buf + 1, strlen(buf)); /* no "-0.00" */
    return add_cell(t, dup_str(buf), true);
}

int cli_table_int(cli_table *t, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return add_cell(t, dup_str(buf), true);
}

static void write_csv_field(FILE *out, const char *s)
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

static void write_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
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

int cli_table_write(const cli_table *t, FILE *out, cli_format fmt)
{
    size_t nc = t->ncols, nr = t->nrows;
    if (fmt == CLI_CSV) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            write_csv_field(out, t->names[c]);
        }
        fputs("\r\n", out);
        for (size_t r = 0; r < nr; r++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputc(',', out);
                write_csv_field(out, t->cells[r * nc + c].text);
            }
            fputs("\r\n", out);
        }
    } else if (fmt == CLI_JSON) {
        fputc('[', out);
        for (size_t r = 0; r < nr; r++) {
            fputs(r ? ",\n {" : "\n {", out);
            for (size_t c = 0; c < nc; c++) {
                const cli_cell *cell = &t->cells[r * nc + c];
                if (c)
                    fputs(", ", out);
                write_json_string(out, t->names[c]);
                fputs(": ", out);
                if (cell->is_number)
                    fputs(cell->text[0] ? cell->text : "null", out);
                else
                    write_json_string(out, cell->text);
            }
            fputc('}', out);
        }
        fputs(nr ? "\n]\n" : "]\n", out);
    } else {
        size_t *w = calloc(nc ? nc : 1, sizeof *w);
        if (w == NULL)
            return -1;
        for (size_t c = 0; c < nc; c++) {
            w[c] = width(t->names[c]);
            for (size_t r = 0; r < nr; r++) {
                size_t x = width(t->cells[r * nc + c].text);
                if (x > w[c])
                    w[c] = x;
            }
        }
        if (t->title)
            fprintf(out, "%s\n", t->title);
        for (int pass = 0; pass < 2; pass++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputs("  ", out);
                if (pass == 0 && c + 1 == nc)
                    fputs(t->names[c], out);
                else if (pass == 0)
                    fprintf(out, "%-*s", (int)w[c], t->names[c]);
                else
                    for (size_t i = 0; i < w[c]; i++)
                        fputc('-', out);
            }
            fputc('\n', out);
        }
        for (size_t r = 0; r < nr; r++) {
            for (size_t c = 0; c < nc; c++) {
                const cli_cell *cell = &t->cells[r * nc + c];
                size_t pad = w[c] - width(cell->text);
                if (c)
                    fputs("  ", out);
                if (cell->is_number)
                    fprintf(out, "%*s%s", (int)pad, "", cell->text);
                else if (c + 1 < nc)
                    fprintf(out, "%s%*s", cell->text, (int)pad, "");
                else
                    fputs(cell->text, out);
            }
            fputc('\n', out);
        }
        free(w);
    }
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

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    size_t n = strlen(path);
    o->path = malloc(n + 1);
    o->tmp = malloc(n + 16);
    if (o->path == NULL || o->tmp == NULL)
        goto fail;
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        goto fail;
    /* mkstemp makes the file 0600; give the result the permissions a plain
     * fopen would (0666 less the umask). */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        close(fd);
        unlink(o->tmp);
        goto fail;
    }
    o->f = fdopen(fd, "w");
    if (o->f == NULL) {
        close(fd);
        unlink(o->tmp);
        goto fail;
    }
    return 0;
fail:
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return -1;
}

int cli_out_commit(cli_out *o)
{
    int rc = 0;
    if (o->f == stdout) {
        rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
    } else if (o->f != NULL) {
        bool bad = fflush(o->f) != 0 || ferror(o->f);
        bad |= fclose(o->f) != 0;
        if (bad || rename(o->tmp, o->path) != 0) {
            unlink(o->tmp);
            rc = -1;
        }
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
}

void cli_out_abort(cli_out *o)
{
    if (o->f != NULL && o->f != stdout) {
        fclose(o->f);
        unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}
