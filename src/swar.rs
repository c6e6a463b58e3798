//! Eight bytes at a time ("SIMD within a register"), for the scans of a cookie's few hundred
//! bytes that look for a rare byte: a whole word is tested at once, and only a word the test
//! flags is looked at byte by byte.
//!
//! Each test sets the high bit of every byte it is about; a borrow can also set it in a byte
//! above a true one, never in a word with none. So a zero answer means "none in this word", and
//! a non-zero one "at least one".

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `chunk` as a word, the first byte lowest (`chunk` has eight bytes).
pub(crate) fn word(chunk: &[u8]) -> u64 {
    u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]))
}

/// Non-zero when a byte of `x` is below `n` (`n` at most 0x80).
pub(crate) fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH
}

/// Non-zero when a byte of `x` is 0x7F or above.
pub(crate) fn from_7f(x: u64) -> u64 {
    // The low seven bits plus one reach 0x80 only from 0x7F; the high bit is kept as it is.
    (((x & !HIGH) + ONES) | x) & HIGH
}

/// Non-zero when a byte of `x` is `c`.
pub(crate) fn equal(x: u64, c: u8) -> u64 {
    below(x ^ (ONES * u64::from(c)), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test against its byte-by-byte meaning, for every byte at every offset among
    /// neighbours of every kind.
    #[test]
    fn tests_agree_with_bytes() {
        for filler in [0x00, 0x20, 0x21, b';', 0x7E, 0x7F, 0x80, 0xFF] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut w = [filler; 8];
                    w[at] = b;
                    let x = u64::from_le_bytes(w);
                    for n in [0x01, 0x0A, 0x21, 0x80] {
                        assert_eq!(below(x, n) != 0, w.iter().any(|&c| c < n), "{w:?} < {n}");
                    }
                    assert_eq!(from_7f(x) != 0, w.iter().any(|&c| c >= 0x7F), "{w:?}");
                    for c in [b';', b'"', 0x00, 0xFF] {
                        assert_eq!(equal(x, c) != 0, w.contains(&c), "{w:?} == {c}");
                    }
                }
            }
        }
    }
}
