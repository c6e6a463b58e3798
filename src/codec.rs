//! The codec: keys, salt, digest, derivation, `max_age`, JSON options and limits, configured
//! once; `open`, `verify` and `dump` many times, from many threads.

use std::cell::Cell;
use std::fmt;

use crate::error::{ConfigError, DumpError, Error, PayloadError, SignatureError};
use crate::json::{self, JsonOptions};
use crate::payload;
use crate::scratch::{trim, with_scratch};
use crate::signer::{Digest, KeyDerivation, SecretKey, Signer};
use crate::timed::{self, SignatureBase64, Unsigned};
use crate::value::{DateTime, Value};

thread_local! {
    /// `dump`'s JSON buffer, reused by each thread (see [`crate::scratch`]).
    static DUMP_JSON: Cell<Option<Vec<u8>>> = const { Cell::new(None) };
}

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

/// Caps on what a cookie may make this crate do. Each is checked before the work it bounds:
/// a cookie over `max_cookie_len` is refused before any MAC is computed, inflating stops at
/// `max_inflated_len` bytes of output, and the JSON reader and writer stop at `max_depth`
/// levels. Nothing recurses once per level, so any `max_depth` is safe on a small stack.
///
/// ```
/// use flask_cookie::{Codec, Error, Limits, PayloadError, Value};
///
/// let codec = Codec::flask("k").build()?;
/// // 2 MiB of JSON compresses to a small, validly signed cookie: opening it stops at 1 MiB.
/// let bomb = Value::Dict([("a", Value::from("a".repeat(2 << 20)))].into_iter().collect());
/// let cookie = codec.dump(&bomb, 1_700_000_000)?;
/// assert!(cookie.len() < 4096);
/// assert_eq!(
///     codec.open(&cookie, 1_700_000_000),
///     Err(Error::BadPayload(PayloadError::InflatedTooLarge { limit: 1 << 20 }))
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest cookie accepted, in bytes (default 65 536; browsers send at most about 4 096).
    /// `dump` refuses to write a longer one ([`DumpError::CookieTooLong`]).
    pub max_cookie_len: usize,
    /// Most bytes a compressed payload may inflate to (default 1 MiB; Python sets no limit).
    pub max_inflated_len: usize,
    /// Deepest JSON nesting read or written, the outermost array or object being level 1
    /// (default [`crate::json::DEFAULT_MAX_DEPTH`], which says how levels are counted).
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

/// A successfully opened cookie: the session as a [`Value`] ([`Codec::open`]) or as a typed
/// `V` ([`Codec::open_as`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Opened<V = Value> {
    /// The session (or token payload).
    pub value: V,
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

/// Builds a [`Codec`]: start from a preset with [`Codec::flask`], [`Codec::itsdangerous`] or
/// [`CodecBuilder::new`], change what differs, then [`CodecBuilder::build`].
///
/// `Debug` output shows the configuration but never a key.
#[derive(Clone, Debug)]
pub struct CodecBuilder {
    /// The Flask preset refuses an empty secret key (Flask has no session without one).
    require_secret_key: bool,
    secret_key: SecretKey,
    fallback_keys: Vec<SecretKey>,
    salt: Vec<u8>,
    digest: Digest,
    derivation: KeyDerivation,
    max_age: Option<u64>,
    lenient_base64: bool,
    json: JsonOptions,
    limits: Limits,
}

/// A configured codec: keys derived once, then `open`, `verify` and `dump` as often as needed.
///
/// Immutable after [`CodecBuilder::build`]; `Send` and `Sync`, so one codec can be shared
/// between threads (for example in an `Arc`).
///
/// ```
/// use flask_cookie::{Codec, Value};
///
/// let codec = Codec::flask("test key").build()?;
/// // Spec known-answer vector: {"a": 1} signed by Flask at 1700000000.
/// let cookie = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
/// let opened = codec.open(cookie, 1_700_000_060)?;
/// assert_eq!(opened.signed_at, 1_700_000_000);
/// assert_eq!(opened.value.as_dict().unwrap().get("a"), Some(&Value::from(1)));
/// assert_eq!(codec.to_json(&opened.value)?, r#"{"a":1}"#);
/// assert_eq!(codec.dump(&opened.value, 1_700_000_000)?, cookie);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Codec {
    signer: Signer,
    max_age: Option<u64>,
    base64: SignatureBase64,
    json: JsonOptions,
    limits: Limits,
}

impl fmt::Debug for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Codec")
            .field("signer", &self.signer)
            .field("max_age", &self.max_age)
            .field("base64", &self.base64)
            .field("json", &self.json)
            .field("limits", &self.limits)
            .finish()
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

    /// Verifies and decodes `cookie` as of `now` (Unix seconds), as Flask's `open_session`
    /// does (`loads(cookie, max_age=...)`).
    ///
    /// Returns the payload exactly as signed. (Flask then makes a `dict` of it: a `null`
    /// payload becomes an empty session.)
    pub fn open(&self, cookie: impl AsRef<[u8]>, now: u64) -> Result<Opened, Error> {
        let unsigned = self.unsign(cookie.as_ref(), now)?;
        // The JSON is read straight from this thread's reused buffers (see `payload`).
        let value =
            payload::with_decoded(unsigned.payload, self.limits.max_inflated_len, |json| {
                self.from_json(json)
            })??;
        Ok(Opened {
            value,
            signed_at: unsigned.timestamp,
        })
    }

    /// [`Codec::open`] into a typed `T` (feature `serde`; see [`crate::serde`]), read straight
    /// from the payload's JSON bytes: the same verdicts as `open` (a payload `open` refuses is
    /// [`Error::BadPayload`] here too), then [`Error::Serde`] when the session is not a `T`,
    /// naming the field.
    ///
    /// ```
    /// use flask_cookie::Codec;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct S {
    ///     a: u32,
    /// }
    /// let codec = Codec::flask("test key").build()?;
    /// let opened = codec.open_as::<S>("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", 1_700_000_060)?;
    /// assert_eq!((opened.value.a, opened.signed_at), (1, 1_700_000_000));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn open_as<T: ::serde::de::DeserializeOwned>(
        &self,
        cookie: impl AsRef<[u8]>,
        now: u64,
    ) -> Result<Opened<T>, Error> {
        let unsigned = self.unsign(cookie.as_ref(), now)?;
        let value =
            payload::with_decoded(unsigned.payload, self.limits.max_inflated_len, |json| {
                self.from_json_as::<T>(json)
            })??;
        Ok(Opened {
            value,
            signed_at: unsigned.timestamp,
        })
    }

    /// [`Codec::open_as`] as of the system clock.
    #[cfg(feature = "serde")]
    pub fn open_now_as<T: ::serde::de::DeserializeOwned>(
        &self,
        cookie: impl AsRef<[u8]>,
    ) -> Result<Opened<T>, Error> {
        self.open_as(cookie, crate::timed::system_now())
    }

    /// Reads JSON text into `T` as [`Codec::open_as`] reads a payload (borrowing `&str` from
    /// `json` where the string has no escape).
    #[cfg(feature = "serde")]
    pub fn from_json_as<'de, T: ::serde::Deserialize<'de>>(
        &self,
        json: &'de [u8],
    ) -> Result<T, Error> {
        let text = std::str::from_utf8(json).map_err(|e| PayloadError::Utf8 {
            position: e.valid_up_to(),
        })?;
        crate::serde::from_json_with(text, self.json.tagged, self.limits.max_depth).map_err(|e| {
            match e {
                crate::serde::FromJsonError::Json(e) => Error::BadPayload(e.into()),
                crate::serde::FromJsonError::Type(e) => Error::Serde(e),
            }
        })
    }

    /// Writes a typed `value` (feature `serde`) as a cookie signed at `timestamp`: the bytes
    /// Flask writes for the equivalent Python value (see [`crate::serde`]).
    #[cfg(feature = "serde")]
    pub fn dump_as<T: ::serde::Serialize + ?Sized>(
        &self,
        value: &T,
        timestamp: u64,
    ) -> Result<String, Error> {
        let value = crate::serde::to_value(value)?;
        self.dump(&value, timestamp)
    }

    /// [`Codec::open`] as of the system clock.
    pub fn open_now(&self, cookie: impl AsRef<[u8]>) -> Result<Opened, Error> {
        self.open(cookie, crate::timed::system_now())
    }

    /// Verifies signature and age only, as of `now`; returns the signing time. The payload is
    /// not decoded, so a validly signed cookie with an undecodable payload passes.
    pub fn verify(&self, cookie: impl AsRef<[u8]>, now: u64) -> Result<u64, Error> {
        Ok(self.unsign(cookie.as_ref(), now)?.timestamp)
    }

    /// [`Codec::verify`] as of the system clock.
    pub fn verify_now(&self, cookie: impl AsRef<[u8]>) -> Result<u64, Error> {
        self.verify(cookie, crate::timed::system_now())
    }

    fn unsign<'a>(&self, cookie: &'a [u8], now: u64) -> Result<Unsigned<'a>, Error> {
        if cookie.len() > self.limits.max_cookie_len {
            return Err(SignatureError::TooLong {
                len: cookie.len(),
                max: self.limits.max_cookie_len,
            }
            .into());
        }
        timed::unsign(&self.signer, cookie, self.max_age, now, self.base64)
    }

    /// Writes `value` as a cookie signed at `timestamp` (Unix seconds) with the newest key:
    /// the bytes Flask writes for the same value, key and time.
    ///
    /// Refuses ([`DumpError`]) what Python refuses too, a timestamp after the year 9999, and a
    /// cookie longer than [`Limits::max_cookie_len`] (which this codec could not open again).
    pub fn dump(&self, value: &Value, timestamp: u64) -> Result<String, Error> {
        self.dump_with(timestamp, |json| {
            json::write(value, &self.json, self.limits.max_depth, json).map_err(DumpError::from)
        })
    }

    /// [`Codec::dump`] of a dict on its own (a session), without moving or cloning it into a
    /// [`Value`]: the same cookie as `dump(&Value::Dict(dict.clone()), timestamp)`.
    ///
    /// ```
    /// use flask_cookie::{Codec, Dict};
    ///
    /// let codec = Codec::flask("test key").build()?;
    /// let mut session = Dict::new();
    /// session.insert("a", 1);
    /// assert_eq!(
    ///     codec.dump_dict(&session, 1_700_000_000)?,
    ///     "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dump_dict(&self, dict: &crate::Dict, timestamp: u64) -> Result<String, Error> {
        self.dump_with(timestamp, |json| {
            json::write_dict(dict, &self.json, self.limits.max_depth, json).map_err(DumpError::from)
        })
    }

    /// The JSON text this codec writes for a dict on its own (see [`Codec::to_json`]).
    pub fn dict_to_json(&self, dict: &crate::Dict) -> Result<String, DumpError> {
        let mut out = Vec::with_capacity(128);
        json::write_dict(dict, &self.json, self.limits.max_depth, &mut out)?;
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Signs what `write` appends to the (empty) JSON buffer, at `timestamp`.
    fn dump_with(
        &self,
        timestamp: u64,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), DumpError>,
    ) -> Result<String, Error> {
        if DateTime::from_unix(i64::try_from(timestamp).unwrap_or(i64::MAX)).is_none() {
            return Err(DumpError::TimestampOutOfRange { timestamp }.into());
        }
        // The JSON goes to this thread's reused buffer; only the cookie is allocated.
        with_scratch(&DUMP_JSON, Vec::new, |json| {
            json.clear();
            let written = write(json);
            let result = written.and_then(|()| {
                let mut out = Vec::with_capacity(json.len() * 4 / 3 + 64);
                payload::encode(json, &mut out);
                timed::sign(&self.signer, timestamp, &mut out);
                if out.len() > self.limits.max_cookie_len {
                    return Err(DumpError::CookieTooLong {
                        len: out.len(),
                        max: self.limits.max_cookie_len,
                    });
                }
                Ok(ascii_to_string(out))
            });
            trim(json);
            Ok(result?)
        })
    }

    /// [`Codec::dump`] signed at the system clock's time.
    pub fn dump_now(&self, value: &Value) -> Result<String, Error> {
        self.dump(value, crate::timed::system_now())
    }

    /// The JSON text this codec writes for `value` (for Flask: canonical tagged JSON, sorted
    /// keys, ASCII only).
    pub fn to_json(&self, value: &Value) -> Result<String, DumpError> {
        let mut out = Vec::with_capacity(128);
        json::write(value, &self.json, self.limits.max_depth, &mut out)?;
        // The writer emits UTF-8 (it refuses lone surrogates when not escaping them).
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// [`Codec::to_json`], except that a string holding a lone surrogate (which UTF-8 cannot
    /// encode: only possible without `ensure_ascii`, for example with the itsdangerous preset)
    /// is written with a `\udXXX` escape rather than refused: the text reads back
    /// ([`Codec::from_json`]) to the same value. What `flask-cookie open` prints.
    ///
    /// ```
    /// use flask_cookie::{Codec, Text, Value};
    ///
    /// let codec = Codec::itsdangerous("k").build()?;
    /// let lone = Value::Str(Text::from_code_points([0x61, 0xDC00]).unwrap());
    /// assert!(codec.to_json(&lone).is_err());
    /// let json = codec.to_json_escaping_surrogates(&lone)?;
    /// assert_eq!(json, r#""a\udc00""#);
    /// assert_eq!(codec.from_json(json.as_bytes())?, lone);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json_escaping_surrogates(&self, value: &Value) -> Result<String, DumpError> {
        let mut out = Vec::with_capacity(128);
        json::write_escaping_lone_surrogates(value, &self.json, self.limits.max_depth, &mut out)?;
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Reads JSON text as this codec reads a payload (for Flask: tagged JSON, untagged
    /// bottom-up).
    pub fn from_json(&self, json: &[u8]) -> Result<Value, PayloadError> {
        let text = std::str::from_utf8(json).map_err(|e| PayloadError::Utf8 {
            position: e.valid_up_to(),
        })?;
        json::read(text, self.json.tagged, self.limits.max_depth).map_err(PayloadError::from)
    }

    /// The JSON options in use.
    pub fn json_options(&self) -> JsonOptions {
        self.json
    }

    /// The limits in use (longest cookie, inflated size, depth).
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

/// Turns encoder output, which is ASCII by construction, into a `String` without a panic path.
fn ascii_to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl CodecBuilder {
    /// A builder from a preset and the current secret key.
    pub fn new(preset: Preset, secret_key: impl Into<SecretKey>) -> CodecBuilder {
        let secret_key = secret_key.into();
        match preset {
            Preset::Flask => CodecBuilder {
                require_secret_key: true,
                secret_key,
                fallback_keys: Vec::new(),
                salt: b"cookie-session".to_vec(),
                digest: Digest::Sha1,
                derivation: KeyDerivation::Hmac,
                max_age: Some(FLASK_MAX_AGE),
                lenient_base64: false,
                json: JsonOptions::FLASK,
                limits: Limits::default(),
            },
            Preset::Itsdangerous => CodecBuilder {
                require_secret_key: false,
                secret_key,
                fallback_keys: Vec::new(),
                salt: b"itsdangerous".to_vec(),
                digest: Digest::Sha1,
                derivation: KeyDerivation::DjangoConcat,
                max_age: None,
                lenient_base64: false,
                json: JsonOptions::ITSDANGEROUS,
                limits: Limits::default(),
            },
        }
    }

    /// Older keys still accepted for opening (Flask's `SECRET_KEY_FALLBACKS`), oldest first.
    /// The secret key given to the builder stays the newest: it alone signs.
    pub fn fallback_keys<K: Into<SecretKey>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        self.fallback_keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The salt (Flask: `cookie-session`; itsdangerous: `itsdangerous`).
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> Self {
        self.salt = salt.as_ref().to_vec();
        self
    }

    /// The digest (default SHA-1).
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// The key derivation (Flask: `hmac`; itsdangerous: `django-concat`).
    pub fn key_derivation(mut self, derivation: KeyDerivation) -> Self {
        self.derivation = derivation;
        self
    }

    /// Maximum age in seconds, or `None` for no age check (Flask: 31 days, its
    /// `PERMANENT_SESSION_LIFETIME`).
    pub fn max_age(mut self, max_age: Option<u64>) -> Self {
        self.max_age = max_age;
        self
    }

    /// With `true`, decode the signature as Python does (extra padding, mixed alphabets, junk
    /// characters, non-zero unused bits) instead of accepting its canonical spelling only.
    /// See `docs/compatibility.md`.
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
    ///
    /// Empty keys are keys, as in itsdangerous (`URLSafeTimedSerializer("")` signs and
    /// verifies; Flask passes an empty `SECRET_KEY_FALLBACKS` entry on to it), except an empty
    /// secret key with the Flask preset ([`ConfigError::EmptyKey`]): Flask has no session
    /// without a `SECRET_KEY`.
    pub fn build(self) -> Result<Codec, ConfigError> {
        if self.require_secret_key && self.secret_key.as_bytes().is_empty() {
            return Err(ConfigError::EmptyKey {
                index: self.fallback_keys.len(),
            });
        }
        let mut keys = self.fallback_keys;
        keys.push(self.secret_key);
        let signer = Signer::new(&keys, &self.salt, self.digest, self.derivation)?;
        Ok(Codec {
            signer,
            max_age: self.max_age,
            base64: if self.lenient_base64 {
                SignatureBase64::Lenient
            } else {
                SignatureBase64::Strict
            },
            json: self.json,
            limits: self.limits,
        })
    }
}

/// Decodes a cookie's payload and timestamp **without checking the signature**, for
/// debugging. Nothing it returns is authentic: anyone can write such a cookie.
///
/// ```
/// let u = flask_cookie::decode_unverified(
///     "eyJhIjoxfQ.ZVPxAA.not-checked",
///     &flask_cookie::Limits::default(),
/// )?;
/// assert_eq!(u.json, br#"{"a":1}"#);
/// assert_eq!(u.timestamp, Some(1_700_000_000));
/// # Ok::<(), flask_cookie::Error>(())
/// ```
pub fn decode_unverified(cookie: impl AsRef<[u8]>, limits: &Limits) -> Result<Unverified, Error> {
    let cookie = cookie.as_ref();
    if cookie.len() > limits.max_cookie_len {
        return Err(SignatureError::TooLong {
            len: cookie.len(),
            max: limits.max_cookie_len,
        }
        .into());
    }
    let (value, _sig) = timed::rsplit_dot(cookie).ok_or(SignatureError::NoSeparator)?;
    let (payload, ts) = timed::rsplit_dot(value).ok_or(SignatureError::MissingTimestamp)?;
    let json = payload::decode(payload, limits.max_inflated_len)?;
    Ok(Unverified {
        json,
        timestamp: timed::decode_timestamp(ts).ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Codec>();
    }

    #[test]
    fn debug_never_shows_a_key() {
        let b = Codec::flask("hunter2-secret").fallback_keys(["older-hunter3"]);
        assert!(!format!("{b:?}").contains("hunter"));
        let c = b.build().unwrap();
        assert!(!format!("{c:?}").contains("hunter"));
    }

    #[test]
    fn only_an_empty_flask_secret_key_is_a_config_error() {
        assert_eq!(
            Codec::flask("").build().unwrap_err(),
            ConfigError::EmptyKey { index: 0 }
        );
        assert_eq!(
            Codec::flask("")
                .fallback_keys(["a", "b"])
                .build()
                .unwrap_err(),
            ConfigError::EmptyKey { index: 2 }
        );
        assert!(Codec::flask("k").fallback_keys([""]).build().is_ok());
        assert!(Codec::itsdangerous("").build().is_ok());
        assert!(Codec::itsdangerous("").fallback_keys([""]).build().is_ok());
    }

    #[test]
    fn cookie_length_cap() {
        let codec = Codec::flask("k")
            .limits(Limits {
                max_cookie_len: 10,
                ..Limits::default()
            })
            .build()
            .unwrap();
        let e = codec.verify("a".repeat(11), 0).unwrap_err();
        assert_eq!(
            e,
            Error::BadSignature(SignatureError::TooLong { len: 11, max: 10 })
        );
    }
}
