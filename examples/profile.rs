//! A fixed number of `open`, `verify` or `dump` calls on one benchmark shape, for profilers
//! (instruction counts per call are then comparable between runs):
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile open large 2000
//! callgrind_annotate callgrind.out.*
//! ```
//!
//! Ops: `open`, `verify`, `dump`, `read` (the JSON reader alone), `open_as_service` (typed
//! `open_as` into the service fields of benches/codec.rs), and the floor of `open` as
//! benches/codec.rs measures it: `floor_hmac`, `floor_base64`, `floor_json` (serde_json into
//! `IgnoredAny`), `floor_inflate` (compressed shapes).

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

#[path = "../benches/common/service_fields.rs"]
mod service_fields;
use service_fields::Service;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_else(|| "open".to_owned());
    let shape = args.next().unwrap_or_else(|| "large".to_owned());
    let n: u64 = args.next().map_or(Ok(1000), |s| s.parse())?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench/shapes.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let key = doc["secret_key"].as_str().ok_or("secret_key")?;
    let (ts, now) = (
        doc["timestamp"].as_u64().ok_or("timestamp")?,
        doc["now"].as_u64().ok_or("now")?,
    );
    let cookie = doc["shapes"]
        .as_array()
        .ok_or("shapes")?
        .iter()
        .find(|s| s["name"] == shape.as_str())
        .and_then(|s| s["cookie"].as_str())
        .ok_or("no such shape")?;
    let codec = flask_cookie::Codec::flask(key).build()?;
    let json = codec.to_json(&codec.open(cookie, now)?.value)?;
    let value = codec.open(cookie, now)?.value;
    // The floor's inputs, as benches/codec.rs prepares them.
    let mut derive = Hmac::<Sha1>::new_from_slice(key.as_bytes())?;
    derive.update(b"cookie-session");
    let keyed = Hmac::<Sha1>::new_from_slice(&derive.finalize().into_bytes())?;
    let (signed, sig) = cookie.rsplit_once('.').ok_or("a signature")?;
    let sig = URL_SAFE_NO_PAD.decode(sig)?;
    let payload = signed.rsplit_once('.').ok_or("a timestamp")?.0;
    let (compressed, text) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let raw = URL_SAFE_NO_PAD.decode(text)?;
    let mut buf = Vec::with_capacity(raw.len());
    let mut inflater = flate2::Decompress::new(true);
    let mut inflated = Vec::with_capacity(json.len() + 64);
    for _ in 0..n {
        match op.as_str() {
            "open" => drop(black_box(codec.open(black_box(cookie), now)?)),
            "verify" => drop(black_box(codec.verify(black_box(cookie), now)?)),
            "dump" => drop(black_box(codec.dump(black_box(&value), ts)?)),
            "read" => drop(black_box(codec.from_json(black_box(json.as_bytes()))?)),
            "open_as_service" => drop(black_box(
                codec.open_as::<Service>(black_box(cookie), now)?,
            )),
            "floor_hmac" => {
                let mut m = keyed.clone();
                m.update(black_box(signed.as_bytes()));
                m.verify_slice(&sig)?;
            }
            "floor_base64" => {
                buf.clear();
                URL_SAFE_NO_PAD.decode_vec(black_box(text), &mut buf)?;
            }
            "floor_json" => {
                black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(
                    json.as_bytes(),
                ))?);
            }
            "floor_inflate" if compressed => {
                inflater.reset(true);
                inflated.clear();
                inflater.decompress_vec(black_box(&raw), &mut inflated, flate2::FlushDecompress::Finish)?;
            }
            _ => return Err("op: open, verify, dump, read, open_as_service, floor_hmac, floor_base64, floor_json, floor_inflate (compressed shapes)".into()),
        }
    }
    Ok(())
}
