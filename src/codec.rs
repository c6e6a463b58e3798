//! The codec: keys, salt, digest, derivation, `max_age`, JSON options and limits, configured
//! once; `open`, `verify` and `dump` many times, from many threads.

use std::fmt;

use crate::error::{ConfigError, DumpError, Error, PayloadError};
use crate::json::JsonOptions;
use crate::signer::{Digest, KeyDerivation, SecretKey};
use crate::value::Value;

/// Flask's `PERMANENT_SESSION_LIFETIME` default: 31 days, in seconds.
pub const FLASK_MAX_AGE: u64 = 2_678_400;

/// A preset configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Preset {
    /// Flask's session cookie: salt `cookie-session`, HMAC-SHA1 with the `hmac` key derivation,
    /// tagged JSON with sorted keys and `ensure_ascii`, `max_age` 31 days.
    Flask,
    /// itsdangerous's own `URLSafeTimedSerializer` defaults: salt `itsdangerous`, SHA-1 with the
    /// `django-concat` derivation, compact JSON in insertion order with raw UTF-8, no tags,
    /// no `max_age`.
    Itsdangerous,
}

impl std::str::FromStr for Preset {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Preset, ConfigError> {
        match s {
            "flask" => Ok(Preset::Flask),
            "itsdangerous" => Ok(Preset::Itsdangerous),
            _ => Err(ConfigError::UnknownPreset(s.to_owned())),
        }
    }
}

/// Caps on what a cookie may make this crate do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest cookie accepted, in bytes (default 65 536; browsers send at most about 4 096).
    pub max_cookie_len: usize,
    /// Most bytes a compressed payload may inflate to (default 1 MiB; Python sets no limit).
    pub max_inflated_len: usize,
    /// Deepest JSON nesting read or written (default [`crate::json::DEFAULT_MAX_DEPTH`]).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_cookie_len: 65_536,
            max_inflated_len: 1 << 20,
            max_depth: crate::json::DEFAULT_MAX_DEPTH,
        }
    }
}

/// A successfully opened cookie.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// The session (or token payload).
    pub value: Value,
    /// When it was signed, Unix seconds.
    pub signed_at: u64,
}

/// What [`decode_unverified`] found, without checking any signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Unverified {
    /// The payload's JSON text, after base64 and inflating.
    pub json: Vec<u8>,
    /// The timestamp, when it decodes.
    pub timestamp: Option<u64>,
}

/// Builds a [`Codec`].
#[derive(Clone)]
pub struct CodecBuilder {
    pub(crate) keys: Vec<SecretKey>,
    pub(crate) salt: Vec<u8>,
    pub(crate) digest: Digest,
    pub(crate) derivation: KeyDerivation,
    pub(crate) max_age: Option<u64>,
    pub(crate) lenient_base64: bool,
    pub(crate) json: JsonOptions,
    pub(crate) limits: Limits,
}

/// A configured codec. Immutable, `Send` and `Sync`: share one between threads.
pub struct Codec {
    _private: (),
}

impl fmt::Debug for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Codec").finish_non_exhaustive()
    }
}

impl Codec {
    /// A builder for Flask's session cookie signed with `secret_key` (`SECRET_KEY`).
    pub fn flask(secret_key: impl Into<SecretKey>) -> CodecBuilder {
        CodecBuilder::new(Preset::Flask, secret_key)
    }

    /// A builder for itsdangerous's `URLSafeTimedSerializer(secret_key)` defaults.
    pub fn itsdangerous(secret_key: impl Into<SecretKey>) -> CodecBuilder {
        CodecBuilder::new(Preset::Itsdangerous, secret_key)
    }

    /// Verifies and decodes `cookie` as of `now` (Unix seconds).
    pub fn open(&self, cookie: impl AsRef<[u8]>, now: u64) -> Result<Opened, Error> {
        let _ = (cookie.as_ref(), now);
        todo!()
    }

    /// [`Codec::open`] as of the system clock.
    pub fn open_now(&self, cookie: impl AsRef<[u8]>) -> Result<Opened, Error> {
        self.open(cookie, crate::timed::system_now())
    }

    /// Verifies signature and age only; returns the signing time. Allocates nothing.
    pub fn verify(&self, cookie: impl AsRef<[u8]>, now: u64) -> Result<u64, Error> {
        let _ = (cookie.as_ref(), now);
        todo!()
    }

    /// [`Codec::verify`] as of the system clock.
    pub fn verify_now(&self, cookie: impl AsRef<[u8]>) -> Result<u64, Error> {
        self.verify(cookie, crate::timed::system_now())
    }

    /// Writes `value` as a cookie signed at `timestamp` (Unix seconds) with the newest key.
    pub fn dump(&self, value: &Value, timestamp: u64) -> Result<String, Error> {
        let _ = (value, timestamp);
        todo!()
    }

    /// [`Codec::dump`] signed at the system clock's time.
    pub fn dump_now(&self, value: &Value) -> Result<String, Error> {
        self.dump(value, crate::timed::system_now())
    }

    /// The JSON text this codec writes for `value` (for Flask: canonical tagged JSON).
    pub fn to_json(&self, value: &Value) -> Result<String, DumpError> {
        let _ = value;
        todo!()
    }

    /// Reads JSON text as this codec reads a payload (for Flask: tagged JSON).
    pub fn from_json(&self, json: &[u8]) -> Result<Value, PayloadError> {
        let _ = json;
        todo!()
    }
}

impl CodecBuilder {
    /// A builder from a preset and the current secret key.
    pub fn new(preset: Preset, secret_key: impl Into<SecretKey>) -> CodecBuilder {
        let _ = (preset, secret_key.into());
        todo!()
    }

    /// Older keys still accepted (Flask's `SECRET_KEY_FALLBACKS`), oldest first.
    pub fn fallback_keys<K: Into<SecretKey>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        let _ = (&mut self, keys.into_iter().count());
        todo!()
    }

    /// The salt (Flask: `cookie-session`).
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> Self {
        self.salt = salt.as_ref().to_vec();
        self
    }

    /// The digest (default SHA-1).
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// The key derivation (Flask: `hmac`).
    pub fn key_derivation(mut self, derivation: KeyDerivation) -> Self {
        self.derivation = derivation;
        self
    }

    /// Maximum age in seconds, or `None` for no age check (Flask: 31 days).
    pub fn max_age(mut self, max_age: Option<u64>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Decode the signature as Python does (see the README) instead of canonical base64 only.
    pub fn lenient_base64(mut self, lenient: bool) -> Self {
        self.lenient_base64 = lenient;
        self
    }

    /// JSON options.
    pub fn json(mut self, json: JsonOptions) -> Self {
        self.json = json;
        self
    }

    /// Limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Derives the keys and builds the codec.
    pub fn build(self) -> Result<Codec, ConfigError> {
        todo!()
    }
}

/// Decodes a cookie's payload and timestamp without checking the signature: for debugging only.
/// Nothing here is authentic.
pub fn decode_unverified(cookie: impl AsRef<[u8]>, limits: &Limits) -> Result<Unverified, Error> {
    let _ = (cookie.as_ref(), limits);
    todo!()
}
