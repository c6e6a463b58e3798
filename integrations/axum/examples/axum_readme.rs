use axum::{routing::get, Json, Router};
use flask_cookie_axum::{FlaskSession, FlaskSessionLayer, SessionConfig};

// Reads what the Flask app's /login wrote; what it writes, Flask reads back.
async fn visit(session: FlaskSession) -> Json<String> {
    let user = session.get("user_id").and_then(|v| v.as_i64());
    let visits = session.get("visits").and_then(|v| v.as_i64()).unwrap_or(0) + 1;
    session.insert("visits", visits);
    session.set_permanent(true);
    Json(format!("user {user:?}, visit {visits}"))
}

async fn logout(session: FlaskSession) -> &'static str {
    session.clear(); // the response deletes the cookie, as Flask's would
    "bye\n"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // FLASK_SECRET_KEY, FLASK_SECRET_KEY_FALLBACKS, FLASK_SESSION_COOKIE_*, ... read as
    // the Flask app's `app.config.from_prefixed_env()` reads them.
    let config = SessionConfig::from_prefixed_env(std::env::vars_os())?;
    let app = Router::new()
        .route("/visit", get(visit))
        .route("/logout", get(logout))
        .layer(FlaskSessionLayer::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
