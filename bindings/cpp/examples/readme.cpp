// The C++ binding: re-sign a Flask session cookie with the newest key, or start a new session.
// README example; bindings/cpp/run.sh compiles and runs it.
#include <iostream>
#include "flask_cookie.hpp"
namespace fc = flask_cookie;

// Configure once (keys oldest first; the last one signs), share by const reference.
const fc::Codec codec{fc::Config::flask("test key").fallback_keys({"an older key"})};

std::string touch(std::string_view cookie, std::uint64_t now) {
    try {
        fc::Opened s = codec.open(cookie, now);       // without `now`: the system clock
        return codec.dump(s.json, now);               // re-signed by the newest key
    } catch (const fc::Error& e) {                    // e.value(): the C code; e.what(): details
        if (e.is_bad_signature()) return codec.dump("{}", now);  // Flask: a new, empty session
        throw;                                        // bad payload: Flask answers HTTP 500
    }
}

int main() {
    const std::uint64_t now = 1700000000;
    std::string cookie = touch("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", now);
    std::string fresh = touch("eyJhIjoyfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", now);  // tampered
    std::cout << codec.open(cookie, now).json << " " << codec.open(fresh, now).json << "\n";
    return codec.open(cookie, now).json == R"({"a":1})" ? 0 : 1;  // prints {"a":1} {}
}
