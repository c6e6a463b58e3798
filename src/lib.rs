//! Read and write Flask's signed session cookies outside Python, byte for byte.
//!
//! A Flask session cookie is `[.]PAYLOAD.TIMESTAMP.SIGNATURE`: Flask's tagged JSON, zlib-
//! compressed when that pays, URL-safe base64, a big-endian timestamp and an HMAC, as made by
//! itsdangerous's `URLSafeTimedSerializer`. A [`Codec`] is configured once (keys, salt, digest,
//! derivation, `max_age`, JSON options, limits) and then opens, verifies and dumps cookies.
//!
//! ```
//! use flask_cookie::{Codec, Value};
//!
//! let codec = Codec::flask("test key").build()?;
//! let opened = codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", 1_700_000_000)?;
//! assert_eq!(opened.value.as_dict().and_then(|d| d.get("a")), Some(&Value::from(1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules mirror itsdangerous's split, one rule of the format in one place:
//!
//! * [`encoding`]: base64 (canonical, and Python's lenient decoding) and timestamp bytes;
//! * [`signer`]: key derivation, digests, key rotation, constant-time verification;
//! * [`timed`]: the cookie's anatomy, `max_age` and itsdangerous's decision order;
//! * [`payload`]: zlib compression when it pays, capped inflating;
//! * [`json`]: the Python JSON dialect (what `json.dumps` writes and `json.loads` reads);
//! * [`tag`] and [`http_date`]: Flask's tagged JSON and Werkzeug's HTTP dates;
//! * [`value`]: the value model; [`codec`]: the public entry point; [`error`]: the errors;
//! * [`session`]: Flask's session layer (the request's cookie, `modified`/`accessed`
//!   tracking, the response's `Set-Cookie` and `Vary`).
//! * [`audit`]: the weak-secret audit (which candidate keys sign a cookie).
//!
//! The C library (`libflask_cookie`, `include/flask_cookie.h`) is the workspace member
//! `flask-cookie-ffi` (directory `ffi/`); this crate builds no C library and has no `unsafe`
//! code.
#![forbid(unsafe_code)]
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

pub mod audit;
pub mod codec;
pub mod encoding;
pub mod error;
pub mod http_date;
pub mod json;
pub mod payload;
mod pyrepr;
mod scratch;
#[cfg(feature = "serde")]
pub mod serde;
pub mod session;
pub mod signer;
pub mod tag;
pub mod timed;
pub mod value;

pub use codec::{
    decode_unverified, Codec, CodecBuilder, Limits, Opened, Preset, Unverified, FLASK_MAX_AGE,
};
pub use error::{
    ConfigError, DumpError, Error, Expired, PayloadError, SerdeError, SignatureError,
    TimestampError,
};
pub use json::{JsonError, JsonErrorKind, JsonOptions};
pub use signer::{Digest, KeyDerivation, SecretKey};
pub use tag::{TagError, TagErrorKind};
pub use value::{DateTime, Dict, Entry, Int, IntError, OccupiedEntry, Text, VacantEntry, Value};
