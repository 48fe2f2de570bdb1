/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The enumerations of the data model. Each has a #GType (its #GEnumValue nicks are the JSON
 * strings), a `*_to_string()` that returns the JSON string (%NULL for a value outside the enum) and a
 * `*_from_string()` that accepts exactly the JSON strings.
 */

/**
 * ElRole:
 * @EL_ROLE_NURSE: `"nurse"`
 * @EL_ROLE_CHARGE_NURSE: `"charge_nurse"`
 * @EL_ROLE_ADMIN: `"admin"`
 *
 * Values of User.role.
 */
typedef enum
{
  EL_ROLE_NURSE,
  EL_ROLE_CHARGE_NURSE,
  EL_ROLE_ADMIN,
} ElRole;

#define EL_TYPE_ROLE (el_role_get_type ())
GType el_role_get_type (void) G_GNUC_CONST;
const char *el_role_to_string (ElRole value);
gboolean el_role_from_string (const char *str, ElRole *out);

/**
 * ElSex:
 * @EL_SEX_FEMALE: `"female"`
 * @EL_SEX_MALE: `"male"`
 * @EL_SEX_OTHER: `"other"`
 * @EL_SEX_UNKNOWN: `"unknown"`
 *
 * Values of Patient.sex.
 */
typedef enum
{
  EL_SEX_FEMALE,
  EL_SEX_MALE,
  EL_SEX_OTHER,
  EL_SEX_UNKNOWN,
} ElSex;

#define EL_TYPE_SEX (el_sex_get_type ())
GType el_sex_get_type (void) G_GNUC_CONST;
const char *el_sex_to_string (ElSex value);
gboolean el_sex_from_string (const char *str, ElSex *out);

/**
 * ElCodeStatus:
 * @EL_CODE_STATUS_FULL_CODE: `"full_code"`
 * @EL_CODE_STATUS_DNR: `"dnr"`
 * @EL_CODE_STATUS_DNR_DNI: `"dnr_dni"`
 * @EL_CODE_STATUS_DNI: `"dni"`
 * @EL_CODE_STATUS_COMFORT_CARE: `"comfort_care"`
 *
 * Values of Patient.code_status and the SBAR field code_status.
 */
typedef enum
{
  EL_CODE_STATUS_FULL_CODE,
  EL_CODE_STATUS_DNR,
  EL_CODE_STATUS_DNR_DNI,
  EL_CODE_STATUS_DNI,
  EL_CODE_STATUS_COMFORT_CARE,
} ElCodeStatus;

#define EL_TYPE_CODE_STATUS (el_code_status_get_type ())
GType el_code_status_get_type (void) G_GNUC_CONST;
const char *el_code_status_to_string (ElCodeStatus value);
gboolean el_code_status_from_string (const char *str, ElCodeStatus *out);

/**
 * ElIsolation:
 * @EL_ISOLATION_NONE: `"none"`
 * @EL_ISOLATION_CONTACT: `"contact"`
 * @EL_ISOLATION_CONTACT_PLUS: `"contact_plus"`
 * @EL_ISOLATION_DROPLET: `"droplet"`
 * @EL_ISOLATION_AIRBORNE: `"airborne"`
 * @EL_ISOLATION_NEUTROPENIC: `"neutropenic"`
 *
 * Values of Patient.isolation and the SBAR field isolation.
 */
typedef enum
{
  EL_ISOLATION_NONE,
  EL_ISOLATION_CONTACT,
  EL_ISOLATION_CONTACT_PLUS,
  EL_ISOLATION_DROPLET,
  EL_ISOLATION_AIRBORNE,
  EL_ISOLATION_NEUTROPENIC,
} ElIsolation;

#define EL_TYPE_ISOLATION (el_isolation_get_type ())
GType el_isolation_get_type (void) G_GNUC_CONST;
const char *el_isolation_to_string (ElIsolation value);
gboolean el_isolation_from_string (const char *str, ElIsolation *out);

/**
 * ElFallRisk:
 * @EL_FALL_RISK_LOW: `"low"`
 * @EL_FALL_RISK_MODERATE: `"moderate"`
 * @EL_FALL_RISK_HIGH: `"high"`
 *
 * Values of Patient.fall_risk and the SBAR field fall_risk.
 */
typedef enum
{
  EL_FALL_RISK_LOW,
  EL_FALL_RISK_MODERATE,
  EL_FALL_RISK_HIGH,
} ElFallRisk;

#define EL_TYPE_FALL_RISK (el_fall_risk_get_type ())
GType el_fall_risk_get_type (void) G_GNUC_CONST;
const char *el_fall_risk_to_string (ElFallRisk value);
gboolean el_fall_risk_from_string (const char *str, ElFallRisk *out);

/**
 * ElIllnessSeverity:
 * @EL_ILLNESS_SEVERITY_STABLE: `"stable"`
 * @EL_ILLNESS_SEVERITY_WATCHER: `"watcher"`
 * @EL_ILLNESS_SEVERITY_UNSTABLE: `"unstable"`
 *
 * Values of the SBAR field illness_severity.
 */
typedef enum
{
  EL_ILLNESS_SEVERITY_STABLE,
  EL_ILLNESS_SEVERITY_WATCHER,
  EL_ILLNESS_SEVERITY_UNSTABLE,
} ElIllnessSeverity;

#define EL_TYPE_ILLNESS_SEVERITY (el_illness_severity_get_type ())
GType el_illness_severity_get_type (void) G_GNUC_CONST;
const char *el_illness_severity_to_string (ElIllnessSeverity value);
gboolean el_illness_severity_from_string (const char *str, ElIllnessSeverity *out);

/**
 * ElHandoffStatus:
 * @EL_HANDOFF_STATUS_DRAFT: `"draft"`
 * @EL_HANDOFF_STATUS_PROCESSING: `"processing"`
 * @EL_HANDOFF_STATUS_READY: `"ready"`
 * @EL_HANDOFF_STATUS_SIGNED: `"signed"`
 * @EL_HANDOFF_STATUS_ACKNOWLEDGED: `"acknowledged"`
 * @EL_HANDOFF_STATUS_FAILED: `"failed"`
 * @EL_HANDOFF_STATUS_CANCELLED: `"cancelled"`
 *
 * Values of Handoff.status and Patient.handoff_status; see el_handoff_status_can_transition().
 */
typedef enum
{
  EL_HANDOFF_STATUS_DRAFT,
  EL_HANDOFF_STATUS_PROCESSING,
  EL_HANDOFF_STATUS_READY,
  EL_HANDOFF_STATUS_SIGNED,
  EL_HANDOFF_STATUS_ACKNOWLEDGED,
  EL_HANDOFF_STATUS_FAILED,
  EL_HANDOFF_STATUS_CANCELLED,
} ElHandoffStatus;

#define EL_TYPE_HANDOFF_STATUS (el_handoff_status_get_type ())
GType el_handoff_status_get_type (void) G_GNUC_CONST;
const char *el_handoff_status_to_string (ElHandoffStatus value);
gboolean el_handoff_status_from_string (const char *str, ElHandoffStatus *out);

/**
 * ElShift:
 * @EL_SHIFT_DAY: `"day"`
 * @EL_SHIFT_EVENING: `"evening"`
 * @EL_SHIFT_NIGHT: `"night"`
 *
 * Values of Handoff.shift.
 */
typedef enum
{
  EL_SHIFT_DAY,
  EL_SHIFT_EVENING,
  EL_SHIFT_NIGHT,
} ElShift;

#define EL_TYPE_SHIFT (el_shift_get_type ())
GType el_shift_get_type (void) G_GNUC_CONST;
const char *el_shift_to_string (ElShift value);
gboolean el_shift_from_string (const char *str, ElShift *out);

/**
 * ElRecordingStatus:
 * @EL_RECORDING_STATUS_QUEUED: `"queued"`
 * @EL_RECORDING_STATUS_TRANSCRIBING: `"transcribing"`
 * @EL_RECORDING_STATUS_EXTRACTING: `"extracting"`
 * @EL_RECORDING_STATUS_COMPLETED: `"completed"`
 * @EL_RECORDING_STATUS_FAILED: `"failed"`
 *
 * Values of Recording.status.
 */
typedef enum
{
  EL_RECORDING_STATUS_QUEUED,
  EL_RECORDING_STATUS_TRANSCRIBING,
  EL_RECORDING_STATUS_EXTRACTING,
  EL_RECORDING_STATUS_COMPLETED,
  EL_RECORDING_STATUS_FAILED,
} ElRecordingStatus;

#define EL_TYPE_RECORDING_STATUS (el_recording_status_get_type ())
GType el_recording_status_get_type (void) G_GNUC_CONST;
const char *el_recording_status_to_string (ElRecordingStatus value);
gboolean el_recording_status_from_string (const char *str, ElRecordingStatus *out);

/**
 * ElAudioMimeType:
 * @EL_AUDIO_MIME_TYPE_OGG: `"audio/ogg"`
 * @EL_AUDIO_MIME_TYPE_WAV: `"audio/wav"`
 *
 * Values of Recording.mime_type.
 */
typedef enum
{
  EL_AUDIO_MIME_TYPE_OGG,
  EL_AUDIO_MIME_TYPE_WAV,
} ElAudioMimeType;

#define EL_TYPE_AUDIO_MIME_TYPE (el_audio_mime_type_get_type ())
GType el_audio_mime_type_get_type (void) G_GNUC_CONST;
const char *el_audio_mime_type_to_string (ElAudioMimeType value);
gboolean el_audio_mime_type_from_string (const char *str, ElAudioMimeType *out);

/**
 * ElSbarSource:
 * @EL_SBAR_SOURCE_AI: `"ai"`
 * @EL_SBAR_SOURCE_NURSE: `"nurse"`
 * @EL_SBAR_SOURCE_ON_DEVICE: `"on-device"`
 *
 * Values of SbarVersion.source.
 */
typedef enum
{
  EL_SBAR_SOURCE_AI,
  EL_SBAR_SOURCE_NURSE,
  EL_SBAR_SOURCE_ON_DEVICE,
} ElSbarSource;

#define EL_TYPE_SBAR_SOURCE (el_sbar_source_get_type ())
GType el_sbar_source_get_type (void) G_GNUC_CONST;
const char *el_sbar_source_to_string (ElSbarSource value);
gboolean el_sbar_source_from_string (const char *str, ElSbarSource *out);

/**
 * ElSbarSection:
 * @EL_SBAR_SECTION_SITUATION: `"situation"`
 * @EL_SBAR_SECTION_BACKGROUND: `"background"`
 * @EL_SBAR_SECTION_ASSESSMENT: `"assessment"`
 * @EL_SBAR_SECTION_RECOMMENDATION: `"recommendation"`
 *
 * Values of the four free-text sections of an SBAR version (the JSON member names).
 */
typedef enum
{
  EL_SBAR_SECTION_SITUATION,
  EL_SBAR_SECTION_BACKGROUND,
  EL_SBAR_SECTION_ASSESSMENT,
  EL_SBAR_SECTION_RECOMMENDATION,
} ElSbarSection;

#define EL_TYPE_SBAR_SECTION (el_sbar_section_get_type ())
GType el_sbar_section_get_type (void) G_GNUC_CONST;
const char *el_sbar_section_to_string (ElSbarSection value);
gboolean el_sbar_section_from_string (const char *str, ElSbarSection *out);

/**
 * ElPendingKind:
 * @EL_PENDING_KIND_LAB: `"lab"`
 * @EL_PENDING_KIND_IMAGING: `"imaging"`
 * @EL_PENDING_KIND_CONSULT: `"consult"`
 * @EL_PENDING_KIND_OTHER: `"other"`
 *
 * Values of the kind of an SBAR pending item.
 */
typedef enum
{
  EL_PENDING_KIND_LAB,
  EL_PENDING_KIND_IMAGING,
  EL_PENDING_KIND_CONSULT,
  EL_PENDING_KIND_OTHER,
} ElPendingKind;

#define EL_TYPE_PENDING_KIND (el_pending_kind_get_type ())
GType el_pending_kind_get_type (void) G_GNUC_CONST;
const char *el_pending_kind_to_string (ElPendingKind value);
gboolean el_pending_kind_from_string (const char *str, ElPendingKind *out);

G_END_DECLS
