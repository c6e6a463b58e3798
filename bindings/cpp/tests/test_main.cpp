// Tests of flask_cookie.hpp: every method and every error class, against oracles that are not
// this library: the spec's known-answer vectors (shared/spec/flask-cookie-format.md, section 9),
// cookies computed by real itsdangerous/Flask (the Python line that made each is quoted), and
// the data-driven cases of cases.cpp (real-Flask fixtures and a fresh real-Flask corpus).
//
//     test_cpp CASES_FILE      (CASES_FILE from gen_cases.py)

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "check.hpp"
#include "flask_cookie.hpp"

namespace fc = flask_cookie;
using namespace std::string_literals;
using std::chrono::seconds;
using std::chrono::system_clock;

int run_cases(const char* path);                            // cases.cpp
std::string second_tu_open(const fc::Codec& c, std::string_view cookie);  // second_tu.cpp

namespace {

constexpr std::uint64_t T0 = 1700000000;
constexpr std::uint64_t FLASK_MAX_AGE = 2678400;

// Spec section 9: key `test key`, Flask's defaults, timestamp 1700000000.
const std::string V1 = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";              // {"a": 1}
const std::string V2 = "eyJ2IjoiYWFhYWFhYWFhYWEifQ.ZVPxAA.X4gJc6MtntS_8NUJTKexEs5fZ9c";  // "a"*11
const std::string V3 = ".eJyrVipTslJKRAJKtQBDyQa9.ZVPxAA.815SpeH8lhlBdddhzgq4K3Z8Kk4";  // "a"*12

fc::Codec test_key() { return fc::Codec(fc::Config::flask("test key")); }

void test_types() {
    // RAII handle: move-only.
    static_assert(!std::is_copy_constructible_v<fc::Codec>);
    static_assert(!std::is_copy_assignable_v<fc::Codec>);
    static_assert(std::is_nothrow_move_constructible_v<fc::Codec>);
    static_assert(std::is_nothrow_move_assignable_v<fc::Codec>);
    static_assert(std::is_base_of_v<std::runtime_error, fc::Error>);
    static_assert(fc::NOW == UINT64_MAX);
    // Enum values are the C ABI's.
    static_assert(static_cast<std::uint32_t>(fc::Code::expired) == 300);
    static_assert(static_cast<std::uint32_t>(fc::Code::dump_unsupported) == 501);
    static_assert(static_cast<std::uint32_t>(fc::KeyDerivation::none) == 3);
}

void test_version() {
    std::string want = std::to_string(FLASK_COOKIE_VERSION_MAJOR) + "." +
                       std::to_string(FLASK_COOKIE_VERSION_MINOR) + "." +
                       std::to_string(FLASK_COOKIE_VERSION_PATCH);
    CHECK_EQ(std::string(fc::version()), want);
}

void test_known_answers() {
    const fc::Codec codec = test_key();
    struct KA {
        const std::string& cookie;
        std::string json;
    } vectors[] = {{V1, R"({"a":1})"}, {V2, R"({"v":"aaaaaaaaaaa"})"},
                   {V3, R"({"v":"aaaaaaaaaaaa"})"}};
    for (const auto& v : vectors) {
        fc::Opened o = codec.open(v.cookie, T0);
        CHECK_EQ(o.json, v.json);
        CHECK_EQ(o.signed_at, T0);
        CHECK(o.signed_at_time() == system_clock::time_point(seconds(T0)));
        CHECK_EQ(codec.verify(v.cookie, T0), T0);
        CHECK_EQ(codec.dump(v.json, T0), v.cookie);  // compression decision included
    }
    // Flask: SecureCookieSessionInterface with SECRET_KEY "test key" at 1700000000:
    // {"a": 1, "b": (1, b"\x00\xff")}
    CHECK_EQ(codec.dump(R"({"b":{" t":[1,{" b":"AP8="}]},"a":1})", T0),
             "eyJhIjoxLCJiIjp7IiB0IjpbMSx7IiBiIjoiQVA4PSJ9XX19.ZVPxAA.BpK2rX0gkUGB3f4fWixW7xfD_e4"s);
    CHECK_EQ(codec.open("eyJhIjoxLCJiIjp7IiB0IjpbMSx7IiBiIjoiQVA4PSJ9XX19.ZVPxAA."
                        "BpK2rX0gkUGB3f4fWixW7xfD_e4",
                        T0)
                 .json,
             R"({"a":1,"b":{" t":[1,{" b":"AP8="}]}})"s);
    // The last second of the year 9999 still dumps (Flask: Ov_0QX8 for 253402300799).
    CHECK_EQ(codec.dump(R"({"a":1})", 253402300799),
             "eyJhIjoxfQ.Ov_0QX8.QXQrA_rLIbdsbyRrDI4ANZRYA0A"s);
    // Both translation units see the same inline functions.
    CHECK_EQ(second_tu_open(codec, V1), R"({"a":1})"s);
}

void test_keys_bytes_and_rotation() {
    // A key with a NUL byte: string_view, never strlen. Flask with SECRET_KEY b"k\x00ey".
    const std::string nul_cookie = "eyJhIjoxfQ.ZVPxAA.H72hP72DcFoMpRjRUMF2YSXRA-s";
    fc::Codec nul(fc::Config::flask(std::string_view("k\0ey", 4)));
    CHECK_EQ(nul.dump(R"({"a":1})", T0), nul_cookie);
    CHECK_EQ(nul.open(nul_cookie, T0).json, R"({"a":1})"s);
    CHECK_THROWS(100, fc::Codec(fc::Config::flask("k")).open(nul_cookie, T0), e);

    // Flask with SECRET_KEY "new", SECRET_KEY_FALLBACKS ["test key"]: signs with "new".
    const std::string rotated = "eyJhIjoxfQ.ZVPxAA.MURRRJpDg3aWu7ejt2QVczD6Tmg";
    fc::Codec a(fc::Config::flask("new").fallback_keys({"test key"}));
    fc::Codec b(fc::Config(fc::Preset::flask).keys({"test key", "new"}));  // oldest first
    fc::Codec c(fc::Config(fc::Preset::flask).fallback_keys({"test key"}).secret_key("new"));
    for (const fc::Codec* codec : {&a, &b, &c}) {
        CHECK_EQ(codec->dump(R"({"a":1})", T0), rotated);
        CHECK_EQ(codec->open(V1, T0).json, R"({"a":1})"s);  // the fallback still verifies
        CHECK_EQ(codec->verify(rotated, T0), T0);
    }
    // Reversed order: "test key" is the newest and signs the spec vector.
    fc::Codec d(fc::Config(fc::Preset::flask).keys({"new", "test key"}));
    CHECK_EQ(d.dump(R"({"a":1})", T0), V1);
    CHECK_THROWS(100, test_key().open(rotated, T0), e);
    // keys() replaces everything: only "other" is left.
    fc::Codec e2(fc::Config::flask("test key").fallback_keys({"x"}).keys({"other"}));
    CHECK_THROWS(100, e2.open(V1, T0), e);
    CHECK_EQ(fc::Config::flask("a").fallback_keys({"b", "c"}).key_count(), 3u);
}

void test_options() {
    // itsdangerous: URLSafeTimedSerializer("secret").dumps({"b": 1, "a": 2}) at 1700000000.
    fc::Codec its(fc::Config::itsdangerous("secret"));
    const std::string its_cookie = "eyJiIjoxLCJhIjoyfQ.ZVPxAA.fqd5UE7f2SSWTIhMvvJRj-uUItc";
    CHECK_EQ(its.dump(R"({"b":1,"a":2})", T0), its_cookie);
    CHECK_EQ(its.open(its_cookie, T0).json, R"({"b":1,"a":2})"s);
    CHECK_EQ(its.open(its_cookie, T0 + 100 * 365 * 86400ull).signed_at, T0);  // no max_age
    // serializer_kwargs={"sort_keys": True}: json() options.
    fc::Codec sorted(fc::Config::itsdangerous("secret").json({true, false, false}));
    CHECK_EQ(sorted.dump(R"({"b":1,"a":2})", T0),
             "eyJhIjoyLCJiIjoxfQ.ZVPxAA.ih_-e4zodgYorU4dchLXbVu2nac"s);
    // salt="s", signer_kwargs={"digest_method": sha256, "key_derivation": "concat"}.
    fc::Codec custom(fc::Config::itsdangerous("secret")
                         .salt("s")
                         .digest(fc::Digest::sha256)
                         .key_derivation(fc::KeyDerivation::concat));
    const std::string sha256_cookie =
        "eyJhIjoxfQ.ZVPxAA.GhARA1alL8FWSu8c5iXuDft1VpLAwO7MFDazqdEZIBs";
    CHECK_EQ(custom.dump(R"({"a":1})", T0), sha256_cookie);
    CHECK_EQ(custom.verify(sha256_cookie, T0), T0);
    CHECK_THROWS(100, its.verify(sha256_cookie, T0), e);
    // Untagged JSON: a tag-shaped dict stays a dict and is written back as is.
    CHECK_EQ(its.open(its.dump(R"({" t":[1]})", T0), T0).json, R"({" t":[1]})"s);

    // max_age: age == max_age is valid, one second more is expired (spec section 3).
    fc::Codec minute(fc::Config::flask("test key").max_age(60));
    fc::Codec minute2(fc::Config::flask("test key").max_age(std::chrono::minutes(1)));
    for (const fc::Codec* m : {&minute, &minute2}) {
        CHECK_EQ(m->verify(V1, T0 + 60), T0);
        CHECK_THROWS(300, m->verify(V1, T0 + 61), e);
    }
    fc::Codec forever(fc::Config::flask("test key").no_max_age());
    CHECK_EQ(forever.open(V1, T0 + 50 * FLASK_MAX_AGE).signed_at, T0);
    fc::Codec max64(fc::Config::flask("test key").max_age(FLASK_COOKIE_NO_MAX_AGE));
    CHECK_EQ(max64.verify(V1, T0 + 50 * FLASK_MAX_AGE), T0);
    // Flask's default 31 days.
    CHECK_EQ(test_key().verify(V1, T0 + FLASK_MAX_AGE), T0);

    // Lenient base64 (spec section 7): Python accepts "=" after the signature.
    const std::string padded = V1 + "=";
    CHECK_THROWS(100, test_key().open(padded, T0), e);
    fc::Codec lenient(fc::Config::flask("test key").lenient_base64());
    CHECK_EQ(lenient.open(padded, T0).json, R"({"a":1})"s);
    fc::Codec strict_again(fc::Config::flask("test key").lenient_base64(true).lenient_base64(false));
    CHECK_THROWS(100, strict_again.open(padded, T0), e);

    // Limits: a cookie one byte longer than max_cookie_len; nesting deeper than max_depth.
    fc::Codec short_cookies(fc::Config::flask("test key").limits({V1.size() - 1, 0, 0}));
    CHECK_THROWS(101, short_cookies.open(V1, T0), e) {
        CHECK(e->is_cookie_too_long());
        CHECK(e->is_bad_signature());
    }
    fc::Codec exact(fc::Config::flask("test key").limits({V1.size(), 0, 0}));
    CHECK_EQ(exact.verify(V1, T0), T0);
    fc::Codec shallow(fc::Config::flask("test key").limits({0, 0, 3}));
    CHECK_EQ(shallow.open(test_key().dump(R"({"a":[[1]]})", T0), T0).json, R"({"a":[[1]]})"s);
    CHECK_THROWS(404, shallow.open(test_key().dump(R"({"a":[[[1]]]})", T0), T0), e) {
        CHECK(e->is_bad_payload());
    }
}

void test_errors() {
    const fc::Codec codec = test_key();
    // Expired: too old, and signed in the future (spec section 3).
    CHECK_THROWS(300, codec.open(V1, T0 + FLASK_MAX_AGE + 1), e) {
        CHECK(e->is_expired());
        CHECK(e->is_bad_signature());
        CHECK(!e->is_bad_payload());
        CHECK(e->code() == fc::Code::expired);
        CHECK_EQ(e->summary(), std::string_view("signature expired"));
        CHECK(std::string(e->what()).find("2678401") != std::string::npos);  // the age
    }
    CHECK_THROWS(300, codec.verify(V1, T0 - 1), e);
    // Tampered: payload {"a":2} under {"a":1}'s signature.
    const std::string tampered = "eyJhIjoyfQ" + V1.substr(10);
    CHECK_THROWS(100, codec.open(tampered, T0), e) {
        CHECK(e->is_bad_signature());
        CHECK(!e->is_expired());
        std::string what = e->what();
        CHECK(!what.empty());
        CHECK(what.find("test key") == std::string::npos);  // never the key
        CHECK(what.find(tampered) == std::string::npos);    // never the cookie
    }
    CHECK_THROWS(100, codec.verify("", T0), e);
    CHECK_THROWS(100, codec.open("no dots at all", T0), e);
    // Catchable as std::runtime_error.
    try {
        (void)codec.open(tampered, T0);
        CHECK(false);
    } catch (const std::runtime_error& e) {
        CHECK(std::strlen(e.what()) > 0);
    }

    // Dump errors.
    CHECK_THROWS(500, codec.dump("{", T0), e) { CHECK(e->is_dump_error()); }
    CHECK_THROWS(500, codec.dump(R"({"a":1} trailing)", T0), e);
    CHECK_THROWS(500, codec.dump("", T0), e);
    // After the year 9999: Flask would write a cookie nobody can open; refused here.
    CHECK_THROWS(501, codec.dump(R"({"a":1})", 253402300800), e) { CHECK(e->is_dump_error()); }
    // Python: URLSafeTimedSerializer("secret").dumps({"a": "\udc00"}) raises
    // UnicodeEncodeError (no ensure_ascii, lone surrogate).
    CHECK_THROWS(501, fc::Codec(fc::Config::itsdangerous("secret")).dump(R"({"a":"\udc00"})", T0),
                 e);
    // With ensure_ascii (Flask) it round-trips as \udc00 (spec section 6).
    CHECK_EQ(codec.open(codec.dump(R"({"a":"\udc00"})", T0), T0).json, R"({"a":"\udc00"})"s);

    // Configuration errors.
    CHECK_THROWS(4, fc::Codec(fc::Config(fc::Preset::flask)), e) { CHECK(e->is_config_error()); }
    CHECK_THROWS(4, fc::Codec(fc::Config::flask("")), e);
    // An empty fallback key is a key (Flask's SECRET_KEY_FALLBACKS), as is itsdangerous's "".
    CHECK_EQ(fc::Codec(fc::Config::flask("k").fallback_keys({""})).open(
                 fc::Codec(fc::Config::flask("k")).dump(R"({"a":1})", T0), T0).json,
             R"({"a":1})"s);
    CHECK_EQ(fc::Codec(fc::Config::itsdangerous("")).dump(R"({"a":1})", T0),
             "eyJhIjoxfQ.ZVPxAA.lpk-3X5dMoC-bKErFiPAXjpgEQs"s);  // URLSafeTimedSerializer("")
    CHECK_THROWS(4, fc::Codec(fc::Config(fc::Preset::flask).keys({})), e);
    CHECK_THROWS(2, fc::Codec(fc::Config(static_cast<fc::Preset>(7)).secret_key("k")), e) {
        CHECK(e->is_argument_error());
    }
    CHECK_THROWS(2, fc::Codec(fc::Config::flask("k").digest(static_cast<fc::Digest>(9))), e);
    CHECK_THROWS(2,
                 fc::Codec(fc::Config::flask("k").key_derivation(static_cast<fc::KeyDerivation>(4))),
                 e);
    CHECK_THROWS(2, fc::Codec(fc::Config::flask("k").max_age(seconds(-1))), e);
    // The same through the non-throwing factory.
    auto bad = fc::Codec::make(fc::Config::flask(""));
    CHECK(!bad);
    CHECK(bad.code() == fc::Code::invalid_config);
    CHECK_EQ(bad.error().value(), 4u);
    CHECK(!fc::Codec::make(fc::Config::flask("k").max_age(seconds(-5))).ok());
    auto good = fc::Codec::make(fc::Config::flask("test key"));
    CHECK(good.ok());
    CHECK_EQ(good->open(V1, T0).json, R"({"a":1})"s);

    // The predicates agree with the C ABI and with the spec's classes on every code.
    const std::uint32_t all[] = {0, 1, 2, 3, 4, 100, 101, 200, 300, 400, 401, 402, 403, 404, 405,
                                 500, 501, 600};
    for (std::uint32_t v : all) {
        fc::Error e(static_cast<fc::Code>(v), "x");
        bool flask_new_session = v == 100 || v == 101 || v == 200 || v == 300;
        CHECK_EQ(e.is_bad_signature(), flask_new_session);
        CHECK_EQ(e.is_bad_payload(), v >= 400 && v <= 405);
        CHECK_EQ(e.is_dump_error(), v == 500 || v == 501);
        CHECK_EQ(e.is_timestamp_out_of_range(), v == 600);
        CHECK_EQ(e.is_argument_error(), v == 1 || v == 2);
        CHECK_EQ(e.is_config_error(), v == 4);
        CHECK(!e.summary().empty());
        CHECK(e.summary() != "unknown result");
    }
    CHECK_EQ(fc::result_message(static_cast<fc::Code>(999)), "unknown result");
}

void test_decode_unverified() {
    fc::Decoded d = fc::decode_unverified(V1);
    CHECK_EQ(d.json, R"({"a":1})"s);
    CHECK(d.timestamp.has_value() && *d.timestamp == T0);
    CHECK_EQ(fc::decode_unverified(V3).json, R"({"v":"aaaaaaaaaaaa"})"s);  // inflated
    // Nothing is checked: a tampered cookie decodes.
    CHECK_EQ(fc::decode_unverified("eyJhIjoyfQ" + V1.substr(10)).json, R"({"a":2})"s);
    CHECK_THROWS(100, fc::decode_unverified("eyJhIjoxfQ"), e);  // no dot
    CHECK_THROWS(400, fc::decode_unverified("a.ZVPxAA.sig"), e) { CHECK(e->is_bad_payload()); }
    // "." + base64("not zlib")
    CHECK_THROWS(401, fc::decode_unverified(".bm90IHpsaWI.ZVPxAA.sig"), e);
    auto r = fc::try_decode_unverified("eyJhIjoxfQ");
    CHECK(!r.ok());
    CHECK(r.code() == fc::Code::bad_signature);
}

void test_chrono_and_now() {
    const fc::Codec codec = test_key();
    const auto t0 = system_clock::time_point(seconds(T0));
    CHECK_EQ(codec.dump(R"({"a":1})", t0), V1);
    CHECK_EQ(codec.dump(R"({"a":1})", t0 + std::chrono::milliseconds(999)), V1);  // floor
    CHECK_EQ(codec.open(V1, t0 + std::chrono::hours(1)).signed_at, T0);
    CHECK_EQ(codec.verify(V1, t0), T0);
    CHECK_THROWS(300, codec.verify(V1, t0 + seconds(FLASK_MAX_AGE + 1)), e);
    CHECK_THROWS(2, codec.open(V1, system_clock::time_point(seconds(-1))), e);
    CHECK_EQ(codec.try_verify(V1, system_clock::time_point(seconds(-1))).code(),
             fc::Code::invalid_argument);
    CHECK_EQ(codec.try_dump("{}", system_clock::time_point(seconds(-1))).code(),
             fc::Code::invalid_argument);
    CHECK_EQ(codec.try_open(V1, system_clock::time_point(seconds(-1))).code(),
             fc::Code::invalid_argument);

    // Defaults: the system clock (FLASK_COOKIE_NOW).
    auto secs = [] {
        return static_cast<std::uint64_t>(
            std::chrono::floor<seconds>(system_clock::now().time_since_epoch()).count());
    };
    std::uint64_t before = secs();
    std::string fresh = codec.dump(R"({"user_id":42})");
    std::uint64_t after = secs();
    fc::Opened o = codec.open(fresh);
    CHECK(o.signed_at >= before && o.signed_at <= after);
    CHECK_EQ(o.json, R"({"user_id":42})"s);
    CHECK_EQ(codec.verify(fresh), o.signed_at);
    CHECK(codec.try_open(fresh).ok());
    // The spec vector is from 2023: expired by the clock.
    CHECK_THROWS(300, codec.open(V1), e);
}

void test_result() {
    const fc::Codec codec = test_key();
    auto ok = codec.try_open(V1, T0);
    CHECK(ok.ok());
    CHECK(static_cast<bool>(ok));
    CHECK(ok.code() == fc::Code::ok);
    CHECK_EQ(ok->json, R"({"a":1})"s);
    CHECK_EQ((*ok).signed_at, T0);
    CHECK_EQ(ok.value().signed_at, T0);

    auto expired = codec.try_open(V1, T0 + FLASK_MAX_AGE + 1);
    CHECK(!expired);
    CHECK_EQ(expired.error().value(), 300u);
    CHECK(expired.error().is_expired());
    CHECK_THROWS(300, expired.value(), e);
    CHECK_THROWS(300, std::move(expired).value(), e);

    auto v = codec.try_verify("eyJhIjoyfQ" + V1.substr(10), T0);
    CHECK_EQ(v.code(), fc::Code::bad_signature);
    CHECK_EQ(codec.try_verify(V1, T0).value(), T0);

    auto d = codec.try_dump("{", T0);
    CHECK_EQ(d.code(), fc::Code::dump_invalid_json);
    CHECK_EQ(codec.try_dump(R"({"a":1})", T0).value(), V1);
}

void test_moved_from() {
    fc::Codec a = test_key();
    CHECK(a.valid());
    CHECK(a.native() != nullptr);
    fc::Codec b(std::move(a));
    CHECK(!a.valid());  // NOLINT(bugprone-use-after-move): the documented moved-from state
    CHECK(b.valid());
    CHECK_EQ(b.open(V1, T0).json, R"({"a":1})"s);
    // Every method of a moved-from Codec reports null_argument instead of crashing.
    CHECK_THROWS(1, a.open(V1, T0), e) { CHECK(e->is_argument_error()); }
    CHECK_THROWS(1, a.verify(V1, T0), e);
    CHECK_THROWS(1, a.dump("{}", T0), e);
    CHECK_EQ(a.try_open(V1, T0).code(), fc::Code::null_argument);

    // Move assignment frees the old handle (LeakSanitizer checks) and takes the new one.
    fc::Codec c(fc::Config::flask("other"));
    c = std::move(b);
    CHECK_EQ(c.verify(V1, T0), T0);
    // Assigning into a moved-from codec revives it.
    a = fc::Codec(fc::Config::flask("test key"));
    CHECK_EQ(a.verify(V1, T0), T0);
    {
        fc::Codec gone = std::move(c);
        (void)gone;
    }
    // `b` and `c` are moved-from and are destroyed at scope end: must be harmless.
    std::vector<fc::Codec> many;
    for (int i = 0; i < 20; ++i) many.push_back(test_key());  // reallocation moves them
    for (const auto& m : many) CHECK_EQ(m.verify(V1, T0), T0);
}

// Several threads share one Codec by const reference; each thread's errors carry its own
// detailed message (the C library keeps the last error per thread).
void test_threads() {
    const fc::Codec codec = test_key();
    const std::string tampered = "eyJhIjoyfQ" + V1.substr(10);
    std::atomic<long> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&codec, &tampered, &wrong, t] {
            for (int i = 0; i < 300; ++i) {
                try {
                    switch ((t + i) % 4) {
                        case 0:
                            if (codec.open(V3, T0).json != R"({"v":"aaaaaaaaaaaa"})") ++wrong;
                            break;
                        case 1:
                            if (codec.dump(R"({"a":1})", T0) != V1) ++wrong;
                            break;
                        case 2:
                            (void)codec.open(V1, T0 + FLASK_MAX_AGE + 1 + i);
                            ++wrong;
                            break;
                        case 3:
                            (void)codec.verify(tampered, T0);
                            ++wrong;
                            break;
                    }
                } catch (const fc::Error& e) {
                    std::string what = e.what();
                    int kind = (t + i) % 4;
                    // The message must be this thread's: expired with this thread's age.
                    if (kind == 2) {
                        if (e.value() != 300 ||
                            what.find(std::to_string(FLASK_MAX_AGE + 1 + i)) == std::string::npos)
                            ++wrong;
                    } else if (kind == 3) {
                        if (e.value() != 100 || what.find("expired") != std::string::npos)
                            ++wrong;
                    } else {
                        ++wrong;
                    }
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK_EQ(wrong.load(), 0L);
}

}  // namespace

int main(int argc, char** argv) {
    // An unexpected exception fails its test and the run goes on.
    struct Test {
        const char* name;
        void (*run)();
    } const tests[] = {
        {"test_types", test_types},
        {"test_version", test_version},
        {"test_known_answers", test_known_answers},
        {"test_keys_bytes_and_rotation", test_keys_bytes_and_rotation},
        {"test_options", test_options},
        {"test_errors", test_errors},
        {"test_decode_unverified", test_decode_unverified},
        {"test_chrono_and_now", test_chrono_and_now},
        {"test_result", test_result},
        {"test_moved_from", test_moved_from},
        {"test_threads", test_threads},
    };
    for (const Test& t : tests) {
        try {
            t.run();
        } catch (const std::exception& e) {
            check::fail(__FILE__, __LINE__, std::string(t.name) + ": unexpected exception: " + e.what());
        }
    }
    std::cout << "unit: " << check::checks().load() << " checks, " << check::failures().load()
              << " failed\n";
    if (argc > 1) {
        try {
            if (run_cases(argv[1]) != 0) ++check::failures();
        } catch (const std::exception& e) {
            check::fail(__FILE__, __LINE__, std::string("cases: unexpected exception: ") + e.what());
        }
    } else {
        std::cout << "cases: skipped (no cases file given)\n";
    }
    long failed = check::failures().load();
    std::cout << (failed == 0 ? "PASS" : "FAIL") << " (" << check::checks().load() << " checks, "
              << failed << " failed)\n";
    return failed == 0 ? 0 : 1;
}
