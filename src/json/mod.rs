//! The Python JSON dialect: exactly what `json.dumps` writes and what `json.loads` reads.
//!
//! * [`write()`]: `json.dumps(value, separators=(",", ":"), sort_keys=..., ensure_ascii=...)`,
//!   with Flask's tags applied inline when [`JsonOptions::tagged`] is set.
//! * [`read()`]: `json.loads`, with Flask's bottom-up untagging applied inline when `tagged`.
//!
//! Neither direction recurses: both keep their open containers on a heap stack, so a small
//! thread stack suffices at any depth. Nesting is limited (see [`DEFAULT_MAX_DEPTH`]) to bound
//! the work a cookie can ask for.

use std::fmt;

mod read;
#[cfg(test)]
mod tests;
mod write;

use crate::tag::TagError;
use crate::value::Value;

/// The default limit on JSON nesting: arrays and objects, the outermost being level 1 (so `{}`
/// and `{"a":1}` are 1 level, `{"a":[1]}` 2). A tag wrapper counts as the JSON levels written
/// for it (a tuple, `{" t":[...]}`, is 2). Reading and writing count alike: a value read within
/// the limit is written within it (`{" t":"ab"}`, one level as read, is a tuple written as two,
/// so it counts as two when read).
///
/// Flask cannot write a session nested deeper than about 330 levels (Python's recursion limit)
/// and fails to read one deeper than about 497, so 400 accepts every session Flask can write.
pub const DEFAULT_MAX_DEPTH: usize = 400;

/// How JSON is written and read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonOptions {
    /// Sort object keys by code point (`sort_keys=True`). Flask: `true` (inside an app context).
    pub sort_keys: bool,
    /// Escape every non-ASCII character and DEL (`ensure_ascii=True`). Flask: `true`.
    pub ensure_ascii: bool,
    /// Apply Flask's `TaggedJSONSerializer` tags. Flask: `true`; itsdangerous: `false`.
    pub tagged: bool,
}

impl JsonOptions {
    /// Flask's session serializer inside an app context.
    pub const FLASK: JsonOptions = JsonOptions {
        sort_keys: true,
        ensure_ascii: true,
        tagged: true,
    };
    /// itsdangerous's `_CompactJSON`: insertion order, raw UTF-8, no tags.
    pub const ITSDANGEROUS: JsonOptions = JsonOptions {
        sort_keys: false,
        ensure_ascii: false,
        tagged: false,
    };
}

impl Default for JsonOptions {
    fn default() -> JsonOptions {
        JsonOptions::FLASK
    }
}

/// A JSON syntax error or exceeded limit, with the byte offset where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the JSON text.
    pub position: usize,
    /// What is wrong.
    pub kind: JsonErrorKind,
}

/// What is wrong with a JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The text is not valid JSON here: CPython's own message (`JSONDecodeError.msg`, such as
    /// `"Expecting value"` or `"Invalid control character at"`), shown as
    /// `"{msg}: byte {position}"`.
    Syntax(&'static str),
    /// Nesting deeper than the limit.
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// An integer with more than [`crate::Int::MAX_DIGITS`] digits.
    IntTooLarge {
        /// How many digits it has.
        digits: usize,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            // Python's layout, `msg: line 1 column 7 (char 6)`, with the byte offset: its
            // messages may end in "at" ("Invalid control character at: byte 6").
            JsonErrorKind::Syntax(msg) => write!(f, "{msg}: byte {}", self.position),
            JsonErrorKind::TooDeep { limit } => write!(
                f,
                "nesting deeper than the limit of {limit} at byte {}",
                self.position
            ),
            JsonErrorKind::IntTooLarge { digits } => write!(
                f,
                "integer of {digits} digits (more than {}) at byte {}",
                crate::Int::MAX_DIGITS,
                self.position
            ),
        }
    }
}

impl std::error::Error for JsonError {}

/// Why [`read()`] failed: the JSON text itself, or a tagged value in it. (The crate's
/// [`crate::PayloadError`] has one variant for each.)
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ReadError {
    /// The text is not what Python's `json.loads` accepts, or exceeds a limit.
    Json(JsonError),
    /// A tagged value (`{" t": ...}` and the like) does not decode.
    Tag(TagError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Json(e) => write!(f, "invalid JSON: {e}"),
            ReadError::Tag(e) => write!(f, "invalid tagged value: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<JsonError> for ReadError {
    fn from(e: JsonError) -> ReadError {
        ReadError::Json(e)
    }
}

impl From<TagError> for ReadError {
    fn from(e: TagError) -> ReadError {
        ReadError::Tag(e)
    }
}

/// Why [`write()`] failed. (The crate's [`crate::DumpError`] has one variant for each.)
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteError {
    /// The value nests deeper than the limit.
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// The options in use cannot represent this kind of value (bytes, UUIDs and datetimes
    /// without tags, where Python's `json.dumps` raises `TypeError`).
    Unsupported {
        /// Python's name of the type (`bytes`, `UUID`, `datetime`).
        type_name: &'static str,
    },
    /// A string holds a lone surrogate and the output is raw UTF-8 (`ensure_ascii=False`), where
    /// Python fails to encode it.
    LoneSurrogate,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::TooDeep { limit } => {
                write!(f, "value nests deeper than the limit of {limit}")
            }
            WriteError::Unsupported { type_name } => {
                write!(f, "Object of type {type_name} is not JSON serializable")
            }
            WriteError::LoneSurrogate => {
                f.write_str("a string holds a lone surrogate, which UTF-8 output cannot encode")
            }
        }
    }
}

impl std::error::Error for WriteError {}

/// Parses `input` as Python's `json.loads` would; with `tagged`, untags as Flask does.
///
/// Accepts exactly what CPython 3.11's C scanner accepts (`strict=True`): `NaN`, `Infinity`,
/// `-Infinity`, integers of up to [`crate::Int::MAX_DIGITS`] digits, duplicate keys (the last
/// value wins, at the first key's position), lone surrogate escapes; whitespace is
/// `[ \t\n\r]`; a leading BOM, raw control characters in strings and trailing data are errors.
/// Errors ([`ReadError::Json`]) carry the byte offset where CPython reports the error.
///
/// With `tagged`, each object with exactly one entry whose key is a tag key is replaced, once
/// its children are decoded, by [`crate::tag::untag`] (errors: [`ReadError::Tag`]).
///
/// Containers nested deeper than `max_depth` fail with [`JsonErrorKind::TooDeep`]. Nothing
/// recurses (reading, untagging, writing, and `Clone`, `PartialEq`, `Debug` and `Drop` of a
/// [`Value`] use heap stacks), so any `max_depth` is safe on a small thread stack.
pub fn read(input: &str, tagged: bool, max_depth: usize) -> Result<Value, ReadError> {
    read::read(input, tagged, max_depth)
}

/// Appends the JSON text of `value` to `out`, as Python's `json.dumps` would write it.
///
/// Writes `json.dumps(value, separators=(",", ":"), sort_keys=opts.sort_keys,
/// ensure_ascii=opts.ensure_ascii)`, after Flask's `TaggedJSONSerializer.tag` when
/// `opts.tagged`. Without tags, tuples are written as lists and Markup as strings, and bytes,
/// UUIDs and datetimes fail with [`WriteError::Unsupported`], as in Python.
///
/// Fails with [`WriteError::TooDeep`] when containers (tag wrappers included) nest deeper than
/// `max_depth`, and with [`WriteError::LoneSurrogate`] when a string holds a lone surrogate
/// without `ensure_ascii` (Python builds the text, then fails to encode it as UTF-8, so any
/// other error takes precedence). On error `out` is left as it was.
pub fn write(
    value: &Value,
    opts: &JsonOptions,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), WriteError> {
    write::write(write::Root::Value(value), opts, max_depth, false, out)
}

/// [`write()`], except that without `ensure_ascii` a lone surrogate is written as a `\udXXX`
/// escape instead of failing with [`WriteError::LoneSurrogate`]: the text is then valid UTF-8
/// and reads back ([`read()`]) to the same value. (This is the text Python's `json.dumps`
/// builds too, before its UTF-8 encoding fails; every other character is written as
/// [`write()`] writes it.)
pub fn write_escaping_lone_surrogates(
    value: &Value,
    opts: &JsonOptions,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), WriteError> {
    write::write(write::Root::Value(value), opts, max_depth, true, out)
}

/// [`write()`] for a [`crate::Dict`] on its own: the text `write` gives for
/// `Value::Dict(dict)`, without moving or cloning the dict into a `Value`.
pub fn write_dict(
    dict: &crate::Dict,
    opts: &JsonOptions,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), WriteError> {
    write::write(write::Root::Dict(dict), opts, max_depth, false, out)
}

/// Appends Python's `repr(f)` of a float (`1e+16`, `0.0001`, `-0.0`, `nan`, `inf`, `-inf`).
/// The JSON writer spells the non-finite ones `NaN`, `Infinity`, `-Infinity` instead.
pub fn py_float_repr(f: f64, out: &mut String) {
    crate::pyrepr::float_repr(f, out)
}
