//! Python's `repr(float)`: the shortest digits that round-trip, laid out as CPython's
//! `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)` does.
//!
//! A leaf module: the JSON writer ([`crate::json`]) and the tags' `str()` ([`crate::tag`]) both
//! use it, and it uses neither.

use std::fmt::Write;

/// Appends `repr(f)` (`1e+16`, `0.0001`, `-0.0`, `nan`, `inf`, `-inf`); see
/// [`crate::json::py_float_repr`].
pub(crate) fn float_repr(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("nan");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f < 0.0 { "-inf" } else { "inf" });
        return;
    }
    // Rust's `{:e}` writes the shortest round-trip digits (`-1.2345e-7`, `1e16`, `0e0`), but
    // when two candidates of that length are equally close it may pick the upper one, where
    // CPython's dtoa rounds half to even (`-1102828965828873.2`, not `.3`). The value
    // correctly rounded to that many digits (Rust rounds exact ties to even) is the nearest
    // candidate, so it round-trips too, and it is what CPython writes.
    let mut sci = String::with_capacity(32);
    let _ = write!(sci, "{f:e}");
    let digits = sci
        .bytes()
        .take_while(|&b| b != b'e')
        .filter(u8::is_ascii_digit)
        .count();
    sci.clear();
    let _ = write!(sci, "{f:.prec$e}", prec = digits.saturating_sub(1));
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (lead, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if neg {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(lead);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let _ = write!(out, "{:02}", exp.unsigned_abs());
    } else if exp >= 0 {
        // Digits before the point: `lead` and the first `exp` of `frac`, zero-padded.
        let exp = exp.unsigned_abs() as usize;
        out.push_str(lead);
        let int_frac = frac.get(..exp.min(frac.len())).unwrap_or("");
        out.push_str(int_frac);
        for _ in int_frac.len()..exp {
            out.push('0');
        }
        out.push('.');
        match frac.get(int_frac.len()..) {
            Some(rest) if !rest.is_empty() => out.push_str(rest),
            _ => out.push('0'),
        }
    } else {
        out.push_str("0.");
        for _ in 1..exp.unsigned_abs() {
            out.push('0');
        }
        out.push_str(lead);
        out.push_str(frac);
    }
}
