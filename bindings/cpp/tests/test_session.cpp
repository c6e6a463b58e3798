// flask_cookie::SessionConfig and Session against real Flask's answers: the case file of
// tests/c/session_cases.py (600 requests Flask 3.1.3 answered, typed reads of a cookie Flask
// signed, typed writes as Flask saved them, a malformed timestamp).
//
//   test_session_cpp CASES
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "check.hpp"
#include "flask_cookie.hpp"

namespace fc = flask_cookie;

namespace {

const std::string KAT = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";

std::optional<std::string> unhex(const std::string& t) {
    if (t == "-") return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < t.size(); i += 2) out.push_back(static_cast<char>(std::stoi(t.substr(i, 2), nullptr, 16)));
    return out;
}

void api_checks() {
    CHECK_EQ(flask_cookie_version_number(), static_cast<std::uint32_t>(FLASK_COOKIE_VERSION_NUMBER));
    fc::SessionConfig config(fc::Config::flask("test key"));
    CHECK(config.find_cookie({"a=1", "session=" + KAT}) == KAT);
    CHECK(!config.find_cookie({"a=1"}));
    std::string header = "session=" + KAT;
    auto s = config.open({header}, 1700000060);
    CHECK(s.state() == fc::SessionState::opened && s.signed_at() == 1700000000);
    CHECK(s.get_int("a") == 1);
    CHECK(!s.get_int("nope"));
    CHECK_THROWS(701, s.get_str("a"), e) { CHECK(e->code() == fc::Code::wrong_type); }
    auto out = s.save(1700000060);
    CHECK(out.action == fc::SaveAction::none && out.vary_cookie && out.set_cookie.empty());
    s.mark_modified();
    out = s.save(1700000000);
    CHECK_EQ(out.set_cookie, "session=" + KAT + "; HttpOnly; Path=/");
    s.clear();
    CHECK(s.save(1700000060).action == fc::SaveAction::remove);
    CHECK(config.open({header}, 1700000000 + 2678401).state() == fc::SessionState::new_expired);
    fc::SessionSettings bad;
    bad.samesite = "sideways";
    CHECK_THROWS(802, fc::SessionConfig(fc::Config::flask("k"), bad), e) {}
    fc::SessionConfig moved = std::move(config);
    CHECK_THROWS(1, config.find_cookie({}), e) {}
    CHECK(moved.open({}, 1).state() == fc::SessionState::no_cookie);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: test_session_cpp CASES\n";
        return 2;
    }
    api_checks();
    std::ifstream in(argv[1]);
    std::string line;
    long cases = 0, excluded = 0;
    while (std::getline(in, line)) {
        std::istringstream ts(line);
        auto nx = [&ts]() { std::string t; ts >> t; return t; };
        std::string kind = nx();
        if (kind == "S") {
            std::string idx = nx();
            fc::SessionSettings st;
            st.cookie_name = *unhex(nx());
            auto domain = unhex(nx());
            st.path = unhex(nx());
            st.application_root = *unhex(nx());
            st.httponly = nx() == "1";
            st.secure = nx() == "1";
            auto samesite = unhex(nx());
            st.partitioned = nx() == "1";
            st.lifetime = std::stoull(nx());
            st.refresh_each_request = nx() == "1";
            bool ss_ok = nx() == "1", dom_ok = nx() == "1";
            if (ss_ok) st.samesite = samesite;
            if (dom_ok) st.domain = domain;
            std::vector<std::string> keys;
            for (int n = std::stoi(nx()); n > 0; --n) keys.push_back(*unhex(nx()));
            keys.push_back("test key");
            std::uint64_t now = std::stoull(nx());
            auto header = unhex(nx());
            int status = std::stoi(nx());
            bool non_text = nx() == "1";
            auto want_json = unhex(nx());
            std::vector<std::string> want_sc;
            for (int n = std::stoi(nx()); n > 0; --n) want_sc.push_back(*unhex(nx()));
            bool want_vary = nx() == "1";
            int n_ops = std::stoi(nx());
            std::vector<std::string_view> kv(keys.begin(), keys.end());
            std::optional<fc::SessionConfig> config;
            try {
                config.emplace(fc::Config::flask("x").keys(kv).lenient_base64(true), st);
            } catch (const fc::Error& e) {
                CHECK(e.code() == fc::Code::invalid_cookie_setting);
                ++excluded;
                continue;
            }
            std::vector<std::string_view> hs;
            if (header) hs.push_back(*header);
            std::optional<fc::Session> s;
            try {
                s.emplace(config->open(hs, now));
            } catch (const fc::Error& e) {
                if (e.code() == fc::Code::session_non_text_key) {
                    CHECK(non_text);
                    ++excluded;
                } else {
                    CHECK(status == 500);
                    ++cases;
                }
                continue;
            }
            for (int k = 0; k < n_ops; ++k) {
                std::string op = nx();
                if (op == "get") (void)s->get_json(*unhex(nx()));
                else if (op == "set") { auto key = *unhex(nx()); s->set_json(key, *unhex(nx())); }
                else if (op == "setdefault") { auto key = *unhex(nx()); auto v = *unhex(nx()); if (!s->contains(key)) s->set_json(key, v); }
                else if (op == "pop") s->remove(*unhex(nx()));
                else if (op == "clear") s->clear();
                else if (op == "permanent") s->set_permanent(nx() == "1");
                else if (op == "touch") s->touch();
                else if (op == "modified") s->mark_modified();
            }
            int got = 200;
            fc::Saved out;
            try {
                out = s->save(now);
                if (!(ss_ok && dom_ok) && out.action != fc::SaveAction::none) got = 500;
            } catch (const fc::Error&) {
                got = 500;
            }
            CHECK_EQ(got, status);
            if (got == 200 && status == 200) {
                CHECK_EQ(out.set_cookie, want_sc.empty() ? std::string() : want_sc[0]);
                CHECK_EQ(out.vary_cookie, want_vary);
                CHECK_EQ(s->to_json(), *want_json);
            }
            ++cases;
        } else if (kind == "T") {
            std::string cookie = *unhex(nx());
            std::uint64_t now = std::stoull(nx());
            int n = std::stoi(nx());
            fc::SessionConfig config(fc::Config::flask("test key"));
            std::string h = "session=" + cookie;
            auto s = config.open({h}, now);
            CHECK(s.state() == fc::SessionState::opened);
            for (int k = 0; k < n; ++k) {
                std::string key = *unhex(nx());
                std::string ty = nx();
                std::string json = *unhex(nx());
                auto val = unhex(nx());
                CHECK(s.get_json(key) == json);
                if (ty == "bool") CHECK(s.get_bool(key) == (json == "true"));
                if (ty == "str" || ty == "Markup") CHECK(s.get_str(key) == val);
                if (ty == "int") {
                    try {
                        CHECK_EQ(std::to_string(*s.get_int(key)), json);
                    } catch (const fc::Error& e) {
                        CHECK(e.code() == fc::Code::int_out_of_range);
                    }
                } else {
                    CHECK_THROWS(701, s.get_int(key), e) {}
                }
                if (ty == "str_lone") CHECK_THROWS(703, s.get_str(key), e) {}
            }
        } else if (kind == "W") {
            std::uint64_t now = std::stoull(nx());
            int n = std::stoi(nx());
            fc::SessionConfig config(fc::Config::flask("test key"));
            auto s = config.open({}, now);
            for (int k = 0; k < n; ++k) {
                std::string key = *unhex(nx());
                std::string ty = nx();
                if (ty == "str") s.set_str(key, *unhex(nx()));
                else if (ty == "bool") s.set_bool(key, nx() == "1");
                else s.set_int(key, std::stoll(nx()));
            }
            auto want = *unhex(nx());
            auto out = s.save(now);
            CHECK(out.action == fc::SaveAction::set && out.vary_cookie);
            CHECK_EQ(out.set_cookie, want);
        } else if (kind == "M") {
            fc::SessionConfig config(fc::Config::flask("test key"));
            std::string h = "session=" + *unhex(nx());
            CHECK(config.open({"other=1", h}, 1700000000).state() == fc::SessionState::new_malformed_timestamp);
        }
    }
    CHECK(cases + excluded == 600 && cases > 540);
    std::cout << "test_session_cpp: " << cases << " Flask cases, " << excluded << " excluded; "
              << check::checks() << " checks, " << check::failures() << " failed\n";
    return check::failures() == 0 ? 0 : 1;
}
