// The header from C++17: compiles with -Wall -Wextra -Werror -pedantic, links (extern "C"),
// and its enums are usable as C++ types. Oracle: the spec's known-answer vector 1.
#include "flask_cookie.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

static_assert(std::is_same<std::underlying_type<flask_cookie_result>::type, uint32_t>::value,
              "flask_cookie_result is a uint32_t in C++");
static_assert(FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED == 501, "values are part of the ABI");

int main() {
    const std::string key = "test key";
    const std::string cookie = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    flask_cookie_slice slice{reinterpret_cast<const uint8_t *>(key.data()), key.size()};
    flask_cookie_config *config = nullptr;
    flask_cookie_codec *codec = nullptr;
    if (flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &config) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_config_set_keys(config, &slice, 1) != FLASK_COOKIE_RESULT_OK ||
        flask_cookie_codec_new(config, &codec) != FLASK_COOKIE_RESULT_OK) {
        std::fprintf(stderr, "cannot make a codec\n");
        return 1;
    }
    flask_cookie_config_free(config);
    flask_cookie_buf json{nullptr, 0};
    uint64_t signed_at = 0;
    flask_cookie_result r = flask_cookie_open(codec, reinterpret_cast<const uint8_t *>(cookie.data()),
                                              cookie.size(), 1700000000u, &json, &signed_at);
    bool ok = r == FLASK_COOKIE_RESULT_OK && signed_at == 1700000000u &&
              std::string(reinterpret_cast<const char *>(json.data), json.len) == "{\"a\":1}";
    flask_cookie_buf_free(&json);
    flask_cookie_codec_free(codec);
    std::printf("C++17: open %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
