//! The writing side's compression against CPython: each session of
//! `fixtures/vectors/deflate.json` (written by `fixtures/vectors/gen_deflate.py` with Flask's own
//! session interface and CPython's `zlib.compress`) dumps to Flask's cookie byte for byte. The
//! sessions stress `src/deflate/` (zlib's level-6 deflate ported): lazy-match thresholds, far
//! 3-byte matches, hash collisions, the 16 382-byte boundary where zlib itself takes over, and
//! JSON that compresses to exactly one, two and three bytes shorter (itsdangerous keeps the
//! compressed form only when it is at least two bytes shorter).

use flask_cookie::Codec;
use serde_json::Value as J;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/vectors/deflate.json");

#[test]
fn dump_writes_flasks_cookies() {
    let text = std::fs::read_to_string(VECTORS).unwrap_or_else(|e| {
        panic!("cannot read {VECTORS}: {e} (run fixtures/vectors/gen_deflate.py)")
    });
    let doc: J = serde_json::from_str(&text).unwrap();
    let codec = Codec::flask(doc["secret_key"].as_str().unwrap())
        .build()
        .unwrap();
    let ts = doc["timestamp"].as_u64().unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 200, "{} cases", cases.len());
    let (mut compressed, mut plain, mut boundary) = (0, 0, 0);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let json = case["json"].as_str().unwrap();
        let want = case["cookie"].as_str().unwrap();
        let value = codec.from_json(json.as_bytes()).unwrap();
        assert_eq!(codec.to_json(&value).unwrap(), json, "{name}: JSON");
        let got = codec.dump(&value, ts).unwrap();
        assert!(
            got == want,
            "{name}: cookie differs from Flask's\n ours:  {got:.120}\n Flask: {want:.120}"
        );
        if case["compressed"].as_bool().unwrap() {
            compressed += 1;
        } else {
            plain += 1;
        }
        let json_len = case["json_len"].as_u64().unwrap();
        if (16_381..=16_383).contains(&json_len) {
            boundary += 1;
        }
    }
    // The vectors cover both outcomes and both sides of the port's limit.
    assert!(
        compressed > 100 && plain > 30,
        "{compressed} compressed, {plain} plain"
    );
    assert_eq!(boundary, 6);
}
