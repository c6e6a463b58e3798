//! `time::OffsetDateTime` as Flask's aware `datetime` (tag `" d"`), for
//! `#[serde(with = "...")]` (feature `time`).
//!
//! Flask writes a datetime as an HTTP date: whole seconds, UTC. So a value is written at its
//! whole second (truncated toward the past) and read back in UTC; one read from a cookie is
//! written back to the same bytes.
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct S {
//!     #[serde(with = "flask_cookie::serde::time")]
//!     at: time::OffsetDateTime,
//! }
//! let s = S { at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000)? };
//! assert_eq!(
//!     flask_cookie::serde::to_json(&s)?,
//!     r#"{"at":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use ::serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

fn to_flask<E: ser::Error>(t: &::time::OffsetDateTime) -> Result<super::DateTime, E> {
    crate::DateTime::from_unix(t.unix_timestamp())
        .map(super::DateTime)
        .ok_or_else(|| E::custom("datetime outside years 1 to 9999"))
}

fn from_flask<E: de::Error>(d: super::DateTime) -> Result<::time::OffsetDateTime, E> {
    ::time::OffsetDateTime::from_unix_timestamp(d.0.unix()).map_err(E::custom)
}

/// Writes the datetime with the `" d"` tag.
pub fn serialize<S: Serializer>(t: &::time::OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    to_flask(t)?.serialize(s)
}

/// Reads a datetime (only a `" d"` tagged value that Flask reads as a datetime), in UTC.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<::time::OffsetDateTime, D::Error> {
    from_flask(super::DateTime::deserialize(d)?)
}

/// `Option<time::OffsetDateTime>`: `None` as Python's `None` (what Flask makes of a `" d"`
/// tag that does not parse).
pub mod option {
    use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `None` or a tagged datetime.
    pub fn serialize<S: Serializer>(
        t: &Option<::time::OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        t.as_ref().map(super::to_flask).transpose()?.serialize(s)
    }

    /// Reads `None` or a tagged datetime.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<::time::OffsetDateTime>, D::Error> {
        Option::<crate::serde::DateTime>::deserialize(d)?
            .map(super::from_flask)
            .transpose()
    }
}
