//! HTTP dates as Werkzeug writes (`http_date`) and reads (`parse_date`) them, for the `" d"` tag.

use crate::value::DateTime;

/// Appends `Tue, 02 Jan 2024 03:04:05 GMT` (Werkzeug's `http_date`) for `dt`.
pub fn format(dt: DateTime, out: &mut String) {
    let _ = (dt, out);
    todo!("http_date")
}

/// Werkzeug's `parse_date`: `None` when Python returns `None`.
pub fn parse(s: &crate::value::Text) -> Option<DateTime> {
    let _ = s;
    todo!("parse_date")
}
