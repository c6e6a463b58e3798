//! The documented claims about errors, checked against cookies made by real Flask 3.1 and
//! itsdangerous 2.2 (`python3 tests/gen_depth_cookies.py` makes them and prints what Flask does
//! with each).

use flask_cookie::{Codec, Error, TimestampError};

const KEY: &str = "k";
const NOW: u64 = 1_700_000_000;

/// Flask's signer, signed at 253402300800 (10000-01-01): Flask answers HTTP 500
/// (`ValueError: year 10000 is out of range`).
const Y10000_COOKIE: &str = "eyJhIjoxfQ.Ov_0QYA.uVZabQd8DX8DXwnookcmCFHDNsI";
/// Signed at 2**64 - 1: HTTP 500 (`OverflowError: timestamp out of range for platform time_t`).
const U64_MAX_COOKIE: &str = "eyJhIjoxfQ.__________8.toDYePyaFraqPF0Ed5TBFOujekc";
/// A 9-byte timestamp (2**64): itsdangerous cannot read it, `BadTimeSignature("Malformed
/// timestamp")`, and Flask starts a new session (HTTP 200, empty session).
const NINE_BYTES_COOKIE: &str = "eyJhIjoxfQ.AQAAAAAAAAAA.K_mBpSM2E-95NibfqblO-56UJwk";
/// 9999-12-31T23:59:59Z, the last second Python holds: signed in the future, so expired (a new
/// session, HTTP 200).
const LAST_SECOND_COOKIE: &str = "eyJhIjoxfQ.Ov_0QX8.QiaM1wi04UmHheCBA3GQ20OzOJQ";
/// itsdangerous's `URLSafeTimedSerializer("k")` at 10000-01-01 and at 2**64 - 1: `loads` raises
/// `ValueError` / `OverflowError` with `max_age=None` and with `max_age=10`.
const Y10000_TOKEN: &str = "eyJhIjoxfQ.Ov_0QYA.SFhDHE5pQsDyowly3uacGr_JKcE";
const U64_MAX_TOKEN: &str = "eyJhIjoxfQ.__________8.kmhnWba1_UuI0WAqHe2ys7Glz4c";

fn out_of_range(timestamp: u64) -> Error {
    Error::TimestampOutOfRange(TimestampError::OutOfRange { timestamp })
}

#[test]
fn a_timestamp_after_9999_is_not_a_new_session() {
    let flask = Codec::flask(KEY).build().unwrap();
    for (cookie, ts) in [(Y10000_COOKIE, 253_402_300_800), (U64_MAX_COOKIE, u64::MAX)] {
        for codec in [&flask, &Codec::flask(KEY).max_age(None).build().unwrap()] {
            let open = codec.open(cookie, NOW).unwrap_err();
            assert_eq!(open, out_of_range(ts));
            assert!(
                !open.is_bad_signature(),
                "Flask answers HTTP 500, not a new session"
            );
            assert_eq!(codec.verify(cookie, NOW).unwrap_err(), out_of_range(ts));
        }
    }
    let its = Codec::itsdangerous(KEY).build().unwrap();
    let its_aged = Codec::itsdangerous(KEY).max_age(Some(10)).build().unwrap();
    for (token, ts) in [(Y10000_TOKEN, 253_402_300_800), (U64_MAX_TOKEN, u64::MAX)] {
        assert_eq!(its.open(token, NOW).unwrap_err(), out_of_range(ts));
        assert_eq!(its_aged.open(token, NOW).unwrap_err(), out_of_range(ts));
    }
    // What Flask does start a new session for stays in the bad-signature family.
    let nine = flask.open(NINE_BYTES_COOKIE, NOW).unwrap_err();
    assert_eq!(
        nine,
        Error::MalformedTimestamp(TimestampError::TooLong { bytes: 9 })
    );
    assert!(nine.is_bad_signature());
    let last = flask.open(LAST_SECOND_COOKIE, NOW).unwrap_err();
    assert!(matches!(last, Error::Expired(e) if e.signed_at == 253_402_300_799));
    assert!(last.is_bad_signature());
    assert_eq!(
        out_of_range(253_402_300_800).to_string(),
        "timestamp out of range: timestamp 253402300800 is after the year 9999"
    );
}
