//! The benchmark shapes (fixtures/bench/shapes.json, written by real Flask) open to Flask's JSON
//! and dump to Flask's bytes, in every order and from several threads: the per-thread buffers
//! and deflate/inflate states reused between calls never leak one cookie into the next.

use flask_cookie::Codec;

struct Shape {
    cookie: String,
    json: String,
}

fn load() -> (String, u64, u64, Vec<Shape>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench/shapes.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let shapes = doc["shapes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Shape {
            cookie: s["cookie"].as_str().unwrap().to_owned(),
            json: s["json"].as_str().unwrap().to_owned(),
        })
        .collect();
    (
        doc["secret_key"].as_str().unwrap().to_owned(),
        doc["timestamp"].as_u64().unwrap(),
        doc["now"].as_u64().unwrap(),
        shapes,
    )
}

fn check_all(codec: &Codec, ts: u64, now: u64, shapes: &[&Shape]) {
    for s in shapes {
        let opened = codec.open(&s.cookie, now).unwrap();
        assert_eq!(opened.signed_at, ts);
        assert_eq!(codec.to_json(&opened.value).unwrap(), s.json);
        assert_eq!(codec.dump(&opened.value, ts).unwrap(), s.cookie);
        assert_eq!(codec.verify(&s.cookie, now).unwrap(), ts);
    }
}

#[test]
fn shapes_round_trip_in_every_order() {
    let (key, ts, now, shapes) = load();
    assert_eq!(shapes.len(), 4);
    let codec = Codec::flask(key).build().unwrap();
    let mut order: Vec<&Shape> = shapes.iter().collect();
    // Largest first, then smallest first, then interleaved: stale buffer contents would show.
    order.reverse();
    check_all(&codec, ts, now, &order);
    order.reverse();
    check_all(&codec, ts, now, &order);
    let mixed = [&shapes[3], &shapes[0], &shapes[2], &shapes[1], &shapes[3]];
    check_all(&codec, ts, now, &mixed);
    // A bad payload in between leaves nothing behind either.
    assert!(codec
        .open("eyJhIjox.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", now)
        .is_err());
    check_all(&codec, ts, now, &mixed);
}

#[test]
fn shapes_round_trip_on_threads_sharing_one_codec() {
    let (key, ts, now, shapes) = load();
    let codec = Codec::flask(key).build().unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let (codec, shapes) = (&codec, &shapes);
            s.spawn(move || {
                for i in 0..50 {
                    let shape = &shapes[(t + i) % shapes.len()];
                    check_all(codec, ts, now, &[shape]);
                }
            });
        }
    });
}
