// Typed sessions (feature `serde`, on by default): a session read into, and written from, your
// own types, byte for byte as Flask writes the equivalent Python values.
// `cargo run --example typed_session` (tests/readme.rs runs it too).
use flask_cookie::serde::Markup;
use flask_cookie::{Codec, Error};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Login {
    #[serde(rename = "_permanent", default)]
    permanent: bool,
    user_id: u64,
    csrf_token: String,
    #[serde(rename = "_flashes", default, skip_serializing_if = "Vec::is_empty")]
    flashes: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notice: Option<Markup>,
}

// A service reads only what it needs; the rest is skipped (and validated).
#[derive(Deserialize)]
struct Auth {
    user_id: Option<u64>,
}

#[derive(Deserialize, Debug)]
struct Wrong {
    #[allow(dead_code)]
    csrf_token: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let codec = Codec::flask("test key").build()?;
    let login = Login {
        permanent: true,
        user_id: 42,
        csrf_token: "9f86d0".into(),
        flashes: vec![("message".into(), "Saved".into())],
        notice: Some(Markup("<b>Hi</b>".into())),
    };
    let cookie = codec.dump_as(&login, 1_700_000_000)?;
    // What Flask writes for the same session: sorted keys, tuples and Markup tagged.
    assert_eq!(
        codec.to_json(&codec.open(&cookie, 1_700_000_000)?.value)?,
        r#"{"_flashes":[{" t":["message","Saved"]}],"_permanent":true,"csrf_token":"9f86d0","notice":{" m":"<b>Hi</b>"},"user_id":42}"#
    );
    assert_eq!(codec.open_as::<Login>(&cookie, 1_700_000_000)?.value, login);
    assert_eq!(
        codec.open_as::<Auth>(&cookie, 1_700_000_000)?.value.user_id,
        Some(42)
    );

    // The wrong type names the field.
    match codec.open_as::<Wrong>(&cookie, 1_700_000_000) {
        Err(Error::Serde(e)) => assert_eq!(
            e.to_string(),
            r#"csrf_token: invalid type: string "9f86d0", expected u64"#
        ),
        other => panic!("{other:?}"),
    }
    println!("{cookie}");
    Ok(())
}
