//! `flask_cookie_session_builder`: Flask's session settings under construction.

use flask_cookie::error::Error;
use flask_cookie::session::{SessionConfig, SessionConfigBuilder, SessionConfigError};

use super::buf::str_from_raw;
use super::config::flask_cookie_config;
use super::result::{fail, fail_with, flask_cookie_result};
use super::session_config::flask_cookie_session_config;

/// Flask's session settings under construction. Opaque.
///
/// Made by `flask_cookie_session_builder_new` from a codec configuration (keys, fallbacks,
/// salt...), every session setting at Flask 3.1's default (table below); changed by the
/// `flask_cookie_session_builder_set_*` functions; turned into session configurations by
/// `flask_cookie_session_builder_build` (as many as wanted); released by
/// `flask_cookie_session_builder_free`. It holds copies of the secret keys: free it as soon as
/// the configuration is built.
///
/// | setter | Flask setting | default |
/// |---|---|---|
/// | `set_cookie_name` | `SESSION_COOKIE_NAME` | `session` |
/// | `set_domain` | `SESSION_COOKIE_DOMAIN` | none |
/// | `set_path` | `SESSION_COOKIE_PATH` | none: `APPLICATION_ROOT` |
/// | `set_application_root` | `APPLICATION_ROOT` | `/` |
/// | `set_httponly` | `SESSION_COOKIE_HTTPONLY` | true |
/// | `set_secure` | `SESSION_COOKIE_SECURE` | false |
/// | `set_samesite` | `SESSION_COOKIE_SAMESITE` | none |
/// | `set_partitioned` | `SESSION_COOKIE_PARTITIONED` | false |
/// | `set_lifetime` | `PERMANENT_SESSION_LIFETIME` | 2678400 s (31 days) |
/// | `set_refresh_each_request` | `SESSION_REFRESH_EACH_REQUEST` | true |
///
/// Thread safety: not synchronised. Use one builder from one thread at a time (it may move
/// between threads).
#[derive(Debug)]
pub struct flask_cookie_session_builder {
    inner: SessionConfigBuilder,
}

/// Runs the body on the builder behind `builder`, inside the panic boundary.
macro_rules! with_builder {
    ($builder:ident, |$b:ident| $body:block) => {
        ffi_panic_boundary! {
            check_not_null!($builder);
            // SAFETY: non-NULL (checked above); the caller promises it came from
            // `flask_cookie_session_builder_new`, is not freed, and is not used by another
            // thread now.
            let $b: &mut flask_cookie_session_builder = unsafe { &mut *$builder };
            $body
        }
    };
}

/// Borrows a UTF-8 text argument or returns its failure from the enclosing boundary.
macro_rules! try_str {
    ($ptr:ident, $len:ident) => {
        // SAFETY: the enclosing function's contract makes the caller promise that a non-NULL
        // `$ptr` points to `$len` readable bytes, valid and unchanged for the call.
        match unsafe { str_from_raw($ptr, $len, stringify!($ptr)) } {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
}

/// Makes a session builder from a codec configuration (`flask_cookie_config`: keys oldest
/// first as `[*SECRET_KEY_FALLBACKS, SECRET_KEY]`, salt, digest, derivation, JSON options,
/// limits), with every session setting at Flask's default, and writes it to `*builder_out`.
/// The configuration is only read (its keys are copied): the caller still owns it and may free
/// it right after. Its `max_age` is ignored: a session cookie is opened with the session
/// lifetime as `max_age`, as in Flask (`flask_cookie_session_builder_set_lifetime`).
///
/// Returns `NULL_ARGUMENT` when an argument is NULL; `INVALID_CONFIG` when the configuration
/// has no key. On success the caller owns `*builder_out` and releases it with
/// `flask_cookie_session_builder_free`; on failure `*builder_out` is unchanged.
///
/// # Safety
///
/// `codec_config` must be NULL or a live config not being changed by another thread;
/// `builder_out` must be NULL or point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_new(
    codec_config: *const flask_cookie_config,
    builder_out: *mut *mut flask_cookie_session_builder,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        check_not_null!(codec_config, builder_out);
        // SAFETY: non-NULL (checked); the caller promises a live config that no other thread
        // changes during the call.
        let config = unsafe { &*codec_config };
        let codec = match config.builder() {
            Ok(b) => b,
            Err(e) => return fail_with(&Error::Config(e)),
        };
        let handle = Box::new(flask_cookie_session_builder {
            inner: SessionConfig::builder(codec),
        });
        // SAFETY: `builder_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { builder_out.write(Box::into_raw(handle)) };
        flask_cookie_result::Ok
    }
}

/// Sets `SESSION_COOKIE_NAME` (default `session`), UTF-8. The bytes are copied.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL or `name` is NULL with a non-zero length;
/// `INVALID_ARGUMENT` when `name` is not UTF-8 or its length is too large; on any failure the
/// builder is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; a non-NULL `name`
/// must point to `name_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_cookie_name(
    builder: *mut flask_cookie_session_builder,
    name: *const u8,
    name_len: usize,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        let name = try_str!(name, name_len);
        b.inner = b.inner.clone().cookie_name(name);
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_DOMAIN`, UTF-8: `domain` NULL (with `domain_len` 0) for none (the
/// default: no `Domain` attribute); a port and leading dots are dropped as Werkzeug does; an
/// empty non-NULL domain gives `Domain=`, as in Werkzeug. A domain Werkzeug refuses is refused
/// by `flask_cookie_session_builder_build` (`INVALID_COOKIE_SETTING`).
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL or `domain` is NULL with a non-zero length;
/// `INVALID_ARGUMENT` when `domain` is not UTF-8; on any failure the builder is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; a non-NULL `domain`
/// must point to `domain_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_domain(
    builder: *mut flask_cookie_session_builder,
    domain: *const u8,
    domain_len: usize,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        let none = domain.is_null();
        let domain = try_str!(domain, domain_len);
        b.inner = b.inner.clone().domain((!none).then_some(domain));
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_PATH`, UTF-8: NULL or empty for none (the default), which falls back
/// to `APPLICATION_ROOT` (Flask's `get_cookie_path`). Written quoted as Werkzeug does.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL or `path` is NULL with a non-zero length;
/// `INVALID_ARGUMENT` when `path` is not UTF-8; on any failure the builder is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; a non-NULL `path`
/// must point to `path_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_path(
    builder: *mut flask_cookie_session_builder,
    path: *const u8,
    path_len: usize,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        let none = path.is_null();
        let path = try_str!(path, path_len);
        b.inner = b.inner.clone().path((!none).then_some(path));
        flask_cookie_result::Ok
    })
}

/// Sets `APPLICATION_ROOT` (default `/`), UTF-8: the cookie's `Path` when no
/// `SESSION_COOKIE_PATH` is set.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL or `root` is NULL with a non-zero length;
/// `INVALID_ARGUMENT` when `root` is not UTF-8; on any failure the builder is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; a non-NULL `root`
/// must point to `root_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_application_root(
    builder: *mut flask_cookie_session_builder,
    root: *const u8,
    root_len: usize,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        let root = try_str!(root, root_len);
        b.inner = b.inner.clone().application_root(root);
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_SAMESITE`, UTF-8, any case (`Strict`, `Lax` or `None`, written
/// title-cased as Werkzeug does): NULL (with `samesite_len` 0) for none, the default (no
/// `SameSite` attribute). Another value is refused by `flask_cookie_session_builder_build`
/// (`INVALID_COOKIE_SETTING`), as Werkzeug refuses it at every response.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL or `samesite` is NULL with a non-zero length;
/// `INVALID_ARGUMENT` when `samesite` is not UTF-8; on any failure the builder is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; a non-NULL
/// `samesite` must point to `samesite_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_samesite(
    builder: *mut flask_cookie_session_builder,
    samesite: *const u8,
    samesite_len: usize,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        let none = samesite.is_null();
        let samesite = try_str!(samesite, samesite_len);
        b.inner = b.inner.clone().samesite((!none).then_some(samesite));
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_HTTPONLY` (default true).
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_httponly(
    builder: *mut flask_cookie_session_builder,
    value: bool,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        b.inner = b.inner.clone().httponly(value);
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_SECURE` (default false).
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_secure(
    builder: *mut flask_cookie_session_builder,
    value: bool,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        b.inner = b.inner.clone().secure(value);
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_COOKIE_PARTITIONED` (default false; implies `Secure`, as in Werkzeug).
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_partitioned(
    builder: *mut flask_cookie_session_builder,
    value: bool,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        b.inner = b.inner.clone().partitioned(value);
        flask_cookie_result::Ok
    })
}

/// Sets `SESSION_REFRESH_EACH_REQUEST` (default true): a permanent session's cookie is
/// sent again with every response, even when the session did not change.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_refresh_each_request(
    builder: *mut flask_cookie_session_builder,
    value: bool,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        b.inner = b.inner.clone().refresh_each_request(value);
        flask_cookie_result::Ok
    })
}

/// Sets `PERMANENT_SESSION_LIFETIME` in seconds (default 2678400, 31 days): the `max_age`
/// every session cookie is opened with (permanent or not, as in Flask), and how far after the
/// saving time a permanent session's cookie `Expires`.
///
/// Returns `NULL_ARGUMENT` when `builder` is NULL.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_set_lifetime(
    builder: *mut flask_cookie_session_builder,
    seconds: u64,
) -> flask_cookie_result {
    with_builder!(builder, |b| {
        b.inner = b.inner.clone().lifetime(seconds);
        flask_cookie_result::Ok
    })
}

/// Checks the settings, derives the keys and writes the session configuration to
/// `*config_out`. The builder is only read: it stays valid (build again after more changes);
/// free it when done.
///
/// Returns `NULL_ARGUMENT` when an argument is NULL; `INVALID_CONFIG` when the newest key is
/// empty with the Flask preset (Flask has no session without a `SECRET_KEY`);
/// `INVALID_COOKIE_SETTING` for a `SameSite` other than `Strict`, `Lax` or `None` (any case),
/// or a domain Werkzeug refuses (an empty label or one of 64 characters or more) or this
/// library cannot encode as Python does (some non-ASCII labels: give them in their `xn--`
/// form); `flask_cookie_last_error` says which. On success the caller owns `*config_out` and
/// releases it with `flask_cookie_session_config_free`; on failure it is unchanged.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not in use by another thread; `config_out` must be
/// NULL or point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_build(
    builder: *const flask_cookie_session_builder,
    config_out: *mut *mut flask_cookie_session_config,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        check_not_null!(builder, config_out);
        // SAFETY: non-NULL (checked); the caller promises a live builder no other thread uses.
        let b = unsafe { &*builder };
        let config = match b.inner.clone().build() {
            Ok(c) => c,
            Err(SessionConfigError::Codec(e)) => return fail_with(&Error::Config(e)),
            Err(SessionConfigError::Cookie(e)) => {
                return fail(
                    flask_cookie_result::InvalidCookieSetting,
                    format_args!("invalid session cookie setting: {e}"),
                )
            }
            Err(e) => {
                return fail(
                    flask_cookie_result::InvalidCookieSetting,
                    format_args!("{e}"),
                )
            }
        };
        let handle = Box::new(flask_cookie_session_config::new(config));
        // SAFETY: `config_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { config_out.write(Box::into_raw(handle)) };
        flask_cookie_result::Ok
    }
}

/// Releases a session builder and the copies of the keys it holds. NULL is accepted.
/// Configurations built from it are independent and stay valid.
///
/// # Safety
///
/// `builder` must be NULL or a builder from `flask_cookie_session_builder_new` not yet freed
/// and not in use by another thread; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_session_builder_free(
    builder: *mut flask_cookie_session_builder,
) {
    ffi_panic_boundary_or!((), {
        if !builder.is_null() {
            // SAFETY: made by `Box::into_raw` in `flask_cookie_session_builder_new` and, by the
            // caller's promise, not freed before: given back to `Box` exactly once.
            drop(unsafe { Box::from_raw(builder) });
        }
    })
}
