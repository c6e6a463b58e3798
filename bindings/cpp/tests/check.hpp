// A tiny test harness: CHECK macros that count failures and keep going.
#ifndef FLASK_COOKIE_TEST_CHECK_HPP
#define FLASK_COOKIE_TEST_CHECK_HPP

#include <atomic>
#include <cstdint>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>

#include "flask_cookie.hpp"

namespace check {

inline std::atomic<long>& failures() {
    static std::atomic<long> n{0};
    return n;
}
inline std::atomic<long>& checks() {
    static std::atomic<long> n{0};
    return n;
}

inline void fail(const char* file, int line, const std::string& what) {
    ++failures();
    std::ostringstream os;
    os << file << ":" << line << ": FAILED: " << what << "\n";
    std::cerr << os.str();
}

}  // namespace check

namespace flask_cookie {
// For CHECK_EQ messages.
inline std::ostream& operator<<(std::ostream& os, Code code) {
    return os << static_cast<std::uint32_t>(code);
}
}  // namespace flask_cookie

#define CHECK(cond)                                                         \
    do {                                                                    \
        ++check::checks();                                                  \
        if (!(cond)) check::fail(__FILE__, __LINE__, #cond);                \
    } while (0)

#define CHECK_EQ(a, b)                                                      \
    do {                                                                    \
        ++check::checks();                                                  \
        const auto& check_a_ = (a);                                         \
        const auto& check_b_ = (b);                                         \
        if (!(check_a_ == check_b_)) {                                      \
            std::ostringstream check_os_;                                   \
            check_os_ << #a " == " #b "\n    left:  " << check_a_           \
                      << "\n    right: " << check_b_;                       \
            check::fail(__FILE__, __LINE__, check_os_.str());               \
        }                                                                   \
    } while (0)

// Runs `expr`, which must throw flask_cookie::Error with numeric code `code`; binds the error
// to `err` for the following block:  CHECK_THROWS(300, codec.open(c, t), e) { CHECK(...); }
#define CHECK_THROWS(code, expr, err)                                                     \
    for (std::optional<flask_cookie::Error> err = [&]() -> std::optional<flask_cookie::Error> { \
             ++check::checks();                                                          \
             try {                                                                       \
                 (void)(expr);                                                           \
             } catch (const flask_cookie::Error& e) {                                    \
                 if (e.value() != (code)) {                                              \
                     std::ostringstream check_os_;                                       \
                     check_os_ << #expr " threw code " << e.value() << " (" << e.what()  \
                               << "), expected " << (code);                              \
                     check::fail(__FILE__, __LINE__, check_os_.str());                   \
                 }                                                                       \
                 return e;                                                               \
             }                                                                           \
             check::fail(__FILE__, __LINE__, #expr " did not throw");                    \
             return std::nullopt;                                                        \
         }();                                                                            \
         err; err.reset())

#endif  // FLASK_COOKIE_TEST_CHECK_HPP
