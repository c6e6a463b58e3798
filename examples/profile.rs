//! A fixed number of `open`, `verify` or `dump` calls on one benchmark shape, for profilers
//! (instruction counts per call are then comparable between runs):
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile open large 2000
//! callgrind_annotate callgrind.out.*
//! ```

use std::hint::black_box;

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
    for _ in 0..n {
        match op.as_str() {
            "open" => drop(black_box(codec.open(black_box(cookie), now)?)),
            "verify" => drop(black_box(codec.verify(black_box(cookie), now)?)),
            "dump" => drop(black_box(codec.dump(black_box(&value), ts)?)),
            "read" => drop(black_box(codec.from_json(black_box(json.as_bytes()))?)),
            _ => return Err("op: open, verify, dump or read (the JSON reader alone)".into()),
        }
    }
    Ok(())
}
