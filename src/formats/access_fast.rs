//! The access-log fast path: the same rules as [`access`](super::access),
//! run over the SIMD engine's bitmasks instead of byte scans.
//!
//! Stage 1 ([`crate::simd`]) classifies the line, 64 bytes at a time, into
//! three masks: spaces, `"`-or-`\`, and `]`. Stage 2 ([`walk`]) follows the
//! scalar parser step for step, but every "find the next space / quote /
//! bracket" is a `trailing_zeros` on a mask. Stage 2 runs in two tiers:
//! [`walk_common_case`] checks a well-formed line's shape in as few steps
//! as it can and gives up at the first surprise; [`walk`] then replays the
//! reference's steps and names the exact error. The common case avoids
//! branches that follow the data where it can (on a log the predictor has
//! not seen, those are a large part of the cost): the request is split
//! from one 64-bit window of the space mask, and the method, protocol,
//! status and body size are checked as 8-byte words, not byte loops. The
//! batch ([`parse_next_line`]) finds each line's newline in the same
//! classification pass.
//!
//! `access::parse_inner` is the reference: every level of the engine is
//! tested against it (unit tests below, `tests/simd_engine.rs`, and the
//! `access_engine` fuzz target), including error codes. Lines longer than
//! [`MAX_BLOCKS`] blocks, and CPUs without a vector level, use it directly.

use std::mem::MaybeUninit;

use memchr::memchr;

use super::access::{
    self, count_present, is_http_version, is_tchar, separator, AccessMode, LOG_FIELD_BODY_BYTES,
    LOG_FIELD_METHOD, LOG_FIELD_PATH, LOG_FIELD_PROTOCOL, LOG_FIELD_REFERER, LOG_FIELD_REQUEST,
    LOG_FIELD_STATUS, LOG_FIELD_TIME, LOG_FIELD_USER_AGENT,
};
use crate::error::Error;
use crate::simd::{
    self, classify_at, classify_range, next_bit, Block64, Classes, Level, ScalarBlock,
};
use crate::span::{Span, LOG_FLAG_ESCAPED};

/// Lines up to this many 64-byte blocks (1 KiB) are classified into a
/// stack array; longer ones (rare in access logs) take the scalar parser.
const MAX_BLOCKS: usize = 16;

/// The longest line (with its line ending) the fast path classifies.
pub(crate) const MAX_LINE_BYTES: usize = MAX_BLOCKS * 64;

/// The classes the access-log walker jumps between.
#[derive(Clone, Copy, Default)]
pub(crate) struct AccessMasks {
    space: u64,
    quote_or_backslash: u64,
    close_bracket: u64,
}

struct AccessClasses;

impl Classes for AccessClasses {
    type Masks = AccessMasks;

    #[inline(always)]
    unsafe fn classify<B: Block64>(block: B) -> AccessMasks {
        // SAFETY: forwarded from this function's contract (the caller runs
        // with B's target features).
        unsafe {
            AccessMasks {
                space: block.eq(b' '),
                quote_or_backslash: block.eq2(b'"', b'\\'),
                close_bracket: block.eq(b']'),
            }
        }
    }

    #[inline(always)]
    fn truncate(m: AccessMasks, keep: u32) -> AccessMasks {
        let k = (1u64 << keep) - 1;
        AccessMasks {
            space: m.space & k,
            quote_or_backslash: m.quote_or_backslash & k,
            close_bracket: m.close_bracket & k,
        }
    }

    const SHIFTS: bool = true;

    #[inline(always)]
    fn shift_down(m: AccessMasks, by: u32) -> AccessMasks {
        AccessMasks {
            space: m.space >> by,
            quote_or_backslash: m.quote_or_backslash >> by,
            close_bracket: m.close_bracket >> by,
        }
    }
}

/// [`AccessMasks`] and the newlines: what the batch classifies, finding
/// a line's end in the same pass as its fields.
// Unused where there is no vector level (Miri, plain wasm32) outside tests.
#[cfg_attr(
    any(
        miri,
        not(any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            all(target_arch = "wasm32", target_feature = "simd128")
        ))
    ),
    allow(dead_code)
)]
#[derive(Clone, Copy, Default)]
struct LineMasks {
    access: AccessMasks,
    newline: u64,
}

#[cfg_attr(
    any(
        miri,
        not(any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            all(target_arch = "wasm32", target_feature = "simd128")
        ))
    ),
    allow(dead_code)
)]
struct AccessLineClasses;

impl Classes for AccessLineClasses {
    type Masks = LineMasks;

    #[inline(always)]
    unsafe fn classify<B: Block64>(block: B) -> LineMasks {
        // SAFETY: forwarded from this function's contract.
        unsafe {
            LineMasks {
                access: AccessClasses::classify(block),
                newline: block.eq(b'\n'),
            }
        }
    }

    #[inline(always)]
    fn truncate(m: LineMasks, keep: u32) -> LineMasks {
        LineMasks {
            access: AccessClasses::truncate(m.access, keep),
            newline: m.newline & ((1u64 << keep) - 1),
        }
    }

    const SHIFTS: bool = true;

    #[inline(always)]
    fn shift_down(m: LineMasks, by: u32) -> LineMasks {
        LineMasks {
            access: AccessClasses::shift_down(m.access, by),
            newline: m.newline >> by,
        }
    }
}

/// Same contract as [`access::parse`]: one line, a trailing `\n`/`\r\n`
/// ignored, spans relative to `line`, all absent on error.
#[inline]
pub(crate) fn parse(line: &[u8], mode: AccessMode, out: &mut [Span]) -> Result<usize, Error> {
    let end = crate::strip_eol(line).len();
    parse_range(line, 0, end, mode, out)
}

/// Parse the line `buf[start..end]` (its content: no line ending) with
/// spans relative to `buf`, all absent on error. Bytes of `buf` past `end`
/// may be read (never used): the batch passes its whole buffer so that the
/// last block of a line needs no copy.
#[inline]
pub(crate) fn parse_range(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    // SAFETY: `level()` only returns levels `is_available` accepted, once.
    unsafe { parse_range_on(simd::level(), buf, start, end, mode, out) }
}

/// [`parse_range`] at a given level. A level this CPU does not have runs
/// the fallback instead (so this is safe to call with any level).
pub(crate) fn parse_range_at(
    level: Level,
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let level = if simd::is_available(level) {
        level
    } else {
        Level::Fallback
    };
    // SAFETY: checked just above.
    unsafe { parse_range_on(level, buf, start, end, mode, out) }
}

/// The dispatch itself: no feature test per line.
///
/// # Safety
///
/// `simd::is_available(level)` must hold.
unsafe fn parse_range_on(
    level: Level,
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..mode.field_count()];
    let r = match level {
        // SAFETY (each arm): the CPU has the level (this function's
        // contract); the arms exist only on the architectures they are for.
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx512 => unsafe { x86::parse_avx512(buf, start, end, mode, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx2 => unsafe { x86::parse_avx2(buf, start, end, mode, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Sse2 => unsafe { x86::parse_sse2(buf, start, end, mode, out) },
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        Level::Neon => unsafe { arm::parse_neon(buf, start, end, mode, out) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
        Level::Simd128 => unsafe {
            parse_with::<crate::simd::Simd128Block>(buf, start, end, mode, out)
        },
        _ => fallback(buf, start, end, mode, out),
    };
    if r.is_err() {
        out.fill(Span::ABSENT);
    }
    r
}

/// The scalar reference parser, with spans moved to `buf`'s offsets.
fn fallback(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let n = access::parse_inner(&buf[start..end], mode, out)?;
    for s in out.iter_mut() {
        *s = s.shifted(start as u32);
    }
    Ok(n)
}

/// The walker over blocks of type `B`: the body every level instantiates.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn parse_with<B: Block64>(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let len = end - start;
    if len == 0 {
        return Err(Error::EmptyLine);
    }
    if len > MAX_BLOCKS * 64 {
        return fallback(buf, start, end, mode, out);
    }
    let line = &buf[start..end];
    // Not zeroed: classify_range initializes the prefix it returns.
    let mut masks = [MaybeUninit::<AccessMasks>::uninit(); MAX_BLOCKS];
    // SAFETY: start <= end <= buf.len() (checked by the slicing above);
    // masks holds MAX_BLOCKS >= ceil(len / 64); target features: this
    // function's contract.
    let masks = unsafe { classify_range::<AccessClasses, B>(buf, start, end, &mut masks) };
    walk_line(line, masks, start, mode, out)
}

/// Stage 2 over a classified line: the common case, else the
/// step-by-step walker.
#[inline(always)]
fn walk_line(
    line: &[u8],
    masks: &[AccessMasks],
    base: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    match walk_common_case(line, masks, base, mode, out) {
        Some(n) => Ok(n),
        // Anything unusual (an escape, an error): the step-by-step walker,
        // which writes every span again and names the error exactly.
        None => walk(line, masks, base, mode, out),
    }
}

/// For the batch: the line starting at `buf[start]`, found and parsed in
/// one pass. Classifies 64-byte blocks from `start` (newlines too) until
/// one holds a `\n`, then walks the line's content (without its `\n` or
/// `\r\n`) as [`parse_range`] would, spans relative to `buf`, all absent on
/// error. Returns the newline's index and the result; `None`, having
/// written nothing, when no `\n` comes within [`MAX_BLOCKS`] blocks (or
/// the CPU has no vector level): the caller then finds the end with
/// memchr and calls [`parse_range`]. A separate newline search would
/// read every byte twice, and its loop's exit is one more branch per
/// line that follows the data.
#[inline]
pub(crate) fn parse_next_line(
    buf: &[u8],
    start: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Option<(usize, Result<usize, Error>)> {
    // SAFETY: `level()` only returns levels `is_available` accepted.
    unsafe { parse_next_line_on(simd::level(), buf, start, mode, out) }
}

/// [`parse_next_line`] at a given level.
///
/// # Safety
///
/// `simd::is_available(level)` must hold.
unsafe fn parse_next_line_on(
    level: Level,
    buf: &[u8],
    start: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Option<(usize, Result<usize, Error>)> {
    let out = &mut out[..mode.field_count()];
    // SAFETY (each arm): the CPU has the level (this function's
    // contract); the arms exist only on the architectures they are for.
    let r = match level {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx512 => unsafe { x86::next_line_avx512(buf, start, mode, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx2 => unsafe { x86::next_line_avx2(buf, start, mode, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Sse2 => unsafe { x86::next_line_sse2(buf, start, mode, out) },
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        Level::Neon => unsafe { arm::next_line_neon(buf, start, mode, out) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
        Level::Simd128 => unsafe {
            next_line_with::<crate::simd::Simd128Block>(buf, start, mode, out)
        },
        _ => None,
    };
    if let Some((_, Err(_))) = r {
        out.fill(Span::ABSENT);
    }
    r
}

#[cfg_attr(
    any(
        miri,
        not(any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            all(target_arch = "wasm32", target_feature = "simd128")
        ))
    ),
    allow(dead_code)
)]
/// [`parse_next_line`]'s body over blocks of type `B`.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn next_line_with<B: Block64>(
    buf: &[u8],
    start: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Option<(usize, Result<usize, Error>)> {
    let mut masks = [MaybeUninit::<AccessMasks>::uninit(); MAX_BLOCKS];
    let mut blocks = 0;
    let newline = loop {
        let from = start + 64 * blocks;
        if from >= buf.len() || blocks == MAX_BLOCKS {
            return None;
        }
        // SAFETY: from < buf.len(); target features: this function's
        // contract.
        let m = unsafe { classify_at::<AccessLineClasses, B>(buf, from) };
        masks[blocks].write(m.access);
        blocks += 1;
        if m.newline != 0 {
            break from + m.newline.trailing_zeros() as usize;
        }
    };
    // The content: without the `\n`, and a `\r` before it (strip_eol).
    let end = if newline > start && buf[newline - 1] == b'\r' {
        newline - 1
    } else {
        newline
    };
    let len = end - start;
    if len == 0 {
        return Some((newline, Err(Error::EmptyLine)));
    }
    // The content's blocks (the `\r\n` may have begun a block of its own),
    // its last one cut at its end (the classes have no `\r` or `\n`, but
    // the next line's bytes may follow in the same block).
    let used = len.div_ceil(64);
    debug_assert!(used <= blocks);
    // SAFETY: masks[..blocks] were written by the loop, and used <= blocks
    // (the newline is in block blocks - 1, at or after the content's end);
    // MaybeUninit<T> has T's layout.
    let masks = unsafe {
        &mut *(&mut masks[..used] as *mut [MaybeUninit<AccessMasks>] as *mut [AccessMasks])
    };
    if !len.is_multiple_of(64) {
        masks[used - 1] = AccessClasses::truncate(masks[used - 1], (len % 64) as u32);
    }
    Some((
        newline,
        walk_line(&buf[start..end], masks, start, mode, out),
    ))
}

/// Test-only: the walker over [`ScalarBlock`], which needs no target
/// feature (the path Miri runs).
#[cfg(test)]
pub(crate) fn parse_range_portable(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..mode.field_count()];
    // SAFETY: ScalarBlock has no target features.
    let r = unsafe { parse_with::<ScalarBlock>(buf, start, end, mode, out) };
    if r.is_err() {
        out.fill(Span::ABSENT);
    }
    r
}

/// Hidden public entry for the integration tests and the fuzz target:
/// one line at a given level, or over [`ScalarBlock`] when `level` is
/// `None`. Same contract as `parse_fast`.
#[doc(hidden)]
pub fn parse_fast_at(
    level: Option<Level>,
    line: &[u8],
    out: &mut [Span; 12],
) -> Result<usize, Error> {
    parse_spec_at(level, "access", line, out)
}

/// [`parse_fast_at`] for the `access`, `combined` or `common` spec
/// (`common` writes 10 spans). Hidden, for the tests.
///
/// # Panics
///
/// On any other spec name.
#[doc(hidden)]
pub fn parse_spec_at(
    level: Option<Level>,
    spec: &str,
    line: &[u8],
    out: &mut [Span; 12],
) -> Result<usize, Error> {
    let mode = match spec {
        "access" => AccessMode::Either,
        "combined" => AccessMode::Combined,
        "common" => AccessMode::Common,
        _ => panic!("not an access-log spec: {spec}"),
    };
    let end = crate::strip_eol(line).len();
    match level {
        Some(level) => parse_range_at(level, line, 0, end, mode, out),
        None => {
            let out = &mut out[..mode.field_count()];
            // SAFETY: ScalarBlock has no target features.
            let r = unsafe { parse_with::<ScalarBlock>(line, 0, end, mode, out) };
            if r.is_err() {
                out.fill(Span::ABSENT);
            }
            r
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use super::*;
    use crate::simd::{Avx2Block, Avx512Block, Sse2Block};

    crate::simd::level_entries! {
        parse_with(buf: &[u8], start: usize, end: usize, mode: AccessMode, out: &mut [Span]) -> Result<usize, Error>;
        parse_sse2 = Sse2Block, "sse2";
        parse_avx2 = Avx2Block, "avx2,bmi1,bmi2,lzcnt,popcnt";
        parse_avx512 = Avx512Block, "avx512f,avx512bw,avx2,bmi1,bmi2,lzcnt,popcnt";
    }

    crate::simd::level_entries! {
        next_line_with(buf: &[u8], start: usize, mode: AccessMode, out: &mut [Span]) -> Option<(usize, Result<usize, Error>)>;
        next_line_sse2 = Sse2Block, "sse2";
        next_line_avx2 = Avx2Block, "avx2,bmi1,bmi2,lzcnt,popcnt";
        next_line_avx512 = Avx512Block, "avx512f,avx512bw,avx2,bmi1,bmi2,lzcnt,popcnt";
    }
}

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod arm {
    use super::*;
    use crate::simd::NeonBlock;

    crate::simd::level_entries! {
        parse_with(buf: &[u8], start: usize, end: usize, mode: AccessMode, out: &mut [Span]) -> Result<usize, Error>;
        parse_neon = NeonBlock, "neon";
    }

    crate::simd::level_entries! {
        next_line_with(buf: &[u8], start: usize, mode: AccessMode, out: &mut [Span]) -> Option<(usize, Result<usize, Error>)>;
        next_line_neon = NeonBlock, "neon";
    }
}

/// `-` alone is absent; otherwise the span, moved by `base`.
#[inline(always)]
fn field(line: &[u8], base: usize, start: usize, end: usize, flags: u32) -> Span {
    if end == start + 1 && line[start] == b'-' {
        Span::ABSENT
    } else {
        Span::new(base + start, base + end, flags)
    }
}

/// A field's span, or absent for a lone `-` (counted in `absent`).
#[inline(always)]
fn dash_or_span(
    line: &[u8],
    base: usize,
    start: usize,
    end: usize,
    flags: u32,
    absent: &mut usize,
) -> Span {
    if end == start + 1 && line.get(start) == Some(&b'-') {
        *absent += 1;
        Span::ABSENT
    } else {
        Span::new(base + start, base + end, flags)
    }
}

/// Stage 2, the common case: a well-formed line. It checks the line's shape with as few steps as the
/// masks allow and returns `None` at the first thing it does not expect;
/// the caller then runs [`walk`]. When it returns `Some`, every span and
/// the count equal [`walk`]'s (and so the reference's): the tests run
/// both on every cut and byte flip of the sample lines.
#[inline(always)]
fn walk_common_case(
    line: &[u8],
    m: &[AccessMasks],
    base: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Option<usize> {
    let nf = mode.field_count();
    let out = out.get_mut(..nf)?;
    let space = |from: usize| next_bit(m, from, |x| x.space);
    // The closing quote of a field whose content starts at `from`, and
    // its flags: a backslash escapes the byte after it.
    let close_quote = |from: usize| quoted(line, m, from - 1).ok().map(|(_, j, f)| (j, f));
    let mut absent = 0;
    // %h %l %u: three non-empty words.
    let e0 = space(0)?;
    let e1 = space(e0 + 1)?;
    let e2 = space(e1 + 1)?;
    if e0 == 0 || e1 == e0 + 1 || e2 == e1 + 1 {
        return None;
    }
    out[0] = dash_or_span(line, base, 0, e0, 0, &mut absent);
    out[1] = dash_or_span(line, base, e0 + 1, e1, 0, &mut absent);
    out[2] = dash_or_span(line, base, e1 + 1, e2, 0, &mut absent);
    // [%t] then a space and the request's opening quote.
    let t = e2 + 1;
    if line.get(t) != Some(&b'[') {
        return None;
    }
    let close = next_bit(m, t + 1, |x| x.close_bracket)?;
    if line.get(close + 1..close + 3)? != b" \"" {
        return None;
    }
    out[LOG_FIELD_TIME] = dash_or_span(line, base, t + 1, close, 0, &mut absent);
    // "%r": method, target and protocol when it splits.
    let rs = close + 3;
    let (re, rflags) = close_quote(rs)?;
    out[LOG_FIELD_REQUEST] = dash_or_span(line, base, rs, re, rflags, &mut absent);
    let parts = if out[LOG_FIELD_REQUEST].is_present() {
        split_request_window(line, m, base, rs, re, rflags != 0)
    } else {
        [Span::ABSENT; 3]
    };
    absent += parts.iter().filter(|s| !s.is_present()).count();
    out[LOG_FIELD_METHOD] = parts[0];
    out[LOG_FIELD_PATH] = parts[1];
    out[LOG_FIELD_PROTOCOL] = parts[2];
    // ` %>s ` : three digits between spaces.
    let s = re + 2;
    match line.get(re + 1..s + 4)? {
        [b' ', d0, d1, d2, b' ']
            if d0.is_ascii_digit() && d1.is_ascii_digit() && d2.is_ascii_digit() => {}
        _ => return None,
    }
    out[LOG_FIELD_STATUS] = Span::new(base + s, base + s + 3, 0);
    // %b: digits or `-`, up to the next space or the end of the line.
    // At most 8 bytes here, checked in one word: a loop over them would
    // end after 1 to 8 steps as the data says, a branch the predictor
    // misses on a real log.
    let bs = s + 4;
    let be = space(bs);
    let bytes_len = be.unwrap_or(line.len()).wrapping_sub(bs);
    let bytes = load8(line, bs);
    let dash = (bytes_len == 1) & (bytes as u8 == b'-');
    if !((bytes_len.wrapping_sub(1) < 8) & (dash | all_digits(bytes, bytes_len))) {
        return None;
    }
    out[LOG_FIELD_BODY_BYTES] = dash_or_span(line, base, bs, bs + bytes_len, 0, &mut absent);
    let Some(be) = be else {
        // The line ends after %b: the common format.
        return match mode {
            AccessMode::Common => Some(nf - absent),
            AccessMode::Either => {
                out[LOG_FIELD_REFERER] = Span::ABSENT;
                out[LOG_FIELD_USER_AGENT] = Span::ABSENT;
                Some(nf - absent - 2)
            }
            AccessMode::Combined => None,
        };
    };
    if mode == AccessMode::Common {
        return None;
    }
    // "%{Referer}i" "%{User-agent}i", and nothing after.
    if line.get(be + 1) != Some(&b'"') {
        return None;
    }
    let fs = be + 2;
    let (fe, fflags) = close_quote(fs)?;
    if line.get(fe + 1..fe + 3)? != b" \"" {
        return None;
    }
    let us = fe + 3;
    let (ue, uflags) = close_quote(us)?;
    if ue + 1 != line.len() {
        return None;
    }
    out[LOG_FIELD_REFERER] = dash_or_span(line, base, fs, fe, fflags, &mut absent);
    out[LOG_FIELD_USER_AGENT] = dash_or_span(line, base, us, ue, uflags, &mut absent);
    Some(nf - absent)
}

/// The first 8 bytes of `line` from `at`, little-endian, zeros past the
/// end (which none of the checks accept where a byte is needed).
#[inline(always)]
fn load8(line: &[u8], at: usize) -> u64 {
    match line.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or_default()),
        None => {
            let mut b = [0u8; 8];
            let rest = line.get(at..).unwrap_or_default();
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

/// The low `n` bytes of a `u64` (`n` of 1..=8; larger is all of them, 0
/// too: callers check the length separately).
#[inline(always)]
fn lanes(n: usize) -> u64 {
    u64::MAX >> ((64 - 8 * n.min(8)) & 63)
}

/// Whether the low `n` bytes of `x` are ASCII digits.
#[inline(always)]
fn all_digits(x: u64, n: usize) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let t = x ^ 0x3030_3030_3030_3030;
    // High nibble 3, and low nibble + 6 still below 0x10.
    let bad = (t & HIGH) | (((t & !HIGH) + 0x0606_0606_0606_0606) & HIGH);
    bad & lanes(n) == 0
}

/// Whether the low `n` bytes of `x` are `A`-`Z` (every common method;
/// other tokens take the general split).
#[inline(always)]
fn all_upper(x: u64, n: usize) -> bool {
    const TOP: u64 = 0x8080_8080_8080_8080;
    let lanes = lanes(n);
    // For bytes below 0x80 neither sum carries into the next byte: its
    // top bit says b >= 'A' (b + 0x3F) and b > 'Z' (b + 0x25).
    let ge_a = x.wrapping_add(0x3F3F_3F3F_3F3F_3F3F);
    let gt_z = x.wrapping_add(0x2525_2525_2525_2525);
    (x & TOP & lanes) == 0 && (ge_a & !gt_z & TOP & lanes) == TOP & lanes
}

/// The 64 bits of `select(m)` from bit position `from` on (zeros past the
/// last block).
#[inline(always)]
fn window64(m: &[AccessMasks], from: usize, select: impl Fn(&AccessMasks) -> u64) -> u64 {
    let b = from / 64;
    let lo = m.get(b).map_or(0, &select) as u128;
    let hi = m.get(b + 1).map_or(0, &select) as u128;
    ((hi << 64 | lo) >> (from % 64)) as u64
}

/// [`split_request`] for the usual request (`METHOD SP TARGET SP HTTP/d.d`,
/// at most 64 bytes, an upper-case method, no escapes) from one window of
/// the space mask: no loop over its bytes. Anything else takes
/// [`split_request`].
#[inline(always)]
fn split_request_window(
    line: &[u8],
    m: &[AccessMasks],
    base: usize,
    start: usize,
    end: usize,
    escaped: bool,
) -> [Span; 3] {
    let len = end - start;
    if len <= 64 && !escaped {
        let spaces = window64(m, start, |x| x.space) & ((1u128 << len) - 1) as u64;
        if spaces.count_ones() == 2 {
            let sp1 = start + spaces.trailing_zeros() as usize;
            let sp2 = start + 63 - spaces.leading_zeros() as usize;
            let method_len = sp1 - start;
            if (method_len.wrapping_sub(1) < 8)
                & all_upper(load8(line, start), method_len)
                & (sp2 > sp1 + 1)
                & is_http_1x_2x(&line[sp2 + 1..end])
            {
                return [
                    Span::new(base + start, base + sp1, 0),
                    Span::new(base + sp1 + 1, base + sp2, 0),
                    Span::new(base + sp2 + 1, base + end, 0),
                ];
            }
        }
    }
    split_request(line, m, base, start, end, escaped)
}

/// Stage 2: `access::parse_inner`, step for step, over the masks of
/// `line` (positions in `line`; spans moved by `base`).
#[inline(always)]
fn walk(
    line: &[u8],
    m: &[AccessMasks],
    base: usize,
    mode: AccessMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    let space = |from: usize| next_bit(m, from, |x| x.space);
    // %h %l %u
    let mut pos = 0;
    for f in out.iter_mut().take(3) {
        let end = match space(pos) {
            Some(e) if e == pos => return Err(Error::AccessMissingField),
            Some(e) => e,
            None => return Err(Error::AccessTruncated),
        };
        *f = field(line, base, pos, end, 0);
        pos = end + 1;
    }
    // [%t]
    match line.get(pos) {
        None => return Err(Error::AccessTruncated),
        Some(b'[') => {}
        Some(_) => return Err(Error::AccessBadTime),
    }
    let close = next_bit(m, pos + 1, |x| x.close_bracket).ok_or(Error::AccessTruncated)?;
    out[LOG_FIELD_TIME] = field(line, base, pos + 1, close, 0);
    pos = separator(line, close + 1, Error::AccessBadTime, false)?.unwrap_or(0);
    // "%r"
    let (start, end, flags) = quoted(line, m, pos)?;
    out[LOG_FIELD_REQUEST] = field(line, base, start, end, flags);
    let [method, path, protocol] = if out[LOG_FIELD_REQUEST].is_present() {
        split_request(line, m, base, start, end, flags != 0)
    } else {
        [Span::ABSENT; 3]
    };
    out[LOG_FIELD_METHOD] = method;
    out[LOG_FIELD_PATH] = path;
    out[LOG_FIELD_PROTOCOL] = protocol;
    pos = separator(line, end + 1, Error::AccessBadQuote, false)?.unwrap_or(0);
    // %>s
    let status = line.get(pos..pos + 3).ok_or(Error::AccessTruncated)?;
    if !status.iter().all(u8::is_ascii_digit) {
        return Err(Error::AccessBadStatus);
    }
    out[LOG_FIELD_STATUS] = Span::new(base + pos, base + pos + 3, 0);
    pos = separator(line, pos + 3, Error::AccessBadStatus, false)?.unwrap_or(0);
    // %b
    let bytes_end = pos
        + line[pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    let bytes_end = if bytes_end == pos && line.get(pos) == Some(&b'-') {
        pos + 1
    } else {
        bytes_end
    };
    if bytes_end == pos {
        return Err(if pos == line.len() {
            Error::AccessTruncated
        } else {
            Error::AccessBadBytes
        });
    }
    out[LOG_FIELD_BODY_BYTES] = field(line, base, pos, bytes_end, 0);
    let after_bytes = separator(
        line,
        bytes_end,
        Error::AccessBadBytes,
        mode != AccessMode::Combined,
    )?;
    match (mode, after_bytes) {
        (AccessMode::Common, None) => return Ok(count_present(out)),
        (AccessMode::Common, Some(_)) => return Err(Error::AccessTrailingData),
        (_, None) => {
            out[LOG_FIELD_REFERER] = Span::ABSENT;
            out[LOG_FIELD_USER_AGENT] = Span::ABSENT;
            return Ok(count_present(out));
        }
        (_, Some(p)) => pos = p,
    }
    // "%{Referer}i" "%{User-agent}i"
    let (start, end, flags) = quoted(line, m, pos)?;
    out[LOG_FIELD_REFERER] = field(line, base, start, end, flags);
    pos = separator(line, end + 1, Error::AccessBadQuote, false)?.unwrap_or(0);
    let (start, end, flags) = quoted(line, m, pos)?;
    out[LOG_FIELD_USER_AGENT] = field(line, base, start, end, flags);
    if end + 1 != line.len() {
        return Err(Error::AccessTrailingData);
    }
    Ok(count_present(out))
}

/// A quoted field opening at `pos`: content start, closing-quote index,
/// flags. A backslash escapes the byte after it.
#[inline(always)]
fn quoted(line: &[u8], m: &[AccessMasks], pos: usize) -> Result<(usize, usize, u32), Error> {
    match line.get(pos) {
        None => return Err(Error::AccessTruncated),
        Some(b'"') => {}
        Some(_) => return Err(Error::AccessBadQuote),
    }
    let start = pos + 1;
    let mut i = start;
    let mut flags = 0;
    loop {
        let j = next_bit(m, i, |x| x.quote_or_backslash).ok_or(Error::AccessUnterminatedQuote)?;
        if line[j] == b'"' {
            return Ok((start, j, flags));
        }
        flags = LOG_FLAG_ESCAPED;
        i = j + 2;
        if i > line.len() {
            return Err(Error::AccessUnterminatedQuote);
        }
    }
}

/// Whether `p` is `HTTP/<digit>.<digit>` (nearly every request): one
/// 8-byte load and compare instead of the general version rule, which it
/// implies.
#[inline(always)]
fn is_http_1x_2x(p: &[u8]) -> bool {
    let Ok(p) = <[u8; 8]>::try_from(p) else {
        return false;
    };
    let x = u64::from_le_bytes(p);
    // Digits 0x30..=0x39: the high nibble is 3 and the low one at most 9.
    let digits = x & 0xFF00_FF00_0000_0000;
    x & 0x00FF_00FF_FFFF_FFFF == u64::from_le_bytes(*b"HTTP/\0.\0")
        && digits & 0xF000_F000_0000_0000 == 0x3000_3000_0000_0000
        && (digits >> 40) & 0xF <= 9
        && (digits >> 56) & 0xF <= 9
}

/// `access::split_request` with the spaces taken from the mask.
#[inline(always)]
fn split_request(
    line: &[u8],
    m: &[AccessMasks],
    base: usize,
    start: usize,
    end: usize,
    escaped: bool,
) -> [Span; 3] {
    const NONE: [Span; 3] = [Span::ABSENT; 3];
    let space_before_end = |from: usize| next_bit(m, from, |x| x.space).filter(|&p| p < end);
    let Some(sp1) = space_before_end(start) else {
        return NONE;
    };
    if sp1 == start || !line[start..sp1].iter().all(|&b| is_tchar(b)) {
        return NONE;
    }
    let target_start = sp1 + 1;
    let (target_end, protocol) = match space_before_end(target_start) {
        None => (end, Span::ABSENT),
        Some(target_end) => {
            let protocol = &line[target_end + 1..end];
            if !is_http_1x_2x(protocol) {
                let version = match protocol.strip_prefix(b"HTTP/") {
                    Some(v) => v,
                    None => return NONE,
                };
                if !is_http_version(version) {
                    return NONE;
                }
            }
            (target_end, Span::new(base + target_end + 1, base + end, 0))
        }
    };
    if target_end == target_start {
        return NONE;
    }
    let flags = if escaped && memchr(b'\\', &line[target_start..target_end]).is_some() {
        LOG_FLAG_ESCAPED
    } else {
        0
    };
    [
        Span::new(base + start, base + sp1, 0),
        Span::new(base + target_start, base + target_end, flags),
        protocol,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::available_levels;

    const APACHE: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;

    /// A `parse_range` with the mode fixed: (buf, start, end, out).
    type ParseRange<'a> = dyn Fn(&[u8], usize, usize, &mut [Span]) -> Result<usize, Error> + 'a;

    fn reference(line: &[u8], mode: AccessMode) -> (Result<usize, Error>, Vec<Span>) {
        let mut out = [Span::ABSENT; 12];
        let r = access::parse(line, mode, &mut out);
        (r, out[..mode.field_count()].to_vec())
    }

    /// Every engine on `line` (alone, and inside a larger buffer at an
    /// offset with bytes after it) against the scalar reference.
    fn check(line: &[u8]) {
        for mode in [AccessMode::Either, AccessMode::Combined, AccessMode::Common] {
            let (want, want_spans) = reference(line, mode);
            let end = crate::strip_eol(line).len();
            // The line at offset 7 of a buffer with a next line after it.
            let mut buf = b"prefix\n".to_vec();
            buf.extend_from_slice(line);
            buf.extend_from_slice(b"\n1.2.3.4 \"]\\ x\n");
            let shifted: Vec<Span> = want_spans.iter().map(|s| s.shifted(7)).collect();
            let run = |name: &str, f: &ParseRange| {
                let mut out = [Span::new(0, 0, 9); 12];
                assert_eq!(
                    f(line, 0, end, &mut out),
                    want,
                    "{name} {mode:?} {:?}",
                    String::from_utf8_lossy(line)
                );
                assert_eq!(
                    &out[..mode.field_count()],
                    &want_spans[..],
                    "{name} {mode:?}"
                );
                let mut out = [Span::new(0, 0, 9); 12];
                assert_eq!(f(&buf, 7, 7 + end, &mut out), want, "{name} in buffer");
                assert_eq!(&out[..mode.field_count()], &shifted[..], "{name} in buffer");
            };
            run("portable", &|b, s, e, o| {
                parse_range_portable(b, s, e, mode, o)
            });
            for level in available_levels() {
                run(level.name(), &|b, s, e, o| {
                    parse_range_at(level, b, s, e, mode, o)
                });
            }
        }
    }

    #[test]
    fn every_level_agrees_on_every_truncation_and_byte_flip() {
        let lines = [
            APACHE.to_string(),
            r#"1.2.3.4 - - [t] "GET /a\"b HTTP/1.1" 200 1 "-" "x \"q\" \\ y""#.to_string(),
            "::1 - - [10/Oct/2000:13:55:36 -0700] \"POST /x HTTP/2.0\" 201 -".to_string(),
            // Requests the one-window split hands to the general one: a
            // lower-case or 9-byte method, a short protocol, a target with
            // a space, and requests of 64 and 65 bytes.
            r#"h - - [t] "get /x HTTP/1.1" 200 1 "-" "-""#.to_string(),
            r#"h - - [t] "PROPPATCH /x HTTP/1.1" 200 1 "-" "-""#.to_string(),
            r#"h - - [t] "M-SEARCH * HTTP/1" 200 1 "-" "-""#.to_string(),
            r#"h - - [t] "GET /a b HTTP/1.1" 200 1 "-" "-""#.to_string(),
            format!(r#"h - - [t] "GET /{} HTTP/1.1" 200 1 "-" "-""#, "x".repeat(50)),
            format!(r#"h - - [t] "GET /{} HTTP/1.1" 200 1 "-" "-""#, "x".repeat(51)),
            // A body size of 8 digits and of 9.
            r#"h - - [t] "GET / HTTP/1.1" 200 12345678 "-" "-""#.to_string(),
            r#"h - - [t] "GET / HTTP/1.1" 200 123456789 "-" "-""#.to_string(),
            // Fields crossing 64-byte block boundaries at several phases.
            format!(
                "10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET /{} HTTP/1.1\" 200 5 \"{}\" \"{}\"",
                "p".repeat(61),
                "r".repeat(63),
                "u".repeat(64)
            ),
        ];
        let flips: &[u8] = if cfg!(miri) {
            b" \"\\"
        } else {
            b" \"\\[]-\n\r0a"
        };
        // Miri interprets every instruction: a sample of the positions.
        let step = if cfg!(miri) { 97 } else { 1 };
        for line in &lines {
            let line = line.as_bytes();
            for cut in (0..=line.len()).step_by(step) {
                check(&line[..cut]);
            }
            for i in (0..line.len()).step_by(step) {
                for &b in flips {
                    let mut l = line.to_vec();
                    l[i] = b;
                    check(&l);
                }
            }
            check(&[line, b"\r\n"].concat());
        }
    }

    #[test]
    fn long_lines_take_the_reference_path_and_agree() {
        let sizes: &[usize] = if cfg!(miri) {
            &[960, 1100]
        } else {
            &[900, 960, 1000, 1100, 5000]
        };
        for &n in sizes {
            let line = format!(
                "1.2.3.4 - - [t] \"GET /{} HTTP/1.1\" 200 1 \"-\" \"ua\"",
                "x".repeat(n)
            );
            check(line.as_bytes());
        }
        // Exactly at, and one byte each side of, whole blocks and the
        // MAX_BLOCKS limit (1024 bytes).
        let shell = "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"\"".len();
        let lens: &[usize] = if cfg!(miri) {
            &[1024, 1025]
        } else {
            &[127, 128, 129, 1023, 1024, 1025]
        };
        for &len in lens {
            let line = format!(
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"{}\"",
                "u".repeat(len - shell)
            );
            assert_eq!(line.len(), len);
            check(line.as_bytes());
        }
    }

    /// The common-case walker is what the shipped sample runs on (so the
    /// speed figures measure it), escaped user agents included: every
    /// line takes it, with the same spans as the reference.
    #[test]
    #[cfg_attr(miri, ignore = "2,000 lines: too slow under Miri")]
    fn every_sample_line_takes_the_common_case_walker() {
        let text = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/data/access.log"
        ))
        .expect("examples/data/access.log");
        let lines: Vec<&[u8]> = text
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), 2000);
        for line in lines {
            let mut masks = [MaybeUninit::uninit(); MAX_BLOCKS];
            // SAFETY: ScalarBlock has no target features; masks has room
            // for the sample's lines (all under 1 KiB, asserted by the get).
            let m = unsafe {
                classify_range::<AccessClasses, ScalarBlock>(
                    line,
                    0,
                    line.len(),
                    masks.get_mut(..line.len().div_ceil(64)).unwrap(),
                )
            };
            let mut out = [Span::new(0, 0, 9); 12];
            let got = walk_common_case(line, m, 0, AccessMode::Either, &mut out);
            let (want, want_spans) = reference(line, AccessMode::Either);
            assert_eq!(
                got,
                Some(want.unwrap()),
                "{}",
                String::from_utf8_lossy(line)
            );
            assert_eq!(&out[..], &want_spans[..]);
        }
    }

    proptest::proptest! {
        #[cfg_attr(miri, ignore = "safe code; proptest needs the file system")]
        #[test]
        fn swar_checks_are_the_byte_loops(bytes: [u8; 8], n in 1usize..=8) {
            let x = u64::from_le_bytes(bytes);
            proptest::prop_assert_eq!(all_digits(x, n), bytes[..n].iter().all(u8::is_ascii_digit));
            proptest::prop_assert_eq!(all_upper(x, n), bytes[..n].iter().all(u8::is_ascii_uppercase));
        }

        #[cfg_attr(miri, ignore = "safe code; proptest needs the file system")]
        #[test]
        fn window64_is_the_bits_from_a_position(
            words in proptest::collection::vec(proptest::num::u64::ANY, 1..5),
            from in 0usize..320,
        ) {
            let m: Vec<AccessMasks> = words
                .iter()
                .map(|&w| AccessMasks { space: w, ..Default::default() })
                .collect();
            let bit = |i: usize| words.get(i / 64).map_or(0, |w| (w >> (i % 64)) & 1);
            let want = (0..64).fold(0u64, |acc, k| acc | bit(from + k) << k);
            proptest::prop_assert_eq!(window64(&m, from, |x| x.space), want);
        }
    }

    /// The batch's one-pass line finder, at every level and over
    /// [`ScalarBlock`], against memchr plus [`parse_range_at`]: every
    /// start of buffers whose lines end at and around block boundaries,
    /// with `\n` and `\r\n`, with and without a last newline, and with a
    /// line too long for it.
    #[test]
    fn next_line_finds_the_end_and_parses_as_parse_range_does() {
        let mut buf = Vec::new();
        for (k, n) in [
            1usize, 40, 62, 63, 64, 65, 127, 128, 129, 1022, 1023, 1024, 1030,
        ]
        .into_iter()
        .enumerate()
        {
            // A well-formed line of n bytes where it fits, else the first
            // n bytes of one (an error); the whole line too, when n is
            // short, so that each end position comes with a good line.
            let head = b"h - - [t] \"GET /";
            let tail = b" HTTP/1.1\" 200 5 \"-\" \"u\"";
            let fill = n.saturating_sub(head.len() + tail.len());
            let mut l = [&head[..], &vec![b'p'; fill], &tail[..]].concat();
            if fill == 0 {
                buf.extend_from_slice(&l);
                buf.push(b'\n');
            }
            l.truncate(n);
            buf.extend_from_slice(&l);
            buf.extend_from_slice(if k % 2 == 0 { b"\n" } else { b"\r\n" });
        }
        buf.extend_from_slice(b"\n\r\nno newline at the end");
        let mode = AccessMode::Either;
        type NextLine<'a> =
            dyn Fn(&[u8], usize, &mut [Span]) -> Option<(usize, Result<usize, Error>)> + 'a;
        let check = |name: &str, next: &NextLine, level: Option<Level>| {
            let mut oks = 0;
            for cut in [buf.len(), buf.len() - 25] {
                let buf = &buf[..cut];
                // Miri interprets every instruction: the line starts and a
                // sample of the other positions.
                let starts = (0..buf.len())
                    .filter(|&s| !cfg!(miri) || s == 0 || buf[s - 1] == b'\n' || s % 97 == 0);
                for start in starts {
                    let mut got = [Span::new(0, 0, 9); 12];
                    let r = next(buf, start, &mut got);
                    let Some(nl) = memchr(b'\n', &buf[start..]).map(|k| start + k) else {
                        assert_eq!(r, None, "{name} at {start}: no newline");
                        assert!(got.iter().all(|s| *s == Span::new(0, 0, 9)));
                        continue;
                    };
                    if nl + 1 - start > MAX_LINE_BYTES {
                        assert_eq!(r, None, "{name} at {start}: too long");
                        continue;
                    }
                    let end = start + crate::strip_eol(&buf[start..nl + 1]).len();
                    let mut want = [Span::new(0, 0, 9); 12];
                    let w = match level {
                        Some(level) => parse_range_at(level, buf, start, end, mode, &mut want),
                        None => parse_range_portable(buf, start, end, mode, &mut want),
                    };
                    oks += usize::from(w.is_ok());
                    assert_eq!(r, Some((nl, w)), "{name} at {start}");
                    assert_eq!(got, want, "{name} at {start}");
                }
            }
            // Both good lines (at each start of a line) and errors.
            assert!(oks >= 20, "{name}: {oks} lines parsed");
        };
        check(
            "portable",
            &|b, s, o| {
                let o = &mut o[..mode.field_count()];
                // SAFETY: ScalarBlock has no target features.
                let r = unsafe { next_line_with::<ScalarBlock>(b, s, mode, o) };
                if let Some((_, Err(_))) = r {
                    o.fill(Span::ABSENT);
                }
                r
            },
            None,
        );
        for level in available_levels() {
            if level == Level::Fallback {
                continue;
            }
            // SAFETY: available_levels() only lists levels this CPU has.
            let next =
                |b: &[u8], s, o: &mut [Span]| unsafe { parse_next_line_on(level, b, s, mode, o) };
            check(level.name(), &next, Some(level));
        }
    }
}
