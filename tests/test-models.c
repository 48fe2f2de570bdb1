/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-models.h"

#include <string.h>

/*
 * The documents below are written with single quotes for readability (none of them contains an
 * apostrophe); sq() turns them into JSON. Their members are in the encoder's order and their
 * timestamps canonical, so decoding and encoding one must give the same text back.
 */

#define UUID_USER     "3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90"
#define UUID_USER2    "5b2e7c1a-9f3d-4e8b-a6c2-1d0f8e7b6a51"
#define UUID_UNIT     "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
#define UUID_PATIENT  "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098"
#define UUID_HANDOFF  "c0ffee00-1234-4abc-9def-0123456789ab"
#define UUID_REC      "d15ea5e0-8bad-4f00-b00b-facefeed0001"
#define UUID_VERSION  "0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e01"
#define UUID_VERSION0 "0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e00"

static char *
sq (const char *text)
{
  char *json = g_strdup (text);

  g_strdelimit (json, "'", '"');
  return json;
}

/* The compact form of @text as the encoder would write it (same member order). */
static char *
compact (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return el_json_node_to_data (json_parser_get_root (parser), NULL);
}

static const char user_full[] =
    "{'id':'" UUID_USER "','email':'a.nurse@hospital.example','name':'Alex Nurse',"
    "'role':'charge_nurse','unit_id':'" UUID_UNIT "','created_at':'2026-11-25T07:15:00.000Z'}";
static const char user_minimal[] = "{'id':'" UUID_USER "','email':'a@b','name':'A','role':'nurse'}";

static const char unit_full[] =
    "{'id':'" UUID_UNIT "','name':'Medical-Surgical West','code':'4W','floor':'4',"
    "'bed_count':28}";
static const char unit_minimal[] = "{'id':'" UUID_UNIT "','name':'ICU','code':'ICU','bed_count':0}";

static const char patient_full[] =
    "{'id':'" UUID_PATIENT "','unit_id':'" UUID_UNIT "','mrn':'MRN-004211','given_name':'Maria',"
    "'family_name':'Lopez','date_of_birth':'1958-02-28','sex':'female','room':'412','bed':'B',"
    "'code_status':'dnr_dni','allergies':['penicillin','latex'],'no_known_allergies':false,"
    "'isolation':'contact_plus','acuity':4,'fall_risk':'high','diagnosis':'Sepsis, UTI source',"
    "'attending':'Dr. Okafor','admitted_at':'2026-11-22T18:40:12.345Z','handoff_status':'ready',"
    "'updated_at':'2026-11-25T06:59:59.999Z'}";
static const char patient_minimal[] =
    "{'id':'" UUID_PATIENT "','unit_id':'" UUID_UNIT
    "','mrn':'1','given_name':'J','family_name':'D','date_of_birth':'2000-02-29',"
    "'sex':'unknown','room':'1'}";
static const char patient_nkda[] =
    "{'id':'" UUID_PATIENT "','unit_id':'" UUID_UNIT
    "','mrn':'1','given_name':'J','family_name':'D','date_of_birth':'2000-01-01',"
    "'sex':'other','room':'1','allergies':[],'no_known_allergies':true}";

static const char handoff_full[] =
    "{'id':'" UUID_HANDOFF "','patient_id':'" UUID_PATIENT "','unit_id':'" UUID_UNIT
    "','status':'acknowledged',"
    "'shift_date':'2026-11-25','shift':'night','outgoing_nurse_id':'" UUID_USER
    "','receiving_nurse_id':'" UUID_USER2 "','created_by':'" UUID_USER
    "','created_at':'2026-11-25T06:30:00.000Z','updated_at':'2026-11-25T07:20:00.000Z',"
    "'latest_version':3,'etag':'W/3-abc','signed_by':'" UUID_USER
    "','signed_at':'2026-11-25T07:10:00.000Z','acknowledged_by':'" UUID_USER2
    "','acknowledged_at':'2026-11-25T07:20:00.000Z','readback_note':'Read back: lactate at 14:00.',"
    "'failure_reason':'none'}";
static const char handoff_minimal[] =
    "{'id':'" UUID_HANDOFF "','patient_id':'" UUID_PATIENT "','unit_id':'" UUID_UNIT "','status':'draft',"
    "'shift_date':'2026-11-25','shift':'day','created_by':'" UUID_USER
    "','created_at':'2026-11-25T06:30:00.000Z','updated_at':'2026-11-25T06:30:00.000Z','latest_version':0}";

static const char recording_full[] =
    "{'id':'" UUID_REC "','handoff_id':'" UUID_HANDOFF "','status':'completed','mime_type':'audio/wav',"
    "'duration_ms':44000,'size_bytes':1408044,"
    "'sha256':'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08','engine':'pocketsphinx',"
    "'transcript':'Room four twelve, Maria Lopez. \\u00e9\\n\\ttab \\\"quoted\\\" \\\\ slash',"
    "'words':[{'word':'room','start_ms':0,'end_ms':320,'confidence':0.92},"
    "{'word':'four','start_ms':320,'end_ms':610,'confidence':1}],"
    "'error':'none','created_at':'2026-11-25T07:00:00.000Z','updated_at':'2026-11-25T07:01:30.500Z'}";
static const char recording_minimal[] =
    "{'id':'" UUID_REC "','handoff_id':'" UUID_HANDOFF
    "','status':'queued','mime_type':'audio/ogg','words':[],"
    "'created_at':'2026-11-25T07:00:00.000Z','updated_at':'2026-11-25T07:00:00.000Z'}";

#define SPAN(a, b) "'span':{'start':" #a ",'end':" #b "}"

static const char fields_full[] =
    "{'patient_identifiers':{'name':'Maria Lopez','mrn':'MRN-004211','date_of_birth':'1958-02-28',"
    "'span':{'start':0,'end':30,'audio_start_ms':0,'audio_end_ms':2100,'confidence':0.87}},"
    "'room_bed':{'value':'412B'," SPAN (
        31,
        40) "},"
            "'code_status':{'value':'dnr'," SPAN (
                41,
                44) "},"
                    "'allergies':{'no_known_allergies':false,'items':[{'substance':'penicillin','reaction':'"
                    "hives'," SPAN (45, 60) "},{'substance':'latex'}]," SPAN (
                        45,
                        70) "},"
                            "'isolation':{'value':'contact','detail':'MRSA in wound'," SPAN (
                                71,
                                90) "},"
                                    "'fall_risk':{'value':'moderate'},"
                                    "'illness_severity':{'value':'watcher'," SPAN (
                                        91,
                                        100) "},"
                                             "'diagnosis':{'value':'Sepsis, UTI source'},"
                                             "'history':{'value':'CHF, DM2, CKD stage 3'," SPAN (
                                                 101,
                                                 130) "},"
                                                      "'vitals':{'taken_at':'2026-11-25T06:00:00.000Z',"
                                                      "'temperature_c':{'value':38.4," SPAN (
                                                          131,
                                                          140) "},"
                                                               "'heart_rate':{'value':104},"
                                                               "'respiratory_rate':{'value':22.5},"
                                                               "'blood_pressure':{'systolic':132,'diastolic':"
                                                               "84," SPAN (
                                                                   141,
                                                                   150) "},"
                                                                        "'spo2':{'value':93,'o2_device':'"
                                                                        "nasal "
                                                                        "cannula','o2_flow_l_min':2.5," SPAN (
                                                                            151,
                                                                            160) "},"
                                                                                 "'pain':{'value':3}," SPAN (
                                                                                     131,
                                                                                     170) "},"
                                                                                          "'lines_drains_"
                                                                                          "airways':[{'"
                                                                                          "description':'PIV "
                                                                                          "20g left "
                                                                                          "forearm'},{'"
                                                                                          "description':'"
                                                                                          "Foley'," SPAN (
                                                                                              171,
                                                                                              176) "}],"
                                                                                                   "'infusion"
                                                                                                   "s':[],"
                                                                                                   "'diet':{'"
                                                                                                   "value':'"
                                                                                                   "NPO "
                                                                                                   "after "
                                                                                                   "midnight'"
                                                                                                   "},"
                                                                                                   "'mobility"
                                                                                                   "':{'"
                                                                                                   "value':'"
                                                                                                   "Up with "
                                                                                                   "assist "
                                                                                                   "x1'},"
                                                                                                   "'meds_"
                                                                                                   "due':[{'"
                                                                                                   "name':'"
                                                                                                   "Vancomyci"
                                                                                                   "n','dose'"
                                                                                                   ":'1 "
                                                                                                   "g','"
                                                                                                   "route':'"
                                                                                                   "IV','"
                                                                                                   "time':'"
                                                                                                   "14:00'"
                                                                                                   "," SPAN (
                                                                                                       177,
                                                                                                       200) "},{'name':'Acetaminophen'}],"
                                                                                                            "'pending':[{'kind':'lab','description':'Lactate'},{'kind':'imaging','description':'CT abdomen'},"
                                                                                                            "{'kind':'consult','description':'ID'},{'kind':'other','description':'Social work'}],"
                                                                                                            "'todos':[{'description':'Recheck lactate','owner':'night RN','due':'23:59'},{'description':'Call family'}],"
                                                                                                            "'contingencies':[{'if':'MAP below 65','then':'Call rapid response'," SPAN (
                                                                                                                201,
                                                                                                                240) "}],"
                                                                                                                     "'family_discharge':{'value':'Daughter visiting at 18:00'}}";

static const char completeness_full[] =
    "{'score':80.8,'complete':false,'missing':['diet','vitals','vitals.spo2'],"
    "'missing_critical':['vitals']}";
static const char changes_full[] =
    "{'from_version':1,'to_version':2,"
    "'sections':{'situation':[{'op':'replace','at':3,'old':'febrile','new':'afebrile'},"
    "{'op':'insert','at':9,'old':'','new':'now'}],"
    "'recommendation':[{'op':'delete','at':0,'old':'Maybe','new':''}]},"
    "'fields':[{'path':'vitals.heart_rate.value','op':'changed','old':110,'new':104},"
    "{'path':'meds_due[1]','op':'added','new':{'name':'Acetaminophen'}},"
    "{'path':'infusions[0]','op':'removed','old':{'description':'NS at 75'}},"
    "{'path':'diet.value','op':'changed','old':null,'new':[1.5,true,'x']}],"
    "'summary':{'words_inserted':2,'words_deleted':2,'fields_changed':4}}";

static char *
version_full (void)
{
  return g_strconcat ("{'id':'" UUID_VERSION "','handoff_id':'" UUID_HANDOFF "','version':2,"
                      "'previous_version_id':'" UUID_VERSION0 "','author_id':'" UUID_USER
                      "','author_name':'Alex Nurse',"
                      "'source':'nurse','created_at':'2026-11-25T07:05:00.000Z',"
                      "'situation':'67yo F, sepsis, afebrile now.','background':'Admitted 11/22.',"
                      "'assessment':'Improving.','recommendation':'Recheck lactate at 14:00.','fields':",
                      fields_full, ",'completeness':", completeness_full,
                      ",'changes_since_last_version':", changes_full, "}", NULL);
}

static const char version_minimal[] = "{'id':'" UUID_VERSION0 "','handoff_id':'" UUID_HANDOFF
                                      "','version':1,'previous_version_id':null,'author_id':'" UUID_USER
                                      "','source':'ai','created_at':'2026-11-25T07:02:00.000Z','fields':{}}";

static const char create_minimal[] = "{'base_version':0,'source':'on-device','fields':{}}";

static char *
create_full (void)
{
  return g_strconcat ("{'base_version':2,'source':'nurse','situation':'S','background':'B','assessment':'A',"
                      "'recommendation':'R','fields':",
                      fields_full, "}", NULL);
}

/* Round trips */

typedef gpointer (*DecodeFunc) (const char *data, gssize len, GError **error);
typedef char *(*EncodeFunc) (gpointer model, gsize *len);

#define DEFINE_CODEC(name)                                                     \
  static gpointer decode_##name (const char *data, gssize len, GError **error) \
  {                                                                            \
    return el_##name##_new_from_data (data, len, error);                       \
  }                                                                            \
                                                                               \
  static char *encode_##name (gpointer model, gsize *len)                      \
  {                                                                            \
    return el_##name##_to_data (model, len);                                   \
  }

DEFINE_CODEC (user)
DEFINE_CODEC (unit)
DEFINE_CODEC (patient)
DEFINE_CODEC (handoff)
DEFINE_CODEC (recording)
DEFINE_CODEC (sbar_version)

static void
assert_round_trip (const char *document, DecodeFunc decode, EncodeFunc encode)
{
  g_autofree char *json = sq (document);
  g_autofree char *expected = compact (json);
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) model = NULL;
  g_autoptr (GObject) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *encoded_again = NULL;
  gsize len;

  model = decode (json, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  encoded = encode (model, &len);
  g_assert_cmpstr (encoded, ==, expected);
  g_assert_cmpuint (len, ==, strlen (encoded));

  again = decode (encoded, (gssize) len, &error);
  g_assert_no_error (error);
  encoded_again = encode (again, NULL);
  g_assert_cmpstr (encoded_again, ==, expected);
}

static void
test_user_round_trip (void)
{
  assert_round_trip (user_full, decode_user, encode_user);
  assert_round_trip (user_minimal, decode_user, encode_user);
}

static void
test_unit_round_trip (void)
{
  assert_round_trip (unit_full, decode_unit, encode_unit);
  assert_round_trip (unit_minimal, decode_unit, encode_unit);
}

static void
test_patient_round_trip (void)
{
  assert_round_trip (patient_full, decode_patient, encode_patient);
  assert_round_trip (patient_minimal, decode_patient, encode_patient);
  assert_round_trip (patient_nkda, decode_patient, encode_patient);
}

static void
test_handoff_round_trip (void)
{
  assert_round_trip (handoff_full, decode_handoff, encode_handoff);
  assert_round_trip (handoff_minimal, decode_handoff, encode_handoff);
}

static void
test_recording_round_trip (void)
{
  g_autofree char *json = sq (recording_full);
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (GError) error = NULL;

  assert_round_trip (recording_full, decode_recording, encode_recording);
  assert_round_trip (recording_minimal, decode_recording, encode_recording);

  /* Escapes are decoded, and written back the same way. */
  recording = el_recording_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_recording_get_transcript (recording), ==,
                   "Room four twelve, Maria Lopez. \xc3\xa9\n\ttab \"quoted\" \\ slash");
}

static void
test_sbar_version_round_trip (void)
{
  g_autofree char *full = version_full ();

  assert_round_trip (full, decode_sbar_version, encode_sbar_version);
  assert_round_trip (version_minimal, decode_sbar_version, encode_sbar_version);
}

static gpointer
decode_create (const char *data, gssize len, GError **error)
{
  int base_version = -1;
  ElSbarVersion *version = el_sbar_version_create_request_from_data (data, len, &base_version, error);

  if (version != NULL)
    g_object_set_data (G_OBJECT (version), "base-version", GINT_TO_POINTER (base_version));
  return version;
}

static char *
encode_create (gpointer model, gsize *len)
{
  int base_version = GPOINTER_TO_INT (g_object_get_data (model, "base-version"));

  return el_sbar_version_create_request_to_data (model, base_version, len);
}

static void
test_sbar_version_create_round_trip (void)
{
  g_autofree char *full = create_full ();

  assert_round_trip (full, decode_create, encode_create);
  assert_round_trip (create_minimal, decode_create, encode_create);
}

/* A version without completeness and changes writes neither (not even null). */
static void
test_sbar_version_omits_computed (void)
{
  g_autofree char *json = sq (version_minimal);
  g_autoptr (ElSbarVersion) version = el_sbar_version_new_from_data (json, -1, NULL);
  g_autoptr (JsonNode) node = el_sbar_version_to_json (version);
  JsonObject *obj = json_node_get_object (node);

  g_assert_false (json_object_has_member (obj, "completeness"));
  g_assert_false (json_object_has_member (obj, "changes_since_last_version"));
  g_assert_true (json_object_has_member (obj, "previous_version_id"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "previous_version_id")));
  g_assert_true (json_object_has_member (obj, "fields"));
}

/* Round trips through JsonNode too: to_json gives a tree json_node_equal() to the input. */
static void
test_json_nodes (void)
{
  g_autofree char *full = version_full ();
  g_autofree char *json = sq (full);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  version = el_sbar_version_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  node = el_sbar_version_to_json (version);
  g_assert_true (json_node_equal (node, json_parser_get_root (parser)));
}

/* Enums */

typedef struct
{
  GType (*get_type) (void);
  const char *(*to_string) (int value);
  gboolean (*from_string) (const char *str, int *out);
  const char *const *names;
} EnumCase;

#define DEFINE_ENUM_FUNCS(type, Type)                         \
  static const char *type##_to_str (int value)                \
  {                                                           \
    return type##_to_string ((Type) value);                   \
  }                                                           \
                                                              \
  static gboolean type##_from_str (const char *str, int *out) \
  {                                                           \
    Type value;                                               \
                                                              \
    if (!type##_from_string (str, &value))                    \
      return FALSE;                                           \
    *out = (int) value;                                       \
    return TRUE;                                              \
  }

DEFINE_ENUM_FUNCS (el_role, ElRole)
DEFINE_ENUM_FUNCS (el_sex, ElSex)
DEFINE_ENUM_FUNCS (el_code_status, ElCodeStatus)
DEFINE_ENUM_FUNCS (el_isolation, ElIsolation)
DEFINE_ENUM_FUNCS (el_fall_risk, ElFallRisk)
DEFINE_ENUM_FUNCS (el_illness_severity, ElIllnessSeverity)
DEFINE_ENUM_FUNCS (el_handoff_status, ElHandoffStatus)
DEFINE_ENUM_FUNCS (el_shift, ElShift)
DEFINE_ENUM_FUNCS (el_recording_status, ElRecordingStatus)
DEFINE_ENUM_FUNCS (el_audio_mime_type, ElAudioMimeType)
DEFINE_ENUM_FUNCS (el_sbar_source, ElSbarSource)
DEFINE_ENUM_FUNCS (el_sbar_section, ElSbarSection)
DEFINE_ENUM_FUNCS (el_pending_kind, ElPendingKind)

#define ENUM_CASE(type, ...)                                               \
  {                                                                        \
    type##_get_type, type##_to_str, type##_from_str, (const char *const[]) \
    {                                                                      \
      __VA_ARGS__, NULL                                                    \
    }                                                                      \
  }

static void
test_enums (void)
{
  const EnumCase cases[] = {
    ENUM_CASE (el_role, "nurse", "charge_nurse", "admin"),
    ENUM_CASE (el_sex, "female", "male", "other", "unknown"),
    ENUM_CASE (el_code_status, "full_code", "dnr", "dnr_dni", "dni", "comfort_care"),
    ENUM_CASE (el_isolation, "none", "contact", "contact_plus", "droplet", "airborne", "neutropenic"),
    ENUM_CASE (el_fall_risk, "low", "moderate", "high"),
    ENUM_CASE (el_illness_severity, "stable", "watcher", "unstable"),
    ENUM_CASE (el_handoff_status, "draft", "processing", "ready", "signed", "acknowledged", "failed",
               "cancelled"),
    ENUM_CASE (el_shift, "day", "evening", "night"),
    ENUM_CASE (el_recording_status, "queued", "transcribing", "extracting", "completed", "failed"),
    ENUM_CASE (el_audio_mime_type, "audio/ogg", "audio/wav"),
    ENUM_CASE (el_sbar_source, "ai", "nurse", "on-device"),
    ENUM_CASE (el_sbar_section, "situation", "background", "assessment", "recommendation"),
    ENUM_CASE (el_pending_kind, "lab", "imaging", "consult", "other"),
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const EnumCase *test = &cases[c];
      GEnumClass *klass = g_type_class_ref (test->get_type ());
      guint n = g_strv_length ((char **) test->names);
      int value = -1;

      g_assert_true (G_TYPE_IS_ENUM (test->get_type ()));
      g_assert_cmpuint (klass->n_values, ==, n);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpstr (test->to_string ((int) i), ==, test->names[i]);
          g_assert_true (test->from_string (test->names[i], &value));
          g_assert_cmpint (value, ==, (int) i);
          g_assert_cmpstr (g_enum_get_value (klass, (int) i)->value_nick, ==, test->names[i]);
        }
      g_assert_null (test->to_string ((int) n));
      g_assert_null (test->to_string (-1));
      g_assert_false (test->from_string ("", &value));
      g_assert_false (test->from_string (NULL, &value));
      g_assert_false (test->from_string ("Nurse", &value));
      g_assert_false (test->from_string ("unset", &value));
      g_type_class_unref (klass);
    }
}

static void
test_error_enum (void)
{
  static const char *const nicks[] = {
    "malformed", "wrong-type", "missing-field", "out-of-range", "too-long", "invalid-transition",
  };
  GEnumClass *klass = g_type_class_ref (EL_TYPE_MODEL_ERROR);

  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    g_assert_cmpint (g_enum_get_value_by_nick (klass, nicks[i])->value, ==, (int) i);
  g_assert_cmpint (EL_MODEL_ERROR_MALFORMED, ==, 0);
  g_assert_cmpint (EL_MODEL_ERROR_INVALID_TRANSITION, ==, 5);
  g_assert_cmpstr (g_quark_to_string (EL_MODEL_ERROR), ==, "el_model_error_quark");
  g_type_class_unref (klass);
}

/* The handoff state machine */

/* The spec's table, written out independently of the implementation: from -> allowed targets. */
static const char *const legal_transitions[] = {
  "draft>processing",  "draft>ready",
  "draft>cancelled",   "processing>ready",
  "processing>failed", "processing>cancelled",
  "failed>processing", "failed>cancelled",
  "ready>processing",  "ready>signed",
  "ready>cancelled",   "signed>acknowledged",
  "signed>ready",      NULL,
};

static void
test_handoff_transition_table (void)
{
  guint n_legal = 0;

  for (int from = EL_HANDOFF_STATUS_DRAFT; from <= EL_HANDOFF_STATUS_CANCELLED; from++)
    for (int to = EL_HANDOFF_STATUS_DRAFT; to <= EL_HANDOFF_STATUS_CANCELLED; to++)
      {
        g_autofree char *pair =
            g_strdup_printf ("%s>%s", el_handoff_status_to_string (from), el_handoff_status_to_string (to));
        gboolean expected = g_strv_contains (legal_transitions, pair);

        if (g_test_verbose ())
          g_test_message ("%s: %s", pair, expected ? "legal" : "illegal");
        g_assert_cmpint (el_handoff_status_can_transition (from, to), ==, expected);
        n_legal += expected;
      }
  g_assert_cmpuint (n_legal, ==, g_strv_length ((char **) legal_transitions));

  g_assert_true (el_handoff_status_is_final (EL_HANDOFF_STATUS_ACKNOWLEDGED));
  g_assert_true (el_handoff_status_is_final (EL_HANDOFF_STATUS_CANCELLED));
  g_assert_false (el_handoff_status_is_final (EL_HANDOFF_STATUS_SIGNED));
  g_assert_false (el_handoff_status_can_transition (EL_HANDOFF_STATUS_DRAFT, 99));
  g_assert_false (el_handoff_status_can_transition (99, EL_HANDOFF_STATUS_DRAFT));
}

static void
count_notify_cb (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_handoff_transition (void)
{
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 25, 7, 10, 0);
  g_autoptr (GError) error = NULL;
  guint status_notifies = 0;

  g_signal_connect (handoff, "notify::status", G_CALLBACK (count_notify_cb), &status_notifies);
  g_assert_cmpint (el_handoff_get_status (handoff), ==, EL_HANDOFF_STATUS_DRAFT);

  /* draft -> draft is not a transition */
  g_assert_false (el_handoff_transition (handoff, EL_HANDOFF_STATUS_DRAFT, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (el_handoff_transition (handoff, EL_HANDOFF_STATUS_SIGNED, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "draft"));
  g_clear_error (&error);
  g_assert_cmpuint (status_notifies, ==, 0);

  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_PROCESSING, &error));
  g_assert_no_error (error);
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_FAILED, NULL));
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_PROCESSING, NULL));
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_READY, NULL));
  el_handoff_set_signed_by (handoff, UUID_USER);
  el_handoff_set_signed_at (handoff, now);
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_SIGNED, NULL));
  g_assert_cmpuint (status_notifies, ==, 5);

  /* A new version after signing voids the signature. */
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_READY, NULL));
  g_assert_null (el_handoff_get_signed_by (handoff));
  g_assert_null (el_handoff_get_signed_at (handoff));

  el_handoff_set_signed_by (handoff, UUID_USER);
  el_handoff_set_signed_at (handoff, now);
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_SIGNED, NULL));
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_ACKNOWLEDGED, NULL));
  g_assert_cmpstr (el_handoff_get_signed_by (handoff), ==, UUID_USER);

  /* Final */
  for (int to = EL_HANDOFF_STATUS_DRAFT; to <= EL_HANDOFF_STATUS_CANCELLED; to++)
    {
      g_assert_false (el_handoff_transition (handoff, to, &error));
      g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_INVALID_TRANSITION);
      g_clear_error (&error);
    }
  g_assert_cmpint (el_handoff_get_status (handoff), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);

  /* set_status does not check (loading from storage) */
  el_handoff_set_status (handoff, EL_HANDOFF_STATUS_DRAFT);
  g_assert_cmpint (el_handoff_get_status (handoff), ==, EL_HANDOFF_STATUS_DRAFT);
}

static void
assert_decode_error (const char *document, DecodeFunc decode, ElModelError code, const char *path)
{
  g_autofree char *json = sq (document);
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) model = decode (json, -1, &error);

  g_assert_null (model);
  g_assert_error (error, EL_MODEL_ERROR, (int) code);
  if (path != NULL && !g_str_has_prefix (error->message, path))
    g_error ("expected an error at %s, got: %s", path, error->message);
}

/* Replaces the first occurrence of @from in @text. */
static char *
replace (const char *text, const char *from, const char *to)
{
  const char *at = strstr (text, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

static void
test_handoff_consistency (void)
{
  struct
  {
    const char *remove;
    const char *path;
  } cases[] = {
    { ",'signed_by':'" UUID_USER "'", "signed_by" },
    { ",'signed_at':'2026-11-25T07:10:00.000Z'", "signed_at" },
    { ",'acknowledged_by':'" UUID_USER2 "'", "acknowledged_by" },
    { ",'acknowledged_at':'2026-11-25T07:20:00.000Z'", "acknowledged_at" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *doc = replace (handoff_full, cases[i].remove, "");
      g_autofree char *signed_doc = replace (doc, "'acknowledged'", "'signed'");
      g_autofree char *ready_doc = replace (doc, "'acknowledged'", "'ready'");
      g_autoptr (ElHandoff) ready = NULL;
      g_autofree char *ready_json = sq (ready_doc);

      assert_decode_error (doc, decode_handoff, EL_MODEL_ERROR_MISSING_FIELD, cases[i].path);
      if (i < 2)
        assert_decode_error (signed_doc, decode_handoff, EL_MODEL_ERROR_MISSING_FIELD, cases[i].path);
      else
        {
          g_autofree char *signed_json = sq (signed_doc);
          g_autoptr (ElHandoff) handoff = el_handoff_new_from_data (signed_json, -1, NULL);

          g_assert_nonnull (handoff);
        }
      /* Other statuses do not need them. */
      ready = el_handoff_new_from_data (ready_json, -1, NULL);
      g_assert_nonnull (ready);
    }
}

/* Accessors: models built through the C API encode to the canonical documents. */

static GDateTime *
ts (const char *text)
{
  GDateTime *dt = el_timestamp_parse (text);

  g_assert_nonnull (dt);
  return dt;
}

static void
assert_encodes_to (gpointer model, EncodeFunc encode, const char *document)
{
  g_autofree char *json = sq (document);
  g_autofree char *expected = compact (json);
  g_autofree char *encoded = encode (model, NULL);

  g_assert_cmpstr (encoded, ==, expected);
}

static void
test_user_accessors (void)
{
  g_autoptr (ElUser) user = el_user_new ();
  g_autoptr (GDateTime) created = ts ("2026-11-25T08:15:00+01:00");
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  guint notifies = 0;
  ElRole role;

  g_signal_connect (user, "notify", G_CALLBACK (count_notify_cb), &notifies);
  g_assert_false (el_user_validate (user, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MISSING_FIELD);
  g_clear_error (&error);

  el_user_set_id (user, UUID_USER);
  el_user_set_email (user, "a.nurse@hospital.example");
  g_object_set (user, "name", "Alex Nurse", "role", EL_ROLE_CHARGE_NURSE, "unit-id", UUID_UNIT, NULL);
  el_user_set_created_at (user, created);
  g_assert_cmpuint (notifies, ==, 6);

  /* Setting the same values again notifies nothing. */
  el_user_set_name (user, "Alex Nurse");
  el_user_set_role (user, EL_ROLE_CHARGE_NURSE);
  el_user_set_created_at (user, created);
  g_assert_cmpuint (notifies, ==, 6);

  g_object_get (user, "name", &name, "role", &role, NULL);
  g_assert_cmpstr (name, ==, "Alex Nurse");
  g_assert_cmpint (role, ==, EL_ROLE_CHARGE_NURSE);
  g_assert_cmpstr (el_user_get_email (user), ==, "a.nurse@hospital.example");
  g_assert_cmpstr (el_user_get_unit_id (user), ==, UUID_UNIT);
  g_assert_true (g_date_time_equal (el_user_get_created_at (user), created));
  g_assert_true (el_user_validate (user, NULL));
  assert_encodes_to (user, encode_user, user_full);

  el_user_set_unit_id (user, NULL);
  el_user_set_created_at (user, NULL);
  g_assert_null (el_user_get_created_at (user));
  g_assert_cmpuint (notifies, ==, 8);

  el_user_set_email (user, "no at sign");
  g_assert_false (el_user_validate (user, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "email: not an e-mail address");
}

static void
test_unit_accessors (void)
{
  g_autoptr (ElUnit) unit = el_unit_new ();
  int bed_count;

  g_assert_cmpint (el_unit_get_bed_count (unit), ==, -1);
  g_object_set (unit, "id", UUID_UNIT, "name", "Medical-Surgical West", "code", "4W", "floor", "4", NULL);
  el_unit_set_bed_count (unit, 28);
  g_object_get (unit, "bed-count", &bed_count, NULL);
  g_assert_cmpint (bed_count, ==, 28);
  assert_encodes_to (unit, encode_unit, unit_full);

  el_unit_set_bed_count (unit, -1);
  el_unit_set_floor (unit, NULL);
  g_assert_true (el_unit_validate (unit, NULL));
  g_assert_cmpstr (el_unit_get_code (unit), ==, "4W");
  g_assert_cmpstr (el_unit_get_name (unit), ==, "Medical-Surgical West");
  g_assert_cmpstr (el_unit_get_id (unit), ==, UUID_UNIT);
}

static void
test_patient_accessors (void)
{
  g_autoptr (ElPatient) patient = el_patient_new ();
  g_autoptr (GDateTime) admitted = ts ("2026-11-22T18:40:12.345678Z");
  g_autoptr (GDateTime) updated = ts ("2026-11-25T06:59:59.999Z");
  const char *const allergies[] = { "penicillin", "latex", NULL };
  g_auto (GStrv) allergies_prop = NULL;
  g_autoptr (GDate) dob_prop = NULL;
  GDate dob;
  guint notifies = 0;

  g_signal_connect (patient, "notify", G_CALLBACK (count_notify_cb), &notifies);
  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 28, G_DATE_FEBRUARY, 1958);

  el_patient_set_id (patient, UUID_PATIENT);
  el_patient_set_unit_id (patient, UUID_UNIT);
  el_patient_set_mrn (patient, "MRN-004211");
  el_patient_set_given_name (patient, "Maria");
  el_patient_set_family_name (patient, "Lopez");
  el_patient_set_date_of_birth (patient, &dob);
  el_patient_set_sex (patient, EL_SEX_FEMALE);
  el_patient_set_room (patient, "412");
  el_patient_set_bed (patient, "B");
  g_assert_false (el_patient_has_code_status (patient));
  el_patient_set_code_status (patient, EL_CODE_STATUS_DNR_DNI);
  el_patient_set_allergies (patient, allergies);
  g_assert_false (el_patient_has_no_known_allergies (patient));
  el_patient_set_no_known_allergies (patient, FALSE);
  g_assert_true (el_patient_has_no_known_allergies (patient));
  el_patient_set_isolation (patient, EL_ISOLATION_CONTACT_PLUS);
  el_patient_set_acuity (patient, 4);
  g_object_set (patient, "fall-risk", EL_FALL_RISK_HIGH, NULL);
  el_patient_set_diagnosis (patient, "Sepsis, UTI source");
  el_patient_set_attending (patient, "Dr. Okafor");
  el_patient_set_admitted_at (patient, admitted);
  el_patient_set_handoff_status (patient, EL_HANDOFF_STATUS_READY);
  el_patient_set_updated_at (patient, updated);
  g_assert_cmpuint (notifies, ==, 20);

  /* The microseconds were truncated to milliseconds. */
  g_assert_cmpint (g_date_time_get_microsecond (el_patient_get_admitted_at (patient)), ==, 345000);
  assert_encodes_to (patient, encode_patient, patient_full);
  g_assert_true (el_patient_validate (patient, NULL));

  g_object_get (patient, "allergies", &allergies_prop, "date-of-birth", &dob_prop, NULL);
  g_assert_cmpstrv (allergies_prop, allergies);
  g_assert_cmpint (g_date_compare (dob_prop, &dob), ==, 0);
  g_assert_true (el_patient_has_fall_risk (patient));
  g_assert_cmpint (el_patient_get_fall_risk (patient), ==, EL_FALL_RISK_HIGH);
  g_assert_cmpint (el_patient_get_code_status (patient), ==, EL_CODE_STATUS_DNR_DNI);
  g_assert_cmpint (el_patient_get_isolation (patient), ==, EL_ISOLATION_CONTACT_PLUS);
  g_assert_cmpint (el_patient_get_handoff_status (patient), ==, EL_HANDOFF_STATUS_READY);
  g_assert_cmpint (el_patient_get_acuity (patient), ==, 4);

  /* Unset everything optional: back to the minimal shape. */
  notifies = 0;
  el_patient_unset_code_status (patient);
  el_patient_unset_code_status (patient);
  el_patient_unset_isolation (patient);
  el_patient_unset_fall_risk (patient);
  el_patient_unset_handoff_status (patient);
  el_patient_unset_no_known_allergies (patient);
  el_patient_set_allergies (patient, NULL);
  el_patient_set_acuity (patient, 0);
  el_patient_set_bed (patient, NULL);
  el_patient_set_diagnosis (patient, NULL);
  el_patient_set_attending (patient, NULL);
  el_patient_set_admitted_at (patient, NULL);
  el_patient_set_updated_at (patient, NULL);
  g_assert_false (el_patient_has_code_status (patient));
  g_assert_false (el_patient_has_isolation (patient));
  g_assert_false (el_patient_has_fall_risk (patient));
  g_assert_false (el_patient_has_handoff_status (patient));
  g_assert_null (el_patient_get_allergies (patient));
  g_assert_true (el_patient_validate (patient, NULL));
  {
    g_autofree char *json = el_patient_to_data (patient, NULL);

    g_assert_null (strstr (json, "code_status"));
    g_assert_null (strstr (json, "allergies"));
    g_assert_null (strstr (json, "acuity"));
  }

  /* no_known_allergies with a non-empty list is inconsistent. */
  el_patient_set_allergies (patient, allergies);
  el_patient_set_no_known_allergies (patient, TRUE);
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (el_patient_validate (patient, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
    g_assert_true (g_str_has_prefix (error->message, "allergies: "));
  }
}

static void
test_patient_age (void)
{
  struct
  {
    const char *dob;
    const char *at;
    int age;
  } cases[] = {
    { "1958-02-28", "2026-02-27T23:59:59Z", 67 },
    { "1958-02-28", "2026-02-28T00:00:00Z", 68 },
    { "1958-02-28", "2026-11-25T07:00:00Z", 68 },
    /* the calendar date of @at in its own time zone counts */
    { "1958-02-28", "2026-02-27T23:30:00-05:00", 67 },
    { "1958-02-28", "2026-02-28T01:30:00+05:00", 68 },
    /* born on 29 February: older on 1 March in common years, on 29 February in leap years */
    { "2000-02-29", "2023-02-28T12:00:00Z", 22 },
    { "2000-02-29", "2023-03-01T00:00:00Z", 23 },
    { "2000-02-29", "2024-02-28T12:00:00Z", 23 },
    { "2000-02-29", "2024-02-29T00:00:00Z", 24 },
    { "2026-11-25", "2026-11-25T00:00:00Z", 0 },
    { "2025-11-26", "2026-11-25T00:00:00Z", 0 },
    { "2026-11-26", "2026-11-25T00:00:00Z", -1 },
    { "1900-01-01", "2026-01-01T00:00:00Z", 126 },
  };
  g_autoptr (ElPatient) patient = el_patient_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_assert_cmpint (el_patient_get_age (patient, now), ==, -1);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GDateTime) at = NULL;
      GDate dob;

      g_assert_true (el_date_parse (cases[i].dob, &dob));
      el_patient_set_date_of_birth (patient, &dob);
      /* Keep the offset of the text: g_date_time_new_from_iso8601 does. */
      at = g_date_time_new_from_iso8601 (cases[i].at, NULL);
      g_assert_nonnull (at);
      if (el_patient_get_age (patient, at) != cases[i].age)
        g_error ("born %s, at %s: age %d, expected %d", cases[i].dob, cases[i].at,
                 el_patient_get_age (patient, at), cases[i].age);
    }
}

static void
test_handoff_accessors (void)
{
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  g_autoptr (GDateTime) created = ts ("2026-11-25T06:30:00Z");
  g_autoptr (GDateTime) updated = ts ("2026-11-25T07:20:00Z");
  g_autoptr (GDateTime) signed_at = ts ("2026-11-25T07:10:00Z");
  GDate date;

  g_assert_true (el_date_parse ("2026-11-25", &date));
  el_handoff_set_id (handoff, UUID_HANDOFF);
  el_handoff_set_patient_id (handoff, UUID_PATIENT);
  el_handoff_set_unit_id (handoff, UUID_UNIT);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, EL_SHIFT_NIGHT);
  el_handoff_set_outgoing_nurse_id (handoff, UUID_USER);
  el_handoff_set_receiving_nurse_id (handoff, UUID_USER2);
  el_handoff_set_created_by (handoff, UUID_USER);
  el_handoff_set_created_at (handoff, created);
  el_handoff_set_updated_at (handoff, updated);
  el_handoff_set_latest_version (handoff, 3);
  el_handoff_set_etag (handoff, "W/3-abc");
  g_object_set (handoff, "status", EL_HANDOFF_STATUS_SIGNED, "signed-by", UUID_USER, "signed-at", signed_at,
                NULL);
  el_handoff_set_acknowledged_by (handoff, UUID_USER2);
  el_handoff_set_acknowledged_at (handoff, updated);
  g_assert_true (el_handoff_transition (handoff, EL_HANDOFF_STATUS_ACKNOWLEDGED, NULL));
  el_handoff_set_readback_note (handoff, "Read back: lactate at 14:00.");
  el_handoff_set_failure_reason (handoff, "none");
  assert_encodes_to (handoff, encode_handoff, handoff_full);
  g_assert_true (el_handoff_validate (handoff, NULL));

  g_assert_cmpint (g_date_compare (el_handoff_get_shift_date (handoff), &date), ==, 0);
  g_assert_cmpint (el_handoff_get_latest_version (handoff), ==, 3);
  g_assert_cmpstr (el_handoff_get_etag (handoff), ==, "W/3-abc");
  g_assert_cmpstr (el_handoff_get_readback_note (handoff), ==, "Read back: lactate at 14:00.");

  /* An etag with a quote or a space is not opaque-safe. */
  el_handoff_set_etag (handoff, "\"3\"");
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (el_handoff_validate (handoff, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
  }
  el_handoff_set_etag (handoff, NULL);
  el_handoff_set_shift_date (handoff, NULL);
  g_assert_null (el_handoff_get_shift_date (handoff));
}

static void
test_recording_accessors (void)
{
  g_autoptr (ElRecording) recording = el_recording_new ();
  g_autoptr (GDateTime) created = ts ("2026-11-25T07:00:00Z");
  g_autoptr (GDateTime) updated = ts ("2026-11-25T07:01:30.5Z");
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func ((GDestroyNotify) el_recording_word_free);
  gint64 duration;

  el_recording_set_id (recording, UUID_REC);
  el_recording_set_handoff_id (recording, UUID_HANDOFF);
  el_recording_set_status (recording, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_mime_type (recording, EL_AUDIO_MIME_TYPE_WAV);
  g_object_set (recording, "duration-ms", (gint64) 44000, NULL);
  el_recording_set_size_bytes (recording, 1408044);
  el_recording_set_sha256 (recording, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  el_recording_set_engine (recording, "pocketsphinx");
  el_recording_set_transcript (recording,
                               "Room four twelve, Maria Lopez. \xc3\xa9\n\ttab \"quoted\" \\ slash");
  g_ptr_array_add (words, el_recording_word_new ("room", 0, 320, 0.92));
  el_recording_set_words (recording, words);
  el_recording_add_word (recording, el_recording_word_new ("four", 320, 610, 1.0));
  el_recording_set_error (recording, "none");
  el_recording_set_created_at (recording, created);
  el_recording_set_updated_at (recording, updated);
  assert_encodes_to (recording, encode_recording, recording_full);

  g_object_get (recording, "duration-ms", &duration, NULL);
  g_assert_cmpint (duration, ==, 44000);
  g_assert_cmpuint (el_recording_get_words (recording)->len, ==, 2);
  g_assert_cmpuint (words->len, ==, 1);

  el_recording_set_words (recording, NULL);
  g_assert_null (el_recording_get_words (recording));
  el_recording_set_duration_ms (recording, -1);
  el_recording_set_size_bytes (recording, -1);
  g_assert_true (el_recording_validate (recording, NULL));
}

/* Builds fields_full through the C API. */
static ElSbarFields *
build_full_fields (void)
{
  ElSbarFields *fields = el_sbar_fields_new ();
  g_autoptr (ElSbarIdentifiers) ids = NULL;
  ElSbarText *text;
  ElSbarAllergies *allergies;
  ElSbarAllergy *allergy;
  ElSbarIsolation *isolation;
  ElSbarIllnessSeverity *severity;
  ElSbarVitals *vitals;
  ElSbarCodeStatus *code_status;
  ElSbarItem *item;
  ElSbarMedDue *med;
  ElSbarContingency *contingency;
  g_autoptr (GPtrArray) empty = g_ptr_array_new ();
  GDate dob;

  g_assert_true (el_date_parse ("1958-02-28", &dob));
  ids = el_sbar_identifiers_new ("Maria Lopez", "MRN-004211", &dob);
  ids->span = el_span_new (0, 30);
  el_span_set_audio (ids->span, 0, 2100);
  el_span_set_confidence (ids->span, 0.87);
  el_sbar_fields_set_patient_identifiers (fields, ids);

  text = el_sbar_text_new ("412B");
  text->span = el_span_new (31, 40);
  el_sbar_fields_take_room_bed (fields, text);

  code_status = el_sbar_code_status_new (EL_CODE_STATUS_DNR);
  code_status->span = el_span_new (41, 44);
  el_sbar_fields_take_code_status (fields, code_status);

  allergies = el_sbar_allergies_new (FALSE);
  allergy = el_sbar_allergy_new ("penicillin", "hives");
  allergy->span = el_span_new (45, 60);
  el_sbar_allergies_add (allergies, allergy);
  el_sbar_allergies_add (allergies, el_sbar_allergy_new ("latex", NULL));
  allergies->span = el_span_new (45, 70);
  el_sbar_fields_take_allergies (fields, allergies);

  isolation = el_sbar_isolation_new (EL_ISOLATION_CONTACT, "MRSA in wound");
  isolation->span = el_span_new (71, 90);
  el_sbar_fields_take_isolation (fields, isolation);

  el_sbar_fields_take_fall_risk (fields, el_sbar_fall_risk_new (EL_FALL_RISK_MODERATE));
  severity = el_sbar_illness_severity_new (EL_ILLNESS_SEVERITY_WATCHER);
  severity->span = el_span_new (91, 100);
  el_sbar_fields_take_illness_severity (fields, severity);

  el_sbar_fields_take_diagnosis (fields, el_sbar_text_new ("Sepsis, UTI source"));
  text = el_sbar_text_new ("CHF, DM2, CKD stage 3");
  text->span = el_span_new (101, 130);
  el_sbar_fields_take_history (fields, text);

  vitals = el_sbar_vitals_new ();
  vitals->taken_at = ts ("2026-11-25T06:00:00Z");
  vitals->temperature_c = el_sbar_measure_new (38.4);
  vitals->temperature_c->span = el_span_new (131, 140);
  vitals->heart_rate = el_sbar_measure_new (104);
  vitals->respiratory_rate = el_sbar_measure_new (22.5);
  vitals->blood_pressure = el_sbar_blood_pressure_new (132, 84);
  vitals->blood_pressure->span = el_span_new (141, 150);
  vitals->spo2 = el_sbar_spo2_new (93);
  el_sbar_spo2_set_o2 (vitals->spo2, "nasal cannula", TRUE, 2.5);
  vitals->spo2->span = el_span_new (151, 160);
  vitals->pain = el_sbar_measure_new (3);
  vitals->span = el_span_new (131, 170);
  el_sbar_fields_take_vitals (fields, vitals);

  el_sbar_fields_add_line_drain_airway (fields, el_sbar_item_new ("PIV 20g left forearm"));
  item = el_sbar_item_new ("Foley");
  item->span = el_span_new (171, 176);
  el_sbar_fields_add_line_drain_airway (fields, item);
  el_sbar_fields_set_infusions (fields, empty);

  el_sbar_fields_take_diet (fields, el_sbar_text_new ("NPO after midnight"));
  el_sbar_fields_take_mobility (fields, el_sbar_text_new ("Up with assist x1"));

  med = el_sbar_med_due_new ("Vancomycin", "1 g", "IV", "14:00");
  med->span = el_span_new (177, 200);
  el_sbar_fields_add_med_due (fields, med);
  el_sbar_fields_add_med_due (fields, el_sbar_med_due_new ("Acetaminophen", NULL, NULL, NULL));

  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_LAB, "Lactate"));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_IMAGING, "CT abdomen"));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_CONSULT, "ID"));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_OTHER, "Social work"));

  el_sbar_fields_add_todo (fields, el_sbar_todo_new ("Recheck lactate", "night RN", "23:59"));
  el_sbar_fields_add_todo (fields, el_sbar_todo_new ("Call family", NULL, NULL));

  contingency = el_sbar_contingency_new ("MAP below 65", "Call rapid response");
  contingency->span = el_span_new (201, 240);
  el_sbar_fields_add_contingency (fields, contingency);

  el_sbar_fields_take_family_discharge (fields, el_sbar_text_new ("Daughter visiting at 18:00"));
  return fields;
}

static JsonNode *
parse_sq (const char *document)
{
  g_autofree char *json = sq (document);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
test_sbar_fields_accessors (void)
{
  g_autoptr (ElSbarFields) fields = build_full_fields ();
  g_autoptr (ElSbarFields) copy = NULL;
  g_autoptr (ElSbarFields) decoded = NULL;
  g_autoptr (JsonNode) node = el_sbar_fields_to_json (fields);
  g_autoptr (JsonNode) expected = parse_sq (fields_full);
  g_autofree char *text = el_json_node_to_data (node, NULL);
  g_autofree char *expected_text = el_json_node_to_data (expected, NULL);
  g_autoptr (GError) error = NULL;
  ElSbarVitals *vitals;

  g_assert_cmpstr (text, ==, expected_text);
  g_assert_false (el_sbar_fields_is_empty (fields));

  decoded = el_sbar_fields_new_from_json (expected, &error);
  g_assert_no_error (error);
  g_assert_true (el_sbar_fields_equal (decoded, fields));

  /* Read back every field through the accessors. */
  g_assert_cmpstr (el_sbar_fields_get_patient_identifiers (decoded)->mrn, ==, "MRN-004211");
  g_assert_cmpint (el_sbar_fields_get_patient_identifiers (decoded)->span->audio_end_ms, ==, 2100);
  g_assert_true (el_sbar_fields_get_patient_identifiers (decoded)->span->has_confidence);
  g_assert_cmpfloat (el_sbar_fields_get_patient_identifiers (decoded)->span->confidence, ==, 0.87);
  g_assert_cmpstr (el_sbar_fields_get_room_bed (decoded)->value, ==, "412B");
  g_assert_cmpint (el_sbar_fields_get_code_status (decoded)->value, ==, EL_CODE_STATUS_DNR);
  g_assert_cmpuint (el_sbar_fields_get_allergies (decoded)->items->len, ==, 2);
  g_assert_cmpint (el_sbar_fields_get_isolation (decoded)->value, ==, EL_ISOLATION_CONTACT);
  g_assert_cmpint (el_sbar_fields_get_fall_risk (decoded)->value, ==, EL_FALL_RISK_MODERATE);
  g_assert_null (el_sbar_fields_get_fall_risk (decoded)->span);
  g_assert_cmpint (el_sbar_fields_get_illness_severity (decoded)->value, ==, EL_ILLNESS_SEVERITY_WATCHER);
  g_assert_cmpstr (el_sbar_fields_get_diagnosis (decoded)->value, ==, "Sepsis, UTI source");
  g_assert_cmpstr (el_sbar_fields_get_history (decoded)->value, ==, "CHF, DM2, CKD stage 3");
  vitals = el_sbar_fields_get_vitals (decoded);
  g_assert_cmpfloat (vitals->temperature_c->value, ==, 38.4);
  g_assert_cmpfloat (vitals->heart_rate->value, ==, 104);
  g_assert_cmpint (vitals->blood_pressure->diastolic, ==, 84);
  g_assert_cmpstr (vitals->spo2->o2_device, ==, "nasal cannula");
  g_assert_true (vitals->spo2->has_o2_flow);
  g_assert_cmpfloat (vitals->pain->value, ==, 3);
  g_assert_cmpuint (el_sbar_fields_get_lines_drains_airways (decoded)->len, ==, 2);
  g_assert_cmpuint (el_sbar_fields_get_infusions (decoded)->len, ==, 0);
  g_assert_cmpstr (el_sbar_fields_get_diet (decoded)->value, ==, "NPO after midnight");
  g_assert_cmpstr (el_sbar_fields_get_mobility (decoded)->value, ==, "Up with assist x1");
  g_assert_cmpstr (((ElSbarMedDue *) el_sbar_fields_get_meds_due (decoded)->pdata[0])->time, ==, "14:00");
  g_assert_cmpint (((ElSbarPending *) el_sbar_fields_get_pending (decoded)->pdata[2])->kind, ==,
                   EL_PENDING_KIND_CONSULT);
  g_assert_cmpstr (((ElSbarTodo *) el_sbar_fields_get_todos (decoded)->pdata[0])->owner, ==, "night RN");
  g_assert_cmpstr (((ElSbarContingency *) el_sbar_fields_get_contingencies (decoded)->pdata[0])->action, ==,
                   "Call rapid response");
  g_assert_cmpstr (el_sbar_fields_get_family_discharge (decoded)->value, ==, "Daughter visiting at 18:00");

  /* Copies are deep; a span-only change makes fields unequal. */
  copy = el_sbar_fields_copy (fields);
  g_assert_true (el_sbar_fields_equal (copy, fields));
  el_sbar_fields_get_room_bed (copy)->span->end = 41;
  g_assert_false (el_sbar_fields_equal (copy, fields));
  g_assert_cmpint (el_sbar_fields_get_room_bed (fields)->span->end, ==, 40);

  /* set copies, NULL removes; set on a list copies its items. */
  el_sbar_fields_set_vitals (copy, el_sbar_fields_get_vitals (fields));
  g_assert_true (el_sbar_fields_get_vitals (copy) != el_sbar_fields_get_vitals (fields));
  el_sbar_fields_set_meds_due (copy, el_sbar_fields_get_meds_due (copy));
  g_assert_cmpuint (el_sbar_fields_get_meds_due (copy)->len, ==, 2);
  el_sbar_fields_set_meds_due (copy, NULL);
  g_assert_null (el_sbar_fields_get_meds_due (copy));

  el_sbar_fields_free (copy);
  copy = el_sbar_fields_new ();
  g_assert_true (el_sbar_fields_is_empty (copy));
  {
    g_autoptr (JsonNode) empty = el_sbar_fields_to_json (copy);
    g_autofree char *empty_text = el_json_node_to_data (empty, NULL);

    g_assert_cmpstr (empty_text, ==, "{}");
  }

  /* Boxed types copy through GValue. */
  {
    g_auto (GValue) value = G_VALUE_INIT;
    g_autoptr (ElSpan) span = el_span_new (1, 2);
    ElSpan *span_copy;

    g_value_init (&value, EL_TYPE_SPAN);
    g_value_set_boxed (&value, span);
    span_copy = g_value_get_boxed (&value);
    g_assert_true (span_copy != span);
    g_assert_true (el_span_equal (span_copy, span));
    el_span_set_confidence (span, 0.5);
    g_assert_false (el_span_equal (span_copy, span));
    g_assert_true (el_span_equal (NULL, NULL));
    g_assert_false (el_span_equal (span, NULL));
  }
}

static void
test_sbar_version_accessors (void)
{
  g_autoptr (ElSbarVersion) version = el_sbar_version_new ();
  g_autoptr (ElSbarFields) fields = build_full_fields ();
  g_autoptr (GDateTime) created = ts ("2026-11-25T02:05:00-05:00");
  g_autoptr (JsonNode) completeness = parse_sq (completeness_full);
  g_autoptr (JsonNode) changes = parse_sq (changes_full);
  g_autoptr (GError) error = NULL;
  g_autofree char *full = version_full ();
  g_autofree char *create_doc = create_full ();
  g_autoptr (ElSbarFields) fields_prop = NULL;
  guint notifies = 0;

  g_assert_true (el_sbar_fields_is_empty (el_sbar_version_get_fields (version)));
  g_signal_connect (version, "notify::fields", G_CALLBACK (count_notify_cb), &notifies);

  el_sbar_version_set_id (version, UUID_VERSION);
  el_sbar_version_set_handoff_id (version, UUID_HANDOFF);
  el_sbar_version_set_version (version, 2);
  el_sbar_version_set_previous_version_id (version, UUID_VERSION0);
  el_sbar_version_set_author_id (version, UUID_USER);
  el_sbar_version_set_author_name (version, "Alex Nurse");
  el_sbar_version_set_source (version, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_created_at (version, created);
  el_sbar_version_set_situation (version, "67yo F, sepsis, afebrile now.");
  el_sbar_version_set_background (version, "Admitted 11/22.");
  g_object_set (version, "assessment", "Improving.", NULL);
  el_sbar_version_set_section (version, EL_SBAR_SECTION_RECOMMENDATION, "Recheck lactate at 14:00.");
  el_sbar_version_set_fields (version, fields);
  el_sbar_version_set_fields (version, fields);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_true (el_sbar_version_set_completeness_json (version, completeness, &error));
  g_assert_no_error (error);
  g_assert_true (el_sbar_version_set_changes_json (version, changes, &error));
  g_assert_no_error (error);
  assert_encodes_to (version, encode_sbar_version, full);
  g_assert_true (el_sbar_version_validate (version, NULL));

  g_assert_cmpstr (el_sbar_version_get_assessment (version), ==, "Improving.");
  g_assert_cmpstr (el_sbar_version_get_recommendation (version), ==, "Recheck lactate at 14:00.");
  g_assert_cmpstr (el_sbar_version_get_section (version, EL_SBAR_SECTION_SITUATION), ==,
                   el_sbar_version_get_situation (version));
  g_object_get (version, "fields", &fields_prop, NULL);
  g_assert_true (el_sbar_fields_equal (fields_prop, fields));
  g_assert_true (json_node_equal (el_sbar_version_get_completeness_json (version), completeness));
  g_assert_true (json_node_equal (el_sbar_version_get_changes_json (version), changes));

  /* The create request: base_version + content only. */
  {
    g_autoptr (ElSbarVersion) content = el_sbar_version_new ();

    el_sbar_version_set_situation (content, "S");
    el_sbar_version_set_background (content, "B");
    el_sbar_version_set_assessment (content, "A");
    el_sbar_version_set_recommendation (content, "R");
    el_sbar_version_take_fields (content, el_sbar_fields_copy (fields));
    {
      g_autofree char *json = sq (create_doc);
      g_autofree char *expected = compact (json);
      g_autofree char *encoded = el_sbar_version_create_request_to_data (content, 2, NULL);

      g_assert_cmpstr (encoded, ==, expected);
    }
  }

  /* Invalid computed members are refused and change nothing. */
  {
    g_autoptr (JsonNode) bad =
        parse_sq ("{'score':80.85,'complete':false,'missing':[],'missing_critical':['vitals']}");
    g_autoptr (JsonNode) inconsistent =
        parse_sq ("{'score':80,'complete':true,'missing':[],'missing_critical':['vitals']}");
    g_autoptr (JsonNode) unknown_item =
        parse_sq ("{'score':80,'complete':true,'missing':['bogus'],'missing_critical':[]}");
    g_autoptr (JsonNode) bad_changes =
        parse_sq ("{'from_version':2,'to_version':2,'sections':{},'fields':[],"
                  "'summary':{'words_inserted':0,'words_deleted':0,'fields_changed':0}}");

    g_assert_false (el_sbar_version_set_completeness_json (version, bad, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
    g_assert_cmpstr (error->message, ==, "completeness.score: more than one decimal");
    g_clear_error (&error);
    g_assert_false (el_sbar_version_set_completeness_json (version, inconsistent, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
    g_assert_false (el_sbar_version_set_completeness_json (version, unknown_item, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
    g_assert_cmpstr (error->message, ==, "completeness.missing[0]: not one of the allowed values");
    g_clear_error (&error);
    g_assert_false (el_sbar_version_set_changes_json (version, bad_changes, &error));
    g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
    g_assert_true (json_node_equal (el_sbar_version_get_completeness_json (version), completeness));
    g_assert_nonnull (el_sbar_version_get_changes_json (version));
  }

  /* Unknown members are dropped from the stored copies; NULL removes them. */
  {
    g_autoptr (JsonNode) extra =
        parse_sq ("{'score':100,'complete':true,'missing':[],'missing_critical':[],'x':1}");
    g_autoptr (JsonNode) null_node = json_node_new (JSON_NODE_NULL);
    g_autofree char *text = NULL;

    g_assert_true (el_sbar_version_set_completeness_json (version, extra, NULL));
    text = el_json_node_to_data (el_sbar_version_get_completeness_json (version), NULL);
    g_assert_cmpstr (text, ==, "{\"score\":100,\"complete\":true,\"missing\":[],\"missing_critical\":[]}");
    g_assert_true (el_sbar_version_set_completeness_json (version, NULL, NULL));
    g_assert_true (el_sbar_version_set_changes_json (version, null_node, NULL));
    g_assert_null (el_sbar_version_get_completeness_json (version));
    g_assert_null (el_sbar_version_get_changes_json (version));
  }

  /* Version 1 rules */
  el_sbar_version_set_version (version, 1);
  g_assert_false (el_sbar_version_validate (version, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "previous_version_id: must be null for version 1");
  g_clear_error (&error);
  el_sbar_version_set_previous_version_id (version, NULL);
  g_assert_true (el_sbar_version_validate (version, NULL));
  el_sbar_version_set_version (version, 3);
  g_assert_false (el_sbar_version_validate (version, &error));
  g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MISSING_FIELD);
}

/* Timestamps, dates, numbers */

static void
test_timestamps (void)
{
  struct
  {
    const char *in;
    const char *out;
  } good[] = {
    { "2026-11-25T07:15:00Z", "2026-11-25T07:15:00.000Z" },
    { "2026-11-25T07:15:00.000Z", "2026-11-25T07:15:00.000Z" },
    { "2026-11-25t07:15:00z", "2026-11-25T07:15:00.000Z" },
    { "2026-11-25T08:15:00+01:00", "2026-11-25T07:15:00.000Z" },
    { "2026-11-25T02:15:00.5-05:00", "2026-11-25T07:15:00.500Z" },
    { "2026-11-25T07:15:00.123456789Z", "2026-11-25T07:15:00.123Z" },
    { "2026-11-25T07:15:00.9999Z", "2026-11-25T07:15:00.999Z" },
    { "2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z" },
    { "2024-02-29T23:59:59.999-00:30", "2024-03-01T00:29:59.999Z" },
    { "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z" },
    { "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z" },
  };
  const char *const bad[] = {
    "",
    "2026-11-25",
    "2026-11-25T07:15:00",
    "2026-11-25 07:15:00Z",
    "2026-11-25T07:15Z",
    "2026-11-25T07:15:60Z",
    "2026-11-25T24:00:00Z",
    "2026-02-29T07:15:00Z",
    "2026-13-01T07:15:00Z",
    "2026-11-25T07:15:00.Z",
    "2026-11-25T07:15:00+0100",
    "2026-11-25T07:15:00+24:00",
    "2026-11-25T07:15:00+01:60",
    "2026-11-25T07:15:00ZZ",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
    "+2026-11-25T07:15:00Z",
    "2026-W48-3T07:15:00Z",
    "2026-11-25T07:15:00.000000000000000000000000000000000000000000000000000Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GDateTime) dt = el_timestamp_parse (good[i].in);
      g_autofree char *out = NULL;

      if (dt == NULL)
        g_error ("%s: rejected", good[i].in);
      out = el_timestamp_format (dt);
      g_assert_cmpstr (out, ==, good[i].out);
      /* canonical exactly when the text is what formatting gives back */
      g_assert_cmpint (el_timestamp_is_canonical (good[i].in), ==, g_str_equal (good[i].in, good[i].out));
      g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GDateTime) dt = el_timestamp_parse (bad[i]);

      if (dt != NULL)
        g_error ("%s: accepted", bad[i]);
      g_assert_false (el_timestamp_is_canonical (bad[i]));
    }
  g_assert_null (el_timestamp_parse (NULL));
  g_assert_false (el_timestamp_is_canonical (NULL));
  g_assert_true (el_timestamp_is_canonical ("2026-11-25T07:15:00.000Z"));
  g_assert_true (el_timestamp_is_canonical ("0001-01-01T00:00:00.000Z"));
  g_assert_true (el_timestamp_is_canonical ("9999-12-31T23:59:59.999Z"));
  g_assert_false (el_timestamp_is_canonical ("2026-02-29T07:15:00.000Z"));
  g_assert_false (el_timestamp_is_canonical ("2026-11-25T24:00:00.000Z"));
  g_assert_false (el_timestamp_is_canonical ("0000-11-25T07:15:00.000Z"));
  g_assert_false (el_timestamp_is_canonical ("2026-11-25t07:15:00.000Z"));
  g_assert_false (el_timestamp_is_canonical ("2026-11-25T07:15:00.000z"));
  g_assert_false (el_timestamp_is_canonical ("2026-11-25T07:15:00.000Z "));
  g_assert_false (el_timestamp_is_canonical ("2026-11-25T07:15:00.00Z"));

  /* Random instants across the whole range, with offsets, agree with GLib's own ISO 8601 parser. */
  for (guint i = 0; i < 20000; i++)
    {
      int offset_minutes = g_test_rand_int_range (-23 * 60 - 59, 23 * 60 + 60);
      g_autofree char *text = g_strdup_printf (
          "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", g_test_rand_int_range (2, 9999),
          g_test_rand_int_range (1, 13), g_test_rand_int_range (1, 29), g_test_rand_int_range (0, 24),
          g_test_rand_int_range (0, 60), g_test_rand_int_range (0, 60), g_test_rand_int_range (0, 1000),
          offset_minutes < 0 ? '-' : '+', ABS (offset_minutes) / 60, ABS (offset_minutes) % 60);
      g_autoptr (GDateTime) ours = el_timestamp_parse (text);
      g_autoptr (GDateTime) theirs = g_date_time_new_from_iso8601 (text, NULL);
      g_autofree char *ours_text = NULL;

      g_assert_nonnull (theirs);
      if (ours == NULL)
        g_error ("%s: rejected", text);
      g_assert_cmpint (g_date_time_to_unix (ours), ==, g_date_time_to_unix (theirs));
      g_assert_cmpint (g_date_time_get_microsecond (ours), ==, g_date_time_get_microsecond (theirs));
      ours_text = el_timestamp_format (ours);
      g_assert_true (el_timestamp_is_canonical (ours_text));
      g_assert_false (el_timestamp_is_canonical (text)); /* an offset: parse and format first */
      {
        g_autoptr (GDateTime) again = el_timestamp_parse (ours_text);

        g_assert_true (g_date_time_equal (again, ours));
      }
    }

  /* Documents: an offset timestamp decodes to the canonical UTC text. */
  {
    g_autoptr (ElUser) user =
        el_user_new_from_data ("{\"id\":\"" UUID_USER "\",\"email\":\"a@b\",\"name\":\"n\","
                               "\"role\":\"admin\",\"created_at\":\"2026-11-25T08:15:00.1234+01:00\"}",
                               -1, NULL);
    g_autofree char *json = el_user_to_data (user, NULL);

    g_assert_nonnull (strstr (json, "\"created_at\":\"2026-11-25T07:15:00.123Z\""));
  }

  /* A local GDateTime set through the API is written in UTC. */
  {
    g_autoptr (GTimeZone) tz = g_time_zone_new_offset (-8 * 3600);
    g_autoptr (GDateTime) local = g_date_time_new (tz, 2026, 11, 24, 23, 15, 0.25);
    g_autoptr (ElUser) user = el_user_new ();
    g_autofree char *out = el_timestamp_format (local);

    g_assert_cmpstr (out, ==, "2026-11-25T07:15:00.250Z");
    el_user_set_created_at (user, local);
    g_assert_cmpint (g_date_time_get_utc_offset (el_user_get_created_at (user)), ==, 0);
  }
}

static void
test_dates (void)
{
  const char *const good[] = { "2026-11-25", "2024-02-29", "0001-01-01", "9999-12-31", "2000-02-29" };
  const char *const bad[] = { "2026-02-29", "1900-02-29",           "2026-11-31", "2026-00-10",
                              "2026-11-00", "0000-01-01",           "2026-1-25",  "2026/11/25",
                              "20261125",   "2026-11-25T00:00:00Z", "",           " 2026-11-25" };
  GDate date;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *out = NULL;

      g_assert_true (el_date_parse (good[i], &date));
      out = el_date_format (&date);
      g_assert_cmpstr (out, ==, good[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (el_date_parse (bad[i], &date))
      g_error ("%s: accepted", bad[i]);

  g_assert_true (el_clock_time_is_valid ("00:00"));
  g_assert_true (el_clock_time_is_valid ("23:59"));
  g_assert_false (el_clock_time_is_valid ("24:00"));
  g_assert_false (el_clock_time_is_valid ("7:00"));
  g_assert_false (el_clock_time_is_valid ("07:60"));
  g_assert_false (el_clock_time_is_valid ("07:00:00"));
  g_assert_true (el_uuid_is_valid (UUID_USER));
  g_assert_false (el_uuid_is_valid ("3F0C1B6E-8D2A-4C1E-9B7A-2E5D4F6A8B90"));
  g_assert_false (el_uuid_is_valid ("{3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90}"));
  g_assert_false (el_uuid_is_valid ("3f0c1b6e8d2a4c1e9b7a2e5d4f6a8b90"));
  g_assert_false (el_uuid_is_valid (UUID_USER "0"));
}

static void
test_numbers (void)
{
  struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "[36.8]", "[36.8]" },
    { "[0.1]", "[0.1]" },
    { "[88]", "[88]" },
    { "[88.0]", "[88.0]" },
    { "[-0.0]", "[-0.0]" },
    { "[1e300]", "[1e+300]" },
    { "[1.5e-7]", "[1.5e-07]" },
    { "[0.30000000000000004]", "[0.30000000000000004]" },
    { "[-9223372036854775808]", "[-9223372036854775808]" },
    { "[\"\\u0001\\u001f\\u007f\\/\"]", "[\"\\u0001\\u001f\x7f/\"]" },
    { "[\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u001e\\u00e9x\", \"\", \"plain\"]",
      "[\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u001e\xc3\xa9x\",\"\",\"plain\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autofree char *out = NULL;

      g_assert_true (json_parser_load_from_data (parser, cases[i].in, -1, NULL));
      out = el_json_node_to_data (json_parser_get_root (parser), NULL);
      g_assert_cmpstr (out, ==, cases[i].out);
    }

  /* Integral values of number members are written as integers; integer members accept 3.0. */
  {
    g_autoptr (ElUnit) unit =
        el_unit_new_from_data ("{\"id\":\"" UUID_UNIT "\",\"name\":\"n\",\"code\":\"c\","
                               "\"bed_count\":2.8e1}",
                               -1, NULL);
    g_autofree char *json = NULL;

    g_assert_nonnull (unit);
    g_assert_cmpint (el_unit_get_bed_count (unit), ==, 28);
    json = el_unit_to_data (unit, NULL);
    g_assert_nonnull (strstr (json, "\"bed_count\":28}"));
  }
}

/* Error messages name the path and never contain the value. */
static void
test_error_messages (void)
{
  struct
  {
    const char *replace;
    const char *with;
    const char *message;
  } cases[] = {
    { "'value':104", "'value':400.125", "fields.vitals.heart_rate.value: outside 20..300" },
    { "'value':104", "'value':'SECRET'",
      "fields.vitals.heart_rate.value: expected a number, found a string" },
    { "'diastolic':84", "'diastolic':132", "fields.vitals.blood_pressure.diastolic: not below systolic" },
    { "'name':'Acetaminophen'", "'name':'SECRET','time':'25:00'",
      "fields.meds_due[1].time: not a 24-hour HH:MM time" },
    { "'kind':'consult'", "'kind':'SECRET'", "fields.pending[2].kind: not one of the allowed values" },
    { "'author_id':'" UUID_USER "'", "'author_id':'SECRET'", "author_id: not a canonical lowercase UUID" },
    { "'created_at':'2026-11-25T07:05:00.000Z'", "'created_at':'SECRET'",
      "created_at: not an RFC 3339 timestamp with a time zone" },
    { "'missing':['diet','vitals','vitals.spo2']", "'missing':['diet',7]",
      "completeness.missing[1]: expected a string, found a number" },
    { "'old':110", "'old':{'a':[1,2,1e400]}",
      "changes_since_last_version.fields[0].old[2]: not a finite number" },
    { "{'substance':'latex'}", "{'substance':'latex','span':{'start':9,'end':8}}",
      "fields.allergies.items[1].span.end: before start" },
  };
  g_autofree char *full = version_full ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *doc = replace (full, cases[i].replace, cases[i].with);
      g_autofree char *json = sq (doc);
      g_autoptr (GError) error = NULL;
      g_autoptr (ElSbarVersion) version = el_sbar_version_new_from_data (json, -1, &error);

      if (version != NULL)
        g_error ("%s -> %s: accepted", cases[i].replace, cases[i].with);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "SECRET"));
      g_assert_null (strstr (error->message, "400"));
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* The identifiers without mrn: still valid thanks to date_of_birth. */
  {
    g_autofree char *doc = replace (full, "'mrn':'MRN-004211',", "");
    g_autofree char *json = sq (doc);
    g_autoptr (ElSbarVersion) version = el_sbar_version_new_from_data (json, -1, NULL);

    g_assert_nonnull (version);
  }
}

/* Unknown members are ignored (and not written back). */
static void
test_unknown_members (void)
{
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;

  user = el_user_new_from_data ("{\"id\":\"" UUID_USER
                                "\",\"future\":{\"a\":[1,{\"b\":null}]},\"email\":\"a@b\","
                                "\"name\":\"n\",\"role\":\"nurse\",\"x\":\"y\"}",
                                -1, &error);
  g_assert_no_error (error);
  json = el_user_to_data (user, NULL);
  g_assert_cmpstr (json, ==,
                   "{\"id\":\"" UUID_USER "\",\"email\":\"a@b\",\"name\":\"n\",\"role\":\"nurse\"}");
}

/* The escape every byte gets, one at a time: what el_json_append_string() must write. */
static void
reference_escape (GString *out, const char *str)
{
  g_string_append_c (out, '"');
  for (const guchar *s = (const guchar *) str; *s != '\0'; s++)
    switch (*s)
      {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*s < 0x20)
            g_string_append_printf (out, "\\u%04x", *s);
          else
            g_string_append_c (out, (char) *s);
      }
  g_string_append_c (out, '"');
}

static void
assert_escapes_as_reference (const char *text)
{
  g_autoptr (GString) got = g_string_new ("x");
  g_autoptr (GString) want = g_string_new ("x");

  el_json_append_string (got, text);
  reference_escape (want, text);
  g_assert_cmpstr (got->str, ==, want->str);
}

/* el_json_append_string() looks at eight bytes at a time: every byte value, at every position of
 * strings from 1 to 24 bytes (so in every lane of a word, in the tail, across words), and random
 * mixes, are escaped exactly as byte by byte; and json-glib reads each back to the original. */
static void
test_json_string_escape (void)
{
  char text[32];

  for (guint len = 1; len <= 24; len++)
    for (guint pos = 0; pos < len; pos++)
      for (guint b = 1; b < 256; b++)
        {
          memset (text, 'a' + (char) (len % 26), len);
          text[len] = '\0';
          text[pos] = (char) b;
          assert_escapes_as_reference (text);
        }
  for (guint round = 0; round < 20000; round++)
    {
      static const char pool[] = {
        '"', '\\', '\n', '\x01', '\x1f', ' ', '!', '#', '[', ']', 'A', 'z', '\x7f'
      };
      guint len = (guint) g_test_rand_int_range (0, 31);
      g_autoptr (GString) json = g_string_new (NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;

      for (guint i = 0; i < len; i++)
        text[i] = pool[g_test_rand_int_range (0, G_N_ELEMENTS (pool))];
      text[len] = '\0';
      assert_escapes_as_reference (text);
      el_json_append_string (json, text);
      g_assert_true (json_parser_load_from_data (parser, json->str, -1, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (json_parser_get_root (parser)), ==, text);
    }
  /* multi-byte UTF-8 is copied as it is */
  assert_escapes_as_reference ("Intensive \"Care\" \xe2\x80\x94 \xc3\xbc\tnote\\ end \xf0\x9f\x98\x80");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/models/json/string-escape", test_json_string_escape);

  g_test_add_func ("/el/models/user/round-trip", test_user_round_trip);
  g_test_add_func ("/el/models/user/accessors", test_user_accessors);
  g_test_add_func ("/el/models/unit/round-trip", test_unit_round_trip);
  g_test_add_func ("/el/models/unit/accessors", test_unit_accessors);
  g_test_add_func ("/el/models/patient/round-trip", test_patient_round_trip);
  g_test_add_func ("/el/models/patient/accessors", test_patient_accessors);
  g_test_add_func ("/el/models/patient/age", test_patient_age);
  g_test_add_func ("/el/models/handoff/round-trip", test_handoff_round_trip);
  g_test_add_func ("/el/models/handoff/accessors", test_handoff_accessors);
  g_test_add_func ("/el/models/handoff/transition-table", test_handoff_transition_table);
  g_test_add_func ("/el/models/handoff/transition", test_handoff_transition);
  g_test_add_func ("/el/models/handoff/consistency", test_handoff_consistency);
  g_test_add_func ("/el/models/recording/round-trip", test_recording_round_trip);
  g_test_add_func ("/el/models/recording/accessors", test_recording_accessors);
  g_test_add_func ("/el/models/sbar-fields/accessors", test_sbar_fields_accessors);
  g_test_add_func ("/el/models/sbar-version/round-trip", test_sbar_version_round_trip);
  g_test_add_func ("/el/models/sbar-version/accessors", test_sbar_version_accessors);
  g_test_add_func ("/el/models/sbar-version/omits-computed", test_sbar_version_omits_computed);
  g_test_add_func ("/el/models/sbar-version-create/round-trip", test_sbar_version_create_round_trip);
  g_test_add_func ("/el/models/json/nodes", test_json_nodes);
  g_test_add_func ("/el/models/json/numbers", test_numbers);
  g_test_add_func ("/el/models/json/unknown-members", test_unknown_members);
  g_test_add_func ("/el/models/json/error-messages", test_error_messages);
  g_test_add_func ("/el/models/enums", test_enums);
  g_test_add_func ("/el/models/error-enum", test_error_enum);
  g_test_add_func ("/el/models/timestamps", test_timestamps);
  g_test_add_func ("/el/models/dates", test_dates);

  return g_test_run ();
}
