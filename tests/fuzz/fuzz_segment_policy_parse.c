/* svcm_segment_options_parse on arbitrary text. A parsed policy must pass
 * svcm_segment_options_check, format to text that parses back to the
 * identical policy (bit for bit), and format again to the same text. */
#include "fuzz.h"

#include <svcm/segment.h>

static char *format_all(const svcm_segment_options *p, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_segment_options_format(p, NULL, 0, &need) == SVCM_ENOSPC);
    /* The text-writer contract: buf NULL is a size query whatever cap is;
     * cap = need leaves no room for the NUL: ENOSPC, len set, nothing
     * written; len NULL is refused. */
    size_t got = 0;
    FUZZ_CHECK(svcm_segment_options_format(p, NULL, need + 8, &got) == SVCM_ENOSPC && got == need);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x7F, need + 1);
    got = 0;
    FUZZ_CHECK(svcm_segment_options_format(p, buf, need, &got) == SVCM_ENOSPC && got == need);
    for (size_t i = 0; i <= need; i++)
        FUZZ_CHECK(buf[i] == 0x7F);
    FUZZ_CHECK(svcm_segment_options_format(p, buf, need + 1, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_segment_options_format(p, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0' && strlen(buf) == got);
    *len = got;
    return buf;
}

static int same_policy(const svcm_segment_options *a, const svcm_segment_options *b)
{ /* field by field: the struct may have padding after the ints */
#define SAME(f) (memcmp(&a->f, &b->f, sizeof a->f) == 0)
    return SAME(bins) && SAME(churn_days) && SAME(p_alive_min) && SAME(new_tenure_days) &&
           SAME(new_max_frequency) && SAME(vip_active_days) && SAME(vip_m_top_scores) &&
           SAME(vip_min_monetary) && SAME(key_weight_r) && SAME(key_weight_f) &&
           SAME(key_weight_m) && SAME(key_min_score);
#undef SAME
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_segment_options p;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    int rc = svcm_segment_options_parse((const char *)data, size, &p, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_EINVAL);
    if (rc != SVCM_OK) {
        /* a range error on a defaulted key has no line */
        fuzz_check_line_error(&err, rc, data, size, rc == SVCM_EINVAL);
        FUZZ_CHECK(fuzz_lenient() || err.field != NULL);
        return 0;
    }
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL)); /* accepted text is UTF-8 */
    FUZZ_CHECK(svcm_segment_options_check(&p, &err) == SVCM_OK);

    size_t l1 = 0, l2 = 0;
    char *t1 = format_all(&p, &l1);
    svcm_segment_options q;
    rc = svcm_segment_options_parse(t1, l1, &q, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-parse failed at %zu:%zu (%s): %s\n--\n%s--\n",
                err.line, err.column, err.field ? err.field : "-", err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    FUZZ_CHECK(same_policy(&p, &q));
    char *t2 = format_all(&q, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    return 0;
}
