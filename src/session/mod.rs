//! Flask's session layer: read the request's cookie, keep track of changes, write the
//! response's `Set-Cookie` and `Vary`, as Flask 3.1.3's `SecureCookieSessionInterface` does.
//!
//! Pure: no I/O and no HTTP types. Give [`open_session`] the request's `Cookie` header values
//! as bytes and the time; give the [`SaveOutcome`] of [`save_session`] to your response.
//!
//! ```
//! use flask_cookie::session::{open_session, save_session, SessionConfig};
//!
//! let config = SessionConfig::flask("test key").build()?;
//! let cookie = b"session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
//! let mut session = open_session(&config, &[&cookie[..]], 1_700_000_060)?;
//! assert_eq!(session.get("a").and_then(|v| v.as_i64()), Some(1));
//! session.insert("user", "ada");
//! let out = save_session(&config, &session, 1_700_000_060)?;
//! assert!(out.set_cookie.as_deref().unwrap().starts_with("session="));
//! assert!(out.vary_cookie);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each rule is in one place, named after the Python it mirrors: [`cookie_header`]
//! (`werkzeug.sansio.http.parse_cookie`), [`set_cookie`] (`werkzeug.http.dump_cookie`,
//! `Response.delete_cookie`), [`config`] (Flask's `get_cookie_*`), and here
//! `SecureCookieSession`, `open_session`, `save_session`, `should_set_cookie`,
//! `get_expiration_time`, `dict(...)` of the payload and `HeaderSet.add` for `Vary`.

pub mod config;
pub mod cookie_header;
pub mod env;
mod idna;
mod idna_table;
pub mod set_cookie;

use std::cell::Cell;
use std::fmt;

pub use config::{SessionConfig, SessionConfigBuilder, SessionConfigError, FLASK_MAX_COOKIE_SIZE};
pub use cookie_header::{cookie_value, parse_cookie, parse_cookie_headers};
pub use env::{EnvError, EnvErrorKind};
pub use set_cookie::{
    cookie_domain, delete_cookie, dump_cookie, quote_path, quote_value, CookieAttributes,
    CookieError, CookieTooLarge, SameSite, SetCookie,
};

use crate::error::Error;
use crate::value::{Dict, Text, Value};

/// A Flask session: a dict with Flask 3.1.3's `modified` and `accessed` tracking.
///
/// * `modified` (`SecureCookieSession` on Werkzeug's `CallbackDict`): set by
///   [`insert`](Self::insert), [`clear`](Self::clear), [`update`](Self::update),
///   [`set_permanent`](Self::set_permanent) always; by [`remove`](Self::remove) (`pop`) and
///   [`setdefault`](Self::setdefault) only when they change the dict; by hand with
///   [`mark_modified`](Self::mark_modified) after changing a nested value (Flask does not see
///   those either). Reading never sets it, nor does [`get_mut`](Self::get_mut).
/// * `accessed`: in Flask 3.1.3 the request context sets it whenever the view reaches the
///   session object at all (`flask.session`), whatever it does with it. So here every method
///   sets it, reading ones included, and [`touch`](Self::touch) sets it alone. An accessed
///   session gets `Vary: Cookie`.
#[derive(Clone, Debug, Default)]
pub struct Session {
    dict: Dict,
    modified: bool,
    accessed: Cell<bool>,
}

impl Session {
    /// A new, empty session (Flask's `session_class()`).
    pub fn new() -> Session {
        Session::default()
    }

    /// A session holding `dict`, not modified, not accessed (Flask's `session_class(data)`).
    pub fn from_dict(dict: Dict) -> Session {
        Session {
            dict,
            modified: false,
            accessed: Cell::new(false),
        }
    }

    fn access(&self) {
        self.accessed.set(true);
    }

    /// `session.get(key)`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.access();
        self.dict.get(key)
    }

    /// `session.get(key)` as a typed `T` (feature `serde`; see [`crate::serde`]): `Ok(None)`
    /// when the key is absent, an error naming the path (`key.field[1]`) when the value is not
    /// a `T`. Borrows `&str` from the session where `T` asks.
    #[cfg(feature = "serde")]
    pub fn get_as<'a, T: ::serde::Deserialize<'a>>(
        &'a self,
        key: &str,
    ) -> Result<Option<T>, crate::SerdeError> {
        self.access();
        match self.dict.get(key) {
            None => Ok(None),
            Some(v) => crate::serde::from_value(v)
                .map(Some)
                .map_err(|e| e.in_key(key)),
        }
    }

    /// `session[key] = value` for a typed `value` (feature `serde`): always modified. Stores
    /// the value Flask would hold for it (see [`crate::serde`]); returns the old value.
    #[cfg(feature = "serde")]
    pub fn insert_as<T: ::serde::Serialize + ?Sized>(
        &mut self,
        key: impl Into<Text>,
        value: &T,
    ) -> Result<Option<Value>, crate::SerdeError> {
        let key = key.into();
        let v = crate::serde::to_value(value).map_err(|e| e.in_key(&key.to_string_lossy()))?;
        Ok(self.insert(key, v))
    }

    /// The value for `key`, to change in place. Flask does not notice nested changes: call
    /// [`mark_modified`](Self::mark_modified) when you make one that must be saved.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.access();
        self.dict.get_mut(key)
    }

    /// `key in session`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.access();
        self.dict.contains_key(key)
    }

    /// `len(session)`.
    pub fn len(&self) -> usize {
        self.access();
        self.dict.len()
    }

    /// `not session`.
    pub fn is_empty(&self) -> bool {
        self.access();
        self.dict.is_empty()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Text, &Value)> {
        self.access();
        self.dict.iter()
    }

    /// The whole dict, read-only.
    pub fn dict(&self) -> &Dict {
        self.access();
        &self.dict
    }

    /// `session[key] = value`: always modified.
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Value>) -> Option<Value> {
        self.access();
        self.modified = true;
        self.dict.insert(key, value)
    }

    /// `session.pop(key, None)`: modified only when `key` was present.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.access();
        let old = self.dict.remove(key);
        if old.is_some() {
            self.modified = true;
        }
        old
    }

    /// `session.setdefault(key, default)`: modified only when `key` was absent.
    pub fn setdefault(&mut self, key: impl Into<Text>, default: impl Into<Value>) -> &mut Value {
        self.access();
        let key = key.into();
        if !self.dict.contains_key_text(&key) {
            self.modified = true;
        }
        self.dict.entry(key).or_insert(default)
    }

    /// `session.clear()`: always modified, even when already empty.
    pub fn clear(&mut self) {
        self.access();
        self.modified = true;
        self.dict.clear();
    }

    /// `session.update(entries)`: always modified, even with no entries.
    pub fn update<K: Into<Text>, V: Into<Value>>(
        &mut self,
        entries: impl IntoIterator<Item = (K, V)>,
    ) {
        self.access();
        self.modified = true;
        for (k, v) in entries {
            self.dict.insert(k, v);
        }
    }

    /// `session.permanent`: the truthiness of `session.get("_permanent", False)`.
    pub fn permanent(&self) -> bool {
        self.access();
        self.is_permanent()
    }

    fn is_permanent(&self) -> bool {
        self.dict.get("_permanent").is_some_and(Value::is_truthy)
    }

    /// `session.permanent = value`: `session["_permanent"] = bool(value)`, so modified.
    pub fn set_permanent(&mut self, permanent: bool) {
        self.insert("_permanent", permanent);
    }

    /// `session.modified = True`: for changes Flask cannot see (inside a nested value).
    pub fn mark_modified(&mut self) {
        self.access();
        self.modified = true;
    }

    /// Marks the session accessed without reading it (the view touched `flask.session`).
    pub fn touch(&self) {
        self.access();
    }

    /// `session.modified`.
    pub fn is_modified(&self) -> bool {
        self.modified
    }

    /// `session.accessed`.
    pub fn is_accessed(&self) -> bool {
        self.accessed.get()
    }

    /// The dict, by value.
    pub fn into_dict(self) -> Dict {
        self.dict
    }
}

impl Dict {
    fn contains_key_text(&self, key: &Text) -> bool {
        self.keys().any(|k| k == key)
    }
}

/// Why Flask would answer the request with HTTP 500 instead of opening the session (Flask
/// does not catch these), or a payload this crate cannot hold.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OpenError {
    /// The cookie is validly signed, but its payload does not decode
    /// ([`Error::BadPayload`]), or its timestamp is past the year 9999.
    Cookie(Error),
    /// The payload decodes, but Python's `dict()` refuses it (`TypeError`, `ValueError`).
    /// The message is Python's.
    NotADict(String),
    /// `dict()` of the payload has keys that are not strings (`dict([[1, 2]])` is `{1: 2}`).
    /// Flask keeps such a session; a [`Dict`] has text keys only, so this crate refuses it:
    /// a deliberate difference (`docs/compatibility.md`). Only a cookie signed with the
    /// app's key can carry one.
    NonTextKey {
        /// Python's type name of the first such key.
        type_name: &'static str,
    },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Cookie(e) => write!(f, "session cookie: {e}"),
            OpenError::NotADict(msg) => write!(f, "session payload is not a dict: {msg}"),
            OpenError::NonTextKey { type_name } => write!(
                f,
                "session payload has a key of type {type_name}, not str (unsupported)"
            ),
        }
    }
}

impl std::error::Error for OpenError {}

/// Flask's `SecureCookieSessionInterface.open_session`, from the request's `Cookie` header
/// values (raw bytes, see [`cookie_value`]) at `now` (Unix seconds):
///
/// * no cookie of the configured name, or an empty one: a new empty session;
/// * a bad signature, an expired one, a malformed timestamp: a new empty session
///   ([`Error::starts_new_session`]);
/// * a payload that does not decode: [`OpenError::Cookie`] (Flask: HTTP 500);
/// * otherwise `dict(payload)`: `null` and empty sequences give an empty session, a list of
///   pairs a dict ([`OpenError::NotADict`] for what `dict()` refuses).
pub fn open_session<H: AsRef<[u8]>>(
    config: &SessionConfig,
    cookie_headers: &[H],
    now: u64,
) -> Result<Session, OpenError> {
    open_session_with_origin(config, cookie_headers, now).map(|(session, _)| session)
}

/// Where the session of [`open_session_with_origin`] comes from.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SessionOrigin {
    /// No cookie of the configured name, or an empty one: a new session.
    NoCookie,
    /// The cookie was refused with this error, for which Flask starts a new session
    /// ([`Error::starts_new_session`]: bad signature, expired, malformed timestamp).
    Refused(Error),
    /// The cookie was opened; it was signed at `signed_at` (Unix seconds).
    Opened {
        /// The cookie's signing time.
        signed_at: u64,
    },
}

/// [`open_session`], also saying why the session is new or when its cookie was signed (for
/// logs and metrics; Flask itself does not tell).
pub fn open_session_with_origin<H: AsRef<[u8]>>(
    config: &SessionConfig,
    cookie_headers: &[H],
    now: u64,
) -> Result<(Session, SessionOrigin), OpenError> {
    // `val = request.cookies.get(self.get_cookie_name(app))`; `if not val:`
    cookie_header::with_cookie_value(cookie_headers, config.cookie_name(), |val| match val {
        Some(val) if !val.is_empty() => open_value(config, val, now),
        _ => Ok((Session::new(), SessionOrigin::NoCookie)),
    })
}

/// The session of a cookie's value `val` (not empty).
fn open_value(
    config: &SessionConfig,
    val: &str,
    now: u64,
) -> Result<(Session, SessionOrigin), OpenError> {
    // `data = s.loads(val, max_age=max_age)`: itsdangerous signs the UTF-8 bytes of `val`.
    match config.codec().open(val.as_bytes(), now) {
        Ok(opened) => Ok((
            Session::from_dict(py_dict(opened.value)?),
            SessionOrigin::Opened {
                signed_at: opened.signed_at,
            },
        )),
        Err(e) if e.starts_new_session() => Ok((Session::new(), SessionOrigin::Refused(e))),
        Err(e) => Err(OpenError::Cookie(e)),
    }
}

/// Python's `type(x).__name__` of a value.
fn type_name(v: &Value) -> &'static str {
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

/// Python's `hash(key)` succeeds: not a list or dict, nor a tuple holding one (iteratively).
fn hashable(key: &Value) -> Result<(), &'static str> {
    let mut stack = vec![key];
    while let Some(v) = stack.pop() {
        match v {
            Value::List(_) | Value::Dict(_) => return Err(type_name(v)),
            Value::Tuple(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    Ok(())
}

/// `SecureCookieSession(data)`: `CallbackDict.__init__` calls `dict.__init__(data)` unless
/// `data is None`. So this is `dict(data)`: a dict as it is; an iterable of pairs (lists,
/// tuples, 2-character strings, 2-entry dicts, which iterate over their keys) in order, a
/// repeated key keeping its first position and its last value; anything else is Python's
/// `TypeError` or `ValueError` (in element order, the first one wins).
fn py_dict(data: Value) -> Result<Dict, OpenError> {
    let mut data = data;
    let items: Vec<Value> = match &mut data {
        Value::None => return Ok(Dict::new()),
        Value::Dict(d) => return Ok(std::mem::take(d)),
        Value::List(items) | Value::Tuple(items) => std::mem::take(items),
        // Iterating a str gives 1-character strings: only the empty one makes a dict.
        Value::Str(t) | Value::Markup(t) => {
            return match t.code_points().next() {
                None => Ok(Dict::new()),
                Some(_) => Err(OpenError::NotADict(
                    "dictionary update sequence element #0 has length 1; 2 is required".into(),
                )),
            };
        }
        // Iterating bytes gives ints.
        Value::Bytes(b) => {
            return match b.is_empty() {
                true => Ok(Dict::new()),
                false => Err(OpenError::NotADict(
                    "cannot convert dictionary update sequence element #0 to a sequence".into(),
                )),
            };
        }
        other => {
            return Err(OpenError::NotADict(format!(
                "'{}' object is not iterable",
                type_name(other)
            )))
        }
    };
    let mut entries: Vec<(Text, Value)> = Vec::with_capacity(items.len());
    let mut non_text: Option<&'static str> = None;
    for (i, mut item) in items.into_iter().enumerate() {
        // `PySequence_Fast(item)`, then its length must be 2, then the key must hash.
        let pair: (Value, Value) = match &mut item {
            Value::List(p) | Value::Tuple(p) => {
                if p.len() != 2 {
                    return Err(length_error(i, p.len()));
                }
                let v = p.pop().unwrap_or_default();
                let k = p.pop().unwrap_or_default();
                (k, v)
            }
            Value::Str(t) | Value::Markup(t) => {
                let cps: Vec<u32> = t.code_points().take(3).collect();
                if cps.len() != 2 {
                    return Err(length_error(i, t.code_points().count()));
                }
                let one = |cp: u32| Value::Str(Text::from_code_points([cp]).unwrap_or_default());
                (
                    one(cps.first().copied().unwrap_or(0)),
                    one(cps.get(1).copied().unwrap_or(0)),
                )
            }
            Value::Dict(d) => {
                if d.len() != 2 {
                    return Err(length_error(i, d.len()));
                }
                let mut keys = d.keys().cloned();
                let k = keys.next().unwrap_or_default();
                let v = keys.next().unwrap_or_default();
                (Value::Str(k), Value::Str(v))
            }
            Value::Bytes(b) => {
                if b.len() != 2 {
                    return Err(length_error(i, b.len()));
                }
                non_text.get_or_insert("int");
                continue;
            }
            _ => {
                return Err(OpenError::NotADict(format!(
                    "cannot convert dictionary update sequence element #{i} to a sequence"
                )))
            }
        };
        let (mut key, value) = pair;
        if let Err(t) = hashable(&key) {
            return Err(OpenError::NotADict(format!("unhashable type: '{t}'")));
        }
        match &mut key {
            // A Markup key is a `str` subclass: equal to, hashed as and dumped as its text.
            Value::Str(t) | Value::Markup(t) => entries.push((std::mem::take(t), value)),
            other => {
                non_text.get_or_insert(type_name(other));
            }
        }
    }
    if let Some(type_name) = non_text {
        return Err(OpenError::NonTextKey { type_name });
    }
    Ok(Dict::from_entries(entries))
}

fn length_error(i: usize, len: usize) -> OpenError {
    OpenError::NotADict(format!(
        "dictionary update sequence element #{i} has length {len}; 2 is required"
    ))
}

/// What the response needs from [`save_session`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveOutcome {
    /// The `Set-Cookie` value to add (without `Set-Cookie: `), if any: the session cookie, or
    /// its deletion for a session emptied and modified (see `deletes_cookie`).
    pub set_cookie: Option<String>,
    /// `true` when `set_cookie` deletes the cookie (`Response.delete_cookie`).
    pub deletes_cookie: bool,
    /// `true` when `Cookie` must be added to the response's `Vary` (see [`vary_with_cookie`]).
    pub vary_cookie: bool,
    /// Werkzeug's warning for a cookie longer than `MAX_COOKIE_SIZE` (still sent).
    pub too_large: Option<CookieTooLarge>,
}

/// Why Flask would fail (HTTP 500) while saving the session.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SaveError {
    /// The session cannot be dumped (`json.dumps` fails), or signed at `now`.
    Dump(Error),
    /// A cookie attribute cannot be written (for the session cookie: `Expires` of a permanent
    /// session past the year 9999, `now` + lifetime; Python: `OverflowError`).
    Cookie(CookieError),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Dump(e) => write!(f, "cannot save the session: {e}"),
            SaveError::Cookie(e) => write!(f, "cannot write the session cookie: {e}"),
        }
    }
}

impl std::error::Error for SaveError {}

/// Flask's `SecureCookieSessionInterface.should_set_cookie`: modified, or permanent with
/// `SESSION_REFRESH_EACH_REQUEST`.
fn should_set_cookie(config: &SessionConfig, session: &Session) -> bool {
    session.modified || (session.is_permanent() && config.refresh_each_request())
}

/// Flask's `get_expiration_time`: `now + PERMANENT_SESSION_LIFETIME` for a permanent session.
fn expiration_time(config: &SessionConfig, session: &Session, now: u64) -> Option<i128> {
    session
        .is_permanent()
        .then(|| i128::from(now) + i128::from(config.lifetime()))
}

/// Flask's `SecureCookieSessionInterface.save_session` at `now` (Unix seconds), which the
/// session's cookie is signed at and permanent sessions expire from:
///
/// 1. accessed: `Vary: Cookie`;
/// 2. empty: if modified, delete the cookie (and `Vary: Cookie`); nothing else;
/// 3. unless modified, or permanent with `SESSION_REFRESH_EACH_REQUEST`: nothing;
/// 4. otherwise the cookie (`Expires` for a permanent session) and `Vary: Cookie`.
pub fn save_session(
    config: &SessionConfig,
    session: &Session,
    now: u64,
) -> Result<SaveOutcome, SaveError> {
    let mut out = SaveOutcome {
        set_cookie: None,
        deletes_cookie: false,
        vary_cookie: session.is_accessed(),
        too_large: None,
    };
    let attrs = config.cookie_attributes();
    if session.dict.is_empty() {
        if session.modified {
            let c = delete_cookie(config.cookie_name(), &attrs).map_err(SaveError::Cookie)?;
            out.set_cookie = Some(c.header);
            out.too_large = c.too_large;
            out.deletes_cookie = true;
            out.vary_cookie = true;
        }
        return Ok(out);
    }
    if !should_set_cookie(config, session) {
        return Ok(out);
    }
    let expires = match expiration_time(config, session, now) {
        Some(e) => Some(
            i64::try_from(e)
                .map_err(|_| SaveError::Cookie(CookieError::ExpiresOutOfRange { unix: e }))?,
        ),
        None => None,
    };
    // Python computes the expiry (and fails on it) before dumping.
    if let Some(e) = expires {
        if crate::value::DateTime::from_unix(e).is_none() {
            return Err(SaveError::Cookie(CookieError::ExpiresOutOfRange {
                unix: i128::from(e),
            }));
        }
    }
    let val = config
        .codec()
        .dump_dict(&session.dict, now)
        .map_err(SaveError::Dump)?;
    let c = dump_cookie(
        config.cookie_name(),
        &val,
        &CookieAttributes { expires, ..attrs },
    )
    .map_err(SaveError::Cookie)?;
    out.set_cookie = Some(c.header);
    out.too_large = c.too_large;
    out.vary_cookie = true;
    Ok(out)
}

/// The response's `Vary` value after Werkzeug's `response.vary.add("Cookie")`, given the
/// current value (`None`: no `Vary` header yet).
///
/// Werkzeug parses the value as a list (`parse_set_header`, `parse_list_header`), adds
/// `Cookie` unless an item already equals it case-insensitively, and only then rewrites the
/// header (`HeaderSet.to_header`: the items, quoted when not tokens, joined by `", "`); when
/// `Cookie` is already there the value stays as it was.
///
/// ```
/// use flask_cookie::session::vary_with_cookie;
/// assert_eq!(vary_with_cookie(None), "Cookie");
/// assert_eq!(vary_with_cookie(Some("Accept-Encoding")), "Accept-Encoding, Cookie");
/// assert_eq!(vary_with_cookie(Some("accept,  cookie")), "accept,  cookie");
/// ```
pub fn vary_with_cookie(existing: Option<&str>) -> String {
    let items = existing.map(parse_list_header).unwrap_or_default();
    if items.iter().any(|i| i.to_lowercase() == "cookie") {
        return existing.unwrap_or("").to_owned();
    }
    let mut out = String::new();
    for item in items.iter().map(String::as_str).chain(["Cookie"]) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        quote_header_value(item, &mut out);
    }
    out
}

/// Werkzeug's `parse_list_header` (werkzeug/http.py).
fn parse_list_header(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let (mut escape, mut quote) = (false, false);
    for c in value.chars() {
        if escape {
            escape = false;
            item.push(c);
            continue;
        }
        if quote {
            if c == '\\' {
                escape = true;
            } else if c == '"' {
                quote = false;
            }
            item.push(c);
            continue;
        }
        if c == ',' {
            items.push(std::mem::take(&mut item));
            continue;
        }
        if c == '"' {
            quote = true;
        }
        item.push(c);
    }
    if quote {
        // An unclosed quoted string: Werkzeug returns no items.
        return Vec::new();
    }
    items.push(item);
    items
        .iter()
        .map(|i| i.trim_matches(py_str_isspace))
        .filter(|i| !i.is_empty())
        .map(unquote_header_value)
        .collect()
}

/// `str.isspace()` (`str.strip()` with no argument).
fn py_str_isspace(c: char) -> bool {
    // Python's whitespace: the Unicode White_Space characters plus \x1c-\x1f.
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Werkzeug's `unquote_header_value`: a `"..."` item loses its quotes and each backslash.
fn unquote_header_value(value: &str) -> String {
    let inner = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if value.len() >= 2 => inner,
        _ => return value.to_owned(),
    };
    // `re.sub(r"\\(.)", r"\g<1>", inner)` with `re.A`: `.` is any character but `\n`.
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n != '\n' {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Werkzeug's `quote_header_value`: tokens as they are, anything else (the empty string
/// included) in double quotes with `\` and `"` escaped.
fn quote_header_value(value: &str, out: &mut String) {
    const TOKEN: &[u8] = b"!#$%&'*+-.^_`|~";
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || TOKEN.contains(&b))
    {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
