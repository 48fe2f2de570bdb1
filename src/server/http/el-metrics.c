/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double el_metrics_latency_buckets[EL_METRICS_N_LATENCY_BUCKETS] = {
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 10,
};

typedef enum
{
  METRIC_COUNTER,
  METRIC_GAUGE,
  METRIC_HISTOGRAM,
} MetricType;

typedef struct
{
  char **values;   /* label values, in the metric's label order */
  double value;    /* counter, gauge */
  guint64 *counts; /* histogram: per bucket, not cumulative */
  double sum;
  guint64 count;
} Series;

struct ElMetric
{
  ElMetrics *registry;
  MetricType type;
  char *name;
  char *help;
  char **label_names;
  guint n_labels;
  double *buckets;
  guint n_buckets;
  GHashTable *series; /* key (values joined by 0xff) → Series */
};

struct ElMetrics
{
  GMutex lock;
  GPtrArray *metrics; /* ElMetric, in registration order */
};

static void
series_free (Series *series)
{
  g_strfreev (series->values);
  g_free (series->counts);
  g_free (series);
}

static void
metric_free (ElMetric *metric)
{
  g_free (metric->name);
  g_free (metric->help);
  g_strfreev (metric->label_names);
  g_free (metric->buckets);
  g_hash_table_unref (metric->series);
  g_free (metric);
}

ElMetrics *
el_metrics_new (void)
{
  ElMetrics *self = g_new0 (ElMetrics, 1);

  g_mutex_init (&self->lock);
  self->metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) metric_free);
  return self;
}

void
el_metrics_free (ElMetrics *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->metrics);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static gboolean
is_metric_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_' || name[0] == ':'))
    return FALSE;
  for (const char *p = name + 1; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == ':'))
      return FALSE;
  return TRUE;
}

static gboolean
is_label_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_') || g_str_has_prefix (name, "__") ||
      g_str_equal (name, "le"))
    return FALSE;
  for (const char *p = name + 1; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static guint
strv_length0 (const char *const *strv)
{
  return strv != NULL ? g_strv_length ((char **) strv) : 0;
}

static Series *
series_new (ElMetric *metric, const char *const *values)
{
  Series *series = g_new0 (Series, 1);

  series->values = g_new0 (char *, metric->n_labels + 1);
  for (guint i = 0; values != NULL && i < metric->n_labels; i++)
    series->values[i] = g_strdup (values[i]);
  if (metric->type == METRIC_HISTOGRAM)
    series->counts = g_new0 (guint64, metric->n_buckets);
  return series;
}

static ElMetric *
add_metric (ElMetrics *self,
            MetricType type,
            const char *name,
            const char *help,
            const char *const *label_names,
            const double *buckets,
            guint n_buckets)
{
  ElMetric *metric;
  guint n_labels = strv_length0 (label_names);

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (is_metric_name (name), NULL);
  g_return_val_if_fail (help != NULL && g_utf8_validate (help, -1, NULL), NULL);
  for (guint i = 0; i < n_labels; i++)
    g_return_val_if_fail (is_label_name (label_names[i]), NULL);
  for (guint i = 1; i < n_buckets; i++)
    g_return_val_if_fail (buckets[i] > buckets[i - 1], NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->metrics->len; i++)
    {
      ElMetric *other = g_ptr_array_index (self->metrics, i);

      if (!g_str_equal (other->name, name))
        continue;
      g_mutex_unlock (&self->lock);
      g_return_val_if_fail (other->type == type && other->n_labels == n_labels, NULL);
      for (guint j = 0; j < n_labels; j++)
        g_return_val_if_fail (g_str_equal (other->label_names[j], label_names[j]), NULL);
      return other;
    }

  metric = g_new0 (ElMetric, 1);
  metric->registry = self;
  metric->type = type;
  metric->name = g_strdup (name);
  metric->help = g_strdup (help);
  metric->label_names =
      g_strdupv ((char **) (label_names != NULL ? label_names : (const char *const[]){ NULL }));
  metric->n_labels = n_labels;
  metric->buckets = g_memdup2 (buckets, sizeof (double) * n_buckets);
  metric->n_buckets = n_buckets;
  metric->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) series_free);
  if (n_labels == 0)
    g_hash_table_insert (metric->series, g_strdup (""), series_new (metric, NULL));
  g_ptr_array_add (self->metrics, metric);
  g_mutex_unlock (&self->lock);

  return metric;
}

ElMetric *
el_metrics_add_counter (ElMetrics *self, const char *name, const char *help, const char *const *label_names)
{
  return add_metric (self, METRIC_COUNTER, name, help, label_names, NULL, 0);
}

ElMetric *
el_metrics_add_gauge (ElMetrics *self, const char *name, const char *help, const char *const *label_names)
{
  return add_metric (self, METRIC_GAUGE, name, help, label_names, NULL, 0);
}

ElMetric *
el_metrics_add_histogram (ElMetrics *self,
                          const char *name,
                          const char *help,
                          const char *const *label_names,
                          const double *buckets,
                          guint n_buckets)
{
  g_return_val_if_fail (buckets != NULL && n_buckets > 0, NULL);
  return add_metric (self, METRIC_HISTOGRAM, name, help, label_names, buckets, n_buckets);
}

/* Called with the registry locked. */
static Series *
lookup_series (ElMetric *metric, const char *const *values)
{
  g_autoptr (GString) key = g_string_new (NULL);
  Series *series;

  for (guint i = 0; i < metric->n_labels; i++)
    {
      if (i > 0)
        g_string_append_c (key, '\xff');
      g_string_append (key, values[i]);
    }
  series = g_hash_table_lookup (metric->series, key->str);
  if (series == NULL)
    {
      series = series_new (metric, values);
      g_hash_table_insert (metric->series, g_string_free (g_steal_pointer (&key), FALSE), series);
    }
  return series;
}

static gboolean
check_values (ElMetric *metric, const char *const *values)
{
  if (strv_length0 (values) != metric->n_labels)
    return FALSE;
  for (guint i = 0; i < metric->n_labels; i++)
    if (!g_utf8_validate (values[i], -1, NULL))
      return FALSE;
  return TRUE;
}

void
el_metric_inc (ElMetric *metric, const char *const *label_values, double amount)
{
  g_return_if_fail (metric != NULL && metric->type != METRIC_HISTOGRAM);
  g_return_if_fail (check_values (metric, label_values));
  g_return_if_fail (metric->type == METRIC_GAUGE || amount >= 0);

  g_mutex_lock (&metric->registry->lock);
  lookup_series (metric, label_values)->value += amount;
  g_mutex_unlock (&metric->registry->lock);
}

void
el_metric_set (ElMetric *metric, const char *const *label_values, double value)
{
  g_return_if_fail (metric != NULL && metric->type == METRIC_GAUGE);
  g_return_if_fail (check_values (metric, label_values));

  g_mutex_lock (&metric->registry->lock);
  lookup_series (metric, label_values)->value = value;
  g_mutex_unlock (&metric->registry->lock);
}

void
el_metric_observe (ElMetric *metric, const char *const *label_values, double value)
{
  Series *series;

  g_return_if_fail (metric != NULL && metric->type == METRIC_HISTOGRAM);
  g_return_if_fail (check_values (metric, label_values));
  g_return_if_fail (!isnan (value));

  g_mutex_lock (&metric->registry->lock);
  series = lookup_series (metric, label_values);
  for (guint i = 0; i < metric->n_buckets; i++)
    if (value <= metric->buckets[i])
      {
        series->counts[i]++;
        break;
      }
  series->sum += value;
  series->count++;
  g_mutex_unlock (&metric->registry->lock);
}

static void
append_double (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "NaN");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "+Inf" : "-Inf");
  else if (value == floor (value) && fabs (value) < 9007199254740992.0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
  else
    {
      /* the shortest form that reads back to the same double */
      g_ascii_formatd (buf, sizeof buf, "%.15g", value);
      if (g_ascii_strtod (buf, NULL) != value)
        g_ascii_formatd (buf, sizeof buf, "%.17g", value);
      g_string_append (out, buf);
    }
}

static void
append_escaped (GString *out, const char *text, gboolean quote)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '"' && quote)
        g_string_append (out, "\\\"");
      else
        g_string_append_c (out, *p);
    }
}

static void
append_labels (GString *out, ElMetric *metric, Series *series, const char *le)
{
  gboolean any = FALSE;

  if (metric->n_labels == 0 && le == NULL)
    return;
  g_string_append_c (out, '{');
  for (guint i = 0; i < metric->n_labels; i++)
    {
      g_string_append_printf (out, "%s%s=\"", any ? "," : "", metric->label_names[i]);
      append_escaped (out, series->values[i], TRUE);
      g_string_append_c (out, '"');
      any = TRUE;
    }
  if (le != NULL)
    g_string_append_printf (out, "%sle=\"%s\"", any ? "," : "", le);
  g_string_append_c (out, '}');
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
render_metric (GString *out, ElMetric *metric)
{
  static const char *const types[] = { "counter", "gauge", "histogram" };
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;

  g_string_append_printf (out, "# HELP %s ", metric->name);
  append_escaped (out, metric->help, FALSE);
  g_string_append_printf (out, "\n# TYPE %s %s\n", metric->name, types[metric->type]);

  keys = g_hash_table_get_keys_as_array (metric->series, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_keys);

  for (guint k = 0; k < n_keys; k++)
    {
      Series *series = g_hash_table_lookup (metric->series, keys[k]);

      if (metric->type != METRIC_HISTOGRAM)
        {
          g_string_append (out, metric->name);
          append_labels (out, metric, series, NULL);
          g_string_append_c (out, ' ');
          append_double (out, series->value);
          g_string_append_c (out, '\n');
          continue;
        }

      {
        guint64 cumulative = 0;

        for (guint i = 0; i < metric->n_buckets; i++)
          {
            GString *le = g_string_new (NULL);

            cumulative += series->counts[i];
            append_double (le, metric->buckets[i]);
            g_string_append_printf (out, "%s_bucket", metric->name);
            append_labels (out, metric, series, le->str);
            g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", cumulative);
            g_string_free (le, TRUE);
          }
        g_string_append_printf (out, "%s_bucket", metric->name);
        append_labels (out, metric, series, "+Inf");
        g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", series->count);
        g_string_append_printf (out, "%s_sum", metric->name);
        append_labels (out, metric, series, NULL);
        g_string_append_c (out, ' ');
        append_double (out, series->sum);
        g_string_append_printf (out, "\n%s_count", metric->name);
        append_labels (out, metric, series, NULL);
        g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", series->count);
      }
    }
}

/**
 * el_metrics_render:
 * @self: the registry
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): every metric in the Prometheus text format 0.0.4
 */
char *
el_metrics_render (ElMetrics *self, gsize *len)
{
  GString *out = g_string_sized_new (4096);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->metrics->len; i++)
    render_metric (out, g_ptr_array_index (self->metrics, i));
  g_mutex_unlock (&self->lock);

  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}
