/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * ElMetrics: a small Prometheus registry (text exposition format 0.0.4, served at /api/metrics).
 *
 * A metric has a fixed list of label names given when it is registered; each observation passes
 * the label values in the same order (a NULL-terminated array, or NULL for a metric without
 * labels). Label values must be few and known in advance (route templates, methods, statuses,
 * sources, and the ids of units, which an administrator creates and which number in the tens):
 * never patient, handoff or user ids, paths, emails or anything a client chose, never PHI.
 *
 *   ElMetric *created = el_metrics_add_counter (metrics, "el_handoffs_created_total",
 *                                               "Handoffs created.", (const char *[]) { "unit_kind", NULL });
 *   el_metric_inc (created, (const char *[]) { "med_surg", NULL }, 1);
 *
 *   ElMetric *duration = el_metrics_add_histogram (metrics, "el_transcription_duration_seconds",
 *                                                  "Time to transcribe a recording.", NULL,
 *                                                  el_metrics_latency_buckets, EL_METRICS_N_LATENCY_BUCKETS);
 *   el_metric_observe (duration, NULL, 12.5);
 *
 * Every call is thread-safe (the job runner observes from its own thread). Metrics live as long as
 * the registry; registering a name twice returns the first metric if its type and labels agree.
 */

typedef struct ElMetrics ElMetrics;
typedef struct ElMetric ElMetric;

/* 5 ms … 10 s, for request and job latencies in seconds. */
#define EL_METRICS_N_LATENCY_BUCKETS 12
extern const double el_metrics_latency_buckets[EL_METRICS_N_LATENCY_BUCKETS];

ElMetrics *el_metrics_new (void);
void el_metrics_free (ElMetrics *self);

ElMetric *
el_metrics_add_counter (ElMetrics *self, const char *name, const char *help, const char *const *label_names);
ElMetric *
el_metrics_add_gauge (ElMetrics *self, const char *name, const char *help, const char *const *label_names);
ElMetric *el_metrics_add_histogram (ElMetrics *self,
                                    const char *name,
                                    const char *help,
                                    const char *const *label_names,
                                    const double *buckets,
                                    guint n_buckets);

void el_metric_inc (ElMetric *metric, const char *const *label_values, double amount);
void el_metric_set (ElMetric *metric, const char *const *label_values, double value);
void el_metric_observe (ElMetric *metric, const char *const *label_values, double value);

char *el_metrics_render (ElMetrics *self, gsize *len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElMetrics, el_metrics_free)

G_END_DECLS
