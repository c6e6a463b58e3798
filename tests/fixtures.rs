//! Agreement with real Flask on `fixtures/cookies.json` (written by `fixtures/generate.py`).
//!
//! Data-driven: every case of the file is checked, every failure is collected, and each test
//! ends with one report naming every failing case.
//!
//! Deliberate differences are excluded by rule, never by case name:
//! * By default the crate accepts only the canonical spelling of the signature (unpadded URL-safe
//!   base64 of a MAC of the digest's length, unused bits zero). A cookie whose signature text is
//!   not canonical must be `BadSignature` in strict mode; with `.lenient_base64(true)` it must
//!   match Python. Canonical-ness is decided here by decoding and re-encoding.
//! * When the payload's top level is not a dict, the crate may return the value itself (what
//!   itsdangerous returns) or what Flask's `open_session` makes of it (`session_json`).
//! * Malformed tags from a validly signed cookie (spec section 5: "match these or reject them with
//!   a clear error"): when Flask opens a cookie whose signed JSON is not what Flask writes back
//!   (`payload_is_canonical: false`), a tag error of kind `TagErrorKind::Unsupported` (the
//!   refusals listed in docs/compatibility.md) is tolerated in place of Flask's
//!   value, and listed on stderr. Set `FLASK_COOKIE_STRICT_TAGS=1` to refuse this.
//! * Dump cases whose JSON Flask itself does not read back to the same JSON (years 1-99, int
//!   keys, adjacent lone surrogates) are compared with Flask's cookie of the value read back.

use std::cell::Cell;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Once, OnceLock};

use flask_cookie::{
    Codec, Digest, Error, KeyDerivation, PayloadError, TagError, TagErrorKind, TimestampError,
};
use serde_json::Value as J;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cookies.json");

fn fixtures() -> &'static J {
    static DOC: OnceLock<J> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(FIXTURES)
            .unwrap_or_else(|e| panic!("cannot read {FIXTURES}: {e} (run fixtures/generate.py)"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{FIXTURES} is not JSON: {e}"))
    })
}

fn cases(section: &str) -> &'static [J] {
    fixtures()[section]
        .as_array()
        .unwrap_or_else(|| panic!("{FIXTURES}: no array {section:?}"))
}

// ---------------------------------------------------------------------------------------------
// Panics are failures too: run each case under catch_unwind, quietly.
// ---------------------------------------------------------------------------------------------

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic".to_owned());
        format!("panicked: {msg}")
    })
}

/// Collects failures; `finish` asserts there are none, listing all of them.
struct Report {
    what: &'static str,
    checks: usize,
    failures: Vec<String>,
}

impl Report {
    fn new(what: &'static str) -> Report {
        Report {
            what,
            checks: 0,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, name: &str, mode: &str, result: Result<(), String>) {
        self.checks += 1;
        if let Err(msg) = result {
            self.failures.push(format!("[{name}] ({mode}) {msg}"));
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} checks failed against Flask's fixtures:\n{}",
            self.what,
            self.failures.len(),
            self.checks,
            self.failures.join("\n")
        );
    }
}

fn short<T: Debug>(x: &T) -> String {
    let s = format!("{x:?}");
    if s.chars().count() > 400 {
        let head: String = s.chars().take(400).collect();
        format!("{head}...")
    } else {
        s
    }
}

fn short_str(s: &str) -> String {
    short(&s)
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

fn hex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err(format!("odd hex length: {s:?}"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("bad hex {s:?}: {e}")))
        .collect()
}

fn key_bytes(k: &J) -> Result<Vec<u8>, String> {
    if let Some(t) = k.get("text").and_then(J::as_str) {
        Ok(t.as_bytes().to_vec())
    } else if let Some(h) = k.get("hex").and_then(J::as_str) {
        hex(h)
    } else {
        Err(format!("bad key {k}"))
    }
}

fn field<'a>(j: &'a J, name: &str) -> Result<&'a str, String> {
    j.get(name)
        .and_then(J::as_str)
        .ok_or_else(|| format!("missing string field {name:?}"))
}

fn digest_of(cfg: &J) -> Result<(Digest, usize), String> {
    match field(cfg, "digest")? {
        "sha1" => Ok((Digest::Sha1, 20)),
        "sha256" => Ok((Digest::Sha256, 32)),
        "sha512" => Ok((Digest::Sha512, 64)),
        other => Err(format!("unknown digest {other:?}")),
    }
}

fn build(cfg: &J, lenient: bool) -> Result<Codec, String> {
    let secret = key_bytes(&cfg["secret_key"])?;
    let fallbacks = cfg["fallback_keys"]
        .as_array()
        .ok_or("missing fallback_keys")?
        .iter()
        .map(key_bytes)
        .collect::<Result<Vec<_>, _>>()?;
    let builder = match field(cfg, "preset")? {
        "flask" => Codec::flask(secret),
        "itsdangerous" => Codec::itsdangerous(secret),
        other => return Err(format!("unknown preset {other:?}")),
    };
    let derivation = match field(cfg, "key_derivation")? {
        "hmac" => KeyDerivation::Hmac,
        "django-concat" => KeyDerivation::DjangoConcat,
        "concat" => KeyDerivation::Concat,
        "none" => KeyDerivation::None,
        other => return Err(format!("unknown key derivation {other:?}")),
    };
    let max_age = match &cfg["max_age"] {
        J::Null => None,
        v => Some(v.as_u64().ok_or_else(|| format!("bad max_age {v}"))?),
    };
    builder
        .fallback_keys(fallbacks)
        .salt(field(cfg, "salt")?.as_bytes())
        .digest(digest_of(cfg)?.0)
        .key_derivation(derivation)
        .max_age(max_age)
        .lenient_base64(lenient)
        .build()
        .map_err(|e| format!("build failed: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Canonical signature spelling, decided by decoding and re-encoding
// ---------------------------------------------------------------------------------------------

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64url_decode_bits(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = URL_SAFE.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn b64url_encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 4 / 3 + 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in data {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(URL_SAFE[((acc >> bits) & 63) as usize]);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(URL_SAFE[((acc << (6 - bits)) & 63) as usize]);
    }
    out
}

/// `true` when the text after the last `.` is the unpadded URL-safe base64 of `mac_len` bytes
/// (or there is no `.` at all: nothing to relax).
fn canonical_signature(cookie: &[u8], mac_len: usize) -> bool {
    let Some(dot) = cookie.iter().rposition(|&b| b == b'.') else {
        return true;
    };
    let sig = &cookie[dot + 1..];
    match b64url_decode_bits(sig) {
        Some(mac) => mac.len() == mac_len && b64url_encode(&mac) == sig,
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Expect {
    Ok {
        json: String,
        session_json: Option<String>,
        signed_at: u64,
        /// A tag error may stand in for this value (see the module documentation).
        tag_error_tolerated: bool,
    },
    BadSignature,
    Expired {
        signed_at: Option<u64>,
    },
    BadPayload {
        signed_at: Option<u64>,
    },
    Crash,
}

fn strict_tags() -> bool {
    std::env::var_os("FLASK_COOKIE_STRICT_TAGS").is_some_and(|v| v != "0")
}

fn expectation(e: &J, payload_is_canonical: bool) -> Result<Expect, String> {
    let signed_at = e.get("signed_at").and_then(J::as_u64);
    Ok(match field(e, "result")? {
        "ok" => Expect::Ok {
            json: field(e, "json").unwrap_or_default().to_owned(),
            session_json: e.get("session_json").and_then(J::as_str).map(str::to_owned),
            signed_at: signed_at.ok_or("ok without signed_at")?,
            tag_error_tolerated: !payload_is_canonical && !strict_tags(),
        },
        "bad_signature" => Expect::BadSignature,
        "expired" => Expect::Expired { signed_at },
        "bad_payload" => Expect::BadPayload { signed_at },
        "crash" => Expect::Crash,
        other => return Err(format!("unknown result {other:?}")),
    })
}

/// Python's exception, for the failure message.
fn python(e: &J) -> String {
    match (e.get("exception"), e.get("message")) {
        (Some(x), Some(m)) => format!("{} {x}: {}", e["result"], short(m)),
        _ => e["result"].to_string(),
    }
}

/// `Ok(true)` when the case passed only through the tolerated tag-error rule.
fn check_open(codec: &Codec, cookie: &[u8], now: u64, want: &Expect) -> Result<bool, String> {
    let got = guarded(|| codec.open(cookie, now))?;
    if let (
        Expect::Ok {
            tag_error_tolerated: true,
            ..
        },
        Err(Error::BadPayload(PayloadError::Tag(TagError {
            kind: TagErrorKind::Unsupported,
            ..
        }))),
    ) = (want, &got)
    {
        return Ok(true);
    }
    match (want, &got) {
        (
            Expect::Ok {
                json,
                session_json,
                signed_at,
                ..
            },
            Ok(opened),
        ) => {
            if opened.signed_at != *signed_at {
                return Err(format!(
                    "signed_at {} instead of Flask's {signed_at}",
                    opened.signed_at
                ));
            }
            let ours = guarded(|| codec.to_json(&opened.value))?
                .map_err(|e| format!("opened, but to_json failed: {e}"))?;
            if ours == *json || session_json.as_deref() == Some(ours.as_str()) {
                Ok(false)
            } else {
                Err(format!(
                    "JSON differs:\n    Flask: {}\n    ours:  {}",
                    short_str(json),
                    short_str(&ours)
                ))
            }
        }
        (Expect::BadSignature, Err(Error::BadSignature(_) | Error::MalformedTimestamp(_))) => {
            Ok(false)
        }
        (Expect::Expired { signed_at }, Err(Error::Expired(e))) => match signed_at {
            Some(ts) if *ts != e.signed_at => Err(format!(
                "expired, but signed_at {} instead of Flask's {ts}",
                e.signed_at
            )),
            _ => Ok(false),
        },
        (Expect::BadPayload { .. }, Err(Error::BadPayload(_))) => Ok(false),
        (Expect::Crash, Err(Error::TimestampOutOfRange(TimestampError::OutOfRange { .. }))) => {
            Ok(false)
        }
        _ => Err(format!("expected {want:?}, got {}", short(&got))),
    }
}

/// `verify` against Flask's signature/expiry decision and against `open`.
fn check_verify(
    codec: &Codec,
    cookie: &[u8],
    now: u64,
    want: &Expect,
    open: &Result<flask_cookie::Opened, Error>,
) -> Result<(), String> {
    let got = guarded(|| codec.verify(cookie, now))?;
    let flask_ok = match (want, &got) {
        (Expect::Ok { signed_at, .. }, Ok(ts)) => ts == signed_at,
        (Expect::BadPayload { signed_at }, Ok(ts)) => signed_at.map_or(true, |s| s == *ts),
        (Expect::BadSignature, Err(Error::BadSignature(_) | Error::MalformedTimestamp(_))) => true,
        (Expect::Expired { .. }, Err(Error::Expired(_))) => true,
        (Expect::Crash, Err(Error::TimestampOutOfRange(TimestampError::OutOfRange { .. }))) => true,
        _ => false,
    };
    if !flask_ok {
        return Err(format!(
            "verify: expected {want:?} (signature/expiry only), got {}",
            short(&got)
        ));
    }
    let agrees = match (open, &got) {
        (Ok(o), Ok(ts)) => o.signed_at == *ts,
        (Err(Error::BadPayload(_)), Ok(_)) => true,
        (Err(a), Err(b)) => std::mem::discriminant(a) == std::mem::discriminant(b),
        _ => false,
    };
    if agrees {
        Ok(())
    } else {
        Err(format!(
            "verify disagrees with open: verify {}, open {}",
            short(&got),
            short(open)
        ))
    }
}

struct OpenCase<'a> {
    name: &'a str,
    config: &'a J,
    cookie: &'a [u8],
    now: u64,
    expect: Expect,
    flask: &'a J,
    verify: Expect,
    canonical: bool,
}

fn open_case(case: &J) -> Result<OpenCase<'_>, String> {
    let config = &case["config"];
    let cookie = field(case, "cookie")?.as_bytes();
    let mac_len = digest_of(config)?.1;
    Ok(OpenCase {
        name: field(case, "name")?,
        config,
        cookie,
        now: case["now"].as_u64().ok_or("missing now")?,
        expect: expectation(
            &case["expect"],
            case["payload_is_canonical"].as_bool().unwrap_or(true),
        )?,
        flask: &case["expect"],
        verify: expectation(&case["verify"], true)?,
        canonical: canonical_signature(cookie, mac_len),
    })
}

fn for_each_open_case(
    report: &mut Report,
    mut f: impl FnMut(&OpenCase<'_>, bool, &Codec) -> Result<(), String>,
) {
    for (i, raw) in cases("open").iter().enumerate() {
        let case = match open_case(raw) {
            Ok(c) => c,
            Err(e) => {
                report.check(&format!("open #{i}"), "fixture", Err(e));
                continue;
            }
        };
        for lenient in [false, true] {
            let mode = if lenient { "lenient" } else { "strict" };
            let result = guarded(|| build(case.config, lenient))
                .and_then(|r| r)
                .and_then(|codec| f(&case, lenient, &codec));
            report.check(case.name, mode, result);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn fixture_file_is_complete() {
    let versions = &fixtures()["versions"];
    assert_eq!(
        versions["flask"], "3.1.3",
        "fixtures made with another Flask"
    );
    assert_eq!(versions["itsdangerous"], "2.2.0");
    assert_eq!(versions["zlib"], "1.2.13");
    assert!(cases("open").len() > 500, "too few open cases");
    assert!(cases("dump").len() > 300, "too few dump cases");
    let mut names = std::collections::HashSet::new();
    for section in ["open", "dump"] {
        for case in cases(section) {
            let name = case["name"].as_str().expect("case without a name");
            assert!(names.insert(name), "duplicate case name {name}");
        }
    }
}

/// `open` decides as Flask does (strict mode: non-canonical signatures are bad signatures).
#[test]
fn open_agrees_with_flask() {
    let mut report = Report::new("open");
    let mut tolerated = Vec::new();
    for_each_open_case(&mut report, |case, lenient, codec| {
        let refuse = !lenient && !case.canonical;
        let result = if refuse {
            check_open(codec, case.cookie, case.now, &Expect::BadSignature)
                .map_err(|e| format!("{e} (signature text not canonical: strict mode must refuse)"))
        } else {
            check_open(codec, case.cookie, case.now, &case.expect)
        };
        match result {
            Ok(true) => {
                tolerated.push(format!(
                    "{} ({})",
                    case.name,
                    if lenient { "lenient" } else { "strict" }
                ));
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(e) => Err(format!("{e}\n    Flask: {}", python(case.flask))),
        }
    });
    if !tolerated.is_empty() {
        eprintln!(
            "open: {} checks passed only because a malformed tag was refused where Flask \
             decodes it (FLASK_COOKIE_STRICT_TAGS=1 makes these failures):\n  {}",
            tolerated.len(),
            tolerated.join("\n  ")
        );
    }
    report.finish();
}

/// `verify` agrees with Flask's signature/expiry decision and with `open`.
#[test]
fn verify_agrees_with_open() {
    let mut report = Report::new("verify");
    for_each_open_case(&mut report, |case, lenient, codec| {
        let strict_refusal = !lenient && !case.canonical;
        let want = if strict_refusal {
            &Expect::BadSignature
        } else {
            &case.verify
        };
        let open = guarded(|| codec.open(case.cookie, case.now))?;
        check_verify(codec, case.cookie, case.now, want, &open)
    });
    report.finish();
}

/// `from_json(Flask's JSON)` then `dump` writes Flask's cookie byte for byte.
#[test]
fn dump_matches_flask_byte_for_byte() {
    let mut report = Report::new("dump");
    for (i, case) in cases("dump").iter().enumerate() {
        let name = case["name"].as_str().unwrap_or("?");
        let result = (|| -> Result<(), String> {
            let codec = guarded(|| build(&case["config"], false))??;
            let json = field(case, "json")?;
            let timestamp = case["timestamp"].as_u64().ok_or("missing timestamp")?;
            let roundtrip = case["flask_roundtrip"].as_bool().unwrap_or(true);
            let (want_json, want_cookie) = if roundtrip {
                (json, field(case, "cookie")?)
            } else {
                (
                    field(case, "reloaded_json")?,
                    field(case, "reloaded_cookie")?,
                )
            };
            let value = guarded(|| codec.from_json(json.as_bytes()))?
                .map_err(|e| format!("from_json refused Flask's JSON {}: {e}", short_str(json)))?;
            let ours_json =
                guarded(|| codec.to_json(&value))?.map_err(|e| format!("to_json failed: {e}"))?;
            if ours_json != want_json {
                return Err(format!(
                    "to_json differs:\n    Flask: {}\n    ours:  {}",
                    short_str(want_json),
                    short_str(&ours_json)
                ));
            }
            let cookie = guarded(|| codec.dump(&value, timestamp))?
                .map_err(|e| format!("dump failed: {e}"))?;
            if cookie != want_cookie {
                return Err(format!(
                    "cookie differs:\n    Flask: {}\n    ours:  {}",
                    short_str(want_cookie),
                    short_str(&cookie)
                ));
            }
            Ok(())
        })();
        let name = if name == "?" {
            format!("dump #{i}")
        } else {
            name.to_owned()
        };
        report.check(&name, "dump", result);
    }
    report.finish();
}

/// The harness's own rule (decode and re-encode) agrees with the generator's on every cookie.
#[test]
fn canonical_signature_rule_matches_generator() {
    let mut report = Report::new("canonical-signature rule");
    for case in cases("open") {
        let name = case["name"].as_str().unwrap_or("?");
        let result = open_case(case).and_then(|c| {
            let generator = case["canonical_signature"].as_bool();
            if generator == Some(c.canonical) {
                Ok(())
            } else {
                Err(format!(
                    "harness says {}, generator says {generator:?}",
                    c.canonical
                ))
            }
        });
        report.check(name, "rule", result);
    }
    report.finish();
}
