/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-cli.h"
#include "el-cli-speech.h"

#include <stdio.h>
#include <string.h>

#include "el-models.h"

/*
 * The commands. Each is a chain of the services' async calls: the first function is called from
 * the main loop, each callback does one step, and the chain ends in el_cli_done() or el_cli_fail*().
 * State a command keeps between steps lives in a small struct freed at its end.
 */

/* ---- JSON helpers ---- */

static void
add_member_node (JsonBuilder *b, const char *name, JsonNode *node)
{
  json_builder_set_member_name (b, name);
  if (node != NULL)
    json_builder_add_value (b, node);
  else
    json_builder_add_null_value (b);
}

static void
add_member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_member_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static JsonBuilder *
begin_result (void)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  add_member_bool (b, "ok", TRUE);
  return b;
}

static void
print_result (ElCli *cli, JsonBuilder *b)
{
  g_autoptr (JsonNode) root = NULL;

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  el_cli_print_json (cli, root);
}

static char *
format_time (GDateTime *time)
{
  return time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("-");
}

static double
completeness_score (ElSbarVersion *version)
{
  JsonNode *c = el_sbar_version_get_completeness_json (version);

  if (c == NULL || !JSON_NODE_HOLDS_OBJECT (c))
    return -1;
  return json_object_get_double_member_with_default (json_node_get_object (c), "score", -1);
}

/* @text cut or padded with spaces to @width characters (not bytes: names are UTF-8). */
static char *
pad (const char *text, glong width)
{
  glong len = g_utf8_strlen (text, -1);
  GString *out;

  if (len > width)
    {
      const char *end = g_utf8_offset_to_pointer (text, width);

      return g_strndup (text, (gsize) (end - text));
    }
  out = g_string_new (text);
  for (glong i = len; i < width; i++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

static const char *
or_dash (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : "-";
}

/* ---- login ---- */

typedef struct
{
  ElCli *cli;
  char *password;
} LoginData;

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoginData *data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  int lost_ops = 0;

  el_cli_wipe_string (data->password);
  g_free (data->password);
  g_free (data);
  user = el_context_sign_in_finish (EL_CONTEXT (source), result, &lost_ops, &error);
  if (user == NULL)
    {
      if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS))
        el_cli_fail (cli, EL_CLI_EXIT_FAILED, "sign-in refused: wrong e-mail address or password");
      else
        el_cli_fail_error (cli, "signing in", error);
      return;
    }
  if (!el_cli_save_account (cli, user, &error))
    {
      el_cli_fail_error (cli, "remembering the account in cli.ini", error);
      return;
    }
  if (lost_ops != 0)
    g_printerr ("eclipselink-cli: an unreadable old cache was moved aside; %d offline change(s) in it "
                "could not be kept: check and re-enter them\n",
                lost_ops);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "server", cli->server_url);
      add_member_string (b, "account", el_context_get_account (cli->context));
      add_member_node (b, "user", el_user_to_json (user));
      add_member_int (b, "lost_ops", lost_ops);
      print_result (cli, b);
    }
  else
    el_cli_print ("signed in as %s (%s) on %s\n", el_context_get_account (cli->context),
                  el_role_to_string (el_user_get_role (user)), cli->server_url);
  el_cli_done (cli);
}

static void
cmd_login (ElCli *cli)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = el_context_canonical_account (cli->args[0]);
  LoginData *data;

  if (account == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "login: EMAIL must be an e-mail address");
      return;
    }
  if (!el_cli_make_context (cli))
    return;
  data = g_new0 (LoginData, 1);
  data->cli = cli;
  data->password = el_cli_read_password (&error);
  if (data->password == NULL)
    {
      g_free (data);
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "login: %s", error->message);
      return;
    }
  el_context_sign_in_async (cli->context, cli->args[0], data->password, cli->cancellable, signed_in_cb, data);
}

/* ---- logout ---- */

static void
print_signed_out (ElCli *cli, gboolean server_told)
{
  g_autoptr (GError) error = NULL;

  if (!el_cli_forget_account (cli, &error))
    {
      el_cli_fail_error (cli, "updating cli.ini", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "account", cli->account);
      add_member_bool (b, "server_told", server_told);
      print_result (cli, b);
    }
  else
    el_cli_print ("signed out %s%s\n", cli->account,
                  server_told ? "" : " (the server could not be told; its session expires by itself)");
  el_cli_done (cli);
}

static void
signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  gboolean server_told = FALSE;

  if (!el_context_sign_out_finish (EL_CONTEXT (source), result, &server_told, &error))
    {
      el_cli_fail_error (cli, "signing out", error);
      return;
    }
  print_signed_out (cli, server_told);
}

static void
forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_context_forget_account_finish (EL_CONTEXT (source), result, &error))
    {
      el_cli_fail_error (cli, "signing out", error);
      return;
    }
  print_signed_out (cli, FALSE);
}

static void
logout_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  gboolean force = el_cli_flag (cli, "force");

  if (!el_context_open_finish (EL_CONTEXT (source), result, &error))
    {
      /* Nothing to sign out (no key) or a cache that does not open: with --force (or without a
       * key, when there is nothing readable to lose) clear what is left without opening it. */
      if (force || g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN))
        {
          el_context_forget_account_async (cli->context, cli->account, cli->cancellable, forgotten_cb, cli);
          return;
        }
      el_cli_fail_error (cli, "opening the cache", error);
      return;
    }
  el_context_sign_out_async (cli->context, force ? EL_CONTEXT_SIGN_OUT_FORCE : EL_CONTEXT_SIGN_OUT_NONE,
                             cli->cancellable, signed_out_cb, cli);
}

static void
cmd_logout (ElCli *cli)
{
  if (!el_cli_load_account (cli))
    {
      el_cli_fail (cli, EL_CLI_EXIT_SIGNED_OUT, "not signed in to %s", cli->server_url);
      return;
    }
  if (!el_cli_make_context (cli))
    return;
  el_context_open_async (cli->context, cli->account, cli->cancellable, logout_opened_cb, cli);
}

/* ---- sync ---- */

static void
synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  ElSync *sync = EL_SYNC (source);
  ElSyncStats stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) save_error = NULL;
  gint64 pending;

  if (!el_sync_run_finish (sync, result, &stats, &error))
    {
      el_cli_fail_error (cli, "sync", error);
      return;
    }
  if (el_sync_get_last_sync (sync) != NULL &&
      !el_cli_save_last_sync (cli, el_sync_get_last_sync (sync), &save_error))
    g_printerr ("eclipselink-cli: could not remember the sync time in cli.ini: %s\n", save_error->message);
  pending = el_sync_get_pending_count (sync);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_int (b, "pushed", stats.pushed);
      add_member_int (b, "failed", stats.failed);
      add_member_int (b, "needs_attention", stats.needs_attention);
      add_member_int (b, "conflicts", stats.conflicts);
      add_member_int (b, "skipped", stats.skipped);
      add_member_int (b, "pages", stats.pages);
      add_member_int (b, "applied", stats.applied);
      add_member_int (b, "deferred", stats.deferred);
      add_member_int (b, "cursor", stats.cursor);
      add_member_bool (b, "pulled", stats.pulled);
      add_member_int (b, "pending_ops", pending);
      add_member_int (b, "needs_attention_total", el_sync_get_needs_attention_count (sync));
      add_member_int (b, "conflicts_total", el_sync_get_conflict_count (sync));
      print_result (cli, b);
    }
  else
    el_cli_print ("synced: %u change(s) pushed, %u pulled in %u page(s); %" G_GINT64_FORMAT
                  " waiting, %u need attention, %u new conflict(s)\n",
                  stats.pushed, stats.applied, stats.pages, pending, stats.needs_attention, stats.conflicts);
  if (stats.needs_attention > 0 || stats.conflicts > 0)
    {
      /* the JSON document above already says it; the error line only goes to stderr */
      gboolean json = cli->json;

      cli->json = FALSE;
      el_cli_fail (cli, EL_CLI_EXIT_FAILED,
                   "the server refused %u change(s) and %u became conflicts (see `status` and `conflicts`)",
                   stats.needs_attention, stats.conflicts);
      cli->json = json;
      return;
    }
  el_cli_done (cli);
}

static void
sync_resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_context_resume_finish (EL_CONTEXT (source), result, &error);

  if (user == NULL)
    {
      el_cli_fail_error (cli, "resuming the session", error);
      return;
    }
  el_sync_run_async (el_context_get_sync (cli->context), EL_SYNC_RUN_IGNORE_BACKOFF, cli->cancellable,
                     synced_cb, cli);
}

static void
sync_opened (ElCli *cli)
{
  el_context_resume_async (cli->context, cli->cancellable, sync_resumed_cb, cli);
}

static void
cmd_sync (ElCli *cli)
{
  el_cli_open (cli, sync_opened);
}

/* ---- status ---- */

typedef struct
{
  ElCli *cli;
  ElStoreCounts counts;
  gint64 cursor;
  GPtrArray *attention; /* ElStoreOp */
} StatusData;

static void
status_data_free (StatusData *data)
{
  g_clear_pointer (&data->attention, g_ptr_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StatusData, status_data_free)

static void
status_health_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (StatusData) data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) health = el_api_client_health_finish (EL_API_CLIENT (source), result, &error);
  /* online: the server answered (a 503 "degraded" answer is online, not healthy) */
  gboolean online = health != NULL || el_cli_exit_code_for_error (error) != EL_CLI_EXIT_OFFLINE;
  const char *health_text = health != NULL ? "healthy" : online ? "degraded" : NULL;
  g_autofree char *last_sync = el_cli_load_last_sync (cli);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "server", cli->server_url);
      add_member_string (b, "account", cli->account);
      add_member_bool (b, "online", online);
      add_member_string (b, "server_health", health_text);
      add_member_int (b, "pending_ops", data->counts.pending_ops);
      add_member_int (b, "needs_attention", data->counts.needs_attention);
      add_member_int (b, "conflicts", data->counts.conflicts);
      add_member_string (b, "last_sync", last_sync);
      add_member_int (b, "cursor", data->cursor);
      json_builder_set_member_name (b, "cache");
      json_builder_begin_object (b);
      add_member_int (b, "units", data->counts.units);
      add_member_int (b, "patients", data->counts.patients);
      add_member_int (b, "handoffs", data->counts.handoffs);
      add_member_int (b, "sbar_versions", data->counts.sbar_versions);
      add_member_int (b, "recordings", data->counts.recordings);
      add_member_int (b, "deferred", data->counts.deferred);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "needs_attention_ops");
      json_builder_begin_array (b);
      for (guint i = 0; i < data->attention->len; i++)
        {
          ElStoreOp *op = g_ptr_array_index (data->attention, i);

          json_builder_begin_object (b);
          add_member_string (b, "op_id", op->op_id);
          add_member_string (b, "kind", op->kind);
          add_member_string (b, "handoff_id", op->resource_id);
          add_member_int (b, "http_status", op->http_status);
          add_member_string (b, "error", op->last_error);
          add_member_int (b, "attempts", op->attempts);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_result (cli, b);
    }
  else
    {
      el_cli_print ("server:          %s (%s)\n", cli->server_url,
                    health_text != NULL ? health_text : "offline");
      el_cli_print ("account:         %s\n", cli->account);
      el_cli_print ("pending changes: %u\n", data->counts.pending_ops);
      el_cli_print ("need attention:  %u\n", data->counts.needs_attention);
      el_cli_print ("conflicts:       %u\n", data->counts.conflicts);
      el_cli_print ("last sync:       %s\n", last_sync != NULL ? last_sync : "never");
      el_cli_print ("cache:           %u patients, %u handoffs, %u SBAR versions\n", data->counts.patients,
                    data->counts.handoffs, data->counts.sbar_versions);
      for (guint i = 0; i < data->attention->len; i++)
        {
          ElStoreOp *op = g_ptr_array_index (data->attention, i);

          el_cli_print ("  needs attention: %s %s on handoff %s: HTTP %u %s\n", op->op_id, op->kind,
                        op->resource_id, op->http_status, or_dash (op->last_error));
        }
    }
  el_cli_done (cli);
}

static void
status_ops_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StatusData *data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;
  ElApiClient *client = el_context_get_api_client (cli->context);

  data->attention = el_store_list_ops_finish (EL_STORE (source), result, &error);
  if (data->attention == NULL)
    {
      status_data_free (data);
      el_cli_fail_error (cli, "reading the outbox", error);
      return;
    }
  /* a quick look: one attempt, a short deadline */
  el_api_client_set_max_attempts (client, 1);
  g_object_set (client, "request-timeout", 10u, NULL);
  el_api_client_health_async (client, cli->cancellable, status_health_cb, data);
}

static void
status_cursor_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StatusData *data = user_data;
  g_autoptr (GError) error = NULL;

  data->cursor = el_store_get_cursor_finish (EL_STORE (source), result, &error);
  if (data->cursor < 0)
    {
      ElCli *cli = data->cli;

      status_data_free (data);
      el_cli_fail_error (cli, "reading the sync cursor", error);
      return;
    }
  el_store_list_ops_async (EL_STORE (source), EL_STORE_OP_FILTER_NEEDS_ATTENTION, data->cli->cancellable,
                           status_ops_cb, data);
}

static void
status_counted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StatusData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_get_counts_finish (EL_STORE (source), result, &data->counts, &error))
    {
      ElCli *cli = data->cli;

      status_data_free (data);
      el_cli_fail_error (cli, "reading the cache", error);
      return;
    }
  el_store_get_cursor_async (EL_STORE (source), data->cli->cancellable, status_cursor_cb, data);
}

static void
status_opened (ElCli *cli)
{
  StatusData *data = g_new0 (StatusData, 1);

  data->cli = cli;
  el_store_get_counts_async (el_context_get_store (cli->context), cli->cancellable, status_counted_cb, data);
}

static void
cmd_status (ElCli *cli)
{
  el_cli_open (cli, status_opened);
}

/* ---- census ---- */

static void
census_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = el_store_census_finish (EL_STORE (source), result, &error);

  if (entries == NULL)
    {
      el_cli_fail_error (cli, "reading the census", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "unit_id",
                         el_cli_option (cli, "unit") != NULL ? el_cli_option (cli, "unit") : cli->unit_id);
      json_builder_set_member_name (b, "patients");
      json_builder_begin_array (b);
      for (guint i = 0; i < entries->len; i++)
        {
          ElStoreCensusEntry *e = g_ptr_array_index (entries, i);

          json_builder_begin_object (b);
          add_member_node (b, "patient", el_patient_to_json (e->patient));
          add_member_node (b, "handoff", e->handoff != NULL ? el_handoff_to_json (e->handoff) : NULL);
          add_member_int (b, "sbar_version", e->sbar_version);
          add_member_bool (b, "sbar_pending", e->sbar_pending);
          json_builder_set_member_name (b, "completeness");
          if (e->completeness >= 0)
            json_builder_add_double_value (b, e->completeness);
          else
            json_builder_add_null_value (b);
          add_member_bool (b, "has_pending_ops", e->has_pending_ops);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_result (cli, b);
    }
  else
    {
      el_cli_print ("%-6s %-4s %-28s %-12s %-36s %-12s %-6s %s\n", "ROOM", "BED", "PATIENT", "MRN", "HANDOFF",
                    "STATUS", "SBAR", "COMPLETE");
      for (guint i = 0; i < entries->len; i++)
        {
          ElStoreCensusEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *full = g_strdup_printf ("%s, %s", el_patient_get_family_name (e->patient),
                                                   el_patient_get_given_name (e->patient));
          g_autofree char *name = pad (full, 28);
          g_autofree char *version =
              e->sbar_version > 0 ? g_strdup_printf ("v%d%s", e->sbar_version, e->sbar_pending ? "*" : "")
                                  : g_strdup ("-");
          g_autofree char *complete =
              e->completeness >= 0 ? g_strdup_printf ("%.0f%%", e->completeness) : g_strdup ("-");

          el_cli_print ("%-6s %-4s %s %-12s %-36s %-12s %-6s %s\n", el_patient_get_room (e->patient),
                        or_dash (el_patient_get_bed (e->patient)), name, el_patient_get_mrn (e->patient),
                        e->handoff != NULL ? el_handoff_get_id (e->handoff) : "-",
                        e->handoff != NULL ? el_handoff_status_to_string (el_handoff_get_status (e->handoff))
                                           : "-",
                        version, complete);
        }
      el_cli_print ("%u patient(s); * = saved here, not yet on the server\n", entries->len);
    }
  el_cli_done (cli);
}

static void
census_opened (ElCli *cli)
{
  const char *unit = el_cli_option (cli, "unit") != NULL ? el_cli_option (cli, "unit") : cli->unit_id;

  if (unit == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "census: this account has no unit; give --unit ID");
      return;
    }
  el_store_census_async (el_context_get_store (cli->context), unit, cli->cancellable, census_cb, cli);
}

static void
cmd_census (ElCli *cli)
{
  const char *unit = el_cli_option (cli, "unit");

  if (unit != NULL && !el_cli_is_uuid (unit))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "census: --unit must be a unit id (a UUID)");
      return;
    }
  el_cli_open (cli, census_opened);
}

/* ---- handoffs ---- */

static void
handoffs_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) handoffs = el_store_list_handoffs_finish (EL_STORE (source), result, &error);

  if (handoffs == NULL)
    {
      el_cli_fail_error (cli, "reading the handoffs", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "patient_id", el_cli_option (cli, "patient"));
      json_builder_set_member_name (b, "handoffs");
      json_builder_begin_array (b);
      for (guint i = 0; i < handoffs->len; i++)
        json_builder_add_value (b, el_handoff_to_json (g_ptr_array_index (handoffs, i)));
      json_builder_end_array (b);
      print_result (cli, b);
    }
  else
    {
      el_cli_print ("%-36s %-10s %-8s %-12s %s\n", "HANDOFF", "DATE", "SHIFT", "STATUS", "VERSION");
      for (guint i = 0; i < handoffs->len; i++)
        {
          ElHandoff *h = g_ptr_array_index (handoffs, i);
          char date[16] = "-";

          if (el_handoff_get_shift_date (h) != NULL && g_date_valid (el_handoff_get_shift_date (h)))
            g_date_strftime (date, sizeof date, "%Y-%m-%d", el_handoff_get_shift_date (h));
          el_cli_print ("%-36s %-10s %-8s %-12s %d\n", el_handoff_get_id (h), date,
                        el_shift_to_string (el_handoff_get_shift (h)),
                        el_handoff_status_to_string (el_handoff_get_status (h)),
                        el_handoff_get_latest_version (h));
        }
    }
  el_cli_done (cli);
}

static void
handoffs_opened (ElCli *cli)
{
  el_store_list_handoffs_async (el_context_get_store (cli->context), el_cli_option (cli, "patient"),
                                cli->cancellable, handoffs_cb, cli);
}

static void
cmd_handoffs (ElCli *cli)
{
  const char *patient = el_cli_option (cli, "patient");

  if (patient == NULL || !el_cli_is_uuid (patient))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "handoffs: --patient ID (a UUID) is required");
      return;
    }
  el_cli_open (cli, handoffs_opened);
}

/* ---- sbar ---- */

static const ElSbarSection sections[] = {
  EL_SBAR_SECTION_SITUATION,
  EL_SBAR_SECTION_BACKGROUND,
  EL_SBAR_SECTION_ASSESSMENT,
  EL_SBAR_SECTION_RECOMMENDATION,
};

static void
print_sbar_text (ElSbarVersion *v, gboolean pending)
{
  g_autofree char *created = format_time (el_sbar_version_get_created_at (v));
  double score = completeness_score (v);

  el_cli_print ("SBAR version %d%s — %s, %s%s%s\n", el_sbar_version_get_version (v),
                pending ? " (saved here, not yet on the server)" : "",
                el_sbar_source_to_string (el_sbar_version_get_source (v)), created,
                el_sbar_version_get_author_name (v) != NULL ? ", by " : "",
                el_sbar_version_get_author_name (v) != NULL ? el_sbar_version_get_author_name (v) : "");
  if (score >= 0)
    el_cli_print ("Completeness: %.1f%%\n", score);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *title = g_strdup (el_sbar_section_to_string (sections[i]));

      title[0] = g_ascii_toupper (title[0]);
      el_cli_print ("\n%s:\n  %s\n", title, or_dash (el_sbar_version_get_section (v, sections[i])));
    }
}

static void
sbar_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);

  if (sbar == NULL)
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
        el_cli_fail (cli, EL_CLI_EXIT_FAILED,
                     "no such SBAR version of this handoff in the cache (try `sync`)");
      else
        el_cli_fail_error (cli, "reading the SBAR", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_bool (b, "pending", sbar->pending);
      add_member_string (b, "op_id", sbar->op_id);
      add_member_bool (b, "is_latest", sbar->is_latest);
      add_member_node (b, "version", el_sbar_version_to_json (sbar->version));
      print_result (cli, b);
    }
  else
    print_sbar_text (sbar->version, sbar->pending);
  el_cli_done (cli);
}

static gboolean
parse_positive (const char *text, int *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT - 2, &value, NULL))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static void
sbar_opened (ElCli *cli)
{
  int version = 0;

  if (el_cli_option (cli, "version") != NULL)
    (void) parse_positive (el_cli_option (cli, "version"), &version);
  el_store_get_sbar_async (el_context_get_store (cli->context), cli->args[0], version, cli->cancellable,
                           sbar_cb, cli);
}

static gboolean
check_handoff_arg (ElCli *cli)
{
  if (!el_cli_is_uuid (cli->args[0]))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "%s: HANDOFF must be a handoff id (a UUID)", cli->command);
      return FALSE;
    }
  return TRUE;
}

static void
cmd_sbar (ElCli *cli)
{
  int version = 0;

  if (!check_handoff_arg (cli))
    return;
  if (el_cli_option (cli, "version") != NULL && !parse_positive (el_cli_option (cli, "version"), &version))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "sbar: --version must be a whole number from 1");
      return;
    }
  el_cli_open (cli, sbar_opened);
}

/* ---- history ---- */

static void
add_history_entry (JsonBuilder *b, ElStoreSbar *s)
{
  ElSbarVersion *v = s->version;
  JsonNode *changes = el_sbar_version_get_changes_json (v);
  g_autofree char *created = format_time (el_sbar_version_get_created_at (v));
  double score = completeness_score (v);

  json_builder_begin_object (b);
  add_member_int (b, "version", el_sbar_version_get_version (v));
  add_member_string (b, "id", el_sbar_version_get_id (v));
  add_member_string (b, "author_id", el_sbar_version_get_author_id (v));
  add_member_string (b, "author_name", el_sbar_version_get_author_name (v));
  add_member_string (b, "source", el_sbar_source_to_string (el_sbar_version_get_source (v)));
  add_member_string (b, "created_at", created);
  add_member_bool (b, "pending", s->pending);
  add_member_string (b, "op_id", s->op_id);
  add_member_bool (b, "is_latest", s->is_latest);
  json_builder_set_member_name (b, "completeness");
  if (score >= 0)
    json_builder_add_double_value (b, score);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "summary");
  if (changes != NULL && JSON_NODE_HOLDS_OBJECT (changes) &&
      json_object_has_member (json_node_get_object (changes), "summary"))
    json_builder_add_value (
        b, json_node_copy (json_object_get_member (json_node_get_object (changes), "summary")));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
history_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) versions = el_store_list_sbar_versions_finish (EL_STORE (source), result, &error);

  if (versions == NULL)
    {
      el_cli_fail_error (cli, "reading the history", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_string (b, "handoff_id", cli->args[0]);
      json_builder_set_member_name (b, "versions");
      json_builder_begin_array (b);
      for (guint i = 0; i < versions->len; i++)
        add_history_entry (b, g_ptr_array_index (versions, i));
      json_builder_end_array (b);
      print_result (cli, b);
    }
  else
    {
      el_cli_print ("%-8s %-10s %-27s %-9s %-10s %s\n", "VERSION", "SOURCE", "CREATED", "COMPLETE", "CHANGES",
                    "AUTHOR");
      for (guint i = 0; i < versions->len; i++)
        {
          ElStoreSbar *s = g_ptr_array_index (versions, i);
          ElSbarVersion *v = s->version;
          JsonNode *changes = el_sbar_version_get_changes_json (v);
          g_autofree char *created = format_time (el_sbar_version_get_created_at (v));
          g_autofree char *number = g_strdup_printf ("v%d%s%s", el_sbar_version_get_version (v),
                                                     s->pending ? "*" : "", s->is_latest ? " <" : "");
          g_autofree char *complete = completeness_score (v) >= 0
                                          ? g_strdup_printf ("%.1f%%", completeness_score (v))
                                          : g_strdup ("-");
          g_autofree char *delta = NULL;

          if (changes != NULL && JSON_NODE_HOLDS_OBJECT (changes) &&
              json_object_has_member (json_node_get_object (changes), "summary"))
            {
              JsonObject *summary = json_object_get_object_member (json_node_get_object (changes), "summary");

              delta = g_strdup_printf ("+%" G_GINT64_FORMAT "/-%" G_GINT64_FORMAT,
                                       json_object_get_int_member_with_default (summary, "words_inserted", 0),
                                       json_object_get_int_member_with_default (summary, "words_deleted", 0));
            }
          el_cli_print ("%-8s %-10s %-27s %-9s %-10s %s\n", number,
                        el_sbar_source_to_string (el_sbar_version_get_source (v)), created, complete,
                        or_dash (delta), or_dash (el_sbar_version_get_author_name (v)));
        }
      el_cli_print ("%u version(s); * = saved here, not yet on the server; < = current\n", versions->len);
    }
  el_cli_done (cli);
}

static void
history_opened (ElCli *cli)
{
  el_store_list_sbar_versions_async (el_context_get_store (cli->context), cli->args[0], cli->cancellable,
                                     history_cb, cli);
}

static void
cmd_history (ElCli *cli)
{
  if (!check_handoff_arg (cli))
    return;
  el_cli_open (cli, history_opened);
}

/* ---- edit ---- */

typedef struct
{
  ElCli *cli;
  int base_version;
} EditData;

static void
edit_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EditData *data = user_data;
  ElCli *cli = data->cli;
  int base = data->base_version;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = NULL;

  g_free (data);
  op_id = el_store_save_sbar_draft_finish (EL_STORE (source), result, &error);
  if (op_id == NULL)
    {
      el_cli_fail_error (cli, "saving the SBAR", error);
      return;
    }
  /* Only now: the store committed the version and its outbox op in one durable transaction. */
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_bool (b, "saved", TRUE);
      add_member_string (b, "op_id", op_id);
      add_member_string (b, "handoff_id", cli->args[0]);
      add_member_int (b, "base_version", base);
      add_member_int (b, "version", base + 1);
      print_result (cli, b);
    }
  else
    el_cli_print ("saved %s (version %d, queued for sync)\n", op_id, base + 1);
  fflush (stdout);
  el_cli_done (cli);
}

static void
edit_latest_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) latest = el_store_get_sbar_finish (EL_STORE (source), result, &error);
  g_autoptr (ElSbarVersion) content = NULL;
  EditData *data;

  if (latest == NULL && !g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    {
      el_cli_fail_error (cli, "reading the SBAR", error);
      return;
    }
  data = g_new0 (EditData, 1);
  data->cli = cli;
  if (latest != NULL)
    {
      /* the latest content (a pending local save included) is what the nurse edits */
      g_autoptr (JsonNode) body = el_sbar_version_create_request_to_json (latest->version, 0);

      content = el_sbar_version_create_request_from_json (body, NULL, &error);
      if (content == NULL)
        {
          g_free (data);
          el_cli_fail_error (cli, "reading the SBAR", error);
          return;
        }
      data->base_version = el_sbar_version_get_version (latest->version);
    }
  else
    content = el_sbar_version_new ();
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  if (cli->user_id != NULL)
    el_sbar_version_set_author_id (content, cli->user_id);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const char *text = el_cli_option (cli, el_sbar_section_to_string (sections[i]));

      if (text != NULL)
        el_sbar_version_set_section (content, sections[i], text[0] != '\0' ? text : NULL);
    }
  el_store_save_sbar_draft_async (EL_STORE (source), cli->args[0], data->base_version, content, NULL,
                                  edit_saved_cb, data);
}

static void
edit_handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  if (handoff == NULL)
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
        el_cli_fail (cli, EL_CLI_EXIT_FAILED, "edit: this handoff is not in the cache (try `sync`)");
      else
        el_cli_fail_error (cli, "reading the handoff", error);
      return;
    }
  if (el_handoff_get_status (handoff) == EL_HANDOFF_STATUS_ACKNOWLEDGED ||
      el_handoff_get_status (handoff) == EL_HANDOFF_STATUS_CANCELLED)
    {
      el_cli_fail (cli, EL_CLI_EXIT_FAILED, "edit: the handoff is %s: its report is locked",
                   el_handoff_status_to_string (el_handoff_get_status (handoff)));
      return;
    }
  el_store_get_sbar_async (EL_STORE (source), cli->args[0], 0, cli->cancellable, edit_latest_cb, cli);
}

static void
edit_opened (ElCli *cli)
{
  el_store_get_handoff_async (el_context_get_store (cli->context), cli->args[0], cli->cancellable,
                              edit_handoff_cb, cli);
}

static void
cmd_edit (ElCli *cli)
{
  gboolean any = FALSE;
  gboolean from_stdin = FALSE;

  if (!check_handoff_arg (cli))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const char *name = el_sbar_section_to_string (sections[i]);
      const char *text = el_cli_option (cli, name);

      /* TEXT "-": read it from stdin, so PHI stays out of the process list and shell history */
      if (g_strcmp0 (text, "-") == 0)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *read = NULL;

          if (from_stdin)
            {
              el_cli_fail (cli, EL_CLI_EXIT_USAGE, "edit: only one section can be read from stdin");
              return;
            }
          from_stdin = TRUE;
          read = el_cli_read_stdin (&error);
          if (read == NULL)
            {
              el_cli_fail (cli, EL_CLI_EXIT_USAGE, "edit: --%s -: %s", name, error->message);
              return;
            }
          g_hash_table_insert (cli->options, g_strdup (name), g_steal_pointer (&read));
          text = el_cli_option (cli, name);
        }
      any |= text != NULL;
      if (text != NULL && !g_utf8_validate (text, -1, NULL))
        {
          el_cli_fail (cli, EL_CLI_EXIT_USAGE, "edit: the text of --%s is not UTF-8",
                       el_sbar_section_to_string (sections[i]));
          return;
        }
    }
  if (!any)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE,
                   "edit: give at least one of --situation, --background, --assessment, --recommendation");
      return;
    }
  el_cli_open (cli, edit_opened);
}

/* ---- conflicts ---- */

static void
conflicts_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conflicts = el_store_list_conflicts_finish (EL_STORE (source), result, &error);

  if (conflicts == NULL)
    {
      el_cli_fail_error (cli, "reading the conflicts", error);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      json_builder_set_member_name (b, "conflicts");
      json_builder_begin_array (b);
      for (guint i = 0; i < conflicts->len; i++)
        {
          ElStoreConflict *c = g_ptr_array_index (conflicts, i);
          g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc (c->created_at / G_USEC_PER_SEC);
          g_autofree char *created = format_time (at);

          json_builder_begin_object (b);
          add_member_string (b, "op_id", c->op_id);
          add_member_string (b, "handoff_id", c->handoff_id);
          add_member_int (b, "base_version", c->base_version);
          add_member_node (b, "base", c->base != NULL ? el_sbar_version_to_json (c->base) : NULL);
          add_member_node (b, "theirs", c->theirs != NULL ? el_sbar_version_to_json (c->theirs) : NULL);
          add_member_node (b, "mine",
                           c->mine != NULL ? el_sbar_version_create_request_to_json (c->mine, c->base_version)
                                           : NULL);
          add_member_string (b, "created_at", created);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_result (cli, b);
    }
  else
    {
      for (guint i = 0; i < conflicts->len; i++)
        {
          ElStoreConflict *c = g_ptr_array_index (conflicts, i);

          el_cli_print ("conflict %s on handoff %s: edited from version %d, the server has version %d\n",
                        c->op_id, c->handoff_id, c->base_version,
                        c->theirs != NULL ? el_sbar_version_get_version (c->theirs) : 0);
          for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
            {
              const char *theirs =
                  c->theirs != NULL ? el_sbar_version_get_section (c->theirs, sections[s]) : NULL;
              const char *mine = c->mine != NULL ? el_sbar_version_get_section (c->mine, sections[s]) : NULL;

              if (g_strcmp0 (theirs, mine) == 0)
                continue;
              el_cli_print ("  %s\n    theirs: %s\n    mine:   %s\n", el_sbar_section_to_string (sections[s]),
                            or_dash (theirs), or_dash (mine));
            }
        }
      el_cli_print ("%u conflict(s)\n", conflicts->len);
    }
  el_cli_done (cli);
}

static void
conflicts_opened (ElCli *cli)
{
  el_store_list_conflicts_async (el_context_get_store (cli->context), cli->cancellable, conflicts_cb, cli);
}

static void
cmd_conflicts (ElCli *cli)
{
  el_cli_open (cli, conflicts_opened);
}

/* ---- export ---- */

typedef struct
{
  ElCli *cli;
  gboolean json;
  ElHandoff *handoff;
  ElPatient *patient;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->handoff);
  g_clear_object (&data->patient);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportData, export_data_free)

static void
export_sbar_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ExportData) data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);

  if (sbar == NULL && !g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    {
      el_cli_fail_error (cli, "reading the SBAR", error);
      return;
    }
  if (data->json)
    {
      g_autoptr (JsonBuilder) b = begin_result ();

      add_member_node (b, "handoff", el_handoff_to_json (data->handoff));
      add_member_node (b, "patient", data->patient != NULL ? el_patient_to_json (data->patient) : NULL);
      add_member_node (b, "sbar", sbar != NULL ? el_sbar_version_to_json (sbar->version) : NULL);
      add_member_bool (b, "sbar_pending", sbar != NULL && sbar->pending);
      print_result (cli, b);
    }
  else
    {
      ElHandoff *h = data->handoff;
      char date[16] = "-";

      if (el_handoff_get_shift_date (h) != NULL && g_date_valid (el_handoff_get_shift_date (h)))
        g_date_strftime (date, sizeof date, "%Y-%m-%d", el_handoff_get_shift_date (h));
      el_cli_print ("EclipseLink Handoff report\n");
      el_cli_print ("Handoff: %s (%s, %s shift %s)\n", el_handoff_get_id (h),
                    el_handoff_status_to_string (el_handoff_get_status (h)), date,
                    el_shift_to_string (el_handoff_get_shift (h)));
      if (data->patient != NULL)
        {
          ElPatient *p = data->patient;
          char dob[16] = "-";

          if (el_patient_get_date_of_birth (p) != NULL && g_date_valid (el_patient_get_date_of_birth (p)))
            g_date_strftime (dob, sizeof dob, "%Y-%m-%d", el_patient_get_date_of_birth (p));
          el_cli_print ("Patient: %s, %s — MRN %s, born %s, room %s%s%s\n", el_patient_get_family_name (p),
                        el_patient_get_given_name (p), el_patient_get_mrn (p), dob, el_patient_get_room (p),
                        el_patient_get_bed (p) != NULL ? " bed " : "",
                        el_patient_get_bed (p) != NULL ? el_patient_get_bed (p) : "");
        }
      el_cli_print ("\n");
      if (sbar != NULL)
        print_sbar_text (sbar->version, sbar->pending);
      else
        el_cli_print ("No SBAR report yet.\n");
    }
  el_cli_done (cli);
}

static void
export_patient_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportData *data = user_data;
  g_autoptr (GError) error = NULL;

  data->patient = el_store_get_patient_finish (EL_STORE (source), result, &error);
  if (data->patient == NULL && !g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    {
      ElCli *cli = data->cli;

      export_data_free (data);
      el_cli_fail_error (cli, "reading the patient", error);
      return;
    }
  el_store_get_sbar_async (EL_STORE (source), data->cli->args[0], 0, data->cli->cancellable, export_sbar_cb,
                           data);
}

static void
export_handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportData *data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;

  data->handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);
  if (data->handoff == NULL)
    {
      export_data_free (data);
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
        el_cli_fail (cli, EL_CLI_EXIT_FAILED, "export: this handoff is not in the cache (try `sync`)");
      else
        el_cli_fail_error (cli, "reading the handoff", error);
      return;
    }
  el_store_get_patient_async (EL_STORE (source), el_handoff_get_patient_id (data->handoff), cli->cancellable,
                              export_patient_cb, data);
}

static void
export_opened (ElCli *cli)
{
  ExportData *data = g_new0 (ExportData, 1);
  const char *format = el_cli_option (cli, "format");

  data->cli = cli;
  data->json = format != NULL ? strcmp (format, "json") == 0 : cli->json;
  el_store_get_handoff_async (el_context_get_store (cli->context), cli->args[0], cli->cancellable,
                              export_handoff_cb, data);
}

static void
cmd_export (ElCli *cli)
{
  const char *format = el_cli_option (cli, "format");

  if (!check_handoff_arg (cli))
    return;
  if (format != NULL && strcmp (format, "json") != 0 && strcmp (format, "text") != 0)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "export: --format must be json or text");
      return;
    }
  el_cli_open (cli, export_opened);
}

/* ---- smoke ---- */

typedef struct
{
  ElCli *cli;
  ElApiClient *client;
  JsonBuilder *checks;
  guint failed;
  gboolean unreachable;
} SmokeData;

static void
smoke_data_free (SmokeData *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->checks);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SmokeData, smoke_data_free)

static void
smoke_check (SmokeData *data, const char *name, gboolean ok, const char *detail)
{
  json_builder_begin_object (data->checks);
  add_member_string (data->checks, "name", name);
  add_member_bool (data->checks, "ok", ok);
  add_member_string (data->checks, "detail", detail);
  json_builder_end_object (data->checks);
  if (!ok)
    data->failed++;
  if (!data->cli->json)
    el_cli_print ("%-6s %-24s %s\n", ok ? "ok" : "FAILED", name, detail);
}

static const char *
smoke_error_detail (SmokeData *data, const GError *error, char **owned)
{
  if (el_cli_exit_code_for_error (error) == EL_CLI_EXIT_OFFLINE)
    data->unreachable = TRUE;
  *owned = g_strdup (error->message);
  return *owned;
}

static void
smoke_docs_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SmokeData) data = user_data;
  ElCli *cli = data->cli;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = el_api_client_call_finish (EL_API_CLIENT (source), result, &error);
  g_autofree char *owned = NULL;
  g_autoptr (JsonNode) root = NULL;
  gboolean ok;

  if (response == NULL)
    smoke_check (data, "GET /api/docs", FALSE, smoke_error_detail (data, error, &owned));
  else
    {
      JsonNode *doc = el_api_response_get_json (response);

      ok = el_api_response_get_status (response) == 200 && doc != NULL && JSON_NODE_HOLDS_OBJECT (doc) &&
           json_object_has_member (json_node_get_object (doc), "openapi");
      owned = g_strdup_printf ("HTTP %u%s", el_api_response_get_status (response),
                               ok ? ", an OpenAPI document" : ", not an OpenAPI document");
      smoke_check (data, "GET /api/docs", ok, owned);
    }

  json_builder_end_array (data->checks);
  add_member_bool (data->checks, "ok", data->failed == 0);
  add_member_int (data->checks, "failed", data->failed);
  json_builder_end_object (data->checks);
  root = json_builder_get_root (data->checks);
  if (cli->json)
    el_cli_print_json (cli, root);
  if (data->failed == 0)
    {
      if (!cli->json)
        el_cli_print ("smoke test passed: %s\n", el_api_client_get_base_url (data->client));
      el_cli_done (cli);
      return;
    }
  cli->json = FALSE; /* the document above already says it */
  el_cli_fail (cli, data->unreachable ? EL_CLI_EXIT_OFFLINE : EL_CLI_EXIT_FAILED,
               "smoke test failed: %u check(s) of 3", data->failed);
}

static void
smoke_login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SmokeData *data = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_api_client_login_finish (EL_API_CLIENT (source), result, &error);
  g_autofree char *owned = NULL;

  if (user != NULL)
    smoke_check (data, "bad login refused", FALSE, "a made-up account was signed in");
  else if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS) &&
           el_api_error_get_problem (error) != NULL &&
           el_api_problem_get_status (el_api_error_get_problem (error)) == 401)
    smoke_check (data, "bad login refused", TRUE, "HTTP 401 invalid_credentials");
  else
    smoke_check (data, "bad login refused", FALSE, smoke_error_detail (data, error, &owned));
  el_api_client_call_async (data->client, "GET", "/api/docs", "/api/docs", EL_API_CALL_NO_RETRY, NULL, NULL,
                            NULL, NULL, data->cli->cancellable, smoke_docs_cb, data);
}

static void
smoke_health_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SmokeData *data = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) health = el_api_client_health_finish (EL_API_CLIENT (source), result, &error);
  g_autofree char *owned = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;

  if (health == NULL)
    smoke_check (data, "GET /api/health", FALSE, smoke_error_detail (data, error, &owned));
  else
    {
      const char *status =
          JSON_NODE_HOLDS_OBJECT (health)
              ? json_object_get_string_member_with_default (json_node_get_object (health), "status", NULL)
              : NULL;

      owned = g_strdup_printf ("HTTP 200, status %s", status != NULL ? status : "missing");
      smoke_check (data, "GET /api/health", g_strcmp0 (status, "healthy") == 0, owned);
    }
  /* An account that cannot exist, with a random password: the server must answer 401. */
  {
    g_autofree char *id = g_uuid_string_random ();

    email = g_strdup_printf ("smoke-test-%s@invalid.invalid", id);
    password = g_uuid_string_random ();
  }
  el_api_client_login_async (data->client, email, password, data->cli->cancellable, smoke_login_cb, data);
}

static void
cmd_smoke (ElCli *cli)
{
  g_autoptr (GError) error = NULL;
  SmokeData *data;
  ElApiClient *client = el_api_client_new (cli->args[0], NULL, &error);

  if (client == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "smoke: %s", error->message);
      return;
    }
  el_api_client_set_max_attempts (client, 1);
  g_object_set (client, "request-timeout", 15u, "circuit-threshold", 1000u, NULL);
  data = g_new0 (SmokeData, 1);
  data->cli = cli;
  data->client = client;
  data->checks = json_builder_new ();
  json_builder_begin_object (data->checks);
  add_member_string (data->checks, "url", el_api_client_get_base_url (client));
  json_builder_set_member_name (data->checks, "checks");
  json_builder_begin_array (data->checks);
  el_api_client_health_async (client, cli->cancellable, smoke_health_cb, data);
}

/* ---- the table ---- */

static const char *const no_options[] = { NULL };
static const char *const logout_options[] = { "force", NULL };
static const char *const census_options[] = { "unit=", NULL };
static const char *const handoffs_options[] = { "patient=", NULL };
static const char *const sbar_options[] = { "version=", NULL };
static const char *const edit_options[] = { "situation=", "background=", "assessment=", "recommendation=",
                                            NULL };
static const char *const export_options[] = { "format=", NULL };
static const char *const transcribe_options[] = { "voice-profile=", NULL };

static const ElCliCommand commands[] = {
  { "login", "EMAIL", "sign in (password on stdin), keep the session in the keyring, create the cache",
    no_options, 1, 1, cmd_login },
  { "logout", "[--force]", "sign out, clear the keyring, delete the cache (refused with unsynced edits)",
    logout_options, 0, 0, cmd_logout },
  { "sync", "", "push queued edits, then pull the server's changes", no_options, 0, 0, cmd_sync },
  { "status", "", "online, pending edits, needing attention, conflicts, last sync", no_options, 0, 0,
    cmd_status },
  { "census", "[--unit ID]", "the unit's patients with their latest handoff (default: your unit)",
    census_options, 0, 0, cmd_census },
  { "handoffs", "--patient ID", "a patient's handoffs, newest first", handoffs_options, 0, 0, cmd_handoffs },
  { "sbar", "HANDOFF [--version N]", "an SBAR report (default: the latest)", sbar_options, 1, 1, cmd_sbar },
  { "history", "HANDOFF", "every SBAR version of a handoff", no_options, 1, 1, cmd_history },
  { "edit", "HANDOFF --situation|--background|--assessment|--recommendation TEXT",
    "save a new SBAR version here and queue it (works offline)", edit_options, 1, 1, cmd_edit },
  { "conflicts", "", "SBAR saves the server refused because someone saved first", no_options, 0, 0,
    cmd_conflicts },
  { "export", "HANDOFF [--format json|text]", "a handoff's report with its patient", export_options, 1, 1,
    cmd_export },
  { "transcribe", "FILE.wav|FILE.ogg [--voice-profile DIR]",
    "offline speech recognition: the text, each word's time and the real-time factor (no account)",
    transcribe_options, 1, 1, el_cli_cmd_transcribe },
  { "enroll", "PROFILE_DIR RECORDING TEXT.txt [RECORDING TEXT.txt ...]",
    "a voice profile: the offline recogniser adapted to the speaker of the recordings, who read the texts "
    "(no account)",
    no_options, 3, 99, el_cli_cmd_enroll },
  { "extract", "TRANSCRIPT.txt",
    "an SBAR draft from a transcript: sections, fields with their spans, flags, completeness (no account)",
    no_options, 1, 1, el_cli_cmd_extract },
  { "smoke", "URL", "post-deployment check: health, a refused bad login, /api/docs (no account)", no_options,
    1, 1, cmd_smoke },
};

const ElCliCommand *
el_cli_commands (guint *n_commands)
{
  *n_commands = G_N_ELEMENTS (commands);
  return commands;
}
