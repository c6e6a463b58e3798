//! `flask_cookie_codec`: a configured codec; open, verify and dump.

use flask_cookie::codec::Codec;
use flask_cookie::error::Error;

use super::buf::flask_cookie_buf;
use super::config::flask_cookie_config;
use super::resolve_time;
use super::result::{fail, fail_with, flask_cookie_result};

/// A configured codec: keys derived once, then any number of opens, verifies and dumps. Opaque.
///
/// Made by `flask_cookie_codec_new`, released by `flask_cookie_codec_free`.
///
/// Thread safety: immutable after creation. Any number of threads may call
/// `flask_cookie_open`, `flask_cookie_verify` and `flask_cookie_dump` on one codec at the same
/// time, without locking; only `flask_cookie_codec_free` must wait until every other call on it
/// has returned.
pub struct flask_cookie_codec {
    codec: Codec,
}

/// Borrows the codec behind `codec`, inside a boundary that has checked it for NULL.
macro_rules! codec_ref {
    ($codec:ident) => {{
        check_not_null!($codec);
        // SAFETY: non-NULL (checked); the caller promises it came from `flask_cookie_codec_new`
        // and is not freed during the call. The codec is immutable and `Sync`, so a shared
        // reference is sound even while other threads use it.
        unsafe { &(*$codec).codec }
    }};
}

/// Makes a codec from `config`: derives every key once. The config is only read: the caller
/// still owns it and may free it right after.
///
/// Returns `NULL_ARGUMENT` when an argument is NULL; `INVALID_CONFIG` when no key was set, or
/// the newest key is empty with the Flask preset (`flask_cookie_last_error` says which). On success the caller owns
/// `*codec_out` and releases it with `flask_cookie_codec_free`; on failure `*codec_out` is
/// unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not being changed by another thread; `codec_out` must
/// be NULL or point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_codec_new(
    config: *const flask_cookie_config,
    codec_out: *mut *mut flask_cookie_codec,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        check_not_null!(config, codec_out);
        // SAFETY: non-NULL (checked); the caller promises a live config that no other thread
        // changes during the call.
        let config = unsafe { &*config };
        let codec = match config.builder().and_then(|b| b.build()) {
            Ok(codec) => codec,
            Err(e) => return fail_with(&Error::Config(e)),
        };
        let handle = Box::new(flask_cookie_codec { codec });
        // SAFETY: `codec_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { codec_out.write(Box::into_raw(handle)) };
        flask_cookie_result::Ok
    }
}

/// Releases a codec. NULL is accepted.
///
/// # Safety
///
/// `codec` must be NULL or a codec from `flask_cookie_codec_new` not yet freed; no other call
/// may be using it, and it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_codec_free(codec: *mut flask_cookie_codec) {
    ffi_panic_boundary_or!((), {
        if !codec.is_null() {
            // SAFETY: made by `Box::into_raw` in `flask_cookie_codec_new` and, by the caller's
            // promise, not freed before and not in use: given back to `Box` exactly once.
            drop(unsafe { Box::from_raw(codec) });
        }
    })
}

/// Verifies `cookie` as of `now` (Unix seconds, or `FLASK_COOKIE_NOW` for the system clock) as
/// itsdangerous's `loads(cookie, max_age=...)` does in Flask's `open_session`, decodes the
/// payload and writes its canonical tagged JSON (the same bytes `flask-cookie open` prints) to
/// `*json_out`, and the signing time to `*signed_at_out` when that is not NULL.
///
/// The payload is returned as signed, whatever its type: a JSON object for every cookie Flask
/// writes, but a validly signed `[1]`, `null` or tuple comes back as `[1]`, `null` or
/// `{" t":[...]}`. Flask's session is then `dict()` of it (`null` and `[]` give an empty
/// session, a list of pairs a dict, anything else an HTTP 500): applying that is the caller's
/// part. The JSON is this codec's canonical writing of the value (for Flask's options: sorted
/// keys, ASCII only, as Flask writes it), not necessarily the signed bytes.
///
/// Results: `OK`; `BAD_SIGNATURE`, `COOKIE_TOO_LONG`, `MALFORMED_TIMESTAMP`, `EXPIRED` (Flask
/// starts a new session); `BAD_PAYLOAD_*` and `TIMESTAMP_OUT_OF_RANGE` (validly signed, but
/// Flask fails with an HTTP 500); `NULL_ARGUMENT` (`codec` or `json_out` is NULL, or `cookie`
/// is NULL with a non-zero length); `INVALID_ARGUMENT` (a length larger than any object).
/// `flask_cookie_last_error` gives details (never the key or the cookie). Without
/// `ensure_ascii`, a string holding a lone surrogate is written with a `\uXXXX` escape (the
/// JSON reads back to the same value).
///
/// Ownership: `cookie` is borrowed for the call. On success the caller owns `*json_out` and
/// releases it with `flask_cookie_buf_free`; on failure neither output is written.
/// Thread-safe: see `flask_cookie_codec`.
///
/// # Safety
///
/// `codec` must be NULL or a live codec; a non-NULL `cookie` must point to `cookie_len`
/// readable bytes (`cookie` may be NULL when `cookie_len` is 0); `json_out` must point to a
/// writable `flask_cookie_buf` (NULL is refused with `NULL_ARGUMENT`); `signed_at_out` must be
/// NULL (the time is not wanted) or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_open(
    codec: *const flask_cookie_codec,
    cookie: *const u8,
    cookie_len: usize,
    now: u64,
    json_out: *mut flask_cookie_buf,
    signed_at_out: *mut u64,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let codec = codec_ref!(codec);
        check_not_null!(json_out);
        let cookie = try_slice!(cookie, cookie_len);
        let opened = match codec.open(cookie, resolve_time(now)) {
            Ok(opened) => opened,
            Err(e) => return fail_with(&e),
        };
        let json = match codec.to_json_escaping_surrogates(&opened.value) {
            Ok(json) => json,
            Err(e) => return fail_with(&Error::Dump(e)),
        };
        // SAFETY: `json_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { json_out.write(flask_cookie_buf::from_vec(json.into_bytes())) };
        if !signed_at_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { signed_at_out.write(opened.signed_at) };
        }
        flask_cookie_result::Ok
    }
}

/// Verifies the signature and age of `cookie` as of `now` (Unix seconds, or
/// `FLASK_COOKIE_NOW`), without decoding the payload, and writes the signing time to
/// `*signed_at_out` when that is not NULL. Allocates nothing on success.
///
/// Results: `OK`; `BAD_SIGNATURE`, `COOKIE_TOO_LONG`, `MALFORMED_TIMESTAMP`, `EXPIRED`;
/// `TIMESTAMP_OUT_OF_RANGE`; `NULL_ARGUMENT` (`codec` is NULL, or `cookie` is NULL with a
/// non-zero length); `INVALID_ARGUMENT` (a length larger than any object). A validly signed
/// cookie with an undecodable payload passes: use `flask_cookie_open` to read the session.
///
/// Ownership: `cookie` is borrowed for the call; `*signed_at_out` is written only on success.
/// Thread-safe: see `flask_cookie_codec`.
///
/// # Safety
///
/// `codec` must be NULL or a live codec; a non-NULL `cookie` must point to `cookie_len`
/// readable bytes; `signed_at_out` must be NULL (the time is not wanted) or point to a writable
/// `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_verify(
    codec: *const flask_cookie_codec,
    cookie: *const u8,
    cookie_len: usize,
    now: u64,
    signed_at_out: *mut u64,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let codec = codec_ref!(codec);
        let cookie = try_slice!(cookie, cookie_len);
        match codec.verify(cookie, resolve_time(now)) {
            Ok(signed_at) => {
                if !signed_at_out.is_null() {
                    // SAFETY: non-NULL and writable by the caller's promise.
                    unsafe { signed_at_out.write(signed_at) };
                }
                flask_cookie_result::Ok
            }
            Err(e) => fail_with(&e),
        }
    }
}

/// Reads `json` (tagged JSON, as `flask_cookie_open` returns it) and writes the cookie Flask
/// would write for that session, signed with the newest key at `timestamp` (Unix seconds, or
/// `FLASK_COOKIE_NOW`), to `*cookie_out`.
///
/// Results: `OK`; `DUMP_INVALID_JSON` (the input does not parse or nests deeper than
/// `max_depth` levels, the outermost array or object being level 1; the message has the byte
/// position); `DUMP_UNSUPPORTED` (the value cannot be written with these options, `timestamp`
/// is after the year 9999, or the cookie would be longer than the codec's `max_cookie_len`,
/// which `flask_cookie_open` would refuse); `NULL_ARGUMENT` (`codec` or `cookie_out` is NULL,
/// or `json` is NULL with a non-zero length); `INVALID_ARGUMENT` (a length larger than any
/// object).
///
/// Ownership: `json` is borrowed for the call. On success the caller owns `*cookie_out`
/// (ASCII, not NUL-terminated) and releases it with `flask_cookie_buf_free`; on failure it is not
/// written. Thread-safe: see `flask_cookie_codec`.
///
/// # Safety
///
/// `codec` must be NULL or a live codec; a non-NULL `json` must point to `json_len` readable
/// bytes; `cookie_out` must point to a writable `flask_cookie_buf` (NULL is refused with
/// `NULL_ARGUMENT`).
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_dump(
    codec: *const flask_cookie_codec,
    json: *const u8,
    json_len: usize,
    timestamp: u64,
    cookie_out: *mut flask_cookie_buf,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let codec = codec_ref!(codec);
        check_not_null!(cookie_out);
        let json = try_slice!(json, json_len);
        let value = match codec.from_json(json) {
            Ok(value) => value,
            Err(e) => {
                return fail(
                    flask_cookie_result::DumpInvalidJson,
                    format_args!("cannot dump: input is not tagged JSON: {e}"),
                )
            }
        };
        match codec.dump(&value, resolve_time(timestamp)) {
            Ok(cookie) => {
                // SAFETY: `cookie_out` is non-NULL (checked) and writable by the caller's promise.
                unsafe { cookie_out.write(flask_cookie_buf::from_vec(cookie.into_bytes())) };
                flask_cookie_result::Ok
            }
            Err(e) => fail_with(&e),
        }
    }
}
