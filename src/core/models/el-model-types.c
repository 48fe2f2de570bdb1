/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-model-types.h"
#include "el-json-private.h"

#include <string.h>

static gboolean
is_lower_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Reads @n decimal digits at @str; FALSE when one of them is not a digit. */
static gboolean
read_digits (const char *str, guint n, int *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!is_digit (str[i]))
        return FALSE;
      value = value * 10 + (str[i] - '0');
    }
  *out = value;
  return TRUE;
}

/**
 * el_uuid_is_valid:
 * @str: (nullable): a string
 *
 * Returns: %TRUE if @str is a UUID in canonical lowercase 8-4-4-4-12 hex form
 */
gboolean
el_uuid_is_valid (const char *str)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (str[i] != '-')
            return FALSE;
        }
      else if (!is_lower_hex (str[i]))
        return FALSE;
    }
  return str[36] == '\0';
}

/**
 * el_sha256_is_valid:
 * @str: (nullable): a string
 *
 * Returns: %TRUE if @str is 64 lowercase hex digits
 */
gboolean
el_sha256_is_valid (const char *str)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!is_lower_hex (str[i]))
      return FALSE;
  return str[64] == '\0';
}

/**
 * el_clock_time_is_valid:
 * @str: (nullable): a string
 *
 * Returns: %TRUE if @str is a 24-hour `HH:MM` time
 */
gboolean
el_clock_time_is_valid (const char *str)
{
  int hour, minute;

  if (str == NULL || strlen (str) != 5 || str[2] != ':')
    return FALSE;
  if (!read_digits (str, 2, &hour) || !read_digits (str + 3, 2, &minute))
    return FALSE;
  return hour <= 23 && minute <= 59;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static gint64
days_from_civil (int year, int month, int day)
{
  gint64 y = year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 year_of_era = y - era * 400;
  gint64 day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  gint64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

  return era * 146097 + day_of_era - 719468;
}

/* Writes @value (>= 0) as exactly @width decimal digits. */
static void
put_digits (char *out, int width, int value)
{
  for (int i = width - 1; i >= 0; i--)
    {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
}

/**
 * el_timestamp_normalize:
 * @timestamp: a #GDateTime
 *
 * Returns: (transfer full) (nullable): @timestamp in UTC, truncated to whole milliseconds, or
 *   %NULL if it cannot be represented in UTC
 */
GDateTime *
el_timestamp_normalize (GDateTime *timestamp)
{
  g_autoptr (GDateTime) utc = NULL;
  int usec;

  g_return_val_if_fail (timestamp != NULL, NULL);

  utc = g_date_time_to_utc (timestamp);
  if (utc == NULL)
    return NULL;
  usec = g_date_time_get_microsecond (utc);
  if (usec % 1000 == 0)
    return g_steal_pointer (&utc);
  return g_date_time_add (utc, -(GTimeSpan) (usec % 1000));
}

/**
 * el_timestamp_parse:
 * @str: (nullable): an RFC 3339 timestamp with a `Z` or numeric offset
 *
 * Returns: (transfer full) (nullable): the time in UTC with millisecond precision (finer
 *   fractions are truncated), or %NULL if @str is not a valid RFC 3339 timestamp
 */
GDateTime *
el_timestamp_parse (const char *str)
{
  g_autoptr (GDateTime) utc = NULL;
  int year, month, day, hour, minute, second;
  int offset = 0;
  GTimeSpan usec = 0;
  gsize len, i;

  if (str == NULL)
    return NULL;
  len = strnlen (str, 65);
  if (len < 20 || len > 64)
    return NULL;

  if (!read_digits (str, 4, &year) || str[4] != '-' || !read_digits (str + 5, 2, &month) || str[7] != '-' ||
      !read_digits (str + 8, 2, &day) || (str[10] != 'T' && str[10] != 't') ||
      !read_digits (str + 11, 2, &hour) || str[13] != ':' || !read_digits (str + 14, 2, &minute) ||
      str[16] != ':' || !read_digits (str + 17, 2, &second))
    return NULL;
  if (year < 1 || hour > 23 || minute > 59 || second > 59)
    return NULL;
  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;

  i = 19;
  if (str[i] == '.')
    {
      GTimeSpan scale = 100000;

      i++;
      if (!is_digit (str[i]))
        return NULL;
      for (; is_digit (str[i]); i++)
        {
          usec += (str[i] - '0') * scale;
          scale /= 10;
        }
    }

  if (str[i] == 'Z' || str[i] == 'z')
    {
      i++;
    }
  else if (str[i] == '+' || str[i] == '-')
    {
      int off_hour, off_minute;

      if (!read_digits (str + i + 1, 2, &off_hour) || str[i + 3] != ':' ||
          !read_digits (str + i + 4, 2, &off_minute))
        return NULL;
      if (off_hour > 23 || off_minute > 59)
        return NULL;
      offset = (off_hour * 3600 + off_minute * 60) * (str[i] == '-' ? -1 : 1);
      i += 6;
    }
  else
    {
      return NULL;
    }
  if (str[i] != '\0')
    return NULL;

  /* Straight to Unix time in UTC: no GTimeZone per call (this runs for every timestamp the server
   * reads from its database). GDateTime refuses what lies outside 0001-01-01..9999-12-31 in UTC. */
  utc = g_date_time_new_from_unix_utc (days_from_civil (year, month, day) * 86400 + hour * 3600 +
                                       minute * 60 + second - offset);
  if (utc == NULL || usec < 1000)
    return g_steal_pointer (&utc);
  return g_date_time_add (utc, usec - usec % 1000);
}

/**
 * el_timestamp_format:
 * @timestamp: a #GDateTime
 *
 * Returns: (transfer full): @timestamp in UTC as `YYYY-MM-DDThh:mm:ss.sssZ`, or %NULL if it cannot
 *   be represented in UTC
 */
char *
el_timestamp_format (GDateTime *timestamp)
{
  g_autoptr (GDateTime) converted = NULL;
  GDateTime *utc = timestamp;
  int year, month, day;
  char *out;

  g_return_val_if_fail (timestamp != NULL, NULL);

  if (g_date_time_get_utc_offset (timestamp) != 0)
    {
      utc = converted = g_date_time_to_utc (timestamp);
      if (utc == NULL)
        return NULL;
    }
  g_date_time_get_ymd (utc, &year, &month, &day);
  out = g_malloc (sizeof "YYYY-MM-DDThh:mm:ss.sssZ");
  put_digits (out, 4, year);
  out[4] = '-';
  put_digits (out + 5, 2, month);
  out[7] = '-';
  put_digits (out + 8, 2, day);
  out[10] = 'T';
  put_digits (out + 11, 2, g_date_time_get_hour (utc));
  out[13] = ':';
  put_digits (out + 14, 2, g_date_time_get_minute (utc));
  out[16] = ':';
  put_digits (out + 17, 2, g_date_time_get_second (utc));
  out[19] = '.';
  put_digits (out + 20, 3, g_date_time_get_microsecond (utc) / 1000);
  out[23] = 'Z';
  out[24] = '\0';
  return out;
}

/**
 * el_timestamp_is_canonical:
 * @str: (nullable): a string
 *
 * Returns: %TRUE if @str is exactly what el_timestamp_format() writes for some time — a real UTC
 *   instant as `YYYY-MM-DDThh:mm:ss.sssZ` — so that parsing and formatting it again would give
 *   @str back (for code that copies stored timestamps without that round trip)
 */
gboolean
el_timestamp_is_canonical (const char *str)
{
  int year, month, day, hour, minute, second, millis;

  if (str == NULL || strnlen (str, 25) != 24)
    return FALSE;
  if (!read_digits (str, 4, &year) || str[4] != '-' || !read_digits (str + 5, 2, &month) || str[7] != '-' ||
      !read_digits (str + 8, 2, &day) || str[10] != 'T' || !read_digits (str + 11, 2, &hour) ||
      str[13] != ':' || !read_digits (str + 14, 2, &minute) || str[16] != ':' ||
      !read_digits (str + 17, 2, &second) || str[19] != '.' || !read_digits (str + 20, 3, &millis) ||
      str[23] != 'Z')
    return FALSE;
  return year >= 1 && hour <= 23 && minute <= 59 && second <= 59 &&
         g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/**
 * el_date_parse:
 * @str: (nullable): a `YYYY-MM-DD` date
 * @out: (out caller-allocates): where to store the date
 *
 * Returns: %TRUE if @str is a real calendar date between 0001-01-01 and 9999-12-31
 */
gboolean
el_date_parse (const char *str, GDate *out)
{
  int year, month, day;

  g_return_val_if_fail (out != NULL, FALSE);

  if (str == NULL || strnlen (str, 11) != 10)
    return FALSE;
  if (!read_digits (str, 4, &year) || str[4] != '-' || !read_digits (str + 5, 2, &month) || str[7] != '-' ||
      !read_digits (str + 8, 2, &day))
    return FALSE;
  if (year < 1 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

/**
 * el_date_format:
 * @date: a valid #GDate
 *
 * Returns: (transfer full): @date as `YYYY-MM-DD`, or %NULL if it is not valid or after 9999
 */
char *
el_date_format (const GDate *date)
{
  char *out;

  g_return_val_if_fail (date != NULL, NULL);

  if (!g_date_valid (date) || g_date_get_year (date) > 9999)
    return NULL;
  out = g_malloc (sizeof "YYYY-MM-DD");
  put_digits (out, 4, g_date_get_year (date));
  out[4] = '-';
  put_digits (out + 5, 2, g_date_get_month (date));
  out[7] = '-';
  put_digits (out + 8, 2, g_date_get_day (date));
  out[10] = '\0';
  return out;
}

/**
 * el_json_node_to_data:
 * @node: a #JsonNode
 * @len: (out) (optional): the length of the text, without the terminating NUL
 *
 * Writes @node as compact JSON. Unlike #JsonGenerator in json-glib 1.6, doubles are written in
 * their shortest form that reads back to the same value (`36.8`, not `36.799999999999997`),
 * integral doubles keep a `.0`, and non-finite numbers (which JSON cannot hold) become `null`.
 * Object members keep their insertion order.
 *
 * Returns: (transfer full): the JSON text
 */
char *
el_json_node_to_data (JsonNode *node, gsize *len)
{
  g_return_val_if_fail (node != NULL, NULL);

  return el_json_generate (node, len);
}
