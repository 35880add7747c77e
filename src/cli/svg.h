/* SVG charts for the svcm command-line tool. Each function writes one
 * complete, well-formed SVG document; text is XML-escaped. */
#ifndef SVCM_CLI_SVG_H
#define SVCM_CLI_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Grouped bars: for each category, share of count and share of value
 * (fractions 0..1), labelled with the count. */
int cli_svg_share_bars(FILE *out, const char *title, size_t n, const char *const *labels,
                       const double *count_share, const double *value_share,
                       const long long *counts);

/* The Eisenhower 2x2: counts for DO, SCHEDULE, DELEGATE, ELIMINATE with the
 * quadrant names and the advice line of each. */
int cli_svg_eisenhower(FILE *out, const char *title, const long long counts[4],
                       const char *const names[4], const char *const advice[4]);

/* Individuals control chart: values over index, centre line, +-1/2/3 sigma
 * bands (sigma > 0), the first n_baseline points marked as baseline, and the
 * points whose indices are in signals[] circled in red. */
int cli_svg_control(FILE *out, const char *title, const double *values, size_t n,
                    size_t n_baseline, double centre, double sigma, const size_t *signals,
                    size_t n_signals);

/* Histogram of values (e.g. response times in hours) with vertical markers at
 * the given quantiles (labels like "P50"). */
int cli_svg_histogram(FILE *out, const char *title, const char *unit, const double *values,
                      size_t n, const double *marks, const char *const *mark_labels,
                      size_t n_marks);

/* A day's staffing plan: per interval, scheduled staff as bars and agents
 * required on the phones as a step line; labels[i] names interval i (every
 * few are printed). */
int cli_svg_staffing(FILE *out, const char *title, size_t n, const char *const *labels,
                     const double *required, const double *scheduled);

/* A tracking chart (Fader, Hardie & Lee 2005, figure 2): cumulative repeat
 * purchases at the end of periods 1..n, actual (solid polyline, id
 * "actual") and model (dashed, id "predicted"), both starting from 0 at
 * period 0, with a vertical dashed line (id "calibration-end") after the
 * first n_calibration periods; xlabel names the period. */
int cli_svg_tracking(FILE *out, const char *title, const char *xlabel, size_t n,
                     const double *actual, const double *predicted, size_t n_calibration);

#endif /* SVCM_CLI_SVG_H */
