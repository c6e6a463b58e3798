//! The unverified decode, for debugging only.

use flask_cookie::codec::{decode_unverified, Limits};

use super::buf::flask_cookie_buf;
use super::result::{fail_with, flask_cookie_result};

/// **Checks nothing.** Decodes the payload of `cookie` (base64, inflating; default limits)
/// and writes its JSON text, as found, to `*json_out`, and its timestamp to `*timestamp_out`
/// with `*has_timestamp_out` set to whether it decoded. For debugging: anyone can write a cookie
/// that decodes; never trust what this returns. No key is needed.
///
/// `json_out` is required; `timestamp_out` and `has_timestamp_out` are optional (NULL: not
/// written). When the timestamp part does not decode to a time Python can hold (not base64,
/// more than 8 bytes, after the year 9999), `*timestamp_out` is 0 and `*has_timestamp_out`
/// false: only `*has_timestamp_out` tells a missing timestamp from the time 0.
///
/// Results: `OK`; `BAD_SIGNATURE` (no `.` or no timestamp part), `COOKIE_TOO_LONG`,
/// `BAD_PAYLOAD_BASE64`, `BAD_PAYLOAD_ZLIB`, `BAD_PAYLOAD_TOO_LARGE`; `NULL_ARGUMENT`
/// (`json_out` is NULL, or `cookie` is NULL with a non-zero length); `INVALID_ARGUMENT` (a
/// length larger than any object). The JSON is not parsed and may not even be UTF-8.
///
/// Ownership: `cookie` is borrowed for the call. On success the caller owns `*json_out` and
/// releases it with `flask_cookie_buf_free`; on failure no output is written. Thread-safe.
///
/// # Safety
///
/// A non-NULL `cookie` must point to `cookie_len` readable bytes; `json_out` must point to a
/// writable `flask_cookie_buf` (NULL is refused with `NULL_ARGUMENT`); `timestamp_out` and
/// `has_timestamp_out` must each be NULL or point to a writable `uint64_t` / `bool`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_decode_unverified(
    cookie: *const u8,
    cookie_len: usize,
    json_out: *mut flask_cookie_buf,
    timestamp_out: *mut u64,
    has_timestamp_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        check_not_null!(json_out);
        let cookie = try_slice!(cookie, cookie_len);
        let decoded = match decode_unverified(cookie, &Limits::default()) {
            Ok(decoded) => decoded,
            Err(e) => return fail_with(&e),
        };
        if !timestamp_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { timestamp_out.write(decoded.timestamp.unwrap_or(0)) };
        }
        if !has_timestamp_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { has_timestamp_out.write(decoded.timestamp.is_some()) };
        }
        // SAFETY: `json_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { json_out.write(flask_cookie_buf::from_vec(decoded.json)) };
        flask_cookie_result::Ok
    }
}
