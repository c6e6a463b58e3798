//! Errors, after itsdangerous's taxonomy.
//!
//! | this crate | itsdangerous | Flask's `open_session` |
//! |---|---|---|
//! | [`Error::BadSignature`] | `BadSignature` | new empty session |
//! | [`Error::MalformedTimestamp`] | `BadTimeSignature("Malformed timestamp")` | new empty session |
//! | [`Error::Expired`] | `SignatureExpired` | new empty session |
//! | [`Error::TimestampOutOfRange`] | none: `ValueError`/`OverflowError` from `datetime` | not caught: HTTP 500 |
//! | [`Error::BadPayload`] | `BadPayload` | not caught: HTTP 500 |
//! | [`Error::Dump`] | `TypeError`/`ValueError` from `json.dumps` | not caught |
//! | [`Error::Config`] | `TypeError`/`ValueError` when the serializer is built | |
//!
//! No message and no `Debug` output of these types contains a secret key; none contains the
//! cookie either, only positions in it.
//!
//! The leaf modules return their own errors ([`crate::json::ReadError`] and
//! [`crate::json::WriteError`], [`TagError`]); this module composes them (`From`), and none of
//! them depends on it.

use std::fmt;

use crate::json::{JsonError, ReadError, WriteError};
use crate::tag::TagError;

/// Why a cookie could not be opened or verified, or a value not dumped.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The cookie is not validly signed by any of the keys, or is not shaped like a signed
    /// value. itsdangerous: `BadSignature`.
    BadSignature(SignatureError),
    /// The signature is valid but the timestamp cannot be read (not base64, or more than 8
    /// bytes). itsdangerous: `BadTimeSignature("Malformed timestamp")`.
    MalformedTimestamp(TimestampError),
    /// The signature is valid but older than `max_age`, or signed in the future.
    /// itsdangerous: `SignatureExpired`.
    Expired(Expired),
    /// The signature is valid but the timestamp is after 9999-12-31T23:59:59Z
    /// ([`TimestampError::OutOfRange`]). itsdangerous raises no `BadSignature` then:
    /// `datetime.fromtimestamp` raises `ValueError` ("year 10000 is out of range") or
    /// `OverflowError` where `unsign` builds the signing date, with or without `max_age`, so
    /// Flask fails with an HTTP 500 rather than starting a new session.
    TimestampOutOfRange(TimestampError),
    /// The signature is valid but the payload cannot be decoded. itsdangerous: `BadPayload`.
    BadPayload(PayloadError),
    /// The value cannot be written as Flask would write it.
    Dump(DumpError),
    /// The codec configuration is unusable.
    Config(ConfigError),
}

impl Error {
    /// `true` for the errors Flask answers with a new, empty session (itsdangerous's
    /// `BadSignature` family: bad signature, malformed timestamp, expired).
    pub fn is_bad_signature(&self) -> bool {
        matches!(
            self,
            Error::BadSignature(_) | Error::MalformedTimestamp(_) | Error::Expired(_)
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadSignature(e) => write!(f, "bad signature: {e}"),
            Error::MalformedTimestamp(e) => write!(f, "malformed timestamp: {e}"),
            Error::Expired(e) => write!(f, "signature expired: {e}"),
            Error::TimestampOutOfRange(e) => write!(f, "timestamp out of range: {e}"),
            Error::BadPayload(e) => write!(f, "bad payload: {e}"),
            Error::Dump(e) => write!(f, "cannot dump: {e}"),
            Error::Config(e) => write!(f, "invalid configuration: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Error {
        Error::BadSignature(e)
    }
}

impl From<TimestampError> for Error {
    fn from(e: TimestampError) -> Error {
        Error::MalformedTimestamp(e)
    }
}

impl From<Expired> for Error {
    fn from(e: Expired) -> Error {
        Error::Expired(e)
    }
}

impl From<PayloadError> for Error {
    fn from(e: PayloadError) -> Error {
        Error::BadPayload(e)
    }
}

impl From<DumpError> for Error {
    fn from(e: DumpError) -> Error {
        Error::Dump(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(e)
    }
}

/// Why a signature was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The cookie is longer than the configured cap.
    TooLong {
        /// Length of the cookie in bytes.
        len: usize,
        /// The configured cap.
        max: usize,
    },
    /// No `.` in the cookie: there is no signature.
    NoSeparator,
    /// The signature is not valid base64 (strict mode: not the canonical unpadded URL-safe
    /// spelling of a MAC).
    InvalidEncoding {
        /// Byte offset in the cookie of the first offending character.
        position: usize,
    },
    /// Strict mode: the signature does not have the length of a MAC of the digest (27
    /// characters for SHA-1, 43 for SHA-256, 86 for SHA-512), for example a truncated cookie.
    WrongLength {
        /// Byte offset in the cookie where the signature starts.
        position: usize,
        /// The signature's length in characters.
        len: usize,
        /// The length of the digest's canonical signature.
        expected: usize,
    },
    /// The signature does not match under any key.
    Mismatch,
    /// The signature matches but the signed value has no timestamp
    /// (itsdangerous: `BadTimeSignature("timestamp missing")`).
    MissingTimestamp,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::TooLong { len, max } => {
                write!(f, "cookie is {len} bytes long, more than the cap of {max}")
            }
            SignatureError::NoSeparator => f.write_str("no '.' found in the cookie"),
            SignatureError::InvalidEncoding { position } => {
                write!(f, "signature is not valid base64 (at byte {position})")
            }
            SignatureError::WrongLength {
                position,
                len,
                expected,
            } => write!(
                f,
                "signature is {len} characters long, not the {expected} of this digest's MAC \
                 (it starts at byte {position})"
            ),
            SignatureError::Mismatch => f.write_str("signature does not match"),
            SignatureError::MissingTimestamp => f.write_str("timestamp missing"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Why a validly signed timestamp cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampError {
    /// The timestamp is not base64 that Python decodes.
    Base64,
    /// The timestamp decodes to more than 8 bytes.
    TooLong {
        /// Decoded length in bytes.
        bytes: usize,
    },
    /// The timestamp is past 9999-12-31T23:59:59Z, which Python's `datetime` cannot hold
    /// (Flask fails with an internal error on such a cookie: [`Error::TimestampOutOfRange`]).
    OutOfRange {
        /// The decoded timestamp.
        timestamp: u64,
    },
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampError::Base64 => f.write_str("timestamp is not valid base64"),
            TimestampError::TooLong { bytes } => {
                write!(f, "timestamp is {bytes} bytes long, more than 8")
            }
            TimestampError::OutOfRange { timestamp } => {
                write!(f, "timestamp {timestamp} is after the year 9999")
            }
        }
    }
}

impl std::error::Error for TimestampError {}

/// A validly signed cookie that is too old, or signed in the future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expired {
    /// `now - signed_at`, in seconds; negative when signed in the future.
    pub age: i64,
    /// The configured `max_age`, in seconds.
    pub max_age: u64,
    /// The signing time, Unix seconds.
    pub signed_at: u64,
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.age < 0 {
            write!(f, "signature age {} < 0 seconds", self.age)
        } else {
            write!(f, "signature age {} > {} seconds", self.age, self.max_age)
        }
    }
}

impl std::error::Error for Expired {}

/// Why a validly signed payload could not be decoded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PayloadError {
    /// The payload is not base64 that Python decodes.
    Base64,
    /// The payload is marked compressed but is not a complete zlib stream.
    Zlib(String),
    /// Inflating the payload would exceed the configured cap.
    InflatedTooLarge {
        /// The configured cap, in bytes.
        limit: usize,
    },
    /// The JSON bytes are not UTF-8.
    Utf8 {
        /// Byte offset of the first invalid byte in the JSON text.
        position: usize,
    },
    /// The JSON text is not what Python's `json.loads` accepts, or exceeds a limit.
    Json(JsonError),
    /// A tagged value (`{" t": ...}` and the like) does not decode.
    Tag(TagError),
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::Base64 => f.write_str("payload is not valid base64"),
            PayloadError::Zlib(msg) => write!(f, "payload does not inflate: {msg}"),
            PayloadError::InflatedTooLarge { limit } => {
                write!(f, "payload inflates to more than {limit} bytes")
            }
            PayloadError::Utf8 { position } => {
                write!(f, "payload is not UTF-8 (at byte {position} of the JSON)")
            }
            PayloadError::Json(e) => write!(f, "invalid JSON: {e}"),
            PayloadError::Tag(e) => write!(f, "invalid tagged value: {e}"),
        }
    }
}

impl std::error::Error for PayloadError {}

impl From<JsonError> for PayloadError {
    fn from(e: JsonError) -> PayloadError {
        PayloadError::Json(e)
    }
}

impl From<TagError> for PayloadError {
    fn from(e: TagError) -> PayloadError {
        PayloadError::Tag(e)
    }
}

impl From<ReadError> for PayloadError {
    fn from(e: ReadError) -> PayloadError {
        match e {
            ReadError::Json(e) => PayloadError::Json(e),
            ReadError::Tag(e) => PayloadError::Tag(e),
        }
    }
}

impl From<WriteError> for DumpError {
    fn from(e: WriteError) -> DumpError {
        match e {
            WriteError::TooDeep { limit } => DumpError::TooDeep { limit },
            WriteError::Unsupported { type_name } => DumpError::Unsupported { type_name },
            WriteError::LoneSurrogate => DumpError::LoneSurrogate,
        }
    }
}

impl From<ReadError> for Error {
    fn from(e: ReadError) -> Error {
        Error::BadPayload(e.into())
    }
}

impl From<WriteError> for Error {
    fn from(e: WriteError) -> Error {
        Error::Dump(e.into())
    }
}

/// Why a value cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DumpError {
    /// The value nests deeper than the configured limit.
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// The JSON options in use cannot represent this kind of value (for example bytes with the
    /// untagged itsdangerous preset, where Python's `json.dumps` raises `TypeError`).
    Unsupported {
        /// Python's name of the type (`bytes`, `UUID`, `datetime`).
        type_name: &'static str,
    },
    /// A string holds a lone surrogate and the output is raw UTF-8 (`ensure_ascii=False`), where
    /// Python fails to encode it.
    LoneSurrogate,
    /// The signing time is past 9999-12-31T23:59:59Z: no one could open the cookie.
    TimestampOutOfRange {
        /// The timestamp given.
        timestamp: u64,
    },
    /// The cookie would be longer than [`crate::Limits::max_cookie_len`], so the same codec
    /// would refuse to open it. (Flask writes it; browsers drop cookies over about 4 KB.)
    CookieTooLong {
        /// Length of the cookie in bytes.
        len: usize,
        /// The configured cap.
        max: usize,
    },
}

impl fmt::Display for DumpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The writer's own messages.
            DumpError::TooDeep { limit } => WriteError::TooDeep { limit: *limit }.fmt(f),
            DumpError::Unsupported { type_name } => WriteError::Unsupported { type_name }.fmt(f),
            DumpError::LoneSurrogate => WriteError::LoneSurrogate.fmt(f),
            DumpError::TimestampOutOfRange { timestamp } => {
                write!(f, "timestamp {timestamp} is after the year 9999")
            }
            DumpError::CookieTooLong { len, max } => write!(
                f,
                "the cookie would be {len} bytes long, more than the cap of {max} that opening \
                 it checks"
            ),
        }
    }
}

impl std::error::Error for DumpError {}

/// Why a codec configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No key was given.
    NoKeys,
    /// The secret key (the newest, which signs) is empty with the Flask preset: Flask has no
    /// session then (its session interface returns `None` when `not app.secret_key`, so every
    /// request gets a null session that cannot be written). Empty fallback keys are accepted,
    /// as Flask passes them to itsdangerous, and so is an empty key with the itsdangerous
    /// preset.
    EmptyKey {
        /// Index of the key, oldest first.
        index: usize,
    },
    /// Unknown digest name.
    UnknownDigest(String),
    /// Unknown key derivation name.
    UnknownKeyDerivation(String),
    /// Unknown preset name.
    UnknownPreset(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoKeys => f.write_str("no secret key given"),
            ConfigError::EmptyKey { index } => write!(
                f,
                "the secret key (key #{index}, oldest first) is empty: Flask has no session \
                 without a SECRET_KEY (empty fallback keys are accepted)"
            ),
            ConfigError::UnknownDigest(name) => write!(
                f,
                "unknown digest {name:?} (expected sha1, sha256 or sha512)"
            ),
            ConfigError::UnknownKeyDerivation(name) => write!(
                f,
                "unknown key derivation {name:?} (expected hmac, django-concat, concat or none)"
            ),
            ConfigError::UnknownPreset(name) => {
                write!(
                    f,
                    "unknown preset {name:?} (expected flask or itsdangerous)"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Error {
    /// `true` for the errors after which Flask's `open_session` starts a new, empty session:
    /// a bad signature, an expired signature, a malformed timestamp. Not for a validly signed
    /// timestamp past the year 9999 ([`TimestampError::OutOfRange`]): itsdangerous then fails
    /// making a `datetime` of it, an error Flask does not catch (HTTP 500), as for
    /// [`Error::BadPayload`].
    ///
    /// Unlike [`Error::is_bad_signature`], which also covers an expired cookie, this is the
    /// question a session layer asks (see [`crate::session::open_session`]).
    pub fn starts_new_session(&self) -> bool {
        match self {
            Error::BadSignature(_) | Error::Expired(_) => true,
            Error::MalformedTimestamp(e) => !matches!(e, TimestampError::OutOfRange { .. }),
            _ => false,
        }
    }
}
