//! The typed API (feature `serde`) against real Flask: fixtures/vectors/serde_flask.json
//! (gen_serde.py) holds Flask-signed cookies of sessions with every tag, nested, with escapes,
//! duplicate keys, unicode, big integers and floats, malformed ones, and what Flask makes of
//! each. Each is opened into typed structs and a catch-all and compared with Flask's session;
//! the typed value is dumped again and compared byte for byte with the cookie Flask writes.
#![cfg(feature = "serde")]

use std::collections::BTreeMap;

use flask_cookie::serde::{Bytes, DateTime, Markup, Tuple, Uuid};
use flask_cookie::{Codec, Dict, Error, Int, Limits, Text, Value};
use serde::{Deserialize, Serialize};

type J = serde_json::Value;

/// gen_tag.py's self-describing form → a [`Value`].
fn dec(v: &J) -> Value {
    let cps = |a: &J| {
        Text::from_code_points(
            a.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_u64().unwrap() as u32),
        )
        .unwrap()
    };
    match v {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::Object(o) => {
            let (k, x) = o.iter().next().unwrap();
            match k.as_str() {
                "int" => Value::Int(Int::from_decimal(x.as_str().unwrap()).unwrap()),
                "float" => Value::Float(match x.as_str().unwrap() {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    s => s.parse().unwrap(),
                }),
                "str" => Value::Str(Text::from(x.as_str().unwrap())),
                "str_cps" => Value::Str(cps(x)),
                "markup" => Value::Markup(Text::from(x.as_str().unwrap())),
                "markup_cps" => Value::Markup(cps(x)),
                "bytes" => {
                    let h = x.as_str().unwrap();
                    Value::Bytes(
                        (0..h.len())
                            .step_by(2)
                            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                            .collect(),
                    )
                }
                "list" => Value::List(x.as_array().unwrap().iter().map(dec).collect()),
                "tuple" => Value::Tuple(x.as_array().unwrap().iter().map(dec).collect()),
                "dict" => Value::Dict(Dict::from_entries(
                    x.as_array()
                        .unwrap()
                        .iter()
                        .map(|kv| {
                            let key = dec(&kv[0]);
                            let Value::Str(k) = &key else { panic!("key") };
                            let k = k.clone();
                            (k, dec(&kv[1]))
                        })
                        .collect(),
                )),
                "uuid" => Value::Uuid(u128::from_str_radix(x.as_str().unwrap(), 16).unwrap()),
                "datetime" => {
                    Value::DateTime(flask_cookie::DateTime::from_unix(x.as_i64().unwrap()).unwrap())
                }
                other => panic!("unknown form {other}"),
            }
        }
        other => panic!("unknown form {other}"),
    }
}

/// What a service reads.
#[derive(Debug, Deserialize, PartialEq)]
struct Service {
    #[serde(rename = "_permanent", default)]
    permanent: Option<bool>,
    #[serde(default)]
    user_id: Option<i64>,
    #[serde(default)]
    csrf_token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Item {
    price: f64,
    sku: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Product {
    price: u32,
    qty: u32,
    sku: String,
    tags: Vec<String>,
    title: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Nested {
    items: Vec<(i32, i32)>,
    tags: BTreeMap<String, i64>,
    when: Vec<DateTime>,
    ids: Vec<Uuid>,
}

macro_rules! whole {
    ($($(#[$m:meta])* $name:ident: $t:ty),* $(,)?) => {
        /// A whole session: every key any case holds (unknown keys refused).
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Whole {
            $(
                $(#[$m])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                $name: Option<$t>,
            )*
        }
    };
}

whole! {
    #[serde(rename = "_permanent")] permanent: bool,
    #[serde(rename = "_fresh")] fresh: bool,
    #[serde(rename = "_user_id")] login_user_id: String,
    #[serde(rename = "_flashes")] flashes: Vec<(String, String)>,
    user_id: i64,
    csrf_token: String,
    b: Bytes,
    m: Markup,
    u: Uuid,
    d: DateTime,
    t: (u8, String, (i64, i64)),
    di: BTreeMap<String, i64>,
    nested: Nested,
    esc: String,
    uni: String,
    big: u128,
    neg: i128,
    i64max: i64,
    i64min: i64,
    f: f64,
    e: f64,
    tiny: f64,
    negz: f64,
    third: f64,
    nan: f64,
    inf: f64,
    ninf: f64,
    fint: f64,
    recently_viewed: Vec<Product>,
    cart: Vec<Item>,
    s: String,
    #[serde(rename = " t")] space_t: i64,
    a: BTreeMap<String, BTreeMap<String, i64>>,
    x: Tuple<Vec<i64>>,
    junk: Value,
    q: i64,
    p: i64,
    z: i64,
    y: i64,
    g: f64,
    h: f64,
    i: u128,
    ts: Tuple<(String, String)>,
}

struct Case {
    name: String,
    cookie: String,
    flask: Result<Value, String>,
    redump: Option<String>,
}

fn cases() -> (Codec, u64, Vec<Case>) {
    let doc: J = serde_json::from_str(
        &std::fs::read_to_string("fixtures/vectors/serde_flask.json").unwrap(),
    )
    .unwrap();
    let codec = Codec::flask(doc["secret_key"].as_str().unwrap())
        .build()
        .unwrap();
    let ts = doc["timestamp"].as_u64().unwrap();
    let cases = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_owned(),
            cookie: c["cookie"].as_str().unwrap().to_owned(),
            flask: match c["flask"].get("ok") {
                Some(v) => Ok(dec(v)),
                None => Err(c["flask"]["err"].as_str().unwrap().to_owned()),
            },
            redump: c["redump"].as_str().map(str::to_owned),
        })
        .collect();
    (codec, ts, cases)
}

#[test]
fn typed_sessions_are_what_flask_holds_and_dump_to_flasks_bytes() {
    let (codec, ts, cases) = cases();
    assert!(cases.len() >= 25);
    let mut checked = 0;
    for c in &cases {
        let name = &c.name;
        let Ok(want) = &c.flask else { continue };
        let want_json = codec.to_json(want).unwrap();
        // The catch-all: exactly Flask's session.
        let any = codec.open_as::<Value>(&c.cookie, ts).unwrap();
        assert_eq!(codec.to_json(&any.value).unwrap(), want_json, "{name}");
        assert_eq!(any.signed_at, ts);
        // What a service reads.
        let service = codec.open_as::<Service>(&c.cookie, ts).unwrap().value;
        let d = want.as_dict().unwrap();
        let want_service = Service {
            permanent: d.get("_permanent").map(|v| *v == Value::Bool(true)),
            user_id: d.get("user_id").map(|v| match v {
                Value::Int(i) => i.as_i64().unwrap(),
                _ => panic!("{name}"),
            }),
            csrf_token: d.get("csrf_token").map(|v| v.as_str().unwrap().to_owned()),
        };
        assert_eq!(service, want_service, "{name}");
        // The whole session, typed.
        match codec.open_as::<Whole>(&c.cookie, ts) {
            Ok(whole) => {
                let back = flask_cookie::serde::to_value(&whole.value).unwrap();
                assert_eq!(codec.to_json(&back).unwrap(), want_json, "{name}");
                // Flask's save_session of that session: the same bytes.
                let redump = c.redump.as_deref().unwrap();
                assert_eq!(codec.dump_as(&whole.value, ts).unwrap(), redump, "{name}");
                checked += 1;
            }
            Err(Error::Serde(e)) => {
                let (path, msg) = match name.as_str() {
                    "wrong_type_price" => {
                        ("cart[1].price", "invalid type: string \"x\", expected f64")
                    }
                    "lone_surrogate" => (
                        "s",
                        "the string holds a lone surrogate, which a Rust string cannot",
                    ),
                    _ => panic!("{name}: {e}"),
                };
                assert_eq!((e.path(), e.message()), (path, msg), "{name}");
                assert_eq!(e.to_string(), format!("{path}: {msg}"));
            }
            Err(e) => panic!("{name}: {e}"),
        }
        // Flask's save_session of the session read as a Value: the same bytes too.
        assert_eq!(
            codec.dump_as(&any.value, ts).unwrap(),
            c.redump.as_deref().unwrap(),
            "{name}"
        );
    }
    assert!(checked >= 18, "{checked}");
}

#[test]
fn what_flask_refuses_does_not_deserialize_into_any_type() {
    let (codec, ts, cases) = cases();
    let mut refused = 0;
    for c in cases.iter().filter(|c| c.flask.is_err()) {
        let name = &c.name;
        let Err(Error::BadPayload(want)) = codec.open(&c.cookie, ts) else {
            panic!("{name}: open accepts what Flask refuses")
        };
        for got in [
            codec.open_as::<Value>(&c.cookie, ts).map(|_| ()),
            codec.open_as::<Service>(&c.cookie, ts).map(|_| ()),
            codec.open_as::<Whole>(&c.cookie, ts).map(|_| ()),
            codec
                .open_as::<serde::de::IgnoredAny>(&c.cookie, ts)
                .map(|_| ()),
            codec
                .open_as::<BTreeMap<String, serde::de::IgnoredAny>>(&c.cookie, ts)
                .map(|_| ()),
        ] {
            assert_eq!(got, Err(Error::BadPayload(want.clone())), "{name}");
        }
        refused += 1;
    }
    assert!(refused >= 7, "{refused}");
}

#[test]
fn the_fast_path_decides_flask_written_sessions_alone() {
    let (_, _, cases) = cases();
    let sorted_by_flask = [
        "tiny",
        "login",
        "every_tag",
        "escapes_unicode",
        "numbers",
        "large_compressed",
        "cart_prices",
        "wrong_type_price",
        "lone_surrogate",
        "tag_like_keys",
    ];
    for c in &cases {
        let json = flask_cookie::decode_unverified(&c.cookie, &Limits::default())
            .unwrap()
            .json;
        let json = std::str::from_utf8(&json).unwrap();
        let fast = flask_cookie::serde::__fast_path::<Service>(json, true, 400);
        if sorted_by_flask.contains(&c.name.as_str()) {
            assert!(fast.is_some(), "{}", c.name);
        }
        // Duplicate keys in the dict the struct reads: the exact path's (the last wins).
        if ["dup_top", "compressed_dup", "dup_last_wins_position"].contains(&c.name.as_str())
            || c.flask.is_err()
        {
            assert!(fast.is_none(), "{}", c.name);
        }
        // A catch-all reads every dict: any duplicate is the exact path's.
        if c.name.starts_with("dup_") {
            assert!(flask_cookie::serde::__fast_path::<Value>(json, true, 400).is_none());
        }
    }
}
