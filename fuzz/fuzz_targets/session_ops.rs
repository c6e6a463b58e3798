//! Open -> ops -> save on any `Cookie` header, settings and view operations: no panic, and
//! what is saved opens again as the same session.
//!
//! Input (through `Unstructured`): the settings (cookie name, flags, lifetime, refresh, the
//! time, sometimes any text as the domain), up to 16 view operations with values from the shared value generator, then the rest
//! of the bytes as the `Cookie` header.
//!
//! Checked: `save_session` follows Flask's decision table (a cookie only for a modified or
//! refreshed permanent session, a deletion only for an emptied modified one, `Vary` whenever
//! accessed or written); a cookie it sets opens, with the same settings and time, to the same
//! session (canonical JSON).
#![no_main]

use arbitrary::Unstructured;
use flask_cookie::session::{open_session, save_session, SessionConfig};
use flask_cookie_fuzz as f;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["session", "sid", "__Host-s"];
const KEYS: [&str; 4] = ["a", "b", "_permanent", "\u{e9}"];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(name), Ok(flags), Ok(lifetime), Ok(now_off), Ok(n_ops)) = (
        u.choose(&NAMES),
        u.arbitrary::<u8>(),
        u.choose(&[0u64, 60, 2_678_400, 1 << 40]),
        u.int_in_range(0..=10_000_000u64),
        u.int_in_range(0..=16u8),
    ) else {
        return;
    };
    let now = f::NOW - 5_000_000 + now_off;
    // Any text as SESSION_COOKIE_DOMAIN (Werkzeug's trimming and IDNA): refused or not, no
    // panic.
    let any_domain: Option<String> = match flags >> 6 {
        0 => None,
        1 => Some(".example.com:80".to_owned()),
        _ => match u.arbitrary::<String>() {
            Ok(d) => Some(d),
            Err(_) => return,
        },
    };
    let fixed = flags >> 6 < 2;
    let Ok(config) = SessionConfig::flask(f::KEY)
        .cookie_name(*name)
        .httponly(flags & 1 == 0)
        .secure(flags & 2 != 0)
        .partitioned(flags & 4 != 0)
        .samesite([None, Some("lax"), Some("Strict"), Some("NONE")][usize::from(flags >> 3 & 3)])
        .refresh_each_request(flags & 32 == 0)
        .domain(any_domain.as_deref())
        .lifetime(*lifetime)
        .build()
    else {
        assert!(!fixed, "fixed settings build");
        return;
    };
    let mut ops = Vec::new();
    for _ in 0..n_ops {
        let (Ok(op), Ok(key)) = (u.int_in_range(0..=7u8), u.choose(&KEYS)) else {
            break;
        };
        let value = if matches!(op, 1 | 2) {
            match f::value(&mut u, 0) {
                Ok(v) => Some(v),
                Err(_) => break,
            }
        } else {
            None
        };
        ops.push((op, *key, value));
    }
    let header = u.take_rest();
    let Ok(mut session) = open_session(&config, &[header], now) else {
        return;
    };
    for (op, key, value) in ops {
        match (op, value) {
            (0, _) => {
                session.get(key);
            }
            (1, Some(v)) => {
                session.insert(key, v);
            }
            (2, Some(v)) => {
                session.setdefault(key, v);
            }
            (3, _) => {
                session.remove(key);
            }
            (4, _) => session.clear(),
            (5, _) => session.set_permanent(key.len() % 2 == 0),
            (6, _) => session.touch(),
            _ => session.mark_modified(),
        }
    }
    let Ok(out) = save_session(&config, &session, now) else {
        // Values Python cannot dump either (too deep...), or an Expires past 9999.
        return;
    };
    let empty = session.dict().is_empty();
    let should_set =
        session.is_modified() || (session.permanent() && config.refresh_each_request());
    assert_eq!(out.deletes_cookie, empty && session.is_modified());
    assert_eq!(
        out.set_cookie.is_some(),
        if empty {
            session.is_modified()
        } else {
            should_set
        }
    );
    assert!(!out.vary_cookie || session.is_accessed() || out.set_cookie.is_some());
    if out.set_cookie.is_some() {
        assert!(out.vary_cookie);
    }
    let (Some(set_cookie), false) = (out.set_cookie, out.deletes_cookie) else {
        return;
    };
    // The browser sends back `name=value`.
    let pair = set_cookie.split("; ").next().unwrap_or("");
    let back = open_session(&config, &[pair.as_bytes()], now).expect("a saved session opens");
    let codec = config.codec();
    if f::python_would_not_round_trip(&flask_cookie::Value::Dict(session.dict().clone()), true) {
        return;
    }
    assert_eq!(
        codec.dict_to_json(back.dict()).expect("writable"),
        codec.dict_to_json(session.dict()).expect("writable"),
    );
});
