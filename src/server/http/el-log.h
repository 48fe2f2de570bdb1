/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The server's log: one JSON object per line on stderr, written with a single write(2) so lines
 * from several threads never interleave. Every line starts with `time` (RFC 3339 UTC, ms) and
 * `level` (`debug`, `info`, `warn`, `error`) then `event`:
 *
 *   {"time":"2026-11-25T07:15:00.123Z","level":"info","event":"request","request_id":"…",
 *    "method":"GET","route":"/api/v1/handoffs/{handoff_id}","status":200,"duration_ms":1.8,
 *    "user_id":null,"bytes":512}
 *
 * Lines below the threshold (LOG_LEVEL, default info) are dropped. Never log PHI, tokens,
 * passwords, keys, request bodies, query strings, header values or concrete paths: only route
 * templates, ids the server made, and figures.
 *
 *   GString *line = el_log_line_new (EL_LOG_INFO, "listening");
 *   if (line != NULL)  // NULL when the level is filtered out
 *     {
 *       el_log_line_add_int (line, "port", port);
 *       el_log_line_write (line);
 *     }
 */

typedef enum
{
  EL_LOG_DEBUG,
  EL_LOG_INFO,
  EL_LOG_WARN,
  EL_LOG_ERROR,
} ElLogLevel;

void el_log_set_threshold (ElLogLevel level);
ElLogLevel el_log_level_from_glib (GLogLevelFlags flags);
gboolean el_log_enabled (ElLogLevel level);

GString *el_log_line_new (ElLogLevel level, const char *event);
void el_log_line_add_string (GString *line, const char *name, const char *value);
void el_log_line_add_int (GString *line, const char *name, gint64 value);
void el_log_line_add_double (GString *line, const char *name, double value);
void el_log_line_add_bool (GString *line, const char *name, gboolean value);
void el_log_line_write (GString *line);

void el_log_message (ElLogLevel level, const char *event, const char *message);
void el_log_install_glib_writer (void);

G_END_DECLS
