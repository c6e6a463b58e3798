//! Flask's tagged JSON (`flask.json.tag`): the rules for each tag, in Flask's order.
//!
//! Writing tags is done inline by the JSON writer ([`crate::json::write`]) with the helpers here;
//! reading calls [`untag`] on each object with exactly one key that is a registered tag, children
//! first (bottom-up), as Flask ≥ 3.0.1 does.

use std::fmt;

use crate::value::{Text, Value};

/// The registered tag keys, in Flask's order.
pub const TAG_KEYS: [&str; 6] = [" di", " t", " b", " m", " u", " d"];

/// `true` when `key` is one of [`TAG_KEYS`].
pub fn is_tag_key(key: &Text) -> bool {
    TAG_KEYS.iter().any(|t| key == t)
}

/// A tagged value that does not decode, where Python raises (and itsdangerous reports
/// `BadPayload`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagError {
    /// The tag key (`" t"`, `" b"`, ...).
    pub tag: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tag {:?}: {}", self.tag, self.message)
    }
}

impl std::error::Error for TagError {}

/// Decodes the object `{tag: value}` (whose children are already untagged), as the tag's
/// `to_python` does. `tag` is one of [`TAG_KEYS`].
pub fn untag(tag: &Text, value: Value) -> Result<Value, TagError> {
    let _ = (tag, value);
    todo!("untag")
}
