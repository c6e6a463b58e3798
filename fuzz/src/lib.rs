//! Shared pieces of the fuzz targets: fixed codecs, an independent signer for arbitrary
//! payloads, and a `Value` generator driven by the fuzzer's bytes.
//!
//! The keys are fixed and match `fixtures/cookies.json` (`test key`, Flask's defaults), so the
//! seed corpus built from the fixtures starts from validly signed cookies.

use arbitrary::{Result, Unstructured};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flask_cookie::{Codec, DateTime, Dict, Int, Text, Value};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The secret key of most fixtures.
pub const KEY: &str = "test key";
/// The `now` of most fixtures: their cookies are valid at this time.
pub const NOW: u64 = 1_700_000_060;

/// Flask's session codec with [`KEY`] (strict signature base64).
pub fn flask() -> Codec {
    Codec::flask(KEY).build().expect("fixed config builds")
}

/// Flask's codec with [`KEY`] as the newest of three keys and lenient signature base64.
pub fn flask_lenient() -> Codec {
    Codec::flask(KEY)
        .fallback_keys(["oldest key", "old key"])
        .lenient_base64(true)
        .build()
        .expect("fixed config builds")
}

/// itsdangerous's `URLSafeTimedSerializer(KEY)`.
pub fn itsdangerous() -> Codec {
    Codec::itsdangerous(KEY)
        .build()
        .expect("fixed config builds")
}

/// Signs `payload_text.timestamp` as Flask does with [`KEY`] (`HMAC-SHA1` keyed with
/// `HMAC-SHA1(KEY, "cookie-session")`), written from itsdangerous's definition rather than
/// through the crate, and returns the whole cookie.
pub fn flask_sign(payload_text: &[u8], timestamp: u64) -> Vec<u8> {
    let mut derive = <Hmac<Sha1>>::new_from_slice(KEY.as_bytes()).expect("any key length");
    derive.update(b"cookie-session");
    let key = derive.finalize().into_bytes();
    let mut cookie = payload_text.to_vec();
    cookie.push(b'.');
    let ts = timestamp.to_be_bytes();
    let skip = ts.iter().take_while(|&&b| b == 0).count();
    cookie.extend_from_slice(URL_SAFE_NO_PAD.encode(&ts[skip..]).as_bytes());
    let mut mac = <Hmac<Sha1>>::new_from_slice(&key).expect("any key length");
    mac.update(&cookie);
    let sig = mac.finalize().into_bytes();
    cookie.push(b'.');
    cookie.extend_from_slice(URL_SAFE_NO_PAD.encode(sig).as_bytes());
    cookie
}

/// `zlib.compress(data)` (level 6).
pub fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

/// Unpadded URL-safe base64.
pub fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Most levels [`value`] nests (deep enough to cross the 400-level limit through tag wrappers
/// only when the fuzzer insists: each level costs input bytes).
const MAX_GEN_DEPTH: usize = 480;

/// A `Value` of any kind: every variant, lone surrogates, tag-like keys, big integers,
/// every float, datetimes over the whole range.
pub fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let leaf_only = depth >= MAX_GEN_DEPTH || u.is_empty();
    let kind = if leaf_only {
        u.int_in_range(0..=9)?
    } else {
        u.int_in_range(0..=12)?
    };
    Ok(match kind {
        0 => Value::None,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Int(int(u)?),
        3 => Value::Float(f64::from_bits(u.arbitrary()?)),
        4 | 5 => Value::Str(text(u)?),
        6 => Value::Bytes(u.arbitrary()?),
        7 => Value::Markup(text(u)?),
        8 => Value::Uuid(u.arbitrary()?),
        9 => {
            let secs = u.int_in_range(DateTime::MIN_UNIX..=DateTime::MAX_UNIX)?;
            Value::DateTime(DateTime::from_unix(secs).expect("in range"))
        }
        10 => Value::List(items(u, depth)?),
        11 => Value::Tuple(items(u, depth)?),
        _ => {
            let n = u.int_in_range(0..=4u8)?;
            let mut d = Dict::new();
            for _ in 0..n {
                let k = key(u)?;
                d.insert(k, value(u, depth + 1)?);
            }
            Value::Dict(d)
        }
    })
}

fn items(u: &mut Unstructured<'_>, depth: usize) -> Result<Vec<Value>> {
    let n = u.int_in_range(0..=4u8)?;
    (0..n).map(|_| value(u, depth + 1)).collect()
}

fn int(u: &mut Unstructured<'_>) -> Result<Int> {
    if u.ratio(3, 4)? {
        return Ok(Int::from(u.arbitrary::<i64>()?));
    }
    // A big integer: up to 4300 digits (the limit), occasionally one more.
    let n = u.int_in_range(1..=4301usize)?;
    let mut s = String::with_capacity(n + 1);
    if u.arbitrary()? {
        s.push('-');
    }
    for _ in 0..n {
        s.push(char::from(b'0' + u.int_in_range(0..=9u8)?));
    }
    Ok(Int::from_decimal(&s).unwrap_or_else(|_| Int::from(0)))
}

fn key(u: &mut Unstructured<'_>) -> Result<Text> {
    if u.ratio(1, 4)? {
        let tags = [" t", " b", " m", " u", " d", " di", " x", ""];
        return Ok(Text::from(*u.choose(&tags)?));
    }
    text(u)
}

/// `0100-01-01T00:00:00Z`: Werkzeug writes earlier years with four digits and reads them back
/// as two-digit years (`0001` is 2001), so such datetimes do not round-trip, in Flask either.
pub const YEAR_100: i64 = -59_011_459_200;

/// `true` when `v` cannot round-trip through JSON, in Python either: it holds a datetime before
/// [`YEAR_100`] (with tags), or text with a high surrogate right before a low one (written as
/// two `\u` escapes, which `json.loads` joins into one astral character).
pub fn python_would_not_round_trip(v: &Value, tagged: bool) -> bool {
    fn text(t: &Text) -> bool {
        let cps: Vec<u32> = t.code_points().collect();
        cps.windows(2)
            .any(|w| (0xD800..0xDC00).contains(&w[0]) && (0xDC00..0xE000).contains(&w[1]))
    }
    match v {
        Value::DateTime(d) => tagged && d.unix() < YEAR_100,
        Value::Str(t) | Value::Markup(t) => text(t),
        Value::List(items) | Value::Tuple(items) => {
            items.iter().any(|v| python_would_not_round_trip(v, tagged))
        }
        Value::Dict(d) => d
            .iter()
            .any(|(k, v)| text(k) || python_would_not_round_trip(v, tagged)),
        _ => false,
    }
}

/// Text of any code points, surrogates included (ASCII more often).
pub fn text(u: &mut Unstructured<'_>) -> Result<Text> {
    let n = u.int_in_range(0..=16u8)?;
    let mut t = Text::new();
    for _ in 0..n {
        let cp = match u.int_in_range(0..=3u8)? {
            0 | 1 => u.int_in_range(0x20..=0x7E)?,
            2 => u.int_in_range(0..=0x10FFFF)?,
            _ => u.int_in_range(0xD800..=0xDFFF)?,
        };
        t.push_code_point(cp).expect("at most U+10FFFF");
    }
    Ok(t)
}

/// What Python's `zlib.decompress(stream)` makes of a payload stream, with the crate's cap of
/// `cap` bytes on the output, in stream order: more than `cap` bytes before zlib finds an
/// error is `TooLarge`, an error before that is zlib's. Found with zlib in one call with room
/// for `cap + 1` bytes (window bits 15, as Python), independently of the crate's buffer
/// handling, and cross-checked with a plain `flate2::read::ZlibDecoder`.
#[derive(Debug, PartialEq)]
pub enum Inflated {
    /// The stream ends within the cap (data after its end ignored, as Python does): its bytes.
    Ok(Vec<u8>),
    /// The stream gives more than `cap` bytes before any error.
    TooLarge,
    /// zlib refuses it before the cap: its message, the one Python prints after
    /// "Error -3 while decompressing data: " ("need dictionary" for Python's "Error 2").
    Refused(String),
}

/// [`Inflated`] of `stream` under a cap of `cap` bytes.
pub fn zlib_reference(stream: &[u8], cap: usize) -> Inflated {
    let mut d = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(cap + 1);
    let result = d.decompress_vec(stream, &mut out, flate2::FlushDecompress::Finish);
    let verdict = if out.len() > cap {
        // zlib wrote byte `cap + 1` (and maybe found an error after it).
        Inflated::TooLarge
    } else {
        match result {
            Ok(flate2::Status::StreamEnd) => Inflated::Ok(out),
            // Room left, no end: the input ran out.
            Ok(_) => Inflated::Refused("incomplete or truncated stream".to_owned()),
            Err(e) if e.needs_dictionary().is_some() => {
                Inflated::Refused("need dictionary".to_owned())
            }
            Err(e) => Inflated::Refused(e.message().unwrap_or("(no message)").to_owned()),
        }
    };
    // The reader agrees where its chunking cannot matter (it drops the bytes of a call that
    // ends in an error, so past the cap it may report either).
    use std::io::Read;
    let mut read = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let by_reader = flate2::read::ZlibDecoder::new(stream)
        .take(limit)
        .read_to_end(&mut read);
    match (&verdict, by_reader) {
        (Inflated::Ok(bytes), Ok(_)) => assert_eq!(&read, bytes, "ZlibDecoder's bytes"),
        (Inflated::Refused(_), Err(_)) | (Inflated::TooLarge, _) => {}
        (v, r) => panic!("one call says {v:?}, ZlibDecoder {r:?} ({} bytes)", read.len()),
    }
    verdict
}

/// Checks the crate's reading of a compressed payload against [`zlib_reference`]: `got` is
/// what `open` (or `decode_unverified`) returned for a cookie carrying `stream`, `cap` its
/// `max_inflated_len`, and `from_json` what the crate makes of the inflated bytes.
pub fn assert_inflates_as_zlib<T: std::fmt::Debug + PartialEq>(
    stream: &[u8],
    cap: usize,
    got: std::result::Result<T, flask_cookie::Error>,
    from_json: impl FnOnce(&[u8]) -> std::result::Result<T, flask_cookie::PayloadError>,
) {
    use flask_cookie::{Error, PayloadError};
    let want = match zlib_reference(stream, cap) {
        Inflated::Ok(json) => from_json(&json).map_err(Error::BadPayload),
        Inflated::TooLarge => Err(Error::BadPayload(PayloadError::InflatedTooLarge {
            limit: cap,
        })),
        Inflated::Refused(msg) => Err(Error::BadPayload(PayloadError::Zlib(msg))),
    };
    assert_eq!(got, want, "stream {stream:02x?}, cap {cap}");
}

/// The adler32 of what `body` inflates to as raw deflate (up to 4 MiB), or `None` when it does
/// not inflate to the end.
pub fn raw_deflate_adler32(body: &[u8]) -> Option<u32> {
    let mut d = flate2::Decompress::new(false);
    let mut out = Vec::with_capacity(4 << 20);
    match d.decompress_vec(body, &mut out, flate2::FlushDecompress::Finish) {
        Ok(flate2::Status::StreamEnd) => {}
        _ => return None,
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &out {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    Some(b << 16 | a)
}
