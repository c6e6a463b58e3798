//! Werkzeug's `parse_date` (the `" d"` tag) on arbitrary text: no panic; a parsed date
//! formats to an HTTP date that parses back to the same instant, except, by rule, a date before
//! the year 100: Werkzeug writes `0099` and reads it back as 1999 (`parse_date("Thu, 31 Dec
//! 0099 23:58:00 GMT")` is 1999-12-31 in Werkzeug 3.1.8), and the crate does the same.
#![no_main]

use flask_cookie::{http_date, Text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Arbitrary code points (lone surrogates included) as 3-byte groups, or UTF-8 text as is.
    let text = match std::str::from_utf8(data) {
        Ok(s) => Text::from(s),
        Err(_) => {
            let cps = data
                .chunks(3)
                .map(|c| c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) % 0x11_0000);
            Text::from_code_points(cps).expect("below U+110000")
        }
    };
    if let Some(dt) = http_date::parse(&text).filter(|d| d.unix() >= flask_cookie_fuzz::YEAR_100) {
        let mut s = String::new();
        http_date::format(dt, &mut s);
        assert_eq!(http_date::parse(&Text::from(s.as_str())), Some(dt), "{s}");
    }
});
