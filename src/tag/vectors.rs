//! Tests against the vectors real Flask/Werkzeug wrote (`fixtures/vectors/gen_tag.py`).

use serde_json::Value as J;

use super::{untag, TagErrorKind};
use crate::value::{DateTime, Dict, Int, Text, Value};

fn load(name: &str) -> Vec<J> {
    let path = format!("{}/fixtures/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(J::Array(rows)) => rows,
        other => panic!("{path}: not a JSON array: {other:?}"),
    }
}

fn text(j: &J) -> Text {
    match j {
        J::String(s) => Text::from(s.as_str()),
        J::Array(cps) => Text::from_code_points(cps.iter().map(|c| c.as_u64().unwrap() as u32))
            .expect("code point"),
        _ => panic!("bad text {j}"),
    }
}

/// Rebuilds a value from the self-describing form of gen_tag.py. `Err` carries the
/// `datetime_unrepresentable` text.
fn value(j: &J) -> Result<Value, String> {
    Ok(match j {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::Object(m) => {
            let (k, v) = m.iter().next().expect("one key");
            match k.as_str() {
                "int" => Value::Int(Int::from_decimal(v.as_str().unwrap()).unwrap()),
                "float" => Value::Float(match v.as_str().unwrap() {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    s => s.parse().unwrap(),
                }),
                "str" | "str_cps" => Value::Str(text(v)),
                "markup" | "markup_cps" => Value::Markup(text(v)),
                "bytes" => {
                    let h = v.as_str().unwrap();
                    Value::Bytes(
                        (0..h.len())
                            .step_by(2)
                            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                            .collect(),
                    )
                }
                "list" => Value::List(v.as_array().unwrap().iter().map(must).collect()),
                "tuple" => Value::Tuple(v.as_array().unwrap().iter().map(must).collect()),
                "dict" => Value::Dict(Dict::from_entries(
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|kv| match must(&kv[0]) {
                            Value::Str(ref k) => (k.clone(), must(&kv[1])),
                            other => panic!("bad key {other:?}"),
                        })
                        .collect(),
                )),
                "uuid" => Value::Uuid(u128::from_str_radix(v.as_str().unwrap(), 16).unwrap()),
                "datetime" => {
                    Value::DateTime(DateTime::from_unix(v.as_i64().unwrap()).expect("in range"))
                }
                "datetime_unrepresentable" => return Err(v.as_str().unwrap().to_owned()),
                _ => panic!("unknown value form {k}"),
            }
        }
        _ => panic!("bad value {j}"),
    })
}

fn must(j: &J) -> Value {
    value(j).expect("representable value")
}

/// The expected outcome: `Ok(Ok(v))`, `Ok(Err(unrepresentable))` or `Err(python error)`.
type Expected = Result<Result<Value, String>, String>;

fn expected(out: &J) -> Expected {
    if let Some(e) = out.get("err") {
        return Err(e.as_str().unwrap().to_owned());
    }
    Ok(value(&out["ok"]))
}

/// Same value, with NaN equal to itself and floats compared by bits.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

/// Runs every row of a tag vector file; returns how many rows were checked.
fn check_tag_file(name: &str, refused_ok: impl Fn(&Value) -> bool) -> usize {
    let rows = load(name);
    for (i, row) in rows.iter().enumerate() {
        let tag = Text::from(row["tag"].as_str().unwrap());
        let input = must(&row["in"]);
        let want = expected(&row["out"]);
        let got = untag(&tag, input.clone());
        let label = format!("{name}[{i}]: {tag:?} of {input:?}");
        match (&want, &got) {
            (Ok(Ok(w)), Ok(g)) => assert!(same(w, g), "{label}: want {w:?}, got {g:?}"),
            (Ok(Ok(w)), Err(e)) => {
                assert!(
                    refused_ok(&input) && e.kind == TagErrorKind::Unsupported,
                    "{label}: want {w:?}, got error {e}"
                )
            }
            (Ok(Err(unrep)), got) => assert!(
                matches!(got, Err(e) if e.kind == TagErrorKind::Unsupported),
                "{label}: Python gives the unrepresentable {unrep}, got {got:?}"
            ),
            (Err(w), Ok(g)) => panic!("{label}: Python raises {w}, got {g:?}"),
            (Err(_), Err(e)) => assert!(
                e.kind == TagErrorKind::Invalid,
                "{label}: a Python error reported as a refusal: {e}"
            ),
        }
    }
    rows.len()
}

fn never(_: &Value) -> bool {
    false
}

#[test]
fn tag_di_vectors() {
    assert!(check_tag_file("tag_di.json", never) > 50);
}

#[test]
fn tag_t_vectors() {
    assert!(check_tag_file("tag_t.json", never) > 50);
}

#[test]
fn tag_b_vectors() {
    assert!(check_tag_file("tag_b.json", never) > 300);
}

/// `" m"` of list, tuple and dict is refused (documented on `untag`).
#[test]
fn tag_m_vectors() {
    let refused = |v: &Value| matches!(v, Value::List(_) | Value::Tuple(_) | Value::Dict(_));
    assert!(check_tag_file("tag_m.json", refused) > 40);
}

#[test]
fn tag_m_float_vectors() {
    assert!(check_tag_file("tag_m_float.json", never) > 10);
}

#[test]
fn tag_u_vectors() {
    assert!(check_tag_file("tag_u.json", never) > 1500);
}

#[test]
fn tag_d_vectors() {
    assert!(check_tag_file("tag_d.json", never) > 50);
}

/// Werkzeug's `parse_date` on strings, through `http_date::parse` and the `" d"` tag.
#[test]
fn http_date_parse_vectors() {
    let rows = load("http_date_parse.json");
    let d = Text::from(" d");
    for (i, row) in rows.iter().enumerate() {
        let Value::Str(ref s) = must(&row["in"]) else {
            panic!("http_date_parse.json[{i}]: not a string")
        };
        let want = expected(&row["out"]);
        let label = format!("http_date_parse.json[{i}]: {s:?}");
        let parsed = crate::http_date::parse(s);
        let tagged = untag(&d, Value::Str(s.clone()));
        match want {
            Ok(Ok(Value::DateTime(w))) => {
                assert_eq!(parsed, Some(w), "{label}");
                assert_eq!(tagged, Ok(Value::DateTime(w)), "{label}");
            }
            Ok(Ok(Value::None)) => {
                assert_eq!(parsed, None, "{label}");
                assert_eq!(tagged, Ok(Value::None), "{label}");
            }
            Ok(Ok(other)) => panic!("{label}: unexpected {other:?}"),
            Ok(Err(unrep)) => {
                assert_eq!(parsed, None, "{label}");
                assert!(
                    matches!(&tagged, Err(e) if e.kind == TagErrorKind::Unsupported),
                    "{label}: Python gives the unrepresentable {unrep}, got {tagged:?}"
                );
            }
            Err(w) => {
                assert_eq!(parsed, None, "{label}");
                assert!(
                    matches!(&tagged, Err(e) if e.kind == TagErrorKind::Invalid),
                    "{label}: Python raises {w}, got {tagged:?}"
                );
            }
        }
    }
    assert!(rows.len() > 5000);
}

#[test]
fn http_date_format_vectors() {
    let rows = load("http_date_format.json");
    for (i, row) in rows.iter().enumerate() {
        let secs = row["unix"].as_i64().unwrap();
        let want = row["out"].as_str().unwrap();
        let mut got = String::new();
        crate::http_date::format(DateTime::from_unix(secs).unwrap(), &mut got);
        assert_eq!(got, want, "http_date_format.json[{i}]: {secs}");
    }
    assert!(rows.len() > 3000);
}

/// Every input of every vector file through every tag, and random mutations of the date
/// strings: no panic whatever the input.
#[test]
fn no_panic_on_any_tag_and_input() {
    let mut inputs: Vec<Value> = Vec::new();
    for f in [
        "tag_di.json",
        "tag_t.json",
        "tag_b.json",
        "tag_m.json",
        "tag_u.json",
        "tag_d.json",
    ] {
        inputs.extend(load(f).iter().map(|r| must(&r["in"])));
    }
    for tag in super::TAG_KEYS {
        let tag = Text::from(tag);
        for v in &inputs {
            if matches!(v, Value::Float(_)) && tag == " m" {
                continue; // py_float_repr is not ours
            }
            let _ = untag(&tag, v.clone());
        }
    }
    let _ = untag(&Text::from(" x"), Value::None);
    // A small LCG, fixed seed: splice pieces of real date strings together.
    let dates: Vec<Vec<u32>> = load("http_date_parse.json")
        .iter()
        .filter_map(|r| match must(&r["in"]) {
            Value::Str(ref t) => Some(t.code_points().collect()),
            _ => None,
        })
        .collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n.max(1)
    };
    for _ in 0..20_000 {
        let a = &dates[next(dates.len())];
        let b = &dates[next(dates.len())];
        let mut s: Vec<u32> = a[..next(a.len() + 1)].to_vec();
        s.extend_from_slice(&b[next(b.len() + 1)..]);
        if !s.is_empty() && next(3) == 0 {
            let i = next(s.len());
            s[i] = [
                0x2C, 0x2D, 0x2B, 0x3A, 0x2E, 0x20, 0x5F, 0xD800, 0x660, 0xFB06,
            ][next(10)];
        }
        let _ = crate::http_date::parse_code_points(&s);
        let t = Text::from_code_points(s).unwrap();
        let _ = untag(&Text::from(" u"), Value::Str(t.clone()));
        let _ = untag(&Text::from(" b"), Value::Str(t.clone()));
        let _ = untag(&Text::from(" t"), Value::Markup(t));
    }
}

/// The civil-date conversions agree with each other on every day of years 1..=9999.
#[test]
fn civil_round_trip() {
    use crate::http_date::{civil_from_days, days_from_civil};
    let first = DateTime::MIN_UNIX / 86_400;
    let last = DateTime::MAX_UNIX / 86_400;
    assert_eq!(civil_from_days(first), (1, 1, 1));
    assert_eq!(civil_from_days(last), (9999, 12, 31));
    let mut prev = civil_from_days(first - 1);
    for d in first..=last {
        let (y, m, day) = civil_from_days(d);
        assert_eq!(days_from_civil(y, m, day), d, "day {d}");
        assert!((y, m, day) > prev, "day {d}");
        prev = (y, m, day);
    }
}
