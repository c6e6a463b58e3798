//! The payload: zlib compression when it pays, and capped inflating.
