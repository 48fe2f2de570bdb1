/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-drafter.h"

#include <openssl/crypto.h>

struct _ElDrafter
{
  GObject parent_instance;
  ElTranscriber *transcriber;
  ElSbarExtractor *extractor;
};

G_DEFINE_FINAL_TYPE (ElDrafter, el_drafter, G_TYPE_OBJECT)

static void
el_drafter_dispose (GObject *object)
{
  ElDrafter *self = EL_DRAFTER (object);

  g_clear_object (&self->transcriber);
  g_clear_object (&self->extractor);
  G_OBJECT_CLASS (el_drafter_parent_class)->dispose (object);
}

static void
el_drafter_class_init (ElDrafterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = el_drafter_dispose;
}

static void
el_drafter_init (ElDrafter *self)
{
}

ElDrafter *
el_drafter_new (ElTranscriber *transcriber, ElSbarExtractor *extractor)
{
  ElDrafter *self;

  g_return_val_if_fail (EL_IS_TRANSCRIBER (transcriber), NULL);
  g_return_val_if_fail (EL_IS_SBAR_EXTRACTOR (extractor), NULL);

  self = g_object_new (EL_TYPE_DRAFTER, NULL);
  self->transcriber = g_object_ref (transcriber);
  self->extractor = g_object_ref (extractor);
  return self;
}

ElTranscriber *
el_drafter_get_transcriber (ElDrafter *self)
{
  g_return_val_if_fail (EL_IS_DRAFTER (self), NULL);
  return self->transcriber;
}

ElSbarExtractor *
el_drafter_get_extractor (ElDrafter *self)
{
  g_return_val_if_fail (EL_IS_DRAFTER (self), NULL);
  return self->extractor;
}

/* ------------------------------------------------------------------------------------------------
 * Running the pipeline in a worker thread
 */

typedef struct
{
  GBytes *audio;       /* plaintext recording */
  gboolean owns_audio; /* read here from @sealed: wiped when done (a caller's bytes are its own) */
  char *content_type;
  ElSealedAudio *sealed; /* or this, read in the thread */
  ElTranscript *transcript;
  ElExtraction *extraction;
  /* draft_handoff */
  ElStore *store;
  char *handoff_id;
  int base_version;
  char *author_id;
  char *author_name;
} Run;

static void
drop_audio (Run *run)
{
  GBytes **bytes = &run->audio;

  if (*bytes != NULL && !run->owns_audio)
    g_clear_pointer (bytes, g_bytes_unref);
  else if (*bytes != NULL)
    {
      gsize len = 0;
      const void *data = g_bytes_get_data (*bytes, &len);

      /* the recording is PHI: the pages go back to the allocator zeroed. Only this task holds them. */
      if (data != NULL && len > 0)
        OPENSSL_cleanse ((void *) data, len);
      g_clear_pointer (bytes, g_bytes_unref);
    }
}

static void
run_free (Run *run)
{
  drop_audio (run);
  g_free (run->content_type);
  g_clear_object (&run->sealed);
  g_clear_pointer (&run->transcript, el_transcript_unref);
  g_clear_pointer (&run->extraction, el_extraction_unref);
  g_clear_object (&run->store);
  g_free (run->handoff_id);
  g_free (run->author_id);
  g_free (run->author_name);
  g_free (run);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ElDrafter *self = source;
  Run *run = task_data;
  GError *error = NULL;

  if (run->audio == NULL && run->sealed != NULL)
    {
      run->audio = el_sealed_audio_read_all (run->sealed, cancellable, &error);
      run->owns_audio = TRUE;
      if (run->audio == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  run->transcript =
      el_transcriber_transcribe_sync (self->transcriber, run->audio, run->content_type, cancellable, &error);
  drop_audio (run);
  if (run->transcript == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  run->extraction = el_sbar_extractor_extract_sync (self->extractor, run->transcript, cancellable, &error);
  if (run->extraction == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
el_drafter_run_async (ElDrafter *self,
                      GBytes *audio,
                      const char *content_type,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Run *run;

  g_return_if_fail (EL_IS_DRAFTER (self));
  g_return_if_fail (audio != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_drafter_run_async);
  run = g_new0 (Run, 1);
  run->audio = g_bytes_ref (audio);
  run->content_type = g_strdup (content_type);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  g_task_run_in_thread (task, run_thread);
}

ElExtraction *
el_drafter_run_finish (ElDrafter *self, GAsyncResult *result, ElTranscript **transcript, GError **error)
{
  Run *run;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_drafter_run_async, NULL);

  if (transcript != NULL)
    *transcript = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  run = g_task_get_task_data (G_TASK (result));
  if (transcript != NULL)
    *transcript = el_transcript_ref (run->transcript);
  return el_extraction_ref (run->extraction);
}

/* ------------------------------------------------------------------------------------------------
 * A sealed recording -> an "on-device" version in the store
 */

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char *op_id = el_store_save_sbar_draft_finish (EL_STORE (source), result, &error);

  if (op_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, op_id, g_free);
}

static void
draft_extracted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (ElSbarVersion) version = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  {
    Run *inner_run = g_task_get_task_data (G_TASK (result));

    run->transcript = g_steal_pointer (&inner_run->transcript);
    run->extraction = g_steal_pointer (&inner_run->extraction);
  }
  version = el_extraction_to_sbar_version (run->extraction, EL_SBAR_SOURCE_ON_DEVICE);
  if (run->author_id != NULL)
    el_sbar_version_set_author_id (version, run->author_id);
  if (run->author_name != NULL)
    el_sbar_version_set_author_name (version, run->author_name);
  el_store_save_sbar_draft_async (run->store, run->handoff_id, run->base_version, version,
                                  g_task_get_cancellable (task), draft_saved_cb, g_object_ref (task));
}

void
el_drafter_draft_handoff_async (ElDrafter *self,
                                ElStore *store,
                                ElSealedAudio *audio,
                                const char *handoff_id,
                                int base_version,
                                const char *author_id,
                                const char *author_name,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) inner = NULL;
  Run *run, *inner_run;

  g_return_if_fail (EL_IS_DRAFTER (self));
  g_return_if_fail (EL_IS_STORE (store));
  g_return_if_fail (EL_IS_SEALED_AUDIO (audio));
  g_return_if_fail (handoff_id != NULL);
  g_return_if_fail (base_version >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_drafter_draft_handoff_async);
  run = g_new0 (Run, 1);
  run->store = g_object_ref (store);
  run->handoff_id = g_strdup (handoff_id);
  run->base_version = base_version;
  run->author_id = g_strdup (author_id);
  run->author_name = g_strdup (author_name);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* The sealed recorder writes Ogg/Opus. */
  inner = g_task_new (self, cancellable, draft_extracted_cb, g_steal_pointer (&task));
  inner_run = g_new0 (Run, 1);
  inner_run->sealed = g_object_ref (audio);
  inner_run->content_type = g_strdup ("audio/ogg");
  g_task_set_task_data (inner, inner_run, (GDestroyNotify) run_free);
  g_task_run_in_thread (inner, run_thread);
}

char *
el_drafter_draft_handoff_finish (ElDrafter *self,
                                 GAsyncResult *result,
                                 ElExtraction **extraction,
                                 ElTranscript **transcript,
                                 GError **error)
{
  char *op_id;
  Run *run;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_drafter_draft_handoff_async, NULL);

  if (extraction != NULL)
    *extraction = NULL;
  if (transcript != NULL)
    *transcript = NULL;
  op_id = g_task_propagate_pointer (G_TASK (result), error);
  if (op_id == NULL)
    return NULL;
  run = g_task_get_task_data (G_TASK (result));
  if (extraction != NULL)
    *extraction = el_extraction_ref (run->extraction);
  if (transcript != NULL)
    *transcript = el_transcript_ref (run->transcript);
  return op_id;
}
