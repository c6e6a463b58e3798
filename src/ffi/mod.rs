//! The C ABI: `extern "C"` functions and types, all prefixed `flask_cookie_`, declared in
//! `include/flask_cookie.h` (generated from this module by cbindgen; `scripts/header.sh`).
//!
//! One module per C type, after rustls-ffi:
//!
//! * [`result`]: [`flask_cookie_result`], the status every fallible function returns, its static
//!   messages, and this thread's detailed message of the last failure;
//! * [`buf`]: [`flask_cookie_slice`] (borrowed input) and [`flask_cookie_buf`] (owned output);
//! * [`config`]: [`flask_cookie_config`], a builder for a codec;
//! * [`codec`]: [`flask_cookie_codec`], the configured codec: open, verify, dump;
//! * [`decode`]: the unverified decode, for debugging.
//!
//! Rules every function keeps:
//!
//! * a panic never crosses the boundary: it becomes [`flask_cookie_result::Panic`];
//! * every pointer is checked for NULL before use ([`flask_cookie_result::NullArgument`]);
//!   inputs are `(pointer, length)` pairs, never NUL-terminated strings, and a pointer may be
//!   NULL only when its length is 0;
//! * outputs are written only on success;
//! * every output buffer is owned by the caller and released with [`buf::flask_cookie_buf_free`].
//!
//! This is the only module of the crate with `unsafe` code; every block says why it is sound.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

#[macro_use]
mod macros;

pub mod buf;
pub mod codec;
pub mod config;
pub mod decode;
pub mod result;

pub use buf::{flask_cookie_buf, flask_cookie_slice};
pub use codec::flask_cookie_codec;
pub use config::flask_cookie_config;
pub use result::flask_cookie_result;

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

/// `now` as given, or the system clock for [`FLASK_COOKIE_NOW`].
fn resolve_time(t: u64) -> u64 {
    if t == FLASK_COOKIE_NOW {
        crate::timed::system_now()
    } else {
        t
    }
}

#[cfg(test)]
mod tests;
