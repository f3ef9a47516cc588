//! WebAssembly only: memory for the host.
//!
//! The Go package's no-cgo path runs this crate compiled to `wasm32-wasip1`
//! under wazero (`make wasm`, `scripts/wasm.sh`). The C ABI of
//! [`crate::ffi`] takes pointers, which inside a WebAssembly module are
//! offsets into its linear memory; the host therefore needs room in that
//! memory to copy its input into and to receive the results. These two
//! functions hand it out from the module's own allocator, so that the
//! host's buffers and the allocations of `log_parser_new` never overlap, and
//! so that the memory grows (`memory.grow`) when a buffer needs it.
//!
//! They are `#[no_mangle]`, hence exported from the module, but no part of
//! the C API of `logspan.h` (`cbindgen:ignore`), and do not exist in native
//! builds.

use std::alloc::{alloc, dealloc, Layout};

/// Alignment of every host buffer: enough for any type of the C ABI
/// (`int64_t`, `double`, `LogSpan`, `LogBatchResult`).
const HOST_ALIGN: usize = 8;

/// cbindgen:ignore
///
/// Allocate `size` bytes, aligned to 8, in the module's memory, growing the
/// memory when needed. Returns NULL (0) when `size` is 0, too large, or the
/// memory cannot grow to hold it (the host reports that as an error). The
/// bytes are uninitialised; free them with `log_wasm_free(ptr, size)`.
#[no_mangle]
extern "C" fn log_wasm_alloc(size: usize) -> *mut u8 {
    let Ok(layout) = Layout::from_size_align(size, HOST_ALIGN) else {
        return std::ptr::null_mut();
    };
    if size == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: the layout has a non-zero size (checked above), as `alloc`
    // requires. A failed allocation returns NULL, which is passed on.
    unsafe { alloc(layout) }
}

/// cbindgen:ignore
///
/// Free a buffer of `size` bytes returned by `log_wasm_alloc(size)`. NULL
/// (or a zero size) is ignored.
///
/// # Safety
/// `ptr` must come from `log_wasm_alloc` called with this same `size`, not
/// be freed already, and not be used afterwards.
#[no_mangle]
unsafe extern "C" fn log_wasm_free(ptr: *mut u8, size: usize) {
    if ptr.is_null() || size == 0 {
        return;
    }
    let Ok(layout) = Layout::from_size_align(size, HOST_ALIGN) else {
        return;
    };
    // SAFETY: by this function's contract ptr came from log_wasm_alloc(size),
    // which allocated it with this very layout, and is freed only once.
    unsafe { dealloc(ptr, layout) }
}
