/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-voice-profile.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "el-audio-decode.h"
#include "el-speech-model.h"
#include "el-transcriber.h"

#define SPHINXTRAIN_DIR    "/usr/lib/sphinxtrain"
#define MDEF_CONVERT       "pocketsphinx_mdef_convert"
#define CMUDICT_NAME       "cmudict-en-us.dict"
#define MIN_SPEECH_FRAMES  100 /* 1 s of features per recording at least */
#define SENDUMP_LOG_BASE   1.0001
#define SENDUMP_SHIFT      10
#define MAX_HEADER_STRINGS 64

/* The files of a profile folder: copied from the base model, or written by the adaptation. */
static const char *const copied_files[] = { "feat.params", "mdef", "noisedict", "sendump",
                                            "transition_matrices" };

static gboolean engine_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
engine_error (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE, message);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------------
 * Transcripts
 */

static gboolean
is_single_letter (const char *word)
{
  return word[0] >= 'a' && word[0] <= 'z' && word[1] == '\0';
}

/* Appends the pieces of a run of single letters: the segmentation with the fewest pieces, where a
 * letter on its own costs more than an abbreviation, except the words "a" and "i" (as the corpus
 * writer, data/speech/gen-corpus.py join_acronyms, segments them). */
static void
append_letter_run (GPtrArray *out, char **run, guint n, GHashTable *words)
{
  g_autofree guint *cost = g_new (guint, n + 1);
  g_autofree guint *from = g_new0 (guint, n + 1);
  g_autoptr (GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
  guint k;

  cost[0] = 0;
  for (k = 1; k <= n; k++)
    cost[k] = G_MAXUINT;
  for (k = 0; k < n; k++)
    {
      guint single = cost[k] + (g_str_equal (run[k], "a") || g_str_equal (run[k], "i") ? 1 : 5);
      g_autoptr (GString) token = g_string_new (run[k]);

      if (single < cost[k + 1])
        {
          cost[k + 1] = single;
          from[k + 1] = k;
        }
      for (guint len = 2; k + len <= n; len++)
        {
          g_string_append_c (token, '_');
          g_string_append (token, run[k + len - 1]);
          if (words != NULL && g_hash_table_contains (words, token->str) && cost[k] + 1 < cost[k + len])
            {
              cost[k + len] = cost[k] + 1;
              from[k + len] = k;
            }
        }
    }
  for (k = n; k > 0; k = from[k])
    {
      g_autoptr (GString) piece = g_string_new (run[from[k]]);

      for (guint j = from[k] + 1; j < k; j++)
        {
          g_string_append_c (piece, '_');
          g_string_append (piece, run[j]);
        }
      g_ptr_array_add (pieces, g_string_free (g_steal_pointer (&piece), FALSE));
    }
  for (guint i = pieces->len; i > 0; i--)
    g_ptr_array_add (out, g_steal_pointer (&g_ptr_array_index (pieces, i - 1)));
}

char *
el_voice_profile_transcript (const char *text, GHashTable *words)
{
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) chunk = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) word = g_string_new (NULL);
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text;; p++)
    {
      char c = g_ascii_tolower (*p);
      gboolean in_word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
      gboolean pause = c == '.' || c == ',' || c == ';' || c == ':' || c == '?' || c == '!' || c == '\0';

      if (in_word)
        {
          g_string_append_c (word, c);
          continue;
        }
      if (word->len > 0)
        {
          g_ptr_array_add (chunk, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (!pause)
        continue;
      /* the chunk's letter runs become abbreviation tokens */
      for (guint i = 0; i < chunk->len;)
        {
          guint j = i;

          while (j < chunk->len && is_single_letter (g_ptr_array_index (chunk, j)))
            j++;
          if (j > i)
            {
              append_letter_run (tokens, (char **) chunk->pdata + i, j - i, words);
              i = j;
              continue;
            }
          g_ptr_array_add (tokens, g_strdup (g_ptr_array_index (chunk, i)));
          i++;
        }
      if (chunk->len > 0)
        g_ptr_array_add (tokens, g_strdup ("<sil>"));
      g_ptr_array_set_size (chunk, 0);
      if (c == '\0')
        break;
    }
  /* no pause at the very end: the transcript's </s> follows */
  if (tokens->len > 0 && g_str_equal (g_ptr_array_index (tokens, tokens->len - 1), "<sil>"))
    g_ptr_array_set_size (tokens, tokens->len - 1);
  for (guint i = 0; i < tokens->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_ptr_array_index (tokens, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* word (without "(2)") -> the dictionary's lines for it, in order */
static GHashTable *
parse_dictionary (const char *contents)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autoptr (GHashTable) words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gsize len = strcspn (line, " \t");
      g_autofree char *key = NULL;
      char *paren;
      const char *entries;

      if (len == 0)
        continue;
      key = g_strndup (line, len);
      paren = strchr (key, '(');
      if (paren != NULL)
        *paren = '\0';
      entries = g_hash_table_lookup (words, key);
      if (entries == NULL)
        {
          g_hash_table_insert (words, g_strdup (key), g_strdup (line));
          continue;
        }
      {
        g_autofree char *joined = g_strconcat (entries, "\n", line, NULL);

        g_hash_table_replace (words, g_strdup (key), g_steal_pointer (&joined));
      }
    }
  return g_steal_pointer (&words);
}

static GHashTable *
read_dictionary (const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return parse_dictionary (contents);
}

/* ------------------------------------------------------------------------------------------------
 * Files for sphinxtrain
 */

/* The MFCC features of @pcm as sphinx_fe writes them (a 32-bit count of values, then the values),
 * from the model's own front end. */
static gboolean
write_features (fe_t *fe, GBytes *pcm, const char *path, GError **error)
{
  enum
  {
    BLOCK_FRAMES = 256
  };
  gsize size = 0;
  const int16 *p = g_bytes_get_data (pcm, &size);
  size_t left = size / 2;
  int veclen = fe_get_output_size (fe);
  mfcc_t **cep = (mfcc_t **) ckd_calloc_2d (BLOCK_FRAMES + 1, veclen, sizeof (mfcc_t));
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gint32 n_values;
  int32 n = 0;

  g_byte_array_set_size (out, 4);
  fe_start_utt (fe);
  while (left > 0)
    {
      n = BLOCK_FRAMES;
      if (fe_process_frames (fe, &p, &left, cep, &n, NULL) < 0)
        break;
      if (n == 0)
        break;
      for (int32 f = 0; f < n; f++)
        for (int k = 0; k < veclen; k++)
          {
            float v = MFCC2FLOAT (cep[f][k]);

            g_byte_array_append (out, (const guint8 *) &v, sizeof v);
          }
    }
  n = 0;
  fe_end_utt (fe, cep[0], &n);
  for (int32 f = 0; f < n; f++)
    for (int k = 0; k < veclen; k++)
      {
        float v = MFCC2FLOAT (cep[f][k]);

        g_byte_array_append (out, (const guint8 *) &v, sizeof v);
      }
  ckd_free_2d (cep);

  n_values = (gint32) ((out->len - 4) / sizeof (float));
  if (n_values / veclen < MIN_SPEECH_FRAMES)
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO,
                   "a recording is too short to learn from (under a second)");
      return FALSE;
    }
  memcpy (out->data, &n_values, 4);
  return g_file_set_contents_full (path, (const char *) out->data, out->len, G_FILE_SET_CONTENTS_NONE, 0600,
                                   error);
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Debian's model has only the decoder's 8-bit "sendump" of its mixture weights; bw and map_adapt
 * read the Sphinx-3 float file. Each byte is -log_1.0001(w) >> 10 (pocketsphinx's ptm_mgau): the
 * weights are rebuilt from it and normalised per senone and stream. */
static gboolean
write_mixture_weights (const char *sendump, const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize size = 0, off = 0;
  guint n_feat = 0, n_cw, n_sen;
  g_autofree float *w = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  static const char header[] = "s3\nversion 1.0\nendhdr\n";
  guint32 magic = 0x11223344;
  gint32 dims[4];
  double scale = (double) (1 << SENDUMP_SHIFT) * log (SENDUMP_LOG_BASE);

  if (!g_file_get_contents (sendump, (char **) &data, &size, error))
    return FALSE;
  for (guint i = 0;; i++)
    {
      guint32 len;
      g_autofree char *text = NULL;

      if (off + 4 > size || i > MAX_HEADER_STRINGS)
        return engine_error (error, "the acoustic model's sendump is not one this version reads");
      len = read_le32 (data + off);
      off += 4;
      if (len == 0)
        break;
      if (len > 1000 || off + len > size)
        return engine_error (error, "the acoustic model's sendump is not one this version reads");
      text = g_strndup ((const char *) data + off, len);
      off += len;
      if (g_str_has_prefix (text, "feature_count "))
        n_feat = (guint) g_ascii_strtoull (text + strlen ("feature_count "), NULL, 10);
      if (g_str_has_prefix (text, "cluster_count ") && g_ascii_strtoull (text + 14, NULL, 10) != 0)
        return engine_error (error, "the acoustic model's sendump is clustered: not supported");
    }
  if (off + 8 > size)
    return engine_error (error, "the acoustic model's sendump is truncated");
  n_cw = read_le32 (data + off);
  n_sen = read_le32 (data + off + 4);
  off += 8;
  if (n_feat == 0 || n_feat > 8 || n_cw == 0 || n_cw > 1024 || n_sen == 0 || n_sen > 100000 ||
      size - off < (gsize) n_feat * n_cw * n_sen)
    return engine_error (error, "the acoustic model's sendump is truncated or damaged");

  w = g_new (float, (gsize) n_sen *n_feat *n_cw);
  for (guint s = 0; s < n_sen; s++)
    for (guint f = 0; f < n_feat; f++)
      {
        float *row = w + ((gsize) s * n_feat + f) * n_cw;
        double sum = 0;

        for (guint c = 0; c < n_cw; c++)
          {
            guint8 q = data[off + ((gsize) f * n_cw + c) * n_sen + s];

            row[c] = (float) exp (-(double) q * scale);
            sum += row[c];
          }
        for (guint c = 0; c < n_cw; c++)
          row[c] = (float) (row[c] / sum);
      }

  dims[0] = (gint32) n_sen;
  dims[1] = (gint32) n_feat;
  dims[2] = (gint32) n_cw;
  dims[3] = (gint32) ((gsize) n_sen * n_feat * n_cw);
  g_byte_array_append (out, (const guint8 *) header, strlen (header));
  g_byte_array_append (out, (const guint8 *) &magic, 4);
  g_byte_array_append (out, (const guint8 *) dims, sizeof dims);
  g_byte_array_append (out, (const guint8 *) w, (guint) ((gsize) dims[3] * sizeof (float)));
  return g_file_set_contents (path, (const char *) out->data, out->len, error);
}

/* "-name value" lines of the model's feat.params */
static GHashTable *
read_feat_params (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit_set (g_strstrip (lines[i]), " \t", 2);

      if (parts[0] != NULL && parts[0][0] == '-' && parts[1] != NULL)
        g_hash_table_insert (params, g_strdup (parts[0]), g_strdup (g_strstrip (parts[1])));
    }
  return g_steal_pointer (&params);
}

/* Runs a tool with its output in @log; on failure the error quotes the log's last line. */
static gboolean
run_tool (GPtrArray *argv, const char *log, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *name = g_path_get_basename (g_ptr_array_index (argv, 0));

  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  g_ptr_array_remove_index (argv, argv->len - 1);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_wait (process, cancellable, error))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      return FALSE;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *output = NULL;
      g_autofree char *last = NULL;

      if (g_file_get_contents (log, &output, NULL, NULL))
        {
          g_auto (GStrv) lines = g_strsplit (g_strstrip (output), "\n", -1);
          guint n = g_strv_length (lines);

          last = n > 0 ? g_strdup (lines[n - 1]) : NULL;
        }
      return engine_error (error, "%s failed: %s", name, last != NULL ? last : "no output");
    }
  return TRUE;
}

static char *
find_tool (const char *dir, const char *name, GError **error)
{
  g_autofree char *path = dir != NULL ? g_build_filename (dir, name, NULL) : g_find_program_in_path (name);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      engine_error (error, "voice enrollment needs %s (Debian package %s)", name,
                    dir != NULL ? "sphinxtrain" : "pocketsphinx");
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
argv_add (GPtrArray *argv, const char *name, const char *value)
{
  g_ptr_array_add (argv, g_strdup (name));
  g_ptr_array_add (argv, g_strdup (value));
}

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autoptr (GFile) src = g_file_new_for_path (from);
  g_autoptr (GFile) dst = g_file_new_for_path (to);

  return g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
}

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
      return;
    }
  g_unlink (path);
}

/* ------------------------------------------------------------------------------------------------
 * Building
 */

typedef struct
{
  char *work;    /* temporary folder: features, transcripts, counts */
  char *staging; /* the profile, before it is renamed into place */
} Build;

static void
build_clear (Build *build)
{
  remove_tree (build->work);
  remove_tree (build->staging);
  g_free (build->work);
  g_free (build->staging);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Build, build_clear)

static fe_t *
front_end_new (const char *base, GError **error)
{
  g_autofree char *params = g_build_filename (base, "feat.params", NULL);
  cmd_ln_t *config;
  fe_t *fe;

  err_set_logfp (NULL);
  config = cmd_ln_parse_file_r (NULL, fe_get_args (), params, FALSE);
  if (config == NULL)
    {
      engine_error (error, "the acoustic model's feat.params could not be read");
      return NULL;
    }
  cmd_ln_set_float32_r (config, "-samprate", EL_AUDIO_PCM_RATE);
  fe = fe_init_auto_r (config);
  cmd_ln_free_r (config);
  if (fe == NULL)
    engine_error (error, "the speech front end could not be set up");
  return fe;
}

/* Features and transcript lines for every recording; the dictionary bw reads (ours, plus the CMU
 * dictionary's entries for the texts' other words). */
static gboolean
prepare_inputs (const char *base,
                const char *dictionary,
                GPtrArray *recordings,
                const char *const *texts,
                const char *work,
                gint64 *audio_ms,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GHashTable) words = NULL;
  g_autoptr (GHashTable) cmu = NULL;
  g_autoptr (GHashTable) extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) fileids = g_string_new (NULL);
  g_autoptr (GString) transcription = g_string_new (NULL);
  g_autoptr (GString) dict = NULL;
  g_autofree char *dict_text = NULL;
  g_autofree char *mfc_dir = g_build_filename (work, "mfc", NULL);
  g_autofree char *path = NULL;
  g_autofree char *base_parent = g_path_get_dirname (base);
  g_autofree char *cmudict = g_build_filename (base_parent, CMUDICT_NAME, NULL);
  fe_t *fe;
  gboolean ok = FALSE;

  /* read once: its words to check the texts, its text to extend for bw */
  if (!g_file_get_contents (dictionary, &dict_text, NULL, error))
    return FALSE;
  words = parse_dictionary (dict_text);
  dict = g_string_new (dict_text);
  if (dict->len > 0 && dict->str[dict->len - 1] != '\n')
    g_string_append_c (dict, '\n');
  if (g_mkdir_with_parents (mfc_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not create %s", mfc_dir);
      return FALSE;
    }
  if ((fe = front_end_new (base, error)) == NULL)
    return FALSE;

  *audio_ms = 0;
  for (guint i = 0; i < recordings->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("rec%03u", i);
      g_autofree char *mfc = g_strconcat (mfc_dir, G_DIR_SEPARATOR_S, id, ".mfc", NULL);
      g_autofree char *transcript = el_voice_profile_transcript (texts[i], words);
      g_auto (GStrv) tokens = g_strsplit (transcript, " ", -1);
      g_autoptr (GBytes) pcm = NULL;
      gint64 ms = 0;

      for (guint t = 0; tokens[t] != NULL; t++)
        {
          if (tokens[t][0] == '\0' || g_str_equal (tokens[t], "<sil>") ||
              g_hash_table_contains (words, tokens[t]) || g_hash_table_contains (extra, tokens[t]))
            continue;
          if (cmu == NULL && (cmu = read_dictionary (cmudict, NULL)) == NULL)
            cmu = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          if (!g_hash_table_contains (cmu, tokens[t]))
            {
              engine_error (error, "the enrollment text %u has a word with no pronunciation: %s", i + 1,
                            tokens[t]);
              goto out;
            }
          g_hash_table_add (extra, g_strdup (tokens[t]));
          g_string_append_printf (dict, "%s\n", (const char *) g_hash_table_lookup (cmu, tokens[t]));
        }
      if (tokens[0] == NULL || tokens[0][0] == '\0')
        {
          engine_error (error, "the enrollment text %u has no words", i + 1);
          goto out;
        }

      pcm = el_audio_decode_to_pcm (g_ptr_array_index (recordings, i), NULL, &ms, cancellable, error);
      if (pcm == NULL || !write_features (fe, pcm, mfc, error))
        goto out;
      *audio_ms += ms;
      g_string_append_printf (fileids, "%s\n", id);
      g_string_append_printf (transcription, "<s> %s </s> (%s)\n", transcript, id);
    }

  path = g_build_filename (work, "fileids", NULL);
  if (!g_file_set_contents (path, fileids->str, (gssize) fileids->len, error))
    goto out;
  g_free (path);
  path = g_build_filename (work, "transcription", NULL);
  if (!g_file_set_contents (path, transcription->str, (gssize) transcription->len, error))
    goto out;
  g_free (path);
  path = g_build_filename (work, "adapt.dict", NULL);
  if (!g_file_set_contents (path, dict->str, (gssize) dict->len, error))
    goto out;
  ok = TRUE;

out:
  fe_free (fe);
  return ok;
}

static gboolean
write_info (const char *dir, guint n_recordings, gint64 audio_ms, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (dir, EL_VOICE_PROFILE_INFO_NAME, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "map");
  json_builder_set_member_name (b, "recordings");
  json_builder_add_int_value (b, n_recordings);
  json_builder_set_member_name (b, "audio_ms");
  json_builder_add_int_value (b, audio_ms);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  return g_file_set_contents (path, text, -1, error);
}

/* Where a build whose texts are PHI keeps its work files: a folder only this user may enter on a
 * file system held in memory (the XDG runtime folder, else /dev/shm), so the features and the texts
 * never reach a disk. */
static gboolean
is_memory_backed (const char *dir)
{
  struct statfs fs;

  if (dir == NULL || statfs (dir, &fs) != 0)
    return FALSE;
  return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

/**
 * el_voice_profile_private_work_dir:
 * @error: G_IO_ERROR_NOT_SUPPORTED when there is no such folder
 *
 * Returns: (transfer full) (nullable): a parent folder for el_voice_profile_build_in() held in memory
 */
char *
el_voice_profile_private_work_dir (GError **error)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");

  if (runtime != NULL && g_path_is_absolute (runtime) && is_memory_backed (runtime))
    return g_strdup (runtime);
  if (is_memory_backed ("/dev/shm"))
    return g_strdup ("/dev/shm");
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "no folder held in memory (XDG_RUNTIME_DIR or /dev/shm on tmpfs) for the work files");
  return NULL;
}

static gboolean
build_in (const char *work_parent,
          const char *base_acoustic_model,
          const char *dictionary,
          GPtrArray *recordings,
          const char *const *texts,
          const char *out_dir,
          GCancellable *cancellable,
          GError **error)
{
  g_auto (Build) build = { NULL, NULL };
  g_autoptr (GHashTable) feat = NULL;
  g_autoptr (GPtrArray) argv = NULL;
  g_autofree char *tools = NULL;
  g_autofree char *bw = NULL, *map_adapt = NULL, *mdef_convert = NULL;
  g_autofree char *mdef_txt = NULL, *hmm = NULL, *acc = NULL, *map = NULL, *log = NULL;
  g_autofree char *parent = NULL, *name = NULL;
  gint64 audio_ms = 0;
  guint n;
  static const char *const feat_args[] = {
    "-feat", "-svspec", "-cmn", "-agc", "-varnorm", "-lda", "-ldadim"
  };
  static const char *const base_files[] = { "means", "variances", "transition_matrices" };

  g_return_val_if_fail (base_acoustic_model != NULL && dictionary != NULL && out_dir != NULL, FALSE);
  g_return_val_if_fail (recordings != NULL && texts != NULL, FALSE);

  n = recordings->len;
  if (n == 0 || n != g_strv_length ((char **) texts))
    return engine_error (error, "voice enrollment needs one text for each recording, and at least one");
  {
    g_autofree char *sendump = g_build_filename (base_acoustic_model, "sendump", NULL);
    g_autofree char *mdef = g_build_filename (base_acoustic_model, "mdef", NULL);

    if (!g_file_test (sendump, G_FILE_TEST_IS_REGULAR) || !g_file_test (mdef, G_FILE_TEST_IS_REGULAR))
      return engine_error (error, "%s is not a phonetically tied acoustic model (no sendump or mdef)",
                           base_acoustic_model);
  }
  tools =
      g_strdup (g_getenv ("EL_SPHINXTRAIN_DIR") != NULL ? g_getenv ("EL_SPHINXTRAIN_DIR") : SPHINXTRAIN_DIR);
  if ((bw = find_tool (tools, "bw", error)) == NULL ||
      (map_adapt = find_tool (tools, "map_adapt", error)) == NULL ||
      (mdef_convert = find_tool (NULL, MDEF_CONVERT, error)) == NULL)
    return FALSE;

  if (work_parent == NULL)
    build.work = g_dir_make_tmp ("eclipselink-enroll-XXXXXX", error);
  else
    {
      build.work = g_build_filename (work_parent, "eclipselink-enroll-XXXXXX", NULL);
      if (g_mkdtemp_full (build.work, 0700) == NULL)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not create a folder in %s",
                       work_parent);
          g_clear_pointer (&build.work, g_free);
        }
    }
  if (build.work == NULL)
    return FALSE;
  parent = g_path_get_dirname (out_dir);
  name = g_path_get_basename (out_dir);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not create %s", parent);
      return FALSE;
    }
  build.staging = g_strdup_printf ("%s%c.%s.building-%d", parent, G_DIR_SEPARATOR, name, (int) getpid ());
  remove_tree (build.staging);
  if (g_mkdir (build.staging, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not create %s", build.staging);
      return FALSE;
    }

  if (!prepare_inputs (base_acoustic_model, dictionary, recordings, texts, build.work, &audio_ms, cancellable,
                       error))
    return FALSE;

  /* the model as bw reads it: a text mdef, float mixture weights, the rest as it is */
  mdef_txt = g_build_filename (build.work, "mdef.txt", NULL);
  hmm = g_build_filename (build.work, "hmm", NULL);
  acc = g_build_filename (build.work, "acc", NULL);
  map = g_build_filename (build.work, "map", NULL);
  log = g_build_filename (build.work, "tool.log", NULL);
  if (g_mkdir (hmm, 0700) != 0 || g_mkdir (acc, 0700) != 0 || g_mkdir (map, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not create folders in %s", build.work);
      return FALSE;
    }
  argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (mdef_convert));
  g_ptr_array_add (argv, g_strdup ("-text"));
  g_ptr_array_add (argv, g_build_filename (base_acoustic_model, "mdef", NULL));
  g_ptr_array_add (argv, g_strdup (mdef_txt));
  if (!run_tool (argv, log, cancellable, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (base_files); i++)
    {
      g_autofree char *from = g_build_filename (base_acoustic_model, base_files[i], NULL);
      g_autofree char *to = g_build_filename (hmm, base_files[i], NULL);

      if (symlink (from, to) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not link %s", to);
          return FALSE;
        }
    }
  {
    g_autofree char *sendump = g_build_filename (base_acoustic_model, "sendump", NULL);
    g_autofree char *mixw = g_build_filename (hmm, "mixture_weights", NULL);
    g_autofree char *params = g_build_filename (base_acoustic_model, "feat.params", NULL);

    if (!write_mixture_weights (sendump, mixw, error) || (feat = read_feat_params (params, error)) == NULL)
      return FALSE;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Baum-Welch counts of the recordings against their texts */
  g_ptr_array_set_size (argv, 0);
  g_ptr_array_add (argv, g_strdup (bw));
  argv_add (argv, "-hmmdir", hmm);
  argv_add (argv, "-moddeffn", mdef_txt);
  argv_add (argv, "-ts2cbfn", ".ptm.");
  for (guint i = 0; i < G_N_ELEMENTS (feat_args); i++)
    if (g_hash_table_contains (feat, feat_args[i]))
      argv_add (argv, feat_args[i], g_hash_table_lookup (feat, feat_args[i]));
  {
    g_autofree char *dict = g_build_filename (build.work, "adapt.dict", NULL);
    g_autofree char *noise = g_build_filename (base_acoustic_model, "noisedict", NULL);
    g_autofree char *ctl = g_build_filename (build.work, "fileids", NULL);
    g_autofree char *lsn = g_build_filename (build.work, "transcription", NULL);
    g_autofree char *cep = g_build_filename (build.work, "mfc", NULL);

    argv_add (argv, "-dictfn", dict);
    argv_add (argv, "-fdictfn", noise);
    argv_add (argv, "-ctlfn", ctl);
    argv_add (argv, "-lsnfn", lsn);
    argv_add (argv, "-cepdir", cep);
  }
  argv_add (argv, "-accumdir", acc);
  if (!run_tool (argv, log, cancellable, error))
    return FALSE;

  /* MAP re-estimation of the Gaussians (the mixture weights and transitions stay the base model's) */
  g_ptr_array_set_size (argv, 0);
  g_ptr_array_add (argv, g_strdup (map_adapt));
  argv_add (argv, "-moddeffn", mdef_txt);
  argv_add (argv, "-ts2cbfn", ".ptm.");
  g_ptr_array_add (argv, g_strdup ("-meanfn"));
  g_ptr_array_add (argv, g_build_filename (hmm, "means", NULL));
  g_ptr_array_add (argv, g_strdup ("-varfn"));
  g_ptr_array_add (argv, g_build_filename (hmm, "variances", NULL));
  g_ptr_array_add (argv, g_strdup ("-mixwfn"));
  g_ptr_array_add (argv, g_build_filename (hmm, "mixture_weights", NULL));
  g_ptr_array_add (argv, g_strdup ("-tmatfn"));
  g_ptr_array_add (argv, g_build_filename (hmm, "transition_matrices", NULL));
  argv_add (argv, "-accumdir", acc);
  g_ptr_array_add (argv, g_strdup ("-mapmeanfn"));
  g_ptr_array_add (argv, g_build_filename (build.staging, "means", NULL));
  g_ptr_array_add (argv, g_strdup ("-mapvarfn"));
  g_ptr_array_add (argv, g_build_filename (build.staging, "variances", NULL));
  g_ptr_array_add (argv, g_strdup ("-mapmixwfn"));
  g_ptr_array_add (argv, g_build_filename (map, "mixture_weights", NULL));
  g_ptr_array_add (argv, g_strdup ("-maptmatfn"));
  g_ptr_array_add (argv, g_build_filename (map, "transition_matrices", NULL));
  if (!run_tool (argv, log, cancellable, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (copied_files); i++)
    {
      g_autofree char *from = g_build_filename (base_acoustic_model, copied_files[i], NULL);
      g_autofree char *to = g_build_filename (build.staging, copied_files[i], NULL);

      if (!copy_file (from, to, error))
        return FALSE;
    }
  if (!write_info (build.staging, n, audio_ms, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* into place: the old profile (if any) goes only once the new one is complete */
  {
    g_autofree char *old = g_strdup_printf ("%s%c.%s.old-%d", parent, G_DIR_SEPARATOR, name, (int) getpid ());

    remove_tree (old);
    if (g_file_test (out_dir, G_FILE_TEST_EXISTS) && g_rename (out_dir, old) != 0)
      {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "could not replace %s", out_dir);
        return FALSE;
      }
    if (g_rename (build.staging, out_dir) != 0)
      {
        int saved = errno;

        g_rename (old, out_dir);
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "could not create %s", out_dir);
        return FALSE;
      }
    g_clear_pointer (&build.staging, g_free);
    remove_tree (old);
  }
  return TRUE;
}

gboolean
el_voice_profile_build (const char *base_acoustic_model,
                        const char *dictionary,
                        GPtrArray *recordings,
                        const char *const *texts,
                        const char *out_dir,
                        GCancellable *cancellable,
                        GError **error)
{
  return build_in (NULL, base_acoustic_model, dictionary, recordings, texts, out_dir, cancellable, error);
}

/**
 * el_voice_profile_build_installed:
 * @recordings: (element-type GBytes): as el_voice_profile_build()'s
 * @texts: what each one says (or what was recognised in it)
 * @out_dir: the profile folder
 * @phi: the texts are PHI (what was heard in handoffs): the work files (features, texts) go to
 *   el_voice_profile_private_work_dir(), held in memory; without such a folder, an error
 * @cancellable: (nullable): cancels the build
 * @error: as el_voice_profile_build()'s, and G_IO_ERROR_NOT_SUPPORTED (no folder in memory)
 *
 * el_voice_profile_build() from the installed models (el_speech_acoustic_model_dir(),
 * el_speech_dictionary_path()).
 *
 * Returns: %TRUE when the profile is in place
 */
gboolean
el_voice_profile_build_installed (GPtrArray *recordings,
                                  const char *const *texts,
                                  const char *out_dir,
                                  gboolean phi,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autofree char *work = NULL;
  g_autofree char *acoustic = el_speech_acoustic_model_dir ();
  g_autofree char *dictionary = el_speech_dictionary_path ();

  if (phi && (work = el_voice_profile_private_work_dir (error)) == NULL)
    return FALSE;
  return build_in (work, acoustic, dictionary, recordings, texts, out_dir, cancellable, error);
}

gboolean
el_voice_profile_is_present (const char *dir)
{
  g_autofree char *info = NULL;
  g_autofree char *means = NULL;

  if (dir == NULL)
    return FALSE;
  info = g_build_filename (dir, EL_VOICE_PROFILE_INFO_NAME, NULL);
  means = g_build_filename (dir, "means", NULL);
  return g_file_test (info, G_FILE_TEST_IS_REGULAR) && g_file_test (means, G_FILE_TEST_IS_REGULAR);
}

gint64
el_voice_profile_get_audio_ms (const char *dir)
{
  g_autofree char *info = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!el_voice_profile_is_present (dir))
    return -1;
  info = g_build_filename (dir, EL_VOICE_PROFILE_INFO_NAME, NULL);
  if (!json_parser_load_from_file (parser, info, NULL) || (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  return MAX (json_object_get_int_member_with_default (json_node_get_object (root), "audio_ms", -1), -1);
}

typedef struct
{
  char *base;
  char *dictionary;
  GPtrArray *recordings;
  GStrv texts;
  char *out_dir;
} BuildData;

static void
build_data_free (BuildData *data)
{
  g_free (data->base);
  g_free (data->dictionary);
  g_ptr_array_unref (data->recordings);
  g_strfreev (data->texts);
  g_free (data->out_dir);
  g_free (data);
}

static void
build_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BuildData *data = task_data;
  GError *error = NULL;

  if (el_voice_profile_build (data->base, data->dictionary, data->recordings,
                              (const char *const *) data->texts, data->out_dir, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
el_voice_profile_build_async (const char *base_acoustic_model,
                              const char *dictionary,
                              GPtrArray *recordings,
                              const char *const *texts,
                              const char *out_dir,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  BuildData *data = g_new0 (BuildData, 1);

  data->base = g_strdup (base_acoustic_model);
  data->dictionary = g_strdup (dictionary);
  data->recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < recordings->len; i++)
    g_ptr_array_add (data->recordings, g_bytes_ref (g_ptr_array_index (recordings, i)));
  data->texts = g_strdupv ((char **) texts);
  data->out_dir = g_strdup (out_dir);
  g_task_set_source_tag (task, el_voice_profile_build_async);
  g_task_set_task_data (task, data, (GDestroyNotify) build_data_free);
  g_task_run_in_thread (task, build_thread);
}

gboolean
el_voice_profile_build_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
