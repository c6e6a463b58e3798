//! `str(value)` as Python writes it, for the `" m"` tag (`Markup(value)`).

use std::fmt::Write;

use crate::value::{Text, Value};

/// `str(uuid)`: `12345678-1234-5678-1234-567812345678`.
pub(crate) fn uuid_str(u: u128, out: &mut String) {
    let h = format!("{u:032x}");
    for (i, c) in h.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(c);
    }
}

/// `repr(bytes)`: `b'...'`, or `b"..."` when the bytes hold `'` but no `"`.
pub(crate) fn bytes_repr(b: &[u8], out: &mut String) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.push('b');
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(c) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7E => out.push(char::from(c)),
            _ => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote);
}

/// `str(value)`; an error for list, tuple and dict (not supported: their `repr` needs Python's
/// `str.isprintable` tables).
pub(crate) fn py_str(value: &Value) -> Result<Text, super::Fail> {
    let mut out = String::new();
    match value {
        Value::Str(t) | Value::Markup(t) => return Ok(t.clone()),
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) if f.is_nan() => out.push_str("nan"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "inf" } else { "-inf" }),
        Value::Float(f) => crate::pyrepr::float_repr(*f, &mut out),
        Value::Uuid(u) => uuid_str(*u, &mut out),
        Value::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = crate::http_date::fields(*dt);
            let _ = write!(out, "{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}+00:00");
        }
        Value::Bytes(b) => bytes_repr(b, &mut out),
        v @ (Value::List(_) | Value::Tuple(_) | Value::Dict(_)) => {
            return Err(super::Fail::Unsupported(format!(
                "Markup() of a {} (Python writes its repr)",
                super::type_name(v)
            )))
        }
    }
    Ok(Text::from(out))
}
