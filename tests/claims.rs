//! The documented claims about errors, checked against cookies made by real Flask 3.1 and
//! itsdangerous 2.2 (`python3 tests/gen_depth_cookies.py` makes them and prints what Flask does
//! with each).

use flask_cookie::{Codec, Error, TimestampError};

const KEY: &str = "k";
const NOW: u64 = 1_700_000_000;

/// Flask's signer, signed at 253402300800 (10000-01-01): Flask answers HTTP 500
/// (`ValueError: year 10000 is out of range`).
const Y10000_COOKIE: &str = "eyJhIjoxfQ.Ov_0QYA.uVZabQd8DX8DXwnookcmCFHDNsI";
/// Signed at 2**64 - 1: HTTP 500 (`OverflowError: timestamp out of range for platform time_t`).
const U64_MAX_COOKIE: &str = "eyJhIjoxfQ.__________8.toDYePyaFraqPF0Ed5TBFOujekc";
/// A 9-byte timestamp (2**64): itsdangerous cannot read it, `BadTimeSignature("Malformed
/// timestamp")`, and Flask starts a new session (HTTP 200, empty session).
const NINE_BYTES_COOKIE: &str = "eyJhIjoxfQ.AQAAAAAAAAAA.K_mBpSM2E-95NibfqblO-56UJwk";
/// 9999-12-31T23:59:59Z, the last second Python holds: signed in the future, so expired (a new
/// session, HTTP 200).
const LAST_SECOND_COOKIE: &str = "eyJhIjoxfQ.Ov_0QX8.QiaM1wi04UmHheCBA3GQ20OzOJQ";
/// itsdangerous's `URLSafeTimedSerializer("k")` at 10000-01-01 and at 2**64 - 1: `loads` raises
/// `ValueError` / `OverflowError` with `max_age=None` and with `max_age=10`.
const Y10000_TOKEN: &str = "eyJhIjoxfQ.Ov_0QYA.SFhDHE5pQsDyowly3uacGr_JKcE";
const U64_MAX_TOKEN: &str = "eyJhIjoxfQ.__________8.kmhnWba1_UuI0WAqHe2ys7Glz4c";

fn out_of_range(timestamp: u64) -> Error {
    Error::TimestampOutOfRange(TimestampError::OutOfRange { timestamp })
}

#[test]
fn a_timestamp_after_9999_is_not_a_new_session() {
    let flask = Codec::flask(KEY).build().unwrap();
    for (cookie, ts) in [(Y10000_COOKIE, 253_402_300_800), (U64_MAX_COOKIE, u64::MAX)] {
        for codec in [&flask, &Codec::flask(KEY).max_age(None).build().unwrap()] {
            let open = codec.open(cookie, NOW).unwrap_err();
            assert_eq!(open, out_of_range(ts));
            assert!(
                !open.is_bad_signature(),
                "Flask answers HTTP 500, not a new session"
            );
            assert_eq!(codec.verify(cookie, NOW).unwrap_err(), out_of_range(ts));
        }
    }
    let its = Codec::itsdangerous(KEY).build().unwrap();
    let its_aged = Codec::itsdangerous(KEY).max_age(Some(10)).build().unwrap();
    for (token, ts) in [(Y10000_TOKEN, 253_402_300_800), (U64_MAX_TOKEN, u64::MAX)] {
        assert_eq!(its.open(token, NOW).unwrap_err(), out_of_range(ts));
        assert_eq!(its_aged.open(token, NOW).unwrap_err(), out_of_range(ts));
    }
    // What Flask does start a new session for stays in the bad-signature family.
    let nine = flask.open(NINE_BYTES_COOKIE, NOW).unwrap_err();
    assert_eq!(
        nine,
        Error::MalformedTimestamp(TimestampError::TooLong { bytes: 9 })
    );
    assert!(nine.is_bad_signature());
    let last = flask.open(LAST_SECOND_COOKIE, NOW).unwrap_err();
    assert!(matches!(last, Error::Expired(e) if e.signed_at == 253_402_300_799));
    assert!(last.is_bad_signature());
    assert_eq!(
        out_of_range(253_402_300_800).to_string(),
        "timestamp out of range: timestamp 253402300800 is after the year 9999"
    );
}

/// `[1]`, `null` and `("a", 1)` signed by Flask's serializer at 1700000000 (Flask's session is
/// `dict()` of the payload: HTTP 500 for `[1]` and the tuple, an empty session for `null`).
const LIST_COOKIE: &str = "WzFd.ZVPxAA.REow6U_tPHo4LUz04NRdr7cSoRo";
const NULL_COOKIE: &str = "bnVsbA.ZVPxAA.Ea1OfEEulF6dcfjSN7ivfWSidEg";
const TUPLE_COOKIE: &str = "eyIgdCI6WyJhIiwxXX0.ZVPxAA.yHQsaBn59zCnCAkb1gxLsqsQsJU";

#[test]
fn open_returns_a_non_dict_payload_as_signed() {
    let codec = Codec::flask(KEY).build().unwrap();
    for (cookie, json) in [
        (LIST_COOKIE, "[1]"),
        (NULL_COOKIE, "null"),
        (TUPLE_COOKIE, r#"{" t":["a",1]}"#),
    ] {
        let opened = codec.open(cookie, NOW).unwrap();
        assert!(opened.value.as_dict().is_none());
        assert_eq!(codec.to_json(&opened.value).unwrap(), json);
    }
}

#[test]
fn json_syntax_messages_name_the_byte_once() {
    // CPython: `Invalid control character at: line 1 column 7 (char 6)`.
    let codec = Codec::flask(KEY).build().unwrap();
    let e = codec.from_json(b"{\"a\":\"\x01\"}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid JSON: Invalid control character at: byte 6"
    );
    // CPython: `Unterminated string starting at: line 1 column 6 (char 5)`.
    let e = codec.from_json(b"{\"a\":\"ab").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid JSON: Unterminated string starting at: byte 5"
    );
}

#[test]
fn dump_refuses_a_cookie_open_would_refuse() {
    use flask_cookie::{DumpError, Limits, SignatureError, Value};
    // The spec's vector 1 is 45 bytes.
    let capped = |max_cookie_len| {
        Codec::flask("test key")
            .limits(Limits {
                max_cookie_len,
                ..Limits::default()
            })
            .build()
            .unwrap()
    };
    let v: Value = flask_cookie::Dict::from_iter([("a", Value::from(1))]).into();
    assert_eq!(
        capped(45).dump(&v, NOW).unwrap(),
        "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
    );
    assert_eq!(
        capped(44).dump(&v, NOW).unwrap_err(),
        Error::Dump(DumpError::CookieTooLong { len: 45, max: 44 })
    );
    assert_eq!(
        capped(44)
            .open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", NOW)
            .unwrap_err(),
        Error::BadSignature(SignatureError::TooLong { len: 45, max: 44 })
    );
}

#[test]
fn depth_counts_the_outer_object_as_level_1() {
    use flask_cookie::{DumpError, Limits};
    let one = Codec::flask(KEY)
        .limits(Limits {
            max_depth: 1,
            ..Limits::default()
        })
        .build()
        .unwrap();
    let v = one.from_json(br#"{"a":1}"#).unwrap();
    assert!(one.to_json(&v).is_ok());
    assert!(one.from_json(br#"{"a":[]}"#).is_err());
    let two = Codec::flask(KEY).build().unwrap();
    let nested = two.from_json(br#"{"a":[]}"#).unwrap();
    assert_eq!(
        one.to_json(&nested).unwrap_err(),
        DumpError::TooDeep { limit: 1 }
    );
}

/// Signed by itsdangerous with Flask's parameters and the empty key, which Flask (with
/// `SECRET_KEY="new"`, `SECRET_KEY_FALLBACKS=[""]`) opens to `{'a': 1}`.
const EMPTY_FALLBACK_COOKIE: &str = "eyJhIjoxfQ.ZVPxAA.6wo0arvxaTT-IKoM0XpxUlqTs_Q";
/// `URLSafeTimedSerializer("").dumps({"a": 1})` at 1700000000; its `loads` gives `{'a': 1}`.
const EMPTY_SECRET_TOKEN: &str = "eyJhIjoxfQ.ZVPxAA.lpk-3X5dMoC-bKErFiPAXjpgEQs";

#[test]
fn empty_keys_as_flask_and_itsdangerous_take_them() {
    use flask_cookie::ConfigError;
    let flask = Codec::flask("new").fallback_keys([""]).build().unwrap();
    let opened = flask.open(EMPTY_FALLBACK_COOKIE, NOW).unwrap();
    assert_eq!(flask.to_json(&opened.value).unwrap(), r#"{"a":1}"#);
    let its = Codec::itsdangerous("").build().unwrap();
    let opened = its.open(EMPTY_SECRET_TOKEN, NOW).unwrap();
    assert_eq!(its.to_json(&opened.value).unwrap(), r#"{"a":1}"#);
    assert_eq!(its.dump(&opened.value, NOW).unwrap(), EMPTY_SECRET_TOKEN);
    // Flask with SECRET_KEY = "": get_signing_serializer returns None (no session at all).
    let e = Codec::flask("").fallback_keys(["old"]).build().unwrap_err();
    assert_eq!(e, ConfigError::EmptyKey { index: 1 });
    assert!(e
        .to_string()
        .contains("Flask has no session without a SECRET_KEY"));
}
