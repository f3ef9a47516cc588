//! A stand-in for "some other Rust library a Go program links": it uses
//! std (strings, allocation, formatting) and unwinding (catch_unwind), so it
//! carries its own copy of std and of `rust_eh_personality`, as any Rust
//! staticlib does.

use std::panic::catch_unwind;

/// The number of whitespace-separated words in `buf[..len]`, or -1 when it
/// is not UTF-8.
///
/// # Safety
/// `buf` must point to `len` readable bytes (or be NULL with `len == 0`).
#[no_mangle]
pub unsafe extern "C" fn otherlib_count_words(buf: *const u8, len: usize) -> i64 {
    let bytes = if len == 0 { &[][..] } else { std::slice::from_raw_parts(buf, len) };
    match std::str::from_utf8(bytes) {
        Ok(s) => s.split_whitespace().map(str::to_owned).collect::<Vec<_>>().len() as i64,
        Err(_) => -1,
    }
}

/// `a / b`, or -1 when b is 0: the division panics and the panic is caught,
/// so the unwinder of this library runs in the shared program.
#[no_mangle]
pub extern "C" fn otherlib_checked_div(a: i64, b: i64) -> i64 {
    std::panic::set_hook(Box::new(|_| {})); // keep the expected panic quiet
    let r = catch_unwind(|| {
        if b == 0 {
            panic!("{a} / 0");
        }
        a / b
    });
    let _ = std::panic::take_hook();
    r.unwrap_or(-1)
}
