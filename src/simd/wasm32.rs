//! [`Block64`] for WebAssembly with the `simd128` feature (WebAssembly
//! 2.0's 128-bit SIMD). Wasm has no run-time feature detection: a module
//! either was compiled with simd128 (the Go module's embedded build is,
//! see scripts/wasm.sh) or it was not, and then this file is not built.

use std::arch::wasm32::*;

use super::Block64;

/// Four `v128` registers.
#[derive(Clone, Copy)]
pub(crate) struct Simd128Block([v128; 4]);

impl Block64 for Simd128Block {
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees p..p+64 is readable; v128_load has
        // no alignment requirement.
        unsafe {
            Simd128Block([
                v128_load(p as *const v128),
                v128_load(p.add(16) as *const v128),
                v128_load(p.add(32) as *const v128),
                v128_load(p.add(48) as *const v128),
            ])
        }
    }

    #[inline(always)]
    unsafe fn eq(self, byte: u8) -> u64 {
        let c = u8x16_splat(byte);
        let m = |v| u8x16_bitmask(u8x16_eq(v, c)) as u64;
        m(self.0[0]) | m(self.0[1]) << 16 | m(self.0[2]) << 32 | m(self.0[3]) << 48
    }

    #[inline(always)]
    unsafe fn eq2(self, a: u8, b: u8) -> u64 {
        let (ca, cb) = (u8x16_splat(a), u8x16_splat(b));
        let m = |v| u8x16_bitmask(v128_or(u8x16_eq(v, ca), u8x16_eq(v, cb))) as u64;
        m(self.0[0]) | m(self.0[1]) << 16 | m(self.0[2]) << 32 | m(self.0[3]) << 48
    }
}
