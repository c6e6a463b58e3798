//! `T: Deserialize` from a [`Value`]: the exact path (what [`super::de`]'s fast path must agree
//! with), and [`Session::get_as`](crate::session::Session::get_as).

use std::marker::PhantomData;

use ::serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use ::serde::forward_to_deserialize_any;

use super::marker;
use crate::error::SerdeError;
use crate::tag::TAG_KEYS;
use crate::value::{Text, Value};

impl de::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> SerdeError {
        SerdeError::new(msg.to_string())
    }
}

/// Whether strings and bytes are lent to the visitor for `'de` (the value outlives the
/// result) or copied (a value made on the way, by the fast path).
pub(crate) trait Mode<'a, 'de> {
    fn str<V: Visitor<'de>>(v: V, s: &'a str) -> Result<V::Value, SerdeError>;
    fn bytes<V: Visitor<'de>>(v: V, b: &'a [u8]) -> Result<V::Value, SerdeError>;
}

/// Lends (`visit_borrowed_str`).
pub(crate) struct Borrowed;
/// Copies (`visit_str`).
pub(crate) struct Copied;

impl<'a: 'de, 'de> Mode<'a, 'de> for Borrowed {
    fn str<V: Visitor<'de>>(v: V, s: &'a str) -> Result<V::Value, SerdeError> {
        v.visit_borrowed_str(s)
    }
    fn bytes<V: Visitor<'de>>(v: V, b: &'a [u8]) -> Result<V::Value, SerdeError> {
        v.visit_borrowed_bytes(b)
    }
}

impl<'a, 'de> Mode<'a, 'de> for Copied {
    fn str<V: Visitor<'de>>(v: V, s: &'a str) -> Result<V::Value, SerdeError> {
        v.visit_str(s)
    }
    fn bytes<V: Visitor<'de>>(v: V, b: &'a [u8]) -> Result<V::Value, SerdeError> {
        v.visit_bytes(b)
    }
}

/// A deserializer over one [`Value`].
pub(crate) struct ValueDe<'a, M> {
    v: &'a Value,
    mode: PhantomData<M>,
}

impl<'a> ValueDe<'a, Borrowed> {
    pub(crate) fn new(v: &'a Value) -> ValueDe<'a, Borrowed> {
        ValueDe {
            v,
            mode: PhantomData,
        }
    }
}

/// `T` from a value that does not outlive the call (nothing borrowed from it).
pub(crate) fn from_value_owned<'de, T: Deserialize<'de>>(v: &Value) -> Result<T, SerdeError> {
    T::deserialize(ValueDe::<Copied> {
        v,
        mode: PhantomData,
    })
}

pub(crate) fn de<'a, M>(v: &'a Value) -> ValueDe<'a, M> {
    ValueDe {
        v,
        mode: PhantomData,
    }
}

/// How serde names a value of each kind in "invalid type" messages.
fn unexpected(v: &Value) -> de::Unexpected<'_> {
    use de::Unexpected as U;
    match v {
        Value::None => U::Other("None"),
        Value::Bool(b) => U::Bool(*b),
        Value::Int(i) => match i.as_i64() {
            Some(n) => U::Signed(n),
            None => U::Other("integer"),
        },
        Value::Float(f) => U::Float(*f),
        Value::Str(t) => match t.as_str() {
            Some(s) => U::Str(s),
            None => U::Other("string with a lone surrogate"),
        },
        Value::Bytes(b) => U::Bytes(b),
        Value::List(_) => U::Seq,
        Value::Tuple(_) => U::Other("tuple"),
        Value::Dict(_) => U::Map,
        Value::Markup(_) => U::Other("Markup"),
        Value::Uuid(_) => U::Other("UUID"),
        Value::DateTime(_) => U::Other("datetime"),
    }
}

/// `true` for a key that, alone in a dict, makes it special (a tag key, or a private key of
/// the `deserialize_any` forms): such a dict is shown with the `" di"` escape.
pub(crate) fn is_special_key(key: &str) -> bool {
    TAG_KEYS.contains(&key) || key == marker::BIG_INT || key == marker::WTF8
}

/// What a one-entry map made up by `deserialize_any` holds.
enum Inner<'a> {
    Value(&'a Value),
    Seq(&'a [Value]),
    Str(&'a str),
    String(String),
    Bytes(&'a [u8]),
    /// `{key: value}` (the inside of a `" di"` escape, `key` already suffixed).
    Entry(String, &'a Value),
}

struct InnerDe<'a, M> {
    inner: Inner<'a>,
    mode: PhantomData<M>,
}

fn inner<'a, M>(inner: Inner<'a>) -> InnerDe<'a, M> {
    InnerDe {
        inner,
        mode: PhantomData,
    }
}

impl<'de, 'a, M: Mode<'a, 'de>> Deserializer<'de> for InnerDe<'a, M> {
    type Error = SerdeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.inner {
            Inner::Value(v) => de::<M>(v).deserialize_any(visitor),
            Inner::Seq(items) => visit_seq::<M, V>(items, visitor),
            Inner::Str(s) => M::str(visitor, s),
            Inner::String(s) => visitor.visit_string(s),
            Inner::Bytes(b) => M::bytes(visitor, b),
            Inner::Entry(k, v) => visitor.visit_map(OneEntry::<M> {
                key: Some(KeyStr::Owned(k)),
                value: Some(Inner::Value(v)),
                mode: PhantomData,
            }),
        }
    }
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

enum KeyStr {
    Static(&'static str),
    Owned(String),
}

/// A map of one entry (the `deserialize_any` form of a tagged value).
struct OneEntry<'a, M> {
    key: Option<KeyStr>,
    value: Option<Inner<'a>>,
    mode: PhantomData<M>,
}

impl<'de, 'a, M: Mode<'a, 'de>> de::MapAccess<'de> for OneEntry<'a, M> {
    type Error = SerdeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, SerdeError> {
        match self.key.take() {
            None => Ok(None),
            Some(KeyStr::Static(k)) => seed.deserialize(k.into_deserializer()).map(Some),
            Some(KeyStr::Owned(k)) => seed.deserialize(k.into_deserializer()).map(Some),
        }
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, SerdeError> {
        match self.value.take() {
            Some(i) => seed.deserialize(inner::<M>(i)),
            None => Err(SerdeError::new("next_value before next_key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(usize::from(self.key.is_some()))
    }
}

fn one_entry<'de, 'a, M: Mode<'a, 'de>, V: Visitor<'de>>(
    visitor: V,
    key: KeyStr,
    value: Inner<'a>,
) -> Result<V::Value, SerdeError> {
    let name = match &key {
        KeyStr::Static(k) => (*k).to_owned(),
        KeyStr::Owned(k) => k.clone(),
    };
    visitor
        .visit_map(OneEntry::<M> {
            key: Some(key),
            value: Some(value),
            mode: PhantomData,
        })
        .map_err(|e| e.in_key(&name))
}

fn visit_seq<'de, 'a, M: Mode<'a, 'de>, V: Visitor<'de>>(
    items: &'a [Value],
    visitor: V,
) -> Result<V::Value, SerdeError> {
    let mut seq = SeqDe::<M> {
        items: items.iter(),
        index: 0,
        mode: PhantomData,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.items.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(items.len(), &"fewer elements"))
    }
}

fn visit_dict<'de, 'a, M: Mode<'a, 'de>, V: Visitor<'de>>(
    d: &'a crate::Dict,
    visitor: V,
) -> Result<V::Value, SerdeError> {
    let mut map = MapDe::<M> {
        entries: d.entries().iter(),
        value: None,
        mode: PhantomData,
    };
    let out = visitor.visit_map(&mut map)?;
    if map.entries.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(d.len(), &"fewer entries"))
    }
}

struct SeqDe<'a, M> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
    mode: PhantomData<M>,
}

impl<'de, 'a, M: Mode<'a, 'de>> de::SeqAccess<'de> for SeqDe<'a, M> {
    type Error = SerdeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, SerdeError> {
        match self.items.next() {
            None => Ok(None),
            Some(v) => {
                let i = self.index;
                self.index += 1;
                seed.deserialize(de::<M>(v))
                    .map(Some)
                    .map_err(|e| e.in_index(i))
            }
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, M> {
    entries: std::slice::Iter<'a, (Text, Value)>,
    value: Option<&'a (Text, Value)>,
    mode: PhantomData<M>,
}

impl<'de, 'a, M: Mode<'a, 'de>> de::MapAccess<'de> for MapDe<'a, M> {
    type Error = SerdeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, SerdeError> {
        match self.entries.next() {
            None => Ok(None),
            Some(entry) => {
                self.value = Some(entry);
                let key = entry.0.as_str().ok_or_else(|| {
                    SerdeError::new("a key holds a lone surrogate, which a Rust string cannot")
                })?;
                seed.deserialize(KeyDe::<M> {
                    key,
                    mode: PhantomData,
                })
                .map(Some)
                .map_err(|e| e.in_key(key))
            }
        }
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, SerdeError> {
        match self.value.take() {
            Some((k, v)) => seed
                .deserialize(de::<M>(v))
                .map_err(|e| e.in_key(&k.to_string_lossy())),
            None => Err(SerdeError::new("next_value before next_key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A dict key: a string; integer and other keys parse from it (`HashMap<u32, _>`).
pub(crate) struct KeyDe<'a, M> {
    key: &'a str,
    mode: PhantomData<M>,
}

impl<'a, M> KeyDe<'a, M> {
    pub(crate) fn new(key: &'a str) -> KeyDe<'a, M> {
        KeyDe {
            key,
            mode: PhantomData,
        }
    }
}

macro_rules! parse_key {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
            match self.key.parse::<$t>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => M::str(visitor, self.key),
            }
        }
    )*};
}

impl<'de, 'a, M: Mode<'a, 'de>> Deserializer<'de> for KeyDe<'a, M> {
    type Error = SerdeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        M::str(visitor, self.key)
    }
    parse_key! {
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128, deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_u128 visit_u128 u128,
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64,
        deserialize_bool visit_bool bool
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_enum(self.key.into_deserializer())
    }
    forward_to_deserialize_any! {
        char str string bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

impl<'de, 'a, M: Mode<'a, 'de>> Deserializer<'de> for ValueDe<'a, M> {
    type Error = SerdeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::None => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => match i.as_i64() {
                Some(n) => visitor.visit_i64(n),
                None => {
                    let text = i.to_string();
                    if let Ok(n) = text.parse::<u64>() {
                        visitor.visit_u64(n)
                    } else if let Ok(n) = text.parse::<u128>() {
                        visitor.visit_u128(n)
                    } else if let Ok(n) = text.parse::<i128>() {
                        visitor.visit_i128(n)
                    } else {
                        one_entry::<M, V>(
                            visitor,
                            KeyStr::Static(marker::BIG_INT),
                            Inner::String(text),
                        )
                    }
                }
            },
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(t) => match t.as_str() {
                Some(s) => M::str(visitor, s),
                None => one_entry::<M, V>(
                    visitor,
                    KeyStr::Static(marker::WTF8),
                    Inner::Bytes(t.as_wtf8()),
                ),
            },
            Value::Bytes(b) => M::bytes(visitor, b),
            Value::List(items) => visit_seq::<M, V>(items, visitor),
            Value::Tuple(items) => {
                one_entry::<M, V>(visitor, KeyStr::Static(" t"), Inner::Seq(items))
            }
            Value::Markup(t) => match t.as_str() {
                Some(s) => one_entry::<M, V>(visitor, KeyStr::Static(" m"), Inner::Str(s)),
                None => Err(SerdeError::new("a Markup holds a lone surrogate")),
            },
            Value::Uuid(u) => one_entry::<M, V>(
                visitor,
                KeyStr::Static(" u"),
                Inner::String(format!("{u:032x}")),
            ),
            Value::DateTime(dt) => {
                let mut s = String::with_capacity(29);
                crate::http_date::format(*dt, &mut s);
                one_entry::<M, V>(visitor, KeyStr::Static(" d"), Inner::String(s))
            }
            Value::Dict(d) => {
                if let [(k, v)] = d.entries() {
                    if let Some(key) = k.as_str().filter(|k| is_special_key(k)) {
                        return one_entry::<M, V>(
                            visitor,
                            KeyStr::Static(" di"),
                            Inner::Entry(format!("{key}__"), v),
                        );
                    }
                }
                visit_dict::<M, V>(d, visitor)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::None => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::None => visitor.visit_unit(),
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::Str(t) | Value::Markup(t) => match t.as_str() {
                Some(s) => M::str(visitor, s),
                None => Err(SerdeError::new(
                    "the string holds a lone surrogate, which a Rust string cannot",
                )),
            },
            Value::Uuid(u) => {
                let mut s = String::with_capacity(36);
                crate::tag::uuid_str(*u, &mut s);
                visitor.visit_string(s)
            }
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::Bytes(b) => M::bytes(visitor, b),
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::List(items) | Value::Tuple(items) => visit_seq::<M, V>(items, visitor),
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::Dict(d) => visit_dict::<M, V>(d, visitor),
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        match (name, self.v) {
            (marker::TUPLE, Value::Tuple(items)) => {
                visitor.visit_newtype_struct(inner::<M>(Inner::Seq(items)))
            }
            (marker::MARKUP, Value::Markup(t)) => match t.as_str() {
                Some(s) => visitor.visit_newtype_struct(inner::<M>(Inner::Str(s))),
                None => Err(SerdeError::new("a Markup holds a lone surrogate")),
            },
            (marker::UUID, Value::Uuid(u)) => visitor.visit_u128(*u),
            (marker::DATETIME, Value::DateTime(dt)) => visitor.visit_i64(dt.unix()),
            (marker::TUPLE | marker::MARKUP | marker::UUID | marker::DATETIME, v) => {
                Err(de::Error::invalid_type(unexpected(v), &visitor))
            }
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        match self.v {
            Value::Str(t) => match t.as_str() {
                Some(s) => visitor.visit_enum(s.into_deserializer()),
                None => Err(SerdeError::new("the string holds a lone surrogate")),
            },
            Value::Dict(d) if d.len() == 1 => match d.entries() {
                [(k, v)] => {
                    let key = k.as_str().ok_or_else(|| {
                        SerdeError::new("the variant name holds a lone surrogate")
                    })?;
                    visitor
                        .visit_enum(EnumDe::<M> {
                            variant: key,
                            value: v,
                            mode: PhantomData,
                        })
                        .map_err(|e| e.in_key(key))
                }
                _ => Err(SerdeError::new("an enum is a string or a one-entry dict")),
            },
            v => Err(de::Error::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64
    }
}

/// `{"Variant": value}`.
struct EnumDe<'a, M> {
    variant: &'a str,
    value: &'a Value,
    mode: PhantomData<M>,
}

impl<'de, 'a, M: Mode<'a, 'de>> de::EnumAccess<'de> for EnumDe<'a, M> {
    type Error = SerdeError;
    type Variant = VariantDe<'a, M>;
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, VariantDe<'a, M>), SerdeError> {
        let v = seed.deserialize(self.variant.into_deserializer())?;
        Ok((
            v,
            VariantDe {
                value: self.value,
                mode: PhantomData,
            },
        ))
    }
}

struct VariantDe<'a, M> {
    value: &'a Value,
    mode: PhantomData<M>,
}

impl<'de, 'a, M: Mode<'a, 'de>> de::VariantAccess<'de> for VariantDe<'a, M> {
    type Error = SerdeError;
    fn unit_variant(self) -> Result<(), SerdeError> {
        Deserialize::deserialize(de::<M>(self.value))
    }
    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, SerdeError> {
        seed.deserialize(de::<M>(self.value))
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        de::<M>(self.value).deserialize_seq(visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        de::<M>(self.value).deserialize_map(visitor)
    }
}

/// A [`Value`] reads from any self-describing format; from this crate's deserializers, the
/// exact value Flask holds (tags included, through their `deserialize_any` forms).
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Flask session value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(Text::from(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element::<Value>()? {
            items.push(v);
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(Text, Value)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value::<Value>()?;
            entries.push((Text::from(k), v));
        }
        if let [(k, _)] = entries.as_slice() {
            if let Some(key) = k.as_str().filter(|k| is_special_key(k)) {
                let key = key.to_owned();
                let (k, v) = entries.pop().unwrap_or_default();
                return untag_form(&key, k, v).map_err(de::Error::custom);
            }
        }
        Ok(Value::Dict(crate::Dict::from_entries(entries)))
    }
}

/// The value of a `deserialize_any` one-entry form (`{" t": [...]}` and the private ones).
fn untag_form(key: &str, k: Text, v: Value) -> Result<Value, String> {
    match key {
        marker::BIG_INT => match &v {
            Value::Str(t) => t
                .as_str()
                .and_then(|s| crate::Int::from_decimal(s).ok())
                .map(Value::Int)
                .ok_or_else(|| "not a decimal integer".to_owned()),
            _ => Err("not a decimal integer".to_owned()),
        },
        marker::WTF8 => match &v {
            Value::Bytes(b) => wtf8_text(b)
                .map(Value::Str)
                .ok_or_else(|| "not WTF-8".to_owned()),
            _ => Err("not WTF-8 bytes".to_owned()),
        },
        _ => crate::tag::untag(&k, v).map_err(|e| e.to_string()),
    }
}

/// Text from WTF-8 bytes (generalised UTF-8: lone surrogates as three bytes).
pub(crate) fn wtf8_text(b: &[u8]) -> Option<Text> {
    let mut cps = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let (len, init) = match c {
            0x00..=0x7F => (1, u32::from(c)),
            0xC0..=0xDF => (2, u32::from(c & 0x1F)),
            0xE0..=0xEF => (3, u32::from(c & 0x0F)),
            0xF0..=0xF4 => (4, u32::from(c & 0x07)),
            _ => return None,
        };
        let cont = b.get(i + 1..i + len)?;
        if cont.iter().any(|&x| x & 0xC0 != 0x80) {
            return None;
        }
        cps.push(
            cont.iter()
                .fold(init, |a, &x| (a << 6) | u32::from(x & 0x3F)),
        );
        i += len;
    }
    Text::from_code_points(cps)
}
