/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-model-enums.h"
#include "el-json-private.h"

G_DEFINE_ENUM_TYPE (ElRole,
                    el_role,
                    G_DEFINE_ENUM_VALUE (EL_ROLE_NURSE, "nurse"),
                    G_DEFINE_ENUM_VALUE (EL_ROLE_CHARGE_NURSE, "charge_nurse"),
                    G_DEFINE_ENUM_VALUE (EL_ROLE_ADMIN, "admin"))

const char *
el_role_to_string (ElRole value)
{
  return el_enum_to_nick (EL_TYPE_ROLE, (int) value);
}

gboolean
el_role_from_string (const char *str, ElRole *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_ROLE, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElRole) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElSex,
                    el_sex,
                    G_DEFINE_ENUM_VALUE (EL_SEX_FEMALE, "female"),
                    G_DEFINE_ENUM_VALUE (EL_SEX_MALE, "male"),
                    G_DEFINE_ENUM_VALUE (EL_SEX_OTHER, "other"),
                    G_DEFINE_ENUM_VALUE (EL_SEX_UNKNOWN, "unknown"))

const char *
el_sex_to_string (ElSex value)
{
  return el_enum_to_nick (EL_TYPE_SEX, (int) value);
}

gboolean
el_sex_from_string (const char *str, ElSex *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_SEX, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElSex) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElCodeStatus,
                    el_code_status,
                    G_DEFINE_ENUM_VALUE (EL_CODE_STATUS_FULL_CODE, "full_code"),
                    G_DEFINE_ENUM_VALUE (EL_CODE_STATUS_DNR, "dnr"),
                    G_DEFINE_ENUM_VALUE (EL_CODE_STATUS_DNR_DNI, "dnr_dni"),
                    G_DEFINE_ENUM_VALUE (EL_CODE_STATUS_DNI, "dni"),
                    G_DEFINE_ENUM_VALUE (EL_CODE_STATUS_COMFORT_CARE, "comfort_care"))

const char *
el_code_status_to_string (ElCodeStatus value)
{
  return el_enum_to_nick (EL_TYPE_CODE_STATUS, (int) value);
}

gboolean
el_code_status_from_string (const char *str, ElCodeStatus *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_CODE_STATUS, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElCodeStatus) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElIsolation,
                    el_isolation,
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_CONTACT, "contact"),
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_CONTACT_PLUS, "contact_plus"),
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_DROPLET, "droplet"),
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_AIRBORNE, "airborne"),
                    G_DEFINE_ENUM_VALUE (EL_ISOLATION_NEUTROPENIC, "neutropenic"))

const char *
el_isolation_to_string (ElIsolation value)
{
  return el_enum_to_nick (EL_TYPE_ISOLATION, (int) value);
}

gboolean
el_isolation_from_string (const char *str, ElIsolation *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_ISOLATION, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElIsolation) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElFallRisk,
                    el_fall_risk,
                    G_DEFINE_ENUM_VALUE (EL_FALL_RISK_LOW, "low"),
                    G_DEFINE_ENUM_VALUE (EL_FALL_RISK_MODERATE, "moderate"),
                    G_DEFINE_ENUM_VALUE (EL_FALL_RISK_HIGH, "high"))

const char *
el_fall_risk_to_string (ElFallRisk value)
{
  return el_enum_to_nick (EL_TYPE_FALL_RISK, (int) value);
}

gboolean
el_fall_risk_from_string (const char *str, ElFallRisk *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_FALL_RISK, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElFallRisk) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElIllnessSeverity,
                    el_illness_severity,
                    G_DEFINE_ENUM_VALUE (EL_ILLNESS_SEVERITY_STABLE, "stable"),
                    G_DEFINE_ENUM_VALUE (EL_ILLNESS_SEVERITY_WATCHER, "watcher"),
                    G_DEFINE_ENUM_VALUE (EL_ILLNESS_SEVERITY_UNSTABLE, "unstable"))

const char *
el_illness_severity_to_string (ElIllnessSeverity value)
{
  return el_enum_to_nick (EL_TYPE_ILLNESS_SEVERITY, (int) value);
}

gboolean
el_illness_severity_from_string (const char *str, ElIllnessSeverity *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_ILLNESS_SEVERITY, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElIllnessSeverity) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElHandoffStatus,
                    el_handoff_status,
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_DRAFT, "draft"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_PROCESSING, "processing"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_SIGNED, "signed"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_ACKNOWLEDGED, "acknowledged"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (EL_HANDOFF_STATUS_CANCELLED, "cancelled"))

const char *
el_handoff_status_to_string (ElHandoffStatus value)
{
  return el_enum_to_nick (EL_TYPE_HANDOFF_STATUS, (int) value);
}

gboolean
el_handoff_status_from_string (const char *str, ElHandoffStatus *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_HANDOFF_STATUS, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElHandoffStatus) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElShift,
                    el_shift,
                    G_DEFINE_ENUM_VALUE (EL_SHIFT_DAY, "day"),
                    G_DEFINE_ENUM_VALUE (EL_SHIFT_EVENING, "evening"),
                    G_DEFINE_ENUM_VALUE (EL_SHIFT_NIGHT, "night"))

const char *
el_shift_to_string (ElShift value)
{
  return el_enum_to_nick (EL_TYPE_SHIFT, (int) value);
}

gboolean
el_shift_from_string (const char *str, ElShift *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_SHIFT, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElShift) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElRecordingStatus,
                    el_recording_status,
                    G_DEFINE_ENUM_VALUE (EL_RECORDING_STATUS_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDING_STATUS_TRANSCRIBING, "transcribing"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDING_STATUS_EXTRACTING, "extracting"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDING_STATUS_COMPLETED, "completed"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDING_STATUS_FAILED, "failed"))

const char *
el_recording_status_to_string (ElRecordingStatus value)
{
  return el_enum_to_nick (EL_TYPE_RECORDING_STATUS, (int) value);
}

gboolean
el_recording_status_from_string (const char *str, ElRecordingStatus *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_RECORDING_STATUS, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElRecordingStatus) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElAudioMimeType,
                    el_audio_mime_type,
                    G_DEFINE_ENUM_VALUE (EL_AUDIO_MIME_TYPE_OGG, "audio/ogg"),
                    G_DEFINE_ENUM_VALUE (EL_AUDIO_MIME_TYPE_WAV, "audio/wav"))

const char *
el_audio_mime_type_to_string (ElAudioMimeType value)
{
  return el_enum_to_nick (EL_TYPE_AUDIO_MIME_TYPE, (int) value);
}

gboolean
el_audio_mime_type_from_string (const char *str, ElAudioMimeType *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_AUDIO_MIME_TYPE, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElAudioMimeType) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElSbarSource,
                    el_sbar_source,
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SOURCE_AI, "ai"),
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SOURCE_NURSE, "nurse"),
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SOURCE_ON_DEVICE, "on-device"))

const char *
el_sbar_source_to_string (ElSbarSource value)
{
  return el_enum_to_nick (EL_TYPE_SBAR_SOURCE, (int) value);
}

gboolean
el_sbar_source_from_string (const char *str, ElSbarSource *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_SBAR_SOURCE, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElSbarSource) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElSbarSection,
                    el_sbar_section,
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SECTION_SITUATION, "situation"),
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SECTION_BACKGROUND, "background"),
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SECTION_ASSESSMENT, "assessment"),
                    G_DEFINE_ENUM_VALUE (EL_SBAR_SECTION_RECOMMENDATION, "recommendation"))

const char *
el_sbar_section_to_string (ElSbarSection value)
{
  return el_enum_to_nick (EL_TYPE_SBAR_SECTION, (int) value);
}

gboolean
el_sbar_section_from_string (const char *str, ElSbarSection *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_SBAR_SECTION, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElSbarSection) value;
  return TRUE;
}

G_DEFINE_ENUM_TYPE (ElPendingKind,
                    el_pending_kind,
                    G_DEFINE_ENUM_VALUE (EL_PENDING_KIND_LAB, "lab"),
                    G_DEFINE_ENUM_VALUE (EL_PENDING_KIND_IMAGING, "imaging"),
                    G_DEFINE_ENUM_VALUE (EL_PENDING_KIND_CONSULT, "consult"),
                    G_DEFINE_ENUM_VALUE (EL_PENDING_KIND_OTHER, "other"))

const char *
el_pending_kind_to_string (ElPendingKind value)
{
  return el_enum_to_nick (EL_TYPE_PENDING_KIND, (int) value);
}

gboolean
el_pending_kind_from_string (const char *str, ElPendingKind *out)
{
  int value;

  if (!el_enum_from_nick (EL_TYPE_PENDING_KIND, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (ElPendingKind) value;
  return TRUE;
}
