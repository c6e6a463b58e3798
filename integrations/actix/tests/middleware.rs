//! The middleware on known answers from real Flask 3.1.3 (test client, clock frozen at
//! 1700000000, SECRET_KEY "test key"; the values are what Flask sent).

use actix_web::http::header::{HeaderName, COOKIE, SET_COOKIE, VARY};
use actix_web::http::StatusCode;
use actix_web::{test, web, App, HttpResponse};
use flask_cookie_actix::{FlaskSession, FlaskSessionMiddleware, SessionConfig, SessionError};

const NOW: u64 = 1_700_000_000;
/// `{"a": 1}`, signed by Flask at NOW.
const COOKIE_A1: &str = "session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
/// A validly signed cookie whose payload is `{" u": "zz"}` (itsdangerous, Flask's salt).
const BAD_PAYLOAD: &str = "session=eyIgdSI6Inp6In0.ZVPxAA.e6cOasYZQKCkrT_-S4D3p8mB1E4";

fn middleware() -> FlaskSessionMiddleware {
    FlaskSessionMiddleware::new(SessionConfig::flask("test key").build().unwrap()).clock(|| NOW)
}

async fn user(s: FlaskSession) -> HttpResponse {
    s.insert("user", "ada");
    HttpResponse::Ok().body("x")
}

async fn vary(s: FlaskSession) -> HttpResponse {
    let _ = s.get("a");
    HttpResponse::Ok()
        .insert_header((VARY, "Accept-Encoding"))
        .body("x")
}

fn all<B>(r: &actix_web::dev::ServiceResponse<B>, name: HeaderName) -> Vec<String> {
    r.headers()
        .get_all(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn sets_the_cookie_and_vary_flask_sets() {
    let app = test::init_service(
        App::new()
            .wrap(middleware())
            .route("/", web::get().to(user))
            .route("/vary", web::get().to(vary)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/")
        .append_header((COOKIE, "x=1"))
        .append_header((COOKIE, COOKIE_A1))
        .to_request();
    let r = test::call_service(&app, req).await;
    assert_eq!(
        all(&r, SET_COOKIE),
        ["session=eyJhIjoxLCJ1c2VyIjoiYWRhIn0.ZVPxAA.X24vt07YKCsM5UN0UEYnFoWJrNY; HttpOnly; Path=/"]
    );
    assert_eq!(all(&r, VARY), ["Cookie"]);
    let r = test::call_service(&app, test::TestRequest::get().uri("/vary").to_request()).await;
    assert_eq!(all(&r, VARY), ["Accept-Encoding, Cookie"]);
    assert!(all(&r, SET_COOKIE).is_empty());
}

#[actix_web::test]
async fn bad_payload_is_flasks_500_or_the_handlers_answer() {
    let app = test::init_service(
        App::new()
            .wrap(middleware())
            .route("/", web::get().to(user)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/")
        .insert_header((COOKIE, BAD_PAYLOAD))
        .to_request();
    let r = test::call_service(&app, req).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(all(&r, SET_COOKIE).is_empty());
    let body = test::read_body(r).await;
    assert_eq!(&body[..], flask_cookie_actix::FLASK_500_BODY.as_bytes());

    let custom = middleware().on_error(|e| match e {
        SessionError::Open(_) => HttpResponse::BadRequest().body("bad session"),
        _ => HttpResponse::InternalServerError().finish(),
    });
    let app = test::init_service(App::new().wrap(custom).route("/", web::get().to(user))).await;
    let req = test::TestRequest::get()
        .uri("/")
        .insert_header((COOKIE, BAD_PAYLOAD))
        .to_request();
    assert_eq!(
        test::call_service(&app, req).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn extractor_without_middleware_is_a_500() {
    let app = test::init_service(App::new().route("/", web::get().to(user))).await;
    let r = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[cfg(feature = "serde")]
#[actix_web::test]
async fn typed_get_and_insert_write_what_flask_writes() {
    #[derive(serde::Serialize)]
    struct Prefs<'a> {
        theme: &'a str,
        size: u8,
    }
    async fn typed(s: FlaskSession) -> HttpResponse {
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
        HttpResponse::Ok().body("x")
    }
    let app = test::init_service(
        App::new()
            .wrap(middleware())
            .route("/", web::get().to(typed)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/")
        .insert_header((COOKIE, COOKIE_A1))
        .to_request();
    let r = test::call_service(&app, req).await;
    // Flask: session["prefs"] = {"theme": "dark", "size": 3}; session["seen"] = session.get("a").
    assert_eq!(
        all(&r, SET_COOKIE),
        ["session=eyJhIjoxLCJwcmVmcyI6eyJzaXplIjozLCJ0aGVtZSI6ImRhcmsifSwic2VlbiI6MX0.ZVPxAA.vdM2OMniGoKsFsv9DpDO6RgIi70; HttpOnly; Path=/"]
    );
}
