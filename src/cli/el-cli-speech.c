/* SPDX-License-Identifier: GPL-3.0-or-later */
/* eclipselink-cli transcribe / extract: the speech pipeline of core, fully offline by default (the
 * engines come from the environment, el-speech-engines.h). No account, no server. */
#include "config.h"

#include "el-cli-speech.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-pocketsphinx-transcriber.h"
#include "el-speech-engines.h"
#include "el-speech-model.h"
#include "el-voice-profile.h"

/* Recordings larger than this are refused (an hour of WAV at 16 kHz mono is ~115 MB). */
#define CLI_MAX_AUDIO_BYTES (256 * 1024 * 1024)
/* Transcripts: the model's limit. */
#define CLI_MAX_TRANSCRIPT_BYTES (256 * 1024)

static const char *
content_type_of (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WAVE", 4) == 0)
    return "audio/wav";
  if (len >= 4 && memcmp (data, "OggS", 4) == 0)
    return "audio/ogg";
  return NULL;
}

static GBytes *
read_file (const char *path, gsize max, GError **error)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  if (mapped == NULL)
    return NULL;
  if (g_mapped_file_get_length (mapped) > max)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s is larger than %" G_GSIZE_FORMAT " bytes",
                   path, max);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

/* ---- transcribe ---- */

static void
print_transcript (ElCli *cli, ElTranscript *transcript)
{
  const char *text = el_transcript_get_text (transcript);
  double rtf = el_transcript_get_real_time_factor (transcript);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "engine");
      json_builder_add_string_value (b, el_transcript_get_engine (transcript));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_set_member_name (b, "audio_ms");
      json_builder_add_int_value (b, el_transcript_get_audio_ms (transcript));
      json_builder_set_member_name (b, "processing_s");
      json_builder_add_double_value (b, el_transcript_get_processing_s (transcript));
      json_builder_set_member_name (b, "real_time_factor");
      json_builder_add_double_value (b, rtf);
      json_builder_set_member_name (b, "words");
      json_builder_begin_array (b);
      for (guint i = 0; i < el_transcript_get_n_words (transcript); i++)
        {
          const ElTranscriptWord *w = el_transcript_get_word (transcript, i);
          const char *s = g_utf8_offset_to_pointer (text, w->start);
          const char *e = g_utf8_offset_to_pointer (text, w->end);
          g_autofree char *word = g_strndup (s, e - s);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "word");
          json_builder_add_string_value (b, word);
          json_builder_set_member_name (b, "start_ms");
          json_builder_add_int_value (b, w->start_ms);
          json_builder_set_member_name (b, "end_ms");
          json_builder_add_int_value (b, w->end_ms);
          json_builder_set_member_name (b, "confidence");
          json_builder_add_double_value (b, w->confidence);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      el_cli_print_json (cli, root);
      return;
    }
  el_cli_print ("%s\n\n", text);
  for (guint i = 0; i < el_transcript_get_n_words (transcript); i++)
    {
      const ElTranscriptWord *w = el_transcript_get_word (transcript, i);
      const char *s = g_utf8_offset_to_pointer (text, w->start);
      const char *e = g_utf8_offset_to_pointer (text, w->end);

      el_cli_print ("%8.2f %8.2f  %.2f  %.*s\n", w->start_ms / 1000.0, w->end_ms / 1000.0, w->confidence,
                    (int) (e - s), s);
    }
  el_cli_print ("\nengine %s, audio %.1f s, processing %.2f s, real-time factor %.3f\n",
                el_transcript_get_engine (transcript), el_transcript_get_audio_ms (transcript) / 1000.0,
                el_transcript_get_processing_s (transcript), rtf);
}

static void
transcribed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) transcript =
      el_transcriber_transcribe_finish (EL_TRANSCRIBER (source), result, &error);

  if (transcript == NULL)
    {
      el_cli_fail_error (cli, "transcribe", error);
      return;
    }
  print_transcript (cli, transcript);
  el_cli_done (cli);
}

void
el_cli_cmd_transcribe (ElCli *cli)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscriber) transcriber = NULL;
  g_autoptr (GBytes) audio = NULL;
  const char *profile = el_cli_option (cli, "voice-profile");
  const char *content_type;

  audio = read_file (cli->args[0], CLI_MAX_AUDIO_BYTES, &error);
  if (audio == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_LOCAL, "transcribe: %s", error->message);
      return;
    }
  content_type = content_type_of (audio);
  if (content_type == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "transcribe: %s is not a WAV or Ogg file", cli->args[0]);
      return;
    }
  if (profile != NULL && !el_voice_profile_is_present (profile))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "transcribe: %s is not a voice profile (see `enroll`)", profile);
      return;
    }
  if (!el_speech_engines_new_transcriber_for_speaker (profile, &transcriber, &error))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "transcribe: %s", error->message);
      return;
    }
  if (transcriber == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "transcribe: SPEECH_ENGINE=none");
      return;
    }
  if (profile != NULL && !EL_IS_POCKETSPHINX_TRANSCRIBER (transcriber))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE,
                   "transcribe: a voice profile is for the offline engine (SPEECH_ENGINE)");
      return;
    }
  el_transcriber_transcribe_async (transcriber, audio, content_type, cli->cancellable, transcribed_cb, cli);
}

/* ---- extract ---- */

static void
print_extraction (ElCli *cli, ElExtraction *extraction)
{
  g_autoptr (JsonNode) node = el_extraction_to_json (extraction);
  static const ElSbarSection sections[] = { EL_SBAR_SECTION_SITUATION, EL_SBAR_SECTION_BACKGROUND,
                                            EL_SBAR_SECTION_ASSESSMENT, EL_SBAR_SECTION_RECOMMENDATION };
  static const char *const titles[] = { "Situation", "Background", "Assessment", "Recommendation" };
  g_autoptr (JsonGenerator) generator = NULL;
  g_autoptr (JsonNode) fields = NULL;
  g_autofree char *fields_text = NULL;

  if (cli->json)
    {
      JsonObject *obj = json_node_get_object (node);

      json_object_set_boolean_member (obj, "ok", TRUE);
      el_cli_print_json (cli, node);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const char *text = el_extraction_get_section (extraction, sections[i]);

      el_cli_print ("%s\n  %s\n\n", titles[i], text != NULL && text[0] != '\0' ? text : "—");
    }
  fields = el_sbar_fields_to_json (el_extraction_get_fields (extraction));
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, fields);
  fields_text = json_generator_to_data (generator, NULL);
  el_cli_print ("Fields\n%s\n\n", fields_text);
  for (guint i = 0; i < el_extraction_get_n_flags (extraction); i++)
    {
      const ElExtractionFlag *flag = el_extraction_get_flag (extraction, i);

      el_cli_print ("flag %s %s: %s\n", el_extraction_flag_kind_to_string (flag->kind), flag->field,
                    flag->detail != NULL ? flag->detail : "");
    }
  el_cli_print ("engine %s%s, completeness %.0f\n", el_extraction_get_engine (extraction),
                el_extraction_get_fell_back (extraction) ? " (fell back to rules)" : "",
                el_extraction_get_score (extraction));
}

static void
extracted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElExtraction) extraction =
      el_sbar_extractor_extract_finish (EL_SBAR_EXTRACTOR (source), result, &error);

  if (extraction == NULL)
    {
      el_cli_fail_error (cli, "extract", error);
      return;
    }
  print_extraction (cli, extraction);
  el_cli_done (cli);
}

void
el_cli_cmd_extract (ElCli *cli)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSbarExtractor) extractor = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (ElTranscript) transcript = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *data;

  bytes = read_file (cli->args[0], CLI_MAX_TRANSCRIPT_BYTES, &error);
  if (bytes == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_LOCAL, "extract: %s", error->message);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (!g_utf8_validate_len (data != NULL ? data : "", len, NULL) ||
      (data != NULL && memchr (data, 0, len) != NULL))
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "extract: %s is not UTF-8 text", cli->args[0]);
      return;
    }
  text = g_strndup (data != NULL ? data : "", len);
  extractor = el_speech_engines_new_extractor (&error);
  if (extractor == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "extract: %s", error->message);
      return;
    }
  transcript = el_transcript_new_from_text (text, "text");
  OPENSSL_cleanse (text, len);
  el_sbar_extractor_extract_async (extractor, transcript, cli->cancellable, extracted_cb, cli);
}

/* ---- enroll ---- */

static void
enrolled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_voice_profile_build_finish (result, &error))
    {
      el_cli_fail (
          cli,
          g_error_matches (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE) ||
                  g_error_matches (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO)
              ? EL_CLI_EXIT_USAGE
              : EL_CLI_EXIT_LOCAL,
          "enroll: %s", error->message);
      return;
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "voice_profile");
      json_builder_add_string_value (b, cli->args[0]);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      el_cli_print_json (cli, root);
    }
  else
    el_cli_print ("voice profile written to %s (use: transcribe --voice-profile %s FILE)\n", cli->args[0],
                  cli->args[0]);
  el_cli_done (cli);
}

void
el_cli_cmd_enroll (ElCli *cli)
{
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *acoustic = el_speech_acoustic_model_dir ();
  g_autofree char *dictionary = el_speech_dictionary_path ();
  guint n = g_strv_length (cli->args);

  if (n < 3 || n % 2 != 1)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE,
                   "enroll: give the profile folder, then pairs of RECORDING TEXT.txt");
      return;
    }
  for (guint i = 1; i + 1 < n; i += 2)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) audio = read_file (cli->args[i], CLI_MAX_AUDIO_BYTES, &error);
      g_autoptr (GBytes) text =
          audio != NULL ? read_file (cli->args[i + 1], CLI_MAX_TRANSCRIPT_BYTES, &error) : NULL;

      if (text == NULL)
        {
          el_cli_fail (cli, EL_CLI_EXIT_LOCAL, "enroll: %s", error->message);
          return;
        }
      g_ptr_array_add (recordings, g_steal_pointer (&audio));
      g_ptr_array_add (texts, g_strndup (g_bytes_get_data (text, NULL), g_bytes_get_size (text)));
    }
  g_ptr_array_add (texts, NULL);
  el_voice_profile_build_async (acoustic, dictionary, recordings, (const char *const *) texts->pdata,
                                cli->args[0], cli->cancellable, enrolled_cb, cli);
}
