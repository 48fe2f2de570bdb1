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
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) with_fraction = NULL;
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

  tz = g_time_zone_new_offset (offset);
  local = g_date_time_new (tz, year, month, day, hour, minute, second);
  if (local == NULL)
    return NULL;
  with_fraction = g_date_time_add (local, usec - usec % 1000);
  if (with_fraction == NULL)
    return NULL;
  return el_timestamp_normalize (with_fraction);
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
  g_autoptr (GDateTime) utc = NULL;

  g_return_val_if_fail (timestamp != NULL, NULL);

  utc = g_date_time_to_utc (timestamp);
  if (utc == NULL)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", g_date_time_get_year (utc),
                          g_date_time_get_month (utc), g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc), g_date_time_get_minute (utc),
                          g_date_time_get_second (utc), g_date_time_get_microsecond (utc) / 1000);
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
  g_return_val_if_fail (date != NULL, NULL);

  if (!g_date_valid (date) || g_date_get_year (date) > 9999)
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (date), (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
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
