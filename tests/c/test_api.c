/* Every function of the C ABI, every result value, and bad input, written from the
 * documentation in include/flask_cookie.h.
 *
 * Oracles: the spec's known-answer vectors (../shared/spec/flask-cookie-format.md, section 9),
 * cookies made and decisions taken by real Flask (known_answers.h, written by
 * gen_known_answers.py), and the header's own documented contract (outputs untouched on
 * failure, NULL handling, limits, messages). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "flask_cookie.h"
#include "known_answers.h"

#define T 1700000000u
#define FLASK_MAX_AGE 2678400u

/* The spec's known-answer vectors (key "test key", Flask's defaults, at T). */
#define VECTOR1 "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
#define VECTOR1_JSON "{\"a\":1}"
#define VECTOR2 "eyJ2IjoiYWFhYWFhYWFhYWEifQ.ZVPxAA.X4gJc6MtntS_8NUJTKexEs5fZ9c"
#define VECTOR2_JSON "{\"v\":\"aaaaaaaaaaa\"}"

/* A (pointer, length) pair from a string literal or a char array. */
#define STR(s) (const uint8_t *)(s), strlen(s)

static const flask_cookie_codec *const NO_CODEC = NULL;

/* A value that no function may write over an output it does not produce. */
#define SENTINEL_PTR ((uint8_t *)&sentinel_byte)
static uint8_t sentinel_byte;

static flask_cookie_config *new_config(uint32_t preset, const char *const *keys, size_t n) {
    flask_cookie_config *config = NULL;
    flask_cookie_slice slices[8];
    size_t i;
    if (!CHECK_RC(flask_cookie_config_new(preset, &config), FLASK_COOKIE_RESULT_OK)) {
        exit(1);
    }
    for (i = 0; i < n && i < 8; i++) {
        slices[i].data = (const uint8_t *)keys[i];
        slices[i].len = strlen(keys[i]);
    }
    CHECK_RC(flask_cookie_config_set_keys(config, slices, n), FLASK_COOKIE_RESULT_OK);
    return config;
}

static flask_cookie_codec *build(flask_cookie_config *config) {
    flask_cookie_codec *codec = NULL;
    if (!CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_OK)) {
        exit(1);
    }
    flask_cookie_config_free(config);
    return codec;
}

/* A codec for Flask's defaults with one key. */
static flask_cookie_codec *flask_codec(const char *key) {
    return build(new_config(FLASK_COOKIE_PRESET_FLASK, &key, 1));
}

/* Opens `cookie` and checks the result and, on success, the JSON and the signing time. On
 * failure, checks that the outputs were left alone. */
static void expect_open(const flask_cookie_codec *codec, const char *cookie, uint64_t now,
                        flask_cookie_result want, const char *want_json, uint64_t want_signed_at,
                        int line) {
    flask_cookie_buf json = {SENTINEL_PTR, 12345};
    uint64_t signed_at = 777;
    flask_cookie_result got =
        flask_cookie_open(codec, (const uint8_t *)cookie, strlen(cookie), now, &json, &signed_at);
    if (!check_rc_(got, want, cookie, __FILE__, line)) {
        if (got == FLASK_COOKIE_RESULT_OK) {
            flask_cookie_buf_free(&json);
        }
        return;
    }
    if (want == FLASK_COOKIE_RESULT_OK) {
        if (!check_(buf_is(&json, want_json), "JSON as expected", __FILE__, line)) {
            fprintf(stderr, "      got %.*s\n      want %s\n", (int)(json.len > 300 ? 300 : json.len),
                    (const char *)json.data, want_json);
        }
        check_(signed_at == want_signed_at, "signed_at as expected", __FILE__, line);
        flask_cookie_buf_free(&json);
        check_(json.data == NULL && json.len == 0, "buf_free zeroes the buffer", __FILE__, line);
    } else {
        check_(json.data == SENTINEL_PTR && json.len == 12345, "json_out untouched on failure",
               __FILE__, line);
        check_(signed_at == 777, "signed_at_out untouched on failure", __FILE__, line);
        check_(flask_cookie_last_error(NULL, 0) > 0, "a failure leaves a last error", __FILE__,
               line);
    }
}
#define EXPECT_OPEN(codec, cookie, now, want, json, signed_at)                                 \
    expect_open((codec), (cookie), (now), (want), (json), (signed_at), __LINE__)

static void expect_verify(const flask_cookie_codec *codec, const char *cookie, uint64_t now,
                          flask_cookie_result want, uint64_t want_signed_at, int line) {
    uint64_t signed_at = 777;
    flask_cookie_result got =
        flask_cookie_verify(codec, (const uint8_t *)cookie, strlen(cookie), now, &signed_at);
    if (!check_rc_(got, want, cookie, __FILE__, line)) {
        return;
    }
    check_(signed_at == (want == FLASK_COOKIE_RESULT_OK ? want_signed_at : 777),
           "signed_at written on success only", __FILE__, line);
}
#define EXPECT_VERIFY(codec, cookie, now, want, signed_at)                                     \
    expect_verify((codec), (cookie), (now), (want), (signed_at), __LINE__)

/* Dumps `json` at `timestamp` and checks the result and, on success, the cookie. */
static void expect_dump(const flask_cookie_codec *codec, const char *json, uint64_t timestamp,
                        flask_cookie_result want, const char *want_cookie, int line) {
    flask_cookie_buf cookie = {SENTINEL_PTR, 12345};
    flask_cookie_result got =
        flask_cookie_dump(codec, (const uint8_t *)json, strlen(json), timestamp, &cookie);
    if (!check_rc_(got, want, json, __FILE__, line)) {
        if (got == FLASK_COOKIE_RESULT_OK) {
            flask_cookie_buf_free(&cookie);
        }
        return;
    }
    if (want == FLASK_COOKIE_RESULT_OK) {
        if (!check_(buf_is(&cookie, want_cookie), "cookie as expected", __FILE__, line)) {
            fprintf(stderr, "      got  %.*s\n      want %s\n", (int)cookie.len,
                    (const char *)cookie.data, want_cookie);
        }
        flask_cookie_buf_free(&cookie);
    } else {
        check_(cookie.data == SENTINEL_PTR && cookie.len == 12345, "cookie_out untouched on failure",
               __FILE__, line);
    }
}
#define EXPECT_DUMP(codec, json, ts, want, cookie)                                             \
    expect_dump((codec), (json), (ts), (want), (cookie), __LINE__)

/* ----------------------------------------------------------------------------------------- */

static void test_version(void) {
    char want[64];
    const char *v = flask_cookie_version();
    snprintf(want, sizeof want, "%d.%d.%d", FLASK_COOKIE_VERSION_MAJOR, FLASK_COOKIE_VERSION_MINOR,
             FLASK_COOKIE_VERSION_PATCH);
    CHECK(v != NULL);
    CHECK(v != NULL && strcmp(v, want) == 0);
    CHECK(v == flask_cookie_version()); /* static */
}

/* Every value of flask_cookie_result, from the header. */
static const uint32_t ALL_RESULTS[] = {
    FLASK_COOKIE_RESULT_OK,
    FLASK_COOKIE_RESULT_NULL_ARGUMENT,
    FLASK_COOKIE_RESULT_INVALID_ARGUMENT,
    FLASK_COOKIE_RESULT_PANIC,
    FLASK_COOKIE_RESULT_INVALID_CONFIG,
    FLASK_COOKIE_RESULT_BAD_SIGNATURE,
    FLASK_COOKIE_RESULT_COOKIE_TOO_LONG,
    FLASK_COOKIE_RESULT_MALFORMED_TIMESTAMP,
    FLASK_COOKIE_RESULT_EXPIRED,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_BASE64,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_ZLIB,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_UTF8,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_JSON,
    FLASK_COOKIE_RESULT_BAD_PAYLOAD_TAG,
    FLASK_COOKIE_RESULT_DUMP_INVALID_JSON,
    FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED,
    FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE,
};
#define N_RESULTS (sizeof ALL_RESULTS / sizeof ALL_RESULTS[0])

static void test_result_values(void) {
    /* The values are part of the ABI (FFI_API.md): never renumbered. */
    static const uint32_t NUMBERS[] = {0,   1,   2,   3,   4,   100, 101, 200, 300,
                                       400, 401, 402, 403, 404, 405, 500, 501, 600};
    static const uint32_t UNKNOWN[] = {5,   99,  102, 199, 201, 299, 301, 399, 406,
                                       499, 502, 599, 601, 1000, UINT32_MAX};
    size_t i, j;
    CHECK(N_RESULTS == sizeof NUMBERS / sizeof NUMBERS[0]);
    for (i = 0; i < N_RESULTS; i++) {
        const char *m = flask_cookie_result_message(ALL_RESULTS[i]);
        int bad_sig = ALL_RESULTS[i] >= 100 && ALL_RESULTS[i] < 400;
        CHECK(ALL_RESULTS[i] == NUMBERS[i]);
        CHECK(m != NULL && m[0] != '\0' && strcmp(m, "unknown result") != 0);
        CHECK(flask_cookie_result_is_bad_signature(ALL_RESULTS[i]) == bad_sig);
        for (j = 0; j < i; j++) {
            CHECK(strcmp(m, flask_cookie_result_message(ALL_RESULTS[j])) != 0);
        }
    }
    CHECK(strcmp(flask_cookie_result_message(FLASK_COOKIE_RESULT_EXPIRED), "signature expired") == 0);
    for (i = 0; i < sizeof UNKNOWN / sizeof UNKNOWN[0]; i++) {
        const char *m = flask_cookie_result_message(UNKNOWN[i]);
        CHECK(m != NULL && strcmp(m, "unknown result") == 0);
        CHECK(!flask_cookie_result_is_bad_signature(UNKNOWN[i]));
    }
    /* The enums passed as uint32_t. */
    CHECK(FLASK_COOKIE_PRESET_FLASK == 0 && FLASK_COOKIE_PRESET_ITSDANGEROUS == 1);
    CHECK(FLASK_COOKIE_DIGEST_SHA1 == 0 && FLASK_COOKIE_DIGEST_SHA256 == 1 &&
          FLASK_COOKIE_DIGEST_SHA512 == 2);
    CHECK(FLASK_COOKIE_KEY_DERIVATION_HMAC == 0 && FLASK_COOKIE_KEY_DERIVATION_DJANGO_CONCAT == 1 &&
          FLASK_COOKIE_KEY_DERIVATION_CONCAT == 2 && FLASK_COOKIE_KEY_DERIVATION_NONE == 3);
    CHECK(FLASK_COOKIE_NOW == UINT64_MAX && FLASK_COOKIE_NO_MAX_AGE == UINT64_MAX);
}

static void test_config_arguments(void) {
    flask_cookie_config *config = (flask_cookie_config *)SENTINEL_PTR;
    flask_cookie_codec *codec = (flask_cookie_codec *)SENTINEL_PTR;
    flask_cookie_slice keys[2];
    const uint8_t k[] = "test key";

    /* config_new */
    CHECK_RC(flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_new(2, &config), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_contains("preset"));
    CHECK_RC(flask_cookie_config_new(UINT32_MAX, &config), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK(config == (flask_cookie_config *)SENTINEL_PTR);
    config = NULL;
    CHECK_RC(flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &config), FLASK_COOKIE_RESULT_OK);
    CHECK(config != NULL);

    /* Every setter refuses a NULL config. */
    CHECK_RC(flask_cookie_config_set_keys(NULL, NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_salt(NULL, k, 1), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_digest(NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_key_derivation(NULL, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_max_age(NULL, 1), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_lenient_base64(NULL, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_json(NULL, true, true, true), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_limits(NULL, 0, 0, 0), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_contains("config"));

    /* codec_new: NULL arguments, then no key at all. */
    CHECK_RC(flask_cookie_codec_new(NULL, &codec), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_codec_new(config, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    CHECK(codec == (flask_cookie_codec *)SENTINEL_PTR);

    /* set_keys: NULL with a length, a NULL key with a length, a length no array can have. */
    CHECK_RC(flask_cookie_config_set_keys(config, NULL, 1), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    keys[0].data = k;
    keys[0].len = 8;
    keys[1].data = NULL;
    keys[1].len = 3;
    CHECK_RC(flask_cookie_config_set_keys(config, keys, 2), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_contains("key #1"));
    /* ... and then the config is unchanged: still no key. */
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    CHECK_RC(flask_cookie_config_set_keys(config, keys, SIZE_MAX), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    /* An empty list (NULL, 0) and an empty key are refused by codec_new. */
    CHECK_RC(flask_cookie_config_set_keys(config, NULL, 0), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    keys[1].data = NULL;
    keys[1].len = 0;
    CHECK_RC(flask_cookie_config_set_keys(config, keys, 2), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    keys[1].data = k; /* non-NULL, zero length: still empty */
    CHECK_RC(flask_cookie_config_set_keys(config, keys, 2), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_INVALID_CONFIG);
    CHECK(last_error_contains("Flask has no session without a SECRET_KEY"));
    CHECK(codec == (flask_cookie_codec *)SENTINEL_PTR);
    /* An empty fallback key is a key (Flask passes SECRET_KEY_FALLBACKS = [""] on to
     * itsdangerous), and so is an empty key with the itsdangerous preset. */
    {
        flask_cookie_slice two[2];
        flask_cookie_config *its = NULL;
        flask_cookie_codec *c2 = NULL;
        two[0].data = NULL;
        two[0].len = 0;
        two[1].data = k;
        two[1].len = 1;
        CHECK_RC(flask_cookie_config_set_keys(config, two, 2), FLASK_COOKIE_RESULT_OK);
        CHECK_RC(flask_cookie_codec_new(config, &c2), FLASK_COOKIE_RESULT_OK);
        flask_cookie_codec_free(c2);
        c2 = NULL;
        CHECK_RC(flask_cookie_config_new(FLASK_COOKIE_PRESET_ITSDANGEROUS, &its), FLASK_COOKIE_RESULT_OK);
        CHECK_RC(flask_cookie_config_set_keys(its, two, 1), FLASK_COOKIE_RESULT_OK);
        CHECK_RC(flask_cookie_codec_new(its, &c2), FLASK_COOKIE_RESULT_OK);
        flask_cookie_codec_free(c2);
        flask_cookie_config_free(its);
    }

    /* set_salt: NULL with a length. */
    CHECK_RC(flask_cookie_config_set_salt(config, NULL, 5), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    /* Unknown enum values. */
    CHECK_RC(flask_cookie_config_set_digest(config, 3), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_contains("digest"));
    CHECK_RC(flask_cookie_config_set_digest(config, UINT32_MAX), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(flask_cookie_config_set_key_derivation(config, 4), FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_contains("derivation"));

    /* A good key: the config makes codecs, which outlive it. */
    keys[1].len = 8;
    CHECK_RC(flask_cookie_config_set_keys(config, keys + 1, 1), FLASK_COOKIE_RESULT_OK);
    codec = NULL;
    CHECK_RC(flask_cookie_codec_new(config, &codec), FLASK_COOKIE_RESULT_OK);
    {
        flask_cookie_codec *second = NULL;
        CHECK_RC(flask_cookie_codec_new(config, &second), FLASK_COOKIE_RESULT_OK);
        flask_cookie_config_free(config);
        EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
        EXPECT_OPEN(second, VECTOR2, T, FLASK_COOKIE_RESULT_OK, VECTOR2_JSON, T);
        flask_cookie_codec_free(second);
    }
    flask_cookie_codec_free(codec);
    flask_cookie_config_free(NULL);
    flask_cookie_codec_free(NULL);
}

static void test_config_options(void) {
    const char *test_key = "test key";
    const char *rotation[] = {"old key", "test key"};
    flask_cookie_config *config;
    flask_cookie_codec *codec;

    /* Key rotation, oldest first: both keys verify, the last one signs. */
    codec = build(new_config(FLASK_COOKIE_PRESET_FLASK, rotation, 2));
    EXPECT_OPEN(codec, KA_OLD_KEY_COOKIE, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    flask_cookie_codec_free(codec);
    codec = flask_codec("test key");
    EXPECT_OPEN(codec, KA_OLD_KEY_COOKIE, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
    flask_cookie_codec_free(codec);

    /* Digest, derivation and salt (Flask: sha256, concat, "my-salt"). */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_digest(config, FLASK_COOKIE_DIGEST_SHA256), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_key_derivation(config, FLASK_COOKIE_KEY_DERIVATION_CONCAT),
             FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_salt(config, STR("my-salt")), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, KA_SHA256_CONCAT_SALT, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, KA_SHA256_CONCAT_SALT);
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
    flask_cookie_codec_free(codec);

    /* sha512, no derivation, the empty salt given as (NULL, 0). */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_digest(config, FLASK_COOKIE_DIGEST_SHA512), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_key_derivation(config, FLASK_COOKIE_KEY_DERIVATION_NONE),
             FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_salt(config, NULL, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, KA_SHA512_NONE_EMPTY_SALT, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, KA_SHA512_NONE_EMPTY_SALT);
    flask_cookie_codec_free(codec);

    /* Salt reset to Flask's own, explicitly: the spec's vector again. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_salt(config, STR("x")), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_salt(config, STR("cookie-session")), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_digest(config, FLASK_COOKIE_DIGEST_SHA1), FLASK_COOKIE_RESULT_OK);
    CHECK_RC(flask_cookie_config_set_key_derivation(config, FLASK_COOKIE_KEY_DERIVATION_HMAC),
             FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    flask_cookie_codec_free(codec);

    /* itsdangerous's URLSafeTimedSerializer("secret"): insertion order, no tags, no max_age. */
    {
        const char *secret = "secret";
        codec = build(new_config(FLASK_COOKIE_PRESET_ITSDANGEROUS, &secret, 1));
        EXPECT_OPEN(codec, KA_ITSDANGEROUS, T, FLASK_COOKIE_RESULT_OK, KA_ITSDANGEROUS_JSON, T);
        EXPECT_OPEN(codec, KA_ITSDANGEROUS, UINT64_MAX - 1, FLASK_COOKIE_RESULT_OK, KA_ITSDANGEROUS_JSON, T);
        EXPECT_DUMP(codec, KA_ITSDANGEROUS_JSON, T, FLASK_COOKIE_RESULT_OK, KA_ITSDANGEROUS);
        /* No tags: a tagged-looking dict is plain data. */
        EXPECT_DUMP(codec, "{\" t\":[1]}", T, FLASK_COOKIE_RESULT_OK, KA_ITS_TAGLIKE);
        flask_cookie_codec_free(codec);
    }

    /* max_age: Flask's 31 days by default; a cookie is expired one second past it, or when
     * signed in the future (Flask's decisions, gen_known_answers.py). */
    codec = flask_codec("test key");
    EXPECT_OPEN(codec, VECTOR1, T + FLASK_MAX_AGE, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_OPEN(codec, VECTOR1, T + FLASK_MAX_AGE + 1, FLASK_COOKIE_RESULT_EXPIRED, NULL, 0);
    /* The header's own example of a detailed message, and Flask's wording. */
    CHECK(last_error_contains("signature expired: signature age 2678401 > 2678400 seconds"));
    EXPECT_OPEN(codec, VECTOR1, T - 1, FLASK_COOKIE_RESULT_EXPIRED, NULL, 0);
    EXPECT_VERIFY(codec, VECTOR1, T + FLASK_MAX_AGE + 1, FLASK_COOKIE_RESULT_EXPIRED, 0);
    flask_cookie_codec_free(codec);
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_max_age(config, 10), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, VECTOR1, T + 10, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_OPEN(codec, VECTOR1, T + 11, FLASK_COOKIE_RESULT_EXPIRED, NULL, 0);
    flask_cookie_codec_free(codec);
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_max_age(config, FLASK_COOKIE_NO_MAX_AGE), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, VECTOR1, T + 100u * 365 * 86400, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    flask_cookie_codec_free(codec);

    /* lenient_base64: Python accepts an extra '=' and non-zero unused bits ('E' -> 'F');
     * strict mode (the default) refuses both; neither accepts a changed MAC bit ('I'). */
    {
        const char *padded = VECTOR1 "=";
        char unused_bits[] = VECTOR1;
        char mac_bit[] = VECTOR1;
        unused_bits[strlen(unused_bits) - 1] = 'F';
        mac_bit[strlen(mac_bit) - 1] = 'I';
        codec = flask_codec("test key");
        EXPECT_OPEN(codec, padded, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
        EXPECT_OPEN(codec, unused_bits, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
        flask_cookie_codec_free(codec);
        config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
        CHECK_RC(flask_cookie_config_set_lenient_base64(config, true), FLASK_COOKIE_RESULT_OK);
        codec = build(config);
        EXPECT_OPEN(codec, padded, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
        EXPECT_OPEN(codec, unused_bits, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
        EXPECT_OPEN(codec, mac_bit, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
        flask_cookie_codec_free(codec);
    }

    /* JSON options: ensure_ascii off writes UTF-8 (Flask's signer over json.dumps(...,
     * ensure_ascii=False)); with it on, Flask's escaped form. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_json(config, true, false, true), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, "{\"a\":\"\303\251\"}", T, FLASK_COOKIE_RESULT_OK, KA_NO_ENSURE_ASCII);
    EXPECT_OPEN(codec, KA_NO_ENSURE_ASCII, T, FLASK_COOKIE_RESULT_OK, "{\"a\":\"\303\251\"}", T);
    /* A lone surrogate cannot be written without ensure_ascii (header: DUMP_UNSUPPORTED). */
    EXPECT_DUMP(codec, "{\"a\":\"\\ud800\"}", T, FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED, NULL);
    /* ... but open writes it as a \u escape, which reads back to the same value (header). */
    EXPECT_OPEN(codec, KA_LONE_SURROGATE, T, FLASK_COOKIE_RESULT_OK, "{\"a\":\"\\ud800\"}", T);
    EXPECT_VERIFY(codec, KA_LONE_SURROGATE, T, FLASK_COOKIE_RESULT_OK, T);
    flask_cookie_codec_free(codec);
    codec = flask_codec("test key");
    EXPECT_OPEN(codec, KA_NO_ENSURE_ASCII, T, FLASK_COOKIE_RESULT_OK, "{\"a\":\"\\u00e9\"}", T);
    EXPECT_DUMP(codec, "{\"a\":\"\\ud800\"}", T, FLASK_COOKIE_RESULT_OK,
                KA_LONE_SURROGATE);
    flask_cookie_codec_free(codec);
}

static void test_open_results(void) {
    flask_cookie_codec *codec = flask_codec("test key");
    flask_cookie_buf json = {SENTINEL_PTR, 12345};
    uint64_t signed_at = 777;
    char tampered[] = VECTOR1;
    tampered[0] = 'f';

    /* OK: the spec's vectors and Flask's compressed cookie. */
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_OPEN(codec, VECTOR2, T + 60, FLASK_COOKIE_RESULT_OK, VECTOR2_JSON, T);
    EXPECT_OPEN(codec, KA_COMPRESSED, T, FLASK_COOKIE_RESULT_OK, KA_COMPRESSED_JSON, T);
    /* signed_at_out may be NULL. */
    CHECK_RC(flask_cookie_open(codec, STR(VECTOR1), T, &json, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, VECTOR1_JSON));
    flask_cookie_buf_free(&json);

    /* Every failure Flask (or the caps) can cause. */
    EXPECT_OPEN(codec, tampered, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
    EXPECT_OPEN(codec, "no dot at all", T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
    EXPECT_OPEN(codec, "", T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, NULL, 0);
    EXPECT_OPEN(codec, KA_MALFORMED_TS, T, FLASK_COOKIE_RESULT_MALFORMED_TIMESTAMP, NULL, 0);
    /* Flask: HTTP 500 (ValueError in datetime), not a new session. */
    EXPECT_OPEN(codec, KA_YEAR_10000, T, FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE, NULL, 0);
    CHECK(!flask_cookie_result_is_bad_signature(FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE));
    EXPECT_OPEN(codec, VECTOR1, T + FLASK_MAX_AGE + 1, FLASK_COOKIE_RESULT_EXPIRED, NULL, 0);
    EXPECT_OPEN(codec, KA_BAD_BASE64, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_BASE64, NULL, 0);
    EXPECT_OPEN(codec, KA_BAD_ZLIB, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_ZLIB, NULL, 0);
    EXPECT_OPEN(codec, KA_BAD_UTF8, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_UTF8, NULL, 0);
    EXPECT_OPEN(codec, KA_BAD_JSON, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_JSON, NULL, 0);
    EXPECT_OPEN(codec, KA_BAD_TAG, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_TAG, NULL, 0);
    /* Flask opens KA_BIG (it has no cap); past the 1 MiB default cap here. */
    EXPECT_OPEN(codec, KA_BIG, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE, NULL, 0);

    /* Bad arguments. */
    json.data = SENTINEL_PTR;
    json.len = 12345;
    signed_at = 777;
    CHECK_RC(flask_cookie_open(NO_CODEC, STR(VECTOR1), T, &json, &signed_at), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_contains("codec"));
    CHECK_RC(flask_cookie_open(codec, STR(VECTOR1), T, NULL, &signed_at), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_contains("json_out"));
    CHECK_RC(flask_cookie_open(codec, NULL, 5, T, &json, &signed_at), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_open(codec, NULL, 0, T, &json, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_open(codec, (const uint8_t *)VECTOR1, SIZE_MAX, T, &json, &signed_at),
             FLASK_COOKIE_RESULT_INVALID_ARGUMENT);
    CHECK(json.data == SENTINEL_PTR && json.len == 12345 && signed_at == 777);

    /* Inputs are (pointer, length): a trailing NUL is part of the cookie, a prefix is not. */
    CHECK_RC(flask_cookie_open(codec, (const uint8_t *)VECTOR1, sizeof VECTOR1, T, &json, &signed_at),
             FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_open(codec, (const uint8_t *)VECTOR1, sizeof VECTOR1 - 2, T, &json, &signed_at),
             FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    /* A truncated signature says so (not "not valid base64"). */
    CHECK(last_error_contains("signature is 26 characters long, not the 27"));
    {
        /* Not NUL-terminated: the exact bytes in a heap block of exactly that size. */
        size_t n = strlen(VECTOR1);
        uint8_t *exact = (uint8_t *)malloc(n);
        CHECK(exact != NULL);
        if (exact != NULL) {
            memcpy(exact, VECTOR1, n);
            CHECK_RC(flask_cookie_open(codec, exact, n, T, &json, &signed_at), FLASK_COOKIE_RESULT_OK);
            CHECK(buf_is(&json, VECTOR1_JSON) && signed_at == T);
            flask_cookie_buf_free(&json);
            free(exact);
        }
    }
    flask_cookie_codec_free(codec);
}

static void test_verify(void) {
    flask_cookie_codec *codec = flask_codec("test key");
    uint64_t signed_at = 777;
    char tampered[] = VECTOR1;
    tampered[20] = 'B';

    EXPECT_VERIFY(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, T);
    EXPECT_VERIFY(codec, KA_COMPRESSED, T + 5, FLASK_COOKIE_RESULT_OK, T);
    CHECK_RC(flask_cookie_verify(codec, STR(VECTOR1), T, NULL), FLASK_COOKIE_RESULT_OK);
    /* Bad payloads are validly signed: verify passes (Flask's signer agrees). */
    EXPECT_VERIFY(codec, KA_BAD_BASE64, T, FLASK_COOKIE_RESULT_OK, T);
    EXPECT_VERIFY(codec, KA_BAD_ZLIB, T, FLASK_COOKIE_RESULT_OK, T);
    EXPECT_VERIFY(codec, KA_BAD_TAG, T, FLASK_COOKIE_RESULT_OK, T);
    EXPECT_VERIFY(codec, KA_BIG, T, FLASK_COOKIE_RESULT_OK, T);
    EXPECT_VERIFY(codec, tampered, T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, 0);
    EXPECT_VERIFY(codec, KA_MALFORMED_TS, T, FLASK_COOKIE_RESULT_MALFORMED_TIMESTAMP, 0);
    EXPECT_VERIFY(codec, KA_YEAR_10000, T, FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE, 0);
    EXPECT_VERIFY(codec, VECTOR1, T - 1, FLASK_COOKIE_RESULT_EXPIRED, 0);
    EXPECT_VERIFY(codec, "", T, FLASK_COOKIE_RESULT_BAD_SIGNATURE, 0);
    CHECK_RC(flask_cookie_verify(NO_CODEC, STR(VECTOR1), T, &signed_at), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_verify(codec, NULL, 3, T, &signed_at), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_verify(codec, NULL, 0, T, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK(signed_at == 777);
    flask_cookie_codec_free(codec);
}

static void test_dump(void) {
    const char *test_key = "test key";
    flask_cookie_codec *codec = flask_codec("test key");
    flask_cookie_buf cookie = {SENTINEL_PTR, 12345};
    flask_cookie_buf json = {NULL, 0};
    uint64_t signed_at = 0;
    flask_cookie_config *config;

    /* The spec's vectors and Flask's compressed cookie, byte for byte. */
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    EXPECT_DUMP(codec, "{ \"a\" : 1 }", T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    EXPECT_DUMP(codec, VECTOR2_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR2);
    EXPECT_DUMP(codec, KA_COMPRESSED_JSON, T, FLASK_COOKIE_RESULT_OK, KA_COMPRESSED);

    /* Input that is not (tagged) JSON: garbage, truncated, not UTF-8, empty, a bad tag. */
    EXPECT_DUMP(codec, "{", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    CHECK(last_error_contains(": byte 1")); /* header: "the message has the byte position" */
    /* CPython's message, then the position (once: not "at at byte"). */
    EXPECT_DUMP(codec, "{\"a\":\"\001\"}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    CHECK(last_error_contains("Invalid control character at: byte 6"));
    CHECK(!last_error_contains("at at"));
    EXPECT_DUMP(codec, "{\"a\":1,}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    EXPECT_DUMP(codec, "not json", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    EXPECT_DUMP(codec, "{\"a\":\"\377\"}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    EXPECT_DUMP(codec, "{\"a\":1} trailing", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    EXPECT_DUMP(codec, "", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    EXPECT_DUMP(codec, "{\" u\":\"zz\"}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    CHECK_RC(flask_cookie_dump(codec, NULL, 0, T, &cookie), FLASK_COOKIE_RESULT_DUMP_INVALID_JSON);
    CHECK_RC(flask_cookie_dump(codec, (const uint8_t *)"{\"a\":1}", sizeof "{\"a\":1}", T, &cookie),
             FLASK_COOKIE_RESULT_DUMP_INVALID_JSON); /* the NUL is part of the input */
    /* A timestamp after the year 9999 (Flask writes a cookie nobody can open). */
    EXPECT_DUMP(codec, VECTOR1_JSON, 253402300800u, FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED, NULL);
    EXPECT_DUMP(codec, VECTOR1_JSON, 253402300799u, FLASK_COOKIE_RESULT_OK,
                KA_YEAR_9999);

    /* Bad arguments. */
    CHECK_RC(flask_cookie_dump(NO_CODEC, STR(VECTOR1_JSON), T, &cookie), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_dump(codec, STR(VECTOR1_JSON), T, NULL), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_dump(codec, NULL, 7, T, &cookie), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(cookie.data == SENTINEL_PTR && cookie.len == 12345);

    /* FLASK_COOKIE_NOW: the system clock, for dump and open. */
    {
        time_t before = time(NULL);
        time_t after;
        CHECK_RC(flask_cookie_dump(codec, STR(VECTOR1_JSON), FLASK_COOKIE_NOW, &cookie), FLASK_COOKIE_RESULT_OK);
        CHECK_RC(flask_cookie_open(codec, cookie.data, cookie.len, FLASK_COOKIE_NOW, &json, &signed_at),
                 FLASK_COOKIE_RESULT_OK);
        /* time() reads the kernel's coarse clock, which lags the clock the library reads
         * (clock_gettime, CLOCK_REALTIME) by up to a scheduler tick: just after a second
         * boundary the cookie can be signed a second later than time() says. */
        after = time(NULL) + 1;
        CHECK(buf_is(&json, VECTOR1_JSON));
        CHECK(signed_at >= (uint64_t)before && signed_at <= (uint64_t)after);
        CHECK_RC(flask_cookie_verify(codec, cookie.data, cookie.len, FLASK_COOKIE_NOW, NULL), FLASK_COOKIE_RESULT_OK);
        flask_cookie_buf_free(&cookie);
        flask_cookie_buf_free(&json);
    }
    flask_cookie_codec_free(codec);

    /* Nesting deeper than max_depth cannot be read back. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 0, 0, 3), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, "{\"a\":[[1]]}", T, FLASK_COOKIE_RESULT_OK, KA_DEPTH3);
    EXPECT_OPEN(codec, KA_DEPTH3, T, FLASK_COOKIE_RESULT_OK, "{\"a\":[[1]]}", T);
    EXPECT_OPEN(codec, KA_DEPTH4, T,
                FLASK_COOKIE_RESULT_BAD_PAYLOAD_JSON, NULL, 0);
    /* Input nested deeper than max_depth is not read (DUMP_INVALID_JSON, as documented). */
    EXPECT_DUMP(codec, "{\"a\":[[[1]]]}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    /* A tuple is two levels ({" t":[...]}), as written. */
    /* Flask 3.1 dumps {"a": (1,)} with "test key" at T to this cookie. */
    EXPECT_DUMP(codec, "{\"a\":{\" t\":[1]}}", T, FLASK_COOKIE_RESULT_OK,
                "eyJhIjp7IiB0IjpbMV19fQ.ZVPxAA.Qd8EltR_jC99gSw0OiL0BLOcbjs");
    EXPECT_DUMP(codec, "{\"a\":[{\" t\":[1]}]}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    flask_cookie_codec_free(codec);

    /* The outer object is level 1: max_depth 1 takes {"a":1}, not {"a":[]}. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 0, 0, 1), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_DUMP(codec, "{\"a\":[]}", T, FLASK_COOKIE_RESULT_DUMP_INVALID_JSON, NULL);
    flask_cookie_codec_free(codec);

    /* dump refuses a cookie longer than max_cookie_len, which open would refuse. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, strlen(VECTOR1) - 1, 0, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED, NULL);
    CHECK(last_error_contains("more than the cap of 44"));
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_COOKIE_TOO_LONG, NULL, 0);
    flask_cookie_codec_free(codec);
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, strlen(VECTOR1), 0, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_DUMP(codec, VECTOR1_JSON, T, FLASK_COOKIE_RESULT_OK, VECTOR1);
    flask_cookie_codec_free(codec);

    /* open returns a non-dict payload as signed (Flask's session is dict() of it). */
    codec = flask_codec("test key");
    {
        static const char *const payloads[] = {"[1]", "null", "{\" t\":[1,2]}", "\"s\""};
        size_t i;
        for (i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
            CHECK_RC(flask_cookie_dump(codec, STR(payloads[i]), T, &cookie), FLASK_COOKIE_RESULT_OK);
            CHECK_RC(flask_cookie_open(codec, cookie.data, cookie.len, T, &json, &signed_at),
                     FLASK_COOKIE_RESULT_OK);
            CHECK(buf_is(&json, payloads[i]));
            flask_cookie_buf_free(&cookie);
            flask_cookie_buf_free(&json);
        }
    }
    flask_cookie_codec_free(codec);
}

static void test_limits(void) {
    const char *test_key = "test key";
    flask_cookie_config *config;
    flask_cookie_codec *codec;
    flask_cookie_buf json = {NULL, 0};
    uint64_t signed_at = 0;
    size_t big_json_len = (size_t)KA_BIG_X_COUNT + 8; /* {"a":"xxx...x"} */
    size_t mib = 1024 * 1024;
    uint8_t *huge = (uint8_t *)malloc(mib);
    size_t i;

    if (!CHECK(huge != NULL)) {
        return;
    }
    /* A 1 MB cookie: past the 64 KiB default cap. */
    memset(huge, 'A', mib);
    codec = flask_codec("test key");
    CHECK_RC(flask_cookie_open(codec, huge, mib, T, &json, &signed_at), FLASK_COOKIE_RESULT_COOKIE_TOO_LONG);
    CHECK(flask_cookie_result_is_bad_signature(FLASK_COOKIE_RESULT_COOKIE_TOO_LONG));
    CHECK_RC(flask_cookie_verify(codec, huge, mib, T, &signed_at), FLASK_COOKIE_RESULT_COOKIE_TOO_LONG);
    CHECK_RC(flask_cookie_decode_unverified(huge, mib, &json, NULL, NULL), FLASK_COOKIE_RESULT_COOKIE_TOO_LONG);
    /* ... and exactly at the cap it is read (and is no signed cookie). */
    CHECK_RC(flask_cookie_open(codec, huge, 65536, T, &json, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_open(codec, huge, 65537, T, &json, &signed_at), FLASK_COOKIE_RESULT_COOKIE_TOO_LONG);
    flask_cookie_codec_free(codec);

    /* Raising the cap: the 1 MB garbage cookie is now read, and rejected as not signed, with
     * dots and random bytes (NUL included) in it. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 2 * mib, 0, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    CHECK_RC(flask_cookie_open(codec, huge, mib, T, &json, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    {
        uint32_t x = 12345;
        for (i = 0; i < mib; i++) {
            x = x * 1103515245u + 12345u;
            huge[i] = (uint8_t)(x >> 16);
        }
        huge[100] = '.';
        huge[mib - 30] = '.';
    }
    CHECK_RC(flask_cookie_open(codec, huge, mib, T, &json, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_verify(codec, huge, mib, T, &signed_at), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    /* Limits of 0 keep the defaults: KA_BIG still inflates past 1 MiB. */
    EXPECT_OPEN(codec, KA_BIG, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE, NULL, 0);
    flask_cookie_codec_free(codec);
    free(huge);

    /* max_inflated_len: KA_BIG inflates to exactly big_json_len bytes. Flask opens it; here it
     * opens once the cap allows that many bytes, and not one fewer. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 0, big_json_len - 1, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, KA_BIG, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE, NULL, 0);
    CHECK(last_error_contains("inflate") || last_error_contains("large") || last_error_contains("limit"));
    EXPECT_VERIFY(codec, KA_BIG, T, FLASK_COOKIE_RESULT_OK, T);
    flask_cookie_codec_free(codec);
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 0, big_json_len, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    if (CHECK_RC(flask_cookie_open(codec, STR(KA_BIG), T, &json, &signed_at), FLASK_COOKIE_RESULT_OK)) {
        int same = json.len == big_json_len && memcmp(json.data, "{\"a\":\"", 6) == 0 &&
                   memcmp(json.data + json.len - 2, "\"}", 2) == 0;
        for (i = 6; same && i < json.len - 2; i++) {
            same = json.data[i] == 'x';
        }
        CHECK(same); /* Flask's JSON for it: {"a":"x...x"} */
        CHECK(signed_at == T);
        flask_cookie_buf_free(&json);
    }
    flask_cookie_codec_free(codec);

    /* A small cap against a compressed cookie Flask made (its JSON is 218 bytes). */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, 0, strlen(KA_COMPRESSED_JSON) - 1, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, KA_COMPRESSED, T, FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE, NULL, 0);
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    flask_cookie_codec_free(codec);

    /* max_cookie_len. */
    config = new_config(FLASK_COOKIE_PRESET_FLASK, &test_key, 1);
    CHECK_RC(flask_cookie_config_set_limits(config, strlen(VECTOR1), 0, 0), FLASK_COOKIE_RESULT_OK);
    codec = build(config);
    EXPECT_OPEN(codec, VECTOR1, T, FLASK_COOKIE_RESULT_OK, VECTOR1_JSON, T);
    EXPECT_OPEN(codec, VECTOR2, T, FLASK_COOKIE_RESULT_COOKIE_TOO_LONG, NULL, 0);
    EXPECT_VERIFY(codec, VECTOR2, T, FLASK_COOKIE_RESULT_COOKIE_TOO_LONG, 0);
    flask_cookie_codec_free(codec);
}

static void test_decode_unverified(void) {
    flask_cookie_buf json = {SENTINEL_PTR, 12345};
    uint64_t ts = 777;
    bool has_ts = false;

    CHECK_RC(flask_cookie_decode_unverified(STR(VECTOR1), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, VECTOR1_JSON) && ts == T && has_ts);
    flask_cookie_buf_free(&json);
    /* No key is needed: a cookie signed by any key, even a forged one, decodes. */
    CHECK_RC(flask_cookie_decode_unverified(STR("eyJhIjoxfQ.ZVPxAA.forged"), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, VECTOR1_JSON) && ts == T && has_ts);
    flask_cookie_buf_free(&json);
    /* Compressed; the JSON as found (here Flask's own). */
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_COMPRESSED), &json, NULL, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, KA_COMPRESSED_JSON));
    flask_cookie_buf_free(&json);
    /* Not UTF-8 and not JSON: returned as found. */
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_BAD_UTF8), &json, NULL, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, "{\"a\":\"\377\"}"));
    flask_cookie_buf_free(&json);
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_BAD_JSON), &json, NULL, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, "{\"a\":"));
    flask_cookie_buf_free(&json);
    /* A timestamp that does not decode, or is after 9999: has_timestamp false, timestamp 0. */
    ts = 777;
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_MALFORMED_TS), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, VECTOR1_JSON) && !has_ts && ts == 0);
    flask_cookie_buf_free(&json);
    ts = 777;
    has_ts = true;
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_YEAR_10000), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_OK);
    CHECK(buf_is(&json, VECTOR1_JSON) && !has_ts && ts == 0);
    flask_cookie_buf_free(&json);
    /* timestamp_out and has_timestamp_out are optional, each on its own. */
    CHECK_RC(flask_cookie_decode_unverified(STR(VECTOR1), &json, NULL, &has_ts), FLASK_COOKIE_RESULT_OK);
    CHECK(has_ts);
    flask_cookie_buf_free(&json);
    CHECK_RC(flask_cookie_decode_unverified(STR(VECTOR1), &json, &ts, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(ts == T);
    flask_cookie_buf_free(&json);

    /* Failures: no '.', no timestamp part, payload not base64 / not zlib / too large. */
    json.data = SENTINEL_PTR;
    json.len = 12345;
    ts = 777;
    has_ts = true;
    CHECK_RC(flask_cookie_decode_unverified(STR("nodot"), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_decode_unverified(STR("eyJhIjoxfQ.sig"), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_BAD_BASE64), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_PAYLOAD_BASE64);
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_BAD_ZLIB), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_PAYLOAD_ZLIB);
    CHECK_RC(flask_cookie_decode_unverified(STR(KA_BIG), &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE);
    CHECK_RC(flask_cookie_decode_unverified(NULL, 0, &json, &ts, &has_ts), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    CHECK_RC(flask_cookie_decode_unverified(NULL, 4, &json, &ts, &has_ts), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK_RC(flask_cookie_decode_unverified(STR(VECTOR1), NULL, &ts, &has_ts), FLASK_COOKIE_RESULT_NULL_ARGUMENT);
    CHECK(json.data == SENTINEL_PTR && json.len == 12345 && ts == 777 && has_ts);
}

static void test_buf_free(void) {
    flask_cookie_buf zero = {NULL, 0};
    flask_cookie_buf json = {NULL, 0};
    flask_cookie_codec *codec = flask_codec("test key");
    flask_cookie_buf_free(NULL);
    flask_cookie_buf_free(&zero);
    CHECK(zero.data == NULL && zero.len == 0);
    CHECK_RC(flask_cookie_open(codec, STR(VECTOR1), T, &json, NULL), FLASK_COOKIE_RESULT_OK);
    CHECK(json.data != NULL && json.len == 7);
    flask_cookie_buf_free(&json);
    CHECK(json.data == NULL && json.len == 0);
    flask_cookie_buf_free(&json); /* a second call is harmless */
    flask_cookie_codec_free(codec);
}

static void test_last_error(void) {
    const char *secret = "hunter2-very-secret-key";
    flask_cookie_codec *codec = flask_codec(secret);
    flask_cookie_buf json = {NULL, 0};
    uint8_t small[8];
    char full[512];
    size_t n, m;
    const char *cookie = "eyJ1c2VyIjoiZGlzdGluY3RpdmUtcGF5bG9hZCJ9.ZVPxAA.bad-signature-text";

    CHECK_RC(flask_cookie_open(codec, STR(cookie), T, &json, NULL), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    n = flask_cookie_last_error(NULL, 0);
    CHECK(n > 0 && n < sizeof full);
    /* Truncation: at most buf_len bytes, the full length returned; no NUL written. */
    memset(small, '#', sizeof small);
    m = flask_cookie_last_error(small, 4);
    CHECK(m == n);
    CHECK(small[4] == '#');
    m = flask_cookie_last_error((uint8_t *)full, sizeof full - 1);
    CHECK(m == n);
    full[m < sizeof full ? m : sizeof full - 1] = '\0';
    CHECK(memcmp(small, full, 4) == 0);
    /* Never the key, never the cookie (nor its payload or signature). */
    CHECK(strstr(full, "hunter2") == NULL);
    CHECK(strstr(full, "eyJ1c2VyIjoiZGlzdGluY3RpdmUtcGF5bG9hZCJ9") == NULL);
    CHECK(strstr(full, "distinctive") == NULL);
    CHECK(strstr(full, "bad-signature-text") == NULL);
    /* A success leaves it unchanged. */
    CHECK_RC(flask_cookie_verify(codec, STR(VECTOR1), T, NULL), FLASK_COOKIE_RESULT_BAD_SIGNATURE);
    m = flask_cookie_last_error(NULL, 0);
    CHECK_RC(flask_cookie_dump(codec, STR(VECTOR1_JSON), T, &json), FLASK_COOKIE_RESULT_OK);
    flask_cookie_buf_free(&json);
    CHECK(flask_cookie_last_error(NULL, 0) == m);
    /* Dump errors do not echo the JSON either. */
    CHECK_RC(flask_cookie_dump(codec, STR("{\"password\": hunter3}"), T, &json), FLASK_COOKIE_RESULT_DUMP_INVALID_JSON);
    m = flask_cookie_last_error((uint8_t *)full, sizeof full - 1);
    full[m < sizeof full ? m : sizeof full - 1] = '\0';
    CHECK(strstr(full, "hunter") == NULL);
    flask_cookie_codec_free(codec);
}

/* Random garbage: never a panic, never OK, always a defined result, nothing leaks. */
static void test_garbage(void) {
    flask_cookie_codec *codec = flask_codec("test key");
    flask_cookie_buf out = {NULL, 0};
    uint8_t bytes[300];
    uint32_t x = 2463534242u;
    unsigned i;
    size_t len, j;
    static const char alphabet[] = "eyJhIjoxfQ.ZVPxAA-_=.{}[]\":, tbdmu0123456789\\";
    for (i = 0; i < 3000; i++) {
        flask_cookie_result r;
        len = (size_t)(i % 300);
        for (j = 0; j < len; j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[j] = i % 2 ? (uint8_t)x : (uint8_t)alphabet[x % (sizeof alphabet - 1)];
        }
        r = flask_cookie_open(codec, bytes, len, T, &out, NULL);
        CHECK(r != FLASK_COOKIE_RESULT_OK && flask_cookie_result_is_bad_signature(r));
        r = flask_cookie_verify(codec, bytes, len, T, NULL);
        CHECK(r != FLASK_COOKIE_RESULT_OK && flask_cookie_result_is_bad_signature(r));
        r = flask_cookie_decode_unverified(bytes, len, &out, NULL, NULL);
        CHECK(r != FLASK_COOKIE_RESULT_PANIC && strcmp(flask_cookie_result_message(r), "unknown result") != 0);
        flask_cookie_buf_free(&out);
        r = flask_cookie_dump(codec, bytes, len, T, &out);
        CHECK(r == FLASK_COOKIE_RESULT_OK || r == FLASK_COOKIE_RESULT_DUMP_INVALID_JSON ||
              r == FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED);
        flask_cookie_buf_free(&out);
    }
    flask_cookie_codec_free(codec);
}

int main(void) {
    test_version();
    test_result_values();
    test_config_arguments();
    test_config_options();
    test_open_results();
    test_verify();
    test_dump();
    test_limits();
    test_decode_unverified();
    test_buf_free();
    test_last_error();
    test_garbage();
    return check_done("test_api");
}
