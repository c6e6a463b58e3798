//! Reading the request: the cookies of `Cookie` header values, as Werkzeug parses them.
//!
//! Flask reads the session cookie as `request.cookies.get(SESSION_COOKIE_NAME)`. Werkzeug 3.1
//! builds `request.cookies` in `werkzeug.sansio.request.Request.cookies`:
//! `parse_cookie(";".join(self.headers.getlist("Cookie")))`, with `parse_cookie` from
//! `werkzeug/sansio/http.py`. Under WSGI the header text is the raw bytes decoded as latin-1
//! (PEP 3333), so every byte is one character, and the first cookie of a name wins
//! (`MultiDict.get`).
//!
//! ## Several `Cookie` headers
//!
//! Werkzeug itself joins several `Cookie` header values with `";"` (the `Request.cookies`
//! above): that is what [`cookie_value`] and [`parse_cookie_headers`] do. Under WSGI,
//! though, the application sees one `HTTP_COOKIE` value that the *server* built, and servers
//! differ: Werkzeug's development server and gunicorn join repeated headers with `","`,
//! Werkzeug's test client (`EnvironBuilder`) with `", "`. Werkzeug does not split cookies on
//! `,`, so there the last cookie of each header but the last swallows the next header's text
//! (`a=1` and `b=2` joined as `a=1, b=2` give one cookie `a` with value `1, b=2`). If your
//! Flask app runs behind such a server and you must agree with it exactly, join the values
//! the way it does and call [`parse_cookie`] on the result. Browsers send a single `Cookie`
//! header over HTTP/1.1; HTTP/2 and HTTP/3 clients may split it, and RFC 9113 tells servers
//! to join the parts with `"; "`, which parses as `";"` does.

use std::borrow::Cow;

use crate::swar;

/// Python's `str.isspace()` for the characters a latin-1 header can hold (what `str.strip()`
/// removes): `\t \n \v \f \r`, `\x1c`..`\x1f`, space, `\x85` and `\xa0`.
fn py_isspace_latin1(b: u8) -> bool {
    matches!(b, 0x09..=0x0D | 0x1C..=0x20 | 0x85 | 0xA0)
}

/// `\s` of a `re.ASCII` pattern: `[ \t\n\r\f\v]`.
fn re_ascii_space(b: u8) -> bool {
    matches!(b, 0x09..=0x0D | 0x20)
}

/// `str.strip()` of latin-1 text (bytes).
fn py_strip(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !py_isspace_latin1(b));
    let end = s.iter().rposition(|&b| !py_isspace_latin1(b));
    match (start, end) {
        (Some(a), Some(z)) => s.get(a..=z).unwrap_or(&[]),
        _ => &[],
    }
}

/// Latin-1 bytes as text: each byte is the code point of the same value.
fn latin1(s: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(s) {
        // ASCII (the usual cookie): the same characters, the bytes themselves.
        Ok(ascii) if s.is_ascii() => Cow::Borrowed(ascii),
        _ => Cow::Owned(s.iter().map(|&b| char::from(b)).collect()),
    }
}

/// `_cookie_unslash_re.sub(_cookie_unslash_replace, inner.encode()).decode(errors="replace")`
/// (werkzeug/sansio/http.py, `parse_cookie`) on the latin-1 text `inner`: `\ooo` (first digit
/// 0-3) becomes that byte, `\` before any other character but a newline becomes that character.
fn unslash(inner: &[u8]) -> String {
    // `.encode()`: the latin-1 characters as UTF-8.
    let text = latin1(inner);
    let utf8 = text.as_bytes();
    let mut out = Vec::with_capacity(utf8.len());
    let mut i = 0;
    while let Some(&b) = utf8.get(i) {
        if b == b'\\' {
            let octal = match utf8.get(i + 1..i + 4) {
                Some([a @ b'0'..=b'3', m @ b'0'..=b'7', z @ b'0'..=b'7']) => {
                    Some(((a - b'0') << 6) | ((m - b'0') << 3) | (z - b'0'))
                }
                _ => None,
            };
            if let Some(v) = octal {
                out.push(v);
                i += 4;
                continue;
            }
            match utf8.get(i + 1) {
                // `.` in a bytes pattern: any byte but a newline.
                Some(&c) if c != b'\n' => {
                    out.push(c);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(b);
        i += 1;
    }
    // Python's "replace" and Rust's lossy decoding both replace each maximal invalid
    // subsequence by one U+FFFD (Unicode's recommended practice); the vectors check it.
    String::from_utf8_lossy(&out).into_owned()
}

/// The cookies of one `Cookie` header value (its raw bytes), in order, duplicates kept:
/// Werkzeug's `parse_cookie` (werkzeug/sansio/http.py) on the latin-1 text of the bytes.
///
/// Names are latin-1 text (each byte one character, so a raw UTF-8 name reads as mojibake,
/// as in Flask); a value is latin-1 text too, unless it was quoted: then it is the UTF-8
/// decoding of its unescaped bytes, invalid sequences replaced by U+FFFD.
///
/// ```
/// use flask_cookie::session::parse_cookie;
/// let cookies = parse_cookie(br#"a=1; b="x\073y"; a=2; =skipped; c"#);
/// let pairs: Vec<(&str, &str)> = cookies.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(pairs, [("a", "1"), ("b", "x;y"), ("a", "2"), ("c", "")]);
/// ```
pub fn parse_cookie(header: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for_each_cookie(header, |name, value| {
        out.push((latin1(name).into_owned(), cookie_text(value).into_owned()));
        true
    });
    out
}

/// [`parse_cookie`] of several `Cookie` header values joined with `";"`, as Werkzeug's
/// `Request.cookies` joins them (see the module documentation for what WSGI servers do).
pub fn parse_cookie_headers<H: AsRef<[u8]>>(headers: &[H]) -> Vec<(String, String)> {
    parse_cookie(&join(headers))
}

/// The value of the first cookie named `name` in the `Cookie` header values `headers`:
/// Flask's `request.cookies.get(name)` (see [`parse_cookie_headers`]); `None` when absent.
///
/// The value is text; itsdangerous signs and checks its UTF-8 bytes
/// ([`crate::Codec::open`] takes them as they are). `name` matches when it equals the
/// header's latin-1 text: `"sé"` matches the raw byte `0xE9`, not the UTF-8 bytes `C3 A9`
/// (as in Flask under WSGI), and a name with a character above U+00FF never matches.
///
/// ```
/// use flask_cookie::session::cookie_value;
/// let headers = [&b"theme=dark; session=\"abc\""[..], b"session=second"];
/// assert_eq!(cookie_value(&headers, "session").as_deref(), Some("abc"));
/// assert_eq!(cookie_value(&headers, "other"), None);
/// ```
pub fn cookie_value<H: AsRef<[u8]>>(headers: &[H], name: &str) -> Option<String> {
    with_cookie_value(headers, name, |v| v.map(str::to_owned))
}

/// Runs `f` on [`cookie_value`]'s answer, borrowed from the headers when it can be (an
/// unquoted ASCII value, the usual session cookie): no copy of it is made.
pub(crate) fn with_cookie_value<H: AsRef<[u8]>, R>(
    headers: &[H],
    name: &str,
    f: impl FnOnce(Option<&str>) -> R,
) -> R {
    let joined = join(headers);
    let mut found = None;
    for_each_cookie(&joined, |n, v| {
        if latin1_eq(n, name) {
            found = Some(v);
            return false;
        }
        true
    });
    f(found.map(cookie_text).as_deref())
}

/// `";".join(values)` (the bytes of the first value alone when there is one).
fn join<H: AsRef<[u8]>>(headers: &[H]) -> Cow<'_, [u8]> {
    match headers {
        [] => Cow::Borrowed(&[][..]),
        [one] => Cow::Borrowed(one.as_ref()),
        many => {
            let mut v = Vec::with_capacity(many.iter().map(|h| h.as_ref().len() + 1).sum());
            for (i, h) in many.iter().enumerate() {
                if i > 0 {
                    v.push(b';');
                }
                v.extend_from_slice(h.as_ref());
            }
            Cow::Owned(v)
        }
    }
}

/// `true` when the latin-1 text `bytes` equals `name`.
fn latin1_eq(bytes: &[u8], name: &str) -> bool {
    let mut chars = name.chars();
    for &b in bytes {
        match chars.next() {
            Some(c) if u32::from(c) == u32::from(b) => {}
            _ => return false,
        }
    }
    chars.next().is_none()
}

/// The value's text: quoted values (`"..."` after stripping) are unslashed, others are latin-1
/// (borrowed when ASCII).
fn cookie_text(value: &[u8]) -> Cow<'_, str> {
    match value {
        [b'"', inner @ .., b'"'] => Cow::Owned(unslash(inner)),
        _ => latin1(value),
    }
}

/// Calls `f(name, value)` for each cookie of `header`, names and values stripped as Python
/// strips them, empty names skipped, until `f` returns `false`.
///
/// Mirrors `parse_cookie` in werkzeug/sansio/http.py: `_cookie_re.findall(header + ";")` with
/// `_cookie_re` = `([^=;]*)(?:\s*=\s*("(?:[^\\"]|\\.)*"|.*?))?\s*;\s*` (`re.ASCII`, so `\s` is
/// `[ \t\n\r\f\v]` and `.` is any character but `\n`), then `ck.strip()`, `cv.strip()`.
///
/// How that regex matches at a position `p` (its backtracking never finds another match):
/// the name runs to the first `=` or `;`. At a `;` the match ends there (no value). At a `=`,
/// after `\s*` the value is a quoted string when one closes there and is followed by `\s*;`,
/// or else the shortest run of non-newline characters followed by `\s*;`; when neither exists
/// (a newline comes first) there is no match at `p`, nor anywhere up to that `=`, and the
/// search resumes after it (as `findall` does, one position at a time).
fn for_each_cookie<'h>(header: &'h [u8], mut f: impl FnMut(&'h [u8], &'h [u8]) -> bool) {
    if header.is_empty() {
        // `if not cookie: return cls()`
        return;
    }
    // `header + ";"`, without the copy: the final `;` is index `n`, one past the end (`semi_at`).
    let s = header;
    let n = s.len();
    // A lazy value scan that failed at the newline at `lazy_fail`: any later scan starting at
    // or before it fails there too (the earlier scan tried every end position up to it), so
    // failures cost linear time overall, as they need not in Python.
    let mut lazy_fail: Option<usize> = None;
    let mut pos = 0;
    while pos <= n {
        // The first `=` or `;` (the final `;` at the latest).
        let m = s
            .get(pos..)
            .and_then(|rest| rest.iter().position(|&b| b == b'=' || b == b';'))
            .map_or(n, |off| pos + off);
        let name = s.get(pos..m).unwrap_or(&[]);
        // (value, index of the `;` ending the match)
        let matched: Option<(&[u8], usize)> = if semi_at(s, m) {
            Some((&[][..], m))
        } else {
            let v = skip_ws(s, m + 1);
            quoted_value(s, v)
                .and_then(|close| {
                    let semi = skip_ws(s, close + 1);
                    semi_at(s, semi).then(|| (s.get(v..=close).unwrap_or(&[]), semi))
                })
                .or_else(|| {
                    if lazy_fail.is_some_and(|nl| v <= nl) {
                        return None;
                    }
                    match lazy_value_end(s, v) {
                        Ok(end) => Some((s.get(v..end).unwrap_or(&[]), skip_ws(s, end))),
                        Err(nl) => {
                            lazy_fail = Some(nl);
                            None
                        }
                    }
                })
        };
        match matched {
            Some((value, semi)) => {
                let name = py_strip(name);
                if !name.is_empty() && !f(name, py_strip(value)) {
                    return;
                }
                pos = skip_ws(s, semi + 1);
            }
            // No match at `pos`, nor at any position up to the `=` at `m`.
            None => pos = m + 1,
        }
    }
}

/// The index of the first byte at or after `i` that `\s` does not match.
fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|&b| re_ascii_space(b)) {
        i += 1;
    }
    i
}

/// `"(?:[^\\"]|\\.)*"` at `start`: the index of the closing quote.
fn quoted_value(s: &[u8], start: usize) -> Option<usize> {
    if s.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    loop {
        match *s.get(i)? {
            b'"' => return Some(i),
            b'\\' => match s.get(i + 1) {
                Some(&c) if c != b'\n' => i += 2,
                // A backslash before a newline (or the end) matches neither branch.
                _ => return None,
            },
            _ => i += 1,
        }
    }
}

/// `.*?\s*;` from `start`, in `s + ";"`: `Ok(k)`, the end of the shortest `.*?` (the first `k`
/// at which `\s*;` matches, no newline before it), or `Err(nl)`, the newline that stops `.`
/// first.
fn lazy_value_end(s: &[u8], start: usize) -> Result<usize, usize> {
    let mut k = start;
    loop {
        // At a `;` (the final one at the latest) or at whitespace.
        k = next_stop(s, k);
        if semi_at(s, k) {
            return Ok(k);
        }
        // `\s*;` from anywhere in this run of whitespace lands on the same byte.
        let j = skip_ws(s, k);
        if semi_at(s, j) {
            return Ok(k);
        }
        if let Some(off) = s
            .get(k..j)
            .and_then(|run| run.iter().position(|&c| c == b'\n'))
        {
            return Err(k + off);
        }
        k = j;
    }
}

/// `true` at a `;` of `s + ";"`: one of `s`, or the final one, one past its end.
fn semi_at(s: &[u8], i: usize) -> bool {
    i == s.len() || s.get(i) == Some(&b';')
}

/// The index of the first `;` or `\s` byte at or after `from` (`s.len()` when there is none).
///
/// A cookie value is long and has neither, so the bytes are looked at eight at a time: a word
/// with no byte below 0x21 (every `\s` byte is) and no `;` is skipped whole; a word with one
/// (or a false alarm: a borrow can flag the byte after a true one) is looked at byte by byte.
fn next_stop(s: &[u8], from: usize) -> usize {
    let is_stop = |b: u8| b == b';' || re_ascii_space(b);
    let rest = s.get(from..).unwrap_or_default();
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    for chunk in words.by_ref() {
        let x = swar::word(chunk);
        if swar::below(x, 0x21) | swar::equal(x, b';') != 0 {
            if let Some(i) = chunk.iter().position(|&b| is_stop(b)) {
                return at + i;
            }
        }
        at += 8;
    }
    let tail = words.remainder();
    at + tail.iter().position(|&b| is_stop(b)).unwrap_or(tail.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(h: &[u8]) -> Vec<(String, String)> {
        parse_cookie(h)
    }

    /// Outputs of Werkzeug 3.1.8's `parse_cookie` (see fixtures/vectors/gen_session.py for the
    /// full set; these are the ones worth reading).
    #[test]
    fn werkzeug_examples() {
        let p = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(pairs(b"a=1, b=2"), [p("a", "1, b=2")]);
        assert_eq!(pairs(b"a=\"x\\073y\"; a=2"), [p("a", "x;y"), p("a", "2")]);
        assert_eq!(pairs(b"a=\"\\377\""), [p("a", "\u{fffd}")]);
        assert_eq!(
            pairs(b" =x; b ; c=; d = 4 ;e=\"unterminated"),
            [
                p("b", ""),
                p("c", ""),
                p("d", "4"),
                p("e", "\"unterminated")
            ]
        );
        assert_eq!(pairs(b"a=1;;b=2"), [p("a", "1"), p("b", "2")]);
        assert_eq!(
            pairs(b"a=\"\\\"q\\\"\" x; b=1"),
            [p("a", "\"\\\"q\\\"\" x"), p("b", "1")]
        );
        assert_eq!(pairs(b"a=x\ny; b=2"), [p("x\ny", ""), p("b", "2")]);
        assert_eq!(
            pairs(b"a=\xff\xfe; s=1"),
            [p("a", "\u{ff}\u{fe}"), p("s", "1")]
        );
        assert!(pairs(b"").is_empty());
    }

    #[test]
    fn first_occurrence_wins_across_headers() {
        let h = [&b"x=1"[..], b"session=a", b"session=b"];
        assert_eq!(cookie_value(&h, "session").as_deref(), Some("a"));
        assert_eq!(cookie_value(&[b"s\xe9=v"], "s\u{e9}").as_deref(), Some("v"));
        assert_eq!(cookie_value(&["sé=v"], "sé"), None);
        assert_eq!(cookie_value::<&[u8]>(&[], "a"), None);
    }

    #[test]
    fn quadratic_shapes_stay_fast() {
        let mut h = b"=".repeat(100_000);
        h.push(b'\n');
        assert!(parse_cookie(&h).is_empty());
        let h = b"=\"".repeat(20_000);
        let _ = parse_cookie(&h);
    }
}
