//! The library's wordlist reader (`flask_cookie::audit`) against Python: literals as
//! `ast.literal_eval` reads them (fixtures/vectors/wordlist_literals.json), and any bytes as a
//! wordlist. The `flask-cookie audit` command itself: cli/tests/audit.rs.

use std::path::PathBuf;

use flask_cookie::audit::{parse_line, Line};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

fn vectors(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("fixtures/vectors").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn literals_read_as_python_reads_them() {
    let v = vectors("wordlist_literals.json");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() > 3000);
    let (mut literal, mut malformed, mut plain) = (0, 0, 0);
    for c in cases {
        let line = hex(c["line_hex"].as_str().unwrap());
        let want = c["key_hex"].as_str();
        let what = String::from_utf8_lossy(&line).into_owned();
        match parse_line(&line) {
            Line::Literal(key) => {
                literal += 1;
                assert_eq!(Some(to_hex(&key).as_str()), want, "{what:?}");
            }
            Line::Malformed(raw, why) => {
                malformed += 1;
                assert_eq!(want, None, "{what:?}: {why}");
                assert_eq!(raw, line.strip_suffix(b"\r").unwrap_or(&line));
            }
            // Not literal-looking (`f'x'`, `ur'x'`): Python does not read a str or bytes
            // there either; the raw line is the key (Flask-Unsign's fallback too).
            Line::Plain(_) => {
                plain += 1;
                assert_eq!(want, None, "{what:?}");
            }
            Line::Empty => panic!("{what:?}"),
        }
    }
    assert!(
        literal > 1000 && malformed > 1000,
        "{literal} {malformed} {plain}"
    );
}

proptest::proptest! {
    /// Any bytes make a wordlist: no panic, every non-empty line is one candidate.
    #[test]
    fn any_bytes_are_a_wordlist(text in proptest::collection::vec(
        proptest::sample::select(b"ab'\"\\xuUNrR0789{} #\t\r\n\x00\xc3\xa9\xff".to_vec()), 0..200)) {
        let mut w = flask_cookie::audit::Wordlist::new();
        let before = w.len();
        w.add("fuzz", &text);
        let lines = text
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && *l != b"\r")
            .count();
        proptest::prop_assert_eq!(w.len() - before, lines);
        for i in 0..w.len() {
            let _ = w.candidate(i).unwrap();
        }
    }
}
