//! Flask's settings from `FLASK_*` environment variables, as `app.config.from_prefixed_env()`
//! reads them (flask/config.py): each value goes through `json.loads`, and stays the string
//! when that fails. Pure: give it the `(name, value)` pairs (`std::env::vars_os()`).
//!
//! | variable | Flask setting | accepted (after `json.loads`) |
//! |---|---|---|
//! | `FLASK_SECRET_KEY` | `SECRET_KEY` | a non-empty string (required) |
//! | `FLASK_SECRET_KEY_FALLBACKS` | `SECRET_KEY_FALLBACKS` | a list of non-empty strings; `null`, `[]`, `false` for none |
//! | `FLASK_SESSION_COOKIE_NAME` | `SESSION_COOKIE_NAME` | a string |
//! | `FLASK_SESSION_COOKIE_DOMAIN` | `SESSION_COOKIE_DOMAIN` | a string; `null` or `false` for none |
//! | `FLASK_SESSION_COOKIE_PATH` | `SESSION_COOKIE_PATH` | a string; any false value for `APPLICATION_ROOT` |
//! | `FLASK_APPLICATION_ROOT` | `APPLICATION_ROOT` | a string |
//! | `FLASK_SESSION_COOKIE_SECURE`, `_HTTPONLY`, `_PARTITIONED` | same | `true`, `false` or `null` |
//! | `FLASK_SESSION_COOKIE_SAMESITE` | `SESSION_COOKIE_SAMESITE` | `Strict`, `Lax`, `None` (any case, as Werkzeug's `title()`), or `null` |
//! | `FLASK_PERMANENT_SESSION_LIFETIME` | `PERMANENT_SESSION_LIFETIME` | whole seconds, `0`..=`timedelta.max` |
//! | `FLASK_SESSION_REFRESH_EACH_REQUEST` | `SESSION_REFRESH_EACH_REQUEST` | any value, by Python truthiness |
//! | `FLASK_MAX_COOKIE_SIZE` | `MAX_COOKIE_SIZE` | an integer `>= 0` |
//!
//! Other variables are ignored. A value Flask would turn into a broken cookie or an HTTP 500
//! (a number as the secret key, `FLASK_SESSION_COOKIE_SECURE=1`, which Werkzeug writes as
//! `Secure=1`) is refused here, once, with an [`EnvError`] naming the variable; so are two
//! values Flask takes but should not: a string as `FLASK_SECRET_KEY_FALLBACKS` (Flask makes
//! each *character* a fallback key) and an empty fallback key. Beware JSON: `FLASK_SECRET_KEY=123`
//! is the number 123 to Flask, `FLASK_SESSION_COOKIE_SECURE=False` the (true) string `"False"`;
//! both are refused. Values are never echoed in errors.
//!
//! ```
//! use flask_cookie::session::SessionConfig;
//!
//! let vars = [
//!     ("FLASK_SECRET_KEY", "dev key"),
//!     ("FLASK_SESSION_COOKIE_SAMESITE", "Lax"),
//!     ("FLASK_PERMANENT_SESSION_LIFETIME", "3600"),
//!     ("FLASK_SESSION_COOKIE_SECURE", "true"),
//!     ("PATH", "/usr/bin"),
//! ];
//! let config = SessionConfig::from_prefixed_env(vars)?;
//! assert_eq!(config.lifetime(), 3600);
//! let err = SessionConfig::from_prefixed_env([("FLASK_SECRET_KEY", "k"), ("FLASK_SESSION_COOKIE_SECURE", "1")])
//!     .unwrap_err();
//! assert_eq!(err.variable(), "FLASK_SESSION_COOKIE_SECURE");
//! # Ok::<(), flask_cookie::session::EnvError>(())
//! ```

use std::ffi::OsStr;
use std::fmt;

use crate::codec::Codec;
use crate::error::ConfigError;
use crate::session::config::{SessionConfig, SessionConfigBuilder};
use crate::session::set_cookie::{cookie_domain, CookieError, SameSite};
use crate::value::Value;

/// The largest `PERMANENT_SESSION_LIFETIME` Flask can hold: `timedelta(seconds=n)` overflows
/// past `timedelta.max` (999 999 999 days, 23:59:59.999999).
pub const MAX_LIFETIME: u64 = 999_999_999 * 86_400 + 86_399;

/// A `FLASK_*` variable that cannot configure the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError {
    variable: String,
    kind: EnvErrorKind,
}

/// What is wrong with the variable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvErrorKind {
    /// Not set (`FLASK_SECRET_KEY`: Flask has no session without it).
    Missing,
    /// Not valid UTF-8 (Python would hold lone surrogates, which cannot be encoded).
    NotUnicode,
    /// `json.loads` made a value of the wrong type (`found`: its Python type name).
    WrongType {
        /// What the setting needs.
        expected: &'static str,
        /// Python's type name of what Flask would hold.
        found: &'static str,
    },
    /// A number out of the accepted range (or not whole).
    OutOfRange {
        /// The accepted range.
        expected: &'static str,
    },
    /// A string with a lone surrogate (`"\ud800"` in JSON).
    LoneSurrogate,
    /// Werkzeug refuses the value when it writes the cookie (SameSite, Domain).
    Cookie(CookieError),
    /// The codec refuses the keys (an empty key).
    Codec(ConfigError),
    /// A nested key (`FLASK_SESSION_COOKIE_NAME__X`): Flask fails on it at startup.
    Nested,
}

impl EnvError {
    fn new(variable: impl Into<String>, kind: EnvErrorKind) -> EnvError {
        EnvError {
            variable: variable.into(),
            kind,
        }
    }

    /// The variable's name (`FLASK_SESSION_COOKIE_SECURE`).
    pub fn variable(&self) -> &str {
        &self.variable
    }

    /// What is wrong with it.
    pub fn kind(&self) -> &EnvErrorKind {
        &self.kind
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.variable;
        match &self.kind {
            EnvErrorKind::Missing => write!(f, "{v} is not set"),
            EnvErrorKind::NotUnicode => write!(f, "{v} is not valid UTF-8"),
            EnvErrorKind::WrongType { expected, found } => write!(
                f,
                "{v}: Flask reads it as JSON, which gives a {found}, but it must be {expected}"
            ),
            EnvErrorKind::OutOfRange { expected } => write!(f, "{v}: must be {expected}"),
            EnvErrorKind::LoneSurrogate => write!(f, "{v}: holds a lone surrogate"),
            EnvErrorKind::Cookie(e) => write!(f, "{v}: {e}"),
            EnvErrorKind::Codec(e) => write!(f, "{v}: {e}"),
            EnvErrorKind::Nested => {
                write!(
                    f,
                    "{v}: a nested key of a session setting (Flask fails on it)"
                )
            }
        }
    }
}

impl std::error::Error for EnvError {}

/// The settings this module reads, without the prefix.
const SETTINGS: &[&str] = &[
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_PARTITIONED",
    "PERMANENT_SESSION_LIFETIME",
    "SESSION_REFRESH_EACH_REQUEST",
    "APPLICATION_ROOT",
    "MAX_COOKIE_SIZE",
];

/// Python's `type(x).__name__` of what `json.loads` gives.
fn py_type(v: &Value) -> &'static str {
    match v {
        Value::None => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) | Value::Markup(_) => "str",
        Value::List(_) | Value::Tuple(_) => "list",
        Value::Dict(_) => "dict",
        Value::Bytes(_) => "bytes",
        Value::Uuid(_) => "UUID",
        Value::DateTime(_) => "datetime",
    }
}

/// `json.loads(raw)`, or the string itself when that fails (`from_prefixed_env`).
fn loads(raw: &str) -> Value {
    match crate::json::read(raw, false, crate::json::DEFAULT_MAX_DEPTH) {
        Ok(v) => v,
        Err(_) => Value::Str(raw.into()),
    }
}

struct Var {
    name: String,
    value: Value,
}

impl Var {
    fn err(&self, kind: EnvErrorKind) -> EnvError {
        EnvError::new(self.name.clone(), kind)
    }

    fn wrong(&self, expected: &'static str) -> EnvError {
        self.err(EnvErrorKind::WrongType {
            expected,
            found: py_type(&self.value),
        })
    }

    fn string(&self, expected: &'static str) -> Result<String, EnvError> {
        match &self.value {
            Value::Str(t) => t
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| self.err(EnvErrorKind::LoneSurrogate)),
            _ => Err(self.wrong(expected)),
        }
    }

    /// `true`/`false`/`null`: what Werkzeug writes as a flag or leaves out.
    fn flag(&self) -> Result<bool, EnvError> {
        match self.value {
            Value::Bool(b) => Ok(b),
            Value::None => Ok(false),
            _ => Err(self.wrong("true, false or null (JSON)")),
        }
    }

    fn non_negative_int(&self, max: u64, expected: &'static str) -> Result<u64, EnvError> {
        let range = || self.err(EnvErrorKind::OutOfRange { expected });
        match &self.value {
            Value::Int(i) => {
                let n = i.as_i64().ok_or_else(range)?;
                u64::try_from(n)
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(range)
            }
            // `timedelta(seconds=60.0)` is 60 seconds; a fraction would make `Expires` depend
            // on the sub-second clock.
            Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= max as f64 => {
                // In range and whole: the conversion is exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let n = *f as u64;
                Ok(n.min(max))
            }
            Value::Float(_) => Err(range()),
            _ => Err(self.wrong(expected)),
        }
    }
}

impl SessionConfigBuilder {
    /// The settings of the `FLASK_*` variables among `vars` (see [the module](self)), on
    /// Flask's defaults; change more in code before [`build`](Self::build). Every value is
    /// checked here, so `build` can only fail on what code changes afterwards.
    pub fn from_prefixed_env<K, V>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<SessionConfigBuilder, EnvError>
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        from_prefixed_env("FLASK", vars)
    }

    /// [`from_prefixed_env`](Self::from_prefixed_env) with another prefix
    /// (`from_prefixed_env(prefix="MYAPP")`): variables `MYAPP_SECRET_KEY`...
    pub fn from_env_with_prefix<K, V>(
        prefix: &str,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<SessionConfigBuilder, EnvError>
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        from_prefixed_env(prefix, vars)
    }
}

impl SessionConfig {
    /// The session settings of the `FLASK_*` variables among `vars`, as a Flask app with
    /// `app.config.from_prefixed_env()` reads them (see [the module](crate::session::env)).
    /// Services pass `std::env::vars_os()`.
    pub fn from_prefixed_env<K, V>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<SessionConfig, EnvError>
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let builder = from_prefixed_env("FLASK", vars)?;
        builder.build().map_err(|e| match e {
            crate::session::SessionConfigError::Codec(c) => {
                EnvError::new("FLASK_SECRET_KEY", EnvErrorKind::Codec(c))
            }
            crate::session::SessionConfigError::Cookie(c) => {
                EnvError::new("FLASK_SESSION_COOKIE_*", EnvErrorKind::Cookie(c))
            }
        })
    }
}

fn from_prefixed_env<K, V>(
    prefix: &str,
    vars: impl IntoIterator<Item = (K, V)>,
) -> Result<SessionConfigBuilder, EnvError>
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let full = |key: &str| format!("{prefix}_{key}");
    // Last one wins, as setting a variable twice would.
    let mut found: Vec<Option<Var>> = SETTINGS.iter().map(|_| None).collect();
    for (k, v) in vars {
        let Some(name) = k.as_ref().to_str() else {
            continue;
        };
        let Some(key) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('_'))
        else {
            continue;
        };
        if let Some((head, _)) = key.split_once("__") {
            if SETTINGS.contains(&head) {
                return Err(EnvError::new(name, EnvErrorKind::Nested));
            }
            continue;
        }
        let Some(slot) = SETTINGS
            .iter()
            .position(|s| *s == key)
            .and_then(|i| found.get_mut(i))
        else {
            continue;
        };
        let raw = v
            .as_ref()
            .to_str()
            .ok_or_else(|| EnvError::new(name, EnvErrorKind::NotUnicode))?;
        *slot = Some(Var {
            name: name.to_owned(),
            value: loads(raw),
        });
    }
    let mut take = |key: &str| {
        SETTINGS
            .iter()
            .position(|s| *s == key)
            .and_then(|i| found.get_mut(i))
            .and_then(Option::take)
    };

    let key_var = take("SECRET_KEY")
        .ok_or_else(|| EnvError::new(full("SECRET_KEY"), EnvErrorKind::Missing))?;
    let secret = key_var.string("a string")?;
    if secret.is_empty() {
        return Err(key_var.err(EnvErrorKind::Codec(ConfigError::EmptyKey { index: 0 })));
    }
    let mut codec = Codec::flask(secret);
    if let Some(var) = take("SECRET_KEY_FALLBACKS") {
        let keys: Vec<String> = match &var.value {
            v if !v.is_truthy() => Vec::new(),
            Value::List(items) => {
                let mut keys = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let Value::Str(t) = item else {
                        return Err(var.err(EnvErrorKind::WrongType {
                            expected: "a list of strings",
                            found: py_type(item),
                        }));
                    };
                    let k = t
                        .as_str()
                        .ok_or_else(|| var.err(EnvErrorKind::LoneSurrogate))?;
                    if k.is_empty() {
                        return Err(
                            var.err(EnvErrorKind::Codec(ConfigError::EmptyKey { index: i }))
                        );
                    }
                    keys.push(k.to_owned());
                }
                keys
            }
            _ => return Err(var.wrong("a JSON list of strings")),
        };
        codec = codec.fallback_keys(keys);
    }
    let mut b = SessionConfigBuilder::new(codec);

    if let Some(var) = take("SESSION_COOKIE_NAME") {
        b = b.cookie_name(var.string("a string")?);
    }
    if let Some(var) = take("SESSION_COOKIE_DOMAIN") {
        let domain = match var.value {
            Value::None | Value::Bool(false) => None,
            _ => Some(var.string("a string, or null")?),
        };
        cookie_domain(domain.as_deref()).map_err(|e| var.err(EnvErrorKind::Cookie(e)))?;
        b = b.domain(domain.as_deref());
    }
    if let Some(var) = take("APPLICATION_ROOT") {
        b = b.application_root(var.string("a string")?);
    }
    if let Some(var) = take("SESSION_COOKIE_PATH") {
        // `SESSION_COOKIE_PATH or APPLICATION_ROOT`.
        if var.value.is_truthy() {
            b = b.path(Some(&var.string("a string, or a false value")?));
        } else {
            b = b.path(None);
        }
    }
    if let Some(var) = take("SESSION_COOKIE_HTTPONLY") {
        b = b.httponly(var.flag()?);
    }
    if let Some(var) = take("SESSION_COOKIE_SECURE") {
        b = b.secure(var.flag()?);
    }
    if let Some(var) = take("SESSION_COOKIE_PARTITIONED") {
        b = b.partitioned(var.flag()?);
    }
    if let Some(var) = take("SESSION_COOKIE_SAMESITE") {
        let samesite = match var.value {
            Value::None => None,
            _ => Some(var.string("Strict, Lax, None or null")?),
        };
        if let Some(s) = samesite.as_deref() {
            SameSite::parse(s).map_err(|e| var.err(EnvErrorKind::Cookie(e)))?;
        }
        b = b.samesite(samesite.as_deref());
    }
    if let Some(var) = take("PERMANENT_SESSION_LIFETIME") {
        b = b.lifetime(var.non_negative_int(
            MAX_LIFETIME,
            "whole seconds from 0 to 86399999999999 (timedelta.max)",
        )?);
    }
    if let Some(var) = take("SESSION_REFRESH_EACH_REQUEST") {
        b = b.refresh_each_request(var.value.is_truthy());
    }
    if let Some(var) = take("MAX_COOKIE_SIZE") {
        let n = var.non_negative_int(u64::MAX, "an integer >= 0")?;
        b = b.max_cookie_size(usize::try_from(n).unwrap_or(usize::MAX));
    }
    Ok(b)
}
