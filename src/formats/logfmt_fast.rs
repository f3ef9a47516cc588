//! The logfmt fast path: the same rules as [`logfmt`](super::logfmt), run
//! over bitmasks instead of byte scans.
//!
//! Stage 1 classifies the line, 64 bytes at a time, into four masks:
//! separators (bytes `<= 0x20`), the bytes that end an unquoted value
//! (separators, `=`, `"`), the same plus the bytes `>= 0x80` (where the
//! walker leaves an ASCII key), and the bytes that interrupt a quoted value
//! (`"`, `\`, controls `< 0x20`). Each instruction set has its own
//! classifier below (the engine's `Block64` only compares for equality,
//! and "`<= 0x20`" is a range): SSE2, AVX2 and AVX-512BW on x86_64, NEON
//! on aarch64, and a portable one (one byte at a time) that the tests and
//! Miri run. Every mask but the separators' also has a bit set at the
//! line's end (the sentinel), so that stage 2 never tests for the end of
//! the masks.
//!
//! Stage 2 (`walk`) follows the scalar walker step for step, but every
//! "skip the separators / find the end of the key / of the value / the
//! next quote or backslash" is a `trailing_zeros` on a mask, and the byte
//! found there is read to tell which. Keys of at most 8 bytes are looked
//! up as one masked word in a table that is collision-free when it can be
//! (`ShortKeys`: one probe, hit or miss); longer keys use the spec's
//! hash table. Keys holding non-ASCII bytes are checked for UTF-8 by the
//! scalar code, escapes by the scalar `escape_end`.
//!
//! `logfmt::parse_reference` is the reference: every level is tested
//! against it (the unit tests below, `tests/logfmt_fast.rs` and the
//! `logfmt` fuzz target), including error codes. It is also what runs on
//! CPUs without a vector level (and wasm32), for lines of `MAX_BLOCKS`
//! blocks or more, and for every line the walker rejects: the walker only
//! says "this line has an error" and the reference says which, so error
//! codes are the reference's by construction (a rejected line costs one
//! more, scalar, pass).

use std::mem::MaybeUninit;

use super::logfmt::{
    check_key, compile, escape_end, parse_reference, short_word, LogfmtSpec, ShortKeys,
};
use crate::error::Error;
use crate::simd::{self, Level};
use crate::span::{Span, LOG_FLAG_BARE_KEY, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED};

/// Lines shorter than this many 64-byte blocks (4 KiB) are classified
/// into a stack array; longer ones take the scalar parser.
const MAX_BLOCKS: usize = 64;

/// The masks of one 64-byte block (bit `i` = byte `64 * block + i` of the
/// line). Past the line's end: `sep` clear, `stop`, `key` and `quoted`
/// set at the end itself (the sentinel), anything after it.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Masks {
    /// Bytes `<= 0x20`.
    sep: u64,
    /// Bytes that end a key or an unquoted value: `<= 0x20`, `=`, `"`.
    stop: u64,
    /// `stop` and the bytes `>= 0x80`: where the walker leaves an ASCII
    /// key (one with a non-ASCII byte is checked by the scalar code).
    key: u64,
    /// Bytes that interrupt a quoted value: `"`, `\`, `< 0x20`.
    quoted: u64,
}

/// One way of classifying 64 bytes.
trait Classify {
    /// The masks of the 64 bytes at `p`.
    ///
    /// # Safety
    ///
    /// `p..p + 64` must be readable, and the CPU must have the
    /// implementation's target features.
    unsafe fn classify(p: *const u8) -> Masks;
}

/// The portable classifier: one byte at a time. The tests' oracle and
/// Miri's path.
struct Portable;

impl Classify for Portable {
    #[inline(always)]
    unsafe fn classify(p: *const u8) -> Masks {
        // SAFETY: the caller guarantees p..p+64 is readable.
        let bytes = unsafe { std::slice::from_raw_parts(p, 64) };
        let mut m = Masks::default();
        for (i, &c) in bytes.iter().enumerate() {
            let bit = 1u64 << i;
            if c <= b' ' {
                m.sep |= bit;
            }
            if c <= b' ' || c == b'=' || c == b'"' {
                m.stop |= bit;
            }
            if c <= b' ' || c == b'=' || c == b'"' || c >= 0x80 {
                m.key |= bit;
            }
            if c < b' ' || c == b'"' || c == b'\\' {
                m.quoted |= bit;
            }
        }
        m
    }
}

/// Same contract as [`logfmt::parse`](super::logfmt::parse), at the
/// detected level.
#[inline]
pub(crate) fn parse(line: &[u8], spec: &LogfmtSpec, out: &mut [Span]) -> Result<usize, Error> {
    // SAFETY: `level()` only returns levels `is_available` accepted.
    unsafe { parse_on(simd::level(), line, spec, out) }
}

/// The dispatch: no feature test per line.
///
/// # Safety
///
/// `simd::is_available(level)` must hold.
#[inline]
unsafe fn parse_on(
    level: Level,
    line: &[u8],
    spec: &LogfmtSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    match level {
        // SAFETY (each arm): the CPU has the level (this function's
        // contract); the arms exist only on the architectures they are for.
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx512 => unsafe { x86::parse_avx512(line, spec, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx2 => unsafe { x86::parse_avx2(line, spec, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Sse2 => unsafe { x86::parse_sse2(line, spec, out) },
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        Level::Neon => unsafe { arm::parse_neon(line, spec, out) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
        Level::Simd128 => unsafe { parse_with::<wasm::Simd128>(line, spec, out) },
        _ => parse_reference(line, spec, out),
    }
}

/// The whole parse over classifier `C`: the body every level
/// instantiates.
///
/// # Safety
///
/// The CPU must have `C`'s target features.
#[inline(always)]
unsafe fn parse_with<C: Classify>(
    line: &[u8],
    spec: &LogfmtSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    let n = crate::strip_eol(line).len();
    if n == 0 || n >= MAX_BLOCKS * 64 {
        // Empty or too long (more than LOG_MAX_LINE_LEN included): the
        // reference reports it or parses it.
        return parse_reference(line, spec, out);
    }
    let out = &mut out[..spec.fields];
    let mut masks = [MaybeUninit::<Masks>::uninit(); MAX_BLOCKS];
    // SAFETY: 0 < n < MAX_BLOCKS * 64 <= the room in `masks`, n <=
    // line.len(); target features: this function's contract.
    let masks = unsafe { classify_line::<C>(line, n, &mut masks) };
    let r = if spec.enumerate != 0 {
        let max = spec.enumerate as usize;
        let mut pairs = 0usize;
        let r = walk(line, n, masks, |ks, ke, value| {
            if pairs < max {
                out[2 * pairs] = Span::new(ks, ke, 0);
                out[2 * pairs + 1] = value;
            }
            pairs += 1;
        });
        match r {
            Ok(()) if pairs <= max => {
                out[2 * pairs..].fill(Span::ABSENT);
                Ok(2 * pairs)
            }
            _ => Err(()),
        }
    } else {
        out.fill(Span::ABSENT);
        let mut present = 0usize;
        let short = &spec.short;
        walk(line, n, masks, |ks, ke, value| {
            if let Some(f) = lookup(spec, short, line, ks, ke) {
                let dup = if out[f].is_present() {
                    LOG_FLAG_DUPLICATE
                } else {
                    present += 1;
                    0
                };
                out[f] = Span {
                    flags: value.flags | dup,
                    ..value
                };
            }
        })
        .map(|()| present)
    };
    match r {
        Ok(k) => Ok(k),
        // The reference tells which error (and clears `out`).
        Err(()) => parse_reference(line, spec, out),
    }
}

/// `KEEP[k]`: the low `k` bytes of a word.
const KEEP: [u64; 9] = {
    let mut t = [0u64; 9];
    let mut k = 1;
    while k <= 8 {
        t[k] = u64::MAX >> (64 - 8 * k);
        k += 1;
    }
    t
};

/// The field of the key `b[ks..ke]`, if it is projected.
#[inline(always)]
fn lookup(spec: &LogfmtSpec, short: &ShortKeys, b: &[u8], ks: usize, ke: usize) -> Option<usize> {
    let len = ke - ks;
    if len > 8 {
        return spec.lookup(&b[ks..ke]);
    }
    let w = match b.get(ks..ks + 8) {
        // The 8 bytes at the key, cut to its length.
        Some(w) => u64::from_le_bytes(w.try_into().unwrap()) & KEEP[len],
        None => short_word(&b[ks..ke]),
    };
    short.get(w)
}

/// Classify the line `b[..n]` (0 < n < MAX_BLOCKS * 64, n <= b.len())
/// into `out[..n / 64 + 1]`.
///
/// # Safety
///
/// The CPU must have `C`'s target features.
#[inline(always)]
unsafe fn classify_line<'o, C: Classify>(
    b: &[u8],
    n: usize,
    out: &'o mut [MaybeUninit<Masks>; MAX_BLOCKS],
) -> &'o [Masks] {
    assert!(0 < n && n <= b.len() && n < MAX_BLOCKS * 64);
    let full = n / 64;
    let rest = (n % 64) as u32;
    for (k, slot) in out[..full].iter_mut().enumerate() {
        // SAFETY: 64k + 64 <= 64 * full <= n <= b.len(); target features:
        // the caller's contract.
        slot.write(unsafe { C::classify(b.as_ptr().add(64 * k)) });
    }
    let last = if rest == 0 {
        // The line ends on a block boundary: a block of the sentinel only.
        Masks {
            sep: 0,
            stop: 1,
            key: 1,
            quoted: 1,
        }
    } else {
        let from = 64 * full;
        let m = if from + 64 <= b.len() {
            // SAFETY: inside `b`; target features: the caller's contract.
            unsafe { C::classify(b.as_ptr().add(from)) }
        } else if b.len() >= 64 {
            // The last 64 bytes of `b`, which end past `from`: shift the
            // masks so that bit 0 is byte `from`.
            let at = b.len() - 64;
            let s = from - at;
            // SAFETY: b[at..at + 64] is inside `b`; target features: the
            // caller's contract.
            let m = unsafe { C::classify(b.as_ptr().add(at)) };
            Masks {
                sep: m.sep >> s,
                stop: m.stop >> s,
                key: m.key >> s,
                quoted: m.quoted >> s,
            }
        } else {
            let mut tail = [0u8; 64];
            tail[..b.len() - from].copy_from_slice(&b[from..]);
            // SAFETY: `tail` is 64 readable bytes; target features: the
            // caller's contract.
            unsafe { C::classify(tail.as_ptr()) }
        };
        let keep = (1u64 << rest) - 1;
        let end = 1u64 << rest;
        Masks {
            sep: m.sep & keep,
            stop: (m.stop & keep) | end,
            key: (m.key & keep) | end,
            quoted: (m.quoted & keep) | end,
        }
    };
    out[full].write(last);
    let out = &mut out[..full + 1];
    // SAFETY: out[..full] were written by the loop and out[full] just
    // above; MaybeUninit<T> has T's layout.
    unsafe { &*(out as *mut [MaybeUninit<Masks>] as *const [Masks]) }
}

/// The position of the first bit of `select(m)` at `from` or later.
/// There is always one at or before the line's end (the sentinel) for
/// `stop` and `quoted`, and for `!sep`, when `from` is at most the end.
///
/// Every caller passes `from <= n` (the line's length), and `m` holds the
/// block of bit `n`, where `stop`, `key`, `quoted` and `!sep` are all
/// set: so the scan stops at block `n / 64` at the latest. The indexing is
/// still checked (a broken invariant panics, it cannot read out of
/// bounds); the checks are on the cold side of predictable branches.
#[inline(always)]
fn next(m: &[Masks], from: usize, select: impl Fn(&Masks) -> u64) -> usize {
    let mut b = from / 64;
    let bits = select(&m[b]) >> (from % 64);
    if bits != 0 {
        return from + bits.trailing_zeros() as usize;
    }
    loop {
        b += 1;
        let bits = select(&m[b]);
        if bits != 0 {
            return 64 * b + bits.trailing_zeros() as usize;
        }
    }
}

/// Stage 2: `logfmt::walk` over the masks of `b[..n]`, calling
/// `pair(key_start, key_end, value)` for each pair in order. `Err(())`
/// when the line has an error (the reference tells which).
#[inline(always)]
fn walk(
    b: &[u8],
    n: usize,
    m: &[Masks],
    mut pair: impl FnMut(usize, usize, Span),
) -> Result<(), ()> {
    let line = &b[..n];
    let mut i = 0;
    loop {
        // Usually the pair starts just after the previous one's separator.
        let ks = if i < n && line[i] > b' ' {
            i
        } else {
            next(m, i, |x| !x.sep)
        };
        if ks >= n {
            return Ok(());
        }
        let mut ke = next(m, ks, |x| x.key);
        if ke == ks {
            // A key cannot start with `=` or `"`.
            return Err(());
        }
        if ke < n && line[ke] >= 0x80 {
            // A non-ASCII key: UTF-8 without U+FFFD.
            ke = next(m, ke, |x| x.stop);
            if check_key(&line[ks..ke]).is_err() {
                return Err(());
            }
        }
        let value = match line.get(ke) {
            Some(b'=') => {
                let vs = ke + 1;
                if line.get(vs) == Some(&b'"') {
                    let (end, flags) = quoted(line, m, vs + 1)?;
                    i = end + 1;
                    Span::new(vs + 1, end, flags)
                } else {
                    let ve = next(m, vs, |x| x.stop);
                    if ve < n && line[ve] > b' ' {
                        // `=` or `"` inside (or at the start of) a value.
                        return Err(());
                    }
                    // Past the separator that ends the value.
                    i = (ve + 1).min(n);
                    Span::new(vs, ve, 0)
                }
            }
            Some(b'"') => return Err(()),
            _ => {
                i = (ke + 1).min(n);
                Span::new(ke, ke, LOG_FLAG_BARE_KEY)
            }
        };
        pair(ks, ke, value);
    }
}

/// A quoted value whose first byte is at `from`: the position of the
/// closing quote and the value's flags.
#[inline(always)]
fn quoted(line: &[u8], m: &[Masks], from: usize) -> Result<(usize, u32), ()> {
    let mut i = from;
    let mut flags = 0;
    loop {
        let q = next(m, i, |x| x.quoted);
        match line.get(q) {
            Some(b'"') => return Ok((q, flags)),
            Some(b'\\') => {
                flags = LOG_FLAG_ESCAPED;
                i = escape_end(line, q).map_err(|_| ())?;
            }
            // A raw control byte, or the end of the line.
            _ => return Err(()),
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use super::*;
    use std::arch::x86_64::*;

    struct Sse2;
    struct Avx2;
    struct Avx512;

    impl Classify for Sse2 {
        #[inline(always)]
        unsafe fn classify(p: *const u8) -> Masks {
            // SAFETY: the caller guarantees p..p+64 is readable; loadu has
            // no alignment requirement; SSE2 is baseline on x86_64.
            unsafe {
                let (c20, c1f) = (_mm_set1_epi8(0x20), _mm_set1_epi8(0x1f));
                let (eq, qu, bs) = (
                    _mm_set1_epi8(b'=' as i8),
                    _mm_set1_epi8(b'"' as i8),
                    _mm_set1_epi8(b'\\' as i8),
                );
                let mut m = Masks::default();
                for k in 0..4 {
                    let v = _mm_loadu_si128(p.add(16 * k) as *const __m128i);
                    let sep = _mm_cmpeq_epi8(_mm_min_epu8(v, c20), v);
                    let ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);
                    let q = _mm_cmpeq_epi8(v, qu);
                    let stop = _mm_or_si128(_mm_or_si128(sep, q), _mm_cmpeq_epi8(v, eq));
                    let quoted = _mm_or_si128(_mm_or_si128(ctl, q), _mm_cmpeq_epi8(v, bs));
                    let mm = |x| _mm_movemask_epi8(x) as u16 as u64;
                    let sh = 16 * k;
                    m.sep |= mm(sep) << sh;
                    m.stop |= mm(stop) << sh;
                    m.key |= mm(_mm_or_si128(stop, v)) << sh;
                    m.quoted |= mm(quoted) << sh;
                }
                m
            }
        }
    }

    impl Classify for Avx2 {
        #[inline(always)]
        unsafe fn classify(p: *const u8) -> Masks {
            // SAFETY: the caller guarantees p..p+64 is readable and that
            // the CPU has AVX2; loadu has no alignment requirement.
            unsafe {
                let (c20, c1f) = (_mm256_set1_epi8(0x20), _mm256_set1_epi8(0x1f));
                let (eq, qu, bs) = (
                    _mm256_set1_epi8(b'=' as i8),
                    _mm256_set1_epi8(b'"' as i8),
                    _mm256_set1_epi8(b'\\' as i8),
                );
                let mut m = Masks::default();
                for k in 0..2 {
                    let v = _mm256_loadu_si256(p.add(32 * k) as *const __m256i);
                    let sep = _mm256_cmpeq_epi8(_mm256_min_epu8(v, c20), v);
                    let ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f), v);
                    let q = _mm256_cmpeq_epi8(v, qu);
                    let stop = _mm256_or_si256(_mm256_or_si256(sep, q), _mm256_cmpeq_epi8(v, eq));
                    let quoted = _mm256_or_si256(_mm256_or_si256(ctl, q), _mm256_cmpeq_epi8(v, bs));
                    let mm = |x| _mm256_movemask_epi8(x) as u32 as u64;
                    let sh = 32 * k;
                    m.sep |= mm(sep) << sh;
                    m.stop |= mm(stop) << sh;
                    m.key |= mm(_mm256_or_si256(stop, v)) << sh;
                    m.quoted |= mm(quoted) << sh;
                }
                m
            }
        }
    }

    impl Classify for Avx512 {
        #[inline(always)]
        unsafe fn classify(p: *const u8) -> Masks {
            // SAFETY: the caller guarantees p..p+64 is readable and that
            // the CPU has AVX-512F/BW; loadu has no alignment requirement.
            unsafe {
                let v = _mm512_loadu_si512(p as *const _);
                let sep = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x20));
                let ctl = _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20));
                let q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'"' as i8));
                let eq = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'=' as i8));
                let bs = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\\' as i8));
                let high = _mm512_movepi8_mask(v);
                let stop = sep | q | eq;
                Masks {
                    sep,
                    stop,
                    key: stop | high,
                    quoted: ctl | q | bs,
                }
            }
        }
    }

    crate::simd::level_entries! {
        parse_with(line: &[u8], spec: &LogfmtSpec, out: &mut [Span]) -> Result<usize, Error>;
        parse_sse2 = Sse2, "sse2";
        parse_avx2 = Avx2, "avx2,bmi1,bmi2,lzcnt,popcnt";
        parse_avx512 = Avx512, "avx512f,avx512bw,avx2,bmi1,bmi2,lzcnt,popcnt";
    }
}

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod arm {
    use super::*;
    use std::arch::aarch64::*;

    struct Neon;

    /// The 16 bytes of `v` (each 0x00 or 0xff) as 16 bits.
    #[inline(always)]
    unsafe fn movemask(v: uint8x16_t) -> u64 {
        // SAFETY: register-only NEON operations, baseline on aarch64.
        unsafe {
            const BITS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
            let bits = vandq_u8(v, vld1q_u8(BITS.as_ptr()));
            let lo = vaddv_u8(vget_low_u8(bits)) as u64;
            let hi = vaddv_u8(vget_high_u8(bits)) as u64;
            lo | hi << 8
        }
    }

    impl Classify for Neon {
        #[inline(always)]
        unsafe fn classify(p: *const u8) -> Masks {
            // SAFETY: the caller guarantees p..p+64 is readable; NEON is
            // baseline on aarch64.
            unsafe {
                let mut m = Masks::default();
                for k in 0..4 {
                    let v = vld1q_u8(p.add(16 * k));
                    let sep = vcleq_u8(v, vdupq_n_u8(0x20));
                    let ctl = vcltq_u8(v, vdupq_n_u8(0x20));
                    let q = vceqq_u8(v, vdupq_n_u8(b'"'));
                    let stop = vorrq_u8(vorrq_u8(sep, q), vceqq_u8(v, vdupq_n_u8(b'=')));
                    let quoted = vorrq_u8(vorrq_u8(ctl, q), vceqq_u8(v, vdupq_n_u8(b'\\')));
                    let sh = 16 * k;
                    m.sep |= movemask(sep) << sh;
                    m.stop |= movemask(stop) << sh;
                    m.quoted |= movemask(quoted) << sh;
                    m.key |= movemask(vorrq_u8(stop, vcgeq_u8(v, vdupq_n_u8(0x80)))) << sh;
                }
                m
            }
        }
    }

    crate::simd::level_entries! {
        parse_with(line: &[u8], spec: &LogfmtSpec, out: &mut [Span]) -> Result<usize, Error>;
        parse_neon = Neon, "neon";
    }
}

/// The classifier for WebAssembly built with `simd128` (the Go module's
/// no-cgo build): four `v128` per block. Wasm has no run-time detection:
/// the module has the feature if this is compiled at all.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
mod wasm {
    use super::*;
    use std::arch::wasm32::*;

    pub(super) struct Simd128;

    impl Classify for Simd128 {
        #[inline(always)]
        unsafe fn classify(p: *const u8) -> Masks {
            let mut m = Masks::default();
            for k in 0..4 {
                // SAFETY: the caller guarantees p..p+64 is readable;
                // v128_load has no alignment requirement.
                let v = unsafe { v128_load(p.add(16 * k) as *const v128) };
                let sep = u8x16_le(v, u8x16_splat(0x20));
                let ctl = u8x16_lt(v, u8x16_splat(0x20));
                let q = u8x16_eq(v, u8x16_splat(b'"'));
                let stop = v128_or(v128_or(sep, q), u8x16_eq(v, u8x16_splat(b'=')));
                let quoted = v128_or(v128_or(ctl, q), u8x16_eq(v, u8x16_splat(b'\\')));
                let mm = |x| u64::from(u8x16_bitmask(x));
                let sh = 16 * k;
                m.sep |= mm(sep) << sh;
                m.stop |= mm(stop) << sh;
                m.quoted |= mm(quoted) << sh;
                // The bitmask is each byte's top bit: `v` itself gives the
                // bytes >= 0x80.
                m.key |= mm(v128_or(stop, v)) << sh;
            }
            m
        }
    }
}

/// A compiled `logfmt:` spec, for [`parse_at`] (hidden: the tests' and
/// the fuzz target's way in).
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct TestSpec(LogfmtSpec);

impl TestSpec {
    /// The spec `logfmt:<arg>`.
    pub fn new(arg: &str) -> Result<TestSpec, crate::SpecError> {
        compile(arg, 7).map(|(s, _)| TestSpec(s))
    }

    /// Spans a parse writes.
    pub fn field_count(&self) -> usize {
        self.0.fields
    }
}

/// One line at a given level: `Some(Level::Fallback)` is the scalar
/// reference, a level this CPU lacks runs the reference too, and `None`
/// runs the walker over the portable classifier. Same contract as
/// `Parser::parse`. Hidden, for the tests and the fuzz target.
#[doc(hidden)]
pub fn parse_at(
    level: Option<Level>,
    spec: &TestSpec,
    line: &[u8],
    out: &mut [Span],
) -> Result<usize, Error> {
    let spec = &spec.0;
    match level {
        Some(level) if simd::is_available(level) => {
            // SAFETY: checked just above.
            unsafe { parse_on(level, line, spec, out) }
        }
        Some(_) => parse_reference(line, spec, out),
        // SAFETY: the portable classifier has no target features.
        None => unsafe { parse_with::<Portable>(line, spec, out) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Out = (Result<usize, Error>, Vec<Span>);

    fn run(level: Option<Level>, spec: &TestSpec, line: &[u8]) -> Out {
        let mut out = vec![Span::new(0, 0, 99); spec.field_count() + 1];
        let r = parse_at(level, spec, line, &mut out);
        assert_eq!(
            out.pop(),
            Some(Span::new(0, 0, 99)),
            "wrote past the fields"
        );
        (r, out)
    }

    /// The portable walker (and, off Miri, every level) against the
    /// reference, in both modes.
    fn check(line: &[u8]) {
        for spec in ["*", "*1", "a,b,msg,level,long.key.name,d\u{fc}r"] {
            let spec = TestSpec::new(spec).unwrap();
            let want = run(Some(Level::Fallback), &spec, line);
            let mut engines = vec![None];
            if !cfg!(miri) {
                engines.extend(simd::available_levels().into_iter().map(Some));
            }
            for e in engines {
                assert_eq!(
                    run(e, &spec, line),
                    want,
                    "{e:?} {:?}",
                    String::from_utf8_lossy(line)
                );
            }
        }
    }

    #[test]
    fn walker_matches_the_reference() {
        let base: &[&[u8]] = &[
            b"a=1 b=\"x y\" c",
            b"a=\"x\"b=y msg=\"\\\"q\\\" \\u00e9 \\x41\\101\"",
            b"level=info msg=hello long.key.name=v d\xc3\xbcr=1\xc2\xb5s",
            b"  \t ",
            b"a==b",
            b"=a",
            b"a\"b=1",
            b"a=b\"",
            b"a=\"\\x4",
            b"a=\"\\q\"",
            b"a=\"\x01\"",
            b"a=\"unterminated",
            b"\xff=1",
            b"\xef\xbf\xbd=1",
            b"a=1 a=2 a",
            b"",
            b"\n",
        ];
        for line in base {
            check(line);
            // Shifted across the first block boundary, with and without a
            // line ending (which changes how the last block is loaded).
            let step = if cfg!(miri) { 13 } else { 1 };
            for pad in (50..80).step_by(step) {
                let mut l = vec![b' '; pad];
                l.extend_from_slice(line);
                check(&l);
                l.extend_from_slice(b"\r\n");
                check(&l);
            }
        }
    }

    #[test]
    fn lines_ending_on_a_block_boundary() {
        for n in [1usize, 63, 64, 65, 128] {
            let line: Vec<u8> = b"ab=cd ".iter().copied().cycle().take(n).collect();
            check(&line);
            let line: Vec<u8> = b"m=\"x y\" ".iter().copied().cycle().take(n).collect();
            check(&line);
        }
    }

    #[test]
    fn short_keys_table() {
        let keys: Vec<Box<[u8]>> = ["a", "level", "msg", "eightchr", "toolongkey"]
            .iter()
            .map(|k| k.as_bytes().into())
            .collect();
        let t = ShortKeys::new(&keys);
        assert!(t.perfect);
        assert_eq!(t.get(short_word(b"a")), Some(0));
        assert_eq!(t.get(short_word(b"msg")), Some(2));
        assert_eq!(t.get(short_word(b"eightchr")), Some(3));
        assert_eq!(t.get(short_word(b"toolongk")), None);
        assert_eq!(t.get(short_word(b"lev")), None);
        // Too many keys for a collision-free table: probing finds them all.
        let keys: Vec<Box<[u8]>> = (0..3000)
            .map(|k| format!("k{k}").into_bytes().into())
            .collect();
        let t = ShortKeys::new(&keys);
        assert!(!t.perfect);
        for (f, k) in keys.iter().enumerate() {
            assert_eq!(t.get(short_word(k)), Some(f));
        }
        assert_eq!(t.get(short_word(b"k3000")), None);
    }
}
