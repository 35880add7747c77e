/* The CLI's CSV reader (src/cli/csv.c) on arbitrary bytes: every record up
 * to the end or the first error, and the strict number and instant parsers
 * on every field. Properties: fields are NUL-terminated at their length; an
 * accepted number holds no NUL byte (the whole field must be the number);
 * an integer is also an instant with the same value; an instant the direct
 * YYYY-MM-DDTHH:MM:SSZ path reads has the general parser's value; and the records,
 * written back with every field quoted, read back identical. Each input is
 * read twice: with ',' and with fields separated by runs of blanks
 * (--separator whitespace), whose records are written back quoted and
 * separated by a space and a tab. */
#include "fuzz.h"

#include "csv.h"

typedef struct record_list {
    char **fields; /* every field of every record, copied */
    size_t *lens;
    size_t *per_record; /* fields per record */
    size_t n_fields, n_records, cap_f, cap_r;
} record_list;

static FILE *file_of(const uint8_t *data, size_t size)
{
    FILE *f = tmpfile();
    FUZZ_CHECK(f != NULL);
    if (size > 0)
        FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    rewind(f);
    return f;
}

static void keep(record_list *l, const cli_field *fs, size_t n)
{
    if (l->n_records == l->cap_r) {
        l->cap_r = l->cap_r ? 2 * l->cap_r : 16;
        l->per_record = realloc(l->per_record, l->cap_r * sizeof *l->per_record);
        FUZZ_CHECK(l->per_record != NULL);
    }
    l->per_record[l->n_records++] = n;
    for (size_t i = 0; i < n; i++) {
        if (l->n_fields == l->cap_f) {
            l->cap_f = l->cap_f ? 2 * l->cap_f : 16;
            l->fields = realloc(l->fields, l->cap_f * sizeof *l->fields);
            l->lens = realloc(l->lens, l->cap_f * sizeof *l->lens);
            FUZZ_CHECK(l->fields != NULL && l->lens != NULL);
        }
        char *copy = malloc(fs[i].len + 1);
        FUZZ_CHECK(copy != NULL);
        memcpy(copy, fs[i].ptr, fs[i].len + 1);
        l->fields[l->n_fields] = copy;
        l->lens[l->n_fields++] = fs[i].len;
    }
}

static void release(record_list *l)
{
    for (size_t i = 0; i < l->n_fields; i++)
        free(l->fields[i]);
    free(l->fields);
    free(l->lens);
    free(l->per_record);
}

static void check_field(const cli_field *f)
{
    FUZZ_CHECK(f->ptr != NULL && f->ptr[f->len] == '\0');
    bool nul = memchr(f->ptr, '\0', f->len) != NULL && !fuzz_lenient();
    double d;
    if (cli_parse_double(f, &d) == 0)
        FUZZ_CHECK(!nul);
    int64_t i, t;
    int ri = cli_parse_int64(f, &i);
    if (ri == 0)
        FUZZ_CHECK(!nul);
    if (cli_parse_instant(f, &t) == 0)
        FUZZ_CHECK(!nul);
    if (ri == 0) {
        FUZZ_CHECK(cli_parse_instant(f, &t) == 0 && t == i);
    }
    /* the direct path for YYYY-MM-DDTHH:MM:SSZ reads what the general
     * parser reads */
    int64_t fast, slow;
    if (cli_fast_instant(f, &fast))
        FUZZ_CHECK(svcm_time_parse(f->ptr, f->len, NULL, NULL, &slow, NULL, NULL) == SVCM_OK &&
                   slow == fast);
}

static void one_mode(const uint8_t *data, size_t size, bool ws)
{
    FILE *in = file_of(data, size);
    cli_csv r;
    FUZZ_CHECK(cli_csv_open(&r, in, ',') == 0);
    if (ws)
        cli_csv_set_whitespace(&r);
    record_list got = {0};
    int rc;
    while ((rc = cli_csv_next(&r)) == 1) {
        FUZZ_CHECK(r.nfields >= 1);
        for (size_t i = 0; i < r.nfields; i++) {
            check_field(&r.fields[i]);
            /* each field starts at a real position, not before its record */
            FUZZ_CHECK(r.fcol[i] >= 1 && r.fline[i] >= r.rec_line);
            FUZZ_CHECK(i == 0 || r.fline[i] >= r.fline[i - 1]);
        }
        (void)cli_csv_column(r.fields, r.nfields, "value");
        keep(&got, r.fields, r.nfields);
    }
    if (rc < 0)
        FUZZ_CHECK(r.error[0] != '\0' && r.error_line >= 1 && r.error_col >= 1);
    else
        FUZZ_CHECK(rc == 0 && cli_csv_next(&r) == 0);
    cli_csv_close(&r);
    fclose(in);

    /* Write what was read with every field quoted, read it back. */
    FILE *out = tmpfile();
    FUZZ_CHECK(out != NULL);
    size_t k = 0;
    for (size_t rec = 0; rec < got.n_records; rec++) {
        for (size_t j = 0; j < got.per_record[rec]; j++, k++) {
            if (j > 0)
                fputs(ws ? " \t" : ",", out);
            fputc('"', out);
            for (size_t b = 0; b < got.lens[k]; b++) {
                if (got.fields[k][b] == '"')
                    fputc('"', out);
                fputc(got.fields[k][b], out);
            }
            fputc('"', out);
        }
        fputc('\n', out);
    }
    rewind(out);
    FUZZ_CHECK(cli_csv_open(&r, out, ',') == 0);
    if (ws)
        cli_csv_set_whitespace(&r);
    k = 0;
    for (size_t rec = 0; rec < got.n_records; rec++) {
        FUZZ_CHECK(cli_csv_next(&r) == 1);
        FUZZ_CHECK(r.nfields == got.per_record[rec]);
        for (size_t j = 0; j < r.nfields; j++, k++) {
            FUZZ_CHECK(r.fields[j].len == got.lens[k]);
            FUZZ_CHECK(memcmp(r.fields[j].ptr, got.fields[k], got.lens[k]) == 0);
        }
    }
    FUZZ_CHECK(cli_csv_next(&r) == 0);
    cli_csv_close(&r);
    fclose(out);
    release(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_mode(data, size, false);
    one_mode(data, size, true);
    return 0;
}
