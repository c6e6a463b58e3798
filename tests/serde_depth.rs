//! Depth and the typed API (feature `serde`): the depth limit is the reader's, skipping what a
//! type does not name never recurses, and a catch-all type (which serde deserializes by
//! recursion, one call per level) recurses at most `max_depth` levels whatever the input.
//! The cookies are those of tests/depth.rs, made by real Flask (tests/gen_depth_cookies.py).
#![cfg(feature = "serde")]

use flask_cookie::{Codec, Error, JsonErrorKind, PayloadError, Value};
use serde::de::IgnoredAny;

const NOW: u64 = 1_700_000_000;
/// Flask's session `{"a": [[...[{"b": (1, "x")}]...]]}`: exactly 400 levels.
const DEEP_400_COOKIE: &str = ".eJyrVkpUsooeBYMGVCslKVlVKymUAKPFUEepQim2tjZ2FAwaUAsACvQkOg.ZVPxAA.ifqmDwlEg98sfPxN78yh9MDYDnk";
/// `{"a":` + 34 000 `[` + 34 000 `]` + `}`.
const DEEP_34000_COOKIE: &str = ".eJztwTENADAIADAvyMDKwoEOMu_4IG0nOvIBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABnFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAcMZfrPV86Q.ZVPxAA.GXLQe6t6TCmfoMsfoZt4Y1KcCYk";

fn on_stack<T: Send + 'static>(kib: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(kib * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[derive(serde::Deserialize)]
struct Skips {
    #[allow(dead_code)]
    a: IgnoredAny,
}

#[test]
fn skipping_deep_values_needs_no_stack() {
    on_stack(64, || {
        let codec = Codec::flask("k").max_age(None).build().unwrap();
        assert!(codec.open_as::<Skips>(DEEP_400_COOKIE, NOW).is_ok());
        assert!(codec.open_as::<IgnoredAny>(DEEP_400_COOKIE, NOW).is_ok());
        for r in [
            codec.open_as::<Skips>(DEEP_34000_COOKIE, NOW).map(|_| ()),
            codec
                .open_as::<IgnoredAny>(DEEP_34000_COOKIE, NOW)
                .map(|_| ()),
        ] {
            assert!(
                matches!(&r, Err(Error::BadPayload(PayloadError::Json(e))) if matches!(e.kind, JsonErrorKind::TooDeep { limit: 400 })),
                "{r:?}"
            );
        }
    });
}

#[test]
fn a_catch_all_recurses_at_most_max_depth_levels() {
    // 400 levels of serde recursion fit in 2 MiB, Rust's default thread stack, even in a debug
    // build (512 KiB does not, measured); a deeper input stops at the limit on the way down,
    // so it needs no more.
    on_stack(2 * 1024, || {
        let codec = Codec::flask("k").max_age(None).build().unwrap();
        let v = codec.open_as::<Value>(DEEP_400_COOKIE, NOW).unwrap().value;
        assert_eq!(v, codec.open(DEEP_400_COOKIE, NOW).unwrap().value);
        let r = codec.open_as::<Value>(DEEP_34000_COOKIE, NOW);
        assert_eq!(
            r.map(|_| ()),
            codec.open(DEEP_34000_COOKIE, NOW).map(|_| ())
        );
    });
}
