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
