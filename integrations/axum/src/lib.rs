//! Flask's session cookie in axum and tower services: a [`FlaskSessionLayer`] that opens the
//! session from the request and writes `Set-Cookie` and `Vary` on the response exactly as
//! Flask 3.1's `SecureCookieSessionInterface` would, and a [`FlaskSession`] extractor.
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use flask_cookie_axum::{FlaskSession, FlaskSessionLayer, SessionConfig};
//!
//! async fn visit(session: FlaskSession) -> String {
//!     let visits = session.get("visits").and_then(|v| v.as_i64()).unwrap_or(0) + 1;
//!     session.insert("visits", visits);
//!     format!("visit {visits}\n")
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // FLASK_SECRET_KEY, FLASK_SESSION_COOKIE_*, ... as the Flask app reads them.
//! let config = SessionConfig::from_prefixed_env(std::env::vars_os())?;
//! let app = Router::new()
//!     .route("/visit", get(visit))
//!     .layer(FlaskSessionLayer::new(config));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! * The request's `Cookie` headers, all of them, are read as raw bytes and joined as
//!   Werkzeug joins them ([`flask_cookie::session::open_session`]).
//! * A cookie with a bad signature, expired, or not there gives a new empty session, as in
//!   Flask. A validly signed cookie whose payload does not decode makes Flask answer HTTP 500
//!   before the view runs: so does the layer (Werkzeug's page, without a cookie), unless
//!   [`FlaskSessionLayer::on_error`] says otherwise. Failing to save (an expiry past the year
//!   9999) is the same.
//! * After the inner service answers, the session is saved at the current time: `Set-Cookie`
//!   appended (or the deletion of the cookie for an emptied session), and `Cookie` added to
//!   `Vary` when the view touched the session (Werkzeug's `HeaderSet.add`).

#![deny(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): each feature-gated item marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE, VARY};
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

pub use flask_cookie::session::{
    EnvError, OpenError, SaveError, Session, SessionConfig, SessionConfigBuilder,
};
#[cfg(feature = "serde")]
pub use flask_cookie::SerdeError;
pub use flask_cookie::{Dict, Value};

/// Why the layer answers instead of the service (Flask: HTTP 500).
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// Opening the session failed: a validly signed cookie whose payload does not decode.
    Open(OpenError),
    /// Saving the session failed.
    Save(SaveError),
    /// The `Set-Cookie` or `Vary` value cannot be an HTTP header value (a control character
    /// in a configured cookie name).
    Header,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Open(e) => write!(f, "cannot open the Flask session: {e}"),
            SessionError::Save(e) => write!(f, "cannot save the Flask session: {e}"),
            SessionError::Header => f.write_str("the session cookie is not a valid header value"),
        }
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SessionError::Open(e) => Some(e),
            SessionError::Save(e) => Some(e),
            SessionError::Header => None,
        }
    }
}

/// The body of Werkzeug's `InternalServerError`, which Flask sends for an error it does not
/// handle (`text/html; charset=utf-8`).
pub const FLASK_500_BODY: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

/// Flask's answer to an error it does not handle: 500 and Werkzeug's page.
pub fn flask_500() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        FLASK_500_BODY,
    )
        .into_response()
}

type ErrorHandler = dyn Fn(SessionError) -> Response + Send + Sync;
type Clock = dyn Fn() -> u64 + Send + Sync;

#[derive(Clone)]
struct Shared {
    config: Arc<SessionConfig>,
    on_error: Arc<ErrorHandler>,
    clock: Arc<Clock>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The tower [`Layer`]: wraps a service so each request has a [`FlaskSession`]. Cheap to
/// clone (its settings are shared).
#[derive(Clone)]
pub struct FlaskSessionLayer {
    shared: Arc<Shared>,
}

impl fmt::Debug for FlaskSessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskSessionLayer")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl FlaskSessionLayer {
    /// A layer for the sessions of a Flask app configured as `config`
    /// ([`SessionConfig::from_prefixed_env`], [`SessionConfig::flask`]).
    pub fn new(config: SessionConfig) -> FlaskSessionLayer {
        FlaskSessionLayer {
            shared: Arc::new(Shared {
                config: Arc::new(config),
                on_error: Arc::new(|_| flask_500()),
                clock: Arc::new(unix_now),
            }),
        }
    }

    /// Answers with `handler`'s response instead of Flask's 500 page when the session cannot
    /// be opened or saved (the service is not called when opening fails).
    pub fn on_error<F>(mut self, handler: F) -> FlaskSessionLayer
    where
        F: Fn(SessionError) -> Response + Send + Sync + 'static,
    {
        Arc::make_mut(&mut self.shared).on_error = Arc::new(handler);
        self
    }

    /// The clock the session is opened and saved at (Unix seconds; default: the system clock).
    pub fn clock<F>(mut self, clock: F) -> FlaskSessionLayer
    where
        F: Fn() -> u64 + Send + Sync + 'static,
    {
        Arc::make_mut(&mut self.shared).clock = Arc::new(clock);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.shared.config
    }
}

impl<S> Layer<S> for FlaskSessionLayer {
    type Service = FlaskSessionService<S>;

    fn layer(&self, inner: S) -> FlaskSessionService<S> {
        FlaskSessionService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service [`FlaskSessionLayer`] makes.
#[derive(Clone)]
pub struct FlaskSessionService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S: fmt::Debug> fmt::Debug for FlaskSessionService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskSessionService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S, ReqBody> Service<Request<ReqBody>> for FlaskSessionService<S>
where
    S: Service<Request<ReqBody>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        let opened = {
            let mut all = req
                .headers()
                .get_all(COOKIE)
                .iter()
                .map(HeaderValue::as_bytes);
            let now = (shared.clock)();
            match (all.next(), all.next()) {
                (None, _) => Ok(Session::new()),
                // The usual case, without collecting.
                (Some(one), None) => {
                    flask_cookie::session::open_session(&shared.config, &[one], now)
                }
                (Some(one), Some(two)) => {
                    let headers: Vec<&[u8]> = [one, two].into_iter().chain(all).collect();
                    flask_cookie::session::open_session(&shared.config, &headers, now)
                }
            }
        };
        let handle = match opened {
            Ok(session) => FlaskSession::from_session(session),
            Err(e) => {
                let response = (shared.on_error)(SessionError::Open(e));
                return ResponseFuture {
                    state: State::Answer {
                        response: Some(response),
                    },
                };
            }
        };
        req.extensions_mut().insert(handle.clone());
        // Opening needs no waiting, so the service that was polled ready is called now (no
        // clone of it to move into the future).
        ResponseFuture {
            state: State::Inner {
                future: self.inner.call(req),
                shared,
                handle,
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`FlaskSessionService`]: the inner service's response with the session
    /// saved on it (`Set-Cookie`, `Vary`), or the error handler's response.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        // Opening failed: the error handler's response, not yet taken.
        Answer { response: Option<Response> },
        // The inner service answers; then the session is saved on its response.
        Inner {
            #[pin]
            future: F,
            shared: Arc<Shared>,
            handle: FlaskSession,
        },
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            // Polled again after it answered: Flask's 500 rather than a panic.
            StateProj::Answer { response } => {
                Poll::Ready(Ok(response.take().unwrap_or_else(flask_500)))
            }
            StateProj::Inner {
                future,
                shared,
                handle,
            } => {
                let mut response = match future.poll(cx) {
                    Poll::Ready(r) => r?,
                    Poll::Pending => return Poll::Pending,
                };
                let now = (shared.clock)();
                Poll::Ready(Ok(
                    match finish(&shared.config, handle, response.headers_mut(), now) {
                        Ok(()) => response,
                        Err(e) => (shared.on_error)(e),
                    },
                ))
            }
        }
    }
}

/// Flask's `save_session` on the response headers.
fn finish(
    config: &SessionConfig,
    handle: &FlaskSession,
    headers: &mut HeaderMap,
    now: u64,
) -> Result<(), SessionError> {
    let out = {
        let session = handle.lock();
        flask_cookie::session::save_session(config, &session, now).map_err(SessionError::Save)?
    };
    let set_cookie = match out.set_cookie {
        Some(c) => Some(latin1_header(c).ok_or(SessionError::Header)?),
        None => None,
    };
    let vary = if out.vary_cookie {
        // Werkzeug's `response.vary` is the first `Vary` header (latin-1); it is rewritten
        // (replacing every `Vary` header) only when `Cookie` was not in it.
        match headers.get(VARY) {
            // No `Vary` yet (the usual case): `vary_with_cookie(None)`, without allocating.
            None => Some(HeaderValue::from_static("Cookie")),
            Some(v) => {
                let existing: String = v.as_bytes().iter().map(|&b| char::from(b)).collect();
                let merged = flask_cookie::session::vary_with_cookie(Some(&existing));
                if existing == merged {
                    None
                } else {
                    Some(latin1_header(merged).ok_or(SessionError::Header)?)
                }
            }
        }
    } else {
        None
    };
    if let Some(v) = vary {
        headers.insert(VARY, v);
    }
    if let Some(c) = set_cookie {
        headers.append(SET_COOKIE, c);
    }
    Ok(())
}

/// A header value of latin-1 text (what WSGI sends as bytes).
fn latin1_header(text: String) -> Option<HeaderValue> {
    if text.is_ascii() {
        // The usual case: the latin-1 bytes are the text's own bytes, taken without a copy.
        // Trimmed to their length first, the buffer becomes the value's own (a longer one
        // would cost `Bytes` an allocation of its own to share it).
        let mut bytes = text.into_bytes();
        bytes.shrink_to_fit();
        return HeaderValue::try_from(bytes).ok();
    }
    let bytes: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    HeaderValue::try_from(bytes?).ok()
}

/// The request's Flask session: an extractor (needs [`FlaskSessionLayer`]) and a cheap
/// handle (an `Arc`) on the session the layer saves once the handler has answered.
///
/// Every method is Flask's (see [`Session`]): `insert`, `clear`, `set_permanent` mark the
/// session modified; `remove` when the key was there; reading marks it accessed (the response
/// then gets `Vary: Cookie`). Change nested values with [`with_mut`](Self::with_mut) and
/// [`mark_modified`](Self::mark_modified), as in Flask.
#[derive(Clone, Default)]
pub struct FlaskSession {
    inner: Arc<Mutex<Session>>,
}

impl fmt::Debug for FlaskSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FlaskSession").field(&*self.lock()).finish()
    }
}

impl FlaskSession {
    /// A handle on `session` (for tests of handlers, without the layer).
    pub fn from_session(session: Session) -> FlaskSession {
        FlaskSession {
            inner: Arc::new(Mutex::new(session)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        // A handler that panicked holding the lock leaves a session that is still a session.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the session, read-only (marks it accessed only if `f` reads it).
    pub fn with<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.lock())
    }

    /// Runs `f` on the session, to change it (typed or nested changes; Flask's tracking
    /// applies to what `f` calls).
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        f(&mut self.lock())
    }

    /// `session.get(key)`, cloned.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.lock().get(key).cloned()
    }

    /// `session.get(key)` as a typed `T` (feature `serde`, Flask's tagged values as
    /// `flask_cookie::serde` maps them): `Ok(None)` when absent, an error naming the field path
    /// when the value is not a `T`.
    #[cfg(feature = "serde")]
    pub fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, flask_cookie::SerdeError> {
        self.lock().get_as(key)
    }

    /// `session[key] = value` for a typed `value` (feature `serde`): stores what Flask would
    /// hold for it; the previous value.
    #[cfg(feature = "serde")]
    pub fn insert_as<T: serde::Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<Option<Value>, flask_cookie::SerdeError> {
        self.lock().insert_as(key, value)
    }

    /// `key in session`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    /// `session[key] = value`; the previous value.
    pub fn insert(&self, key: &str, value: impl Into<Value>) -> Option<Value> {
        self.lock().insert(key, value)
    }

    /// `session.pop(key, None)`.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.lock().remove(key)
    }

    /// `session.setdefault(key, default)`, cloned.
    pub fn setdefault(&self, key: &str, default: impl Into<Value>) -> Value {
        self.lock().setdefault(key, default).clone()
    }

    /// `session.clear()`: the response deletes the cookie.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// `session.permanent`.
    pub fn permanent(&self) -> bool {
        self.lock().permanent()
    }

    /// `session.permanent = permanent`.
    pub fn set_permanent(&self, permanent: bool) {
        self.lock().set_permanent(permanent);
    }

    /// `session.modified = True`.
    pub fn mark_modified(&self) {
        self.lock().mark_modified();
    }

    /// `len(session)`.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// `not session`.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The whole session, cloned (accessed).
    pub fn to_dict(&self) -> Dict {
        self.lock().dict().clone()
    }

    /// `session.modified`.
    pub fn is_modified(&self) -> bool {
        self.lock().is_modified()
    }

    /// `session.accessed`.
    pub fn is_accessed(&self) -> bool {
        self.lock().is_accessed()
    }
}

/// The extractor fails (500) when the handler is not behind a [`FlaskSessionLayer`].
#[derive(Debug, Clone, Copy)]
pub struct MissingSessionLayer;

impl fmt::Display for MissingSessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FlaskSession extractor used without FlaskSessionLayer")
    }
}

impl std::error::Error for MissingSessionLayer {}

impl IntoResponse for MissingSessionLayer {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FlaskSession {
    type Rejection = MissingSessionLayer;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<FlaskSession, MissingSessionLayer> {
        parts
            .extensions
            .get::<FlaskSession>()
            .cloned()
            .ok_or(MissingSessionLayer)
    }
}
