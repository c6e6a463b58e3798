//! Writing the response: the `Set-Cookie` value, as Werkzeug's `dump_cookie` writes it.

use crate::swar;
use std::fmt;

use crate::value::DateTime;

/// Why a `Set-Cookie` value cannot be written: what Werkzeug raises (`ValueError`,
/// `UnicodeError`, `OverflowError`), plus the one deliberate difference (non-ASCII domains).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieError {
    /// `samesite.title()` is not `Strict`, `Lax` or `None` (Werkzeug: `ValueError("SameSite
    /// must be 'Strict', 'Lax', or 'None'.")`).
    SameSite(String),
    /// The domain has an empty label or one of 64 characters or more (Python's `idna` codec:
    /// `UnicodeError("label empty or too long")`).
    DomainLabel(String),
    /// The domain has a non-ASCII label this crate cannot encode as Python does. Python
    /// encodes it with IDNA 2003 (nameprep, then punycode); the crate does nameprep only
    /// where it is exact: labels of printable ASCII and of the 89 203 code points nameprep
    /// leaves alone (most lowercase letters and CJK; not uppercase non-ASCII letters, which it
    /// maps, nor right-to-left scripts, nor combining marks). Give such a domain in its
    /// ASCII (`xn--`) form. A deliberate difference, listed in `docs/compatibility.md`.
    NonAsciiDomain(String),
    /// `Expires` would fall outside the years 1 to 9999 (Python: `OverflowError`).
    ExpiresOutOfRange {
        /// The requested expiry, Unix seconds.
        unix: i128,
    },
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CookieError::SameSite(v) => {
                write!(f, "SameSite must be 'Strict', 'Lax', or 'None' (got {v:?})")
            }
            CookieError::DomainLabel(d) => {
                write!(f, "cookie domain {d:?} has an empty label or one too long")
            }
            CookieError::NonAsciiDomain(d) => write!(
                f,
                "cookie domain {d:?} is not ASCII: give it in its IDNA (xn--) form"
            ),
            CookieError::ExpiresOutOfRange { unix } => {
                write!(f, "cookie expiry {unix} is outside the years 1 to 9999")
            }
        }
    }
}

impl std::error::Error for CookieError {}

/// Werkzeug's cookie size warning (`dump_cookie`'s `max_size`, Flask's `MAX_COOKIE_SIZE`),
/// as a value: the header is still sent, as in Werkzeug, but browsers may ignore it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieTooLarge {
    /// The cookie's name.
    pub name: String,
    /// Length of the value as written (quoted when needed), bytes.
    pub value_size: usize,
    /// Length of the whole `Set-Cookie` value, bytes.
    pub header_size: usize,
    /// The limit.
    pub max_size: usize,
}

impl fmt::Display for CookieTooLarge {
    /// Werkzeug's warning text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The '{}' cookie is too large: the value was {} bytes but the header required {} \
             extra bytes. The final size was {} bytes but the limit is {} bytes. Browsers may \
             silently ignore cookies larger than this.",
            self.name,
            self.value_size,
            self.header_size - self.value_size,
            self.header_size,
            self.max_size
        )
    }
}

/// The `SameSite` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
}

impl SameSite {
    /// Werkzeug's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }

    /// Reads a configured value as `dump_cookie` does: `samesite.title()` must be `Strict`,
    /// `Lax` or `None`, so any case works (`lax`, `LAX`, `nOnE`), and so does `ſtrict` (Python
    /// titlecases U+017F LATIN SMALL LETTER LONG S to `S`).
    ///
    /// ```
    /// use flask_cookie::session::SameSite;
    /// assert_eq!(SameSite::parse("lAX"), Ok(SameSite::Lax));
    /// assert!(SameSite::parse("").is_err());
    /// assert!(SameSite::parse("Lax ").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<SameSite, crate::session::CookieError> {
        // `str.title()` of a single word: its first character titlecased, the rest lowercased.
        // Only ASCII letters lowercase to the letters needed here, and only `s`, `S`, `ſ`,
        // `l`, `L`, `n`, `N` titlecase to `S`, `L` or `N` (the vectors check every code point).
        let mut chars = value.chars();
        let first = match chars.next() {
            Some('s' | 'S' | '\u{17f}') => 'S',
            Some('l' | 'L') => 'L',
            Some('n' | 'N') => 'N',
            _ => return Err(CookieError::SameSite(value.to_owned())),
        };
        let rest = chars.as_str();
        let rest_lower = rest.is_ascii().then(|| rest.to_ascii_lowercase());
        match (first, rest_lower.as_deref()) {
            ('S', Some("trict")) => Ok(SameSite::Strict),
            ('L', Some("ax")) => Ok(SameSite::Lax),
            ('N', Some("one")) => Ok(SameSite::None),
            _ => Err(CookieError::SameSite(value.to_owned())),
        }
    }
}

/// The `Domain` attribute's value for a configured domain, as `dump_cookie` computes it:
/// `domain.partition(":")[0].lstrip(".").encode("idna").decode("ascii")` when `domain` is
/// not empty (`if domain:`). `None` for `None`; the empty string, `":80"` and `"."` give
/// `Some("")` (Werkzeug then writes `Domain=`, which browsers ignore).
///
/// ```
/// use flask_cookie::session::cookie_domain;
/// assert_eq!(cookie_domain(Some(".Example.com:8080")).unwrap().as_deref(), Some("Example.com"));
/// assert_eq!(cookie_domain(Some("")).unwrap().as_deref(), Some(""));
/// assert!(cookie_domain(Some("a..b")).is_err());
/// ```
pub fn cookie_domain(domain: Option<&str>) -> Result<Option<String>, CookieError> {
    let Some(domain) = domain else {
        return Ok(None);
    };
    if domain.is_empty() {
        // `if domain:` skips the encoding, and `""` is not `None`: Werkzeug writes `Domain=`.
        return Ok(Some(String::new()));
    }
    let host = domain.split(':').next().unwrap_or("");
    let host = host.trim_start_matches('.');
    crate::session::idna::encode(host)
        .map(Some)
        .map_err(|e| match e {
            // Name the configured value in the error.
            CookieError::DomainLabel(_) => CookieError::DomainLabel(domain.to_owned()),
            CookieError::NonAsciiDomain(_) => CookieError::NonAsciiDomain(domain.to_owned()),
            other => other,
        })
}

/// The `Path` attribute's value: `urllib.parse.quote(path, safe="%!$&'()*+,/:=@")`, as in
/// `dump_cookie`: UTF-8, each byte outside `A-Za-z0-9_.-~` and the safe set as `%XX`.
///
/// ```
/// assert_eq!(flask_cookie::session::quote_path("/a b/é;"), "/a%20b/%C3%A9%3B");
/// ```
pub fn quote_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~%!$&'()*+,/:=@".contains(&b) {
            out.push(char::from(b));
        } else {
            // `quote` writes uppercase hex digits.
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `_cookie_no_quote_re` (werkzeug/http.py): `[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*` with
/// `re.ASCII`.
fn needs_no_quotes(value: &str) -> bool {
    // Every byte is below 256: `get` never answers `None`.
    let no_quote = |b: &u8| NO_QUOTE.get(usize::from(*b)).copied().unwrap_or(false);
    let mut words = value.as_bytes().chunks_exact(8);
    // Eight bytes at a time (a session cookie is a few hundred bytes, all of them accepted).
    let words_ok = words
        .by_ref()
        .all(|chunk| word_needs_no_quotes(swar::word(chunk)));
    words_ok && words.remainder().iter().all(no_quote)
}

/// `true` when each byte of `x` is one that `NO_QUOTE` accepts: 0x21 to 0x7E but `"`, `,`, `;`
/// and `\`.
fn word_needs_no_quotes(x: u64) -> bool {
    swar::below(x, 0x21)
        | swar::from_7f(x)
        | swar::equal(x, b'"')
        | swar::equal(x, b',')
        | swar::equal(x, b';')
        | swar::equal(x, b'\\')
        == 0
}

/// The bytes `_cookie_no_quote_re` accepts, as a table (a value is checked for every
/// `Set-Cookie`: a lookup per byte rather than a search of the punctuation list). Evaluated at
/// compile time: an index out of bounds is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
static NO_QUOTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b"_!#$%&'()*+-./:<=>?@[]^`{|}~";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

/// The value as `dump_cookie` writes it: as it is when it needs no quotes, else its UTF-8 bytes
/// slash-escaped (`_cookie_slash_re`: bytes `\x00`-`\x19`, `"`, `,`, `;`, `\`, `\x7f`-`\xff`;
/// `"` and `\` get a backslash, the others three octal digits) inside double quotes.
pub fn quote_value(value: &str) -> String {
    let mut out = String::new();
    push_quoted_value(value, &mut out);
    out
}

/// [`quote_value`] appended to `out`.
fn push_quoted_value(value: &str, out: &mut String) {
    if needs_no_quotes(value) {
        out.push_str(value);
        return;
    }
    out.reserve(value.len() + 2);
    out.push('"');
    for &b in value.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x00..=0x19 | b',' | b';' | 0x7F..=0xFF => {
                out.push('\\');
                out.push(char::from(b'0' + (b >> 6)));
                out.push(char::from(b'0' + ((b >> 3) & 7)));
                out.push(char::from(b'0' + (b & 7)));
            }
            _ => out.push(char::from(b)),
        }
    }
    out.push('"');
}

/// The attributes of a `Set-Cookie` value, as `dump_cookie`'s parameters (Werkzeug 3.1).
///
/// `domain`, `path` and `samesite` are taken as they are: get them from [`cookie_domain`],
/// [`quote_path`] and [`SameSite::parse`] (a [`crate::session::SessionConfig`] does so once).
/// `max_age` does not imply `expires` here (Werkzeug's `sync_expires` uses the clock): give
/// both, as `delete_cookie` does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieAttributes<'a> {
    /// `Domain`, already trimmed and encoded.
    pub domain: Option<&'a str>,
    /// `Expires`, Unix seconds.
    pub expires: Option<i64>,
    /// `Max-Age`, seconds.
    pub max_age: Option<i64>,
    /// `Secure` (forced by `partitioned`).
    pub secure: bool,
    /// `HttpOnly`.
    pub httponly: bool,
    /// `Path`, already quoted.
    pub path: Option<&'a str>,
    /// `SameSite`.
    pub samesite: Option<SameSite>,
    /// `Partitioned`.
    pub partitioned: bool,
    /// Warn above this many bytes (Werkzeug's default and Flask's `MAX_COOKIE_SIZE`: 4093);
    /// 0 never warns.
    pub max_size: usize,
}

/// A `Set-Cookie` value (without `Set-Cookie: `), with Werkzeug's size warning if due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie {
    /// The header value. Its bytes are the bytes on the wire (a non-ASCII name is UTF-8;
    /// Werkzeug holds the same bytes as latin-1 text).
    pub header: String,
    /// The size warning, when the header is longer than `max_size`.
    pub too_large: Option<CookieTooLarge>,
}

/// Werkzeug's `dump_cookie(key, value, ...)`: `name=value`, then `Domain`, `Expires`,
/// `Max-Age`, `Secure`, `HttpOnly`, `Path`, `SameSite` and `Partitioned` in that order,
/// joined by `"; "`.
///
/// ```
/// use flask_cookie::session::{dump_cookie, CookieAttributes, SameSite};
/// let c = dump_cookie("session", "abc.def", &CookieAttributes {
///     path: Some("/"),
///     httponly: true,
///     samesite: Some(SameSite::Lax),
///     partitioned: true,
///     max_size: 4093,
///     ..CookieAttributes::default()
/// })?;
/// assert_eq!(c.header, "session=abc.def; Secure; HttpOnly; Path=/; SameSite=Lax; Partitioned");
/// # Ok::<(), flask_cookie::session::CookieError>(())
/// ```
pub fn dump_cookie(
    name: &str,
    value: &str,
    attrs: &CookieAttributes<'_>,
) -> Result<SetCookie, CookieError> {
    let mut out = String::with_capacity(name.len() + value.len() + 96);
    out.push_str(name);
    out.push('=');
    let value_start = out.len();
    push_quoted_value(value, &mut out);
    let value_size = out.len() - value_start;
    if let Some(d) = attrs.domain {
        out.push_str("; Domain=");
        out.push_str(d);
    }
    if let Some(e) = attrs.expires {
        let dt = DateTime::from_unix(e).ok_or(CookieError::ExpiresOutOfRange {
            unix: i128::from(e),
        })?;
        out.push_str("; Expires=");
        crate::http_date::format(dt, &mut out);
    }
    if let Some(m) = attrs.max_age {
        out.push_str("; Max-Age=");
        out.push_str(&m.to_string());
    }
    if attrs.secure || attrs.partitioned {
        out.push_str("; Secure");
    }
    if attrs.httponly {
        out.push_str("; HttpOnly");
    }
    if let Some(p) = attrs.path {
        out.push_str("; Path=");
        out.push_str(p);
    }
    if let Some(s) = attrs.samesite {
        out.push_str("; SameSite=");
        out.push_str(s.as_str());
    }
    if attrs.partitioned {
        out.push_str("; Partitioned");
    }
    let too_large = (attrs.max_size != 0 && out.len() > attrs.max_size).then(|| CookieTooLarge {
        name: name.to_owned(),
        value_size,
        header_size: out.len(),
        max_size: attrs.max_size,
    });
    Ok(SetCookie {
        header: out,
        too_large,
    })
}

/// Werkzeug's `Response.delete_cookie(key, path, domain, secure, httponly, samesite,
/// partitioned)`: `set_cookie(key, expires=0, max_age=0, ...)`, an empty value that expired
/// at the epoch. `attrs.expires` and `attrs.max_age` are replaced by 0.
///
/// ```
/// use flask_cookie::session::{delete_cookie, CookieAttributes};
/// let c = delete_cookie("session", &CookieAttributes { path: Some("/"), httponly: true, ..Default::default() })?;
/// assert_eq!(c.header, "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/");
/// # Ok::<(), flask_cookie::session::CookieError>(())
/// ```
pub fn delete_cookie(name: &str, attrs: &CookieAttributes<'_>) -> Result<SetCookie, CookieError> {
    dump_cookie(
        name,
        "",
        &CookieAttributes {
            expires: Some(0),
            max_age: Some(0),
            ..attrs.clone()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word check agrees with the table (itself checked against Werkzeug by
    /// tests/session_vectors.rs) for every byte at every offset, among accepted bytes and among
    /// rejected ones.
    #[test]
    fn word_check_agrees_with_the_table() {
        for filler in [b'a', b'~', b'!', b'"', 0x00, 0xFF] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut w = [filler; 8];
                    w[at] = b;
                    let table = w.iter().all(|&c| NO_QUOTE[usize::from(c)]);
                    assert_eq!(word_needs_no_quotes(u64::from_le_bytes(w)), table, "{w:?}");
                }
            }
        }
    }

    #[test]
    fn samesite_spellings() {
        for (s, want) in [
            ("Strict", Some(SameSite::Strict)),
            ("sTRICT", Some(SameSite::Strict)),
            ("\u{17f}trict", Some(SameSite::Strict)),
            ("lax", Some(SameSite::Lax)),
            ("NONE", Some(SameSite::None)),
            ("none ", None),
            ("", None),
            ("Laxx", None),
            ("None-", None),
        ] {
            assert_eq!(SameSite::parse(s).ok(), want, "{s:?}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_value("abc.DEF-_"), "abc.DEF-_");
        assert_eq!(quote_value(""), "");
        assert_eq!(quote_value("a b"), "\"a b\"");
        assert_eq!(
            quote_value("a;\"\\é\x1a"),
            "\"a\\073\\\"\\\\\\303\\251\x1a\""
        );
    }

    #[test]
    fn size_warning() {
        let big = "a".repeat(5000);
        let c = dump_cookie(
            "s",
            &big,
            &CookieAttributes {
                max_size: 4093,
                ..Default::default()
            },
        )
        .unwrap();
        let w = c.too_large.unwrap();
        assert_eq!((w.value_size, w.header_size), (5000, 5002));
        assert!(w.to_string().contains("required 2 extra bytes"));
        let c = dump_cookie("s", &big, &CookieAttributes::default()).unwrap();
        assert!(c.too_large.is_none());
    }

    #[test]
    fn domains() {
        assert_eq!(cookie_domain(Some(":80")).unwrap().as_deref(), Some(""));
        assert_eq!(
            cookie_domain(Some("...a.b.")).unwrap().as_deref(),
            Some("a.b.")
        );
        assert_eq!(cookie_domain(None).unwrap(), None);
        assert!(cookie_domain(Some(&"a".repeat(64))).is_err());
        assert_eq!(
            cookie_domain(Some(".b\u{fc}cher.de:80"))
                .unwrap()
                .as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert!(cookie_domain(Some("\u{c9}.de")).is_err());
        assert!(dump_cookie(
            "s",
            "",
            &CookieAttributes {
                expires: Some(i64::MAX),
                ..Default::default()
            }
        )
        .is_err());
    }
}
