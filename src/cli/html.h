/* One self-contained HTML page for the svcm command-line tool (svcm report,
 * svcm demo): inline CSS (responsive, printable), inline SVG charts, tables
 * read back from the CSV the other commands write. Nothing is fetched and no
 * script runs; every string from the input is HTML-escaped. */
#ifndef SVCM_CLI_HTML_H
#define SVCM_CLI_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One table of a command's CSV output: a header row, then rows of text
 * cells (row-major, nrows * ncols, each NUL-terminated and malloc'ed). */
typedef struct html_table {
    size_t ncols, nrows;
    char **names;
    char **cells;
} html_table;

/* The tables of one CSV output (tables separated by an empty line, as
 * cli_emit() writes them). */
typedef struct html_tables {
    html_table *t;
    size_t n;
} html_tables;

/* Read the CSV tables of path. Returns 0, or -1 (malformed, unreadable or
 * out of memory) after printing "svcm CMD: PATH: reason" to stderr. */
int html_read_tables(const char *cmd, const char *path, html_tables *out);
void html_tables_free(html_tables *ts);
/* Column index of name in t, or -1. */
long html_col(const html_table *t, const char *name);
/* Cell (row r, column c) of t; "" when c < 0. */
const char *html_cell(const html_table *t, size_t r, long c);

/* Write s with &, <, >, " and ' escaped. NULL writes nothing. */
void html_esc(FILE *out, const char *s);
/* A cell for reading: a number with a fractional part or an exponent is
 * rounded (4 significant digits below 100, 1 decimal below 1000, whole
 * above), also both ends of a range "A .. B"; anything else is copied.
 * Returns buf or s. */
const char *html_display(const char *s, char *buf, size_t size);

/* The document head (title, CSS) and the page header with title and
 * subtitle; html_end() closes the document. */
void html_begin(FILE *out, const char *title, const char *subtitle);
void html_end(FILE *out, const char *footer);
/* <section id=ID> with an <h2>, and its end. */
void html_section(FILE *out, const char *id, const char *title, const char *intro);
void html_section_end(FILE *out);
/* A paragraph of plain text (escaped). */
void html_para(FILE *out, const char *cls, const char *text);
/* CSS class of a verdict word: "good" (met, improved, ...), "bad" (missed,
 * worse, ...) or "neutral". */
const char *html_verdict_class(const char *word);
/* The same for a flag that is bad news when set: "yes" is "bad", anything
 * else "neutral" (e.g. an overdue action). */
const char *html_alarm_class(const char *word);
/* Table t as HTML in a horizontally scrolling box: columns cols[0..ncols)
 * (all when cols is NULL), headers heads[] (the CSV names when NULL), at
 * most max_rows rows (0: all; the rest counted in a note). id may be NULL.
 * The non-empty cells of column verdict_col (when >= 0) are shown as
 * badges with the word and the colour classify(word) names
 * (html_verdict_class when NULL). */
void html_table_write(FILE *out, const char *id, const char *caption, const html_table *t,
                      const long *cols, size_t ncols, const char *const *heads,
                      size_t max_rows, long verdict_col, const char *(*classify)(const char *));
/* Embed the SVG document of file path as a figure with this id and caption:
 * its XML declaration dropped, its fixed width and height replaced by
 * width="100%" (the viewBox keeps the proportions). Returns 0, or -1 after
 * printing why. */
int html_svg_file(FILE *out, const char *cmd, const char *id, const char *path,
                  const char *caption);

/* A funnel as an inline SVG figure (viewBox, width 100%): one centred bar
 * per step, its width the share of the first step's customers, labelled
 * with the step's name, count and share; between two bars the drop-off
 * rate (drop[k] for the move from step k to k + 1; NaN: no label). */
void html_svg_funnel(FILE *out, const char *id, const char *title, size_t n,
                     const char *const *labels, const unsigned long long *reached,
                     const double *drop, const char *caption);

#endif /* SVCM_CLI_HTML_H */
