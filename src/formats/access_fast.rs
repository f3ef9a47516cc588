//! The access-log fast path: the same rules as [`access`](super::access),
//! run over the SIMD engine's bitmasks instead of byte scans.
//!
//! Stage 1 ([`crate::simd`]) classifies the line, 64 bytes at a time, into
//! three masks: spaces, `"`-or-`\`, and `]`. Stage 2 ([`walk`]) follows the
//! scalar parser step for step, but every "find the next space / quote /
//! bracket" is a `trailing_zeros` on a mask. The short fields (status, body
//! bytes, the method token) are still checked byte by byte. Stage 2 runs in
//! two tiers: [`walk_common_case`] checks a well-formed line's shape in as
//! few steps as it can and gives up at the first surprise; [`walk`] then
//! replays the reference's steps and names the exact error.
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
use crate::simd::{self, classify_range, next_bit, Block64, Classes, Level, ScalarBlock};
use crate::span::{Span, LOG_FLAG_ESCAPED};

/// Lines up to this many 64-byte blocks (1 KiB) are classified into a
/// stack array; longer ones (rare in access logs) take the scalar parser.
const MAX_BLOCKS: usize = 16;

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
    match walk_common_case(line, masks, start, mode, out) {
        Some(n) => Ok(n),
        // Anything unusual (an escape, an error): the step-by-step walker,
        // which writes every span again and names the error exactly.
        None => walk(line, masks, start, mode, out),
    }
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
        parse_avx2 = Avx2Block, "avx2";
        parse_avx512 = Avx512Block, "avx512f,avx512bw,avx2";
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
        split_request(line, m, base, rs, re, rflags != 0)
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
    let bs = s + 4;
    let be = space(bs);
    let bytes = &line[bs..be.unwrap_or(line.len())];
    if !(bytes == b"-" || (!bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit))) {
        return None;
    }
    out[LOG_FIELD_BODY_BYTES] = dash_or_span(line, base, bs, bs + bytes.len(), 0, &mut absent);
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
}
