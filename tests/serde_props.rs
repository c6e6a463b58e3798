//! Properties of the typed API (feature `serde`): for random values (every tag, nesting, big
//! integers, floats, lone surrogates, tag-like keys), `open_as::<Value>` agrees with `open`,
//! the fast path agrees with the exact path wherever it decides alone, and `dump_as` of a
//! value writes the cookie `dump` writes.
#![cfg(feature = "serde")]

use flask_cookie::{Codec, Value};
use proptest::prelude::*;

mod common;

/// Keys that look like tags or like the crate's serde markers, and common names, drawn often.
const KEYS: &[&str] = &[
    " t",
    " di",
    " b",
    " m",
    " u",
    " d",
    " x",
    "t",
    "$flask_cookie::Int",
    "$flask_cookie::Wtf8",
    "a",
    "b",
    "user_id",
];

fn session() -> impl Strategy<Value = Value> {
    common::values::session(KEYS)
}

/// A key somewhere holds a lone surrogate (a Rust `String` key cannot).
fn lone_key(v: &Value) -> bool {
    match v {
        Value::List(items) | Value::Tuple(items) => items.iter().any(lone_key),
        Value::Dict(d) => d.iter().any(|(k, v)| k.has_lone_surrogate() || lone_key(v)),
        _ => false,
    }
}

/// A Markup somewhere holds a lone surrogate.
fn lone_markup(v: &Value) -> bool {
    match v {
        Value::Markup(t) => t.has_lone_surrogate(),
        Value::List(items) | Value::Tuple(items) => items.iter().any(lone_markup),
        Value::Dict(d) => d.iter().any(|(_, v)| lone_markup(v)),
        _ => false,
    }
}

/// Mutations of a JSON text (to reach invalid payloads and odd forms): a byte changed,
/// removed or duplicated.
fn mutate(json: &str, at: usize, op: u8, byte: u8) -> Option<String> {
    let mut b = json.as_bytes().to_vec();
    if b.is_empty() {
        return None;
    }
    let i = at % b.len();
    match op % 3 {
        0 => b[i] = byte,
        1 => {
            b.remove(i);
        }
        _ => b.insert(i, b[i]),
    }
    String::from_utf8(b).ok()
}

/// `T` from `text` by the fast path alone agrees with `T` from the reader's value.
fn typed_agree<T>(codec: &Codec, text: &str) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let Some(fast) = flask_cookie::serde::__fast_path::<T>(text, true, 400) else {
        return Ok(());
    };
    let read = flask_cookie::json::read(text, true, 400).expect("the fast path accepted it");
    let exact: T = flask_cookie::serde::from_value(&read)
        .map_err(|e| TestCaseError::fail(format!("exact path refused {text}: {e}")))?;
    let a = codec
        .to_json(&flask_cookie::serde::to_value(&fast).unwrap())
        .unwrap();
    let b = codec
        .to_json(&flask_cookie::serde::to_value(&exact).unwrap())
        .unwrap();
    prop_assert_eq!(a, b, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn open_as_value_agrees_with_open(v in session(), ts in 0u64..=4_000_000_000) {
        let codec = Codec::flask("property key").max_age(None).build().unwrap();
        let cookie = codec.dump(&v, ts).unwrap();
        let opened = codec.open(&cookie, ts).unwrap();
        match codec.open_as::<Value>(&cookie, ts) {
            Ok(typed) => {
                prop_assert!(!lone_key(&v) && !lone_markup(&v));
                prop_assert_eq!(typed.signed_at, ts);
                prop_assert_eq!(codec.to_json(&typed.value).unwrap(), codec.to_json(&opened.value).unwrap());
            }
            Err(e) => {
                prop_assert!(lone_key(&v) || lone_markup(&v), "{e}");
                prop_assert!(matches!(e, flask_cookie::Error::Serde(_)));
            }
        }
    }

    #[test]
    fn dump_as_writes_what_dump_writes(v in session(), ts in 0u64..=4_000_000_000) {
        let codec = Codec::flask("property key").max_age(None).build().unwrap();
        let want = codec.dump(&v, ts).unwrap();
        match codec.dump_as(&v, ts) {
            Ok(got) => prop_assert_eq!(got, want),
            Err(e) => prop_assert!(lone_key(&v) || lone_markup(&v), "{e}"),
        }
    }

    #[test]
    fn fast_path_agrees_with_exact_path(
        v in session(),
        mutations in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..3),
    ) {
        let codec = Codec::flask("property key").build().unwrap();
        let mut json = codec.to_json(&v).unwrap();
        for (at, op, byte) in mutations {
            if let Some(m) = mutate(&json, at, op, byte) {
                json = m;
            }
        }
        let exact = flask_cookie::json::read(&json, true, 400);
        let fast = flask_cookie::serde::__fast_path::<Value>(&json, true, 400);
        if let Some(f) = &fast {
            let e = exact.as_ref().expect("the fast path accepted what the reader refuses");
            prop_assert_eq!(codec.to_json(f).unwrap(), codec.to_json(e).unwrap());
        }
        // Skipping (fields a type does not name) validates as the reader does.
        if flask_cookie::serde::__fast_path::<serde::de::IgnoredAny>(&json, true, 400).is_some() {
            prop_assert!(exact.is_ok(), "skipped what the reader refuses: {json}");
        }
        if flask_cookie::serde::__fast_path::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(&json, true, 400).is_some() {
            prop_assert!(exact.is_ok(), "skipped what the reader refuses: {json}");
        }
        // The typed forms of the tags, on each entry: where the fast path decides, the exact
        // path (from the reader's value) gives the same.
        if let Ok(Value::Dict(d)) = &exact {
            for (_, v) in d.iter() {
                let Ok(text) = codec.to_json(v) else { continue };
                typed_agree::<flask_cookie::serde::Bytes>(&codec, &text)?;
                typed_agree::<flask_cookie::serde::Markup>(&codec, &text)?;
                typed_agree::<flask_cookie::serde::Uuid>(&codec, &text)?;
                typed_agree::<flask_cookie::serde::DateTime>(&codec, &text)?;
                typed_agree::<flask_cookie::serde::Tuple<Vec<Value>>>(&codec, &text)?;
                typed_agree::<Vec<Value>>(&codec, &text)?;
                typed_agree::<(Value, Value)>(&codec, &text)?;
                typed_agree::<Option<String>>(&codec, &text)?;
            }
        }
        // The public entry point: the reader's verdict, and the value it gives.
        match (flask_cookie::serde::from_json::<Value>(&json), &exact) {
            (Ok(t), Ok(e)) => prop_assert_eq!(codec.to_json(&t).unwrap(), codec.to_json(e).unwrap()),
            (Err(flask_cookie::serde::FromJsonError::Json(a)), Err(b)) => prop_assert_eq!(&a, b),
            (Err(flask_cookie::serde::FromJsonError::Type(_)), Ok(e)) => {
                prop_assert!(lone_key(e) || lone_markup(e))
            }
            (t, e) => prop_assert!(false, "typed {t:?} but read {e:?}"),
        }
    }
}
