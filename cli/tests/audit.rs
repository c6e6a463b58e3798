//! `flask-cookie audit` against Python: cookies signed by itsdangerous and Flask with keys at
//! known lines of a generated list (fixtures/vectors/audit.json, made by
//! fixtures/vectors/gen_audit.py). The library's wordlist reader: tests/audit_wordlist.rs.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flask-cookie");

fn root() -> PathBuf {
    // The repository root: the fixtures are the core's (fixtures/vectors).
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn vectors(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("fixtures/vectors").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_out(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The generated wordlist in a temporary file.
fn wordlist_file(v: &serde_json::Value, tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flask-cookie-audit-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wordlist.txt");
    std::fs::write(&path, hex(v["wordlist_hex"].as_str().unwrap())).unwrap();
    path
}

/// Checks one found entry of the JSON output against the vector's expectation.
fn check_found(out: &serde_json::Value, case: &serde_json::Value, cookie_index: usize, list: &str) {
    let name = case["name"].as_str().unwrap();
    let entry = out["found"].as_array().unwrap().iter().find(|f| {
        f["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_u64() == Some(cookie_index as u64))
    });
    match case["found"].as_object() {
        None => {
            assert!(entry.is_none(), "{name}: {out}");
            assert!(
                out["not_found"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c.as_u64() == Some(cookie_index as u64)),
                "{name}: {out}"
            );
        }
        Some(want) => {
            let entry = entry.unwrap_or_else(|| panic!("{name}: not found: {out}"));
            assert_eq!(entry["key_hex"], case["key_hex"], "{name}");
            assert_eq!(entry["key_repr"], case["key_repr"], "{name}");
            match want["source"].as_str().unwrap() {
                "list" => {
                    assert_eq!(entry["source"].as_str(), Some(list), "{name}");
                    assert_eq!(entry["line"], want["line"], "{name}");
                }
                "empty" => assert_eq!(entry["source"], "empty key", "{name}"),
                "built-in" => assert_eq!(entry["source"], "built-in", "{name}"),
                other => panic!("{other}"),
            }
        }
    }
}

/// Each cookie alone, with its signer's options: every digest with every key derivation,
/// Flask's own cookies, literals with escapes, a key longer than a hash block, the empty key,
/// a built-in key, and a key in no list (exit 1).
#[test]
fn finds_each_key_at_its_line() {
    let v = vectors("audit.json");
    let path = wordlist_file(&v, "each");
    let list = path.to_str().unwrap();
    for case in v["cases"].as_array().unwrap() {
        let mut args: Vec<&str> = vec!["audit", "--json", "--wordlist", list];
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap()),
        );
        args.push("--");
        args.push(case["cookie"].as_str().unwrap());
        for jobs in ["1", "2"] {
            let mut a = args.clone();
            a.splice(1..1, ["--jobs", jobs]);
            let o = run(&a, b"");
            let want_code = if case["found"].is_null() { 1 } else { 0 };
            assert_eq!(
                o.status.code(),
                Some(want_code),
                "{}: {}",
                case["name"],
                String::from_utf8_lossy(&o.stderr)
            );
            let out = json_out(&o);
            check_found(&out, case, 0, list);
            assert_eq!(out["malformed_lines"], v["malformed"]);
        }
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// All of Flask's cookies in one pass (one list read, keys grouped), also from stdin.
#[test]
fn several_cookies_in_one_pass() {
    let v = vectors("audit.json");
    let path = wordlist_file(&v, "pass");
    let list = path.to_str().unwrap();
    let flask: Vec<&serde_json::Value> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["args"].as_array().unwrap().is_empty())
        .collect();
    assert!(flask.len() >= 8);
    let mut args: Vec<&str> = vec!["audit", "--json", "--wordlist", list, "--"];
    args.extend(flask.iter().map(|c| c["cookie"].as_str().unwrap()));
    let o = run(&args, b"");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = json_out(&o);
    for (i, case) in flask.iter().enumerate() {
        check_found(&out, case, i, list);
    }
    // The two cookies signed with "shared key" are reported under one key.
    let shared = out["found"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "shared key")
        .unwrap();
    assert_eq!(shared["cookies"].as_array().unwrap().len(), 2, "{out}");
    // The same cookies from stdin, one a line (CRLF too).
    let stdin: String = flask
        .iter()
        .map(|c| format!("{}\r\n", c["cookie"].as_str().unwrap()))
        .collect();
    let o = run(
        &["audit", "--json", "--wordlist", list, "-"],
        stdin.as_bytes(),
    );
    assert_eq!(json_out(&o)["found"], out["found"]);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn text_output_keys_only_on_stdout() {
    let v = vectors("audit.json");
    let path = wordlist_file(&v, "text");
    let list = path.to_str().unwrap();
    let case = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "flask bytes literal with escapes")
        .unwrap();
    let o = run(
        &[
            "audit",
            "--wordlist",
            list,
            case["cookie"].as_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    // Python's repr of the key, so it can be pasted back.
    let want = format!("key found: {} (", case["key_repr"].as_str().unwrap());
    assert!(out.starts_with(&want), "{out}");
    let err = String::from_utf8_lossy(&o.stderr);
    // stderr: the malformed-line report, without any key.
    assert!(err.contains("4 line(s)"), "{err}");
    assert!(!err.contains("\\xff") && !err.contains("key-"), "{err}");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn usage_errors_are_exit_64() {
    let v = vectors("audit.json");
    let cookie = v["cases"][0]["cookie"].as_str().unwrap();
    for args in [
        &["audit"][..],
        &["audit", "no-dot-here"][..],
        // A SHA-1 derivation's cookie with --digest sha256: wrong signature length.
        &[
            "audit",
            "--digest",
            "sha256",
            "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE",
        ][..],
        &["audit", "--jobs", "0", cookie][..],
        &["audit", "--wordlist", "/nonexistent/list", cookie][..],
        &["audit", "--secret-key", "k", cookie][..],
    ] {
        let o = run(args, b"");
        assert_eq!(
            o.status.code(),
            Some(64),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn not_found_is_exit_1_with_the_answer_on_stdout_only() {
    let v = vectors("audit.json");
    let case = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["found"].is_null())
        .unwrap();
    let o = run(&["audit", case["cookie"].as_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("no key found for cookie 1 ("), "{out}");
}
