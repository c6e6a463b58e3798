//! Property: whatever value we dump, opening the cookie gives the value back (Flask sorts
//! dict keys, so "back" means with sorted keys), and its canonical JSON is unchanged.

use flask_cookie::{Codec, Dict, Text, Value};
use proptest::prelude::*;

mod common;

/// Keys that look like tags, drawn often.
const KEYS: &[&str] = &[" t", " di", " b", " m", " u", " d", " x", "t"];

fn session() -> impl Strategy<Value = Value> {
    common::values::session(KEYS)
}

/// The value with every dict's keys sorted, as Flask writes them.
fn sorted(v: &Value) -> Value {
    match v {
        Value::List(items) => Value::List(items.iter().map(sorted).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(sorted).collect()),
        Value::Dict(d) => {
            let mut entries: Vec<(Text, Value)> =
                d.iter().map(|(k, v)| (k.clone(), sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Dict(Dict::from_entries(entries))
        }
        other => other.clone(),
    }
}

fn has_nan(v: &Value) -> bool {
    match v {
        Value::Float(f) => f.is_nan(),
        Value::List(items) | Value::Tuple(items) => items.iter().any(has_nan),
        Value::Dict(d) => d.iter().any(|(_, v)| has_nan(v)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn flask_dump_then_open_gives_the_value_back(v in session(), ts in 0u64..=4_000_000_000) {
        let codec = Codec::flask("property key").max_age(None).build().unwrap();
        let cookie = codec.dump(&v, ts).unwrap();
        let opened = codec.open(&cookie, ts).unwrap();
        prop_assert_eq!(opened.signed_at, ts);
        prop_assert_eq!(codec.to_json(&opened.value).unwrap(), codec.to_json(&v).unwrap());
        if !has_nan(&v) {
            prop_assert_eq!(opened.value, sorted(&v));
        }
        // Re-dumping what was opened gives the same cookie: reading is lossless.
        prop_assert_eq!(codec.dump(&sorted(&v), ts).unwrap(), cookie);
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::Float),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::List),
            prop::collection::vec((any::<String>().prop_map(Text::from), inner), 0..5)
                .prop_map(|entries| Value::Dict(Dict::from_entries(entries))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// itsdangerous's preset: plain JSON in insertion order, raw UTF-8.
    #[test]
    fn itsdangerous_dump_then_open_keeps_order(v in json_value(), ts in 0u64..=4_000_000_000) {
        let codec = Codec::itsdangerous("property key").build().unwrap();
        let cookie = codec.dump(&v, ts).unwrap();
        let opened = codec.open(&cookie, ts).unwrap();
        prop_assert_eq!(codec.to_json(&opened.value).unwrap(), codec.to_json(&v).unwrap());
        if !has_nan(&v) {
            prop_assert_eq!(opened.value, v);
        }
    }
}
