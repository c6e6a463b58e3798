//! The `/api/*` routes of `../shared/interop/flask_app.py` as an axum service, sharing the
//! Flask app's session cookie: `flask_api HOST PORT`, configured from the same `FLASK_*`
//! variables (`FLASK_SECRET_KEY`...). `/bench/visit` is the `/api/visit` answer without the
//! session layer (the load benchmark's baseline).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use flask_cookie_axum::{FlaskSession, FlaskSessionLayer, SessionConfig};

#[path = "../../examples/flask_api.rs"]
mod views;

fn respond(reply: views::Reply) -> Response {
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(reply.content_type),
        )],
        reply.body,
    )
        .into_response();
    if let Some(vary) = reply.vary {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static(vary));
    }
    response
}

async fn visit(session: FlaskSession) -> Response {
    respond(session.with_mut(views::visit))
}

async fn peek(session: FlaskSession) -> Response {
    respond(session.with(views::peek))
}

async fn flash(session: FlaskSession) -> Response {
    respond(session.with_mut(views::flash))
}

async fn logout(session: FlaskSession) -> Response {
    respond(session.with_mut(views::logout))
}

async fn vary(session: FlaskSession) -> Response {
    respond(session.with(views::vary))
}

async fn health() -> Response {
    respond(views::health())
}

async fn bench_visit() -> Response {
    respond(views::jsonify(vec![
        ("user_id", Some(42.into())),
        ("axum_visits", Some(1.into())),
    ]))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (host, port) = views::host_port()?;
    let config = SessionConfig::from_prefixed_env(std::env::vars_os())?;
    let app = Router::new()
        .route("/api/visit", get(visit))
        .route("/api/peek", get(peek))
        .route("/api/flash", get(flash))
        .route("/api/logout", get(logout))
        .route("/api/vary", get(vary))
        .route("/api/health", get(health))
        .layer(FlaskSessionLayer::new(config))
        .route("/bench/visit", get(bench_visit));
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
