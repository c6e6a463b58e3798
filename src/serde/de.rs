//! The fast path: `T: Deserialize` straight from the JSON bytes.

/// `T` read straight from `json`, or `None` when the exact path must decide (an error, or
/// anything this path does not do itself).
pub(crate) fn fast<'de, T: ::serde::Deserialize<'de>>(
    _json: &'de str,
    _tagged: bool,
    _max_depth: usize,
) -> Option<T> {
    None
}
