//! The syslog token scans, 16 bytes at a time where the CPU surely can.
//!
//! A syslog line is many short tokens (header fields, SD-IDs, PARAM-NAMEs,
//! PARAM-VALUEs, the 3164 TAG), each ending at the first byte of a class.
//! The SIMD engine's 64-byte blocks only compare for equality, and most of
//! these classes are ranges ("not PRINTUSASCII"), so the scans here use
//! SSE2 directly: it is part of the x86_64 baseline (no run-time detection,
//! no dispatch), and a signed compare gives the range in one instruction.
//! One 16-byte step covers most tokens.
//!
//! Every function has the contract of its word-at-a-time counterpart in
//! [`syslog`](super::syslog) (`find` with a class), which is what runs on
//! other architectures, under Miri, and for the last 15 bytes of a line;
//! the tests below check the two agree at every position of many lines.

use super::syslog;

/// The first byte at or after `pos` that is not PRINTUSASCII, or
/// `line.len()`.
#[inline(always)]
pub(super) fn nonprint_end(line: &[u8], pos: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        sse2::find(line, pos, sse2::nonprint, syslog::nonprint)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        syslog::find(line, pos, syslog::nonprint)
    }
}

/// The first byte at or after `pos` that is not an SD-NAME byte
/// (PRINTUSASCII except `=`, `]`, `"`), or `line.len()`.
#[inline(always)]
pub(super) fn sd_name_end(line: &[u8], pos: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        sse2::find(line, pos, sse2::sd_name_stop, syslog::sd_name_stop)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        syslog::find(line, pos, syslog::sd_name_stop)
    }
}

/// The first byte at or after `pos` that is not a 3164 TAG name byte
/// (PRINTUSASCII except `[`, `]`, `:`), or `line.len()`.
#[inline(always)]
pub(super) fn tag_name_end(line: &[u8], pos: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        sse2::find(line, pos, sse2::tag_name_stop, syslog::tag_name_stop)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        syslog::find(line, pos, syslog::tag_name_stop)
    }
}

/// The first byte at or after `pos` that is not a 3164 PID byte
/// (PRINTUSASCII except `[`, `]`), or `line.len()`.
#[inline(always)]
pub(super) fn pid_end(line: &[u8], pos: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        sse2::find(line, pos, sse2::pid_stop, syslog::pid_stop)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        syslog::find(line, pos, syslog::pid_stop)
    }
}

/// The first `"`, `\` or `]` at or after `pos` (or `line.len()`), and
/// whether a byte before it, from `pos`, is not ASCII.
#[inline(always)]
pub(super) fn value_special(line: &[u8], pos: usize) -> (usize, bool) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        sse2::value_special(line, pos)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        syslog::value_special(line, pos)
    }
}

/// The non-PRINTUSASCII bytes of up to 64 bytes of a line, as bits, for a
/// run of consecutive short fields (the RFC 5424 header): one
/// classification, then each field's end is a `trailing_zeros`.
pub(super) struct NonprintMask {
    base: usize,
    /// Bit `k` is set when `line[base + k]` is not PRINTUSASCII; only bits
    /// below `limit - base` are meaningful.
    bits: u64,
    limit: usize,
}

impl NonprintMask {
    /// The mask of the whole 16-byte chunks of `line` from `base`, up to 4.
    #[inline(always)]
    pub(super) fn new(line: &[u8], base: usize) -> NonprintMask {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            let (bits, covered) = sse2::nonprint_bits(line, base);
            NonprintMask {
                base,
                bits,
                limit: base + covered,
            }
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        {
            let _ = line;
            NonprintMask {
                base,
                bits: 0,
                limit: base,
            }
        }
    }

    /// [`nonprint_end`]`(line, pos)` for `pos >= base`.
    #[inline(always)]
    pub(super) fn end(&self, line: &[u8], pos: usize) -> usize {
        if pos < self.limit {
            let bits = self.bits >> (pos - self.base);
            if bits != 0 {
                let end = pos + bits.trailing_zeros() as usize;
                if end < self.limit {
                    return end;
                }
            }
            return nonprint_end(line, self.limit);
        }
        nonprint_end(line, pos)
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod sse2 {
    use std::arch::x86_64::*;

    use super::syslog;

    /// The 16 bytes at `pos`, if `line` has them.
    #[inline(always)]
    fn load(line: &[u8], pos: usize) -> Option<__m128i> {
        let bytes = line.get(pos..pos.checked_add(16)?)?;
        // SAFETY: `bytes` is 16 readable bytes; loadu needs no alignment;
        // SSE2 is part of the x86_64 baseline.
        Some(unsafe { _mm_loadu_si128(bytes.as_ptr() as *const __m128i) })
    }

    /// Lanes equal to `b`.
    #[inline(always)]
    fn eq(v: __m128i, b: u8) -> __m128i {
        // SAFETY: register-only SSE2 operations (x86_64 baseline).
        unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)) }
    }

    #[inline(always)]
    fn or(a: __m128i, b: __m128i) -> __m128i {
        // SAFETY: register-only SSE2 operation (x86_64 baseline).
        unsafe { _mm_or_si128(a, b) }
    }

    /// Lanes not in PRINTUSASCII (`!`..`~`): as signed bytes, below `!`
    /// (0x00-0x20 and 0x80-0xFF) or equal to 0x7F.
    #[inline(always)]
    pub(super) fn nonprint(v: __m128i) -> __m128i {
        // SAFETY: register-only SSE2 operations (x86_64 baseline).
        let below = unsafe { _mm_cmplt_epi8(v, _mm_set1_epi8(0x21)) };
        or(below, eq(v, 0x7F))
    }

    pub(super) fn sd_name_stop(v: __m128i) -> __m128i {
        or(or(nonprint(v), eq(v, b'=')), or(eq(v, b']'), eq(v, b'"')))
    }

    pub(super) fn tag_name_stop(v: __m128i) -> __m128i {
        or(or(nonprint(v), eq(v, b'[')), or(eq(v, b']'), eq(v, b':')))
    }

    pub(super) fn pid_stop(v: __m128i) -> __m128i {
        or(nonprint(v), or(eq(v, b'['), eq(v, b']')))
    }

    /// One bit per lane: the lane's high bit.
    #[inline(always)]
    fn mask(v: __m128i) -> u32 {
        // SAFETY: register-only SSE2 operation (x86_64 baseline).
        unsafe { _mm_movemask_epi8(v) as u32 }
    }

    /// The first byte at or after `pos` that `class` marks, or
    /// `line.len()`; `word_class` is the same class a word at a time, for
    /// the last (fewer than 16) bytes.
    #[inline(always)]
    pub(super) fn find(
        line: &[u8],
        mut pos: usize,
        class: impl Fn(__m128i) -> __m128i,
        word_class: fn(u64) -> u64,
    ) -> usize {
        while let Some(v) = load(line, pos) {
            let m = mask(class(v));
            if m != 0 {
                return pos + m.trailing_zeros() as usize;
            }
            pos += 16;
        }
        syslog::find(line, pos, word_class)
    }

    /// The non-PRINTUSASCII bits of the whole 16-byte chunks from `base`
    /// (up to 4), and how many bytes they cover.
    #[inline(always)]
    pub(super) fn nonprint_bits(line: &[u8], base: usize) -> (u64, usize) {
        let mut bits = 0u64;
        let mut k = 0;
        while k < 4 {
            match load(line, base + 16 * k) {
                Some(v) => bits |= u64::from(mask(nonprint(v))) << (16 * k),
                None => break,
            }
            k += 1;
        }
        (bits, 16 * k)
    }

    /// [`super::value_special`].
    #[inline(always)]
    pub(super) fn value_special(line: &[u8], mut pos: usize) -> (usize, bool) {
        let mut high = 0;
        while let Some(v) = load(line, pos) {
            let m = mask(or(or(eq(v, b'"'), eq(v, b'\\')), eq(v, b']')));
            if m != 0 {
                // The lanes before the first stop lane.
                high |= mask(v) & ((m & m.wrapping_neg()) - 1);
                return (pos + m.trailing_zeros() as usize, high != 0);
            }
            high |= mask(v);
            pos += 16;
        }
        let (j, tail_high) = syslog::value_special(line, pos);
        (j, high != 0 || tail_high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scan from every position of `line` against the word scans.
    fn check(line: &[u8]) {
        for pos in 0..=line.len() {
            let f = |c: fn(u64) -> u64| syslog::find(line, pos, c);
            assert_eq!(
                nonprint_end(line, pos),
                f(syslog::nonprint),
                "{pos} {line:?}"
            );
            assert_eq!(sd_name_end(line, pos), f(syslog::sd_name_stop), "{pos}");
            assert_eq!(tag_name_end(line, pos), f(syslog::tag_name_stop), "{pos}");
            assert_eq!(pid_end(line, pos), f(syslog::pid_stop), "{pos}");
            assert_eq!(
                value_special(line, pos),
                syslog::value_special(line, pos),
                "{pos} {line:?}"
            );
        }
    }

    #[test]
    fn nonprint_mask_is_nonprint_end() {
        let stride = if cfg!(miri) { 13 } else { 1 };
        for len in [0, 1, 15, 16, 17, 40, 63, 64, 65, 80, 100] {
            for at in (0..len).step_by(stride) {
                for b in [b' ', 0, 0x7f, 0x80, 0xff, b'x'] {
                    let mut line = vec![b'a'; len];
                    line[at] = b;
                    if at + 9 < len {
                        line[at + 9] = b' ';
                    }
                    for base in 0..=len {
                        let m = NonprintMask::new(&line, base);
                        for pos in base..=len {
                            assert_eq!(
                                m.end(&line, pos),
                                syslog::find(&line, pos, syslog::nonprint),
                                "{base} {pos} {line:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scans_agree_with_the_word_scans() {
        // Every byte value at every place of lines of 1 to 40 bytes
        // (around one and two 16-byte steps), among neighbours of each
        // kind.
        let stride = if cfg!(miri) { 37 } else { 1 };
        for len in [1, 7, 8, 15, 16, 17, 31, 32, 33, 40] {
            for fill in [b'a', 0xC3, b' '] {
                for at in (0..len).step_by(stride.min(len)) {
                    for b in (0..=255u8).step_by(stride) {
                        let mut line = vec![fill; len];
                        line[at] = b;
                        check(&line);
                    }
                }
            }
        }
        check(br#"[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]"#);
        check("[user@4711 name=\"Zoë\" role=\"admin\"] x \\ ] \" é".as_bytes());
        check(b"");
    }
}
