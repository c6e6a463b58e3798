//! The guess loop's inner part: derive, key, sign, compare, for one candidate and one group
//! of cookies that share their settings.
//!
//! HMAC is computed here from the hash's block compression (`sha1::compress`,
//! `sha2::compress256`/`compress512`; SHA-NI is detected at run time by those crates), so that
//! what does not depend on the candidate is laid out once: every cookie's message and the salt
//! are padded into whole blocks once per group, the outer hash's padding block is a template,
//! and for `concat`/`django-concat` the hash state after the prefix's whole blocks is kept.
//! Per candidate nothing is allocated (a per-thread scratch buffer serves long keys).
//! The tests check every digest and derivation against the codec's signer (`hmac` crate).

use std::sync::atomic::{AtomicBool, Ordering};

use sha1::digest::generic_array::typenum::{U128, U64};
use sha1::digest::generic_array::GenericArray;

use super::{Settings, Target};
use crate::signer::{Digest, KeyDerivation, MAX_MAC_LEN};

/// A Merkle-Damgard hash driven block by block.
pub(super) trait Hash {
    /// The chaining state.
    type State: Copy;
    /// One block.
    type Block: Copy + Default + AsRef<[u8]> + AsMut<[u8]>;
    /// Block size in bytes.
    const BLOCK: usize;
    /// Output size in bytes.
    const OUT: usize;
    /// Size of the length field in the padding, in bytes.
    const LEN: usize;
    /// The initial state.
    const IV: Self::State;
    /// Compresses `blocks` into `state`.
    fn compress(state: &mut Self::State, blocks: &[Self::Block]);
    /// Writes the first [`Self::OUT`] bytes of `state`, big-endian, into `out`.
    fn output(state: &Self::State, out: &mut [u8; MAX_MAC_LEN]);
}

pub(super) struct Sha1;
pub(super) struct Sha256;
pub(super) struct Sha512;

impl Hash for Sha1 {
    type State = [u32; 5];
    type Block = GenericArray<u8, U64>;
    const BLOCK: usize = 64;
    const OUT: usize = 20;
    const LEN: usize = 8;
    const IV: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    fn compress(state: &mut [u32; 5], blocks: &[Self::Block]) {
        sha1::compress(state, blocks);
    }
    fn output(state: &[u32; 5], out: &mut [u8; MAX_MAC_LEN]) {
        for (chunk, w) in out.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
    }
}

impl Hash for Sha256 {
    type State = [u32; 8];
    type Block = GenericArray<u8, U64>;
    const BLOCK: usize = 64;
    const OUT: usize = 32;
    const LEN: usize = 8;
    const IV: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    fn compress(state: &mut [u32; 8], blocks: &[Self::Block]) {
        sha2::compress256(state, blocks);
    }
    fn output(state: &[u32; 8], out: &mut [u8; MAX_MAC_LEN]) {
        for (chunk, w) in out.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
    }
}

impl Hash for Sha512 {
    type State = [u64; 8];
    type Block = GenericArray<u8, U128>;
    const BLOCK: usize = 128;
    const OUT: usize = 64;
    const LEN: usize = 16;
    const IV: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    fn compress(state: &mut [u64; 8], blocks: &[Self::Block]) {
        sha2::compress512(state, blocks);
    }
    fn output(state: &[u64; 8], out: &mut [u8; MAX_MAC_LEN]) {
        for (chunk, w) in out.chunks_exact_mut(8).zip(state) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
    }
}

/// Appends to `out` the blocks of `data` with the hash's padding, for a message of
/// `before + data.len()` bytes whose first `before` bytes are already compressed.
fn pad_into<H: Hash>(before: usize, data: &[u8], out: &mut Vec<H::Block>) {
    let total_bits = ((before as u128) + (data.len() as u128)) * 8;
    let mut chunks = data.chunks_exact(H::BLOCK);
    for c in chunks.by_ref() {
        let mut b = H::Block::default();
        b.as_mut().copy_from_slice(c);
        out.push(b);
    }
    let rest = chunks.remainder();
    let mut b = H::Block::default();
    if let Some(dst) = b.as_mut().get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    if let Some(p) = b.as_mut().get_mut(rest.len()) {
        *p = 0x80;
    }
    if rest.len() + 1 + H::LEN > H::BLOCK {
        out.push(b);
        b = H::Block::default();
    }
    let len = total_bits.to_be_bytes();
    if let (Some(dst), Some(src)) = (
        b.as_mut().get_mut(H::BLOCK - H::LEN..),
        len.get(16 - H::LEN..),
    ) {
        dst.copy_from_slice(src);
    }
    out.push(b);
}

/// The inner and outer HMAC states for `key` (after the `ipad` and `opad` blocks).
fn key_states<H: Hash>(key: &[u8], scratch: &mut Vec<H::Block>) -> (H::State, H::State) {
    let mut hashed = [0u8; MAX_MAC_LEN];
    let key = if key.len() > H::BLOCK {
        scratch.clear();
        pad_into::<H>(0, key, scratch);
        let mut s = H::IV;
        H::compress(&mut s, scratch);
        H::output(&s, &mut hashed);
        hashed.get(..H::OUT).unwrap_or(&[])
    } else {
        key
    };
    let mut block = H::Block::default();
    for (b, k) in block.as_mut().iter_mut().zip(key) {
        *b = *k;
    }
    block.as_mut().iter_mut().for_each(|b| *b ^= 0x36);
    let mut inner = H::IV;
    H::compress(&mut inner, std::slice::from_ref(&block));
    block.as_mut().iter_mut().for_each(|b| *b ^= 0x36 ^ 0x5c);
    let mut outer = H::IV;
    H::compress(&mut outer, std::slice::from_ref(&block));
    (inner, outer)
}

/// HMAC from the keyed states, over a message already padded into `blocks` (for a message
/// after one block of key), using `outer_block`, the template of the outer hash's one block.
fn finish<H: Hash>(
    inner: &H::State,
    outer: &H::State,
    blocks: &[H::Block],
    outer_block: &H::Block,
    out: &mut [u8; MAX_MAC_LEN],
) {
    let mut s = *inner;
    H::compress(&mut s, blocks);
    H::output(&s, out);
    let mut b = *outer_block;
    if let (Some(dst), Some(src)) = (b.as_mut().get_mut(..H::OUT), out.get(..H::OUT)) {
        dst.copy_from_slice(src);
    }
    let mut s = *outer;
    H::compress(&mut s, std::slice::from_ref(&b));
    H::output(&s, out);
}

/// Constant-time equality of two byte strings of public length.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Per-thread scratch space (reused across candidates).
#[derive(Default)]
pub(super) struct Scratch {
    b64: Vec<GenericArray<u8, U64>>,
    b128: Vec<GenericArray<u8, U128>>,
}

/// What a group lays out once, per digest.
struct Prepared<H: Hash> {
    /// The salt padded as the message of an HMAC (`hmac` derivation).
    salt: Vec<H::Block>,
    /// `concat`/`django-concat`: the state after the prefix's whole blocks, and the rest.
    prefix_state: H::State,
    prefix_rest: Vec<u8>,
    prefix_len: usize,
    /// The outer hash's block, digest bytes zero.
    outer_block: H::Block,
    /// Per target (same order as the group's): the message padded as an HMAC's.
    messages: Vec<Vec<H::Block>>,
}

impl<H: Hash> Prepared<H> {
    fn new(settings: &Settings, prefix: &[u8]) -> Prepared<H> {
        let mut salt = Vec::new();
        pad_into::<H>(H::BLOCK, &settings.salt, &mut salt);
        let mut outer = Vec::new();
        let zeros = [0u8; MAX_MAC_LEN];
        pad_into::<H>(H::BLOCK, zeros.get(..H::OUT).unwrap_or(&[]), &mut outer);
        let whole = prefix.len() / H::BLOCK * H::BLOCK;
        let mut prefix_state = H::IV;
        let blocks: Vec<H::Block> = prefix
            .get(..whole)
            .unwrap_or(&[])
            .chunks_exact(H::BLOCK)
            .map(|c| {
                let mut b = H::Block::default();
                b.as_mut().copy_from_slice(c);
                b
            })
            .collect();
        H::compress(&mut prefix_state, &blocks);
        Prepared {
            salt,
            prefix_state,
            prefix_rest: prefix.get(whole..).unwrap_or(&[]).to_vec(),
            prefix_len: prefix.len(),
            outer_block: outer.first().copied().unwrap_or_default(),
            messages: Vec::new(),
        }
    }

    fn add(&mut self, message: &[u8]) {
        let mut m = Vec::new();
        pad_into::<H>(H::BLOCK, message, &mut m);
        self.messages.push(m);
    }

    /// The signing key's HMAC states for `key` under `derivation`.
    fn signing_states(
        &self,
        derivation: KeyDerivation,
        key: &[u8],
        scratch: &mut Vec<H::Block>,
    ) -> (H::State, H::State) {
        let mut derived = [0u8; MAX_MAC_LEN];
        let derived: &[u8] = match derivation {
            KeyDerivation::None => key,
            KeyDerivation::Hmac => {
                let (i, o) = key_states::<H>(key, scratch);
                finish::<H>(&i, &o, &self.salt, &self.outer_block, &mut derived);
                derived.get(..H::OUT).unwrap_or(&[])
            }
            KeyDerivation::Concat | KeyDerivation::DjangoConcat => {
                scratch.clear();
                let mut s = self.prefix_state;
                if self.prefix_rest.is_empty() {
                    pad_into::<H>(self.prefix_len, key, scratch);
                } else {
                    // The prefix's tail and the key, as one run of bytes.
                    let mut tail = [0u8; 256];
                    let n = self.prefix_rest.len();
                    let total = n + key.len();
                    if total <= tail.len() {
                        let (a, b) = tail.split_at_mut(n);
                        a.copy_from_slice(&self.prefix_rest);
                        if let Some(b) = b.get_mut(..key.len()) {
                            b.copy_from_slice(key);
                        }
                        pad_into::<H>(
                            self.prefix_len - n,
                            tail.get(..total).unwrap_or(&[]),
                            scratch,
                        );
                    } else {
                        let mut joined = self.prefix_rest.clone();
                        joined.extend_from_slice(key);
                        pad_into::<H>(self.prefix_len - n, &joined, scratch);
                    }
                }
                H::compress(&mut s, scratch);
                H::output(&s, &mut derived);
                derived.get(..H::OUT).unwrap_or(&[])
            }
        };
        key_states::<H>(derived, scratch)
    }
}

enum Engine {
    Sha1(Prepared<Sha1>),
    Sha256(Prepared<Sha256>),
    Sha512(Prepared<Sha512>),
}

/// Cookies with the same settings: one derivation per candidate serves them all.
pub(super) struct Group {
    settings: Settings,
    engine: Engine,
    /// (cookie index, target).
    targets: Vec<(usize, Target)>,
}

impl Group {
    pub(super) fn new(settings: Settings) -> Group {
        let mut prefix = settings.salt.clone();
        if settings.derivation == KeyDerivation::DjangoConcat {
            prefix.extend_from_slice(b"signer");
        }
        let engine = match settings.digest {
            Digest::Sha1 => Engine::Sha1(Prepared::new(&settings, &prefix)),
            Digest::Sha256 => Engine::Sha256(Prepared::new(&settings, &prefix)),
            Digest::Sha512 => Engine::Sha512(Prepared::new(&settings, &prefix)),
        };
        Group {
            settings,
            engine,
            targets: Vec::new(),
        }
    }

    pub(super) fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(super) fn push(&mut self, index: usize, target: Target) {
        match &mut self.engine {
            Engine::Sha1(p) => p.add(&target.message),
            Engine::Sha256(p) => p.add(&target.message),
            Engine::Sha512(p) => p.add(&target.message),
        }
        self.targets.push((index, target));
    }

    /// Calls `hit` with the index of each cookie (not yet `done`) that `key` signs.
    pub(super) fn try_key(
        &self,
        key: &[u8],
        done: &[AtomicBool],
        scratch: &mut Scratch,
        hit: &mut dyn FnMut(usize),
    ) {
        let pending = |i: usize| !done.get(i).is_some_and(|d| d.load(Ordering::Relaxed));
        if !self.targets.iter().any(|(i, _)| pending(*i)) {
            return;
        }
        let d = self.settings.derivation;
        match &self.engine {
            Engine::Sha1(p) => self.run(p, d, key, &mut scratch.b64, &pending, hit),
            Engine::Sha256(p) => self.run(p, d, key, &mut scratch.b64, &pending, hit),
            Engine::Sha512(p) => self.run(p, d, key, &mut scratch.b128, &pending, hit),
        }
    }

    fn run<H: Hash>(
        &self,
        p: &Prepared<H>,
        derivation: KeyDerivation,
        key: &[u8],
        scratch: &mut Vec<H::Block>,
        pending: &dyn Fn(usize) -> bool,
        hit: &mut dyn FnMut(usize),
    ) {
        let (inner, outer) = p.signing_states(derivation, key, scratch);
        let mut mac = [0u8; MAX_MAC_LEN];
        for ((index, target), message) in self.targets.iter().zip(&p.messages) {
            if !pending(*index) {
                continue;
            }
            finish::<H>(&inner, &outer, message, &p.outer_block, &mut mac);
            if ct_eq(mac.get(..H::OUT).unwrap_or(&[]), &target.mac) {
                hit(*index);
            }
        }
    }
}
