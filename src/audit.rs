//! Weak-secret audit: which candidate secret keys sign a cookie (`flask-cookie audit`).
//!
//! For auditing the keys of apps you run: a key that a wordlist finds lets anyone forge any
//! session. Pure (no I/O): the caller reads the wordlists and prints the result.
//!
//! * [`Wordlist`]: candidate keys from wordlist text, plain lines or Flask-Unsign's format
//!   (Python string and bytes literals, see [`parse_line`]), with [`BUILTIN_KEYS`] and the
//!   empty key always first.
//! * [`Auditor`]: the cookies, each split once into the signed message and its MAC. Cookies
//!   with the same settings (salt, digest, derivation) share one derivation per candidate.
//! * [`Auditor::search`]: the guess loop over a wordlist on several threads. Per candidate:
//!   derive the signing key, key an HMAC, sign each still-unfound cookie's message and
//!   compare in constant time; no allocation per candidate. HMAC is driven from the hash's
//!   block function (`sha1::compress`, `sha2::compress256`/`compress512`; SHA extensions are
//!   detected at run time by those crates), with each cookie's message and the salt padded
//!   into blocks once.
//!
//! No expiry check: an expired cookie reveals its key just as well.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::signer::{Digest, KeyDerivation};

mod engine;
pub mod literal;
mod wordlist;

pub use literal::{parse_line, Line, LiteralError};
pub use wordlist::{Candidate, Source, Wordlist, BUILTIN_KEYS};

use engine::Group;

/// What shapes a cookie's signature, apart from the key: itsdangerous's `salt`,
/// `digest_method` and `key_derivation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The salt (Flask: `cookie-session`).
    pub salt: Vec<u8>,
    /// The HMAC's hash (Flask: SHA-1).
    pub digest: Digest,
    /// The key derivation (Flask: `hmac`).
    pub derivation: KeyDerivation,
}

impl Settings {
    /// Flask's session cookie: salt `cookie-session`, SHA-1, `hmac` derivation.
    pub fn flask() -> Settings {
        Settings {
            salt: b"cookie-session".to_vec(),
            digest: Digest::Sha1,
            derivation: KeyDerivation::Hmac,
        }
    }
}

/// Why a cookie cannot be audited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CookieError {
    /// No `.` separates the signed value from the signature.
    NoSeparator,
    /// The signature is not base64 (as itsdangerous decodes it).
    Base64,
    /// The signature's length is not the digest's.
    SignatureLength {
        /// Bytes in the cookie's signature.
        found: usize,
        /// Bytes the configured digest makes.
        expected: usize,
    },
}

impl std::fmt::Display for CookieError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CookieError::NoSeparator => f.write_str("no '.' before a signature"),
            CookieError::Base64 => f.write_str("the signature is not base64"),
            CookieError::SignatureLength { found, expected } => write!(
                f,
                "the signature has {found} bytes, the digest makes {expected} \
                 (sha1: 20, sha256: 32, sha512: 64; see --digest)"
            ),
        }
    }
}

impl std::error::Error for CookieError {}

/// A cookie to audit, split once: the signed message and the MAC to find.
#[derive(Clone)]
struct Target {
    message: Vec<u8>,
    mac: Vec<u8>,
}

impl Target {
    fn parse(cookie: &[u8], digest: Digest) -> Result<Target, CookieError> {
        let (message, sig) = crate::timed::rsplit_dot(cookie).ok_or(CookieError::NoSeparator)?;
        // Whatever itsdangerous accepts: an audit only finds keys, it never accepts a cookie.
        let mac = crate::encoding::itsdangerous_b64decode(sig).ok_or(CookieError::Base64)?;
        if mac.len() != digest.output_len() {
            return Err(CookieError::SignatureLength {
                found: mac.len(),
                expected: digest.output_len(),
            });
        }
        Ok(Target {
            message: message.to_vec(),
            mac,
        })
    }
}

/// A key found: which candidate signs which cookies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The candidate's index in the [`Wordlist`].
    pub candidate: usize,
    /// The cookies it signs (indices as given to [`Auditor::new`]), ascending.
    pub cookies: Vec<usize>,
}

/// The outcome of a search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Per key found, the cookies it signs; ordered by candidate index.
    pub found: Vec<Found>,
    /// Cookies whose key is not in the list (indices as given to [`Auditor::new`]).
    pub not_found: Vec<usize>,
    /// Candidates tried (all of them unless every cookie's key was found early).
    pub tried: u64,
}

/// The cookies under audit, grouped by settings.
pub struct Auditor {
    groups: Vec<Group>,
    cookies: usize,
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor")
            .field("cookies", &self.cookies)
            .field("groups", &self.groups.len())
            .finish()
    }
}

impl Auditor {
    /// Splits each cookie once. On a cookie that cannot be audited, returns its index and why.
    pub fn new<C: AsRef<[u8]>>(cookies: &[(C, Settings)]) -> Result<Auditor, (usize, CookieError)> {
        let mut groups: Vec<Group> = Vec::new();
        for (index, (cookie, settings)) in cookies.iter().enumerate() {
            let target = Target::parse(cookie.as_ref(), settings.digest).map_err(|e| (index, e))?;
            match groups.iter_mut().find(|g| g.settings() == settings) {
                Some(g) => g.push(index, target),
                None => {
                    let mut g = Group::new(settings.clone());
                    g.push(index, target);
                    groups.push(g);
                }
            }
        }
        Ok(Auditor {
            groups,
            cookies: cookies.len(),
        })
    }

    /// The number of cookies.
    pub fn len(&self) -> usize {
        self.cookies
    }

    /// `true` with no cookies.
    pub fn is_empty(&self) -> bool {
        self.cookies == 0
    }

    /// The cookies `key` signs (indices as given to [`Auditor::new`]), ascending.
    pub fn try_key(&self, key: &[u8]) -> Vec<usize> {
        let done: Vec<AtomicBool> = (0..self.cookies).map(|_| AtomicBool::new(false)).collect();
        let mut hits = Vec::new();
        let mut scratch = engine::Scratch::default();
        for g in &self.groups {
            g.try_key(key, &done, &mut scratch, &mut |i| hits.push(i));
        }
        hits.sort_unstable();
        hits
    }

    /// Tries every candidate of `wordlist` on `jobs` threads (at least one) until every
    /// cookie's key is found or the list ends. The candidates tried are added to `progress`
    /// as they go, for a progress display on another thread.
    pub fn search(&self, wordlist: &Wordlist, jobs: usize, progress: &AtomicU64) -> Outcome {
        const CHUNK: usize = 2048;
        let total = wordlist.len();
        let done: Vec<AtomicBool> = (0..self.cookies).map(|_| AtomicBool::new(false)).collect();
        let remaining = AtomicUsize::new(self.cookies);
        let next = AtomicUsize::new(0);
        let tried = AtomicU64::new(0);
        // (cookie, candidate) pairs; the lowest candidate wins when two threads find one
        // cookie's key (only possible for two candidates with the same derived key).
        let found: std::sync::Mutex<Vec<(usize, usize)>> = std::sync::Mutex::new(Vec::new());
        let worker = || {
            let mut scratch = engine::Scratch::default();
            let mut local: Vec<(usize, usize)> = Vec::new();
            loop {
                if remaining.load(Ordering::Relaxed) == 0 {
                    break;
                }
                let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                if start >= total {
                    break;
                }
                let end = start.saturating_add(CHUNK).min(total);
                for index in start..end {
                    let key = wordlist.key(index);
                    for g in &self.groups {
                        g.try_key(key, &done, &mut scratch, &mut |cookie| {
                            local.push((cookie, index));
                        });
                    }
                }
                if !local.is_empty() {
                    for &(cookie, _) in &local {
                        if let Some(flag) = done.get(cookie) {
                            if !flag.swap(true, Ordering::Relaxed) {
                                remaining.fetch_sub(1, Ordering::Relaxed);
                            }
                        }
                    }
                    if let Ok(mut f) = found.lock() {
                        f.append(&mut local);
                    }
                    local.clear();
                }
                progress.fetch_add((end - start) as u64, Ordering::Relaxed);
                tried.fetch_add((end - start) as u64, Ordering::Relaxed);
            }
        };
        let jobs = jobs.max(1);
        std::thread::scope(|s| {
            for _ in 1..jobs {
                s.spawn(worker);
            }
            worker();
        });
        let mut pairs = found.into_inner().unwrap_or_default();
        pairs.sort_unstable();
        // The lowest candidate per cookie.
        pairs.dedup_by_key(|p| p.0);
        let mut outcome = Outcome {
            tried: tried.load(Ordering::Relaxed),
            ..Outcome::default()
        };
        let mut by_key: Vec<(usize, usize)> = pairs.iter().map(|&(c, k)| (k, c)).collect();
        by_key.sort_unstable();
        for (candidate, cookie) in by_key {
            match outcome.found.last_mut() {
                Some(f) if f.candidate == candidate => f.cookies.push(cookie),
                _ => outcome.found.push(Found {
                    candidate,
                    cookies: vec![cookie],
                }),
            }
        }
        outcome.not_found = (0..self.cookies)
            .filter(|c| !pairs.iter().any(|p| p.0 == *c))
            .collect();
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CodecBuilder, Preset};

    fn cookie(key: &[u8], s: &Settings, json: &[u8]) -> String {
        let codec = CodecBuilder::new(Preset::Flask, key)
            .salt(&s.salt)
            .digest(s.digest)
            .key_derivation(s.derivation)
            .build()
            .unwrap();
        let v = codec.from_json(json).unwrap();
        codec.dump(&v, 1_700_000_000).unwrap()
    }

    /// The engine against the codec's signer (the `hmac` crate), for every digest and
    /// derivation, with keys and salts around the block sizes.
    #[test]
    fn finds_what_the_signer_signs() {
        let long = vec![b'k'; 200];
        let keys: [&[u8]; 5] = [b"k", b"secret key", &long[..64], &long[..129], &long];
        let salts: [&[u8]; 6] = [
            b"cookie-session",
            b"",
            &[b's'; 58],
            &[b's'; 64],
            &[b's'; 100],
            &[b's'; 250],
        ];
        let json = br#"{"csrf_token":"5f2b8c1d9e0a7b3c4d6e8f1a2b3c4d5e6f7a8b9c","user_id":42,"x":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}"#;
        for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha512] {
            for derivation in [
                KeyDerivation::Hmac,
                KeyDerivation::DjangoConcat,
                KeyDerivation::Concat,
                KeyDerivation::None,
            ] {
                for salt in salts {
                    let s = Settings {
                        salt: salt.to_vec(),
                        digest,
                        derivation,
                    };
                    for key in keys {
                        let c = cookie(key, &s, json);
                        let a = Auditor::new(&[(c.as_bytes(), s.clone())]).unwrap();
                        let what = format!(
                            "{digest:?} {derivation:?} salt {} key {}",
                            salt.len(),
                            key.len()
                        );
                        assert_eq!(a.try_key(key), vec![0], "{what}");
                        assert_eq!(a.try_key(b"other"), Vec::<usize>::new(), "{what}");
                    }
                }
            }
        }
    }

    #[test]
    fn search_groups_and_reports_lowest_candidate() {
        let s = Settings::flask();
        let c1 = cookie(b"alpha", &s, b"{\"a\":1}");
        let c2 = cookie(b"beta", &s, b"{\"b\":2}");
        let c3 = cookie(b"alpha", &s, b"{\"c\":3}");
        let c4 = cookie(b"not listed", &s, b"{\"d\":4}");
        let a = Auditor::new(&[
            (c1.as_bytes(), s.clone()),
            (c2.as_bytes(), s.clone()),
            (c3.as_bytes(), s.clone()),
            (c4.as_bytes(), s.clone()),
        ])
        .unwrap();
        let mut w = Wordlist::new();
        let mut text = Vec::new();
        for i in 0..10_000 {
            text.extend_from_slice(format!("word{i}\n").as_bytes());
            if i == 5000 {
                text.extend_from_slice(b"'beta'\n");
            }
            if i == 7000 {
                text.extend_from_slice(b"alpha\n");
            }
        }
        w.add("list", &text);
        for jobs in [1, 2, 3] {
            let p = AtomicU64::new(0);
            let o = a.search(&w, jobs, &p);
            assert_eq!(o.found.len(), 2, "{o:?}");
            assert_eq!(o.found[0].cookies, vec![1]);
            assert_eq!(o.found[1].cookies, vec![0, 2]);
            assert_eq!(w.key(o.found[0].candidate), b"beta");
            assert_eq!(w.candidate(o.found[0].candidate).unwrap().line, 5002);
            assert_eq!(w.candidate(o.found[1].candidate).unwrap().line, 7003);
            assert_eq!(o.not_found, vec![3]);
            assert_eq!(o.tried, w.len() as u64);
        }
    }

    #[test]
    fn bad_cookies_are_refused() {
        let s = Settings::flask();
        let e = Auditor::new(&[("nodot", s.clone())]).unwrap_err();
        assert_eq!(e, (0, CookieError::NoSeparator));
        let c = cookie(
            b"k",
            &Settings {
                digest: Digest::Sha256,
                ..Settings::flask()
            },
            b"{}",
        );
        let e = Auditor::new(&[(c.as_bytes(), s.clone())]).unwrap_err();
        assert_eq!(
            e,
            (
                0,
                CookieError::SignatureLength {
                    found: 32,
                    expected: 20
                }
            )
        );
    }
}
