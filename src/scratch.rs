//! Per-thread scratch space (buffers, a deflate or inflate state) reused from call to call, so
//! that a [`crate::Codec`], which is immutable and shared between threads, allocates as little
//! as possible per cookie.
//!
//! Each scratch lives in a `thread_local!` `Cell<Option<T>>`: it is taken out for the call and
//! put back after. A nested call, or a call while the thread is being torn down, finds the slot
//! empty and works with a fresh one: no panic, no `RefCell` borrow error, no shared state.

use std::cell::Cell;
use std::thread::LocalKey;

/// Runs `f` with this thread's scratch in `key` (made by `new` on first use).
pub(crate) fn with_scratch<T, R>(
    key: &'static LocalKey<Cell<Option<T>>>,
    new: fn() -> T,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let mut scratch = key.try_with(Cell::take).ok().flatten().unwrap_or_else(new);
    let result = f(&mut scratch);
    let _ = key.try_with(|slot| slot.set(Some(scratch)));
    result
}

/// Buffers that grew past this many bytes (a huge session) are freed after use rather than
/// kept by the thread.
pub(crate) const KEEP_MAX_BYTES: usize = 64 * 1024;

/// Frees `v` when it holds more than [`KEEP_MAX_BYTES`].
pub(crate) fn trim<T>(v: &mut Vec<T>) {
    if v.capacity().saturating_mul(std::mem::size_of::<T>()) > KEEP_MAX_BYTES {
        *v = Vec::new();
    }
}
