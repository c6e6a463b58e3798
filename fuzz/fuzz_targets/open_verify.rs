//! `open` and `verify` on arbitrary bytes with fixed keys (Flask strict, Flask lenient with
//! fallback keys, itsdangerous): no panic, and the two agree.
#![no_main]

use flask_cookie::Codec;
use flask_cookie_fuzz as f;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CODECS: OnceLock<[Codec; 3]> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let codecs = CODECS.get_or_init(|| [f::flask(), f::flask_lenient(), f::itsdangerous()]);
    for codec in codecs {
        let opened = codec.open(data, f::NOW);
        let verified = codec.verify(data, f::NOW);
        match (&opened, &verified) {
            // Open succeeds only on a verified cookie, with the same signing time.
            (Ok(o), Ok(ts)) => assert_eq!(o.signed_at, *ts),
            (Ok(_), Err(e)) => panic!("open accepted what verify refused: {e}"),
            // Verify passing while open fails is a payload error, and only that.
            (Err(e), Ok(_)) => assert!(
                matches!(e, flask_cookie::Error::BadPayload(_)),
                "verified but open failed with {e:?}"
            ),
            // Both fail: with the same error.
            (Err(a), Err(b)) => assert_eq!(a, b),
        }
        if let Ok(o) = opened {
            // What opened can be written again, and reads back to the same canonical JSON.
            let json = codec
                .to_json(&o.value)
                .expect("an opened value is writable");
            let again = codec
                .from_json(json.as_bytes())
                .expect("canonical JSON reads");
            assert_eq!(codec.to_json(&again).expect("writable"), json);
        }
        // Display of every error: no panic, never the key.
        if let Err(e) = codec.open(data, f::NOW) {
            assert!(!e.to_string().contains(f::KEY));
        }
    }
    let _ = flask_cookie::decode_unverified(data, &flask_cookie::Limits::default());
});
