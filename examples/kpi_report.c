/* A small C program in the 0.2 API shape: options_init, new (allocator and
 * error last), add_batch, result into a struct svcm_X_result, save with a
 * size query, load, free. Build and run:
 *
 *   cc examples/kpi_report.c $(pkg-config --cflags --libs svcm) -o kpi_report
 *   ./kpi_report
 *
 * The suite builds and runs it (test "example-kpi-report").
 */
#include <stdio.h>
#include <stdlib.h>

#include <svcm.h>

static int fail(const char *what, int rc, const svcm_error *err)
{
    fprintf(stderr, "%s: %s", what, svcm_strerror(rc));
    if (err != NULL && err->field != NULL)
        fprintf(stderr, " (%s: %s)", err->field, err->message);
    fputc('\n', stderr);
    return 1;
}

int main(void)
{
    /* Ten survey answers on the 0-10 scale: 4 promoters, 4 passives and 2
     * detractors, so NPS = (4 - 2) / 10 * 100 = 20. */
    const double answers[] = {10, 9, 9, 10, 8, 7, 7, 8, 3, 6};
    /* First-response times of five tickets, in seconds. */
    const double response_s[] = {120, 300, 45, 600, 90};
    svcm_error err;

    svcm_feedback_options fo;
    svcm_feedback_options_init(&fo, SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *nps = NULL;
    int rc = svcm_feedback_new(&fo, NULL, &nps, &err);
    if (rc != SVCM_OK)
        return fail("svcm_feedback_new", rc, &err);
    rc = svcm_feedback_add_batch(nps, answers, sizeof answers / sizeof answers[0], &err);
    if (rc != SVCM_OK) {
        svcm_feedback_free(nps);
        return fail("svcm_feedback_add_batch", rc, &err);
    }

    /* Save: ask for the size, then write; load the bytes back. */
    size_t len = 0;
    rc = svcm_feedback_save(nps, NULL, 0, &len);
    unsigned char *bytes = rc == SVCM_ENOSPC ? malloc(len) : NULL;
    svcm_feedback *copy = NULL;
    if (bytes == NULL || svcm_feedback_save(nps, bytes, len, &len) != SVCM_OK ||
        (rc = svcm_feedback_load(bytes, len, NULL, &copy, &err)) != SVCM_OK) {
        free(bytes);
        svcm_feedback_free(nps);
        return fail("save/load", rc == SVCM_OK ? SVCM_ENOMEM : rc, &err);
    }
    free(bytes);
    svcm_feedback_free(nps);

    struct svcm_feedback_result r;
    rc = svcm_feedback_result(copy, 0.95, &r);
    svcm_feedback_free(copy);
    if (rc != SVCM_OK)
        return fail("svcm_feedback_result", rc, NULL);
    printf("NPS %.0f from %llu answers (promoters %llu, detractors %llu), 95%% CI [%.1f, %.1f]\n",
           r.value, (unsigned long long)r.n, (unsigned long long)r.promoters,
           (unsigned long long)r.detractors, r.ci.lo, r.ci.hi);

    svcm_durations *d = NULL;
    rc = svcm_durations_new(NULL, NULL, &d, &err);
    if (rc != SVCM_OK)
        return fail("svcm_durations_new", rc, &err);
    rc = svcm_durations_add_batch(d, response_s, sizeof response_s / sizeof response_s[0], &err);
    struct svcm_durations_result dr;
    if (rc == SVCM_OK)
        rc = svcm_durations_result(d, &dr);
    svcm_durations_free(d);
    if (rc != SVCM_OK)
        return fail("durations", rc, &err);
    printf("first response: %llu tickets, mean %.0f s, max %.0f s\n",
           (unsigned long long)dr.count, dr.mean, dr.max);
    return 0;
}
