//! `flask_cookie_result`: what every fallible function returns, after itsdangerous's taxonomy,
//! and the detailed message of this thread's last failure.

use std::cell::RefCell;
use std::ffi::c_char;
use std::fmt::{self, Write as _};

use flask_cookie::error::{Error, PayloadError, SignatureError};

/// The outcome of a call. The values are part of the ABI: explicit, never renumbered and never
/// reused. Groups of a hundred follow itsdangerous's exceptions.
///
/// The values 100 to 399 are the ones for which Flask starts a new, empty session
/// (`flask_cookie_result_is_bad_signature`). The cookies Flask answers with an HTTP 500 instead
/// are validly signed: the `BAD_PAYLOAD_*` values (400 to 499, itsdangerous's `BadPayload`) and
/// `TIMESTAMP_OUT_OF_RANGE` (600, a `ValueError` or `OverflowError` from Python's `datetime`).
///
/// The session API adds three families: 700 to 799 for reading a session key (`KEY_NOT_FOUND`,
/// `WRONG_TYPE`...), 800 to 899 for the session layer's own failures (Flask's HTTP 500 when
/// opening or saving, a cookie setting Werkzeug refuses), 900 to 999 for outputs into caller
/// memory (`BUFFER_TOO_SMALL`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL (or an input pointer was NULL with a non-zero
    /// length).
    NullArgument = 1,
    /// An argument is out of range: an unknown enum value, a length no object can have.
    InvalidArgument = 2,
    /// A bug: a panic was caught at the boundary. The call had no effect.
    Panic = 3,
    /// The configuration cannot make a codec: no key, or an empty secret (newest) key with the
    /// Flask preset.
    InvalidConfig = 4,
    /// The cookie is not validly signed by any key, or is not shaped like a signed cookie
    /// (no `.`, signature not base64, timestamp missing). itsdangerous: `BadSignature`.
    BadSignature = 100,
    /// The cookie is longer than the codec's `max_cookie_len`. Treated as a bad signature.
    CookieTooLong = 101,
    /// The signature is valid but the timestamp cannot be read (not base64, more than 8 bytes).
    /// itsdangerous: `BadTimeSignature("Malformed timestamp")`.
    MalformedTimestamp = 200,
    /// The signature is valid but older than `max_age`, or signed in the future.
    /// itsdangerous: `SignatureExpired`.
    Expired = 300,
    /// Validly signed, but the payload is not base64. itsdangerous: `BadPayload`.
    BadPayloadBase64 = 400,
    /// Validly signed, but the payload does not inflate (not a complete zlib stream).
    BadPayloadZlib = 401,
    /// Validly signed, but the payload inflates past the codec's `max_inflated_len`.
    BadPayloadTooLarge = 402,
    /// Validly signed, but the JSON is not UTF-8.
    BadPayloadUtf8 = 403,
    /// Validly signed, but the JSON is invalid, nests too deep or holds a too-long integer.
    BadPayloadJson = 404,
    /// Validly signed, but a tagged value (`{" t": ...}` and the like) does not decode.
    BadPayloadTag = 405,
    /// `flask_cookie_dump`: the input is not tagged JSON this codec reads (not UTF-8, not JSON,
    /// a malformed tag, or nested deeper than `max_depth`).
    DumpInvalidJson = 500,
    /// `flask_cookie_dump`: the value cannot be written with this codec's options (a lone
    /// surrogate without `ensure_ascii`, a timestamp after 9999).
    DumpUnsupported = 501,
    /// Validly signed, but the timestamp is after 9999-12-31T23:59:59Z. Not a bad signature:
    /// itsdangerous raises Python's `ValueError` or `OverflowError` (from `datetime`, with or
    /// without `max_age`), so Flask answers with an HTTP 500 rather than a new session.
    TimestampOutOfRange = 600,
    /// The session has no such top-level key (Python: `key not in session`).
    KeyNotFound = 700,
    /// The key's value is not of the type asked for (for example a string asked for as an
    /// integer).
    WrongType = 701,
    /// The key's value is an integer outside the range of `int64_t` (Python's integers are
    /// unbounded).
    IntOutOfRange = 702,
    /// The key's value is a string holding a lone surrogate (valid in Python, not in UTF-8): read
    /// it as tagged JSON instead, which escapes it.
    StrNotUtf8 = 703,
    /// The session cookie is validly signed and its payload decodes, but Python's `dict()` of it
    /// fails (a list that is not of pairs, a number...): Flask answers with an HTTP 500.
    SessionNotADict = 800,
    /// `dict()` of the payload has a key that is not a string (`[[1, 2]]` gives `{1: 2}`):
    /// Flask keeps such a session; this library cannot hold it and refuses it (only a cookie
    /// signed with the app's key can carry one).
    SessionNonTextKey = 801,
    /// A session cookie setting that Werkzeug's `dump_cookie` refuses (a `SameSite` other than
    /// `Strict`, `Lax` or `None`, a domain IDNA cannot encode): Flask would fail with an HTTP 500
    /// at every response setting the cookie; refused once here, when building.
    InvalidCookieSetting = 802,
    /// Saving: the cookie cannot be written (a permanent session's `Expires`, `now` plus the
    /// lifetime, after the year 9999): Flask answers with an HTTP 500 (`OverflowError`).
    SaveCookieError = 803,
    /// The caller's buffer is too small: `*len_out` holds the length needed (the only output
    /// written on this failure); call again with a buffer at least that long.
    BufferTooSmall = 900,
}

impl flask_cookie_result {
    /// The static description of this result.
    fn message(self) -> &'static str {
        use flask_cookie_result::*;
        match self {
            Ok => "success\0",
            NullArgument => "a required pointer argument was NULL\0",
            InvalidArgument => "an argument is out of range\0",
            Panic => "internal error: a panic was caught at the C boundary\0",
            InvalidConfig => "invalid configuration\0",
            BadSignature => "bad signature\0",
            CookieTooLong => "bad signature: cookie too long\0",
            MalformedTimestamp => "malformed timestamp\0",
            Expired => "signature expired\0",
            BadPayloadBase64 => "bad payload: not base64\0",
            BadPayloadZlib => "bad payload: does not inflate\0",
            BadPayloadTooLarge => "bad payload: inflates past the limit\0",
            BadPayloadUtf8 => "bad payload: not UTF-8\0",
            BadPayloadJson => "bad payload: invalid JSON\0",
            BadPayloadTag => "bad payload: invalid tagged value\0",
            DumpInvalidJson => "cannot dump: input is not tagged JSON\0",
            DumpUnsupported => "cannot dump: value not writable with these options\0",
            TimestampOutOfRange => "timestamp after the year 9999\0",
            KeyNotFound => "no such key in the session\0",
            WrongType => "the value is not of the type asked for\0",
            IntOutOfRange => "the integer does not fit in int64_t\0",
            StrNotUtf8 => "the string holds a lone surrogate (not UTF-8)\0",
            SessionNotADict => "session payload is not a dict (Flask: HTTP 500)\0",
            SessionNonTextKey => "session payload has a key that is not a string (unsupported)\0",
            InvalidCookieSetting => "invalid session cookie setting\0",
            SaveCookieError => "cannot write the session cookie\0",
            BufferTooSmall => "buffer too small\0",
        }
    }

    /// Every value, in order (for tests and the message lookup).
    pub(crate) const ALL: [flask_cookie_result; 27] = {
        use flask_cookie_result::*;
        [
            Ok,
            NullArgument,
            InvalidArgument,
            Panic,
            InvalidConfig,
            BadSignature,
            CookieTooLong,
            MalformedTimestamp,
            Expired,
            BadPayloadBase64,
            BadPayloadZlib,
            BadPayloadTooLarge,
            BadPayloadUtf8,
            BadPayloadJson,
            BadPayloadTag,
            DumpInvalidJson,
            DumpUnsupported,
            TimestampOutOfRange,
            KeyNotFound,
            WrongType,
            IntOutOfRange,
            StrNotUtf8,
            SessionNotADict,
            SessionNonTextKey,
            InvalidCookieSetting,
            SaveCookieError,
            BufferTooSmall,
        ]
    };

    /// The result for a `u32` received from C, if it is one.
    pub(crate) fn from_u32(value: u32) -> Option<flask_cookie_result> {
        Self::ALL.into_iter().find(|r| *r as u32 == value)
    }
}

impl From<&Error> for flask_cookie_result {
    fn from(e: &Error) -> flask_cookie_result {
        use flask_cookie_result as R;
        match e {
            Error::BadSignature(SignatureError::TooLong { .. }) => R::CookieTooLong,
            Error::BadSignature(_) => R::BadSignature,
            Error::MalformedTimestamp(_) => R::MalformedTimestamp,
            Error::Expired(_) => R::Expired,
            Error::TimestampOutOfRange(_) => R::TimestampOutOfRange,
            Error::BadPayload(p) => p.into(),
            Error::Dump(_) => R::DumpUnsupported,
            Error::Config(_) => R::InvalidConfig,
            // `Error` is `#[non_exhaustive]`: an error the core adds later, until it gets its
            // own value here. Never a bad-signature value (that would start a new session).
            _ => R::InvalidArgument,
        }
    }
}

impl From<&PayloadError> for flask_cookie_result {
    fn from(e: &PayloadError) -> flask_cookie_result {
        use flask_cookie_result as R;
        match e {
            PayloadError::Base64 => R::BadPayloadBase64,
            PayloadError::Zlib(_) => R::BadPayloadZlib,
            PayloadError::InflatedTooLarge { .. } => R::BadPayloadTooLarge,
            PayloadError::Utf8 { .. } => R::BadPayloadUtf8,
            PayloadError::Json(_) => R::BadPayloadJson,
            PayloadError::Tag(_) => R::BadPayloadTag,
            // `#[non_exhaustive]`: a payload error the core adds later is still a bad payload.
            _ => R::BadPayloadJson,
        }
    }
}

thread_local! {
    /// This thread's detailed message of its last failure. Its capacity is reused.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `message` as this thread's last failure and returns `result`.
pub(crate) fn fail(
    result: flask_cookie_result,
    message: fmt::Arguments<'_>,
) -> flask_cookie_result {
    // `try_with`: during thread teardown the slot may be gone; the result still stands.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut s) = cell.try_borrow_mut() {
            s.clear();
            let _ = s.write_fmt(message);
        }
    });
    result
}

/// Records a crate error (whose message never contains a key or the cookie) and returns its
/// result.
pub(crate) fn fail_with(e: &Error) -> flask_cookie_result {
    fail(e.into(), format_args!("{e}"))
}

/// A static, NUL-terminated English description of `result`, such as `"signature expired"`;
/// `"unknown result"` for a value this library does not define.
///
/// Never returns NULL; the string lives as long as the program; do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn flask_cookie_result_message(result: u32) -> *const c_char {
    let text = match flask_cookie_result::from_u32(result) {
        Some(r) => r.message(),
        None => "unknown result\0",
    };
    text.as_ptr().cast()
}

/// `true` when Flask, given a cookie that failed with `result`, would start a new, empty
/// session: bad signature, cookie too long, malformed timestamp, expired. `false` for success,
/// bad payloads and a timestamp after 9999 (an HTTP 500 in Flask), argument errors and unknown
/// values. Thread-safe.
#[no_mangle]
pub extern "C" fn flask_cookie_result_is_bad_signature(result: u32) -> bool {
    (100..400).contains(&result) && flask_cookie_result::from_u32(result).is_some()
}

/// Copies the detailed message of the last call **on this thread** that did not return
/// `FLASK_COOKIE_RESULT_OK`, for example `"signature expired: signature age 2678401 >
/// 2678400 seconds"`, into `buf`.
///
/// Writes at most `buf_len` bytes of UTF-8, without a terminating NUL, and returns the whole
/// message's length in bytes (so a return value larger than `buf_len` means the copy was
/// truncated: call again with a larger buffer). Returns 0 when no call on this thread has
/// failed. `buf` may be NULL when `buf_len` is 0 (to ask for the length). Only meaningful right
/// after a failed call; successful calls leave it unchanged. Messages never contain a key or the
/// cookie.
///
/// Thread-safe: each thread has its own message.
///
/// # Safety
///
/// `buf` must be NULL or point to `buf_len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_last_error(buf: *mut u8, buf_len: usize) -> usize {
    ffi_panic_boundary_or!(0, {
        LAST_ERROR
            .try_with(|cell| {
                let Ok(s) = cell.try_borrow() else { return 0 };
                let n = s.len().min(buf_len);
                if !buf.is_null() && n > 0 {
                    // SAFETY: the caller promises `buf` points to `buf_len` writable bytes and
                    // `n <= buf_len`; the source is a live String of at least `n` bytes that
                    // cannot overlap caller memory.
                    unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), buf, n) };
                }
                s.len()
            })
            .unwrap_or(0)
    })
}
