//! `flask_cookie_session_config`: a Flask app's session settings, checked and ready; finding
//! the session cookie in `Cookie` headers.

use flask_cookie::session::{cookie_value, SessionConfig};

use super::buf::{byte_slices, flask_cookie_buf, flask_cookie_slice, slices_from_raw, write_into};
use super::result::flask_cookie_result;

/// A Flask app's session settings and its codec, checked and ready. Opaque.
///
/// Made by `flask_cookie_session_builder_build`, released by
/// `flask_cookie_session_config_free`.
///
/// Thread safety: immutable after creation. Any number of threads may use one configuration at
/// the same time (`flask_cookie_session_find_cookie`, `flask_cookie_session_open`,
/// `flask_cookie_session_save`...), without locking: build it once per process (or nginx
/// worker) and share it; only `flask_cookie_session_config_free` must wait until every other
/// call on it has returned.
#[derive(Debug)]
pub struct flask_cookie_session_config {
    pub(crate) config: SessionConfig,
}

impl flask_cookie_session_config {
    pub(crate) fn new(config: SessionConfig) -> flask_cookie_session_config {
        flask_cookie_session_config { config }
    }
}

/// Borrows the configuration behind `config`, inside a boundary that has checked it for NULL.
macro_rules! session_config_ref {
    ($config:ident) => {{
        check_not_null!($config);
        // SAFETY: non-NULL (checked); the caller promises it came from
        // `flask_cookie_session_builder_build` and is not freed during the call. It is
        // immutable and `Sync`, so a shared reference is sound while other threads use it.
        unsafe { &(*$config).config }
    }};
}

/// The session cookie's value as `request.cookies.get(SESSION_COOKIE_NAME)`, or `None`.
///
/// # Safety
///
/// As `flask_cookie_session_find_cookie`.
unsafe fn find(
    config: &SessionConfig,
    headers: *const flask_cookie_slice,
    n_headers: usize,
) -> Result<Option<String>, flask_cookie_result> {
    // SAFETY: the caller's promise, passed on.
    let list = unsafe { slices_from_raw(headers, n_headers, "headers") }?;
    // SAFETY: as above.
    let values = unsafe { byte_slices(list, "header") }?;
    Ok(cookie_value(&values, config.cookie_name()))
}

/// Finds the session cookie (named `SESSION_COOKIE_NAME`) in the request's `Cookie` header
/// values as Werkzeug does (`request.cookies.get(name)`): the values are joined with `"; "`,
/// parsed as Werkzeug's `parse_cookie` (quoted values unquoted, `\ooo` escapes decoded), and
/// the first cookie of that name wins. Writes the value (UTF-8) to `*value_out`, and to
/// `*found_out` whether there was one: an absent cookie and an empty one both give an empty
/// value (Flask starts a new session for both), only `*found_out` tells them apart.
///
/// `headers` is an array of `n_headers` values (each one header's value, without `Cookie: `,
/// raw bytes); `headers` may be NULL when `n_headers` is 0. `found_out` may be NULL (not
/// wanted).
///
/// Returns `NULL_ARGUMENT` (`config` or `value_out` is NULL, `headers` NULL with a non-zero
/// `n_headers`, a header's `data` NULL with a non-zero `len`), `INVALID_ARGUMENT` (a length too
/// large). On success the caller owns `*value_out` and releases it with
/// `flask_cookie_buf_free`; on failure nothing is written. Thread-safe: see
/// `flask_cookie_session_config`.
///
/// # Safety
///
/// `config` must be NULL or a live session config; `headers` must be NULL or point to
/// `n_headers` slices, each valid as documented on `flask_cookie_slice`; `value_out` must be
/// NULL or point to a writable `flask_cookie_buf`; `found_out` must be NULL or point to a
/// writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_find_cookie(
    config: *const flask_cookie_session_config,
    headers: *const flask_cookie_slice,
    n_headers: usize,
    value_out: *mut flask_cookie_buf,
    found_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let config = session_config_ref!(config);
        check_not_null!(value_out);
        // SAFETY: the caller's promise (this function's `# Safety`), passed on.
        let value = match unsafe { find(config, headers, n_headers) } {
            Ok(v) => v,
            Err(r) => return r,
        };
        if !found_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { found_out.write(value.is_some()) };
        }
        let bytes = value.map(String::into_bytes).unwrap_or_default();
        // SAFETY: `value_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { value_out.write(flask_cookie_buf::from_vec(bytes)) };
        flask_cookie_result::Ok
    }
}

/// `flask_cookie_session_find_cookie` into the caller's memory: writes the value into `buf`
/// (at most `buf_len` bytes) and its length to `*len_out`, and to `*found_out` (may be NULL)
/// whether there was a cookie of that name.
///
/// Returns `BUFFER_TOO_SMALL` when the value is longer than `buf_len`: then only `*len_out` is
/// written, with the length needed (`buf` may be NULL with `buf_len` 0 to ask for it). Other
/// results as `flask_cookie_session_find_cookie` (`NULL_ARGUMENT` also for a NULL `len_out`,
/// or `buf` NULL with a non-zero `buf_len`). Allocates nothing the caller must free.
/// Thread-safe: see `flask_cookie_session_config`.
///
/// # Safety
///
/// As `flask_cookie_session_find_cookie`; a non-NULL `buf` must point to `buf_len` writable
/// bytes; `len_out` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_find_cookie_into(
    config: *const flask_cookie_session_config,
    headers: *const flask_cookie_slice,
    n_headers: usize,
    buf: *mut u8,
    buf_len: usize,
    len_out: *mut usize,
    found_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let config = session_config_ref!(config);
        // SAFETY: the caller's promise (this function's `# Safety`), passed on.
        let value = match unsafe { find(config, headers, n_headers) } {
            Ok(v) => v,
            Err(r) => return r,
        };
        let found = value.is_some();
        let bytes = value.unwrap_or_default();
        // SAFETY: the caller promises `buf`/`buf_len` and `len_out` as documented.
        let r = unsafe { write_into(bytes.as_bytes(), buf, buf_len, len_out) };
        if r == flask_cookie_result::Ok && !found_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { found_out.write(found) };
        }
        r
    }
}

/// Releases a session configuration. NULL is accepted. Sessions opened with it stay valid but
/// can only be saved with a live configuration.
///
/// # Safety
///
/// `config` must be NULL or a configuration from `flask_cookie_session_builder_build` not yet
/// freed; no other call may be using it, and it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_config_free(
    config: *mut flask_cookie_session_config,
) {
    ffi_panic_boundary_or!((), {
        if !config.is_null() {
            // SAFETY: made by `Box::into_raw` in `flask_cookie_session_builder_build` and, by
            // the caller's promise, not freed before and not in use: given back exactly once.
            drop(unsafe { Box::from_raw(config) });
        }
    })
}
