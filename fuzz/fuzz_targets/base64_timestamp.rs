//! Base64 (strict, itsdangerous's and Python's lenient decoding) and timestamp decoding on
//! arbitrary bytes: no panic; canonical spellings round-trip; strict implies lenient.
#![no_main]

use flask_cookie::encoding as enc;
use flask_cookie::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Arbitrary text through every decoder.
    let mut buf = vec![0u8; data.len() * 3 / 4 + 3];
    let strict = enc::b64url_decode_strict(data, &mut buf);
    let lenient = enc::itsdangerous_b64decode(data);
    if let Ok(n) = strict {
        assert_eq!(
            lenient.as_deref(),
            Some(&buf[..n]),
            "strict accepted, lenient differs"
        );
    }
    let _ = enc::python_b64decode(data);

    // Arbitrary bytes encoded canonically decode back.
    let mut text = Vec::new();
    enc::b64url_encode(data, &mut text);
    let mut back = vec![0u8; data.len() + 3];
    let n = enc::b64url_decode_strict(&text, &mut back).expect("canonical text decodes");
    assert_eq!(&back[..n], data);
    assert_eq!(enc::itsdangerous_b64decode(&text).as_deref(), Some(data));

    // Timestamps: bytes to integer and back through the cookie's text.
    match enc::timestamp_from_bytes(data) {
        Ok(ts) => {
            assert!(data.len() <= 8);
            let mut cookie = b"e30.".to_vec();
            enc::encode_timestamp(ts, &mut cookie);
            cookie.extend_from_slice(b".sig");
            let u = flask_cookie::decode_unverified(&cookie, &Limits::default()).expect("decodes");
            let representable =
                i64::try_from(ts).is_ok_and(|s| s <= flask_cookie::DateTime::MAX_UNIX);
            assert_eq!(u.timestamp, representable.then_some(ts));
        }
        Err(len) => assert!(len > 8 && len == data.len()),
    }
    // Arbitrary text as a timestamp part.
    let mut cookie = b"e30.".to_vec();
    cookie.extend(data.iter().filter(|&&b| b != b'.'));
    cookie.extend_from_slice(b".sig");
    let _ = flask_cookie::decode_unverified(&cookie, &Limits::default());
});
