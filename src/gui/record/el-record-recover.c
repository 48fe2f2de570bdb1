/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "el-record-recover.h"
#include "el-recorder.h"
#include "el-sealed-audio.h"

#define SIDECAR_SUFFIX ".handoff"

G_DEFINE_BOXED_TYPE (ElRecoveredRecording,
                     el_recovered_recording,
                     el_recovered_recording_copy,
                     el_recovered_recording_free)

ElRecoveredRecording *
el_recovered_recording_copy (const ElRecoveredRecording *self)
{
  ElRecoveredRecording *copy = g_new0 (ElRecoveredRecording, 1);

  copy->path = g_strdup (self->path);
  copy->recording_id = g_strdup (self->recording_id);
  copy->handoff_id = g_strdup (self->handoff_id);
  copy->duration_ms = self->duration_ms;
  copy->state = self->state;
  return copy;
}

void
el_recovered_recording_free (ElRecoveredRecording *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->recording_id);
  g_free (self->handoff_id);
  g_free (self);
}

/* ---- sidecar ---- */

char *
el_record_sidecar_path (const char *directory, const char *recording_id)
{
  g_autofree char *name = g_strconcat (recording_id, SIDECAR_SUFFIX, NULL);

  return g_build_filename (directory, name, NULL);
}

gboolean
el_record_write_sidecar (const char *directory,
                         const char *recording_id,
                         const char *handoff_id,
                         GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (directory != NULL && recording_id != NULL && handoff_id != NULL, FALSE);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "recordings dir: %s",
                   g_strerror (saved));
      return FALSE;
    }
  path = el_record_sidecar_path (directory, recording_id);
  /* an id, no PHI; small enough that the recorder's first chunk sync carries it */
  return g_file_set_contents_full (path, handoff_id, -1, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

char *
el_record_read_sidecar (const char *directory, const char *recording_id)
{
  g_autofree char *path = el_record_sidecar_path (directory, recording_id);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  g_strstrip (contents);
  if (!g_uuid_string_is_valid (contents))
    return NULL;
  return g_ascii_strdown (contents, -1);
}

void
el_record_delete_sidecar (const char *directory, const char *recording_id)
{
  g_autofree char *path = NULL;

  if (directory == NULL || recording_id == NULL)
    return;
  path = el_record_sidecar_path (directory, recording_id);
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_debug ("record: sidecar not removed: %s", g_strerror (errno));
}

gboolean
el_record_delete_recording (const char *path, GError **error)
{
  g_autofree char *directory = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL && g_str_has_suffix (path, EL_SEALED_AUDIO_SUFFIX), FALSE);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "recording not deleted: %s",
                   g_strerror (saved));
      return FALSE;
    }
  directory = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  base[strlen (base) - strlen (EL_SEALED_AUDIO_SUFFIX)] = '\0';
  el_record_delete_sidecar (directory, base);
  return TRUE;
}

/* ---- recovery ---- */

typedef struct
{
  ElVault *vault;
  char *directory;
  GHashTable *uploaded; /* recording ids with a recording.upload op */
  GPtrArray *found;     /* ElRecoveredRecording */
  GPtrArray *offered;   /* the result */
  guint next;           /* the candidate being checked against the store */
} RecoverData;

static void
recover_data_free (RecoverData *data)
{
  g_clear_object (&data->vault);
  g_free (data->directory);
  g_clear_pointer (&data->uploaded, g_hash_table_unref);
  g_clear_pointer (&data->found, g_ptr_array_unref);
  g_clear_pointer (&data->offered, g_ptr_array_unref);
  g_free (data);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* In the worker thread: read, recover or delete each file. */
static void
scan_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RecoverData *data = task_data;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *name;

  (void) source;
  dir = g_dir_open (data->directory, 0, &error);
  if (dir == NULL)
    {
      /* no recordings dir yet: nothing was ever recorded here */
      g_task_return_boolean (task, TRUE);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, EL_SEALED_AUDIO_SUFFIX))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *id = g_strndup (file, strlen (file) - strlen (EL_SEALED_AUDIO_SUFFIX));
      g_autofree char *path = g_build_filename (data->directory, file, NULL);
      g_autoptr (ElSealedAudio) audio = NULL;
      g_autoptr (GError) local_error = NULL;
      ElRecoveredRecording *rec;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!g_uuid_string_is_valid (id) || g_hash_table_contains (data->uploaded, id))
        continue;

      rec = g_new0 (ElRecoveredRecording, 1);
      rec->path = g_strdup (path);
      rec->recording_id = g_strdup (id);
      rec->handoff_id = el_record_read_sidecar (data->directory, id);

      audio = el_sealed_audio_open (data->vault, path, id, cancellable, &local_error);
      if (audio == NULL)
        {
          if (g_error_matches (local_error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TRUNCATED))
            {
              g_debug ("record recovery: %s holds only part of a header: deleted", id);
              el_record_delete_recording (path, NULL);
              el_recovered_recording_free (rec);
            }
          else if (g_error_matches (local_error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED) ||
                   g_error_matches (local_error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_CORRUPT))
            {
              g_debug ("record recovery: %s does not authenticate (#%d): kept", id, local_error->code);
              rec->state = EL_RECOVERED_TAMPERED;
              g_ptr_array_add (data->found, rec);
            }
          else
            {
              g_debug ("record recovery: %s not read: %s #%d", id, g_quark_to_string (local_error->domain),
                       local_error->code);
              el_recovered_recording_free (rec);
            }
          continue;
        }
      if (el_sealed_audio_get_duration_ms (audio) == 0 || el_sealed_audio_get_size (audio) == 0)
        {
          g_debug ("record recovery: %s holds no audio: deleted", id);
          el_record_delete_recording (path, NULL);
          el_recovered_recording_free (rec);
          continue;
        }
      rec->duration_ms = (gint64) el_sealed_audio_get_duration_ms (audio);
      if (el_sealed_audio_is_complete (audio))
        rec->state = EL_RECOVERED_COMPLETE;
      else
        {
          g_clear_object (&audio);
          if (!el_recorder_recover (data->vault, path, id, cancellable, &local_error))
            {
              g_debug ("record recovery: %s not recovered: %s #%d", id,
                       g_quark_to_string (local_error->domain), local_error->code);
              el_recovered_recording_free (rec);
              continue;
            }
          rec->state = EL_RECOVERED_INTERRUPTED;
        }
      g_ptr_array_add (data->found, rec);
    }
  g_task_return_boolean (task, TRUE);
}

static void check_next (GTask *task);

static void
recordings_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RecoverData *data = g_task_get_task_data (task);
  ElRecoveredRecording *rec = g_ptr_array_index (data->found, data->next);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = el_store_list_recordings_finish (EL_STORE (source), result, &error);
  gboolean known = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; recordings != NULL && i < recordings->len; i++)
    if (g_strcmp0 (el_recording_get_id (g_ptr_array_index (recordings, i)), rec->recording_id) == 0)
      known = TRUE;
  if (!known)
    g_ptr_array_add (data->offered, el_recovered_recording_copy (rec));
  data->next++;
  check_next (task);
}

/* On the main context: drop the recordings the store already knows (uploaded and pulled). */
static void
check_next (GTask *task)
{
  ElContext *ctx = g_task_get_source_object (task);
  RecoverData *data = g_task_get_task_data (task);
  ElStore *store = el_context_get_store (ctx);

  while (data->next < data->found->len)
    {
      ElRecoveredRecording *rec = g_ptr_array_index (data->found, data->next);

      if (rec->handoff_id != NULL && rec->state != EL_RECOVERED_TAMPERED && store != NULL)
        {
          el_store_list_recordings_async (store, rec->handoff_id, g_task_get_cancellable (task),
                                          recordings_listed_cb, task);
          return;
        }
      g_ptr_array_add (data->offered, el_recovered_recording_copy (rec));
      data->next++;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->offered), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
scanned_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  (void) source;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  check_next (task);
}

static void
ops_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RecoverData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);
  g_autoptr (GTask) scan = NULL;

  if (ops == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < ops->len; i++)
    {
      ElStoreOp *op = g_ptr_array_index (ops, i);
      g_autoptr (JsonParser) parser = NULL;
      JsonNode *root;

      if (g_strcmp0 (op->kind, EL_STORE_OP_RECORDING_UPLOAD) != 0 || op->payload == NULL)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, g_bytes_get_data (op->payload, NULL),
                                       (gssize) g_bytes_get_size (op->payload), NULL))
        continue;
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          const char *id =
              json_object_get_string_member_with_default (json_node_get_object (root), "recording_id", NULL);

          if (id != NULL)
            g_hash_table_add (data->uploaded, g_ascii_strdown (id, -1));
        }
    }
  scan = g_task_new (NULL, g_task_get_cancellable (task), scanned_cb, task);
  g_task_set_task_data (scan, data, NULL);
  g_task_run_in_thread (scan, scan_thread);
}

void
el_record_recover_async (ElContext *ctx,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task;
  RecoverData *data;

  g_return_if_fail (EL_IS_CONTEXT (ctx));

  task = g_task_new (ctx, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_record_recover_async);
  if (el_context_get_store (ctx) == NULL || el_context_get_audio_vault (ctx) == NULL ||
      el_context_get_recordings_dir (ctx) == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      g_object_unref (task);
      return;
    }
  data = g_new0 (RecoverData, 1);
  data->vault = g_object_ref (el_context_get_audio_vault (ctx));
  data->directory = g_strdup (el_context_get_recordings_dir (ctx));
  data->uploaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->found = g_ptr_array_new_with_free_func ((GDestroyNotify) el_recovered_recording_free);
  data->offered = g_ptr_array_new_with_free_func ((GDestroyNotify) el_recovered_recording_free);
  g_task_set_task_data (task, data, (GDestroyNotify) recover_data_free);
  el_store_list_ops_async (el_context_get_store (ctx), EL_STORE_OP_FILTER_ALL, cancellable, ops_listed_cb,
                           task);
}

GPtrArray *
el_record_recover_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_record_recover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
