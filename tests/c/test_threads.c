/* Several threads share one codec (the header: "Any number of threads may call
 * flask_cookie_open, flask_cookie_verify and flask_cookie_dump on one codec at the same time,
 * without locking"), and each thread keeps its own flask_cookie_last_error.
 *
 * Oracles: the spec's known-answer vectors and cookies made by real Flask (known_answers.h).
 * Each thread counts its own failures (the shared counters of check.h are not used from the
 * workers). Run under AddressSanitizer and valgrind by tests/c/run.sh (valgrind serialises
 * threads but still checks every access; ThreadSanitizer is not used: the Rust library is not
 * instrumented). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "flask_cookie.h"
#include "known_answers.h"

#define T 1700000000u
#define VECTOR1 "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
#define VECTOR1_JSON "{\"a\":1}"
#define VECTOR2 "eyJ2IjoiYWFhYWFhYWFhYWEifQ.ZVPxAA.X4gJc6MtntS_8NUJTKexEs5fZ9c"
#define VECTOR2_JSON "{\"v\":\"aaaaaaaaaaa\"}"

#define THREADS 8

static unsigned long iterations = 300;

struct worker {
    const flask_cookie_codec *codec;
    int index;
    pthread_t thread;
    unsigned long checks;
    unsigned long failures;
};

static void wcheck(struct worker *w, int ok, const char *what, int line) {
    w->checks++;
    if (!ok) {
        w->failures++;
        if (w->failures <= 5) {
            fprintf(stderr, "FAIL thread %d, %s:%d: %s\n", w->index, __FILE__, line, what);
        }
    }
}
#define WCHECK(w, cond) wcheck((w), (cond) ? 1 : 0, #cond, __LINE__)

static int buf_equals(const flask_cookie_buf *b, const char *s) {
    size_t n = strlen(s);
    return b->len == n && memcmp(b->data, s, n) == 0;
}

/* This thread's last error, NUL-terminated, into `out`. */
static void last_error(char *out, size_t size) {
    size_t n = flask_cookie_last_error((uint8_t *)out, size - 1);
    out[n < size - 1 ? n : size - 1] = '\0';
}

static void *work(void *arg) {
    struct worker *w = (struct worker *)arg;
    const flask_cookie_codec *codec = w->codec;
    flask_cookie_buf buf = {NULL, 0};
    uint64_t signed_at = 0;
    char msg[256];
    unsigned long i;
    /* Even threads fail with an expired cookie, odd ones with a bad signature, right before
     * reading their own last error: a shared slot would mix the two. */
    int expect_expired = w->index % 2 == 0;

    for (i = 0; i < iterations; i++) {
        flask_cookie_result r;
        WCHECK(w, flask_cookie_open(codec, (const uint8_t *)VECTOR1, strlen(VECTOR1), T, &buf, &signed_at) ==
                      FLASK_COOKIE_RESULT_OK);
        WCHECK(w, buf_equals(&buf, VECTOR1_JSON) && signed_at == T);
        flask_cookie_buf_free(&buf);

        WCHECK(w, flask_cookie_open(codec, (const uint8_t *)KA_COMPRESSED, strlen(KA_COMPRESSED), T, &buf, NULL) ==
                      FLASK_COOKIE_RESULT_OK);
        WCHECK(w, buf_equals(&buf, KA_COMPRESSED_JSON));
        flask_cookie_buf_free(&buf);

        /* Signed by the fallback key. */
        WCHECK(w, flask_cookie_verify(codec, (const uint8_t *)KA_OLD_KEY_COOKIE, strlen(KA_OLD_KEY_COOKIE), T,
                                      &signed_at) == FLASK_COOKIE_RESULT_OK);

        WCHECK(w, flask_cookie_dump(codec, (const uint8_t *)VECTOR2_JSON, strlen(VECTOR2_JSON), T, &buf) ==
                      FLASK_COOKIE_RESULT_OK);
        WCHECK(w, buf_equals(&buf, VECTOR2));
        flask_cookie_buf_free(&buf);

        WCHECK(w, flask_cookie_dump(codec, (const uint8_t *)KA_COMPRESSED_JSON, strlen(KA_COMPRESSED_JSON), T,
                                    &buf) == FLASK_COOKIE_RESULT_OK);
        WCHECK(w, buf_equals(&buf, KA_COMPRESSED));
        flask_cookie_buf_free(&buf);

        WCHECK(w, flask_cookie_open(codec, (const uint8_t *)KA_BAD_TAG, strlen(KA_BAD_TAG), T, &buf, NULL) ==
                      FLASK_COOKIE_RESULT_BAD_PAYLOAD_TAG);

        if (expect_expired) {
            r = flask_cookie_open(codec, (const uint8_t *)VECTOR1, strlen(VECTOR1), T + 2678401u, &buf, NULL);
            WCHECK(w, r == FLASK_COOKIE_RESULT_EXPIRED);
            last_error(msg, sizeof msg);
            WCHECK(w, strstr(msg, "expired") != NULL && strstr(msg, "2678401") != NULL);
        } else {
            r = flask_cookie_verify(codec, (const uint8_t *)"eyJhIjoxfQ.ZVPxAA.AAAA", 22, T, NULL);
            WCHECK(w, r == FLASK_COOKIE_RESULT_BAD_SIGNATURE);
            last_error(msg, sizeof msg);
            WCHECK(w, strstr(msg, "expired") == NULL && strstr(msg, "signature") != NULL);
        }
        /* Successes do not touch this thread's message. */
        WCHECK(w, flask_cookie_verify(codec, (const uint8_t *)VECTOR2, strlen(VECTOR2), T, NULL) ==
                      FLASK_COOKIE_RESULT_OK);
        last_error(msg, sizeof msg);
        WCHECK(w, (strstr(msg, "2678401") != NULL) == expect_expired);
    }
    return NULL;
}

int main(int argc, char **argv) {
    static const char *const keys[] = {"old key", "test key"};
    flask_cookie_slice slices[2];
    flask_cookie_config *config = NULL;
    flask_cookie_codec *codec = NULL;
    struct worker workers[THREADS];
    unsigned long checks = 0, failures = 0;
    int i;

    if (argc > 1) {
        iterations = strtoul(argv[1], NULL, 10);
    }
    for (i = 0; i < 2; i++) {
        slices[i].data = (const uint8_t *)keys[i];
        slices[i].len = strlen(keys[i]);
    }
    if (flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &config) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_keys(config, slices, 2) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_codec_new(config, &codec) != FLASK_COOKIE_RESULT_OK) {
        fprintf(stderr, "cannot make the codec\n");
        return 1;
    }
    flask_cookie_config_free(config);

    for (i = 0; i < THREADS; i++) {
        workers[i].codec = codec;
        workers[i].index = i;
        workers[i].checks = 0;
        workers[i].failures = 0;
        if (pthread_create(&workers[i].thread, NULL, work, &workers[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(workers[i].thread, NULL);
        checks += workers[i].checks;
        failures += workers[i].failures;
    }
    /* Every call has returned: now the codec may be freed. */
    flask_cookie_codec_free(codec);
    /* The main thread made no failing call: its own message is empty. */
    check_count = checks + 1;
    check_failures = failures + (flask_cookie_last_error(NULL, 0) == 0 ? 0 : 1);
    printf("%d threads x %lu iterations on one codec\n", THREADS, iterations);
    return check_done("test_threads");
}
