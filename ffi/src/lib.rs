//! The C library of flask-cookie (`libflask_cookie`): `extern "C"` functions and types, all
//! prefixed `flask_cookie_`, declared in `include/flask_cookie.h` (generated from this crate by
//! cbindgen; `scripts/header.sh`). Built and installed with cargo-c (`cargo cbuild`,
//! `cargo cinstall`); the Rust crate `flask-cookie` it wraps builds no C library.
//!
//! One module per C type, after rustls-ffi:
//!
//! * [`result`]: [`flask_cookie_result`], the status every fallible function returns, its static
//!   messages, and this thread's detailed message of the last failure;
//! * [`buf`]: [`flask_cookie_slice`] (borrowed input) and [`flask_cookie_buf`] (owned output),
//!   and the writing of outputs into caller-provided memory (the `_into` functions);
//! * [`config`]: [`flask_cookie_config`], a builder for a codec;
//! * [`codec`]: [`flask_cookie_codec`], the configured codec: open, verify, dump;
//! * [`decode`]: the unverified decode, for debugging;
//! * [`session_builder`]: [`flask_cookie_session_builder`], Flask's session settings;
//! * [`session_config`]: [`flask_cookie_session_config`], the settings checked and ready, and
//!   finding the session cookie in `Cookie` headers;
//! * [`session`]: [`flask_cookie_session`], one request's session: open, read and change its
//!   top-level keys, save (`Set-Cookie`, `Vary: Cookie`).
//!
//! Rules every function keeps:
//!
//! * a panic never crosses the boundary: it becomes [`flask_cookie_result::Panic`];
//! * every pointer is checked for NULL before use ([`flask_cookie_result::NullArgument`]);
//!   inputs are `(pointer, length)` pairs, never NUL-terminated strings, and a pointer may be
//!   NULL only when its length is 0;
//! * outputs are written only on success (the one exception: `*len_out` of an `_into` function
//!   that returns `BUFFER_TOO_SMALL`, the length needed);
//! * every output buffer is owned by the caller and released with [`buf::flask_cookie_buf_free`].
//!
//! This is the only crate of the workspace with `unsafe` code; every block says why it is sound.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
// No panic on any input: no unwrap, expect, panic or unchecked indexing outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

#[macro_use]
mod macros;

pub mod buf;
pub mod codec;
pub mod config;
pub mod decode;
pub mod result;
pub mod session;
pub mod session_builder;
pub mod session_config;

pub use buf::{flask_cookie_buf, flask_cookie_slice};
pub use codec::flask_cookie_codec;
pub use config::flask_cookie_config;
pub use result::flask_cookie_result;
pub use session::flask_cookie_session;
pub use session_builder::flask_cookie_session_builder;
pub use session_config::flask_cookie_session_config;

use std::ffi::c_char;

/// Pass as `now` (open, verify) or `timestamp` (dump) to use the system clock.
pub const FLASK_COOKIE_NOW: u64 = u64::MAX;

/// Pass to `flask_cookie_config_set_max_age` for no age check at all.
pub const FLASK_COOKIE_NO_MAX_AGE: u64 = u64::MAX;

/// The library's major version (semantic versioning; the ABI changes only with it once 1.0).
pub const FLASK_COOKIE_VERSION_MAJOR: u32 = 0;
/// The library's minor version.
pub const FLASK_COOKIE_VERSION_MINOR: u32 = 1;
/// The library's patch version.
pub const FLASK_COOKIE_VERSION_PATCH: u32 = 0;

/// The version of the library actually linked, for example `"0.1.0"`: compare it with the
/// `FLASK_COOKIE_VERSION_*` macros of the header compiled against.
///
/// Returns a static NUL-terminated string, never NULL; do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn flask_cookie_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The version of the library actually linked as one number, `major * 10000 + minor * 100 +
/// patch` (0.1.0 is 100), to compare with `FLASK_COOKIE_VERSION_NUMBER` of the header compiled
/// against: `flask_cookie_version_number() >= 100`. Thread-safe.
#[no_mangle]
pub extern "C" fn flask_cookie_version_number() -> u32 {
    VERSION_NUMBER
}

/// `major * 10000 + minor * 100 + patch` of this crate's version, parsed at compile time.
const VERSION_NUMBER: u32 = {
    // Evaluated by the compiler: an out-of-range index would fail the build, not a call.
    #[allow(clippy::indexing_slicing)]
    const fn parse(s: &str) -> u32 {
        let b = s.as_bytes();
        let mut i = 0;
        let mut n = 0u32;
        while i < b.len() {
            n = n * 10 + (b[i] - b'0') as u32;
            i += 1;
        }
        n
    }
    parse(env!("CARGO_PKG_VERSION_MAJOR")) * 10000
        + parse(env!("CARGO_PKG_VERSION_MINOR")) * 100
        + parse(env!("CARGO_PKG_VERSION_PATCH"))
};

/// The library's version as one number, `major * 10000 + minor * 100 + patch` (see
/// `flask_cookie_version_number`).
pub const FLASK_COOKIE_VERSION_NUMBER: u32 = FLASK_COOKIE_VERSION_MAJOR * 10000
    + FLASK_COOKIE_VERSION_MINOR * 100
    + FLASK_COOKIE_VERSION_PATCH;

/// `now` as given, or the system clock for [`FLASK_COOKIE_NOW`].
fn resolve_time(t: u64) -> u64 {
    if t == FLASK_COOKIE_NOW {
        flask_cookie::timed::system_now()
    } else {
        t
    }
}

#[cfg(test)]
mod tests;
