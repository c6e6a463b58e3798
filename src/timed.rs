//! The timed signer (itsdangerous's `TimestampSigner`): the cookie's anatomy, timestamps,
//! `max_age`, and the order in which itsdangerous decides.
//!
//! ```text
//! [.]PAYLOAD . TIMESTAMP . SIGNATURE
//! ```
//!
//! Split from the right. The MAC covers `PAYLOAD.TIMESTAMP` exactly as transmitted. The
//! decision order is itsdangerous's: length cap, then the signature (a bad signature is reported
//! as such whatever else is wrong), then the timestamp's presence and form, then its range,
//! then its age.

use crate::encoding;
use crate::error::{Error, Expired, SignatureError, TimestampError};
use crate::signer::{Signer, MAX_MAC_LEN};
use crate::value::DateTime;

/// The system clock, in whole Unix seconds (0 if the clock is before 1970), as
/// itsdangerous's `get_timestamp` (`int(time.time())`).
pub fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A verified cookie: the payload text (still encoded) and the signing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsigned<'a> {
    /// `[.]PAYLOAD`, as transmitted.
    pub payload: &'a [u8],
    /// Signing time, Unix seconds.
    pub timestamp: u64,
}

/// How to read the signature's base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureBase64 {
    /// Only the canonical spelling (unpadded, URL-safe, zero unused bits).
    Strict,
    /// Whatever Python's `base64_decode` accepts.
    Lenient,
}

/// Splits `s` at its last `.`: `(before, after)`.
pub(crate) fn rsplit_dot(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = s.iter().rposition(|&b| b == b'.')?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// Decodes a timestamp as itsdangerous does (`bytes_to_int(base64_decode(ts))`) and checks
/// that Python can make a datetime of it.
pub(crate) fn decode_timestamp(text: &[u8]) -> Result<u64, TimestampError> {
    // Fast path, no allocation: the canonical spelling itsdangerous writes, at most 9 bytes
    // (12 characters). Anything else is decoded as Python does; both give the same bytes on
    // canonical input.
    let mut buf = [0u8; 9];
    let fast = match text.len() {
        0..=12 => encoding::b64url_decode_strict(text, &mut buf)
            .ok()
            .and_then(|n| buf.get(..n)),
        _ => None,
    };
    let slow;
    let bytes = match fast {
        Some(bytes) => bytes,
        None => {
            slow = encoding::itsdangerous_b64decode(text).ok_or(TimestampError::Base64)?;
            slow.as_slice()
        }
    };
    let ts =
        encoding::timestamp_from_bytes(bytes).map_err(|bytes| TimestampError::TooLong { bytes })?;
    match i64::try_from(ts) {
        Ok(secs) if secs <= DateTime::MAX_UNIX => Ok(ts),
        _ => Err(TimestampError::OutOfRange { timestamp: ts }),
    }
}

/// Checks the signature of `cookie` (the part before the last `.`, against the part after).
/// Returns the signed value (`PAYLOAD.TIMESTAMP`).
fn check_signature<'a>(
    signer: &Signer,
    cookie: &'a [u8],
    base64: SignatureBase64,
) -> Result<&'a [u8], SignatureError> {
    let (value, sig) = rsplit_dot(cookie).ok_or(SignatureError::NoSeparator)?;
    let sig_start = value.len() + 1;
    let matches = match base64 {
        SignatureBase64::Strict => {
            let mut buf = [0u8; MAX_MAC_LEN];
            // A canonical signature of the digest's length is exactly this long; checking first
            // keeps the decoder within the buffer and rejects other lengths at once.
            let expected = (signer.digest().output_len() * 4).div_ceil(3);
            if sig.len() != expected {
                return Err(SignatureError::WrongLength {
                    position: sig_start,
                    len: sig.len(),
                    expected,
                });
            }
            let n = encoding::b64url_decode_strict(sig, &mut buf).map_err(|i| {
                SignatureError::InvalidEncoding {
                    position: sig_start + i,
                }
            })?;
            signer.verify(value, buf.get(..n).unwrap_or(&[]))
        }
        SignatureBase64::Lenient => match encoding::itsdangerous_b64decode(sig) {
            Some(tag) => signer.verify(value, &tag),
            None => false,
        },
    };
    if matches {
        Ok(value)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Verifies `cookie` as itsdangerous's `TimestampSigner.unsign(cookie, max_age)` does, as of
/// `now`, and checks that the timestamp is one Python can represent.
pub(crate) fn unsign<'a>(
    signer: &Signer,
    cookie: &'a [u8],
    max_age: Option<u64>,
    now: u64,
    base64: SignatureBase64,
) -> Result<Unsigned<'a>, Error> {
    let value = check_signature(signer, cookie, base64)?;
    let (payload, ts_text) = rsplit_dot(value).ok_or(SignatureError::MissingTimestamp)?;
    let timestamp = decode_timestamp(ts_text).map_err(|e| match e {
        TimestampError::OutOfRange { .. } => Error::TimestampOutOfRange(e),
        _ => Error::MalformedTimestamp(e),
    })?;
    if let Some(max_age) = max_age {
        let age = i128::from(now) - i128::from(timestamp);
        if age < 0 || age > i128::from(max_age) {
            return Err(Expired {
                age: i64::try_from(age).unwrap_or(i64::MAX),
                max_age,
                signed_at: timestamp,
            }
            .into());
        }
    }
    Ok(Unsigned { payload, timestamp })
}

/// Appends `.TIMESTAMP.SIGNATURE` to `out`, which holds the encoded payload (itsdangerous's
/// `TimestampSigner.sign`).
pub(crate) fn sign(signer: &Signer, timestamp: u64, out: &mut Vec<u8>) {
    out.push(b'.');
    encoding::encode_timestamp(timestamp, out);
    let signed_len = out.len();
    out.push(b'.');
    signer.sign_prefix(out, signed_len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{Digest, KeyDerivation};

    fn flask_signer() -> Signer {
        Signer::new(
            &["test key".into()],
            b"cookie-session",
            Digest::Sha1,
            KeyDerivation::Hmac,
        )
        .unwrap()
    }

    const KAT: &[u8] = b"eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
    const TS: u64 = 1_700_000_000;

    #[test]
    fn known_answer_signs_and_unsigns() {
        let mut out = b"eyJhIjoxfQ".to_vec();
        sign(&flask_signer(), TS, &mut out);
        assert_eq!(out, KAT);
        let u = unsign(&flask_signer(), KAT, Some(10), TS, SignatureBase64::Strict).unwrap();
        assert_eq!(u.payload, b"eyJhIjoxfQ");
        assert_eq!(u.timestamp, TS);
    }

    /// Spec section 3: expired when age > max_age or age < 0; age == max_age is valid.
    #[test]
    fn expiry_boundaries() {
        let s = flask_signer();
        let strict = SignatureBase64::Strict;
        assert!(unsign(&s, KAT, Some(5), TS + 5, strict).is_ok());
        let e = unsign(&s, KAT, Some(5), TS + 6, strict).unwrap_err();
        assert_eq!(
            e,
            Error::Expired(Expired {
                age: 6,
                max_age: 5,
                signed_at: TS
            })
        );
        let e = unsign(&s, KAT, Some(5), TS - 1, strict).unwrap_err();
        assert!(matches!(e, Error::Expired(Expired { age: -1, .. })));
        assert!(unsign(&s, KAT, None, 0, strict).is_ok());
    }

    #[test]
    fn signature_is_checked_before_anything_else() {
        let s = flask_signer();
        let strict = SignatureBase64::Strict;
        // A bad signature on an expired cookie is a bad signature.
        let mut bad = KAT.to_vec();
        let last = bad.len() - 2;
        bad[last] = b'A';
        let e = unsign(&s, &bad, Some(1), u64::MAX, strict).unwrap_err();
        assert_eq!(e, Error::BadSignature(SignatureError::Mismatch));
        assert_eq!(
            unsign(&s, b"nodot", None, 0, strict).unwrap_err(),
            Error::BadSignature(SignatureError::NoSeparator)
        );
    }

    #[test]
    fn strict_refuses_padding_that_lenient_accepts() {
        let s = flask_signer();
        let mut padded = KAT.to_vec();
        padded.push(b'=');
        let e = unsign(&s, &padded, None, TS, SignatureBase64::Strict).unwrap_err();
        assert_eq!(
            e,
            Error::BadSignature(SignatureError::WrongLength {
                position: 18,
                len: 28,
                expected: 27
            })
        );
        assert!(unsign(&s, &padded, None, TS, SignatureBase64::Lenient).is_ok());
    }

    #[test]
    fn a_truncated_signature_is_reported_as_too_short() {
        let s = flask_signer();
        let cut = KAT.get(..KAT.len() - 1).unwrap();
        let e = unsign(&s, cut, None, TS, SignatureBase64::Strict).unwrap_err();
        assert_eq!(
            e,
            Error::BadSignature(SignatureError::WrongLength {
                position: 18,
                len: 26,
                expected: 27
            })
        );
        assert_eq!(
            e.to_string(),
            "bad signature: signature is 26 characters long, not the 27 of this digest's MAC \
             (it starts at byte 18)"
        );
        // Wrong characters at the right length are still a base64 error.
        let mut bad = KAT.to_vec();
        bad[20] = b'*';
        assert_eq!(
            unsign(&s, &bad, None, TS, SignatureBase64::Strict).unwrap_err(),
            Error::BadSignature(SignatureError::InvalidEncoding { position: 20 })
        );
    }
}
