//! A long-lived process for the differential test against real Flask
//! (`tests/interop/differential.py`): one JSON request per line on stdin, one JSON answer per
//! line on stdout, so that thousands of cases cost no process start each.
//!
//! Request: `{"config": {"preset", "secret_key", "fallback_keys", "salt", "digest",
//! "key_derivation", "max_age"}, "lenient": bool, "op": "open" | "verify" | "dump",
//! "cookie": str, "now": int, "json": str, "timestamp": int}` (keys as in
//! `tests/interop/flaskref.py`: a string, or `{"hex": ...}`).
//!
//! Answer: `{"result": "ok" | "bad_signature" | "malformed_timestamp" | "expired" |
//! "timestamp_out_of_range" | "bad_payload" | "dump_error" | "input_error", "error": str, "json": str, "signed_at": int,
//! "cookie": str}`.
//!
//! ```sh
//! cargo build --example batch
//! echo '{"op":"verify","config":{"preset":"flask","secret_key":"test key"},"cookie":"eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE","now":1700000000}' | target/debug/examples/batch
//! ```
use std::collections::HashMap;
use std::io::{BufRead, Write};

use flask_cookie::{Codec, CodecBuilder, Error, Preset, SecretKey};
use serde_json::{json, Value as J};

fn key(v: &J) -> Option<SecretKey> {
    match v {
        J::String(s) => Some(SecretKey::from(s.as_str())),
        J::Object(o) => {
            if let Some(t) = o.get("text").and_then(J::as_str) {
                return Some(SecretKey::from(t));
            }
            let h = o.get("hex")?.as_str()?;
            let bytes: Option<Vec<u8>> = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok())
                .collect();
            Some(SecretKey::from(bytes?))
        }
        _ => None,
    }
}

fn codec(cfg: &J, lenient: bool) -> Result<Codec, String> {
    let preset: Preset = cfg["preset"]
        .as_str()
        .unwrap_or("flask")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let mut b = CodecBuilder::new(preset, key(&cfg["secret_key"]).ok_or("secret_key")?)
        .lenient_base64(lenient);
    if let Some(keys) = cfg["fallback_keys"].as_array() {
        let keys: Option<Vec<SecretKey>> = keys.iter().map(key).collect();
        b = b.fallback_keys(keys.ok_or("fallback_keys")?);
    }
    if let Some(s) = cfg["salt"].as_str() {
        b = b.salt(s);
    }
    if let Some(d) = cfg["digest"].as_str() {
        b = b.digest(d.parse().map_err(|e| format!("{e}"))?);
    }
    if let Some(d) = cfg["key_derivation"].as_str() {
        b = b.key_derivation(d.parse().map_err(|e| format!("{e}"))?);
    }
    match &cfg["max_age"] {
        J::Null => {
            if cfg.get("max_age").is_some() {
                b = b.max_age(None);
            }
        }
        m => b = b.max_age(Some(m.as_u64().ok_or("max_age")?)),
    }
    b.build().map_err(|e| format!("config: {e}"))
}

fn kind(e: &Error) -> &'static str {
    match e {
        Error::BadSignature(_) => "bad_signature",
        Error::MalformedTimestamp(_) => "malformed_timestamp",
        Error::Expired(_) => "expired",
        Error::TimestampOutOfRange(_) => "timestamp_out_of_range",
        Error::BadPayload(_) => "bad_payload",
        Error::Dump(_) => "dump_error",
        _ => "other_error",
    }
}

fn answer(req: &J, codecs: &mut HashMap<String, Codec>) -> J {
    let lenient = req["lenient"].as_bool().unwrap_or(false);
    let cache_key = format!("{}{lenient}", req["config"]);
    if !codecs.contains_key(&cache_key) {
        match codec(&req["config"], lenient) {
            Ok(c) => {
                codecs.insert(cache_key.clone(), c);
            }
            Err(e) => return json!({"result": "input_error", "error": e}),
        }
    }
    let Some(c) = codecs.get(&cache_key) else {
        return json!({"result": "input_error"});
    };
    let cookie = req["cookie"].as_str().unwrap_or("");
    let now = req["now"].as_u64().unwrap_or(0);
    match req["op"].as_str() {
        Some("open") => match c.open(cookie, now) {
            Ok(o) => match c.to_json(&o.value) {
                Ok(j) => json!({"result": "ok", "json": j, "signed_at": o.signed_at}),
                Err(e) => json!({"result": "dump_error", "error": e.to_string()}),
            },
            Err(e) => json!({"result": kind(&e), "error": e.to_string()}),
        },
        Some("verify") => match c.verify(cookie, now) {
            Ok(ts) => json!({"result": "ok", "signed_at": ts}),
            Err(e) => json!({"result": kind(&e), "error": e.to_string()}),
        },
        Some("dump") => {
            let text = req["json"].as_str().unwrap_or("");
            let value = match c.from_json(text.as_bytes()) {
                Ok(v) => v,
                Err(e) => return json!({"result": "input_error", "error": e.to_string()}),
            };
            match c.dump(&value, req["timestamp"].as_u64().unwrap_or(0)) {
                Ok(cookie) => json!({"result": "ok", "cookie": cookie}),
                Err(e) => json!({"result": kind(&e), "error": e.to_string()}),
            }
        }
        _ => json!({"result": "input_error", "error": "unknown op"}),
    }
}

fn main() {
    let mut codecs = HashMap::new();
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let Ok(line) = line else { break };
        let a = match serde_json::from_str::<J>(&line) {
            Ok(req) => answer(&req, &mut codecs),
            Err(e) => json!({"result": "input_error", "error": e.to_string()}),
        };
        if writeln!(out, "{a}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
}
