/* One self-contained HTML page for svcm report and svcm demo. */
#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "table.h"

/* Inline CSS: readable from phone width up, tables scroll sideways,
 * charts scale with their viewBox, and a print layout without the
 * backgrounds. */
static const char css[] =
    ":root{--fg:#1d2430;--muted:#5b6573;--line:#d9dee5;--good:#1b7f3b;--bad:#b42318;"
    "--neutral:#8a6100;--head:#1f3a5f}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,"
    "sans-serif;color:var(--fg);background:#f4f6f9;line-height:1.45;"
    "-webkit-text-size-adjust:100%}\n"
    "header.page{background:var(--head);color:#fff;padding:1.1rem 1rem}\n"
    "header.page h1{margin:0;font-size:1.5rem}\n"
    "header.page p{margin:.3rem 0 0;color:#d6e2f0}\n"
    "nav{max-width:1100px;margin:0 auto;padding:.6rem 1rem 0;display:flex;flex-wrap:wrap;gap:.4rem}\n"
    "nav a{color:var(--head);background:#fff;border:1px solid var(--line);border-radius:999px;"
    "padding:.15rem .6rem;text-decoration:none;font-size:.85rem}\n"
    "main{max-width:1100px;margin:0 auto;padding:1rem}\n"
    "section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;"
    "margin:0 0 1rem}\n"
    "h2{margin:0 0 .4rem;font-size:1.25rem}\n"
    "h3{margin:.8rem 0 .3rem;font-size:1rem}\n"
    "p{margin:.3rem 0}\n"
    "p.intro,p.note{color:var(--muted);font-size:.9rem}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4rem 0;max-width:100%}\n"
    "table{border-collapse:collapse;min-width:100%;font-size:.88rem}\n"
    "caption{text-align:left;font-weight:600;padding:.2rem 0}\n"
    "th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;"
    "white-space:nowrap}\n"
    "th{background:#eef1f5}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "figure{margin:.5rem 0}\n"
    "figure svg{display:block;width:100%;height:auto;max-width:820px}\n"
    "figcaption{color:var(--muted);font-size:.85rem}\n"
    ".verdict{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-weight:600;"
    "color:#fff;white-space:nowrap}\n"
    ".verdict.good{background:var(--good)}\n"
    ".verdict.bad{background:var(--bad)}\n"
    ".verdict.neutral{background:var(--neutral)}\n"
    ".card .verdict{white-space:normal;font-size:1rem;overflow-wrap:anywhere}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.5rem;"
    "margin:.5rem 0}\n"
    ".card{border:1px solid var(--line);border-radius:6px;padding:.5rem .6rem}\n"
    ".card .k{color:var(--muted);font-size:.8rem}\n"
    ".card .v{font-size:1.3rem;font-weight:700}\n"
    ".matrix{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin:.5rem 0}\n"
    ".quad{border:2px solid;border-radius:6px;padding:.5rem .6rem;min-width:0}\n"
    ".quad h3{margin:0;font-size:1rem;text-transform:uppercase;letter-spacing:.04em}\n"
    ".quad .count{font-size:2rem;font-weight:700;line-height:1.1}\n"
    ".quad .adv{color:var(--muted);font-size:.8rem}\n"
    ".quad ol{margin:.3rem 0 0;padding-left:1.2rem;font-size:.82rem;overflow-wrap:anywhere}\n"
    ".q-do{border-color:#e15759;background:#fdf0f0}\n"
    ".q-schedule{border-color:#4e79a7;background:#eef3f9}\n"
    ".q-delegate{border-color:#f28e2b;background:#fef5ec}\n"
    ".q-eliminate{border-color:#9c938d;background:#f6f5f4}\n"
    "footer{max-width:1100px;margin:0 auto;padding:0 1rem 1.5rem;color:var(--muted);"
    "font-size:.8rem}\n"
    "@media (max-width:600px){header.page h1{font-size:1.25rem}main{padding:.5rem}"
    "section{padding:.7rem}.quad .count{font-size:1.5rem}th,td{padding:.25rem .4rem}}\n"
    "@media print{body{background:#fff}header.page{background:none;color:#000;padding:0 0 .5rem}"
    "header.page p{color:#333}nav{display:none}main{max-width:none;padding:0}"
    "section{border:none;border-top:1px solid #999;border-radius:0;padding:.5rem 0;"
    "break-inside:avoid-page}.scroll{overflow:visible}th,td{white-space:normal}"
    "figure svg{max-width:16cm}.verdict{border:1px solid #000;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

void html_esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static void table_free(html_table *t)
{
    for (size_t c = 0; t->names && c < t->ncols; c++)
        free(t->names[c]);
    for (size_t i = 0; t->cells && i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->names);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

void html_tables_free(html_tables *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        table_free(&ts->t[i]);
    free(ts->t);
    ts->t = NULL;
    ts->n = 0;
}

static char *dup_field(const cli_field *f)
{
    char *s = malloc(f->len + 1);
    if (s) {
        memcpy(s, f->ptr, f->len);
        s[f->len] = '\0';
    }
    return s;
}

/* Add record (fields, n) to ts: a header when there is no open table (*open
 * false), else a row (missing cells are empty, extra ones dropped). 0 or -1. */
static int add_record(html_tables *ts, bool *open, const cli_field *fields, size_t n)
{
    if (!*open) {
        html_table *nt = realloc(ts->t, (ts->n + 1) * sizeof *nt);
        if (nt == NULL)
            return -1;
        ts->t = nt;
        html_table *t = &ts->t[ts->n++];
        memset(t, 0, sizeof *t);
        if ((t->names = calloc(n, sizeof *t->names)) == NULL)
            return -1;
        t->ncols = n;
        for (size_t c = 0; c < n; c++)
            if ((t->names[c] = dup_field(&fields[c])) == NULL)
                return -1;
        *open = true;
        return 0;
    }
    html_table *t = &ts->t[ts->n - 1];
    char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *cells);
    if (cells == NULL)
        return -1;
    t->cells = cells;
    char **row = cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++)
        row[c] = NULL;
    t->nrows++;
    for (size_t c = 0; c < t->ncols; c++) {
        cli_field empty = {"", 0};
        if ((row[c] = dup_field(c < n ? &fields[c] : &empty)) == NULL)
            return -1;
    }
    return 0;
}

int html_read_tables(const char *cmd, const char *path, html_tables *out)
{
    out->t = NULL;
    out->n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "svcm %s: cannot read %s: %s\n", cmd, path, strerror(errno));
        return -1;
    }
    cli_csv r;
    if (cli_csv_open(&r, f, ',') != 0) {
        fclose(f);
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
        return -1;
    }
    bool open = false;
    int rc;
    while ((rc = cli_csv_next(&r)) == 1) {
        if (r.nfields == 1 && r.fields[0].len == 0) {
            open = false; /* the empty line between two tables */
            continue;
        }
        if (add_record(out, &open, r.fields, r.nfields) != 0) {
            rc = -2;
            break;
        }
    }
    if (rc == -1)
        fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path,
                (unsigned long long)r.error_line, (unsigned long long)r.error_col,
                r.error ? r.error : "out of memory");
    else if (rc == -2)
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
    cli_csv_close(&r);
    fclose(f);
    if (rc != 0) {
        html_tables_free(out);
        return -1;
    }
    return 0;
}

long html_col(const html_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0)
            return (long)c;
    return -1;
}

const char *html_cell(const html_table *t, size_t r, long c)
{
    if (c < 0 || (size_t)c >= t->ncols || r >= t->nrows)
        return "";
    return t->cells[r * t->ncols + (size_t)c];
}

/* Is s a whole number the CSV writer wrote (digits, a point, an exponent)? */
static bool is_number(const char *s, double *v)
{
    if (s == NULL || *s == '\0')
        return false;
    cli_field f = {s, strlen(s)};
    return cli_parse_double(&f, v) == CLI_PARSE_OK;
}

/* One number rounded for reading into tmp; NULL when s is not a number
 * with a fraction or an exponent. */
static const char *round_number(const char *s, char tmp[CLI_NUM_SIZE])
{
    double v;
    if (!is_number(s, &v) || strpbrk(s, ".eE") == NULL)
        return NULL;
    double a = fabs(v);
    return cli_format_number(tmp, v, a >= 1000 ? 0 : a >= 100 ? 1 : -4, CLI_TEXT);
}

const char *html_display(const char *s, char *buf, size_t size)
{
    const char *dots = s ? strstr(s, " .. ") : NULL;
    if (dots && size >= 2 * CLI_NUM_SIZE + 8 && (size_t)(dots - s) < CLI_NUM_SIZE) {
        char lo[CLI_NUM_SIZE], a[CLI_NUM_SIZE], b[CLI_NUM_SIZE];
        memcpy(lo, s, (size_t)(dots - s));
        lo[dots - s] = '\0';
        const char *ra = round_number(lo, a), *rb = round_number(dots + 4, b);
        if (ra && rb) {
            snprintf(buf, size, "%s .. %s", ra, rb);
            return buf;
        }
        return s;
    }
    double v;
    if (!is_number(s, &v) || strpbrk(s, ".eE") == NULL || size < CLI_NUM_SIZE)
        return s;
    double a = fabs(v);
    int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : -4;
    char tmp[CLI_NUM_SIZE];
    cli_format_number(tmp, v, decimals, CLI_TEXT);
    snprintf(buf, size, "%s", tmp);
    return buf;
}

void html_begin(FILE *out, const char *title, const char *subtitle)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>",
          out);
    html_esc(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header class=\"page\">\n<h1>",
            css);
    html_esc(out, title);
    fputs("</h1>\n", out);
    if (subtitle && *subtitle) {
        fputs("<p>", out);
        html_esc(out, subtitle);
        fputs("</p>\n", out);
    }
    fputs("</header>\n", out);
}

void html_end(FILE *out, const char *footer)
{
    fputs("</main>\n<footer>", out);
    html_esc(out, footer);
    fputs("</footer>\n</body>\n</html>\n", out);
}

void html_section(FILE *out, const char *id, const char *title, const char *intro)
{
    fputs("<section id=\"", out);
    html_esc(out, id);
    fputs("\">\n<h2>", out);
    html_esc(out, title);
    fputs("</h2>\n", out);
    if (intro)
        html_para(out, "intro", intro);
}

void html_section_end(FILE *out) { fputs("</section>\n", out); }

void html_para(FILE *out, const char *cls, const char *text)
{
    if (cls) {
        fputs("<p class=\"", out);
        html_esc(out, cls);
        fputs("\">", out);
    } else {
        fputs("<p>", out);
    }
    html_esc(out, text);
    fputs("</p>\n", out);
}

const char *html_verdict_class(const char *w)
{
    static const char *const good[] = {"met", "improved", "improved-target-met", "target-met",
                                       "changed-better", "better", "yes", NULL};
    static const char *const bad[] = {"missed", "worse", "worsened", "no-change-target-missed",
                                      "changed-worse", "no", NULL};
    for (int i = 0; good[i]; i++)
        if (strcmp(w, good[i]) == 0)
            return "good";
    for (int i = 0; bad[i]; i++)
        if (strcmp(w, bad[i]) == 0)
            return "bad";
    return "neutral";
}

const char *html_alarm_class(const char *w)
{
    return strcmp(w, "yes") == 0 ? "bad" : "neutral";
}

void html_table_write(FILE *out, const char *id, const char *caption, const html_table *t,
                      const long *cols, size_t ncols, const char *const *heads,
                      size_t max_rows, long verdict_col, const char *(*classify)(const char *))
{
    if (classify == NULL)
        classify = html_verdict_class;
    if (cols == NULL)
        ncols = t->ncols;
    fputs("<div class=\"scroll\"", out);
    if (id) {
        fputs(" id=\"", out);
        html_esc(out, id);
        fputc('"', out);
    }
    fputs("><table>\n", out);
    if (caption) {
        fputs("<caption>", out);
        html_esc(out, caption);
        fputs("</caption>\n", out);
    }
    fputs("<thead><tr>", out);
    for (size_t j = 0; j < ncols; j++) {
        long c = cols ? cols[j] : (long)j;
        fputs("<th scope=\"col\">", out);
        html_esc(out, heads ? heads[j] : c >= 0 && (size_t)c < t->ncols ? t->names[c] : "");
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    size_t shown = max_rows && max_rows < t->nrows ? max_rows : t->nrows;
    for (size_t r = 0; r < shown; r++) {
        fputs("<tr>", out);
        for (size_t j = 0; j < ncols; j++) {
            long c = cols ? cols[j] : (long)j;
            const char *s = html_cell(t, r, c);
            char buf[2 * CLI_NUM_SIZE + 8];
            double v;
            if (c == verdict_col && *s) {
                fputs("<td><span class=\"verdict ", out);
                fputs(classify(s), out);
                fputs("\">", out);
                html_esc(out, s);
                fputs("</span></td>", out);
            } else {
                fputs(is_number(s, &v) ? "<td class=\"num\">" : "<td>", out);
                html_esc(out, html_display(s, buf, sizeof buf));
                fputs("</td>", out);
            }
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n", out);
    if (shown < t->nrows)
        fprintf(out, "<p class=\"note\">%zu more rows not shown.</p>\n", t->nrows - shown);
}

/* Copy the <svg ...> start tag at s (up to and including '>') with its
 * width and height attributes left out and width="100%" added. Returns the
 * position after the tag, or NULL when there is no '>'. */
static const char *svg_start_tag(FILE *out, const char *s)
{
    const char *end = strchr(s, '>');
    if (end == NULL)
        return NULL;
    fputs("<svg width=\"100%\" role=\"img\"", out);
    const char *p = s + 4; /* after "<svg" */
    while (p < end) {
        const char *sp = p;
        while (sp < end && (*sp == ' ' || *sp == '\n' || *sp == '\t' || *sp == '\r'))
            sp++;
        const char *eq = sp;
        while (eq < end && *eq != '=' && *eq != ' ' && *eq != '/')
            eq++;
        const char *after = eq;
        if (eq < end && *eq == '=' && eq + 1 < end && (eq[1] == '"' || eq[1] == '\'')) {
            const char *close = memchr(eq + 2, eq[1], (size_t)(end - (eq + 2)));
            after = close ? close + 1 : end;
        }
        if (after == sp) { /* "/" or stray bytes: copy one */
            if (*sp != '/')
                fputc(*sp, out);
            p = sp + 1;
            continue;
        }
        size_t name_len = (size_t)(eq - sp);
        bool drop = (name_len == 5 && memcmp(sp, "width", 5) == 0) ||
                    (name_len == 6 && memcmp(sp, "height", 6) == 0);
        if (!drop) {
            fputc(' ', out);
            fwrite(sp, 1, (size_t)(after - sp), out);
        }
        p = after;
    }
    fputc('>', out);
    return end + 1;
}

int html_svg_file(FILE *out, const char *cmd, const char *id, const char *path,
                  const char *caption)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        size_t cap = 0;
        for (;;) {
            if (len + 4096 + 1 > cap) {
                size_t ncap = cap ? 2 * cap : 16384;
                char *nt = realloc(text, ncap);
                if (nt == NULL)
                    break;
                text = nt;
                cap = ncap;
            }
            size_t got = fread(text + len, 1, cap - len - 1, f);
            len += got;
            if (got == 0)
                break;
        }
        bool bad = ferror(f) || text == NULL;
        fclose(f);
        if (bad) {
            free(text);
            text = NULL;
        } else {
            text[len] = '\0';
        }
    }
    const char *start = text ? strstr(text, "<svg") : NULL;
    if (start == NULL) {
        fprintf(stderr, "svcm %s: cannot read the chart %s: %s\n", cmd, path,
                text ? "no <svg> element" : strerror(errno ? errno : EIO));
        free(text);
        return -1;
    }
    fputs("<figure id=\"", out);
    html_esc(out, id);
    fputs("\">\n", out);
    const char *rest = svg_start_tag(out, start);
    if (rest == NULL) {
        free(text);
        fprintf(stderr, "svcm %s: %s: unterminated <svg> tag\n", cmd, path);
        return -1;
    }
    fputs(rest, out);
    if (caption) {
        fputs("<figcaption>", out);
        html_esc(out, caption);
        fputs("</figcaption>\n", out);
    }
    fputs("</figure>\n", out);
    free(text);
    return 0;
}

void html_svg_funnel(FILE *out, const char *id, const char *title, size_t n,
                     const char *const *labels, const unsigned long long *reached,
                     const double *drop, const char *caption)
{
    const int W = 480, T = 50, BAR = 40, GAP = 24, L = 10;
    const int H = T + (int)n * (BAR + GAP) + 10;
    const double pw = W - 2 * L;
    static const char *const fill[] = {"#4e79a7", "#59a14f", "#f28e2b", "#76b7b2", "#edc948",
                                       "#b07aa1"};
    fputs("<figure id=\"", out);
    html_esc(out, id);
    fprintf(out,
            "\">\n<svg width=\"100%%\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
            "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
            "<text x=\"%d\" y=\"28\" font-size=\"18\" text-anchor=\"middle\" fill=\"#222\">",
            W, H, W, H, W / 2);
    html_esc(out, title);
    fputs("</text>\n", out);
    double first = n && reached[0] ? (double)reached[0] : 1.0;
    for (size_t k = 0; k < n; k++) {
        double share = (double)reached[k] / first;
        double w = pw * (share < 0.02 ? 0.02 : share > 1 ? 1 : share);
        double y = T + (double)k * (BAR + GAP);
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"4\" "
                "fill=\"%s\" fill-opacity=\"0.3\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                (W - w) / 2.0, y, w, BAR, fill[k % (sizeof fill / sizeof fill[0])],
                fill[k % (sizeof fill / sizeof fill[0])]);
        fprintf(out,
                "<text x=\"%d\" y=\"%.1f\" font-size=\"16\" font-weight=\"bold\" "
                "text-anchor=\"middle\" fill=\"#111\">",
                W / 2, y + BAR / 2.0 + 6);
        html_esc(out, labels[k]);
        fprintf(out, ": %llu (%.0f%%)</text>\n", reached[k], 100.0 * share);
        if (k + 1 < n && drop[k] == drop[k]) /* not NaN */
            fprintf(out,
                    "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\" "
                    "fill=\"#b42318\">drop-off %.1f%%</text>\n",
                    W / 2, y + BAR + GAP / 2.0 + 5, 100.0 * drop[k]);
    }
    fputs("</svg>\n", out);
    if (caption) {
        fputs("<figcaption>", out);
        html_esc(out, caption);
        fputs("</figcaption>\n", out);
    }
    fputs("</figure>\n", out);
}
