/* open_cookie: open a Flask session cookie with the flask-cookie C library and print the
 * session as canonical tagged JSON (what `flask-cookie open` prints).
 *
 *     open_cookie SECRET_KEY_FILE [COOKIE_FILE|- [NOW]]
 *
 * The key is read from a file (one trailing newline ignored), the cookie from a file or stdin
 * (the same), NOW is Unix seconds (default: the system clock). Exit status as the CLI's: 0 valid,
 * 1 bad signature, 2 expired, 3 undecodable payload, 64 usage, 74 I/O; the reason on stderr.
 *
 * Build (see README, "Install", and docs/c-library.md):
 *     cargo cinstall -p flask-cookie-ffi --release --prefix "$HOME/.local"   (cargo-c)
 *     cc -std=c99 examples/c/open_cookie.c $(pkg-config --cflags --libs flask_cookie) -o open_cookie
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flask_cookie.h"

/* Reads a whole file ("-": stdin) into a malloc'd buffer, minus one trailing newline. */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    uint8_t *data = NULL;
    size_t cap = 0, n = 0, got;
    if (f == NULL) {
        return NULL;
    }
    do {
        if (n == cap) {
            uint8_t *bigger = (uint8_t *)realloc(data, cap ? cap * 2 : 4096);
            if (bigger == NULL) {
                free(data);
                return NULL;
            }
            data = bigger;
            cap = cap ? cap * 2 : 4096;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (f != stdin) {
        fclose(f);
    }
    if (n > 0 && data[n - 1] == '\n') {
        n--;
    }
    *len = n;
    return data;
}

/* Prints this thread's detailed message of the last failure. */
static void print_last_error(flask_cookie_result r) {
    char msg[256];
    size_t n = flask_cookie_last_error((uint8_t *)msg, sizeof msg);
    if (n > sizeof msg) {
        n = sizeof msg; /* truncated */
    }
    if (n == 0) {
        fprintf(stderr, "open_cookie: %s\n", flask_cookie_result_message(r));
    } else {
        fprintf(stderr, "open_cookie: %.*s\n", (int)n, msg);
    }
}

int main(int argc, char **argv) {
    flask_cookie_config *config = NULL;
    flask_cookie_codec *codec = NULL;
    flask_cookie_slice key;
    flask_cookie_buf json = {NULL, 0};
    uint8_t *key_bytes, *cookie;
    size_t key_len = 0, cookie_len = 0;
    uint64_t now = FLASK_COOKIE_NOW;
    flask_cookie_result r;

    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s SECRET_KEY_FILE [COOKIE_FILE|- [NOW]]\n", argv[0]);
        return 64;
    }
    if (argc == 4) {
        now = (uint64_t)strtoull(argv[3], NULL, 10);
    }
    key_bytes = slurp(argv[1], &key_len);
    cookie = slurp(argc >= 3 ? argv[2] : "-", &cookie_len);
    if (key_bytes == NULL || cookie == NULL) {
        perror("open_cookie");
        return 74;
    }

    /* Flask's defaults (salt, SHA-1, HMAC derivation, tagged JSON, 31 days) with one key. */
    key.data = key_bytes;
    key.len = key_len;
    r = flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &config);
    if (r == FLASK_COOKIE_RESULT_OK) {
        r = flask_cookie_config_set_keys(config, &key, 1);
    }
    if (r == FLASK_COOKIE_RESULT_OK) {
        r = flask_cookie_codec_new(config, &codec); /* keys are derived here, once */
    }
    flask_cookie_config_free(config); /* it holds a copy of the key: free it early */
    memset(key_bytes, 0, key_len);
    free(key_bytes);
    if (r != FLASK_COOKIE_RESULT_OK) {
        print_last_error(r);
        free(cookie);
        return 64;
    }

    r = flask_cookie_open(codec, cookie, cookie_len, now, &json, NULL);
    free(cookie);
    flask_cookie_codec_free(codec);
    if (r != FLASK_COOKIE_RESULT_OK) {
        print_last_error(r);
        if (flask_cookie_result_is_bad_signature(r)) {
            /* Flask would start a new, empty session. */
            return r == FLASK_COOKIE_RESULT_EXPIRED ? 2 : 1;
        }
        return 3;
    }
    fwrite(json.data, 1, json.len, stdout);
    putchar('\n');
    flask_cookie_buf_free(&json);
    return 0;
}
