//! Tests against vectors written by real Python (`fixtures/vectors/gen_json.py`).

use serde_json::Value as J;

use super::*;
use crate::value::{DateTime, Dict, Int, Text};

fn load(name: &str) -> Vec<J> {
    let path = format!("{}/fixtures/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: J = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    doc["cases"].as_array().expect("cases").clone()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn text_u32(hex: &str) -> Text {
    let bytes = unhex(hex);
    Text::from_code_points(
        bytes
            .chunks(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])),
    )
    .expect("code points")
}

fn f64_bits(hex: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(hex, 16).expect("bits"))
}

/// Rebuilds a value from its description (see `gen_json.py`).
fn build(d: &J) -> Value {
    let a = d.as_array().expect("description");
    let arg = a.get(1);
    let s = || arg.and_then(J::as_str).expect("string argument");
    let items = || -> Vec<Value> {
        arg.and_then(J::as_array)
            .expect("items")
            .iter()
            .map(build)
            .collect()
    };
    match a[0].as_str().expect("kind") {
        "none" => Value::None,
        "bool" => Value::Bool(arg.and_then(J::as_bool).expect("bool")),
        "int" => Value::Int(Int::from_decimal(s()).expect("int")),
        "float" => Value::Float(f64_bits(s())),
        "str" => Value::Str(text_u32(s())),
        "markup" => Value::Markup(text_u32(s())),
        "bytes" => Value::Bytes(unhex(s())),
        "uuid" => Value::Uuid(u128::from_str_radix(s(), 16).expect("uuid")),
        "datetime" => Value::DateTime(
            DateTime::from_unix(arg.and_then(J::as_i64).expect("secs")).expect("datetime"),
        ),
        "list" => Value::List(items()),
        "tuple" => Value::Tuple(items()),
        "dict" => {
            let entries = arg
                .and_then(J::as_array)
                .expect("entries")
                .iter()
                .map(|e| (text_u32(e[0].as_str().expect("key")), build(&e[1])))
                .collect();
            Value::Dict(Dict::from_entries(entries))
        }
        other => panic!("unknown kind {other}"),
    }
}

const PLAIN_ASCII: JsonOptions = JsonOptions {
    sort_keys: false,
    ensure_ascii: true,
    tagged: false,
};

fn dump(v: &Value, opts: &JsonOptions) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::new();
    write(v, opts, DEFAULT_MAX_DEPTH, &mut out).map(|()| out)
}

#[test]
fn read_matches_python() {
    let cases = load("json_read.json");
    assert!(cases.len() > 1000);
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let input = String::from_utf8(unhex(case["input"].as_str().expect("input")))
            .expect("input is UTF-8");
        let got = read(&input, false, DEFAULT_MAX_DEPTH);
        if let Some(ok) = case.get("ok") {
            let want = unhex(ok.as_str().expect("ok"));
            let v = got.unwrap_or_else(|e| panic!("{name}: {input:?}: unexpected error {e:?}"));
            let out = dump(&v, &PLAIN_ASCII).unwrap_or_else(|e| panic!("{name}: dump {e:?}"));
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&want),
                "{name}: {input:?}"
            );
            continue;
        }
        let err = &case["error"];
        let want = if let Some(msg) = err.get("msg") {
            let msg = msg.as_str().expect("msg");
            let pos = err["pos"].as_u64().expect("pos") as usize;
            Some((pos, msg.to_owned()))
        } else {
            None
        };
        match (got, want) {
            (Err(ReadError::Json(e)), Some((pos, msg))) => {
                assert_eq!(
                    (e.position, &e.kind),
                    (pos, &JsonErrorKind::Syntax(leak(msg))),
                    "{name}: {input:?}"
                );
            }
            (Err(ReadError::Json(e)), None) => match err["kind"].as_str() {
                Some("int_too_large") => {
                    let digits = err["digits"].as_u64().expect("digits") as usize;
                    assert_eq!(
                        e.kind,
                        JsonErrorKind::IntTooLarge { digits },
                        "{name}: {input:?}"
                    );
                }
                other => panic!("{name}: unexpected error kind {other:?}"),
            },
            (got, _) => panic!("{name}: {input:?}: want error {err}, got {got:?}"),
        }
    }
}

/// The error messages are `&'static str`; comparing needs one too.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn write_cases(with_dates: bool) {
    let cases = load("json_write.json");
    let mut checked = 0;
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        if case["needs_http_date"].as_bool() != Some(with_dates) {
            continue;
        }
        let tagged = case["tagged"].as_bool().expect("tagged");
        let value = build(&case["value"]);
        for (key, want) in case["out"].as_object().expect("out") {
            let opts = JsonOptions {
                sort_keys: key.starts_with("sort"),
                ensure_ascii: key.ends_with("ascii"),
                tagged,
            };
            let got = dump(&value, &opts);
            if let Some(ok) = want.get("ok") {
                let want = unhex(ok.as_str().expect("ok"));
                let got = got.unwrap_or_else(|e| panic!("{name} {key}: unexpected error {e:?}"));
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want),
                    "{name} {key}"
                );
                assert_eq!(got, want, "{name} {key}");
            } else {
                let want = match want["error"].as_str().expect("error") {
                    "lone_surrogate" => WriteError::LoneSurrogate,
                    "unsupported:bytes" => WriteError::Unsupported { type_name: "bytes" },
                    "unsupported:UUID" => WriteError::Unsupported { type_name: "UUID" },
                    "unsupported:datetime" => WriteError::Unsupported {
                        type_name: "datetime",
                    },
                    other => panic!("{name}: unknown error {other}"),
                };
                assert_eq!(got, Err(want), "{name} {key}");
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn write_matches_python() {
    write_cases(false);
}

/// Tagged datetimes need `http_date::format`, implemented in another module.
#[test]
fn write_datetimes_matches_python() {
    write_cases(true);
}

#[test]
fn floats_match_python() {
    let cases = load("json_float.json");
    assert!(cases.len() > 2000);
    for case in &cases {
        let bits = case["bits"].as_str().expect("bits");
        let f = f64_bits(bits);
        let mut repr = String::new();
        py_float_repr(f, &mut repr);
        assert_eq!(repr, case["repr"].as_str().expect("repr"), "float {bits}");
        let out = dump(&Value::Float(f), &JsonOptions::FLASK).expect("dump");
        assert_eq!(
            String::from_utf8_lossy(&out),
            case["json"].as_str().expect("json"),
            "float {bits}"
        );
        // What Python writes reads back to the same bits (NaN aside).
        if !f.is_nan() {
            match read(case["json"].as_str().expect("json"), false, 1) {
                Ok(Value::Float(g)) => assert_eq!(g.to_bits(), f.to_bits(), "float {bits}"),
                other => panic!("float {bits}: read back {other:?}"),
            }
        }
    }
}

fn too_deep(r: Result<Value, ReadError>) -> Option<(usize, usize)> {
    match r {
        Err(ReadError::Json(JsonError {
            position,
            kind: JsonErrorKind::TooDeep { limit },
        })) => Some((position, limit)),
        _ => None,
    }
}

#[test]
fn deep_input_fails_cleanly() {
    let deep = "[".repeat(100_000);
    assert_eq!(
        too_deep(read(&deep, false, DEFAULT_MAX_DEPTH)),
        Some((400, 400))
    );
    let deep = "{\"a\":".repeat(100_000);
    assert_eq!(
        too_deep(read(&deep, true, DEFAULT_MAX_DEPTH)),
        Some((400 * 5, 400))
    );
    let ok = format!("{}{}", "[".repeat(400), "]".repeat(400));
    assert!(read(&ok, false, DEFAULT_MAX_DEPTH).is_ok());
    let over = format!("{}{}", "[".repeat(401), "]".repeat(401));
    assert_eq!(
        too_deep(read(&over, false, DEFAULT_MAX_DEPTH)),
        Some((400, 400))
    );
    assert_eq!(too_deep(read("[]", false, 0)), Some((0, 0)));
    assert_eq!(read("1", false, 0), Ok(Value::from(1)));
}

#[test]
fn deep_value_fails_cleanly() {
    fn nest(n: usize, wrap: fn(Value) -> Value) -> Value {
        (0..n).fold(Value::None, |v, _| wrap(v))
    }
    let list = |v| Value::List(vec![v]);
    let tuple = |v| Value::Tuple(vec![v]);
    let opts = JsonOptions::FLASK;
    let mut out = b"keep".to_vec();
    assert_eq!(
        write(&nest(1000, list), &opts, 400, &mut out),
        Err(WriteError::TooDeep { limit: 400 })
    );
    assert_eq!(out, b"keep", "output untouched on error");
    assert!(write(&nest(400, list), &opts, 400, &mut out).is_ok());
    // A tagged tuple is two JSON levels.
    assert!(write(&nest(200, tuple), &opts, 400, &mut Vec::new()).is_ok());
    assert!(write(&nest(201, tuple), &opts, 400, &mut Vec::new()).is_err());
    let untagged = JsonOptions::ITSDANGEROUS;
    assert!(write(&nest(400, tuple), &untagged, 400, &mut Vec::new()).is_ok());
    // Bytes is a one-level wrapper.
    assert!(write(&Value::Bytes(vec![]), &opts, 0, &mut Vec::new()).is_err());
    assert!(write(&Value::Bytes(vec![]), &opts, 1, &mut Vec::new()).is_ok());
}

#[test]
fn tagged_read_leaves_non_tags_alone() {
    // None of these reach `tag::untag`.
    for text in [
        r#"{" t":1," b":2}"#,
        r#"{" x":1}"#,
        r#"{}"#,
        r#"[{"t":[]}]"#,
        r#"{"a":{" di":1,"b":2}}"#,
    ] {
        let plain = read(text, false, DEFAULT_MAX_DEPTH).expect(text);
        assert_eq!(read(text, true, DEFAULT_MAX_DEPTH), Ok(plain), "{text}");
    }
}

#[test]
fn lone_surrogate_error_comes_after_other_errors() {
    let v = Value::List(vec![
        Value::Str(Text::from_code_points([0xD800]).expect("text")),
        Value::Bytes(vec![1]),
    ]);
    assert_eq!(
        dump(&v, &JsonOptions::ITSDANGEROUS),
        Err(WriteError::Unsupported { type_name: "bytes" })
    );
    assert_eq!(
        dump(
            &v,
            &JsonOptions {
                ensure_ascii: true,
                ..JsonOptions::ITSDANGEROUS
            }
        ),
        Err(WriteError::Unsupported { type_name: "bytes" })
    );
}

/// A dict written with sorted keys gives the same text whatever the order of its entries:
/// written from a permutation (sorted through indices up to 32 entries, through a vector of
/// references above), it equals the dict built in key order (written as it is, unsorted).
#[test]
fn sorted_keys_do_not_depend_on_entry_order() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for n in [2usize, 3, 5, 8, 16, 31, 32, 33, 40, 64] {
        // Keys with a shared prefix, an empty one and non-ASCII ones, so byte order matters.
        let keys: Vec<String> = (0..n)
            .map(|i| match i % 4 {
                0 => format!("k{i}"),
                1 => format!("k{i}é"),
                2 => "a".repeat(i % 5),
                _ => format!("z\u{2603}{i}"),
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let in_order = Dict::from_entries(
            keys.iter()
                .map(|k| {
                    (
                        Text::from(k.as_str()),
                        Value::Int(Int::from(k.len() as i64)),
                    )
                })
                .collect(),
        );
        let mut expected = Vec::new();
        write_dict(
            &in_order,
            &JsonOptions::FLASK,
            DEFAULT_MAX_DEPTH,
            &mut expected,
        )
        .expect("dict");
        for _ in 0..20 {
            let mut shuffled: Vec<(Text, Value)> = in_order.entries().to_vec();
            for i in (1..shuffled.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                shuffled.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            let mut out = Vec::new();
            write_dict(
                &Dict::from_entries(shuffled),
                &JsonOptions::FLASK,
                DEFAULT_MAX_DEPTH,
                &mut out,
            )
            .expect("dict");
            assert_eq!(
                String::from_utf8(out),
                String::from_utf8(expected.clone()),
                "{n} keys"
            );
        }
    }
}
