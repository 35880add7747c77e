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
/* Write n tickets: id,created,first_response,resolved,due,channel,agent,
 * tier,impact (individual..organisation),severity (1..4),value (0..1),
 * urgent,fcr,reopened (instants ISO 8601 UTC;
 * open tickets have empty resolved). */
int cli_demo_tickets(FILE *out, uint64_t seed, long n);
/* Write n survey answers: id,channel,nps,csat,ces. */
int cli_demo_feedback(FILE *out, uint64_t seed, long n);

#endif /* SVCM_CLI_DEMO_DATA_H */
