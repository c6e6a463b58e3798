//! `chrono::DateTime<Utc>` as Flask's aware `datetime` (tag `" d"`), for
//! `#[serde(with = "...")]` (feature `chrono`).
//!
//! Flask writes a datetime as an HTTP date: whole seconds, UTC. So a value is written at its
//! whole second (truncated toward the past) and read back in UTC; one read from a cookie is
//! written back to the same bytes.
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct S {
//!     #[serde(with = "flask_cookie::serde::chrono")]
//!     at: chrono::DateTime<chrono::Utc>,
//! }
//! let s = S { at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap() };
//! assert_eq!(
//!     flask_cookie::serde::to_json(&s)?,
//!     r#"{"at":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use ::serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

fn to_flask<E: ser::Error>(t: &::chrono::DateTime<::chrono::Utc>) -> Result<super::DateTime, E> {
    crate::DateTime::from_unix(t.timestamp())
        .map(super::DateTime)
        .ok_or_else(|| E::custom("datetime outside years 1 to 9999"))
}

fn from_flask<E: de::Error>(d: super::DateTime) -> Result<::chrono::DateTime<::chrono::Utc>, E> {
    ::chrono::DateTime::<::chrono::Utc>::from_timestamp(d.0.unix(), 0)
        .ok_or_else(|| E::custom("datetime out of chrono's range"))
}

/// Writes the datetime with the `" d"` tag.
pub fn serialize<S: Serializer>(
    t: &::chrono::DateTime<::chrono::Utc>,
    s: S,
) -> Result<S::Ok, S::Error> {
    to_flask(t)?.serialize(s)
}

/// Reads a datetime (only a `" d"` tagged value that Flask reads as a datetime), in UTC.
pub fn deserialize<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<::chrono::DateTime<::chrono::Utc>, D::Error> {
    from_flask(super::DateTime::deserialize(d)?)
}

/// `Option<chrono::DateTime<Utc>>`: `None` as Python's `None` (what Flask makes of a `" d"`
/// tag that does not parse).
pub mod option {
    use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `None` or a tagged datetime.
    pub fn serialize<S: Serializer>(
        t: &Option<::chrono::DateTime<::chrono::Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        t.as_ref().map(super::to_flask).transpose()?.serialize(s)
    }

    /// Reads `None` or a tagged datetime.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<::chrono::DateTime<::chrono::Utc>>, D::Error> {
        Option::<crate::serde::DateTime>::deserialize(d)?
            .map(super::from_flask)
            .transpose()
    }
}
