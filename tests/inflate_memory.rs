//! A zlib bomb in a validly signed cookie fails fast with bounded memory: opening a cookie whose
//! payload inflates to 32 MiB allocates at most a few MiB (the 1 MiB cap, plus one growth
//! step of the output buffer and zlib's state), measured by a counting global allocator.
//!
//! Alone in its test binary so that no other test's allocations are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use flask_cookie::{Codec, Error, PayloadError, Value};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn a_32_mib_zlib_bomb_is_refused_within_a_few_mib() {
    let codec = Codec::flask("test key").build().unwrap();
    let cookie = {
        let bomb = Value::Dict(
            [("a", Value::from("a".repeat(32 << 20)))]
                .into_iter()
                .collect(),
        );
        codec.dump(&bomb, 1_700_000_000).unwrap()
    };
    assert!(
        cookie.len() < 65_536,
        "within the cookie cap: {} bytes",
        cookie.len()
    );
    assert_eq!(codec.verify(&cookie, 1_700_000_000), Ok(1_700_000_000));

    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let got = codec.open(&cookie, 1_700_000_000);
    let peak = PEAK.load(Ordering::SeqCst) - base;
    assert_eq!(
        got,
        Err(Error::BadPayload(PayloadError::InflatedTooLarge {
            limit: 1 << 20
        }))
    );
    println!(
        "opening a {}-byte cookie that inflates to 32 MiB: peak heap growth {peak} bytes",
        cookie.len()
    );
    // The 1 MiB of output, the buffer it grew from (half that) while growing, zlib state.
    assert!(peak < 2 << 20, "peak heap growth {peak} bytes");
}
