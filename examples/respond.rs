//! A long-lived test driver for Flask's session semantics: one request per line on stdin,
//! one response per line on stdout (flushed), so that a harness can compare thousands of
//! cases against a real Flask app without starting a process each.
//!
//! ```sh
//! cargo build --example respond
//! echo '{"cookies": [], "now": 1700000000, "ops": [["set", "a", "1"]]}' \
//!     | target/debug/examples/respond --secret-key 'test key'
//! # {"status":200,"set_cookie":["session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE; HttpOnly; Path=/"],"vary":["Cookie"],"session":"{\"a\":1}"}
//! ```
//!
//! # Options
//!
//! The codec: `--secret-key KEY` (or `--secret-key-file PATH`), `--fallback-key KEY`
//! (repeatable, oldest first: `SECRET_KEY_FALLBACKS`), `--salt`, `--digest`,
//! `--key-derivation`, `--lenient` (as the CLI takes them; `--max-age` is replaced by
//! `--lifetime`). The session, each absent = Flask 3.1's default:
//!
//! | option | Flask setting |
//! |---|---|
//! | `--cookie-name NAME` | `SESSION_COOKIE_NAME` (`session`) |
//! | `--cookie-domain DOMAIN` | `SESSION_COOKIE_DOMAIN` (none) |
//! | `--cookie-path PATH` | `SESSION_COOKIE_PATH` (none) |
//! | `--application-root PATH` | `APPLICATION_ROOT` (`/`) |
//! | `--no-httponly` | `SESSION_COOKIE_HTTPONLY = False` |
//! | `--secure` | `SESSION_COOKIE_SECURE = True` |
//! | `--samesite VALUE` | `SESSION_COOKIE_SAMESITE` (none) |
//! | `--partitioned` | `SESSION_COOKIE_PARTITIONED = True` |
//! | `--lifetime SECONDS` | `PERMANENT_SESSION_LIFETIME` (2678400) |
//! | `--no-refresh-each-request` | `SESSION_REFRESH_EACH_REQUEST = False` |
//! | `--max-cookie-size N` | `MAX_COOKIE_SIZE` (4093; only adds `"too_large"` to the output) |
//! | `--cookie-join TEXT` | how several `Cookie` values are joined (default `;`, see below) |
//!
//! A setting Werkzeug refuses when it writes the cookie (an unknown `--samesite`, a domain with
//! an empty or too long label) is not refused at start: as in Flask, each request that sets or
//! deletes the cookie then fails with status 500 (`"error": "samesite"` / `"domain_label"`).
//!
//! # Input: one JSON object a line
//!
//! `{"cookies": [Cookie header values], "now": UNIX_SECONDS, "ops": [...]}`
//!
//! * `cookies`: the request's `Cookie` header values, joined with `;` before parsing (what
//!   Werkzeug's `Request.cookies` does with several values; Werkzeug's test client joins
//!   repeated headers with `", "` instead: pass `--cookie-join ", "` to match it). Each
//!   value's bytes are given as **latin-1 code points**: every character U+0000..U+00FF is one
//!   byte, so any bytes can be sent (a raw UTF-8 `é` is the two characters `"\u00c3\u00a9"`);
//!   a character above U+00FF is an input error. This is also how a WSGI app sees them.
//! * `now`: the time for the whole request (`time.time()` and `datetime.now()` frozen there).
//! * `ops`, applied in order as a Flask view would:
//!   `["get", k]` (`session.get(k)`), `["set", k, TAGGED_JSON_TEXT]` (`session[k] = v`),
//!   `["setdefault", k, TAGGED_JSON_TEXT]`, `["pop", k]` (`session.pop(k, None)`),
//!   `["clear"]`, `["permanent", bool]` (`session.permanent = bool`), `["touch"]` (the view
//!   reaches `flask.session` without reading a key), `["modified"]`
//!   (`session.modified = True`). `TAGGED_JSON_TEXT` is Flask's tagged JSON, such as
//!   `"{\" t\": [1, 2]}"` for a tuple. A key `k` is a JSON string of the line itself, so it
//!   cannot hold a lone surrogate (serde_json refuses them: the line is an input error); a
//!   value can (its tagged JSON text escapes it: `"\"\\ud800\""`).
//!
//! # Output: one JSON object a line
//!
//! `{"status": 200 | 500, "set_cookie": [values without "Set-Cookie: "], "vary": ["Cookie"] |
//! [], "session": canonical tagged JSON text of the session after the ops, or null on 500}`,
//! `set_cookie` values as latin-1 code points like the input (a non-ASCII cookie name's
//! UTF-8 bytes appear one character per byte, as Werkzeug's headers hold them).
//!
//! Extra keys: `"error"` on a 500 names why (`bad_payload`, `timestamp_out_of_range`,
//! `not_a_dict`, `dump_error`, `expires_out_of_range`, `samesite`, `domain_label`), or one of
//! the crate's deliberate differences, where Flask would answer otherwise (`non_text_key`: the
//! payload's `dict()` has non-`str` keys; `non_ascii_domain`: a non-ASCII domain label whose
//! IDNA nameprep the crate does not do exactly, see `CookieError::NonAsciiDomain`), only on
//! requests that write the cookie; `"too_large": true` when Werkzeug would warn about the
//! cookie's size.
//!
//! A 500 is what Flask sends then: no `Set-Cookie`; `Vary: Cookie` only when the failure
//! came while saving a session the view accessed (Flask adds `Vary` before it fails).
//!
//! A line that is not such a request gets `{"error": "input: ..."}` and the driver goes on.
use std::io::{BufRead, Write};

use flask_cookie::session::{
    open_session, save_session, CookieError, OpenError, SaveError, Session, SessionConfig,
    SessionConfigError,
};
use flask_cookie::{Codec, CodecBuilder, Error, SecretKey, Text, Value};
use serde_json::{json, Value as J};

/// The command line.
struct Options {
    config: SessionConfig,
    /// The error every cookie write fails with (a setting Werkzeug refuses lazily).
    lazy_error: Option<&'static str>,
    join: Vec<u8>,
}

fn usage(msg: &str) -> ! {
    eprintln!("respond: {msg}");
    std::process::exit(64)
}

fn parse_options() -> Options {
    let mut args = std::env::args_os().skip(1);
    let mut key: Option<SecretKey> = None;
    let mut fallbacks: Vec<SecretKey> = Vec::new();
    let mut salt: Option<Vec<u8>> = None;
    let mut digest = None;
    let mut derivation = None;
    let mut lenient = false;
    let mut name = None;
    let mut domain: Option<String> = None;
    let mut path: Option<String> = None;
    let mut root: Option<String> = None;
    let mut httponly = true;
    let mut secure = false;
    let mut samesite: Option<String> = None;
    let mut partitioned = false;
    let mut lifetime = flask_cookie::FLASK_MAX_AGE;
    let mut refresh = true;
    let mut max_size = flask_cookie::session::FLASK_MAX_COOKIE_SIZE;
    let mut join = b";".to_vec();
    let bytes = |s: std::ffi::OsString| -> Vec<u8> {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            s.into_vec()
        }
        #[cfg(not(unix))]
        {
            s.to_string_lossy().into_owned().into_bytes()
        }
    };
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        let text = |v: std::ffi::OsString| {
            v.into_string()
                .unwrap_or_else(|_| usage("option values must be UTF-8"))
        };
        let number = |v: String| -> u64 {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("not a number of seconds: {v}")))
        };
        match arg.as_str() {
            "--secret-key" => key = Some(SecretKey::from(bytes(value()))),
            "--secret-key-file" => {
                let p = value();
                let mut k = std::fs::read(&p).unwrap_or_else(|e| usage(&format!("{e}")));
                if k.last() == Some(&b'\n') {
                    k.pop();
                }
                key = Some(SecretKey::from(k));
            }
            "--fallback-key" => fallbacks.push(SecretKey::from(bytes(value()))),
            "--salt" => salt = Some(bytes(value())),
            "--digest" => {
                digest = Some(
                    text(value())
                        .parse()
                        .unwrap_or_else(|e| usage(&format!("{e}"))),
                )
            }
            "--key-derivation" => {
                derivation = Some(
                    text(value())
                        .parse()
                        .unwrap_or_else(|e| usage(&format!("{e}"))),
                )
            }
            "--lenient" => lenient = true,
            "--cookie-name" => name = Some(text(value())),
            "--cookie-domain" => domain = Some(text(value())),
            "--cookie-path" => path = Some(text(value())),
            "--application-root" => root = Some(text(value())),
            "--no-httponly" => httponly = false,
            "--secure" => secure = true,
            "--samesite" => samesite = Some(text(value())),
            "--partitioned" => partitioned = true,
            "--lifetime" => lifetime = number(text(value())),
            "--no-refresh-each-request" => refresh = false,
            "--max-cookie-size" => {
                max_size = usize::try_from(number(text(value()))).unwrap_or(usize::MAX)
            }
            "--cookie-join" => join = text(value()).into_bytes(),
            other => usage(&format!("unknown option {other}")),
        }
    }
    let key = key
        .or_else(|| std::env::var_os("FLASK_SECRET_KEY").map(|k| SecretKey::from(bytes(k))))
        .unwrap_or_else(|| usage("--secret-key is required"));
    let mut codec: CodecBuilder = Codec::flask(key)
        .fallback_keys(fallbacks)
        .lenient_base64(lenient);
    if let Some(s) = salt {
        codec = codec.salt(s);
    }
    if let Some(d) = digest {
        codec = codec.digest(d);
    }
    if let Some(d) = derivation {
        codec = codec.key_derivation(d);
    }
    let build = |samesite: Option<&str>, domain: Option<&str>| {
        let mut b = SessionConfig::builder(codec.clone())
            .domain(domain)
            .path(path.as_deref())
            .httponly(httponly)
            .secure(secure)
            .samesite(samesite)
            .partitioned(partitioned)
            .lifetime(lifetime)
            .refresh_each_request(refresh)
            .max_cookie_size(max_size);
        if let Some(n) = &name {
            b = b.cookie_name(n.clone());
        }
        if let Some(r) = &root {
            b = b.application_root(r.clone());
        }
        b.build()
    };
    let (config, lazy_error) = match build(samesite.as_deref(), domain.as_deref()) {
        Ok(c) => (c, None),
        Err(SessionConfigError::Cookie(e)) => {
            // Flask accepts the setting and fails at each cookie it writes: keep the other
            // settings, and fail those requests.
            let kind = match e {
                CookieError::SameSite(_) => "samesite",
                CookieError::DomainLabel(_) => "domain_label",
                CookieError::NonAsciiDomain(_) => "non_ascii_domain",
                _ => "cookie",
            };
            let samesite_ok = samesite
                .as_deref()
                .filter(|s| flask_cookie::session::SameSite::parse(s).is_ok());
            let domain_ok = domain
                .as_deref()
                .filter(|d| flask_cookie::session::cookie_domain(Some(d)).is_ok());
            match build(samesite_ok, domain_ok) {
                Ok(c) => (c, Some(kind)),
                Err(e) => usage(&format!("config: {e}")),
            }
        }
        Err(e) => usage(&format!("config: {e}")),
    };
    Options {
        config,
        lazy_error,
        join,
    }
}

/// Latin-1 text (each character one byte) to bytes.
fn latin1_bytes(s: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("character {c:?} is above U+00FF")))
        .collect()
}

/// Bytes to latin-1 text.
fn latin1_text(b: &[u8]) -> String {
    b.iter().map(|&b| char::from(b)).collect()
}

fn open_error_kind(e: &OpenError) -> &'static str {
    match e {
        OpenError::Cookie(Error::MalformedTimestamp(_)) => "timestamp_out_of_range",
        OpenError::Cookie(_) => "bad_payload",
        OpenError::NotADict(_) => "not_a_dict",
        OpenError::NonTextKey { .. } => "non_text_key",
        _ => "open_error",
    }
}

fn fail(error: &str, vary: bool) -> J {
    json!({
        "status": 500,
        "set_cookie": [],
        "vary": if vary { json!(["Cookie"]) } else { json!([]) },
        "session": null,
        "error": error,
    })
}

fn apply(session: &mut Session, codec: &Codec, op: &J) -> Result<(), String> {
    let parts = op.as_array().ok_or("an op is an array")?;
    let name = parts
        .first()
        .and_then(J::as_str)
        .ok_or("an op starts with its name")?;
    let key = || -> Result<&str, String> {
        parts
            .get(1)
            .and_then(J::as_str)
            .ok_or_else(|| format!("{name}: the key is a string"))
    };
    let value = || -> Result<Value, String> {
        let text = parts
            .get(2)
            .and_then(J::as_str)
            .ok_or_else(|| format!("{name}: the value is tagged JSON text"))?;
        codec
            .from_json(text.as_bytes())
            .map_err(|e| format!("{name}: {e}"))
    };
    match (name, parts.len()) {
        ("get", 2) => {
            session.get(key()?);
        }
        ("set", 3) => {
            session.insert(Text::from(key()?), value()?);
        }
        ("setdefault", 3) => {
            session.setdefault(Text::from(key()?), value()?);
        }
        ("pop", 2) => {
            session.remove(key()?);
        }
        ("clear", 1) => session.clear(),
        ("permanent", 2) => {
            let b = parts
                .get(1)
                .and_then(J::as_bool)
                .ok_or("permanent: a boolean")?;
            session.set_permanent(b);
        }
        ("touch", 1) => session.touch(),
        ("modified", 1) => session.mark_modified(),
        _ => return Err(format!("unknown op {op}")),
    }
    Ok(())
}

fn respond(opts: &Options, req: &J) -> Result<J, String> {
    let cookies: Vec<Vec<u8>> = req
        .get("cookies")
        .and_then(J::as_array)
        .ok_or("\"cookies\" is an array of strings")?
        .iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| "a cookie header is a string".to_owned())
                .and_then(latin1_bytes)
        })
        .collect::<Result<_, _>>()?;
    let now = req
        .get("now")
        .and_then(J::as_u64)
        .ok_or("\"now\" is a non-negative integer")?;
    let ops = req
        .get("ops")
        .and_then(J::as_array)
        .ok_or("\"ops\" is an array")?;
    let joined: Vec<Vec<u8>> = match cookies.split_first() {
        None => Vec::new(),
        Some((first, rest)) => {
            let mut all = first.clone();
            for c in rest {
                all.extend_from_slice(&opts.join);
                all.extend_from_slice(c);
            }
            vec![all]
        }
    };
    let config = &opts.config;
    let mut session = match open_session(config, &joined, now) {
        Ok(s) => s,
        Err(e) => return Ok(fail(open_error_kind(&e), false)),
    };
    for op in ops {
        apply(&mut session, config.codec(), op)?;
    }
    let out = match save_session(config, &session, now) {
        Ok(out) => out,
        Err(e) => {
            let kind = match e {
                SaveError::Dump(_) => "dump_error",
                SaveError::Cookie(CookieError::ExpiresOutOfRange { .. }) => "expires_out_of_range",
                _ => "save_error",
            };
            return Ok(fail(kind, session.is_accessed()));
        }
    };
    if let (Some(kind), Some(_)) = (opts.lazy_error, &out.set_cookie) {
        return Ok(fail(kind, session.is_accessed()));
    }
    let json_text = config
        .codec()
        .dict_to_json(session.dict())
        .map_err(|e| format!("session: {e}"))?;
    let mut answer = json!({
        "status": 200,
        "set_cookie": out.set_cookie.iter().map(|h| latin1_text(h.as_bytes())).collect::<Vec<_>>(),
        "vary": if out.vary_cookie { json!(["Cookie"]) } else { json!([]) },
        "session": json_text,
    });
    if out.too_large.is_some() {
        answer["too_large"] = json!(true);
    }
    Ok(answer)
}

fn main() {
    let opts = parse_options();
    let mut stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        let answer = serde_json::from_str::<J>(text)
            .map_err(|e| e.to_string())
            .and_then(|req| respond(&opts, &req))
            .unwrap_or_else(|e| json!({"error": format!("input: {e}")}));
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
