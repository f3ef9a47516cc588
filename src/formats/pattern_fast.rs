//! The `pattern:` / `nginx:` / `apache:` fast path: the same matcher as
//! [`pattern`](super::pattern), with its literal searches run over the SIMD
//! engine's masks instead of one memchr call each.
//!
//! A compiled pattern knows the first bytes of the literals it searches for
//! (the combined-log pattern has three: space, `]` and `"`). Stage 1
//! classifies the line by those bytes, 64 at a time, into one mask per
//! byte; each search is then a walk over one mask with `trailing_zeros`,
//! checking the rest of the literal at each candidate. The leftmost
//! candidate that matches is the leftmost occurrence, so the result is the
//! reference's, which the tests check at every level (the unit tests below,
//! under Miri too, and the `pattern` fuzz target).
//!
//! Patterns whose literals start with more than [`MAX_CLASSES`] distinct
//! bytes, lines over [`MAX_BLOCKS`] blocks, and CPUs without a vector level
//! take the reference.

use std::mem::MaybeUninit;

use super::pattern::{bytes_at, match_line, parse_reference, Literal, PatternSpec};
use crate::error::Error;
use crate::simd::{self, next_bit, Block64, Level, ScalarBlock};
use crate::span::Span;

/// The most distinct literal first bytes a pattern may have to run on the
/// engine (one mask each).
pub(crate) const MAX_CLASSES: usize = 4;

/// Lines up to this many 64-byte blocks (1 KiB) are classified into a
/// stack array; longer ones take the reference.
const MAX_BLOCKS: usize = 16;

/// One block's masks: bit i of `m[c]` is set when byte i equals
/// `first_bytes[c]` (classes past the pattern's count repeat class 0).
type Masks = [u64; MAX_CLASSES];

/// Same contract as [`pattern::parse`](super::pattern::parse); the spec
/// has an engine plan (`first_bytes` not empty).
#[inline]
pub(crate) fn parse(line: &[u8], spec: &PatternSpec, out: &mut [Span]) -> Result<usize, Error> {
    // SAFETY: `level()` only returns levels `is_available` accepted.
    unsafe { parse_on(simd::level(), line, spec, out) }
}

/// [`parse`] at a given level; a level this CPU lacks runs the reference.
/// `None` runs the walker over [`ScalarBlock`] (the tests' and Miri's
/// path). Hidden, for the tests.
///
/// # Panics
///
/// When `spec` is not a `pattern:`, `nginx:` or `apache:` parser.
#[doc(hidden)]
pub fn parse_at(
    level: Option<Level>,
    line: &[u8],
    spec: &crate::Parser,
    out: &mut [Span],
) -> Result<usize, Error> {
    let spec = spec
        .pattern_spec()
        .expect("a pattern, nginx or apache spec");
    if spec.first_bytes.is_empty() {
        return parse_reference(line, spec, out);
    }
    match level {
        None => {
            let out = &mut out[..spec.fields];
            // SAFETY: ScalarBlock has no target features.
            let r = unsafe { parse_with::<ScalarBlock>(line, spec, out) };
            if r.is_err() {
                out.fill(Span::ABSENT);
            }
            r
        }
        Some(level) if simd::is_available(level) => {
            // SAFETY: checked just above.
            unsafe { parse_on(level, line, spec, out) }
        }
        Some(_) => parse_reference(line, spec, out),
    }
}

/// The dispatch: no feature test per line.
///
/// # Safety
///
/// `simd::is_available(level)` must hold.
unsafe fn parse_on(
    level: Level,
    line: &[u8],
    spec: &PatternSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..spec.fields];
    let r = match level {
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
        Level::Simd128 => unsafe { parse_with::<crate::simd::Simd128Block>(line, spec, out) },
        _ => parse_reference(line, spec, out),
    };
    if r.is_err() {
        out.fill(Span::ABSENT);
    }
    r
}

/// Classify `line` into `out[..ceil(len / 64)]` by `bytes`, bits past the
/// line's end clear, and return that prefix.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn classify<'o, B: Block64>(
    line: &[u8],
    bytes: &[u8],
    out: &'o mut [MaybeUninit<Masks>; MAX_BLOCKS],
) -> &'o [Masks] {
    let len = line.len();
    let blocks = len.div_ceil(64);
    let out = &mut out[..blocks];
    // Always MAX_CLASSES compares, the missing classes repeating the
    // first byte (their masks are never read): a fixed count keeps the
    // masks in registers. A loop over the pattern's count made the
    // compiler build each block's masks in memory and load them back into
    // mask registers, a store-forwarding stall per block.
    let class_byte = |c: usize| bytes.get(c).or(bytes.first()).copied().unwrap_or(0);
    let classes: [u8; MAX_CLASSES] = std::array::from_fn(class_byte);
    // A function, not a closure or `classes.map(..)`: those were not
    // inlined into this function's target features, and the compares
    // became calls.
    let masks_of = |block: B| {
        // SAFETY: target features: this function's contract.
        unsafe { block_masks(block, classes) }
    };
    let whole = len / 64;
    for (k, slot) in out.iter_mut().enumerate().take(whole) {
        // SAFETY: 64k + 64 <= 64 * whole <= len: inside `line`.
        slot.write(masks_of(unsafe { B::load(line.as_ptr().add(64 * k)) }));
    }
    if whole < blocks {
        let from = 64 * whole;
        let m = if len >= 64 {
            // The last 64 bytes of the line start `by` bytes before the
            // partial block (0 < by < 64): classify them and move the bits
            // down; zeros come in for the bytes past the end.
            let by = (from - (len - 64)) as u32;
            // SAFETY: (len - 64) + 64 == len: inside `line`.
            masks_of(unsafe { B::load(line.as_ptr().add(len - 64)) }).map(|x| x >> by)
        } else {
            let mut tail = [0u8; 64];
            tail[..len - from].copy_from_slice(&line[from..]);
            // SAFETY: `tail` is 64 readable bytes; its zero padding is not
            // one of the classes' bytes unless a class is NUL, whose bits
            // past the end are cleared below.
            let mut m = masks_of(unsafe { B::load(tail.as_ptr()) });
            let keep = (1u64 << (len - from)) - 1;
            for x in &mut m {
                *x &= keep;
            }
            m
        };
        out[whole].write(m);
    }
    // SAFETY: the loop wrote out[..whole] and the branch out[whole] when
    // whole < blocks (blocks <= whole + 1), so all of out[..blocks];
    // MaybeUninit<T> has T's layout.
    unsafe { &*(out as *const [MaybeUninit<Masks>] as *const [Masks]) }
}

/// The masks of one block for the classes' bytes.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn block_masks<B: Block64>(block: B, classes: [u8; MAX_CLASSES]) -> Masks {
    let [c0, c1, c2, c3] = classes;
    // SAFETY: forwarded from this function's contract.
    unsafe { [block.eq(c0), block.eq(c1), block.eq(c2), block.eq(c3)] }
}

/// The matcher over blocks of type `B`: the body every level instantiates.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn parse_with<B: Block64>(
    line: &[u8],
    spec: &PatternSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    let raw = line;
    let line = crate::strip_eol(raw);
    if line.is_empty() || line.len() > MAX_BLOCKS * 64 {
        // Empty: the reference names the error; long: the reference parses.
        return parse_reference(raw, spec, out);
    }
    let mut masks = [MaybeUninit::<Masks>::uninit(); MAX_BLOCKS];
    // SAFETY: target features: this function's contract.
    let masks = unsafe { classify::<B>(line, &spec.first_bytes, &mut masks) };
    let find = |line: &[u8], lit: &Literal, pos: usize| {
        let c = lit.class as usize % MAX_CLASSES;
        let mut from = pos;
        loop {
            let at = next_bit(masks, from, |m| m[c])?;
            // The first byte matches (it is the class's byte). Check the
            // literal with one 4-byte compare where the line has 4 bytes
            // left (literals are a byte to three in practice), else a
            // plain comparison.
            let hit = match line.get(at..at + 4) {
                Some(&[a, b, c, d]) => {
                    (u32::from_le_bytes([a, b, c, d]) & lit.head_mask) == lit.head
                        && (lit.bytes.len() <= 4 || bytes_at(line, at, &lit.bytes))
                }
                _ => bytes_at(line, at, &lit.bytes),
            };
            if hit {
                return Some(at);
            }
            from = at + 1;
        }
    };
    match_line(line, spec, out, find)
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use super::*;
    use crate::simd::{Avx2Block, Avx512Block, Sse2Block};

    crate::simd::level_entries! {
        parse_with(line: &[u8], spec: &PatternSpec, out: &mut [Span]) -> Result<usize, Error>;
        parse_sse2 = Sse2Block, "sse2";
        parse_avx2 = Avx2Block, "avx2,bmi1,bmi2,lzcnt,popcnt";
        parse_avx512 = Avx512Block, "avx512f,avx512bw,avx2,bmi1,bmi2,lzcnt,popcnt";
    }
}

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod arm {
    use super::*;
    use crate::simd::NeonBlock;

    crate::simd::level_entries! {
        parse_with(line: &[u8], spec: &PatternSpec, out: &mut [Span]) -> Result<usize, Error>;
        parse_neon = NeonBlock, "neon";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::available_levels;
    use crate::Parser;

    const COMBINED: &str =
        r#"pattern:<ip> <ident> <user> [<ts>] "<request>" <status> <size> "<referer>" "<ua>""#;
    const APACHE: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;

    /// Every level, and the portable walker, against the reference.
    fn check(p: &Parser, line: &[u8]) {
        let spec = p.pattern_spec().unwrap();
        let n = p.field_count();
        let mut want = vec![Span::ABSENT; n];
        let want_r = parse_reference(line, spec, &mut want);
        let mut levels: Vec<Option<Level>> = available_levels().into_iter().map(Some).collect();
        levels.push(None);
        for level in levels {
            let mut got = vec![Span::new(0, 0, 9); n];
            let r = parse_at(level, line, p, &mut got);
            assert_eq!(r, want_r, "{level:?} {:?}", String::from_utf8_lossy(line));
            assert_eq!(got, want, "{level:?} {:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn every_level_agrees_on_every_truncation_and_byte_flip() {
        let specs = [
            COMBINED,
            // Multi-byte literals sharing a first byte, a prefix, a final
            // literal, and `<_>`.
            r#"pattern:<ip> - <_> [<ts>] "<method> <path> <_>" <status> <size> "<referer>" "<ua>""#,
            "pattern:[<a>]] <b>]]] <c>",
            "pattern:x=<a>, y=<b>, z=<c>;",
            r#"nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#,
        ];
        let lines = [
            APACHE.to_string(),
            "[1]] 2]]] 3".to_string(),
            "[]]]] ]]]]]]] ]".to_string(),
            "x=1, y=2, z=3;".to_string(),
            format!("x={}, y={}, z={};", "a".repeat(70), ",".repeat(63), "y".repeat(130)),
            format!(
                "10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET /{} HTTP/1.1\" 200 5 \"{}\" \"{}\"",
                "p".repeat(61),
                "r".repeat(63),
                "u".repeat(64)
            ),
        ];
        let flips: &[u8] = if cfg!(miri) {
            b" \"]"
        } else {
            b" \"[]-,=;\n\r0"
        };
        let step = if cfg!(miri) { 97 } else { 1 };
        for spec in specs {
            let p = Parser::new(spec).unwrap();
            assert!(!p.pattern_spec().unwrap().first_bytes.is_empty(), "{spec}");
            for line in &lines {
                let line = line.as_bytes();
                for cut in (0..=line.len()).step_by(step) {
                    check(&p, &line[..cut]);
                }
                for i in (0..line.len()).step_by(step) {
                    for &b in flips {
                        let mut l = line.to_vec();
                        l[i] = b;
                        check(&p, &l);
                    }
                }
                check(&p, &[line, b"\r\n"].concat());
            }
        }
    }

    #[test]
    fn long_lines_and_wide_patterns_take_the_reference_and_agree() {
        let p = Parser::new(COMBINED).unwrap();
        for n in [900, 960, 1000, 1100] {
            let line = format!(
                "1.2.3.4 - - [t] \"GET /{} HTTP/1.1\" 200 1 \"-\" \"ua\"",
                "x".repeat(n)
            );
            check(&p, line.as_bytes());
        }
        // Five distinct first bytes: no engine plan.
        let p = Parser::new("pattern:<a>1<b>2<c>3<d>4<e>5<f>").unwrap();
        assert!(p.pattern_spec().unwrap().first_bytes.is_empty());
        check(&p, b"a1b2c3d4e5f");
    }
}
