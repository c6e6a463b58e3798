//! `flask_cookie_session`: one request's Flask session. Open it from the `Cookie` headers as
//! Flask's `open_session` does, read and change its top-level keys, save it as Flask's
//! `save_session` does.

use flask_cookie::error::{Error, PayloadError};
use flask_cookie::json::{self, JsonOptions};
use flask_cookie::session::{
    open_session_with_origin, save_session, OpenError, SaveError, SaveOutcome, Session,
    SessionOrigin,
};
use flask_cookie::value::{Text, Value};

use super::buf::{
    byte_slices, flask_cookie_buf, flask_cookie_slice, slices_from_raw, str_from_raw, write_into,
};
use super::resolve_time;
use super::result::{fail, fail_with, flask_cookie_result};
use super::session_config::flask_cookie_session_config;

/// How `flask_cookie_session_open` came to its session, written to `*state_out` as a
/// `uint32_t`. The values are part of the ABI.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_session_state {
    /// No session cookie, or an empty one: a new, empty session.
    NoCookie = 0,
    /// The cookie was opened: the session holds its data.
    Opened = 1,
    /// The cookie is not validly signed by any key, not shaped like a signed cookie, or longer
    /// than the codec's `max_cookie_len`: a new, empty session, as in Flask.
    NewBadSignature = 2,
    /// The cookie is older than the lifetime, or signed in the future: a new, empty session.
    NewExpired = 3,
    /// The signature is valid but the timestamp cannot be read: a new, empty session.
    NewMalformedTimestamp = 4,
}

/// What `flask_cookie_session_save` asks of the response, written to `*action_out` as a
/// `uint32_t`. The values are part of the ABI.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_save_action {
    /// No `Set-Cookie` header.
    None = 0,
    /// Add the `Set-Cookie` header: the session cookie.
    Set = 1,
    /// Add the `Set-Cookie` header: it deletes the session cookie (an emptied session).
    Delete = 2,
}

/// One request's session: a dict of top-level keys with Flask's `modified` and `accessed`
/// tracking. Opaque.
///
/// Made by `flask_cookie_session_open`, released by `flask_cookie_session_free`. Values are
/// read and written as tagged JSON text (as `flask_cookie_open` writes it: for Flask's options
/// sorted keys, ASCII only) or through the typed functions (int64, string, bool), so that a
/// caller needs no JSON parser.
///
/// `modified` (what makes `flask_cookie_session_save` send the cookie) is set as Flask sets it:
/// by every `set_*`, `clear`, `set_permanent` and `mark_modified`; by `remove` only when the key
/// was there. `accessed` (what makes saving ask for `Vary: Cookie`) is set by every function
/// taking the session, the reading ones included (Flask 3.1 sets it whenever the view touches
/// `flask.session`), except `flask_cookie_session_is_modified`,
/// `flask_cookie_session_is_accessed` and saving.
///
/// Thread safety: not synchronised and not shareable: use a session from one thread at a time
/// (it may move between threads, for example with the request it belongs to). The session
/// config it was opened with may be shared.
#[derive(Debug)]
pub struct flask_cookie_session {
    session: Session,
    /// The JSON options and depth limit of the codec it was opened with.
    json: JsonOptions,
    max_depth: usize,
}

impl flask_cookie_session {
    fn to_json(&self, value: &Value) -> Result<Vec<u8>, flask_cookie_result> {
        let mut out = Vec::with_capacity(64);
        match json::write_escaping_lone_surrogates(value, &self.json, self.max_depth, &mut out) {
            Ok(()) => Ok(out),
            Err(e) => Err(fail(
                flask_cookie_result::DumpUnsupported,
                format_args!("cannot write the value as JSON: {e}"),
            )),
        }
    }
}

/// Borrows the session behind `$s` (shared), inside a boundary that checked it for NULL.
macro_rules! session_ref {
    ($s:ident) => {{
        check_not_null!($s);
        // SAFETY: non-NULL (checked); the caller promises a live session from
        // `flask_cookie_session_open`, not used by another thread during the call.
        unsafe { &*$s }
    }};
}

/// Borrows the session behind `$s` (exclusive), inside a boundary that checked it for NULL.
macro_rules! session_mut {
    ($s:ident) => {{
        check_not_null!($s);
        // SAFETY: non-NULL (checked); the caller promises a live session from
        // `flask_cookie_session_open`, not used by another thread during the call.
        unsafe { &mut *$s }
    }};
}

/// Borrows a UTF-8 key, or returns its failure from the enclosing boundary.
macro_rules! try_key {
    ($key:ident, $len:ident) => {
        // SAFETY: the enclosing function's contract makes the caller promise that a non-NULL
        // `$key` points to `$len` readable bytes, valid and unchanged for the call.
        match unsafe { str_from_raw($key, $len, stringify!($key)) } {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
}

/// Borrows the session config behind `$c`, inside a boundary that checked it for NULL.
macro_rules! config_ref {
    ($c:ident) => {{
        check_not_null!($c);
        // SAFETY: non-NULL (checked); the caller promises a live session config, not freed
        // during the call; it is immutable and `Sync`.
        unsafe { &(*$c).config }
    }};
}

/// Flask's `SecureCookieSessionInterface.open_session`: finds the session cookie in the
/// request's `Cookie` header values (as `flask_cookie_session_find_cookie`) and opens it at
/// `now` (Unix seconds, or `FLASK_COOKIE_NOW` for the system clock) with the session lifetime
/// as `max_age`, making Flask's decisions:
///
/// * no cookie, or an empty one: `OK`, `*state_out` = `FLASK_COOKIE_SESSION_STATE_NO_COOKIE`,
///   a new empty session;
/// * a bad signature (or a cookie too long), an expired cookie, a malformed timestamp: `OK`,
///   `*state_out` = `..._NEW_BAD_SIGNATURE`, `..._NEW_EXPIRED`, `..._NEW_MALFORMED_TIMESTAMP`,
///   a new empty session (Flask ignores such a cookie);
/// * a valid cookie: `OK`, `*state_out` = `..._OPENED`, the session holds `dict(payload)` as
///   Python makes it: an object as it is, `null` and empty arrays or strings an empty
///   session, an array of pairs the dict of them (a repeated key keeping its first position
///   and last value);
/// * a validly signed cookie Flask answers with an HTTP 500: `BAD_PAYLOAD_*` (the payload does
///   not decode), `TIMESTAMP_OUT_OF_RANGE` (signed after the year 9999),
///   `SESSION_NOT_A_DICT` (Python's `dict()` of the payload fails), and
///   `SESSION_NON_TEXT_KEY` (a key that is not a string: Flask keeps it, this library refuses
///   it). No session is made then.
///
/// `headers` is an array of `n_headers` `Cookie` header values (raw bytes, without
/// `Cookie: `); it may be NULL when `n_headers` is 0 (no header: a new session).
/// `signed_at_out` may be NULL; otherwise it gets the cookie's signing time for `..._OPENED`
/// and 0 for the other states.
///
/// Other results: `NULL_ARGUMENT` (`config`, `state_out` or `session_out` is NULL, `headers`
/// NULL with a non-zero `n_headers`, a header's `data` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (a length too large). On success the caller owns `*session_out` and
/// releases it with `flask_cookie_session_free`; on failure nothing is written.
/// Thread-safe for the config (shared); the new session belongs to the caller.
///
/// # Safety
///
/// `config` must be NULL or a live session config; `headers` must be NULL or point to
/// `n_headers` slices, each valid as documented on `flask_cookie_slice`; `state_out`,
/// `session_out` and `signed_at_out` must each be NULL or point to writable storage of their
/// type.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_open(
    config: *const flask_cookie_session_config,
    headers: *const flask_cookie_slice,
    n_headers: usize,
    now: u64,
    state_out: *mut u32,
    session_out: *mut *mut flask_cookie_session,
    signed_at_out: *mut u64,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let config = config_ref!(config);
        check_not_null!(state_out, session_out);
        // SAFETY: the caller's promise (this function's `# Safety`), passed on.
        let list = match unsafe { slices_from_raw(headers, n_headers, "headers") } {
            Ok(l) => l,
            Err(r) => return r,
        };
        // SAFETY: as above.
        let values = match unsafe { byte_slices(list, "header") } {
            Ok(v) => v,
            Err(r) => return r,
        };
        let (session, origin) = match open_session_with_origin(config, &values, resolve_time(now)) {
            Ok(x) => x,
            Err(OpenError::Cookie(e)) => return fail_with(&e),
            Err(OpenError::NotADict(msg)) => {
                return fail(
                    flask_cookie_result::SessionNotADict,
                    format_args!("session payload is not a dict: {msg}"),
                )
            }
            Err(e @ OpenError::NonTextKey { .. }) => {
                return fail(flask_cookie_result::SessionNonTextKey, format_args!("{e}"))
            }
            Err(e) => return fail(flask_cookie_result::SessionNotADict, format_args!("{e}")),
        };
        let (state, signed_at) = match origin {
            SessionOrigin::NoCookie => (flask_cookie_session_state::NoCookie, 0),
            SessionOrigin::Opened { signed_at } => (flask_cookie_session_state::Opened, signed_at),
            SessionOrigin::Refused(Error::Expired(_)) => (flask_cookie_session_state::NewExpired, 0),
            SessionOrigin::Refused(Error::MalformedTimestamp(_)) => {
                (flask_cookie_session_state::NewMalformedTimestamp, 0)
            }
            SessionOrigin::Refused(_) => (flask_cookie_session_state::NewBadSignature, 0),
            _ => (flask_cookie_session_state::NewBadSignature, 0),
        };
        let codec = config.codec();
        let handle = Box::new(flask_cookie_session {
            session,
            json: codec.json_options(),
            max_depth: codec.limits().max_depth,
        });
        // SAFETY: `state_out` and `session_out` are non-NULL (checked) and writable by the
        // caller's promise.
        unsafe {
            state_out.write(state as u32);
            session_out.write(Box::into_raw(handle));
        }
        if !signed_at_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { signed_at_out.write(signed_at) };
        }
        flask_cookie_result::Ok
    }
}

/// Releases a session. NULL is accepted.
///
/// # Safety
///
/// `session` must be NULL or a session from `flask_cookie_session_open` not yet freed and not
/// in use by another thread; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_free(session: *mut flask_cookie_session) {
    ffi_panic_boundary_or!((), {
        if !session.is_null() {
            // SAFETY: made by `Box::into_raw` in `flask_cookie_session_open` and, by the
            // caller's promise, not freed before: given back to `Box` exactly once.
            drop(unsafe { Box::from_raw(session) });
        }
    })
}

/// The value of `key`, or `KeyNotFound` (recorded as the last error).
fn lookup<'s>(s: &'s flask_cookie_session, key: &str) -> Result<&'s Value, flask_cookie_result> {
    s.session.get(key).ok_or_else(|| {
        fail(
            flask_cookie_result::KeyNotFound,
            format_args!("no key {key:?} in the session"),
        )
    })
}

fn wrong_type(key: &str, want: &str, v: &Value) -> flask_cookie_result {
    fail(
        flask_cookie_result::WrongType,
        format_args!(
            "session key {key:?} holds {}, not {want}",
            match v {
                Value::None => "null",
                Value::Bool(_) => "a bool",
                Value::Int(_) => "an int",
                Value::Float(_) => "a float",
                Value::Str(_) => "a str",
                Value::Markup(_) => "a Markup",
                Value::Bytes(_) => "bytes",
                Value::List(_) => "a list",
                Value::Tuple(_) => "a tuple",
                Value::Dict(_) => "a dict",
                Value::Uuid(_) => "a UUID",
                Value::DateTime(_) => "a datetime",
            }
        ),
    )
}

/// The text of a `str` value as UTF-8.
fn text_of<'v>(key: &str, v: &'v Value) -> Result<&'v str, flask_cookie_result> {
    match v {
        Value::Str(t) | Value::Markup(t) => t.as_str().ok_or_else(|| {
            fail(
                flask_cookie_result::StrNotUtf8,
                format_args!("session key {key:?} holds a str with a lone surrogate"),
            )
        }),
        other => Err(wrong_type(key, "a str", other)),
    }
}

/// Writes a library-owned buffer to `out` (checked non-NULL by the caller).
///
/// # Safety
///
/// `out` must be non-NULL and writable.
unsafe fn give(out: *mut flask_cookie_buf, bytes: Vec<u8>) -> flask_cookie_result {
    // SAFETY: the caller's promise.
    unsafe { out.write(flask_cookie_buf::from_vec(bytes)) };
    flask_cookie_result::Ok
}

/// `session[key]` as tagged JSON text (this codec's canonical writing: for Flask's options
/// sorted keys and ASCII only; a string is `"..."`, a tuple `{" t":[...]}`, bytes
/// `{" b":"..."}`), written to `*json_out`. Sets `accessed`.
///
/// Returns `KEY_NOT_FOUND` when the session has no such key; `NULL_ARGUMENT` (`session` or
/// `json_out` NULL, `key` NULL with a non-zero length), `INVALID_ARGUMENT` (`key` not UTF-8 or
/// a length too large); `DUMP_UNSUPPORTED` when the value cannot be written with the codec's
/// JSON options (untagged JSON and bytes, a UUID or a datetime, as Python's `json.dumps`
/// fails). On success the caller owns `*json_out` (release with `flask_cookie_buf_free`); on
/// failure it is not written. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `json_out` must be NULL or point to a writable
/// `flask_cookie_buf`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_json(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    json_out: *mut flask_cookie_buf,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(json_out);
        let key = try_key!(key, key_len);
        let json = match lookup(s, key).and_then(|v| s.to_json(v)) {
            Ok(j) => j,
            Err(r) => return r,
        };
        // SAFETY: `json_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { give(json_out, json) }
    }
}

/// `flask_cookie_session_get_json` into the caller's memory: writes the JSON text into `buf`
/// (at most `buf_len` bytes) and its length to `*len_out`. Sets `accessed`.
///
/// Returns `BUFFER_TOO_SMALL` when the text is longer than `buf_len`: then only `*len_out` is
/// written, with the length needed (`buf` may be NULL with `buf_len` 0 to ask for it). Other
/// results as `flask_cookie_session_get_json` (`NULL_ARGUMENT` also for a NULL `len_out`, or
/// `buf` NULL with a non-zero `buf_len`). Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// As `flask_cookie_session_get_json`; a non-NULL `buf` must point to `buf_len` writable bytes;
/// `len_out` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_json_into(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    buf_len: usize,
    len_out: *mut usize,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        let key = try_key!(key, key_len);
        let json = match lookup(s, key).and_then(|v| s.to_json(v)) {
            Ok(j) => j,
            Err(r) => return r,
        };
        // SAFETY: the caller promises `buf`/`buf_len` and `len_out` as documented.
        unsafe { write_into(&json, buf, buf_len, len_out) }
    }
}

/// `session[key]` as an `int64_t`, written to `*value_out`. Sets `accessed`.
///
/// Returns `KEY_NOT_FOUND` (no such key); `WRONG_TYPE` (the value is not an integer: a bool, a
/// float, a string holding digits are all `WRONG_TYPE`); `INT_OUT_OF_RANGE` (an integer
/// outside the range of `int64_t`); `NULL_ARGUMENT`, `INVALID_ARGUMENT` as
/// `flask_cookie_session_get_json`. `*value_out` is written only on success. Thread safety:
/// see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `value_out` must be NULL or point to a writable
/// `int64_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_int64(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    value_out: *mut i64,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(value_out);
        let key = try_key!(key, key_len);
        let v = match lookup(s, key) {
            Ok(v) => v,
            Err(r) => return r,
        };
        let n = match v {
            Value::Int(i) => match i.as_i64() {
                Some(n) => n,
                None => {
                    return fail(
                        flask_cookie_result::IntOutOfRange,
                        format_args!("session key {key:?} holds an int outside int64_t"),
                    )
                }
            },
            other => return wrong_type(key, "an int", other),
        };
        // SAFETY: `value_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { value_out.write(n) };
        flask_cookie_result::Ok
    }
}

/// `session[key]` as a `bool` (a JSON `true` or `false`; Python's `True`, `False`), written
/// to `*value_out`. Sets `accessed`.
///
/// Returns `KEY_NOT_FOUND` (no such key); `WRONG_TYPE` (any other value: `1`, `"true"` and
/// `null` are not bools); `NULL_ARGUMENT`, `INVALID_ARGUMENT` as
/// `flask_cookie_session_get_json`. `*value_out` is written only on success. Thread safety:
/// see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `value_out` must be NULL or point to a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_bool(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    value_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(value_out);
        let key = try_key!(key, key_len);
        let b = match lookup(s, key) {
            Ok(Value::Bool(b)) => *b,
            Ok(other) => return wrong_type(key, "a bool", other),
            Err(r) => return r,
        };
        // SAFETY: `value_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { value_out.write(b) };
        flask_cookie_result::Ok
    }
}

/// `session[key]` as UTF-8 text (a `str`, or a `Markup`, a `str` subclass), written to
/// `*str_out` (not NUL-terminated). Sets `accessed`.
///
/// Returns `KEY_NOT_FOUND` (no such key); `WRONG_TYPE` (not a string); `STR_NOT_UTF8` (the
/// string holds a lone surrogate, which UTF-8 cannot encode: read it with
/// `flask_cookie_session_get_json`); `NULL_ARGUMENT`, `INVALID_ARGUMENT` as
/// `flask_cookie_session_get_json`. On success the caller owns `*str_out` (release with
/// `flask_cookie_buf_free`); on failure it is not written. Thread safety: see
/// `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `str_out` must be NULL or point to a writable
/// `flask_cookie_buf`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_str(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    str_out: *mut flask_cookie_buf,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(str_out);
        let key = try_key!(key, key_len);
        let text = match lookup(s, key).and_then(|v| text_of(key, v)) {
            Ok(t) => t.as_bytes().to_vec(),
            Err(r) => return r,
        };
        // SAFETY: `str_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { give(str_out, text) }
    }
}

/// `flask_cookie_session_get_str` into the caller's memory: writes the UTF-8 text into `buf`
/// (at most `buf_len` bytes, no NUL) and its length to `*len_out`. Sets `accessed`.
///
/// Returns `BUFFER_TOO_SMALL` when the text is longer than `buf_len`: then only `*len_out` is
/// written, with the length needed (`buf` may be NULL with `buf_len` 0 to ask for it). Other
/// results as `flask_cookie_session_get_str` (`NULL_ARGUMENT` also for a NULL `len_out`, or
/// `buf` NULL with a non-zero `buf_len`). Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// As `flask_cookie_session_get_str`; a non-NULL `buf` must point to `buf_len` writable bytes;
/// `len_out` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_get_str_into(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    buf_len: usize,
    len_out: *mut usize,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        let key = try_key!(key, key_len);
        let text = match lookup(s, key).and_then(|v| text_of(key, v)) {
            Ok(t) => t,
            Err(r) => return r,
        };
        // SAFETY: the caller promises `buf`/`buf_len` and `len_out` as documented.
        unsafe { write_into(text.as_bytes(), buf, buf_len, len_out) }
    }
}

/// The whole session as tagged JSON text (an object; this codec's canonical writing, as
/// `flask_cookie_open` writes a payload: for Flask's options sorted keys, ASCII only), written
/// to `*json_out`: what the session cookie would hold. Sets `accessed`.
///
/// Returns `DUMP_UNSUPPORTED` when the session cannot be written with the codec's JSON options;
/// `NULL_ARGUMENT` when an argument is NULL. On success the caller owns `*json_out` (release
/// with `flask_cookie_buf_free`); on failure it is not written. Thread safety: see
/// `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; `json_out` must be
/// NULL or point to a writable `flask_cookie_buf`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_to_json(
    session: *const flask_cookie_session,
    json_out: *mut flask_cookie_buf,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(json_out);
        let mut out = Vec::with_capacity(128);
        if let Err(e) = json::write_dict(s.session.dict(), &s.json, s.max_depth, &mut out) {
            return fail(
                flask_cookie_result::DumpUnsupported,
                format_args!("cannot write the session as JSON: {e}"),
            );
        }
        // SAFETY: `json_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { give(json_out, out) }
    }
}

/// `key in session`, written to `*found_out`. Sets `accessed`.
///
/// Returns `NULL_ARGUMENT` (`session` or `found_out` NULL, `key` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (`key` not UTF-8). Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `found_out` must be NULL or point to a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_contains(
    session: *const flask_cookie_session,
    key: *const u8,
    key_len: usize,
    found_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_ref!(session);
        check_not_null!(found_out);
        let key = try_key!(key, key_len);
        let found = s.session.contains_key(key);
        // SAFETY: `found_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { found_out.write(found) };
        flask_cookie_result::Ok
    }
}

/// `len(session)`: the number of top-level keys (`_permanent` included when set). Sets
/// `accessed`. Returns 0 for a NULL session. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_len(session: *const flask_cookie_session) -> usize {
    ffi_panic_boundary_or!(0, {
        // SAFETY: NULL or, by the caller's promise, a live session no other thread uses.
        match unsafe { session.as_ref() } {
            Some(s) => s.session.len(),
            None => 0,
        }
    })
}

/// Stores `value` at `key` (`session[key] = value`: sets `modified` and `accessed`).
fn store(s: &mut flask_cookie_session, key: &str, value: Value) -> flask_cookie_result {
    s.session.insert(key, value);
    flask_cookie_result::Ok
}

/// `session[key] = value` with the value given as tagged JSON text (UTF-8, as
/// `flask_cookie_session_get_json` writes it: `{" t":[1,2]}` is a tuple, `{" b":"..."}` bytes,
/// an untagged object a dict). Sets `modified` and `accessed`.
///
/// Returns `DUMP_INVALID_JSON` when `json` is not JSON (or tagged JSON) the codec reads, or
/// nests deeper than its `max_depth`; `NULL_ARGUMENT` (`session` NULL, `key` or `json` NULL
/// with a non-zero length), `INVALID_ARGUMENT` (`key` not UTF-8, a length too large). On
/// failure the session is unchanged. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes and a non-NULL `json` to `json_len`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_set_json(
    session: *mut flask_cookie_session,
    key: *const u8,
    key_len: usize,
    json: *const u8,
    json_len: usize,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        let key = try_key!(key, key_len);
        let json = try_slice!(json, json_len);
        let value = match std::str::from_utf8(json)
            .map_err(|e| PayloadError::Utf8 { position: e.valid_up_to() })
            .and_then(|t| json::read(t, s.json.tagged, s.max_depth).map_err(PayloadError::from))
        {
            Ok(v) => v,
            Err(e) => {
                return fail(
                    flask_cookie_result::DumpInvalidJson,
                    format_args!("the value is not tagged JSON: {e}"),
                )
            }
        };
        store(s, key, value)
    }
}

/// `session[key] = value` for an integer. Sets `modified` and `accessed`.
///
/// Returns `NULL_ARGUMENT` (`session` NULL, `key` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (`key` not UTF-8). Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_set_int64(
    session: *mut flask_cookie_session,
    key: *const u8,
    key_len: usize,
    value: i64,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        let key = try_key!(key, key_len);
        store(s, key, Value::from(value))
    }
}

/// `session[key] = value` for a bool. Sets `modified` and `accessed`.
///
/// Returns `NULL_ARGUMENT` (`session` NULL, `key` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (`key` not UTF-8). Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_set_bool(
    session: *mut flask_cookie_session,
    key: *const u8,
    key_len: usize,
    value: bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        let key = try_key!(key, key_len);
        store(s, key, Value::Bool(value))
    }
}

/// `session[key] = value` for a string given as UTF-8 (a `str`). Sets `modified` and
/// `accessed`.
///
/// Returns `NULL_ARGUMENT` (`session` NULL, `key` or `value` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (`key` or `value` not UTF-8, a length too large). On failure the
/// session is unchanged. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes and a non-NULL `value` to `value_len`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_set_str(
    session: *mut flask_cookie_session,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        let key = try_key!(key, key_len);
        let value = try_key!(value, value_len);
        store(s, key, Value::Str(Text::from(value)))
    }
}

/// `session.pop(key, None)`: removes `key` if present, setting `modified` only then; sets
/// `accessed`. Writes to `*removed_out` (may be NULL) whether the key was there.
///
/// Returns `NULL_ARGUMENT` (`session` NULL, `key` NULL with a non-zero length),
/// `INVALID_ARGUMENT` (`key` not UTF-8). A missing key is not an error. Thread safety: see
/// `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread; a non-NULL `key` must
/// point to `key_len` readable bytes; `removed_out` must be NULL or point to a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_remove(
    session: *mut flask_cookie_session,
    key: *const u8,
    key_len: usize,
    removed_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        let key = try_key!(key, key_len);
        let removed = s.session.remove(key).is_some();
        if !removed_out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { removed_out.write(removed) };
        }
        flask_cookie_result::Ok
    }
}

/// `session.clear()`: removes every key (`_permanent` included); sets `modified` (even when
/// already empty) and `accessed`. Saving a modified empty session deletes the cookie.
///
/// Returns `NULL_ARGUMENT` when `session` is NULL. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_clear(
    session: *mut flask_cookie_session,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        s.session.clear();
        flask_cookie_result::Ok
    }
}

/// `session.permanent = permanent`: `session["_permanent"] = permanent`, which sets
/// `modified` and `accessed` (even to `false`, which keeps a `_permanent` key). A permanent
/// session's cookie gets `Expires` (saving time plus the lifetime) and, with
/// `SESSION_REFRESH_EACH_REQUEST`, is sent with every response.
///
/// Returns `NULL_ARGUMENT` when `session` is NULL. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_set_permanent(
    session: *mut flask_cookie_session,
    permanent: bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        s.session.set_permanent(permanent);
        flask_cookie_result::Ok
    }
}

/// `session.permanent`: the truthiness of `session.get("_permanent", False)` (Python's: `1`
/// and `"x"` are true, `0`, `""` and `null` false). Sets `accessed`. Returns false for a NULL
/// session. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_permanent(
    session: *const flask_cookie_session,
) -> bool {
    ffi_panic_boundary_or!(false, {
        // SAFETY: NULL or, by the caller's promise, a live session no other thread uses.
        unsafe { session.as_ref() }.is_some_and(|s| s.session.permanent())
    })
}

/// `session.modified = True`, for a change Flask cannot see (none is possible through this
/// API, but a proxy may want the cookie sent again); sets `accessed` too.
///
/// Returns `NULL_ARGUMENT` when `session` is NULL. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_mark_modified(
    session: *mut flask_cookie_session,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        s.session.mark_modified();
        flask_cookie_result::Ok
    }
}

/// Sets `accessed` alone, as a Flask view touching `flask.session` without reading it: saving
/// then asks for `Vary: Cookie`.
///
/// Returns `NULL_ARGUMENT` when `session` is NULL. Thread safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_touch(
    session: *mut flask_cookie_session,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let s = session_mut!(session);
        s.session.touch();
        flask_cookie_result::Ok
    }
}

/// `session.modified`. Does not set `accessed`. Returns false for a NULL session. Thread
/// safety: see `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_is_modified(
    session: *const flask_cookie_session,
) -> bool {
    ffi_panic_boundary_or!(false, {
        // SAFETY: NULL or, by the caller's promise, a live session no other thread uses.
        unsafe { session.as_ref() }.is_some_and(|s| s.session.is_modified())
    })
}

/// `session.accessed`. Does not set it. Returns false for a NULL session. Thread safety: see
/// `flask_cookie_session`.
///
/// # Safety
///
/// `session` must be NULL or a live session not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_is_accessed(
    session: *const flask_cookie_session,
) -> bool {
    ffi_panic_boundary_or!(false, {
        // SAFETY: NULL or, by the caller's promise, a live session no other thread uses.
        unsafe { session.as_ref() }.is_some_and(|s| s.session.is_accessed())
    })
}

/// Runs Flask's `save_session`, or returns the failure.
fn save(
    config: &flask_cookie::session::SessionConfig,
    s: &flask_cookie_session,
    now: u64,
) -> Result<SaveOutcome, flask_cookie_result> {
    save_session(config, &s.session, resolve_time(now)).map_err(|e| match e {
        SaveError::Dump(e) => fail_with(&e),
        SaveError::Cookie(e) => fail(
            flask_cookie_result::SaveCookieError,
            format_args!("cannot write the session cookie: {e}"),
        ),
        e => fail(flask_cookie_result::SaveCookieError, format_args!("{e}")),
    })
}

fn action_of(out: &SaveOutcome) -> flask_cookie_save_action {
    match (&out.set_cookie, out.deletes_cookie) {
        (None, _) => flask_cookie_save_action::None,
        (Some(_), true) => flask_cookie_save_action::Delete,
        (Some(_), false) => flask_cookie_save_action::Set,
    }
}

/// Flask's `SecureCookieSessionInterface.save_session` at `now` (Unix seconds, or
/// `FLASK_COOKIE_NOW`): what the response needs. The session must have been opened with this
/// `config` (or one with the same settings and keys).
///
/// * `*vary_out`: whether to add `Cookie` to the response's `Vary` header: the session was
///   accessed, or the cookie is set or deleted;
/// * an empty session: if modified, `*action_out` = `FLASK_COOKIE_SAVE_ACTION_DELETE` and
///   `*header_out` the deletion (`session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;
///   HttpOnly; Path=/` for the defaults); otherwise `..._NONE`;
/// * unless modified, or permanent with `SESSION_REFRESH_EACH_REQUEST`: `..._NONE`;
/// * otherwise `..._SET`, `*header_out` the cookie signed at `now` (`Expires` = `now` + the
///   lifetime for a permanent session), attributes in Werkzeug's order.
///
/// `*header_out` is the `Set-Cookie` header's value (without `Set-Cookie: `, ASCII, not
/// NUL-terminated), empty for `..._NONE`. The session is not changed (saving twice gives the
/// same answer at the same `now`).
///
/// Returns `DUMP_UNSUPPORTED` (the session cannot be written as JSON with the codec's options,
/// or signed at `now`: Flask's HTTP 500), `SAVE_COOKIE_ERROR` (a permanent session's `Expires`
/// after the year 9999), `NULL_ARGUMENT` (an argument NULL). On success the caller owns
/// `*header_out` (release with `flask_cookie_buf_free`); on failure nothing is written.
/// Thread-safe for the config (shared); the session must not be in use by another thread.
///
/// # Safety
///
/// `config` must be NULL or a live session config; `session` must be NULL or a live session
/// not used by another thread; `action_out`, `header_out` and `vary_out` must be NULL or point
/// to writable storage of their type.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_save(
    config: *const flask_cookie_session_config,
    session: *const flask_cookie_session,
    now: u64,
    action_out: *mut u32,
    header_out: *mut flask_cookie_buf,
    vary_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let config = config_ref!(config);
        let s = session_ref!(session);
        check_not_null!(action_out, header_out, vary_out);
        let out = match save(config, s, now) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let action = action_of(&out);
        let header = out.set_cookie.map(String::into_bytes).unwrap_or_default();
        // SAFETY: the three outputs are non-NULL (checked) and writable by the caller's promise.
        unsafe {
            action_out.write(action as u32);
            vary_out.write(out.vary_cookie);
            header_out.write(flask_cookie_buf::from_vec(header));
        }
        flask_cookie_result::Ok
    }
}

/// `flask_cookie_session_save` into the caller's memory: writes the `Set-Cookie` value into
/// `buf` (at most `buf_len` bytes) and its length to `*len_out` (0 for
/// `FLASK_COOKIE_SAVE_ACTION_NONE`), with `*action_out` and `*vary_out` as
/// `flask_cookie_session_save`.
///
/// Returns `BUFFER_TOO_SMALL` when the value is longer than `buf_len`: then only `*len_out` is
/// written, with the length needed (`buf` may be NULL with `buf_len` 0 to ask for it). Saving
/// does not change the session, so calling again with a larger buffer gives the same bytes at
/// the same `now`. Other results as `flask_cookie_session_save` (`NULL_ARGUMENT` also for a
/// NULL `len_out`, or `buf` NULL with a non-zero `buf_len`). Allocates nothing the caller must
/// free.
///
/// # Safety
///
/// As `flask_cookie_session_save`; a non-NULL `buf` must point to `buf_len` writable bytes;
/// `len_out` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_save_into(
    config: *const flask_cookie_session_config,
    session: *const flask_cookie_session,
    now: u64,
    action_out: *mut u32,
    buf: *mut u8,
    buf_len: usize,
    len_out: *mut usize,
    vary_out: *mut bool,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        let config = config_ref!(config);
        let s = session_ref!(session);
        check_not_null!(action_out, len_out, vary_out);
        let out = match save(config, s, now) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let action = action_of(&out);
        let header = out.set_cookie.as_deref().unwrap_or("");
        // SAFETY: the caller promises `buf`/`buf_len` and `len_out` as documented.
        let r = unsafe { write_into(header.as_bytes(), buf, buf_len, len_out) };
        if r == flask_cookie_result::Ok {
            // SAFETY: non-NULL (checked) and writable by the caller's promise.
            unsafe {
                action_out.write(action as u32);
                vary_out.write(out.vary_cookie);
            }
        }
        r
    }
}
