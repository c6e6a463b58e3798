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

use std::cell::Cell;

use flate2::{Compress, Compression, FlushCompress, Status};
use libdeflater::{DecompressionError, Decompressor};

use crate::encoding;
use crate::error::PayloadError;
use crate::scratch::{trim, with_scratch};

/// Buffers and a deflate state kept per thread for writing, so that `dump` allocates neither
/// zlib's ~270 KB of state nor its JSON buffer on each call (the [`crate::Codec`] itself stays
/// immutable and `Sync`).
struct WriteScratch {
    /// zlib level 6 (`zlib.compress`), reset before each use.
    deflate: Compress,
    /// The compressed bytes.
    compressed: Vec<u8>,
}

/// Buffers and an inflater kept per thread for reading.
struct ReadScratch {
    /// The payload's bytes after base64.
    raw: Vec<u8>,
    /// The inflated JSON (its length is the buffer size, not the JSON's: see `inflate_into`).
    json: Vec<u8>,
    inflater: Decompressor,
}

thread_local! {
    static WRITE: Cell<Option<WriteScratch>> = const { Cell::new(None) };
    static READ: Cell<Option<ReadScratch>> = const { Cell::new(None) };
}

fn new_write_scratch() -> WriteScratch {
    WriteScratch {
        deflate: Compress::new(Compression::new(6), true),
        compressed: Vec::new(),
    }
}

fn new_read_scratch() -> ReadScratch {
    ReadScratch {
        raw: Vec::new(),
        json: Vec::new(),
        inflater: Decompressor::new(),
    }
}

/// Appends the encoded payload of `json` to `out` (itsdangerous's `dump_payload` after JSON).
pub(crate) fn encode(json: &[u8], out: &mut Vec<u8>) {
    // zlib's output is at least 8 bytes (2 header + 4 checksum + 2 for an empty block), so a
    // JSON text of 9 bytes or fewer can never win: skip the work.
    if json.len() > 9 {
        let done = with_scratch(&WRITE, new_write_scratch, |w| {
            let won = compress_into(&mut w.deflate, json, &mut w.compressed)
                && w.compressed.len() < json.len() - 1;
            if won {
                out.push(b'.');
                encoding::b64url_encode(&w.compressed, out);
            }
            trim(&mut w.compressed);
            won
        });
        if done {
            return;
        }
    }
    encoding::b64url_encode(json, out);
}

/// `zlib.compress(data)` into `out` (cleared first): level 6, window 15, memLevel 8, default
/// strategy, with a reset (not a new) zlib state: same bytes, no allocation. `false` on a zlib
/// error (none is expected).
fn compress_into(c: &mut Compress, data: &[u8], out: &mut Vec<u8>) -> bool {
    c.reset();
    out.clear();
    // deflateBound-like capacity: stored blocks cost 5 bytes per 16 KiB plus the wrapper.
    out.reserve(data.len() + data.len() / 1000 + 64);
    loop {
        let Ok(consumed) = usize::try_from(c.total_in()) else {
            return false;
        };
        let Some(rest) = data.get(consumed..) else {
            return false;
        };
        match c.compress_vec(rest, out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return true,
            Ok(_) => out.reserve(out.capacity().max(64)),
            Err(_) => return false,
        }
    }
}

/// `zlib.compress(data)` as a new vector (tests).
#[cfg(test)]
fn compress(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    compress_into(
        &mut Compress::new(Compression::new(6), true),
        data,
        &mut out,
    )
    .then_some(out)
}

/// Decodes the payload part of a verified cookie into its JSON bytes (itsdangerous's
/// `load_payload` before JSON).
pub(crate) fn decode(payload: &[u8], max_inflated: usize) -> Result<Vec<u8>, PayloadError> {
    with_decoded(payload, max_inflated, <[u8]>::to_vec)
}

/// Decodes the payload part of a verified cookie and hands its JSON bytes to `f`, using this
/// thread's buffers and inflater (no allocation once they have grown to the session's size).
pub(crate) fn with_decoded<R>(
    payload: &[u8],
    max_inflated: usize,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, PayloadError> {
    let (compressed, text) = match payload.strip_prefix(b".") {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    with_scratch(&READ, new_read_scratch, |r| {
        let result = (|| {
            if !encoding::b64url_decode_canonical_into(text, &mut r.raw) {
                // Not the canonical spelling Python writes: decode as Python does.
                r.raw = encoding::itsdangerous_b64decode(text).ok_or(PayloadError::Base64)?;
            }
            if compressed {
                let n = inflate_into(&mut r.inflater, &r.raw, max_inflated, &mut r.json)?;
                Ok(f(r.json.get(..n).unwrap_or_default()))
            } else {
                Ok(f(&r.raw))
            }
        })();
        trim(&mut r.raw);
        trim(&mut r.json);
        result
    })
}

/// `zlib.decompress(data)` into the start of `out`, refusing to produce more than `limit`
/// bytes; returns the inflated length. `out` is used as a buffer: its length may exceed the
/// result and is kept for the next call (no zeroing once it is large enough).
///
/// libdeflate inflates whole buffers only, so the buffer starts at 8 times the input (4 KiB at
/// least) and doubles up to `limit` while libdeflate reports it too small. Like zlib it
/// accepts any valid zlib stream and ignores data after its end; a truncated stream, a bad
/// checksum, raw deflate or gzip are errors.
fn inflate_into(
    d: &mut Decompressor,
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<usize, PayloadError> {
    let mut size = data.len().saturating_mul(8).max(4096).min(limit);
    loop {
        if out.len() < size {
            out.resize(size, 0);
        }
        let buf = out.get_mut(..size).unwrap_or_default();
        match d.zlib_decompress(data, buf) {
            Ok(n) => return Ok(n),
            Err(DecompressionError::InsufficientSpace) if size < limit => {
                size = size.saturating_mul(2).min(limit);
            }
            Err(DecompressionError::InsufficientSpace) => {
                return Err(PayloadError::InflatedTooLarge { limit })
            }
            Err(DecompressionError::BadData) => {
                return Err(PayloadError::Zlib(
                    "invalid, truncated or incomplete zlib stream".to_owned(),
                ))
            }
        }
    }
}

/// `zlib.decompress(data)`, refusing to produce more than `limit` bytes (tests).
#[cfg(test)]
fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, PayloadError> {
    let mut out = Vec::new();
    let n = inflate_into(&mut Decompressor::new(), data, limit, &mut out)?;
    out.truncate(n);
    Ok(out)
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
