/* SVG charts for the svcm command-line tool. */
#include "svg.h"

#include "html.h" /* html_esc: the same XML escaping for SVG text */

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void begin(FILE *out, int w, int h, const char *title)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
            "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
            "<text x=\"%d\" y=\"28\" font-size=\"18\" text-anchor=\"middle\" fill=\"#222\">",
            w, h, w, h, w, h, w / 2);
    html_esc(out, title);
    fputs("</text>\n", out);
}

static int end(FILE *out)
{
    fputs("</svg>\n", out);
    return ferror(out) ? -1 : 0;
}

static void text(FILE *out, double x, double y, int size, const char *anchor, const char *fill,
                 const char *s)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\">",
            x, y, size, anchor, fill);
    html_esc(out, s);
    fputs("</text>\n", out);
}

/* Text centred at x, broken at spaces into lines of at most width
 * characters, starting at y. */
static void wrapped(FILE *out, double x, double y, int size, size_t width, const char *s)
{
    char line[128];
    while (s && *s) {
        size_t len = strlen(s), take = len;
        if (take > width) {
            take = width;
            while (take > 0 && s[take] != ' ')
                take--;
            if (take == 0)
                take = width;
        }
        if (take >= sizeof line)
            take = sizeof line - 1;
        memcpy(line, s, take);
        line[take] = '\0';
        text(out, x, y, size, "middle", "#333", line);
        y += size + 4;
        s += take;
        while (*s == ' ')
            s++;
    }
}

int cli_svg_share_bars(FILE *out, const char *title, size_t n, const char *const *labels,
                       const double *count_share, const double *value_share,
                       const long long *counts)
{
    const int W = 720, H = 420, L = 70, R = 20, T = 60, B = 70;
    double pw = W - L - R, ph = H - T - B, group = n ? pw / (double)n : pw;
    begin(out, W, H, title);
    for (int i = 0; i <= 4; i++) {
        double y = T + ph - ph * i / 4.0;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, y,
                W - R, y);
        char lab[16];
        snprintf(lab, sizeof lab, "%d%%", i * 25);
        text(out, L - 8, y + 4, 12, "end", "#555", lab);
    }
    for (size_t i = 0; i < n; i++) {
        double x0 = L + group * (double)i + group * 0.15, bw = group * 0.35;
        double hc = ph * fmin(fmax(count_share[i], 0.0), 1.0);
        double hv = ph * fmin(fmax(value_share[i], 0.0), 1.0);
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4e79a7\"/>\n",
                x0, T + ph - hc, bw, hc);
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f28e2b\"/>\n",
                x0 + bw, T + ph - hv, bw, hv);
        char lab[48];
        snprintf(lab, sizeof lab, "%lld", counts[i]);
        text(out, x0 + bw / 2, T + ph - hc - 5, 11, "middle", "#222", lab);
        snprintf(lab, sizeof lab, "%.0f%%", 100.0 * value_share[i]);
        text(out, x0 + 1.5 * bw, T + ph - hv - 5, 11, "middle", "#222", lab);
        text(out, x0 + bw, T + ph + 20, 13, "middle", "#222", labels[i]);
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n", L,
            T + ph, W - R, T + ph);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#4e79a7\"/>\n", L,
            H - 30);
    text(out, L + 20, H - 18, 12, "start", "#222", "share of customers (label: count)");
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#f28e2b\"/>\n",
            L + 300, H - 30);
    text(out, L + 320, H - 18, 12, "start", "#222", "share of monetary value");
    return end(out);
}

int cli_svg_eisenhower(FILE *out, const char *title, const long long counts[4],
                       const char *const names[4], const char *const advice[4])
{
    const int W = 640, L = 80, T = 70, S = 260, H = T + 2 * S + 30;
    static const char *const fill[4] = {"#e15759", "#4e79a7", "#f28e2b", "#bab0ac"};
    begin(out, W, H, title);
    /* Rows: important (top) / not important; columns: urgent (left) / not urgent. */
    static const int pos[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (int q = 0; q < 4; q++) {
        double x = L + pos[q][0] * S, y = T + pos[q][1] * S;
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                "fill-opacity=\"0.25\" stroke=\"#333\"/>\n",
                x, y, S, S, fill[q]);
        text(out, x + S / 2.0, y + 40, 20, "middle", "#222", names[q]);
        char num[32];
        snprintf(num, sizeof num, "%lld", counts[q]);
        text(out, x + S / 2.0, y + S / 2.0 + 20, 54, "middle", "#222", num);
        wrapped(out, x + S / 2.0, y + S - 64, 12, 36, advice[q]);
    }
    text(out, L + S / 2.0, T - 10, 14, "middle", "#222", "urgent");
    text(out, L + 1.5 * S, T - 10, 14, "middle", "#222", "not urgent");
    fprintf(out,
            "<text x=\"%d\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" fill=\"#222\" "
            "transform=\"rotate(-90 %d %.1f)\">important</text>\n",
            L - 15, T + S / 2.0, L - 15, T + S / 2.0);
    fprintf(out,
            "<text x=\"%d\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" fill=\"#222\" "
            "transform=\"rotate(-90 %d %.1f)\">not important</text>\n",
            L - 15, T + 1.5 * S, L - 15, T + 1.5 * S);
    return end(out);
}

int cli_svg_control(FILE *out, const char *title, const double *values, size_t n,
                    size_t n_baseline, double centre, double sigma, const size_t *signals,
                    size_t n_signals)
{
    const int W = 800, H = 420, L = 70, R = 90, T = 60, B = 50;
    double pw = W - L - R, ph = H - T - B;
    double lo = centre - 3.5 * sigma, hi = centre + 3.5 * sigma;
    for (size_t i = 0; i < n; i++) {
        if (values[i] < lo)
            lo = values[i];
        if (values[i] > hi)
            hi = values[i];
    }
    if (!(hi > lo)) {
        lo -= 1.0;
        hi += 1.0;
    }
    double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
#define YV(v) (T + ph - ph * ((v) - lo) / (hi - lo))
#define XI(i) (L + (n > 1 ? pw * (double)(i) / (double)(n - 1) : pw / 2))
    begin(out, W, H, title);
    if (n_baseline > 0 && n_baseline < n) {
        double xb = (XI(n_baseline - 1) + XI(n_baseline)) / 2;
        fprintf(out,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#eef3f8\"/>\n", L,
                T, xb - L, ph);
        text(out, (L + xb) / 2, T + 14, 12, "middle", "#555", "baseline");
        text(out, (xb + W - R) / 2, T + 14, 12, "middle", "#555", "after");
    }
    static const char *const names[7] = {"-3σ (LCL)", "-2σ", "-1σ", "CL", "+1σ", "+2σ", "+3σ (UCL)"};
    for (int k = -3; k <= 3; k++) {
        double y = YV(centre + k * sigma);
        const char *style = k == 0 ? "stroke=\"#2ca02c\" stroke-width=\"2\""
                            : (k == 3 || k == -3) ? "stroke=\"#d62728\" stroke-width=\"1.5\""
                                                  : "stroke=\"#999\" stroke-dasharray=\"4 4\"";
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", L, y, L + pw, y,
                style);
        char lab[48];
        snprintf(lab, sizeof lab, "%s %.3g", names[k + 3], centre + k * sigma);
        text(out, L + pw + 4, y + 4, 11, "start", "#333", lab);
    }
    fputs("<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", XI(i), YV(values[i]));
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#4e79a7\"/>\n", XI(i),
                YV(values[i]));
    for (size_t s = 0; s < n_signals; s++) {
        if (signals[s] >= n)
            continue;
        fprintf(out,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" stroke=\"#d62728\" "
                "stroke-width=\"2\"/>\n",
                XI(signals[s]), YV(values[signals[s]]));
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", L,
            T + ph, L + pw, T + ph);
    text(out, L + pw / 2, H - 12, 12, "middle", "#222", "sample (red circle: Western Electric signal)");
#undef YV
#undef XI
    return end(out);
}

int cli_svg_histogram(FILE *out, const char *title, const char *unit, const double *values,
                      size_t n, const double *marks, const char *const *mark_labels,
                      size_t n_marks)
{
    enum { NB = 40 };
    const int W = 760, H = 420, L = 70, R = 20, T = 60, B = 60;
    double pw = W - L - R, ph = H - T - B;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
    }
    if (n == 0) {
        lo = 0;
        hi = 1;
    }
    /* Durations are heavy-tailed: past two decades, bin on a log axis. */
    int logx = lo > 0 && hi / lo > 100.0;
    double a = logx ? log10(lo) : lo, b = logx ? log10(hi) : hi;
    if (!(b > a))
        b = a + 1.0;
#define POS(v) ((logx ? log10(v) : (v)) - a) / (b - a)
    long long bins[NB] = {0}, top = 1;
    for (size_t i = 0; i < n; i++) {
        int k = (int)(POS(values[i]) * NB);
        if (k >= NB)
            k = NB - 1;
        if (k < 0)
            k = 0;
        bins[k]++;
    }
    for (int k = 0; k < NB; k++)
        if (bins[k] > top)
            top = bins[k];
    begin(out, W, H, title);
    double bw = pw / NB;
    for (int k = 0; k < NB; k++) {
        double h = ph * (double)bins[k] / (double)top;
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4e79a7\" "
                "stroke=\"#fff\"/>\n",
                L + k * bw, T + ph - h, bw, h);
    }
    for (size_t m = 0; m < n_marks; m++) {
        if (!(marks[m] > 0 || !logx))
            continue;
        double x = L + pw * (POS(marks[m]));
        if (!(x >= L && x <= L + pw))
            continue;
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" "
                "stroke-dasharray=\"5 3\"/>\n",
                x, T, x, T + ph);
        char lab[64];
        snprintf(lab, sizeof lab, "%s %.3g", mark_labels[m], marks[m]);
        text(out, x + 3, T + 14 + 14 * (double)(m % 3), 11, "start", "#d62728", lab);
    }
#undef POS
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", L,
            T + ph, L + pw, T + ph);
    for (int i = 0; i <= 4; i++) {
        char lab[32];
        double v = a + (b - a) * i / 4.0;
        snprintf(lab, sizeof lab, "%.3g", logx ? pow(10.0, v) : v);
        text(out, L + pw * i / 4.0, T + ph + 18, 11, "middle", "#333", lab);
    }
    char axis[128];
    snprintf(axis, sizeof axis, "%s%s (%zu values; bar height: count, max %lld)", unit,
             logx ? ", log scale" : "", n, top);
    text(out, L + pw / 2, H - 14, 12, "middle", "#222", axis);
    return end(out);
}

int cli_svg_staffing(FILE *out, const char *title, size_t n, const char *const *labels,
                     const double *required, const double *scheduled)
{
    const int W = 900, H = 440, L = 60, R = 20, T = 60, B = 90;
    const double pw = W - L - R, ph = H - T - B;
    double top = 1;
    for (size_t i = 0; i < n; i++) {
        top = fmax(top, required[i]);
        top = fmax(top, scheduled[i]);
    }
    /* A round top for the axis: 1, 2 or 5 times a power of ten. */
    double step = pow(10.0, floor(log10(top / 4.0)));
    step *= top / step / 4.0 > 5 ? 10 : top / step / 4.0 > 2 ? 5 : top / step / 4.0 > 1 ? 2 : 1;
    top = ceil(top / step) * step;
    begin(out, W, H, title);
    const double bw = n ? pw / (double)n : pw;
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = T + ph - ph * v / top;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                L, y, L + pw, y);
        char lab[32];
        snprintf(lab, sizeof lab, "%.0f", v);
        text(out, L - 6, y + 4, 11, "end", "#333", lab);
    }
    for (size_t i = 0; i < n; i++) {
        double h = ph * scheduled[i] / top;
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#a0cbe8\" "
                "stroke=\"#fff\"/>\n",
                L + (double)i * bw, T + ph - h, bw, h);
    }
    if (n > 0) {
        fputs("<polyline fill=\"none\" stroke=\"#e15759\" stroke-width=\"2\" points=\"", out);
        for (size_t i = 0; i < n; i++) {
            double y = T + ph - ph * required[i] / top;
            fprintf(out, "%.1f,%.1f %.1f,%.1f ", L + (double)i * bw, y, L + (double)(i + 1) * bw, y);
        }
        fputs("\"/>\n", out);
    }
    size_t every = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += every) {
        double x = L + ((double)i + 0.5) * bw, y = T + ph + 14;
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                     "fill=\"#333\" transform=\"rotate(-40 %.1f %.1f)\">", x, y, x, y);
        html_esc(out, labels[i]);
        fputs("</text>\n", out);
    }
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"#a0cbe8\"/>\n", L,
            H - 22);
    text(out, L + 20, H - 13, 12, "start", "#222", "scheduled staff (after shrinkage)");
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e15759\" "
                 "stroke-width=\"2\"/>\n", L + 300, H - 17, L + 320, H - 17);
    text(out, L + 326, H - 13, 12, "start", "#222", "agents required on the phones");
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", L,
            T + ph, L + pw, T + ph);
    return end(out);
}

int cli_svg_tracking(FILE *out, const char *title, const char *xlabel, size_t n,
                     const double *actual, const double *predicted, size_t n_calibration)
{
    const int W = 900, H = 480, L = 70, R = 30, T = 60, B = 90;
    const double pw = W - L - R, ph = H - T - B;
    double top = 1;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(actual[i]))
            top = fmax(top, actual[i]);
        if (isfinite(predicted[i]))
            top = fmax(top, predicted[i]);
    }
    /* A round top for the axis: 1, 2 or 5 times a power of ten. */
    double step = pow(10.0, floor(log10(top / 4.0)));
    step *= top / step / 4.0 > 5 ? 10 : top / step / 4.0 > 2 ? 5 : top / step / 4.0 > 1 ? 2 : 1;
    top = ceil(top / step) * step;
    const double dx = n ? pw / (double)n : pw;
    begin(out, W, H, title);
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = T + ph - ph * v / top;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                L, y, L + pw, y);
        char lab[32];
        snprintf(lab, sizeof lab, "%.0f", v);
        text(out, L - 6, y + 4, 11, "end", "#333", lab);
    }
    /* period ticks: about ten labelled */
    size_t every = n > 10 ? (n + 9) / 10 : 1;
    for (size_t i = 0; i <= n; i += every) {
        char lab[32];
        snprintf(lab, sizeof lab, "%zu", i);
        text(out, L + (double)i * dx, T + ph + 16, 11, "middle", "#333", lab);
    }
    text(out, L + pw / 2, T + ph + 38, 12, "middle", "#222", xlabel);
    fprintf(out, "<text x=\"16\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\" "
                 "transform=\"rotate(-90 16 %.1f)\">cumulative repeat purchases</text>\n",
            T + ph / 2, T + ph / 2);
    if (n_calibration <= n) {
        double x = L + (double)n_calibration * dx;
        fprintf(out,
                "<line id=\"calibration-end\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#555\" stroke-dasharray=\"2,3\"/>\n",
                x, T, x, T + ph);
        text(out, x - 4, T + 14, 11, "end", "#555", "end of calibration");
    }
    const char *ids[2] = {"actual", "predicted"};
    const char *style[2] = {"stroke=\"#1f77b4\" stroke-width=\"2\"",
                            "stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6,4\""};
    const double *ys[2] = {actual, predicted};
    for (int c = 0; c < 2; c++) {
        fprintf(out, "<polyline id=\"%s\" fill=\"none\" %s points=\"%d,%.1f", ids[c], style[c], L,
                T + ph);
        for (size_t i = 0; i < n; i++)
            if (isfinite(ys[c][i]))
                fprintf(out, " %.1f,%.1f", L + (double)(i + 1) * dx, T + ph - ph * ys[c][i] / top);
        fputs("\"/>\n", out);
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f77b4\" "
                 "stroke-width=\"2\"/>\n", L, H - 22, L + 24, H - 22);
    text(out, L + 30, H - 18, 12, "start", "#222", "actual");
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d62728\" "
                 "stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n", L + 120, H - 22, L + 144,
            H - 22);
    text(out, L + 150, H - 18, 12, "start", "#222", "model");
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", L,
            T + ph, L + pw, T + ph);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n", L, T, L,
            T + ph);
    return end(out);
}
