//! The reading path inflates exactly what Python's `zlib.decompress(data)` inflates (itsdangerous's
//! `load_payload`), with its bytes, and refuses what it refuses with zlib's own reason
//! (Flask: `BadPayload`), on the vectors of `fixtures/vectors/zlib.json` (written by
//! `fixtures/vectors/gen_zlib.py` with Python and Flask as the oracle):
//!
//! * `shapes`: validly signed cookies (key `k`) whose payload streams were built bit by bit in
//!   the shapes a lenient inflater accepts and zlib refuses (issue 9, defect 1), their valid
//!   twins and the header/trailer cases: `open` must reach Flask's decision, and zlib's message;
//! * `mutations`: zlib streams with bits flipped in block headers and code lengths, truncated,
//!   re-headered or re-checksummed: `decode_unverified` must give Python's bytes or refuse with
//!   Python's reason.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flask_cookie::{decode_unverified, Codec, Error, Limits, PayloadError};
use serde_json::Value as J;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/vectors/zlib.json");

fn vectors() -> &'static J {
    static DOC: OnceLock<J> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(VECTORS).unwrap_or_else(|e| {
            panic!("cannot read {VECTORS}: {e} (run fixtures/vectors/gen_zlib.py)")
        });
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{VECTORS} is not JSON: {e}"))
    })
}

fn section(name: &str) -> &'static [J] {
    vectors()[name].as_array().expect("an array")
}

fn str_of<'a>(case: &'a J, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}: {case}"))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// zlib's reason in Python's message: `Error -3 while decompressing data: invalid distance
/// code` is "invalid distance code"; `Error 2 while decompressing data` (Z_NEED_DICT, no
/// message) is the crate's "need dictionary".
fn zlib_reason(python: &str) -> String {
    match python.split_once(": ") {
        Some((_, reason)) => reason.to_owned(),
        None if python.starts_with("Error 2 ") => "need dictionary".to_owned(),
        None => panic!("unexpected Python message {python:?}"),
    }
}

/// Python's verdict on a stream: `Ok(bytes)` or `Err(zlib's reason)`.
fn python(case: &J) -> Result<Vec<u8>, String> {
    let v = &case["zlib"];
    match (v["ok"].as_str(), v["error"].as_str()) {
        (Some(ok), None) => Ok(hex(ok)),
        (None, Some(err)) => Err(zlib_reason(err)),
        _ => panic!("bad verdict {v}"),
    }
}

/// The issue's example: Flask's "invalid literal/length code" (a fixed-Huffman length symbol
/// 286), which a lenient inflater opened as `{"a":"xxx..."}`.
#[test]
fn the_issue_example_is_bad_payload() {
    let codec = Codec::flask("k").build().unwrap();
    let got = codec.open(
        ".eJyrVkpUslKqGANKtQAopHuE.ZVPxAA.MJ89fGvjT-zCfFLPRSSmB-IzGH0",
        1_700_000_000,
    );
    assert_eq!(
        got.map(|o| o.value),
        Err(Error::BadPayload(PayloadError::Zlib(
            "invalid literal/length code".to_owned()
        )))
    );
}

/// Every hand-built shape: Flask's decision on the signed cookie, and zlib's reason.
#[test]
fn shapes_reach_flasks_decision() {
    let doc = vectors();
    assert_eq!(doc["key"], "k");
    let now = doc["now"].as_u64().unwrap();
    let codec = Codec::flask("k").build().unwrap();
    let mut failures = Vec::new();
    let mut refused = 0;
    for case in section("shapes") {
        let name = str_of(case, "name");
        let got = codec.open(str_of(case, "cookie"), now);
        let flask = &case["flask"];
        match (str_of(flask, "result"), python(case), got) {
            ("ok", Ok(_), Ok(opened)) => {
                let ours = codec.to_json(&opened.value).unwrap();
                if ours != str_of(flask, "json") {
                    failures.push(format!("{name}: opened as {ours}, Flask {}", flask["json"]));
                }
            }
            ("bad_payload", Err(reason), got) => {
                refused += 1;
                let want = Err(Error::BadPayload(PayloadError::Zlib(reason)));
                let got = got.map(|o| o.value);
                if got != want {
                    failures.push(format!("{name}: {got:?}, Flask BadPayload ({want:?})"));
                }
            }
            (flask, python, got) => failures.push(format!(
                "{name}: {got:?}; Flask {flask}, Python {:?}",
                python.map(|b| b.len())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused >= 30, "only {refused} refused shapes");
}

/// Every mutated stream: Python's bytes, or Python's refusal with zlib's reason.
#[test]
fn mutated_streams_inflate_as_python_does() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    let (mut ok, mut refused) = (0, 0);
    for (i, case) in section("mutations").iter().enumerate() {
        let stream = hex(str_of(case, "stream_hex"));
        let cookie = format!(".{}.ZVPxAA.not-checked", URL_SAFE_NO_PAD.encode(&stream));
        let got = decode_unverified(&cookie, &limits).map(|u| u.json);
        let want = python(case);
        match (&want, &got) {
            (Ok(bytes), Ok(json)) if bytes == json => ok += 1,
            (Err(reason), Err(Error::BadPayload(PayloadError::Zlib(msg)))) if reason == msg => {
                refused += 1
            }
            _ => failures.push(format!(
                "mutation {i} ({}; {}): ours {got:?}, Python {want:?}",
                str_of(case, "how"),
                str_of(case, "stream_hex")
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        section("mutations").len(),
        failures.join("\n")
    );
    assert!(ok > 200 && refused > 600, "{ok} ok, {refused} refused");
}
