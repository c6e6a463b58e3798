//! Base64 (URL-safe for the cookie, standard for the `" b"` tag) and timestamp bytes.
//!
//! Writing is always canonical: unpadded URL-safe base64 for the cookie's three parts
//! (itsdangerous's `base64_encode`), padded standard base64 for bytes inside the JSON
//! (Python's `b64encode`).
//!
//! Reading comes in two flavours:
//! * [`b64url_decode_strict`]: the canonical spelling only, for the signature by default;
//! * [`itsdangerous_b64decode`] / [`python_b64decode`]: exactly what Python accepts
//!   (`binascii.a2b_base64` in its non-strict mode), for the signed parts, whose text is covered
//!   by the MAC, and for the signature with the lenient option.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Appends unpadded URL-safe base64 of `data` (itsdangerous's `base64_encode`).
pub fn b64url_encode(data: &[u8], out: &mut Vec<u8>) {
    append(&URL_SAFE_NO_PAD, (data.len() * 4).div_ceil(3), data, out);
}

/// Appends standard base64 of `data` with padding (Python's `b64encode`), for the `" b"` tag.
pub fn b64_std_encode(data: &[u8], out: &mut Vec<u8>) {
    append(&STANDARD, data.len().div_ceil(3) * 4, data, out);
}

/// Appends `engine`'s base64 of `data`, `len` bytes long.
fn append(engine: &impl Engine, len: usize, data: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + len, 0);
    if let Some(dst) = out.get_mut(start..) {
        // The buffer is exactly the encoded length, so encoding cannot fail.
        let written = engine.encode_slice(data, dst).unwrap_or(0);
        out.truncate(start + written);
    }
}

/// The 6-bit value of each byte in the URL-safe alphabet; [`NOT_B64`] for the others.
// Evaluated at compile time: an index out of bounds would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const URL_SAFE_VALUES: [u8; 256] = {
    let mut t = [NOT_B64; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};
const NOT_B64: u8 = 0xFF;

/// Canonical unpadded URL-safe base64 decoded into `out`, for the short texts of a cookie (its
/// signature, timestamp and payload): `None` for anything else (a character outside the
/// alphabet, padding, a length of 1 modulo 4, non-zero unused bits) or when `out` is too short.
/// Accepts exactly what the `base64` crate's `URL_SAFE_NO_PAD` accepts, with the same bytes,
/// at a fraction of its per-call cost on texts this short.
fn decode_canonical(s: &[u8], out: &mut [u8]) -> Option<usize> {
    let v = |c: &u8| -> Option<u32> {
        match URL_SAFE_VALUES.get(usize::from(*c)) {
            Some(&x) if x != NOT_B64 => Some(u32::from(x)),
            _ => None,
        }
    };
    let mut quads = s.chunks_exact(4);
    let mut n = quads.len() * 3;
    // Whole quads go to whole triples of `out`, which must have room for them.
    let triples = out.get_mut(..n)?.chunks_exact_mut(3);
    for (q, t) in (&mut quads).zip(triples) {
        let [a, b, c, d] = q else { return None };
        let w = v(a)? << 18 | v(b)? << 12 | v(c)? << 6 | v(d)?;
        let [_, x, y, z] = w.to_be_bytes();
        t.copy_from_slice(&[x, y, z]);
    }
    match quads.remainder() {
        [] => {}
        [a, b] => {
            let w = v(a)? << 6 | v(b)?;
            if w & 0xF != 0 {
                return None;
            }
            *out.get_mut(n)? = (w >> 4) as u8;
            n += 1;
        }
        [a, b, c] => {
            let w = v(a)? << 12 | v(b)? << 6 | v(c)?;
            if w & 0x3 != 0 {
                return None;
            }
            out.get_mut(n..n + 2)?
                .copy_from_slice(&[(w >> 10) as u8, (w >> 2) as u8]);
            n += 2;
        }
        _ => return None,
    }
    Some(n)
}

/// Decodes canonical unpadded URL-safe base64 into `out` (cleared first): no padding, no
/// characters outside `A-Za-z0-9-_`, no non-zero unused bits, no length of 1 modulo 4.
///
/// On failure returns the offset of the offending character in `s` (or `s.len()` for a bad
/// length).
pub fn b64url_decode_strict(s: &[u8], out: &mut [u8]) -> Result<usize, usize> {
    if let Some(n) = decode_canonical(s, out) {
        return Ok(n);
    }
    // Not canonical (or `out` too short): the `base64` crate finds the offending position.
    URL_SAFE_NO_PAD.decode_slice(s, out).map_err(|e| match e {
        base64::DecodeSliceError::DecodeError(base64::DecodeError::InvalidByte(i, _))
        | base64::DecodeSliceError::DecodeError(base64::DecodeError::InvalidLastSymbol(i, _)) => i,
        _ => s.len(),
    })
}

/// Decodes `s` into `out` (cleared first) when it is canonical unpadded URL-safe base64, the
/// spelling itsdangerous writes; `false` otherwise (then decode it with
/// [`itsdangerous_b64decode`], which accepts every spelling Python does). On canonical input
/// both give the same bytes, so this is only a fast path.
pub fn b64url_decode_canonical_into(s: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    out.resize(s.len() / 4 * 3 + 2, 0);
    match decode_canonical(s, out) {
        Some(n) => {
            out.truncate(n);
            true
        }
        None => false,
    }
}

/// The value of a base64 character in the standard alphabet (`+/`), or `None`.
fn std_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// CPython 3.11's `binascii.a2b_base64(s, strict_mode=False)`, with `value` mapping a byte to
/// its 6-bit value (or `None` for a byte to skip). `None` where Python raises.
///
/// Python's rules: a byte outside the alphabet is skipped; `=` counts as padding only once two
/// characters of the quantum are in, and a complete pad sequence ends the data (anything after
/// it is ignored); the data must end on a quantum boundary or be completed by its padding;
/// unused trailing bits are dropped whatever they are.
fn a2b_base64(s: &[u8], value: impl Fn(u8) -> Option<u8>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut quad_pos = 0u8;
    let mut left: u8 = 0;
    let mut pads = 0u8;
    for &c in s {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let Some(v) = value(c) else { continue };
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    (quad_pos == 0).then_some(out)
}

/// itsdangerous's `base64_decode` on bytes: pad with `=` to a multiple of 4, map `-_` to `+/`
/// (both alphabets are then accepted), and decode as [`python_b64decode`] does.
pub fn itsdangerous_b64decode(s: &[u8]) -> Option<Vec<u8>> {
    let pad = (4 - s.len() % 4) % 4;
    let padded = s.iter().copied().chain(std::iter::repeat(b'=').take(pad));
    let bytes: Vec<u8> = padded.collect();
    a2b_base64(&bytes, |c| match c {
        b'-' => Some(62),
        b'_' => Some(63),
        _ => std_value(c),
    })
}

/// Python's `base64.b64decode(s)` (not validating), for the `" b"` tag: characters outside
/// the standard alphabet (including `-` and `_`) are skipped; `None` where Python raises.
/// No padding is added.
pub fn python_b64decode(s: &[u8]) -> Option<Vec<u8>> {
    // Fast path: canonical padded standard base64, what Python's `b64encode` (and so Flask)
    // writes. On it Python's lenient decoder gives exactly the strict decoding.
    if let Ok(bytes) = STANDARD.decode(s) {
        return Some(bytes);
    }
    a2b_base64(s, std_value)
}

/// itsdangerous's `int_to_bytes`: big-endian with leading zero bytes stripped (0 → empty).
pub fn timestamp_bytes(ts: u64) -> ([u8; 8], usize) {
    let bytes = ts.to_be_bytes();
    let skip = (ts.leading_zeros() / 8) as usize;
    (bytes, skip)
}

/// Appends the cookie text of a timestamp: unpadded URL-safe base64 of [`timestamp_bytes`].
pub fn encode_timestamp(ts: u64, out: &mut Vec<u8>) {
    let (bytes, skip) = timestamp_bytes(ts);
    b64url_encode(bytes.get(skip..).unwrap_or(&[]), out);
}

/// itsdangerous's `bytes_to_int`: big-endian, at most 8 bytes. Returns the decoded length as
/// the error when it is longer.
pub fn timestamp_from_bytes(bytes: &[u8]) -> Result<u64, usize> {
    if bytes.len() > 8 {
        return Err(bytes.len());
    }
    Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc_ts(ts: u64) -> String {
        let mut out = Vec::new();
        encode_timestamp(ts, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// Spec section 9: timestamp encodings measured with itsdangerous.
    #[test]
    fn timestamp_known_answers() {
        let vectors: [(u64, &str); 8] = [
            (0, ""),
            (1, "AQ"),
            (255, "_w"),
            (256, "AQA"),
            ((1 << 31) - 1, "f____w"),
            (1 << 32, "AQAAAAA"),
            (u64::MAX, "__________8"),
            (1_700_000_000, "ZVPxAA"),
        ];
        for (ts, text) in vectors {
            assert_eq!(enc_ts(ts), text, "encoding {ts}");
            let bytes = itsdangerous_b64decode(text.as_bytes()).unwrap();
            assert_eq!(timestamp_from_bytes(&bytes), Ok(ts), "decoding {text:?}");
        }
    }

    /// The fast canonical decoder accepts exactly what the `base64` crate's strict
    /// `URL_SAFE_NO_PAD` accepts, with the same bytes (the crate is the oracle).
    #[test]
    fn canonical_fast_path_agrees_with_the_base64_crate() {
        use proptest::prelude::*;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ";
        let text = proptest::collection::vec(proptest::sample::select(alphabet.to_vec()), 0..40);
        let mut runner = proptest::test_runner::TestRunner::default();
        let check = |s: &[u8]| {
            let want = URL_SAFE_NO_PAD.decode(s).ok();
            let mut buf = [0u8; 64];
            let fast = decode_canonical(s, &mut buf).map(|n| buf[..n].to_vec());
            let mut v = Vec::new();
            let into = b64url_decode_canonical_into(s, &mut v).then_some(v);
            let mut buf2 = [0u8; 64];
            let strict = b64url_decode_strict(s, &mut buf2)
                .ok()
                .map(|n| buf2[..n].to_vec());
            (want.clone() == fast && want.clone() == into && want == strict)
                .then_some(())
                .ok_or_else(|| TestCaseError::fail(format!("{s:?}")))
        };
        runner.run(&text, |s| check(&s)).unwrap();
        // Every canonical encoding of random bytes, including all the tail lengths.
        let bytes = proptest::collection::vec(any::<u8>(), 0..40);
        runner
            .run(&bytes, |b| check(URL_SAFE_NO_PAD.encode(b).as_bytes()))
            .unwrap();
    }

    #[test]
    fn nine_byte_timestamp_is_refused() {
        assert_eq!(timestamp_from_bytes(&[1; 9]), Err(9));
    }

    #[test]
    fn strict_refuses_what_python_accepts() {
        let mut buf = [0u8; 64];
        // "AQ" is canonical for [1]; "AR" sets unused bits, "AQ==" is padded.
        assert_eq!(b64url_decode_strict(b"AQ", &mut buf), Ok(1));
        assert!(b64url_decode_strict(b"AR", &mut buf).is_err());
        assert!(b64url_decode_strict(b"AQ==", &mut buf).is_err());
        assert!(b64url_decode_strict(b"A+", &mut buf).is_err());
        assert_eq!(itsdangerous_b64decode(b"AR"), Some(vec![1]));
        assert_eq!(itsdangerous_b64decode(b"AQ=="), Some(vec![1]));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Python's own decisions (fixtures/vectors/gen_base64.py) for both lenient decoders.
    #[test]
    fn lenient_decoders_match_python() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/vectors/base64.json");
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = file["cases"].as_array().unwrap();
        assert!(cases.len() > 1000);
        let mut failures = Vec::new();
        for case in cases {
            let input = hex(case["input_hex"].as_str().unwrap());
            let want_its = case["itsdangerous_hex"].as_str().map(hex);
            let want_b64 = case["b64decode_hex"].as_str().map(hex);
            if itsdangerous_b64decode(&input) != want_its {
                failures.push(format!("itsdangerous base64_decode({input:?})"));
            }
            if python_b64decode(&input) != want_b64 {
                failures.push(format!("b64decode({input:?})"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures: {failures:#?}",
            failures.len()
        );
    }
}
