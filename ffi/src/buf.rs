//! Byte buffers across the boundary: [`flask_cookie_slice`] borrowed from the caller,
//! [`flask_cookie_buf`] owned by the caller once returned, made from a `Box<[u8]>` and
//! released by [`flask_cookie_buf_free`].

use super::result::flask_cookie_result;

/// A borrowed run of bytes, such as one secret key: `data` points to `len` bytes that the
/// caller owns and keeps valid for the call. `data` may be NULL only when `len` is 0. The
/// library never keeps the pointer after the call returns (it copies what it needs).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct flask_cookie_slice {
    /// The first byte, or NULL when `len` is 0.
    pub data: *const u8,
    /// The number of bytes.
    pub len: usize,
}

/// An owned run of bytes returned by the library (JSON text, a cookie). Not NUL-terminated.
///
/// Ownership: belongs to the caller once a function has written it; release it exactly once
/// with `flask_cookie_buf_free`, which also accepts an already released or zeroed buffer. Do not
/// free `data` with `free()`. A buffer is plain data: any thread may read or free it, one at a
/// time.
#[repr(C)]
#[derive(Debug)]
pub struct flask_cookie_buf {
    /// The first byte; NULL when `len` is 0.
    pub data: *mut u8,
    /// The number of bytes.
    pub len: usize,
}

impl flask_cookie_buf {
    /// Hands `bytes` over to the caller.
    pub(crate) fn from_vec(bytes: Vec<u8>) -> flask_cookie_buf {
        if bytes.is_empty() {
            return flask_cookie_buf {
                data: std::ptr::null_mut(),
                len: 0,
            };
        }
        let boxed: Box<[u8]> = bytes.into_boxed_slice();
        let len = boxed.len();
        flask_cookie_buf {
            data: Box::into_raw(boxed).cast::<u8>(),
            len,
        }
    }
}

/// Releases the bytes of `buf` and sets it to `{NULL, 0}`, so that a second call is harmless.
///
/// `buf` may be NULL (nothing happens) and `buf->data` may be NULL (nothing is released).
/// Thread-safe for distinct buffers.
///
/// # Safety
///
/// `buf` must be NULL or point to a `flask_cookie_buf` that is zeroed or was written by this
/// library and not changed since.
#[no_mangle]
pub unsafe extern "C" fn flask_cookie_buf_free(buf: *mut flask_cookie_buf) {
    ffi_panic_boundary_or!((), {
        // SAFETY: the caller promises `buf` is NULL or points to a valid `flask_cookie_buf`.
        let Some(buf) = (unsafe { buf.as_mut() }) else {
            return;
        };
        if !buf.data.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(buf.data, buf.len);
            // SAFETY: a non-NULL `data` with its `len` was made by `from_vec` from
            // `Box::<[u8]>::into_raw` and not released since (it is zeroed below), so it is
            // given back to `Box` exactly once, with the same length.
            drop(unsafe { Box::from_raw(slice) });
        }
        buf.data = std::ptr::null_mut();
        buf.len = 0;
    })
}

/// Borrows `(ptr, len)` from C as a slice. NULL is accepted with a length of 0 (the empty
/// slice); NULL with another length is `NullArgument`; a length over `isize::MAX` is
/// `InvalidArgument`.
///
/// # Safety
///
/// A non-NULL `ptr` must point to `len` readable bytes that stay valid and unchanged for `'a`.
pub(crate) unsafe fn slice_from_raw<'a>(
    ptr: *const u8,
    len: usize,
) -> Result<&'a [u8], flask_cookie_result> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(flask_cookie_result::NullArgument)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(flask_cookie_result::InvalidArgument);
    }
    // SAFETY: `ptr` is non-NULL and, by the caller's promise, points to `len` readable bytes
    // valid for `'a`; `len <= isize::MAX` was checked; `u8` has no alignment requirement.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Writes `bytes` into the caller's `(buf, buf_len)` and their length to `*len_out`: `Ok` when
/// they fit, else `BufferTooSmall` with `*len_out` set to the length needed and `buf` untouched.
/// `buf` may be NULL when `buf_len` is 0 (to ask for the length). Nothing is written when
/// `len_out` is NULL (`NullArgument`), or `buf` is NULL with a non-zero `buf_len`
/// (`NullArgument`).
///
/// # Safety
///
/// `len_out` must be NULL or point to a writable `size_t`; a non-NULL `buf` must point to
/// `buf_len` writable bytes that do not overlap `bytes`.
pub(crate) unsafe fn write_into(
    bytes: &[u8],
    buf: *mut u8,
    buf_len: usize,
    len_out: *mut usize,
) -> flask_cookie_result {
    use super::result::fail;
    if len_out.is_null() {
        return fail(
            flask_cookie_result::NullArgument,
            format_args!("argument `len_out` is NULL"),
        );
    }
    if buf.is_null() && buf_len != 0 {
        return fail(
            flask_cookie_result::NullArgument,
            format_args!("argument `buf` is NULL with a length of {buf_len}"),
        );
    }
    if bytes.len() > buf_len {
        // SAFETY: `len_out` is non-NULL (checked) and writable by the caller's promise.
        unsafe { len_out.write(bytes.len()) };
        return fail(
            flask_cookie_result::BufferTooSmall,
            format_args!(
                "buffer too small: {} bytes needed, {buf_len} given",
                bytes.len()
            ),
        );
    }
    if !bytes.is_empty() {
        // SAFETY: `buf` is non-NULL here (a NULL `buf` has `buf_len` 0, and `bytes.len()` is
        // then 0) and points to `buf_len >= bytes.len()` writable bytes by the caller's
        // promise; library memory cannot overlap the caller's buffer.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len()) };
    }
    // SAFETY: as above.
    unsafe { len_out.write(bytes.len()) };
    flask_cookie_result::Ok
}

/// Borrows `(ptr, len)` from C as UTF-8 text, or the failure to return (`NullArgument`,
/// `InvalidArgument` for a length too large or bytes that are not UTF-8).
///
/// # Safety
///
/// As [`slice_from_raw`].
pub(crate) unsafe fn str_from_raw<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a str, flask_cookie_result> {
    use super::result::fail;
    // SAFETY: the caller's promise, passed on.
    let bytes = match unsafe { slice_from_raw(ptr, len) } {
        Ok(b) => b,
        Err(r) => {
            return Err(fail(
                r,
                format_args!(
                    "argument `{what}` is NULL with a length of {len} or its length is too large"
                ),
            ))
        }
    };
    std::str::from_utf8(bytes).map_err(|e| {
        fail(
            flask_cookie_result::InvalidArgument,
            format_args!(
                "argument `{what}` is not UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Borrows an array of `n` slices from C, or the failure to return.
///
/// # Safety
///
/// A non-NULL `ptr` must point to `n` initialised, aligned `flask_cookie_slice`s valid for `'a`.
pub(crate) unsafe fn slices_from_raw<'a>(
    ptr: *const flask_cookie_slice,
    n: usize,
    what: &str,
) -> Result<&'a [flask_cookie_slice], flask_cookie_result> {
    use super::result::fail;
    if ptr.is_null() {
        if n == 0 {
            return Ok(&[]);
        }
        return Err(fail(
            flask_cookie_result::NullArgument,
            format_args!("argument `{what}` is NULL with a length of {n}"),
        ));
    }
    if n > isize::MAX as usize / std::mem::size_of::<flask_cookie_slice>() {
        return Err(fail(
            flask_cookie_result::InvalidArgument,
            format_args!("argument `{what}` has a length too large"),
        ));
    }
    // SAFETY: non-NULL, the total size fits in `isize` (checked), and the caller promises `n`
    // initialised, aligned slices valid for `'a`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

/// Borrows every slice of an array of slices (see [`slices_from_raw`]) as byte slices.
///
/// # Safety
///
/// Each slice must be valid as documented on [`flask_cookie_slice`], for `'a`.
pub(crate) unsafe fn byte_slices<'a>(
    list: &[flask_cookie_slice],
    what: &str,
) -> Result<Vec<&'a [u8]>, flask_cookie_result> {
    use super::result::fail;
    let mut out = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        // SAFETY: the caller's promise, passed on.
        match unsafe { slice_from_raw(s.data, s.len) } {
            Ok(b) => out.push(b),
            Err(r) => {
                return Err(fail(
                    r,
                    format_args!(
                    "{what} #{i} has a NULL `data` with a non-zero length or a length too large"
                ),
                ))
            }
        }
    }
    Ok(out)
}
