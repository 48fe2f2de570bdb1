/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-transcriber.h"

G_DEFINE_QUARK (el - transcriber - error - quark, el_transcriber_error)

G_DEFINE_INTERFACE (ElTranscriber, el_transcriber, G_TYPE_OBJECT)

static void
el_transcriber_default_init (ElTranscriberInterface *iface)
{
}

const char *
el_transcriber_get_engine_name (ElTranscriber *self)
{
  ElTranscriberInterface *iface;

  g_return_val_if_fail (EL_IS_TRANSCRIBER (self), NULL);

  iface = EL_TRANSCRIBER_GET_IFACE (self);
  g_return_val_if_fail (iface->get_engine_name != NULL, NULL);
  return iface->get_engine_name (self);
}

void
el_transcriber_transcribe_async (ElTranscriber *self,
                                 GBytes *audio,
                                 const char *content_type,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  ElTranscriberInterface *iface;

  g_return_if_fail (EL_IS_TRANSCRIBER (self));
  g_return_if_fail (audio != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = EL_TRANSCRIBER_GET_IFACE (self);
  g_return_if_fail (iface->transcribe_async != NULL);
  iface->transcribe_async (self, audio, content_type, cancellable, callback, user_data);
}

ElTranscript *
el_transcriber_transcribe_finish (ElTranscriber *self, GAsyncResult *result, GError **error)
{
  ElTranscriberInterface *iface;

  g_return_val_if_fail (EL_IS_TRANSCRIBER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = EL_TRANSCRIBER_GET_IFACE (self);
  g_return_val_if_fail (iface->transcribe_finish != NULL, NULL);
  return iface->transcribe_finish (self, result, error);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

ElTranscript *
el_transcriber_transcribe_sync (
    ElTranscriber *self, GBytes *audio, const char *content_type, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElTranscript *transcript;

  g_return_val_if_fail (EL_IS_TRANSCRIBER (self), NULL);
  g_return_val_if_fail (audio != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A private context: the engine's callback (and any source it attaches) is dispatched here, not
   * on whatever context the calling thread's owner iterates. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  el_transcriber_transcribe_async (self, audio, content_type, cancellable, sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  /* Finish and drop the result while the context is still the thread's default: a cloud engine's
   * HTTP message completes when its task data goes (libsoup asserts it happens in the context the
   * message was sent from), and whatever it still has to dispatch runs here. */
  transcript = el_transcriber_transcribe_finish (self, result, error);
  g_clear_object (&result);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  return transcript;
}
