/* Writes the binary seed inputs of the fuzz corpora: saved bytes made
 * through the public API, so they stay valid when a format changes. Text
 * seeds (calendar, ITIL table, policy, CSV) are kept by hand in corpus/.
 * Usage: gen_corpus CORPUS_DIR   (run by run.sh --regen, see README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svcm/stats.h>
#ifdef HAVE_FEEDBACK
#include <svcm/kpi.h>
#endif
#ifdef HAVE_SKETCH
#include <svcm/sketch.h>
#endif
#ifdef HAVE_PDCA
#include <svcm/pdca.h>
#endif

static const char *root;
static int failures;

static void put(const char *target, const char *name, const void *buf, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        failures++;
    }
}

/* save(obj, NULL, 0, &len) then save(obj, buf, len, &len), written out */
#define PUT_SAVED(target, name, save, obj)                                     \
    do {                                                                       \
        size_t len_ = 0;                                                       \
        (void)save(obj, NULL, 0, &len_);                                       \
        unsigned char *buf_ = malloc(len_ + 1);                                \
        if (buf_ == NULL || save(obj, (void *)buf_, len_ + 1, &len_) != SVCM_OK) { \
            fprintf(stderr, "gen_corpus: %s/%s not saved\n", target, name);   \
            failures++;                                                        \
        } else {                                                               \
            put(target, name, buf_, len_);                                     \
        }                                                                      \
        free(buf_);                                                            \
    } while (0)

static void moments(void)
{
    svcm_moments m;
    svcm_moments_init(&m);
    PUT_SAVED("moments_load", "empty", svcm_moments_save, &m);
    (void)svcm_moments_add(&m, 4.5);
    PUT_SAVED("moments_load", "one", svcm_moments_save, &m);
    const double xs[] = {1, 2, 3, 5, 8, 13, -21.25};
    (void)svcm_moments_add_batch(&m, xs, sizeof xs / sizeof xs[0], NULL);
    PUT_SAVED("moments_load", "eight", svcm_moments_save, &m);
}

#ifdef HAVE_FEEDBACK
static void feedback(void)
{
    static const char *names[] = {"csat", "nps", "ces"};
    const double scores[] = {1, 2, 3, 4, 5, 5, 4, 7, 6, 0, 10, 9};
    for (int kind = 0; kind < 3; kind++) {
        svcm_feedback_options o;
        svcm_feedback *f = NULL;
        svcm_feedback_options_init(&o, kind);
        if (svcm_feedback_new(&o, NULL, &f, NULL) != SVCM_OK) {
            failures++;
            continue;
        }
        char name[32];
        snprintf(name, sizeof name, "%s-empty", names[kind]);
        PUT_SAVED("feedback_load", name, svcm_feedback_save, f);
        for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++)
            (void)svcm_feedback_add(f, scores[i]); /* off-scale ones refused */
        snprintf(name, sizeof name, "%s-some", names[kind]);
        PUT_SAVED("feedback_load", name, svcm_feedback_save, f);
        svcm_feedback_free(f);
        /* The other conventions (format version 2 keeps them). */
        static const char *conv[] = {"csat-rated-some", "nps-adjusted-some", "ces-index-some"};
        if (kind == SVCM_FEEDBACK_KIND_CSAT)
            o.csat_method = SVCM_CSAT_METHOD_RATED;
        else if (kind == SVCM_FEEDBACK_KIND_NPS)
            o.nps_interval = SVCM_NPS_INTERVAL_ADJUSTED;
        else
            o.ces_method = SVCM_CES_METHOD_INDEX;
        if (svcm_feedback_new(&o, NULL, &f, NULL) != SVCM_OK) {
            failures++;
            continue;
        }
        for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++)
            (void)svcm_feedback_add(f, scores[i]);
        PUT_SAVED("feedback_load", conv[kind], svcm_feedback_save, f);
        svcm_feedback_free(f);
    }
    /* Format version 1 (0.1, no conventions), written out: an NPS with
     * answers 0, 9, 10, 10; it loads with the default conventions. */
    static const unsigned char v1[] = {
        'S', 'V', 'C', 'M', 2, 0, 1, 0, 101, 0, 0, 0,
        1, 0, 0, 0, 0, 10, 0, 0, 0, 2, 0, 0, 0, /* kind NPS, low 0, high 10, top boxes 2 */
        1, 0, 0, 0, 0, 0, 0, 0, /* answers 0 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 1 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 2 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 3 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 4 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 5 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 6 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 7 */
        0, 0, 0, 0, 0, 0, 0, 0, /* answers 8 */
        1, 0, 0, 0, 0, 0, 0, 0, /* answers 9 */
        2, 0, 0, 0, 0, 0, 0, 0  /* answers 10 */
    };
    put("feedback_load", "nps-v1", v1, sizeof v1);
    /* roundtrip seeds: kind, shape, [low, span, top boxes], scores */
    const unsigned char rt1[] = {0, 0, 0, 1, 2, 3, 4, 4, 4};
    const unsigned char rt2[] = {1, 0, 10, 9, 0, 6, 7, 8, 10};
    const unsigned char rt3[] = {0, 1, 0xF6, 20, 3, 1, 5, 20, 19, 0};
    const unsigned char rt4[] = {2, 0, 0, 3, 6, 0xFF, 2};
    put("feedback_roundtrip", "csat", rt1, sizeof rt1);
    put("feedback_roundtrip", "nps", rt2, sizeof rt2);
    put("feedback_roundtrip", "custom", rt3, sizeof rt3);
    put("feedback_roundtrip", "ces-bad", rt4, sizeof rt4);
    /* shape bits 1-2 CSAT method, 3-4 CES method, 5 NPS interval */
    const unsigned char rt5[] = {0, 2, 0, 1, 2, 3, 4, 4, 2};
    const unsigned char rt6[] = {1, 32, 10, 9, 0, 6, 10};
    const unsigned char rt7[] = {2, 16, 0, 1, 2, 5, 6, 6};
    put("feedback_roundtrip", "csat-rated", rt5, sizeof rt5);
    put("feedback_roundtrip", "nps-adjusted", rt6, sizeof rt6);
    put("feedback_roundtrip", "ces-index", rt7, sizeof rt7);

    svcm_rate r;
    (void)svcm_rate_init(&r, 0);
    PUT_SAVED("rate_load", "empty", svcm_rate_save, &r);
    (void)svcm_rate_add_counts(&r, 17, 40);
    PUT_SAVED("rate_load", "some", svcm_rate_save, &r);
    (void)svcm_rate_init(&r, 2);
    (void)svcm_rate_add_counts(&r, 3, 3);
    PUT_SAVED("rate_load", "all", svcm_rate_save, &r);
}
#endif

#ifdef HAVE_SKETCH
static void sketches(void)
{
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    svcm_sketch *s = NULL;
    svcm_durations *d = NULL;
    if (svcm_sketch_new(&o, NULL, &s, NULL) != SVCM_OK || svcm_durations_new(&o, NULL, &d, NULL) != SVCM_OK) {
        failures++;
        return;
    }
    PUT_SAVED("sketch_load", "empty", svcm_sketch_save, s);
    PUT_SAVED("durations_load", "empty", svcm_durations_save, d);
    const double xs[] = {0, 0.5, 1, 2, 3.25, 60, 3600, 86400, 0};
    (void)svcm_sketch_add_batch(s, xs, sizeof xs / sizeof xs[0], NULL);
    (void)svcm_sketch_add(s, -7.5);
    (void)svcm_durations_add_batch(d, xs, sizeof xs / sizeof xs[0], NULL);
    PUT_SAVED("sketch_load", "exact", svcm_sketch_save, s);
    PUT_SAVED("durations_load", "exact", svcm_durations_save, d);
    svcm_sketch_free(s);
    svcm_durations_free(d);

    /* past the exact limit: bucket counters only, and a collapsed range */
    o.exact_limit = 4;
    o.max_buckets = SVCM_SKETCH_MIN_BUCKETS;
    o.rel_err = 0.05;
    if (svcm_sketch_new(&o, NULL, &s, NULL) != SVCM_OK || svcm_durations_new(&o, NULL, &d, NULL) != SVCM_OK) {
        failures++;
        return;
    }
    double v = 1e-3;
    for (int i = 0; i < 60; i++, v *= 1.7) {
        (void)svcm_sketch_add(s, i % 3 ? v : -v);
        (void)svcm_durations_add(d, v);
    }
    PUT_SAVED("sketch_load", "buckets", svcm_sketch_save, s);
    PUT_SAVED("durations_load", "buckets", svcm_durations_save, d);
    svcm_sketch_free(s);
    svcm_durations_free(d);
}
#endif

#ifdef HAVE_PDCA
static void cycles(void)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = 7;
    o.title = "Faster \"first\" reply";
    o.owner = "ana";
    o.metric = "first reply time";
    o.unit = "min";
    o.higher_is_better = false;
    svcm_cycle *c = NULL;
    if (svcm_cycle_new(&o, NULL, &c, NULL) != SVCM_OK) {
        failures++;
        return;
    }
    PUT_SAVED("cycle_load", "new", svcm_cycle_format, c);
    const int64_t t0 = 1700000000;
    (void)svcm_cycle_set_goal(c, 42, 30, t0 + 90 * 86400, NULL);
    (void)svcm_cycle_add_action(c, "triage\tbot", "bo", t0 + 86400, NULL, NULL);
    (void)svcm_cycle_add_action(c, "macros", NULL, t0 + 2 * 86400, NULL, NULL);
    svcm_pdca_sample before[4] = {{0}};
    const double bv[4] = {41.5, 44, 40, 43};
    for (int i = 0; i < 4; i++) {
        before[i].t = t0 - 4000 + 1000 * i;
        before[i].value = bv[i];
        before[i].baseline = true;
    }
    (void)svcm_cycle_measure(c, before, 4, NULL);
    PUT_SAVED("cycle_load", "plan", svcm_cycle_format, c);
    (void)svcm_cycle_start(c, t0, "ana", "go", NULL);
    svcm_pdca_sample after[5] = {{0}};
    const double av[5] = {35, 33, 31.25, 30, 29};
    for (int i = 0; i < 5; i++) {
        after[i].t = t0 + 1000 + 1000 * i;
        after[i].value = av[i];
    }
    (void)svcm_cycle_measure(c, after, 5, NULL);
    PUT_SAVED("cycle_load", "do", svcm_cycle_format, c);
    struct svcm_cycle_check_result chk;
    if (svcm_cycle_check(c, t0 + 10000, "ana", "look", &chk, NULL) == SVCM_OK)
        PUT_SAVED("cycle_load", "check", svcm_cycle_format, c);
    if (svcm_cycle_enter_act(c, t0 + 20000, "ana", "", NULL) == SVCM_OK &&
        svcm_cycle_standardize(c, t0 + 30000, "ana", "adopt", NULL) == SVCM_OK)
        PUT_SAVED("cycle_load", "closed", svcm_cycle_format, c);
    svcm_cycle_free(c);

    o.rate = true;
    o.higher_is_better = true;
    o.title = "FCR";
    o.metric = "first contact resolution";
    if (svcm_cycle_new(&o, NULL, &c, NULL) != SVCM_OK) {
        failures++;
        return;
    }
    svcm_pdca_sample r[4] = {{0}};
    const uint64_t wins[4] = {5, 7, 12, 15};
    for (int i = 0; i < 4; i++) {
        r[i].t = t0 + (i < 2 ? -20 + 10 * i : 10 * i);
        r[i].baseline = i < 2;
        r[i].has_counts = true;
        r[i].successes = wins[i];
        r[i].trials = 20;
    }
    (void)svcm_cycle_measure(c, r, 2, NULL);
    (void)svcm_cycle_add_action(c, "kb", "cy", t0, NULL, NULL);
    (void)svcm_cycle_set_goal(c, 0.3, 0.5, t0 + 86400, NULL);
    (void)svcm_cycle_start(c, t0, "cy", "", NULL);
    (void)svcm_cycle_measure(c, r + 2, 2, NULL);
    svcm_error err;
    if (svcm_cycle_check(c, t0 + 20, "cy", "", &chk, &err) == SVCM_OK) {
        PUT_SAVED("cycle_load", "rate-check", svcm_cycle_format, c);
    } else {
        fprintf(stderr, "gen_corpus: rate check refused: %s\n", err.message);
        failures++;
    }
    svcm_cycle_free(c);
}
#endif

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus CORPUS_DIR\n");
        return 2;
    }
    root = argv[1];
    moments();
#ifdef HAVE_FEEDBACK
    feedback();
#endif
#ifdef HAVE_SKETCH
    sketches();
#endif
#ifdef HAVE_PDCA
    cycles();
#endif
    return failures ? 1 : 0;
}
