//! [`Block64`] for aarch64: NEON (baseline on every aarch64 CPU).
//!
//! NEON has no movemask. The 64 comparison bytes (0x00 or 0xFF) are ANDed
//! with a repeating 1, 2, 4 ... 128 pattern and folded with three rounds
//! of pairwise adds into one 64-bit mask, as simdjson does.

use std::arch::aarch64::*;

use super::Block64;

/// Four NEON registers.
#[derive(Clone, Copy)]
pub(crate) struct NeonBlock([uint8x16_t; 4]);

/// Fold four comparison vectors into a 64-bit mask, bit i = byte i.
///
/// # Safety
///
/// Register-only NEON operations: none beyond running on aarch64, where
/// NEON is baseline (`unsafe` because the intrinsics are).
#[inline(always)]
unsafe fn to_bits(c: [uint8x16_t; 4]) -> u64 {
    const WEIGHTS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
    // SAFETY: WEIGHTS is 16 readable bytes; the rest are register-only NEON
    // operations, baseline on aarch64.
    unsafe {
        let w = vld1q_u8(WEIGHTS.as_ptr());
        let t0 = vandq_u8(c[0], w);
        let t1 = vandq_u8(c[1], w);
        let t2 = vandq_u8(c[2], w);
        let t3 = vandq_u8(c[3], w);
        let s0 = vpaddq_u8(t0, t1);
        let s1 = vpaddq_u8(t2, t3);
        let s0 = vpaddq_u8(s0, s1);
        let s0 = vpaddq_u8(s0, s0);
        vgetq_lane_u64(vreinterpretq_u64_u8(s0), 0)
    }
}

impl Block64 for NeonBlock {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees p..p+64 is readable; vld1q_u8 has no
        // alignment requirement.
        unsafe {
            NeonBlock([
                vld1q_u8(p),
                vld1q_u8(p.add(16)),
                vld1q_u8(p.add(32)),
                vld1q_u8(p.add(48)),
            ])
        }
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        // SAFETY: register-only NEON operations, baseline on aarch64.
        unsafe {
            let c = vdupq_n_u8(byte);
            to_bits([
                vceqq_u8(self.0[0], c),
                vceqq_u8(self.0[1], c),
                vceqq_u8(self.0[2], c),
                vceqq_u8(self.0[3], c),
            ])
        }
    }

    #[inline(always)]
    unsafe fn eq2(self, a: u8, b: u8) -> u64 {
        // SAFETY: register-only NEON operations, baseline on aarch64.
        unsafe {
            let (ca, cb) = (vdupq_n_u8(a), vdupq_n_u8(b));
            let e = |v| vorrq_u8(vceqq_u8(v, ca), vceqq_u8(v, cb));
            to_bits([e(self.0[0]), e(self.0[1]), e(self.0[2]), e(self.0[3])])
        }
    }
}
