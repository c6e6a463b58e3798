//! `uuid.UUID(hex)` (CPython 3.11.7) for the `" u"` tag.

use super::pyint::py_int;
use super::type_name;
use crate::value::Value;

/// `s.replace(pat, '')`: non-overlapping occurrences, left to right.
fn remove_all(s: &[u32], pat: &str) -> Vec<u32> {
    let pat: Vec<u32> = pat.chars().map(u32::from).collect();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(rest) = s.get(i..) {
        if rest.is_empty() {
            break;
        }
        if rest.starts_with(&pat) {
            i += pat.len();
        } else {
            out.extend(rest.first());
            i += 1;
        }
    }
    out
}

/// `UUID(value).int`, or Python's error.
pub(crate) fn parse(value: &Value) -> Result<u128, String> {
    let text = match value {
        Value::Str(t) | Value::Markup(t) => t,
        Value::None => return Err(
            "TypeError: one of the hex, bytes, bytes_le, fields, or int arguments must be given"
                .into(),
        ),
        Value::Bytes(_) => {
            return Err("TypeError: a bytes-like object is required, not 'str'".into())
        }
        v => {
            return Err(format!(
                "AttributeError: '{}' object has no attribute 'replace'",
                type_name(v)
            ))
        }
    };
    // Fast path: 32 hex digits, the form Flask writes. Python's steps change nothing in it
    // (no `urn:`, `uuid:`, braces or dashes; `int(hex, 16)` of plain hex digits), so the
    // result is the same.
    if let Some(s) = text.as_str() {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            if let Ok(n) = u128::from_str_radix(s, 16) {
                return Ok(n);
            }
        }
    }
    let cps: Vec<u32> = text.code_points().collect();
    let hex = remove_all(&remove_all(&cps, "urn:"), "uuid:");
    let brace = |c: &u32| *c == u32::from('{') || *c == u32::from('}');
    let start = hex.iter().position(|c| !brace(c)).unwrap_or(hex.len());
    let end = hex.iter().rposition(|c| !brace(c)).map_or(start, |e| e + 1);
    let hex: Vec<u32> = hex
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|&c| c != u32::from('-'))
        .collect();
    if hex.len() != 32 {
        return Err("ValueError: badly formed hexadecimal UUID string".into());
    }
    let n = py_int(&hex, 16).ok_or("ValueError: invalid literal for int() with base 16")?;
    match n.mag {
        Some(m) if !n.neg => Ok(m),
        _ => Err("ValueError: int is out of range (need a 128-bit value)".into()),
    }
}
