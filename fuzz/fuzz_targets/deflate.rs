//! The writing path's compression against zlib: `dump` of a string whose JSON the fuzzer
//! controls byte by byte (each input byte is one character, U+0000 to U+00FF, which Flask's JSON
//! writes as itself or as an escape) carries exactly the payload itsdangerous would write from
//! zlib's own `zlib.compress` of that JSON (a fresh zlib stream, level 6; compressed only when
//! shorter than the JSON minus one byte). Short JSON goes through the crate's port of zlib's
//! deflate (`src/deflate/`), long JSON through zlib itself: both must give zlib's bytes.
#![no_main]

use flask_cookie::Value;
use flask_cookie_fuzz as f;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let codec = f::flask();
    let text: String = data.iter().map(|&b| char::from(b)).collect();
    let value = Value::from(text);
    let json = codec.to_json(&value).expect("a string always has JSON");
    let compressed = f::zlib(json.as_bytes());
    let want = if compressed.len() < json.len().saturating_sub(1) {
        format!(".{}", f::b64(&compressed))
    } else {
        f::b64(json.as_bytes())
    };
    let cookie = codec.dump(&value, 1_700_000_000).expect("dump");
    let body = cookie.strip_prefix('.').unwrap_or(&cookie);
    let end = body.find('.').expect("payload.timestamp.signature");
    let payload = &cookie[..end + cookie.len() - body.len()];
    assert_eq!(payload, want, "payload differs from zlib's for JSON {json:?}");
});
