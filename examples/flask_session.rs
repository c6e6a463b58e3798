// Sharing a session with a Flask app: the README's example, compiled as an example too.
//
// A request arrives with the Flask app's session cookie; the service reads it as Flask would,
// changes it as a view would, and answers with the headers Flask would send.
//
// ```sh
// cargo run --example flask_session
// ```
use flask_cookie::session::{open_session, save_session, vary_with_cookie, SessionConfig};
use flask_cookie::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Once, at startup: the Flask app's settings (anything not set is Flask's default).
    let config = SessionConfig::flask("test key") // SECRET_KEY
        .codec(|c| c.fallback_keys(["an older key"])) // SECRET_KEY_FALLBACKS
        .samesite(Some("Lax")) // SESSION_COOKIE_SAMESITE
        .build()?;

    // Per request: the raw bytes of every `Cookie` header, in order. (Not `to_str()`: Werkzeug
    // reads the header as latin-1, and one non-UTF-8 byte elsewhere must not lose the session.)
    let cookie_headers: [&[u8]; 1] =
        [b"theme=dark; session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"];
    let now = 1_700_000_060; // flask_cookie::timed::system_now() in a real service

    // Flask's open_session: a bad, expired or missing cookie gives a new empty session; an
    // error here is what Flask answers with HTTP 500.
    let mut session = open_session(&config, &cookie_headers, now)?;

    // The view.
    let visits = session.get("visits").and_then(Value::as_i64).unwrap_or(0);
    session.insert("visits", visits + 1);
    session.set_permanent(true);

    // Flask's save_session: the headers to add to the response.
    let out = save_session(&config, &session, now)?;
    let mut headers: Vec<(&str, String)> = Vec::new();
    if let Some(set_cookie) = out.set_cookie {
        headers.push(("Set-Cookie", set_cookie));
    }
    if out.vary_cookie {
        // Merge with the response's own `Vary`, if it has one.
        headers.push(("Vary", vary_with_cookie(None)));
    }
    if let Some(warning) = out.too_large {
        eprintln!("warning: {warning}");
    }

    // What Flask 3.1.3 sends for the same request (same key, settings and time).
    assert_eq!(
        headers,
        [
            (
                "Set-Cookie",
                "session=eyJfcGVybWFuZW50Ijp0cnVlLCJhIjoxLCJ2aXNpdHMiOjF9.ZVPxPA.\
                 nn-ou6uVrDpC2WfxREqRxnKHC68; Expires=Fri, 15 Dec 2023 22:14:20 GMT; HttpOnly; \
                 Path=/; SameSite=Lax"
                    .to_owned()
            ),
            ("Vary", "Cookie".to_owned()),
        ]
    );
    for (name, value) in &headers {
        println!("{name}: {value}");
    }
    Ok(())
}
