// A second translation unit including the header: the link fails if anything in it is not
// `inline` (one-definition rule).
#include "flask_cookie.hpp"

std::string second_tu_open(const flask_cookie::Codec& c, std::string_view cookie) {
    return c.open(cookie, 1700000000).json;
}
