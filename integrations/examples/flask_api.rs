//! The `/api/*` views of `../shared/interop/flask_app.py`, on a [`Session`], for the example
//! services of `flask-cookie-axum` and `flask-cookie-actix` (included by both with `#[path]`).
//! Each view does what the Flask one does, in the same order (a failure after a change still
//! saves the change, as Flask saves the session of a 500 response), and answers the same
//! bytes: `jsonify` is `json.dumps(..., sort_keys=True, separators=(",", ":"))` plus `"\n"`,
//! `application/json`; a returned string is `text/html; charset=utf-8`.

use flask_cookie::session::Session;
use flask_cookie::{Dict, JsonOptions, Value};

/// What a view answers.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// A `Vary` header the view sets itself (`/api/vary`).
    pub vary: Option<&'static str>,
}

pub const TEXT: &str = "text/html; charset=utf-8";
pub const JSON: &str = "application/json";
/// Werkzeug's `InternalServerError` page.
pub const ERROR_500: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

fn text(body: &str) -> Reply {
    Reply {
        status: 200,
        content_type: TEXT,
        body: body.as_bytes().to_vec(),
        vary: None,
    }
}

fn error_500() -> Reply {
    Reply {
        status: 500,
        ..text(ERROR_500)
    }
}

/// Flask's `jsonify(**kwargs)`: sorted keys, compact, ASCII, a final newline. Values Flask's
/// JSON provider turns into strings (UUID, datetime) are converted at the top level; bytes
/// (and those types nested) fail as `TypeError` does: HTTP 500.
pub fn jsonify(entries: Vec<(&str, Option<Value>)>) -> Reply {
    let mut dict = Dict::new();
    for (k, v) in entries {
        let v = match v.unwrap_or(Value::None) {
            Value::Uuid(u) => Value::from(uuid_str(u)),
            Value::DateTime(d) => {
                let mut s = String::new();
                flask_cookie::http_date::format(d, &mut s);
                Value::from(s)
            }
            v => v,
        };
        dict.insert(k, v);
    }
    let opts = JsonOptions {
        sort_keys: true,
        ensure_ascii: true,
        tagged: false,
    };
    let mut body = Vec::new();
    match flask_cookie::json::write(
        &Value::Dict(dict),
        &opts,
        flask_cookie::json::DEFAULT_MAX_DEPTH,
        &mut body,
    ) {
        Ok(()) => {
            body.push(b'\n');
            Reply {
                status: 200,
                content_type: JSON,
                body,
                vary: None,
            }
        }
        Err(_) => error_500(),
    }
}

fn uuid_str(u: u128) -> String {
    let h = format!("{u:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `/api/visit`: `visits = session.get("axum_visits", 0) + 1`, stored; permanent.
pub fn visit(session: &mut Session) -> Reply {
    let uid = session.get("user_id").cloned();
    // Python's `+ 1`: ints (bools are ints) and floats; anything else is a TypeError.
    let visits = match session.get("axum_visits") {
        None => Value::from(1),
        Some(Value::Bool(b)) => Value::from(i64::from(*b) + 1),
        Some(Value::Float(f)) => Value::Float(f + 1.0),
        Some(Value::Int(i)) => match i.as_i64().and_then(|n| n.checked_add(1)) {
            Some(n) => Value::from(n),
            None => return error_500(), // beyond i64: not this example's business
        },
        Some(_) => return error_500(),
    };
    session.insert("axum_visits", visits.clone());
    session.set_permanent(true);
    jsonify(vec![("user_id", uid), ("axum_visits", Some(visits))])
}

/// `/api/peek`.
pub fn peek(session: &Session) -> Reply {
    jsonify(vec![
        ("user_id", session.get("user_id").cloned()),
        ("name", session.get("name").cloned()),
        ("permanent", Some(Value::Bool(session.permanent()))),
    ])
}

/// `/api/flash`: `flash("hello from axum", "info")`.
pub fn flash(session: &mut Session) -> Reply {
    let mut flashes = match session.get("_flashes") {
        None => Vec::new(),
        Some(Value::List(items)) => items.clone(),
        // `.append` of anything but a list: AttributeError.
        Some(_) => return error_500(),
    };
    flashes.push(Value::Tuple(vec![
        Value::from("info"),
        Value::from("hello from axum"),
    ]));
    session.insert("_flashes", Value::List(flashes));
    text("flashed\n")
}

/// `/api/logout`.
pub fn logout(session: &mut Session) -> Reply {
    session.clear();
    text("bye\n")
}

/// `/api/vary`: `/api/peek` with `Vary: Accept-Encoding` set by the view.
pub fn vary(session: &Session) -> Reply {
    Reply {
        vary: Some("Accept-Encoding"),
        ..peek(session)
    }
}

/// `/api/health`: does not touch the session.
pub fn health() -> Reply {
    text("ok\n")
}

/// `BINARY HOST PORT`.
pub fn host_port() -> Result<(String, u16), String> {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, host, port] => Ok((
            host.clone(),
            port.parse()
                .map_err(|e| format!("bad port {port:?}: {e}"))?,
        )),
        _ => Err("usage: BINARY HOST PORT (settings from FLASK_* variables)".into()),
    }
}
