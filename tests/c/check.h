/* A tiny test harness for the C tests: counts checks, prints every failure with the library's
 * result message and this thread's flask_cookie_last_error, and gives the exit status. */
#ifndef FLASK_COOKIE_TEST_CHECK_H
#define FLASK_COOKIE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "flask_cookie.h"

static unsigned long check_count;
static unsigned long check_failures;

static inline void check_report_last_error(void) {
    char msg[512];
    size_t n = flask_cookie_last_error((uint8_t *)msg, sizeof msg - 1);
    if (n > sizeof msg - 1) {
        n = sizeof msg - 1;
    }
    msg[n] = '\0';
    fprintf(stderr, "      last error: \"%s\"\n", msg);
}

static inline int check_(int ok, const char *what, const char *file, int line) {
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

static inline int check_rc_(flask_cookie_result got, flask_cookie_result want, const char *what,
                            const char *file, int line) {
    check_count++;
    if (got != want) {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s\n      returned %u (%s), expected %u (%s)\n", file, line,
                what, (unsigned)got, flask_cookie_result_message(got), (unsigned)want,
                flask_cookie_result_message(want));
        if (got != FLASK_COOKIE_RESULT_OK) {
            check_report_last_error();
        }
        return 0;
    }
    return 1;
}

/* CHECK(condition); CHECK_RC(call, expected result). Both evaluate to 1 when the check passed. */
#define CHECK(cond) check_((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_RC(call, want) check_rc_((call), (want), #call, __FILE__, __LINE__)

/* 1 when the buffer holds exactly the bytes of the NUL-terminated string `s`. */
static inline int buf_is(const flask_cookie_buf *b, const char *s) {
    size_t n = strlen(s);
    return b->len == n && (n == 0 || (b->data != NULL && memcmp(b->data, s, n) == 0));
}

/* 1 when `s` (NUL-terminated) occurs in this thread's last error message. */
static inline int last_error_contains(const char *s) {
    char msg[1024];
    size_t n = flask_cookie_last_error((uint8_t *)msg, sizeof msg - 1);
    if (n > sizeof msg - 1) {
        n = sizeof msg - 1;
    }
    msg[n] = '\0';
    return strstr(msg, s) != NULL;
}

static inline int check_done(const char *name) {
    printf("%s: %lu checks, %lu failed\n", name, check_count, check_failures);
    return check_failures == 0 && check_count > 0 ? 0 : 1;
}

#endif /* FLASK_COOKIE_TEST_CHECK_H */
