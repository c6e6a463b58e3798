//! Every limit in `Limits` (and the integer cap) with its documented default, each tested so
//! that the test fails without the limit: the input is accepted, or the process overflows its
//! stack, or (tests/inflate_memory.rs) allocates past the cap.
//!
//! Validly signed cookies with arbitrary payloads are signed here from itsdangerous's definition
//! (HMAC-SHA1 keyed with `HMAC-SHA1(secret, "cookie-session")`), checked against the spec's
//! known-answer vector, not through the crate's signer.

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flask_cookie::{
    Codec, DumpError, Error, JsonErrorKind, Limits, PayloadError, SignatureError, Value,
};
use hmac::{Hmac, Mac};
use sha1::Sha1;

const KEY: &str = "test key";
const TS: u64 = 1_700_000_000;

/// A cookie with payload text `payload` signed by Flask's rules with [`KEY`] at [`TS`].
fn sign(payload: &str) -> String {
    let mut derive = <Hmac<Sha1>>::new_from_slice(KEY.as_bytes()).unwrap();
    derive.update(b"cookie-session");
    let key = derive.finalize().into_bytes();
    let value = format!(
        "{payload}.{}",
        URL_SAFE_NO_PAD.encode(&TS.to_be_bytes()[4..])
    );
    let mut mac = <Hmac<Sha1>>::new_from_slice(&key).unwrap();
    mac.update(value.as_bytes());
    format!(
        "{value}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Plain payload text of `json`.
fn plain(json: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

/// Compressed payload text of `json` (`.` + base64 of zlib level 6).
fn compressed(json: &[u8]) -> String {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(json).unwrap();
    format!(".{}", URL_SAFE_NO_PAD.encode(e.finish().unwrap()))
}

fn codec() -> Codec {
    Codec::flask(KEY).build().unwrap()
}

/// Runs `f` on a thread with a 1 MiB stack: what recurses once per level for 100 000 levels
/// overflows it (tests/depth.rs runs the deep cases on 64 KiB).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn the_signing_helper_matches_the_spec_vector() {
    assert_eq!(
        sign("eyJhIjoxfQ"),
        "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
    );
}

#[test]
fn documented_defaults() {
    let l = Limits::default();
    assert_eq!(l.max_cookie_len, 65_536);
    assert_eq!(l.max_inflated_len, 1 << 20);
    assert_eq!(l.max_depth, 400);
    assert_eq!(flask_cookie::Int::MAX_DIGITS, 4300);
}

// ---- cookie length ---------------------------------------------------------------------

/// A validly signed cookie of exactly `len` bytes (an uncompressed run of pseudo-random text).
fn cookie_of_len(len: usize) -> String {
    let overhead = sign(&plain(br#"{"s":""}"#)).len() - plain(br#"{"s":""}"#).len();
    // Unpadded base64 of 3k, 3k+1, 3k+2 bytes is 4k, 4k+2, 4k+3 characters.
    let payload_len = len - overhead;
    let json_len = match payload_len % 4 {
        0 => payload_len / 4 * 3,
        2 => payload_len / 4 * 3 + 1,
        3 => payload_len / 4 * 3 + 2,
        _ => panic!("no payload text is 4k+1 characters long"),
    };
    let mut x: u32 = 1;
    let body: String = (0..json_len - 8)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + ((x >> 16) % 26) as u8)
        })
        .collect();
    let c = sign(&plain(format!(r#"{{"s":"{body}"}}"#).as_bytes()));
    assert_eq!(c.len(), len);
    c
}

#[test]
fn cookie_longer_than_64_kib_is_refused_before_verification() {
    let codec = codec();
    // (With this key and time, no validly signed cookie is exactly 65 536 bytes long.)
    let under = cookie_of_len(65_535);
    assert!(codec.open(&under, TS).is_ok());
    let over = cookie_of_len(65_537);
    assert_eq!(
        codec.verify(&over, TS),
        Err(Error::BadSignature(SignatureError::TooLong {
            len: 65_537,
            max: 65_536
        }))
    );
    assert!(matches!(
        codec.open(&over, TS),
        Err(Error::BadSignature(SignatureError::TooLong { .. }))
    ));
    assert!(matches!(
        flask_cookie::decode_unverified(&over, &Limits::default()),
        Err(Error::BadSignature(SignatureError::TooLong { .. }))
    ));
}

// ---- inflated size ---------------------------------------------------------------------

/// `{"a":"aaa…"}` of exactly `len` bytes.
fn json_of_len(len: usize) -> Vec<u8> {
    let mut j = br#"{"a":""#.to_vec();
    j.resize(len - 2, b'a');
    j.extend_from_slice(br#""}"#);
    j
}

#[test]
fn payload_inflating_past_1_mib_is_refused() {
    let codec = codec();
    let at_cap = sign(&compressed(&json_of_len(1 << 20)));
    assert!(codec.open(&at_cap, TS).is_ok());
    let over = sign(&compressed(&json_of_len((1 << 20) + 1)));
    let bomb = sign(&compressed(&json_of_len(2 << 20)));
    for cookie in [&over, &bomb] {
        assert_eq!(codec.verify(cookie, TS), Ok(TS), "validly signed");
        assert_eq!(
            codec.open(cookie, TS),
            Err(Error::BadPayload(PayloadError::InflatedTooLarge {
                limit: 1 << 20
            }))
        );
    }
    assert!(bomb.len() < 4096, "2 MiB in a {}-byte cookie", bomb.len());
}

// ---- nesting ---------------------------------------------------------------------------

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}1{}", open.repeat(n), close.repeat(n))
}

#[test]
fn payload_nested_100_000_deep_fails_cleanly() {
    for (open, close) in [("[", "]"), (r#"{"a":"#, "}"), (r#"{" t":["#, "]}")] {
        let cookie = sign(&compressed(nested(open, close, 100_000).as_bytes()));
        let err = on_small_stack(move || codec().open(cookie, TS));
        match err {
            Err(Error::BadPayload(PayloadError::Json(e))) => {
                assert_eq!(e.kind, JsonErrorKind::TooDeep { limit: 400 }, "{open}")
            }
            other => panic!("{open}: expected TooDeep, got {other:?}"),
        }
    }
}

#[test]
fn nesting_limit_is_400_levels_exactly() {
    let codec = codec();
    let ok = sign(&compressed(nested("[", "]", 400).as_bytes()));
    assert!(codec.open(&ok, TS).is_ok());
    let deep = sign(&compressed(nested("[", "]", 401).as_bytes()));
    assert!(matches!(
        codec.open(&deep, TS),
        Err(Error::BadPayload(PayloadError::Json(e))) if e.kind == JsonErrorKind::TooDeep { limit: 400 }
    ));
}

/// A list nested `n` levels deep, built without recursion.
fn deep_value(n: usize) -> Value {
    let mut v = Value::from(1);
    for _ in 0..n {
        v = Value::List(vec![v]);
    }
    v
}

#[test]
fn dumping_a_value_nested_100_000_deep_fails_cleanly() {
    let got = on_small_stack(|| {
        let v = deep_value(100_000);
        let codec = codec();
        (codec.dump(&v, TS), codec.to_json(&v).err())
    });
    assert_eq!(got.0, Err(Error::Dump(DumpError::TooDeep { limit: 400 })));
    assert_eq!(got.1, Some(DumpError::TooDeep { limit: 400 }));
}

#[test]
fn dropping_a_value_nested_a_million_deep_does_not_recurse() {
    on_small_stack(|| {
        drop(deep_value(1_000_000));
        let mut d = Value::from(0);
        for i in 0..1_000_000 {
            d = match i % 3 {
                0 => Value::Tuple(vec![Value::None, d]),
                1 => Value::Dict([("k", d)].into_iter().collect()),
                _ => Value::List(vec![d, Value::from("x")]),
            };
        }
        drop(d);
    });
}

// ---- integers --------------------------------------------------------------------------

#[test]
fn integers_of_more_than_4300_digits_are_refused() {
    let codec = codec();
    let ok = sign(&plain(
        format!(r#"{{"n":-{}}}"#, "7".repeat(4300)).as_bytes(),
    ));
    let opened = codec.open(&ok, TS).unwrap();
    assert_eq!(codec.to_json(&opened.value).unwrap().len(), 4300 + 7);
    let big = sign(&plain(
        format!(r#"{{"n":{}}}"#, "7".repeat(4301)).as_bytes(),
    ));
    match codec.open(&big, TS) {
        Err(Error::BadPayload(PayloadError::Json(e))) => {
            assert_eq!(e.kind, JsonErrorKind::IntTooLarge { digits: 4301 })
        }
        other => panic!("expected IntTooLarge, got {other:?}"),
    }
}
