//! `open` on cookies whose payload is arbitrary but validly signed with the fixed key, plain
//! or zlib-compressed: the payload, inflating, JSON and tag code behind a valid MAC. Every
//! compressed payload's stream is also read by zlib itself (`flask_cookie_fuzz::zlib_reference`,
//! what Python's `zlib.decompress` does): `open` must give zlib's verdict, and on its bytes
//! what `from_json` gives.
//!
//!
//! The typed API (`open_as`, feature `serde`) gives `open`'s verdict on every such cookie: into
//! a catch-all (`Value`), a map of ignored values, a struct-like map and `IgnoredAny`, the same
//! `BadPayload` error when `open` refuses, and when it accepts, the same value (or a type error,
//! only where a Rust string cannot hold a lone surrogate); the fast path alone, where it decides,
//! agrees with the reader.
//!
//! Input: one mode byte, then the payload. Mode bit 0: compress (and put the `.` marker);
//! bit 1: use the bytes as the payload's base64 text directly rather than encoding them;
//! bit 2 (with bit 0, without bit 1): the bytes are the zlib stream itself (not compressed
//! here), so the fuzzer writes malformed streams.
#![no_main]

use std::collections::BTreeMap;

use flask_cookie::{Codec, Error, Limits, PayloadError, Value};
use serde::de::IgnoredAny;
use flask_cookie_fuzz as f;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CODEC: OnceLock<Codec> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let codec = CODEC.get_or_init(f::flask);
    let compressed = mode & 1 == 1;
    let raw_stream = compressed && mode & 6 == 4;
    let text = if mode & 2 == 2 {
        let mut t = Vec::with_capacity(body.len() + 1);
        if compressed {
            t.push(b'.');
        }
        t.extend(body.iter().filter(|&&b| b != b'.'));
        t
    } else if raw_stream {
        format!(".{}", f::b64(body)).into_bytes()
    } else if compressed {
        format!(".{}", f::b64(&f::zlib(body))).into_bytes()
    } else {
        f::b64(body).into_bytes()
    };
    let cookie = f::flask_sign(&text, f::NOW - 60);
    assert_eq!(
        codec.verify(&cookie, f::NOW),
        Ok(f::NOW - 60),
        "our signature verifies"
    );
    if compressed {
        // The stream as itsdangerous decodes the payload's base64 (none: base64 refused).
        if let Some(stream) = flask_cookie::encoding::itsdangerous_b64decode(&text[1..]) {
            let got = codec.open(&cookie, f::NOW).map(|o| codec.to_json(&o.value));
            f::assert_inflates_as_zlib(&stream, Limits::default().max_inflated_len, got, |j| {
                codec.from_json(j).map(|v| codec.to_json(&v))
            });
        }
    }
    typed_verdicts(codec, &cookie, &text, mode);
    match codec.open(&cookie, f::NOW) {
        Ok(o) => {
            assert_eq!(o.signed_at, f::NOW - 60);
            let json = codec
                .to_json(&o.value)
                .expect("an opened value is writable");
            // The payload reads as `from_json` reads its JSON (when the body is the JSON).
            if mode & 2 == 0 && !raw_stream {
                let direct = codec.from_json(body).expect("open succeeded");
                assert_eq!(codec.to_json(&direct).expect("writable"), json);
            }
            // Writing it again gives a cookie that opens to the same JSON.
            let again = codec.dump(&o.value, f::NOW).expect("an opened value dumps");
            let reopened = codec.open(&again, f::NOW).expect("a dumped cookie opens");
            assert_eq!(codec.to_json(&reopened.value).expect("writable"), json);
        }
        Err(Error::BadPayload(e)) => {
            if mode & 2 == 0 && !compressed {
                assert!(
                    !matches!(e, PayloadError::Base64),
                    "our own base64 is refused"
                );
            }
        }
        Err(e) => panic!("a validly signed cookie failed with {e:?}"),
    }
});

/// `open_as` into several types gives `open`'s verdict.
fn typed_verdicts(codec: &Codec, cookie: &[u8], text: &[u8], mode: u8) {
    let open = codec.open(cookie, f::NOW);
    let any = codec.open_as::<Value>(cookie, f::NOW);
    let ignored = codec.open_as::<IgnoredAny>(cookie, f::NOW).map(|_| ());
    let map = codec
        .open_as::<BTreeMap<String, IgnoredAny>>(cookie, f::NOW)
        .map(|_| ());
    let fields = codec
        .open_as::<Option<BTreeMap<String, Option<String>>>>(cookie, f::NOW)
        .map(|_| ());
    match &open {
        Ok(o) => {
            let want = codec.to_json(&o.value).expect("writable");
            match any {
                Ok(t) => assert_eq!(codec.to_json(&t.value).expect("writable"), want),
                Err(e) => assert!(matches!(e, Error::Serde(_)), "{e:?}"),
            }
            assert_eq!(ignored, Ok(()));
            for r in [map, fields] {
                assert!(matches!(r, Ok(()) | Err(Error::Serde(_))), "{r:?}");
            }
        }
        Err(e @ Error::BadPayload(_)) => {
            assert_eq!(any.map(|_| ()).as_ref(), Err(e));
            for r in [ignored, map, fields] {
                assert_eq!(r.as_ref(), Err(e));
            }
        }
        Err(e) => panic!("a validly signed cookie failed with {e:?}"),
    }
    // The fast path alone, on the JSON itself, agrees with the reader where it decides.
    let compressed = mode & 1 == 1;
    if !compressed {
        if let Some(json) = flask_cookie::encoding::itsdangerous_b64decode(text) {
            if let Ok(s) = std::str::from_utf8(&json) {
                if let Some(v) = flask_cookie::serde::__fast_path::<Value>(s, true, 400) {
                    let read = flask_cookie::json::read(s, true, 400).expect("fast path accepted it");
                    assert_eq!(
                        codec.to_json(&v).expect("writable"),
                        codec.to_json(&read).expect("writable")
                    );
                }
            }
        }
    }
}
