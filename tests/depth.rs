//! No recursion proportional to the depth of the input: opening, dumping, `Clone`, `PartialEq`,
//! `Debug` and `Drop` of deep values run on threads with small stacks.
//!
//! The cookies are made by real Flask 3.1 and itsdangerous 2.2 with
//! `python3 tests/gen_depth_cookies.py` (which prints them next to what Flask does with them).

use flask_cookie::{
    Codec, DateTime, Dict, Error, JsonErrorKind, Limits, PayloadError, Text, Value,
};

const KEY: &str = "k";
const NOW: u64 = 1_700_000_000;

/// Flask's session `{"a": [[...[{"b": (1, "x")}]...]]}` (396 lists): exactly 400 levels, the
/// largest the default limits accept, as Flask writes it (recursion limit raised).
const DEEP_400_COOKIE: &str = ".eJyrVkpUsooeBYMGVCslKVlVKymUAKPFUEepQim2tjZ2FAwaUAsACvQkOg.ZVPxAA.ifqmDwlEg98sfPxN78yh9MDYDnk";

/// `{"a":` + 34 000 `[` + 34 000 `]` + `}`, compressed, signed by Flask's serializer.
const DEEP_34000_COOKIE: &str = ".eJztwTENADAIADAvyMDKwoEOMu_4IG0nOvIBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABnFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAcMZfrPV86Q.ZVPxAA.GXLQe6t6TCmfoMsfoZt4Y1KcCYk";

/// Runs `f` on a thread with a `kib` KiB stack (a stack overflow aborts the test binary).
fn on_stack<T: Send + 'static>(kib: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(kib * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn deep_400_json() -> String {
    format!(
        r#"{{"a":{}{{"b":{{" t":[1,"x"]}}}}{}}}"#,
        "[".repeat(396),
        "]".repeat(396)
    )
}

fn deep_34000_json() -> String {
    format!(r#"{{"a":{}{}}}"#, "[".repeat(34_000), "]".repeat(34_000))
}

fn raised(max_depth: usize) -> Codec {
    Codec::flask(KEY)
        .limits(Limits {
            max_depth,
            ..Limits::default()
        })
        .build()
        .unwrap()
}

#[test]
fn open_and_dump_at_the_largest_default_depth_on_a_64_kib_stack() {
    on_stack(64, || {
        let codec = Codec::flask(KEY).build().unwrap();
        let opened = codec.open(DEEP_400_COOKIE, NOW).unwrap();
        assert_eq!(codec.to_json(&opened.value).unwrap(), deep_400_json());
        assert_eq!(codec.dump(&opened.value, NOW).unwrap(), DEEP_400_COOKIE);
        let copy = opened.value.clone();
        assert!(copy == opened.value);
        assert!(format!("{copy:?}").starts_with("Dict({\"a\": List([List(["));
    });
}

#[test]
fn dump_of_34000_nested_lists_with_max_depth_raised() {
    on_stack(64, || {
        let codec = raised(40_000);
        let value = codec.from_json(deep_34000_json().as_bytes()).unwrap();
        assert_eq!(codec.to_json(&value).unwrap(), deep_34000_json());
        assert_eq!(codec.dump(&value, NOW).unwrap(), DEEP_34000_COOKIE);
    });
}

#[test]
fn open_a_signed_cookie_of_34000_nested_lists_with_max_depth_raised() {
    on_stack(64, || {
        let codec = raised(40_000);
        let opened = codec.open(DEEP_34000_COOKIE, NOW).unwrap();
        assert_eq!(codec.to_json(&opened.value).unwrap(), deep_34000_json());
        // At the default limit it is refused as too deep, not a crash.
        let err = Codec::flask(KEY)
            .build()
            .unwrap()
            .open(DEEP_34000_COOKIE, NOW);
        assert!(matches!(
            err,
            Err(Error::BadPayload(PayloadError::Json(e))) if e.kind == JsonErrorKind::TooDeep { limit: 400 }
        ));
    });
}

/// A value `n` levels deep mixing lists, tuples and dicts, built without recursion.
fn mixed(n: usize, leaf: Value) -> Value {
    let mut v = leaf;
    for i in 0..n {
        v = match i % 3 {
            0 => Value::List(vec![Value::from(i), v]),
            1 => Value::Tuple(vec![v]),
            _ => Value::Dict([("k", v), ("z", Value::None)].into_iter().collect()),
        };
    }
    v
}

#[test]
fn clone_eq_and_debug_of_a_100_000_deep_value_on_a_small_stack() {
    on_stack(64, || {
        let v = mixed(100_000, Value::from("leaf"));
        let c = v.clone();
        assert!(c == v);
        assert!(c != mixed(100_000, Value::from("leag")));
        assert!(c != mixed(99_999, Value::from("leaf")));
        let text = format!("{c:?}");
        assert_eq!(text.matches("Tuple([").count(), 33_333);
        assert!(text.starts_with("List([Int(99999), Dict({\"k\": Tuple([List([Int(99996), "));
        // The pretty form indents each level: quadratic in size, so 1 000 levels.
        let pretty = format!("{:#?}", mixed(1_000, Value::None));
        assert!(pretty.lines().count() > 3_000);
        let d = mixed(3, Value::None).into_dict().unwrap();
        let d2 = d.clone();
        assert!(d2 == d);
        assert!(format!("{d2:?}").starts_with("{\"k\": Tuple(["));
    });
}

/// `Debug` writes exactly what `#[derive(Debug)]` wrote before it was made iterative (both
/// forms; the text was printed by the derived implementation).
#[test]
fn debug_is_the_derived_text() {
    let mut d = Dict::new();
    d.insert(
        "a",
        Value::List(vec![
            1.into(),
            Value::Float(1.5),
            Value::from("x\"y"),
            Value::None,
            Value::Bool(true),
        ]),
    );
    d.insert("b", Value::Tuple(vec![]));
    d.insert("c", Value::Dict(Dict::new()));
    d.insert("d", Value::Bytes(vec![1, 2]));
    d.insert(
        "e",
        Value::Markup(Text::from_code_points([0x61, 0xD800]).unwrap()),
    );
    d.insert("f", Value::Uuid(5));
    d.insert("g", Value::DateTime(DateTime::from_unix(7).unwrap()));
    d.insert(
        "h",
        Value::List(vec![
            Value::List(vec![]),
            Value::Tuple(vec![Value::from(-3)]),
        ]),
    );
    let v = Value::List(vec![Value::Dict(d.clone()), Value::from(2)]);
    let got = format!("{v:?}\n{v:#?}\n{d:?}\n{:#?}\n", Value::from(1));
    assert_eq!(got, include_str!("depth_debug_derived.txt"));
    // Clone and PartialEq agree with the structure.
    assert!(v.clone() == v);
    let mut other = d.clone();
    other.insert("f", Value::Uuid(6));
    assert!(Value::Dict(other) != Value::Dict(d.clone()));
    assert!(Value::Float(f64::NAN) != Value::Float(f64::NAN));
    assert!(Value::List(vec![]) != Value::Tuple(vec![]));
    assert!(Value::Str("a".into()) != Value::Markup("a".into()));
}

/// Flask-signed `{"a":` + 398 `[` + `{" t":"ab"}` + 398 `]` + `}`: read at 400 levels (the tag is
/// one), but Flask's JSON for the session it reads, `(("a", "b"),)` nested, needs 401.
const READ_400_WRITE_401_COOKIE: &str =
    ".eJyrVkpUsooeBYMIVCsplChZKSUmKdXGjoJBBGoBU9wjCA.ZVPxAA.1-BTSKgu4Su9zBVd0xKtrpyje6Q";
/// The same with 397 lists: read at 399 levels, written at 400.
const READ_399_WRITE_400_COOKIE: &str =
    ".eJyrVkpUsooeBYMHVCsplChZKSUmKdXGjoLBA2oBEK0iUA.ZVPxAA.0GaHXPA8w_Wpbr49-xkxDU1I89Y";

/// Reading counts levels as writing does: what opens within `max_depth` can be written back.
#[test]
fn reading_and_writing_count_levels_alike() {
    let codec = Codec::flask(KEY).build().unwrap();
    let opened = codec.open(READ_399_WRITE_400_COOKIE, NOW).unwrap();
    // Flask's JSON for the session (tests/gen_depth_cookies.py prints it).
    let flask_json = format!(
        r#"{{"a":{}{{" t":["a","b"]}}{}}}"#,
        "[".repeat(397),
        "]".repeat(397)
    );
    assert_eq!(codec.to_json(&opened.value).unwrap(), flask_json);
    match codec.open(READ_400_WRITE_401_COOKIE, NOW) {
        Err(Error::BadPayload(PayloadError::Json(e))) => {
            assert_eq!(e.kind, JsonErrorKind::TooDeep { limit: 400 })
        }
        other => panic!("expected TooDeep, got {other:?}"),
    }
    // One level more allowed: it opens, and is written at 401 levels.
    let opened = raised(401).open(READ_400_WRITE_401_COOKIE, NOW).unwrap();
    assert!(raised(401).to_json(&opened.value).is_ok());
    assert!(codec.to_json(&opened.value).is_err());
}
