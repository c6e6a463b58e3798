//! Read and write Flask's signed session cookies outside Python, byte for byte as Flask 3.1
//! does, so that a Rust service can share a session (and a login) with a Flask app.
//!
//! # In a web service
//!
//! [`session`] is Flask's session layer without HTTP types: give it the request's `Cookie`
//! headers and the time, use the session as a Flask view would, and add the headers it returns
//! to the response.
//!
//! ```
//! use flask_cookie::session::{open_session, save_session, vary_with_cookie, SessionConfig};
//! use flask_cookie::Value;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at startup: the Flask app's SECRET_KEY and session settings (Flask's defaults for
//! // the rest), or `SessionConfig::from_prefixed_env` to read the app's `FLASK_*` variables.
//! let config = SessionConfig::flask("test key").samesite(Some("Lax")).build()?;
//!
//! // Per request: the raw bytes of every `Cookie` header, and the time.
//! let cookie_headers: [&[u8]; 1] =
//!     [b"theme=dark; session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"];
//! let now = 1_700_000_060; // flask_cookie::timed::system_now() in a real service
//!
//! // A missing, badly signed or expired cookie gives a new empty session, as in Flask; an
//! // error is what Flask answers with HTTP 500.
//! let mut session = open_session(&config, &cookie_headers, now)?;
//!
//! // The view.
//! let visits = session.get("visits").and_then(Value::as_i64).unwrap_or(0);
//! session.insert("visits", visits + 1);
//!
//! // The response: what Flask's save_session adds.
//! let out = save_session(&config, &session, now)?;
//! let mut response_headers = Vec::new();
//! if let Some(set_cookie) = out.set_cookie {
//!     response_headers.push(("Set-Cookie", set_cookie));
//! }
//! if out.vary_cookie {
//!     response_headers.push(("Vary", vary_with_cookie(None))); // merges with an existing Vary
//! }
//! // Flask 3.1.3 answers the same request with the same headers.
//! assert_eq!(response_headers, [
//!     ("Set-Cookie", "session=eyJhIjoxLCJ2aXNpdHMiOjF9.ZVPxPA.nJBZu9MQnpeLNruHKluF_go7fyo; \
//!                     HttpOnly; Path=/; SameSite=Lax".to_owned()),
//!     ("Vary", "Cookie".to_owned()),
//! ]);
//! # Ok(())
//! # }
//! ```
//!
//! With a framework: `flask-cookie-axum` (a tower layer and an extractor) and
//! `flask-cookie-actix` (actix-web middleware and an extractor) do the above on every request.
//!
//! # The cookie itself
//!
//! A Flask session cookie is `[.]PAYLOAD.TIMESTAMP.SIGNATURE`: Flask's tagged JSON, zlib-
//! compressed when that pays, URL-safe base64, a big-endian timestamp and an HMAC, as made by
//! itsdangerous's `URLSafeTimedSerializer`. A [`Codec`] is configured once (keys, salt, digest,
//! derivation, `max_age`, JSON options, limits) and then opens, verifies and dumps cookies;
//! [`Value`] is the session's value, Python's types included.
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
//! Typed sessions (feature `serde`): `Codec::open_as` and `Codec::dump_as` read and write
//! your own types directly; see the `serde` module (`flask_cookie::serde`).
//!
//! # Features
//!
//! * `serde` (default): typed sessions (`flask_cookie::serde`, `open_as`, `dump_as`,
//!   `Session::get_as`, `Session::insert_as`).
//! * `uuid`, `time`, `chrono`: `uuid::Uuid`, `time::OffsetDateTime` and
//!   `chrono::DateTime<Utc>` as Flask's UUID and datetime tags (`#[serde(with = ...)]`).
//!
//! # Modules
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
// docs.rs (`--cfg docsrs`, nightly): each feature-gated item marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
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
mod deflate;
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
mod swar;
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
