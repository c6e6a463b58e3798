//! Wordlist lines: plain bytes, or Flask-Unsign's Python string and bytes literals.
//!
//! Flask-Unsign reads each line with `ast.literal_eval(line.strip())` and uses the resulting
//! `str` (encoded as UTF-8 by itsdangerous) or `bytes` as the key. Here a line is a literal
//! when, after ASCII whitespace, it starts with a quote or a string prefix and a quote (`'`,
//! `"`, `b'`, `rb"`, `u'`, ...); its value is what `ast.literal_eval` gives (checked against
//! Python by `fixtures/vectors/gen_wordlist_literals.py`): implicit concatenation
//! (`'a' 'b'`), triple quotes, raw strings, a trailing `# comment`, and Python 3's escapes.
//! Any other line is a plain key, its bytes as they are (a trailing `\r` of CRLF removed).
//!
//! Not supported (the line counts as malformed): `\N{NAME}` escapes (they need Unicode's name
//! table), and `str` literals whose text is not UTF-8 or that hold lone surrogates (which
//! itsdangerous cannot encode either).

use std::borrow::Cow;
use std::fmt;

/// One wordlist line, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// An empty line (the empty key is always tried anyway).
    Empty,
    /// A plain line: the key is its bytes.
    Plain(&'a [u8]),
    /// A Python literal: the key is its value (`str` as UTF-8).
    Literal(Cow<'a, [u8]>),
    /// A line that looks like a literal but is none; the raw line is still worth trying as a
    /// plain key (Flask-Unsign does that too).
    Malformed(&'a [u8], LiteralError),
}

/// Why a literal-looking line is not a Python literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralError {
    /// A string without its closing quote.
    Unterminated,
    /// `\x` without two hex digits, `\u`/`\U` without their digits, or beyond U+10FFFF.
    BadEscape,
    /// `\N{...}`: valid Python, not supported here.
    NamedEscape,
    /// A `str` literal holding a lone surrogate (`\ud800`): not encodable as UTF-8.
    Surrogate,
    /// A non-ASCII character in a bytes literal.
    NonAsciiBytes,
    /// The line is not UTF-8 (Python decodes it first).
    NotUtf8,
    /// A NUL byte in the line (Python refuses source with one).
    NulByte,
    /// Bytes and `str` literals concatenated.
    MixedKinds,
    /// Something other than a literal, whitespace or a comment after a literal.
    TrailingText,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LiteralError::Unterminated => "unterminated string",
            LiteralError::BadEscape => "invalid escape",
            LiteralError::NamedEscape => "\\N{...} escapes are not supported",
            LiteralError::Surrogate => "lone surrogate",
            LiteralError::NonAsciiBytes => "non-ASCII character in a bytes literal",
            LiteralError::NotUtf8 => "not UTF-8",
            LiteralError::NulByte => "NUL byte",
            LiteralError::MixedKinds => "bytes and str literals mixed",
            LiteralError::TrailingText => "text after the literal",
        })
    }
}

impl std::error::Error for LiteralError {}

/// ASCII whitespace as Python's `str.strip()` sees it.
fn is_space(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | 0x1c..=0x1f
    )
}

/// The string prefix at the start of `s` and the quote after it, if `s` starts a literal:
/// `(bytes, raw, prefix length)`.
fn literal_start(s: &[u8]) -> Option<(bool, bool, usize)> {
    let mut bytes = false;
    let mut raw = false;
    let mut unicode = false;
    for (n, &c) in s.iter().take(3).enumerate() {
        match c.to_ascii_lowercase() {
            b'\'' | b'"' => {
                // `u` cannot combine with `b` or `r`.
                if unicode && n > 1 {
                    return None;
                }
                return Some((bytes, raw, n));
            }
            b'b' if !bytes && !unicode => bytes = true,
            b'r' if !raw && !unicode => raw = true,
            b'u' if n == 0 => unicode = true,
            _ => return None,
        }
    }
    None
}

/// Reads one wordlist line (without its `\n`; a trailing `\r` is removed here).
pub fn parse_line(line: &[u8]) -> Line<'_> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Line::Empty;
    }
    let start = line
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(line.len());
    match line.get(start..).and_then(literal_start) {
        None => Line::Plain(line),
        Some((_, _, plen)) => match simple_literal(line, start + plen) {
            Some(key) => Line::Literal(Cow::Borrowed(key)),
            None => match parse_literal(line) {
                Ok(v) => Line::Literal(Cow::Owned(v)),
                Err(e) => Line::Malformed(line, e),
            },
        },
    }
}

/// The fast path of [`parse_line`], for the common `'text'`: a quote, then text with no
/// backslash, quote, CR, LF or NUL (and ASCII, so the same for bytes and `str`), then the
/// same quote and nothing but spaces and tabs. Its value is the text itself.
fn simple_literal(line: &[u8], quote_at: usize) -> Option<&[u8]> {
    let rest = line.get(quote_at..)?;
    let (&q, body) = rest.split_first()?;
    let end = body.iter().position(|&b| b == q)?;
    let (text, after) = (body.get(..end)?, body.get(end + 1..)?);
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b'\\' | b'\'' | b'"' | b'\r' | b'\n' | 0);
    // An empty text may open a triple quote: left to the full parser.
    let ok = !text.is_empty()
        && text.iter().all(plain)
        && after.iter().all(|&b| b == b' ' || b == b'\t');
    ok.then_some(text)
}

/// Python's `ast.literal_eval` on a line made of string or bytes literals (UTF-8 for `str`).
pub fn parse_literal(line: &[u8]) -> Result<Vec<u8>, LiteralError> {
    if line.contains(&0) {
        return Err(LiteralError::NulByte);
    }
    let text = std::str::from_utf8(line).map_err(|_| LiteralError::NotUtf8)?;
    // Flask-Unsign's `line.strip()` (Python's whitespace: Unicode's, and U+001C..U+001F).
    let text = text.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c));
    let s: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut kind: Option<bool> = None;
    let mut i = 0;
    loop {
        // Between tokens, Python's tokenizer skips spaces, tabs and form feeds.
        while s.get(i).is_some_and(|&c| matches!(c, ' ' | '\t' | '\x0c')) {
            i += 1;
        }
        let Some(&c) = s.get(i) else { break };
        if c == '#' {
            break;
        }
        let head: Vec<u8> = s
            .iter()
            .skip(i)
            .take(3)
            .map(|&c| if c.is_ascii() { c as u8 } else { 0 })
            .collect();
        let (bytes, raw, plen) = literal_start(&head).ok_or(LiteralError::TrailingText)?;
        if kind.is_some_and(|k| k != bytes) {
            return Err(LiteralError::MixedKinds);
        }
        kind = Some(bytes);
        i += plen;
        let quote = *s.get(i).ok_or(LiteralError::Unterminated)?;
        let triple = s.get(i + 1) == Some(&quote) && s.get(i + 2) == Some(&quote);
        i += if triple { 3 } else { 1 };
        i = body(&s, i, quote, triple, bytes, raw, &mut out)?;
    }
    Ok(out)
}

/// Reads a literal's body from `s[i..]` up to and including its closing quote(s), appending
/// its value to `out`; returns the index after the closing quote(s).
fn body(
    s: &[char],
    mut i: usize,
    quote: char,
    triple: bool,
    bytes: bool,
    raw: bool,
    out: &mut Vec<u8>,
) -> Result<usize, LiteralError> {
    let push_char = |out: &mut Vec<u8>, c: char| -> Result<(), LiteralError> {
        if bytes {
            if !c.is_ascii() {
                return Err(LiteralError::NonAsciiBytes);
            }
            out.push(c as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    };
    // A code point from an escape: a byte in bytes literals, a character in str ones.
    let push_code = |out: &mut Vec<u8>, v: u32| -> Result<(), LiteralError> {
        if bytes {
            out.push((v & 0xff) as u8);
            Ok(())
        } else {
            match char::from_u32(v) {
                Some(c) => push_char(out, c),
                None if (0xd800..0xe000).contains(&v) => Err(LiteralError::Surrogate),
                None => Err(LiteralError::BadEscape),
            }
        }
    };
    loop {
        let c = *s.get(i).ok_or(LiteralError::Unterminated)?;
        if c == quote {
            if !triple {
                return Ok(i + 1);
            }
            if s.get(i + 1) == Some(&quote) && s.get(i + 2) == Some(&quote) {
                return Ok(i + 3);
            }
            push_char(out, c)?;
            i += 1;
            continue;
        }
        if (c == '\r' || c == '\n') && !triple {
            return Err(LiteralError::Unterminated);
        }
        if c != '\\' {
            push_char(out, c)?;
            i += 1;
            continue;
        }
        // A backslash.
        let e = *s.get(i + 1).ok_or(LiteralError::Unterminated)?;
        if raw {
            // Kept as is, but it still stops the next character from closing the string.
            push_char(out, '\\')?;
            push_char(out, e)?;
            i += 2;
            continue;
        }
        i += 2;
        let simple = match e {
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        match e {
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match s.get(i).and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                push_code(out, v)?;
            }
            'x' => {
                let v = hex(s, i, 2)?;
                i += 2;
                push_code(out, v)?;
            }
            'u' | 'U' if !bytes => {
                let n = if e == 'u' { 4 } else { 8 };
                let v = hex(s, i, n)?;
                i += n;
                push_code(out, v)?;
            }
            'N' if !bytes => return Err(LiteralError::NamedEscape),
            '\n' => {}
            _ => {
                // An unknown escape keeps its backslash (Python warns, and keeps it).
                out.push(b'\\');
                push_char(out, e)?;
            }
        }
    }
}

/// `n` hex digits at `s[i..]`.
fn hex(s: &[char], i: usize, n: usize) -> Result<u32, LiteralError> {
    let mut v: u32 = 0;
    for k in 0..n {
        let d = s
            .get(i + k)
            .and_then(|c| c.to_digit(16))
            .ok_or(LiteralError::BadEscape)?;
        v = v.checked_mul(16).ok_or(LiteralError::BadEscape)? + d;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_literal_lines() {
        assert_eq!(parse_line(b"secret\r"), Line::Plain(b"secret"));
        assert_eq!(parse_line(b""), Line::Empty);
        assert_eq!(parse_line(b"\r"), Line::Empty);
        assert_eq!(parse_line(b"bob"), Line::Plain(b"bob"));
        let lit = |v: &[u8]| Line::Literal(Cow::Owned(v.to_vec()));
        assert_eq!(parse_line(b"'a\\x00'"), lit(b"a\0"));
        assert_eq!(parse_line(b"b'\\x00\\xff'"), lit(&[0, 0xff]));
        assert_eq!(parse_line(b"'\\xff'"), lit(&[0xc3, 0xbf]));
        assert_eq!(parse_line(b"  'simple key'\t"), lit(b"simple key"));
        assert_eq!(parse_line(b"'simple' 'two'"), lit(b"simpletwo"));
        assert_eq!(parse_line(b"'simple' # c"), lit(b"simple"));
        assert!(matches!(
            parse_line(b"'unterminated"),
            Line::Malformed(_, LiteralError::Unterminated)
        ));
    }
}
