//! In-process cost of the layer (no sockets): the same handler through the router with and
//! without `FlaskSessionLayer`, one request at a time.
//! `cargo run --release -p flask-cookie-axum --example layer_cost -- COOKIE [N] [ONLY]`;
//! ONLY (`none`, `visit` or `peek`) runs that case alone (for `valgrind --tool=callgrind`).
//! With `POLLUTE_KB=K` in the environment, a K KiB buffer is written (one byte per 64-byte line)
//! before each request, outside the timing: the caches are then as cold as a server's between
//! requests can be, where back-to-back requests here would find everything in cache.

use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Request};
use axum::routing::get;
use axum::Router;
use flask_cookie_axum::{FlaskSession, FlaskSessionLayer, SessionConfig};
use tower::{Service, ServiceExt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let cookie = args.get(1).ok_or("usage: layer_cost COOKIE [N]")?.clone();
    let n: u32 = args.get(2).map_or(Ok(50_000), |s| s.parse())?;
    let only = args.get(3).map(String::as_str);
    let pollute_kb: usize = std::env::var("POLLUTE_KB")
        .ok()
        .map_or(Ok(0), |v| v.parse())?;
    let mut junk = vec![0u8; pollute_kb * 1024];
    let config = SessionConfig::flask("load test key").build()?;
    let with = Router::new()
        .route(
            "/",
            get(|s: FlaskSession| async move {
                let v = s.get("axum_visits").and_then(|v| v.as_i64()).unwrap_or(0) + 1;
                s.insert("axum_visits", v);
                s.set_permanent(true);
                "x"
            }),
        )
        .route(
            "/peek",
            get(|s: FlaskSession| async move {
                let _ = s.get("user_id");
                "x"
            }),
        )
        .layer(FlaskSessionLayer::new(config));
    let without = Router::new().route("/", get(|| async { "x" }));
    for (key, name, mut app, path) in [
        ("none", "no layer", without, "/"),
        ("visit", "layer, /api/visit-like", with.clone(), "/"),
        ("peek", "layer, peek", with, "/peek"),
    ] {
        if only.is_some_and(|o| o != key) {
            continue;
        }
        let mut polluting = std::time::Duration::ZERO;
        let start = Instant::now();
        for _ in 0..n {
            if !junk.is_empty() {
                let t = Instant::now();
                for line in junk.chunks_mut(64) {
                    if let Some(b) = line.first_mut() {
                        *b = b.wrapping_add(1);
                    }
                }
                std::hint::black_box(&junk);
                polluting += t.elapsed();
            }
            let req = Request::builder()
                .uri(path)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())?;
            let r = ServiceExt::<Request<Body>>::ready(&mut app)
                .await?
                .call(req)
                .await?;
            std::hint::black_box(r);
        }
        let us = (start.elapsed() - polluting).as_secs_f64() / f64::from(n) * 1e6;
        println!("{name:24} {us:8.2} µs per request");
    }
    Ok(())
}
