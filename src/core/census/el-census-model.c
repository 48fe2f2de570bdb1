/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "el-census-model.h"

/* The delay between a trigger (outbox change, sync cycle) and the reload it causes: several
 * triggers within it cause one reload. */
#define RELOAD_DEBOUNCE_MS 100

G_DEFINE_ENUM_TYPE (ElCensusStatusFilter,
                    el_census_status_filter,
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_ALL, "all"),
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_NO_HANDOFF, "no-handoff"),
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_IN_PROGRESS, "in-progress"),
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_SIGNED, "signed"),
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_ACKNOWLEDGED, "acknowledged"),
                    G_DEFINE_ENUM_VALUE (EL_CENSUS_STATUS_FILTER_FAILED, "failed"))

/* ---- pure helpers ---- */

char *
el_census_normalize (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  GString *out;

  if (text == NULL || *text == '\0')
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  folded = g_utf8_casefold (text, -1);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
  if (decomposed == NULL)
    return g_steal_pointer (&folded);

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((guchar) *p < 0x80)
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (g_unichar_type (c))
        {
          case G_UNICODE_NON_SPACING_MARK:
          case G_UNICODE_SPACING_MARK:
          case G_UNICODE_ENCLOSING_MARK:
            break;
          default:
            g_string_append_unichar (out, c);
            break;
        }
    }
  return g_string_free (out, FALSE);
}

ElShift
el_census_shift_at (GDateTime *local_time, ElShiftPattern pattern, GDate *shift_date)
{
  int hour;
  ElShift shift;
  gboolean previous_day = FALSE;
  int day_end = pattern == EL_SHIFT_PATTERN_EIGHT_HOUR ? 15 : 19;

  g_return_val_if_fail (local_time != NULL, EL_SHIFT_DAY);

  hour = g_date_time_get_hour (local_time);
  if (hour >= 7 && hour < day_end)
    shift = EL_SHIFT_DAY;
  else if (pattern == EL_SHIFT_PATTERN_EIGHT_HOUR && hour >= 15 && hour < 23)
    shift = EL_SHIFT_EVENING;
  else
    {
      shift = EL_SHIFT_NIGHT;
      previous_day = hour < 7;
    }

  if (shift_date != NULL)
    {
      g_date_clear (shift_date, 1);
      g_date_set_dmy (shift_date, (GDateDay) g_date_time_get_day_of_month (local_time),
                      (GDateMonth) g_date_time_get_month (local_time),
                      (GDateYear) g_date_time_get_year (local_time));
      if (previous_day)
        g_date_subtract_days (shift_date, 1);
    }
  return shift;
}

/* ---- ElCensusItem ---- */

struct _ElCensusItem
{
  GObject parent_instance;

  ElStoreCensusEntry *entry;
  char *display_name;
  char *room_bed;
  char *sort_key;
  char *name_key;
  char *search_key;
};

G_DEFINE_FINAL_TYPE (ElCensusItem, el_census_item, G_TYPE_OBJECT)

static void
el_census_item_finalize (GObject *object)
{
  ElCensusItem *self = EL_CENSUS_ITEM (object);

  g_clear_pointer (&self->entry, el_store_census_entry_free);
  g_free (self->display_name);
  g_free (self->room_bed);
  g_free (self->sort_key);
  g_free (self->name_key);
  g_free (self->search_key);

  G_OBJECT_CLASS (el_census_item_parent_class)->finalize (object);
}

static void
el_census_item_class_init (ElCensusItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_census_item_finalize;
}

static void
el_census_item_init (ElCensusItem *self)
{
  (void) self;
}

static const char *
nonnull (const char *s)
{
  return s != NULL ? s : "";
}

ElCensusItem *
el_census_item_new (const ElStoreCensusEntry *entry)
{
  ElCensusItem *self;
  ElPatient *patient;
  const char *family;
  const char *given;
  const char *room;
  const char *bed;
  g_autofree char *room_space_bed = NULL;
  g_autofree char *haystack = NULL;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (EL_IS_PATIENT (entry->patient), NULL);

  self = g_object_new (EL_TYPE_CENSUS_ITEM, NULL);
  self->entry = el_store_census_entry_copy (entry);
  patient = self->entry->patient;

  family = nonnull (el_patient_get_family_name (patient));
  given = nonnull (el_patient_get_given_name (patient));
  room = nonnull (el_patient_get_room (patient));
  bed = el_patient_get_bed (patient);

  if (*family != '\0' && *given != '\0')
    self->display_name = g_strdup_printf ("%s, %s", family, given);
  else
    self->display_name = g_strconcat (family, given, NULL);

  if (bed != NULL && *bed != '\0')
    {
      self->room_bed = g_strdup_printf ("%s-%s", room, bed);
      room_space_bed = g_strdup_printf ("%s %s", room, bed);
    }
  else
    {
      self->room_bed = g_strdup (room);
      room_space_bed = g_strdup (room);
    }

  self->sort_key = g_utf8_collate_key_for_filename (room_space_bed, -1);
  self->name_key = g_utf8_collate_key (self->display_name, -1);

  haystack = g_strjoin (" ", self->display_name, given, family, self->room_bed, room_space_bed,
                        nonnull (el_patient_get_mrn (patient)), NULL);
  self->search_key = el_census_normalize (haystack);

  return self;
}

const ElStoreCensusEntry *
el_census_item_get_entry (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->entry;
}

ElPatient *
el_census_item_get_patient (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->entry->patient;
}

const char *
el_census_item_get_patient_id (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return el_patient_get_id (self->entry->patient);
}

ElHandoff *
el_census_item_get_handoff (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->entry->handoff;
}

gboolean
el_census_item_get_handoff_status (ElCensusItem *self, ElHandoffStatus *status)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), FALSE);
  if (self->entry->handoff == NULL)
    return FALSE;
  if (status != NULL)
    *status = el_handoff_get_status (self->entry->handoff);
  return TRUE;
}

double
el_census_item_get_completeness (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), -1);
  return self->entry->completeness;
}

int
el_census_item_get_sbar_version (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), 0);
  return self->entry->sbar_version;
}

gboolean
el_census_item_get_sbar_pending (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), FALSE);
  return self->entry->sbar_pending;
}

gboolean
el_census_item_get_has_pending_ops (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), FALSE);
  return self->entry->has_pending_ops;
}

const char *
el_census_item_get_display_name (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->display_name;
}

const char *
el_census_item_get_room_bed (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->room_bed;
}

const char *
el_census_item_get_sort_key (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->sort_key;
}

const char *
el_census_item_get_search_key (ElCensusItem *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), NULL);
  return self->search_key;
}

int
el_census_item_compare (ElCensusItem *a, ElCensusItem *b)
{
  int c;

  if ((c = strcmp (a->sort_key, b->sort_key)) != 0)
    return c;
  if ((c = strcmp (a->name_key, b->name_key)) != 0)
    return c;
  return g_strcmp0 (el_patient_get_id (a->entry->patient), el_patient_get_id (b->entry->patient));
}

gboolean
el_census_item_matches_status (ElCensusItem *self, ElCensusStatusFilter filter)
{
  ElHandoffStatus status;

  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), FALSE);

  if (filter == EL_CENSUS_STATUS_FILTER_ALL)
    return TRUE;
  if (!el_census_item_get_handoff_status (self, &status))
    return filter == EL_CENSUS_STATUS_FILTER_NO_HANDOFF;

  switch (filter)
    {
      case EL_CENSUS_STATUS_FILTER_NO_HANDOFF:
        return status == EL_HANDOFF_STATUS_CANCELLED;
      case EL_CENSUS_STATUS_FILTER_IN_PROGRESS:
        return status == EL_HANDOFF_STATUS_DRAFT || status == EL_HANDOFF_STATUS_PROCESSING ||
               status == EL_HANDOFF_STATUS_READY;
      case EL_CENSUS_STATUS_FILTER_SIGNED:
        return status == EL_HANDOFF_STATUS_SIGNED;
      case EL_CENSUS_STATUS_FILTER_ACKNOWLEDGED:
        return status == EL_HANDOFF_STATUS_ACKNOWLEDGED;
      case EL_CENSUS_STATUS_FILTER_FAILED:
        return status == EL_HANDOFF_STATUS_FAILED;
      case EL_CENSUS_STATUS_FILTER_ALL:
      default:
        return TRUE;
    }
}

gboolean
el_census_item_needs_ack_by (ElCensusItem *self, const char *user_id)
{
  ElHandoff *handoff;
  const char *receiving;

  g_return_val_if_fail (EL_IS_CENSUS_ITEM (self), FALSE);

  handoff = self->entry->handoff;
  if (user_id == NULL || *user_id == '\0' || handoff == NULL ||
      el_handoff_get_status (handoff) != EL_HANDOFF_STATUS_SIGNED)
    return FALSE;

  receiving = el_handoff_get_receiving_nurse_id (handoff);
  if (receiving != NULL && *receiving != '\0')
    return g_str_equal (receiving, user_id);
  return g_strcmp0 (el_handoff_get_outgoing_nurse_id (handoff), user_id) != 0 &&
         g_strcmp0 (el_handoff_get_signed_by (handoff), user_id) != 0;
}

/* Whether a reloaded entry shows the same as the item's: then the item is kept. */
static gboolean
entry_equal (const ElStoreCensusEntry *a, const ElStoreCensusEntry *b)
{
  ElHandoff *ha = a->handoff;
  ElHandoff *hb = b->handoff;

  if (a->patient != b->patient || a->sbar_version != b->sbar_version || a->sbar_pending != b->sbar_pending ||
      a->completeness != b->completeness || a->has_pending_ops != b->has_pending_ops)
    return FALSE;
  if (ha == hb)
    return TRUE;
  if (ha == NULL || hb == NULL)
    return FALSE;
  if (g_strcmp0 (el_handoff_get_id (ha), el_handoff_get_id (hb)) != 0 ||
      el_handoff_get_status (ha) != el_handoff_get_status (hb) ||
      el_handoff_get_latest_version (ha) != el_handoff_get_latest_version (hb) ||
      g_strcmp0 (el_handoff_get_etag (ha), el_handoff_get_etag (hb)) != 0 ||
      el_handoff_get_shift (ha) != el_handoff_get_shift (hb) ||
      g_strcmp0 (el_handoff_get_receiving_nurse_id (ha), el_handoff_get_receiving_nurse_id (hb)) != 0 ||
      g_strcmp0 (el_handoff_get_outgoing_nurse_id (ha), el_handoff_get_outgoing_nurse_id (hb)) != 0 ||
      g_strcmp0 (el_handoff_get_signed_by (ha), el_handoff_get_signed_by (hb)) != 0)
    return FALSE;
  {
    GDateTime *ua = el_handoff_get_updated_at (ha);
    GDateTime *ub = el_handoff_get_updated_at (hb);

    if ((ua == NULL) != (ub == NULL) || (ua != NULL && !g_date_time_equal (ua, ub)))
      return FALSE;
  }
  return TRUE;
}

/* ---- ElCensusModel ---- */

struct _ElCensusModel
{
  GObject parent_instance;

  ElStore *store;
  ElSync *sync;
  gulong outbox_changed_id;
  gulong cycle_finished_id;

  char *unit_id;
  GPtrArray *all;     /* ElCensusItem (owned), sorted */
  GPtrArray *visible; /* ElCensusItem (owned), a subsequence of all */

  char *search;      /* as given */
  char *search_norm; /* normalized */
  char **words;      /* its words */
  ElCensusStatusFilter status_filter;
  char *needs_ack_user;

  guint reload_source;
  guint64 reload_serial;
  guint running;
  GCancellable *cancellable;
  gboolean disposed;
};

static void el_census_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElCensusModel,
                               el_census_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, el_census_model_list_model_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SYNC,
  PROP_UNIT_ID,
  PROP_SEARCH,
  PROP_STATUS_FILTER,
  PROP_NEEDS_ACK_USER,
  PROP_N_TOTAL,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_RELOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
el_census_model_get_item_type (GListModel *model)
{
  (void) model;
  return EL_TYPE_CENSUS_ITEM;
}

static guint
el_census_model_get_n_items (GListModel *model)
{
  return EL_CENSUS_MODEL (model)->visible->len;
}

static gpointer
el_census_model_get_item (GListModel *model, guint position)
{
  ElCensusModel *self = EL_CENSUS_MODEL (model);

  if (position >= self->visible->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->visible, position));
}

static void
el_census_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = el_census_model_get_item_type;
  iface->get_n_items = el_census_model_get_n_items;
  iface->get_item = el_census_model_get_item;
}

static gboolean
item_visible (ElCensusModel *self, ElCensusItem *item)
{
  if (!el_census_item_matches_status (item, self->status_filter))
    return FALSE;
  if (self->needs_ack_user != NULL && !el_census_item_needs_ack_by (item, self->needs_ack_user))
    return FALSE;
  if (self->words != NULL)
    for (char **w = self->words; *w != NULL; w++)
      if (strstr (item->search_key, *w) == NULL)
        return FALSE;
  return TRUE;
}

/* Replaces the visible list with @next (transfer full) and emits one splice covering what differs. */
static void
apply_visible (ElCensusModel *self, GPtrArray *next)
{
  GPtrArray *old = self->visible;
  guint prefix = 0;
  guint suffix = 0;
  guint removed;
  guint added;

  while (prefix < old->len && prefix < next->len && old->pdata[prefix] == next->pdata[prefix])
    prefix++;
  while (suffix < old->len - prefix && suffix < next->len - prefix &&
         old->pdata[old->len - 1 - suffix] == next->pdata[next->len - 1 - suffix])
    suffix++;
  removed = old->len - prefix - suffix;
  added = next->len - prefix - suffix;

  self->visible = next;
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
  g_ptr_array_unref (old);
}

/* @narrowing: every filter is at least as strict as before, so only visible items are tested. */
static void
refilter (ElCensusModel *self, gboolean narrowing)
{
  GPtrArray *source = narrowing ? self->visible : self->all;
  GPtrArray *next = g_ptr_array_new_full (source->len, g_object_unref);

  for (guint i = 0; i < source->len; i++)
    {
      ElCensusItem *item = g_ptr_array_index (source, i);

      if (item_visible (self, item))
        g_ptr_array_add (next, g_object_ref (item));
    }
  apply_visible (self, next);
}

static int
compare_items (gconstpointer a, gconstpointer b)
{
  return el_census_item_compare (*(ElCensusItem **) a, *(ElCensusItem **) b);
}

void
el_census_model_set_entries (ElCensusModel *self, GPtrArray *entries)
{
  g_autoptr (GHashTable) previous = NULL;
  GPtrArray *all;
  guint old_total;

  g_return_if_fail (EL_IS_CENSUS_MODEL (self));
  g_return_if_fail (entries != NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      const ElStoreCensusEntry *entry = g_ptr_array_index (entries, i);

      g_return_if_fail (entry != NULL && EL_IS_PATIENT (entry->patient));
    }

  previous = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->all->len; i++)
    {
      ElCensusItem *item = g_ptr_array_index (self->all, i);
      const char *id = el_census_item_get_patient_id (item);

      if (id != NULL)
        g_hash_table_insert (previous, (gpointer) id, item);
    }

  all = g_ptr_array_new_full (entries->len, g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      const ElStoreCensusEntry *entry = g_ptr_array_index (entries, i);
      const char *id;
      ElCensusItem *old;

      id = el_patient_get_id (entry->patient);
      old = id != NULL ? g_hash_table_lookup (previous, id) : NULL;
      if (old != NULL && entry_equal (old->entry, entry))
        g_ptr_array_add (all, g_object_ref (old));
      else
        g_ptr_array_add (all, el_census_item_new (entry));
    }
  g_ptr_array_sort (all, compare_items);

  old_total = self->all->len;
  g_ptr_array_unref (self->all);
  self->all = all;
  refilter (self, FALSE);
  if (old_total != all->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
}

/* ---- reloading ---- */

typedef struct
{
  guint64 serial;
} ReloadData;

static void
set_running (ElCensusModel *self, int delta)
{
  gboolean was = self->running > 0;

  self->running = (guint) ((int) self->running + delta);
  if (was != (self->running > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
census_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElCensusModel *self = g_task_get_source_object (task);
  ReloadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = el_store_census_finish (EL_STORE (source), result, &error);

  set_running (self, -1);
  if (entries == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->disposed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the census model was disposed");
      return;
    }
  if (data->serial == self->reload_serial)
    {
      el_census_model_set_entries (self, entries);
      g_signal_emit (self, signals[SIGNAL_RELOADED], 0);
    }
  g_task_return_boolean (task, TRUE);
}

void
el_census_model_reload_async (ElCensusModel *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ReloadData *data;

  g_return_if_fail (EL_IS_CENSUS_MODEL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_census_model_reload_async);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store == NULL || self->unit_id == NULL || self->disposed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "the census model has no store or no unit");
      return;
    }

  data = g_new0 (ReloadData, 1);
  data->serial = ++self->reload_serial;
  g_task_set_task_data (task, data, g_free);
  set_running (self, +1);
  el_store_census_async (self->store, self->unit_id, cancellable, census_ready_cb, g_steal_pointer (&task));
}

gboolean
el_census_model_reload_finish (ElCensusModel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
auto_reload_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  (void) user_data;
  if (!el_census_model_reload_finish (EL_CENSUS_MODEL (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED))
    g_debug ("census reload failed: %s #%d", g_quark_to_string (error->domain), error->code);
}

static void
reload_now (ElCensusModel *self)
{
  el_census_model_reload_async (self, self->cancellable, auto_reload_done_cb, NULL);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  ElCensusModel *self = user_data;

  self->reload_source = 0;
  reload_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (ElCensusModel *self)
{
  if (self->reload_source != 0 || self->disposed || self->store == NULL || self->unit_id == NULL)
    return;
  self->reload_source = g_timeout_add (RELOAD_DEBOUNCE_MS, reload_timeout_cb, self);
  g_source_set_name_by_id (self->reload_source, "[el] census reload");
}

static void
store_outbox_changed_cb (ElStore *store, gpointer user_data)
{
  (void) store;
  schedule_reload (EL_CENSUS_MODEL (user_data));
}

static void
sync_cycle_finished_cb (ElSync *sync, gpointer stats_ptr, gpointer error_ptr, gpointer user_data)
{
  const ElSyncStats *stats = stats_ptr;

  (void) sync;
  (void) error_ptr;
  if (stats != NULL && (stats->applied > 0 || stats->pushed > 0))
    schedule_reload (EL_CENSUS_MODEL (user_data));
}

/* ---- properties ---- */

void
el_census_model_set_unit_id (ElCensusModel *self, const char *unit_id)
{
  g_autoptr (GPtrArray) none = NULL;

  g_return_if_fail (EL_IS_CENSUS_MODEL (self));

  if (g_strcmp0 (self->unit_id, unit_id) == 0)
    return;
  g_free (self->unit_id);
  self->unit_id = g_strdup (unit_id);

  /* Another unit's rows must not stay on screen while the new census loads. */
  none = g_ptr_array_new ();
  el_census_model_set_entries (self, none);
  self->reload_serial++; /* a reload of the old unit still running is not applied */
  if (self->store != NULL && self->unit_id != NULL)
    reload_now (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT_ID]);
}

const char *
el_census_model_get_unit_id (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);
  return self->unit_id;
}

void
el_census_model_set_search (ElCensusModel *self, const char *text)
{
  g_autofree char *norm = NULL;
  gboolean narrowing;

  g_return_if_fail (EL_IS_CENSUS_MODEL (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->search, text) == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (text);

  norm = el_census_normalize (text);
  if (strcmp (norm, self->search_norm) != 0)
    {
      /* Every old word is a word of the new text, or (the last one) a prefix of one. */
      narrowing = g_str_has_prefix (norm, self->search_norm);
      g_free (self->search_norm);
      self->search_norm = g_steal_pointer (&norm);
      g_strfreev (self->words);
      self->words = g_strsplit_set (self->search_norm, " \t\n\r\f\v", -1);
      {
        /* drop the empty strings between separators */
        guint j = 0;

        for (guint i = 0; self->words[i] != NULL; i++)
          {
            if (self->words[i][0] == '\0')
              g_free (self->words[i]);
            else
              self->words[j++] = self->words[i];
          }
        self->words[j] = NULL;
      }
      refilter (self, narrowing);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

const char *
el_census_model_get_search (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);
  return self->search;
}

void
el_census_model_set_status_filter (ElCensusModel *self, ElCensusStatusFilter filter)
{
  g_return_if_fail (EL_IS_CENSUS_MODEL (self));

  if (self->status_filter == filter)
    return;
  self->status_filter = filter;
  refilter (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
}

ElCensusStatusFilter
el_census_model_get_status_filter (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), EL_CENSUS_STATUS_FILTER_ALL);
  return self->status_filter;
}

void
el_census_model_set_needs_ack_user (ElCensusModel *self, const char *user_id)
{
  g_return_if_fail (EL_IS_CENSUS_MODEL (self));

  if (user_id != NULL && *user_id == '\0')
    user_id = NULL;
  if (g_strcmp0 (self->needs_ack_user, user_id) == 0)
    return;
  g_free (self->needs_ack_user);
  self->needs_ack_user = g_strdup (user_id);
  refilter (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_ACK_USER]);
}

const char *
el_census_model_get_needs_ack_user (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);
  return self->needs_ack_user;
}

guint
el_census_model_get_n_total (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), 0);
  return self->all->len;
}

gboolean
el_census_model_get_loading (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), FALSE);
  return self->running > 0;
}

ElStore *
el_census_model_get_store (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);
  return self->store;
}

ElSync *
el_census_model_get_sync (ElCensusModel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);
  return self->sync;
}

ElCensusItem *
el_census_model_find (ElCensusModel *self, const char *patient_id, guint *position)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);

  if (patient_id == NULL)
    return NULL;
  for (guint i = 0; i < self->visible->len; i++)
    {
      ElCensusItem *item = g_ptr_array_index (self->visible, i);

      if (g_strcmp0 (el_census_item_get_patient_id (item), patient_id) == 0)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

ElCensusItem *
el_census_model_lookup (ElCensusModel *self, const char *patient_id)
{
  g_return_val_if_fail (EL_IS_CENSUS_MODEL (self), NULL);

  if (patient_id == NULL)
    return NULL;
  for (guint i = 0; i < self->all->len; i++)
    {
      ElCensusItem *item = g_ptr_array_index (self->all, i);

      if (g_strcmp0 (el_census_item_get_patient_id (item), patient_id) == 0)
        return item;
    }
  return NULL;
}

ElCensusModel *
el_census_model_new (ElStore *store, ElSync *sync)
{
  g_return_val_if_fail (store == NULL || EL_IS_STORE (store), NULL);
  g_return_val_if_fail (sync == NULL || EL_IS_SYNC (sync), NULL);

  return g_object_new (EL_TYPE_CENSUS_MODEL, "store", store, "sync", sync, NULL);
}

static void
el_census_model_constructed (GObject *object)
{
  ElCensusModel *self = EL_CENSUS_MODEL (object);

  G_OBJECT_CLASS (el_census_model_parent_class)->constructed (object);

  if (self->store != NULL)
    self->outbox_changed_id =
        g_signal_connect (self->store, "outbox-changed", G_CALLBACK (store_outbox_changed_cb), self);
  if (self->sync != NULL)
    self->cycle_finished_id =
        g_signal_connect (self->sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self);
}

static void
el_census_model_dispose (GObject *object)
{
  ElCensusModel *self = EL_CENSUS_MODEL (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->outbox_changed_id, self->store);
  if (self->sync != NULL)
    g_clear_signal_handler (&self->cycle_finished_id, self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (el_census_model_parent_class)->dispose (object);
}

static void
el_census_model_finalize (GObject *object)
{
  ElCensusModel *self = EL_CENSUS_MODEL (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->all);
  g_ptr_array_unref (self->visible);
  g_free (self->unit_id);
  g_free (self->search);
  g_free (self->search_norm);
  g_strfreev (self->words);
  g_free (self->needs_ack_user);

  G_OBJECT_CLASS (el_census_model_parent_class)->finalize (object);
}

static void
el_census_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElCensusModel *self = EL_CENSUS_MODEL (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_SYNC:
        g_value_set_object (value, self->sync);
        break;
      case PROP_UNIT_ID:
        g_value_set_string (value, self->unit_id);
        break;
      case PROP_SEARCH:
        g_value_set_string (value, self->search);
        break;
      case PROP_STATUS_FILTER:
        g_value_set_enum (value, self->status_filter);
        break;
      case PROP_NEEDS_ACK_USER:
        g_value_set_string (value, self->needs_ack_user);
        break;
      case PROP_N_TOTAL:
        g_value_set_uint (value, self->all->len);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->running > 0);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_census_model_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElCensusModel *self = EL_CENSUS_MODEL (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_SYNC:
        self->sync = g_value_dup_object (value);
        break;
      case PROP_UNIT_ID:
        el_census_model_set_unit_id (self, g_value_get_string (value));
        break;
      case PROP_SEARCH:
        el_census_model_set_search (self, g_value_get_string (value));
        break;
      case PROP_STATUS_FILTER:
        el_census_model_set_status_filter (self, g_value_get_enum (value));
        break;
      case PROP_NEEDS_ACK_USER:
        el_census_model_set_needs_ack_user (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_census_model_class_init (ElCensusModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = el_census_model_constructed;
  object_class->dispose = el_census_model_dispose;
  object_class->finalize = el_census_model_finalize;
  object_class->get_property = el_census_model_get_property;
  object_class->set_property = el_census_model_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, EL_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC] = g_param_spec_object (
      "sync", NULL, NULL, EL_TYPE_SYNC, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT_ID] = g_param_spec_string (
      "unit-id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH] = g_param_spec_string (
      "search", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_FILTER] = g_param_spec_enum (
      "status-filter", NULL, NULL, EL_TYPE_CENSUS_STATUS_FILTER, EL_CENSUS_STATUS_FILTER_ALL,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEEDS_ACK_USER] =
      g_param_spec_string ("needs-ack-user", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TOTAL] =
      g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
      g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::reloaded: the census was read from the store again (after a reload that was applied). */
  signals[SIGNAL_RELOADED] = g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 0);
}

static void
el_census_model_init (ElCensusModel *self)
{
  self->all = g_ptr_array_new_with_free_func (g_object_unref);
  self->visible = g_ptr_array_new_with_free_func (g_object_unref);
  self->search = g_strdup ("");
  self->search_norm = g_strdup ("");
  self->status_filter = EL_CENSUS_STATUS_FILTER_ALL;
  self->cancellable = g_cancellable_new ();
}
