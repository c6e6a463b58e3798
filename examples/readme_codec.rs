// The README's codec example: open, change and write a Flask session cookie.
// `cargo run --example readme_codec` (tests/readme.rs runs it too).
use flask_cookie::{Codec, Error, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Configure once: keys are derived here, never again per cookie.
    let codec = Codec::flask("test key") // SECRET_KEY
        .fallback_keys(["an older key"]) // SECRET_KEY_FALLBACKS, oldest first
        .build()?;

    // Open: check the signature and the age (31 days, as Flask), then decode.
    let cookie = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    let opened = codec.open(cookie, 1_700_000_000)?; // open_now() uses the clock
    let mut session = opened.value.into_dict().expect("a Flask session is a dict");
    assert_eq!(session.get("a"), Some(&Value::from(1)));

    // Change it and write a cookie Flask opens.
    session.insert("user_id", Value::from(42));
    let new_cookie = codec.dump(&Value::Dict(session), 1_700_000_100)?;
    let reopened = codec.open(&new_cookie, 1_700_000_100)?;
    assert_eq!(codec.to_json(&reopened.value)?, r#"{"a":1,"user_id":42}"#);

    // Failures are typed after itsdangerous's exceptions.
    match codec.open(cookie, 1_700_000_000 + 31 * 86_400 + 1) {
        Err(Error::Expired(e)) => assert_eq!(e.age, 2_678_401),
        other => panic!("expected expiry, got {other:?}"),
    }
    let tampered = "eyJhIjoyfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    assert!(matches!(
        codec.open(tampered, 1_700_000_000),
        Err(Error::BadSignature(_))
    ));
    println!("{new_cookie}");
    Ok(())
}
