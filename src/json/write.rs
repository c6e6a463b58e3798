//! The writer: CPython 3.11's C encoder (`c_make_encoder`) with `separators=(",", ":")`, and
//! Flask's `TaggedJSONSerializer.tag` applied on the way.

use crate::encoding;
use crate::http_date;
use crate::tag;
use crate::value::{Dict, Text, Value};

use super::{JsonOptions, WriteError};

/// The lowercase hex digit of the low four bits of `n` (Python writes `\u00e9`, not `\u00E9`).
fn hex_digit(n: u32) -> u8 {
    // Truncation intended: only the low four bits are kept.
    let d = (n & 15) as u8;
    if d < 10 {
        b'0' + d
    } else {
        b'a' + (d - 10)
    }
}

struct Writer<'a> {
    opts: JsonOptions,
    max_depth: usize,
    out: &'a mut Vec<u8>,
    /// A lone surrogate was written raw: Python builds the whole text, then fails to encode it.
    lone_surrogate: bool,
    /// Write lone surrogates as `\udXXX` escapes even without `ensure_ascii`.
    escape_lone_surrogates: bool,
}

/// The items of an open container still to be written.
enum Items<'v> {
    /// List or tuple items (or the single value of a `" di"` wrapper).
    Values(std::slice::Iter<'v, Value>),
    /// Dict entries in their own order.
    Entries(std::slice::Iter<'v, (Text, Value)>),
    /// Dict entries in sorted order (a sorting copy of the references).
    Sorted(std::vec::IntoIter<&'v (Text, Value)>),
    /// The entries of a dict of at most [`SMALL_DICT`] entries in sorted order: their indices
    /// (the first `entries.len()` of `order`) sorted in place, and how many were written.
    SortedSmall {
        entries: &'v [(Text, Value)],
        order: [u8; SMALL_DICT],
        at: usize,
    },
}

/// The largest dict sorted through an array of indices rather than a vector of references.
const SMALL_DICT: usize = 32;

impl<'v> Items<'v> {
    /// The next dict entry (`None` for list items).
    fn next_entry(&mut self) -> Option<&'v (Text, Value)> {
        match self {
            Items::Values(_) => None,
            Items::Entries(it) => it.next(),
            Items::Sorted(it) => it.next(),
            Items::SortedSmall { entries, order, at } => {
                if *at >= entries.len() {
                    return None;
                }
                let i = order.get(*at).copied()?;
                *at += 1;
                entries.get(usize::from(i))
            }
        }
    }
}

/// An open container: its remaining items, the level of its items' containers, and the bytes
/// that close it (`]`, `}`, or `]}`/`}}` for a tag wrapper around it).
struct Frame<'v> {
    items: Items<'v>,
    /// Nesting level of the container (the outermost is level 1).
    depth: usize,
    /// `false` until the first item is written (no comma before it).
    started: bool,
    close: &'static [u8],
}

/// What [`write`] writes: a value, or a dict that is not inside a `Value` (a session).
#[derive(Clone, Copy)]
pub(super) enum Root<'a> {
    Value(&'a Value),
    Dict(&'a Dict),
}

/// Appends the JSON text of `value`; see [`super::write()`].
pub(super) fn write(
    value: Root<'_>,
    opts: &JsonOptions,
    max_depth: usize,
    escape_lone_surrogates: bool,
    out: &mut Vec<u8>,
) -> Result<(), WriteError> {
    let start = out.len();
    let mut w = Writer {
        opts: *opts,
        max_depth,
        out,
        lone_surrogate: false,
        escape_lone_surrogates,
    };
    let mut result = w.run(value);
    if result.is_ok() && w.lone_surrogate {
        result = Err(WriteError::LoneSurrogate);
    }
    if result.is_err() {
        w.out.truncate(start);
    }
    result
}

impl<'v> Writer<'_> {
    /// Writes `root` with an explicit stack of open containers: no recursion, whatever the
    /// depth.
    fn run(&mut self, root: Root<'v>) -> Result<(), WriteError> {
        let mut stack: Vec<Frame<'v>> = Vec::new();
        let first = match root {
            Root::Value(v) => self.value(v, 0)?,
            Root::Dict(d) => Some(self.dict(d, 0)?),
        };
        if let Some(frame) = first {
            stack.push(frame);
        }
        while let Some(top) = stack.last_mut() {
            let depth = top.depth;
            let started = std::mem::replace(&mut top.started, true);
            let next = match &mut top.items {
                Items::Values(it) => it.next(),
                dict => dict.next_entry().map(|(k, v)| {
                    self.entry_key(started, k);
                    v
                }),
            };
            let Some(v) = next else {
                let close = top.close;
                self.out.extend_from_slice(close);
                stack.pop();
                continue;
            };
            if started && matches!(top.items, Items::Values(_)) {
                self.out.push(b',');
            }
            if let Some(frame) = self.value(v, depth)? {
                stack.push(frame);
            }
        }
        Ok(())
    }

    /// `,` (unless first) + `"key":`.
    fn entry_key(&mut self, started: bool, key: &Text) {
        if started {
            self.out.push(b',');
        }
        self.string(key, None);
        self.out.push(b':');
    }

    /// Checks that a container may open at level `depth + 1` and returns that level.
    fn enter(&self, depth: usize) -> Result<usize, WriteError> {
        if depth >= self.max_depth {
            return Err(WriteError::TooDeep {
                limit: self.max_depth,
            });
        }
        Ok(depth + 1)
    }

    /// `{"<tag>":` for a tag wrapper object at level `depth + 1`; returns that level.
    fn open_tag(&mut self, depth: usize, tag: &str) -> Result<usize, WriteError> {
        let depth = self.enter(depth)?;
        self.out.extend_from_slice(b"{\"");
        self.out.extend_from_slice(tag.as_bytes());
        self.out.extend_from_slice(b"\":");
        Ok(depth)
    }

    /// Writes a scalar (or a tag wrapper of one) whole; for a container inside containers of
    /// level `depth`, writes its opening and returns its frame.
    fn value(&mut self, v: &'v Value, depth: usize) -> Result<Option<Frame<'v>>, WriteError> {
        let tagged = self.opts.tagged;
        match v {
            Value::None => self.out.extend_from_slice(b"null"),
            Value::Bool(true) => self.out.extend_from_slice(b"true"),
            Value::Bool(false) => self.out.extend_from_slice(b"false"),
            Value::Int(i) => {
                use std::io::Write;
                let _ = write!(self.out, "{i}");
            }
            Value::Float(f) => self.float(*f),
            Value::Str(t) => self.string(t, None),
            Value::List(items) => return self.list(items, depth, b"]").map(Some),
            Value::Tuple(items) if tagged => {
                let d = self.open_tag(depth, " t")?;
                return self.list(items, d, b"]}").map(Some);
            }
            Value::Tuple(items) => return self.list(items, depth, b"]").map(Some),
            Value::Dict(d) => return self.dict(d, depth).map(Some),
            Value::Markup(t) if tagged => {
                self.open_tag(depth, " m")?;
                self.string(t, None);
                self.out.push(b'}');
            }
            Value::Markup(t) => self.string(t, None),
            Value::Bytes(b) if tagged => {
                self.open_tag(depth, " b")?;
                // Base64 needs no escaping: written straight into the quotes.
                self.out.push(b'"');
                encoding::b64_std_encode(b, self.out);
                self.out.extend_from_slice(b"\"}");
            }
            Value::Uuid(u) if tagged => {
                self.open_tag(depth, " u")?;
                let s = format!("{u:032x}");
                self.ascii_string(&s);
                self.out.push(b'}');
            }
            Value::DateTime(dt) if tagged => {
                self.open_tag(depth, " d")?;
                let mut s = String::with_capacity(29);
                http_date::format(*dt, &mut s);
                self.ascii_string(&s);
                self.out.push(b'}');
            }
            Value::Bytes(_) => return Err(unsupported("bytes")),
            Value::Uuid(_) => return Err(unsupported("UUID")),
            Value::DateTime(_) => return Err(unsupported("datetime")),
        }
        Ok(None)
    }

    fn float(&mut self, f: f64) {
        if f.is_nan() {
            self.out.extend_from_slice(b"NaN");
        } else if f.is_infinite() {
            let s: &[u8] = if f < 0.0 { b"-Infinity" } else { b"Infinity" };
            self.out.extend_from_slice(s);
        } else {
            let mut s = String::with_capacity(32);
            crate::pyrepr::float_repr(f, &mut s);
            self.out.extend_from_slice(s.as_bytes());
        }
    }

    fn list(
        &mut self,
        items: &'v [Value],
        depth: usize,
        close: &'static [u8],
    ) -> Result<Frame<'v>, WriteError> {
        let depth = self.enter(depth)?;
        self.out.push(b'[');
        Ok(Frame {
            items: Items::Values(items.iter()),
            depth,
            started: false,
            close,
        })
    }

    fn dict(&mut self, dict: &'v Dict, depth: usize) -> Result<Frame<'v>, WriteError> {
        if self.opts.tagged {
            if let [(key, value)] = dict.entries() {
                if tag::is_tag_key(key) {
                    // `{" di": {KEY + "__": tag(value)}}`
                    let d = self.open_tag(depth, " di")?;
                    let d = self.enter(d)?;
                    self.out.push(b'{');
                    self.string(key, Some("__"));
                    self.out.push(b':');
                    return Ok(Frame {
                        items: Items::Values(std::slice::from_ref(value).iter()),
                        depth: d,
                        started: false,
                        close: b"}}",
                    });
                }
            }
        }
        let depth = self.enter(depth)?;
        self.out.push(b'{');
        // Sessions read from a cookie already have sorted keys: then no sorting copy is needed.
        let sorted = || {
            dict.entries().windows(2).all(|w| match w {
                [(a, _), (b, _)] => a.as_wtf8() < b.as_wtf8(),
                _ => true,
            })
        };
        let items = if self.opts.sort_keys && dict.len() > 1 && !sorted() {
            let entries = dict.entries();
            if entries.len() <= SMALL_DICT {
                let mut order: [u8; SMALL_DICT] = std::array::from_fn(|i| i as u8);
                let key = |i: &u8| entries.get(usize::from(*i)).map(|(k, _)| k.as_wtf8());
                if let Some(head) = order.get_mut(..entries.len()) {
                    head.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
                }
                Items::SortedSmall {
                    entries,
                    order,
                    at: 0,
                }
            } else {
                let mut refs: Vec<&(Text, Value)> = entries.iter().collect();
                refs.sort_unstable_by(|a, b| a.0.as_wtf8().cmp(b.0.as_wtf8()));
                Items::Sorted(refs.into_iter())
            }
        } else {
            Items::Entries(dict.entries().iter())
        };
        Ok(Frame {
            items,
            depth,
            started: false,
            close: b"}",
        })
    }

    /// A string known to need no escaping (base64, hex, HTTP dates).
    fn ascii_string(&mut self, s: &str) {
        self.out.push(b'"');
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(b'"');
    }

    fn escape_u(&mut self, cp: u32) {
        self.out.extend_from_slice(&[
            b'\\',
            b'u',
            hex_digit(cp >> 12),
            hex_digit(cp >> 8),
            hex_digit(cp >> 4),
            hex_digit(cp),
        ]);
    }

    /// `"` + escaped `t` + `suffix` (plain ASCII) + `"`.
    fn string(&mut self, t: &Text, suffix: Option<&str>) {
        let ascii = self.opts.ensure_ascii;
        // Without `ensure_ascii`, a lone surrogate is either escaped (its WTF-8 form is
        // ED A0..BF xx) or written raw and the text refused afterwards, as Python does.
        let escape_surrogates = !ascii && self.escape_lone_surrogates && t.has_lone_surrogate();
        if !ascii && !escape_surrogates && t.has_lone_surrogate() {
            self.lone_surrogate = true;
        }
        let bytes = t.as_wtf8();
        self.out.push(b'"');
        let mut run = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let plain = if ascii {
                (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'
            } else if escape_surrogates && b == 0xED {
                // U+D000..U+D7FF (second byte below A0) are ordinary characters.
                !matches!(bytes.get(i + 1), Some(0xA0..=0xBF))
            } else {
                b >= 0x20 && b != b'"' && b != b'\\'
            };
            if plain {
                i += 1;
                continue;
            }
            self.out
                .extend_from_slice(bytes.get(run..i).unwrap_or_default());
            let short: Option<&[u8]> = match b {
                b'"' => Some(b"\\\""),
                b'\\' => Some(b"\\\\"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                0x08 => Some(b"\\b"),
                0x0c => Some(b"\\f"),
                _ => None,
            };
            if let Some(s) = short {
                self.out.extend_from_slice(s);
                i += 1;
            } else if b < 0x80 {
                self.escape_u(u32::from(b));
                i += 1;
            } else {
                // Non-ASCII, with ensure_ascii: decode one WTF-8 sequence.
                let (len, init) = match b {
                    0xC0..=0xDF => (2, u32::from(b & 0x1F)),
                    0xE0..=0xEF => (3, u32::from(b & 0x0F)),
                    _ => (4, u32::from(b & 0x07)),
                };
                let cont = bytes.get(i + 1..i + len).unwrap_or_default();
                let cp = cont
                    .iter()
                    .fold(init, |acc, &c| (acc << 6) | u32::from(c & 0x3F));
                if cp >= 0x10000 {
                    let v = cp - 0x10000;
                    self.escape_u(0xD800 | (v >> 10));
                    self.escape_u(0xDC00 | (v & 0x3FF));
                } else {
                    self.escape_u(cp);
                }
                i += 1 + cont.len();
            }
            run = i;
        }
        self.out
            .extend_from_slice(bytes.get(run..).unwrap_or_default());
        if let Some(s) = suffix {
            self.out.extend_from_slice(s.as_bytes());
        }
        self.out.push(b'"');
    }
}

fn unsupported(type_name: &'static str) -> WriteError {
    WriteError::Unsupported { type_name }
}
