//! The signer: key derivation, digests, key rotation, constant-time verification.

use std::fmt;

/// A secret key. Its `Debug` output is redacted.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

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

/// The hash function of the HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    /// SHA-1 (Flask's and itsdangerous's default).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// How the signing key is derived from the secret key and the salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyDerivation {
    /// `HMAC(secret, salt)` (Flask).
    Hmac,
    /// `H(salt + b"signer" + secret)` (itsdangerous's default).
    DjangoConcat,
    /// `H(salt + secret)`.
    Concat,
    /// The secret itself.
    None,
}
