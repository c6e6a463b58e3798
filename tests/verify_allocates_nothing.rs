//! `Codec::verify` allocates nothing on a canonical cookie (issue 4): counted by a global
//! allocator wrapper around the system allocator, on the Flask-made benchmark shapes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// thread-local `Cell` with a const initializer (no allocation, no reentrancy).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn verify_allocates_nothing() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench/shapes.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let codec = flask_cookie::Codec::flask(doc["secret_key"].as_str().unwrap())
        .build()
        .unwrap();
    let now = doc["now"].as_u64().unwrap();
    let cookies: Vec<String> = doc["shapes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cookie"].as_str().unwrap().to_owned())
        .collect();
    for cookie in &cookies {
        let before = allocations();
        let signed_at = codec.verify(cookie.as_bytes(), now);
        let after = allocations();
        assert_eq!(signed_at.ok(), doc["timestamp"].as_u64());
        assert_eq!(after - before, 0, "verify allocated for {cookie}");
    }
    // The counter works: `open` allocates (the session's value).
    let before = allocations();
    let _ = codec.open(cookies[1].as_bytes(), now).unwrap();
    assert!(allocations() > before);
}
