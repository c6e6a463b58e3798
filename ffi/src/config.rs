//! `flask_cookie_config`: a builder for a codec, starting from a preset.

use flask_cookie::codec::{CodecBuilder, Limits, Preset};
use flask_cookie::error::ConfigError;
use flask_cookie::json::JsonOptions;
use flask_cookie::signer::{Digest, KeyDerivation, SecretKey};

use super::buf::{flask_cookie_slice, slice_from_raw};
use super::result::{fail, flask_cookie_result};
use super::FLASK_COOKIE_NO_MAX_AGE;

/// A starting configuration, passed to `flask_cookie_config_new` as a `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_preset {
    /// Flask's session cookie: salt `cookie-session`, HMAC-SHA1 with the `hmac` key derivation,
    /// tagged JSON with sorted keys and `ensure_ascii`, `max_age` 31 days (2678400 s).
    Flask = 0,
    /// itsdangerous's `URLSafeTimedSerializer` defaults: salt `itsdangerous`, SHA-1 with the
    /// `django-concat` derivation, compact untagged JSON in insertion order, no `max_age`.
    Itsdangerous = 1,
}

/// The HMAC's hash function, passed as a `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_digest {
    /// SHA-1 (Flask's and itsdangerous's default).
    Sha1 = 0,
    /// SHA-256.
    Sha256 = 1,
    /// SHA-512.
    Sha512 = 2,
}

/// How the signing key is derived from a secret key and the salt, passed as a `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum flask_cookie_key_derivation {
    /// `HMAC(key=secret, msg=salt)` (Flask).
    Hmac = 0,
    /// `H(salt + "signer" + secret)` (itsdangerous's default).
    DjangoConcat = 1,
    /// `H(salt + secret)`.
    Concat = 2,
    /// The secret itself.
    None = 3,
}

/// A codec configuration under construction. Opaque.
///
/// Made by `flask_cookie_config_new`, changed by the `flask_cookie_config_set_*` functions,
/// turned into codecs by `flask_cookie_codec_new` (as many as wanted), released by
/// `flask_cookie_config_free`. It holds copies of the secret keys: free it as soon as the codec
/// is made. Its `Debug` output never shows a key.
///
/// Thread safety: not synchronised. Use one config from one thread at a time (it may move
/// between threads).
#[derive(Debug)]
pub struct flask_cookie_config {
    preset: Preset,
    /// Oldest first; the last one signs.
    keys: Vec<SecretKey>,
    salt: Option<Vec<u8>>,
    digest: Option<Digest>,
    derivation: Option<KeyDerivation>,
    max_age: Option<Option<u64>>,
    lenient_base64: Option<bool>,
    json: Option<JsonOptions>,
    limits: Option<Limits>,
}

impl flask_cookie_config {
    /// The Rust builder for this configuration.
    pub(crate) fn builder(&self) -> Result<CodecBuilder, ConfigError> {
        let (newest, older) = self.keys.split_last().ok_or(ConfigError::NoKeys)?;
        let mut b = CodecBuilder::new(self.preset, newest.clone()).fallback_keys(older.to_vec());
        if let Some(salt) = &self.salt {
            b = b.salt(salt);
        }
        if let Some(digest) = self.digest {
            b = b.digest(digest);
        }
        if let Some(derivation) = self.derivation {
            b = b.key_derivation(derivation);
        }
        if let Some(max_age) = self.max_age {
            b = b.max_age(max_age);
        }
        if let Some(lenient) = self.lenient_base64 {
            b = b.lenient_base64(lenient);
        }
        if let Some(json) = self.json {
            b = b.json(json);
        }
        if let Some(limits) = self.limits {
            b = b.limits(limits);
        }
        Ok(b)
    }
}

/// Runs `f` on the config behind `config`, inside the panic boundary.
macro_rules! with_config {
    ($config:ident, |$c:ident| $body:block) => {
        ffi_panic_boundary! {
            check_not_null!($config);
            // SAFETY: non-NULL (checked above); the caller promises it came from
            // `flask_cookie_config_new`, is not freed, and is not used by another thread now.
            let $c: &mut flask_cookie_config = unsafe { &mut *$config };
            $body
        }
    };
}

/// Makes a configuration from a preset (`flask_cookie_preset`) with no keys yet, and writes it
/// to `*config_out`.
///
/// Returns `NULL_ARGUMENT` when `config_out` is NULL, `INVALID_ARGUMENT` for an unknown preset.
/// On success the caller owns `*config_out` and must release it with `flask_cookie_config_free`;
/// on failure `*config_out` is left unchanged.
///
/// # Safety
///
/// `config_out` must be NULL or point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_new(
    preset: u32,
    config_out: *mut *mut flask_cookie_config,
) -> flask_cookie_result {
    ffi_panic_boundary! {
        check_not_null!(config_out);
        let preset = match preset {
            0 => Preset::Flask,
            1 => Preset::Itsdangerous,
            other => {
                return fail(
                    flask_cookie_result::InvalidArgument,
                    format_args!("unknown preset {other} (expected 0 flask or 1 itsdangerous)"),
                )
            }
        };
        let config = Box::new(flask_cookie_config {
            preset,
            keys: Vec::new(),
            salt: None,
            digest: None,
            derivation: None,
            max_age: None,
            lenient_base64: None,
            json: None,
            limits: None,
        });
        // SAFETY: `config_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { config_out.write(Box::into_raw(config)) };
        flask_cookie_result::Ok
    }
}

/// Sets the secret keys, **oldest first** as Flask's `[*SECRET_KEY_FALLBACKS, SECRET_KEY]`:
/// the last key signs, and verification tries every key, newest first. Replaces any keys set
/// before. The bytes are copied; the caller keeps ownership of `keys` and may wipe them after
/// the call.
///
/// An empty list is refused later, by `flask_cookie_codec_new` (`INVALID_CONFIG`), and so is an
/// empty newest key with the Flask preset (Flask has no session without a `SECRET_KEY`). Empty
/// older keys, and any empty key with the itsdangerous preset, are keys like any other, as in
/// Flask's `SECRET_KEY_FALLBACKS` and itsdangerous. Returns `NULL_ARGUMENT` when `config` is NULL, or `keys` is NULL with a
/// non-zero `keys_len`, or a key's `data` is NULL with a non-zero `len`, and `INVALID_ARGUMENT`
/// for a length larger than any object; then the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread; `keys` must be NULL or
/// point to `keys_len` slices, each valid as documented on `flask_cookie_slice`.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_keys(
    config: *mut flask_cookie_config,
    keys: *const flask_cookie_slice,
    keys_len: usize,
) -> flask_cookie_result {
    with_config!(config, |c| {
        if keys.is_null() && keys_len != 0 {
            return fail(
                flask_cookie_result::NullArgument,
                format_args!("argument `keys` is NULL with a length of {keys_len}"),
            );
        }
        let list: &[flask_cookie_slice] = if keys.is_null() {
            &[]
        } else if keys_len > isize::MAX as usize / std::mem::size_of::<flask_cookie_slice>() {
            return fail(
                flask_cookie_result::InvalidArgument,
                format_args!("argument `keys_len` is too large"),
            );
        } else {
            // SAFETY: non-NULL, and the caller promises `keys_len` readable, initialised slices;
            // the total size fits in `isize` (checked); alignment is the caller's promise too.
            unsafe { std::slice::from_raw_parts(keys, keys_len) }
        };
        let mut copied = Vec::with_capacity(list.len());
        for (index, key) in list.iter().enumerate() {
            // SAFETY: the caller promises each slice is valid as documented.
            match unsafe { slice_from_raw(key.data, key.len) } {
                Ok(bytes) => copied.push(SecretKey::from(bytes)),
                Err(result) => {
                    return fail(
                        result,
                        format_args!("key #{index} (oldest first) has a NULL `data` with a non-zero length or a length too large"),
                    )
                }
            }
        }
        c.keys = copied;
        flask_cookie_result::Ok
    })
}

/// Sets the salt (Flask: `cookie-session`; itsdangerous: `itsdangerous`). The bytes are copied.
/// `salt` may be NULL when `salt_len` is 0 (the empty salt).
///
/// Returns `NULL_ARGUMENT` when `config` is NULL, or `salt` is NULL with a non-zero
/// `salt_len`; `INVALID_ARGUMENT` for a length larger than any object; on any failure the
/// config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread; a non-NULL `salt` must
/// point to `salt_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_salt(
    config: *mut flask_cookie_config,
    salt: *const u8,
    salt_len: usize,
) -> flask_cookie_result {
    with_config!(config, |c| {
        let salt = try_slice!(salt, salt_len);
        c.salt = Some(salt.to_vec());
        flask_cookie_result::Ok
    })
}

/// Sets the digest, a `flask_cookie_digest` (default SHA-1). `INVALID_ARGUMENT` for an unknown
/// value.
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_digest(
    config: *mut flask_cookie_config,
    digest: u32,
) -> flask_cookie_result {
    with_config!(config, |c| {
        c.digest = Some(match digest {
            0 => Digest::Sha1,
            1 => Digest::Sha256,
            2 => Digest::Sha512,
            other => {
                return fail(
                    flask_cookie_result::InvalidArgument,
                    format_args!("unknown digest {other} (expected 0 sha1, 1 sha256, 2 sha512)"),
                )
            }
        });
        flask_cookie_result::Ok
    })
}

/// Sets the key derivation, a `flask_cookie_key_derivation` (Flask: HMAC; itsdangerous:
/// DJANGO_CONCAT). `INVALID_ARGUMENT` for an unknown value.
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_key_derivation(
    config: *mut flask_cookie_config,
    derivation: u32,
) -> flask_cookie_result {
    with_config!(config, |c| {
        c.derivation = Some(match derivation {
            0 => KeyDerivation::Hmac,
            1 => KeyDerivation::DjangoConcat,
            2 => KeyDerivation::Concat,
            3 => KeyDerivation::None,
            other => {
                return fail(
                    flask_cookie_result::InvalidArgument,
                    format_args!(
                        "unknown key derivation {other} (expected 0 hmac, 1 django-concat, 2 concat, 3 none)"
                    ),
                )
            }
        });
        flask_cookie_result::Ok
    })
}

/// Sets the maximum age in seconds (Flask: its `PERMANENT_SESSION_LIFETIME`, 2678400 by
/// default), or `FLASK_COOKIE_NO_MAX_AGE` for no age check. A cookie is expired when its age is
/// greater than `max_age` or negative (signed in the future).
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_max_age(
    config: *mut flask_cookie_config,
    max_age: u64,
) -> flask_cookie_result {
    with_config!(config, |c| {
        c.max_age = Some((max_age != FLASK_COOKIE_NO_MAX_AGE).then_some(max_age));
        flask_cookie_result::Ok
    })
}

/// With `true`, decode the signature's base64 as Python does (extra padding, both alphabets,
/// junk characters, non-zero unused bits); by default only its canonical spelling is accepted,
/// which never rejects a cookie Flask wrote.
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_lenient_base64(
    config: *mut flask_cookie_config,
    lenient: bool,
) -> flask_cookie_result {
    with_config!(config, |c| {
        c.lenient_base64 = Some(lenient);
        flask_cookie_result::Ok
    })
}

/// Sets the JSON options: `sort_keys` (`json.dumps(sort_keys=...)`), `ensure_ascii` and
/// `tagged` (Flask's `TaggedJSONSerializer`). Flask: all `true`; itsdangerous: all `false`.
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_json(
    config: *mut flask_cookie_config,
    sort_keys: bool,
    ensure_ascii: bool,
    tagged: bool,
) -> flask_cookie_result {
    with_config!(config, |c| {
        c.json = Some(JsonOptions {
            sort_keys,
            ensure_ascii,
            tagged,
        });
        flask_cookie_result::Ok
    })
}

/// Sets the caps: the longest cookie accepted (default 65536 bytes; `flask_cookie_dump` also
/// refuses to write a longer one), the most bytes a payload may inflate to (default 1048576)
/// and the deepest JSON nesting (default 400 levels, the outermost array or object being level
/// 1, a tag wrapper counting as the levels written for it: `{"a":[1]}` is 2 levels, a tuple
/// `{" t":[...]}` 2). A value of 0 keeps that default. Values larger than the defaults are
/// accepted (nothing recurses per level, so any depth is safe on a small stack); memory use
/// grows with them.
///
/// Returns `NULL_ARGUMENT` when `config` is NULL; on any failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_set_limits(
    config: *mut flask_cookie_config,
    max_cookie_len: usize,
    max_inflated_len: usize,
    max_depth: usize,
) -> flask_cookie_result {
    with_config!(config, |c| {
        let d = Limits::default();
        let pick = |v: usize, default: usize| if v == 0 { default } else { v };
        // `..d`: fields added to `Limits` later keep their defaults here.
        #[allow(clippy::needless_update)]
        let limits = Limits {
            max_cookie_len: pick(max_cookie_len, d.max_cookie_len),
            max_inflated_len: pick(max_inflated_len, d.max_inflated_len),
            max_depth: pick(max_depth, d.max_depth),
            ..d
        };
        c.limits = Some(limits);
        flask_cookie_result::Ok
    })
}

/// Releases a configuration and the copies of the keys it holds. NULL is accepted. Codecs made
/// from it are independent and stay valid.
///
/// # Safety
///
/// `config` must be NULL or a config from `flask_cookie_config_new` not yet freed and not in use
/// by another thread; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_config_free(config: *mut flask_cookie_config) {
    ffi_panic_boundary_or!((), {
        if !config.is_null() {
            // SAFETY: made by `Box::into_raw` in `flask_cookie_config_new` and, by the caller's
            // promise, not freed before: given back to `Box` exactly once.
            drop(unsafe { Box::from_raw(config) });
        }
    })
}
