//! proptest strategies for random `Value`s (every tag, nesting, big integers, floats, lone
//! surrogates, tag-like keys), shared by the property tests. `keys` are the extra dict keys a
//! test wants drawn often (keys that look like tags, for example).
#![allow(dead_code)]

use flask_cookie::{DateTime, Dict, Int, Text, Value};
use proptest::prelude::*;

/// `0100-01-01T00:00:00Z`: Werkzeug reads years 1-99 back as 19xx/20xx (a Flask quirk, see
/// docs/format.md), so only later datetimes round-trip.
pub const YEAR_100: i64 = -59_011_459_200;

pub fn text(keys: &'static [&'static str]) -> impl Strategy<Value = Text> {
    prop_oneof![
        // Mostly ASCII, with the characters JSON escapes.
        "[ -~\\t\\n\\x00\\x1f\\x7f\"\\\\]{0,12}".prop_map(|s| Text::from(s.as_str())),
        // Any code point, lone surrogates included.
        prop::collection::vec(0u32..=0x10FFFF, 0..8)
            .prop_map(|cps| Text::from_code_points(cps).unwrap_or_default()),
        prop::sample::select(keys).prop_map(Text::from),
    ]
}

pub fn leaf(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "-?[1-9][0-9]{18,60}".prop_map(|s| Value::Int(Int::from_decimal(&s).unwrap())),
        any::<f64>().prop_map(Value::Float),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            1e16,
            1e-5
        ])
        .prop_map(Value::Float),
        text(keys).prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        text(keys).prop_map(Value::Markup),
        any::<u128>().prop_map(Value::Uuid),
        (YEAR_100..=DateTime::MAX_UNIX)
            .prop_map(|s| Value::DateTime(DateTime::from_unix(s).unwrap())),
    ]
}

pub fn value(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    leaf(keys).prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::List),
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Tuple),
            prop::collection::vec((text(keys), inner), 0..5)
                .prop_map(|entries| Value::Dict(Dict::from_entries(entries))),
        ]
    })
}

/// A session: a dict of random values.
pub fn session(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::collection::vec((text(keys), value(keys)), 0..6)
        .prop_map(|entries| Value::Dict(Dict::from_entries(entries)))
}
