//! Benchmarks: `open`, `verify` and `dump` on four session shapes written by real Flask
//! (`fixtures/bench/shapes.json`, made by `fixtures/bench/generate.py`), the floor (what the
//! cryptography, base64, inflating and a JSON validation pass cost by themselves), two threads
//! sharing one codec, and the `itsdangerous` crate as a peer on the shape it can handle.
//!
//! ```sh
//! cargo bench --bench codec                       # everything, criterion's defaults
//! cargo bench --bench codec -- open/              # one group
//! python3 benches/compare.py                      # Flask vs this crate vs the floor, one table
//! ```
//!
//! Criterion ids are `GROUP/SHAPE`; `benches/compare.py` reads
//! `target/criterion/GROUP/SHAPE/new/estimates.json`. Groups:
//!
//! * `open`, `verify`, `dump`: this crate's public API ([`Codec`]).
//! * `open_as_service` (feature `serde`): `Codec::open_as` into the struct of the fields a
//!   service reads (`_permanent`, `_fresh`, `_user_id`, `user_id`, `csrf_token`; each
//!   optional), the rest skipped; `open_as_whole`: into a struct of the whole session of
//!   each shape (every field typed, tags through `flask_cookie::serde`'s types).
//! * `floor_hmac`: HMAC-SHA1 of the signed part from a precomputed keyed state (clone, update,
//!   finalize): the floor of `verify`.
//! * `floor_base64`: URL-safe base64 decoding of the payload into a reused buffer.
//! * `floor_inflate_zlib`: inflating the payload with zlib (the inflater `open` uses: only it
//!   refuses exactly what Python's `zlib.decompress` refuses) with a reused state and a buffer
//!   of the right size (compressed shapes only).
//! * `floor_json`: `serde_json::from_slice::<IgnoredAny>`, a validation pass that builds nothing.
//! * `floor_deflate`: zlib level 6 with a reused state, what `dump` must spend on compression.
//! * `read_json` (this crate's JSON reader alone, `Codec::from_json`) and `ref_serde_json_value`
//!   (`serde_json::Value`, a tree without tags): not floors, for reading the profile.
//! * `threads`: `open` of the small shape on 1 and on 2 threads sharing one codec (wall time per
//!   batch of one open per thread).
//! * `itsdangerous_crate_open`, `itsdangerous_crate_dump`: the crates.io `itsdangerous` 0.4
//!   on the tiny shape (it cannot inflate or untag).
//! * `open_to_json`: `open` then `to_json`, the work `flask_cookie_open` does for C.
//! * `c_abi_open`, `c_abi_verify`, `c_abi_dump`: the `extern "C"` functions of the C library
//!   (the `flask-cookie-ffi` crate, a dev-dependency) called directly, output buffers freed each
//!   time as a C caller would.
//!
//! The floor of `open` is `floor_hmac + floor_base64 + floor_inflate_zlib + floor_json`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use flask_cookie::{Codec, Value};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// One benchmark shape, as written by real Flask.
struct Shape {
    name: String,
    cookie: String,
    json: String,
}

struct Fixture {
    secret_key: String,
    timestamp: u64,
    now: u64,
    shapes: Vec<Shape>,
}

fn load() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench/shapes.json");
    let text = std::fs::read_to_string(path).expect("fixtures/bench/shapes.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("shapes.json is JSON");
    let s = |v: &serde_json::Value| v.as_str().expect("a string").to_owned();
    Fixture {
        secret_key: s(&doc["secret_key"]),
        timestamp: doc["timestamp"].as_u64().expect("timestamp"),
        now: doc["now"].as_u64().expect("now"),
        shapes: doc["shapes"]
            .as_array()
            .expect("shapes")
            .iter()
            .map(|x| Shape {
                name: s(&x["name"]),
                cookie: s(&x["cookie"]),
                json: s(&x["json"]),
            })
            .collect(),
    }
}

/// Flask's signing key for `secret`: `HMAC-SHA1(secret, "cookie-session")`, keyed once.
fn keyed_state(secret: &str) -> Hmac<Sha1> {
    let mut derive = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    derive.update(b"cookie-session");
    let key = derive.finalize().into_bytes();
    Hmac::<Sha1>::new_from_slice(&key).expect("any key length")
}

/// `[.]PAYLOAD`, `PAYLOAD.TIMESTAMP` (the signed part) and the decoded signature.
fn parts(cookie: &str) -> (&str, &str, Vec<u8>) {
    let (signed, sig) = cookie.rsplit_once('.').expect("a signature");
    let (payload, _ts) = signed.rsplit_once('.').expect("a timestamp");
    (
        payload,
        signed,
        URL_SAFE_NO_PAD.decode(sig).expect("base64"),
    )
}

#[cfg(feature = "serde")]
#[path = "common/service_fields.rs"]
mod service_fields;
#[cfg(feature = "serde")]
use service_fields::Service;

#[cfg(feature = "serde")]
mod whole {
    //! A struct of the whole session of each shape.
    #![allow(dead_code)]
    use flask_cookie::serde::{Bytes, DateTime, Markup, Uuid};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Tiny {
        pub _permanent: bool,
        pub user_id: u64,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Small {
        pub _fresh: bool,
        pub _permanent: bool,
        pub _user_id: String,
        pub csrf_token: String,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Prefs {
        pub beta: bool,
        pub lang: String,
        pub theme: String,
        pub tz: String,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct User {
        pub email: String,
        pub id: u64,
        pub name: String,
        pub prefs: Prefs,
        pub roles: Vec<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Medium {
        pub _permanent: bool,
        pub cart: (String, String, u32, f64),
        pub flash: Vec<Vec<String>>,
        pub history: Vec<String>,
        pub last_seen: DateTime,
        pub nonce: Bytes,
        pub notice: Markup,
        pub request_id: Uuid,
        pub score: f64,
        pub user: User,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Product {
        pub price: u32,
        pub qty: u32,
        pub sku: String,
        pub tags: Vec<String>,
        pub title: String,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Large {
        pub _permanent: bool,
        pub csrf_token: String,
        pub recently_viewed: Vec<Product>,
    }
}

/// `open_as::<T>` of `shape`, after checking that `T` holds the session Flask wrote.
#[cfg(feature = "serde")]
fn bench_typed<T: serde::de::DeserializeOwned + serde::Serialize>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    fx: &Fixture,
    codec: &Codec,
    shape: &Shape,
) {
    let typed = codec
        .open_as::<T>(&shape.cookie, fx.now)
        .expect("opens typed");
    assert_eq!(
        codec.dump_as(&typed.value, fx.timestamp).expect("dumps"),
        shape.cookie,
        "{}: the typed session is not Flask's",
        shape.name
    );
    g.bench_function(&shape.name, |b| {
        b.iter(|| codec.open_as::<T>(black_box(shape.cookie.as_bytes()), fx.now))
    });
}

#[cfg(not(feature = "serde"))]
fn bench_typed_api(_: &mut Criterion, _: &Fixture, _: &Codec) {}

#[cfg(feature = "serde")]
fn bench_typed_api(c: &mut Criterion, fx: &Fixture, codec: &Codec) {
    let mut g = c.benchmark_group("open_as_service");
    for shape in &fx.shapes {
        let s = codec
            .open_as::<Service>(&shape.cookie, fx.now)
            .expect("opens")
            .value;
        let v = codec.open(&shape.cookie, fx.now).expect("opens").value;
        let d = v.as_dict().expect("a dict");
        assert_eq!(
            s.permanent,
            d.get("_permanent").map(|v| *v == Value::Bool(true))
        );
        assert_eq!(
            s.csrf_token.as_deref(),
            d.get("csrf_token").and_then(Value::as_str)
        );
        g.bench_function(&shape.name, |b| {
            b.iter(|| codec.open_as::<Service>(black_box(shape.cookie.as_bytes()), fx.now))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("open_as_whole");
    for shape in &fx.shapes {
        match shape.name.as_str() {
            "tiny" => bench_typed::<whole::Tiny>(&mut g, fx, codec, shape),
            "small" => bench_typed::<whole::Small>(&mut g, fx, codec, shape),
            "medium" => bench_typed::<whole::Medium>(&mut g, fx, codec, shape),
            "large" => bench_typed::<whole::Large>(&mut g, fx, codec, shape),
            other => panic!("no whole-session struct for shape {other}"),
        }
    }
    g.finish();
}

fn bench_api(c: &mut Criterion, fx: &Fixture, codec: &Codec) {
    for shape in &fx.shapes {
        // Sanity: this crate opens Flask's cookie to Flask's JSON and dumps Flask's bytes.
        let opened = codec.open(&shape.cookie, fx.now).expect("opens");
        assert_eq!(codec.to_json(&opened.value).expect("json"), shape.json);
        assert_eq!(
            codec.dump(&opened.value, fx.timestamp).expect("dumps"),
            shape.cookie,
            "{}: dump differs from Flask",
            shape.name
        );
    }
    let mut g = c.benchmark_group("open");
    for shape in &fx.shapes {
        g.bench_function(&shape.name, |b| {
            b.iter(|| codec.open(black_box(shape.cookie.as_bytes()), fx.now))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("verify");
    for shape in &fx.shapes {
        g.bench_function(&shape.name, |b| {
            b.iter(|| codec.verify(black_box(shape.cookie.as_bytes()), fx.now))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("dump");
    for shape in &fx.shapes {
        let value: Value = codec.open(&shape.cookie, fx.now).expect("opens").value;
        g.bench_function(&shape.name, |b| {
            b.iter(|| codec.dump(black_box(&value), fx.timestamp))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("open_to_json");
    for shape in &fx.shapes {
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                let opened = codec
                    .open(black_box(shape.cookie.as_bytes()), fx.now)
                    .ok()?;
                codec.to_json(&opened.value).ok()
            })
        });
    }
    g.finish();
}

/// The C ABI, called as a C program would (configuration through the builder functions,
/// buffers freed with `flask_cookie_buf_free`).
#[allow(unsafe_code)]
fn bench_c_abi(c: &mut Criterion, fx: &Fixture) {
    use flask_cookie_ffi::buf::flask_cookie_buf_free;
    use flask_cookie_ffi::codec::{
        flask_cookie_codec_free, flask_cookie_codec_new, flask_cookie_dump, flask_cookie_open,
        flask_cookie_verify,
    };
    use flask_cookie_ffi::config::{
        flask_cookie_config_free, flask_cookie_config_new, flask_cookie_config_set_keys,
    };
    use flask_cookie_ffi::{flask_cookie_buf, flask_cookie_result, flask_cookie_slice};
    use std::ptr::null_mut;

    let ok = flask_cookie_result::Ok;
    let key = flask_cookie_slice {
        data: fx.secret_key.as_ptr(),
        len: fx.secret_key.len(),
    };
    let mut config = null_mut();
    let mut codec = null_mut();
    // SAFETY: valid pointers to live locals; the key outlives the calls.
    unsafe {
        assert!(flask_cookie_config_new(0, &mut config) == ok);
        assert!(flask_cookie_config_set_keys(config, &key, 1) == ok);
        assert!(flask_cookie_codec_new(config, &mut codec) == ok);
        flask_cookie_config_free(config);
    }
    let codec = codec as *const _;
    let empty = || flask_cookie_buf {
        data: null_mut(),
        len: 0,
    };
    for shape in &fx.shapes {
        let (cookie, json) = (shape.cookie.as_bytes(), shape.json.as_bytes());
        let mut out = empty();
        // SAFETY: live codec, readable inputs, writable outputs; `out` freed once.
        unsafe {
            let r = flask_cookie_open(
                codec,
                cookie.as_ptr(),
                cookie.len(),
                fx.now,
                &mut out,
                null_mut(),
            );
            assert!(r == ok);
            assert_eq!(std::slice::from_raw_parts(out.data, out.len), json);
            flask_cookie_buf_free(&mut out);
            let r = flask_cookie_dump(codec, json.as_ptr(), json.len(), fx.timestamp, &mut out);
            assert!(r == ok);
            assert_eq!(std::slice::from_raw_parts(out.data, out.len), cookie);
            flask_cookie_buf_free(&mut out);
        }
    }
    let mut g = c.benchmark_group("c_abi_open");
    for shape in &fx.shapes {
        let cookie = shape.cookie.as_bytes();
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                let mut out = empty();
                // SAFETY: as above.
                unsafe {
                    let r = flask_cookie_open(
                        codec,
                        black_box(cookie.as_ptr()),
                        cookie.len(),
                        fx.now,
                        &mut out,
                        null_mut(),
                    );
                    flask_cookie_buf_free(&mut out);
                    r
                }
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("c_abi_verify");
    for shape in &fx.shapes {
        let cookie = shape.cookie.as_bytes();
        g.bench_function(&shape.name, |b| {
            // SAFETY: as above.
            b.iter(|| unsafe {
                flask_cookie_verify(
                    codec,
                    black_box(cookie.as_ptr()),
                    cookie.len(),
                    fx.now,
                    null_mut(),
                )
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("c_abi_dump");
    for shape in &fx.shapes {
        let json = shape.json.as_bytes();
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                let mut out = empty();
                // SAFETY: as above.
                unsafe {
                    let r = flask_cookie_dump(
                        codec,
                        black_box(json.as_ptr()),
                        json.len(),
                        fx.timestamp,
                        &mut out,
                    );
                    flask_cookie_buf_free(&mut out);
                    r
                }
            })
        });
    }
    g.finish();
    // SAFETY: the codec is not used after this.
    unsafe { flask_cookie_codec_free(codec as *mut _) };
}

fn bench_floor(c: &mut Criterion, fx: &Fixture, codec: &Codec) {
    let state = keyed_state(&fx.secret_key);
    let mut g = c.benchmark_group("floor_hmac");
    for shape in &fx.shapes {
        let (_, signed, sig) = parts(&shape.cookie);
        let mac = state.clone().chain_update(signed).finalize().into_bytes();
        assert_eq!(mac.as_slice(), sig.as_slice(), "{}: HMAC floor", shape.name);
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                state
                    .clone()
                    .chain_update(black_box(signed.as_bytes()))
                    .finalize()
                    .into_bytes()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("floor_base64");
    for shape in &fx.shapes {
        let (payload, _, _) = parts(&shape.cookie);
        let text = payload.strip_prefix('.').unwrap_or(payload).as_bytes();
        let mut buf = vec![0u8; text.len()];
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                URL_SAFE_NO_PAD
                    .decode_slice(black_box(text), &mut buf)
                    .expect("base64")
            })
        });
    }
    g.finish();

    let compressed: Vec<(&Shape, Vec<u8>)> = fx
        .shapes
        .iter()
        .filter_map(|shape| {
            let (payload, _, _) = parts(&shape.cookie);
            let text = payload.strip_prefix('.')?;
            Some((shape, URL_SAFE_NO_PAD.decode(text).expect("base64")))
        })
        .collect();
    let mut g = c.benchmark_group("floor_inflate_zlib");
    for (shape, z) in &compressed {
        let mut d = Decompress::new(true);
        let mut out = Vec::with_capacity(shape.json.len() + 64);
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                d.reset(true);
                out.clear();
                d.decompress_vec(black_box(z), &mut out, FlushDecompress::Finish)
                    .expect("inflates");
                assert_eq!(out.len(), shape.json.len());
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("floor_json");
    for shape in &fx.shapes {
        let json = shape.json.as_bytes();
        g.bench_function(&shape.name, |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(json)))
        });
    }
    g.finish();

    // Not part of the floor: what building a tree costs serde_json (`serde_json::Value`),
    // for comparison with this crate's reader, which builds `Value`s and untags.
    let mut g = c.benchmark_group("ref_serde_json_value");
    for shape in &fx.shapes {
        let json = shape.json.as_bytes();
        g.bench_function(&shape.name, |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(json)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("read_json");
    for shape in &fx.shapes {
        let json = shape.json.as_bytes();
        g.bench_function(&shape.name, |b| b.iter(|| codec.from_json(black_box(json))));
    }
    g.finish();

    let mut g = c.benchmark_group("floor_deflate");
    for shape in &fx.shapes {
        let json = shape.json.as_bytes();
        let mut z = Compress::new(Compression::new(6), true);
        let mut out = Vec::with_capacity(json.len() + 64);
        g.bench_function(&shape.name, |b| {
            b.iter(|| {
                z.reset();
                out.clear();
                z.compress_vec(black_box(json), &mut out, FlushCompress::Finish)
                    .expect("deflates")
            })
        });
    }
    g.finish();
}

/// `iters` opens on each of `threads` threads sharing `codec`; the wall time of the batch, from
/// the first thread's start to the last thread's end (each thread reads the clock itself, so a
/// descheduled main thread does not distort it).
fn open_on_threads(codec: &Codec, cookie: &[u8], now: u64, threads: usize, iters: u64) -> Duration {
    let barrier = std::sync::Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        let _ = black_box(codec.open(black_box(cookie), now));
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("bench thread"))
            .collect()
    });
    let first = spans.iter().map(|s| s.0).min();
    let last = spans.iter().map(|s| s.1).max();
    match (first, last) {
        (Some(a), Some(b)) => b.duration_since(a),
        _ => Duration::ZERO,
    }
}

fn bench_threads(c: &mut Criterion, fx: &Fixture, codec: &Codec) {
    let Some(shape) = fx.shapes.iter().find(|s| s.name == "small") else {
        return;
    };
    let mut g = c.benchmark_group("threads");
    for threads in [1usize, 2] {
        g.bench_function(format!("open_small_x{threads}"), |b| {
            b.iter_custom(|iters| {
                open_on_threads(codec, shape.cookie.as_bytes(), fx.now, threads, iters)
            })
        });
    }
    g.finish();
}

/// The tiny shape as the `itsdangerous` crate reads and writes it (serde, field order = Flask's
/// sorted keys, so the bytes match).
#[derive(serde::Serialize, serde::Deserialize)]
struct Tiny {
    _permanent: bool,
    user_id: u64,
}

fn bench_itsdangerous_crate(c: &mut Criterion, fx: &Fixture) {
    use itsdangerous::{
        algorithm::HMACAlgorithm, key_derivation, timed_serializer_with_signer,
        IntoTimestampSigner, SignerBuilder, TimedSerializer, URLSafeEncoding,
    };
    let Some(shape) = fx.shapes.iter().find(|s| s.name == "tiny") else {
        return;
    };
    let key: &'static str = Box::leak(fx.secret_key.clone().into_boxed_str());
    let signer =
        SignerBuilder::<sha1_08::Sha1, HMACAlgorithm<sha1_08::Sha1>, key_derivation::Hmac>::new(
            key,
        )
        .with_salt("cookie-session")
        .build()
        .into_timestamp_signer();
    let ser = timed_serializer_with_signer(signer, URLSafeEncoding);
    let max_age = Duration::from_secs(flask_cookie::FLASK_MAX_AGE);
    let opened: Tiny = ser
        .unsign::<Tiny>(&shape.cookie)
        .map_err(|e| e.to_string())
        .expect("the itsdangerous crate opens Flask's tiny cookie")
        .value();
    assert!(opened._permanent && opened.user_id == 42);
    let at = std::time::UNIX_EPOCH + Duration::from_secs(fx.timestamp);
    let dumped = ser.sign_with_timestamp(&opened, at).expect("signs");
    assert_eq!(
        dumped, shape.cookie,
        "the itsdangerous crate writes Flask's bytes"
    );

    let mut g = c.benchmark_group("itsdangerous_crate_open");
    g.bench_function("tiny", |b| {
        b.iter(|| {
            // Its age check reads the system clock; the cookie is old, so check the age by hand
            // against the fixture's `now` as `open` does (same work, same decision).
            let u = ser.unsign::<Tiny>(black_box(&shape.cookie)).ok()?;
            let signed = u.timestamp();
            let age = (std::time::UNIX_EPOCH + Duration::from_secs(fx.now))
                .duration_since(signed)
                .ok()?;
            (age <= max_age).then(|| u.value())
        })
    });
    g.finish();
    let mut g = c.benchmark_group("itsdangerous_crate_dump");
    g.bench_function("tiny", |b| {
        b.iter(|| ser.sign_with_timestamp(black_box(&opened), at))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let fx = load();
    let codec = Codec::flask(fx.secret_key.as_str()).build().expect("codec");
    bench_api(c, &fx, &codec);
    bench_typed_api(c, &fx, &codec);
    bench_floor(c, &fx, &codec);
    bench_threads(c, &fx, &codec);
    bench_itsdangerous_crate(c, &fx);
    bench_c_abi(c, &fx);
}

criterion_group!(codec_benches, benches);
criterion_main!(codec_benches);
