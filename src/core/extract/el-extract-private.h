/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-sbar-extractor.h"
#include "el-spoken-normalize.h"

G_BEGIN_DECLS

/*
 * Helpers shared inside extract/: the "forms" of a transcript (what each normalised token can
 * stand for) and the "claims" of a field (what must be found in the transcript for the field to be
 * grounded). The grounding check (el-grounding.c) and the chat engine's span finder
 * (el-chat-extractor.c) use the same two, so a span the chat engine finds always passes the check.
 */

typedef struct
{
  char *text;        /* the transcript */
  gint64 length;     /* in code points */
  GArray *tokens;    /* ElSpokenToken */
  GPtrArray **forms; /* per token: GPtrArray of lower-case strings */
  GHashTable *all;   /* every form of every token (borrowed strings) */
} ElForms;

ElForms *el_forms_new (const char *text);
void el_forms_free (ElForms *forms);
/* TRUE when @form (lower-case) is a form of a token fully inside [start, end). */
gboolean el_forms_contains_in (const ElForms *forms, gint64 start, gint64 end, const char *form);
/* TRUE when @form is a form of any token of the transcript (constant time). */
gboolean el_forms_contains (const ElForms *forms, const char *form);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElForms, el_forms_free)

/* A claim group: the field is grounded in a span when every group has at least one alternative
 * among the span's forms. (element-type GPtrArray of utf8) */
typedef GPtrArray ElClaims;

ElClaims *el_claims_new (void);
void el_claims_add_words (ElClaims *claims, const char *value);
void el_claims_add_number (ElClaims *claims, double value);
void el_claims_add_temperature (ElClaims *claims, double celsius);
/* One group of alternatives (a NULL-terminated array; ALTS ("a", "b") writes one). */
void el_claims_add_any (ElClaims *claims, const char *const *alternatives);
#define ALTS(...) ((const char *const[]){ __VA_ARGS__, NULL })
gboolean el_claims_hold_in (const ElClaims *claims, const ElForms *forms, gint64 start, gint64 end);

/* Splits @value into lower-case claim words: runs of letters and digits, with '.' and ':' between
 * digits and '/' between letters or digits kept inside ("132/84", "38.4", "dnr/dni"). */
GPtrArray *el_split_claim_words (const char *value);

/* Claims of the enumerations (key words that must be said). */
void el_claims_add_code_status (ElClaims *claims, ElCodeStatus value);
void el_claims_add_isolation (ElClaims *claims, ElIsolation value);
void el_claims_add_fall_risk (ElClaims *claims, ElFallRisk value);
void el_claims_add_illness_severity (ElClaims *claims, ElIllnessSeverity value);
void el_claims_add_no_known_allergies (ElClaims *claims);

/* Calls @func for each structured field of @fields with its path, its claims and its span
 * (vitals: each measure separately; lists: each item; allergies: the NKDA statement or each item).
 * Stops when @func returns FALSE. */
typedef gboolean (*ElFieldClaimsFunc) (const char *path, ElClaims *claims, ElSpan *span, gpointer user_data);
gboolean el_fields_foreach_claims (ElSbarFields *fields, ElFieldClaimsFunc func, gpointer user_data);

/* Copies at most @max_bytes of @text, cut at a word boundary (valid UTF-8). */
char *el_extract_truncate (const char *text, gsize max_bytes);

G_END_DECLS
