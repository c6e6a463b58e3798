//! The payload (itsdangerous's `URLSafeSerializerMixin`): zlib compression when it pays,
//! base64, the `.` marker, and capped inflating.
//!
//! Writing: `compressed = zlib.compress(json)` (level 6, zlib header); used only when
//! `len(compressed) < len(json) - 1`; then unpadded URL-safe base64, with a leading `.` when
//! compressed. Compression goes through the reference zlib (flate2's `zlib` backend), the only
//! deflate implementation that gives CPython's bytes.
//!
//! Reading: a leading `.` means inflate. Any valid zlib stream is accepted; data after the end of
//! the stream is ignored (as Python does); a truncated stream, a bad checksum, raw deflate or gzip
//! are errors; the output is capped.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::encoding;
use crate::error::PayloadError;

/// Appends the encoded payload of `json` to `out` (itsdangerous's `dump_payload` after JSON).
pub(crate) fn encode(json: &[u8], out: &mut Vec<u8>) {
    // zlib's output is at least 8 bytes (2 header + 4 checksum + 2 for an empty block), so a
    // JSON text of 9 bytes or fewer can never win: skip the work.
    if json.len() > 9 {
        if let Some(compressed) = compress(json) {
            if compressed.len() < json.len() - 1 {
                out.push(b'.');
                encoding::b64url_encode(&compressed, out);
                return;
            }
        }
    }
    encoding::b64url_encode(json, out);
}

/// `zlib.compress(data)`: level 6, window 15, memLevel 8, default strategy.
fn compress(data: &[u8]) -> Option<Vec<u8>> {
    let mut c = Compress::new(Compression::new(6), true);
    // deflateBound-like capacity: stored blocks cost 5 bytes per 16 KiB plus the wrapper.
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let before = c.total_in();
        let consumed = usize::try_from(before).ok()?;
        let status = c
            .compress_vec(data.get(consumed..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            _ => out.reserve(out.capacity().max(64)),
        }
    }
}

/// Decodes the payload part of a verified cookie into its JSON bytes (itsdangerous's
/// `load_payload` before JSON).
pub(crate) fn decode(payload: &[u8], max_inflated: usize) -> Result<Vec<u8>, PayloadError> {
    let (compressed, text) = match payload.strip_prefix(b".") {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let bytes = encoding::itsdangerous_b64decode(text).ok_or(PayloadError::Base64)?;
    if compressed {
        inflate(&bytes, max_inflated)
    } else {
        Ok(bytes)
    }
}

/// `zlib.decompress(data)`, refusing to produce more than `limit` bytes.
pub(crate) fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, PayloadError> {
    let mut d = Decompress::new(true);
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit));
    let mut chunk = [0u8; 8192];
    loop {
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let input = data.get(consumed..).unwrap_or(&[]);
        let (before_in, before_out) = (d.total_in(), d.total_out());
        let status = d
            .decompress(input, &mut chunk, FlushDecompress::None)
            .map_err(|e| PayloadError::Zlib(e.to_string()))?;
        let produced = usize::try_from(d.total_out() - before_out).unwrap_or(usize::MAX);
        if produced > limit.saturating_sub(out.len()) {
            return Err(PayloadError::InflatedTooLarge { limit });
        }
        out.extend_from_slice(chunk.get(..produced).unwrap_or(&[]));
        if status == Status::StreamEnd {
            return Ok(out);
        }
        if d.total_in() == before_in && produced == 0 {
            return Err(PayloadError::Zlib(
                "incomplete or truncated stream".to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_str(json: &str) -> String {
        let mut out = Vec::new();
        encode(json.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    /// Spec section 9: `{"v": "a"*11}` stays plain; `"a"*12` is compressed, byte for byte.
    #[test]
    fn compression_threshold_known_answers() {
        assert_eq!(
            encode_str(r#"{"v":"aaaaaaaaaaa"}"#),
            "eyJ2IjoiYWFhYWFhYWFhYWEifQ"
        );
        assert_eq!(
            encode_str(r#"{"v":"aaaaaaaaaaaa"}"#),
            ".eJyrVipTslJKRAJKtQBDyQa9"
        );
    }

    #[test]
    fn inflate_round_trips_and_caps() {
        let json = vec![b'a'; 100_000];
        let compressed = compress(&json).unwrap();
        assert_eq!(inflate(&compressed, 100_000).unwrap(), json);
        assert_eq!(
            inflate(&compressed, 99_999).unwrap_err(),
            PayloadError::InflatedTooLarge { limit: 99_999 }
        );
    }

    #[test]
    fn truncated_and_trailing_streams() {
        let compressed = compress(b"hello hello hello hello").unwrap();
        for cut in 0..compressed.len() {
            assert!(
                matches!(
                    inflate(&compressed[..cut], 1 << 20),
                    Err(PayloadError::Zlib(_))
                ),
                "cut at {cut}"
            );
        }
        let mut trailing = compressed.clone();
        trailing.extend_from_slice(b"garbage");
        assert_eq!(
            inflate(&trailing, 1 << 20).unwrap(),
            b"hello hello hello hello"
        );
    }
}
