/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-census-panel.h"
#include "el-conflict-view.h"
#include "el-history-view.h"
#include "el-lock-page.h"
#include "el-offline-banner.h"
#include "el-patient-pane.h"
#include "el-record-recover.h"
#include "el-record-view.h"
#include "el-recovery-dialog.h"
#include "el-sbar-editor.h"
#include "el-shift-report.h"
#include "el-sign-bar.h"
#include "el-speech-engines.h"
#include "el-sign-in-page.h"
#include "el-sync-indicator.h"
#include "el-voice-dialog.h"
#include "el-window.h"

struct _ElWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  char *data_dir;
  GCancellable *cancellable; /* the session's calls; cancelled when she leaves */

  /* the signed-in nurse */
  ElContext *context;
  gboolean keep_signed_in;
  gboolean locked;
  gboolean leaving; /* switch/sign-out in progress */
  char *patient_id;
  char *handoff_id;

  /* auto-lock */
  guint auto_lock_seconds; /* 0: from GSettings */
  gint64 last_activity;    /* monotonic µs */
  guint idle_source;
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  guint screensaver_gnome_sub;
  guint screensaver_fdo_sub;
  guint logind_sub;
  GPtrArray *hidden_windows; /* transient windows hidden while locked */

  /* template */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwBin *sign_in_bin;
  AdwBin *main_bin;
  ElLockPage *lock_page;
  GMenuModel *primary_menu;

  ElSignInPage *sign_in_page;

  /* the main page, made per nurse (NULL while nobody is signed in) */
  AdwLeaflet *leaflet;
  AdwWindowTitle *sidebar_title;
  AdwWindowTitle *content_title;
  GtkWidget *back_button;
  GtkWidget *census_panel;
  GtkStack *content_stack;
  GtkWidget *patient_pane;
  GtkWidget *editor;
  GtkWidget *history;
  AdwViewStack *handoff_stack;
  AdwBin *conflict_bin;
  AdwBin *record_bin;
  GtkWidget *record_view; /* the recording shown in record_bin (NULL: none) */
  char *record_source;    /* a GStreamer source for tests (NULL: the "microphone" setting) */
  GPtrArray *recovered;   /* ElRecoveredRecording still to offer, one dialog at a time */
};

G_DEFINE_FINAL_TYPE (ElWindow, el_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_CONTEXT,
  PROP_LOCKED,
  PROP_PAGE,
  PROP_AUTO_LOCK_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_sign_in (ElWindow *self, const char *email);
static void recovered_cb (GObject *source, GAsyncResult *result, gpointer user_data);
static void rearm_idle (ElWindow *self);

/* ---- window state ---------------------------------------------------------------------------- */

/* The window's size and state live in GSettings so the station PC reopens the app as it was. */
static void
el_window_restore_state (ElWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
el_window_save_state (ElWindow *self)
{
  int width = 0;
  int height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
}

static void
set_page (ElWindow *self, const char *page)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), page) == 0)
    return;
  /* patient data disappears at once when locking; no cross-fade over it */
  gtk_stack_set_visible_child_full (self->stack, page,
                                    g_str_equal (page, "locked") ? GTK_STACK_TRANSITION_TYPE_NONE
                                                                 : GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

/* What the nurse just did (saved, restored...) shows at once, ahead of any older notice. */
static void
toast (ElWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (ElWindow *self)
{
  gboolean signed_in = self->context != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", signed_in && !self->locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-nurse", signed_in && !self->leaving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out",
                                 signed_in && !self->locked && !self->leaving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.train-voice",
                                 signed_in && !self->locked && !self->leaving);
}

/* ---- the main page ----------------------------------------------------------------------------- */

static void
update_titles (ElWindow *self)
{
  ElUser *user;

  if (self->leaflet == NULL)
    return;
  user = el_context_get_user (self->context);
  adw_window_title_set_subtitle (self->sidebar_title, user != NULL ? el_user_get_name (user) : NULL);
}

static void leave_confirmed (ElWindow *self, void (*then) (ElWindow *self, gpointer data), gpointer data);

typedef struct
{
  ElWindow *self;
  void (*then) (ElWindow *self, gpointer data);
  gpointer data;
} LeaveData;

static void
leave_answered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LeaveData *leave = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = el_sbar_editor_confirm_leave_finish (EL_SBAR_EDITOR (source), result, &error);

  if (ok && leave->self->context != NULL)
    leave->then (leave->self, leave->data);
  else
    {
      g_free (leave->data);
      /* she stays: the census points at the patient still open */
      if (leave->self->census_panel != NULL)
        el_census_panel_set_selected_patient_id (EL_CENSUS_PANEL (leave->self->census_panel),
                                                 leave->self->patient_id);
    }
  g_object_unref (leave->self);
  g_free (leave);
}

/* Runs @then (which owns @data, a g_free-able pointer or NULL) once the editor may be left:
 * at once when it holds no unsaved changes, else after the nurse answered Save or Discard. */
static void
leave_confirmed (ElWindow *self, void (*then) (ElWindow *self, gpointer data), gpointer data)
{
  LeaveData *leave;

  if (self->editor == NULL || !el_sbar_editor_get_dirty (EL_SBAR_EDITOR (self->editor)))
    {
      then (self, data);
      return;
    }
  leave = g_new0 (LeaveData, 1);
  leave->self = g_object_ref (self);
  leave->then = then;
  leave->data = data;
  el_sbar_editor_confirm_leave_async (EL_SBAR_EDITOR (self->editor), GTK_WINDOW (self), self->cancellable,
                                      leave_answered_cb, leave);
}

static void
show_patient (ElWindow *self, gpointer data)
{
  g_autofree char *patient_id = data;

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  g_clear_pointer (&self->handoff_id, g_free);
  el_patient_pane_set_patient_id (EL_PATIENT_PANE (self->patient_pane), patient_id);
  gtk_stack_set_visible_child_name (self->content_stack, "patient");
  adw_window_title_set_title (self->content_title, _ ("Patient"));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
patient_activated_cb (ElWindow *self, const char *patient_id)
{
  if (patient_id == NULL || (g_strcmp0 (patient_id, self->patient_id) == 0 && self->handoff_id == NULL))
    {
      if (patient_id != NULL)
        adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      return;
    }
  leave_confirmed (self, show_patient, g_strdup (patient_id));
}

static void
show_handoff (ElWindow *self, gpointer data)
{
  g_autofree char *handoff_id = data;

  g_free (self->handoff_id);
  self->handoff_id = g_strdup (handoff_id);
  el_sbar_editor_load (EL_SBAR_EDITOR (self->editor), handoff_id);
  el_history_view_load (EL_HISTORY_VIEW (self->history), handoff_id);
  adw_view_stack_set_visible_child_name (self->handoff_stack, "report");
  gtk_stack_set_visible_child_name (self->content_stack, "handoff");
  adw_window_title_set_title (self->content_title, _ ("Handoff Report"));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
handoff_activated_cb (ElWindow *self, const char *handoff_id)
{
  el_window_open_handoff (self, handoff_id);
}

void
el_window_open_handoff (ElWindow *self, const char *handoff_id)
{
  g_return_if_fail (EL_IS_WINDOW (self));
  g_return_if_fail (handoff_id != NULL);

  if (self->editor == NULL)
    return;
  if (g_strcmp0 (handoff_id, self->handoff_id) == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "handoff");
      return;
    }
  leave_confirmed (self, show_handoff, g_strdup (handoff_id));
}

static void
back_to_patient_cb (ElWindow *self)
{
  if (self->patient_id != NULL)
    leave_confirmed (self, show_patient, g_strdup (self->patient_id));
}

static void
saved_cb (ElWindow *self, const char *op_id, int version)
{
  g_autofree char *text = NULL;

  /* Translators: %d is the new version's number */
  text = g_strdup_printf (_ ("Saved as version %d"), version);
  toast (self, text);
  if (self->handoff_id != NULL)
    el_history_view_load (EL_HISTORY_VIEW (self->history), self->handoff_id);
}

/* signed or acknowledged: the report reloads (an acknowledged one is read-only) */
static void
sign_changed_cb (ElWindow *self)
{
  if (self->handoff_id == NULL)
    return;
  el_sbar_editor_load (EL_SBAR_EDITOR (self->editor), self->handoff_id);
  el_history_view_load (EL_HISTORY_VIEW (self->history), self->handoff_id);
  if (self->patient_id != NULL)
    el_patient_pane_set_patient_id (EL_PATIENT_PANE (self->patient_pane), self->patient_id);
}

static void
restored_cb (ElWindow *self, int version)
{
  g_autofree char *text = NULL;

  /* Translators: %d is the new version's number */
  text = g_strdup_printf (_ ("Restored as version %d"), version);
  toast (self, text);
  if (self->handoff_id != NULL)
    el_sbar_editor_load (EL_SBAR_EDITOR (self->editor), self->handoff_id);
}

static void
conflict_resolved_cb (ElWindow *self)
{
  adw_bin_set_child (self->conflict_bin, NULL);
  toast (self, _ ("Conflict resolved"));
  if (self->handoff_id != NULL)
    {
      el_sbar_editor_load (EL_SBAR_EDITOR (self->editor), self->handoff_id);
      el_history_view_load (EL_HISTORY_VIEW (self->history), self->handoff_id);
      gtk_stack_set_visible_child_name (self->content_stack, "handoff");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, self->patient_id != NULL ? "patient" : "empty");
}

static void
conflicts_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conflicts = el_store_list_conflicts_finish (EL_STORE (source), result, &error);
  GtkWidget *view;

  if (conflicts == NULL || self->content_stack == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("listing conflicts failed: %s", error->message);
      return;
    }
  if (conflicts->len == 0)
    {
      toast (self, _ ("No conflicts left"));
      return;
    }
  view = el_conflict_view_new (self->context, g_ptr_array_index (conflicts, 0));
  g_signal_connect_object (view, "resolved", G_CALLBACK (conflict_resolved_cb), self, G_CONNECT_SWAPPED);
  adw_bin_set_child (self->conflict_bin, view);
  gtk_stack_set_visible_child_name (self->content_stack, "conflict");
  adw_window_title_set_title (self->content_title, _ ("Resolve Conflict"));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
show_conflicts (ElWindow *self, gpointer data)
{
  ElStore *store = self->context != NULL ? el_context_get_store (self->context) : NULL;

  g_free (data);
  if (store == NULL)
    return;
  el_store_list_conflicts_async (store, self->cancellable, conflicts_listed_cb, g_object_ref (self));
}

static void
show_conflicts_cb (ElWindow *self)
{
  leave_confirmed (self, show_conflicts, NULL);
}

static void
leaflet_folded_cb (ElWindow *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

static void
leaflet_back_cb (ElWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *
header_bar_new (void)
{
  GtkWidget *header = adw_header_bar_new ();
  return header;
}

static void
build_main (ElWindow *self)
{
  GtkWidget *sidebar, *sidebar_header, *menu_button, *content, *content_header, *indicator, *banner;
  GtkWidget *empty, *handoff_box, *switcher_bar, *back_to_patient, *switcher, *sign_bar;
  AdwLeafletPage *page;

  self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
  gtk_widget_set_name (GTK_WIDGET (self->leaflet), "main-leaflet");
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (leaflet_folded_cb), self,
                           G_CONNECT_SWAPPED);

  /* sidebar: who is signed in, the unit's census */
  sidebar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (sidebar, 340, -1);
  sidebar_header = header_bar_new ();
  self->sidebar_title = ADW_WINDOW_TITLE (adw_window_title_new (_ ("Census"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (sidebar_header), GTK_WIDGET (self->sidebar_title));
  g_object_bind_property (self->leaflet, "folded", sidebar_header, "show-end-title-buttons",
                          G_BINDING_SYNC_CREATE);
  menu_button = gtk_menu_button_new ();
  gtk_widget_set_name (menu_button, "main-menu");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), self->primary_menu);
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_widget_set_tooltip_text (menu_button, _ ("Main Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Main Menu"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (sidebar_header), menu_button);
  gtk_box_append (GTK_BOX (sidebar), sidebar_header);
  self->census_panel = el_census_panel_new (self->context);
  gtk_widget_set_vexpand (self->census_panel, TRUE);
  g_signal_connect_object (self->census_panel, "patient-activated", G_CALLBACK (patient_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (sidebar), self->census_panel);
  adw_leaflet_append (self->leaflet, sidebar);

  page = adw_leaflet_append (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_leaflet_page_set_navigatable (page, FALSE);

  /* content: the selected patient, her handoff's report and history, conflicts */
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_widget_set_size_request (content, 540, -1);
  content_header = header_bar_new ();
  g_object_bind_property (self->leaflet, "folded", content_header, "show-start-title-buttons",
                          G_BINDING_SYNC_CREATE);
  self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (self->back_button, _ ("Back to Census"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Back to Census"), -1);
  g_signal_connect_object (self->back_button, "clicked", G_CALLBACK (leaflet_back_cb), self,
                           G_CONNECT_SWAPPED);
  adw_header_bar_pack_start (ADW_HEADER_BAR (content_header), self->back_button);
  self->content_title = ADW_WINDOW_TITLE (adw_window_title_new (_ ("EclipseLink Handoff"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (content_header), GTK_WIDGET (self->content_title));
  indicator = el_sync_indicator_new (self->context);
  g_signal_connect_object (indicator, "show-conflicts", G_CALLBACK (show_conflicts_cb), self,
                           G_CONNECT_SWAPPED);
  adw_header_bar_pack_end (ADW_HEADER_BAR (content_header), indicator);
  gtk_box_append (GTK_BOX (content), content_header);
  banner = el_offline_banner_new (self->context);
  gtk_box_append (GTK_BOX (content), banner);

  self->content_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_name (GTK_WIDGET (self->content_stack), "content-stack");
  gtk_widget_set_vexpand (GTK_WIDGET (self->content_stack), TRUE);
  gtk_stack_set_transition_type (self->content_stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "system-users-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _ ("No Patient Selected"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty), _ ("Choose a patient from the census."));
  gtk_stack_add_named (self->content_stack, empty, "empty");

  self->patient_pane = el_patient_pane_new (self->context);
  el_patient_pane_set_shift_pattern (EL_PATIENT_PANE (self->patient_pane),
                                     (ElShiftPattern) g_settings_get_enum (self->settings, "shift-pattern"));
  g_signal_connect_object (self->patient_pane, "handoff-activated", G_CALLBACK (handoff_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->content_stack, self->patient_pane, "patient");

  handoff_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  switcher_bar = gtk_center_box_new ();
  gtk_widget_add_css_class (switcher_bar, "toolbar");
  back_to_patient = gtk_button_new_from_icon_name ("go-up-symbolic");
  gtk_widget_set_tooltip_text (back_to_patient, _ ("Back to Patient"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back_to_patient), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Back to Patient"), -1);
  g_signal_connect_object (back_to_patient, "clicked", G_CALLBACK (back_to_patient_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_center_box_set_start_widget (GTK_CENTER_BOX (switcher_bar), back_to_patient);
  self->handoff_stack = ADW_VIEW_STACK (adw_view_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->handoff_stack), TRUE);
  switcher = adw_view_switcher_new ();
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), self->handoff_stack);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  gtk_center_box_set_center_widget (GTK_CENTER_BOX (switcher_bar), switcher);
  gtk_box_append (GTK_BOX (handoff_box), switcher_bar);

  self->editor = el_sbar_editor_new (self->context);
  g_signal_connect_object (self->editor, "saved", G_CALLBACK (saved_cb), self, G_CONNECT_SWAPPED);
  adw_view_stack_add_titled_with_icon (self->handoff_stack, self->editor, "report", _ ("Report"),
                                       "document-edit-symbolic");
  self->history = el_history_view_new (self->context);
  g_signal_connect_object (self->history, "restored", G_CALLBACK (restored_cb), self, G_CONNECT_SWAPPED);
  adw_view_stack_add_titled_with_icon (self->handoff_stack, self->history, "history", _ ("History"),
                                       "document-open-recent-symbolic");
  gtk_box_append (GTK_BOX (handoff_box), GTK_WIDGET (self->handoff_stack));
  /* sign (outgoing) and acknowledge with read-back (receiving), under the report */
  sign_bar = el_sign_bar_new (self->context);
  el_sign_bar_set_editor (EL_SIGN_BAR (sign_bar), EL_SBAR_EDITOR (self->editor));
  g_signal_connect_object (sign_bar, "changed", G_CALLBACK (sign_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (handoff_box), sign_bar);
  gtk_stack_add_named (self->content_stack, handoff_box, "handoff");

  self->conflict_bin = ADW_BIN (adw_bin_new ());
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->conflict_bin), "conflict");
  self->record_bin = ADW_BIN (adw_bin_new ());
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->record_bin), "record");
  gtk_stack_set_visible_child_name (self->content_stack, "empty");

  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->content_stack));
  adw_leaflet_append (self->leaflet, content);
  adw_leaflet_set_visible_child (self->leaflet, sidebar);

  adw_bin_set_child (self->main_bin, GTK_WIDGET (self->leaflet));
  leaflet_folded_cb (self);
  update_titles (self);
}

/* Drops every widget made for the nurse who is leaving. */
static void
destroy_main (ElWindow *self)
{
  adw_bin_set_child (self->main_bin, NULL);
  self->leaflet = NULL;
  self->sidebar_title = NULL;
  self->content_title = NULL;
  self->back_button = NULL;
  self->census_panel = NULL;
  self->content_stack = NULL;
  self->patient_pane = NULL;
  self->editor = NULL;
  self->history = NULL;
  self->handoff_stack = NULL;
  self->conflict_bin = NULL;
  self->record_bin = NULL;
  self->record_view = NULL;
  g_clear_pointer (&self->recovered, g_ptr_array_unref);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->handoff_id, g_free);
}

/* ---- sessions ----------------------------------------------------------------------------------- */

static void
purged_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (el_store_purge_finish (EL_STORE (source), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("cache retention purge failed: %s", error->message);
}

static void
voice_profile_changed_cb (ElWindow *self)
{
  toast (self, _ ("Speech recognition on this computer is now adapted to your voice"));
}

static void
start_session (ElWindow *self, ElContext *context, gboolean offline, gboolean keep)
{
  ElSync *sync;
  ElUser *user;

  g_set_object (&self->context, context);
  g_signal_connect_object (context, "voice-profile-changed", G_CALLBACK (voice_profile_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->keep_signed_in = keep;
  self->locked = FALSE;
  self->leaving = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  user = el_context_get_user (context);
  g_settings_set_string (self->settings, "remembered-account",
                         keep && el_context_get_account (context) != NULL ? el_context_get_account (context)
                                                                          : "");

  build_main (self);
  set_page (self, "main");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  update_actions (self);

  sync = el_context_get_sync (context);
  if (sync != NULL)
    {
      el_sync_start (sync);
      el_sync_request (sync, EL_SYNC_RUN_IGNORE_BACKOFF);
    }
  el_store_purge_async (el_context_get_store (context),
                        g_settings_get_uint (self->settings, "cache-retention-days"), self->cancellable,
                        purged_cb, NULL);

  /* drafts on this PC when the server cannot be reached (or transcription-mode is on-device) */
  {
    g_autoptr (GError) engine_error = NULL;

    if (!el_context_ensure_drafter (context, &engine_error))
      g_warning ("no speech engine on this PC: %s", engine_error->message);
  }
  /* recordings a crash or a closed app left behind are offered before anything else is recorded */
  el_record_recover_async (context, self->cancellable, recovered_cb, g_object_ref (self));

  self->last_activity = g_get_monotonic_time ();
  rearm_idle (self);

  if (offline)
    toast (self, _ ("Working offline: changes are kept on this PC and sent when the server is back"));
  else if (user != NULL)
    {
      /* Translators: %s is the nurse's name */
      g_autofree char *text = g_strdup_printf (_ ("Signed in as %s"), el_user_get_name (user));
      toast (self, text);
    }
}

static void
signed_in_cb (ElWindow *self, ElContext *context, gboolean offline, gboolean keep)
{
  start_session (self, context, offline, keep);
}

static void
show_sign_in (ElWindow *self, const char *email)
{
  if (self->sign_in_page == NULL)
    {
      self->sign_in_page = EL_SIGN_IN_PAGE (el_sign_in_page_new (self->settings, self->data_dir));
      g_signal_connect_object (self->sign_in_page, "signed-in", G_CALLBACK (signed_in_cb), self,
                               G_CONNECT_SWAPPED);
      adw_bin_set_child (self->sign_in_bin, GTK_WIDGET (self->sign_in_page));
    }
  el_sign_in_page_reset (self->sign_in_page, email);
  set_page (self, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));
}

static void
context_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!el_context_close_finish (EL_CONTEXT (source), result, &error))
    g_warning ("closing the cache failed: %s", error->message);
}

static void
token_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!el_secrets_clear_finish (EL_SECRETS (source), result, &error))
    g_warning ("could not remove the session from the keyring: %s", error->message);
}

/* The nurse leaves (switch, sign-out done, window closing): her widgets go first, then her context
 * is closed (the keyring keeps her cache key and offline session; the refresh token only when she
 * chose to stay signed in). */
static void
end_session (ElWindow *self)
{
  g_autoptr (ElContext) context = g_steal_pointer (&self->context);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  destroy_main (self);
  el_lock_page_set_context (self->lock_page, NULL);
  self->locked = FALSE;
  self->leaving = FALSE;
  if (context != NULL)
    {
      const char *account = el_context_get_account (context);

      g_signal_handlers_disconnect_by_func (context, voice_profile_changed_cb, self);
      if (el_context_get_sync (context) != NULL)
        el_sync_stop (el_context_get_sync (context));
      if (!self->keep_signed_in && account != NULL)
        el_secrets_clear_async (el_context_get_secrets (context), account, EL_SECRET_KIND_REFRESH_TOKEN, NULL,
                                token_cleared_cb, NULL);
      el_context_close_async (context, NULL, context_closed_cb, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  update_actions (self);
}

static void
switch_after_save_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (el_sbar_editor_save_finish (EL_SBAR_EDITOR (source), result, &error) < 0)
    {
      /* never drop her words: stay locked, tell whoever is at the PC */
      self->leaving = FALSE;
      update_actions (self);
      toast (self, _ ("The open report has unsaved changes that could not be saved. Unlock to save them "
                      "first."));
      return;
    }
  end_session (self);
  show_sign_in (self, NULL);
}

static void
switch_now (ElWindow *self, gpointer data)
{
  g_free (data);
  end_session (self);
  show_sign_in (self, NULL);
}

static void
switch_nurse_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ElWindow *self = EL_WINDOW (widget);

  if (self->context == NULL || self->leaving)
    return;

  if (self->locked)
    {
      /* The nurse at the PC is not the one who typed: her unsaved edit is kept as a version by
       * her (pending, sent with the rest), never discarded by somebody else. */
      if (self->editor != NULL && el_sbar_editor_get_dirty (EL_SBAR_EDITOR (self->editor)))
        {
          self->leaving = TRUE;
          update_actions (self);
          el_sbar_editor_save_async (EL_SBAR_EDITOR (self->editor), NULL, switch_after_save_cb,
                                     g_object_ref (self));
          return;
        }
      switch_now (self, NULL);
      return;
    }
  leave_confirmed (self, switch_now, NULL);
}

static void signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
sign_out_forced_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;

  if (g_strcmp0 (response, "sign-out") != 0 || self->context == NULL)
    {
      self->leaving = FALSE;
      update_actions (self);
      return;
    }
  el_context_sign_out_async (self->context, EL_CONTEXT_SIGN_OUT_FORCE, NULL, signed_out_cb,
                             g_object_ref (self));
}

static void
signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;

  if (el_context_sign_out_finish (EL_CONTEXT (source), result, NULL, &error))
    {
      g_settings_set_string (self->settings, "remembered-account", "");
      end_session (self);
      show_sign_in (self, NULL);
      toast (self, _ ("Signed out. The patient data on this computer was deleted."));
      return;
    }
  if (!g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_PENDING_CHANGES))
    {
      g_warning ("sign-out failed: %s", error->message);
      self->leaving = FALSE;
      update_actions (self);
      toast (self, _ ("Could not sign out. Try again."));
      return;
    }

  dialog =
      ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Sign Out and Lose Unsent Changes?"),
                                                  _ ("Some changes have not reached the server yet. "
                                                     "Signing out deletes them from this computer. "
                                                     "Switch nurse instead to keep them.")));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "sign-out", _ ("_Sign Out Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (sign_out_forced_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_out_now (ElWindow *self, gpointer data)
{
  g_free (data);
  self->leaving = TRUE;
  update_actions (self);
  el_context_sign_out_async (self->context, EL_CONTEXT_SIGN_OUT_NONE, NULL, signed_out_cb,
                             g_object_ref (self));
}

static void
sign_out_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ElWindow *self = EL_WINDOW (widget);

  if (self->context == NULL || self->locked || self->leaving)
    return;
  leave_confirmed (self, sign_out_now, NULL);
}

/* ---- start: resume a nurse kept signed in ------------------------------------------------------ */

static void
resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  ElContext *context = EL_CONTEXT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_context_resume_finish (context, result, &error);

  if (user == NULL)
    {
      g_autofree char *account = g_strdup (el_context_get_account (context));

      g_debug ("resuming the kept session failed: %s %d", g_quark_to_string (error->domain), error->code);
      el_context_close_async (context, NULL, context_closed_cb, NULL);
      show_sign_in (self, account);
      return;
    }
  start_session (self, context, FALSE, TRUE);
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  ElContext *context = EL_CONTEXT (source);
  g_autoptr (GError) error = NULL;

  if (!el_context_open_finish (context, result, &error))
    {
      g_autofree char *account = g_settings_get_string (self->settings, "remembered-account");

      g_debug ("opening the kept session failed: %s %d", g_quark_to_string (error->domain), error->code);
      show_sign_in (self, account);
      return;
    }
  el_context_resume_async (context, self->cancellable, resumed_cb, g_object_ref (self));
}

static void
start (ElWindow *self)
{
  g_autofree char *account = g_settings_get_string (self->settings, "remembered-account");
  g_autofree char *url = g_settings_get_string (self->settings, "api-url");
  g_autoptr (ElContext) context = NULL;

  if (*account != '\0')
    context = el_context_new (url, self->data_dir, NULL);
  if (context == NULL)
    {
      show_sign_in (self, NULL);
      return;
    }
  set_page (self, "starting");
  el_context_open_async (context, account, self->cancellable, opened_cb, g_object_ref (self));
}

/* ---- recording (Ctrl+R) and recordings left behind ----------------------------------------------- */

static gboolean
recording_busy (ElWindow *self)
{
  ElRecordViewState state;

  if (self->record_view == NULL)
    return FALSE;
  state = el_record_view_get_state (EL_RECORD_VIEW (self->record_view));
  return state == EL_RECORD_VIEW_RECORDING || state == EL_RECORD_VIEW_PAUSED ||
         state == EL_RECORD_VIEW_SUBMITTING;
}

static void
record_draft_ready_cb (ElWindow *self, const char *handoff_id)
{
  g_autofree char *id = g_strdup (handoff_id);

  toast (self, _ ("The report draft is ready"));
  /* the editor shows it; the finished recording view goes */
  adw_bin_set_child (self->record_bin, NULL);
  self->record_view = NULL;
  g_clear_pointer (&self->handoff_id, g_free);
  el_window_open_handoff (self, id);
  if (self->patient_id != NULL)
    el_patient_pane_set_patient_id (EL_PATIENT_PANE (self->patient_pane), self->patient_id);
}

static void
record_closed_cb (ElWindow *self)
{
  adw_bin_set_child (self->record_bin, NULL);
  self->record_view = NULL;
  gtk_stack_set_visible_child_name (self->content_stack, self->handoff_id != NULL   ? "handoff"
                                                         : self->patient_id != NULL ? "patient"
                                                                                    : "empty");
}

/* A record view in the content pane (replacing a finished one). */
static ElRecordView *
show_record_view (ElWindow *self)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *view = el_record_view_new (self->context, settings);

  g_signal_connect_object (view, "draft-ready", G_CALLBACK (record_draft_ready_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "closed", G_CALLBACK (record_closed_cb), self, G_CONNECT_SWAPPED);
  if (self->record_source != NULL)
    el_record_view_set_source (EL_RECORD_VIEW (view), self->record_source);
  adw_bin_set_child (self->record_bin, view);
  self->record_view = view;
  gtk_stack_set_visible_child_name (self->content_stack, "record");
  adw_window_title_set_title (self->content_title, _ ("Record Handoff"));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  return EL_RECORD_VIEW (view);
}

static void
record_handoff_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *handoff_id =
      el_patient_pane_ensure_current_handoff_finish (EL_PATIENT_PANE (source), result, &error);

  if (handoff_id == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("no handoff to record for: %s %d", g_quark_to_string (error->domain), error->code);
          toast (self, _ ("Could not start a recording for this patient"));
        }
      return;
    }
  if (self->context == NULL || self->content_stack == NULL || recording_busy (self))
    return;
  el_record_view_start (show_record_view (self), handoff_id);
}

static void
record_now (ElWindow *self, gpointer data)
{
  g_free (data);
  el_patient_pane_ensure_current_handoff_async (EL_PATIENT_PANE (self->patient_pane), self->cancellable,
                                                record_handoff_ready_cb, g_object_ref (self));
}

static void
record_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ElWindow *self = EL_WINDOW (widget);

  if (self->context == NULL || self->locked || self->patient_id == NULL)
    {
      if (self->context != NULL && !self->locked)
        toast (self, _ ("Choose a patient in the census first"));
      return;
    }
  if (recording_busy (self))
    {
      gtk_stack_set_visible_child_name (self->content_stack, "record");
      return;
    }
  leave_confirmed (self, record_now, NULL);
}

static void offer_next_recovered (ElWindow *self);

static void
recovered_use_cb (ElWindow *self, ElRecoveredRecording *recording)
{
  if (self->content_stack == NULL || recording_busy (self) || recording->handoff_id == NULL)
    return;
  el_record_view_submit_recording (show_record_view (self), recording->handoff_id, recording->recording_id,
                                   recording->path, recording->duration_ms);
}

static void
recovered_decided_cb (ElWindow *self)
{
  offer_next_recovered (self);
}

static void
offer_next_recovered (ElWindow *self)
{
  g_autoptr (ElRecoveredRecording) next = NULL;
  GtkWidget *dialog;

  if (self->recovered == NULL || self->recovered->len == 0 || self->context == NULL || self->locked)
    return;
  next = g_ptr_array_steal_index (self->recovered, 0);
  if (next->state == EL_RECOVERED_TAMPERED)
    {
      g_warning ("a recording does not authenticate and is kept aside: %s", next->recording_id);
      offer_next_recovered (self);
      return;
    }
  dialog = el_recovery_dialog_new (GTK_WINDOW (self), self->context, next);
  g_signal_connect_object (dialog, "use-recording", G_CALLBACK (recovered_use_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "decided", G_CALLBACK (recovered_decided_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
recovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = el_record_recover_finish (result, &error);

  if (found == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("looking for interrupted recordings failed: %s %d", g_quark_to_string (error->domain),
                   error->code);
      return;
    }
  if (self->content_stack == NULL || found->len == 0)
    return;
  self->recovered = g_steal_pointer (&found);
  offer_next_recovered (self);
}

/* ---- printing -------------------------------------------------------------------------------------- */

static const char *
current_unit_id (ElWindow *self)
{
  ElCensusModel *model;

  if (self->census_panel == NULL)
    return NULL;
  model = el_census_panel_get_model (EL_CENSUS_PANEL (self->census_panel));
  return model != NULL ? el_census_model_get_unit_id (model) : NULL;
}

static void
printed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_shift_report_print_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("printing the shift report failed: %s %d", g_quark_to_string (error->domain), error->code);
      toast (self, _ ("The shift report could not be printed"));
    }
}

static void
exported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = el_shift_report_export_pdf_dialog_finish (result, &error);

  if (path != NULL)
    toast (self, _ ("Shift report exported as PDF"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("exporting the shift report failed: %s %d", g_quark_to_string (error->domain), error->code);
      toast (self, _ ("The shift report could not be exported"));
    }
}

/* win.print ("patient" or "unit"), win.export-pdf ("patient" or "unit"): the open patient's report,
 * or the whole unit with a page per patient. */
static void
print_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ElWindow *self = EL_WINDOW (widget);
  const char *what = parameter != NULL ? g_variant_get_string (parameter, NULL) : "patient";
  const char *patient_id = g_str_equal (what, "unit") ? NULL : self->patient_id;
  const char *unit_id = current_unit_id (self);

  if (self->context == NULL || self->locked || unit_id == NULL)
    return;
  if (g_str_equal (action, "win.export-pdf"))
    el_shift_report_export_pdf_dialog_async (self->context, GTK_WINDOW (self), unit_id, patient_id,
                                             self->cancellable, exported_cb, g_object_ref (self));
  else
    el_shift_report_print_async (self->context, GTK_WINDOW (self), unit_id, patient_id,
                                 GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, self->cancellable, printed_cb,
                                 g_object_ref (self));
}

/* ---- the nurse's voice profile ----------------------------------------------------------------- */

static void
voice_enrolled_cb (ElWindow *self)
{
  toast (self, _ ("Your voice profile is ready"));
}

static void
train_voice_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ElWindow *self = EL_WINDOW (widget);
  GtkWidget *dialog;

  if (self->context == NULL || self->locked)
    return;
  dialog = el_voice_dialog_new (GTK_WINDOW (self), self->context, self->settings);
  g_signal_connect_object (dialog, "enrolled", G_CALLBACK (voice_enrolled_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- locking ------------------------------------------------------------------------------------ */

void
el_window_lock (ElWindow *self)
{
  GListModel *toplevels;

  g_return_if_fail (EL_IS_WINDOW (self));

  if (self->context == NULL || self->locked)
    return;

  self->locked = TRUE;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  /* dialogs over the window may show patient data: hidden until unlocked */
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) other = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (other) == GTK_WINDOW (self) &&
          gtk_widget_get_visible (GTK_WIDGET (other)))
        {
          gtk_widget_set_visible (GTK_WIDGET (other), FALSE);
          g_ptr_array_add (self->hidden_windows, g_object_ref (other));
        }
    }
  el_lock_page_set_context (self->lock_page, self->context);
  set_page (self, "locked");
  gtk_widget_grab_focus (GTK_WIDGET (self->lock_page));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  update_actions (self);
}

static void
unlocked_cb (ElWindow *self)
{
  if (!self->locked)
    return;
  self->locked = FALSE;
  el_lock_page_set_context (self->lock_page, NULL);
  set_page (self, "main");
  for (guint i = 0; i < self->hidden_windows->len; i++)
    gtk_window_present (g_ptr_array_index (self->hidden_windows, i));
  g_ptr_array_set_size (self->hidden_windows, 0);
  self->last_activity = g_get_monotonic_time ();
  rearm_idle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  update_actions (self);
}

static void
lock_activated (GtkWidget *widget, const char *action, GVariant *parameter)
{
  el_window_lock (EL_WINDOW (widget));
}

static guint
auto_lock_seconds (ElWindow *self)
{
  if (self->auto_lock_seconds > 0)
    return self->auto_lock_seconds;
  return g_settings_get_uint (self->settings, "auto-lock-minutes") * 60;
}

static gboolean
idle_check_cb (gpointer user_data)
{
  ElWindow *self = user_data;
  gint64 idle_us = g_get_monotonic_time () - self->last_activity;

  self->idle_source = 0;
  if (idle_us >= (gint64) auto_lock_seconds (self) * G_USEC_PER_SEC)
    el_window_lock (self);
  else
    rearm_idle (self);
  return G_SOURCE_REMOVE;
}

/* One timeout for the time left until the limit; activity only moves last_activity. */
static void
rearm_idle (ElWindow *self)
{
  gint64 left_ms;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->context == NULL || self->locked)
    return;
  left_ms =
      ((gint64) auto_lock_seconds (self) * G_USEC_PER_SEC - (g_get_monotonic_time () - self->last_activity)) /
      1000;
  self->idle_source = g_timeout_add (MAX (left_ms, 0) + 50, idle_check_cb, self);
  g_source_set_name_by_id (self->idle_source, "[eclipselink] auto-lock");
}

static void
activity_cb (ElWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
key_activity_cb (ElWindow *self)
{
  activity_cb (self);
  return GDK_EVENT_PROPAGATE;
}

static void
motion_activity_cb (GtkEventControllerMotion *controller, double x, double y, ElWindow *self)
{
  activity_cb (self);
}

static void
auto_lock_setting_changed_cb (ElWindow *self)
{
  rearm_idle (self);
}

/* The desktop locked (GNOME's or freedesktop's screensaver, or logind asking sessions to lock). */
static void
desktop_signal_cb (GDBusConnection *connection,
                   const char *sender,
                   const char *path,
                   const char *interface,
                   const char *signal,
                   GVariant *parameters,
                   gpointer user_data)
{
  ElWindow *self = user_data;

  if (g_str_equal (signal, "ActiveChanged"))
    {
      gboolean active = FALSE;

      if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
        return;
      g_variant_get (parameters, "(b)", &active);
      if (!active)
        return;
    }
  g_debug ("the desktop is locking (%s.%s)", interface, signal);
  el_window_lock (self);
}

static void
session_bus_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    return;
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->hidden_windows == NULL)
    {
      g_object_unref (bus);
      return;
    }
  self->session_bus = bus;
  self->screensaver_gnome_sub =
      g_dbus_connection_signal_subscribe (bus, NULL, "org.gnome.ScreenSaver", "ActiveChanged", NULL, NULL,
                                          G_DBUS_SIGNAL_FLAGS_NONE, desktop_signal_cb, self, NULL);
  self->screensaver_fdo_sub =
      g_dbus_connection_signal_subscribe (bus, NULL, "org.freedesktop.ScreenSaver", "ActiveChanged", NULL,
                                          NULL, G_DBUS_SIGNAL_FLAGS_NONE, desktop_signal_cb, self, NULL);
}

static void
system_bus_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    return;
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->hidden_windows == NULL)
    {
      g_object_unref (bus);
      return;
    }
  self->system_bus = bus;
  self->logind_sub = g_dbus_connection_signal_subscribe (
      bus, "org.freedesktop.login1", "org.freedesktop.login1.Session", "Lock", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, desktop_signal_cb, self, NULL);
}

/* ---- GObject ------------------------------------------------------------------------------------- */

static gboolean
el_window_close_request (GtkWindow *window)
{
  ElWindow *self = EL_WINDOW (window);

  el_window_save_state (self);
  end_session (self);

  return GTK_WINDOW_CLASS (el_window_parent_class)->close_request (window);
}

static void
el_window_constructed (GObject *object)
{
  ElWindow *self = EL_WINDOW (object);

  G_OBJECT_CLASS (el_window_parent_class)->constructed (object);

  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_data_dir (), "eclipselink", NULL);
  update_actions (self);
  start (self);
}

static void
el_window_dispose (GObject *object)
{
  ElWindow *self = EL_WINDOW (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->session_bus != NULL)
    {
      g_dbus_connection_signal_unsubscribe (self->session_bus, self->screensaver_gnome_sub);
      g_dbus_connection_signal_unsubscribe (self->session_bus, self->screensaver_fdo_sub);
    }
  if (self->system_bus != NULL)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->logind_sub);
  g_clear_object (&self->session_bus);
  g_clear_object (&self->system_bus);
  if (self->context != NULL)
    end_session (self);
  g_clear_pointer (&self->hidden_windows, g_ptr_array_unref);
  self->sign_in_page = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (el_window_parent_class)->dispose (object);
}

static void
el_window_finalize (GObject *object)
{
  ElWindow *self = EL_WINDOW (object);

  g_free (self->data_dir);
  g_free (self->record_source);
  g_free (self->patient_id);
  g_free (self->handoff_id);
  G_OBJECT_CLASS (el_window_parent_class)->finalize (object);
}

static void
el_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElWindow *self = EL_WINDOW (object);

  switch (prop_id)
    {
      case PROP_DATA_DIR:
        g_value_set_string (value, self->data_dir);
        break;
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_LOCKED:
        g_value_set_boolean (value, self->locked);
        break;
      case PROP_PAGE:
        g_value_set_string (value, el_window_get_page (self));
        break;
      case PROP_AUTO_LOCK_SECONDS:
        g_value_set_uint (value, self->auto_lock_seconds);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElWindow *self = EL_WINDOW (object);

  switch (prop_id)
    {
      case PROP_DATA_DIR:
        self->data_dir = g_value_dup_string (value);
        break;
      case PROP_AUTO_LOCK_SECONDS:
        el_window_set_auto_lock_seconds (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_window_class_init (ElWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = el_window_constructed;
  object_class->dispose = el_window_dispose;
  object_class->finalize = el_window_finalize;
  object_class->get_property = el_window_get_property;
  object_class->set_property = el_window_set_property;
  window_class->close_request = el_window_close_request;

  properties[PROP_DATA_DIR] = g_param_spec_string (
      "data-dir", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCKED] =
      g_param_spec_boolean ("locked", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE] =
      g_param_spec_string ("page", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_LOCK_SECONDS] =
      g_param_spec_uint ("auto-lock-seconds", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (EL_TYPE_LOCK_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ElWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ElWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ElWindow, sign_in_bin);
  gtk_widget_class_bind_template_child (widget_class, ElWindow, main_bin);
  gtk_widget_class_bind_template_child (widget_class, ElWindow, lock_page);
  gtk_widget_class_bind_template_child (widget_class, ElWindow, primary_menu);
  gtk_widget_class_bind_template_callback (widget_class, unlocked_cb);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_activated);
  gtk_widget_class_install_action (widget_class, "win.switch-nurse", NULL, switch_nurse_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
  gtk_widget_class_install_action (widget_class, "win.record", NULL, record_activated);
  gtk_widget_class_install_action (widget_class, "win.print", "s", print_activated);
  gtk_widget_class_install_action (widget_class, "win.export-pdf", "s", print_activated);
  gtk_widget_class_install_action (widget_class, "win.train-voice", NULL, train_voice_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print", "s",
                                       "patient");
}

static void
el_window_init (ElWindow *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->last_activity = g_get_monotonic_time ();
  g_signal_connect_object (self->settings, "changed::auto-lock-minutes",
                           G_CALLBACK (auto_lock_setting_changed_cb), self, G_CONNECT_SWAPPED);
  el_window_restore_state (self);

  /* any input counts as activity; seen in the capture phase, never consumed */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "pressed", G_CALLBACK (activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "scroll-begin", G_CALLBACK (activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_bus_get (G_BUS_TYPE_SESSION, NULL, session_bus_cb, g_object_ref (self));
  g_bus_get (G_BUS_TYPE_SYSTEM, NULL, system_bus_cb, g_object_ref (self));
}

ElWindow *
el_window_new (ElApplication *application)
{
  return el_window_new_with_data_dir (application, NULL);
}

ElWindow *
el_window_new_with_data_dir (ElApplication *application, const char *data_dir)
{
  g_return_val_if_fail (EL_IS_APPLICATION (application), NULL);

  return g_object_new (EL_TYPE_WINDOW, "application", application, "data-dir", data_dir, NULL);
}

ElContext *
el_window_get_context (ElWindow *self)
{
  g_return_val_if_fail (EL_IS_WINDOW (self), NULL);
  return self->context;
}

gboolean
el_window_get_locked (ElWindow *self)
{
  g_return_val_if_fail (EL_IS_WINDOW (self), FALSE);
  return self->locked;
}

const char *
el_window_get_page (ElWindow *self)
{
  g_return_val_if_fail (EL_IS_WINDOW (self), NULL);
  return self->stack != NULL ? gtk_stack_get_visible_child_name (self->stack) : NULL;
}

void
el_window_set_auto_lock_seconds (ElWindow *self, guint seconds)
{
  g_return_if_fail (EL_IS_WINDOW (self));

  if (self->auto_lock_seconds == seconds)
    return;
  self->auto_lock_seconds = seconds;
  rearm_idle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_LOCK_SECONDS]);
}

GtkWidget *
el_window_get_census_panel (ElWindow *self)
{
  return self->census_panel;
}

GtkWidget *
el_window_get_patient_pane (ElWindow *self)
{
  return self->patient_pane;
}

GtkWidget *
el_window_get_editor (ElWindow *self)
{
  return self->editor;
}

GtkWidget *
el_window_get_history (ElWindow *self)
{
  return self->history;
}

void
el_window_set_record_source (ElWindow *self, const char *source_description)
{
  g_return_if_fail (EL_IS_WINDOW (self));
  g_free (self->record_source);
  self->record_source = g_strdup (source_description);
}

GtkWidget *
el_window_get_record_view (ElWindow *self)
{
  return self->record_view;
}

GtkWidget *
el_window_get_sign_in_page (ElWindow *self)
{
  return GTK_WIDGET (self->sign_in_page);
}

GtkWidget *
el_window_get_lock_page (ElWindow *self)
{
  return GTK_WIDGET (self->lock_page);
}
