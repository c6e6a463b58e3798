//! Unit tests of the session layer (the Python-made vectors are in tests/session_vectors.rs).

use super::*;
use crate::value::Int;

const NOW: u64 = 1_700_000_060;
/// Flask-made (spec known-answer vector): `{"a": 1}` signed with `test key` at 1700000000.
const A1: &str = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";

fn config() -> SessionConfig {
    SessionConfig::flask("test key").build().unwrap()
}

fn header(cookie: &str) -> Vec<u8> {
    format!("session={cookie}").into_bytes()
}

#[test]
fn tracking_follows_callback_dict() {
    let mut s = Session::from_dict([("a", Value::from(1))].into_iter().collect());
    assert!(!s.is_modified() && !s.is_accessed());
    assert_eq!(s.remove("missing"), None);
    assert!(
        s.is_accessed() && !s.is_modified(),
        "pop of a missing key changes nothing"
    );
    s.setdefault("a", 5);
    assert!(
        !s.is_modified(),
        "setdefault of a present key changes nothing"
    );
    assert_eq!(s.get("a"), Some(&Value::from(1)));
    if let Some(v) = s.get_mut("a") {
        *v = Value::from(2);
    }
    assert!(!s.is_modified(), "nested changes are not seen");
    s.mark_modified();
    assert!(s.is_modified());
    let mut s = Session::new();
    s.update(std::iter::empty::<(&str, Value)>());
    assert!(s.is_modified(), "update always modifies");
    let mut s = Session::new();
    s.clear();
    assert!(s.is_modified(), "clear always modifies");
    let s = Session::new();
    s.touch();
    assert!(s.is_accessed() && !s.is_modified());
}

#[test]
fn permanent_is_python_truthiness() {
    for (v, want) in [
        (Value::from(true), true),
        (Value::from(1), true),
        (Value::from("no"), true),
        (Value::from(0), false),
        (Value::from(""), false),
        (Value::None, false),
        (Value::Int(Int::from(0)), false),
    ] {
        let s = Session::from_dict([("_permanent", v)].into_iter().collect());
        assert_eq!(s.permanent(), want);
    }
    let mut s = Session::new();
    s.set_permanent(true);
    assert_eq!(s.dict().get("_permanent"), Some(&Value::Bool(true)));
    assert!(s.is_modified());
}

#[test]
fn open_decisions() {
    let c = config();
    let s = open_session(&c, &[header(A1)], NOW).unwrap();
    assert_eq!(s.dict().get("a"), Some(&Value::from(1)));
    assert!(!s.is_modified());
    // No cookie, empty, tampered, expired: new.
    for h in [
        b"other=1".to_vec(),
        header(""),
        header("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSx"),
    ] {
        assert!(open_session(&c, &[h], NOW).unwrap().dict().is_empty());
    }
    assert!(open_session(&c, &[header(A1)], NOW + 40 * 86_400)
        .unwrap()
        .dict()
        .is_empty());
    assert!(open_session::<&[u8]>(&c, &[], NOW)
        .unwrap()
        .dict()
        .is_empty());
}

#[test]
fn py_dict_rules() {
    let j = |s: &str| crate::json::read(s, true, 100).unwrap();
    let ok = |s: &str| {
        py_dict(j(s)).map(|d| {
            crate::Codec::flask("k")
                .build()
                .unwrap()
                .dict_to_json(&d)
                .unwrap()
        })
    };
    assert_eq!(ok("null").unwrap(), "{}");
    assert_eq!(ok("[]").unwrap(), "{}");
    assert_eq!(ok("\"\"").unwrap(), "{}");
    assert_eq!(ok("[\"ab\"]").unwrap(), "{\"a\":\"b\"}");
    assert_eq!(
        ok("[[\"b\",1],[\"a\",2],[\"b\",3]]").unwrap(),
        "{\"a\":2,\"b\":3}"
    );
    assert_eq!(ok("[{\"x\":1,\"y\":2}]").unwrap(), "{\"x\":\"y\"}");
    assert!(matches!(ok("\"ab\""), Err(OpenError::NotADict(_))));
    assert!(matches!(ok("5"), Err(OpenError::NotADict(_))));
    assert!(matches!(ok("[[[1],2]]"), Err(OpenError::NotADict(_))));
    assert!(matches!(ok("[null]"), Err(OpenError::NotADict(_))));
    assert_eq!(
        ok("[[1,2]]"),
        Err(OpenError::NonTextKey { type_name: "int" })
    );
    // A later Python error wins over an earlier non-text key.
    assert!(matches!(ok("[[1,2],\"abc\"]"), Err(OpenError::NotADict(_))));
}

#[test]
fn save_decisions() {
    let c = config();
    // Untouched: nothing at all.
    let s = open_session(&c, &[header(A1)], NOW).unwrap();
    let out = save_session(&c, &s, NOW).unwrap();
    assert_eq!(out.set_cookie, None);
    assert!(!out.vary_cookie);
    // Read only: Vary, no cookie.
    s.get("a");
    let out = save_session(&c, &s, NOW).unwrap();
    assert_eq!((out.set_cookie.is_none(), out.vary_cookie), (true, true));
    // Emptied: deletion.
    let mut s = open_session(&c, &[header(A1)], NOW).unwrap();
    s.clear();
    let out = save_session(&c, &s, NOW).unwrap();
    assert!(out.deletes_cookie);
    assert_eq!(
        out.set_cookie.as_deref(),
        Some("session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/")
    );
    // Modified: the cookie Flask writes at that time.
    let mut s = Session::new();
    s.insert("a", 1);
    let out = save_session(&c, &s, 1_700_000_000).unwrap();
    assert_eq!(
        out.set_cookie,
        Some(format!("session={A1}; HttpOnly; Path=/"))
    );
    // Permanent: refreshed each request, with Expires.
    let s = open_session(&c, &[header(A1)], NOW).unwrap();
    let mut p = Session::new();
    p.insert("a", 1);
    p.set_permanent(true);
    let out = save_session(&c, &p, NOW).unwrap();
    let cookie = out.set_cookie.unwrap();
    assert!(
        cookie.contains("; Expires=Fri, 15 Dec 2023 22:14:20 GMT; HttpOnly; Path=/"),
        "{cookie}"
    );
    drop(s);
}

#[test]
fn vary_merging() {
    assert_eq!(vary_with_cookie(Some("")), "Cookie");
    assert_eq!(vary_with_cookie(Some("a, \"b c\"")), "a, \"b c\", Cookie");
    assert_eq!(vary_with_cookie(Some("\"unclosed")), "Cookie");
    assert_eq!(vary_with_cookie(Some("COOKIE")), "COOKIE");
}

#[test]
fn starts_new_session_follows_flask() {
    use crate::error::{DumpError, PayloadError, SignatureError, TimestampError};
    let codec = crate::Codec::flask("test key").build().unwrap();
    let expired = codec.open(A1, NOW + 40 * 86_400).unwrap_err();
    assert!(matches!(expired, Error::Expired(_)));
    assert!(expired.starts_new_session() && expired.is_bad_signature());
    for e in [
        Error::BadSignature(SignatureError::Mismatch),
        Error::MalformedTimestamp(TimestampError::Base64),
        Error::MalformedTimestamp(TimestampError::TooLong { bytes: 9 }),
    ] {
        assert!(e.starts_new_session(), "{e:?}");
    }
    for e in [
        Error::MalformedTimestamp(TimestampError::OutOfRange { timestamp: 1 << 40 }),
        Error::BadPayload(PayloadError::Base64),
        Error::Dump(DumpError::LoneSurrogate),
    ] {
        assert!(!e.starts_new_session(), "{e:?}");
    }
}
