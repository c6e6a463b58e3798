use actix_web::{get, App, HttpServer, Responder};
use flask_cookie_actix::{FlaskSession, FlaskSessionMiddleware, SessionConfig};

#[get("/visit")]
async fn visit(session: FlaskSession) -> impl Responder {
    let user = session.get("user_id").and_then(|v| v.as_i64());
    let visits = session.get("visits").and_then(|v| v.as_i64()).unwrap_or(0) + 1;
    session.insert("visits", visits);
    session.set_permanent(true);
    format!("user {user:?}, visit {visits}\n")
}

#[get("/logout")]
async fn logout(session: FlaskSession) -> impl Responder {
    session.clear();
    "bye\n"
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = SessionConfig::from_prefixed_env(std::env::vars_os())?;
    // Built once; each worker gets a cheap clone.
    let sessions = FlaskSessionMiddleware::new(config);
    HttpServer::new(move || {
        App::new()
            .wrap(sessions.clone())
            .service(visit)
            .service(logout)
    })
    .bind(("127.0.0.1", 8080))?
    .run()
    .await?;
    Ok(())
}
