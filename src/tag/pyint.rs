//! Python's `int(str, base)` for bases 10 and 16, and the few `str` predicates the date parser
//! and `UUID()` need, on code points.

use super::unicode_tables::{DECIMAL, DIGIT, SPACE};

/// `str.isspace()` for one code point (what `str.split()` and `str.strip()` use).
pub(crate) fn is_space(cp: u32) -> bool {
    SPACE.binary_search(&cp).is_ok()
}

/// `str.isdigit()` for one code point.
pub(crate) fn is_digit(cp: u32) -> bool {
    in_ranges(DIGIT, cp)
}

fn in_ranges(table: &[(u32, u32)], cp: u32) -> bool {
    let i = table.partition_point(|&(_, last)| last < cp);
    table.get(i).is_some_and(|&(first, _)| first <= cp)
}

/// `unicodedata.decimal(c)` for a non-ASCII code point.
fn decimal(cp: u32) -> Option<u8> {
    let i = DECIMAL.partition_point(|&(_, last, _)| last < cp);
    let &(first, _, value) = DECIMAL.get(i)?;
    let offset = cp.checked_sub(first)?;
    u8::try_from(offset).ok().map(|o| value.wrapping_add(o))
}

/// Python's `str.split()` with no argument: runs of whitespace separate, none kept.
pub(crate) fn split_whitespace(s: &[u32]) -> Vec<&[u32]> {
    s.split(|&c| is_space(c))
        .filter(|t| !t.is_empty())
        .collect()
}

/// An integer parsed by [`py_int`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PyInt {
    /// Below zero (never set for zero).
    pub neg: bool,
    /// The magnitude, or `None` when it does not fit in `u128`.
    pub mag: Option<u128>,
}

impl PyInt {
    /// The value as `i64`, `None` when it does not fit.
    pub fn to_i64(self) -> Option<i64> {
        let m = i128::try_from(self.mag?).ok()?;
        i64::try_from(if self.neg { -m } else { m }).ok()
    }
}

/// CPython's default `sys.get_int_max_str_digits()`.
const MAX_STR_DIGITS: usize = 4300;

/// Python 3.11's `int(s, base)` for `base` 10 or 16; `None` where Python raises `ValueError`.
///
/// As CPython does: non-ASCII whitespace becomes a space and non-ASCII decimal digits become
/// ASCII digits (any other non-ASCII code point is invalid); then surrounding ASCII whitespace
/// (`" \t\n\v\f\r"`), a sign, for base 16 an optional `0x`/`0X` prefix followed by at most one
/// underscore, and digits with single underscores between them. Base 10 refuses more than 4300
/// digits.
pub(crate) fn py_int(s: &[u32], base: u32) -> Option<PyInt> {
    let bytes: Vec<u8> = s
        .iter()
        .map(|&c| match u8::try_from(c) {
            Ok(b) if b < 0x80 => b,
            _ if is_space(c) => b' ',
            _ => decimal(c).map_or(b'?', |d| b'0'.wrapping_add(d)),
        })
        .collect();
    let c_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let start = bytes.iter().position(|b| !c_space(b))?;
    let end = bytes.iter().rposition(|b| !c_space(b))? + 1;
    let mut rest = bytes.get(start..end)?;
    let mut neg = false;
    if let Some((&sign, tail)) = rest.split_first() {
        if sign == b'+' || sign == b'-' {
            neg = sign == b'-';
            rest = tail;
        }
    }
    if base == 16 {
        if let [b'0', b'x' | b'X', tail @ ..] = rest {
            rest = tail;
            if let [b'_', tail @ ..] = rest {
                rest = tail;
            }
        }
    }
    if rest.first() == Some(&b'_') || rest.is_empty() {
        return None;
    }
    let mut mag: Option<u128> = Some(0);
    let mut digits = 0usize;
    let mut prev_underscore = false;
    for &b in rest {
        if b == b'_' {
            if prev_underscore {
                return None;
            }
            prev_underscore = true;
            continue;
        }
        prev_underscore = false;
        let d = char::from(b).to_digit(base)?;
        digits += 1;
        mag = mag
            .and_then(|m| m.checked_mul(u128::from(base)))
            .and_then(|m| m.checked_add(u128::from(d)));
    }
    if prev_underscore || (base == 10 && digits > MAX_STR_DIGITS) {
        return None;
    }
    Some(PyInt {
        neg: neg && mag != Some(0),
        mag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    #[test]
    fn tables_are_sorted() {
        assert!(SPACE.windows(2).all(|w| w[0] < w[1]));
        assert!(DIGIT.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(DECIMAL.windows(2).all(|w| w[0].1 < w[1].0));
    }

    /// Known answers from Python 3.11.7 (`int(s, base)`).
    #[test]
    fn known_answers() {
        let cases: [(&str, u32, Option<i64>); 14] = [
            (" 5 ", 10, Some(5)),
            ("\u{a0}5", 16, Some(5)),
            ("\u{1c}5", 10, None),
            ("0x_ff", 16, Some(255)),
            ("0x_ff", 10, None),
            ("0_x5", 16, None),
            ("+0xff", 16, Some(255)),
            ("- 5", 10, None),
            ("٢٠٢٤", 10, Some(2024)),
            ("٢٠٢٤", 16, Some(8228)),
            ("0xＦＦ", 16, None),
            ("1__0", 10, None),
            ("1_0", 10, Some(10)),
            ("-0", 10, Some(0)),
        ];
        for (s, base, want) in cases {
            let got = py_int(&cps(s), base).and_then(PyInt::to_i64);
            assert_eq!(got, want, "int({s:?}, {base})");
        }
        assert!(py_int(&cps(&"1".repeat(4300)), 10).is_some());
        assert!(py_int(&cps(&"1".repeat(4301)), 10).is_none());
        assert!(py_int(&cps(&"1".repeat(4301)), 16).is_some());
    }
}
