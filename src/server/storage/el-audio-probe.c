/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming identification of uploaded audio: WAV/PCM and Ogg/Opus (see el-audio-probe.h). */
#include "config.h"

#include "el-audio-probe.h"

#include <string.h>

#define OGG_HEADER_BYTES 27
#define OGG_MAX_PAGE     (OGG_HEADER_BYTES + 255 + 255 * 255)
#define OGG_FLAG_CONT    0x01
#define OGG_FLAG_BOS     0x02
#define OGG_FLAG_EOS     0x04
#define OPUS_RATE_PER_MS 48 /* granule positions count 48 kHz samples */

#define WAV_FMT_MIN        16
#define WAV_FMT_EXTENSIBLE 40
#define WAV_FMT_MAX        1024 /* a longer fmt chunk is no PCM we accept */
#define WAV_SIZE_UNKNOWN   G_MAXUINT32
#define WAV_MAX_CHANNELS   32
#define WAV_MIN_RATE       1000
#define WAV_MAX_RATE       384000

/* The probe would overflow its arithmetic past this; nobody uploads 11 days of audio. */
#define MAX_DURATION_LIMIT_MS G_GINT64_CONSTANT (1000000000)

typedef enum
{
  STATE_MAGIC,
  STATE_WAV_RIFF,
  STATE_WAV_CHUNK_HEADER,
  STATE_WAV_FMT,
  STATE_WAV_DATA,
  STATE_WAV_SKIP,
  STATE_OGG_PAGE,
} ProbeState;

typedef enum
{
  OGG_STAGE_HEADER,
  OGG_STAGE_SEGMENTS,
  OGG_STAGE_BODY,
} OggStage;

struct ElAudioProbe
{
  ElAudioContainer expected;
  gint64 max_duration_ms;
  ElAudioContainer container;
  ElAudioCodec codec;
  GError *error; /* sticky */
  gboolean finished;
  guint64 bytes_fed;
  ProbeState state;

  /* Small headers being collected: the magic and RIFF header, a chunk header, a fmt chunk. */
  guint8 head[WAV_FMT_EXTENSIBLE];
  gsize head_len;
  gsize head_need;

  guint channels;
  guint sample_rate;
  guint bits_per_sample;
  gint64 duration_ms;

  /* WAV */
  guint32 byte_rate;
  gboolean have_fmt;
  gboolean have_data;
  gboolean data_size_known;
  guint64 data_left;  /* bytes of the data chunk still to come (when its size is known) */
  guint64 data_bytes; /* audio bytes seen */
  guint64 data_limit; /* the most audio bytes that stay within max_duration_ms */
  guint32 chunk_size; /* of the chunk being read */
  guint64 skip_left;  /* bytes of a skipped chunk body still to come */
  guint skip_pad;     /* then this many pad bytes (0 or 1); a missing final pad byte is tolerated */

  /* Ogg */
  guint8 *page; /* OGG_MAX_PAGE bytes */
  gsize page_len;
  gsize page_need;
  OggStage stage;
  guint64 n_pages;
  guint32 serial;
  guint32 sequence;
  gint64 granule; /* the last granule position seen, -1 none */
  guint pre_skip;
  gboolean eos;
};

/* Ogg CRC-32: polynomial 0x04c11db7, initial value 0, not reflected, no final XOR (RFC 3533). */
static guint32 crc_table[256];

static void
init_crc_table (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 r = i << 24;

          for (int bit = 0; bit < 8; bit++)
            r = (r & 0x80000000u) != 0 ? (r << 1) ^ 0x04c11db7u : r << 1;
          crc_table[i] = r;
        }
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * el_ogg_crc32:
 * @crc: the CRC so far (0 to start)
 * @data: bytes
 * @len: how many
 *
 * Returns: the Ogg page checksum of @data continued from @crc
 */
guint32
el_ogg_crc32 (guint32 crc, const guint8 *data, gsize len)
{
  init_crc_table ();
  for (gsize i = 0; i < len; i++)
    crc = (crc << 8) ^ crc_table[((crc >> 24) ^ data[i]) & 0xff];
  return crc;
}

static guint16
read_le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
read_le64 (const guint8 *p)
{
  return (guint64) read_le32 (p) | ((guint64) read_le32 (p + 4) << 32);
}

/**
 * el_audio_probe_new:
 * @expected: the container the Content-Type declared, or %EL_AUDIO_CONTAINER_UNKNOWN for any
 * @max_duration_ms: the longest audio accepted (%EL_AUDIO_MAX_DURATION_MS), >= 0
 *
 * Returns: (transfer full): a probe; free with el_audio_probe_free()
 */
ElAudioProbe *
el_audio_probe_new (ElAudioContainer expected, gint64 max_duration_ms)
{
  ElAudioProbe *self;

  g_return_val_if_fail (max_duration_ms >= 0, NULL);

  self = g_new0 (ElAudioProbe, 1);
  self->expected = expected;
  self->max_duration_ms = MIN (max_duration_ms, MAX_DURATION_LIMIT_MS);
  self->state = STATE_MAGIC;
  self->head_need = 4;
  self->granule = -1;
  return self;
}

void
el_audio_probe_free (ElAudioProbe *self)
{
  if (self == NULL)
    return;
  g_clear_error (&self->error);
  g_free (self->page);
  g_free (self);
}

static gboolean fail (ElAudioProbe *self, ElAudioError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (ElAudioProbe *self, ElAudioError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  self->error = g_error_new_valist (EL_AUDIO_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
check_duration (ElAudioProbe *self)
{
  if (self->duration_ms > self->max_duration_ms)
    return fail (self, EL_AUDIO_ERROR_TOO_LONG, "the audio is longer than %" G_GINT64_FORMAT " s",
                 self->max_duration_ms / 1000);
  return TRUE;
}

/* Copies input into head until head_need bytes are there; TRUE when they are. */
static gboolean
take_head (ElAudioProbe *self, const guint8 **p, const guint8 *end)
{
  gsize n = MIN (self->head_need - self->head_len, (gsize) (end - *p));

  memcpy (self->head + self->head_len, *p, n);
  self->head_len += n;
  *p += n;
  return self->head_len == self->head_need;
}

static void
expect_head (ElAudioProbe *self, ProbeState state, gsize need)
{
  self->state = state;
  self->head_len = 0;
  self->head_need = need;
}

/* Magic --------------------------------------------------------------------------------------- */

static gboolean
detect (ElAudioProbe *self)
{
  if (memcmp (self->head, "RIFF", 4) == 0)
    self->container = EL_AUDIO_CONTAINER_WAV;
  else if (memcmp (self->head, "OggS", 4) == 0)
    self->container = EL_AUDIO_CONTAINER_OGG;
  else
    return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "the audio is neither WAV nor Ogg");

  if (self->expected != EL_AUDIO_CONTAINER_UNKNOWN && self->expected != self->container)
    return fail (self, EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH, "the body is %s, not the declared %s",
                 el_audio_container_to_mime_type (self->container),
                 el_audio_container_to_mime_type (self->expected));

  if (self->container == EL_AUDIO_CONTAINER_WAV)
    {
      self->state = STATE_WAV_RIFF;
      self->head_need = 12; /* "RIFF", size, "WAVE" */
    }
  else
    {
      self->state = STATE_OGG_PAGE;
      self->page = g_malloc (OGG_MAX_PAGE);
      memcpy (self->page, self->head, 4);
      self->page_len = 4;
      self->page_need = OGG_HEADER_BYTES;
      self->stage = OGG_STAGE_HEADER;
    }
  return TRUE;
}

/* WAV ----------------------------------------------------------------------------------------- */

static const guint8 ksdataformat_subtype_tail[14] = {
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
};

static gboolean
wav_parse_fmt (ElAudioProbe *self)
{
  const guint8 *f = self->head;
  guint tag = read_le16 (f);
  guint channels = read_le16 (f + 2);
  guint32 rate = read_le32 (f + 4);
  guint32 byte_rate = read_le32 (f + 8);
  guint block_align = read_le16 (f + 12);
  guint bits = read_le16 (f + 14);

  if (tag == 0xfffe)
    {
      if (self->head_len < WAV_FMT_EXTENSIBLE || read_le16 (f + 16) < 22)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
      if (read_le16 (f + 24) != 1 || memcmp (f + 26, ksdataformat_subtype_tail, 14) != 0)
        return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "WAV: the sub-format is not PCM");
      if (read_le16 (f + 18) > bits)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: more valid bits than bits per sample");
    }
  else if (tag != 1)
    return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "WAV: format tag 0x%04x is not PCM", tag);

  if (channels < 1 || channels > WAV_MAX_CHANNELS)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: %u channels", channels);
  if (rate < WAV_MIN_RATE || rate > WAV_MAX_RATE)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: sample rate %u Hz", rate);
  if (bits != 8 && bits != 16 && bits != 24 && bits != 32)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: %u bits per sample", bits);
  if (block_align != channels * (bits / 8) || byte_rate != rate * block_align)
    return fail (self, EL_AUDIO_ERROR_MALFORMED,
                 "WAV: block align or byte rate inconsistent with the format");

  self->have_fmt = TRUE;
  self->codec = EL_AUDIO_CODEC_PCM;
  self->channels = channels;
  self->sample_rate = rate;
  self->bits_per_sample = bits;
  self->byte_rate = byte_rate;
  /* The most data bytes d with floor (d * 1000 / byte_rate) <= max_duration_ms. */
  self->data_limit = ((guint64) (self->max_duration_ms + 1) * byte_rate - 1) / 1000;
  return TRUE;
}

static void
wav_skip (ElAudioProbe *self, guint64 body, guint pad)
{
  if (body == 0 && pad == 0)
    {
      expect_head (self, STATE_WAV_CHUNK_HEADER, 8);
      return;
    }
  self->state = STATE_WAV_SKIP;
  self->skip_left = body;
  self->skip_pad = pad;
}

static gboolean
wav_chunk_header (ElAudioProbe *self)
{
  const guint8 *id = self->head;
  guint32 size = read_le32 (self->head + 4);

  self->chunk_size = size;
  if (memcmp (id, "fmt ", 4) == 0)
    {
      if (self->have_fmt)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: two fmt chunks");
      if (size < WAV_FMT_MIN || size > WAV_FMT_MAX)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: fmt chunk of %u bytes", size);
      expect_head (self, STATE_WAV_FMT, MIN (size, WAV_FMT_EXTENSIBLE));
      return TRUE;
    }
  if (memcmp (id, "data", 4) == 0)
    {
      if (!self->have_fmt)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: data chunk before the fmt chunk");
      if (self->have_data)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: two data chunks");
      self->have_data = TRUE;
      self->state = STATE_WAV_DATA;
      self->data_size_known = size != WAV_SIZE_UNKNOWN;
      self->data_left = size;
      if (self->data_size_known && size > self->data_limit)
        {
          self->duration_ms = (gint64) ((guint64) size * 1000 / self->byte_rate);
          return check_duration (self);
        }
      if (size == 0)
        wav_skip (self, 0, 0);
      return TRUE;
    }
  wav_skip (self, size, size & 1);
  return TRUE;
}

static gboolean
wav_data (ElAudioProbe *self, const guint8 **p, const guint8 *end)
{
  guint64 n = (guint64) (end - *p);

  if (self->data_size_known)
    n = MIN (n, self->data_left);
  /* Read no further than the byte that makes the audio too long. */
  if (self->data_bytes + n > self->data_limit)
    n = self->data_limit + 1 - self->data_bytes;
  *p += n;
  self->data_bytes += n;
  self->duration_ms = (gint64) (self->data_bytes * 1000 / self->byte_rate);
  if (!check_duration (self))
    return FALSE;
  if (self->data_size_known)
    {
      self->data_left -= n;
      if (self->data_left == 0)
        wav_skip (self, 0, self->chunk_size & 1);
    }
  return TRUE;
}

static gboolean
wav_feed (ElAudioProbe *self, const guint8 **p, const guint8 *end)
{
  switch (self->state)
    {
      case STATE_WAV_RIFF:
        if (!take_head (self, p, end))
          return TRUE;
        if (memcmp (self->head + 8, "WAVE", 4) != 0)
          return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "a RIFF file that is not WAVE");
        expect_head (self, STATE_WAV_CHUNK_HEADER, 8);
        return TRUE;

      case STATE_WAV_CHUNK_HEADER:
        if (!take_head (self, p, end))
          return TRUE;
        return wav_chunk_header (self);

      case STATE_WAV_FMT:
        if (!take_head (self, p, end))
          return TRUE;
        if (!wav_parse_fmt (self))
          return FALSE;
        wav_skip (self, self->chunk_size - self->head_len, self->chunk_size & 1);
        return TRUE;

      case STATE_WAV_DATA:
        return wav_data (self, p, end);

      case STATE_WAV_SKIP:
        {
          guint64 n = MIN (self->skip_left, (guint64) (end - *p));

          *p += n;
          self->skip_left -= n;
          if (self->skip_left == 0 && self->skip_pad > 0 && *p < end)
            {
              self->skip_pad = 0;
              *p += 1;
            }
          if (self->skip_left == 0 && self->skip_pad == 0)
            expect_head (self, STATE_WAV_CHUNK_HEADER, 8);
          return TRUE;
        }

      case STATE_MAGIC:
      case STATE_OGG_PAGE:
      default:
        g_assert_not_reached ();
    }
}

static gboolean
wav_finish (ElAudioProbe *self)
{
  switch (self->state)
    {
      case STATE_WAV_RIFF:
      case STATE_WAV_FMT:
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: the file ends inside its header");
      case STATE_WAV_CHUNK_HEADER:
        if (self->head_len != 0)
          return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: the file ends inside a chunk header");
        break;
      case STATE_WAV_DATA:
        if (self->data_size_known && self->data_left > 0)
          return fail (self, EL_AUDIO_ERROR_MALFORMED,
                       "WAV: the data chunk is truncated (%" G_GUINT64_FORMAT " of %u bytes)",
                       self->data_bytes, self->chunk_size);
        break;
      case STATE_WAV_SKIP:
        if (self->skip_left > 0)
          return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: the file ends inside a chunk");
        break; /* only the final pad byte is missing: tolerated */
      case STATE_MAGIC:
      case STATE_OGG_PAGE:
      default:
        g_assert_not_reached ();
    }
  if (!self->have_data)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "WAV: no data chunk");
  return TRUE;
}

/* Ogg ----------------------------------------------------------------------------------------- */

static gboolean
ogg_check_header (ElAudioProbe *self)
{
  const guint8 *h = self->page;

  if (memcmp (h, "OggS", 4) != 0)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg page %" G_GUINT64_FORMAT ": no capture pattern",
                 self->n_pages);
  if (h[4] != 0)
    return fail (self, EL_AUDIO_ERROR_MALFORMED,
                 "Ogg page %" G_GUINT64_FORMAT ": stream structure version %u", self->n_pages, h[4]);
  if ((h[5] & ~(OGG_FLAG_CONT | OGG_FLAG_BOS | OGG_FLAG_EOS)) != 0)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg page %" G_GUINT64_FORMAT ": unknown header flags",
                 self->n_pages);
  return TRUE;
}

static gboolean
ogg_parse_opus_head (
    ElAudioProbe *self, const guint8 *lacing, guint n_segments, const guint8 *body, gsize len)
{
  guint channels;

  if (len < 8 || memcmp (body, "OpusHead", 8) != 0)
    return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "the Ogg stream is not Opus");
  /* The first page holds exactly the identification header: one packet that ends on it. */
  if (n_segments == 0 || lacing[n_segments - 1] == 255)
    return fail (self, EL_AUDIO_ERROR_MALFORMED,
                 "Opus: the identification header does not end on the first page");
  for (guint i = 0; i + 1 < n_segments; i++)
    if (lacing[i] != 255)
      return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: more than one packet on the first page");
  if (len < 19)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: identification header too short");
  if ((body[8] >> 4) != 0)
    return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "Opus: identification header version %u", body[8]);

  channels = body[9];
  if (channels == 0)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: 0 channels");
  if (body[18] == 0)
    {
      if (channels > 2)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: %u channels with mapping family 0", channels);
    }
  else
    {
      guint streams, coupled;

      if (len < 21 + (gsize) channels)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: channel mapping table too short");
      streams = body[19];
      coupled = body[20];
      if (streams == 0 || coupled > streams || streams + coupled > 255)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: %u streams, %u coupled", streams, coupled);
      for (guint i = 0; i < channels; i++)
        if (body[21 + i] != 255 && body[21 + i] >= streams + coupled)
          return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: channel mapping out of range");
    }

  self->codec = EL_AUDIO_CODEC_OPUS;
  self->channels = channels;
  self->pre_skip = read_le16 (body + 10);
  self->sample_rate = read_le32 (body + 12); /* the input's rate, informational (0 = unspecified) */
  return TRUE;
}

static gboolean
ogg_process_page (ElAudioProbe *self)
{
  guint8 *h = self->page;
  guint flags = h[5];
  gint64 granule = (gint64) read_le64 (h + 6);
  guint32 serial = read_le32 (h + 14);
  guint32 sequence = read_le32 (h + 18);
  guint32 crc = read_le32 (h + 22);
  guint n_segments = h[26];
  const guint8 *body = h + OGG_HEADER_BYTES + n_segments;
  gsize body_len = self->page_len - OGG_HEADER_BYTES - n_segments;
  guint64 page_no = self->n_pages;

  memset (h + 22, 0, 4);
  if (el_ogg_crc32 (0, h, self->page_len) != crc)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg page %" G_GUINT64_FORMAT ": CRC mismatch", page_no);

  if (page_no == 0)
    {
      if ((flags & OGG_FLAG_BOS) == 0 || (flags & OGG_FLAG_CONT) != 0)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg: the first page does not begin a stream");
      self->serial = serial;
      self->sequence = sequence;
      if (!ogg_parse_opus_head (self, h + OGG_HEADER_BYTES, n_segments, body, body_len))
        return FALSE;
      if (granule != 0)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: the first page has a granule position");
    }
  else
    {
      if ((flags & OGG_FLAG_BOS) != 0 || serial != self->serial)
        return fail (self, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, "Ogg: more than one logical stream");
      if (sequence != self->sequence + 1)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg page %" G_GUINT64_FORMAT ": a page is missing",
                     page_no);
      self->sequence = sequence;
      if (page_no == 1 && ((flags & OGG_FLAG_CONT) != 0 || body_len < 8 || memcmp (body, "OpusTags", 8) != 0))
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: the second page does not begin with OpusTags");
    }

  if (granule != -1)
    {
      if (granule < 0 || granule < self->granule)
        return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg page %" G_GUINT64_FORMAT ": granule position",
                     page_no);
      self->granule = granule;
      self->duration_ms =
          granule > (gint64) self->pre_skip ? (granule - self->pre_skip) / OPUS_RATE_PER_MS : 0;
      if (!check_duration (self))
        return FALSE;
    }
  if ((flags & OGG_FLAG_EOS) != 0)
    self->eos = TRUE;
  self->n_pages++;
  return TRUE;
}

/* Moves to the next stage once the current one's bytes are in the page buffer. */
static gboolean
ogg_advance (ElAudioProbe *self)
{
  switch (self->stage)
    {
      case OGG_STAGE_HEADER:
        if (!ogg_check_header (self))
          return FALSE;
        self->page_need = OGG_HEADER_BYTES + self->page[26];
        self->stage = OGG_STAGE_SEGMENTS;
        return TRUE;
      case OGG_STAGE_SEGMENTS:
        for (guint i = 0; i < self->page[26]; i++)
          self->page_need += self->page[OGG_HEADER_BYTES + i];
        self->stage = OGG_STAGE_BODY;
        return TRUE;
      case OGG_STAGE_BODY:
      default:
        if (!ogg_process_page (self))
          return FALSE;
        self->page_len = 0;
        self->page_need = OGG_HEADER_BYTES;
        self->stage = OGG_STAGE_HEADER;
        return TRUE;
    }
}

static gboolean
ogg_feed (ElAudioProbe *self, const guint8 **p, const guint8 *end)
{
  gsize n;

  if (self->eos)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg: data after the last page");
  n = MIN (self->page_need - self->page_len, (gsize) (end - *p));
  memcpy (self->page + self->page_len, *p, n);
  self->page_len += n;
  *p += n;
  while (self->page_len == self->page_need)
    {
      if (!ogg_advance (self))
        return FALSE;
      if (self->page_len == 0)
        break; /* a page is complete: the next one may not exist (EOS) */
    }
  return TRUE;
}

static gboolean
ogg_finish (ElAudioProbe *self)
{
  if (self->page_len != 0)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg: the stream ends inside page %" G_GUINT64_FORMAT,
                 self->n_pages);
  if (self->n_pages < 2)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Opus: the stream ends before its headers");
  if (!self->eos)
    return fail (self, EL_AUDIO_ERROR_MALFORMED, "Ogg: the stream ends without its last (EOS) page");
  return TRUE;
}

/* API ----------------------------------------------------------------------------------------- */

/**
 * el_audio_probe_feed:
 * @self: a probe
 * @data: (array length=len): the next bytes of the upload
 * @len: how many
 * @error: an %EL_AUDIO_ERROR: stop reading the upload
 *
 * Returns: %TRUE while the bytes so far can be the start of accepted audio
 */
gboolean
el_audio_probe_feed (ElAudioProbe *self, const void *data, gsize len, GError **error)
{
  const guint8 *p = data;
  const guint8 *end;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!self->finished || self->error != NULL, FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (len == 0)
    return TRUE;

  end = p + len;
  while (ok && p < end)
    {
      switch (self->state)
        {
          case STATE_MAGIC:
            if (take_head (self, &p, end))
              ok = detect (self);
            break;
          case STATE_OGG_PAGE:
            ok = ogg_feed (self, &p, end);
            break;
          case STATE_WAV_RIFF:
          case STATE_WAV_CHUNK_HEADER:
          case STATE_WAV_FMT:
          case STATE_WAV_DATA:
          case STATE_WAV_SKIP:
          default:
            ok = wav_feed (self, &p, end);
            break;
        }
    }
  self->bytes_fed += (guint64) (p - (const guint8 *) data);
  if (!ok)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

/**
 * el_audio_probe_finish:
 * @self: a probe
 * @error: an %EL_AUDIO_ERROR
 *
 * Says the upload is complete: fails unless the bytes fed are whole, accepted audio.
 *
 * Returns: %TRUE when they are; the getters then describe the whole file
 */
gboolean
el_audio_probe_finish (ElAudioProbe *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* Each branch records its failure in self->error. */
  if (self->error == NULL && !self->finished)
    {
      switch (self->state)
        {
          case STATE_MAGIC:
            fail (self, EL_AUDIO_ERROR_MALFORMED, "the audio is empty or too short");
            break;
          case STATE_OGG_PAGE:
            ogg_finish (self);
            break;
          case STATE_WAV_RIFF:
          case STATE_WAV_CHUNK_HEADER:
          case STATE_WAV_FMT:
          case STATE_WAV_DATA:
          case STATE_WAV_SKIP:
          default:
            wav_finish (self);
            break;
        }
    }
  self->finished = TRUE;
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

ElAudioContainer
el_audio_probe_get_container (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, EL_AUDIO_CONTAINER_UNKNOWN);
  return self->container;
}

ElAudioCodec
el_audio_probe_get_codec (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, EL_AUDIO_CODEC_UNKNOWN);
  return self->codec;
}

/**
 * el_audio_probe_get_duration_ms:
 * @self: a probe
 *
 * Returns: the duration of the audio fed so far, in milliseconds (the whole file's after a
 *   successful el_audio_probe_finish())
 */
gint64
el_audio_probe_get_duration_ms (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->duration_ms;
}

/**
 * el_audio_probe_get_bytes_fed:
 * @self: a probe
 *
 * Returns: how many bytes the probe consumed: after a failure, up to the byte that decided it
 */
guint64
el_audio_probe_get_bytes_fed (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes_fed;
}

guint
el_audio_probe_get_channels (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->channels;
}

/**
 * el_audio_probe_get_sample_rate:
 * @self: a probe
 *
 * Returns: WAV: the sample rate; Opus: the input sample rate from OpusHead (informational, 0 when
 *   unspecified; Opus always decodes at 48 kHz)
 */
guint
el_audio_probe_get_sample_rate (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sample_rate;
}

guint
el_audio_probe_get_bits_per_sample (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bits_per_sample;
}

guint
el_audio_probe_get_pre_skip (ElAudioProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pre_skip;
}

/**
 * el_audio_container_to_mime_type:
 * @container: a container
 *
 * Returns: (nullable): "audio/ogg", "audio/wav", or %NULL for %EL_AUDIO_CONTAINER_UNKNOWN
 */
const char *
el_audio_container_to_mime_type (ElAudioContainer container)
{
  switch (container)
    {
      case EL_AUDIO_CONTAINER_WAV:
        return "audio/wav";
      case EL_AUDIO_CONTAINER_OGG:
        return "audio/ogg";
      case EL_AUDIO_CONTAINER_UNKNOWN:
      default:
        return NULL;
    }
}

static char *
strip (char *s)
{
  return g_strstrip (s);
}

/**
 * el_audio_content_type_parse:
 * @content_type: (nullable): a Content-Type header value
 * @out: (out): the container it declares
 * @error: %EL_AUDIO_ERROR_UNSUPPORTED_TYPE
 *
 * Accepts `audio/ogg` (with an optional `codecs=opus` parameter) and `audio/wav` (optional
 * `codecs=1`), case-insensitive, other parameters ignored.
 */
gboolean
el_audio_content_type_parse (const char *content_type, ElAudioContainer *out, GError **error)
{
  g_auto (GStrv) parts = NULL;
  ElAudioContainer container;
  const char *codec;

  g_return_val_if_fail (out != NULL, FALSE);

  if (content_type == NULL || strlen (content_type) > 256)
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE,
                           "Content-Type must be audio/ogg or audio/wav");
      return FALSE;
    }
  parts = g_strsplit (content_type, ";", -1);
  if (parts[0] != NULL && g_ascii_strcasecmp (strip (parts[0]), "audio/ogg") == 0)
    {
      container = EL_AUDIO_CONTAINER_OGG;
      codec = "opus";
    }
  else if (parts[0] != NULL && g_ascii_strcasecmp (parts[0], "audio/wav") == 0)
    {
      container = EL_AUDIO_CONTAINER_WAV;
      codec = "1";
    }
  else
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE,
                           "Content-Type must be audio/ogg or audio/wav");
      return FALSE;
    }

  for (guint i = 1; parts[i] != NULL; i++)
    {
      char *param = strip (parts[i]);
      char *eq = strchr (param, '=');
      char *value;
      gsize len;

      if (*param == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE,
                               "Content-Type has a parameter without a value");
          return FALSE;
        }
      *eq = '\0';
      if (g_ascii_strcasecmp (strip (param), "codecs") != 0)
        continue;
      value = strip (eq + 1);
      len = strlen (value);
      if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
        {
          value[len - 1] = '\0';
          value++;
        }
      if (g_ascii_strcasecmp (value, codec) != 0)
        {
          g_set_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE, "%s supports only codecs=%s",
                       el_audio_container_to_mime_type (container), codec);
          return FALSE;
        }
    }
  *out = container;
  return TRUE;
}
