//! Typed forms of Flask's tagged values, each written with its tag and read only from it
//! (so a value read is written back to the same bytes).
//!
//! With formats other than this crate's they are plain: a [`Tuple`] is its sequence, [`Bytes`]
//! are bytes, a [`Markup`] is its string, a [`Uuid`] its dashed hex string, a [`DateTime`] its
//! Unix seconds.

use std::fmt;

use ::serde::de::{self, Deserialize, Deserializer, Visitor};
use ::serde::ser::{Serialize, Serializer};

use super::marker;

/// A Python `tuple` (tag `" t"`) holding `T`'s sequence: `Tuple<Vec<String>>`,
/// `Tuple<(u32, String)>`. Rust tuples are written as Python tuples on their own; this
/// wrapper makes any sequence one. Reads only a tuple.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tuple<T>(pub T);

impl<T: Serialize> Serialize for Tuple<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(marker::TUPLE, &self.0)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tuple<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Tuple<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tuple")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Tuple<T>, D::Error> {
                T::deserialize(d).map(Tuple)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Tuple<T>, A::Error> {
                T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Tuple)
            }
        }
        d.deserialize_newtype_struct(marker::TUPLE, V(std::marker::PhantomData))
    }
}

/// Python `bytes` (tag `" b"`, standard base64). Reads only bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// A `markupsafe.Markup` string (tag `" m"`). Reads only a Markup.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Markup(pub String);

impl Serialize for Markup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(marker::MARKUP, &self.0)
    }
}

impl<'de> Deserialize<'de> for Markup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Markup;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Markup string")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Markup, D::Error> {
                String::deserialize(d).map(Markup)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Markup, E> {
                Ok(Markup(v.to_owned()))
            }
        }
        d.deserialize_newtype_struct(marker::MARKUP, V)
    }
}

/// A `uuid.UUID` (tag `" u"`), as its 128-bit integer (`UUID.int`). Reads only a UUID.
/// (With the `uuid` feature, `flask_cookie::serde::uuid` does the same for `uuid::Uuid`.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid(pub u128);

impl fmt::Display for Uuid {
    /// `str(uuid)`: `12345678-1234-5678-1234-567812345678`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(36);
        crate::tag::uuid_str(self.0, &mut s);
        f.write_str(&s)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(marker::UUID, &self.to_string())
    }
}

fn parse_uuid<E: de::Error>(v: &str) -> Result<Uuid, E> {
    let value = crate::Value::Str(crate::Text::from(v));
    crate::tag::uuid_parse(&value).map(Uuid).map_err(E::custom)
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Uuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UUID")
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Uuid, E> {
                Ok(Uuid(v))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Uuid, D::Error> {
                let s = String::deserialize(d)?;
                parse_uuid(&s)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Uuid, E> {
                parse_uuid(v)
            }
        }
        d.deserialize_newtype_struct(marker::UUID, V)
    }
}

/// An aware `datetime` (tag `" d"`, an HTTP date: whole seconds, read back as UTC). Reads only
/// a datetime. (With the `time` or `chrono` features, `flask_cookie::serde::time` and
/// `flask_cookie::serde::chrono` do the same for their types.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub crate::DateTime);

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(marker::DATETIME, &self.0.unix())
    }
}

fn from_unix<E: de::Error>(v: i64) -> Result<DateTime, E> {
    crate::DateTime::from_unix(v).map(DateTime).ok_or_else(|| {
        E::custom(format!(
            "datetime {v} (Unix seconds) is outside years 1 to 9999"
        ))
    })
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a datetime")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
                from_unix(v)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
                from_unix(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<DateTime, D::Error> {
                from_unix(i64::deserialize(d)?)
            }
        }
        d.deserialize_newtype_struct(marker::DATETIME, V)
    }
}
