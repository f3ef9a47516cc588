//! [`Block64`] for x86_64: SSE2 (baseline), AVX2 and AVX-512BW.
//!
//! Each method is `#[inline(always)]` so that it is compiled into the
//! caller, which is a `#[target_feature]` function of the right level (the
//! formats' dispatch wrappers); it is never called on its own.

use std::arch::x86_64::*;

use super::Block64;

/// Four SSE2 registers.
#[derive(Clone, Copy)]
pub(crate) struct Sse2Block([__m128i; 4]);

impl Block64 for Sse2Block {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees p..p+64 is readable; loadu has no
        // alignment requirement; SSE2 is baseline on x86_64.
        unsafe {
            Sse2Block([
                _mm_loadu_si128(p as *const __m128i),
                _mm_loadu_si128(p.add(16) as *const __m128i),
                _mm_loadu_si128(p.add(32) as *const __m128i),
                _mm_loadu_si128(p.add(48) as *const __m128i),
            ])
        }
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        // SAFETY: register-only SSE2 operations, baseline on x86_64.
        unsafe {
            let c = _mm_set1_epi8(byte as i8);
            let m = |v| _mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) as u16 as u64;
            m(self.0[0]) | m(self.0[1]) << 16 | m(self.0[2]) << 32 | m(self.0[3]) << 48
        }
    }

    #[inline(always)]
    unsafe fn eq2(self, a: u8, b: u8) -> u64 {
        // SAFETY: register-only SSE2 operations, baseline on x86_64.
        unsafe {
            let (ca, cb) = (_mm_set1_epi8(a as i8), _mm_set1_epi8(b as i8));
            let m = |v| {
                _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, ca), _mm_cmpeq_epi8(v, cb))) as u16
                    as u64
            };
            m(self.0[0]) | m(self.0[1]) << 16 | m(self.0[2]) << 32 | m(self.0[3]) << 48
        }
    }
}

/// Two AVX2 registers.
#[derive(Clone, Copy)]
pub(crate) struct Avx2Block([__m256i; 2]);

impl Block64 for Avx2Block {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees p..p+64 is readable and that the CPU
        // has AVX2; loadu has no alignment requirement.
        unsafe {
            Avx2Block([
                _mm256_loadu_si256(p as *const __m256i),
                _mm256_loadu_si256(p.add(32) as *const __m256i),
            ])
        }
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        // SAFETY: register-only AVX2 operations; the caller guarantees the
        // CPU has AVX2.
        unsafe {
            let c = _mm256_set1_epi8(byte as i8);
            let m = |v| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c)) as u32 as u64;
            m(self.0[0]) | m(self.0[1]) << 32
        }
    }

    #[inline(always)]
    unsafe fn eq2(self, a: u8, b: u8) -> u64 {
        // SAFETY: register-only AVX2 operations; the caller guarantees the
        // CPU has AVX2.
        unsafe {
            let (ca, cb) = (_mm256_set1_epi8(a as i8), _mm256_set1_epi8(b as i8));
            let m = |v| {
                _mm256_movemask_epi8(_mm256_or_si256(
                    _mm256_cmpeq_epi8(v, ca),
                    _mm256_cmpeq_epi8(v, cb),
                )) as u32 as u64
            };
            m(self.0[0]) | m(self.0[1]) << 32
        }
    }
}

/// One AVX-512 register; comparisons land in mask registers, so there is
/// no movemask step at all.
#[derive(Clone, Copy)]
pub(crate) struct Avx512Block(__m512i);

impl Block64 for Avx512Block {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees p..p+64 is readable and that the CPU
        // has AVX-512F/BW; loadu has no alignment requirement.
        unsafe { Avx512Block(_mm512_loadu_si512(p as *const _)) }
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        // SAFETY: register-only AVX-512BW operations; the caller guarantees
        // the CPU has them.
        unsafe { _mm512_cmpeq_epi8_mask(self.0, _mm512_set1_epi8(byte as i8)) }
    }
}
