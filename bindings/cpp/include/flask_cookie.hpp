// flask_cookie.hpp: a header-only C++17 wrapper over the C ABI of flask-cookie
// (include/flask_cookie.h): open, verify and write Flask's signed session cookies, byte for
// byte as Flask 3.1 does.
//
//     #include "flask_cookie.hpp"
//
//     flask_cookie::Codec codec{flask_cookie::Config::flask("test key")};
//     auto opened = codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", 1700000000);
//     // opened.json == R"({"a":1})", opened.signed_at == 1700000000
//     std::string cookie = codec.dump(R"({"a":1,"user_id":42})");  // signed now
//
// Link with the library: `-lflask_cookie` (cdylib), or `libflask_cookie.a` plus the native
// libraries `cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs`
// prints (on Linux `-lz -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`).
//
// Error style. The primary style is exceptions: every operation that can fail throws
// `flask_cookie::Error` (a `std::runtime_error`) carrying the C result code and the library's
// detailed message. Each throwing call has a `try_` twin that returns `Result<T>` instead and
// never throws `Error` (it may still throw `std::bad_alloc`), for code built around error
// values or hot paths where rejected cookies are routine.
//
// Ownership. Strings go in as `std::string_view` (bytes, not NUL-terminated; they may contain
// NUL) and come out as `std::string`. Every C handle and buffer is owned by an RAII object, so
// nothing leaks when an exception is thrown.
//
// Thread safety. A `Codec` is immutable once built: any number of threads may call its `const`
// methods (`open`, `verify`, `dump` and their `try_` twins) on one shared `Codec`, by const
// reference, without locking. Only destroying it, moving from it or assigning to it must not
// race with those calls. A `Config` is a plain value (like `std::string`): not synchronised.
// The detailed message is read from the C library's per-thread slot right after the failing
// call, on the calling thread, so errors never mix between threads.
//
// Secrets. No message, `what()` or accessor ever contains a key or the cookie. `Config` wipes
// the bytes of the keys it holds when it is destroyed (best effort: copies made by the caller
// or by `std::string` reallocation are not wiped); the C config made from it is freed before
// the `Codec` constructor returns.

#ifndef FLASK_COOKIE_HPP
#define FLASK_COOKIE_HPP

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "flask_cookie.hpp needs C++17 or later"
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "flask_cookie.h"

namespace flask_cookie {

// ---------------------------------------------------------------------------------------------
// Constants and enumerations (values equal the C ABI's and never change)
// ---------------------------------------------------------------------------------------------

/// Pass as `now` (open, verify) or `timestamp` (dump) to use the system clock. The default.
inline constexpr std::uint64_t NOW = FLASK_COOKIE_NOW;

/// The result codes of the C ABI (`FLASK_COOKIE_RESULT_*`).
enum class Code : std::uint32_t {
    ok = FLASK_COOKIE_RESULT_OK,
    null_argument = FLASK_COOKIE_RESULT_NULL_ARGUMENT,
    invalid_argument = FLASK_COOKIE_RESULT_INVALID_ARGUMENT,
    panic = FLASK_COOKIE_RESULT_PANIC,
    invalid_config = FLASK_COOKIE_RESULT_INVALID_CONFIG,
    bad_signature = FLASK_COOKIE_RESULT_BAD_SIGNATURE,
    cookie_too_long = FLASK_COOKIE_RESULT_COOKIE_TOO_LONG,
    malformed_timestamp = FLASK_COOKIE_RESULT_MALFORMED_TIMESTAMP,
    expired = FLASK_COOKIE_RESULT_EXPIRED,
    bad_payload_base64 = FLASK_COOKIE_RESULT_BAD_PAYLOAD_BASE64,
    bad_payload_zlib = FLASK_COOKIE_RESULT_BAD_PAYLOAD_ZLIB,
    bad_payload_too_large = FLASK_COOKIE_RESULT_BAD_PAYLOAD_TOO_LARGE,
    bad_payload_utf8 = FLASK_COOKIE_RESULT_BAD_PAYLOAD_UTF8,
    bad_payload_json = FLASK_COOKIE_RESULT_BAD_PAYLOAD_JSON,
    bad_payload_tag = FLASK_COOKIE_RESULT_BAD_PAYLOAD_TAG,
    dump_invalid_json = FLASK_COOKIE_RESULT_DUMP_INVALID_JSON,
    dump_unsupported = FLASK_COOKIE_RESULT_DUMP_UNSUPPORTED,
    timestamp_out_of_range = FLASK_COOKIE_RESULT_TIMESTAMP_OUT_OF_RANGE,
    key_not_found = FLASK_COOKIE_RESULT_KEY_NOT_FOUND,
    wrong_type = FLASK_COOKIE_RESULT_WRONG_TYPE,
    int_out_of_range = FLASK_COOKIE_RESULT_INT_OUT_OF_RANGE,
    str_not_utf8 = FLASK_COOKIE_RESULT_STR_NOT_UTF8,
    session_not_a_dict = FLASK_COOKIE_RESULT_SESSION_NOT_A_DICT,
    session_non_text_key = FLASK_COOKIE_RESULT_SESSION_NON_TEXT_KEY,
    invalid_cookie_setting = FLASK_COOKIE_RESULT_INVALID_COOKIE_SETTING,
    save_cookie_error = FLASK_COOKIE_RESULT_SAVE_COOKIE_ERROR,
    buffer_too_small = FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL,
};

/// A starting configuration (`flask_cookie_preset`).
enum class Preset : std::uint32_t {
    /// Flask's session cookie: salt `cookie-session`, HMAC-SHA1, `hmac` derivation, tagged
    /// JSON with sorted keys and `ensure_ascii`, `max_age` 31 days.
    flask = FLASK_COOKIE_PRESET_FLASK,
    /// itsdangerous's `URLSafeTimedSerializer`: salt `itsdangerous`, SHA-1, `django-concat`,
    /// compact untagged JSON in insertion order, no `max_age`.
    itsdangerous = FLASK_COOKIE_PRESET_ITSDANGEROUS,
};

/// The HMAC's hash function (`flask_cookie_digest`).
enum class Digest : std::uint32_t {
    sha1 = FLASK_COOKIE_DIGEST_SHA1,
    sha256 = FLASK_COOKIE_DIGEST_SHA256,
    sha512 = FLASK_COOKIE_DIGEST_SHA512,
};

/// How the signing key is derived from a secret key and the salt
/// (`flask_cookie_key_derivation`).
enum class KeyDerivation : std::uint32_t {
    hmac = FLASK_COOKIE_KEY_DERIVATION_HMAC,
    django_concat = FLASK_COOKIE_KEY_DERIVATION_DJANGO_CONCAT,
    concat = FLASK_COOKIE_KEY_DERIVATION_CONCAT,
    none = FLASK_COOKIE_KEY_DERIVATION_NONE,
};

/// The library's static English description of `code`, e.g. "signature expired".
inline std::string_view result_message(Code code) noexcept {
    return flask_cookie_result_message(static_cast<std::uint32_t>(code));
}

/// `true` when Flask, given a cookie that failed with `code`, would start a new, empty session
/// (itsdangerous's `BadSignature` and its subclasses): bad signature, cookie too long,
/// malformed timestamp, expired.
inline bool is_bad_signature(Code code) noexcept {
    return flask_cookie_result_is_bad_signature(static_cast<std::uint32_t>(code));
}

/// The version of the library actually linked, e.g. "0.1.0".
inline std::string_view version() noexcept { return flask_cookie_version(); }

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A failed call: the result code and the detailed message (`what()`), which never contains a
/// key or the cookie.
class Error : public std::runtime_error {
public:
    Error(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}

    /// The result code.
    Code code() const noexcept { return code_; }
    /// The result code as the C ABI's number (e.g. 300 for an expired cookie).
    std::uint32_t value() const noexcept { return static_cast<std::uint32_t>(code_); }
    /// The static description of the code ("signature expired"); `what()` has the details.
    std::string_view summary() const noexcept { return result_message(code_); }

    /// Flask would start a new, empty session: 100 bad signature, 101 too long, 200 malformed
    /// timestamp, 300 expired (itsdangerous's `BadSignature` family).
    bool is_bad_signature() const noexcept { return flask_cookie::is_bad_signature(code_); }
    /// 101: longer than the codec's `max_cookie_len` (also `is_bad_signature()`).
    bool is_cookie_too_long() const noexcept { return code_ == Code::cookie_too_long; }
    /// 200: validly signed, timestamp unreadable: not base64, more than 8 bytes (also
    /// `is_bad_signature()`).
    bool is_malformed_timestamp() const noexcept { return code_ == Code::malformed_timestamp; }
    /// 300: too old, or signed in the future (also `is_bad_signature()`).
    bool is_expired() const noexcept { return code_ == Code::expired; }
    /// 400-405: validly signed but undecodable (Flask: HTTP 500; itsdangerous `BadPayload`).
    bool is_bad_payload() const noexcept { return value() >= 400 && value() < 500; }
    /// 500-501: `dump` refused its input.
    bool is_dump_error() const noexcept { return value() >= 500 && value() < 600; }
    /// 600: validly signed, but the timestamp is after the year 9999 (Flask: HTTP 500, a
    /// `ValueError` from Python's `datetime`; not `is_bad_signature()`).
    bool is_timestamp_out_of_range() const noexcept {
        return code_ == Code::timestamp_out_of_range;
    }
    /// 4: the configuration cannot make a codec (no key, an empty newest key with the Flask
    /// preset).
    bool is_config_error() const noexcept { return code_ == Code::invalid_config; }
    /// 1-2: a misuse (a moved-from `Codec`, an out-of-range enum value, a time before 1970).
    bool is_argument_error() const noexcept {
        return code_ == Code::null_argument || code_ == Code::invalid_argument;
    }

private:
    Code code_;
};

namespace detail {

/// This thread's detailed message for the call that just failed, or the static description.
inline std::string last_error(flask_cookie_result result) {
    std::size_t len = flask_cookie_last_error(nullptr, 0);
    std::string message;
    while (len > 0) {
        message.resize(len);
        std::size_t full =
            flask_cookie_last_error(reinterpret_cast<std::uint8_t*>(message.data()), len);
        if (full <= len) {
            message.resize(full);
            break;
        }
        len = full;  // changed in between (cannot happen on one thread); try again
    }
    if (message.empty()) message = flask_cookie_result_message(result);
    return message;
}

inline Error error_from(flask_cookie_result result) {
    return Error(static_cast<Code>(result), last_error(result));
}

inline void check(flask_cookie_result result) {
    if (result != FLASK_COOKIE_RESULT_OK) throw error_from(result);
}

inline const std::uint8_t* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

/// An owned `flask_cookie_buf`, freed by the destructor (also during stack unwinding).
class Buf {
public:
    Buf() noexcept = default;
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    ~Buf() { flask_cookie_buf_free(&buf_); }

    /// For the C call to write into; must be empty.
    flask_cookie_buf* out() noexcept { return &buf_; }
    std::string str() const {
        return buf_.len == 0 ? std::string()
                             : std::string(reinterpret_cast<const char*>(buf_.data), buf_.len);
    }

private:
    flask_cookie_buf buf_{nullptr, 0};
};

/// Seconds since the Unix epoch (rounded down) of a `system_clock` time; a time before 1970
/// is an `invalid_argument` error.
inline std::variant<std::uint64_t, Error> to_unix(std::chrono::system_clock::time_point t) {
    auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
    if (secs < 0) {
        return Error(Code::invalid_argument, "time before the Unix epoch (1970)");
    }
    return static_cast<std::uint64_t>(secs);
}

inline std::uint64_t to_unix_or_throw(std::chrono::system_clock::time_point t) {
    auto r = to_unix(t);
    if (auto* e = std::get_if<Error>(&r)) throw *e;
    return std::get<std::uint64_t>(r);
}

/// Overwrites the bytes of `s` (best effort; the optimiser cannot drop volatile stores).
inline void wipe(std::string& s) noexcept {
    volatile char* p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Result<T>: the non-throwing style
// ---------------------------------------------------------------------------------------------

/// The outcome of a `try_` call: a `T` or an `Error`, like `std::expected<T, Error>`.
///
///     auto r = codec.try_open(cookie);
///     if (!r) { if (r.error().is_bad_signature()) start_new_session(); else fail(r.error()); }
///     else use(r->json);
template <class T>
class Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    /// `Code::ok` on success, else the error's code.
    Code code() const noexcept { return ok() ? Code::ok : std::get<1>(v_).code(); }

    /// The value; throws the `Error` when there is none.
    T& value() & {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(v_);
    }
    const T& value() const& {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(v_);
    }
    /// On a temporary, the value is moved out (returned by value: binding the result of
    /// `codec.try_open(c).value()` to a reference never dangles).
    T value() && {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(std::move(v_));
    }
    /// Unchecked access: only after `ok()`.
    T& operator*() & noexcept { return *std::get_if<0>(&v_); }
    const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
    T* operator->() noexcept { return std::get_if<0>(&v_); }
    const T* operator->() const noexcept { return std::get_if<0>(&v_); }

    /// The error; only after `!ok()` (throws `std::bad_variant_access` otherwise).
    const Error& error() const& { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// Caps on untrusted input; 0 keeps the library's default (64 KiB cookie, 1 MiB inflated
/// payload, 400 levels of JSON nesting). `dump` refuses to write a cookie longer than
/// `max_cookie_len` (`dump_unsupported`). Levels count JSON arrays and objects, the outermost
/// being level 1 (`{"a":[1]}` is 2; a tuple, `{" t":[...]}`, 2).
struct Limits {
    std::size_t max_cookie_len = 0;
    std::size_t max_inflated_len = 0;
    std::size_t max_depth = 0;
};

/// JSON options. Flask: all `true`; itsdangerous: all `false`.
struct JsonOptions {
    bool sort_keys = true;
    bool ensure_ascii = true;
    bool tagged = true;
};

/// A codec configuration: a preset, the secret keys and optional overrides, mirroring the
/// `flask_cookie_config_*` functions. A plain value type with chainable setters; nothing is
/// checked until a `Codec` is made from it.
///
///     auto config = flask_cookie::Config::flask("current key")
///                       .fallback_keys({"older key", "old key"})   // oldest first
///                       .max_age(std::chrono::hours(24));
class Config {
public:
    explicit Config(Preset preset = Preset::flask) : preset_(preset) {}
    /// Flask's session cookie, signed with `secret_key` (Flask's `SECRET_KEY`).
    static Config flask(std::string_view secret_key) {
        return Config(Preset::flask).secret_key(secret_key);
    }
    /// itsdangerous's `URLSafeTimedSerializer(secret_key)`.
    static Config itsdangerous(std::string_view secret_key) {
        return Config(Preset::itsdangerous).secret_key(secret_key);
    }

    Config(const Config&) = default;
    Config(Config&&) = default;
    Config& operator=(const Config&) = default;
    Config& operator=(Config&&) = default;
    ~Config() { clear_keys(); }

    /// All keys, **oldest first** as Flask's `[*SECRET_KEY_FALLBACKS, SECRET_KEY]`: the last
    /// one signs, all verify (newest first). Replaces every key set before.
    Config& keys(const std::vector<std::string_view>& oldest_first) {
        clear_keys();
        if (!oldest_first.empty()) {
            fallbacks_.assign(oldest_first.begin(), oldest_first.end() - 1);
            secret_ = std::string(oldest_first.back());
        }
        return *this;
    }
    Config& keys(std::initializer_list<std::string_view> oldest_first) {
        return keys(std::vector<std::string_view>(oldest_first));
    }
    /// Sets the newest key, the one that signs (Flask's `SECRET_KEY`), keeping the fallbacks.
    Config& secret_key(std::string_view key) {
        if (secret_) detail::wipe(*secret_);
        secret_ = std::string(key);
        return *this;
    }
    /// Sets the older keys that still verify (Flask's `SECRET_KEY_FALLBACKS`), **oldest
    /// first**, keeping the newest key.
    Config& fallback_keys(const std::vector<std::string_view>& oldest_first) {
        for (auto& k : fallbacks_) detail::wipe(k);
        fallbacks_.assign(oldest_first.begin(), oldest_first.end());
        return *this;
    }
    Config& fallback_keys(std::initializer_list<std::string_view> oldest_first) {
        return fallback_keys(std::vector<std::string_view>(oldest_first));
    }
    Config& salt(std::string_view salt) {
        salt_ = std::string(salt);
        return *this;
    }
    Config& digest(Digest digest) {
        digest_ = digest;
        return *this;
    }
    Config& key_derivation(KeyDerivation derivation) {
        derivation_ = derivation;
        return *this;
    }
    /// The maximum age in seconds (Flask's `PERMANENT_SESSION_LIFETIME`). A cookie older than
    /// this, or signed in the future, is expired. `UINT64_MAX` means no limit.
    Config& max_age(std::uint64_t seconds) {
        max_age_ = seconds;
        return *this;
    }
    /// `max_age` as a duration (rounded down to seconds; a negative one is an
    /// `invalid_argument` error when the codec is made).
    template <class Rep, class Period>
    Config& max_age(std::chrono::duration<Rep, Period> d) {
        auto secs = std::chrono::floor<std::chrono::seconds>(d).count();
        max_age_ = secs < 0 ? std::optional<std::uint64_t>() : static_cast<std::uint64_t>(secs);
        negative_max_age_ = secs < 0;
        return *this;
    }
    /// No age check at all (itsdangerous's default).
    Config& no_max_age() {
        max_age_ = FLASK_COOKIE_NO_MAX_AGE;
        return *this;
    }
    /// Decode the signature's base64 as Python does (off by default: only the canonical
    /// spelling, which every cookie Flask writes has).
    Config& lenient_base64(bool lenient = true) {
        lenient_ = lenient;
        return *this;
    }
    Config& json(JsonOptions options) {
        json_ = options;
        return *this;
    }
    Config& limits(Limits limits) {
        limits_ = limits;
        return *this;
    }

    Preset preset() const noexcept { return preset_; }
    /// The number of keys set (fallbacks and the newest).
    std::size_t key_count() const noexcept { return fallbacks_.size() + (secret_ ? 1 : 0); }

private:
    friend class Codec;
    friend class SessionConfig;

    void clear_keys() noexcept {
        for (auto& k : fallbacks_) detail::wipe(k);
        fallbacks_.clear();
        if (secret_) detail::wipe(*secret_);
        secret_.reset();
    }

    struct ConfigDeleter {
        void operator()(flask_cookie_config* c) const noexcept { flask_cookie_config_free(c); }
    };

    /// Makes the C codec; the C config lives only for this call.
    flask_cookie_result make(flask_cookie_codec** out) const {
        return with_c_config([out](flask_cookie_config* c) { return flask_cookie_codec_new(c, out); });
    }

    /// Makes the C config, calls `finish` with it, frees it.
    template <class F>
    flask_cookie_result with_c_config(F&& finish) const {
        flask_cookie_config* raw = nullptr;
        flask_cookie_result r =
            flask_cookie_config_new(static_cast<std::uint32_t>(preset_), &raw);
        if (r != FLASK_COOKIE_RESULT_OK) return r;
        std::unique_ptr<flask_cookie_config, ConfigDeleter> c(raw);
        std::vector<flask_cookie_slice> slices;
        slices.reserve(fallbacks_.size() + 1);
        for (const auto& k : fallbacks_) slices.push_back({detail::bytes(k), k.size()});
        if (secret_) slices.push_back({detail::bytes(*secret_), secret_->size()});
        if ((r = flask_cookie_config_set_keys(c.get(), slices.data(), slices.size())) != FLASK_COOKIE_RESULT_OK) return r;
        if (salt_ && (r = flask_cookie_config_set_salt(c.get(), detail::bytes(*salt_),
                                                       salt_->size())) != FLASK_COOKIE_RESULT_OK)
            return r;
        if (digest_ && (r = flask_cookie_config_set_digest(
                            c.get(), static_cast<std::uint32_t>(*digest_))) != FLASK_COOKIE_RESULT_OK)
            return r;
        if (derivation_ && (r = flask_cookie_config_set_key_derivation(
                                c.get(), static_cast<std::uint32_t>(*derivation_))) != FLASK_COOKIE_RESULT_OK)
            return r;
        if (max_age_ && (r = flask_cookie_config_set_max_age(c.get(), *max_age_)) != FLASK_COOKIE_RESULT_OK) return r;
        if (lenient_ && (r = flask_cookie_config_set_lenient_base64(c.get(), *lenient_)) != FLASK_COOKIE_RESULT_OK)
            return r;
        if (json_ && (r = flask_cookie_config_set_json(c.get(), json_->sort_keys,
                                                       json_->ensure_ascii, json_->tagged)) != FLASK_COOKIE_RESULT_OK)
            return r;
        if (limits_ && (r = flask_cookie_config_set_limits(c.get(), limits_->max_cookie_len,
                                                           limits_->max_inflated_len,
                                                           limits_->max_depth)) != FLASK_COOKIE_RESULT_OK)
            return r;
        return finish(c.get());
    }

    Preset preset_;
    std::vector<std::string> fallbacks_;  // oldest first
    std::optional<std::string> secret_;   // the newest key, which signs
    std::optional<std::string> salt_;
    std::optional<Digest> digest_;
    std::optional<KeyDerivation> derivation_;
    std::optional<std::uint64_t> max_age_;
    bool negative_max_age_ = false;
    std::optional<bool> lenient_;
    std::optional<JsonOptions> json_;
    std::optional<Limits> limits_;
};

// ---------------------------------------------------------------------------------------------
// Codec
// ---------------------------------------------------------------------------------------------

/// An opened cookie: its payload as canonical tagged JSON (for Flask's options, as Flask writes
/// it) and when it was signed. The payload is returned as signed, whatever its type: a JSON
/// object for every cookie Flask writes, but a validly signed `[1]` or `null` as it is; Flask's
/// session is `dict()` of it, which is the caller's part.
struct Opened {
    std::string json;
    std::uint64_t signed_at = 0;

    std::chrono::system_clock::time_point signed_at_time() const {
        return std::chrono::system_clock::time_point(std::chrono::seconds(signed_at));
    }
};

/// What `decode_unverified` found: **nothing checked**.
struct Decoded {
    /// The payload's JSON text as found (not parsed; maybe not even UTF-8).
    std::string json;
    /// The timestamp, when it decodes to a time Python can hold (empty when it is not base64,
    /// more than 8 bytes, or after the year 9999).
    std::optional<std::uint64_t> timestamp;
};

/// A configured codec: keys derived once, then any number of opens, verifies and dumps, from
/// any number of threads at once (see the file comment). Move-only; owns the C handle.
///
/// A moved-from `Codec` may be destroyed or assigned to; its other methods throw (or return)
/// `Error` with `Code::null_argument`.
class Codec {
public:
    /// Makes a codec; throws `Error` (`invalid_config` for no key or an empty newest key
    /// with the Flask preset, `invalid_argument` for an out-of-range enum value or a negative `max_age`).
    explicit Codec(const Config& config) : raw_(nullptr) {
        if (config.negative_max_age_) throw negative_max_age();
        flask_cookie_codec* raw = nullptr;
        detail::check(config.make(&raw));
        raw_ = raw;
    }
    /// Like the constructor, returning the error instead of throwing it.
    static Result<Codec> make(const Config& config) {
        if (config.negative_max_age_) return negative_max_age();
        flask_cookie_codec* raw = nullptr;
        flask_cookie_result r = config.make(&raw);
        if (r != FLASK_COOKIE_RESULT_OK) return detail::error_from(r);
        return Codec(raw);
    }

    Codec(const Codec&) = delete;
    Codec& operator=(const Codec&) = delete;
    Codec(Codec&& other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Codec& operator=(Codec&& other) noexcept {
        if (this != &other) {
            flask_cookie_codec_free(raw_);
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    ~Codec() { flask_cookie_codec_free(raw_); }

    /// `false` after a move.
    bool valid() const noexcept { return raw_ != nullptr; }
    /// The C handle, for calling the C ABI directly (still owned by this object).
    const flask_cookie_codec* native() const noexcept { return raw_; }

    /// Verifies `cookie` as of `now` (Unix seconds; default: the system clock) as Flask's
    /// `open_session` does and decodes it (the payload as signed: see `Opened`). Throws
    /// `Error`: `is_bad_signature()` (Flask starts a new session), `is_bad_payload()` (validly
    /// signed but undecodable) or `is_timestamp_out_of_range()` (both Flask's HTTP 500).
    /// Without `ensure_ascii`, a lone surrogate is written as a `\uXXXX` escape.
    Opened open(std::string_view cookie, std::uint64_t now = NOW) const {
        return try_open(cookie, now).value();
    }
    Opened open(std::string_view cookie, std::chrono::system_clock::time_point now) const {
        return open(cookie, detail::to_unix_or_throw(now));
    }
    Result<Opened> try_open(std::string_view cookie, std::uint64_t now = NOW) const {
        detail::Buf json;
        std::uint64_t signed_at = 0;
        flask_cookie_result r = flask_cookie_open(raw_, detail::bytes(cookie), cookie.size(), now,
                                                  json.out(), &signed_at);
        if (r != FLASK_COOKIE_RESULT_OK) return detail::error_from(r);
        return Opened{json.str(), signed_at};
    }
    Result<Opened> try_open(std::string_view cookie,
                            std::chrono::system_clock::time_point now) const {
        auto t = detail::to_unix(now);
        if (auto* e = std::get_if<Error>(&t)) return *e;
        return try_open(cookie, std::get<std::uint64_t>(t));
    }

    /// Verifies signature and age only (a validly signed cookie with a bad payload passes) and
    /// returns the signing time. Throws `Error` (`is_bad_signature()`).
    std::uint64_t verify(std::string_view cookie, std::uint64_t now = NOW) const {
        return try_verify(cookie, now).value();
    }
    std::uint64_t verify(std::string_view cookie, std::chrono::system_clock::time_point now) const {
        return verify(cookie, detail::to_unix_or_throw(now));
    }
    Result<std::uint64_t> try_verify(std::string_view cookie, std::uint64_t now = NOW) const {
        std::uint64_t signed_at = 0;
        flask_cookie_result r =
            flask_cookie_verify(raw_, detail::bytes(cookie), cookie.size(), now, &signed_at);
        if (r != FLASK_COOKIE_RESULT_OK) return detail::error_from(r);
        return signed_at;
    }
    Result<std::uint64_t> try_verify(std::string_view cookie,
                                     std::chrono::system_clock::time_point now) const {
        auto t = detail::to_unix(now);
        if (auto* e = std::get_if<Error>(&t)) return *e;
        return try_verify(cookie, std::get<std::uint64_t>(t));
    }

    /// The cookie Flask would write for the session `json` (tagged JSON, as `open` returns it),
    /// signed with the newest key at `timestamp` (default: now). Throws `Error`
    /// (`dump_invalid_json` with the byte position, `dump_unsupported`: not writable with these
    /// options, a timestamp after 9999, or a cookie longer than `max_cookie_len`).
    std::string dump(std::string_view json, std::uint64_t timestamp = NOW) const {
        return try_dump(json, timestamp).value();
    }
    std::string dump(std::string_view json, std::chrono::system_clock::time_point timestamp) const {
        return dump(json, detail::to_unix_or_throw(timestamp));
    }
    Result<std::string> try_dump(std::string_view json, std::uint64_t timestamp = NOW) const {
        detail::Buf cookie;
        flask_cookie_result r =
            flask_cookie_dump(raw_, detail::bytes(json), json.size(), timestamp, cookie.out());
        if (r != FLASK_COOKIE_RESULT_OK) return detail::error_from(r);
        return cookie.str();
    }
    Result<std::string> try_dump(std::string_view json,
                                 std::chrono::system_clock::time_point timestamp) const {
        auto t = detail::to_unix(timestamp);
        if (auto* e = std::get_if<Error>(&t)) return *e;
        return try_dump(json, std::get<std::uint64_t>(t));
    }

private:
    explicit Codec(flask_cookie_codec* raw) noexcept : raw_(raw) {}
    static Error negative_max_age() {
        return Error(Code::invalid_argument, "negative max_age");
    }

    flask_cookie_codec* raw_;
};

/// **Checks nothing**: decodes the payload and timestamp of `cookie` without a key, for
/// debugging. Anyone can write a cookie that decodes; never trust what this returns. Throws
/// `Error` (`bad_signature` when not shaped like a cookie, `cookie_too_long`,
/// `bad_payload_base64`, `bad_payload_zlib`, `bad_payload_too_large`).
inline Result<Decoded> try_decode_unverified(std::string_view cookie) {
    detail::Buf json;
    std::uint64_t timestamp = 0;
    bool has_timestamp = false;
    flask_cookie_result r = flask_cookie_decode_unverified(detail::bytes(cookie), cookie.size(),
                                                           json.out(), &timestamp, &has_timestamp);
    if (r != FLASK_COOKIE_RESULT_OK) return detail::error_from(r);
    Decoded d{json.str(), std::nullopt};
    if (has_timestamp) d.timestamp = timestamp;
    return d;
}
inline Decoded decode_unverified(std::string_view cookie) {
    return try_decode_unverified(cookie).value();
}


// ---------------------------------------------------------------------------------------------
// The session layer: SessionConfig (an app's settings), Session (one request's session)
// ---------------------------------------------------------------------------------------------

/// Where a session comes from (`flask_cookie_session_state`).
enum class SessionState : std::uint32_t {
    no_cookie = FLASK_COOKIE_SESSION_STATE_NO_COOKIE,
    opened = FLASK_COOKIE_SESSION_STATE_OPENED,
    new_bad_signature = FLASK_COOKIE_SESSION_STATE_NEW_BAD_SIGNATURE,
    new_expired = FLASK_COOKIE_SESSION_STATE_NEW_EXPIRED,
    new_malformed_timestamp = FLASK_COOKIE_SESSION_STATE_NEW_MALFORMED_TIMESTAMP,
};

/// What saving asks of the response (`flask_cookie_save_action`).
enum class SaveAction : std::uint32_t {
    none = FLASK_COOKIE_SAVE_ACTION_NONE,
    set = FLASK_COOKIE_SAVE_ACTION_SET,
    remove = FLASK_COOKIE_SAVE_ACTION_DELETE,
};

/// Flask's session settings, with Flask 3.1's defaults.
struct SessionSettings {
    std::string cookie_name = "session";              ///< SESSION_COOKIE_NAME
    std::optional<std::string> domain;                ///< SESSION_COOKIE_DOMAIN
    std::optional<std::string> path;                  ///< SESSION_COOKIE_PATH
    std::string application_root = "/";               ///< APPLICATION_ROOT
    bool httponly = true;                             ///< SESSION_COOKIE_HTTPONLY
    bool secure = false;                              ///< SESSION_COOKIE_SECURE
    std::optional<std::string> samesite;              ///< SESSION_COOKIE_SAMESITE
    bool partitioned = false;                         ///< SESSION_COOKIE_PARTITIONED
    std::uint64_t lifetime = 2678400;                 ///< PERMANENT_SESSION_LIFETIME, seconds
    bool refresh_each_request = true;                 ///< SESSION_REFRESH_EACH_REQUEST
};

/// What `Session::save` returns.
struct Saved {
    SaveAction action = SaveAction::none;
    std::string set_cookie;  ///< the Set-Cookie header's value (empty for `none`)
    bool vary_cookie = false;  ///< add `Cookie` to the response's Vary
};

class Session;

/// An app's session settings and keys, checked and ready. Immutable: share one between threads.
/// Movable, not copyable; the C handle is freed by the destructor.
class SessionConfig {
public:
    /// `codec`: keys (oldest first), lenient base64... (its max_age is ignored: the lifetime
    /// rules). Throws `Error` (`invalid_config`, `invalid_cookie_setting` for a SameSite or
    /// domain Werkzeug refuses).
    explicit SessionConfig(const Config& codec, const SessionSettings& s = {}) {
        flask_cookie_session_builder* b = nullptr;
        detail::check(codec.with_c_config(
            [&b](flask_cookie_config* c) { return flask_cookie_session_builder_new(c, &b); }));
        std::unique_ptr<flask_cookie_session_builder, BuilderDeleter> builder(b);
        auto text = [&](auto fn, const std::optional<std::string>& v) {
            detail::check(v ? fn(b, detail::bytes(*v), v->size()) : fn(b, nullptr, 0));
        };
        detail::check(flask_cookie_session_builder_set_cookie_name(b, detail::bytes(s.cookie_name), s.cookie_name.size()));
        text(flask_cookie_session_builder_set_domain, s.domain);
        text(flask_cookie_session_builder_set_path, s.path);
        detail::check(flask_cookie_session_builder_set_application_root(b, detail::bytes(s.application_root), s.application_root.size()));
        text(flask_cookie_session_builder_set_samesite, s.samesite);
        detail::check(flask_cookie_session_builder_set_httponly(b, s.httponly));
        detail::check(flask_cookie_session_builder_set_secure(b, s.secure));
        detail::check(flask_cookie_session_builder_set_partitioned(b, s.partitioned));
        detail::check(flask_cookie_session_builder_set_lifetime(b, s.lifetime));
        detail::check(flask_cookie_session_builder_set_refresh_each_request(b, s.refresh_each_request));
        flask_cookie_session_config* c = nullptr;
        detail::check(flask_cookie_session_builder_build(b, &c));
        handle_.reset(c);
    }

    /// The session cookie's value in the Cookie header value(s), as Werkzeug picks it.
    std::optional<std::string> find_cookie(const std::vector<std::string_view>& headers) const {
        auto slices = to_slices(headers);
        detail::Buf buf;
        bool found = false;
        detail::check(flask_cookie_session_find_cookie(handle(), slices.data(), slices.size(), buf.out(), &found));
        if (!found) return std::nullopt;
        return buf.str();
    }

    /// Flask's open_session. Throws `Error` where Flask answers with an HTTP 500
    /// (`is_bad_payload()`, `timestamp_out_of_range`, `session_not_a_dict`,
    /// `session_non_text_key`).
    Session open(const std::vector<std::string_view>& headers, std::uint64_t now = NOW) const;

    const flask_cookie_session_config* handle() const {
        if (!handle_) throw Error(Code::null_argument, "moved-from SessionConfig");
        return handle_.get();
    }

private:
    static std::vector<flask_cookie_slice> to_slices(const std::vector<std::string_view>& headers) {
        std::vector<flask_cookie_slice> out;
        out.reserve(headers.size());
        for (auto h : headers) out.push_back({detail::bytes(h), h.size()});
        return out;
    }
    struct BuilderDeleter {
        void operator()(flask_cookie_session_builder* b) const noexcept { flask_cookie_session_builder_free(b); }
    };
    struct Deleter {
        void operator()(flask_cookie_session_config* c) const noexcept { flask_cookie_session_config_free(c); }
    };
    std::unique_ptr<flask_cookie_session_config, Deleter> handle_;
    friend class Session;
};

/// One request's session (`flask.session`), with Flask's modified/accessed tracking. Not
/// thread-safe: one thread at a time. Keeps a pointer to its SessionConfig, which must outlive
/// it. Getters return `std::nullopt` for a missing key and throw `Error` otherwise
/// (`wrong_type`, `int_out_of_range`, `str_not_utf8`).
class Session {
public:
    SessionState state() const noexcept { return state_; }
    /// The cookie's signing time (opened sessions), else 0.
    std::uint64_t signed_at() const noexcept { return signed_at_; }

    std::optional<std::string> get_json(std::string_view key) const {
        detail::Buf buf;
        auto r = flask_cookie_session_get_json(h(), detail::bytes(key), key.size(), buf.out());
        if (r == FLASK_COOKIE_RESULT_KEY_NOT_FOUND) return std::nullopt;
        detail::check(r);
        return buf.str();
    }
    std::optional<std::int64_t> get_int(std::string_view key) const {
        std::int64_t v = 0;
        auto r = flask_cookie_session_get_int64(h(), detail::bytes(key), key.size(), &v);
        if (r == FLASK_COOKIE_RESULT_KEY_NOT_FOUND) return std::nullopt;
        detail::check(r);
        return v;
    }
    std::optional<bool> get_bool(std::string_view key) const {
        bool v = false;
        auto r = flask_cookie_session_get_bool(h(), detail::bytes(key), key.size(), &v);
        if (r == FLASK_COOKIE_RESULT_KEY_NOT_FOUND) return std::nullopt;
        detail::check(r);
        return v;
    }
    std::optional<std::string> get_str(std::string_view key) const {
        detail::Buf buf;
        auto r = flask_cookie_session_get_str(h(), detail::bytes(key), key.size(), buf.out());
        if (r == FLASK_COOKIE_RESULT_KEY_NOT_FOUND) return std::nullopt;
        detail::check(r);
        return buf.str();
    }
    bool contains(std::string_view key) const {
        bool v = false;
        detail::check(flask_cookie_session_contains(h(), detail::bytes(key), key.size(), &v));
        return v;
    }
    std::size_t size() const { return flask_cookie_session_len(h()); }
    /// The whole session as tagged JSON.
    std::string to_json() const {
        detail::Buf buf;
        detail::check(flask_cookie_session_to_json(h(), buf.out()));
        return buf.str();
    }

    void set_json(std::string_view key, std::string_view tagged_json) {
        detail::check(flask_cookie_session_set_json(h(), detail::bytes(key), key.size(), detail::bytes(tagged_json), tagged_json.size()));
    }
    void set_int(std::string_view key, std::int64_t v) {
        detail::check(flask_cookie_session_set_int64(h(), detail::bytes(key), key.size(), v));
    }
    void set_bool(std::string_view key, bool v) {
        detail::check(flask_cookie_session_set_bool(h(), detail::bytes(key), key.size(), v));
    }
    void set_str(std::string_view key, std::string_view v) {
        detail::check(flask_cookie_session_set_str(h(), detail::bytes(key), key.size(), detail::bytes(v), v.size()));
    }
    /// `session.pop(key, None)`: whether the key was there.
    bool remove(std::string_view key) {
        bool removed = false;
        detail::check(flask_cookie_session_remove(h(), detail::bytes(key), key.size(), &removed));
        return removed;
    }
    void clear() { detail::check(flask_cookie_session_clear(h())); }
    bool permanent() const { return flask_cookie_session_permanent(h()); }
    void set_permanent(bool p) { detail::check(flask_cookie_session_set_permanent(h(), p)); }
    void mark_modified() { detail::check(flask_cookie_session_mark_modified(h())); }
    void touch() { detail::check(flask_cookie_session_touch(h())); }
    bool modified() const { return flask_cookie_session_is_modified(h()); }
    bool accessed() const { return flask_cookie_session_is_accessed(h()); }

    /// Flask's save_session at `now`. Throws `Error` where Flask answers with an HTTP 500.
    Saved save(std::uint64_t now = NOW) const {
        std::uint32_t action = 0;
        bool vary = false;
        detail::Buf buf;
        detail::check(flask_cookie_session_save(config_->handle(), h(), now, &action, buf.out(), &vary));
        return Saved{static_cast<SaveAction>(action), buf.str(), vary};
    }

private:
    friend class SessionConfig;
    Session(const SessionConfig* config, flask_cookie_session* s, SessionState state, std::uint64_t signed_at)
        : config_(config), handle_(s), state_(state), signed_at_(signed_at) {}
    flask_cookie_session* h() const {
        if (!handle_) throw Error(Code::null_argument, "moved-from Session");
        return handle_.get();
    }
    struct Deleter {
        void operator()(flask_cookie_session* s) const noexcept { flask_cookie_session_free(s); }
    };
    const SessionConfig* config_;
    std::unique_ptr<flask_cookie_session, Deleter> handle_;
    SessionState state_;
    std::uint64_t signed_at_;
};

inline Session SessionConfig::open(const std::vector<std::string_view>& headers, std::uint64_t now) const {
    auto slices = to_slices(headers);
    std::uint32_t state = 0;
    std::uint64_t signed_at = 0;
    flask_cookie_session* s = nullptr;
    detail::check(flask_cookie_session_open(handle(), slices.empty() ? nullptr : slices.data(), slices.size(), now, &state, &s, &signed_at));
    return Session(this, s, static_cast<SessionState>(state), signed_at);
}

}  // namespace flask_cookie

#endif  // FLASK_COOKIE_HPP
