//! HTTP dates as Werkzeug writes (`http_date`) and reads (`parse_date`) them, for the `" d"` tag.
//!
//! [`parse`] is a port of `email._parseaddr._parsedate_tz` and `email.utils.parsedate_to_datetime`
//! (CPython 3.11.7) with all their leniencies: optional and misplaced day names and commas,
//! day and month in either order, RFC 850 `06-Nov-94` dates, time and year in either order,
//! `hh:mm`, `hh:mm:ss`, `hh.mm` and `hh.mm.ss` times, two-digit years (69-99 → 19xx, 0-68 →
//! 20xx), the named zones `_parseaddr` knows and `±hhmm` offsets (any integer Python's `int()`
//! reads, Unicode digits included). A date without a zone (or with `-0000`) is UTC.

use crate::tag::pyint::{is_digit, py_int, split_whitespace, PyInt};
use crate::value::{DateTime, Text};

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian `(year, month, day)` of a day count from 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is in 1..=31 and month in 1..=12, so both fit.
    (year, month as u32, day as u32)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Civil fields of a [`DateTime`]: `(year, month, day, hour, minute, second, weekday)` with
/// weekday 0 = Monday.
pub(crate) fn fields(dt: DateTime) -> (i64, u32, u32, u32, u32, u32, usize) {
    let secs = dt.unix();
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday (3).
    let weekday = (days + 3).rem_euclid(7) as usize;
    (
        y,
        m,
        d,
        (tod / 3600) as u32,
        (tod / 60 % 60) as u32,
        (tod % 60) as u32,
        weekday,
    )
}

/// Appends `Tue, 02 Jan 2024 03:04:05 GMT` (Werkzeug's `http_date`) for `dt`.
///
/// The year always has at least four digits (`%04d`), as Python writes it: `Mon, 01 Jan 0001
/// 00:00:00 GMT`.
pub fn format(dt: DateTime, out: &mut String) {
    use std::fmt::Write;
    let (y, m, d, hh, mm, ss, wd) = fields(dt);
    let day_name = DAY_NAMES.get(wd).copied().unwrap_or("Mon");
    let month_name = MONTH_NAMES
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("Jan");
    let Ok(year @ 0..=9999) = u32::try_from(y) else {
        // Outside a `DateTime`'s years; written as Python's `%04d` would be.
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "{day_name}, {d:02} {month_name} {y:04} {hh:02}:{mm:02}:{ss:02} GMT"
        );
        return;
    };
    // The same text as the `write!` above, digit by digit (no formatting machinery: this is on
    // every permanent session's `Set-Cookie`).
    let digits = |out: &mut String, n: u32, width: u32| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
        }
    };
    out.push_str(day_name);
    out.push_str(", ");
    digits(out, d, 2);
    out.push(' ');
    out.push_str(month_name);
    out.push(' ');
    digits(out, year, 4);
    out.push(' ');
    digits(out, hh, 2);
    out.push(':');
    digits(out, mm, 2);
    out.push(':');
    digits(out, ss, 2);
    out.push_str(" GMT");
}

/// Fast path for the exact text [`format`] writes (what Flask puts in a cookie): `Some` only
/// when `s` is `format(dt)` byte for byte with a four-digit year of 1000 or more. Python reads
/// such a text as that very instant (the year is taken as written, the day name is ignored, and
/// `GMT` is UTC), so [`parse`] would return the same `dt`; anything else is `None` and goes the
/// long way.
pub(crate) fn parse_canonical(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    if b.len() != 29 {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let month = MONTH_NAMES
        .iter()
        .position(|m| b.get(8..11) == Some(m.as_bytes()))?;
    let (day, year) = (num(5, 7)?, num(12, 16)?);
    let (hh, mm, ss) = (num(17, 19)?, num(20, 22)?, num(23, 25)?);
    let month = u32::try_from(month + 1).ok()?;
    if year < 1000 || day == 0 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss);
    let dt = DateTime::from_unix(secs)?;
    // What `format(dt)` writes around the fields checked above (the day name of `dt`, the
    // separators): compared in place rather than by writing it.
    let weekday = (days + 3).rem_euclid(7) as usize;
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let written = b.get(..3) == DAY_NAMES.get(weekday).map(|d| d.as_bytes())
        && b.get(3..5) == Some(b", ".as_slice())
        && at(7, b' ')
        && at(11, b' ')
        && at(16, b' ')
        && at(19, b':')
        && at(22, b':')
        && b.get(25..) == Some(b" GMT".as_slice());
    written.then_some(dt)
}

/// Werkzeug's `parse_date`: `None` when Python returns `None`.
///
/// Also `None` in the two cases where Python does not return `None` but the result cannot be a
/// [`DateTime`]: the date is valid in its own zone but outside years 1..=9999 once converted to
/// UTC (Python returns it; re-encoding it would raise `OverflowError`), and a field too large for
/// a C `int` or an offset too large for a `timedelta` (Python raises `OverflowError`).
/// [`crate::tag::untag`] reports both as errors.
pub fn parse(s: &Text) -> Option<DateTime> {
    let cps: Vec<u32> = s.code_points().collect();
    match parse_code_points(&cps) {
        Parsed::Date(dt) => Some(dt),
        Parsed::Invalid | Parsed::OutOfRange(_) | Parsed::Raises(_) => None,
    }
}

/// What Werkzeug's `parse_date` does with a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// A datetime (converted to UTC).
    Date(DateTime),
    /// Python returns `None` (the string does not parse: `TypeError`/`ValueError` inside).
    Invalid,
    /// Python returns an aware datetime whose UTC instant is outside years 1..=9999.
    OutOfRange(String),
    /// Python raises something else than `TypeError`/`ValueError` (the message says what).
    Raises(String),
}

fn eq_ignore_ascii_case(token: &[u32], name: &str) -> bool {
    token.len() == name.len()
        && token
            .iter()
            .zip(name.bytes())
            .all(|(&c, b)| u8::try_from(c).is_ok_and(|c| c.to_ascii_lowercase() == b))
}

/// `s.lower() in names` for ASCII lower-case `names`: only ASCII letters lower-case to ASCII
/// (but U+212A KELVIN SIGN → `k`, which no name holds), so a non-ASCII code point never matches.
fn lower_index(s: &[u32], names: &[&str]) -> Option<usize> {
    names.iter().position(|n| eq_ignore_ascii_case(s, n))
}

const PY_DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PY_MONTH_NAMES: [&str; 24] = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// `_parseaddr._timezones`, in hhmm form.
const PY_TIMEZONES: [(&str, i64); 14] = [
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("AST", -400),
    ("ADT", -300),
    ("EST", -500),
    ("EDT", -400),
    ("CST", -600),
    ("CDT", -500),
    ("MST", -700),
    ("MDT", -600),
    ("PST", -800),
    ("PDT", -700),
];

/// `s.upper()` when it is all ASCII (`None` otherwise). Beyond ASCII letters, the code points
/// whose upper case is ASCII (CPython 3.11, Unicode 14): `ß`, `ı`, `ſ` and the Latin ligatures
/// U+FB00..U+FB06.
fn upper_ascii(s: &[u32]) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        match c {
            0..=0x7F => out.push(char::from(u8::try_from(c).ok()?).to_ascii_uppercase()),
            0xDF => out.push_str("SS"),
            0x131 => out.push('I'),
            0x17F => out.push('S'),
            0xFB00 => out.push_str("FF"),
            0xFB01 => out.push_str("FI"),
            0xFB02 => out.push_str("FL"),
            0xFB03 => out.push_str("FFI"),
            0xFB04 => out.push_str("FFL"),
            0xFB05 | 0xFB06 => out.push_str("ST"),
            _ => return None,
        }
    }
    Some(out)
}

fn find(s: &[u32], c: char) -> Option<usize> {
    s.iter().position(|&x| x == u32::from(c))
}

fn ends_with(s: &[u32], c: char) -> bool {
    s.last() == Some(&u32::from(c))
}

/// Drops the last code point (`s[:-1]`).
fn drop_last(s: &[u32]) -> &[u32] {
    s.split_last().map_or(s, |(_, rest)| rest)
}

/// `int(s)` as an `i64`; `Err(None)` for `ValueError`, `Err(Some(()))` when the value does not
/// fit (a C `int` conversion would then raise `OverflowError`).
fn int10(s: &[u32]) -> Result<i64, Option<()>> {
    match py_int(s, 10) {
        None => Err(None),
        Some(v) => v.to_i64().ok_or(Some(())),
    }
}

/// `tzsign * ((t // 100) * 3600 + (t % 100) * 60)` for `t = abs(offset)`; saturates (any
/// saturated value is far beyond what `timedelta` accepts).
fn hhmm_to_secs(t: u128, neg: bool) -> i128 {
    let secs = (t / 100)
        .saturating_mul(3600)
        .saturating_add((t % 100) * 60);
    let secs = i128::try_from(secs).unwrap_or(i128::MAX);
    if neg {
        -secs
    } else {
        secs
    }
}

/// The port of `_parsedate_tz` + `parsedate_to_datetime` + Werkzeug's `parse_date` on a string.
pub(crate) fn parse_code_points(input: &[u32]) -> Parsed {
    let index_error = || Parsed::Raises("IndexError: string index out of range".into());
    if input.is_empty() {
        return Parsed::Invalid;
    }
    let mut data: Vec<&[u32]> = split_whitespace(input);
    let Some(&first) = data.first() else {
        return Parsed::Invalid;
    };
    if ends_with(first, ',') || lower_index(first, &PY_DAY_NAMES).is_some() {
        data.remove(0);
    } else if let Some(i) = first.iter().rposition(|&c| c == u32::from(',')) {
        if let Some(slot) = data.first_mut() {
            *slot = first.get(i + 1..).unwrap_or(&[]);
        }
    }
    if let [d0, ref rest @ ..] = data[..] {
        if rest.len() == 2 {
            let stuff: Vec<&[u32]> = d0.split(|&c| c == u32::from('-')).collect();
            if stuff.len() == 3 {
                let mut v = stuff;
                v.extend_from_slice(rest);
                data = v;
            }
        }
    }
    if let [a, b, c, s] = data[..] {
        let i = find(s, '+').or_else(|| find(s, '-'));
        data = match i {
            Some(i) if i > 0 => {
                let (t, z) = s.split_at(i);
                vec![a, b, c, t, z]
            }
            _ => vec![a, b, c, s, &[]],
        };
    }
    let [mut dd, mm, mut yy, mut tm, mut tz, ..] = data[..] else {
        return Parsed::Invalid;
    };
    if dd.is_empty() || mm.is_empty() || yy.is_empty() {
        return Parsed::Invalid;
    }
    let month_index = match lower_index(mm, &PY_MONTH_NAMES) {
        Some(i) => i,
        None => {
            // `dd, mm = mm, dd.lower()`: lower-casing changes no digit, sign or comma.
            let old_dd = dd;
            dd = mm;
            match lower_index(old_dd, &PY_MONTH_NAMES) {
                Some(i) => i,
                None => return Parsed::Invalid,
            }
        }
    };
    // month_index < 24.
    let month = (month_index % 12 + 1) as u32;
    if ends_with(dd, ',') {
        dd = drop_last(dd);
    }
    if find(yy, ':').is_some_and(|i| i > 0) {
        std::mem::swap(&mut yy, &mut tm);
    }
    match yy.last() {
        None => return index_error(),
        Some(&c) if c == u32::from(',') => {
            yy = drop_last(yy);
            if yy.is_empty() {
                return Parsed::Invalid;
            }
        }
        Some(_) => {}
    }
    match yy.first() {
        None => return index_error(),
        Some(&c) if !is_digit(c) => std::mem::swap(&mut yy, &mut tz),
        Some(_) => {}
    }
    match tm.last() {
        None => return index_error(),
        Some(&c) if c == u32::from(',') => tm = drop_last(tm),
        Some(_) => {}
    }
    let zero: &[u32] = &[0x30];
    let parts: Vec<&[u32]> = tm.split(|&c| c == u32::from(':')).collect();
    let (thh, tmm, tss) = match parts[..] {
        [h, m] => (h, m, zero),
        [h, m, s] => (h, m, s),
        [one] if find(one, '.').is_some() => {
            let dots: Vec<&[u32]> = one.split(|&c| c == u32::from('.')).collect();
            match dots[..] {
                [h, m] => (h, m, zero),
                [h, m, s] => (h, m, s),
                _ => return Parsed::Invalid,
            }
        }
        _ => return Parsed::Invalid,
    };
    // `int()` never overflows in Python: any ValueError makes the whole parse None.
    let ints = [int10(yy), int10(dd), int10(thh), int10(tmm), int10(tss)];
    if ints.contains(&Err(None)) {
        return Parsed::Invalid;
    }
    // What is left of the errors are values beyond i64: i64::MAX stands for them (it fails the
    // C int check below just as well).
    let [year, day, hour, minute, second] = ints.map(|r| r.unwrap_or(i64::MAX));
    let year = if year < 100 {
        if year > 68 {
            year + 1900
        } else {
            year + 2000
        }
    } else {
        year
    };
    // The zone: `None` means naive (UTC for Werkzeug).
    let named =
        upper_ascii(tz).and_then(|u| PY_TIMEZONES.iter().find(|(n, _)| *n == u).map(|&(_, v)| v));
    let offset_secs: Option<Option<i128>> = match named {
        Some(v) => Some(Some(hhmm_to_secs(v.unsigned_abs().into(), v < 0))),
        None => match py_int(tz, 10) {
            None => None,
            Some(PyInt { mag: Some(0), .. }) if tz.first() == Some(&u32::from('-')) => None,
            Some(PyInt { neg, mag }) => Some(mag.map(|m| hhmm_to_secs(m, neg))),
        },
    };
    // `timezone(timedelta(seconds=tz))` is evaluated before `datetime(...)`.
    let offset = match offset_secs {
        None => None,
        Some(None) => {
            return Parsed::Raises("OverflowError: time zone offset too large for timedelta".into())
        }
        Some(Some(s)) => {
            let days = s.div_euclid(86_400);
            if !(-999_999_999..=999_999_999).contains(&days) {
                return Parsed::Raises(format!(
                    "OverflowError: days={days}; must have magnitude <= 999999999"
                ));
            }
            if s.abs() >= 86_400 {
                return Parsed::Invalid;
            }
            // |s| < 86400.
            Some(s as i64)
        }
    };
    if ![year, day, hour, minute, second]
        .into_iter()
        .all(|v| i32::try_from(v).is_ok())
    {
        return Parsed::Raises("OverflowError: a date field does not fit in a C int".into());
    }
    let month_days = i64::from(days_in_month(year, month));
    if !(1..=9999).contains(&year)
        || !(1..=month_days).contains(&day)
        || !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0..60).contains(&second)
    {
        return Parsed::Invalid;
    }
    // All in range now: day fits u32.
    let local =
        days_from_civil(year, month, day as u32) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset.unwrap_or(0);
    match DateTime::from_unix(utc) {
        Some(dt) => Parsed::Date(dt),
        None => Parsed::OutOfRange(format!(
            "the date is outside years 1..=9999 once converted to UTC (offset {} s)",
            offset.unwrap_or(0)
        )),
    }
}

#[cfg(test)]
mod canonical_tests {
    use super::*;

    /// The fast path agrees with the full port of Python's parser on every text `format`
    /// writes (sampled across the whole range), and declines everything else it is not sure of.
    #[test]
    fn parse_canonical_agrees_with_the_full_parser() {
        let mut checked = 0;
        let mut secs = DateTime::MIN_UNIX;
        while secs <= DateTime::MAX_UNIX {
            let dt = DateTime::from_unix(secs).unwrap();
            let mut text = String::new();
            format(dt, &mut text);
            let cps: Vec<u32> = text.chars().map(u32::from).collect();
            let full = parse_code_points(&cps);
            match parse_canonical(&text) {
                Some(fast) => {
                    assert_eq!(full, Parsed::Date(fast), "{text}");
                    assert_eq!(fast, dt, "{text}");
                    checked += 1;
                }
                None => assert!(fields(dt).0 < 1000, "declined {text}"),
            }
            secs += 86_400 * 37 + 3_601 * 7 + 13;
        }
        assert!(checked > 50_000, "{checked}");
        for text in [
            "Wed, 14 Nov 2023 22:13:20 GMT", // wrong day name
            "Tue, 14 nov 2023 22:13:20 GMT",
            "Tue, 14 Nov 2023 22:13:20 UTC",
            "Tue, 14 Nov 2023 24:13:20 GMT",
            "Tue, 31 Nov 2023 22:13:20 GMT",
            "Mon, 01 Jan 0999 00:00:00 GMT",
            "Tue,  14 Nov 2023 22:13:20 GMT",
        ] {
            assert_eq!(parse_canonical(text), None, "{text}");
        }
        assert!(parse_canonical("Tue, 14 Nov 2023 22:13:20 GMT").is_some());
    }
}
