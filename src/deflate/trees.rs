//! zlib's `trees.c` for one final block: the symbol counts, zlib's Huffman trees (its heap, its
//! tie-break on depth, its repair of too-long codes), the choice between a stored, a fixed-code
//! and a dynamic block, and the bits of the chosen one.
//!
//! The names follow `trees.c`, so that each function can be read next to its original.

const LITERALS: usize = 256;
const LENGTH_CODES: usize = 29;
const L_CODES: usize = LITERALS + 1 + LENGTH_CODES;
const D_CODES: usize = 30;
const BL_CODES: usize = 19;
const HEAP_SIZE: usize = 2 * L_CODES + 1;
const MAX_BITS: usize = 15;
const MAX_BL_BITS: usize = 7;
const END_BLOCK: usize = 256;
const REP_3_6: usize = 16;
const REPZ_3_10: usize = 17;
const REPZ_11_138: usize = 18;

// The tables of trees.c, padded with zeros to a power-of-two length (see `rd`).
const EXTRA_LBITS: [u8; 32] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0, 0, 0, 0,
];
const EXTRA_DBITS: [u8; 32] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13, 0, 0,
];
const EXTRA_BLBITS: [u8; 32] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];
const BL_ORDER: [u8; 32] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0,
];
/// Array lengths: the literal/length tree's nodes (573) and the heap, the distance tree's (61)
/// and the bit-length tree's (39) nodes, the fixed literal/length code (288).
const L_NODES: usize = 1024;
const D_NODES: usize = 64;
const BL_NODES: usize = 64;
const STATIC_L: usize = 512;

/// `trees.c`'s static tables (`tr_static_init`), computed at compile time.
struct Tables {
    length_code: [u8; 256],
    dist_code: [u8; 512],
    base_length: [u8; 32],
    base_dist: [u16; 32],
    static_llen: [u8; STATIC_L],
    static_lcode: [u16; STATIC_L],
    static_dcode: [u16; 32],
    /// Each byte with its bits in reverse order.
    rev8: [u8; 256],
}

const fn bi_reverse(mut code: u32, mut len: u32) -> u32 {
    let mut res = 0;
    loop {
        res |= code & 1;
        code >>= 1;
        res <<= 1;
        len -= 1;
        if len == 0 {
            break;
        }
    }
    res >> 1
}

// Evaluated at compile time (`static T`): an index out of bounds is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const fn tables() -> Tables {
    let mut t = Tables {
        length_code: [0; 256],
        dist_code: [0; 512],
        base_length: [0; 32],
        base_dist: [0; 32],
        static_llen: [0; STATIC_L],
        static_lcode: [0; STATIC_L],
        static_dcode: [0; 32],
        rev8: [0; 256],
    };
    let mut length = 0usize;
    let mut code = 0usize;
    while code < LENGTH_CODES - 1 {
        t.base_length[code] = length as u8;
        let mut n = 0;
        while n < 1 << EXTRA_LBITS[code] {
            t.length_code[length] = code as u8;
            length += 1;
            n += 1;
        }
        code += 1;
    }
    // Length 258 (lc 255) has its own code, 285, overwriting 284's last entry.
    t.length_code[length - 1] = code as u8;
    let mut dist = 0usize;
    code = 0;
    while code < 16 {
        t.base_dist[code] = dist as u16;
        let mut n = 0;
        while n < 1 << EXTRA_DBITS[code] {
            t.dist_code[dist] = code as u8;
            dist += 1;
            n += 1;
        }
        code += 1;
    }
    dist >>= 7;
    while code < D_CODES {
        t.base_dist[code] = (dist << 7) as u16;
        let mut n = 0;
        while n < 1 << (EXTRA_DBITS[code] - 7) {
            t.dist_code[256 + dist] = code as u8;
            dist += 1;
            n += 1;
        }
        code += 1;
    }
    // The fixed literal/length code (RFC 1951 3.2.6), canonical codes as `gen_codes` makes them.
    let mut n = 0;
    let mut bl_count = [0u32; MAX_BITS + 1];
    while n < L_CODES + 2 {
        let len = if n < 144 {
            8
        } else if n < 256 {
            9
        } else if n < 280 {
            7
        } else {
            8
        };
        t.static_llen[n] = len;
        bl_count[len as usize] += 1;
        n += 1;
    }
    let mut next_code = [0u32; MAX_BITS + 1];
    let mut c = 0u32;
    let mut bits = 1;
    while bits <= MAX_BITS {
        c = (c + bl_count[bits - 1]) << 1;
        next_code[bits] = c;
        bits += 1;
    }
    n = 0;
    while n < L_CODES + 2 {
        let len = t.static_llen[n] as usize;
        t.static_lcode[n] = bi_reverse(next_code[len], len as u32) as u16;
        next_code[len] += 1;
        n += 1;
    }
    n = 0;
    while n < D_CODES {
        t.static_dcode[n] = bi_reverse(n as u32, 5) as u16;
        n += 1;
    }
    n = 0;
    while n < 256 {
        t.rev8[n] = bi_reverse(n as u32, 8) as u8;
        n += 1;
    }
    t
}

static T: Tables = tables();

// Every table here has a power-of-two length, and is read and written at `i % N`: for the
// indices the algorithm uses (all below the table's meaningful length) that is `i`, and the
// compiler sees that it is in bounds, so no check and no panic path is left.

/// `a[i]`.
#[inline(always)]
fn rd<V: Copy + Default, const N: usize>(a: &[V; N], i: usize) -> V {
    a.get(i % N).copied().unwrap_or_default()
}

/// `a[i] = v`.
#[inline(always)]
fn wr<V, const N: usize>(a: &mut [V; N], i: usize, v: V) {
    if let Some(x) = a.get_mut(i % N) {
        *x = v;
    }
}

/// `a[i] += v`.
#[inline(always)]
fn add<const N: usize>(a: &mut [u32; N], i: usize, v: u32) {
    if let Some(x) = a.get_mut(i % N) {
        *x += v;
    }
}

/// `a[i] += v` for a possibly negative `v`, wrapping as zlib's unsigned counters do.
#[inline(always)]
fn bump<const N: usize>(a: &mut [u32; N], i: usize, v: i32) {
    if let Some(x) = a.get_mut(i % N) {
        *x = x.wrapping_add_signed(v);
    }
}

/// `d_code`: the distance code of `dist - 1`.
fn d_code(dist: usize) -> usize {
    if dist < 256 {
        usize::from(rd(&T.dist_code, dist))
    } else {
        usize::from(rd(&T.dist_code, 256 + (dist >> 7)))
    }
}

/// One of zlib's `ct_data` arrays, its unions split (`freq`/`code`, `dad`/`len`), with zlib's
/// `depth` of each node folded into the frequency.
struct Tree<const N: usize> {
    /// `freq << 8 | depth`: zlib's `smaller` (by frequency, then depth) is `<=` on it.
    key: Box<[u32; N]>,
    code: Box<[u16; N]>,
    dad: Box<[u16; N]>,
    len: Box<[u16; N]>,
    /// Largest symbol with a non-zero count (after the two forced ones).
    max_code: usize,
    /// The symbols with a non-zero count, as bits: the loops below visit these rather than
    /// every symbol (zlib's visit all 286 literal/length symbols, most of them unused in a
    /// session).
    used: Used,
}

/// A set of symbols below 320.
#[derive(Clone, Copy, Default)]
struct Used([u64; 5]);

impl Used {
    fn insert(&mut self, n: usize) {
        if let Some(w) = self.0.get_mut(n >> 6) {
            *w |= 1 << (n & 63);
        }
    }

    /// The smallest member at or after `from`.
    fn next(&self, from: usize) -> Option<usize> {
        let mut i = from >> 6;
        let mut word = self.0.get(i)? & (!0u64 << (from & 63));
        loop {
            if word != 0 {
                return Some(i << 6 | word.trailing_zeros() as usize);
            }
            i += 1;
            word = *self.0.get(i)?;
        }
    }

    /// The members in increasing order.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            let mut word = w;
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(i << 6 | bit)
            })
        })
    }
}

impl<const N: usize> Default for Tree<N> {
    fn default() -> Self {
        Self {
            key: boxed_zeros(),
            code: boxed_zeros(),
            dad: boxed_zeros(),
            len: boxed_zeros(),
            max_code: 0,
            used: Used::default(),
        }
    }
}

/// `static_tree_desc`.
struct Desc {
    elems: usize,
    extra: &'static [u8; 32],
    extra_base: usize,
    max_length: usize,
    /// The fixed code's lengths, whose cost `static_len` sums (none for the bit-length tree).
    static_len: Option<&'static [u8; STATIC_L]>,
}

const L_DESC: Desc = Desc {
    elems: L_CODES,
    extra: &EXTRA_LBITS,
    extra_base: LITERALS + 1,
    max_length: MAX_BITS,
    static_len: Some(&T.static_llen),
};
const D_DESC: Desc = Desc {
    elems: D_CODES,
    extra: &EXTRA_DBITS,
    extra_base: 0,
    max_length: MAX_BITS,
    static_len: Some(&[5; STATIC_L]),
};
const BL_DESC: Desc = Desc {
    elems: BL_CODES,
    extra: &EXTRA_BLBITS,
    extra_base: 0,
    max_length: MAX_BL_BITS,
    static_len: None,
};

/// The heap and counters `build_tree` shares between the three trees.
struct Work {
    /// zlib's `heap` of node numbers, each entry carrying its node's key: `key << 16 | node`.
    heap: Box<[u64; L_NODES]>,
    heap_len: usize,
    heap_max: usize,
    bl_count: [u32; MAX_BITS + 1],
    /// Bits of a dynamic block (after its 3 header bits); zlib keeps it unsigned and lets it
    /// wrap below zero for a moment, which signed arithmetic gives the same way.
    opt_len: i64,
    /// Bits of a fixed-code block (after its 3 header bits).
    static_len: i64,
}

/// The trees of a block.
pub(super) struct Trees {
    l: Tree<L_NODES>,
    d: Tree<D_NODES>,
    bl: Tree<BL_NODES>,
    w: Work,
    max_blindex: usize,
    /// The bit-length code's symbols for both trees' lengths, from `scan_tree`.
    ops: Box<[u32; OPS]>,
    /// How many entries of `ops` this block uses.
    ops_len: usize,
}

/// Room for `scan_tree`'s symbols: at most one per length coded (286 + 30).
const OPS: usize = 512;

impl Default for Trees {
    fn default() -> Self {
        Self {
            l: Tree::default(),
            d: Tree::default(),
            bl: Tree::default(),
            w: Work {
                heap: boxed_zeros(),
                heap_len: 0,
                heap_max: 0,
                bl_count: [0; MAX_BITS + 1],
                opt_len: 0,
                static_len: 0,
            },
            max_blindex: 0,
            ops: boxed_zeros(),
            ops_len: 0,
        }
    }
}

/// The block `_tr_flush_block` chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Block {
    Stored,
    /// Fixed codes, this many bytes (3 header bits, the data, padding to a byte).
    Fixed(usize),
    /// Dynamic codes, this many bytes.
    Dynamic(usize),
}

impl Block {
    /// The block's length in bytes, for `n` bytes of data.
    pub(super) fn bytes(self, n: usize) -> usize {
        match self {
            // 3 header bits padded to a byte, LEN and NLEN, the data.
            Block::Stored => 1 + 4 + n,
            Block::Fixed(b) | Block::Dynamic(b) => b,
        }
    }
}

impl Work {
    /// `pqdownheap`: restores the heap property from node `k` down (`smaller(n, m)` being
    /// `key[n] <= key[m]`).
    ///
    /// zlib's loop, with the next level read ahead: the pair of children at `j` and the four
    /// entries below them (`2j..2j+3`, the children of both) are read together, so that the
    /// comparison that chooses a child does not wait for that child's children to be loaded.
    /// Entries are written only at ancestors (indices below `j`), never at a read-ahead one.
    fn pqdownheap(&mut self, mut k: usize) {
        let heap = &mut *self.heap;
        let len = self.heap_len;
        let v = rd(heap, k);
        let mut j = k << 1;
        let (mut left, mut right) = (rd(heap, j), rd(heap, j + 1));
        while j < len {
            let below = [
                rd(heap, 2 * j),
                rd(heap, 2 * j + 1),
                rd(heap, 2 * j + 2),
                rd(heap, 2 * j + 3),
            ];
            // The smaller child, the right one on a tie. `a >> 16 <= b >> 16` (keys) is
            // `a <= b | 0xffff` (the node numbers below the key are all below 0x10000).
            let go_right = right <= left | 0xffff;
            let (child, next) = if go_right { (right, j + 1) } else { (left, j) };
            if v <= child | 0xffff {
                wr(heap, k, v);
                return;
            }
            wr(heap, k, child);
            k = next;
            j = next << 1;
            (left, right) = if go_right {
                (below[2], below[3])
            } else {
                (below[0], below[1])
            };
        }
        // A left child alone (`left` is the entry at `j`): the loop's comparison, negated.
        if j == len && v > left | 0xffff {
            wr(heap, k, left);
            k = j;
        }
        wr(heap, k, v);
    }

    fn gen_bitlen<const N: usize>(&mut self, tree: &mut Tree<N>, desc: &Desc) {
        let max_code = tree.max_code;
        let max_length = desc.max_length;
        self.bl_count = [0; MAX_BITS + 1];
        let root = node_of(rd(&self.heap, self.heap_max));
        wr(&mut tree.len, root, 0);
        let mut overflow = 0i32;
        for h in self.heap_max + 1..HEAP_SIZE {
            let n = node_of(rd(&self.heap, h));
            let mut bits = usize::from(rd(&tree.len, usize::from(rd(&tree.dad, n)))) + 1;
            if bits > max_length {
                bits = max_length;
                overflow += 1;
            }
            wr(&mut tree.len, n, bits as u16);
            if n > max_code {
                continue; // not a leaf
            }
            add(&mut self.bl_count, bits, 1);
            let xbits = if n >= desc.extra_base {
                usize::from(rd(desc.extra, n - desc.extra_base))
            } else {
                0
            };
            let f = i64::from(rd(&tree.key, n) >> 8);
            self.opt_len += f * (bits + xbits) as i64;
            if let Some(stree) = desc.static_len {
                self.static_len += f * (usize::from(rd(stree, n)) + xbits) as i64;
            }
        }
        if overflow == 0 {
            return;
        }
        super::covered(|c| c.overflow += 1);
        // Find the first bit length which could increase, move a leaf down, repeat.
        loop {
            let mut bits = max_length - 1;
            while bits > 0 && rd(&self.bl_count, bits) == 0 {
                bits -= 1;
            }
            bump(&mut self.bl_count, bits, -1); // move one leaf down the tree
            bump(&mut self.bl_count, bits + 1, 2); // move one overflow item as its brother
            bump(&mut self.bl_count, max_length, -1);
            overflow -= 2;
            if overflow <= 0 {
                break;
            }
        }
        // Give the lengths again, in increasing frequency order.
        let mut h = HEAP_SIZE;
        for bits in (1..=max_length).rev() {
            let mut n = rd(&self.bl_count, bits);
            while n != 0 && h > 0 {
                h -= 1;
                let m = node_of(rd(&self.heap, h));
                if m > max_code {
                    continue;
                }
                let old = rd(&tree.len, m);
                if usize::from(old) != bits {
                    self.opt_len +=
                        (bits as i64 - i64::from(old)) * i64::from(rd(&tree.key, m) >> 8);
                    wr(&mut tree.len, m, bits as u16);
                }
                n -= 1;
            }
        }
    }

    fn build_tree<const N: usize>(&mut self, tree: &mut Tree<N>, desc: &Desc) {
        self.heap_len = 0;
        self.heap_max = HEAP_SIZE;
        let mut max_code: isize = -1;
        // The used symbols in increasing order (zlib visits every symbol, and sets the length
        // of the unused ones to 0). A leaf's key has depth 0: counting only adds frequency.
        if let Some(lens) = tree.len.get_mut(..desc.elems) {
            lens.fill(0);
        }
        for n in tree.used.iter() {
            self.heap_len += 1;
            wr(&mut self.heap, self.heap_len, entry(rd(&tree.key, n), n));
            max_code = n as isize;
        }
        // At least two codes of non-zero frequency.
        while self.heap_len < 2 {
            let node = if max_code < 2 {
                max_code += 1;
                max_code as usize
            } else {
                0
            };
            self.heap_len += 1;
            wr(&mut self.heap, self.heap_len, entry(1 << 8, node));
            wr(&mut tree.key, node, 1 << 8); // frequency 1, depth 0
            tree.used.insert(node);
            self.opt_len -= 1;
            if let Some(stree) = desc.static_len {
                self.static_len -= i64::from(rd(stree, node));
            }
        }
        tree.max_code = max_code as usize;
        for n in (1..=self.heap_len / 2).rev() {
            self.pqdownheap(n);
        }
        let mut node = desc.elems;
        loop {
            // pqremove
            let n = rd(&self.heap, 1);
            let last = rd(&self.heap, self.heap_len);
            wr(&mut self.heap, 1, last);
            self.heap_len -= 1;
            self.pqdownheap(1);
            let m = rd(&self.heap, 1);
            self.heap_max -= 1;
            wr(&mut self.heap, self.heap_max, n);
            self.heap_max -= 1;
            wr(&mut self.heap, self.heap_max, m);
            // The father of n and m: frequency the sum, depth one more than the deeper.
            let (kn, km) = ((n >> 16) as u32, (m >> 16) as u32);
            let depth = (kn & 0xff).max(km & 0xff) + 1;
            let key = ((kn >> 8) + (km >> 8)) << 8 | (depth & 0xff);
            wr(&mut tree.dad, node_of(n), node as u16);
            wr(&mut tree.dad, node_of(m), node as u16);
            wr(&mut self.heap, 1, entry(key, node));
            node += 1;
            self.pqdownheap(1);
            if self.heap_len < 2 {
                break;
            }
        }
        self.heap_max -= 1;
        let top = rd(&self.heap, 1);
        wr(&mut self.heap, self.heap_max, top);
        self.gen_bitlen(tree, desc);
        gen_codes(tree, &self.bl_count);
    }
}

/// A zeroed array on the heap, made there (`Box::new([0; N])` builds it on the stack first in
/// debug builds, too much for a small thread stack: `tests/depth.rs` dumps on 64 KiB).
pub(super) fn boxed_zeros<V: Copy + Default, const N: usize>() -> Box<[V; N]> {
    match vec![V::default(); N].into_boxed_slice().try_into() {
        Ok(array) => array,
        // Not reached: the vector has N elements.
        Err(_) => boxed_zeros_on_the_stack(),
    }
}

/// `boxed_zeros` the simple way, in a function of its own so that only a call (never made)
/// would reserve the array's stack space, not `boxed_zeros` itself.
#[cold]
#[inline(never)]
fn boxed_zeros_on_the_stack<V: Copy + Default, const N: usize>() -> Box<[V; N]> {
    Box::new([V::default(); N])
}

/// A heap entry: `node` with its key.
fn entry(key: u32, node: usize) -> u64 {
    u64::from(key) << 16 | node as u64
}

/// The node of a heap entry.
fn node_of(entry: u64) -> usize {
    (entry & 0xffff) as usize
}

/// `gen_codes`: canonical codes from the lengths, bit-reversed for sending.
fn gen_codes<const N: usize>(tree: &mut Tree<N>, bl_count: &[u32; MAX_BITS + 1]) {
    let mut next_code = [0u32; MAX_BITS + 1];
    let mut code = 0u32;
    for bits in 1..=MAX_BITS {
        code = (code + rd(bl_count, bits - 1)) << 1;
        wr(&mut next_code, bits, code);
    }
    // In increasing symbol order; the unused symbols have length 0 and no code.
    for n in tree.used.iter() {
        let len = usize::from(rd(&tree.len, n));
        let c = rd(&next_code, len);
        // bi_reverse of the 16-bit code by two table lookups, then its `len` bits.
        let reversed = u16::from(rd(&T.rev8, c as usize & 0xff)) << 8
            | u16::from(rd(&T.rev8, (c as usize >> 8) & 0xff));
        wr(&mut tree.code, n, reversed >> (16 - len));
        wr(&mut next_code, len, c + 1);
    }
}

/// The runs of equal lengths `scan_tree` and `send_tree` walk: calls
/// `f(curlen, count, prevlen, min_count)` for each piece zlib codes at once. zlib goes symbol
/// by symbol and ends a piece when the length changes or the count reaches `max_count`; this
/// finds each run of equal lengths at once and cuts it into the same pieces.
fn runs<const N: usize>(tree: &Tree<N>, mut f: impl FnMut(u16, u32, i32, u32)) {
    let lens = tree.len.get(..=tree.max_code).unwrap_or_default();
    let mut prevlen: i32 = -1;
    let (mut max_count, mut min_count) = if lens.first() == Some(&0) {
        (138, 3)
    } else {
        (7, 4)
    };
    let mut n = 0;
    while let Some(&curlen) = lens.get(n) {
        // The run's end: for zeros the next used symbol, else the first other length.
        let end = if curlen == 0 {
            tree.used.next(n).map_or(lens.len(), |u| u.min(lens.len()))
        } else {
            let rest = lens.get(n..).unwrap_or_default();
            n + rest.iter().position(|&l| l != curlen).unwrap_or(rest.len())
        };
        let mut left = end - n;
        while left > 0 {
            let count = left.min(max_count);
            f(curlen, count as u32, prevlen, min_count);
            prevlen = i32::from(curlen);
            left -= count;
            n += count;
            // Past max_code, zlib's guard value.
            let nextlen = if left > 0 {
                curlen
            } else {
                lens.get(n).copied().unwrap_or(0xffff)
            };
            (max_count, min_count) = if nextlen == 0 {
                (138, 3)
            } else if curlen == nextlen {
                (6, 3)
            } else {
                (7, 4)
            };
        }
    }
}

impl Trees {
    /// Counts the symbols, builds the trees and chooses the block (`_tr_flush_block` up to the
    /// writing), for `n` bytes of data.
    pub(super) fn plan(&mut self, syms: &[u32], n: usize) -> Block {
        self.l.key.iter_mut().take(L_CODES).for_each(|k| *k = 0);
        self.d.key.iter_mut().take(D_CODES).for_each(|k| *k = 0);
        self.bl.key.iter_mut().take(BL_CODES).for_each(|k| *k = 0);
        self.l.used = Used::default();
        self.d.used = Used::default();
        self.bl.used = Used::default();
        wr(&mut self.l.key, END_BLOCK, 1 << 8);
        self.l.used.insert(END_BLOCK);
        self.w.opt_len = 0;
        self.w.static_len = 0;
        for &sym in syms {
            let dist = (sym >> 8) as usize;
            let lc = (sym & 0xff) as usize;
            if dist == 0 {
                add(&mut self.l.key, lc, 1 << 8);
                self.l.used.insert(lc);
            } else {
                let code = usize::from(rd(&T.length_code, lc)) + LITERALS + 1;
                add(&mut self.l.key, code, 1 << 8);
                self.l.used.insert(code);
                let dc = d_code(dist - 1);
                add(&mut self.d.key, dc, 1 << 8);
                self.d.used.insert(dc);
            }
        }
        self.w.build_tree(&mut self.l, &L_DESC);
        self.w.build_tree(&mut self.d, &D_DESC);
        self.max_blindex = self.build_bl_tree();
        let opt_lenb = ((self.w.opt_len + 3 + 7) >> 3) as usize;
        let static_lenb = ((self.w.static_len + 3 + 7) >> 3) as usize;
        let best = opt_lenb.min(static_lenb);
        if n + 4 <= best {
            super::covered(|c| c.stored += 1);
            Block::Stored
        } else if static_lenb <= opt_lenb {
            super::covered(|c| c.fixed += 1);
            Block::Fixed(static_lenb)
        } else {
            super::covered(|c| c.dynamic += 1);
            Block::Dynamic(opt_lenb)
        }
    }

    /// `scan_tree`: codes `tree`'s lengths with the bit-length code's symbols (a length, or a
    /// repeat of the previous one or of zeros), counting them in `bl` and keeping them in `ops`
    /// for `send_tree` (each as `symbol | extra << 8 | extra_bits << 16`).
    fn scan_tree<const N: usize>(
        bl: &mut Tree<BL_NODES>,
        tree: &Tree<N>,
        ops: &mut [u32; OPS],
        ops_len: &mut usize,
    ) {
        // The bit-length tree's `used` is made from its counts afterwards (`build_bl_tree`).
        let mut op = |bl: &mut Tree<BL_NODES>, sym: usize, extra: u32, bits: u32| {
            add(&mut bl.key, sym, 1 << 8);
            wr(ops, *ops_len, sym as u32 | extra << 8 | bits << 16);
            *ops_len += 1;
        };
        runs(tree, |curlen, count, prevlen, min_count| {
            let c = usize::from(curlen);
            if count < min_count {
                for _ in 0..count {
                    op(bl, c, 0, 0);
                }
            } else if curlen != 0 {
                let mut count = count;
                if i32::from(curlen) != prevlen {
                    op(bl, c, 0, 0);
                    count -= 1;
                }
                op(bl, REP_3_6, count - 3, 2);
            } else if count <= 10 {
                op(bl, REPZ_3_10, count - 3, 3);
            } else {
                op(bl, REPZ_11_138, count - 11, 7);
            }
        });
    }

    fn build_bl_tree(&mut self) -> usize {
        self.ops_len = 0;
        Self::scan_tree(&mut self.bl, &self.l, &mut self.ops, &mut self.ops_len);
        Self::scan_tree(&mut self.bl, &self.d, &mut self.ops, &mut self.ops_len);
        for sym in 0..BL_CODES {
            if rd(&self.bl.key, sym) != 0 {
                self.bl.used.insert(sym);
            }
        }
        self.w.build_tree(&mut self.bl, &BL_DESC);
        let mut max_blindex = BL_CODES - 1;
        while max_blindex >= 3 {
            if rd(&self.bl.len, usize::from(rd(&BL_ORDER, max_blindex))) != 0 {
                break;
            }
            max_blindex -= 1;
        }
        self.w.opt_len += 3 * (max_blindex as i64 + 1) + 5 + 5 + 4;
        max_blindex
    }
}

/// The bit writer (`send_bits`, `bi_windup`): least significant bit first.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits<'_> {
    /// Appends the `len` (at most 16) low bits of `value`; whole 32-bit words go out.
    fn send(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    fn send_code<const N: usize>(&mut self, c: usize, tree: &Tree<N>) {
        self.send(u32::from(rd(&tree.code, c)), u32::from(rd(&tree.len, c)));
    }

    /// Writes out what is left, padded to a byte.
    fn windup(&mut self) {
        let bytes = self.n.div_ceil(8) as usize;
        let word = self.acc.to_le_bytes();
        self.out
            .extend_from_slice(word.get(..bytes).unwrap_or_default());
        self.acc = 0;
        self.n = 0;
    }
}

/// A literal/length and a distance code to write symbols with.
trait Codes {
    fn lit(&self, bits: &mut Bits<'_>, c: usize);
    fn dist(&self, bits: &mut Bits<'_>, c: usize);
}

/// The fixed codes.
struct Fixed;

impl Codes for Fixed {
    fn lit(&self, bits: &mut Bits<'_>, c: usize) {
        bits.send(
            u32::from(rd(&T.static_lcode, c)),
            u32::from(rd(&T.static_llen, c)),
        );
    }
    fn dist(&self, bits: &mut Bits<'_>, c: usize) {
        bits.send(u32::from(rd(&T.static_dcode, c)), 5);
    }
}

/// The block's own codes.
struct Dynamic<'t> {
    l: &'t Tree<L_NODES>,
    d: &'t Tree<D_NODES>,
}

impl Codes for Dynamic<'_> {
    fn lit(&self, bits: &mut Bits<'_>, c: usize) {
        bits.send_code(c, self.l);
    }
    fn dist(&self, bits: &mut Bits<'_>, c: usize) {
        bits.send_code(c, self.d);
    }
}

/// `compress_block`: the symbols, then end-of-block.
fn compress_block(bits: &mut Bits<'_>, syms: &[u32], codes: &impl Codes) {
    for &sym in syms {
        let dist = (sym >> 8) as usize;
        let lc = (sym & 0xff) as usize;
        if dist == 0 {
            codes.lit(bits, lc);
            continue;
        }
        let code = usize::from(rd(&T.length_code, lc));
        codes.lit(bits, code + LITERALS + 1);
        let extra = u32::from(rd(&EXTRA_LBITS, code));
        if extra != 0 {
            bits.send((lc - usize::from(rd(&T.base_length, code))) as u32, extra);
        }
        let dist = dist - 1;
        let code = d_code(dist);
        codes.dist(bits, code);
        let extra = u32::from(rd(&EXTRA_DBITS, code));
        if extra != 0 {
            bits.send((dist - usize::from(rd(&T.base_dist, code))) as u32, extra);
        }
    }
    codes.lit(bits, END_BLOCK);
}

impl Trees {
    /// Writes `block` (from [`Trees::plan`] over the same `syms`) as the final block, padded to
    /// a byte.
    pub(super) fn write(&self, block: Block, syms: &[u32], data: &[u8], out: &mut Vec<u8>) {
        let mut bits = Bits { out, acc: 0, n: 0 };
        match block {
            Block::Stored => {
                bits.send(1, 3); // STORED_BLOCK << 1 | last
                bits.windup();
                let n = data.len() as u16;
                bits.out.extend_from_slice(&n.to_le_bytes());
                bits.out.extend_from_slice(&(!n).to_le_bytes());
                bits.out.extend_from_slice(data);
            }
            Block::Fixed(_) => {
                bits.send(3, 3); // STATIC_TREES << 1 | last
                compress_block(&mut bits, syms, &Fixed);
            }
            Block::Dynamic(_) => {
                bits.send(5, 3); // DYN_TREES << 1 | last
                                 // send_all_trees
                let lcodes = self.l.max_code + 1;
                let dcodes = self.d.max_code + 1;
                let blcodes = self.max_blindex + 1;
                bits.send((lcodes - 257) as u32, 5);
                bits.send((dcodes - 1) as u32, 5);
                bits.send((blcodes - 4) as u32, 4);
                for &rank in BL_ORDER.iter().take(blcodes) {
                    bits.send(u32::from(rd(&self.bl.len, usize::from(rank))), 3);
                }
                // send_tree for both trees: the symbols scan_tree chose.
                for &op in self.ops.iter().take(self.ops_len) {
                    bits.send_code((op & 0xff) as usize, &self.bl);
                    if op >> 16 != 0 {
                        bits.send(op >> 8 & 0xff, op >> 16);
                    }
                }
                compress_block(
                    &mut bits,
                    syms,
                    &Dynamic {
                        l: &self.l,
                        d: &self.d,
                    },
                );
            }
        }
        bits.windup();
    }
}
