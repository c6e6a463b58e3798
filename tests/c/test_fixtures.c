/* Real Flask's fixtures through the C ABI: every case of fixtures/cookies.json, opened,
 * verified and dumped with Flask's decision and bytes, and with the same results as the
 * flask-cookie CLI on the same case.
 *
 * Reads the case file written by tests/c/fixture_cases.py (its docstring describes the format
 * and how Flask's decisions map to result codes):
 *
 *     python3 tests/c/fixture_cases.py --cli target/release/flask-cookie --out cases.txt
 *     ./test_fixtures cases.txt
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "flask_cookie.h"

#define MAX_FIELDS 16

struct bytes {
    uint8_t *data;
    size_t len;
    int present; /* 0 for `-` */
};

static unsigned long n_open, n_verify, n_dump, n_cli, n_tolerated;

/* Reads one line of any length (without the newline) into a growing buffer; 0 at the end. */
static int read_line(FILE *f, char **line, size_t *cap) {
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n + 1 >= *cap) {
            size_t bigger = *cap ? *cap * 2 : 4096;
            char *p = (char *)realloc(*line, bigger);
            if (p == NULL) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
            *line = p;
            *cap = bigger;
        }
        (*line)[n++] = (char)c;
    }
    if (c == EOF && n == 0) {
        return 0;
    }
    (*line)[n] = '\0';
    return 1;
}

/* Splits at tabs in place, keeping empty fields. */
static size_t split(char *line, char **fields) {
    size_t n = 0;
    fields[n++] = line;
    for (; *line; line++) {
        if (*line == '\t') {
            *line = '\0';
            if (n == MAX_FIELDS) {
                break;
            }
            fields[n++] = line + 1;
        }
    }
    return n;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes a hex field (`-`: absent). The buffer has exactly `len` bytes (no terminator), so a
 * read past the end is caught by AddressSanitizer and valgrind. */
static struct bytes unhex(const char *s) {
    struct bytes b = {NULL, 0, 0};
    size_t n = strlen(s), i;
    if (strcmp(s, "-") == 0) {
        return b;
    }
    b.present = 1;
    b.len = n / 2;
    b.data = (uint8_t *)malloc(b.len ? b.len : 1);
    if (b.data == NULL || n % 2 != 0) {
        fprintf(stderr, "bad hex field\n");
        exit(2);
    }
    for (i = 0; i < b.len; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad hex field\n");
            exit(2);
        }
        b.data[i] = (uint8_t)(hi * 16 + lo);
    }
    return b;
}

static uint64_t num(const char *s) {
    return (uint64_t)strtoull(s, NULL, 10);
}

static int code_in(flask_cookie_result r, const char *list) {
    char *end;
    const char *p = list;
    while (*p) {
        unsigned long v = strtoul(p, &end, 10);
        if (end == p) {
            return 0;
        }
        if (v == r) {
            return 1;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static int same(const flask_cookie_buf *got, const struct bytes *want) {
    return want->present && got->len == want->len &&
           (want->len == 0 || memcmp(got->data, want->data, want->len) == 0);
}

/* The CLI's exit status for a result (README: 0 valid; 1 bad signature or malformed cookie; 2
 * expired; 3 undecodable payload or a timestamp after 9999, Flask's HTTP 500s). */
static int cli_exit(flask_cookie_result r) {
    if (r == FLASK_COOKIE_RESULT_OK) return 0;
    if (r >= 100 && r < 300) return 1;
    if (r == FLASK_COOKIE_RESULT_EXPIRED) return 2;
    if (r >= 400 && r < 500) return 3;
    if (r == FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE) return 3;
    return -1;
}

static void fail(const char *name, const char *what, flask_cookie_result r) {
    check_failures++;
    if (check_failures <= 30) {
        fprintf(stderr, "FAIL [%s] %s (result %u: %s)\n", name, what, (unsigned)r,
                flask_cookie_result_message(r));
        if (r != FLASK_COOKIE_RESULT_OK) {
            check_report_last_error();
        }
    }
}

#define EXPECT(cond, what)                                                                     \
    do {                                                                                       \
        check_count++;                                                                         \
        if (!(cond)) fail(name, what, r);                                                      \
    } while (0)

static flask_cookie_codec *make_codec(char **f, size_t n) {
    flask_cookie_config *config = NULL;
    flask_cookie_codec *codec = NULL;
    flask_cookie_slice keys[8];
    struct bytes key_bytes[8];
    struct bytes salt;
    size_t n_keys = 0, i;
    size_t max_inflated;
    char *k;
    if (n != 9) {
        fprintf(stderr, "bad C line\n");
        exit(2);
    }
    salt = unhex(f[6]);
    max_inflated = (size_t)num(f[7]);
    for (k = strtok(f[8], ","); k != NULL && n_keys < 8; k = strtok(NULL, ",")) {
        key_bytes[n_keys] = unhex(k);
        keys[n_keys].data = key_bytes[n_keys].data;
        keys[n_keys].len = key_bytes[n_keys].len;
        n_keys++;
    }
    if (flask_cookie_config_new((uint32_t)num(f[1]), &config) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_digest(config, (uint32_t)num(f[2])) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_key_derivation(config, (uint32_t)num(f[3])) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_max_age(config, strcmp(f[4], "none") == 0 ? FLASK_COOKIE_NO_MAX_AGE : num(f[4])) !=
            FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_lenient_base64(config, f[5][0] == '1') != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_salt(config, salt.data, salt.len) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_limits(config, 0, max_inflated, 0) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_keys(config, keys, n_keys) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_codec_new(config, &codec) != FLASK_COOKIE_RESULT_OK) {
        fprintf(stderr, "cannot make a codec for a fixture configuration\n");
        check_report_last_error();
        exit(1);
    }
    /* The config holds copies: wipe and free ours, then the config, right away. */
    for (i = 0; i < n_keys; i++) {
        memset(key_bytes[i].data, 0, key_bytes[i].len);
        free(key_bytes[i].data);
    }
    free(salt.data);
    flask_cookie_config_free(config);
    return codec;
}

static void open_case(const flask_cookie_codec *codec, char **f, size_t n) {
    const char *name = f[1];
    struct bytes cookie, json, alt_json, cli_json;
    flask_cookie_buf out = {NULL, 0};
    uint64_t signed_at = 0;
    flask_cookie_result r;
    if (n != 13) {
        fprintf(stderr, "bad O line\n");
        exit(2);
    }
    cookie = unhex(f[2]);
    json = unhex(f[6]);
    alt_json = unhex(f[7]);
    cli_json = unhex(f[11]);

    /* open: Flask's decision, JSON and signing time. */
    n_open++;
    r = flask_cookie_open(codec, cookie.data, cookie.len, num(f[3]), &out, &signed_at);
    EXPECT(code_in(r, f[4]), "open: result is not Flask's decision");
    if (r == FLASK_COOKIE_RESULT_BAD_PAYLOAD_TAG && code_in(0, f[4])) {
        n_tolerated++; /* a malformed tag Flask decodes; refused by rule (fixture_cases.py) */
    }
    if (r == FLASK_COOKIE_RESULT_OK) {
        EXPECT(same(&out, &json) || same(&out, &alt_json), "open: JSON differs from Flask's");
        EXPECT(signed_at == num(f[5]), "open: signed_at differs from Flask's");
    }
    /* ... and the CLI's answer on the same case. */
    if (strcmp(f[10], "-") != 0) {
        n_cli++;
        EXPECT(cli_exit(r) == (int)num(f[10]), "open: the CLI's exit status disagrees");
        if (r == FLASK_COOKIE_RESULT_OK) {
            EXPECT(same(&out, &cli_json), "open: the CLI printed other JSON");
        }
    }
    flask_cookie_buf_free(&out);

    /* verify: Flask's signature/expiry decision. */
    n_verify++;
    signed_at = 0;
    r = flask_cookie_verify(codec, cookie.data, cookie.len, num(f[3]), &signed_at);
    EXPECT(code_in(r, f[8]), "verify: result is not Flask's decision");
    if (r == FLASK_COOKIE_RESULT_OK) {
        EXPECT(signed_at == num(f[9]), "verify: signed_at differs from Flask's");
    }
    if (strcmp(f[12], "-") != 0) {
        EXPECT(cli_exit(r) == (int)num(f[12]), "verify: the CLI's exit status disagrees");
    }
    free(cookie.data);
    free(json.data);
    free(alt_json.data);
    free(cli_json.data);
}

static void dump_case(const flask_cookie_codec *codec, char **f, size_t n) {
    const char *name = f[1];
    struct bytes json, cookie, open_json, cli_cookie;
    flask_cookie_buf out = {NULL, 0}, reopened = {NULL, 0};
    uint64_t ts, signed_at = 0;
    flask_cookie_result r;
    if (n != 7) {
        fprintf(stderr, "bad D line\n");
        exit(2);
    }
    json = unhex(f[2]);
    ts = num(f[3]);
    cookie = unhex(f[4]);
    open_json = unhex(f[5]);
    cli_cookie = unhex(f[6]);
    n_dump++;
    r = flask_cookie_dump(codec, json.data, json.len, ts, &out);
    EXPECT(r == FLASK_COOKIE_RESULT_OK, "dump refused Flask's JSON");
    if (r == FLASK_COOKIE_RESULT_OK) {
        EXPECT(same(&out, &cookie), "dump: cookie differs from Flask's");
        if (cli_cookie.present) {
            n_cli++;
            EXPECT(same(&out, &cli_cookie), "dump: the CLI wrote another cookie");
        }
        r = flask_cookie_open(codec, out.data, out.len, ts, &reopened, &signed_at);
        EXPECT(r == FLASK_COOKIE_RESULT_OK, "dump: the cookie does not open");
        if (r == FLASK_COOKIE_RESULT_OK) {
            EXPECT(same(&reopened, &open_json) && signed_at == ts,
                   "dump: reopened JSON is not Flask's canonical JSON");
        }
    }
    flask_cookie_buf_free(&out);
    flask_cookie_buf_free(&reopened);
    free(json.data);
    free(cookie.data);
    free(open_json.data);
    free(cli_cookie.data);
}

int main(int argc, char **argv) {
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    char *fields[MAX_FIELDS];
    flask_cookie_codec *codec = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES_FILE (written by tests/c/fixture_cases.py)\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    while (read_line(f, &line, &cap)) {
        size_t n = split(line, fields);
        if (strcmp(fields[0], "C") == 0) {
            flask_cookie_codec_free(codec);
            codec = make_codec(fields, n);
        } else if (strcmp(fields[0], "O") == 0 && codec != NULL) {
            open_case(codec, fields, n);
        } else if (strcmp(fields[0], "D") == 0 && codec != NULL) {
            dump_case(codec, fields, n);
        } else if (fields[0][0] != '\0' && fields[0][0] != '#') {
            fprintf(stderr, "bad line starting with %s\n", fields[0]);
            return 2;
        }
    }
    flask_cookie_codec_free(codec);
    free(line);
    fclose(f);
    printf("fixtures: %lu opens, %lu verifies, %lu dumps, %lu compared with the CLI",
           n_open, n_verify, n_dump, n_cli);
    if (n_tolerated) {
        printf("; %lu malformed tags Flask decodes refused (BAD_PAYLOAD_TAG), by rule", n_tolerated);
    }
    printf("\n");
    if (n_open < 1000 || n_dump < 300) {
        fprintf(stderr, "too few cases: is the case file complete?\n");
        return 1;
    }
    return check_done("test_fixtures");
}
