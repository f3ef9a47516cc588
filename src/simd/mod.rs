//! The structural classifier: 64 bytes at a time, which bytes are spaces,
//! quotes, backslashes, brackets..., as one bit per byte.
//!
//! This is stage 1 of a simdjson-style parse. A format's fast path asks
//! for the classes it cares about (for the access log: space, `"` or `\`,
//! `]`), gets one `u64` per class per 64-byte block of the line, and its
//! walker (stage 2) then jumps from field to field with `trailing_zeros`
//! instead of scanning bytes.
//!
//! The algorithm is written once, over [`Block64`]: "64 bytes loaded into
//! registers, and the bitmask of the lanes equal to a byte". It is
//! instantiated per instruction set:
//!
//! | level | block | where |
//! |---|---|---|
//! | `Avx512` | one `__m512i`, `vpcmpeqb` into a mask register | x86_64 with AVX-512BW and what `Avx2` needs, detected at run time |
//! | `Avx2` | two `__m256i` | x86_64 with AVX2, BMI1/2, LZCNT and POPCNT (all AVX2 CPUs have them), detected at run time |
//! | `Sse2` | four `__m128i` | every x86_64 |
//! | `Neon` | four `uint8x16_t` | every aarch64 |
//! | `Simd128` | four `v128` | wasm32 built with `+simd128` (the Go module's no-cgo build) |
//! | `Fallback` | none: the formats' scalar reference parsers run | everything else (wasm32, Miri) |
//!
//! The level is detected once and cached in an atomic ([`level`]). It can be
//! lowered (never raised above what the CPU has) with the environment
//! variable `LOGSPAN_SIMD=fallback|sse2|avx2|avx512|neon|simd128`, read once at
//! detection: that is how the benchmarks compare levels and how a suspected
//! engine bug can be ruled out in production without a rebuild.
//!
//! [`ScalarBlock`] implements the same trait byte by byte. It is not used on
//! any production path; it is what the tests (and Miri, which cannot run
//! vector intrinsics) use to run the walkers, and the oracle the vector
//! blocks are checked against.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU8, Ordering};

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm32;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::NeonBlock;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) use wasm32::Simd128Block;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::{Avx2Block, Avx512Block, Sse2Block};

/// 64 bytes held in vector registers.
///
/// # Safety
///
/// Implementations are only called from functions compiled with (and
/// dispatched to on a CPU that has) the target features they need; `load`
/// reads exactly 64 bytes from `p`.
pub(crate) trait Block64: Copy {
    /// Load the 64 bytes at `p` (no alignment needed).
    ///
    /// # Safety
    ///
    /// `p..p + 64` must be readable, and the CPU must have the block's
    /// target features.
    unsafe fn load(p: *const u8) -> Self;

    /// Bit `i` is set when byte `i` equals `byte`.
    ///
    /// # Safety
    ///
    /// The CPU must have the block's target features.
    unsafe fn eq(self, byte: u8) -> u64;

    /// Bit `i` is set when byte `i` equals `a` or `b` (one mask extraction
    /// instead of two where that is cheaper).
    ///
    /// # Safety
    ///
    /// The CPU must have the block's target features.
    #[inline(always)]
    unsafe fn eq2(self, a: u8, b: u8) -> u64 {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.eq(a) | self.eq(b) }
    }
}

/// The portable block: plain bytes, compared one at a time. The tests'
/// oracle and Miri's path, never a production one.
#[derive(Clone, Copy)]
pub(crate) struct ScalarBlock([u8; 64]);

impl Block64 for ScalarBlock {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        let mut b = [0u8; 64];
        // SAFETY: the caller guarantees p..p+64 is readable; `b` is a
        // distinct local array of 64 bytes.
        unsafe { std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), 64) };
        ScalarBlock(b)
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        let mut m = 0u64;
        for (i, &b) in self.0.iter().enumerate() {
            m |= ((b == byte) as u64) << i;
        }
        m
    }
}

/// What a format's fast path classifies: its own mask record, filled from
/// one block.
pub(crate) trait Classes {
    /// One `u64` per class.
    type Masks: Copy + Default;

    /// The masks of one 64-byte block.
    ///
    /// # Safety
    ///
    /// The CPU must have `B`'s target features.
    unsafe fn classify<B: Block64>(block: B) -> Self::Masks;

    /// `masks` with every bit at or above `keep` cleared (`keep` < 64):
    /// the bytes past the end of the line.
    fn truncate(masks: Self::Masks, keep: u32) -> Self::Masks;

    /// Whether [`Classes::shift_down`] is implemented. When it is, a last
    /// block that would cross the end of the buffer is classified from the
    /// buffer's last 64 bytes and shifted, instead of copied into a padded
    /// block (a single line passed alone ends its buffer: that copy was
    /// the larger part of its classification cost).
    const SHIFTS: bool = false;

    /// `masks` with every bit moved down by `by` (`0 < by < 64`), zeros
    /// coming in at the top. Only called when [`Classes::SHIFTS`] is true.
    #[inline(always)]
    fn shift_down(masks: Self::Masks, by: u32) -> Self::Masks {
        let _ = by;
        masks
    }
}

/// Classify `buf[start..end]` into `out[..ceil((end - start) / 64)]` and
/// return that prefix, now initialized: block `k` covers `start + 64k ..`;
/// bits for bytes at or past `end` are clear. Reads past `end` stay inside
/// `buf` (the rest of a batch); a block that would cross the end of `buf`
/// is classified from `buf`'s last 64 bytes and shifted
/// ([`Classes::SHIFTS`]), or else copied into a zero-padded local block.
///
/// # Safety
///
/// The CPU must have `B`'s target features. (`start <= end <= buf.len()`
/// and the size of `out` are checked: a violation panics.)
#[inline(always)]
pub(crate) unsafe fn classify_range<'o, C: Classes, B: Block64>(
    buf: &[u8],
    start: usize,
    end: usize,
    out: &'o mut [MaybeUninit<C::Masks>],
) -> &'o [C::Masks] {
    // Cheap, and it makes the pointer arithmetic below sound whatever the
    // caller passes.
    assert!(start <= end && end <= buf.len());
    let len = end - start;
    let blocks = len.div_ceil(64);
    let out = &mut out[..blocks];
    let Some(last) = blocks.checked_sub(1) else {
        return &[];
    };
    // Every block but the last lies wholly inside the line, so inside `buf`.
    for (k, slot) in out[..last].iter_mut().enumerate() {
        // SAFETY: start + 64k + 64 <= start + 64 * last < end <= buf.len();
        // target features: the caller's contract.
        slot.write(unsafe { C::classify(B::load(buf.as_ptr().add(start + 64 * k))) });
    }
    // The last block is finished in registers and stored once: storing it
    // and then truncating it in memory made a wide load of narrow stores,
    // which the CPU cannot forward (a stall of a dozen cycles per line).
    let from = start + 64 * last;
    // SAFETY: from < end <= buf.len() (the last block is not empty);
    // target features: the caller's contract.
    let mut m = unsafe { classify_block_at::<C, B>(buf, from) };
    if !len.is_multiple_of(64) {
        m = C::truncate(m, (len % 64) as u32);
    }
    out[last].write(m);
    // SAFETY: every one of out[..blocks] is now written (the loop wrote
    // out[..last], then out[last]); MaybeUninit<T> has T's layout.
    unsafe { &*(out as *const [MaybeUninit<C::Masks>] as *const [C::Masks]) }
}

/// The masks of the 64 bytes of `buf` from `from`, for a block that may
/// cross the end of `buf`: bits for bytes at or past `buf.len()` are clear.
/// (Where [`classify_range`] needs to know a line's end first, this lets
/// a walker find the end, a newline, while classifying.)
///
/// # Safety
///
/// The CPU must have `B`'s target features. (`from < buf.len()` is
/// checked: a violation panics.)
#[inline(always)]
pub(crate) unsafe fn classify_at<C: Classes, B: Block64>(buf: &[u8], from: usize) -> C::Masks {
    assert!(from < buf.len());
    // SAFETY: from < buf.len(); target features: the caller's contract.
    let m = unsafe { classify_block_at::<C, B>(buf, from) };
    if from + 64 <= buf.len() {
        m
    } else {
        C::truncate(m, (buf.len() - from) as u32)
    }
}

/// The masks of the 64 bytes at `from`, which may cross the end of `buf`.
/// Past the end the bits are not meaningful (a padded copy's zero bytes
/// are classified too): callers truncate.
///
/// # Safety
///
/// `from < buf.len()`, and the CPU must have `B`'s target features.
#[inline(always)]
unsafe fn classify_block_at<C: Classes, B: Block64>(buf: &[u8], from: usize) -> C::Masks {
    if from + 64 <= buf.len() {
        // SAFETY: from + 64 <= buf.len(); target features: the caller's
        // contract.
        unsafe { C::classify(B::load(buf.as_ptr().add(from))) }
    } else if C::SHIFTS && buf.len() >= 64 {
        // Classify the buffer's last 64 bytes, which start `by` bytes
        // before `from` (0 < by < 64, as from + 64 > buf.len() > from),
        // and move the bits down to the block's positions.
        let tail = buf.len() - 64;
        // SAFETY: tail + 64 == buf.len(), so the 64 bytes are inside `buf`;
        // target features: the caller's contract.
        let m = unsafe { C::classify(B::load(buf.as_ptr().add(tail))) };
        C::shift_down(m, (from - tail) as u32)
    } else {
        // Too short for that: pad a copy (from < buf.len(): the caller's
        // contract, so the slice below is in bounds).
        let mut padded = [0u8; 64];
        padded[..buf.len() - from].copy_from_slice(&buf[from..]);
        // SAFETY: `padded` is 64 readable bytes; target features: the
        // caller's contract.
        unsafe { C::classify(B::load(padded.as_ptr())) }
    }
}

/// A format's per-level entry points: for each `name = Type, "features"`,
/// an `unsafe fn name(args) -> ret` compiled with those target features
/// that runs `body::<Type>(args)`, the format's generic body instantiated
/// for that level's block (or classifier) type. Each format invokes it
/// inside its `mod x86` / `mod arm` and dispatches to the functions it
/// makes once per line, from the cached [`level`].
///
/// The functions are `unsafe` to call: the CPU must have the features
/// named (SSE2 and NEON are baseline on their architectures).
// Unused where no format has a vector level to instantiate (Miri, wasm32).
#[cfg_attr(
    any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))),
    allow(unused_macros)
)]
macro_rules! level_entries {
    (
        $body:ident $params:tt -> $ret:ty;
        $( $name:ident = $block:ty, $features:literal; )+
    ) => {
        $( $crate::simd::level_entries!(@one $body $params -> $ret; $name = $block, $features); )+
    };
    (
        @one $body:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty;
        $name:ident = $block:ty, $features:literal
    ) => {
        #[doc = concat!("`", stringify!($body), "` over `", stringify!($block),
            "`, compiled with `", $features, "`.")]
        ///
        /// # Safety
        ///
        /// The CPU must have those target features.
        #[target_feature(enable = $features)]
        pub(super) unsafe fn $name($($arg: $ty),*) -> $ret {
            // SAFETY: this function is compiled with the block's target
            // features, and the caller guarantees the CPU has them.
            unsafe { $body::<$block>($($arg),*) }
        }
    };
}
#[cfg_attr(
    any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))),
    allow(unused_imports)
)]
pub(crate) use level_entries;

/// The first set bit of `select(masks[b])` at bit position `from` or
/// later (positions count from the start of block 0), if any.
#[inline(always)]
pub(crate) fn next_bit<M: Copy>(
    masks: &[M],
    from: usize,
    select: impl Fn(&M) -> u64,
) -> Option<usize> {
    let mut b = from / 64;
    let first = masks.get(b)?;
    let mut bits = select(first) & (u64::MAX << (from % 64));
    loop {
        if bits != 0 {
            return Some(b * 64 + bits.trailing_zeros() as usize);
        }
        b += 1;
        bits = select(masks.get(b)?);
    }
}

/// An instruction set the engine can run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// No vector engine: the formats' scalar reference parsers.
    Fallback = 1,
    /// x86_64 baseline, 16-byte vectors.
    Sse2 = 2,
    /// x86_64, 32-byte vectors.
    Avx2 = 3,
    /// x86_64 with AVX-512BW, 64-byte vectors and mask registers.
    Avx512 = 4,
    /// aarch64 baseline, 16-byte vectors.
    Neon = 5,
    /// WebAssembly compiled with `simd128`, 16-byte vectors.
    Simd128 = 6,
}

impl Level {
    /// The lower-case name `LOGSPAN_SIMD` takes.
    pub fn name(self) -> &'static str {
        match self {
            Level::Fallback => "fallback",
            Level::Sse2 => "sse2",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
            Level::Neon => "neon",
            Level::Simd128 => "simd128",
        }
    }

    fn from_u8(v: u8) -> Option<Level> {
        Some(match v {
            1 => Level::Fallback,
            2 => Level::Sse2,
            3 => Level::Avx2,
            4 => Level::Avx512,
            5 => Level::Neon,
            6 => Level::Simd128,
            _ => return None,
        })
    }

    /// Every level, in the order `available_levels` lists them.
    const ALL: [Level; 6] = [
        Level::Fallback,
        Level::Sse2,
        Level::Avx2,
        Level::Avx512,
        Level::Neon,
        Level::Simd128,
    ];

    fn from_name(name: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// Whether this CPU (and this build) can run `level`. std caches the CPU
/// feature bits, so this is a few loads and tests.
pub fn is_available(level: Level) -> bool {
    match level {
        Level::Fallback => true,
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Sse2 => true,
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx2 => has_avx2_and_bit_ops(),
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx512 => {
            std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && has_avx2_and_bit_ops()
        }
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        Level::Neon => true,
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
        Level::Simd128 => true,
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// AVX2 and the scalar bit instructions every AVX2 CPU has (Haswell and
/// Zen on): the walkers are `trailing_zeros`, `count_ones` and
/// `x & (x - 1)` on masks, one instruction each with these, a sequence
/// each without.
#[cfg(all(target_arch = "x86_64", not(miri)))]
fn has_avx2_and_bit_ops() -> bool {
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
        && std::is_x86_feature_detected!("popcnt")
}

/// Every level this CPU can run, best last. `Fallback` is always there.
pub fn available_levels() -> Vec<Level> {
    Level::ALL
        .into_iter()
        .filter(|&l| is_available(l))
        .collect()
}

static LEVEL: AtomicU8 = AtomicU8::new(0);

/// The level the parsers use: the best this CPU has, unless
/// `LOGSPAN_SIMD` names a lower one. Detected once, then one relaxed load.
#[inline(always)]
pub fn level() -> Level {
    match Level::from_u8(LEVEL.load(Ordering::Relaxed)) {
        Some(l) => l,
        None => detect(),
    }
}

#[cold]
fn detect() -> Level {
    let available = available_levels();
    let best = *available.last().expect("Fallback is always available");
    let chosen = std::env::var("LOGSPAN_SIMD")
        .ok()
        .and_then(|name| Level::from_name(&name))
        .filter(|l| available.contains(l))
        .unwrap_or(best);
    // Racing detections store the same value.
    LEVEL.store(chosen as u8, Ordering::Relaxed);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class byte the formats use, and the bytes around them.
    const PROBES: &[u8] = b" \"\\[]{}=,:\n\r\t\0\x7f\x80\xff";

    fn naive(block: &[u8; 64], byte: u8) -> u64 {
        (0..64).fold(0, |m, i| m | (((block[i] == byte) as u64) << i))
    }

    fn check_block<B: Block64>(
        block: &[u8; 64],
        eq: impl Fn(B, u8) -> u64,
        load: impl Fn(&[u8; 64]) -> B,
    ) {
        let b = load(block);
        for byte in PROBES.iter().copied().chain([b'a', b'0']) {
            assert_eq!(
                eq(b, byte),
                naive(block, byte),
                "byte {byte:#x} in {block:?}"
            );
        }
    }

    fn blocks() -> Vec<[u8; 64]> {
        let mut v = Vec::new();
        // Every probe byte at every position, the rest 'a' (under Miri,
        // which interprets each step, every 7th position and fewer mixes).
        let (stride, mixes) = if cfg!(miri) { (7, 20) } else { (1, 500) };
        for &p in PROBES {
            for i in (0..64).step_by(stride) {
                let mut b = [b'a'; 64];
                b[i] = p;
                v.push(b);
            }
        }
        // Pseudo-random mixes of probe bytes (fixed seed).
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..mixes {
            let mut b = [0u8; 64];
            for byte in b.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *byte = PROBES[(x % PROBES.len() as u64) as usize];
            }
            v.push(b);
        }
        v
    }

    #[test]
    fn scalar_block_is_the_naive_comparison() {
        for b in blocks() {
            // SAFETY: ScalarBlock needs no target feature; `b` is 64 bytes.
            check_block::<ScalarBlock>(
                &b,
                |v, c| unsafe { v.eq(c) },
                |b| unsafe { ScalarBlock::load(b.as_ptr()) },
            );
        }
    }

    #[cfg(all(target_arch = "x86_64", not(miri)))]
    #[test]
    fn x86_blocks_agree_with_naive() {
        let levels = available_levels();
        for b in blocks() {
            // SAFETY: SSE2 is baseline on x86_64; `b` is 64 bytes.
            check_block::<Sse2Block>(
                &b,
                |v, c| unsafe { v.eq(c) },
                |b| unsafe { Sse2Block::load(b.as_ptr()) },
            );
            if levels.contains(&Level::Avx2) {
                // SAFETY: AVX2 was detected; `b` is 64 bytes.
                check_block::<Avx2Block>(
                    &b,
                    |v, c| unsafe { v.eq(c) },
                    |b| unsafe { Avx2Block::load(b.as_ptr()) },
                );
            }
            if levels.contains(&Level::Avx512) {
                // SAFETY: AVX-512BW was detected; `b` is 64 bytes.
                check_block::<Avx512Block>(
                    &b,
                    |v, c| unsafe { v.eq(c) },
                    |b| unsafe { Avx512Block::load(b.as_ptr()) },
                );
            }
        }
    }

    #[cfg(all(target_arch = "aarch64", not(miri)))]
    #[test]
    fn neon_block_agrees_with_naive() {
        for b in blocks() {
            // SAFETY: NEON is baseline on aarch64; `b` is 64 bytes.
            check_block::<NeonBlock>(
                &b,
                |v, c| unsafe { v.eq(c) },
                |b| unsafe { NeonBlock::load(b.as_ptr()) },
            );
        }
    }

    #[test]
    fn next_bit_walks_across_blocks() {
        let masks = [0u64, 1 << 63, 0b101];
        let id = |m: &u64| *m;
        assert_eq!(next_bit(&masks, 0, id), Some(127));
        assert_eq!(next_bit(&masks, 127, id), Some(127));
        assert_eq!(next_bit(&masks, 128, id), Some(128));
        assert_eq!(next_bit(&masks, 129, id), Some(130));
        assert_eq!(next_bit(&masks, 131, id), None);
        assert_eq!(next_bit(&masks, 192, id), None);
        assert_eq!(next_bit::<u64>(&[], 0, id), None);
    }

    #[test]
    fn level_names_round_trip_and_detection_is_cached() {
        for l in available_levels() {
            assert_eq!(Level::from_name(l.name()), Some(l));
            assert_eq!(Level::from_u8(l as u8), Some(l));
        }
        let first = level();
        assert!(available_levels().contains(&first));
        assert_eq!(level(), first);
    }
}
