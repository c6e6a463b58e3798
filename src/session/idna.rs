//! `domain.encode("idna")`: Python's IDNA 2003 codec (`encodings.idna`), for the labels whose
//! `nameprep` this crate can do exactly (see `gen_idna_table.py`); others are refused.

use crate::session::idna_table::NAMEPREP_STABLE;
use crate::session::set_cookie::CookieError;

/// `true` for a non-ASCII code point `nameprep` leaves alone in any label.
fn nameprep_stable(c: char) -> bool {
    let cp = u32::from(c);
    NAMEPREP_STABLE
        .binary_search_by(|&(a, b)| {
            if b < cp {
                std::cmp::Ordering::Less
            } else if a > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Python's `encodings.idna.Codec.encode(domain)`, as text.
///
/// ASCII: as it is (case kept), each label but the last 1 to 63 characters, the last at most 63.
/// Otherwise the labels (split on `.`, `。`, `．`, `｡`; a trailing empty one kept as a final
/// dot) are each `ToASCII`'d and joined with `.`.
pub(crate) fn encode(domain: &str) -> Result<String, CookieError> {
    let label_error = || CookieError::DomainLabel(domain.to_owned());
    if domain.is_empty() {
        return Ok(String::new());
    }
    if domain.is_ascii() {
        let labels: Vec<&str> = domain.split('.').collect();
        if let Some((last, init)) = labels.split_last() {
            if init.iter().any(|l| l.is_empty() || l.len() >= 64) || last.len() >= 64 {
                return Err(label_error());
            }
        }
        return Ok(domain.to_owned());
    }
    let mut labels: Vec<&str> = domain
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last().is_some_and(|l| l.is_empty());
    if trailing_dot {
        labels.pop();
    }
    let mut out = String::new();
    for label in labels {
        if !out.is_empty() {
            out.push('.');
        }
        to_ascii(label, &mut out).map_err(|e| match e {
            LabelError::Unsupported => CookieError::NonAsciiDomain(domain.to_owned()),
            LabelError::Python => label_error(),
        })?;
    }
    if trailing_dot {
        out.push('.');
    }
    Ok(out)
}

enum LabelError {
    /// Python raises `UnicodeError` (empty or too long, ACE prefix).
    Python,
    /// A character whose `nameprep` the crate does not do.
    Unsupported,
}

/// `encodings.idna.ToASCII(label)`, appended to `out`.
fn to_ascii(label: &str, out: &mut String) -> Result<(), LabelError> {
    let fits = |n: usize| (1..64).contains(&n);
    // Step 1: an ASCII label is kept as it is.
    if label.is_ascii() {
        if !fits(label.len()) {
            return Err(LabelError::Python);
        }
        out.push_str(label);
        return Ok(());
    }
    // Step 2: nameprep, for the labels where it only lowercases ASCII letters (B.2).
    if !label
        .chars()
        .all(|c| matches!(c, ' '..='~') || (!c.is_ascii() && nameprep_stable(c)))
    {
        return Err(LabelError::Unsupported);
    }
    let prepped: String = label.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Step 4 does not apply: the label keeps a non-ASCII character. Step 5: the ACE prefix.
    if prepped.starts_with("xn--") {
        return Err(LabelError::Python);
    }
    // Every character gives at least one output character: a long label cannot fit (and
    // punycode's arithmetic stays small).
    if prepped.chars().count() >= 64 {
        return Err(LabelError::Python);
    }
    // Steps 6 to 8.
    let mut ace = String::from("xn--");
    punycode(&prepped, &mut ace);
    if !fits(ace.len()) {
        return Err(LabelError::Python);
    }
    out.push_str(&ace);
    Ok(())
}

/// RFC 3492 punycode of `input` (Python's `str.encode("punycode")`), appended to `out`.
fn punycode(input: &str, out: &mut String) {
    const BASE: u64 = 36;
    const TMIN: u64 = 1;
    const TMAX: u64 = 26;
    const SKEW: u64 = 38;
    const DAMP: u64 = 700;
    fn digit(d: u64) -> char {
        // 0..=25 are a..=z, 26..=35 are 0..=9.
        let d = u8::try_from(d).unwrap_or(0);
        char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
    }
    fn adapt(delta: u64, points: u64, first: bool) -> u64 {
        let mut delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points.max(1);
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }
    let cps: Vec<u64> = input.chars().map(|c| u64::from(u32::from(c))).collect();
    let basic: String = input.chars().filter(char::is_ascii).collect();
    let b = basic.len() as u64;
    out.push_str(&basic);
    if b > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut h) = (128u64, 0u64, 72u64, b);
    let total = cps.len() as u64;
    while h < total {
        let Some(m) = cps.iter().copied().filter(|&c| c >= n).min() else {
            break;
        };
        delta += (m - n) * (h + 1);
        n = m;
        for &c in &cps {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == b);
                delta = 0;
                h += 1;
            }
        }
        delta += 1;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python: `"bücher.de".encode("idna")` and friends.
    #[test]
    fn known_answers() {
        for (input, want) in [
            ("b\u{fc}cher.de", "xn--bcher-kva.de"),
            ("\u{2603}.com", "xn--n3h.com"),
            ("M\u{fc}nchen.DE", "xn--mnchen-3ya.DE"),
            ("\u{65e5}\u{672c}\u{3002}jp", "xn--wgv71a.jp"),
        ] {
            assert_eq!(encode(input).ok().as_deref(), Some(want), "{input}");
        }
        assert!(matches!(
            encode("\u{c9}.com"),
            Err(CookieError::NonAsciiDomain(_))
        ));
        assert!(matches!(
            encode("\u{fc}..de"),
            Err(CookieError::DomainLabel(_))
        ));
        assert!(matches!(
            encode("xn--\u{fc}.de"),
            Err(CookieError::DomainLabel(_))
        ));
    }
}
