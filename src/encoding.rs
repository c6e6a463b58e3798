//! Base64 (URL-safe for the cookie, standard for the `" b"` tag) and timestamp bytes.

/// Appends the standard base64 of `data` with padding (Python's `b64encode`), for the `" b"` tag.
pub fn b64_std_encode(data: &[u8], out: &mut String) {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode_string(data, out);
}

/// Python's `base64.b64decode(s)` (not validating), for the `" b"` tag: characters outside the
/// standard alphabet are skipped; `None` where Python raises `binascii.Error`.
pub fn python_b64decode(s: &[u8]) -> Option<Vec<u8>> {
    let _ = s;
    todo!()
}
