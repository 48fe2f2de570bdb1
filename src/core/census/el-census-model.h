/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-store.h"
#include "el-sync.h"

G_BEGIN_DECLS

/*
 * The census: a unit's patients as the app's sidebar lists them.
 *
 * ElCensusItem: one immutable census row (an ElStoreCensusEntry from el_store_census_async()) with
 * what the list needs precomputed: the display name "Family, Given", the room/bed text, a natural
 * sort key (room "4W-2" before "4W-10") and a search key (case-folded, accents stripped: name,
 * room/bed, MRN). PHI: never log what it returns, only ids.
 *
 * ElCensusModel: a GListModel of ElCensusItem, sorted by room then bed (naturally), then name, then
 * patient id, and filtered by
 *   - search text: split on white space; every word must occur (as a substring) in the item's
 *     search key; both sides case-folded and without accents ("jose" finds "José", "4w-1" finds
 *     room "4W-10"); empty: no filter;
 *   - a status filter (#ElCensusStatusFilter, on the latest handoff's status);
 *   - "needs my acknowledgment" for a user id (el_census_item_needs_ack_by()).
 * Changing a filter emits ONE ::items-changed splice (the common prefix and suffix of the old and
 * new visible lists are left out of it), or none when nothing changed. Narrowing the search (the new
 * text extends the old one) only re-tests the visible items.
 *
 * Loading: with a store and a unit id, el_census_model_reload_async() reads el_store_census_async().
 * The model reloads by itself (debounced, 100 ms) when the unit id changes, when the store emits
 * ::outbox-changed, and when the ElSync given emits ::cycle-finished with stats->applied > 0 or
 * stats->pushed > 0. A reload keeps the ElCensusItem object of every row whose entry did not change
 * (same patient object from the store's cache, same handoff summary and SBAR figures), so a
 * selection on an unchanged row survives; ::reloaded is emitted after each successful reload.
 *
 * Properties: store (ElStore, construct-only, nullable), sync (ElSync, construct-only, nullable),
 * unit-id (string), search (string), status-filter (ElCensusStatusFilter), needs-ack-user (string),
 * n-total (uint: rows before filtering), loading (boolean: a reload is running).
 */

/**
 * ElCensusStatusFilter:
 * @EL_CENSUS_STATUS_FILTER_ALL: every patient
 * @EL_CENSUS_STATUS_FILTER_NO_HANDOFF: no handoff cached for the patient, or the latest is cancelled
 * @EL_CENSUS_STATUS_FILTER_IN_PROGRESS: the latest handoff is draft, processing or ready
 * @EL_CENSUS_STATUS_FILTER_SIGNED: the latest handoff is signed (not yet acknowledged)
 * @EL_CENSUS_STATUS_FILTER_ACKNOWLEDGED: the latest handoff is acknowledged
 * @EL_CENSUS_STATUS_FILTER_FAILED: the latest handoff's processing failed
 */
typedef enum
{
  EL_CENSUS_STATUS_FILTER_ALL,
  EL_CENSUS_STATUS_FILTER_NO_HANDOFF,
  EL_CENSUS_STATUS_FILTER_IN_PROGRESS,
  EL_CENSUS_STATUS_FILTER_SIGNED,
  EL_CENSUS_STATUS_FILTER_ACKNOWLEDGED,
  EL_CENSUS_STATUS_FILTER_FAILED,
} ElCensusStatusFilter;

#define EL_TYPE_CENSUS_STATUS_FILTER (el_census_status_filter_get_type ())
GType el_census_status_filter_get_type (void) G_GNUC_CONST;

/* Pure helpers (also used by the app and the tests). */

/* @text case-folded, compatibility-decomposed, without combining marks ("José" -> "jose").
 * (transfer full); NULL gives "". */
char *el_census_normalize (const char *text);

/**
 * ElShiftPattern:
 * @EL_SHIFT_PATTERN_TWELVE_HOUR: day 07:00-18:59, night 19:00-06:59 (the demo hospital's)
 * @EL_SHIFT_PATTERN_EIGHT_HOUR: day 07:00-14:59, evening 15:00-22:59, night 23:00-06:59
 */
typedef enum
{
  EL_SHIFT_PATTERN_TWELVE_HOUR,
  EL_SHIFT_PATTERN_EIGHT_HOUR,
} ElShiftPattern;

/* The shift a handoff started at @local_time belongs to under @pattern, by the local hour.
 * @shift_date: (out) (optional): the date the shift started (a night shift after midnight started
 * the day before). */
ElShift el_census_shift_at (GDateTime *local_time, ElShiftPattern pattern, GDate *shift_date);

/* ---- ElCensusItem ---- */

#define EL_TYPE_CENSUS_ITEM (el_census_item_get_type ())
G_DECLARE_FINAL_TYPE (ElCensusItem, el_census_item, EL, CENSUS_ITEM, GObject)

/* A copy of @entry (its patient and handoff are referenced, not copied). */
ElCensusItem *el_census_item_new (const ElStoreCensusEntry *entry);

const ElStoreCensusEntry *el_census_item_get_entry (ElCensusItem *self);
ElPatient *el_census_item_get_patient (ElCensusItem *self);
const char *el_census_item_get_patient_id (ElCensusItem *self);
/* (nullable): the latest handoff's summary (see ElStoreCensusEntry) */
ElHandoff *el_census_item_get_handoff (ElCensusItem *self);
/* FALSE when no handoff is cached; else *status is the latest handoff's status */
gboolean el_census_item_get_handoff_status (ElCensusItem *self, ElHandoffStatus *status);
double el_census_item_get_completeness (ElCensusItem *self); /* 0..100, -1 unknown */
int el_census_item_get_sbar_version (ElCensusItem *self);    /* 0: none */
gboolean el_census_item_get_sbar_pending (ElCensusItem *self);
gboolean el_census_item_get_has_pending_ops (ElCensusItem *self);

const char *el_census_item_get_display_name (ElCensusItem *self); /* "Family, Given" */
const char *el_census_item_get_room_bed (ElCensusItem *self);     /* "401-A", or "401" without bed */
/* The natural collation key of room and bed (g_utf8_collate_key_for_filename: "4W-2" < "4W-10");
 * compare two with strcmp(). */
const char *el_census_item_get_sort_key (ElCensusItem *self);
const char *el_census_item_get_search_key (ElCensusItem *self); /* normalized name, room/bed, MRN */
/* The census order: sort key, then name (collated), then patient id. */
int el_census_item_compare (ElCensusItem *a, ElCensusItem *b);

gboolean el_census_item_matches_status (ElCensusItem *self, ElCensusStatusFilter filter);

/*
 * Whether @user_id should acknowledge this patient's latest handoff: it is SIGNED (signed and not
 * yet acknowledged) and either its receiving nurse is @user_id, or it names no receiving nurse and
 * @user_id is neither its outgoing nurse nor the nurse who signed it (anyone but the giver may take
 * an unaddressed handoff). FALSE for a NULL @user_id or no handoff. The summary's nurse ids come
 * from el_store_census_async() (filled for signed handoffs).
 */
gboolean el_census_item_needs_ack_by (ElCensusItem *self, const char *user_id);

/* ---- ElCensusModel ---- */

#define EL_TYPE_CENSUS_MODEL (el_census_model_get_type ())
G_DECLARE_FINAL_TYPE (ElCensusModel, el_census_model, EL, CENSUS_MODEL, GObject)

/* @store: (nullable): none for a model fed by el_census_model_set_entries() only.
 * @sync: (nullable): reloads after its cycles that changed something. */
ElCensusModel *el_census_model_new (ElStore *store, ElSync *sync);

ElStore *el_census_model_get_store (ElCensusModel *self); /* (nullable) (transfer none) */
ElSync *el_census_model_get_sync (ElCensusModel *self);   /* (nullable) (transfer none) */

/* The unit whose census is shown; changing it schedules a reload (NULL: empty census). */
void el_census_model_set_unit_id (ElCensusModel *self, const char *unit_id);
const char *el_census_model_get_unit_id (ElCensusModel *self);

/* Reads the unit's census from the store and applies it (the debounced timer is cancelled). Fails
 * with G_IO_ERROR_NOT_INITIALIZED without a store or unit id, with the store's error otherwise
 * (the rows are kept). A reload started while another runs supersedes it: only the newest result
 * is applied; the older call still completes (TRUE). */
void el_census_model_reload_async (ElCensusModel *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean el_census_model_reload_finish (ElCensusModel *self, GAsyncResult *result, GError **error);

/* Replaces the rows with @entries ((element-type ElStoreCensusEntry), transfer none; any order:
 * the model sorts them). Rows equal to current ones keep their item. For tests and benchmarks. */
void el_census_model_set_entries (ElCensusModel *self, GPtrArray *entries);

void el_census_model_set_search (ElCensusModel *self, const char *text);
const char *el_census_model_get_search (ElCensusModel *self); /* never NULL */
void el_census_model_set_status_filter (ElCensusModel *self, ElCensusStatusFilter filter);
ElCensusStatusFilter el_census_model_get_status_filter (ElCensusModel *self);
/* "Needs my acknowledgment": NULL turns the filter off. */
void el_census_model_set_needs_ack_user (ElCensusModel *self, const char *user_id);
const char *el_census_model_get_needs_ack_user (ElCensusModel *self); /* (nullable) */

guint el_census_model_get_n_total (ElCensusModel *self);
gboolean el_census_model_get_loading (ElCensusModel *self);

/* The visible item of @patient_id, and its position: (nullable) (transfer none). */
ElCensusItem *el_census_model_find (ElCensusModel *self, const char *patient_id, guint *position);
/* Any row, visible or filtered out: (nullable) (transfer none). */
ElCensusItem *el_census_model_lookup (ElCensusModel *self, const char *patient_id);

G_END_DECLS
