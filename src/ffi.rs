//! The C ABI: thin `extern "C"` wrappers over the safe API, nothing else.
//!
//! Conventions (the README's "C API conventions" section says the same):
//! - every function body runs inside `ffi_boundary!`: a panic never
//!   unwinds into C or Go, it becomes [`Error::Panic`] (or a neutral value
//!   for functions that return no status);
//! - a `(NULL, 0)` buffer is an empty buffer; `(NULL, n > 0)` is
//!   `LOG_ERR_NULL_ARGUMENT`; no slice is ever built from a NULL pointer;
//! - inputs are never written; outputs are written only within the
//!   capacities the caller gives;
//! - statuses are `int32_t`: `>= 0` success, negative `LOG_ERR_*`.
//!
//! # Safety
//!
//! One contract covers every function here, so it is written once rather
//! than as a `# Safety` section on each (hence the `missing_safety_doc`
//! allowance): every pointer argument is either NULL (handled as each
//! function says) or valid for the access its length or the function's
//! text implies, for the duration of the call — `(ptr, len)` inputs
//! readable for `len` bytes and not written meanwhile, outputs writable for
//! their capacity and not aliased; a `*LogParser` comes from
//! `log_parser_new` and is not yet freed. Each function's text says which
//! arguments may be NULL.
#![allow(clippy::missing_safety_doc)]

use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::error::{Error, LOG_OK};
use crate::parser::{BatchResult, Line, Parser};
pub use crate::parser::{LOG_BATCH_END_OF_INPUT, LOG_BATCH_SKIP_EMPTY};
use crate::span::Span;
use crate::LOG_FAST_FIELDS;

/// Version of the C ABI described by `logspan.h`. It changes only when a
/// published function or type changes incompatibly.
pub const LOG_ABI_VERSION: u32 = 1;

/// Run `$body`, turning a panic into `$on_panic`.
macro_rules! ffi_boundary {
    ($on_panic:expr, $body:block) => {
        match catch_unwind(AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(_) => $on_panic,
        }
    };
}

/// Return early with the error's code.
macro_rules! try_status {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Error::code(e),
        }
    };
}

/// A read-only byte buffer from C: `(NULL, 0)` is empty.
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must be valid for reads of
/// `len` bytes for `'a` and not be written during that time.
unsafe fn in_bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::NullArgument);
    }
    if len > isize::MAX as usize {
        return Err(Error::InvalidArgument);
    }
    // SAFETY: ptr is non-NULL and, by this function's contract, valid for
    // `len` bytes for 'a; len <= isize::MAX as from_raw_parts requires.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A writable array of `cap` elements from C: `(NULL, 0)` is empty.
///
/// # Safety
/// When `cap > 0` and `ptr` is not NULL, `ptr` must be valid for writes of
/// `cap` elements of `T`, properly aligned, and not aliased for `'a`.
unsafe fn out_slice<'a, T>(ptr: *mut T, cap: usize) -> Result<&'a mut [T], Error> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Error::NullArgument);
    }
    if cap > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Error::InvalidArgument);
    }
    // SAFETY: ptr is non-NULL and, by this function's contract, valid and
    // exclusively ours for `cap` elements; the size fits isize. T is a
    // plain-integer #[repr(C)] struct (Span, Line), so any bit pattern the
    // caller left there is a valid T, and we only write before we read.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, cap) })
}

/// Parse one nginx/Apache access-log line (combined, or common with
/// referer and user agent absent) and write exactly `LOG_FAST_FIELDS` (12)
/// spans to `out_fields`, in the `LOG_FIELD_*` order.
///
/// Returns the number of present fields (>= 0) or a negative `LOG_ERR_*`
/// code; on a parse error all 12 spans are set to absent. Spans are
/// offsets into `buf`. A trailing `\n` or `\r\n` is ignored.
///
/// `buf` may be NULL only when `len` is 0. `out_fields` must point to 12
/// writable `LogSpan`s. Thread-safe; allocates nothing.
#[no_mangle]
pub unsafe extern "C" fn log_parse_fast(buf: *const u8, len: usize, out_fields: *mut Span) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller guarantees buf is readable for len bytes.
        let line = try_status!(unsafe { in_bytes(buf, len) });
        // SAFETY: the caller guarantees out_fields holds 12 writable spans.
        let out = try_status!(unsafe { out_slice(out_fields, LOG_FAST_FIELDS) });
        let out: &mut [Span; LOG_FAST_FIELDS] = out.try_into().expect("12 spans");
        match crate::parse_fast(line, out) {
            Ok(n) => n as i32,
            Err(e) => e.code(),
        }
    })
}

/// Compile a spec string (`combined`, `common`, `access`,
/// `json:<path>,...`; see the README) into a parser.
///
/// On success writes a new parser to `*out` and returns `LOG_OK`; free it
/// with `log_parser_free`. On failure returns a negative code, leaves
/// `*out` untouched, and, when `err_buf` is not NULL and `err_cap > 0`,
/// writes a NUL-terminated message (with the byte position in the spec)
/// into `err_buf`, truncated to `err_cap - 1` bytes.
///
/// The spec must be UTF-8. This function allocates; parsing does not.
#[no_mangle]
pub unsafe extern "C" fn log_parser_new(
    spec: *const u8,
    spec_len: usize,
    out: *mut *mut Parser,
    err_buf: *mut u8,
    err_cap: usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller guarantees err_buf is writable for err_cap
        // bytes when not NULL.
        let err_out = unsafe { out_slice(err_buf, if err_buf.is_null() { 0 } else { err_cap }) }
            .unwrap_or(&mut []);
        let mut fail = |e: Error, msg: &str| {
            if let Some(room) = err_out.len().checked_sub(1) {
                // Cut at a character boundary: the message stays UTF-8.
                let mut n = msg.len().min(room);
                while !msg.is_char_boundary(n) {
                    n -= 1;
                }
                err_out[..n].copy_from_slice(&msg.as_bytes()[..n]);
                err_out[n] = 0;
            }
            e.code()
        };
        if out.is_null() {
            return fail(Error::NullArgument, "out is NULL");
        }
        // SAFETY: the caller guarantees spec is readable for spec_len bytes.
        let spec = match unsafe { in_bytes(spec, spec_len) } {
            Ok(s) => s,
            Err(e) => return fail(e, "spec is NULL with a non-zero length"),
        };
        match Parser::from_spec_bytes(spec) {
            Ok(p) => {
                // SAFETY: out is non-NULL and the caller guarantees it is
                // writable.
                unsafe { *out = Box::into_raw(Box::new(p)) };
                LOG_OK
            }
            Err(e) => fail(Error::InvalidSpec, &e.to_string()),
        }
    })
}

/// Free a parser made by `log_parser_new`. NULL is ignored. The parser
/// must not be in use by any thread, and must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn log_parser_free(parser: *mut Parser) {
    ffi_boundary!((), {
        if !parser.is_null() {
            // SAFETY: parser came from Box::into_raw in log_parser_new and,
            // by contract, is freed once and no longer used.
            drop(unsafe { Box::from_raw(parser) });
        }
    })
}

/// Borrow a parser handle; NULL gives None.
///
/// # Safety
/// A non-NULL `parser` must come from `log_parser_new` and not be freed.
unsafe fn parser_ref<'a>(parser: *const Parser) -> Option<&'a Parser> {
    // SAFETY: by contract a non-NULL handle points to a live Parser, which
    // is immutable, so a shared reference is sound from any thread.
    unsafe { parser.as_ref() }
}

/// Number of fields every parse with this parser writes (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn log_parser_field_count(parser: *const Parser) -> usize {
    ffi_boundary!(0, {
        // SAFETY: the caller passes a live parser or NULL.
        unsafe { parser_ref(parser) }.map_or(0, Parser::field_count)
    })
}

/// Name of field `index`: a NUL-terminated UTF-8 string owned by the
/// parser, valid until `log_parser_free`. Writes its length (without the
/// NUL) to `*len_out` when `len_out` is not NULL. Returns NULL for a NULL
/// parser or an index past the field count.
#[no_mangle]
pub unsafe extern "C" fn log_parser_field_name(
    parser: *const Parser,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    ffi_boundary!(ptr::null(), {
        // SAFETY: the caller passes a live parser or NULL.
        let Some(p) = (unsafe { parser_ref(parser) }) else {
            return ptr::null();
        };
        match p.field_name_nul(index) {
            None => ptr::null(),
            Some(name) => {
                if !len_out.is_null() {
                    // SAFETY: non-NULL len_out is writable by contract.
                    unsafe { *len_out = name.len() - 1 };
                }
                name.as_ptr().cast()
            }
        }
    })
}

/// Index of the field called `name` (`name_len` bytes, no NUL needed), or
/// `LOG_ERR_INVALID_ARGUMENT` when there is none. Resolve names once, then
/// read spans by index in the hot loop.
#[no_mangle]
pub unsafe extern "C" fn log_parser_field_index(
    parser: *const Parser,
    name: *const u8,
    name_len: usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller passes a live parser or NULL.
        let Some(p) = (unsafe { parser_ref(parser) }) else {
            return Error::NullArgument.code();
        };
        // SAFETY: the caller guarantees name is readable for name_len bytes.
        let name = try_status!(unsafe { in_bytes(name, name_len) });
        let found = std::str::from_utf8(name)
            .ok()
            .and_then(|n| p.field_index(n));
        found.map_or(Error::InvalidArgument.code(), |i| i as i32)
    })
}

/// Parse one line with `parser` into `out[0 .. field_count)`.
///
/// Returns the number of present fields (>= 0) or a negative code. When
/// `out_cap` is smaller than the field count, returns
/// `LOG_ERR_OUTPUT_TOO_SMALL` and writes nothing; on a parse error all
/// field_count spans are set to absent. Spans are offsets into `buf`. A
/// trailing `\n` or `\r\n` is ignored.
///
/// Thread-safe: many threads may parse with one parser at once.
/// Allocates nothing.
#[no_mangle]
pub unsafe extern "C" fn log_parser_parse(
    parser: *const Parser,
    buf: *const u8,
    len: usize,
    out: *mut Span,
    out_cap: usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller passes a live parser or NULL.
        let Some(p) = (unsafe { parser_ref(parser) }) else {
            return Error::NullArgument.code();
        };
        // SAFETY: the caller guarantees buf is readable for len bytes.
        let line = try_status!(unsafe { in_bytes(buf, len) });
        if out_cap < p.field_count() {
            return Error::OutputTooSmall.code();
        }
        // SAFETY: the caller guarantees out is writable for out_cap spans.
        let out = try_status!(unsafe { out_slice(out, out_cap) });
        match p.parse(line, out) {
            Ok(n) => n as i32,
            Err(e) => e.code(),
        }
    })
}

/// Parse every complete line of `buf` (lines end with `\n`) in one call.
///
/// For line k: its offset, length (without `\n` / `\r\n`) and status go to
/// `lines[k]`; its spans go to `fields[k * field_count ...]`, as offsets
/// from the start of `buf`. `*result` receives the bytes consumed, the
/// number of lines written and how many failed.
///
/// A final line without `\n` is left for the next call unless `flags` has
/// `LOG_BATCH_END_OF_INPUT`; with `LOG_BATCH_SKIP_EMPTY`, empty lines are
/// consumed without a result (otherwise each gets `LOG_ERR_EMPTY_LINE`). Returns `LOG_OK` with `result->full == 0`
/// when every complete line was handled, and `LOG_OK` with
/// `result->full == 1` when `lines_cap` or `fields_cap` (or the 4 GiB
/// offset range of one call) ran out first: what was written is valid,
/// continue from `buf + result->consumed`. A negative code means nothing
/// was parsed (NULL arguments, unknown flags) and `*result` is untouched.
///
/// Thread-safe with a shared parser; allocates nothing.
#[no_mangle]
pub unsafe extern "C" fn log_parser_parse_batch(
    parser: *const Parser,
    buf: *const u8,
    len: usize,
    flags: u32,
    lines: *mut Line,
    lines_cap: usize,
    fields: *mut Span,
    fields_cap: usize,
    result: *mut BatchResult,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller passes a live parser or NULL.
        let Some(p) = (unsafe { parser_ref(parser) }) else {
            return Error::NullArgument.code();
        };
        if result.is_null() {
            return Error::NullArgument.code();
        }
        if flags & !(LOG_BATCH_END_OF_INPUT | LOG_BATCH_SKIP_EMPTY) != 0 {
            return Error::InvalidArgument.code();
        }
        // SAFETY: the caller guarantees buf is readable for len bytes.
        let buf = try_status!(unsafe { in_bytes(buf, len) });
        // SAFETY: the caller guarantees lines and fields are writable for
        // their capacities.
        let lines = try_status!(unsafe { out_slice(lines, lines_cap) });
        // SAFETY: as above.
        let fields = try_status!(unsafe { out_slice(fields, fields_cap) });
        let r = match p.parse_batch_flags(buf, flags, lines, fields) {
            Ok(r) => r,
            Err(e) => return e.code(),
        };
        // SAFETY: result is non-NULL and writable by contract.
        unsafe { *result = r };
        LOG_OK
    })
}

/// A static, NUL-terminated description of a status code: any `LOG_ERR_*`
/// code; every non-negative value (`LOG_OK`, a present-field count) reads
/// "ok". Never NULL; never free it.
#[no_mangle]
pub extern "C" fn log_status_str(status: i32) -> *const c_char {
    let s: &'static str = match status {
        s if s >= LOG_OK => "ok\0",
        s => Error::from_code(s).map_or("unknown status code\0", Error::message_nul),
    };
    s.as_ptr().cast()
}

/// The library version, e.g. "0.1.0" (static, NUL-terminated).
#[no_mangle]
pub extern "C" fn log_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Link-time ABI check: a program built against this header can take this
/// function's address (the Go package does, in its cgo preamble), so that
/// linking it with a library of another ABI version fails at link time
/// instead of misbehaving at run time. The name changes with
/// `LOG_ABI_VERSION`. It does nothing when called.
#[no_mangle]
pub extern "C" fn logspan_abi_v1() {}

/// The ABI version this library implements (`LOG_ABI_VERSION`); compare
/// it with the header's at start-up to catch a stale library.
#[no_mangle]
pub extern "C" fn log_abi_version() -> u32 {
    LOG_ABI_VERSION
}

// ------------------------------------------------------------ typed values
//
// `log_value_*`, `log_time_*` and `log_unescape_*`: the functions of
// `crate::values` for C. All are reentrant and thread-safe (they touch
// nothing but their arguments), allocate nothing, and write their outputs
// only when they return `LOG_OK`.

/// Parse `buf[0 .. len)` with `parse` and store the value in `*out`.
///
/// # Safety
/// `buf` is readable for `len` bytes (or NULL with `len == 0`); `out` is
/// NULL or valid and aligned for a write of one `T`.
unsafe fn value_to<T>(
    buf: *const u8,
    len: usize,
    out: *mut T,
    parse: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> i32 {
    if out.is_null() {
        return Error::NullArgument.code();
    }
    // SAFETY: the caller guarantees buf is readable for len bytes.
    let text = try_status!(unsafe { in_bytes(buf, len) });
    let v = try_status!(parse(text));
    // SAFETY: out is non-NULL and, by the caller's contract, valid and
    // aligned for one T; T is a plain number, nothing to drop.
    unsafe { out.write(v) };
    LOG_OK
}

/// Parse a signed decimal integer (`-?[0-9]+`: no `+`, no spaces, leading
/// zeros allowed) from `buf[0 .. len)`.
///
/// On success writes it to `*out` and returns `LOG_OK`. Otherwise returns
/// `LOG_ERR_VALUE_SYNTAX` (not such an integer, including the empty
/// string), `LOG_ERR_VALUE_OUT_OF_RANGE` (does not fit int64_t; never a
/// wrapped value) or `LOG_ERR_NULL_ARGUMENT` (`out` is NULL, or `buf` is
/// NULL with `len > 0`), and leaves `*out` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_value_i64(buf: *const u8, len: usize, out: *mut i64) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe { value_to(buf, len, out, crate::values::parse_i64) }
    })
}

/// Parse an unsigned decimal integer (`[0-9]+`: no sign, no spaces,
/// leading zeros allowed) from `buf[0 .. len)`.
///
/// On success writes it to `*out` and returns `LOG_OK`. Otherwise returns
/// `LOG_ERR_VALUE_SYNTAX`, `LOG_ERR_VALUE_OUT_OF_RANGE` (above
/// UINT64_MAX) or `LOG_ERR_NULL_ARGUMENT`, and leaves `*out` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_value_u64(buf: *const u8, len: usize, out: *mut u64) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe { value_to(buf, len, out, crate::values::parse_u64) }
    })
}

/// Parse a decimal number (`-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`: the
/// JSON grammar with leading zeros allowed; no `inf`/`nan`, no `+`, no
/// spaces) from `buf[0 .. len)`, correctly rounded to the nearest double.
///
/// On success writes it to `*out` and returns `LOG_OK`. Otherwise returns
/// `LOG_ERR_VALUE_SYNTAX`, `LOG_ERR_VALUE_OUT_OF_RANGE` (too large: it
/// would round to infinity; a too-small value rounds to 0 and succeeds)
/// or `LOG_ERR_NULL_ARGUMENT`, and leaves `*out` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_value_f64(buf: *const u8, len: usize, out: *mut f64) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe { value_to(buf, len, out, crate::values::parse_f64) }
    })
}

/// Parse a boolean from `buf[0 .. len)`: the spellings of Go's
/// `strconv.ParseBool`, `true True TRUE t T 1` and `false False FALSE f F
/// 0`, nothing else.
///
/// On success writes 1 (true) or 0 (false) to `*out` and returns
/// `LOG_OK`. Otherwise returns `LOG_ERR_VALUE_SYNTAX` or
/// `LOG_ERR_NULL_ARGUMENT` and leaves `*out` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_value_bool(buf: *const u8, len: usize, out: *mut u8) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe {
            value_to(buf, len, out, |s| {
                crate::values::parse_bool(s).map(u8::from)
            })
        }
    })
}

/// Parse an RFC 3339 / ISO 8601 timestamp from `buf[0 .. len)` to
/// nanoseconds since 1970-01-01T00:00:00Z.
///
/// Form: `YYYY-MM-DD`, `T`/`t`/space, `hh:mm:ss`, an optional fraction
/// (`.` or `,` and 1 or more digits; digits past the ninth are
/// truncated), and a required zone `Z`, `z`, `+hh:mm` or `+hhmm` (or
/// `-`). The date must exist; seconds are 00-59 (no leap second).
///
/// On success writes `*unix_nanos` and returns `LOG_OK`. Otherwise
/// returns `LOG_ERR_VALUE_BAD_TIME` (not the format, or a field out of
/// range), `LOG_ERR_VALUE_OUT_OF_RANGE` (a valid time outside the int64
/// nanosecond range, 1677-09-21 to 2262-04-11) or `LOG_ERR_NULL_ARGUMENT`,
/// and leaves `*unix_nanos` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_time_rfc3339(buf: *const u8, len: usize, unix_nanos: *mut i64) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe { value_to(buf, len, unix_nanos, crate::values::parse_rfc3339) }
    })
}

/// Parse an access-log (Common Log Format) time, `DD/Mon/YYYY:hh:mm:ss
/// +hhmm` without the brackets (what the `LOG_FIELD_TIME` span holds),
/// from `buf[0 .. len)` to nanoseconds since 1970-01-01T00:00:00Z. Month
/// names are English abbreviations in any ASCII case.
///
/// On success writes `*unix_nanos` and returns `LOG_OK`. Otherwise
/// returns `LOG_ERR_VALUE_BAD_TIME`, `LOG_ERR_VALUE_OUT_OF_RANGE` or
/// `LOG_ERR_NULL_ARGUMENT`, and leaves `*unix_nanos` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_time_clf(buf: *const u8, len: usize, unix_nanos: *mut i64) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe { value_to(buf, len, unix_nanos, crate::values::parse_clf_time) }
    })
}

/// Parse a BSD syslog (RFC 3164) timestamp, `Mmm dd hh:mm:ss` (day
/// space-padded, `Oct  1`, zero-padded, `Oct 01`, or not, `Oct 1`), from
/// `buf[0 .. len)`
/// with the caller's `year`, taken as UTC (the format has neither year nor
/// zone), to nanoseconds since 1970-01-01T00:00:00Z. 29 February is valid
/// only in a leap `year`.
///
/// On success writes `*unix_nanos` and returns `LOG_OK`. Otherwise
/// returns `LOG_ERR_VALUE_BAD_TIME`, `LOG_ERR_VALUE_OUT_OF_RANGE` (a
/// `year` outside about 1677-2262) or `LOG_ERR_NULL_ARGUMENT`, and leaves
/// `*unix_nanos` untouched.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `buf`.
#[no_mangle]
pub unsafe extern "C" fn log_time_rfc3164(
    buf: *const u8,
    len: usize,
    year: i32,
    unix_nanos: *mut i64,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is value_to's.
        unsafe {
            value_to(buf, len, unix_nanos, |s| {
                crate::values::parse_rfc3164_time(s, year)
            })
        }
    })
}

/// Decode `raw[0 .. raw_len)` into `out[0 .. out_cap)` with `decode`.
///
/// # Safety
/// `raw` is readable for `raw_len` bytes (or NULL with `raw_len == 0`);
/// `out` is writable for `out_cap` bytes (or NULL with `out_cap == 0`);
/// `out_len` is NULL or valid and aligned for a write of one `usize`.
unsafe fn unescape_to(
    raw: *const u8,
    raw_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    decode: fn(&[u8], &mut [u8]) -> Result<usize, Error>,
) -> i32 {
    if out_len.is_null() {
        return Error::NullArgument.code();
    }
    // SAFETY: the caller guarantees raw is readable for raw_len bytes.
    let text = try_status!(unsafe { in_bytes(raw, raw_len) });
    if out_cap > 0 && out.is_null() {
        return Error::NullArgument.code();
    }
    // Overlapping input and output would alias a & and a &mut slice.
    if !text.is_empty() && out_cap > 0 {
        let (r0, o0) = (text.as_ptr() as usize, out as usize);
        let (r1, o1) = (r0.saturating_add(text.len()), o0.saturating_add(out_cap));
        if r0 < o1 && o0 < r1 {
            return Error::InvalidArgument.code();
        }
    }
    // SAFETY: the caller guarantees out is writable for out_cap bytes, and
    // it does not overlap raw (checked above); u8 has no invalid values.
    let dst = try_status!(unsafe { out_slice(out, out_cap) });
    let n = try_status!(decode(text, dst));
    // SAFETY: out_len is non-NULL and, by contract, writable and aligned.
    unsafe { out_len.write(n) };
    LOG_OK
}

/// Unescape the body of a JSON string (the text between the quotes, as a
/// `LOG_TYPE_STRING` span holds it): `\"` `\\` `\/` `\b` `\f` `\n` `\r`
/// `\t` `\uXXXX`, surrogate pairs to one UTF-8 character. Other bytes are
/// copied as they are.
///
/// On success writes the decoded bytes to `out[0 .. *out_len)` (not
/// NUL-terminated), sets `*out_len` and returns `LOG_OK`. `out_cap ==
/// raw_len` always suffices: unescaping never lengthens the text.
///
/// Errors (nothing is written to `out` or `*out_len`):
/// `LOG_ERR_JSON_BAD_STRING` (unknown escape, lone surrogate, `\` at the
/// end, raw `"` or control byte); `LOG_ERR_OUTPUT_TOO_SMALL` (the result
/// is longer than `out_cap`); `LOG_ERR_NULL_ARGUMENT` (`out_len` NULL, or
/// `raw`/`out` NULL with a non-zero length); `LOG_ERR_INVALID_ARGUMENT`
/// (`out` overlaps `raw`: decode into another buffer).
///
/// Reentrant and thread-safe; allocates nothing; never keeps `raw`.
#[no_mangle]
pub unsafe extern "C" fn log_unescape_json(
    raw: *const u8,
    raw_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is unescape_to's.
        unsafe {
            unescape_to(
                raw,
                raw_len,
                out,
                out_cap,
                out_len,
                crate::values::unescape_json,
            )
        }
    })
}

/// Unescape the body of a logfmt quoted value (the text between the
/// quotes), accepting exactly the escapes the logfmt parser accepts: those
/// of go-logfmt (JSON's plus `\'`; a surrogate pair becomes one character,
/// any other surrogate U+FFFD) and those of Go's `strconv.Quote` (`\a`
/// `\v`, `\xHH` and octal `\ooo` as raw bytes, `\UXXXXXXXX`). Other bytes
/// are copied as they are (go-logfmt would replace invalid UTF-8 with
/// U+FFFD; this does not).
///
/// On success writes the decoded bytes to `out[0 .. *out_len)` (not
/// NUL-terminated), sets `*out_len` and returns `LOG_OK`. `out_cap ==
/// raw_len` always suffices.
///
/// Errors (nothing is written to `out` or `*out_len`):
/// `LOG_ERR_LOGFMT_BAD_ESCAPE` (unknown escape, `\` at the end, raw `"`
/// or control byte); `LOG_ERR_OUTPUT_TOO_SMALL`; `LOG_ERR_NULL_ARGUMENT`;
/// `LOG_ERR_INVALID_ARGUMENT` (`out` overlaps `raw`).
///
/// Reentrant and thread-safe; allocates nothing; never keeps `raw`.
#[no_mangle]
pub unsafe extern "C" fn log_unescape_logfmt(
    raw: *const u8,
    raw_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is unescape_to's.
        unsafe {
            unescape_to(
                raw,
                raw_len,
                out,
                out_cap,
                out_len,
                crate::values::unescape_logfmt,
            )
        }
    })
}

/// Unescape an Apache/nginx access-log quoted field (the text between the
/// quotes): `\"` `\\` `\xHH` and Apache's `\b` `\n` `\r` `\t` `\v`. Any
/// other backslash is kept as it is, so no text is invalid.
///
/// On success writes the decoded bytes to `out[0 .. *out_len)` (not
/// NUL-terminated), sets `*out_len` and returns `LOG_OK`. `out_cap ==
/// raw_len` always suffices.
///
/// Errors (nothing is written to `out` or `*out_len`):
/// `LOG_ERR_OUTPUT_TOO_SMALL`; `LOG_ERR_NULL_ARGUMENT`;
/// `LOG_ERR_INVALID_ARGUMENT` (`out` overlaps `raw`).
///
/// Reentrant and thread-safe; allocates nothing; never keeps `raw`.
#[no_mangle]
pub unsafe extern "C" fn log_unescape_access(
    raw: *const u8,
    raw_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is unescape_to's.
        unsafe {
            unescape_to(
                raw,
                raw_len,
                out,
                out_cap,
                out_len,
                crate::values::unescape_access,
            )
        }
    })
}

// ------------------------------------------------------------ syslog
//
// `log_syslog_*`: decode the `priority` and `structured_data` fields of
// the `syslog`, `syslog5424` and `syslog3164` specs. All are reentrant and
// thread-safe, allocate nothing, and write their outputs only on success.

/// Flag of `LogSdParam.flags`: this step is the first of its SD-ELEMENT.
/// (An escaped value is flagged on `value.flags` with `LOG_FLAG_ESCAPED`,
/// as any span is; this bit is distinct from every `LOG_FLAG_*` bit.)
pub const LOG_SD_ELEMENT_START: u32 = 1 << 16;

/// The state of a walk over STRUCTURED-DATA with `log_syslog_sd_next`.
///
/// Zero it to start (`LogSdCursor cur = {0};`) and then leave it to
/// `log_syslog_sd_next`: `pos` is where the next step starts, `elem_off`
/// and `elem_len` the SD-ID of the element being walked (0 between
/// elements). Any value is safe: one that does not fit the `sd` it is
/// used with is `LOG_ERR_INVALID_ARGUMENT`, any other continues the walk
/// from `pos` (with errors if that is not where a step starts).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSdCursor {
    /// Offset in `sd` of the next step.
    pub pos: u32,
    /// Offset in `sd` of the current element's SD-ID.
    pub elem_off: u32,
    /// Length of the current element's SD-ID; 0 between elements.
    pub elem_len: u32,
}

/// One step of a walk over STRUCTURED-DATA (`log_syslog_sd_next`): one
/// SD-PARAM of an element, or an element that has no parameters. Spans
/// are offsets into the `sd` bytes walked.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogSdParam {
    /// The element's SD-ID (e.g. `exampleSDID@32473`), on every step.
    pub id: Span,
    /// The PARAM-NAME; absent (`off == LOG_SPAN_ABSENT`) for an element
    /// without parameters.
    pub name: Span,
    /// The raw PARAM-VALUE without its quotes, escapes (`\"` `\\` `\]`)
    /// kept and `LOG_FLAG_ESCAPED` in `flags` when it holds any (decode
    /// it with `log_syslog_unescape_param`); absent with `name`.
    pub value: Span,
    /// `LOG_SD_ELEMENT_START` on the first step of each element.
    pub flags: u32,
}

/// Decode PRI digits (the `priority` field's bytes, without `<>`).
///
/// On success writes the facility (PRI / 8, 0..23) to `*facility` and the
/// severity (PRI % 8, 0..7) to `*severity`, and returns the PRI value
/// itself (0..191: a success, as every value >= 0). Otherwise returns
/// `LOG_ERR_SYSLOG_BAD_PRI` (not 1 to 3 digits without a leading zero, or
/// above 191, including the empty input) or `LOG_ERR_NULL_ARGUMENT`
/// (`facility` or `severity` NULL, or `pri` NULL with `len > 0`), and
/// writes neither output.
///
/// Reentrant and thread-safe; allocates nothing; never keeps `pri`.
#[no_mangle]
pub unsafe extern "C" fn log_syslog_priority(
    pri: *const u8,
    len: usize,
    facility: *mut u8,
    severity: *mut u8,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        if facility.is_null() || severity.is_null() {
            return Error::NullArgument.code();
        }
        // SAFETY: the caller guarantees pri is readable for len bytes.
        let digits = try_status!(unsafe { in_bytes(pri, len) });
        let Some(v) = crate::syslog::priority_value(digits) else {
            return Error::SyslogBadPri.code();
        };
        // SAFETY: both are non-NULL and, by the caller's contract, valid
        // for a write of one byte (u8 has no alignment).
        unsafe {
            facility.write(v >> 3);
            severity.write(v & 7);
        }
        i32::from(v)
    })
}

/// Walk the STRUCTURED-DATA of an RFC 5424 message (the bytes of the
/// `structured_data` span, from the first `[` to the last `]`) one step
/// per call, without allocating.
///
/// Each call writes the next step to `*out` and returns 1: one parameter,
/// in order, with its element's SD-ID; an element without parameters is
/// one step whose `name` and `value` are absent. The first step of each
/// element has `LOG_SD_ELEMENT_START` in `flags`. So one loop sees every
/// element and every parameter:
///
/// ```c
/// LogSdCursor cur = {0};
/// LogSdParam p;
/// int32_t rc;
/// while ((rc = log_syslog_sd_next(sd, sd_len, &cur, &p)) == 1) {
///     if (p.flags & LOG_SD_ELEMENT_START)
///         printf("[%.*s]\n", (int)p.id.len, sd + p.id.off);
///     if (p.name.off != LOG_SPAN_ABSENT)
///         printf("  %.*s=%.*s\n", (int)p.name.len, sd + p.name.off,
///                (int)p.value.len, sd + p.value.off);
/// }
/// if (rc < 0) { ... } // not valid STRUCTURED-DATA from here on
/// ```
///
/// Returns 0 at the end (also for an empty `sd`), leaving `*cursor` and
/// `*out` untouched, so further calls return 0 again.
///
/// Each step checks the syntax of what it reads with the parser's rules
/// (SD-ID and PARAM-NAME 1..32 printable ASCII bytes other than `=` `]`
/// `"`, `NAME="VALUE"` separated by one SP, only `\"` `\\` `\]` escaped
/// in a value, values UTF-8), but not that SD-IDs are unique nor their
/// count, which would need memory. Bytes that break a rule give
/// `LOG_ERR_SYSLOG_BAD_STRUCTURED_DATA`, bytes that end too early
/// `LOG_ERR_SYSLOG_TRUNCATED`; the steps before stay valid. Other errors:
/// `LOG_ERR_NULL_ARGUMENT` (`cursor` or `out` NULL, `sd` NULL with
/// `sd_len > 0`), `LOG_ERR_INVALID_ARGUMENT` (a cursor outside `sd`),
/// `LOG_ERR_LINE_TOO_LONG` (`sd_len` of 4 GiB - 1 or more). On an error
/// `*cursor` and `*out` are untouched.
///
/// Whatever the bytes and the cursor hold, it never reads outside
/// `sd[0 .. sd_len)` and a whole walk takes time linear in `sd_len`.
/// Reentrant and thread-safe; allocates nothing; never keeps `sd`.
#[no_mangle]
pub unsafe extern "C" fn log_syslog_sd_next(
    sd: *const u8,
    sd_len: usize,
    cursor: *mut LogSdCursor,
    out: *mut LogSdParam,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        if cursor.is_null() || out.is_null() {
            return Error::NullArgument.code();
        }
        // SAFETY: the caller guarantees sd is readable for sd_len bytes.
        let sd = try_status!(unsafe { in_bytes(sd, sd_len) });
        // SAFETY: cursor is non-NULL and, by the caller's contract, valid
        // and aligned for one LogSdCursor; every bit pattern is valid.
        let c = unsafe { cursor.read() };
        let mut cur = crate::syslog::SdCursor {
            pos: c.pos,
            id_off: c.elem_off,
            id_len: c.elem_len,
        };
        let step = match crate::syslog::sd_next(sd, &mut cur) {
            Ok(Some(step)) => step,
            Ok(None) => return 0,
            Err(e) => return e.code(),
        };
        let flags = if step.element_start {
            LOG_SD_ELEMENT_START
        } else {
            0
        };
        // SAFETY: out and cursor are non-NULL and, by the caller's
        // contract, valid and aligned for a write of one value each; both
        // are plain integers, nothing to drop.
        unsafe {
            out.write(LogSdParam {
                id: step.id,
                name: step.name,
                value: step.value,
                flags,
            });
            cursor.write(LogSdCursor {
                pos: cur.pos,
                elem_off: cur.id_off,
                elem_len: cur.id_len,
            });
        }
        1
    })
}

/// Unescape a raw PARAM-VALUE (the `value` of a `LogSdParam`): `\"`, `\\`
/// and `\]` become `"`, `\` and `]`; any other backslash is kept as it is
/// (RFC 5424 §6.3.3), so no text is invalid.
///
/// On success writes the decoded bytes to `out[0 .. *out_len)` (not
/// NUL-terminated), sets `*out_len` and returns `LOG_OK`. `out_cap ==
/// raw_len` always suffices.
///
/// Errors (nothing is written to `out` or `*out_len`):
/// `LOG_ERR_OUTPUT_TOO_SMALL`; `LOG_ERR_NULL_ARGUMENT`;
/// `LOG_ERR_INVALID_ARGUMENT` (`out` overlaps `raw`).
///
/// Reentrant and thread-safe; allocates nothing; never keeps `raw`.
#[no_mangle]
pub unsafe extern "C" fn log_syslog_unescape_param(
    raw: *const u8,
    raw_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> i32 {
    ffi_boundary!(Error::Panic.code(), {
        // SAFETY: the caller's contract is unescape_to's.
        unsafe {
            unescape_to(
                raw,
                raw_len,
                out,
                out_cap,
                out_len,
                crate::syslog::unescape_param_into,
            )
        }
    })
}
