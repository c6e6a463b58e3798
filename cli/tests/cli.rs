//! The CLI contract: commands, output, exit status. Oracles: the spec's known-answer vectors
//! (measured with Flask 3.1.3) and MACs computed here straight from the spec's formula.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use hmac::{Hmac, Mac};
use sha1::Sha1;

const BIN: &str = env!("CARGO_BIN_EXE_flask-cookie");
const KEY: &str = "test key";
const TS: u64 = 1_700_000_000;
/// Spec section 9: `{"a": 1}`, key `test key`, timestamp 1700000000.
const KAT_A1: &str = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
/// Spec section 9: `{"v": "a"*12}`, compressed.
const KAT_COMPRESSED: &str = ".eJyrVipTslJKRAJKtQBDyQa9.ZVPxAA.815SpeH8lhlBdddhzgq4K3Z8Kk4";

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("FLASK_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn flask-cookie");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or(b"")).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Appends a signature to `value` as the spec says Flask makes it:
/// `HMAC-SHA1(HMAC-SHA1(key, salt), value)`, unpadded URL-safe base64.
fn flask_mac(value: &str) -> String {
    use base64::Engine;
    let mut derive = Hmac::<Sha1>::new_from_slice(KEY.as_bytes()).unwrap();
    derive.update(b"cookie-session");
    let derived = derive.finalize().into_bytes();
    let mut mac = Hmac::<Sha1>::new_from_slice(&derived).unwrap();
    mac.update(value.as_bytes());
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{value}.{sig}")
}

/// A validly signed cookie made of `payload` and `ts_text`.
fn flask_sign(payload: &str, ts_text: &str) -> String {
    flask_mac(&format!("{payload}.{ts_text}"))
}

#[test]
fn open_prints_canonical_json() {
    let o = run(
        &["open", "--secret-key", KEY, "--now", "1700000000", KAT_A1],
        None,
    );
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "{\"a\":1}\n"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &[
            "open",
            "--secret-key",
            KEY,
            "--now",
            "1700000000",
            "--",
            KAT_COMPRESSED,
        ],
        None,
    );
    assert_eq!(stdout(&o), "{\"v\":\"aaaaaaaaaaaa\"}\n", "{}", stderr(&o));
}

#[test]
fn cookie_from_stdin_and_key_from_file_or_env() {
    let dir = std::env::temp_dir().join(format!("flask-cookie-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let o = run(
        &[
            "open",
            "--secret-key-file",
            key_file.to_str().unwrap(),
            "--now",
            "1700000000",
            "-",
        ],
        Some(format!("{KAT_A1}\n").as_bytes()),
    );
    assert_eq!(stdout(&o), "{\"a\":1}\n", "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();

    let o = Command::new(BIN)
        .args(["verify", "--now", "1700000000", KAT_A1])
        .env("FLASK_SECRET_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn verify_exit_codes() {
    let ok = run(
        &["verify", "--secret-key", KEY, "--now", "1700000000", KAT_A1],
        None,
    );
    assert_eq!((code(&ok), stdout(&ok).as_str()), (0, ""));
    let wrong_key = run(
        &[
            "verify",
            "--secret-key",
            "other",
            "--now",
            "1700000000",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(code(&wrong_key), 1);
    assert_eq!(stderr(&wrong_key).lines().count(), 1, "one-line reason");
    // Flask's max_age is 31 days = 2678400 s: age == max_age is valid, one more is expired.
    let at_limit = run(
        &["verify", "--secret-key", KEY, "--now", "1702678400", KAT_A1],
        None,
    );
    assert_eq!(code(&at_limit), 0);
    let expired = run(
        &["verify", "--secret-key", KEY, "--now", "1702678401", KAT_A1],
        None,
    );
    assert_eq!(code(&expired), 2);
    let future = run(
        &["verify", "--secret-key", KEY, "--now", "1699999999", KAT_A1],
        None,
    );
    assert_eq!(code(&future), 2);
    let custom = run(
        &[
            "verify",
            "--secret-key",
            KEY,
            "--max-age",
            "10",
            "--now",
            "1700000011",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(code(&custom), 2);
    let malformed = run(&["verify", "--secret-key", KEY, "no-dots-here"], None);
    assert_eq!(code(&malformed), 1);
}

#[test]
fn rotated_key_opens() {
    let o = run(
        &[
            "open",
            "--secret-key",
            "newest",
            "--fallback-key",
            "oldest",
            "--fallback-key",
            KEY,
            "--now",
            "1700000000",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "{\"a\":1}\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lenient_accepts_python_spellings_strict_refuses() {
    let padded = format!("{KAT_A1}==");
    let strict = run(
        &[
            "verify",
            "--secret-key",
            KEY,
            "--now",
            "1700000000",
            &padded,
        ],
        None,
    );
    assert_eq!(code(&strict), 1);
    let lenient = run(
        &[
            "verify",
            "--lenient",
            "--secret-key",
            KEY,
            "--now",
            "1700000000",
            &padded,
        ],
        None,
    );
    assert_eq!(code(&lenient), 0, "{}", stderr(&lenient));
}

#[test]
fn validly_signed_bad_payload_is_exit_3() {
    // "!!!" is no base64 that decodes to JSON; ".AAAA" is not a zlib stream; "bm90IGpzb24"
    // is base64 of "not json".
    for payload in ["bm90IGpzb24", ".AAAA", "_w"] {
        let cookie = flask_sign(payload, "ZVPxAA");
        let o = run(
            &["open", "--secret-key", KEY, "--now", "1700000000", &cookie],
            None,
        );
        assert_eq!(code(&o), 3, "payload {payload}: {}", stderr(&o));
        // verify checks signature and age only.
        let v = run(
            &[
                "verify",
                "--secret-key",
                KEY,
                "--now",
                "1700000000",
                &cookie,
            ],
            None,
        );
        assert_eq!(code(&v), 0, "payload {payload}");
    }
}

#[test]
fn timestamp_problems_are_exit_1_or_3_after_9999() {
    // Valid signatures over a 9-byte timestamp and a value with no timestamp at all: Flask
    // starts a new session (exit 1). One in the year 10000 (253402300800): Flask's HTTP 500
    // (`ValueError` from `datetime`), exit 3 as a validly signed cookie Flask cannot read.
    let cases = [
        (flask_sign("eyJhIjoxfQ", "AQAAAAAAAAAA"), 1),
        (flask_mac("eyJhIjoxfQ"), 1),
        (flask_sign("eyJhIjoxfQ", "Ov_0QYA"), 3),
    ];
    for (cookie, want) in cases {
        for cmd in ["open", "verify"] {
            let o = run(
                &[cmd, "--secret-key", KEY, "--now", "1700000000", &cookie],
                None,
            );
            assert_eq!(code(&o), want, "{cmd} {cookie}: {}", stderr(&o));
        }
    }
}

#[test]
fn dump_reproduces_flask_bytes() {
    let o = run(
        &["dump", "--secret-key", KEY, "--timestamp", "1700000000"],
        Some(b"{\"a\": 1}\n"),
    );
    assert_eq!(
        (code(&o), stdout(&o)),
        (0, format!("{KAT_A1}\n")),
        "{}",
        stderr(&o)
    );
    let o = run(
        &["dump", "--secret-key", KEY, "--timestamp", "1700000000"],
        Some(b"{\"v\":\"aaaaaaaaaaaa\"}"),
    );
    assert_eq!(stdout(&o), format!("{KAT_COMPRESSED}\n"), "{}", stderr(&o));
    let o = run(&["dump", "--secret-key", KEY], Some(b"{not json"));
    assert_eq!(code(&o), 65, "{}", stderr(&o));
}

#[test]
fn decode_is_marked_unverified() {
    let forged = "eyJhIjoxfQ.ZVPxAA.forged";
    let o = run(&["decode", forged], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("UNVERIFIED"), "{out}");
    assert!(out.contains(&TS.to_string()), "{out}");
    assert!(out.contains("payload: {\"a\":1}"), "{out}");
}

#[test]
fn usage_errors_are_exit_64() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["open", KAT_A1][..], // no key
        &["open", "--secret-key", KEY][..],
        &["open", "--secret-key", KEY, "--digest", "md5", KAT_A1][..],
        &["open", "--secret-key", KEY, "--now", "soon", KAT_A1][..],
        &["open", "--secret-key", "", KAT_A1][..],
        &["open", "--secret-key", KEY, "--bogus", KAT_A1][..],
        &["open", "--secret-key", KEY, KAT_A1, KAT_A1][..],
        &["decode", "--secret-key", KEY, KAT_A1][..],
        &["open", "--secret-key", KEY, "--timestamp", "5", KAT_A1][..],
        &["dump", "--secret-key", KEY, "--now", "5"][..],
        &["open", "--secret-key", KEY, "--max-age", "-1", KAT_A1][..],
        &["completions"][..],
    ] {
        let o = run(args, None);
        assert_eq!(code(&o), 64, "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn secrets_never_reach_stderr() {
    let o = run(
        &[
            "open",
            "--secret-key",
            "hunter2-secret",
            "--fallback-key",
            "hunter3",
            "--now",
            "1700000000",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(!stderr(&o).contains("hunter"), "{}", stderr(&o));
}

#[test]
fn help_for_every_command_and_version() {
    for args in [
        &["--help"][..],
        &["help"][..],
        &["open", "--help"][..],
        &["verify", "--help"][..],
        &["dump", "--help"][..],
        &["decode", "--help"][..],
        &["completions", "--help"][..],
        &["audit", "--help"][..],
        &["help", "open"][..],
    ] {
        let o = run(args, None);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("Usage: flask-cookie"), "{args:?}: {out}");
    }
    // The exit statuses are part of every command's help.
    let o = run(&["open", "--help"], None);
    assert!(stdout(&o).contains("64 usage error"), "{}", stdout(&o));
    assert!(stdout(&o).contains("--key-derivation"), "{}", stdout(&o));
    let o = run(&["--version"], None);
    assert_eq!(
        (code(&o), stdout(&o)),
        (0, format!("flask-cookie {}\n", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell], None);
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("secret-key"), "{shell}");
    }
    let o = run(&["completions", "tcsh"], None);
    assert_eq!(code(&o), 64);
}

#[test]
fn option_spellings_as_before() {
    // `--name=value`, values starting with `-`, and the last of a repeated option wins.
    let o = run(
        &[
            "open",
            "--secret-key=-not this one",
            "--secret-key",
            KEY,
            "--max-age=none",
            "--now",
            "1800000000",
            "--",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "{\"a\":1}\n"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &[
            "verify",
            "--secret-key",
            "-dash",
            "--now",
            "1700000000",
            KAT_A1,
        ],
        None,
    );
    assert_eq!(
        code(&o),
        1,
        "a key starting with - is a key: {}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_never_echo_a_secret() {
    for args in [
        &["open", "--secret-key", "hunter2", "--bogus", KAT_A1][..],
        &[
            "open",
            "--fallback-key",
            "hunter2",
            "--digest",
            "md5",
            KAT_A1,
        ][..],
        &["dump", "--secret-key", "hunter2", "--now", "5"][..],
        &["open", "--secret-key", "hunter2"][..],
    ] {
        let o = run(args, None);
        assert_eq!(code(&o), 64, "{args:?}");
        assert!(!stderr(&o).contains("hunter"), "{args:?}: {}", stderr(&o));
    }
}

/// `open`/`verify --cookie-header`: the cookie Flask picks (quoted, first occurrence wins,
/// several headers joined with ";"); none or an empty one is exit 1 (Flask: a new session).
#[test]
fn cookie_from_cookie_headers() {
    let a1 = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    let quoted = format!("theme=x; session=\"{a1}\"");
    let out = run(
        &[
            "open",
            "--secret-key",
            "test key",
            "--now",
            "1700000060",
            "--cookie-header",
            &quoted,
            "--cookie-header",
            "session=junk",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"{\"a\":1}\n");
    let named = format!("session=junk; sid={a1}");
    let out = run(
        &[
            "verify",
            "--secret-key",
            "test key",
            "--now",
            "1700000060",
            "--cookie-header",
            &named,
            "--cookie-name",
            "sid",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    for header in ["other=1", "session="] {
        let out = run(
            &["verify", "--secret-key", "k", "--cookie-header", header],
            None,
        );
        assert_eq!(out.status.code(), Some(1), "{out:?}");
    }
    // A cookie argument and --cookie-header exclude each other; --cookie-name needs headers.
    let out = run(
        &["open", "--secret-key", "k", "x", "--cookie-header", "a=1"],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
    let out = run(
        &["open", "--secret-key", "k", "--cookie-name", "s", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
}

/// `set-cookie`: the header Flask 3.1.3 sends. Known answer made by a Flask app (SECRET_KEY
/// "test key", SESSION_COOKIE_SAMESITE "lax", SESSION_COOKIE_DOMAIN ".x.org:80", a view doing
/// `session.update({"a": 1, "_permanent": True})`, `time.time` and `datetime.now` frozen at
/// 1700000060, `app.test_client().get("/").headers["Set-Cookie"]`).
#[test]
fn set_cookie_is_what_flask_sends() {
    let out = run(
        &[
            "set-cookie",
            "--secret-key",
            "test key",
            "--timestamp",
            "1700000060",
            "--samesite",
            "lax",
            "--cookie-domain",
            ".x.org:80",
        ],
        Some(b"{\"a\": 1, \"_permanent\": true}"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "session=eyJfcGVybWFuZW50Ijp0cnVlLCJhIjoxfQ.ZVPxPA.w7eA1M1RoGQUTJkGx-EvVBQDugo; \
         Domain=x.org; Expires=Fri, 15 Dec 2023 22:14:20 GMT; HttpOnly; Path=/; SameSite=Lax\n"
    );
    // An empty session: Werkzeug's delete_cookie (checked in tests/session_vectors.rs).
    let out = run(&["set-cookie", "--secret-key", "k"], Some(b"{}"));
    assert_eq!(
        out.stdout,
        b"session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/\n"
    );
    let out = run(&["set-cookie", "--secret-key", "k"], Some(b"[1]"));
    assert_eq!(out.status.code(), Some(65));
    let out = run(
        &["set-cookie", "--secret-key", "k", "--samesite", "sideways"],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
    let out = run(&["set-cookie", "--secret-key", "k", "--max-age", "5"], None);
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn open_prints_a_lone_surrogate_as_an_escape() {
    // itsdangerous's URLSafeTimedSerializer("k") signature over `{"a":"x\udc00y","b":"\ud83d\ude00\u00e9"}`
    // at 1700000000; its loads gives {'a': 'x\udc00y', 'b': '😀é'} (tests/gen_depth_cookies.py
    // signs such JSON). UTF-8 cannot hold the lone surrogate: it is printed as `\udc00`.
    let token = "eyJhIjoieFx1ZGMwMHkiLCJiIjoiXHVkODNkXHVkZTAwXHUwMGU5In0.ZVPxAA.4F6_Qs1iyG-Fm5VC28obycCD-T0";
    let args = [
        "--preset",
        "itsdangerous",
        "--secret-key",
        "k",
        "--now",
        "1700000000",
    ];
    let verify = run(&[&["verify"], &args[..], &[token]].concat(), None);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    let o = run(&[&["open"], &args[..], &[token]].concat(), None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let printed = stdout(&o);
    assert_eq!(printed.trim_end(), "{\"a\":\"x\\udc00y\",\"b\":\"😀é\"}");
    // It reads back to the value itsdangerous signed.
    let codec = flask_cookie::Codec::itsdangerous("k").build().unwrap();
    let opened = codec.open(token, 1_700_000_000).unwrap();
    assert_eq!(
        codec.from_json(printed.trim_end().as_bytes()).unwrap(),
        opened.value
    );
}

#[test]
fn empty_keys_as_flask_and_itsdangerous_take_them() {
    // `URLSafeTimedSerializer("").dumps({"a": 1})` at 1700000000 (tests/gen_depth_cookies.py).
    let token = "eyJhIjoxfQ.ZVPxAA.lpk-3X5dMoC-bKErFiPAXjpgEQs";
    let o = run(
        &[
            "open",
            "--preset",
            "itsdangerous",
            "--secret-key",
            "",
            "--now",
            "1700000000",
            token,
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o).trim_end(), r#"{"a":1}"#);
    // Flask with SECRET_KEY="new", SECRET_KEY_FALLBACKS=[""] opens this cookie signed with "".
    let cookie = "eyJhIjoxfQ.ZVPxAA.6wo0arvxaTT-IKoM0XpxUlqTs_Q";
    let o = run(
        &[
            "open",
            "--secret-key",
            "new",
            "--fallback-key",
            "",
            "--now",
            "1700000000",
            cookie,
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // SECRET_KEY = "": Flask has no session; a usage error naming that.
    let o = run(
        &["open", "--secret-key", "", "--now", "1700000000", cookie],
        None,
    );
    assert_eq!(code(&o), 64);
    assert!(
        stderr(&o).contains("Flask has no session without a SECRET_KEY"),
        "{}",
        stderr(&o)
    );
}
