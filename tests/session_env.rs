//! `SessionConfig::from_prefixed_env` against what real Flask 3.1.3's
//! `app.config.from_prefixed_env()` makes of the same variables
//! (`fixtures/vectors/gen_env.py`, `session_env.json`): for the cases Flask takes, the same
//! Set-Cookie bytes for a non-permanent and a permanent session at the same time (an HTTP 500
//! from Flask must be a save error here); for the cases the generator's rule marks "refuse",
//! an error naming the variable.

use std::ffi::OsString;

use flask_cookie::session::{save_session, Session, SessionConfig};
use serde_json::Value as J;

fn cases() -> Vec<J> {
    let path = format!(
        "{}/fixtures/vectors/session_env.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str::<J>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn from_prefixed_env_matches_flask() {
    let cases = cases();
    assert!(cases.len() > 50);
    let mut failures = Vec::new();
    for case in &cases {
        let env: Vec<(String, String)> = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let now = case["now"].as_u64().unwrap();
        let got = SessionConfig::from_prefixed_env(env.clone());
        match (case["expect"].as_str().unwrap(), got) {
            ("refuse", Ok(_)) => failures.push(format!("{env:?}: accepted, must be refused")),
            ("refuse", Err(e)) => {
                if e.variable() != case["why"].as_str().unwrap() {
                    failures.push(format!("{env:?}: refused for {} ({e})", e.variable()));
                }
            }
            ("same", Err(e)) => failures.push(format!("{env:?}: refused: {e}")),
            ("same", Ok(config)) => {
                for r in case["responses"].as_array().unwrap() {
                    let mut s = Session::new();
                    s.insert("a", 1);
                    s.set_permanent(r["permanent"].as_bool().unwrap());
                    let want: Vec<&str> = r["set_cookie"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    match (
                        r["status"].as_u64().unwrap(),
                        save_session(&config, &s, now),
                    ) {
                        (200, Ok(out)) => {
                            let got: Vec<&str> = out.set_cookie.as_deref().into_iter().collect();
                            if got != want {
                                failures.push(format!("{env:?}: {got:?} != Flask's {want:?}"));
                            }
                        }
                        (500, Err(_)) => {}
                        (status, got) => {
                            failures.push(format!("{env:?}: Flask {status}, here {got:?}"))
                        }
                    }
                }
            }
            (other, _) => panic!("unknown expectation {other}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_name_the_variable_and_never_the_secret() {
    let e = SessionConfig::from_prefixed_env([("FLASK_SECRET_KEY", "12345")]).unwrap_err();
    assert_eq!(e.variable(), "FLASK_SECRET_KEY");
    assert!(!e.to_string().contains("12345"), "{e}");
    let e = SessionConfig::from_prefixed_env([
        ("FLASK_SECRET_KEY_FALLBACKS", "hunter2"),
        ("FLASK_SECRET_KEY", "k"),
    ])
    .unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(e.to_string().contains("FLASK_SECRET_KEY_FALLBACKS"), "{e}");
    let missing = SessionConfig::from_prefixed_env(Vec::<(String, String)>::new()).unwrap_err();
    assert_eq!(missing.to_string(), "FLASK_SECRET_KEY is not set");
}

#[cfg(unix)]
#[test]
fn non_utf8_values_are_refused_and_other_names_ignored() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(vec![0x66, 0xff]);
    let e = SessionConfig::from_prefixed_env([
        (OsString::from("FLASK_SECRET_KEY"), OsString::from("k")),
        (OsString::from("FLASK_SESSION_COOKIE_NAME"), bad.clone()),
    ])
    .unwrap_err();
    assert_eq!(e.variable(), "FLASK_SESSION_COOKIE_NAME");
    // A name that is not UTF-8 is not a FLASK_ setting; a value of an unread variable is not read.
    let ok = SessionConfig::from_prefixed_env([
        (OsString::from("FLASK_SECRET_KEY"), OsString::from("k")),
        (bad.clone(), OsString::from("x")),
        (OsString::from("FLASK_OTHER"), bad),
    ]);
    assert!(ok.is_ok());
}
