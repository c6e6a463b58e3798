//! Secrets never appear in `Debug` output or error messages, and neither does the cookie: every
//! failure path below is exercised with distinctive keys and a distinctive cookie, and each
//! error's `Display` and `Debug` text is searched for them (and for their base64 spellings).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flask_cookie::{
    decode_unverified, Codec, CodecBuilder, Digest, Error, KeyDerivation, Limits, Preset, Value,
};

const KEY: &str = "hunter2-newest-SECRET";
const OLD: &str = "hunter3-older-SECRET";
const TS: u64 = 1_700_000_000;

fn forbidden(cookie: &str) -> Vec<String> {
    let mut f = vec![
        KEY.to_owned(),
        OLD.to_owned(),
        "hunter".to_owned(),
        URL_SAFE_NO_PAD.encode(KEY),
        URL_SAFE_NO_PAD.encode(OLD),
    ];
    if cookie.len() >= 12 {
        f.push(cookie.to_owned());
        // Every part longer than a few characters (a timestamp part is 6 characters and may
        // legitimately be echoed as a number, never as text).
        f.extend(cookie.split('.').filter(|p| p.len() > 8).map(str::to_owned));
    }
    f
}

fn assert_clean(what: &str, text: &str, cookie: &str) {
    for bad in forbidden(cookie) {
        assert!(!text.contains(&bad), "{what}: {text:?} contains {bad:?}");
    }
}

fn check(codec: &Codec, cookie: &str, now: u64) {
    for (op, r) in [
        ("open", codec.open(cookie, now).map(|_| ())),
        ("verify", codec.verify(cookie, now).map(|_| ())),
        (
            "decode_unverified",
            decode_unverified(cookie, &Limits::default()).map(|_| ()),
        ),
    ] {
        if let Err(e) = r {
            assert_clean(&format!("{op} {cookie:.40}"), &e.to_string(), cookie);
            assert_clean(&format!("{op} {cookie:.40}"), &format!("{e:?}"), cookie);
            if let Some(src) = std::error::Error::source(&e) {
                assert_clean(op, &src.to_string(), cookie);
            }
        }
    }
}

fn builders() -> Vec<CodecBuilder> {
    let mut v = vec![];
    for preset in [Preset::Flask, Preset::Itsdangerous] {
        for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha512] {
            for d in [
                KeyDerivation::Hmac,
                KeyDerivation::DjangoConcat,
                KeyDerivation::Concat,
                KeyDerivation::None,
            ] {
                v.push(
                    CodecBuilder::new(preset, KEY)
                        .fallback_keys([OLD])
                        .digest(digest)
                        .key_derivation(d),
                );
            }
        }
    }
    v
}

#[test]
fn debug_output_of_builders_and_codecs_never_shows_a_key() {
    for b in builders() {
        assert_clean("builder", &format!("{b:?}"), "");
        let c = b.build().unwrap();
        assert_clean("codec", &format!("{c:?}"), "");
        assert_clean("codec (pretty)", &format!("{c:#?}"), "");
    }
    assert_clean(
        "key",
        &format!("{:?}", flask_cookie::SecretKey::from(KEY)),
        "",
    );
}

#[test]
fn no_error_message_shows_a_key_or_the_cookie() {
    let session = Value::Dict(
        [
            ("user", Value::from("alice-distinctive-session-text")),
            ("n", Value::from(42)),
        ]
        .into_iter()
        .collect(),
    );
    for b in builders() {
        let codec = b.clone().build().unwrap();
        let good = codec.dump(&session, TS).unwrap();
        let mut cookies = vec![good.clone()];
        let mut flip = good.clone().into_bytes();
        let last = flip.len() - 1;
        flip[last] = if flip[last] == b'A' { b'B' } else { b'A' };
        cookies.push(String::from_utf8(flip).unwrap());
        cookies.push(good.replace('.', "!"));
        cookies.push(format!("{good}=="));
        cookies.push(good[..good.len() / 2].to_owned());
        cookies.push(format!("garbage-{}", &good[1..]));
        cookies.push(format!("x.{good}"));
        let parts: Vec<&str> = good.rsplitn(3, '.').collect();
        cookies.push(format!("{}.{}", parts[2], parts[0]));
        for c in &cookies {
            check(&codec, c, TS);
            check(&codec, c, TS + 100 * 86_400); // expired, for Flask's max_age
            check(&codec, c, TS - 10); // signed in the future
        }
        // Too long.
        check(&codec, &format!("{good}{}", "A".repeat(70_000)), TS);
    }
}

#[test]
fn payload_and_dump_errors_never_show_a_key() {
    let codec = Codec::flask(KEY).fallback_keys([OLD]).build().unwrap();
    // Dump errors: too deep, timestamp out of range.
    let mut deep = Value::from(1);
    for _ in 0..500 {
        deep = Value::List(vec![deep]);
    }
    let e = codec.dump(&deep, TS).unwrap_err();
    assert_clean("dump", &format!("{e} {e:?}"), "");
    let e = codec.dump(&Value::from(1), u64::MAX).unwrap_err();
    assert_clean("dump", &format!("{e} {e:?}"), "");
    let e = Codec::itsdangerous(KEY)
        .build()
        .unwrap()
        .dump(&Value::Bytes(vec![1]), TS)
        .unwrap_err();
    assert_clean("dump", &format!("{e} {e:?}"), "");
    // Config errors.
    for e in [
        Codec::flask("").build().unwrap_err(),
        Codec::flask("").fallback_keys([KEY]).build().unwrap_err(),
    ] {
        assert_clean("config", &format!("{e} {e:?}"), "");
    }
    // Payload errors from JSON text.
    for json in [&b"{"[..], b"\xff", b"{\" t\": 5}", b"[[[[", b"{\"a\":1}x"] {
        if let Err(e) = codec.from_json(json) {
            assert_clean(
                "from_json",
                &format!("{e} {e:?} {}", Error::from(e.clone())),
                "",
            );
        }
    }
}
