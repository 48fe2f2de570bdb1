/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-api-client.h"
#include "el-drafter.h"
#include "el-secrets.h"
#include "el-store.h"
#include "el-sync.h"
#include "el-user.h"

G_BEGIN_DECLS

/*
 * ElContext: the core services of one server and, once signed in, of one account — made here and
 * handed to each other (never globals). The app's window and `eclipselink-cli` get one ElContext
 * and reach every service through it.
 *
 *   server URL, data dir ──> ElContext
 *                              ├─ ElSecrets               (the keyring items of this server)
 *                              ├─ ElApiClient             (its token store: ElApiSecretsTokenStore
 *                              │                           on the ElSecrets above)
 *                              ├─ ElStore   (after open)  el_store_path_for_account (data dir,
 *                              │                           server URL, account), sealed with a vault
 *                              │                           on the account's data key (keyring)
 *                              └─ ElSync    (after open)  on the ElStore and the ElApiClient
 *
 * Lifecycle:
 * - el_context_new(): ElSecrets and ElApiClient exist at once; nothing is signed in, no cache open.
 * - el_context_sign_in_async(): POST login (the refresh token reaches the keyring before the call
 *   completes, see el-api-client.h), then the account's data key is looked up or made in the
 *   keyring, the cache opened (created on first sign-in) and ElSync made. If the key had to be
 *   made while an old cache file exists (the keyring was cleared), that file cannot be read any
 *   more: it is moved aside (el_store_recover_async()) and a fresh cache is created.
 * - el_context_open_async(): the same for an account signed in before, WITHOUT the network: the
 *   data key is only looked up (absent: %EL_CONTEXT_ERROR_NOT_SIGNED_IN). The API session is not
 *   resumed; el_context_resume_async() does that (POST refresh with the keyring's token) when a
 *   command needs the server. A nurse can read and edit offline with just open.
 * - el_context_sign_out_async(): refuses with %EL_CONTEXT_ERROR_PENDING_CHANGES while the outbox
 *   holds ops in any state (pending, in flight, needs attention, conflict) unless
 *   %EL_CONTEXT_SIGN_OUT_FORCE: signing out deletes the cache (its key leaves the keyring, so the
 *   file would be unreadable anyway), and with it every change not yet on the server. Then: the
 *   server is told (best effort: a session is resumed first when none is active), both keyring
 *   items of the account (refresh token, data key) are cleared, the store is closed and the cache
 *   file with its -wal and -shm is deleted.
 * - el_context_close_async(): closes the store (checkpointing its WAL) and drops ElSync; the
 *   keyring keeps everything, a later open finds it again.
 *
 * The account is the user's e-mail address in lower case (the keyring's and the cache file's
 * canonical spelling). Every call is an _async/_finish pair completing in the thread-default main
 * context of el_context_new()'s caller; calls on one context must not overlap (the caller
 * sequences them). Errors are those of the services (EL_API_ERROR, EL_SECRETS_ERROR,
 * EL_STORE_ERROR, EL_SYNC_ERROR) or EL_CONTEXT_ERROR; none contains a secret or PHI.
 */

#define EL_CONTEXT_ERROR (el_context_error_quark ())

/**
 * ElContextError:
 * @EL_CONTEXT_ERROR_INVALID_ARGUMENT: an unusable server URL, data dir or account
 * @EL_CONTEXT_ERROR_NOT_SIGNED_IN: the keyring holds no data key for the account (never signed in
 *   here, or signed out)
 * @EL_CONTEXT_ERROR_NOT_OPEN: the call needs an open cache (sign in or open first)
 * @EL_CONTEXT_ERROR_PENDING_CHANGES: sign-out refused: the outbox holds ops
 * @EL_CONTEXT_ERROR_FAILED: anything else (e.g. the cache file could not be deleted)
 * @EL_CONTEXT_ERROR_WRONG_PASSWORD: the password does not match the offline session
 */
typedef enum
{
  EL_CONTEXT_ERROR_INVALID_ARGUMENT,
  EL_CONTEXT_ERROR_NOT_SIGNED_IN,
  EL_CONTEXT_ERROR_NOT_OPEN,
  EL_CONTEXT_ERROR_PENDING_CHANGES,
  EL_CONTEXT_ERROR_FAILED,
  EL_CONTEXT_ERROR_WRONG_PASSWORD,
} ElContextError;

GQuark el_context_error_quark (void);

/**
 * ElContextSignOutFlags:
 * @EL_CONTEXT_SIGN_OUT_NONE: refuse while the outbox holds ops
 * @EL_CONTEXT_SIGN_OUT_FORCE: sign out anyway (unsynced changes are lost)
 */
typedef enum
{
  EL_CONTEXT_SIGN_OUT_NONE = 0,
  EL_CONTEXT_SIGN_OUT_FORCE = 1 << 0,
} ElContextSignOutFlags;

#define EL_TYPE_CONTEXT (el_context_get_type ())
G_DECLARE_FINAL_TYPE (ElContext, el_context, EL, CONTEXT, GObject)

/*
 * Properties (read-only but the two construct-only ones; notify on change):
 *   server-url  (string, construct-only)  "http://127.0.0.1:8080", no trailing '/'
 *   data-dir    (string, construct-only)  where cache files live (created 0700 when needed)
 *   account     (string)                  the open account, or NULL
 *   secrets     (ElSecrets)
 *   api-client  (ElApiClient)
 *   store       (ElStore)                 NULL until open / sign-in, and after close / sign-out
 *   sync        (ElSync)                  likewise
 */

/* A bad URL (not http/https) or an empty data dir: %EL_CONTEXT_ERROR_INVALID_ARGUMENT. */
ElContext *el_context_new (const char *server_url, const char *data_dir, GError **error);

const char *el_context_get_server_url (ElContext *self);
const char *el_context_get_data_dir (ElContext *self);
const char *el_context_get_account (ElContext *self); /* (nullable) */
ElSecrets *el_context_get_secrets (ElContext *self);
ElApiClient *el_context_get_api_client (ElContext *self);
ElStore *el_context_get_store (ElContext *self); /* (nullable) */
ElSync *el_context_get_sync (ElContext *self);   /* (nullable) */
/* The signed-in user (property "user"): set by sign in, resume and open-offline (from the keyring's
 * offline session), cleared by close and sign-out. (nullable) (transfer none) */
ElUser *el_context_get_user (ElContext *self);

/* Pure: the lower-case account name of @email (NULL when it is not an e-mail address). */
char *el_context_canonical_account (const char *email);

/* Sign in with a password and open the account's cache. Bad e-mail or password (the same for an
 * unknown account): %EL_API_ERROR_INVALID_CREDENTIALS. Returns (transfer full) the user.
 * @lost_ops: (out) (optional): ops lost when an unreadable old cache was moved aside, else 0. */
void el_context_sign_in_async (ElContext *self,
                               const char *email,
                               const char *password,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
ElUser *el_context_sign_in_finish (ElContext *self, GAsyncResult *result, int *lost_ops, GError **error);

/* Open @account's cache offline (data key from the keyring; nothing sent). */
void el_context_open_async (ElContext *self,
                            const char *account,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean el_context_open_finish (ElContext *self, GAsyncResult *result, GError **error);

/* Resume the API session of the open account from the keyring's refresh token (network).
 * Nothing stored or refused: %EL_API_ERROR_UNAUTHORIZED. Returns (transfer full) the user. */
void el_context_resume_async (ElContext *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
ElUser *el_context_resume_finish (ElContext *self, GAsyncResult *result, GError **error);

/* ---- Without the server: the offline session ----
 * Every online sign-in keeps an *offline session* in the keyring (kind "offline-session"): an
 * Argon2id hash of the password (the server's parameters) and the user's profile. With it a nurse
 * whose PC cannot reach the server opens her own cache with her password, and a locked window
 * unlocks without the network. Sign-out and forget-account clear it with the account's other
 * items. Nothing else is kept: no password, no token, in any file. */

/* Whether @email has an offline session on this computer (FALSE, no error, when not). */
void el_context_has_offline_session_async (ElContext *self,
                                           const char *email,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
gboolean el_context_has_offline_session_finish (ElContext *self, GAsyncResult *result, GError **error);

/* Checks @password against the offline session, then opens the cache like el_context_open_async()
 * and sets the user. No session: %EL_CONTEXT_ERROR_NOT_SIGNED_IN; wrong password:
 * %EL_CONTEXT_ERROR_WRONG_PASSWORD. Returns (transfer full) the user. */
void el_context_open_offline_async (ElContext *self,
                                    const char *email,
                                    const char *password,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
ElUser *el_context_open_offline_finish (ElContext *self, GAsyncResult *result, GError **error);

/* Checks @password for the open account (unlocking): TRUE, or FALSE with
 * %EL_CONTEXT_ERROR_WRONG_PASSWORD (or NOT_OPEN / NOT_SIGNED_IN / a keyring error). */
void el_context_verify_password_async (ElContext *self,
                                       const char *password,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean el_context_verify_password_finish (ElContext *self, GAsyncResult *result, GError **error);

/* Sign the open account out (see above). @server_told: (out) (optional): whether the server
 * revoked the session (FALSE when offline: the local part happened anyway). */
void el_context_sign_out_async (ElContext *self,
                                ElContextSignOutFlags flags,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean
el_context_sign_out_finish (ElContext *self, GAsyncResult *result, gboolean *server_told, GError **error);

/* The recovery path for a cache that does not open (damaged, wrong key, no key): clears @account's
 * keyring items and deletes its cache files without opening them, and without asking the server
 * (nothing the server could be told is known). Closes the context's cache first if it is
 * @account's. Unsynced changes in the file are lost. */
void el_context_forget_account_async (ElContext *self,
                                      const char *account,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean el_context_forget_account_finish (ElContext *self, GAsyncResult *result, GError **error);

/* Close the cache and drop ElSync (no-op when nothing is open). */
void el_context_close_async (ElContext *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean el_context_close_finish (ElContext *self, GAsyncResult *result, GError **error);

/* ---- Recordings (after sign-in or open) ----
 * Sealed recordings of the open account live in el_context_get_recordings_dir() (ElRecorder's
 * directory), sealed with el_context_get_audio_vault(). el_context_submit_recording_async() hands a
 * stopped recording over: with an ElDrafter set and @mode ON_DEVICE (or AUTO while the API client
 * is offline) the draft is made on this PC first and saved as a local version with source
 * "on-device" (the outbox's sbar.create); then, always, a `recording.upload` op is queued so the
 * audio reaches the server when it can. A failed on-device draft does not fail the call: the upload
 * is queued and the drafting error is returned in @draft_error. */
typedef enum
{
  EL_TRANSCRIPTION_MODE_AUTO,      /* the server; on this PC while the server cannot be reached, or
                                    * when the drafter uses the nurse's voice profile */
  EL_TRANSCRIPTION_MODE_SERVER,    /* always the server (the draft waits for the connection) */
  EL_TRANSCRIPTION_MODE_ON_DEVICE, /* always on this PC; the audio is still uploaded */
} ElTranscriptionMode;

ElVault *el_context_get_audio_vault (ElContext *self);       /* (nullable) */
const char *el_context_get_recordings_dir (ElContext *self); /* (nullable) */
void el_context_set_drafter (ElContext *self, ElDrafter *drafter);
ElDrafter *el_context_get_drafter (ElContext *self); /* (nullable) */
/* Sets a drafter made from the environment's engines (el-speech-engines.h) and the open account's
 * voice profile, unless one is set; with SPEECH_ENGINE=none none is set (TRUE). An error names
 * what is missing. After el_context_enroll_voice_async() such a drafter is remade. */
gboolean el_context_ensure_drafter (ElContext *self, GError **error);
void el_context_submit_recording_async (ElContext *self,
                                        const char *handoff_id,
                                        const char *recording_id,
                                        const char *path,
                                        ElTranscriptionMode mode,
                                        int base_version,
                                        const char *author_id,
                                        const char *author_name,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean el_context_submit_recording_finish (
    ElContext *self, GAsyncResult *result, ElExtraction **draft, GError **draft_error, GError **error);

/* ---- The speaker's voice profile (after sign-in or open) ----
 * The offline recogniser adapted to the signed-in nurse's voice (el-voice-profile.h), kept on this
 * PC beside her cache (el_context_get_voice_profile_dir(); unlike her cache and recordings it stays
 * at sign-out: it holds no audio and no patient data, and she need not read the texts again). el_context_enroll_voice_async() builds it from sealed recordings made
 * with ElRecorder in el_context_get_recordings_dir() (@paths and @recording_ids, pairwise) of the
 * @texts she read: they are decrypted in memory only, and deleted once the profile is built. The
 * drafter for on-device drafts should be made with el_speech_engines_new_transcriber_for_speaker
 * (el_context_get_voice_profile_dir ()). */
const char *el_context_get_voice_profile_dir (ElContext *self); /* (nullable) */
gboolean el_context_has_voice_profile (ElContext *self);
void el_context_enroll_voice_async (ElContext *self,
                                    const char *const *paths,
                                    const char *const *recording_ids,
                                    const char *const *texts,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean el_context_enroll_voice_finish (ElContext *self, GAsyncResult *result, GError **error);

/* ---- Learning her voice from her handoffs (after sign-in or open) ----
 * Unsupervised adaptation, for a nurse who has not read the enrollment texts: while she has no
 * voice profile on this PC and the drafter is the offline engine's (el_context_ensure_drafter(); with
 * another engine, or none, the call does nothing), el_context_learn_voice_async() takes a recording she made here (sealed,
 * in el_context_get_recordings_dir()), has the stock model transcribe it on a worker (one
 * processor; a recording this context has just drafted on this PC with the stock model is not
 * decoded again: what the draft heard is used), and keeps what was heard sealed with the audio key beside the profile
 * (<cache>.voice.learn/<recording id>.heard, deleted at sign-out with the recordings). Once the
 * recordings heard add up to el_context_set_voice_learning_seconds() of audio (default 240 s), the
 * profile is built from them, their texts being what was recognised, in a folder held in memory
 * (el_voice_profile_build_installed() with @phi: no feature or text reaches a disk; without such a folder
 * the call fails and nothing is built), and the sidecars are deleted. @built: whether this call
 * built it; then the drafter is remade and "voice-profile-changed" is emitted. With a profile
 * present it does nothing. */
void el_context_learn_voice_async (ElContext *self,
                                   const char *recording_id,
                                   const char *path,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean
el_context_learn_voice_finish (ElContext *self, GAsyncResult *result, gboolean *built, GError **error);
void el_context_set_voice_learning_seconds (ElContext *self, guint seconds);

/* ---- Sign and acknowledge (after sign-in or open) ----
 * el_context_sign_async(): the outgoing nurse signs SBAR @version of @handoff_id, re-entering her
 * @password. Online (and no change of this handoff waiting in the outbox): POST …/sign at once; the
 * server's Handoff (status signed) is stored in the cache like a pulled change. A wrong password:
 * %EL_API_ERROR_INVALID_CREDENTIALS; someone saved a newer version: %EL_API_ERROR_CONFLICT (problem
 * code version_conflict); not ready (or already signed): %EL_API_ERROR_CONFLICT (invalid_transition).
 * Offline, when the server cannot be reached, or behind waiting changes: the password is checked
 * against the offline session (%EL_CONTEXT_ERROR_WRONG_PASSWORD), the cached handoff is marked signed
 * by the user now (el_store_enqueue_handoff_change_async()), a `handoff.sign` op with payload
 * {"version": N} is queued, and the password waits in the keyring (ElSecretKind "pending-signature",
 * item = the op id) — never in the cache or any file. ElSync adds it to the body in memory when it
 * sends the op and clears the item when the op is done, discarded, or refused with 403
 * invalid_credentials (the op then needs attention: "sign again").
 * el_context_acknowledge_async(): the receiving nurse acknowledges @version with the read-back
 * confirmed and an optional @readback_note; the same online/offline shape without a password (POST
 * …/acknowledge, or a `handoff.acknowledge` op with {version, readback_confirmed, readback_note}).
 * The signer cannot acknowledge (%EL_CONTEXT_ERROR_INVALID_ARGUMENT offline; 403 online). An
 * acknowledged handoff is locked: later saves are refused (423, needs attention).
 * Both return (transfer full) the handoff as it now is; @queued: (out) (optional): TRUE when the
 * change waits on this PC for the server. */
void el_context_sign_async (ElContext *self,
                            const char *handoff_id,
                            int version,
                            const char *password,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
ElHandoff *el_context_sign_finish (ElContext *self, GAsyncResult *result, gboolean *queued, GError **error);
void el_context_acknowledge_async (ElContext *self,
                                   const char *handoff_id,
                                   int version,
                                   const char *readback_note,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
ElHandoff *
el_context_acknowledge_finish (ElContext *self, GAsyncResult *result, gboolean *queued, GError **error);

G_END_DECLS
