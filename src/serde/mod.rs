//! Typed sessions with serde (feature `serde`, on by default).
//!
//! * Reading: [`Codec::open_as`](crate::Codec::open_as) deserializes a cookie's payload straight
//!   from its JSON bytes into any `T: Deserialize`, with no [`Value`] in between;
//!   [`from_json`] does the same for a JSON text, borrowing `&str` fields where the JSON string
//!   has no escape. [`Session::get_as`](crate::session::Session::get_as) reads one entry of a
//!   session already opened.
//! * Writing: [`Codec::dump_as`](crate::Codec::dump_as) and [`to_json`] write a `T: Serialize`
//!   as exactly the tagged JSON Flask writes for the equivalent Python value (sorted keys,
//!   `ensure_ascii`, Python's float repr, the tags);
//!   [`Session::insert_as`](crate::session::Session::insert_as) stores one entry.
//!
//! # Names
//!
//! The typed methods end in `_as` (`open_as`, `dump_as`, `get_as`, `insert_as`): the untyped
//! ones (`Codec::open`, `Session::get`, `Session::insert`, ...) keep their names and their
//! [`Value`]s. These names are stable.
//!
//! # The Python value of each Rust type
//!
//! | Rust (serde data model) | Python (Flask's session) |
//! |---|---|
//! | `bool` | `bool` |
//! | integers (`i8`..`u128`) | `int` (any size is read exactly; a Rust integer type takes the ones that fit) |
//! | `f32`, `f64` | `float` (`NaN`, `Infinity` included; an `int` reads as a float too) |
//! | `String`, `&str`, `char` | `str` (a `Markup` reads as its text too) |
//! | `Option<T>` | `None` or the value |
//! | `()`, unit structs | `None` |
//! | `Vec<T>`, sequences | `list` (a `tuple` reads as a sequence too) |
//! | Rust tuples, tuple structs, [`Tuple<T>`] | `tuple` (tag `" t"`) |
//! | [`Bytes`], `serde_bytes` | `bytes` (tag `" b"`) |
//! | [`Markup`] | `markupsafe.Markup` (tag `" m"`) |
//! | [`Uuid`], `uuid::Uuid` with `serde::uuid` (feature `uuid`) | `uuid.UUID` (tag `" u"`) |
//! | [`DateTime`], `time::OffsetDateTime` with `serde::time`, `chrono::DateTime<Utc>` with `serde::chrono` | aware `datetime` (tag `" d"`) |
//! | structs, maps with string (or integer) keys | `dict` (a one-entry dict whose key is a tag key is written with the `" di"` escape, as Flask does) |
//! | unit variants | `str` of the variant name |
//! | other enum variants | `{"Variant": value}` |
//!
//! A Rust array `[T; N]` is a tuple in serde's data model, so it is written as a Python
//! tuple; use a `Vec` for a list.
//!
//! Reading follows Python's `json.loads` as the crate reads it ([`crate::json::read`]): `NaN`
//! and `Infinity`, integers of any size, duplicate keys (the last value wins, as in Flask's
//! dict), the same depth limit, Flask's tags undone bottom-up. A payload Flask refuses
//! (`BadPayload`) is refused here too, whatever the type: fields `T` does not name are skipped
//! but still validated.
//!
//! Through `deserialize_any` (catch-all types such as `serde_json::Value`, untagged enums), a
//! tagged value is seen as the JSON Flask writes for it: a tuple as `{" t": [...]}`, bytes as
//! `{" b": "base64"}`, and so on.
//!
//! # Errors
//!
//! A value of the wrong type fails with a [`SerdeError`] naming the path,
//! such as `cart[1].price: invalid type: string "x", expected f64`.
//!
//! ```
//! use flask_cookie::Codec;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Login<'a> {
//!     user_id: u64,
//!     #[serde(borrow)]
//!     csrf_token: &'a str,
//! }
//!
//! let codec = Codec::flask("test key").build()?;
//! let cookie = codec.dump_as(&Login { user_id: 7, csrf_token: "abc" }, 1_700_000_000)?;
//! // The bytes Flask writes for {"csrf_token": "abc", "user_id": 7}.
//! assert_eq!(
//!     codec.to_json(&codec.open(&cookie, 1_700_000_000)?.value)?,
//!     r#"{"csrf_token":"abc","user_id":7}"#
//! );
//! let login: Login = flask_cookie::serde::from_json(r#"{"csrf_token":"abc","user_id":7}"#)?;
//! assert_eq!(login, Login { user_id: 7, csrf_token: "abc" });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

pub(crate) mod de;
pub(crate) mod ser;
mod types;
pub(crate) mod value_de;

#[cfg(feature = "chrono")]
pub mod chrono;
#[cfg(feature = "time")]
pub mod time;
#[cfg(feature = "uuid")]
pub mod uuid;

pub use types::{Bytes, DateTime, Markup, Tuple, Uuid};

use crate::error::SerdeError;
use crate::json::{JsonOptions, DEFAULT_MAX_DEPTH};
use crate::value::Value;

/// Newtype-struct names that carry Flask's types through serde's data model.
pub(crate) mod marker {
    pub(crate) const TUPLE: &str = "$flask_cookie::Tuple";
    pub(crate) const MARKUP: &str = "$flask_cookie::Markup";
    pub(crate) const UUID: &str = "$flask_cookie::Uuid";
    pub(crate) const DATETIME: &str = "$flask_cookie::DateTime";
    /// Map key (through `deserialize_any`) of an integer outside `i128`/`u128`: its decimal.
    pub(crate) const BIG_INT: &str = "$flask_cookie::Int";
    /// Map key (through `deserialize_any`) of a string with a lone surrogate: its WTF-8 bytes.
    pub(crate) const WTF8: &str = "$flask_cookie::Wtf8";
}

/// Deserializes Flask's tagged JSON text (`json`, as a session cookie's payload holds it) into
/// `T`, with the default depth limit. Borrows `&str` where the JSON string has no escape.
pub fn from_json<'de, T: ::serde::Deserialize<'de>>(json: &'de str) -> Result<T, FromJsonError> {
    from_json_with(json, true, DEFAULT_MAX_DEPTH)
}

/// [`from_json`] with the tags on or off (`tagged`, see [`JsonOptions::tagged`]) and a depth
/// limit.
pub fn from_json_with<'de, T: ::serde::Deserialize<'de>>(
    json: &'de str,
    tagged: bool,
    max_depth: usize,
) -> Result<T, FromJsonError> {
    if let Some(v) = de::fast::<T>(json, tagged, max_depth) {
        return Ok(v);
    }
    // The exact path: it gives the payload's error as `json::read` does, or the type's.
    let value = crate::json::read(json, tagged, max_depth).map_err(FromJsonError::Json)?;
    value_de::from_value_owned::<T>(&value).map_err(FromJsonError::Type)
}

/// The fast path alone (tests and fuzzing): `Some` only where it decides by itself, and then
/// it must agree with the exact path.
#[doc(hidden)]
pub fn __fast_path<'de, T: ::serde::Deserialize<'de>>(
    json: &'de str,
    tagged: bool,
    max_depth: usize,
) -> Option<T> {
    de::fast::<T>(json, tagged, max_depth)
}

/// Why [`from_json`] failed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FromJsonError {
    /// The text is not what Flask reads (Flask: `BadPayload`).
    Json(crate::json::ReadError),
    /// It is, but not a `T`.
    Type(SerdeError),
}

impl fmt::Display for FromJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromJsonError::Json(e) => e.fmt(f),
            FromJsonError::Type(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FromJsonError {}

/// The [`Value`] Flask would hold for `value` (what [`to_json`] writes).
pub fn to_value<T: ::serde::Serialize + ?Sized>(value: &T) -> Result<Value, SerdeError> {
    value.serialize(ser::ValueSerializer)
}

/// `T` from a [`Value`] (borrowing `&str` from it where it can).
pub fn from_value<'de, T: ::serde::Deserialize<'de>>(value: &'de Value) -> Result<T, SerdeError> {
    T::deserialize(value_de::ValueDe::new(value))
}

/// The JSON text Flask writes for `value` (sorted keys, `ensure_ascii`, tags).
pub fn to_json<T: ::serde::Serialize + ?Sized>(value: &T) -> Result<String, SerdeError> {
    let v = to_value(value)?;
    let mut out = Vec::with_capacity(128);
    crate::json::write(&v, &JsonOptions::FLASK, DEFAULT_MAX_DEPTH, &mut out)
        .map_err(|e| SerdeError::new(e.to_string()))?;
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}
