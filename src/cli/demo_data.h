/* Deterministic synthetic data for `svcm demo`: customers, tickets and
 * survey answers shaped like a help desk's, generated from a fixed seed so
 * that every run (and every machine) produces the same files. */
#ifndef SVCM_CLI_DEMO_DATA_H
#define SVCM_CLI_DEMO_DATA_H

#include <stdint.h>
#include <stdio.h>

/* The instant the demo data is "as of": 2026-03-02T09:00:00Z (a Monday). */
#define CLI_DEMO_NOW INT64_C(1772442000)

/* Write n customers: id,recency_days,frequency,monetary,tenure_days. */
int cli_demo_customers(FILE *out, uint64_t seed, long n);
/* The same customers 13 weeks (91 days) earlier: purchases after that cut
 * left out, customers who joined later not written (a snapshot for tier
 * migration against cli_demo_customers()). */
int cli_demo_customers_prev(FILE *out, uint64_t seed, long n);
/* Write n intervals of one weekday from 08:00 to 20:00 UTC (n = 24: half
 * hours): start,calls,aht (seconds). */
int cli_demo_intervals(FILE *out, uint64_t seed, long n);
/* The demo's service standards as targets text (seed and n unused). */
int cli_demo_targets(FILE *out, uint64_t seed, long n);
/* Write the touchpoint events of n customers: customer,touchpoint,time,
 * score (1-5),lost (0/1); funnel web visit, front desk, quote, purchase
 * (some start at the hotline). */
int cli_demo_events(FILE *out, uint64_t seed, long n);
/* Write n tickets: id,created,first_response,resolved,due,channel,agent,
 * tier,impact (individual..organisation),severity (1..4),value (0..1),
 * urgent,fcr,reopened (instants ISO 8601 UTC;
 * open tickets have empty resolved). */
int cli_demo_tickets(FILE *out, uint64_t seed, long n);
/* Write n survey answers: id,channel,nps,csat,ces. */
int cli_demo_feedback(FILE *out, uint64_t seed, long n);

#endif /* SVCM_CLI_DEMO_DATA_H */
