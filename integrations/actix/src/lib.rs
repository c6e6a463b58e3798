//! Flask's session cookie in actix-web: [`FlaskSessionMiddleware`] opens the session from the
//! request and writes `Set-Cookie` and `Vary` on the response exactly as Flask 3.1's
//! `SecureCookieSessionInterface` would; [`FlaskSession`] is the extractor.
//!
//! ```no_run
//! use actix_web::{get, App, HttpServer, Responder};
//! use flask_cookie_actix::{FlaskSession, FlaskSessionMiddleware, SessionConfig};
//!
//! #[get("/visit")]
//! async fn visit(session: FlaskSession) -> impl Responder {
//!     let visits = session.get("visits").and_then(|v| v.as_i64()).unwrap_or(0) + 1;
//!     session.insert("visits", visits);
//!     format!("visit {visits}\n")
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // FLASK_SECRET_KEY, FLASK_SESSION_COOKIE_*, ... as the Flask app reads them.
//!     let middleware = FlaskSessionMiddleware::new(SessionConfig::from_prefixed_env(std::env::vars_os())?);
//!     HttpServer::new(move || App::new().wrap(middleware.clone()).service(visit))
//!         .bind(("127.0.0.1", 8080))?
//!         .run()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! As in Flask: a missing, badly signed or expired cookie gives a new empty session; a validly
//! signed cookie whose payload does not decode answers HTTP 500 (Werkzeug's page) before the
//! handler runs, unless [`FlaskSessionMiddleware::on_error`] says otherwise; the session is
//! saved on every response, handlers' error responses included.

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
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE, VARY};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

pub use flask_cookie::session::{
    EnvError, OpenError, SaveError, Session, SessionConfig, SessionConfigBuilder,
};
#[cfg(feature = "serde")]
pub use flask_cookie::SerdeError;
pub use flask_cookie::{Dict, Value};

/// Why the middleware answers instead of the handler (Flask: HTTP 500).
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// Opening the session failed: a validly signed cookie whose payload does not decode.
    Open(OpenError),
    /// Saving the session failed.
    Save(SaveError),
    /// The `Set-Cookie` or `Vary` value cannot be an HTTP header value.
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

impl std::error::Error for SessionError {}

/// The body of Werkzeug's `InternalServerError`, which Flask sends for an error it does not
/// handle (`text/html; charset=utf-8`).
pub const FLASK_500_BODY: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

/// Flask's answer to an error it does not handle: 500 and Werkzeug's page.
pub fn flask_500() -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/html; charset=utf-8")
        .body(FLASK_500_BODY)
}

type ErrorHandler = dyn Fn(SessionError) -> HttpResponse + Send + Sync;
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

/// The middleware (`App::new().wrap(FlaskSessionMiddleware::new(config))`). Cheap to clone:
/// build it once, outside `HttpServer::new`'s factory, and clone it into each worker.
#[derive(Clone)]
pub struct FlaskSessionMiddleware {
    shared: Arc<Shared>,
}

impl fmt::Debug for FlaskSessionMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskSessionMiddleware")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl FlaskSessionMiddleware {
    /// The middleware for the sessions of a Flask app configured as `config`.
    pub fn new(config: SessionConfig) -> FlaskSessionMiddleware {
        FlaskSessionMiddleware {
            shared: Arc::new(Shared {
                config: Arc::new(config),
                on_error: Arc::new(|_| flask_500()),
                clock: Arc::new(unix_now),
            }),
        }
    }

    /// Answers with `handler`'s response instead of Flask's 500 page when the session cannot
    /// be opened or saved.
    pub fn on_error<F>(mut self, handler: F) -> FlaskSessionMiddleware
    where
        F: Fn(SessionError) -> HttpResponse + Send + Sync + 'static,
    {
        Arc::make_mut(&mut self.shared).on_error = Arc::new(handler);
        self
    }

    /// The clock the session is opened and saved at (Unix seconds; default: the system clock).
    pub fn clock<F>(mut self, clock: F) -> FlaskSessionMiddleware
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

impl<S, B> Transform<S, ServiceRequest> for FlaskSessionMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = FlaskSessionService<S>;
    type InitError = ();
    type Future = Ready<Result<FlaskSessionService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(FlaskSessionService {
            service: Rc::new(service),
            shared: Arc::clone(&self.shared),
        }))
    }
}

/// The service [`FlaskSessionMiddleware`] wraps around the app.
pub struct FlaskSessionService<S> {
    service: Rc<S>,
    shared: Arc<Shared>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

impl<S, B> Service<ServiceRequest> for FlaskSessionService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Answer<B>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        let opened = {
            let mut all = req.headers().get_all(COOKIE).map(HeaderValue::as_bytes);
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
                return Box::pin(ready(Ok(req.into_response(response).map_into_right_body())));
            }
        };
        req.extensions_mut().insert(handle.clone());
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            // Handlers' errors arrive as error responses (actix answers them itself), so their
            // session is saved, as Flask saves the session of an error response.
            let mut res = service.call(req).await?.map_into_left_body();
            match finish(&shared.config, &handle, res.headers_mut(), (shared.clock)()) {
                Ok(()) => Ok(res),
                Err(e) => {
                    let response = (shared.on_error)(e);
                    Ok(res.into_response(response).map_into_right_body())
                }
            }
        })
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
        let existing = headers.get(VARY).map(|v| {
            v.as_bytes()
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
        });
        let merged = flask_cookie::session::vary_with_cookie(existing.as_deref());
        match existing {
            Some(e) if e == merged => None,
            _ => Some(latin1_header(merged).ok_or(SessionError::Header)?),
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
        return HeaderValue::try_from(text).ok();
    }
    let bytes: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    HeaderValue::try_from(bytes?).ok()
}

/// The request's Flask session: an extractor (needs [`FlaskSessionMiddleware`]) and a cheap
/// handle (an `Arc`) on the session the middleware saves once the handler has answered.
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
    /// A handle on `session` (for tests of handlers, without the middleware).
    pub fn from_session(session: Session) -> FlaskSession {
        FlaskSession {
            inner: Arc::new(Mutex::new(session)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        // A handler that panicked holding the lock leaves a session that is still a session.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the session, read-only.
    pub fn with<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.lock())
    }

    /// Runs `f` on the session, to change it (typed or nested changes).
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

/// The extractor fails (500) when the handler is not behind a [`FlaskSessionMiddleware`].
#[derive(Debug, Clone, Copy)]
pub struct MissingSessionMiddleware;

impl fmt::Display for MissingSessionMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FlaskSession extractor used without FlaskSessionMiddleware")
    }
}

impl ResponseError for MissingSessionMiddleware {}

impl FromRequest for FlaskSession {
    type Error = MissingSessionMiddleware;
    type Future = Ready<Result<FlaskSession, MissingSessionMiddleware>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<FlaskSession>()
                .cloned()
                .ok_or(MissingSessionMiddleware),
        )
    }
}
