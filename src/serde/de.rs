//! The fast path: `T: Deserialize` straight from the JSON bytes, no [`Value`] in between.
//!
//! It only ever succeeds with the `T` the exact path (read a [`Value`], then deserialize from
//! it: [`super::value_de`]) gives: wherever the two could differ, or on any error, it gives up
//! and the exact path decides, error messages included. It gives up on:
//!
//! * any JSON error, exceeded limit or type mismatch (the exact path names them);
//! * a dict whose keys are not strictly increasing (Flask writes them sorted), so duplicate
//!   keys (the last value wins) are the exact path's;
//! * integers of more than 18 digits, strings with lone surrogates.
//!
//! Tagged values (an object whose first key is a tag key: only then can it be one) are read by
//! the exact reader ([`crate::json::read`]'s [`read_prefix`]) and deserialized from the
//! [`Value`] it gives, which undoes the tags bottom-up as Flask does. Everything this path
//! skips (fields `T` does not name) is still validated exactly as the reader validates it.
//!
//! Nothing here recurses per level of the input except where `T` itself nests (skipping is a
//! loop); nesting is limited as the reader limits it.

use std::fmt;

use ::serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use ::serde::forward_to_deserialize_any;

use super::marker;
use super::value_de::{self, Copied, KeyDe};
use crate::json::read::read_prefix;
use crate::value::Value;

/// The fast path gave up.
#[derive(Debug)]
pub(crate) struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fast path gave up")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_msg: T) -> Bail {
        Bail
    }
}

/// `T` read straight from `json`, or `None` when the exact path must decide.
pub(crate) fn fast<'de, T: ::serde::Deserialize<'de>>(
    json: &'de str,
    tagged: bool,
    max_depth: usize,
) -> Option<T> {
    if json.starts_with('\u{feff}') {
        return None;
    }
    let mut f = Fast {
        s: json,
        b: json.as_bytes(),
        pos: 0,
        tagged,
        max_depth,
        depth: 0,
        bailed: false,
        skip_stack: Vec::new(),
    };
    f.skip_ws();
    let v = T::deserialize(&mut f).ok()?;
    f.skip_ws();
    (!f.bailed && f.pos == f.b.len()).then_some(v)
}

struct Fast<'de> {
    s: &'de str,
    b: &'de [u8],
    pos: usize,
    tagged: bool,
    max_depth: usize,
    /// Containers open around `pos`.
    depth: usize,
    /// Set when this path gives up, so that a visitor that swallows an error cannot make it
    /// succeed.
    bailed: bool,
    /// Skipping: `true` for each open object, `false` for each open array.
    skip_stack: Vec<bool>,
}

/// A decoded string: borrowed from the input when it has no escape.
enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Str<'_> {
    fn as_str(&self) -> &str {
        match self {
            Str::Borrowed(s) => s,
            Str::Owned(s) => s,
        }
    }
}

/// A number as the reader reads it.
enum Num {
    Int(i64),
    Float(f64),
}

fn hex4(b: &[u8]) -> Option<u32> {
    let digits = b.get(..4)?;
    digits.iter().try_fold(0u32, |acc, &c| {
        let d = char::from(c).to_digit(16)?;
        Some((acc << 4) | d)
    })
}

/// The bytes that end a plain run of string text: `"`, `\\` and control characters.
// Indexing in a constant: an index out of range would fail the build, never a run.
#[allow(clippy::indexing_slicing)]
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The offset of the first byte of `b` that ends a plain run of string text, eight bytes at a
/// time: the lowest byte flagged by the classic "has zero byte" / "has byte less than" word
/// tests is exact (a false flag can only sit above a true one), then byte by byte for the tail.
#[inline]
fn string_stop(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let q = w ^ (LO * u64::from(b'"'));
        let s = w ^ (LO * u64::from(b'\\'));
        let m = ((q.wrapping_sub(LO) & !q)
            | (s.wrapping_sub(LO) & !s)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let tail = b.get(i..)?;
    tail.iter()
        .position(|&c| STOP.get(usize::from(c)).copied().unwrap_or(true))
        .map(|p| i + p)
}

/// A key that, first in an object, may make it a tag (or a private `deserialize_any` form).
#[inline]
fn special(key: &str) -> bool {
    key.as_bytes()
        .first()
        .is_some_and(|&c| c == b' ' || c == b'$')
        && value_de::is_special_key(key)
}

impl<'de> Fast<'de> {
    #[inline]
    fn bail<T>(&mut self) -> Result<T, Bail> {
        self.bailed = true;
        Err(Bail)
    }

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

    fn literal(&mut self, lit: &[u8]) -> bool {
        let end = self.pos + lit.len();
        if self.b.get(self.pos..end) == Some(lit) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    #[inline]
    fn enter(&mut self) -> Result<(), Bail> {
        if self.depth >= self.max_depth {
            return self.bail();
        }
        self.depth += 1;
        Ok(())
    }

    /// Expects `c` (after whitespace) and consumes it.
    #[inline]
    fn expect(&mut self, c: u8) -> Result<(), Bail> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.bail()
        }
    }

    /// The string whose opening quote is at `pos`, decoded.
    fn string(&mut self) -> Result<Str<'de>, Bail> {
        self.pos += 1;
        let start = self.pos;
        let rest = self.b.get(start..).unwrap_or(&[]);
        let Some(off) = string_stop(rest) else {
            return self.bail();
        };
        if rest.get(off) == Some(&b'"') {
            self.pos = start + off + 1;
            // At an ASCII byte, hence at a character boundary.
            return match self.s.get(start..start + off) {
                Some(s) => Ok(Str::Borrowed(s)),
                None => self.bail(),
            };
        }
        let mut out = String::new();
        let mut run_start = start;
        let mut i = start + off;
        loop {
            out.push_str(self.s.get(run_start..i).unwrap_or(""));
            match self.b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Str::Owned(out));
                }
                Some(b'\\') => {}
                _ => return self.bail(),
            }
            let esc = i + 1;
            let (c, next) = match self.b.get(esc) {
                Some(b'u') => {
                    let Some((cp, end)) = self.unicode_escape(esc) else {
                        return self.bail();
                    };
                    // A lone surrogate: the exact path's (a Rust string cannot hold it).
                    let Some(c) = char::from_u32(cp) else {
                        return self.bail();
                    };
                    (c, end)
                }
                Some(b'"') => ('"', esc + 1),
                Some(b'\\') => ('\\', esc + 1),
                Some(b'/') => ('/', esc + 1),
                Some(b'b') => ('\u{8}', esc + 1),
                Some(b'f') => ('\u{c}', esc + 1),
                Some(b'n') => ('\n', esc + 1),
                Some(b'r') => ('\r', esc + 1),
                Some(b't') => ('\t', esc + 1),
                _ => return self.bail(),
            };
            out.push(c);
            run_start = next;
            let rest = self.b.get(next..).unwrap_or(&[]);
            let Some(off) = string_stop(rest) else {
                return self.bail();
            };
            i = next + off;
        }
    }

    /// Validates the string whose opening quote is at `pos` without decoding it; returns
    /// whether it holds an escape.
    fn skip_string(&mut self) -> Result<bool, Bail> {
        self.pos += 1;
        let mut escaped = false;
        loop {
            let rest = self.b.get(self.pos..).unwrap_or(&[]);
            let Some(off) = string_stop(rest) else {
                return self.bail();
            };
            let i = self.pos + off;
            match self.b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {}
                _ => return self.bail(),
            }
            escaped = true;
            let esc = i + 1;
            self.pos = match self.b.get(esc) {
                Some(b'u') => match self.unicode_escape(esc) {
                    Some((_, end)) => end,
                    None => return self.bail(),
                },
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => esc + 1,
                _ => return self.bail(),
            };
        }
    }

    /// `\uXXXX` at `u` (and a low surrogate joined as the reader joins it).
    fn unicode_escape(&self, u: usize) -> Option<(u32, usize)> {
        let len = self.b.len();
        let mut end = u + 5;
        let c = match self.b.get(u + 1..) {
            Some(d) if end < len => hex4(d),
            _ => None,
        }?;
        if (0xD800..0xDC00).contains(&c)
            && end + 6 < len
            && self.b.get(end..end + 2) == Some(b"\\u".as_slice())
        {
            let c2 = self.b.get(end + 2..).and_then(hex4)?;
            if (0xDC00..0xE000).contains(&c2) {
                end += 6;
                return Some((0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00), end));
            }
        }
        Some((c, end))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// A number at `pos`, as the reader reads it; more than 18 digits is the exact path's,
    /// except when `skipping` (then any integer the reader reads is valid, and gives 0).
    fn number(&mut self, skipping: bool) -> Result<Num, Bail> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'1'..=b'9') => self.digits(),
            Some(b'0') => self.pos += 1,
            _ => return self.bail(),
        }
        let int_end = self.pos;
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
            return match text.parse::<f64>() {
                Ok(f) => Ok(Num::Float(f)),
                Err(_) => self.bail(),
            };
        }
        let digits = self.b.get(start..int_end).unwrap_or(&[]);
        let (neg, digits) = match digits.split_first() {
            Some((b'-', d)) => (true, d),
            _ => (false, digits),
        };
        if digits.len() > 18 {
            if skipping && digits.len() <= crate::Int::MAX_DIGITS {
                return Ok(Num::Int(0));
            }
            return self.bail();
        }
        let v = digits
            .iter()
            .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
        Ok(Num::Int(if neg { -v } else { v }))
    }

    /// At `{`: whether its first key is special (then `pos` is left at the `{`); otherwise
    /// consumes `{`, the first key and its `:` and returns the key (`None` for `{}`, consumed).
    fn open_object(&mut self) -> Result<Open<'de>, Bail> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(Open::Empty);
            }
            Some(b'"') => {}
            _ => return self.bail(),
        }
        let key = self.string()?;
        if special(key.as_str()) {
            self.pos = start;
            self.depth -= 1;
            return Ok(Open::Special);
        }
        self.expect(b':')?;
        self.skip_ws();
        Ok(Open::Key(key))
    }

    /// At `{` whose first key is special: when it is a tag key followed by a child in the form
    /// Flask writes (a list for `" t"`, a string for the others) and the object closes after
    /// it, consumes the object, validating it as the reader would, and gives the tag and what
    /// the child was read as. Otherwise leaves `pos` at the `{` and gives `None` (the exact
    /// reader's case). Nested children (`" t"`'s list) are left for the caller: `pos` is then
    /// at the `[`, inside the tag's level, and the caller must call [`Fast::tag_end`].
    fn tag_head(&mut self) -> Result<Option<(&'static str, Child<'de>)>, Bail> {
        if !self.tagged {
            return Ok(None);
        }
        let start = self.pos;
        let depth = self.depth;
        let rewind = |f: &mut Fast<'de>| {
            f.pos = start;
            f.depth = depth;
            Ok(None)
        };
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return rewind(self);
        }
        let key = self.string()?;
        let Some(tag) = crate::tag::TAG_KEYS
            .iter()
            .copied()
            .find(|t| *t == key.as_str() && *t != " di")
        else {
            return rewind(self);
        };
        self.skip_ws();
        if self.peek() != Some(b':') {
            return rewind(self);
        }
        self.pos += 1;
        self.skip_ws();
        match (tag, self.peek()) {
            (" t", Some(b'[')) => Ok(Some((tag, Child::List))),
            (" t", _) => rewind(self),
            (_, Some(b'"')) => {
                let child = self.string()?;
                // The object must close here: one key, so a tag.
                self.skip_ws();
                if self.peek() != Some(b'}') {
                    return rewind(self);
                }
                self.pos += 1;
                self.depth -= 1;
                match child {
                    Str::Borrowed(c) => Ok(Some((tag, Child::Str(c)))),
                    // Escapes in a tag's string: not what Flask writes.
                    Str::Owned(_) => rewind(self),
                }
            }
            _ => rewind(self),
        }
    }

    /// After a `" t"` tag's list: the object must close (one key).
    fn tag_end(&mut self) -> Result<(), Bail> {
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            Ok(())
        } else {
            // More keys: not a tag after all; the exact path's.
            self.bail()
        }
    }

    /// Skips (validating) the tagged value at `{` when [`Fast::tag_head`] reads it; `false`
    /// (nothing consumed) when the exact reader must.
    fn skip_tag(&mut self) -> Result<bool, Bail> {
        let start = self.pos;
        let depth = self.depth;
        let Some((tag, child)) = self.tag_head()? else {
            return Ok(false);
        };
        let valid = match (tag, child) {
            (_, Child::List) => {
                self.skip_value()?;
                self.skip_ws();
                if self.peek() != Some(b'}') {
                    self.pos = start;
                    self.depth = depth;
                    return Ok(false);
                }
                self.pos += 1;
                self.depth -= 1;
                true
            }
            (" m", Child::Str(_)) => true,
            (" b", Child::Str(c)) => b64decode(c).is_some(),
            (" u", Child::Str(c)) => c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()),
            (" d", Child::Str(c)) => crate::http_date::parse_canonical(c).is_some(),
            _ => false,
        };
        if !valid {
            // Not the form Flask writes (or not valid): the exact reader decides.
            self.pos = start;
            self.depth = depth;
            return Ok(false);
        }
        Ok(true)
    }

    /// The value at `pos` read by the exact reader (a tagged value), as a [`Value`].
    fn exact_value(&mut self) -> Result<Value, Bail> {
        match read_prefix(self.s, self.pos, self.tagged, self.max_depth, self.depth) {
            Ok((v, end)) => {
                self.pos = end;
                Ok(v)
            }
            Err(_) => self.bail(),
        }
    }

    /// Deserializes the tagged value at `pos` from its [`Value`], by `f`.
    fn via_value<R>(
        &mut self,
        f: impl FnOnce(value_de::ValueDe<'_, Copied>) -> Result<R, crate::SerdeError>,
    ) -> Result<R, Bail> {
        let v = self.exact_value()?;
        match f(value_de::de::<Copied>(&v)) {
            Ok(r) => Ok(r),
            Err(_) => self.bail(),
        }
    }

    /// Skips the value at `pos`, validating it as the reader would (tags included).
    fn skip_value(&mut self) -> Result<(), Bail> {
        let base = self.skip_stack.len();
        let result = self.skip_inner(base);
        self.skip_stack.truncate(base);
        result
    }

    fn skip_inner(&mut self, base: usize) -> Result<(), Bail> {
        'value: loop {
            match self.peek() {
                Some(b'{') => match self.open_object()? {
                    Open::Empty => {}
                    Open::Special => {
                        if !self.skip_tag()? {
                            self.exact_value()?;
                        }
                    }
                    Open::Key(_) => {
                        self.skip_stack.push(true);
                        continue 'value;
                    }
                },
                Some(b'[') => {
                    self.enter()?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        self.depth -= 1;
                    } else {
                        self.skip_stack.push(false);
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.skip_string()?;
                }
                _ => {
                    self.scalar(true)?;
                }
            }
            // The value is complete: close containers, or move to the next item.
            loop {
                let Some(&is_object) = self.skip_stack.last() else {
                    return Ok(());
                };
                if self.skip_stack.len() <= base {
                    return Ok(());
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if is_object {
                            if self.peek() != Some(b'"') {
                                return self.bail();
                            }
                            self.skip_string()?;
                            self.expect(b':')?;
                            self.skip_ws();
                        }
                        continue 'value;
                    }
                    Some(b'}') if is_object => {}
                    Some(b']') if !is_object => {}
                    _ => return self.bail(),
                }
                self.pos += 1;
                self.depth -= 1;
                self.skip_stack.pop();
            }
        }
    }

    /// A literal or number at `pos` (not a string or container).
    fn scalar(&mut self, skipping: bool) -> Result<Scalar, Bail> {
        let s = match self.peek() {
            Some(b'n') if self.literal(b"null") => Scalar::Null,
            Some(b't') if self.literal(b"true") => Scalar::Bool(true),
            Some(b'f') if self.literal(b"false") => Scalar::Bool(false),
            Some(b'N') if self.literal(b"NaN") => Scalar::Num(Num::Float(f64::NAN)),
            Some(b'I') if self.literal(b"Infinity") => Scalar::Num(Num::Float(f64::INFINITY)),
            Some(b'-') if self.literal(b"-Infinity") => Scalar::Num(Num::Float(f64::NEG_INFINITY)),
            _ => Scalar::Num(self.number(skipping)?),
        };
        Ok(s)
    }

    /// After `visit_seq`: whitespace and the `]` (more items: the exact path's).
    fn close(&mut self, c: u8) -> Result<(), Bail> {
        self.expect(c)?;
        self.depth -= 1;
        Ok(())
    }
}

/// The `" b"` tag's `b64decode(s)`, as the reader's untagging does it (ASCII only).
fn b64decode(s: &str) -> Option<Vec<u8>> {
    if s.is_ascii() {
        crate::encoding::python_b64decode(s.as_bytes())
    } else {
        None
    }
}

/// A tag's child as [`Fast::tag_head`] found it.
enum Child<'de> {
    /// `[`: the list is next.
    List,
    /// A string without escapes (consumed, and the object closed).
    Str(&'de str),
}

enum Open<'de> {
    Empty,
    Special,
    Key(Str<'de>),
}

enum Scalar {
    Null,
    Bool(bool),
    Num(Num),
}

fn visit_str<'de, V: Visitor<'de>>(s: Str<'de>, visitor: V) -> Result<V::Value, Bail> {
    match s {
        Str::Borrowed(s) => visitor.visit_borrowed_str(s),
        Str::Owned(s) => visitor.visit_string(s),
    }
}

impl<'de> Fast<'de> {
    fn visit_seq<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Bail> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        let v = visitor.visit_seq(Seq {
            de: self,
            first: true,
        })?;
        self.close(b']')?;
        Ok(v)
    }

    fn visit_map<V: Visitor<'de>>(&mut self, key: Str<'de>, visitor: V) -> Result<V::Value, Bail> {
        // `open_object` counted the level; it closes here.
        let v = visitor.visit_map(Map {
            de: self,
            first: Some(key),
            prev: None,
        })?;
        self.close(b'}')?;
        Ok(v)
    }
}

struct Seq<'a, 'de> {
    de: &'a mut Fast<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Bail;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        self.de.skip_ws();
        if self.de.peek() == Some(b']') {
            return Ok(None);
        }
        if !std::mem::replace(&mut self.first, false) {
            if self.de.peek() != Some(b',') {
                return self.de.bail();
            }
            self.de.pos += 1;
            self.de.skip_ws();
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct Map<'a, 'de> {
    de: &'a mut Fast<'de>,
    /// The first key, already read by `open_object`.
    first: Option<Str<'de>>,
    /// The previous key: keys must increase strictly (no duplicates).
    prev: Option<Str<'de>>,
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = Bail;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        let key = match self.first.take() {
            Some(k) => k,
            None => {
                let de = &mut *self.de;
                de.skip_ws();
                match de.peek() {
                    Some(b'}') => return Ok(None),
                    Some(b',') => de.pos += 1,
                    _ => return de.bail(),
                }
                de.skip_ws();
                if de.peek() != Some(b'"') {
                    return de.bail();
                }
                let key = de.string()?;
                if let Some(prev) = &self.prev {
                    if prev.as_str().as_bytes() >= key.as_str().as_bytes() {
                        return de.bail();
                    }
                }
                de.expect(b':')?;
                de.skip_ws();
                key
            }
        };
        let out = match &key {
            Str::Borrowed(k) => seed.deserialize(KeyDe::<value_de::Borrowed>::new(k)),
            Str::Owned(k) => seed.deserialize(KeyDe::<Copied>::new(k)),
        };
        self.prev = Some(key);
        match out {
            Ok(v) => Ok(Some(v)),
            Err(_) => self.de.bail(),
        }
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Bail> {
        seed.deserialize(&mut *self.de)
    }
}

impl<'de> Deserializer<'de> for &mut Fast<'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.peek() {
            Some(b'{') => match self.open_object()? {
                Open::Empty => visitor.visit_map(de::value::MapDeserializer::new(
                    std::iter::empty::<((), ())>(),
                )),
                Open::Special => self.via_value(|d| d.deserialize_any(visitor)),
                Open::Key(k) => self.visit_map(k, visitor),
            },
            Some(b'[') => self.visit_seq(visitor),
            Some(b'"') => {
                let s = self.string()?;
                visit_str(s, visitor)
            }
            _ => match self.scalar(false)? {
                Scalar::Null => visitor.visit_unit(),
                Scalar::Bool(b) => visitor.visit_bool(b),
                Scalar::Num(Num::Int(i)) => visitor.visit_i64(i),
                Scalar::Num(Num::Float(f)) => visitor.visit_f64(f),
            },
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek() == Some(b'n') && self.literal(b"null") {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek() == Some(b'n') && self.literal(b"null") {
            visitor.visit_unit()
        } else {
            self.bail()
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.peek() {
            Some(b'"') => {
                let s = self.string()?;
                visit_str(s, visitor)
            }
            Some(b'{') => self.tagged_only(|d| d.deserialize_str(visitor)),
            _ => self.bail(),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek() == Some(b'{') {
            let start = (self.pos, self.depth);
            match self.tag_head()? {
                Some((" b", Child::Str(c))) => {
                    if let Some(b) = b64decode(c) {
                        return visitor.visit_byte_buf(b);
                    }
                }
                Some((_, Child::List)) => return self.bail(),
                _ => {}
            }
            (self.pos, self.depth) = start;
        }
        self.tagged_only(|d| d.deserialize_byte_buf(visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.peek() {
            Some(b'[') => self.visit_seq(visitor),
            Some(b'{') => {
                let start = (self.pos, self.depth);
                match self.tag_head()? {
                    Some((" t", Child::List)) => {
                        let v = self.visit_seq(visitor)?;
                        self.tag_end()?;
                        return Ok(v);
                    }
                    Some(_) => return self.bail(),
                    None => {}
                }
                (self.pos, self.depth) = start;
                self.tagged_only(|d| d.deserialize_seq(visitor))
            }
            _ => self.bail(),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek() != Some(b'{') {
            return self.bail();
        }
        match self.open_object()? {
            Open::Empty => visitor
                .visit_map(de::value::MapDeserializer::new(
                    std::iter::empty::<((), ())>(),
                )),
            Open::Special => self.via_value(|d| d.deserialize_map(visitor)),
            Open::Key(k) => self.visit_map(k, visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        match name {
            marker::TUPLE | marker::MARKUP | marker::UUID | marker::DATETIME => {
                if self.peek() == Some(b'{') {
                    let start = (self.pos, self.depth);
                    match (name, self.tag_head()?) {
                        (marker::TUPLE, Some((" t", Child::List))) => {
                            let v = visitor.visit_newtype_struct(&mut *self)?;
                            self.tag_end()?;
                            return Ok(v);
                        }
                        (marker::MARKUP, Some((" m", Child::Str(c)))) => {
                            return visitor.visit_newtype_struct(
                                de::value::BorrowedStrDeserializer::<Bail>::new(c),
                            );
                        }
                        (marker::UUID, Some((" u", Child::Str(c)))) => {
                            if let Ok(u) = u128::from_str_radix(c, 16) {
                                if c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()) {
                                    return visitor.visit_u128(u);
                                }
                            }
                        }
                        (marker::DATETIME, Some((" d", Child::Str(c)))) => {
                            if let Some(dt) = crate::http_date::parse_canonical(c) {
                                return visitor.visit_i64(dt.unix());
                            }
                        }
                        (_, Some((_, Child::List))) => return self.bail(),
                        _ => {}
                    }
                    (self.pos, self.depth) = start;
                }
                self.tagged_only(|d| d.deserialize_newtype_struct(name, visitor))
            }
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        if self.peek() != Some(b'"') {
            // `{"Variant": ...}` and anything else: the exact path's.
            return self.bail();
        }
        let r = match self.string()? {
            Str::Borrowed(s) => visitor.visit_enum(IntoDeserializer::<Bail>::into_deserializer(s)),
            Str::Owned(s) => visitor.visit_enum(IntoDeserializer::<Bail>::into_deserializer(s)),
        };
        r
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64
    }
}

impl<'de> Fast<'de> {
    /// A value that only a tagged value can give: read it exactly when it is one (an object
    /// whose first key is special), else give up.
    fn tagged_only<R>(
        &mut self,
        f: impl FnOnce(value_de::ValueDe<'_, Copied>) -> Result<R, crate::SerdeError>,
    ) -> Result<R, Bail> {
        if self.peek() != Some(b'{') {
            return self.bail();
        }
        let start = self.pos;
        let depth = self.depth;
        match self.open_object()? {
            Open::Special => self.via_value(f),
            _ => {
                self.pos = start;
                self.depth = depth;
                self.bail()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The word-at-a-time scan finds what a byte-by-byte scan finds, at every offset and
    /// alignment, for every byte value.
    #[test]
    fn string_stop_is_the_first_stop_byte() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        for len in 0..20 {
            for at in 0..=len {
                for stop in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    // Bytes above 0x7f and just above the stops around it.
                    for (k, x) in b.iter_mut().enumerate() {
                        *x = [b'a', 0x80, 0xff, b'!', b'#', 0x20, 0x5b, 0x5d][k % 8];
                    }
                    if at < len {
                        b[at] = stop;
                    }
                    assert_eq!(super::string_stop(&b), naive(&b), "{b:?}");
                }
            }
        }
    }
}
