//! The panic boundary and the NULL checks that every `extern "C"` function uses.

/// Runs the body (which evaluates to a `flask_cookie_result`) and turns a panic into
/// `flask_cookie_result::Panic`, recording a message for `flask_cookie_last_error`. A panic
/// never unwinds into C.
macro_rules! ffi_panic_boundary {
    ($($body:tt)*) => {{
        let run = || -> $crate::result::flask_cookie_result { $($body)* };
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(run)) {
            Ok(result) => result,
            Err(_) => $crate::result::fail(
                $crate::result::flask_cookie_result::Panic,
                format_args!("internal error: a panic was caught at the C boundary (please report it)"),
            ),
        }
    }};
}

/// Like `ffi_panic_boundary!` for functions that return something other than a result:
/// evaluates to `$default` after a panic.
macro_rules! ffi_panic_boundary_or {
    ($default:expr, $($body:tt)*) => {{
        let run = || { $($body)* };
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(run)) {
            Ok(value) => value,
            Err(_) => $default,
        }
    }};
}

/// Returns `NullArgument` from the enclosing boundary when a pointer argument is NULL.
macro_rules! check_not_null {
    ($($ptr:ident),+ $(,)?) => {
        $(
            if $ptr.is_null() {
                return $crate::result::fail(
                    $crate::result::flask_cookie_result::NullArgument,
                    format_args!("argument `{}` is NULL", stringify!($ptr)),
                );
            }
        )+
    };
}

/// Borrows `(ptr, len)` as a byte slice, or returns `NullArgument` (NULL with a non-zero
/// length) or `InvalidArgument` (a length no object can have) from the enclosing boundary.
///
/// The caller of the enclosing function promises that a non-NULL `ptr` points to `len`
/// readable bytes that stay valid and unchanged for the call.
macro_rules! try_slice {
    ($ptr:ident, $len:ident) => {
        // SAFETY: the enclosing function's contract (its `# Safety` section) makes the caller
        // promise that a non-NULL `$ptr` points to `$len` readable bytes, valid and unchanged
        // for the duration of the call; `slice_from_raw` checks NULL and the length.
        match unsafe { $crate::buf::slice_from_raw($ptr, $len) } {
            Ok(slice) => slice,
            Err(result) => {
                return $crate::result::fail(
                    result,
                    format_args!(
                        "argument `{}` is NULL with a length of {} or its length is too large",
                        stringify!($ptr),
                        $len
                    ),
                )
            }
        }
    };
}
