//! The signer (itsdangerous's `Signer`): key derivation, digests, key rotation, and
//! constant-time verification.
//!
//! * Keys are given oldest first, as Flask passes `[*SECRET_KEY_FALLBACKS, SECRET_KEY]`.
//!   The newest key signs; verification tries every key, newest first.
//! * Each key is derived once, when the signer is built, into a keyed HMAC state that every
//!   signature clones: opening a cookie never re-derives a key.
//! * Secrets are wiped when dropped ([`zeroize`]): every [`SecretKey`] (so a
//!   [`crate::CodecBuilder`]'s keys), each derived key once it has keyed its HMAC state, and
//!   the derivation's scratch buffers. Not wiped: the keyed HMAC states a codec holds and their
//!   per-message clones (RustCrypto's `hmac` 0.12 offers no zeroizing), from which the derived
//!   key (not the secret key) could be recovered.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use zeroize::{Zeroize, Zeroizing};

use crate::error::ConfigError;

/// A secret key. Its `Debug` output is redacted, and its bytes are wiped when it is dropped.
///
/// Built from bytes or a string; there is deliberately no conversion from a list of characters,
/// so that the Python mistake of passing a string where a list of keys is expected (one key per
/// character) cannot be made.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> SecretKey {
        SecretKey(s.as_bytes().to_vec())
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> SecretKey {
        SecretKey(s.into_bytes())
    }
}

impl From<&[u8]> for SecretKey {
    fn from(s: &[u8]) -> SecretKey {
        SecretKey(s.to_vec())
    }
}

impl From<Vec<u8>> for SecretKey {
    fn from(s: Vec<u8>) -> SecretKey {
        SecretKey(s)
    }
}

impl From<&String> for SecretKey {
    fn from(s: &String) -> SecretKey {
        SecretKey(s.as_bytes().to_vec())
    }
}

/// The hash function of the HMAC (itsdangerous's `digest_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    /// SHA-1 (Flask's and itsdangerous's default).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Digest {
    /// Length of the MAC in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha256 => 32,
            Digest::Sha512 => 64,
        }
    }
}

impl std::str::FromStr for Digest {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Digest, ConfigError> {
        match s.to_ascii_lowercase().as_str() {
            "sha1" => Ok(Digest::Sha1),
            "sha256" => Ok(Digest::Sha256),
            "sha512" => Ok(Digest::Sha512),
            _ => Err(ConfigError::UnknownDigest(s.to_owned())),
        }
    }
}

/// How the signing key is derived from the secret key and the salt
/// (itsdangerous's `key_derivation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyDerivation {
    /// `HMAC(key=secret, msg=salt)` (Flask).
    Hmac,
    /// `H(salt + b"signer" + secret)` (itsdangerous's default).
    DjangoConcat,
    /// `H(salt + secret)`.
    Concat,
    /// The secret itself.
    None,
}

impl std::str::FromStr for KeyDerivation {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<KeyDerivation, ConfigError> {
        match s {
            "hmac" => Ok(KeyDerivation::Hmac),
            "django-concat" => Ok(KeyDerivation::DjangoConcat),
            "concat" => Ok(KeyDerivation::Concat),
            "none" => Ok(KeyDerivation::None),
            _ => Err(ConfigError::UnknownKeyDerivation(s.to_owned())),
        }
    }
}

/// A keyed HMAC state, ready to be cloned for each message.
#[derive(Clone)]
enum KeyedMac {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

/// The longest MAC of any supported digest (SHA-512).
pub const MAX_MAC_LEN: usize = 64;

impl KeyedMac {
    fn new(digest: Digest, key: &[u8]) -> KeyedMac {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail; the fallbacks are
        // unreachable but keep this function free of panics.
        match digest {
            Digest::Sha1 => KeyedMac::Sha1(
                Hmac::new_from_slice(key).unwrap_or_else(|_| Hmac::new(&Default::default())),
            ),
            Digest::Sha256 => KeyedMac::Sha256(
                Hmac::new_from_slice(key).unwrap_or_else(|_| Hmac::new(&Default::default())),
            ),
            Digest::Sha512 => KeyedMac::Sha512(
                Hmac::new_from_slice(key).unwrap_or_else(|_| Hmac::new(&Default::default())),
            ),
        }
    }

    /// Writes the MAC of `msg` into `out`, returning its length.
    fn compute(&self, msg: &[u8], out: &mut [u8; MAX_MAC_LEN]) -> usize {
        fn fill(out: &mut [u8; MAX_MAC_LEN], tag: &[u8]) -> usize {
            let n = tag.len().min(MAX_MAC_LEN);
            if let (Some(dst), Some(src)) = (out.get_mut(..n), tag.get(..n)) {
                dst.copy_from_slice(src);
            }
            n
        }
        // The output is a derived key when this derives one: wiped once copied.
        fn fill_and_wipe<A: AsMut<[u8]>>(out: &mut [u8; MAX_MAC_LEN], mut tag: A) -> usize {
            let n = fill(out, tag.as_mut());
            tag.as_mut().zeroize();
            n
        }
        match self {
            KeyedMac::Sha1(m) => {
                fill_and_wipe(out, m.clone().chain_update(msg).finalize().into_bytes())
            }
            KeyedMac::Sha256(m) => {
                fill_and_wipe(out, m.clone().chain_update(msg).finalize().into_bytes())
            }
            KeyedMac::Sha512(m) => {
                fill_and_wipe(out, m.clone().chain_update(msg).finalize().into_bytes())
            }
        }
    }

    /// Constant-time check of `tag` against the MAC of `msg` (`verify_slice`).
    fn verify(&self, msg: &[u8], tag: &[u8]) -> bool {
        match self {
            KeyedMac::Sha1(m) => m.clone().chain_update(msg).verify_slice(tag).is_ok(),
            KeyedMac::Sha256(m) => m.clone().chain_update(msg).verify_slice(tag).is_ok(),
            KeyedMac::Sha512(m) => m.clone().chain_update(msg).verify_slice(tag).is_ok(),
        }
    }
}

/// Derives the signing key for `secret` (itsdangerous's `Signer.derive_key`).
fn derive_key(
    digest: Digest,
    derivation: KeyDerivation,
    secret: &[u8],
    salt: &[u8],
) -> Zeroizing<Vec<u8>> {
    fn hash<D: sha2::Digest>(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        let mut out = h.finalize();
        let key = Zeroizing::new(out.to_vec());
        out.as_mut_slice().zeroize();
        key
    }
    let parts: &[&[u8]] = match derivation {
        KeyDerivation::None => return Zeroizing::new(secret.to_vec()),
        KeyDerivation::Hmac => {
            let mut out = Zeroizing::new([0u8; MAX_MAC_LEN]);
            let n = KeyedMac::new(digest, secret).compute(salt, &mut out);
            return Zeroizing::new(out.get(..n).unwrap_or(&[]).to_vec());
        }
        KeyDerivation::Concat => &[salt, secret],
        KeyDerivation::DjangoConcat => &[salt, b"signer", secret],
    };
    match digest {
        Digest::Sha1 => hash::<Sha1>(parts),
        Digest::Sha256 => hash::<Sha256>(parts),
        Digest::Sha512 => hash::<Sha512>(parts),
    }
}

/// Signs with the newest key and verifies against all keys, newest first.
///
/// Holds only derived keyed states, never the secrets themselves. `Send + Sync`.
#[derive(Clone)]
pub(crate) struct Signer {
    /// Keyed states, newest first.
    macs: Vec<KeyedMac>,
    digest: Digest,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("digest", &self.digest)
            .field("keys", &self.macs.len())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Derives every key (oldest first in `keys`). Refuses no key; an empty key is a key like
    /// any other here, as in itsdangerous (the Flask preset's rule is in `CodecBuilder`).
    pub(crate) fn new(
        keys: &[SecretKey],
        salt: &[u8],
        digest: Digest,
        derivation: KeyDerivation,
    ) -> Result<Signer, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::NoKeys);
        }
        let macs = keys
            .iter()
            .rev()
            .map(|k| KeyedMac::new(digest, &derive_key(digest, derivation, &k.0, salt)))
            .collect();
        Ok(Signer { macs, digest })
    }

    /// The digest in use.
    pub(crate) fn digest(&self) -> Digest {
        self.digest
    }

    /// Appends the base64 signature of `value` made with the newest key.
    #[cfg(test)]
    pub(crate) fn sign(&self, value: &[u8], out: &mut Vec<u8>) {
        let mut mac = [0u8; MAX_MAC_LEN];
        if let Some(newest) = self.macs.first() {
            let n = newest.compute(value, &mut mac);
            crate::encoding::b64url_encode(mac.get(..n).unwrap_or(&[]), out);
        }
    }

    /// Appends to `out` the base64 signature (newest key) of its first `signed_len` bytes,
    /// without a temporary buffer.
    pub(crate) fn sign_prefix(&self, out: &mut Vec<u8>, signed_len: usize) {
        let mut mac = [0u8; MAX_MAC_LEN];
        if let Some(newest) = self.macs.first() {
            let n = newest.compute(out.get(..signed_len).unwrap_or(&[]), &mut mac);
            crate::encoding::b64url_encode(mac.get(..n).unwrap_or(&[]), out);
        }
    }

    /// `true` when `tag` (decoded signature bytes) is the MAC of `value` under any key.
    /// Each comparison is constant-time.
    pub(crate) fn verify(&self, value: &[u8], tag: &[u8]) -> bool {
        self.macs.iter().any(|m| m.verify(value, tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec section 9: `HMAC-SHA1("test key", "cookie-session")`.
    #[test]
    fn flask_key_derivation_known_answer() {
        let k = derive_key(
            Digest::Sha1,
            KeyDerivation::Hmac,
            b"test key",
            b"cookie-session",
        );
        let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "c2ca59dd645bc867d0f03c34ddfc7f9cdac7e05a");
    }

    /// Spec section 9: `{"a": 1}` signed at 1700000000 with key `test key`.
    #[test]
    fn signature_known_answer() {
        let s = Signer::new(
            &["test key".into()],
            b"cookie-session",
            Digest::Sha1,
            KeyDerivation::Hmac,
        )
        .unwrap();
        let mut out = Vec::new();
        s.sign(b"eyJhIjoxfQ.ZVPxAA", &mut out);
        assert_eq!(out, b"06Yqjl3VyDspVrqMUAYBbpKyUSE");
    }

    #[test]
    fn missing_keys_are_refused_empty_ones_are_keys() {
        let r = Signer::new(&[], b"s", Digest::Sha1, KeyDerivation::Hmac);
        assert_eq!(r.unwrap_err(), ConfigError::NoKeys);
        let r = Signer::new(
            &["a".into(), "".into()],
            b"s",
            Digest::Sha1,
            KeyDerivation::Hmac,
        );
        assert!(r.is_ok());
    }

    #[test]
    fn secrets_are_wiped_on_drop() {
        // Compile-time: these types wipe their bytes when dropped.
        fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroize_on_drop::<SecretKey>();
        zeroize_on_drop::<Zeroizing<Vec<u8>>>();
        let derived: Zeroizing<Vec<u8>> = derive_key(Digest::Sha1, KeyDerivation::Hmac, b"k", b"s");
        assert_eq!(derived.len(), 20);
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let key = SecretKey::from("hunter2-very-secret");
        assert!(!format!("{key:?}").contains("hunter2"));
        let s = Signer::new(&[key], b"s", Digest::Sha1, KeyDerivation::None).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
