/* Flask's session layer from C: open the request's cookie, change the session, save it.
   README example; tests/c/run.sh runs it and compares its Set-Cookie with Flask's. */
#include <stdio.h>
#include <string.h>
#include "flask_cookie.h"

int main(void) {
    flask_cookie_slice key = {(const uint8_t *)"test key", 8};
    flask_cookie_config *codec_config = NULL;
    flask_cookie_session_builder *builder = NULL;
    flask_cookie_session_config *config = NULL;
    flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &codec_config);
    flask_cookie_config_set_keys(codec_config, &key, 1);
    flask_cookie_session_builder_new(codec_config, &builder);
    flask_cookie_config_free(codec_config);
    flask_cookie_session_builder_set_samesite(builder, (const uint8_t *)"Lax", 3);
    if (flask_cookie_session_builder_build(builder, &config) != FLASK_COOKIE_RESULT_OK) return 64;
    flask_cookie_session_builder_free(builder);

    const char *cookie = "theme=dark; session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    flask_cookie_slice headers[1] = {{(const uint8_t *)cookie, strlen(cookie)}};
    uint32_t state;
    flask_cookie_session *session = NULL;
    if (flask_cookie_session_open(config, headers, 1, 1700000060, &state, &session, NULL) !=
        FLASK_COOKIE_RESULT_OK)
        return 1;                                   /* Flask: HTTP 500 */
    int64_t a = 0;
    flask_cookie_session_get_int64(session, (const uint8_t *)"a", 1, &a);
    flask_cookie_session_set_str(session, (const uint8_t *)"user", 4, (const uint8_t *)"ada", 3);

    uint32_t action;
    bool vary;
    char header[4096];
    size_t len = 0;
    if (flask_cookie_session_save_into(config, session, 1700000060, &action, (uint8_t *)header,
                                       sizeof header, &len, &vary) == FLASK_COOKIE_RESULT_OK)
        printf("state %u, a = %lld, action %u, vary %d\nSet-Cookie: %.*s\n", state, (long long)a,
               action, vary, (int)len, header);
    flask_cookie_session_free(session);
    flask_cookie_session_config_free(config);
    return 0;
}
