//! The Python JSON dialect: exactly what `json.dumps` writes and what `json.loads` reads.
//!
//! * [`write()`]: `json.dumps(value, separators=(",", ":"), sort_keys=..., ensure_ascii=...)`,
//!   with Flask's tags applied inline when [`JsonOptions::tagged`] is set.
//! * [`read()`]: `json.loads`, with Flask's bottom-up untagging applied inline when `tagged`.
//!
//! Nesting is limited (see [`DEFAULT_MAX_DEPTH`]) so neither direction can overflow the stack.

use std::fmt;

mod float;
mod read;
#[cfg(test)]
mod tests;
mod write;

use crate::error::{DumpError, PayloadError};
use crate::value::Value;

/// The default limit on JSON nesting (arrays and objects; a tagged tuple or dict wrapper counts
/// as its JSON levels).
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
    /// The text is not valid JSON here (`message` says what was expected).
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
            JsonErrorKind::Syntax(msg) => write!(f, "{msg} at byte {}", self.position),
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

/// Parses `input` as Python's `json.loads` would; with `tagged`, untags as Flask does.
///
/// Accepts exactly what CPython 3.11's C scanner accepts (`strict=True`): `NaN`, `Infinity`,
/// `-Infinity`, integers of up to [`crate::Int::MAX_DIGITS`] digits, duplicate keys (the last
/// value wins, at the first key's position), lone surrogate escapes; whitespace is
/// `[ \t\n\r]`; a leading BOM, raw control characters in strings and trailing data are errors.
/// Errors ([`PayloadError::Json`]) carry the byte offset where CPython reports the error.
///
/// With `tagged`, each object with exactly one entry whose key is a tag key is replaced, once
/// its children are decoded, by [`crate::tag::untag`] (errors: [`PayloadError::Tag`]).
///
/// Containers nested deeper than `max_depth` fail with [`JsonErrorKind::TooDeep`]. Neither the
/// parser nor dropping a [`Value`] recurses, but writing one does (depth-checked first): keep
/// `max_depth` in the thousands at most.
pub fn read(input: &str, tagged: bool, max_depth: usize) -> Result<Value, PayloadError> {
    read::read(input, tagged, max_depth)
}

/// Appends the JSON text of `value` to `out`, as Python's `json.dumps` would write it.
///
/// Writes `json.dumps(value, separators=(",", ":"), sort_keys=opts.sort_keys,
/// ensure_ascii=opts.ensure_ascii)`, after Flask's `TaggedJSONSerializer.tag` when
/// `opts.tagged`. Without tags, tuples are written as lists and Markup as strings, and bytes,
/// UUIDs and datetimes fail with [`DumpError::Unsupported`], as in Python.
///
/// Fails with [`DumpError::TooDeep`] when containers (tag wrappers included) nest deeper than
/// `max_depth`, and with [`DumpError::LoneSurrogate`] when a string holds a lone surrogate
/// without `ensure_ascii` (Python builds the text, then fails to encode it as UTF-8, so any
/// other error takes precedence). On error `out` is left as it was.
pub fn write(
    value: &Value,
    opts: &JsonOptions,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), DumpError> {
    write::write(write::Root::Value(value), opts, max_depth, out)
}

/// [`write()`] for a [`crate::Dict`] on its own: the text `write` gives for
/// `Value::Dict(dict)`, without moving or cloning the dict into a `Value`.
pub fn write_dict(
    dict: &crate::Dict,
    opts: &JsonOptions,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), DumpError> {
    write::write(write::Root::Dict(dict), opts, max_depth, out)
}

/// Appends Python's `repr(f)` of a float (`1e+16`, `0.0001`, `-0.0`, `nan`, `inf`, `-inf`).
/// The JSON writer spells the non-finite ones `NaN`, `Infinity`, `-Infinity` instead.
pub fn py_float_repr(f: f64, out: &mut String) {
    float::repr(f, out)
}
