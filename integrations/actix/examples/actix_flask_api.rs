//! The `/api/*` routes of `../shared/interop/flask_app.py` as an actix-web service, sharing the
//! Flask app's session cookie: `flask_api HOST PORT`, configured from the same `FLASK_*`
//! variables (`FLASK_SECRET_KEY`...).

use actix_web::http::header::{CONTENT_TYPE, VARY};
use actix_web::http::StatusCode;
use actix_web::{get, App, HttpResponse, HttpServer};
use flask_cookie_actix::{FlaskSession, FlaskSessionMiddleware, SessionConfig};

#[path = "../../examples/flask_api.rs"]
mod views;

fn respond(reply: views::Reply) -> HttpResponse {
    let mut response = HttpResponse::build(
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    response.insert_header((CONTENT_TYPE, reply.content_type));
    if let Some(value) = reply.vary {
        response.insert_header((VARY, value));
    }
    response.body(reply.body)
}

#[get("/api/visit")]
async fn visit(session: FlaskSession) -> HttpResponse {
    respond(session.with_mut(views::visit))
}

#[get("/api/peek")]
async fn peek(session: FlaskSession) -> HttpResponse {
    respond(session.with(views::peek))
}

#[get("/api/flash")]
async fn flash(session: FlaskSession) -> HttpResponse {
    respond(session.with_mut(views::flash))
}

#[get("/api/logout")]
async fn logout(session: FlaskSession) -> HttpResponse {
    respond(session.with_mut(views::logout))
}

#[get("/api/vary")]
async fn vary(session: FlaskSession) -> HttpResponse {
    respond(session.with(views::vary))
}

#[get("/api/health")]
async fn health() -> HttpResponse {
    respond(views::health())
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (host, port) = views::host_port()?;
    let middleware =
        FlaskSessionMiddleware::new(SessionConfig::from_prefixed_env(std::env::vars_os())?);
    HttpServer::new(move || {
        App::new()
            .wrap(middleware.clone())
            .service(visit)
            .service(peek)
            .service(flash)
            .service(logout)
            .service(vary)
            .service(health)
    })
    .workers(2)
    .bind((host.as_str(), port))?
    .run()
    .await?;
    Ok(())
}
