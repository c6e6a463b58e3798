//! Read and write Flask's signed session cookies outside Python, byte for byte.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod encoding;
pub mod error;
pub mod http_date;
pub mod json;
pub mod payload;
pub mod signer;
pub mod tag;
pub mod timed;
pub mod value;

pub use codec::{
    decode_unverified, Codec, CodecBuilder, Limits, Opened, Preset, Unverified, FLASK_MAX_AGE,
};
pub use error::{
    ConfigError, DumpError, Error, Expired, PayloadError, SignatureError, TimestampError,
};
pub use json::{JsonError, JsonErrorKind, JsonOptions};
pub use signer::{Digest, KeyDerivation, SecretKey};
pub use tag::TagError;
pub use value::{DateTime, Dict, Int, IntError, Text, Value};
