/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "crypto/el-vault-private.h"
#include "el-vault.h"

/* AES-256-GCM known answers, 96-bit IVs, with associated data and a non-empty plaintext: four from
 * NIST CAVP gcmEncryptExtIV256.rsp (gcmtestvectors.zip) and the GCM specification's test case 16. */
typedef struct
{
  const char *key, *iv, *pt, *aad, *ct, *tag;
} GcmVector;

static const GcmVector gcm_vectors[] = {
  /* gcmEncryptExtIV256.rsp [PTlen = 408] [AADlen = 160] Count = 0 */
  { "24501ad384e473963d476edcfe08205237acfd49b5b8f33857f8114e863fec7f", "9ff18563b978ec281b3f2794",
    "27f348f9cdc0c5bd5e66b1ccb63ad920ff2219d14e8d631b3872265cf117ee86757accb158bd9abb3868fdc0d0b074b5f01b"
    "2c",
    "adb5ec720ccf9898500028bf34afccbcaca126ef",
    "eb7cb754c824e8d96f7c6d9b76c7d26fb874ffbf1d65c6f64a698d839b0b06145dae82057ad55994cf59ad7f67c0fa5e85fa"
    "b8",
    "bc95c532fecc594c36d1550286a7a3f0" },
  /* gcmEncryptExtIV256.rsp [PTlen = 408] [AADlen = 160] Count = 1 */
  { "fb43f5ab4a1738a30c1e053d484a94254125d55dccee1ad67c368bc1a985d235", "9fbb5f8252db0bca21f1c230",
    "34b797bb82250e23c5e796db2c37e488b3b99d1b981cea5e5b0c61a0b39adb6bd6ef1f50722e2e4f81115cfcf53f842e2a6c"
    "08",
    "98f8ae1735c39f732e2cbee1156dabeb854ec7a2",
    "871cd53d95a8b806bd4821e6c4456204d27fd704ba3d07ce25872dc604ea5c5ea13322186b7489db4fa060c1fd4159692612"
    "c8",
    "07b48e4a32fac47e115d7ac7445d8330" },
  /* gcmEncryptExtIV256.rsp [PTlen = 408] [AADlen = 720] Count = 0 */
  { "148579a3cbca86d5520d66c0ec71ca5f7e41ba78e56dc6eebd566fed547fe691", "b08a5ea1927499c6ecbfd4e0",
    "9d0b15fdf1bd595f91f8b3abc0f7dec927dfd4799935a1795d9ce00c9b879434420fe42c275a7cd7b39d638fb81ca52b49dc"
    "41",
    "e4f963f015ffbb99ee3349bbaf7e8e8e6c2a71c230a48f9d59860a29091d2747e01a5ca572347e247d25f56ba7ae8e05cde2"
    "be3c97931292c02370208ecd097ef692687fecf2f419d3200162a6480a57dad408a0dfeb492e2c5d",
    "2097e372950a5e9383c675e89eea1c314f999159f5611344b298cda45e62843716f215f82ee663919c64002a5c198d7878fd"
    "3f",
    "adbecdb0d5c2224d804d2886ff9a5760" },
  /* gcmEncryptExtIV256.rsp [PTlen = 408] [AADlen = 720] Count = 1 */
  { "e49af19182faef0ebeeba9f2d3be044e77b1212358366e4ef59e008aebcd9788", "e7f37d79a6a487a5a703edbb",
    "461cd0caf7427a3d44408d825ed719237272ecd503b9094d1f62c97d63ed83a0b50bdc804ffdd7991da7a5b6dcf48d4bcd2c"
    "bc",
    "19a9a1cfc647346781bef51ed9070d05f99a0e0192a223c5cd2522dbdf97d9739dd39fb178ade3339e68774b058aa03e9a20"
    "a9a205bc05f32381df4d63396ef691fefd5a71b49a2ad82d5ea428778ca47ee1398792762413cff4",
    "32ca3588e3e56eb4c8301b009d8b84b8a900b2b88ca3c21944205e9dd7311757b51394ae90d8bb3807b471677614f4198af9"
    "09",
    "3e403d035c71d88f1be1a256c89ba6ad" },
  /* GCM spec (McGrew & Viega) Test Case 16 */
  { "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16a"
    "edf5aa0de657ba637b39",
    "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f6"
    "1e6393ba7a0abcc9f662",
    "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static GBytes *
hex (const char *text)
{
  gsize len = strlen (text);
  guint8 *data = g_malloc (len / 2 + 1);

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]);
      int lo = g_ascii_xdigit_value (text[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      data[i] = (guint8) (hi << 4 | lo);
    }
  return g_bytes_new_take (data, len / 2);
}

static ElVault *
vault_from_hex (const char *key_hex)
{
  g_autoptr (GBytes) key = hex (key_hex);

  g_assert_cmpuint (g_bytes_get_size (key), ==, EL_VAULT_KEY_BYTES);
  return el_vault_new (g_bytes_get_data (key, NULL));
}

static ElVault *
test_vault (guint8 fill)
{
  guint8 key[EL_VAULT_KEY_BYTES];

  memset (key, fill, sizeof key);
  return el_vault_new (key);
}

/* Sealing with the vector's nonce gives 0x01 | IV | CT | tag exactly. */
static void
test_known_answers_seal (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (gcm_vectors); i++)
    {
      const GcmVector *v = &gcm_vectors[i];
      g_autoptr (ElVault) vault = vault_from_hex (v->key);
      g_autoptr (GBytes) iv = hex (v->iv);
      g_autoptr (GBytes) pt = hex (v->pt);
      g_autoptr (GBytes) aad = hex (v->aad);
      g_autoptr (GBytes) ct = hex (v->ct);
      g_autoptr (GBytes) tag = hex (v->tag);
      g_autoptr (GBytes) sealed = NULL;
      g_autoptr (GError) error = NULL;
      const guint8 *out;
      gsize out_len = 0;

      g_assert_cmpuint (g_bytes_get_size (iv), ==, EL_VAULT_NONCE_BYTES);
      g_assert_cmpuint (g_bytes_get_size (aad), >, 0);
      g_assert_cmpuint (g_bytes_get_size (pt), >, 0);
      sealed = el_vault_seal_with_nonce (vault, g_bytes_get_data (iv, NULL), g_bytes_get_data (pt, NULL),
                                         g_bytes_get_size (pt), g_bytes_get_data (aad, NULL),
                                         g_bytes_get_size (aad), &error);
      g_assert_no_error (error);
      out = g_bytes_get_data (sealed, &out_len);
      g_assert_cmpuint (out_len, ==, EL_VAULT_OVERHEAD + g_bytes_get_size (pt));
      g_assert_cmpuint (out[0], ==, EL_VAULT_FORMAT_V1);
      g_assert_cmpmem (out + 1, EL_VAULT_NONCE_BYTES, g_bytes_get_data (iv, NULL), EL_VAULT_NONCE_BYTES);
      g_assert_cmpmem (out + 1 + EL_VAULT_NONCE_BYTES, g_bytes_get_size (ct), g_bytes_get_data (ct, NULL),
                       g_bytes_get_size (ct));
      g_assert_cmpmem (out + out_len - EL_VAULT_TAG_BYTES, EL_VAULT_TAG_BYTES, g_bytes_get_data (tag, NULL),
                       EL_VAULT_TAG_BYTES);
    }
}

/* NIST's ciphertext, framed in the sealed format, opens to NIST's plaintext. */
static void
test_known_answers_open (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (gcm_vectors); i++)
    {
      const GcmVector *v = &gcm_vectors[i];
      g_autoptr (ElVault) vault = vault_from_hex (v->key);
      g_autofree char *framed_hex = g_strconcat ("01", v->iv, v->ct, v->tag, NULL);
      g_autoptr (GBytes) framed = hex (framed_hex);
      g_autoptr (GBytes) pt = hex (v->pt);
      g_autoptr (GBytes) aad = hex (v->aad);
      g_autoptr (GBytes) opened = NULL;
      g_autoptr (GBytes) wrong = NULL;
      g_autoptr (GError) error = NULL;

      opened = el_vault_open_raw (vault, g_bytes_get_data (framed, NULL), g_bytes_get_size (framed),
                                  g_bytes_get_data (aad, NULL), g_bytes_get_size (aad), &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (opened, pt));

      /* The same bytes without their associated data do not open. */
      wrong = el_vault_open (vault, g_bytes_get_data (framed, NULL), g_bytes_get_size (framed), NULL, &error);
      g_assert_null (wrong);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
    }
}

static void
test_round_trip (void)
{
  g_autoptr (ElVault) vault = test_vault (7);
  const char *texts[] = { "", "x", "{\"given_name\":\"Ada\",\"family_name\":\"Lovelace\"}" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) sealed =
          el_vault_seal (vault, texts[i], strlen (texts[i]), "patients|p1|doc|1", &error);
      g_autoptr (GBytes) opened = NULL;
      gsize len = 0;
      const char *data;

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (sealed), ==, strlen (texts[i]) + EL_VAULT_OVERHEAD);
      opened = el_vault_open (vault, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                              "patients|p1|doc|1", &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (opened, &len);
      g_assert_cmpmem (data, len, texts[i], strlen (texts[i]));
      g_assert_cmpint (data[len], ==, '\0'); /* readable as a string */
    }
}

/* Every single-bit flip anywhere in a sealed value is refused. */
static void
test_tamper (void)
{
  g_autoptr (ElVault) vault = test_vault (1);
  const char *text = "Room 12, allergic to penicillin";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed =
      el_vault_seal (vault, text, strlen (text), "handoffs|h1|readback_note|1", &error);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (sealed, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);

  g_assert_no_error (error);
  for (gsize byte = 0; byte < len; byte++)
    for (int bit = 0; bit < 8; bit++)
      {
        g_autoptr (GBytes) opened = NULL;
        g_autoptr (GError) tamper_error = NULL;

        copy[byte] ^= (guint8) (1 << bit);
        opened = el_vault_open (vault, copy, len, "handoffs|h1|readback_note|1", &tamper_error);
        g_assert_null (opened);
        if (byte == 0)
          g_assert_error (tamper_error, EL_VAULT_ERROR, EL_VAULT_ERROR_BAD_VERSION);
        else
          g_assert_error (tamper_error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
        copy[byte] ^= (guint8) (1 << bit);
      }

  /* Untouched, it still opens: the loop restored every bit. */
  {
    g_autoptr (GBytes) opened = el_vault_open (vault, copy, len, "handoffs|h1|readback_note|1", &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), text, strlen (text));
  }
}

/* A value moved to another row, column or table does not open; nor under another key. */
static void
test_associated_data (void)
{
  g_autoptr (ElVault) vault = test_vault (2);
  g_autoptr (ElVault) other = test_vault (3);
  const char *text = "{\"mrn\":\"A123\"}";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed = el_vault_seal (vault, text, strlen (text), "patients|a|doc|1", &error);
  const char *wrong[] = {
    "patients|b|doc|1", "patients|a|notes|1", "handoffs|a|doc|1", "patients|a|doc|2", "", NULL
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr (GBytes) opened =
          el_vault_open (vault, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), wrong[i], &error);

      g_assert_null (opened);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
      g_clear_error (&error);
    }
  {
    g_autoptr (GBytes) opened = el_vault_open (other, g_bytes_get_data (sealed, NULL),
                                               g_bytes_get_size (sealed), "patients|a|doc|1", &error);

    g_assert_null (opened);
    g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GBytes) opened = el_vault_open (vault, g_bytes_get_data (sealed, NULL),
                                               g_bytes_get_size (sealed), "patients|a|doc|1", &error);

    g_assert_no_error (error);
    g_assert_nonnull (opened);
  }
}

static void
test_truncated (void)
{
  g_autoptr (ElVault) vault = test_vault (4);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed = el_vault_seal (vault, "0123456789", 10, "x", &error);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (sealed, &len);

  g_assert_no_error (error);
  for (gsize n = 0; n < len; n++)
    {
      g_autoptr (GBytes) opened = el_vault_open (vault, n > 0 ? data : NULL, n, "x", &error);

      g_assert_null (opened);
      if (n < EL_VAULT_OVERHEAD)
        g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TRUNCATED);
      else
        g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
      g_clear_error (&error);
    }
}

static void
test_bad_version (void)
{
  g_autoptr (ElVault) vault = test_vault (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed = el_vault_seal (vault, "abc", 3, NULL, &error);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  const guint8 versions[] = { 0x00, 0x02, 0xff };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr (GBytes) opened = NULL;

      copy[0] = versions[i];
      opened = el_vault_open (vault, copy, g_bytes_get_size (sealed), NULL, &error);
      g_assert_null (opened);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_BAD_VERSION);
      g_clear_error (&error);
    }
}

static guint
nonce_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, key, sizeof h); /* the nonce is random: any 4 of its bytes are a good hash */
  return h;
}

static gboolean
nonce_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, EL_VAULT_NONCE_BYTES) == 0;
}

/* 10^6 seals under one key: no nonce comes twice. */
static void
test_unique_nonces (void)
{
  const guint n = 1000000;
  g_autoptr (ElVault) vault = test_vault (6);
  g_autoptr (GHashTable) seen = g_hash_table_new (nonce_hash, nonce_equal);
  g_autofree guint8 *nonces = g_malloc ((gsize) n * EL_VAULT_NONCE_BYTES);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) sealed = el_vault_seal (vault, NULL, 0, NULL, NULL);
      guint8 *nonce = nonces + (gsize) i * EL_VAULT_NONCE_BYTES;

      g_assert_nonnull (sealed);
      memcpy (nonce, (const guint8 *) g_bytes_get_data (sealed, NULL) + 1, EL_VAULT_NONCE_BYTES);
      g_assert_true (g_hash_table_add (seen, nonce));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
}

static void
assert_mac (ElVault *vault, const char *data, const char *expected_hex)
{
  g_autoptr (GBytes) expected = hex (expected_hex);
  guint8 mac[EL_VAULT_MAC_BYTES];

  el_vault_mac (vault, data, strlen (data), mac);
  g_assert_cmpmem (mac, sizeof mac, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* HKDF-SHA256 (no salt, info = label) then HMAC-SHA256, against values computed with Python's
 * hmac/hashlib (RFC 5869 by hand): master key = bytes 0..31, data "MRN-00012345". */
static void
test_derived (void)
{
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) master = NULL;
  g_autoptr (ElVault) mrn = NULL;
  g_autoptr (ElVault) mrn_again = NULL;
  g_autoptr (ElVault) phi = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) opened = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) i;
  master = el_vault_new (key);
  mrn = el_vault_new_derived (master, "mrn-index");
  mrn_again = el_vault_new_derived (master, "mrn-index");
  phi = el_vault_new_derived (master, "phi");

  assert_mac (master, "MRN-00012345", "e6e3991f7363c17bd42daaf84c0222d14d9aefc4fbc5b6290effb546cdf40129");
  assert_mac (mrn, "MRN-00012345", "de6342398d6461bfe9d1f7d92f01a08853befea36bf2ea7bcbcf326914217c10");
  assert_mac (mrn_again, "MRN-00012345", "de6342398d6461bfe9d1f7d92f01a08853befea36bf2ea7bcbcf326914217c10");
  assert_mac (phi, "MRN-00012345", "41ba6775afe11bc4531e89fb44b9cb03d3a7bb30daadf0a812219627ba5db617");

  /* Same label, same key: each opens the other's values; another label or the master does not. */
  sealed = el_vault_seal (mrn, "v", 1, "t|1|c|1", &error);
  g_assert_no_error (error);
  opened = el_vault_open (mrn_again, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "t|1|c|1",
                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  g_clear_pointer (&opened, g_bytes_unref);
  opened = el_vault_open (phi, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "t|1|c|1", &error);
  g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
  g_assert_null (opened);
  g_clear_error (&error);
  opened =
      el_vault_open (master, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "t|1|c|1", &error);
  g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
  g_assert_null (opened);
}

static gboolean
contains (GBytes *haystack, const char *needle)
{
  gsize len = 0, n = strlen (needle);
  const guint8 *data = g_bytes_get_data (haystack, &len);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Two seals of the same value differ (fresh nonces), and neither contains the plaintext. */
static void
test_no_plaintext (void)
{
  g_autoptr (ElVault) vault = test_vault (8);
  const char *text = "Quackenbush Quackenbush Quackenbush";
  g_autoptr (GBytes) a = el_vault_seal (vault, text, strlen (text), NULL, NULL);
  g_autoptr (GBytes) b = el_vault_seal (vault, text, strlen (text), NULL, NULL);

  g_autoptr (GBytes) clear = g_bytes_new_static (text, strlen (text));

  g_assert_true (contains (clear, "Quackenbush")); /* the search itself works */
  g_assert_false (g_bytes_equal (a, b));
  g_assert_false (contains (a, "Quackenbush"));
  g_assert_false (contains (b, "Quackenbush"));
}

/* el_vault_generate_key (): 32 random bytes, different each time, usable as a vault key. */
static void
test_generate_key (void)
{
  guint8 a[EL_VAULT_KEY_BYTES], b[EL_VAULT_KEY_BYTES];
  static const guint8 zero[EL_VAULT_KEY_BYTES] = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElVault) same = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) opened = NULL;

  memset (a, 0, sizeof a);
  memset (b, 0, sizeof b);
  g_assert_true (el_vault_generate_key (a, &error));
  g_assert_no_error (error);
  g_assert_true (el_vault_generate_key (b, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (a, zero, sizeof a) != 0);
  g_assert_true (memcmp (a, b, sizeof a) != 0);

  vault = el_vault_new (a);
  same = el_vault_new (a);
  sealed = el_vault_seal (vault, "v", 1, "t|1|c|1", &error);
  g_assert_no_error (error);
  opened =
      el_vault_open (same, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "t|1|c|1", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), "v", 1);
}

/* Two rows' sealed values swapped in place (as someone editing the database file could): each
 * fails under its new row's associated data, and opens again once put back. Likewise a value
 * copied to another column of its row, and an older version's value put in the newer version. */
static void
test_swap (void)
{
  g_autoptr (ElVault) vault = test_vault (9);
  const char *ad_a = "patients|a|doc|3", *ad_b = "patients|b|doc|3";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) a = el_vault_seal (vault, "{\"name\":\"A\"}", 12, ad_a, &error);
  g_autoptr (GBytes) b = el_vault_seal (vault, "{\"name\":\"B\"}", 12, ad_b, &error);
  g_autoptr (GBytes) v2 = el_vault_seal (vault, "old", 3, "sbar_versions|h1|situation|2", &error);
  g_autoptr (GBytes) v3 = el_vault_seal (vault, "new", 3, "sbar_versions|h1|situation|3", &error);
  struct
  {
    GBytes *value;
    const char *moved_to;
  } moves[] = {
    { a, ad_b },                             /* row a's value in row b */
    { b, ad_a },                             /* and the reverse */
    { a, "patients|a|notes|3" },             /* another column */
    { v2, "sbar_versions|h1|situation|3" },  /* an old version replayed as the new one */
    { v3, "sbar_versions|h1|background|3" }, /* another field of the same version */
    { v3, "sbar_versions|h2|situation|3" },  /* another handoff */
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      g_autoptr (GBytes) opened =
          el_vault_open (vault, g_bytes_get_data (moves[i].value, NULL), g_bytes_get_size (moves[i].value),
                         moves[i].moved_to, &error);

      g_assert_null (opened);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
      g_clear_error (&error);
    }
  {
    g_autoptr (GBytes) opened_a =
        el_vault_open (vault, g_bytes_get_data (a, NULL), g_bytes_get_size (a), ad_a, &error);
    g_autoptr (GBytes) opened_v3 = NULL;

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (opened_a, NULL), g_bytes_get_size (opened_a), "{\"name\":\"A\"}", 12);
    opened_v3 = el_vault_open (vault, g_bytes_get_data (v3, NULL), g_bytes_get_size (v3),
                               "sbar_versions|h1|situation|3", &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (opened_v3, NULL), g_bytes_get_size (opened_v3), "new", 3);
  }
}

/* Key rotation at vault level: every value opened with the old vault and resealed with the new
 * one under the same associated data; the new values open only with the new key, the old values
 * only with the old key, and derived vaults follow their master. */
static void
test_rotation (void)
{
  guint8 old_key[EL_VAULT_KEY_BYTES], new_key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) old_master = NULL;
  g_autoptr (ElVault) new_master = NULL;
  g_autoptr (ElVault) old_phi = NULL;
  g_autoptr (ElVault) new_phi = NULL;
  g_autoptr (GPtrArray) sealed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) resealed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;
  const guint n = 50;

  g_assert_true (el_vault_generate_key (old_key, &error));
  g_assert_true (el_vault_generate_key (new_key, &error));
  g_assert_no_error (error);
  old_master = el_vault_new (old_key);
  new_master = el_vault_new (new_key);
  OPENSSL_cleanse (old_key, sizeof old_key);
  OPENSSL_cleanse (new_key, sizeof new_key);
  old_phi = el_vault_new_derived (old_master, "phi");
  new_phi = el_vault_new_derived (new_master, "phi");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = g_strdup_printf ("patient %u: allergic to penicillin", i);
      g_autofree char *ad = g_strdup_printf ("patients|p%u|doc|1", i);

      g_ptr_array_add (sealed, el_vault_seal (old_phi, value, strlen (value), ad, &error));
      g_assert_no_error (error);
    }

  /* The rotation: open with the old, seal with the new. */
  for (guint i = 0; i < n; i++)
    {
      GBytes *value = g_ptr_array_index (sealed, i);
      g_autofree char *ad = g_strdup_printf ("patients|p%u|doc|1", i);
      g_autoptr (GBytes) plain =
          el_vault_open (old_phi, g_bytes_get_data (value, NULL), g_bytes_get_size (value), ad, &error);

      g_assert_no_error (error);
      g_ptr_array_add (resealed, el_vault_seal (new_phi, g_bytes_get_data (plain, NULL),
                                                g_bytes_get_size (plain), ad, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < n; i++)
    {
      GBytes *old_value = g_ptr_array_index (sealed, i);
      GBytes *new_value = g_ptr_array_index (resealed, i);
      g_autofree char *expected = g_strdup_printf ("patient %u: allergic to penicillin", i);
      g_autofree char *ad = g_strdup_printf ("patients|p%u|doc|1", i);
      g_autoptr (GBytes) opened = el_vault_open (new_phi, g_bytes_get_data (new_value, NULL),
                                                 g_bytes_get_size (new_value), ad, &error);
      g_autoptr (GBytes) old_on_new = NULL;
      g_autoptr (GBytes) new_on_old = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (g_bytes_get_data (opened, NULL), ==, expected);
      g_assert_false (g_bytes_equal (old_value, new_value));

      new_on_old = el_vault_open (old_phi, g_bytes_get_data (new_value, NULL), g_bytes_get_size (new_value),
                                  ad, &error);
      g_assert_null (new_on_old);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
      g_clear_error (&error);
      old_on_new = el_vault_open (new_phi, g_bytes_get_data (old_value, NULL), g_bytes_get_size (old_value),
                                  ad, &error);
      g_assert_null (old_on_new);
      g_assert_error (error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED);
      g_clear_error (&error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/crypto/vault/known-answers/seal", test_known_answers_seal);
  g_test_add_func ("/el/crypto/vault/known-answers/open", test_known_answers_open);
  g_test_add_func ("/el/crypto/vault/round-trip", test_round_trip);
  g_test_add_func ("/el/crypto/vault/tamper", test_tamper);
  g_test_add_func ("/el/crypto/vault/associated-data", test_associated_data);
  g_test_add_func ("/el/crypto/vault/truncated", test_truncated);
  g_test_add_func ("/el/crypto/vault/bad-version", test_bad_version);
  g_test_add_func ("/el/crypto/vault/unique-nonces", test_unique_nonces);
  g_test_add_func ("/el/crypto/vault/derived", test_derived);
  g_test_add_func ("/el/crypto/vault/no-plaintext", test_no_plaintext);
  g_test_add_func ("/el/crypto/vault/generate-key", test_generate_key);
  g_test_add_func ("/el/crypto/vault/swap", test_swap);
  g_test_add_func ("/el/crypto/vault/rotation", test_rotation);

  return g_test_run ();
}
