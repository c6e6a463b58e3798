//! `uuid::Uuid` as Flask's `uuid.UUID` (tag `" u"`), for `#[serde(with = "...")]`
//! (feature `uuid`).
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct S {
//!     #[serde(with = "flask_cookie::serde::uuid")]
//!     id: uuid::Uuid,
//!     #[serde(with = "flask_cookie::serde::uuid::option", default)]
//!     other: Option<uuid::Uuid>,
//! }
//! let s = S { id: uuid::Uuid::from_u128(0x12345678_1234_5678_1234_567812345678), other: None };
//! assert_eq!(
//!     flask_cookie::serde::to_json(&s)?,
//!     r#"{"id":{" u":"12345678123456781234567812345678"},"other":null}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! (A plain `uuid::Uuid` field, without `with`, reads a UUID too, but is written as a string.)

use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes a UUID with the `" u"` tag.
pub fn serialize<S: Serializer>(u: &::uuid::Uuid, s: S) -> Result<S::Ok, S::Error> {
    super::Uuid(u.as_u128()).serialize(s)
}

/// Reads a UUID (only a `" u"` tagged value).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<::uuid::Uuid, D::Error> {
    super::Uuid::deserialize(d).map(|u| ::uuid::Uuid::from_u128(u.0))
}

/// `Option<uuid::Uuid>`: `None` as Python's `None`.
pub mod option {
    use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `None` or a tagged UUID.
    pub fn serialize<S: Serializer>(u: &Option<::uuid::Uuid>, s: S) -> Result<S::Ok, S::Error> {
        u.map(|u| crate::serde::Uuid(u.as_u128())).serialize(s)
    }

    /// Reads `None` or a tagged UUID.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<::uuid::Uuid>, D::Error> {
        Option::<crate::serde::Uuid>::deserialize(d)
            .map(|o| o.map(|u| ::uuid::Uuid::from_u128(u.0)))
    }
}
