//! `zlib.compress(data)` for session-sized data, in Rust: zlib's level-6 deflate (`deflate.c`'s
//! `deflate_slow` and `longest_match`, `trees.c`'s block choice and Huffman codes), ported so
//! that it writes the bytes zlib writes, without zlib's per-stream set-up.
//!
//! Why: Flask runs `zlib.compress` on every session it writes, and keeps the result only when it
//! is shorter than the JSON minus one byte. zlib's set-up alone (clearing its 64 KiB hash table,
//! initialising its trees) cost more than the rest of a visit's session work
//! (docs/performance.md). This port answers "how long is zlib's output?" before writing any of
//! it, and clears only the hash entries the previous call used.
//!
//! The port covers one case of zlib, the one Flask's payloads hit: a fresh stream (`zlib.compress`,
//! level 6, window bits 15, memLevel 8, the default strategy) over at most [`MAX_INPUT`] bytes,
//! all given at once with `Z_FINISH`. In that case zlib writes exactly one block, never slides
//! its window, and never reaches a distance limit. Longer data goes to zlib itself
//! (`crate::payload`).
//!
//! Checked byte for byte against zlib (the library CPython's `zlib` module links) by the tests
//! below, which also assert that every branch of the algorithm was taken, by
//! `tests/deflate_zlib.rs` (vectors written by CPython) and by the `deflate` fuzz target.

mod trees;

use trees::Trees;

/// The longest input handled here: with at most 16 382 symbols (each byte at most one), zlib's
/// symbol buffer (`lit_bufsize - 1` = 16 383 entries at memLevel 8) never fills, so zlib writes a
/// single block; and the window (32 KiB) never slides.
pub(crate) const MAX_INPUT: usize = 16_382;

const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// zlib's hash: 15 bits (memLevel 8 + 7), shifted by 5 per byte, so the hash of a position is
/// a function of its three bytes alone.
const HASH_MASK: usize = (1 << 15) - 1;
/// Level 6 in zlib's `configuration_table`: good_length 8, max_lazy 16, nice_length 128,
/// max_chain 128, `deflate_slow`.
const GOOD_LENGTH: usize = 8;
const MAX_LAZY: usize = 16;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: usize = 128;
/// Matches of length 3 farther than this are dropped (zlib's `TOO_FAR`).
const TOO_FAR: usize = 4096;
/// zlib reads up to `MAX_MATCH` bytes past the current position; past the data its window holds
/// zeros there (`WIN_INIT`). The comparisons that reach them cannot change the output (zlib
/// caps `nice_match` at the lookahead), but they are made, so the buffer has them.
/// (`longest_match` views 512 bytes from each position, so that its reads need no bounds check.)
const PADDING: usize = SPAN;
/// What `longest_match` views from a position: a power of two above `MAX_MATCH`.
const SPAN: usize = 512;

/// zlib's `UPDATE_HASH`: the hash `h` rolled on by byte `c`. After three bytes it is a function
/// of those three bytes alone (each step shifts the oldest one further out of the 15 bits).
fn update_hash(h: usize, c: u8) -> usize {
    ((h << 5) ^ usize::from(c)) & HASH_MASK
}

/// Entries in `prev`: one per position (`MAX_INPUT` < 2^14).
const PREV_SIZE: usize = 1 << 14;

/// Which branches of the algorithm ran (tests assert that each was exercised; counted in
/// test builds only).
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Coverage {
    pub stored: u32,
    pub fixed: u32,
    pub dynamic: u32,
    pub too_far: u32,
    pub lazy: u32,
    pub nice: u32,
    pub chain_end: u32,
    pub overflow: u32,
}

#[cfg(test)]
thread_local! {
    pub(crate) static COVERAGE: std::cell::Cell<Coverage> =
        std::cell::Cell::new(Coverage::default());
}

#[cfg(test)]
fn covered(f: impl FnOnce(&mut Coverage)) {
    COVERAGE.with(|c| {
        let mut v = c.get();
        f(&mut v);
        c.set(v);
    });
}
#[cfg(not(test))]
#[inline(always)]
fn covered(_: impl FnOnce(&mut Coverage)) {}

/// One deflate state, reused from call to call (kept per thread by `crate::payload`).
pub(crate) struct Deflater {
    /// The data, then `PADDING` zeros.
    window: Vec<u8>,
    /// Length of the data in `window`.
    len: usize,
    /// zlib's `head`: the last position with each hash, as `generation << 16 | position`; an
    /// entry of another generation (an earlier call) is zlib's 0, none. This replaces zlib's
    /// clearing of the table for each stream.
    head: Box<[u32; HASH_MASK + 1]>,
    /// This call's generation (never 0, the value of an entry never written).
    generation: u32,
    /// zlib's `prev`: for each position, the previous one with the same hash. No clearing
    /// needed: a position's entry is written when the position is inserted, before any chain
    /// reaches it.
    prev: Box<[u16; PREV_SIZE]>,
    /// zlib's `ins_h`: the rolling hash, at the last inserted position.
    ins_h: usize,
    /// The symbols of the block: `dist << 8 | lc` (zlib's `sym_buf`; dist 0 = literal `lc`).
    syms: Vec<u32>,
    trees: Box<Trees>,
}

impl Deflater {
    pub(crate) fn new() -> Self {
        Self {
            window: Vec::new(),
            len: 0,
            head: trees::boxed_zeros(),
            generation: 0,
            prev: trees::boxed_zeros(),
            ins_h: 0,
            syms: Vec::new(),
            trees: Box::default(),
        }
    }

    /// Appends `zlib.compress(data)` to `out` when it is shorter than `limit` bytes, and says
    /// whether it did; `None` (nothing appended) when `data` is longer than [`MAX_INPUT`].
    pub(crate) fn compress_if_shorter(
        &mut self,
        data: &[u8],
        limit: usize,
        out: &mut Vec<u8>,
    ) -> Option<bool> {
        if data.len() > MAX_INPUT {
            return None;
        }
        self.load(data);
        self.parse();
        let n = self.len;
        let block = self.trees.plan(&self.syms, n);
        // zlib's wrapper: a 2-byte header and a 4-byte adler32.
        let total = 2 + block.bytes(n) + 4;
        if total >= limit {
            return Some(false);
        }
        let start = out.len();
        out.reserve(total);
        out.extend_from_slice(&[0x78, 0x9c]);
        let data = self.window.get(..n).unwrap_or_default();
        self.trees.write(block, &self.syms, data, out);
        out.extend_from_slice(&adler32(data).to_be_bytes());
        debug_assert_eq!(out.len() - start, total);
        Some(true)
    }

    /// Starts a new generation of the hash table, and puts `data` in the window.
    fn load(&mut self, data: &[u8]) {
        self.generation += 1;
        if self.generation > 0xffff {
            // Once in 65 535 calls: entries of this generation number may remain from 65 535
            // calls ago.
            self.head.fill(0);
            self.generation = 1;
        }
        self.window.clear();
        self.window.extend_from_slice(data);
        self.window.resize(data.len() + PADDING, 0);
        self.len = data.len();
        // As `fill_window` starts the hash on the first two bytes.
        if let [a, b, ..] = data {
            self.ins_h = update_hash(usize::from(*a), *b);
        }
        self.syms.clear();
    }

    /// zlib's `INSERT_STRING`: links position `pos` into its hash chain and returns the chain's
    /// previous head. Called for every position from 0 to `len - 3` in order, as zlib does, so
    /// that the rolling hash is the hash of the three bytes at `pos`.
    fn insert(&mut self, pos: usize) -> usize {
        let c = self.window.get(pos + 2).copied().unwrap_or(0);
        self.ins_h = update_hash(self.ins_h, c);
        let Some(slot) = self.head.get_mut(self.ins_h) else {
            return 0;
        };
        let previous = if *slot >> 16 == self.generation {
            (*slot & 0xffff) as u16
        } else {
            0
        };
        // Positions are below MAX_INPUT < 2^14.
        *slot = self.generation << 16 | pos as u32;
        if let Some(p) = self.prev.get_mut(pos % PREV_SIZE) {
            *p = previous;
        }
        usize::from(previous)
    }

    /// zlib's `deflate_slow` over the whole data with `Z_FINISH`: the LZ77 symbols of the block,
    /// with lazy matching.
    fn parse(&mut self) {
        let n = self.len;
        let mut strstart = 0usize;
        let mut lookahead = n;
        let mut match_length = MIN_MATCH - 1;
        let mut match_start = 0usize;
        let mut match_available = false;
        while lookahead != 0 {
            let mut hash_head = 0;
            if lookahead >= MIN_MATCH {
                hash_head = self.insert(strstart);
            }
            let prev_length = match_length;
            let prev_match = match_start;
            match_length = MIN_MATCH - 1;
            // (zlib also requires strstart - hash_head <= MAX_DIST, always true here.)
            if hash_head != 0 && prev_length < MAX_LAZY {
                match_length = self.longest_match(
                    strstart,
                    lookahead,
                    prev_length,
                    hash_head,
                    &mut match_start,
                );
                if match_length == MIN_MATCH && strstart - match_start > TOO_FAR {
                    covered(|c| c.too_far += 1);
                    match_length = MIN_MATCH - 1;
                }
            }
            if prev_length >= MIN_MATCH && match_length <= prev_length {
                // Emit the previous match; insert the strings it covers.
                let max_insert = strstart + lookahead - MIN_MATCH;
                self.syms.push(
                    ((strstart - 1 - prev_match) as u32) << 8 | (prev_length - MIN_MATCH) as u32,
                );
                lookahead -= prev_length - 1;
                for _ in 0..prev_length - 2 {
                    strstart += 1;
                    if strstart <= max_insert {
                        self.insert(strstart);
                    }
                }
                match_available = false;
                match_length = MIN_MATCH - 1;
                strstart += 1;
            } else if match_available {
                if prev_length >= MIN_MATCH {
                    covered(|c| c.lazy += 1);
                }
                self.push_literal(strstart - 1);
                strstart += 1;
                lookahead -= 1;
            } else {
                match_available = true;
                strstart += 1;
                lookahead -= 1;
            }
        }
        if match_available {
            self.push_literal(strstart - 1);
        }
    }

    fn push_literal(&mut self, pos: usize) {
        let byte = self.window.get(pos).copied().unwrap_or(0);
        self.syms.push(u32::from(byte));
    }

    /// zlib's `longest_match` (the byte-by-byte version): walks the hash chain from `cur`, at
    /// most `MAX_CHAIN` positions (a quarter when the previous match is already good), and
    /// returns the longest match found if it beats `prev_length`, capped at the lookahead.
    fn longest_match(
        &self,
        strstart: usize,
        lookahead: usize,
        prev_length: usize,
        mut cur: usize,
        match_start: &mut usize,
    ) -> usize {
        let w = self.window.as_slice();
        // The SPAN bytes from a position (the window has SPAN bytes of padding), read at
        // `i % SPAN`: in bounds for every index below, without a check.
        let view = |pos: usize| -> &[u8; SPAN] {
            w.get(pos..pos + SPAN)
                .and_then(|v| v.try_into().ok())
                .unwrap_or(&[0; SPAN])
        };
        let at = |v: &[u8; SPAN], i: usize| v.get(i % SPAN).copied().unwrap_or(0);
        let mut chain = if prev_length >= GOOD_LENGTH {
            MAX_CHAIN >> 2
        } else {
            MAX_CHAIN
        };
        let nice = NICE_LENGTH.min(lookahead);
        let mut best_len = prev_length;
        let scan = view(strstart);
        loop {
            let m = cur;
            let here = view(m);
            if at(here, best_len) == at(scan, best_len)
                && at(here, best_len - 1) == at(scan, best_len - 1)
                && at(here, 0) == at(scan, 0)
                && at(here, 1) == at(scan, 1)
            {
                // The third bytes are equal: same hash, same first two bytes.
                let len = match (scan.get(3..MAX_MATCH), here.get(3..MAX_MATCH)) {
                    (Some(s), Some(t)) => 3 + common_prefix(s, t),
                    _ => 0,
                };
                if len > best_len {
                    *match_start = m;
                    best_len = len;
                    if len >= nice {
                        covered(|c| c.nice += 1);
                        break;
                    }
                }
            }
            cur = self.prev.get(m % PREV_SIZE).map_or(0, |&p| usize::from(p));
            chain -= 1;
            if cur == 0 || chain == 0 {
                if chain == 0 {
                    covered(|c| c.chain_end += 1);
                }
                break;
            }
        }
        best_len.min(lookahead)
    }
}

/// The number of equal leading bytes of `a` and `b`, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let (Ok(x), Ok(y)) = (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) else {
            break;
        };
        let diff = u64::from_le_bytes(x) ^ u64::from_le_bytes(y);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let (a, b) = (
        a.get(n..).unwrap_or_default(),
        b.get(n..).unwrap_or_default(),
    );
    n + a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Adler-32 of `data` (zlib's trailer).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // The largest n such that 255 n (n + 1) / 2 + (n + 1) (MOD - 1) fits in 32 bits.
    const NMAX: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(NMAX) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

#[cfg(test)]
mod tests;
