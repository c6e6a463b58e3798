//! The layer on known answers from real Flask 3.1.3 (test client, clock frozen at 1700000000,
//! SECRET_KEY "test key"; the values in the comments are what Flask sent).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use flask_cookie_axum::{FlaskSession, FlaskSessionLayer, SessionConfig, SessionError};
use http_body_util::BodyExt;
use tower::ServiceExt;

const NOW: u64 = 1_700_000_000;
/// `{"a": 1}`, signed by Flask at NOW.
const COOKIE_A1: &str = "session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";

fn app() -> Router {
    let config = SessionConfig::flask("test key").build().unwrap();
    Router::new()
        .route(
            "/",
            get(|s: FlaskSession| async move {
                s.insert("user", "ada");
                "x"
            }),
        )
        .route(
            "/vary",
            get(|s: FlaskSession| async move {
                let _ = s.get("a");
                ([(header::VARY, "Accept-Encoding")], "x")
            }),
        )
        .route(
            "/vary-has-cookie",
            get(|s: FlaskSession| async move {
                let _ = s.get("a");
                ([(header::VARY, "accept,  COOKIE")], "x")
            }),
        )
        .route("/untouched", get(|| async { "x" }))
        .layer(FlaskSessionLayer::new(config).clock(|| NOW))
}

async fn get_with(app: Router, path: &str, cookies: &[&str]) -> Response {
    let mut req = Request::builder().uri(path);
    for c in cookies {
        req = req.header(header::COOKIE, *c);
    }
    app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap()
}

fn all(r: &Response, name: header::HeaderName) -> Vec<String> {
    r.headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn sets_the_cookie_flask_sets() {
    // Flask, one header "x=1; session=..." (Werkzeug joins several headers with ";" too).
    let r = get_with(app(), "/", &["x=1", COOKIE_A1]).await;
    assert_eq!(
        all(&r, header::SET_COOKIE),
        ["session=eyJhIjoxLCJ1c2VyIjoiYWRhIn0.ZVPxAA.X24vt07YKCsM5UN0UEYnFoWJrNY; HttpOnly; Path=/"]
    );
    assert_eq!(all(&r, header::VARY), ["Cookie"]);
}

#[tokio::test]
async fn merges_vary_as_werkzeug() {
    let r = get_with(app(), "/vary", &[]).await;
    assert_eq!(all(&r, header::VARY), ["Accept-Encoding, Cookie"]);
    assert!(all(&r, header::SET_COOKIE).is_empty());
    // Already there (any case): left as it was.
    let r = get_with(app(), "/vary-has-cookie", &[]).await;
    assert_eq!(all(&r, header::VARY), ["accept,  COOKIE"]);
    // Not touched: neither header.
    let r = get_with(app(), "/untouched", &[COOKIE_A1]).await;
    assert!(all(&r, header::VARY).is_empty() && all(&r, header::SET_COOKIE).is_empty());
}

/// A validly signed cookie whose payload is `{" u": "zz"}` (itsdangerous, Flask's salt).
const BAD_PAYLOAD: &str = "session=eyIgdSI6Inp6In0.ZVPxAA.e6cOasYZQKCkrT_-S4D3p8mB1E4";

#[tokio::test]
async fn bad_payload_is_flasks_500_or_the_handlers_answer() {
    let r = get_with(app(), "/", &[BAD_PAYLOAD]).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(all(&r, header::SET_COOKIE).is_empty());
    let body = r.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], flask_cookie_axum::FLASK_500_BODY.as_bytes());

    let config = SessionConfig::flask("test key").build().unwrap();
    let app = Router::new().route("/", get(|| async { "x" })).layer(
        FlaskSessionLayer::new(config)
            .clock(|| NOW)
            .on_error(|e| match e {
                SessionError::Open(_) => (StatusCode::BAD_REQUEST, "bad session").into_response(),
                _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }),
    );
    let r = get_with(app, "/", &[BAD_PAYLOAD]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn extractor_without_layer_is_a_500() {
    let app = Router::new().route("/", get(|_s: FlaskSession| async { "x" }));
    let r = get_with(app, "/", &[]).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[cfg(feature = "serde")]
#[tokio::test]
async fn typed_get_and_insert_write_what_flask_writes() {
    #[derive(serde::Serialize)]
    struct Prefs<'a> {
        theme: &'a str,
        size: u8,
    }
    let config = SessionConfig::flask("test key").build().unwrap();
    let app = Router::new()
        .route(
            "/",
            get(|s: FlaskSession| async move {
                let a: Option<i64> = s.get_as("a").unwrap();
                s.insert_as(
                    "prefs",
                    &Prefs {
                        theme: "dark",
                        size: 3,
                    },
                )
                .unwrap();
                s.insert_as("seen", &a).unwrap();
                // Not an int: the error names the key.
                let e = s.get_as::<String>("a").unwrap_err();
                assert!(e.to_string().contains('a'), "{e}");
                "x"
            }),
        )
        .layer(FlaskSessionLayer::new(config).clock(|| NOW));
    let r = get_with(app, "/", &[COOKIE_A1]).await;
    // Flask: session["prefs"] = {"theme": "dark", "size": 3}; session["seen"] = session.get("a").
    assert_eq!(
        all(&r, header::SET_COOKIE),
        ["session=eyJhIjoxLCJwcmVmcyI6eyJzaXplIjozLCJ0aGVtZSI6ImRhcmsifSwic2VlbiI6MX0.ZVPxAA.vdM2OMniGoKsFsv9DpDO6RgIi70; HttpOnly; Path=/"]
    );
}
