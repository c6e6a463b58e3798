//! Flask's tagged JSON (`flask.json.tag`): the rules for each tag, in Flask's order.
//!
//! Writing tags is done inline by the JSON writer ([`crate::json::write`]) with the helpers here;
//! reading calls [`untag`] on each object with exactly one key that is a registered tag, children
//! first (bottom-up), as Flask ≥ 3.0.1 does.
//!
//! [`untag`] reproduces each tag's `to_python` (Flask 3.1.3, markupsafe 3.0, CPython 3.11.7)
//! on every [`Value`], including the malformed tags only a key holder can sign: where Python
//! raises (and itsdangerous reports `BadPayload`), it returns a [`TagError`]. The few places where
//! this crate refuses what Python accepts are listed on [`untag`].

use std::fmt;

use crate::value::{Text, Value};

pub(crate) mod pyint;
mod str_conv;
#[rustfmt::skip]
mod unicode_tables;
mod uuid;

#[cfg(test)]
mod vectors;

/// The registered tag keys, in Flask's order.
pub const TAG_KEYS: [&str; 6] = [" di", " t", " b", " m", " u", " d"];

/// `true` when `key` is one of [`TAG_KEYS`].
pub fn is_tag_key(key: &Text) -> bool {
    TAG_KEYS.iter().any(|t| key == t)
}

/// A tagged value that does not decode (itsdangerous reports `BadPayload`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagError {
    /// The tag key (`" t"`, `" b"`, ...).
    pub tag: &'static str,
    /// Whether Python raises too, or decodes what this crate refuses.
    pub kind: TagErrorKind,
    /// What is wrong.
    pub message: String,
}

/// Whether Python agrees that a tagged value does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagErrorKind {
    /// Python raises too (and so Flask fails with `BadPayload`).
    Invalid,
    /// Python decodes it, but this crate refuses (listed in `docs/compatibility.md`):
    /// `Markup` of a list, tuple or dict; a date whose offset moves it past the year 9999.
    Unsupported,
}

/// Why a tag's decoding failed, inside this module.
pub(crate) enum Fail {
    /// Python raises too.
    Invalid(String),
    /// Python decodes it; this crate refuses.
    Unsupported(String),
}

impl From<String> for Fail {
    fn from(m: String) -> Fail {
        Fail::Invalid(m)
    }
}

impl From<&str> for Fail {
    fn from(m: &str) -> Fail {
        Fail::Invalid(m.to_owned())
    }
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tag {:?}: {}", self.tag, self.message)
    }
}

impl std::error::Error for TagError {}

/// `UUID(value).int`, or Python's error (the `" u"` tag's decoding).
#[cfg(feature = "serde")]
pub(crate) fn uuid_parse(value: &Value) -> Result<u128, String> {
    uuid::parse(value)
}

/// `str(uuid)`: the dashed form.
#[cfg(feature = "serde")]
pub(crate) fn uuid_str(u: u128, out: &mut String) {
    str_conv::uuid_str(u, out)
}

/// Python's type name of a value, for error messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::None => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Bytes(_) => "bytes",
        Value::List(_) => "list",
        Value::Tuple(_) => "tuple",
        Value::Dict(_) => "dict",
        Value::Markup(_) => "Markup",
        Value::Uuid(_) => "UUID",
        Value::DateTime(_) => "datetime",
    }
}

/// Decodes the object `{tag: value}` (whose children are already untagged), as the tag's
/// `to_python` does. `tag` is one of [`TAG_KEYS`].
///
/// * `" di"` (`{key[:-2]: value[key]}` for the first key): a non-empty dict gives a dict of its
///   first entry, the key shortened by its last two code points whatever they are; anything
///   else raises in Python and is an error.
/// * `" t"` (`tuple(value)`): list and tuple → tuple; `str`/`Markup` → tuple of one-code-point
///   strings; dict → tuple of its keys; bytes → tuple of ints; other types are errors.
/// * `" b"` (`b64decode(value)`): `str`/`Markup` (ASCII only) and bytes, decoded leniently as
///   Python does; everything else is an error.
/// * `" m"` (`Markup(value)`, i.e. `str(value)`): strings as they are; `int`, `float`, `bool`,
///   `None`, UUID (dashed), datetime (`2024-01-02 03:04:05+00:00`) and bytes (`b'...'` repr) as
///   Python writes them. **Refused** (error, where Python succeeds): list, tuple and dict, whose
///   `repr` needs Python's `str.isprintable` tables.
/// * `" u"` (`UUID(value)`): `str`/`Markup` only; `urn:`/`uuid:` removed, braces stripped,
///   dashes removed, then 32 code points read by `int(hex, 16)` (sign, `0x`, underscores,
///   surrounding and Unicode whitespace, Unicode decimal digits all as in Python).
/// * `" d"` (Werkzeug's `parse_date`): `None` and every falsy value, bytes, and strings that do
///   not parse give `None`; strings that parse give the datetime (see [`crate::http_date`]);
///   other truthy values raise `AttributeError` in Python and are errors. **Refused** (error,
///   where Python succeeds): a date whose UTC instant falls outside years 1..=9999 because of
///   its offset (e.g. `31 Dec 9999 23:00 -0500`), which Python returns but cannot re-encode.
///
/// A datetime is kept as its UTC instant: where Python's value keeps the offset of the string
/// (`-0500`), `str()` of it (`" m"` of a `" d"`) is written here with `+00:00` and the UTC time.
pub fn untag(tag: &Text, value: Value) -> Result<Value, TagError> {
    let key = TAG_KEYS
        .iter()
        .copied()
        .find(|t| tag == t)
        .ok_or_else(|| TagError {
            tag: "?",
            kind: TagErrorKind::Invalid,
            message: format!("{tag:?} is not a registered tag"),
        })?;
    let err = |fail: Fail| match fail {
        Fail::Invalid(message) => TagError {
            tag: key,
            kind: TagErrorKind::Invalid,
            message,
        },
        Fail::Unsupported(message) => TagError {
            tag: key,
            kind: TagErrorKind::Unsupported,
            message: format!("not supported: {message}"),
        },
    };
    match key {
        " di" => untag_di(value).map_err(err),
        " t" => untag_tuple(value).map_err(err),
        " b" => untag_bytes(value).map_err(err),
        " m" => str_conv::py_str(&value).map(Value::Markup).map_err(err),
        " u" => uuid::parse(&value)
            .map(Value::Uuid)
            .map_err(|m| err(Fail::Invalid(m))),
        _ => untag_datetime(value).map_err(err),
    }
}

/// `{key[:-2]: value[key]}` with `key = next(iter(value))`.
fn untag_di(mut value: Value) -> Result<Value, Fail> {
    match &mut value {
        Value::Dict(d) => {
            let Some((key, v)) = std::mem::take(d).into_entries().into_iter().next() else {
                return Err("StopIteration: empty dict".into());
            };
            let cps: Vec<u32> = key.code_points().collect();
            let keep = cps.len().saturating_sub(2);
            let short = Text::from_code_points(cps.into_iter().take(keep)).unwrap_or_default();
            let mut out = crate::value::Dict::new();
            out.insert(short, v);
            Ok(Value::Dict(out))
        }
        Value::Str(t) | Value::Markup(t) if t.is_empty() => {
            Err("StopIteration: empty string".into())
        }
        Value::Str(_) => Err("TypeError: string indices must be integers, not 'str'".into()),
        Value::Markup(_) => Err("TypeError: Markup indices must be integers, not 'str'".into()),
        Value::List(l) | Value::Tuple(l) if l.is_empty() => {
            Err("StopIteration: empty sequence".into())
        }
        Value::Bytes(b) if b.is_empty() => Err("StopIteration: empty bytes".into()),
        v @ (Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => Err(format!(
            "TypeError: {{key[:-2]: value[key]}} with key = the first item of a non-empty {}",
            type_name(v)
        )
        .into()),
        v => Err(format!("TypeError: '{}' object is not iterable", type_name(v)).into()),
    }
}

/// `tuple(value)`.
fn untag_tuple(mut value: Value) -> Result<Value, Fail> {
    match &mut value {
        Value::List(l) | Value::Tuple(l) => Ok(Value::Tuple(std::mem::take(l))),
        Value::Str(t) | Value::Markup(t) => Ok(Value::Tuple(
            t.code_points()
                .map(|cp| Value::Str(Text::from_code_points([cp]).unwrap_or_default()))
                .collect(),
        )),
        Value::Dict(d) => Ok(Value::Tuple(
            std::mem::take(d)
                .into_entries()
                .into_iter()
                .map(|(k, _)| Value::Str(k))
                .collect(),
        )),
        Value::Bytes(b) => Ok(Value::Tuple(b.iter().copied().map(Value::from).collect())),
        v => Err(format!("TypeError: '{}' object is not iterable", type_name(v)).into()),
    }
}

/// `base64.b64decode(value)`.
fn untag_bytes(value: Value) -> Result<Value, Fail> {
    let data = match &value {
        Value::Str(t) | Value::Markup(t) => {
            if !t.as_wtf8().is_ascii() {
                return Err(
                    "ValueError: string argument should contain only ASCII characters".into(),
                );
            }
            t.as_wtf8()
        }
        Value::Bytes(b) => b.as_slice(),
        v => {
            return Err(format!(
                "TypeError: argument should be a bytes-like object or ASCII string, not '{}'",
                type_name(v)
            )
            .into())
        }
    };
    crate::encoding::python_b64decode(data)
        .map(Value::Bytes)
        .ok_or_else(|| "binascii.Error: Incorrect padding or length".into())
}

/// Werkzeug's `parse_date(value)`.
fn untag_datetime(value: Value) -> Result<Value, Fail> {
    use crate::http_date::{parse_code_points, Parsed};
    let falsy = match &value {
        Value::None => true,
        Value::Bool(b) => !b,
        Value::Int(i) => i.as_i64() == Some(0),
        Value::Float(f) => *f == 0.0,
        Value::Str(t) | Value::Markup(t) => t.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) | Value::Tuple(l) => l.is_empty(),
        Value::Dict(d) => d.is_empty(),
        Value::Uuid(_) | Value::DateTime(_) => false,
    };
    if falsy {
        return Ok(Value::None);
    }
    match &value {
        Value::Str(t) | Value::Markup(t) => {
            if let Some(dt) = t.as_str().and_then(crate::http_date::parse_canonical) {
                return Ok(Value::DateTime(dt));
            }
            let cps: Vec<u32> = t.code_points().collect();
            match parse_code_points(&cps) {
                Parsed::Date(dt) => Ok(Value::DateTime(dt)),
                Parsed::Invalid => Ok(Value::None),
                Parsed::OutOfRange(m) => Err(Fail::Unsupported(m)),
                Parsed::Raises(m) => Err(Fail::Invalid(m)),
            }
        }
        // `bytes.split()` works, then `data[0].endswith(',')` raises TypeError (or the split is
        // empty): both give None.
        Value::Bytes(_) => Ok(Value::None),
        v => Err(format!(
            "AttributeError: '{}' object has no attribute 'split'",
            type_name(v)
        )
        .into()),
    }
}
