//! The reading path's inflating against zlib's own verdict: a compressed payload carrying an
//! arbitrary stream inflates to exactly the bytes a plain `flate2::read::ZlibDecoder` (the
//! reference zlib, window bits 15, as Python's `zlib.decompress`) reads, or fails as it fails,
//! with zlib's message; past the cap it is `InflatedTooLarge` exactly when zlib would give more
//! bytes than the cap before any error (`flask_cookie_fuzz::zlib_reference`).
//!
//! Input: a cap byte (255: the default 1 MiB; otherwise 64 times its value), a flags byte, the
//! stream. Flags bit 0: put the zlib header `78 9c` before the stream; bit 1: append the
//! adler32 of what the stream inflates to as raw deflate (when it does), so that the checksum
//! does not hide the rest from the fuzzer.
#![no_main]

use flask_cookie::{decode_unverified, Limits};
use flask_cookie_fuzz as f;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [cap, flags, body @ ..] = data else {
        return;
    };
    let cap = if *cap == 255 {
        Limits::default().max_inflated_len
    } else {
        usize::from(*cap) * 64
    };
    let mut stream = Vec::with_capacity(body.len() + 6);
    if flags & 1 == 1 {
        stream.extend_from_slice(&[0x78, 0x9c]);
    }
    stream.extend_from_slice(body);
    if flags & 2 == 2 {
        if let Some(adler) = f::raw_deflate_adler32(body) {
            stream.extend_from_slice(&adler.to_be_bytes());
        }
    }
    let cookie = format!(".{}.ZVPxAA.not-checked", f::b64(&stream));
    if cookie.len() > Limits::default().max_cookie_len {
        return;
    }
    let limits = Limits {
        max_inflated_len: cap,
        ..Limits::default()
    };
    let got = decode_unverified(&cookie, &limits).map(|u| u.json);
    f::assert_inflates_as_zlib(&stream, cap, got, |json| Ok(json.to_vec()));
});
