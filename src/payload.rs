//! The payload (itsdangerous's `URLSafeSerializerMixin`): zlib compression when it pays,
//! base64, the `.` marker, and capped inflating.
//!
//! Writing: `compressed = zlib.compress(json)` (level 6, zlib header); used only when
//! `len(compressed) < len(json) - 1`; then unpadded URL-safe base64, with a leading `.` when
//! compressed. Deflate implementations differ in the bytes they write, and only zlib's are
//! CPython's: JSON of up to 16 382 bytes (every session that fits in a cookie, and more) goes
//! through `crate::deflate`, zlib's level-6 algorithm ported and checked byte for byte against
//! zlib, which also tells the length before writing anything; longer JSON through zlib itself
//! (flate2's `zlib` backend).
//!
//! Reading: a leading `.` means inflate, with the reference zlib too (the system's libz when
//! `libz-sys` finds one, the library CPython's `zlib` module links), initialised as Python's
//! `zlib.decompress(data)` initialises it (`inflateInit2` with window bits 15), so that the
//! crate accepts exactly the streams Python accepts and produces exactly its bytes: inflaters
//! agree on valid deflate data only, and other ones accept malformed data zlib refuses (length
//! symbols 286 and 287, distance codes 30 and 31, more than 286 length or 30 distance codes,
//! a bit pattern outside a one-codeword or empty code; `tests/zlib_strict.rs`). As Python:
//!
//! * the stream must have a zlib header (raw deflate and gzip are refused: "incorrect header
//!   check"), the compression method 8, a window size field of at most 7 (32 KiB; smaller
//!   declared windows are accepted and not enforced), and no preset dictionary ("need
//!   dictionary");
//! * a truncated stream ("incomplete or truncated stream") and a bad adler32 ("incorrect data
//!   check") are errors; data after the end of the stream is ignored;
//! * the error carries zlib's own message, the one Python prints after "Error -3 while
//!   decompressing data: ".
//!
//! Unlike Python, the output is capped: a stream that produces more than the cap before zlib
//! finds an error in it is `InflatedTooLarge`.

use std::cell::Cell;

use flate2::{
    Compress, Compression, Decompress, DecompressError, FlushCompress, FlushDecompress, Status,
};

use crate::deflate::Deflater;
use crate::encoding;
use crate::error::PayloadError;
use crate::scratch::{trim, with_scratch};

/// Buffers and deflate states kept per thread for writing, so that `dump` allocates neither
/// zlib's ~270 KB of state nor its buffers on each call (the [`crate::Codec`] itself stays
/// immutable and `Sync`).
struct WriteScratch {
    /// zlib's level 6 ported (`crate::deflate`), for up to `deflate::MAX_INPUT` bytes.
    port: Deflater,
    /// zlib itself, level 6 (`zlib.compress`), reset before each use, for longer JSON.
    zlib: Option<Compress>,
    /// The compressed bytes.
    compressed: Vec<u8>,
}

/// Buffers and an inflater kept per thread for reading.
struct ReadScratch {
    /// The payload's bytes after base64.
    raw: Vec<u8>,
    /// The inflated JSON.
    json: Vec<u8>,
    /// zlib's inflate state (window bits 15, as `zlib.decompress`), reset before each use.
    inflater: Decompress,
}

thread_local! {
    static WRITE: Cell<Option<Box<WriteScratch>>> = const { Cell::new(None) };
    // Boxed: taking it out of its slot and putting it back moves a pointer, not the state.
    static READ: Cell<Option<Box<ReadScratch>>> = const { Cell::new(None) };
}

fn new_write_scratch() -> Box<WriteScratch> {
    Box::new(WriteScratch {
        port: Deflater::new(),
        zlib: None,
        compressed: Vec::new(),
    })
}

fn new_read_scratch() -> Box<ReadScratch> {
    Box::new(ReadScratch {
        raw: Vec::new(),
        json: Vec::new(),
        inflater: Decompress::new(true),
    })
}

/// Appends the encoded payload of `json` to `out` (itsdangerous's `dump_payload` after JSON).
pub(crate) fn encode(json: &[u8], out: &mut Vec<u8>) {
    // itsdangerous keeps `zlib.compress(json)` only when it is shorter than `len(json) - 1`.
    let limit = json.len().saturating_sub(1);
    // A short session with nothing repeated: provably not worth compressing (cheaper to show
    // than to compress: the Huffman trees cost the same on 30 bytes as on 3 000).
    if cannot_shrink(json) {
        encoding::b64url_encode(json, out);
        return;
    }
    let done = with_scratch(&WRITE, new_write_scratch, |w| {
        w.compressed.clear();
        let won = match w.port.compress_if_shorter(json, limit, &mut w.compressed) {
            Some(won) => won,
            None => {
                let zlib = w
                    .zlib
                    .get_or_insert_with(|| Compress::new(Compression::new(6), true));
                compress_into(zlib, json, &mut w.compressed) && w.compressed.len() < limit
            }
        };
        if won {
            out.push(b'.');
            encoding::b64url_encode(&w.compressed, out);
        }
        trim(&mut w.compressed);
        won
    });
    if !done {
        encoding::b64url_encode(json, out);
    }
}

/// `true` when `zlib.compress(data)` (level 6) is certainly not shorter than `len(data) - 1`,
/// the length itsdangerous requires to use it; `false` when it may be (then compress and see).
///
/// The compressed length is `2 + ceil(bits / 8) + 4` for a deflate stream of `bits`, so it wins
/// only when `bits <= 8 * (len - 8)`. For up to 1024 bytes zlib writes one block; the bound:
///
/// * 9 bytes or fewer: even an empty block makes 8 bytes;
/// * when no 3-byte sequence occurs twice, zlib finds no match (its shortest is 3 bytes): every
///   byte is a literal. A stored block costs `8 * len + 35` bits and a fixed-code block at least
///   `8 * len + 10`: both lose. A dynamic block costs at least its header (17 bits), four
///   code-length-code lengths (12), the code lengths of symbols 0 to 256 (each maximal run of
///   zeros at least `min(run, 4)` bits, each run of non-zero lengths at least 1, one distance
///   code length at least 1) and the literals plus end-of-block, which no prefix code writes in
///   fewer than `(len + 1) * H` bits (H their empirical entropy, Gibbs' inequality).
///
/// Checked against zlib itself by a property test.
fn cannot_shrink(data: &[u8]) -> bool {
    let n = data.len();
    if n <= 9 {
        return true;
    }
    if n > 1024 {
        return false;
    }
    // 1. No 3-byte sequence twice: a 4096-bit set of hashed sequences (a hash collision only
    //    answers `false`, which is always safe).
    let mut seen = [0u64; 64];
    for w in data.windows(3) {
        let [a, b, c] = w else { return false };
        let key = u32::from(*a) << 16 | u32::from(*b) << 8 | u32::from(*c);
        let h = key.wrapping_mul(0x9E37_79B1) >> 20;
        let Some(slot) = seen.get_mut((h >> 6) as usize) else {
            return false;
        };
        let bit = 1u64 << (h & 63);
        if *slot & bit != 0 {
            return false;
        }
        *slot |= bit;
    }
    // 2. The dynamic block's lower bound, against the budget.
    let mut counts = [0u16; 256];
    for &b in data {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    let total = (n + 1) as f64;
    let literal_bits: f64 = counts
        .iter()
        .copied()
        .filter(|&c| c > 0)
        .chain(std::iter::once(1)) // end-of-block
        .map(|c| {
            let c = f64::from(c);
            c * (total / c).log2()
        })
        .sum();
    let mut lengths_bits = 1u32; // the distance code's one length at least
    let mut zeros = 0u32;
    let mut in_used_run = false;
    // Symbols 0..=255 then 256 (end-of-block, always used).
    for used in counts.iter().map(|&c| c > 0).chain(std::iter::once(true)) {
        if used {
            lengths_bits += zeros.min(4);
            zeros = 0;
            if !in_used_run {
                lengths_bits += 1;
                in_used_run = true;
            }
        } else {
            zeros += 1;
            in_used_run = false;
        }
    }
    let dynamic_bits = 17.0 + 12.0 + f64::from(lengths_bits) + literal_bits;
    let budget = 8.0 * (n as f64 - 8.0);
    // One bit of margin for floating-point rounding.
    dynamic_bits > budget + 1.0
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
                inflate_into(&mut r.inflater, &r.raw, max_inflated, &mut r.json)?;
                Ok(f(&r.json))
            } else {
                Ok(f(&r.raw))
            }
        })();
        trim(&mut r.raw);
        trim(&mut r.json);
        result
    })
}

/// `zlib.decompress(data)` into `out` (cleared first), refusing to produce more than `limit`
/// bytes: zlib's verdict and bytes, from a reset (not a new) inflate state.
///
/// The output grows as zlib fills it, each time exactly to the next size (no amortized
/// doubling past it): first the buffer's capacity, or 8 times the input (4 KiB at least) when
/// that is larger, then doubling, and straight to `limit` once doubling passes half of it, so
/// that growing never holds more than 1.5 times `limit` (a zlib bomb: tests/inflate_memory.rs).
/// Once `limit` bytes are out, one more byte of output means `InflatedTooLarge`; the end of the
/// stream, or an error, is what Python reports.
fn inflate_into(
    d: &mut Decompress,
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), PayloadError> {
    d.reset(true);
    out.clear();
    let first = data.len().saturating_mul(8).max(4096).min(limit);
    if out.capacity() < first {
        out.reserve_exact(first);
    }
    loop {
        if out.len() >= out.capacity() {
            if out.len() >= limit {
                return past_limit(d, data, limit);
            }
            let size = out.capacity();
            let doubled = size.saturating_mul(2);
            let next = if doubled > limit / 2 { limit } else { doubled };
            out.reserve_exact(next.saturating_sub(out.len()));
        }
        let (total_in, total_out) = (d.total_in(), d.total_out());
        let result = d.decompress_vec(rest(d, data), out, FlushDecompress::Finish);
        if out.len() > limit {
            // A buffer kept from a larger session holds more than `limit`.
            return Err(PayloadError::InflatedTooLarge { limit });
        }
        if result.map_err(zlib_error)? == Status::StreamEnd {
            return Ok(());
        }
        if d.total_in() == total_in && d.total_out() == total_out {
            // No progress with room to write: the input ended before the stream did.
            return Err(truncated());
        }
    }
}

/// `limit` bytes are out and the stream goes on: `InflatedTooLarge` when it would write another
/// byte; otherwise zlib's verdict on the rest (its end, an error, or truncation).
fn past_limit(d: &mut Decompress, data: &[u8], limit: usize) -> Result<(), PayloadError> {
    let mut byte = [0u8; 1];
    loop {
        let (total_in, total_out) = (d.total_in(), d.total_out());
        let result = d.decompress(rest(d, data), &mut byte, FlushDecompress::Finish);
        if d.total_out() != total_out {
            return Err(PayloadError::InflatedTooLarge { limit });
        }
        if result.map_err(zlib_error)? == Status::StreamEnd {
            return Ok(());
        }
        if d.total_in() == total_in {
            return Err(truncated());
        }
    }
}

/// The input zlib has not consumed yet.
fn rest<'a>(d: &Decompress, data: &'a [u8]) -> &'a [u8] {
    usize::try_from(d.total_in())
        .ok()
        .and_then(|n| data.get(n..))
        .unwrap_or_default()
}

/// Python's message for a stream that ends early (zlib's `Z_BUF_ERROR` at the end).
fn truncated() -> PayloadError {
    PayloadError::Zlib("incomplete or truncated stream".to_owned())
}

/// zlib's message: the one Python prints after "Error -3 while decompressing data: ", or
/// "need dictionary" (zlib's name for `Z_NEED_DICT`, which Python reports as "Error 2").
fn zlib_error(e: DecompressError) -> PayloadError {
    let msg = if e.needs_dictionary().is_some() {
        "need dictionary"
    } else {
        e.message().unwrap_or("invalid zlib stream")
    };
    PayloadError::Zlib(msg.to_owned())
}

/// `zlib.decompress(data)`, refusing to produce more than `limit` bytes (tests).
#[cfg(test)]
fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, PayloadError> {
    let mut out = Vec::new();
    inflate_into(&mut Decompress::new(true), data, limit, &mut out)?;
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

    /// `cannot_shrink` never skips a text that zlib would make short enough (zlib is the
    /// oracle), on short texts from small and large alphabets, with and without repeats; and it
    /// does fire on a small session.
    #[test]
    fn cannot_shrink_agrees_with_zlib() {
        use proptest::prelude::*;
        let wins = |s: &[u8]| compress(s).unwrap().len() < s.len().saturating_sub(1);
        assert!(cannot_shrink(br#"{"_permanent":true,"user_id":42}"#));
        assert!(!wins(br#"{"_permanent":true,"user_id":42}"#));
        assert!(!cannot_shrink(br#"{"v":"aaaaaaaaaaaa"}"#));
        let fired = std::cell::Cell::new(0u32);
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 4000,
            ..ProptestConfig::default()
        });
        let alphabets: Vec<Vec<u8>> = vec![
            b"ab".to_vec(),
            b"abcdefgh".to_vec(),
            b"{}\":,_0123456789abcdefghijklmnopqrstuvwxyz".to_vec(),
            (0u8..=255).collect(),
            (32u8..127).collect(),
        ];
        let strategy = (0..alphabets.len(), 0usize..120).prop_flat_map(move |(a, len)| {
            proptest::collection::vec(proptest::sample::select(alphabets[a].clone()), len)
        });
        runner
            .run(&strategy, |s| {
                if cannot_shrink(&s) {
                    fired.set(fired.get() + 1);
                    prop_assert!(!wins(&s), "skipped a text zlib shrinks: {s:?}");
                }
                Ok(())
            })
            .unwrap();
        let fired = fired.get();
        assert!(fired > 100, "the bound fired only {fired} times");
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

    /// The cap around every growth step: `n` bytes inflate under a cap of `n`, not of `n - 1`;
    /// a bomb stops at the cap with a buffer of exactly the cap.
    #[test]
    fn cap_is_exact_at_every_growth_step() {
        let sizes: [usize; 13] = [
            0, 1, 2, 4095, 4096, 4097, 8191, 8192, 8193, 40_000, 65_536, 65_537, 262_145,
        ];
        for n in sizes {
            let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8 ^ (i / 7) as u8).collect();
            let z = compress(&data).unwrap();
            for limit in [n.saturating_sub(1), n, n + 1, 2 * n + 4096] {
                let got = inflate(&z, limit);
                if n <= limit {
                    assert_eq!(got.unwrap(), data, "n {n}, limit {limit}");
                } else {
                    assert_eq!(
                        got.unwrap_err(),
                        PayloadError::InflatedTooLarge { limit },
                        "n {n}"
                    );
                }
            }
        }
        let bomb = compress(&vec![b'a'; 8 << 20]).unwrap();
        let mut out = Vec::new();
        let got = inflate_into(&mut Decompress::new(true), &bomb, 1 << 20, &mut out);
        assert_eq!(got, Err(PayloadError::InflatedTooLarge { limit: 1 << 20 }));
        assert_eq!(out.capacity(), 1 << 20);
    }

    /// A buffer kept from a larger session does not let a stream past a smaller cap; the
    /// state and buffer are reused across streams.
    #[test]
    fn reused_buffer_and_state_keep_the_cap() {
        let mut d = Decompress::new(true);
        let mut out = Vec::with_capacity(64 * 1024);
        let z = compress(&[b'x'; 5000]).unwrap();
        for _ in 0..3 {
            assert_eq!(
                inflate_into(&mut d, &z, 4999, &mut out),
                Err(PayloadError::InflatedTooLarge { limit: 4999 })
            );
            assert_eq!(inflate_into(&mut d, &z, 5000, &mut out), Ok(()));
            assert_eq!(out, [b'x'; 5000]);
            assert_eq!(
                inflate_into(&mut d, &z[..z.len() - 1], 5000, &mut out),
                Err(PayloadError::Zlib(
                    "incomplete or truncated stream".to_owned()
                ))
            );
        }
    }

    /// An error after the cap's last byte is zlib's verdict; one byte more is the cap's.
    #[test]
    fn error_at_the_cap() {
        let data = vec![b'q'; 10_000];
        let mut z = compress(&data).unwrap();
        let last = z.len() - 1;
        z[last] ^= 1;
        let bad_check = Err(PayloadError::Zlib("incorrect data check".to_owned()));
        assert_eq!(inflate(&z, 10_000), bad_check);
        assert_eq!(inflate(&z, 10_001), bad_check);
        assert_eq!(
            inflate(&z, 9_999),
            Err(PayloadError::InflatedTooLarge { limit: 9_999 })
        );
    }

    #[test]
    fn truncated_and_trailing_streams() {
        let compressed = compress(b"hello hello hello hello").unwrap();
        for cut in 0..compressed.len() {
            assert_eq!(
                inflate(&compressed[..cut], 1 << 20),
                Err(PayloadError::Zlib(
                    "incomplete or truncated stream".to_owned()
                )),
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
