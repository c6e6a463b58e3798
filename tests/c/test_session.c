/* The session API (flask_cookie_session_*) from C: every claim of the header about it, and real
 * Flask's decisions replayed through it.
 *
 *   test_session CASES   (CASES from tests/c/session_cases.py: Flask 3.1.3's answers)
 *
 * Checked against Flask: 600 requests of fixtures/vectors/session_flask.json (settings, the
 * Cookie header, the view's operations; status 500 or the Set-Cookie values, Vary and the
 * session), typed reads of a cookie Flask signed, typed writes saved as Flask saves them, a
 * malformed timestamp. Checked against the header: NULL arguments, outputs written only on
 * success, BUFFER_TOO_SMALL with the length needed, states, modified/accessed tracking. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Spec known-answer vector 1: {"a": 1} signed by Flask with key "test key" at 1700000000. */
#define KAT "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
#define KAT_TIME 1700000000u
#define S(lit) (const uint8_t *)(lit), strlen(lit)

static flask_cookie_slice slice_of(const char *s) {
    flask_cookie_slice sl;
    sl.data = (const uint8_t *)s;
    sl.len = strlen(s);
    return sl;
}

/* A session config for the Flask preset with `key` (and optional fallbacks, oldest first). */
static flask_cookie_session_builder *builder_for(const flask_cookie_slice *keys, size_t n, int lenient) {
    flask_cookie_config *cfg = NULL;
    flask_cookie_session_builder *b = NULL;
    CHECK_RC(flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &cfg), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_keys(cfg, keys, n), FLASK_COOKIE_RESULT_OK);
    if (lenient) {
        CHECK_RC(flask_cookie_config_set_lenient_base64(cfg, true), FLASK_COOKIE_RESULT_OK);
    }
    /* The codec's max_age is ignored by the session layer: the lifetime rules. */
    CHECK_RC(flask_cookie_config_set_max_age(cfg, 1), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_new(cfg, &b), FLASK_COOKIE_RESULT_OK);
    flask_cookie_config_free(cfg);
    return b;
}

static flask_cookie_session_config *default_config(void) {
    flask_cookie_slice key = slice_of("test key");
    flask_cookie_session_builder *b = builder_for(&key, 1, 0);
    flask_cookie_session_config *c = NULL;
    CHECK_RC(flask_cookie_session_builder_build(b, &c), FLASK_COOKIE_RESULT_OK);
    flask_cookie_session_builder_free(b);
    return c;
}

static flask_cookie_session *open_headers(const flask_cookie_session_config *c, const char *h1,
                                          const char *h2, uint64_t now, uint32_t *state) {
    flask_cookie_slice hs[2];
    size_t n = 0;
    flask_cookie_session *s = NULL;
    if (h1) hs[n++] = slice_of(h1);
    if (h2) hs[n++] = slice_of(h2);
    CHECK_RC(flask_cookie_session_open(c, n ? hs : NULL, n, now, state, &s, NULL), FLASK_COOKIE_RESULT_OK);
    return s;
}

static void test_version(void) {
    CHECK(flask_cookie_version_number() == FLASK_COOKIE_VERSION_NUMBER);
    CHECK(FLASK_COOKIE_VERSION_NUMBER ==
          FLASK_COOKIE_VERSION_MAJOR * 10000 + FLASK_COOKIE_VERSION_MINOR * 100 + FLASK_COOKIE_VERSION_PATCH);
    char want[32];
    snprintf(want, sizeof want, "%u.%u.%u", FLASK_COOKIE_VERSION_MAJOR, FLASK_COOKIE_VERSION_MINOR,
             FLASK_COOKIE_VERSION_PATCH);
    CHECK(strcmp(flask_cookie_version(), want) == 0);
}

static void test_builder(void) {
    flask_cookie_config *cfg = NULL;
    flask_cookie_session_builder *b = (flask_cookie_session_builder *)&cfg; /* sentinel */
    flask_cookie_session_builder *sentinel = b;
    flask_cookie_session_config *c = (flask_cookie_session_config *)&cfg;
    flask_cookie_session_config *csentinel = c;
    CHECK_RC(flask_cookie_session_builder_new(NULL, &b), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(b == sentinel);
    CHECK_RC(flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &cfg), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_new(cfg, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    /* No key: INVALID_CONFIG, output unchanged. */
    CHECK_RC(flask_cookie_session_builder_new(cfg, &b), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    CHECK(b == sentinel);
    /* An empty newest key with the Flask preset: refused when building. */
    flask_cookie_slice empty = {NULL, 0};
    CHECK_RC(flask_cookie_config_set_keys(cfg, &empty, 1), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_new(cfg, &b), FLASK_COOKIE_RESULT_OK);
    flask_cookie_config_free(cfg);
    CHECK_RC(flask_cookie_session_builder_build(b, &c), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    CHECK(c == csentinel);
    flask_cookie_session_builder_free(b);

    flask_cookie_slice key = slice_of("test key");
    b = builder_for(&key, 1, 0);
    /* Setters: NULL builder, NULL with a length, not UTF-8. */
    CHECK_RC(flask_cookie_session_builder_set_cookie_name(NULL, S("x")), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_cookie_name(b, NULL, 1), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_cookie_name(b, (const uint8_t *)"\xff", 1),
             FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_httponly(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_secure(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_partitioned(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_refresh_each_request(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_lifetime(NULL, 1), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_domain(NULL, NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_path(NULL, NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_samesite(NULL, NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_set_application_root(NULL, S("/")), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    /* A SameSite Werkzeug refuses: INVALID_COOKIE_SETTING at build, output unchanged; the
     * builder stays usable. */
    CHECK_RC(flask_cookie_session_builder_set_samesite(b, S("sideways")), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_build(b, &c), FLASK_COOKIE_RESULT_INVALID_COOKIE_SETTING);
    CHECK(c == csentinel);
    CHECK(last_error_contains("SameSite"));
    CHECK_RC(flask_cookie_session_builder_set_domain(b, S("a..b")), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_set_samesite(b, NULL, 0), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_build(b, &c), FLASK_COOKIE_RESULT_INVALID_COOKIE_SETTING);
    CHECK_RC(flask_cookie_session_builder_set_domain(b, NULL, 0), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_builder_build(NULL, &c), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_build(b, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_builder_build(b, &c), FLASK_COOKIE_RESULT_OK);
    flask_cookie_session_config *c2 = NULL;
    CHECK_RC(flask_cookie_session_builder_build(b, &c2), FLASK_COOKIE_RESULT_OK); /* builds again */
    flask_cookie_session_builder_free(b);
    flask_cookie_session_builder_free(NULL);
    /* Configs outlive their builder. */
    uint32_t state = 99;
    flask_cookie_session *s = open_headers(c, "session=" KAT, NULL, KAT_TIME + 60, &state);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_OPENED);
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
    flask_cookie_session_config_free(c2);
    flask_cookie_session_config_free(NULL);
}

static void test_find_cookie(void) {
    flask_cookie_session_config *c = default_config();
    flask_cookie_slice hs[2] = {slice_of("theme=dark"), slice_of("a=1; session=" KAT "; session=second")};
    flask_cookie_buf v = {NULL, 0};
    bool found = false;
    CHECK_RC(flask_cookie_session_find_cookie(c, hs, 2, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found && buf_is(&v, KAT)); /* the first of that name wins */
    flask_cookie_buf_free(&v);
    CHECK_RC(flask_cookie_session_find_cookie(c, hs, 1, &v, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(v.len == 0 && v.data == NULL);
    CHECK_RC(flask_cookie_session_find_cookie(c, hs, 1, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(flask_cookie_session_find_cookie(c, NULL, 0, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(!found && v.len == 0);
    /* An empty cookie: found, empty. */
    flask_cookie_slice e = slice_of("session=");
    CHECK_RC(flask_cookie_session_find_cookie(c, &e, 1, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found && v.len == 0);
    /* Octal escapes in a quoted value are decoded as Werkzeug does. */
    flask_cookie_slice oct = slice_of("session=\"a\\054b\"");
    CHECK_RC(flask_cookie_session_find_cookie(c, &oct, 1, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found && buf_is(&v, "a,b"));
    flask_cookie_buf_free(&v);
    /* Quoted values are unquoted as Werkzeug does. */
    flask_cookie_slice q = slice_of("session=\"a\\\"b\"");
    CHECK_RC(flask_cookie_session_find_cookie(c, &q, 1, &v, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found && buf_is(&v, "a\"b"));
    flask_cookie_buf_free(&v);
    /* NULL arguments. */
    CHECK_RC(flask_cookie_session_find_cookie(NULL, hs, 2, &v, &found), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_find_cookie(c, hs, 2, NULL, &found), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_find_cookie(c, NULL, 1, &v, &found), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    flask_cookie_slice bad = {NULL, 3};
    CHECK_RC(flask_cookie_session_find_cookie(c, &bad, 1, &v, &found), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    /* _into: exact fit, too small (only *len_out written), length query with NULL. */
    uint8_t out[64];
    size_t len = 0;
    found = false;
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, out, sizeof out, &len, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found && len == strlen(KAT) && memcmp(out, KAT, len) == 0);
    memset(out, 'z', sizeof out);
    len = 0;
    found = false;
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, out, 10, &len, &found),
             FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == strlen(KAT) && out[0] == 'z' && !found);
    len = 0;
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, NULL, 0, &len, NULL), FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == strlen(KAT));
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, out, strlen(KAT), &len, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, NULL, 5, &len, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 2, out, sizeof out, NULL, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_find_cookie_into(c, hs, 1, NULL, 0, &len, &found), FLASK_COOKIE_RESULT_OK);
    CHECK(len == 0 && !found);
    flask_cookie_session_config_free(c);
}

static void test_open_states(void) {
    flask_cookie_session_config *c = default_config();
    uint32_t state = 99;
    uint64_t signed_at = 7;
    flask_cookie_session *s = NULL;
    flask_cookie_slice h = slice_of("session=" KAT);

    CHECK_RC(flask_cookie_session_open(c, NULL, 0, KAT_TIME, &state, &s, &signed_at), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NO_COOKIE && signed_at == 0 && s != NULL);
    CHECK(flask_cookie_session_len(s) == 0);
    flask_cookie_session_free(s);

    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME + 60, &state, &s, &signed_at), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_OPENED && signed_at == KAT_TIME);
    CHECK(!flask_cookie_session_is_accessed(s) && !flask_cookie_session_is_modified(s));
    flask_cookie_session_free(s);

    /* Exactly the lifetime (31 days) is still valid; a second more is expired. */
    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME + 2678400, &state, &s, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_OPENED);
    flask_cookie_session_free(s);
    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME + 2678401, &state, &s, &signed_at), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NEW_EXPIRED && signed_at == 0 && flask_cookie_session_len(s) == 0);
    flask_cookie_session_free(s);
    /* Signed in the future: expired too (itsdangerous: age < 0). */
    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME - 1, &state, &s, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NEW_EXPIRED);
    flask_cookie_session_free(s);

    flask_cookie_slice t = slice_of("session=" "eyJhIjoyfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE");
    CHECK_RC(flask_cookie_session_open(c, &t, 1, KAT_TIME, &state, &s, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NEW_BAD_SIGNATURE && flask_cookie_session_len(s) == 0);
    flask_cookie_session_free(s);

    /* NULL arguments: nothing written. */
    flask_cookie_session *sentinel = (flask_cookie_session *)&state;
    s = sentinel;
    state = 99;
    CHECK_RC(flask_cookie_session_open(NULL, &h, 1, KAT_TIME, &state, &s, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME, NULL, &s, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_open(c, &h, 1, KAT_TIME, &state, NULL, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_open(c, NULL, 2, KAT_TIME, &state, &s, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(s == sentinel && state == 99);
    /* FLASK_COOKIE_NOW: the KAT cookie is long expired by the system clock. */
    CHECK_RC(flask_cookie_session_open(c, &h, 1, FLASK_COOKIE_NOW, &state, &s, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NEW_EXPIRED);
    flask_cookie_session_free(s);
    flask_cookie_session_free(NULL);
    flask_cookie_session_config_free(c);
}

static void test_access_and_save(void) {
    flask_cookie_session_config *c = default_config();
    uint32_t state = 0;
    flask_cookie_session *s = open_headers(c, "session=" KAT, NULL, KAT_TIME + 60, &state);
    flask_cookie_buf j = {NULL, 0};
    uint8_t out[256];
    size_t len = 0;
    int64_t i = 5;
    bool bv = true, found = false;

    /* Saving an opened, unchanged, non-permanent session: nothing, and no Vary (not accessed). */
    uint32_t action = 99;
    bool vary = true;
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME + 60, &action, &j, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_NONE && !vary && j.len == 0);
    CHECK(!flask_cookie_session_is_accessed(s)); /* saving does not access */

    CHECK_RC(flask_cookie_session_get_json(s, S("a"), &j), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&j, "1"));
    flask_cookie_buf_free(&j);
    CHECK(flask_cookie_session_is_accessed(s) && !flask_cookie_session_is_modified(s));
    CHECK_RC(flask_cookie_session_get_json(s, S("zz"), &j), FLASK_COOKIE_RESULT_KEY_NOT_FOUND);
    CHECK(j.data == NULL);
    CHECK_RC(flask_cookie_session_get_json(s, NULL, 1, &j), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_get_json(s, (const uint8_t *)"\xff", 1, &j), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(flask_cookie_session_get_json(NULL, S("a"), &j), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_get_json(s, S("a"), NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_get_json_into(s, S("a"), out, sizeof out, &len), FLASK_COOKIE_RESULT_OK);
    CHECK(len == 1 && out[0] == '1');
    len = 0;
    CHECK_RC(flask_cookie_session_get_json_into(s, S("a"), NULL, 0, &len), FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 1);
    CHECK_RC(flask_cookie_session_get_int64(s, S("a"), &i), FLASK_COOKIE_RESULT_OK);
    CHECK(i == 1);
    CHECK_RC(flask_cookie_session_get_int64(s, S("zz"), &i), FLASK_COOKIE_RESULT_KEY_NOT_FOUND);
    CHECK_RC(flask_cookie_session_get_bool(s, S("a"), &bv), FLASK_COOKIE_RESULT_WRONG_TYPE);
    CHECK(bv == true && i == 1); /* untouched on failure */
    CHECK_RC(flask_cookie_session_get_str_into(s, S("a"), out, sizeof out, &len), FLASK_COOKIE_RESULT_WRONG_TYPE);
    CHECK_RC(flask_cookie_session_contains(s, S("a"), &found), FLASK_COOKIE_RESULT_OK);
    CHECK(found);
    CHECK_RC(flask_cookie_session_contains(s, S("b"), &found), FLASK_COOKIE_RESULT_OK);
    CHECK(!found);
    CHECK(flask_cookie_session_len(s) == 1 && flask_cookie_session_len(NULL) == 0);

    /* Accessed, not modified: no cookie, but Vary: Cookie. */
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME + 60, &action, &j, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_NONE && vary);

    /* pop of a missing key does not modify; of a present one does. */
    bool removed = true;
    CHECK_RC(flask_cookie_session_remove(s, S("nope"), &removed), FLASK_COOKIE_RESULT_OK);
    CHECK(!removed && !flask_cookie_session_is_modified(s));
    CHECK_RC(flask_cookie_session_set_int64(s, S("uid"), 42), FLASK_COOKIE_RESULT_OK);
    CHECK(flask_cookie_session_is_modified(s));
    CHECK_RC(flask_cookie_session_set_str(s, S("name"), (const uint8_t *)"\xff", 1), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(flask_cookie_session_set_json(s, S("bad"), S("{")), FLASK_COOKIE_RESULT_DUMP_INVALID_JSON);
    CHECK_RC(flask_cookie_session_contains(s, S("bad"), &found), FLASK_COOKIE_RESULT_OK);
    CHECK(!found); /* unchanged on failure */
    CHECK_RC(flask_cookie_session_set_json(s, S("t"), S("{\" t\":[1,2]}")), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_get_json(s, S("t"), &j), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&j, "{\" t\":[1,2]}"));
    flask_cookie_buf_free(&j);
    CHECK_RC(flask_cookie_session_to_json(s, &j), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&j, "{\"a\":1,\"t\":{\" t\":[1,2]},\"uid\":42}"));
    flask_cookie_buf_free(&j);

    /* save_into: too small (only *len_out), then the same bytes as save. */
    flask_cookie_buf h = {NULL, 0};
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME + 60, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_SET && vary && h.len > 0);
    CHECK(memcmp(h.data, "session=", 8) == 0);
    action = 99;
    vary = false;
    len = 0;
    CHECK_RC(flask_cookie_session_save_into(c, s, KAT_TIME + 60, &action, out, 8, &len, &vary),
             FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == h.len && action == 99 && !vary);
    CHECK_RC(flask_cookie_session_save_into(c, s, KAT_TIME + 60, &action, out, sizeof out, &len, &vary),
             FLASK_COOKIE_RESULT_OK);
    CHECK(len == h.len && memcmp(out, h.data, len) == 0 && action == FLASK_COOKIE_SAVE_ACTION_SET && vary);
    flask_cookie_buf_free(&h);
    CHECK_RC(flask_cookie_session_save(NULL, s, 0, &action, &h, &vary), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_save(c, NULL, 0, &action, &h, &vary), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_save(c, s, 0, NULL, &h, &vary), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_save(c, s, 0, &action, NULL, &vary), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_save(c, s, 0, &action, &h, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_save_into(c, s, 0, &action, out, sizeof out, NULL, &vary), FLASK_COOKIE_RESULT_NULL_ARGUMENT);

    /* permanent; clear deletes the cookie. */
    CHECK(!flask_cookie_session_permanent(s) && !flask_cookie_session_permanent(NULL));
    CHECK_RC(flask_cookie_session_set_permanent(s, true), FLASK_COOKIE_RESULT_OK);
    CHECK(flask_cookie_session_permanent(s));
    CHECK_RC(flask_cookie_session_get_bool(s, S("_permanent"), &bv), FLASK_COOKIE_RESULT_OK);
    CHECK(bv);
    CHECK_RC(flask_cookie_session_clear(s), FLASK_COOKIE_RESULT_OK);
    CHECK(flask_cookie_session_len(s) == 0 && !flask_cookie_session_permanent(s));
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME + 60, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_DELETE && vary);
    /* Werkzeug's delete_cookie for Flask's defaults. */
    CHECK(buf_is(&h, "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"));
    flask_cookie_buf_free(&h);
    CHECK_RC(flask_cookie_session_clear(NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_set_permanent(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_mark_modified(NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_session_touch(NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(!flask_cookie_session_is_modified(NULL) && !flask_cookie_session_is_accessed(NULL));
    flask_cookie_session_free(s);

    /* Reading functions set accessed too: len, contains, permanent, to_json. */
    for (int k = 0; k < 4; k++) {
        s = open_headers(c, "session=" KAT, NULL, KAT_TIME + 60, &state);
        CHECK(!flask_cookie_session_is_accessed(s));
        if (k == 0) (void)flask_cookie_session_len(s);
        if (k == 1) CHECK_RC(flask_cookie_session_contains(s, S("a"), &found), FLASK_COOKIE_RESULT_OK);
        if (k == 2) (void)flask_cookie_session_permanent(s);
        if (k == 3) {
            CHECK_RC(flask_cookie_session_to_json(s, &j), FLASK_COOKIE_RESULT_OK);
            flask_cookie_buf_free(&j);
        }
        CHECK(flask_cookie_session_is_accessed(s) && !flask_cookie_session_is_modified(s));
        flask_cookie_session_free(s);
    }
    /* A permanent session's cookie: Expires = now + lifetime (Werkzeug's date format). */
    s = open_headers(c, NULL, NULL, KAT_TIME, &state);
    CHECK_RC(flask_cookie_session_set_permanent(s, true), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    /* 1700000000 + 2678400 = Fri, 15 Dec 2023 22:13:20 GMT (Python's datetime) */
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_SET && h.len > 0 &&
          strstr((const char *)h.data, "; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly; Path=/") != NULL);
    flask_cookie_buf_free(&h);
    /* An Expires after the year 9999: Flask's OverflowError, SAVE_COOKIE_ERROR; nothing written. */
    action = 99;
    CHECK_RC(flask_cookie_session_save(c, s, 253402300799u, &action, &h, &vary), FLASK_COOKIE_RESULT_SAVE_COOKIE_ERROR);
    CHECK(action == 99 && h.data == NULL);
    flask_cookie_session_free(s);

    /* touch alone: Vary only; mark_modified on a non-empty session: the cookie. */
    s = open_headers(c, "session=" KAT, NULL, KAT_TIME + 60, &state);
    CHECK_RC(flask_cookie_session_touch(s), FLASK_COOKIE_RESULT_OK);
    CHECK(flask_cookie_session_is_accessed(s) && !flask_cookie_session_is_modified(s));
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME + 60, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_NONE && vary);
    CHECK_RC(flask_cookie_session_mark_modified(s), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_session_save(c, s, KAT_TIME, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    /* The same dict signed at the same time by the same key: Flask's cookie, KAT vector 1. */
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_SET && buf_is(&h, "session=" KAT "; HttpOnly; Path=/"));
    flask_cookie_buf_free(&h);
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
}

/* ---- Flask's answers ------------------------------------------------------------------- */

/* Decodes a token: `-` gives NULL (*none = 1); `x` + hex the bytes (NUL-terminated copy). */
static uint8_t *tok_bytes(char **cursor, size_t *len, int *none) {
    char *t = strtok_r(NULL, " \n", cursor);
    *len = 0;
    if (none) *none = 0;
    if (t == NULL || strcmp(t, "-") == 0) {
        if (none) *none = 1;
        return NULL;
    }
    size_t n = (strlen(t) - 1) / 2;
    uint8_t *out = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(t + 1 + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    out[n] = 0;
    *len = n;
    return out;
}

static long long tok_int(char **cursor) {
    char *t = strtok_r(NULL, " \n", cursor);
    return t ? strtoll(t, NULL, 10) : -1;
}

static char *tok_word(char **cursor) { return strtok_r(NULL, " \n", cursor); }

static unsigned long flask_cases, flask_500, excluded;

static void flask_case(char *cursor) {
    size_t n_name, n_dom, n_path, n_root, n_ss, l;
    int dom_none, path_none, ss_none, none;
    flask_cookie_session *s = NULL;
    flask_cookie_session_config *c = NULL;
    long long idx = tok_int(&cursor);
    uint8_t *name = tok_bytes(&cursor, &n_name, NULL);
    uint8_t *dom = tok_bytes(&cursor, &n_dom, &dom_none);
    uint8_t *path = tok_bytes(&cursor, &n_path, &path_none);
    uint8_t *root = tok_bytes(&cursor, &n_root, NULL);
    int httponly = (int)tok_int(&cursor), secure = (int)tok_int(&cursor);
    uint8_t *ss = tok_bytes(&cursor, &n_ss, &ss_none);
    int partitioned = (int)tok_int(&cursor);
    uint64_t lifetime = (uint64_t)tok_int(&cursor);
    int refresh = (int)tok_int(&cursor), ss_ok = (int)tok_int(&cursor), dom_ok = (int)tok_int(&cursor);
    size_t nfb = (size_t)tok_int(&cursor);
    flask_cookie_slice keys[4];
    uint8_t *fb[3] = {NULL, NULL, NULL};
    for (size_t k = 0; k < nfb && k < 3; k++) {
        fb[k] = tok_bytes(&cursor, &l, NULL);
        keys[k].data = fb[k];
        keys[k].len = l;
    }
    keys[nfb] = slice_of("test key");
    uint64_t now = (uint64_t)tok_int(&cursor);
    size_t n_header;
    int header_none;
    uint8_t *header = tok_bytes(&cursor, &n_header, &header_none);
    int status = (int)tok_int(&cursor), non_text = (int)tok_int(&cursor);
    size_t n_json;
    uint8_t *want_json = tok_bytes(&cursor, &n_json, &none);
    size_t n_sc = (size_t)tok_int(&cursor);
    size_t n_want_sc = 0;
    uint8_t *want_sc = NULL;
    for (size_t k = 0; k < n_sc; k++) {
        uint8_t *x = tok_bytes(&cursor, &l, NULL);
        if (k == 0) { want_sc = x; n_want_sc = l; } else free(x);
    }
    int want_vary = (int)tok_int(&cursor);
    long long n_ops = tok_int(&cursor);

    /* The config: Flask refuses a bad SameSite or domain only when writing a cookie; this
     * library refuses it when building. Build without the refused settings, remember it. */
    flask_cookie_session_builder *b = builder_for(keys, nfb + 1, 1);
    flask_cookie_session_builder_set_cookie_name(b, name, n_name);
    flask_cookie_session_builder_set_path(b, path_none ? NULL : (path ? path : (const uint8_t *)""), n_path);
    flask_cookie_session_builder_set_application_root(b, root ? root : (const uint8_t *)"", n_root);
    flask_cookie_session_builder_set_httponly(b, httponly);
    flask_cookie_session_builder_set_secure(b, secure);
    flask_cookie_session_builder_set_partitioned(b, partitioned);
    flask_cookie_session_builder_set_lifetime(b, lifetime);
    flask_cookie_session_builder_set_refresh_each_request(b, refresh);
    if (ss_ok && !ss_none) flask_cookie_session_builder_set_samesite(b, ss, n_ss);
    if (dom_ok && !dom_none) flask_cookie_session_builder_set_domain(b, dom ? dom : (const uint8_t *)"", n_dom);
    int lazy = !ss_ok || !dom_ok;
    flask_cookie_result r = flask_cookie_session_builder_build(b, &c);
    if (r == FLASK_COOKIE_RESULT_INVALID_COOKIE_SETTING) {
        /* A non-ASCII domain Python encodes and this library does not (docs/compatibility.md). */
        int ascii = 1;
        for (size_t k = 0; k < n_dom; k++) if (dom[k] >= 0x80) ascii = 0;
        CHECK(!ascii);
        excluded++;
        goto done;
    }
    /* And a refused setting must be refused here too. */
    if (lazy) {
        flask_cookie_session_config *c2 = NULL;
        if (!ss_ok) flask_cookie_session_builder_set_samesite(b, ss, n_ss);
        if (!dom_ok) flask_cookie_session_builder_set_domain(b, dom, n_dom);
        CHECK_RC(flask_cookie_session_builder_build(b, &c2), FLASK_COOKIE_RESULT_INVALID_COOKIE_SETTING);
        flask_cookie_session_config_free(c2);
    }
    if (!CHECK_RC(r, FLASK_COOKIE_RESULT_OK)) goto done;
    flask_cookie_slice h = {header, n_header};
    uint32_t state;
    r = flask_cookie_session_open(c, header_none ? NULL : &h, header_none ? 0 : 1, now, &state, &s, NULL);
    if (r == FLASK_COOKIE_RESULT_SESSION_NON_TEXT_KEY) {
        CHECK(non_text);
        excluded++;
        goto done;
    }
    CHECK(!non_text);
    if (r != FLASK_COOKIE_RESULT_OK) {
        /* Flask's HTTP 500: a bad payload, a timestamp after 9999, not a dict. */
        if (!CHECK(status == 500)) fprintf(stderr, "      case %lld: open %u, Flask %d\n", idx, (unsigned)r, status);
        CHECK(r == FLASK_COOKIE_RESULT_SESSION_NOT_A_DICT || r == FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE ||
              (r >= 400 && r < 500));
        CHECK(!flask_cookie_result_is_bad_signature(r));
        flask_500++;
        flask_cases++;
        goto done;
    }
    for (long long k = 0; k < n_ops; k++) {
        char *kind = tok_word(&cursor);
        size_t nk, nv;
        uint8_t *key = NULL, *val = NULL;
        flask_cookie_buf j = {NULL, 0};
        bool found;
        if (strcmp(kind, "get") == 0) {
            key = tok_bytes(&cursor, &nk, NULL);
            r = flask_cookie_session_get_json(s, key, nk, &j);
            CHECK(r == FLASK_COOKIE_RESULT_OK || r == FLASK_COOKIE_RESULT_KEY_NOT_FOUND);
            flask_cookie_buf_free(&j);
        } else if (strcmp(kind, "set") == 0 || strcmp(kind, "setdefault") == 0) {
            key = tok_bytes(&cursor, &nk, NULL);
            val = tok_bytes(&cursor, &nv, NULL);
            found = false;
            if (kind[3] == 'd') CHECK_RC(flask_cookie_session_contains(s, key, nk, &found), FLASK_COOKIE_RESULT_OK);
            if (!found) CHECK_RC(flask_cookie_session_set_json(s, key, nk, val, nv), FLASK_COOKIE_RESULT_OK);
        } else if (strcmp(kind, "pop") == 0) {
            key = tok_bytes(&cursor, &nk, NULL);
            CHECK_RC(flask_cookie_session_remove(s, key, nk, NULL), FLASK_COOKIE_RESULT_OK);
        } else if (strcmp(kind, "clear") == 0) {
            CHECK_RC(flask_cookie_session_clear(s), FLASK_COOKIE_RESULT_OK);
        } else if (strcmp(kind, "permanent") == 0) {
            CHECK_RC(flask_cookie_session_set_permanent(s, tok_int(&cursor) != 0), FLASK_COOKIE_RESULT_OK);
        } else if (strcmp(kind, "touch") == 0) {
            CHECK_RC(flask_cookie_session_touch(s), FLASK_COOKIE_RESULT_OK);
        } else if (strcmp(kind, "modified") == 0) {
            CHECK_RC(flask_cookie_session_mark_modified(s), FLASK_COOKIE_RESULT_OK);
        }
        free(key);
        free(val);
    }
    uint32_t action;
    bool vary;
    flask_cookie_buf sc = {NULL, 0};
    r = flask_cookie_session_save(c, s, now, &action, &sc, &vary);
    int got_status = 200;
    if (r != FLASK_COOKIE_RESULT_OK || (lazy && action != FLASK_COOKIE_SAVE_ACTION_NONE)) got_status = 500;
    if (!CHECK(got_status == status)) {
        fprintf(stderr, "      case %lld: status %d (save %u), Flask %d\n", idx, got_status, (unsigned)r, status);
    } else if (status == 200) {
        /* Werkzeug's delete_cookie is the one Set-Cookie with Max-Age=0. */
        uint32_t want_action = n_sc == 0 ? FLASK_COOKIE_SAVE_ACTION_NONE
                               : strstr((char *)want_sc, "; Max-Age=0") ? FLASK_COOKIE_SAVE_ACTION_DELETE
                                                                        : FLASK_COOKIE_SAVE_ACTION_SET;
        int ok = CHECK(action == want_action);
        ok &= CHECK(sc.len == n_want_sc && (n_want_sc == 0 || memcmp(sc.data, want_sc, n_want_sc) == 0));
        ok &= CHECK(vary == (want_vary != 0));
        flask_cookie_buf j = {NULL, 0};
        CHECK_RC(flask_cookie_session_to_json(s, &j), FLASK_COOKIE_RESULT_OK);
        ok &= CHECK(want_json && j.len == n_json && memcmp(j.data, want_json, n_json) == 0);
        flask_cookie_buf_free(&j);
        if (!ok) fprintf(stderr, "      case %lld: got %.*s\n      want %s\n", idx, (int)sc.len, (char *)sc.data, want_sc ? (char *)want_sc : "(none)");
    } else {
        flask_500++;
    }
    flask_cookie_buf_free(&sc);
    flask_cases++;
done:
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
    flask_cookie_session_builder_free(b);
    free(name); free(dom); free(path); free(root); free(ss); free(header); free(want_json); free(want_sc);
    for (size_t k = 0; k < 3; k++) free(fb[k]);
}

/* T: typed reads of a cookie Flask signed. */
static void typed_case(char *cursor) {
    size_t n_cookie;
    uint8_t *cookie = tok_bytes(&cursor, &n_cookie, NULL);
    uint64_t now = (uint64_t)tok_int(&cursor);
    long long n = tok_int(&cursor);
    flask_cookie_session_config *c = default_config();
    char *header = malloc(n_cookie + 9);
    memcpy(header, "session=", 8);
    memcpy(header + 8, cookie, n_cookie + 1);
    uint32_t state = 99;
    flask_cookie_session *s = open_headers(c, header, NULL, now, &state);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_OPENED);
    CHECK(flask_cookie_session_len(s) == (size_t)n);
    for (long long k = 0; k < n; k++) {
        size_t nk, nj, nv;
        int vnone;
        uint8_t *key = tok_bytes(&cursor, &nk, NULL);
        char *type = tok_word(&cursor);
        uint8_t *json = tok_bytes(&cursor, &nj, NULL);
        uint8_t *val = tok_bytes(&cursor, &nv, &vnone);
        flask_cookie_buf j = {NULL, 0};
        uint8_t small[4];
        size_t len = 12345;
        /* Tagged JSON: Flask's TaggedJSONSerializer.dumps of the value. */
        CHECK_RC(flask_cookie_session_get_json(s, key, nk, &j), FLASK_COOKIE_RESULT_OK);
        if (!CHECK(j.len == nj && memcmp(j.data, json, nj) == 0)) fprintf(stderr, "      key %s: %.*s\n", (char *)key, (int)j.len, (char *)j.data);
        flask_cookie_buf_free(&j);
        flask_cookie_result r = flask_cookie_session_get_json_into(s, key, nk, small, sizeof small, &len);
        if (nj > sizeof small) CHECK(r == FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL && len == nj);
        else CHECK(r == FLASK_COOKIE_RESULT_OK && len == nj && memcmp(small, json, nj) == 0);
        int64_t iv = 77;
        bool bv = false;
        r = flask_cookie_session_get_int64(s, key, nk, &iv);
        if (strcmp(type, "int") == 0) {
            errno = 0;
            long long want = strtoll((char *)json, NULL, 10);
            if (errno == ERANGE) CHECK(r == FLASK_COOKIE_RESULT_INT_OUT_OF_RANGE && iv == 77);
            else CHECK(r == FLASK_COOKIE_RESULT_OK && iv == want);
        } else {
            CHECK(r == FLASK_COOKIE_RESULT_WRONG_TYPE && iv == 77);
        }
        r = flask_cookie_session_get_bool(s, key, nk, &bv);
        if (strcmp(type, "bool") == 0) CHECK(r == FLASK_COOKIE_RESULT_OK && bv == (json[0] == 't'));
        else CHECK(r == FLASK_COOKIE_RESULT_WRONG_TYPE && !bv);
        flask_cookie_buf str = {NULL, 0};
        uint8_t sb[64];
        len = 0;
        r = flask_cookie_session_get_str(s, key, nk, &str);
        flask_cookie_result r2 = flask_cookie_session_get_str_into(s, key, nk, sb, sizeof sb, &len);
        if (strcmp(type, "str") == 0 || strcmp(type, "Markup") == 0) {
            CHECK(r == FLASK_COOKIE_RESULT_OK && str.len == nv && (nv == 0 || memcmp(str.data, val, nv) == 0));
            CHECK(r2 == FLASK_COOKIE_RESULT_OK && len == nv && memcmp(sb, val, nv) == 0);
            if (nv > 0) {
                len = 0;
                CHECK_RC(flask_cookie_session_get_str_into(s, key, nk, sb, nv - 1, &len), FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL);
                CHECK(len == nv);
            }
        } else if (strcmp(type, "str_lone") == 0) {
            CHECK(r == FLASK_COOKIE_RESULT_STR_NOT_UTF8 && r2 == FLASK_COOKIE_RESULT_STR_NOT_UTF8 && str.data == NULL);
        } else {
            CHECK(r == FLASK_COOKIE_RESULT_WRONG_TYPE && r2 == FLASK_COOKIE_RESULT_WRONG_TYPE && str.data == NULL);
        }
        flask_cookie_buf_free(&str);
        free(key);
        free(json);
        free(val);
    }
    CHECK(!flask_cookie_session_is_modified(s));
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
    free(header);
    free(cookie);
}

/* W: typed writes, saved as Flask saved them. */
static void written_case(char *cursor) {
    uint64_t now = (uint64_t)tok_int(&cursor);
    long long n = tok_int(&cursor);
    flask_cookie_session_config *c = default_config();
    uint32_t state = 99;
    flask_cookie_session *s = open_headers(c, NULL, NULL, now, &state);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NO_COOKIE);
    for (long long k = 0; k < n; k++) {
        size_t nk, nv;
        uint8_t *key = tok_bytes(&cursor, &nk, NULL);
        char *type = tok_word(&cursor);
        if (strcmp(type, "str") == 0) {
            uint8_t *v = tok_bytes(&cursor, &nv, NULL);
            CHECK_RC(flask_cookie_session_set_str(s, key, nk, v, nv), FLASK_COOKIE_RESULT_OK);
            free(v);
        } else if (strcmp(type, "bool") == 0) {
            CHECK_RC(flask_cookie_session_set_bool(s, key, nk, tok_int(&cursor) != 0), FLASK_COOKIE_RESULT_OK);
        } else {
            char *t = tok_word(&cursor);
            CHECK_RC(flask_cookie_session_set_int64(s, key, nk, (int64_t)strtoll(t, NULL, 10)), FLASK_COOKIE_RESULT_OK);
        }
        free(key);
    }
    size_t nw;
    uint8_t *want = tok_bytes(&cursor, &nw, NULL);
    uint32_t action = 99;
    bool vary = false;
    flask_cookie_buf h = {NULL, 0};
    CHECK_RC(flask_cookie_session_save(c, s, now, &action, &h, &vary), FLASK_COOKIE_RESULT_OK);
    CHECK(action == FLASK_COOKIE_SAVE_ACTION_SET && vary);
    if (!CHECK(h.len == nw && memcmp(h.data, want, nw) == 0))
        fprintf(stderr, "      got  %.*s\n      want %s\n", (int)h.len, (char *)h.data, (char *)want);
    flask_cookie_buf_free(&h);
    free(want);
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
}

/* M: a validly signed cookie with a malformed timestamp: a new session, as in Flask. */
static void malformed_case(char *cursor) {
    size_t n;
    uint8_t *cookie = tok_bytes(&cursor, &n, NULL);
    char *header = malloc(n + 9);
    memcpy(header, "session=", 8);
    memcpy(header + 8, cookie, n + 1);
    flask_cookie_session_config *c = default_config();
    uint32_t state = 99;
    flask_cookie_session *s = open_headers(c, "other=1", header, KAT_TIME, &state);
    CHECK(state == FLASK_COOKIE_SESSION_STATE_NEW_MALFORMED_TIMESTAMP && flask_cookie_session_len(s) == 0);
    flask_cookie_session_free(s);
    flask_cookie_session_config_free(c);
    free(header);
    free(cookie);
}

/* One session config shared by threads (the header: immutable, no locking needed); each thread
 * opens, reads, changes and saves its own sessions; the answers are the single-thread ones. */
static flask_cookie_session_config *shared_config;
static char shared_want[512];

static void *session_thread(void *arg) {
    long bad = 0;
    (void)arg;
    for (int i = 0; i < 200; i++) {
        flask_cookie_slice h = slice_of("session=" KAT);
        uint32_t state = 99;
        flask_cookie_session *s = NULL;
        int64_t a = 0;
        uint32_t action;
        bool vary;
        uint8_t out[512];
        size_t len = 0;
        if (flask_cookie_session_open(shared_config, &h, 1, KAT_TIME + 60, &state, &s, NULL) != FLASK_COOKIE_RESULT_OK) { bad++; continue; }
        if (state != FLASK_COOKIE_SESSION_STATE_OPENED) bad++;
        if (flask_cookie_session_get_int64(s, S("a"), &a) != FLASK_COOKIE_RESULT_OK || a != 1) bad++;
        if (flask_cookie_session_set_int64(s, S("n"), i) != FLASK_COOKIE_RESULT_OK) bad++;
        if (flask_cookie_session_remove(s, S("n"), NULL) != FLASK_COOKIE_RESULT_OK) bad++;
        if (flask_cookie_session_save_into(shared_config, s, KAT_TIME, &action, out, sizeof out, &len, &vary) != FLASK_COOKIE_RESULT_OK ||
            len != strlen(shared_want) || memcmp(out, shared_want, len) != 0)
            bad++;
        flask_cookie_session_free(s);
    }
    return (void *)bad;
}

static void test_threads(void) {
    shared_config = default_config();
    snprintf(shared_want, sizeof shared_want, "session=%s; HttpOnly; Path=/", KAT);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, session_thread, NULL) == 0);
    for (int i = 0; i < 4; i++) {
        void *bad = NULL;
        CHECK(pthread_join(t[i], &bad) == 0);
        CHECK(bad == NULL);
    }
    flask_cookie_session_config_free(shared_config);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_session CASES\n");
        return 2;
    }
    test_version();
    test_builder();
    test_find_cookie();
    test_open_states();
    test_access_and_save();
    test_threads();
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    int typed = 0, written = 0, malformed = 0;
    while (getline(&line, &cap, f) > 0) {
        char *cursor = NULL;
        char *kind = strtok_r(line, " \n", &cursor);
        if (!kind) continue;
        if (strcmp(kind, "S") == 0) flask_case(cursor);
        else if (strcmp(kind, "T") == 0) { typed_case(cursor); typed++; }
        else if (strcmp(kind, "W") == 0) { written_case(cursor); written++; }
        else if (strcmp(kind, "M") == 0) { malformed_case(cursor); malformed++; }
    }
    free(line);
    fclose(f);
    CHECK(flask_cases + excluded == 600 && flask_cases >= 540 && typed == 1 && written == 1 && malformed == 1);
    printf("Flask sessions: %lu cases replayed (%lu HTTP 500), %lu excluded by documented rules\n",
           flask_cases, flask_500, excluded);
    return check_done("test_session");
}
