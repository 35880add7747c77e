/* Deterministic synthetic data for `svcm demo`. */
#include "demo_data.h"

#include <math.h>
#include <time.h>

/* splitmix64 (Steele, Lea & Flood 2014): small, fast, fully deterministic. */
typedef struct {
    uint64_t s;
} rng;

static uint64_t next_u64(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double unif(rng *r) { return ((double)(next_u64(r) >> 11) + 0.5) / 9007199254740992.0; }
static double expo(rng *r, double mean) { return -mean * log(unif(r)); }
static double normal(rng *r)
{
    return sqrt(-2.0 * log(unif(r))) * cos(6.283185307179586 * unif(r));
}
static long pick(rng *r, long n) { return (long)(unif(r) * (double)n); }

static void iso(char *buf, size_t size, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tmv;
    struct tm *g = gmtime(&tt);
    if (g == NULL) {
        snprintf(buf, size, "%lld", (long long)t);
        return;
    }
    tmv = *g;
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

/* Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
static double gamma1(rng *r, double shape)
{
    if (shape < 1.0)
        return gamma1(r, shape + 1.0) * pow(unif(r), 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = normal(r), v = 1.0 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = unif(r);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

/* The customers as observed back_weeks before the end: the same draws in
 * the same order whatever back_weeks is (so the customers are the same
 * people), purchases after the cut left out; customers who joined after
 * the cut are not written. */
static int customers_at(FILE *out, uint64_t seed, long n, double back_weeks)
{
    /* Customers simulated from the BG/NBD story (Fader, Hardie & Lee 2005),
     * in weeks: purchase rate lambda ~ Gamma(r = 0.8, alpha = 4), dropout
     * probability after each repeat purchase p ~ Beta(a = 0.6, b = 5);
     * spend per purchase ~ Gamma(6, nu), nu ~ Gamma(4, 1/15) (Gamma-Gamma
     * spend model). Customers joined uniformly over the last 2 years. */
    rng r = {seed};
    fputs("id,recency_days,frequency,monetary,tenure_days\n", out);
    for (long i = 0; i < n; i++) {
        double T = 1.0 + floor(unif(&r) * 730.0) / 7.0; /* weeks since first purchase */
        double lambda = gamma1(&r, 0.8) / 4.0;
        double ga = gamma1(&r, 0.6), gb = gamma1(&r, 5.0), p = ga / (ga + gb);
        double nu = gamma1(&r, 4.0) / 15.0;
        double t = 0.0, t_x = 0.0, spend = gamma1(&r, 6.0) / nu;
        double cut = T - back_weeks; /* the snapshot's end, weeks since joining */
        long x = 0;
        for (;;) {
            t += expo(&r, 1.0 / lambda);
            if (t > T)
                break;
            double more = gamma1(&r, 6.0) / nu;
            if (t <= cut) {
                x++;
                t_x = t;
                spend += more;
            }
            if (unif(&r) < p)
                break; /* became inactive after this purchase */
        }
        if (cut < 1.0 / 7.0)
            continue; /* not a customer yet at the cut */
        double tenure_days = round(cut * 7.0), recency_days = round((cut - t_x) * 7.0);
        fprintf(out, "C%05ld,%.0f,%ld,%.2f,%.0f\n", i + 1, recency_days, x + 1, spend, tenure_days);
    }
    return ferror(out) ? -1 : 0;
}

int cli_demo_customers(FILE *out, uint64_t seed, long n) { return customers_at(out, seed, n, 0.0); }

int cli_demo_customers_prev(FILE *out, uint64_t seed, long n)
{
    return customers_at(out, seed, n, 13.0);
}

int cli_demo_intervals(FILE *out, uint64_t seed, long n)
{
    /* A weekday's calls: a morning peak near 10:30 and a smaller afternoon
     * one near 15:00 over a base load, with Poisson-like noise; handling
     * time around 4 minutes, longer in the busy hours. */
    rng r = {seed};
    fputs("start,calls,aht\n", out);
    const int64_t day0 = CLI_DEMO_NOW - 9 * 3600; /* 2026-03-02T00:00:00Z */
    for (long i = 0; i < n; i++) {
        double h = 8.0 + 12.0 * (double)i / (double)n; /* 08:00 .. 20:00 */
        double mean = 40.0 + 160.0 * exp(-pow((h - 10.5) / 1.5, 2.0)) +
                      120.0 * exp(-pow((h - 15.0) / 2.0, 2.0));
        double calls = fmax(0.0, round(mean + sqrt(mean) * normal(&r)));
        double aht = round(230.0 + 20.0 * (mean / 200.0) + 8.0 * normal(&r));
        char at[32];
        iso(at, sizeof at, day0 + (int64_t)round(h * 3600.0));
        fprintf(out, "%s,%.0f,%.0f\n", at, calls, aht);
    }
    return ferror(out) ? -1 : 0;
}

int cli_demo_tickets(FILE *out, uint64_t seed, long n)
{
    static const char *const channels[3] = {"email", "phone", "chat"};
    static const char *const tiers[5] = {"vip", "key", "regular", "potential", "lost"};
    static const double tier_p[5] = {0.06, 0.16, 0.55, 0.15, 0.08};
    rng r = {seed};
    fputs("id,created,first_response,resolved,due,channel,agent,tier,impact,severity,value,"
          "urgent,fcr,reopened\n",
          out);
    const int64_t start = CLI_DEMO_NOW - 28 * 86400;
    for (long i = 0; i < n; i++) {
        /* Created mostly in working hours (08:00-19:00 UTC) on weekdays. */
        int64_t day = pick(&r, 28), t;
        int64_t base = start + day * 86400;
        int wd = (int)((base / 86400 + 4) % 7); /* 0 = Sunday */
        if ((wd == 0 || wd == 6) && unif(&r) < 0.8)
            base += 2 * 86400;
        t = base + 8 * 3600 + pick(&r, 11 * 3600);
        if (t >= CLI_DEMO_NOW)
            t = CLI_DEMO_NOW - 3600 - pick(&r, 86400);
        long ch = pick(&r, 3);
        double mean_resp = ch == 1 ? 300.0 : ch == 2 ? 120.0 : 5400.0;
        int64_t first = t + 30 + (int64_t)expo(&r, mean_resp);
        int64_t resolved = first + 600 + (int64_t)expo(&r, ch == 0 ? 36000.0 : 9000.0);
        double u = unif(&r), acc = 0;
        int tier = 4;
        for (int k = 0; k < 5; k++) {
            acc += tier_p[k];
            if (u < acc) {
                tier = k;
                break;
            }
        }
        static const char *const impacts[4] = {"individual", "team", "department",
                                               "organisation"};
        static const double impact_p[4] = {0.55, 0.25, 0.15, 0.05};
        double ui = unif(&r), ai = 0;
        int impact = 3;
        for (int k = 0; k < 4; k++) {
            ai += impact_p[k];
            if (ui < ai) {
                impact = k;
                break;
            }
        }
        int severity = 1 + (int)pick(&r, 4);
        int64_t due = t + (severity == 1 ? 4 : severity == 2 ? 8 : severity == 3 ? 24 : 72) * 3600;
        double value = floor(100.0 * unif(&r) * unif(&r)) / 100.0; /* business value 0..1 */
        int urgent = unif(&r) < 0.05;
        int fcr = unif(&r) < (ch == 1 ? 0.78 : ch == 2 ? 0.71 : 0.62);
        int reopened = !fcr && unif(&r) < 0.15;
        char c[32], f[32], rs[32], d[32];
        iso(c, sizeof c, t);
        iso(f, sizeof f, first);
        iso(d, sizeof d, due);
        if (first > CLI_DEMO_NOW)
            f[0] = '\0';
        if (resolved > CLI_DEMO_NOW || f[0] == '\0')
            rs[0] = '\0';
        else
            iso(rs, sizeof rs, resolved);
        fprintf(out, "T%05ld,%s,%s,%s,%s,%s,agent%02ld,%s,%s,%d,%.2f,%d,%d,%d\n", i + 1, c, f, rs,
                d, channels[ch], 1 + pick(&r, 12), tiers[tier], impacts[impact], severity, value,
                urgent, fcr, reopened);
    }
    return ferror(out) ? -1 : 0;
}

int cli_demo_feedback(FILE *out, uint64_t seed, long n)
{
    static const char *const channels[3] = {"email", "phone", "chat"};
    rng r = {seed};
    fputs("id,channel,nps,csat,ces\n", out);
    for (long i = 0; i < n; i++) {
        long ch = pick(&r, 3);
        /* A latent satisfaction drives all three answers, chat a bit better. */
        double s = 0.74 + 0.2 * normal(&r) + (ch == 2 ? 0.06 : ch == 0 ? -0.05 : 0.0);
        if (s < 0)
            s = 0;
        if (s > 1)
            s = 1;
        int nps = (int)floor(s * 10.99);
        double cs = fmax(fmin(s + 0.1 * normal(&r), 0.999), 0.0);
        double ce = fmax(fmin(s + 0.1 * normal(&r), 0.999), 0.0);
        int csat = 1 + (int)floor(cs * 5.0);
        int ces = 7 - (int)floor(ce * 7.0); /* effort: 1 = very easy */
        fprintf(out, "F%05ld,%s,%d,%d,%d\n", i + 1, channels[ch], nps, csat, ces);
    }
    return ferror(out) ? -1 : 0;
}

int cli_demo_targets(FILE *out, uint64_t seed, long n)
{
    (void)seed;
    (void)n;
    fputs("# The demo desk's service standards (svcm report --targets).\n"
          "first_response_p90 <= 1h\n"
          "resolution_p90 <= 24h\n"
          "fcr >= 70%\n"
          "reopen_rate <= 8%\n"
          "csat_top2 >= 75%\n"
          "nps >= 10\n"
          "ces <= 2.5\n",
          out);
    return ferror(out) ? -1 : 0;
}

int cli_demo_events(FILE *out, uint64_t seed, long n)
{
    /* Each customer's journey: found on the web (or by the hotline), then
     * the front-desk consultation, a quote and the purchase, each step
     * with its own chance to continue; the consultation loses the most.
     * Customers who stop before buying are mostly lost; a few buyers are
     * lost too. Scores 1-5 per touchpoint, the front desk rated lowest. */
    static const char *const steps[4] = {"web visit", "front desk", "quote", "purchase"};
    static const double go_on[4] = {0.82, 0.58, 0.74, 1.0};
    static const double mean_score[4] = {4.1, 3.2, 3.8, 4.4};
    rng r = {seed};
    fputs("customer,touchpoint,time,score,lost\n", out);
    const int64_t start = CLI_DEMO_NOW - 90 * 86400;
    for (long i = 0; i < n; i++) {
        double t = (double)start + unif(&r) * 75.0 * 86400.0;
        int first = unif(&r) < 0.85 ? 0 : -1; /* -1: the hotline first */
        int last = 0;
        char at[32];
        int64_t times[6];
        const char *where[6];
        int scores[6], k = 0;
        if (first < 0) {
            where[k] = "hotline";
            times[k] = (int64_t)t;
            scores[k++] = (int)fmin(5, fmax(1, round(3.6 + normal(&r))));
            t += expo(&r, 86400.0);
        }
        for (int s = 0; s < 4; s++) {
            where[k] = steps[s];
            times[k] = (int64_t)t;
            scores[k++] = (int)fmin(5, fmax(1, round(mean_score[s] + 0.8 * normal(&r))));
            last = s;
            if (unif(&r) >= go_on[s])
                break;
            t += expo(&r, s == 0 ? 2 * 86400.0 : 4 * 86400.0);
        }
        int lost = last < 3 ? unif(&r) < 0.85 : unif(&r) < 0.1;
        for (int e = 0; e < k; e++) {
            iso(at, sizeof at, times[e]);
            fprintf(out, "U%05ld,%s,%s,%d,%d\n", i + 1, where[e], at, scores[e], lost);
        }
    }
    return ferror(out) ? -1 : 0;
}
