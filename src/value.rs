//! The value model: what a Flask session (or an itsdangerous token) holds.
//!
//! Flask's tagged JSON can carry more than JSON: tuples, bytes, `Markup`, UUIDs and datetimes.
//! Python strings can hold lone surrogates (`"\ud800"` is valid JSON and a valid `str`), so
//! strings are [`Text`], which round-trips them; [`Text::as_str`] gives a `&str` for the
//! overwhelmingly common case of well-formed text. Integers are [`Int`], exact at any size.

use std::fmt;

/// A Python `str`: a sequence of Unicode code points, lone surrogates included.
///
/// Stored as WTF-8 (UTF-8 that may also encode code points U+D800..U+DFFF on their own), which
/// orders like code points, so sorting `Text` sorts the way Python sorts `str` keys.
///
/// ```
/// use flask_cookie::Text;
/// let t = Text::from("héllo");
/// assert_eq!(t.as_str(), Some("héllo"));
/// let lone = Text::from_code_points([0x61, 0xD800]).unwrap();
/// assert_eq!(lone.as_str(), None);
/// assert_eq!(lone.code_points().collect::<Vec<_>>(), vec![0x61, 0xD800]);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text {
    wtf8: SmallBytes,
    /// `true` when `wtf8` is valid UTF-8 (no lone surrogate).
    utf8: bool,
}

/// The bytes of a [`Text`]: up to [`SmallBytes::INLINE`] bytes stored inline (most session
/// keys and values), longer ones on the heap. Reading a session then allocates once per
/// container rather than once per string. Compared, ordered and hashed by content only.
#[derive(Clone)]
enum SmallBytes {
    /// `len` bytes at the start of `buf`.
    Inline {
        len: u8,
        buf: [u8; SmallBytes::INLINE],
    },
    Heap(Vec<u8>),
}

impl SmallBytes {
    /// Inline capacity: the enum stays 32 bytes, as large as the `Vec` it replaces plus a tag.
    const INLINE: usize = 30;

    const fn new() -> SmallBytes {
        SmallBytes::Inline {
            len: 0,
            buf: [0; SmallBytes::INLINE],
        }
    }

    fn from_slice(s: &[u8]) -> SmallBytes {
        let mut b = SmallBytes::new();
        b.extend_from_slice(s);
        b
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            SmallBytes::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or(&[]),
            SmallBytes::Heap(v) => v,
        }
    }

    fn extend_from_slice(&mut self, s: &[u8]) {
        match self {
            SmallBytes::Inline { len, buf } => {
                let start = usize::from(*len);
                let end = start + s.len();
                match (buf.get_mut(start..end), u8::try_from(end)) {
                    (Some(dst), Ok(new_len)) => {
                        dst.copy_from_slice(s);
                        *len = new_len;
                    }
                    _ => {
                        // Too long for inline storage: move to the heap.
                        let mut v = Vec::with_capacity(end.max(2 * SmallBytes::INLINE));
                        v.extend_from_slice(buf.get(..start).unwrap_or(&[]));
                        v.extend_from_slice(s);
                        *self = SmallBytes::Heap(v);
                    }
                }
            }
            SmallBytes::Heap(v) => v.extend_from_slice(s),
        }
    }
}

impl Default for SmallBytes {
    fn default() -> SmallBytes {
        SmallBytes::new()
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &SmallBytes) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SmallBytes {}

impl PartialOrd for SmallBytes {
    fn partial_cmp(&self, other: &SmallBytes) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SmallBytes {
    fn cmp(&self, other: &SmallBytes) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl std::hash::Hash for SmallBytes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state)
    }
}

impl Text {
    /// Text from code points; `None` when a value is above U+10FFFF.
    ///
    /// Surrogates (U+D800..U+DFFF) are kept as they are, one by one: a high surrogate followed by
    /// a low one stays two code points, as in Python.
    pub fn from_code_points<I: IntoIterator<Item = u32>>(points: I) -> Option<Text> {
        let mut t = Text::new();
        for cp in points {
            t.push_code_point(cp)?;
        }
        Some(t)
    }

    /// An empty string.
    pub fn new() -> Text {
        Text {
            wtf8: SmallBytes::new(),
            utf8: true,
        }
    }

    /// Appends one code point (surrogates allowed); `None` when it is above U+10FFFF.
    pub fn push_code_point(&mut self, cp: u32) -> Option<()> {
        if let Some(c) = char::from_u32(cp) {
            let mut buf = [0u8; 4];
            self.wtf8
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else if (0xD800..=0xDFFF).contains(&cp) {
            // Generalised UTF-8: three bytes, like any other BMP code point.
            self.wtf8.extend_from_slice(&[
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]);
            self.utf8 = false;
        } else {
            return None;
        }
        Some(())
    }

    /// Appends a `&str`.
    pub fn push_str(&mut self, s: &str) {
        self.wtf8.extend_from_slice(s.as_bytes());
    }

    /// The text as `&str`, or `None` when it holds a lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        if self.utf8 {
            // The flag is only set while every byte pushed came from a `&str` or a `char`.
            std::str::from_utf8(self.wtf8.as_slice()).ok()
        } else {
            None
        }
    }

    /// `true` when the text holds at least one lone surrogate.
    pub fn has_lone_surrogate(&self) -> bool {
        !self.utf8
    }

    /// The WTF-8 bytes (UTF-8 when [`Text::has_lone_surrogate`] is `false`).
    pub fn as_wtf8(&self) -> &[u8] {
        self.wtf8.as_slice()
    }

    /// The code points, in order.
    pub fn code_points(&self) -> CodePoints<'_> {
        CodePoints {
            rest: self.wtf8.as_slice(),
        }
    }

    /// `true` for the empty string.
    pub fn is_empty(&self) -> bool {
        self.wtf8.as_slice().is_empty()
    }

    /// The text with each lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        match self.as_str() {
            Some(s) => s.to_owned(),
            None => self
                .code_points()
                .map(|cp| char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text {
            wtf8: SmallBytes::from_slice(s.as_bytes()),
            utf8: true,
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text {
            wtf8: SmallBytes::Heap(s.into_bytes()),
            utf8: true,
        }
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.wtf8.as_slice() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.wtf8.as_slice() == other.as_bytes()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => {
                f.write_str("\"")?;
                for cp in self.code_points() {
                    match char::from_u32(cp) {
                        Some(c) => write!(f, "{}", c.escape_debug())?,
                        None => write!(f, "\\u{{{cp:x}}}")?,
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

/// Shows the text, with lone surrogates as U+FFFD.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => f.write_str(s),
            None => f.write_str(&self.to_string_lossy()),
        }
    }
}

/// Iterator over the code points of a [`Text`].
#[derive(Clone, Debug)]
pub struct CodePoints<'a> {
    rest: &'a [u8],
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let (&b0, tail) = self.rest.split_first()?;
        let (len, init) = match b0 {
            0x00..=0x7F => (1, u32::from(b0)),
            0xC0..=0xDF => (2, u32::from(b0 & 0x1F)),
            0xE0..=0xEF => (3, u32::from(b0 & 0x0F)),
            _ => (4, u32::from(b0 & 0x07)),
        };
        let cont = tail.get(..len - 1).unwrap_or(tail);
        let cp = cont
            .iter()
            .fold(init, |acc, &b| (acc << 6) | u32::from(b & 0x3F));
        self.rest = self.rest.get(1 + cont.len()..).unwrap_or(&[]);
        Some(cp)
    }
}

/// A Python `int`: exact at any size.
///
/// Values that fit in `i64` are stored as such; larger ones as their canonical decimal digits.
/// Python (3.11) refuses to convert integers of more than 4300 digits, and so does this crate:
/// see [`Int::MAX_DIGITS`].
///
/// ```
/// use flask_cookie::Int;
/// assert_eq!(Int::from(42).as_i64(), Some(42));
/// let big = Int::from_decimal("1180591620717411303424").unwrap();
/// assert_eq!(big.as_i64(), None);
/// assert_eq!(big.to_string(), "1180591620717411303424");
/// assert_eq!(Int::from_decimal("-0").unwrap(), Int::from(0));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Int(IntRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    /// Canonical decimal (optional `-`, no leading zeros) of a value outside `i64`.
    Big(Box<str>),
}

/// Why [`Int::from_decimal`] refused its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntError {
    /// Not `-?[0-9]+`.
    Syntax,
    /// More digits than [`Int::MAX_DIGITS`].
    TooManyDigits(usize),
}

impl fmt::Display for IntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntError::Syntax => f.write_str("not a decimal integer"),
            IntError::TooManyDigits(n) => write!(
                f,
                "integer has {n} digits, more than the {} Python converts",
                Int::MAX_DIGITS
            ),
        }
    }
}

impl std::error::Error for IntError {}

impl Int {
    /// The most decimal digits an integer may have: CPython's default
    /// `sys.int_info.default_max_str_digits`; `json.loads` fails on longer ones.
    pub const MAX_DIGITS: usize = 4300;

    /// Parses `-?[0-9]+` (leading zeros allowed, `-0` is 0) into its exact value.
    pub fn from_decimal(s: &str) -> Result<Int, IntError> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IntError::Syntax);
        }
        if digits.len() <= 18 {
            // Fast path: at most 18 digits always fit in an i64 (no overflow possible).
            let v = digits
                .bytes()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
            return Ok(Int(IntRepr::Small(if neg { -v } else { v })));
        }
        if digits.len() > Int::MAX_DIGITS {
            return Err(IntError::TooManyDigits(digits.len()));
        }
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            return Ok(Int(IntRepr::Small(0)));
        }
        if trimmed.len() <= 19 {
            if let Ok(v) = trimmed.parse::<i128>() {
                let v = if neg { -v } else { v };
                if let Ok(small) = i64::try_from(v) {
                    return Ok(Int(IntRepr::Small(small)));
                }
            }
        }
        let mut canon = String::with_capacity(trimmed.len() + 1);
        if neg {
            canon.push('-');
        }
        canon.push_str(trimmed);
        Ok(Int(IntRepr::Big(canon.into_boxed_str())))
    }

    /// The value as `i64`, when it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            IntRepr::Small(v) => Some(*v),
            IntRepr::Big(_) => None,
        }
    }

    /// `true` below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            IntRepr::Small(v) => *v < 0,
            IntRepr::Big(s) => s.starts_with('-'),
        }
    }
}

macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Int {
                match i64::try_from(v) {
                    Ok(small) => Int(IntRepr::Small(small)),
                    Err(_) => Int(IntRepr::Big(v.to_string().into_boxed_str())),
                }
            }
        }
    )*};
}
int_from!(i8, i16, i32, i64, u8, u16, u32, u64, i128, u128, isize, usize);

/// The canonical decimal form, as Python's `repr(int)` writes it.
impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => fmt::Display::fmt(v, f),
            IntRepr::Big(s) => f.write_str(s),
        }
    }
}

impl fmt::Debug for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// An aware UTC datetime with whole seconds, years 1 to 9999 (Python's `datetime` range).
///
/// Flask drops microseconds when it writes a datetime, and reads every datetime back as UTC.
///
/// ```
/// use flask_cookie::DateTime;
/// let dt = DateTime::from_unix(1_700_000_000).unwrap();
/// assert_eq!(dt.unix(), 1_700_000_000);
/// assert!(DateTime::from_unix(DateTime::MAX_UNIX + 1).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct DateTime {
    secs: i64,
}

impl DateTime {
    /// `0001-01-01T00:00:00Z` as Unix seconds.
    pub const MIN_UNIX: i64 = -62_135_596_800;
    /// `9999-12-31T23:59:59Z` as Unix seconds.
    pub const MAX_UNIX: i64 = 253_402_300_799;

    /// The datetime `secs` seconds after 1970-01-01T00:00:00Z; `None` outside years 1..=9999.
    pub fn from_unix(secs: i64) -> Option<DateTime> {
        (Self::MIN_UNIX..=Self::MAX_UNIX)
            .contains(&secs)
            .then_some(DateTime { secs })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.secs
    }
}

/// A dict with string keys that keeps insertion order, as Python's `dict` does.
///
/// Inserting a key that is already present replaces its value in place (Python's semantics for
/// `d[k] = v` and for duplicate keys in JSON).
///
/// ```
/// use flask_cookie::{Dict, Value};
/// let mut d = Dict::new();
/// d.insert("b", Value::from(1));
/// d.insert("a", Value::from(2));
/// d.insert("b", Value::from(3));
/// let keys: Vec<_> = d.keys().map(|k| k.to_string()).collect();
/// assert_eq!(keys, ["b", "a"]);
/// assert_eq!(d.get("b"), Some(&Value::from(3)));
/// ```
#[derive(Clone, PartialEq, Default)]
pub struct Dict {
    entries: Vec<(Text, Value)>,
}

impl Dict {
    /// Above this many entries, duplicate detection uses a hash set rather than a scan.
    const LINEAR_DEDUP_MAX: usize = 16;

    /// An empty dict.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// Builds a dict from entries in order; a repeated key keeps its first position and its
    /// last value (as `json.loads` does with duplicate keys). Linear time.
    pub fn from_entries(entries: Vec<(Text, Value)>) -> Dict {
        if entries.len() <= Self::LINEAR_DEDUP_MAX {
            // Keys rarely repeat: then keep the vector as it is (no copy, no allocation).
            // Flask writes keys sorted, so strictly increasing keys (n - 1 comparisons) are the
            // usual proof that none repeats; otherwise compare every pair.
            let increasing = entries.windows(2).all(|w| match w {
                [(a, _), (b, _)] => a.as_wtf8() < b.as_wtf8(),
                _ => true,
            });
            let unique = increasing
                || entries
                    .iter()
                    .enumerate()
                    .all(|(i, (k, _))| !entries.iter().take(i).any(|(k2, _)| k2 == k));
            if unique {
                return Dict { entries };
            }
            let mut d = Dict {
                entries: Vec::with_capacity(entries.len()),
            };
            for (k, v) in entries {
                d.insert(k, v);
            }
            return d;
        }
        let mut index: std::collections::HashMap<Text, usize> =
            std::collections::HashMap::with_capacity(entries.len());
        let mut out: Vec<(Text, Value)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match index.get(&k) {
                Some(&i) => {
                    if let Some(slot) = out.get_mut(i) {
                        slot.1 = v;
                    }
                }
                None => {
                    index.insert(k.clone(), out.len());
                    out.push((k, v));
                }
            }
        }
        Dict { entries: out }
    }

    /// Inserts or replaces (in place) the value for `key`; returns the old value.
    /// Linear in the number of entries.
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_wtf8() == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// Removes `key`, keeping the order of the rest; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_wtf8() == key.as_bytes())?;
        Some(self.entries.remove(i).1)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Text, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Text> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Entries in insertion order, as a slice.
    pub fn entries(&self) -> &[(Text, Value)] {
        &self.entries
    }

    /// The entries, by value.
    pub fn into_entries(self) -> Vec<(Text, Value)> {
        self.entries
    }
}

/// As `f.debug_map()` would write it, without recursion (see [`Value`]'s `Debug`).
impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug::write(f, debug::Root::Dict(self))
    }
}

impl<K: Into<Text>> FromIterator<(K, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Dict {
        Dict::from_entries(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// A value in a Flask session: everything Flask's `TaggedJSONSerializer` can write and read.
///
/// `Clone`, `PartialEq`, `Debug` and `Drop` never recurse: each walks the value with a heap
/// stack, so a value nested a million levels deep is as safe as a flat one. They behave as the
/// derived implementations would (`Debug` writes the same text, `{:#?}` included).
pub enum Value {
    /// `None` (JSON `null`).
    None,
    /// `bool`.
    Bool(bool),
    /// `int`, exact at any size.
    Int(Int),
    /// `float`, including NaN and the infinities (Python writes them as bare `NaN`/`Infinity`).
    Float(f64),
    /// `str`.
    Str(Text),
    /// `bytes` (tag `" b"`).
    Bytes(Vec<u8>),
    /// `list`.
    List(Vec<Value>),
    /// `tuple` (tag `" t"`).
    Tuple(Vec<Value>),
    /// `dict` with string keys.
    Dict(Dict),
    /// `markupsafe.Markup` (tag `" m"`).
    Markup(Text),
    /// `uuid.UUID` (tag `" u"`), as its 128-bit integer.
    Uuid(u128),
    /// `datetime.datetime` (tag `" d"`), UTC, whole seconds.
    DateTime(DateTime),
}

/// `Value::None`, so that `std::mem::take` can move a field out of a value (a `Value` cannot be
/// destructured by move, as it implements `Drop`).
impl Default for Value {
    fn default() -> Value {
        Value::None
    }
}

/// Dropping a value never recurses: a value nested a million levels deep (which only Rust
/// code can build; the JSON reader stops at [`crate::Limits::max_depth`]) is taken apart with a
/// heap stack instead of one stack frame per level.
impl Drop for Value {
    fn drop(&mut self) {
        fn is_container(v: &Value) -> bool {
            matches!(v, Value::List(_) | Value::Tuple(_) | Value::Dict(_))
        }
        // Only containers of containers need the stack; everything else drops shallowly.
        let mut stack: Vec<Value> = match self {
            Value::List(items) | Value::Tuple(items) if items.iter().any(is_container) => {
                std::mem::take(items)
            }
            Value::Dict(d) if d.entries.iter().any(|(_, v)| is_container(v)) => {
                std::mem::take(&mut d.entries)
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect()
            }
            _ => return,
        };
        while let Some(mut v) = stack.pop() {
            match &mut v {
                Value::List(items) | Value::Tuple(items) => stack.append(items),
                Value::Dict(d) => {
                    stack.extend(std::mem::take(&mut d.entries).into_iter().map(|(_, v)| v))
                }
                _ => {}
            }
            // `v` is now a leaf or an empty container: dropping it is shallow.
        }
    }
}

impl Clone for Value {
    fn clone(&self) -> Value {
        /// A container being copied: the source's remaining children and the copy so far.
        enum Copy<'a> {
            Seq {
                src: std::slice::Iter<'a, Value>,
                dst: Vec<Value>,
                tuple: bool,
            },
            Map {
                src: std::slice::Iter<'a, (Text, Value)>,
                dst: Vec<(Text, Value)>,
            },
        }
        /// A copy of a leaf, or the frame that will copy a container.
        fn open(v: &Value) -> Result<Value, Copy<'_>> {
            Ok(match v {
                Value::None => Value::None,
                Value::Bool(b) => Value::Bool(*b),
                Value::Int(i) => Value::Int(i.clone()),
                Value::Float(f) => Value::Float(*f),
                Value::Str(t) => Value::Str(t.clone()),
                Value::Bytes(b) => Value::Bytes(b.clone()),
                Value::Markup(t) => Value::Markup(t.clone()),
                Value::Uuid(u) => Value::Uuid(*u),
                Value::DateTime(d) => Value::DateTime(*d),
                Value::List(items) | Value::Tuple(items) => {
                    return Err(Copy::Seq {
                        src: items.iter(),
                        dst: Vec::with_capacity(items.len()),
                        tuple: matches!(v, Value::Tuple(_)),
                    })
                }
                Value::Dict(d) => {
                    return Err(Copy::Map {
                        src: d.entries.iter(),
                        dst: Vec::with_capacity(d.entries.len()),
                    })
                }
            })
        }
        let mut stack = match open(self) {
            Ok(leaf) => return leaf,
            Err(frame) => vec![frame],
        };
        while let Some(top) = stack.last_mut() {
            // The next child to copy, with its key when the container is a dict.
            let next = match top {
                Copy::Seq { src, .. } => src.next().map(|v| (None, v)),
                Copy::Map { src, .. } => src.next().map(|(k, v)| (Some(k), v)),
            };
            let (key, done) = match next {
                Some((key, child)) => match open(child) {
                    Ok(leaf) => (key, leaf),
                    Err(frame) => {
                        // A dict's key is pushed with the copied child, once it is complete:
                        // keep it on the parent meanwhile.
                        if let (Some(k), Copy::Map { dst, .. }) = (key, &mut *top) {
                            dst.push((k.clone(), Value::None));
                        }
                        stack.push(frame);
                        continue;
                    }
                },
                None => {
                    let finished = match stack.pop() {
                        Some(Copy::Seq { dst, tuple, .. }) if tuple => Value::Tuple(dst),
                        Some(Copy::Seq { dst, .. }) => Value::List(dst),
                        Some(Copy::Map { dst, .. }) => Value::Dict(Dict { entries: dst }),
                        None => Value::None,
                    };
                    match stack.last_mut() {
                        None => return finished,
                        // The parent's slot for a dict child was pushed when the child opened.
                        Some(Copy::Map { dst, .. }) => {
                            if let Some(slot) = dst.last_mut() {
                                slot.1 = finished;
                            }
                            continue;
                        }
                        Some(Copy::Seq { dst, .. }) => {
                            dst.push(finished);
                            continue;
                        }
                    }
                }
            };
            match (top, key) {
                (Copy::Seq { dst, .. }, _) => dst.push(done),
                (Copy::Map { dst, .. }, Some(k)) => dst.push((k.clone(), done)),
                (Copy::Map { .. }, None) => {}
            }
        }
        // Unreachable: the loop returns when the outermost container is finished.
        Value::None
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        let mut stack: Vec<(&Value, &Value)> = vec![(self, other)];
        while let Some(pair) = stack.pop() {
            match pair {
                (Value::None, Value::None) => {}
                (Value::Bool(a), Value::Bool(b)) if a == b => {}
                (Value::Int(a), Value::Int(b)) if a == b => {}
                (Value::Float(a), Value::Float(b)) if a == b => {}
                (Value::Str(a), Value::Str(b)) | (Value::Markup(a), Value::Markup(b)) if a == b => {
                }
                (Value::Bytes(a), Value::Bytes(b)) if a == b => {}
                (Value::Uuid(a), Value::Uuid(b)) if a == b => {}
                (Value::DateTime(a), Value::DateTime(b)) if a == b => {}
                (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b))
                    if a.len() == b.len() =>
                {
                    stack.extend(a.iter().zip(b.iter()));
                }
                (Value::Dict(a), Value::Dict(b)) if a.entries.len() == b.entries.len() => {
                    for ((ka, va), (kb, vb)) in a.entries.iter().zip(b.entries.iter()) {
                        if ka != kb {
                            return false;
                        }
                        stack.push((va, vb));
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug::write(f, debug::Root::Value(self))
    }
}

/// `Debug` for [`Value`] and [`Dict`] with an explicit stack, writing what `#[derive(Debug)]`
/// (and `debug_map` for a dict) would write, in both the plain and the `{:#?}` form.
mod debug {
    use std::fmt::{self, Write as _};

    use super::{Dict, Text, Value};

    pub(super) enum Root<'a> {
        Value(&'a Value),
        Dict(&'a Dict),
    }

    enum Items<'a> {
        Seq(std::slice::Iter<'a, Value>),
        Map(std::slice::Iter<'a, (Text, Value)>),
    }

    /// An open `[...]` or `{...}`: the brackets are at indentation `level`, the items one deeper.
    struct Frame<'a> {
        items: Items<'a>,
        level: usize,
        started: bool,
        /// Inside a variant's parentheses (`List(...)`), closed after the bracket.
        wrapped: bool,
    }

    struct Out<'f, 'g> {
        f: &'f mut fmt::Formatter<'g>,
        pretty: bool,
    }

    impl Out<'_, '_> {
        fn newline(&mut self, level: usize) -> fmt::Result {
            if self.pretty {
                self.f.write_char('\n')?;
                for _ in 0..level {
                    self.f.write_str("    ")?;
                }
            }
            Ok(())
        }

        /// `x`'s own `Debug`, its continuation lines indented to `level` in the pretty form.
        fn leaf(&mut self, x: &dyn fmt::Debug, level: usize) -> fmt::Result {
            if !self.pretty {
                return x.fmt(self.f);
            }
            let text = format!("{x:#?}");
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.newline(level)?;
                }
                self.f.write_str(line)?;
            }
            Ok(())
        }

        /// `Name(x)` at `level`, as a derived tuple variant is written.
        fn variant(&mut self, name: &str, x: &dyn fmt::Debug, level: usize) -> fmt::Result {
            self.f.write_str(name)?;
            self.f.write_char('(')?;
            self.newline(level + 1)?;
            self.leaf(x, level + 1)?;
            if self.pretty {
                self.f.write_char(',')?;
            }
            self.newline(level)?;
            self.f.write_char(')')
        }

        /// Writes `v` at `level`: whole if it is a leaf, else its opening and its frame.
        fn value<'a>(
            &mut self,
            v: &'a Value,
            level: usize,
        ) -> Result<Option<Frame<'a>>, fmt::Error> {
            let (name, items) = match v {
                Value::None => return self.f.write_str("None").map(|()| None),
                Value::Bool(b) => return self.variant("Bool", b, level).map(|()| None),
                Value::Int(i) => return self.variant("Int", i, level).map(|()| None),
                Value::Float(x) => return self.variant("Float", x, level).map(|()| None),
                Value::Str(t) => return self.variant("Str", t, level).map(|()| None),
                Value::Bytes(b) => return self.variant("Bytes", b, level).map(|()| None),
                Value::Markup(t) => return self.variant("Markup", t, level).map(|()| None),
                Value::Uuid(u) => return self.variant("Uuid", u, level).map(|()| None),
                Value::DateTime(d) => return self.variant("DateTime", d, level).map(|()| None),
                Value::List(items) => ("List", Items::Seq(items.iter())),
                Value::Tuple(items) => ("Tuple", Items::Seq(items.iter())),
                Value::Dict(d) => ("Dict", Items::Map(d.entries.iter())),
            };
            self.f.write_str(name)?;
            self.f.write_char('(')?;
            self.newline(level + 1)?;
            self.open(items, level + 1, true).map(Some)
        }

        fn open<'a>(
            &mut self,
            items: Items<'a>,
            level: usize,
            wrapped: bool,
        ) -> Result<Frame<'a>, fmt::Error> {
            self.f.write_char(match items {
                Items::Seq(_) => '[',
                Items::Map(_) => '{',
            })?;
            Ok(Frame {
                items,
                level,
                started: false,
                wrapped,
            })
        }
    }

    pub(super) fn write(f: &mut fmt::Formatter<'_>, root: Root<'_>) -> fmt::Result {
        let pretty = f.alternate();
        let mut out = Out { f, pretty };
        let mut stack = Vec::new();
        let first = match root {
            Root::Value(v) => out.value(v, 0)?,
            Root::Dict(d) => Some(out.open(Items::Map(d.entries.iter()), 0, false)?),
        };
        stack.extend(first);
        while let Some(top) = stack.last_mut() {
            let level = top.level;
            let next = match &mut top.items {
                Items::Seq(it) => it.next().map(|v| (None, v)),
                Items::Map(it) => it.next().map(|(k, v)| (Some(k), v)),
            };
            let started = std::mem::replace(&mut top.started, true);
            if started && (pretty || next.is_some()) {
                out.f.write_str(if pretty { "," } else { ", " })?;
            }
            let Some((key, v)) = next else {
                let frame = stack.pop();
                let (is_seq, wrapped) = match &frame {
                    Some(fr) => (matches!(fr.items, Items::Seq(_)), fr.wrapped),
                    None => (true, false),
                };
                if started {
                    out.newline(level)?;
                }
                out.f.write_char(if is_seq { ']' } else { '}' })?;
                if wrapped {
                    if pretty {
                        out.f.write_char(',')?;
                    }
                    out.newline(level.saturating_sub(1))?;
                    out.f.write_char(')')?;
                }
                continue;
            };
            out.newline(level + 1)?;
            if let Some(k) = key {
                out.leaf(k, level + 1)?;
                out.f.write_str(": ")?;
            }
            if let Some(frame) = out.value(v, level + 1)? {
                stack.push(frame);
            }
        }
        Ok(())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(Int::from(v))
            }
        }
    )*};
}
value_from_int!(i8, i16, i32, i64, u8, u16, u32, u64, i128, u128, isize, usize);

impl From<Int> for Value {
    fn from(v: Int) -> Value {
        Value::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(Text::from(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(Text::from(v))
    }
}

impl From<Text> for Value {
    fn from(v: Text) -> Value {
        Value::Str(v)
    }
}

impl From<Dict> for Value {
    fn from(v: Dict) -> Value {
        Value::Dict(v)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::List(v)
    }
}

impl From<DateTime> for Value {
    fn from(v: DateTime) -> Value {
        Value::DateTime(v)
    }
}

impl Value {
    /// The dict, if this is one.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The dict, taken by value, if this is one; otherwise the value back. (A `Value` implements
    /// `Drop`, so a pattern cannot move the dict out of it.)
    ///
    /// ```
    /// use flask_cookie::{Codec, Value};
    ///
    /// let codec = Codec::flask("test key").build()?;
    /// let opened = codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", 1_700_000_000)?;
    /// let mut session = opened.value.into_dict().expect("a Flask session is a dict");
    /// session.insert("user_id", Value::from(42));
    /// assert_eq!(session.len(), 2);
    /// assert!(Value::from(1).into_dict().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_dict(mut self) -> Result<Dict, Value> {
        if let Value::Dict(d) = &mut self {
            return Ok(std::mem::take(d));
        }
        Err(self)
    }

    /// The string, if this is a `str` without lone surrogates.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(t) => t.as_str(),
            _ => None,
        }
    }

    /// The integer as `i64`, if this is an `int` that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i.as_i64(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod small_bytes_tests {
    use super::*;

    /// Inline and heap texts of the same content are equal, ordered and hashed alike, and
    /// growing past the inline capacity keeps every byte.
    #[test]
    fn small_bytes_behave_as_their_content() {
        use std::hash::{Hash, Hasher};
        fn h(t: &Text) -> u64 {
            let mut s = std::collections::hash_map::DefaultHasher::new();
            t.hash(&mut s);
            s.finish()
        }
        assert!(std::mem::size_of::<SmallBytes>() <= 32);
        for len in [0, 1, 29, 30, 31, 60, 200] {
            let s: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let inline = Text::from(s.as_str());
            let heap = Text::from(s.clone());
            let mut pushed = Text::new();
            for c in s.chars() {
                pushed.push_str(c.encode_utf8(&mut [0; 4]));
            }
            assert_eq!(inline, heap);
            assert_eq!(inline, pushed);
            assert_eq!(inline.as_str(), Some(s.as_str()));
            assert_eq!(pushed.as_wtf8(), s.as_bytes());
            assert_eq!(h(&inline), h(&heap));
            assert_eq!(inline.cmp(&heap), std::cmp::Ordering::Equal);
            let longer = Text::from(format!("{s}b"));
            assert!(inline < longer && heap < longer);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The API a service needs around a session (issue 10, item 2): more of `dict`'s methods, typed
// accessors, Python truthiness and conversions from Rust types.
// ---------------------------------------------------------------------------------------------

impl Dict {
    /// The value for `key`, mutably.
    ///
    /// ```
    /// use flask_cookie::{Dict, Value};
    /// let mut d: Dict = [("n", Value::from(1))].into_iter().collect();
    /// if let Some(v) = d.get_mut("n") {
    ///     *v = Value::from(2);
    /// }
    /// assert_eq!(d.get("n"), Some(&Value::from(2)));
    /// ```
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.as_wtf8() == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// `true` when `key` is present (Python's `key in d`).
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, _)| k.as_wtf8() == key.as_bytes())
    }

    /// Removes every entry (Python's `d.clear()`).
    pub fn clear(&mut self) {
        // Through `Value`'s own drop, which never recurses.
        self.entries.clear();
    }

    /// Keeps the entries for which `keep` returns `true`, in order.
    ///
    /// ```
    /// use flask_cookie::{Dict, Value};
    /// let mut d: Dict = [("a", Value::from(1)), ("b", Value::from(2))].into_iter().collect();
    /// d.retain(|k, _| k != "a");
    /// assert_eq!(d.len(), 1);
    /// assert!(d.contains_key("b"));
    /// ```
    pub fn retain(&mut self, mut keep: impl FnMut(&Text, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entry for `key`, to read, change or insert in place with one lookup.
    ///
    /// ```
    /// use flask_cookie::{Dict, Value};
    /// let mut d = Dict::new();
    /// *d.entry("visits").or_insert(0) = Value::from(1);
    /// d.entry("visits").and_modify(|v| *v = Value::from(v.as_i64().unwrap_or(0) + 1));
    /// assert_eq!(d.get("visits"), Some(&Value::from(2)));
    /// ```
    pub fn entry(&mut self, key: impl Into<Text>) -> Entry<'_> {
        let key = key.into();
        match self.entries.iter().position(|(k, _)| *k == key) {
            Some(index) => Entry::Occupied(OccupiedEntry {
                entries: &mut self.entries,
                index,
            }),
            None => Entry::Vacant(VacantEntry {
                entries: &mut self.entries,
                key,
            }),
        }
    }

    /// Entries in insertion order, values mutable.
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&Text, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Values in insertion order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }
}

static NONE: Value = Value::None;
static EMPTY_TEXT: &Text = &Text {
    wtf8: SmallBytes::new(),
    utf8: true,
};

/// One entry of a [`Dict`], from [`Dict::entry`].
#[derive(Debug)]
pub enum Entry<'a> {
    /// The key is present.
    Occupied(OccupiedEntry<'a>),
    /// The key is absent.
    Vacant(VacantEntry<'a>),
}

/// A present entry of a [`Dict`].
#[derive(Debug)]
pub struct OccupiedEntry<'a> {
    entries: &'a mut Vec<(Text, Value)>,
    /// In bounds: the entry borrows the dict, so nothing else can shrink it.
    index: usize,
}

/// The entry at `index`, which the caller knows is in bounds (an [`OccupiedEntry`]'s index,
/// or the index of the last entry just pushed).
// In bounds by construction (see the callers); `entries` cannot change in between.
#[allow(clippy::indexing_slicing)]
fn slot_at(entries: &mut [(Text, Value)], index: usize) -> &mut (Text, Value) {
    &mut entries[index]
}

/// An absent entry of a [`Dict`]: inserting appends it (Python's insertion order).
#[derive(Debug)]
pub struct VacantEntry<'a> {
    entries: &'a mut Vec<(Text, Value)>,
    key: Text,
}

impl<'a> Entry<'a> {
    /// The key.
    pub fn key(&self) -> &Text {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => &e.key,
        }
    }

    /// The value, inserting `default` first when absent (Python's `d.setdefault(k, v)`).
    pub fn or_insert(self, default: impl Into<Value>) -> &'a mut Value {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default),
        }
    }

    /// The value, inserting `make()` first when absent.
    pub fn or_insert_with<V: Into<Value>>(self, make: impl FnOnce() -> V) -> &'a mut Value {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(make()),
        }
    }

    /// Changes the value in place when present.
    pub fn and_modify(self, change: impl FnOnce(&mut Value)) -> Entry<'a> {
        match self {
            Entry::Occupied(mut e) => {
                change(e.get_mut());
                Entry::Occupied(e)
            }
            vacant => vacant,
        }
    }
}

impl<'a> OccupiedEntry<'a> {
    /// The key.
    pub fn key(&self) -> &Text {
        // `get` cannot miss (see `index`); the fallback only keeps this free of panics.
        self.entries.get(self.index).map_or(EMPTY_TEXT, |(k, _)| k)
    }

    /// The value.
    pub fn get(&self) -> &Value {
        self.entries.get(self.index).map_or(&NONE, |(_, v)| v)
    }

    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut Value {
        &mut slot_at(self.entries, self.index).1
    }

    /// The value, mutably, for the entry's whole borrow.
    pub fn into_mut(self) -> &'a mut Value {
        &mut slot_at(self.entries, self.index).1
    }

    /// Replaces the value in place; returns the old one.
    pub fn insert(&mut self, value: impl Into<Value>) -> Value {
        std::mem::replace(self.get_mut(), value.into())
    }

    /// Removes the entry, keeping the order of the rest (Python's `del d[k]`); returns its
    /// value.
    pub fn remove(self) -> Value {
        let index = self.index;
        self.entries.remove(index).1
    }
}

impl<'a> VacantEntry<'a> {
    /// The key.
    pub fn key(&self) -> &Text {
        &self.key
    }

    /// Appends the entry; returns its value.
    pub fn insert(self, value: impl Into<Value>) -> &'a mut Value {
        let index = self.entries.len();
        self.entries.push((self.key, value.into()));
        // In bounds: `index` is the length before the push.
        &mut slot_at(self.entries, index).1
    }
}

impl Value {
    /// Python's truthiness (`bool(value)`): `None`, `False`, `0`, `0.0`, `-0.0` and empty
    /// strings, bytes, Markup and containers are false; everything else (NaN, every UUID and
    /// datetime included) is true.
    ///
    /// ```
    /// use flask_cookie::Value;
    /// assert!(!Value::None.is_truthy());
    /// assert!(!Value::from(0).is_truthy());
    /// assert!(!Value::from("").is_truthy());
    /// assert!(Value::from(f64::NAN).is_truthy());
    /// assert!(Value::from("False").is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => i.as_i64() != Some(0),
            Value::Float(f) => *f != 0.0,
            Value::Str(t) | Value::Markup(t) => !t.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(items) | Value::Tuple(items) => !items.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Uuid(_) | Value::DateTime(_) => true,
        }
    }

    /// The boolean, if this is a `bool` (not its truthiness: see [`Value::is_truthy`]).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The float, if this is a `float` (an `int` is not converted).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The integer, if this is an `int` (any size).
    pub fn as_int(&self) -> Option<&Int> {
        match self {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The text, if this is a `str` (lone surrogates included).
    pub fn as_text(&self) -> Option<&Text> {
        match self {
            Value::Str(t) => Some(t),
            _ => None,
        }
    }

    /// The markup text, if this is a `Markup`.
    pub fn as_markup(&self) -> Option<&Text> {
        match self {
            Value::Markup(t) => Some(t),
            _ => None,
        }
    }

    /// The bytes, if this is a `bytes`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The items, if this is a `list`.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The items, mutably, if this is a `list`.
    pub fn as_list_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The items, if this is a `tuple`.
    pub fn as_tuple(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The UUID as its 128-bit integer, if this is a `uuid.UUID`.
    pub fn as_uuid(&self) -> Option<u128> {
        match self {
            Value::Uuid(u) => Some(*u),
            _ => None,
        }
    }

    /// The datetime, if this is a `datetime.datetime`.
    pub fn as_datetime(&self) -> Option<DateTime> {
        match self {
            Value::DateTime(d) => Some(*d),
            _ => None,
        }
    }

    /// The dict, mutably, if this is one.
    ///
    /// ```
    /// use flask_cookie::{Dict, Value};
    /// let mut v = Value::from(Dict::new());
    /// v.as_dict_mut().unwrap().insert("a", 1);
    /// assert_eq!(v.as_dict().unwrap().get("a"), Some(&Value::from(1)));
    /// ```
    pub fn as_dict_mut(&mut self) -> Option<&mut Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::Float(f64::from(v))
    }
}

/// `bytes`.
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

/// `bytes`.
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

/// `None` for `None`, the value otherwise.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::None, Into::into)
    }
}

macro_rules! value_from_tuple {
    ($($name:ident),+) => {
        /// A `tuple`.
        impl<$($name: Into<Value>),+> From<($($name,)+)> for Value {
            #[allow(non_snake_case)]
            fn from(($($name,)+): ($($name,)+)) -> Value {
                Value::Tuple(vec![$($name.into()),+])
            }
        }
    };
}
value_from_tuple!(A);
value_from_tuple!(A, B);
value_from_tuple!(A, B, C);
value_from_tuple!(A, B, C, D);
value_from_tuple!(A, B, C, D, E);
value_from_tuple!(A, B, C, D, E, F);

#[cfg(test)]
mod api_tests {
    use super::*;

    #[test]
    fn dict_methods() {
        let mut d = Dict::new();
        assert_eq!(d.insert("a", 1), None);
        assert_eq!(d.insert("b", "x"), None);
        assert_eq!(d.insert("a", true), Some(Value::from(1)));
        assert!(d.contains_key("a") && !d.contains_key("c"));
        *d.get_mut("b").unwrap() = Value::from(2.5);
        assert_eq!(d.get("b"), Some(&Value::Float(2.5)));
        assert!(d.get_mut("zz").is_none());
        d.retain(|_, v| v.as_bool().is_none());
        assert_eq!(d.keys().map(|k| k.to_string()).collect::<Vec<_>>(), ["b"]);
        for (_, v) in d.iter_mut() {
            *v = Value::None;
        }
        assert_eq!(d.values().collect::<Vec<_>>(), [&Value::None]);
        d.clear();
        assert!(d.is_empty());
    }

    #[test]
    fn entry_api() {
        let mut d = Dict::new();
        assert_eq!(d.entry("k").key(), "k");
        assert_eq!(*d.entry("k").or_insert(1), Value::from(1));
        // Present: or_insert keeps the old value (setdefault).
        assert_eq!(*d.entry("k").or_insert(9), Value::from(1));
        d.entry("k").and_modify(|v| *v = Value::from(3));
        d.entry("new").and_modify(|v| *v = Value::from(4));
        assert!(!d.contains_key("new"));
        *d.entry("w").or_insert_with(|| "x") = Value::from("y");
        assert_eq!(d.get("w"), Some(&Value::from("y")));
        match d.entry("k") {
            Entry::Occupied(mut e) => {
                assert_eq!(e.key(), "k");
                assert_eq!(e.insert(5), Value::from(3));
                assert_eq!(e.get(), &Value::from(5));
            }
            Entry::Vacant(_) => panic!("k is present"),
        }
        match d.entry("w") {
            Entry::Occupied(e) => assert_eq!(e.remove(), Value::from("y")),
            Entry::Vacant(_) => panic!("k is present"),
        }
        match d.entry("v") {
            Entry::Vacant(e) => {
                assert_eq!(e.key(), "v");
                *e.insert(Value::None) = Value::from(6);
            }
            Entry::Occupied(_) => panic!("v is absent"),
        }
        let keys: Vec<String> = d.keys().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["k", "v"]);
        assert_eq!(d.get("v"), Some(&Value::from(6)));
    }

    /// Python's `bool(x)` for each kind (checked against CPython by hand: `bool(float("nan"))`
    /// is `True`, `bool(uuid.UUID(int=0))` is `True`, `bool(-0.0)` is `False`).
    #[test]
    fn truthiness() {
        let falsy = [
            Value::None,
            Value::Bool(false),
            Value::from(0),
            Value::Float(0.0),
            Value::Float(-0.0),
            Value::from(""),
            Value::Bytes(vec![]),
            Value::List(vec![]),
            Value::Tuple(vec![]),
            Value::Dict(Dict::new()),
            Value::Markup(Text::new()),
        ];
        for v in &falsy {
            assert!(!v.is_truthy(), "{v:?}");
        }
        let truthy = [
            Value::Bool(true),
            Value::from(-1),
            Value::Int(Int::from_decimal("100000000000000000000000").unwrap()),
            Value::Float(f64::NAN),
            Value::from("0"),
            Value::from(vec![0u8]),
            Value::List(vec![Value::None]),
            Value::from((Value::None,)),
            Value::Uuid(0),
            Value::DateTime(DateTime::from_unix(0).unwrap()),
            Value::Markup(Text::from("x")),
        ];
        for v in &truthy {
            assert!(v.is_truthy(), "{v:?}");
        }
    }

    #[test]
    fn accessors_and_conversions() {
        assert_eq!(Value::from(true).as_bool(), Some(true));
        assert_eq!(Value::from(1).as_bool(), None);
        assert_eq!(Value::from(1.5f32).as_f64(), Some(1.5));
        assert_eq!(Value::from(1).as_f64(), None);
        assert_eq!(Value::from(7).as_int(), Some(&Int::from(7)));
        assert_eq!(Value::from(vec![1u8, 2]).as_bytes(), Some(&[1u8, 2][..]));
        assert_eq!(Value::from(&b"z"[..]).as_bytes(), Some(&b"z"[..]));
        assert_eq!(Value::from("s").as_text(), Some(&Text::from("s")));
        assert_eq!(
            Value::Markup(Text::from("m")).as_markup(),
            Some(&Text::from("m"))
        );
        assert_eq!(
            Value::from((1, "a")).as_tuple(),
            Some(&[Value::from(1), Value::from("a")][..])
        );
        assert_eq!(Value::from((1, "a")).as_list(), None);
        let mut l = Value::from(vec![Value::from(1)]);
        l.as_list_mut().unwrap().push(Value::None);
        assert_eq!(l.as_list().map(<[Value]>::len), Some(2));
        assert_eq!(Value::Uuid(5).as_uuid(), Some(5));
        let dt = DateTime::from_unix(10).unwrap();
        assert_eq!(Value::from(dt).as_datetime(), Some(dt));
        assert_eq!(Value::from(None::<i32>), Value::None);
        assert_eq!(Value::from(Some("x")), Value::from("x"));
        assert_eq!(
            Value::from((1, 2, 3, 4, 5, 6))
                .as_tuple()
                .map(<[Value]>::len),
            Some(6)
        );
        let mut d = Value::from(Dict::new());
        d.as_dict_mut().unwrap().insert("a", 1);
        assert_eq!(d.as_dict().unwrap().len(), 1);
        assert!(Value::None.as_dict_mut().is_none());
    }
}
