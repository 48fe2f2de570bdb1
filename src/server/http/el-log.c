/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-log.h"

#include "el-model-types.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static gint threshold = EL_LOG_INFO;

void
el_log_set_threshold (ElLogLevel level)
{
  g_atomic_int_set (&threshold, (gint) level);
}

/* LOG_LEVEL as el-server-config.c parses it (error = CRITICAL, warn = WARNING, ...). */
ElLogLevel
el_log_level_from_glib (GLogLevelFlags flags)
{
  if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return EL_LOG_ERROR;
  if (flags & G_LOG_LEVEL_WARNING)
    return EL_LOG_WARN;
  if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return EL_LOG_INFO;
  return EL_LOG_DEBUG;
}

gboolean
el_log_enabled (ElLogLevel level)
{
  return (gint) level >= g_atomic_int_get (&threshold);
}

static void
append_json_string (GString *out, const char *value)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
          case '"':
            g_string_append (out, "\\\"");
            break;
          case '\\':
            g_string_append (out, "\\\\");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          default:
            if (c < 0x20 || c == 0x7f)
              g_string_append_printf (out, "\\u%04x", c);
            else
              g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

/**
 * el_log_line_new:
 * @level: the line's level
 * @event: what happened (`request`, `listening`, `draining`, ...)
 *
 * Returns: (transfer full) (nullable): a line to complete and pass to el_log_line_write(), or
 *   %NULL when @level is below the threshold
 */
GString *
el_log_line_new (ElLogLevel level, const char *event)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *time = NULL;
  GString *line;

  if (!el_log_enabled (level))
    return NULL;

  now = g_date_time_new_now_utc ();
  time = el_timestamp_format (now);
  line = g_string_sized_new (256);
  g_string_append_printf (line, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":", time, level_names[level]);
  append_json_string (line, event);
  return line;
}

/* A %NULL @value is written as JSON null. */
void
el_log_line_add_string (GString *line, const char *name, const char *value)
{
  g_string_append_c (line, ',');
  append_json_string (line, name);
  g_string_append_c (line, ':');
  if (value != NULL)
    append_json_string (line, value);
  else
    g_string_append (line, "null");
}

void
el_log_line_add_int (GString *line, const char *name, gint64 value)
{
  g_string_append_c (line, ',');
  append_json_string (line, name);
  g_string_append_printf (line, ":%" G_GINT64_FORMAT, value);
}

void
el_log_line_add_double (GString *line, const char *name, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (line, ',');
  append_json_string (line, name);
  g_string_append_c (line, ':');
  if (isfinite (value))
    g_string_append (line, g_ascii_formatd (buf, sizeof buf, "%.3f", value));
  else
    g_string_append (line, "null");
}

void
el_log_line_add_bool (GString *line, const char *name, gboolean value)
{
  g_string_append_c (line, ',');
  append_json_string (line, name);
  g_string_append (line, value ? ":true" : ":false");
}

/* Writes and frees @line. */
void
el_log_line_write (GString *line)
{
  gsize done = 0;

  g_string_append (line, "}\n");
  while (done < line->len)
    {
      gssize n = write (STDERR_FILENO, line->str + done, line->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  g_string_free (line, TRUE);
}

void
el_log_message (ElLogLevel level, const char *event, const char *message)
{
  GString *line = el_log_line_new (level, event);

  if (line == NULL)
    return;
  if (message != NULL)
    el_log_line_add_string (line, "message", message);
  el_log_line_write (line);
}

static GLogWriterOutput
glib_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *message = NULL;
  const char *domain = NULL;
  ElLogLevel level = el_log_level_from_glib (log_level);
  GString *line;

  if (!el_log_enabled (level))
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
      else if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
    }

  line = el_log_line_new (level, "log");
  if (line == NULL)
    return G_LOG_WRITER_HANDLED;
  el_log_line_add_string (line, "domain", domain);
  el_log_line_add_string (line, "message", message);
  el_log_line_write (line);
  return G_LOG_WRITER_HANDLED;
}

/* Sends GLib's g_message(), g_warning(), ... through el_log (fatal ones still abort). */
void
el_log_install_glib_writer (void)
{
  g_log_set_writer_func (glib_writer, NULL, NULL);
}
