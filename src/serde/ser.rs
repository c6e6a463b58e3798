//! `T: Serialize` → the [`Value`] Flask would hold (then written by the crate's JSON writer,
//! which applies the tags, sorts the keys and escapes as Flask does).

use ::serde::ser::{self, Serialize};

use super::marker;
use crate::error::SerdeError;
use crate::value::{DateTime, Dict, Int, Text, Value};

impl ser::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> SerdeError {
        SerdeError::new(msg.to_string())
    }
}

/// Serializes into a [`Value`].
pub(crate) struct ValueSerializer;

fn int(i: impl Into<Int>) -> Value {
    Value::Int(i.into())
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = SerdeError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = VariantSer<SeqSer>;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = VariantSer<MapSer>;

    fn serialize_bool(self, v: bool) -> Result<Value, SerdeError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, SerdeError> {
        Ok(int(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, SerdeError> {
        Ok(Value::Float(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, SerdeError> {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, SerdeError> {
        let mut buf = [0u8; 4];
        Ok(Value::Str(Text::from(&*v.encode_utf8(&mut buf))))
    }
    fn serialize_str(self, v: &str) -> Result<Value, SerdeError> {
        Ok(Value::Str(Text::from(v)))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, SerdeError> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Value, SerdeError> {
        Ok(Value::None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, SerdeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, SerdeError> {
        Ok(Value::None)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, SerdeError> {
        Ok(Value::None)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, SerdeError> {
        Ok(Value::Str(Text::from(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, SerdeError> {
        let inner = value.serialize(ValueSerializer)?;
        match name {
            marker::TUPLE => match inner {
                mut v @ (Value::List(_) | Value::Tuple(_)) => {
                    let items = match &mut v {
                        Value::List(items) | Value::Tuple(items) => std::mem::take(items),
                        _ => Vec::new(),
                    };
                    Ok(Value::Tuple(items))
                }
                other => Err(SerdeError::new(format!(
                    "a Tuple must hold a sequence, not a {}",
                    crate::tag::type_name(&other)
                ))),
            },
            marker::MARKUP => match inner {
                mut v @ (Value::Str(_) | Value::Markup(_)) => Ok(Value::Markup(take_text(&mut v))),
                other => Err(SerdeError::new(format!(
                    "a Markup must hold a string, not a {}",
                    crate::tag::type_name(&other)
                ))),
            },
            marker::UUID => match &inner {
                Value::Int(i) => i
                    .to_string()
                    .parse::<u128>()
                    .map(Value::Uuid)
                    .map_err(|_| SerdeError::new("a UUID must be a 128-bit unsigned integer")),
                Value::Str(_) => crate::tag::uuid_parse(&inner)
                    .map(Value::Uuid)
                    .map_err(SerdeError::new),
                other => Err(SerdeError::new(format!(
                    "a UUID must be a string or an integer, not a {}",
                    crate::tag::type_name(other)
                ))),
            },
            marker::DATETIME => match &inner {
                Value::Int(i) => i
                    .as_i64()
                    .and_then(DateTime::from_unix)
                    .map(Value::DateTime)
                    .ok_or_else(|| {
                        SerdeError::new(format!(
                            "datetime {i} (Unix seconds) is outside years 1 to 9999"
                        ))
                    }),
                other => Err(SerdeError::new(format!(
                    "a DateTime must be Unix seconds, not a {}",
                    crate::tag::type_name(other)
                ))),
            },
            marker::BIG_INT => match &inner {
                Value::Str(t) => t
                    .as_str()
                    .and_then(|s| Int::from_decimal(s).ok())
                    .map(Value::Int)
                    .ok_or_else(|| SerdeError::new("not a decimal integer")),
                _ => Ok(inner),
            },
            marker::WTF8 => match &inner {
                Value::Bytes(b) => super::value_de::wtf8_text(b)
                    .map(Value::Str)
                    .ok_or_else(|| SerdeError::new("not WTF-8")),
                _ => Ok(inner),
            },
            _ => Ok(inner),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, SerdeError> {
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.in_key(variant))?;
        let mut d = Dict::new();
        d.insert(variant, v);
        Ok(Value::Dict(d))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, SerdeError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            tuple: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, SerdeError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.min(4096)),
            tuple: true,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, SerdeError> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<SeqSer>, SerdeError> {
        Ok(VariantSer {
            variant,
            inner: SeqSer {
                items: Vec::with_capacity(len.min(4096)),
                tuple: false,
            },
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer, SerdeError> {
        Ok(MapSer {
            entries: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSer, SerdeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<MapSer>, SerdeError> {
        Ok(VariantSer {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// A list or tuple being built.
pub(crate) struct SeqSer {
    items: Vec<Value>,
    tuple: bool,
}

impl SeqSer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        let i = self.items.len();
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.in_index(i))?;
        self.items.push(v);
        Ok(())
    }
    fn finish(self) -> Value {
        if self.tuple {
            Value::Tuple(self.items)
        } else {
            Value::List(self.items)
        }
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(self.finish())
    }
}

/// A dict being built (keys replace in place, as Python's `d[k] = v`).
pub(crate) struct MapSer {
    entries: Vec<(Text, Value)>,
    key: Option<Text>,
}

impl MapSer {
    fn entry<T: Serialize + ?Sized>(&mut self, key: Text, value: &T) -> Result<(), SerdeError> {
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.in_key(&key.to_string_lossy()))?;
        self.entries.push((key, v));
        Ok(())
    }
    fn finish(self) -> Value {
        Value::Dict(Dict::from_entries(self.entries))
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerdeError> {
        self.key = Some(key_text(key.serialize(ValueSerializer)?)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerdeError::new("serialize_value before serialize_key"))?;
        self.entry(key, value)
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        self.entry(Text::from(key), value)
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(self.finish())
    }
}

/// `{"Variant": inner}`.
pub(crate) struct VariantSer<I> {
    variant: &'static str,
    inner: I,
}

fn wrap(variant: &'static str, v: Value) -> Value {
    let mut d = Dict::new();
    d.insert(variant, v);
    Value::Dict(d)
}

impl ser::SerializeTupleVariant for VariantSer<SeqSer> {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        let variant = self.variant;
        self.inner.push(value).map_err(|e| e.in_key(variant))
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(wrap(self.variant, self.inner.finish()))
    }
}

impl ser::SerializeStructVariant for VariantSer<MapSer> {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        let variant = self.variant;
        self.inner
            .entry(Text::from(key), value)
            .map_err(|e| e.in_key(variant))
    }
    fn end(self) -> Result<Value, SerdeError> {
        Ok(wrap(self.variant, self.inner.finish()))
    }
}

/// A dict key: a string, or what Python's `json.dumps` turns into one (`int`, `bool`,
/// `None`, `float` keys are written as `"1"`, `"true"`, `"null"`, `"1.5"`).
fn key_text(v: Value) -> Result<Text, SerdeError> {
    let mut v = v;
    match &v {
        Value::Str(_) | Value::Markup(_) => Ok(take_text(&mut v)),
        Value::Int(i) => Ok(Text::from(i.to_string())),
        Value::Bool(b) => Ok(Text::from(if *b { "true" } else { "false" })),
        Value::None => Ok(Text::from("null")),
        Value::Float(f) if f.is_nan() => Ok(Text::from("NaN")),
        Value::Float(f) if f.is_infinite() => {
            Ok(Text::from(if *f > 0.0 { "Infinity" } else { "-Infinity" }))
        }
        Value::Float(f) => {
            let mut s = String::new();
            crate::pyrepr::float_repr(*f, &mut s);
            Ok(Text::from(s))
        }
        other => Err(SerdeError::new(format!(
            "keys must be str, int, float, bool or None, not {}",
            crate::tag::type_name(other)
        ))),
    }
}

/// The text of a `Str` or `Markup` (empty otherwise), moved out.
fn take_text(v: &mut Value) -> Text {
    match v {
        Value::Str(t) | Value::Markup(t) => std::mem::take(t),
        _ => Text::new(),
    }
}

/// A [`Value`] serializes as the Rust types that read back into it (see the module table).
impl Serialize for Value {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::{SerializeMap, SerializeSeq};
        match self {
            Value::None => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => match i.as_i64() {
                Some(v) => s.serialize_i64(v),
                None => {
                    let text = i.to_string();
                    if let Ok(v) = text.parse::<u128>() {
                        s.serialize_u128(v)
                    } else if let Ok(v) = text.parse::<i128>() {
                        s.serialize_i128(v)
                    } else {
                        // Outside 128 bits: the decimal (a string to other formats).
                        s.serialize_newtype_struct(marker::BIG_INT, &text)
                    }
                }
            },
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(t) => match t.as_str() {
                Some(v) => s.serialize_str(v),
                // Its WTF-8 bytes (bytes to other formats).
                None => {
                    s.serialize_newtype_struct(marker::WTF8, &super::Bytes(t.as_wtf8().to_vec()))
                }
            },
            Value::Bytes(b) => s.serialize_bytes(b),
            Value::List(items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    q.serialize_element(v)?;
                }
                q.end()
            }
            Value::Tuple(items) => s.serialize_newtype_struct(marker::TUPLE, &TupleItems(items)),
            Value::Dict(d) => {
                let mut m = s.serialize_map(Some(d.len()))?;
                for (k, v) in d.iter() {
                    match k.as_str() {
                        Some(k) => m.serialize_entry(k, v)?,
                        None => {
                            return Err(<S::Error as ser::Error>::custom(
                                "a dict key holds a lone surrogate",
                            ))
                        }
                    }
                }
                m.end()
            }
            Value::Markup(t) => match t.as_str() {
                Some(v) => s.serialize_newtype_struct(marker::MARKUP, v),
                None => Err(<S::Error as ser::Error>::custom(
                    "a Markup holds a lone surrogate",
                )),
            },
            Value::Uuid(u) => s.serialize_newtype_struct(marker::UUID, &format!("{u:032x}")),
            Value::DateTime(dt) => s.serialize_newtype_struct(marker::DATETIME, &dt.unix()),
        }
    }
}

/// A tuple's items, as a serde tuple.
struct TupleItems<'a>(&'a [Value]);

impl Serialize for TupleItems<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeTuple;
        let mut t = s.serialize_tuple(self.0.len())?;
        for v in self.0 {
            t.serialize_element(v)?;
        }
        t.end()
    }
}
