//! The port against zlib itself (flate2's zlib backend: the system libz CPython links).

use flate2::{Compress, Compression, FlushCompress, Status};

use super::{Coverage, Deflater, COVERAGE, MAX_INPUT};

/// `zlib.compress(data)` from a fresh zlib stream, as CPython makes it.
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(6), true);
    let mut out = Vec::with_capacity(data.len() + 64);
    loop {
        let done = usize::try_from(c.total_in()).unwrap();
        match c
            .compress_vec(&data[done..], &mut out, FlushCompress::Finish)
            .unwrap()
        {
            Status::StreamEnd => return out,
            _ => out.reserve(out.capacity() + 64),
        }
    }
}

fn ours(d: &mut Deflater, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0xEE]; // appended after what is there
    assert_eq!(
        d.compress_if_shorter(data, usize::MAX, &mut out),
        Some(true)
    );
    out.remove(0);
    out
}

fn check(d: &mut Deflater, data: &[u8]) {
    let want = zlib(data);
    let got = ours(d, data);
    assert!(
        got == want,
        "differs from zlib on {} bytes: {:02x?}",
        data.len(),
        &data[..data.len().min(64)]
    );
    // The length-only answer agrees too.
    let mut out = Vec::new();
    assert_eq!(
        d.compress_if_shorter(data, want.len(), &mut out),
        Some(false)
    );
    assert!(out.is_empty());
    assert_eq!(
        d.compress_if_shorter(data, want.len() + 1, &mut out),
        Some(true)
    );
    assert_eq!(out, want);
}

/// A small deterministic generator (xorshift64*), so that failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn short_inputs_of_every_length() {
    let mut d = Deflater::new();
    let mut rng = Rng(1);
    for n in 0..=600 {
        for alphabet in [1usize, 2, 3, 5, 17, 256] {
            let data: Vec<u8> = (0..n).map(|_| rng.below(alphabet) as u8).collect();
            check(&mut d, &data);
        }
    }
}

#[test]
fn session_like_json() {
    let mut d = Deflater::new();
    let mut rng = Rng(2);
    let words = [
        "user_id",
        "csrf_token",
        "_permanent",
        "_fresh",
        "cart",
        "apple",
        "pear",
        " t",
        " b",
        " m",
        " u",
        " d",
        " di",
        "true",
        "false",
        "null",
        "\\u00eb",
        "Zo",
        "42",
        "iVBORw==",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "axum_visits",
    ];
    for _ in 0..3000 {
        let mut s = String::from("{");
        let fields = rng.below(40);
        for i in 0..fields {
            if i > 0 {
                s.push(',');
            }
            s.push('"');
            s.push_str(words[rng.below(words.len())]);
            s.push_str(&rng.below(1000).to_string());
            s.push_str("\":");
            match rng.below(4) {
                0 => s.push_str(&rng.next().to_string()),
                1 => {
                    s.push('"');
                    for _ in 0..rng.below(60) {
                        s.push(char::from(b'!' + rng.below(94) as u8));
                    }
                    s.push('"');
                }
                2 => s.push_str(&format!(
                    "{{\"{}\":[\"{}\"]}}",
                    words[rng.below(words.len())],
                    words[rng.below(words.len())]
                )),
                _ => s.push_str(words[rng.below(words.len())]),
            }
        }
        s.push('}');
        check(&mut d, s.as_bytes());
    }
}

#[test]
fn long_and_structured_inputs() {
    let mut d = Deflater::new();
    let mut rng = Rng(3);
    let mut cases: Vec<Vec<u8>> = vec![
        vec![0; MAX_INPUT],
        vec![b'a'; MAX_INPUT],
        (0..MAX_INPUT).map(|i| (i % 251) as u8).collect(),
        (0..MAX_INPUT).map(|i| (i * i % 7) as u8).collect(),
    ];
    for _ in 0..150 {
        let n = rng.below(MAX_INPUT + 1);
        let kind = rng.below(6);
        let data: Vec<u8> = match kind {
            // Random bytes: stored blocks.
            0 => (0..n).map(|_| rng.next() as u8).collect(),
            // Bytes that collide in zlib's hash (the top three bits of the first byte are
            // dropped), from a small set: long hash chains, chain limits, lazy matches.
            1 => (0..n)
                .map(|_| [0x01u8, 0x21, 0x41, 0x61, 0x81, 0xA1, 0x02][rng.below(7)])
                .collect(),
            // Copies of earlier pieces at every distance, some beyond TOO_FAR.
            2 | 3 => {
                let mut v: Vec<u8> = Vec::with_capacity(n);
                while v.len() < n {
                    if v.len() > 8 && rng.below(2) == 0 {
                        let start = rng.below(v.len() - 3);
                        let len = 3 + rng.below(if kind == 2 { 4 } else { 300 });
                        for k in 0..len {
                            v.push(v[start + k.min(v.len() - start - 1)]);
                        }
                    } else {
                        v.push(b'a' + rng.below(26) as u8);
                    }
                }
                v.truncate(n);
                v
            }
            // Skewed (Fibonacci-like) byte frequencies: lengths past 15 bits to repair.
            4 => {
                let mut v = Vec::with_capacity(n);
                let (mut a, mut b) = (1usize, 1usize);
                let mut sym = 0u8;
                while v.len() < n {
                    for _ in 0..a {
                        v.push(sym);
                    }
                    (a, b) = (b, a + b);
                    sym = sym.wrapping_add(37);
                }
                v.truncate(n);
                // Shuffle so that runs do not all become matches.
                for i in (1..v.len()).rev() {
                    v.swap(i, rng.below(i + 1));
                }
                v
            }
            // Text with a few rare symbols.
            _ => (0..n)
                .map(|_| {
                    if rng.below(50) == 0 {
                        rng.next() as u8
                    } else {
                        b"etaoin shrdlu"[rng.below(13)]
                    }
                })
                .collect(),
        };
        cases.push(data);
    }
    for data in &cases {
        check(&mut d, data);
    }
}

#[test]
fn every_branch_is_exercised() {
    COVERAGE.with(|c| c.set(Coverage::default()));
    short_inputs_of_every_length();
    long_and_structured_inputs();
    let c = COVERAGE.with(std::cell::Cell::get);
    assert!(c.stored > 0 && c.fixed > 0 && c.dynamic > 0, "{c:?}");
    assert!(
        c.too_far > 0 && c.lazy > 0 && c.nice > 0 && c.chain_end > 0,
        "{c:?}"
    );
    assert!(c.overflow > 0, "{c:?}");
}

#[test]
fn too_long_is_refused() {
    let mut d = Deflater::new();
    let mut out = Vec::new();
    assert_eq!(
        d.compress_if_shorter(&vec![0; MAX_INPUT + 1], usize::MAX, &mut out),
        None
    );
    assert!(out.is_empty());
}

/// A match of length `l` at one position and a longer one at the next, for every `l` around
/// zlib's thresholds (good_length 8, max_lazy 16, nice_length 128, the 258 cap): whether the
/// lazy search runs, and with how long a chain, decides the output.
#[test]
fn lazy_thresholds() {
    let mut d = Deflater::new();
    let alphabet: Vec<u8> = (b'!'..=b'~').chain(0xA0..=0xFF).collect();
    for l in 2..=270usize {
        for gap in [0usize, 1, 5] {
            let run: Vec<u8> = (0..l + 40).map(|i| alphabet[i % alphabet.len()]).collect();
            let mut v = Vec::new();
            v.push(b'#');
            v.extend_from_slice(&run[..l]); // the short match's source, then a break
            v.push(0x01);
            v.extend_from_slice(&run[1..]); // the longer match's source (from run[1])
            v.extend(std::iter::repeat_n(0x02, gap));
            v.extend_from_slice(&run); // the text: run[0..l] matches the first, run[1..] the second
            check(&mut d, &v);
        }
    }
}

/// The hash table is not cleared between calls: entries carry the call's generation. When the
/// generation number comes round again (every 65 535 calls) the table is cleared; without that,
/// the entries of the call 65 535 calls back would look current, and they point at positions
/// that this call has not reached.
#[test]
fn generation_wraps_around() {
    // `a`'s positions of "abc" lie inside `b`, where some hold "abcabd" as `b` starts.
    let a = b"abc".repeat(40);
    let b = b"abcabd".repeat(50);
    // `a` in generation 1, then generation 65 535 (as if the calls between had happened), then
    // `b`: its generation wraps round to 1, where `a`'s entries are.
    let mut d = Deflater::new();
    assert_eq!(ours(&mut d, &a), zlib(&a));
    d.generation = 0xffff;
    assert_eq!(ours(&mut d, &b), zlib(&b));
    // The same with the calls made: 65 534 with no data.
    let mut d = Deflater::new();
    assert_eq!(ours(&mut d, &a), zlib(&a));
    for _ in 0..0xfffe {
        assert_eq!(d.compress_if_shorter(b"", 0, &mut Vec::new()), Some(false));
    }
    assert_eq!(d.generation, 0xffff);
    assert_eq!(ours(&mut d, &b), zlib(&b));
}
