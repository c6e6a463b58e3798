//! The reader: CPython 3.11's C scanner (`_json.c`, `strict=True`), byte for byte.
//!
//! One pass over the bytes straight into [`Value`]s, with an explicit stack of open containers
//! (no recursion), so the nesting limit is the only bound on depth. Error positions are byte
//! offsets of the place CPython reports (CPython counts code points; the place is the same).

use std::cell::Cell;

use crate::scratch::{trim, with_scratch};
use crate::tag;
use crate::value::{Dict, Int, IntError, Text, Value};

use super::{JsonError, JsonErrorKind, ReadError};

const EXPECTING_VALUE: &str = "Expecting value";
const EXTRA_DATA: &str = "Extra data";
const BOM: &str = "Unexpected UTF-8 BOM (decode using utf-8-sig)";
const PROPERTY_NAME: &str = "Expecting property name enclosed in double quotes";
const COLON: &str = "Expecting ':' delimiter";
const COMMA: &str = "Expecting ',' delimiter";
const UNTERMINATED: &str = "Unterminated string starting at";
const CONTROL: &str = "Invalid control character at";
const BAD_ESCAPE: &str = "Invalid \\escape";
const BAD_UNICODE_ESCAPE: &str = "Invalid \\uXXXX escape";

/// An open container, waiting for its next item. Items of all open containers live on two
/// shared stacks (`Scratch`); a container's items are moved into a vector of exactly their
/// number when it closes, so each container costs one allocation.
enum Frame {
    /// Items so far: `Scratch::items[start..]`.
    List { start: usize },
    /// Entries so far: `Scratch::entries[start..]`; `key` is the key whose value is being read.
    Dict { start: usize, key: Text },
}

/// The items of all open containers, innermost last. Kept per thread (empty between calls) so
/// that their capacity is reused.
#[derive(Default)]
struct Scratch {
    items: Vec<Value>,
    entries: Vec<(Text, Value)>,
    stack: Vec<Frame>,
}

thread_local! {
    static SCRATCH: Cell<Option<Scratch>> = const { Cell::new(None) };
}

/// What to do once a value is complete and attached to the innermost open container.
enum Next {
    /// Read another value (after a `,`, or after a key and its `:`).
    Value,
    /// The innermost container is closed: pop it and attach it to its parent.
    Close,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    tagged: bool,
    max_depth: usize,
}

fn syntax(position: usize, msg: &'static str) -> JsonError {
    JsonError {
        position,
        kind: JsonErrorKind::Syntax(msg),
    }
}

/// The offset of the first byte in `b` that ends a plain run of string text: `"`, `\` or a
/// control character (below U+0020). (A word-at-a-time scan was measured: no gain on session
/// strings, which are short.)
#[inline]
fn string_stop(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)
}

fn hex4(b: &[u8]) -> Option<u32> {
    let digits = b.get(..4)?;
    digits.iter().try_fold(0u32, |acc, &c| {
        let d = char::from(c).to_digit(16)?;
        Some((acc << 4) | d)
    })
}

/// Parses `input` as Python's `json.loads` does; see [`super::read()`].
pub(super) fn read(input: &str, tagged: bool, max_depth: usize) -> Result<Value, ReadError> {
    if input.starts_with('\u{feff}') {
        return Err(syntax(0, BOM).into());
    }
    let mut p = Parser {
        s: input,
        b: input.as_bytes(),
        pos: 0,
        tagged,
        max_depth,
    };
    p.skip_ws();
    let v = p.parse()?;
    p.skip_ws();
    if p.pos != p.b.len() {
        return Err(syntax(p.pos, EXTRA_DATA).into());
    }
    Ok(v)
}

impl Parser<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// `true` (and advances) when the input continues with `lit` at the current position.
    fn literal(&mut self, lit: &[u8]) -> bool {
        let end = self.pos + lit.len();
        if self.b.get(self.pos..end) == Some(lit) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth >= self.max_depth {
            Err(JsonError {
                position: self.pos,
                kind: JsonErrorKind::TooDeep {
                    limit: self.max_depth,
                },
            })
        } else {
            Ok(())
        }
    }

    /// Reads `"key"` + whitespace + `:` + whitespace, at the current position.
    fn key(&mut self) -> Result<Text, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(syntax(self.pos, PROPERTY_NAME));
        }
        self.pos += 1;
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(syntax(self.pos, COLON));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    fn parse(&mut self) -> Result<Value, ReadError> {
        with_scratch(&SCRATCH, Scratch::default, |scratch| {
            let result = self.parse_with(scratch);
            // Leave the stacks empty (an error leaves items behind) and not too large.
            scratch.items.clear();
            scratch.entries.clear();
            scratch.stack.clear();
            trim(&mut scratch.items);
            trim(&mut scratch.entries);
            trim(&mut scratch.stack);
            result
        })
    }

    fn parse_with(&mut self, scratch: &mut Scratch) -> Result<Value, ReadError> {
        let stack = &mut scratch.stack;
        loop {
            // Read one value at `pos`; containers are opened and the loop restarts.
            let mut v = match self.peek() {
                Some(b'{') => {
                    self.enter(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Dict(Dict::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Dict {
                            start: scratch.entries.len(),
                            key,
                        });
                        continue;
                    }
                }
                Some(b'[') => {
                    self.enter(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::List(Vec::new())
                    } else {
                        stack.push(Frame::List {
                            start: scratch.items.len(),
                        });
                        continue;
                    }
                }
                _ => self.scalar()?,
            };
            // Attach the value to its container, closing containers as they end.
            loop {
                let next = match stack.last_mut() {
                    None => return Ok(v),
                    Some(Frame::List { .. }) => {
                        scratch.items.push(v);
                        self.after_item(b']')?
                    }
                    Some(Frame::Dict { key, .. }) => {
                        scratch.entries.push((std::mem::take(key), v));
                        match self.after_item(b'}')? {
                            Next::Value => {
                                *key = self.key()?;
                                Next::Value
                            }
                            Next::Close => Next::Close,
                        }
                    }
                };
                match next {
                    Next::Value => break,
                    Next::Close => {
                        v = match stack.pop() {
                            Some(Frame::List { start }) => {
                                let start = start.min(scratch.items.len());
                                Value::List(scratch.items.split_off(start))
                            }
                            Some(Frame::Dict { start, .. }) => {
                                let start = start.min(scratch.entries.len());
                                // The dict was at level `stack.len() + 1`.
                                let level = stack.len() + 1;
                                self.finish_dict(scratch.entries.split_off(start), level)?
                            }
                            // Unreachable: the stack was not empty.
                            None => return Err(syntax(self.pos, EXPECTING_VALUE).into()),
                        };
                    }
                }
            }
        }
    }

    /// After an item: whitespace, then `close` or `,` + whitespace.
    fn after_item(&mut self, close: u8) -> Result<Next, JsonError> {
        self.skip_ws();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                Ok(Next::Close)
            }
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                Ok(Next::Value)
            }
            _ => Err(syntax(self.pos, COMMA)),
        }
    }

    /// Builds the dict closed at nesting `level`, untagged when it is a tag.
    ///
    /// Reading and writing count levels alike: a value read within `max_depth` is written
    /// within it. Untagging can only add a level in one way, `{" t": "ab"}` (one level) becoming
    /// a tuple that is written `{" t":["a","b"]}` (two), so that case is checked here.
    fn finish_dict(&self, entries: Vec<(Text, Value)>, level: usize) -> Result<Value, ReadError> {
        let dict = Dict::from_entries(entries);
        if self.tagged && dict.len() == 1 && dict.keys().all(tag::is_tag_key) {
            if let Some((key, value)) = dict.into_entries().pop() {
                let untagged = tag::untag(&key, value)?;
                // Levels the writer opens for it: the tag wrapper and the list.
                if matches!(untagged, Value::Tuple(_)) && level >= self.max_depth {
                    return Err(JsonError {
                        position: self.pos.saturating_sub(1),
                        kind: JsonErrorKind::TooDeep {
                            limit: self.max_depth,
                        },
                    }
                    .into());
                }
                return Ok(untagged);
            }
            // Unreachable: the dict has one entry.
            return Ok(Value::Dict(Dict::new()));
        }
        Ok(Value::Dict(dict))
    }

    /// A string, a literal or a number at `pos` (`scan_once` for everything but containers).
    fn scalar(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let v = match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                return Ok(Value::Str(self.string()?));
            }
            Some(b'n') if self.literal(b"null") => Value::None,
            Some(b't') if self.literal(b"true") => Value::Bool(true),
            Some(b'f') if self.literal(b"false") => Value::Bool(false),
            Some(b'N') if self.literal(b"NaN") => Value::Float(f64::NAN),
            Some(b'I') if self.literal(b"Infinity") => Value::Float(f64::INFINITY),
            Some(b'-') if self.literal(b"-Infinity") => Value::Float(f64::NEG_INFINITY),
            _ => return self.number(start),
        };
        Ok(v)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, backtracking over an incomplete fraction or
    /// exponent as CPython does (`1.` and `1e` read `1`).
    fn number(&mut self, start: usize) -> Result<Value, JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'1'..=b'9') => self.digits(),
            Some(b'0') => self.pos += 1,
            _ => {
                self.pos = start;
                return Err(syntax(start, EXPECTING_VALUE));
            }
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') && matches!(self.b.get(self.pos + 1), Some(b'0'..=b'9')) {
            is_float = true;
            self.pos += 2;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            let e_start = self.pos;
            self.pos += 1;
            if let Some(b'-' | b'+') = self.peek() {
                self.pos += 1;
            }
            let d_start = self.pos;
            self.digits();
            if self.pos > d_start {
                is_float = true;
            } else {
                self.pos = e_start;
            }
        }
        let text = self.s.get(start..self.pos).unwrap_or("");
        if is_float {
            // Correctly rounded, like `float(str)`; overflow gives an infinity.
            let f = text.parse::<f64>().unwrap_or(f64::NAN);
            return Ok(Value::Float(f));
        }
        match Int::from_decimal(text) {
            Ok(i) => Ok(Value::Int(i)),
            Err(IntError::TooManyDigits(digits)) => Err(JsonError {
                position: start,
                kind: JsonErrorKind::IntTooLarge { digits },
            }),
            Err(IntError::Syntax) => Err(syntax(start, EXPECTING_VALUE)),
        }
    }

    /// The rest of a string whose opening quote is just before `pos` (`scanstring_unicode`).
    fn string(&mut self) -> Result<Text, JsonError> {
        let begin = self.pos.saturating_sub(1);
        let mut text = Text::new();
        // Fast path: no escape before the closing quote (most strings): one exact allocation.
        let rest = self.b.get(self.pos..).unwrap_or(&[]);
        if let Some(off) = string_stop(rest) {
            if rest.get(off) == Some(&b'"') {
                let end = self.pos + off;
                // `end` is at an ASCII byte, hence at a character boundary.
                let text = Text::from(self.s.get(self.pos..end).unwrap_or(""));
                self.pos = end + 1;
                return Ok(text);
            }
        }
        loop {
            let run_start = self.pos;
            let rest = self.b.get(run_start..).unwrap_or(&[]);
            let Some(off) = string_stop(rest) else {
                return Err(syntax(begin, UNTERMINATED));
            };
            let i = run_start + off;
            // `i` is at an ASCII byte, hence at a character boundary.
            if off > 0 {
                text.push_str(self.s.get(run_start..i).unwrap_or(""));
            }
            match self.b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(text);
                }
                Some(b'\\') => {}
                _ => return Err(syntax(i, CONTROL)),
            }
            let esc = i + 1;
            let c = match self.b.get(esc) {
                None => return Err(syntax(begin, UNTERMINATED)),
                Some(b'u') => {
                    let (cp, end) = self.unicode_escape(esc)?;
                    self.pos = end;
                    // Never above U+10FFFF, so this cannot fail.
                    let _ = text.push_code_point(cp);
                    continue;
                }
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(_) => return Err(syntax(i, BAD_ESCAPE)),
            };
            let mut buf = [0u8; 4];
            text.push_str(c.encode_utf8(&mut buf));
            self.pos = esc + 1;
        }
    }

    /// `\uXXXX` with its `u` at `u`, and a low surrogate escape joined to a high one exactly
    /// when CPython joins them. Returns the code point and the offset after the escape(s).
    fn unicode_escape(&self, u: usize) -> Result<(u32, usize), JsonError> {
        let len = self.b.len();
        let mut end = u + 5;
        // CPython wants a character after the four digits (`end >= len` is an error).
        let c = match self.b.get(u + 1..) {
            Some(d) if end < len => hex4(d),
            _ => None,
        }
        .ok_or_else(|| syntax(u, BAD_UNICODE_ESCAPE))?;
        if (0xD800..0xDC00).contains(&c)
            && end + 6 < len
            && self.b.get(end..end + 2) == Some(b"\\u".as_slice())
        {
            let c2 = self
                .b
                .get(end + 2..)
                .and_then(hex4)
                .ok_or_else(|| syntax(end + 1, BAD_UNICODE_ESCAPE))?;
            if (0xDC00..0xE000).contains(&c2) {
                end += 6;
                return Ok((0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00), end));
            }
        }
        Ok((c, end))
    }
}
