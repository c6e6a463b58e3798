//! The `Cookie` header reader on any bytes: no panic, and its answers agree with each other.
//!
//! Input: a first byte, then the header bytes; when the first byte is odd the rest is several
//! header values separated by NUL bytes.
//!
//! Checked: every cookie has a non-empty name with no surrounding Python whitespace, no `;`
//! and no `=`; `cookie_value` gives each name's first value; joining the values with `;` first
//! gives the same cookies as passing them separately.
#![no_main]

use flask_cookie::session::{cookie_value, parse_cookie, parse_cookie_headers};
use libfuzzer_sys::fuzz_target;

fn py_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..=' ' | '\u{85}' | '\u{a0}')
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let headers: Vec<&[u8]> = if mode % 2 == 1 {
        rest.split(|&b| b == 0).collect()
    } else {
        vec![rest]
    };
    let cookies = parse_cookie_headers(&headers);
    assert_eq!(cookies, parse_cookie(&headers.join(&b";"[..])));
    for (name, _) in &cookies {
        assert!(!name.is_empty());
        assert!(
            !name.starts_with(py_space) && !name.ends_with(py_space),
            "{name:?}"
        );
        assert!(!name.contains(';') && !name.contains('='), "{name:?}");
        assert!(name.chars().all(|c| u32::from(c) <= 0xFF));
        let first = cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone());
        assert_eq!(cookie_value(&headers, name), first);
    }
});
