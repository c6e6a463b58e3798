//! [`SessionConfig`]: every Flask setting that shapes the session cookie, on a [`Codec`].

use std::fmt;

use crate::codec::{Codec, CodecBuilder, FLASK_MAX_AGE};
use crate::error::ConfigError;
use crate::session::set_cookie::{
    cookie_domain, quote_path, CookieAttributes, CookieError, SameSite,
};
use crate::signer::SecretKey;

/// Why a [`SessionConfig`] was refused: the codec's own errors, and the settings Flask and
/// Werkzeug refuse when they write the cookie (refused here once, when building).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionConfigError {
    /// The codec configuration (keys, digest...).
    Codec(ConfigError),
    /// `SESSION_COOKIE_SAMESITE`, `SESSION_COOKIE_DOMAIN`: Werkzeug's `dump_cookie` refuses
    /// them (at every response that sets or deletes the cookie: an HTTP 500 in Flask).
    Cookie(CookieError),
}

impl fmt::Display for SessionConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionConfigError::Codec(e) => write!(f, "invalid codec configuration: {e}"),
            SessionConfigError::Cookie(e) => write!(f, "invalid session cookie setting: {e}"),
        }
    }
}

impl std::error::Error for SessionConfigError {}

impl From<ConfigError> for SessionConfigError {
    fn from(e: ConfigError) -> SessionConfigError {
        SessionConfigError::Codec(e)
    }
}

impl From<CookieError> for SessionConfigError {
    fn from(e: CookieError) -> SessionConfigError {
        SessionConfigError::Cookie(e)
    }
}

/// Werkzeug's default `max_cookie_size` and Flask's `MAX_COOKIE_SIZE`.
pub const FLASK_MAX_COOKIE_SIZE: usize = 4093;

/// Builds a [`SessionConfig`]; every setting starts at Flask 3.1's default.
///
/// | method | Flask setting | default |
/// |---|---|---|
/// | [`cookie_name`](Self::cookie_name) | `SESSION_COOKIE_NAME` | `session` |
/// | [`domain`](Self::domain) | `SESSION_COOKIE_DOMAIN` | none |
/// | [`path`](Self::path) | `SESSION_COOKIE_PATH` | none: `APPLICATION_ROOT` |
/// | [`application_root`](Self::application_root) | `APPLICATION_ROOT` | `/` |
/// | [`httponly`](Self::httponly) | `SESSION_COOKIE_HTTPONLY` | `true` |
/// | [`secure`](Self::secure) | `SESSION_COOKIE_SECURE` | `false` |
/// | [`samesite`](Self::samesite) | `SESSION_COOKIE_SAMESITE` | none |
/// | [`partitioned`](Self::partitioned) | `SESSION_COOKIE_PARTITIONED` | `false` |
/// | [`lifetime`](Self::lifetime) | `PERMANENT_SESSION_LIFETIME` | 31 days |
/// | [`refresh_each_request`](Self::refresh_each_request) | `SESSION_REFRESH_EACH_REQUEST` | `true` |
/// | [`max_cookie_size`](Self::max_cookie_size) | `MAX_COOKIE_SIZE` | 4093 |
///
/// The keys, salt and digest are the codec's ([`Codec::flask`], `fallback_keys` for
/// `SECRET_KEY_FALLBACKS`); the codec's `max_age` is replaced by the lifetime, as Flask
/// opens every session cookie with `max_age = PERMANENT_SESSION_LIFETIME`, permanent or not.
#[derive(Clone, Debug)]
pub struct SessionConfigBuilder {
    codec: CodecBuilder,
    cookie_name: String,
    domain: Option<String>,
    path: Option<String>,
    application_root: String,
    httponly: bool,
    secure: bool,
    samesite: Option<String>,
    partitioned: bool,
    lifetime: u64,
    refresh_each_request: bool,
    max_cookie_size: usize,
}

/// A Flask app's session settings, checked and ready: open with
/// [`crate::session::open_session`], save with [`crate::session::save_session`].
///
/// ```
/// use flask_cookie::session::SessionConfig;
///
/// let config = SessionConfig::flask("test key").samesite(Some("lax")).build()?;
/// assert_eq!(config.cookie_name(), "session");
/// assert!(SessionConfig::flask("k").samesite(Some("sideways")).build().is_err());
/// # Ok::<(), flask_cookie::session::SessionConfigError>(())
/// ```
#[derive(Debug)]
pub struct SessionConfig {
    codec: Codec,
    cookie_name: String,
    /// The `Domain` attribute as written (trimmed, encoded).
    domain: Option<String>,
    /// The `Path` attribute as written (quoted).
    path: String,
    httponly: bool,
    secure: bool,
    samesite: Option<SameSite>,
    partitioned: bool,
    lifetime: u64,
    refresh_each_request: bool,
    max_cookie_size: usize,
}

impl SessionConfig {
    /// A builder for a Flask app whose `SECRET_KEY` is `secret_key`, every other setting at
    /// Flask's default.
    pub fn flask(secret_key: impl Into<SecretKey>) -> SessionConfigBuilder {
        SessionConfigBuilder::new(Codec::flask(secret_key))
    }

    /// A builder on a codec builder (keys, fallbacks, salt, digest, limits...).
    pub fn builder(codec: CodecBuilder) -> SessionConfigBuilder {
        SessionConfigBuilder::new(codec)
    }

    /// The codec (its `max_age` is the lifetime).
    pub fn codec(&self) -> &Codec {
        &self.codec
    }

    /// `SESSION_COOKIE_NAME`.
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// `PERMANENT_SESSION_LIFETIME`, seconds.
    pub fn lifetime(&self) -> u64 {
        self.lifetime
    }

    /// `SESSION_REFRESH_EACH_REQUEST`.
    pub fn refresh_each_request(&self) -> bool {
        self.refresh_each_request
    }

    /// The cookie attributes Flask's `save_session` passes to `set_cookie` and
    /// `delete_cookie` (`get_cookie_domain`, `get_cookie_path`, `get_cookie_secure`,
    /// `get_cookie_partitioned`, `get_cookie_samesite`, `get_cookie_httponly`), without
    /// `Expires` and `Max-Age`.
    pub fn cookie_attributes(&self) -> CookieAttributes<'_> {
        CookieAttributes {
            domain: self.domain.as_deref(),
            expires: None,
            max_age: None,
            secure: self.secure,
            httponly: self.httponly,
            path: Some(&self.path),
            samesite: self.samesite,
            partitioned: self.partitioned,
            max_size: self.max_cookie_size,
        }
    }
}

impl SessionConfigBuilder {
    /// Flask's defaults on `codec`.
    pub fn new(codec: CodecBuilder) -> SessionConfigBuilder {
        SessionConfigBuilder {
            codec,
            cookie_name: "session".to_owned(),
            domain: None,
            path: None,
            application_root: "/".to_owned(),
            httponly: true,
            secure: false,
            samesite: None,
            partitioned: false,
            lifetime: FLASK_MAX_AGE,
            refresh_each_request: true,
            max_cookie_size: FLASK_MAX_COOKIE_SIZE,
        }
    }

    /// Changes the codec builder (for example to add `SECRET_KEY_FALLBACKS`).
    pub fn codec(mut self, change: impl FnOnce(CodecBuilder) -> CodecBuilder) -> Self {
        self.codec = change(self.codec);
        self
    }

    /// `SESSION_COOKIE_NAME`.
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// `SESSION_COOKIE_DOMAIN`. A port and leading dots are dropped (Werkzeug); `None`: no
    /// `Domain` attribute (the empty string gives `Domain=`, as in Werkzeug).
    pub fn domain(mut self, domain: Option<&str>) -> Self {
        self.domain = domain.map(str::to_owned);
        self
    }

    /// `SESSION_COOKIE_PATH`; `None` or the empty string fall back to `APPLICATION_ROOT`
    /// (`SESSION_COOKIE_PATH or APPLICATION_ROOT`, Flask's `get_cookie_path`).
    pub fn path(mut self, path: Option<&str>) -> Self {
        self.path = path.map(str::to_owned);
        self
    }

    /// `APPLICATION_ROOT`.
    pub fn application_root(mut self, root: impl Into<String>) -> Self {
        self.application_root = root.into();
        self
    }

    /// `SESSION_COOKIE_HTTPONLY`.
    pub fn httponly(mut self, httponly: bool) -> Self {
        self.httponly = httponly;
        self
    }

    /// `SESSION_COOKIE_SECURE`.
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// `SESSION_COOKIE_SAMESITE`, any case (see [`SameSite::parse`]); checked by `build`.
    pub fn samesite(mut self, samesite: Option<&str>) -> Self {
        self.samesite = samesite.map(str::to_owned);
        self
    }

    /// `SESSION_COOKIE_PARTITIONED` (implies `Secure`, as in Werkzeug).
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// `PERMANENT_SESSION_LIFETIME` in seconds: the `max_age` every session cookie is opened
    /// with, and how far in the future a permanent session's cookie `Expires`.
    pub fn lifetime(mut self, seconds: u64) -> Self {
        self.lifetime = seconds;
        self
    }

    /// `SESSION_REFRESH_EACH_REQUEST`.
    pub fn refresh_each_request(mut self, refresh: bool) -> Self {
        self.refresh_each_request = refresh;
        self
    }

    /// `MAX_COOKIE_SIZE` (0: never warn).
    pub fn max_cookie_size(mut self, size: usize) -> Self {
        self.max_cookie_size = size;
        self
    }

    /// Checks the settings and builds the codec.
    pub fn build(self) -> Result<SessionConfig, SessionConfigError> {
        let samesite = self.samesite.as_deref().map(SameSite::parse).transpose()?;
        let domain = cookie_domain(self.domain.as_deref())?;
        let path = match self.path.as_deref() {
            Some(p) if !p.is_empty() => p,
            _ => &self.application_root,
        };
        let path = quote_path(path);
        let codec = self.codec.max_age(Some(self.lifetime)).build()?;
        Ok(SessionConfig {
            codec,
            cookie_name: self.cookie_name,
            domain,
            path,
            httponly: self.httponly,
            secure: self.secure,
            samesite,
            partitioned: self.partitioned,
            lifetime: self.lifetime,
            refresh_each_request: self.refresh_each_request,
            max_cookie_size: self.max_cookie_size,
        })
    }
}
