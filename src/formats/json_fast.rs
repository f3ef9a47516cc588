//! The JSON-lines fast path: the same rules as [`json`](super::json), for
//! the lines that logs are made of, over the SIMD engine's bitmasks.
//!
//! Stage 1 ([`classify`]) turns the line, 64 bytes at a time, into one
//! mask (`"` or `\`), and finds the *dirty* blocks: those with a byte
//! outside `0x20..=0x7F` (a control byte, a tab, non-ASCII text). Stage 2
//! ([`walk`]) follows the reference walker step for step, but a string
//! that lies in clean blocks ends at the next `"`-or-`\` bit that is a
//! quote (escapes are checked where the mask stops), with no control or
//! UTF-8 check left to do; a string that touches a dirty block is scanned
//! by the reference's `scan_string`. Keys are matched against the trie
//! through a per-node hash table of their first 8 bytes and length (most
//! keys no path asks for are told by their length alone); numbers are
//! scanned 8 digits at a time.
//!
//! The fast walker only ever *accepts*: whatever it does not handle (any
//! error, a root that is not an object, nesting deeper than 64, more than
//! [`MAX_TRACKED`] containers on a path, lines over [`MAX_BLOCKS`] blocks)
//! makes it give up, and the reference parser ([`json::parse_content`])
//! parses the line from scratch and decides, error code included. So an
//! error costs two passes, and the fast path is correct as long as what it
//! accepts, the reference accepts with the same spans: that is what the
//! differential tests check, on every level of the engine and on
//! [`ScalarBlock`] (unit tests below, `tests/json_fast.rs`, the
//! `json_line` fuzz target).

use std::mem::MaybeUninit;

use super::json::{self, is_ws, JsonPaths, Tracked, ENUM_LEAF, NO_FIELD, NO_NODE, TRACKED_EMPTY};
use crate::error::Error;
use crate::simd::{self, next_bit, Block64, Level, ScalarBlock};
use crate::span::*;

/// Lines up to this many 64-byte blocks (2 KiB) take the fast path.
const MAX_BLOCKS: usize = 32;
/// Deepest nesting the fast walker follows (one bit per level in a u64).
const MAX_DEPTH: usize = 64;
/// Most containers the fast walker tracks for the paths at once.
const MAX_TRACKED: usize = 8;

/// The fast walker gave up: the reference decides.
#[derive(Debug)]
struct Bail;

/// Same contract as [`json::parse`].
#[inline]
pub(crate) fn parse(line: &[u8], paths: &JsonPaths, out: &mut [Span]) -> Result<usize, Error> {
    let end = crate::strip_eol(line).len();
    parse_range(line, 0, end, paths, out)
}

/// Parse the line `buf[start..end]` (its content: no line ending, not
/// stripped again) into `out[..field count]` with spans relative to `buf`;
/// all absent on error. For the batch: `start + (end - start)` must fit
/// the 32-bit offsets (`end <= LOG_MAX_LINE_LEN` when `start > 0`).
#[inline]
pub(crate) fn parse_range(
    buf: &[u8],
    start: usize,
    end: usize,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    debug_assert!(
        start == 0 || end <= crate::LOG_MAX_LINE_LEN,
        "offsets must fit 32 bits"
    );
    // SAFETY: `level()` only returns levels `is_available` accepted.
    unsafe { parse_range_on(simd::level(), buf, start, end, paths, out) }
}

/// [`parse_range`] at a given level; a level this CPU does not have runs
/// the fallback instead (so this is safe to call with any level).
fn parse_range_at(
    level: Level,
    buf: &[u8],
    start: usize,
    end: usize,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    let level = if simd::is_available(level) {
        level
    } else {
        Level::Fallback
    };
    // SAFETY: checked just above.
    unsafe { parse_range_on(level, buf, start, end, paths, out) }
}

/// The dispatch: no feature test per line.
///
/// # Safety
///
/// `simd::is_available(level)` must hold.
#[inline(always)]
unsafe fn parse_range_on(
    level: Level,
    buf: &[u8],
    start: usize,
    end: usize,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..paths.fields];
    match level {
        // SAFETY (each arm): the CPU has the level (this function's
        // contract); the arms exist only on the architectures they are for.
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx512 => unsafe { x86::parse_avx512(buf, start, end, paths, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Avx2 => unsafe { x86::parse_avx2(buf, start, end, paths, out) },
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        Level::Sse2 => unsafe { x86::parse_sse2(buf, start, end, paths, out) },
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        Level::Neon => unsafe { arm::parse_neon(buf, start, end, paths, out) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(miri)))]
        Level::Simd128 => unsafe {
            parse_with::<crate::simd::Simd128Block>(buf, start, end, paths, out)
        },
        _ => reference(buf, start, end, paths, out),
    }
}

/// The scalar reference parser on `buf[start..end]`, spans moved to
/// `buf`'s offsets.
#[inline(never)]
fn reference(
    buf: &[u8],
    start: usize,
    end: usize,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    let n = json::parse_content(&buf[start..end], paths, out)?;
    if start != 0 {
        for s in out.iter_mut() {
            *s = s.shifted(start as u32);
        }
    }
    Ok(n)
}

/// Stage 1 and 2 over blocks of type `B`: the body every level
/// instantiates. `out` is exactly the field slots.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn parse_with<B: Block64>(
    buf: &[u8],
    start: usize,
    end: usize,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    let line = &buf[start..end];
    if line.is_empty() || line.len() > MAX_BLOCKS * 64 {
        return reference(buf, start, end, paths, out);
    }
    // Not zeroed: `classify` initializes the prefix it returns.
    let mut masks = [MaybeUninit::<u64>::uninit(); MAX_BLOCKS];
    // SAFETY: line.len() <= 64 * MAX_BLOCKS; target features: this
    // function's contract.
    let (masks, dirty) = unsafe { classify::<B>(line, &mut masks) };
    out.fill(Span::ABSENT);
    let walked = match (paths.enumerate != 0, dirty != 0) {
        (false, false) => walk::<false, false>(line, masks, dirty, paths, out),
        (false, true) => walk::<false, true>(line, masks, dirty, paths, out),
        (true, false) => walk::<true, false>(line, masks, dirty, paths, out),
        (true, true) => walk::<true, true>(line, masks, dirty, paths, out),
    };
    match walked {
        Ok(()) => {
            if start != 0 {
                for s in out.iter_mut() {
                    *s = s.shifted(start as u32);
                }
            }
            Ok(out.iter().filter(|s| s.is_present()).count())
        }
        Err(Bail) => reference(buf, start, end, paths, out),
    }
}

/// Bit 7 of each byte of `acc` is set for the bytes of `block` outside
/// `0x20..=0x7F` (a control byte or non-ASCII), ORed into `acc`. Byte by
/// byte, so that the compiler vectorizes it with the caller's target
/// features.
#[inline(always)]
fn unclean(acc: &mut [u8; 64], block: &[u8; 64]) {
    for (a, &c) in acc.iter_mut().zip(block) {
        // c < 0x20 wraps to 0xE0.. (bit 7); c >= 0x80 has bit 7.
        *a |= c.wrapping_sub(0x20) | c;
    }
}

/// Whether bit 7 is set in some byte of `acc`.
#[inline(always)]
fn any_high(acc: &[u8; 64]) -> bool {
    acc.iter().fold(0u8, |m, &a| m | a) & 0x80 != 0
}

/// Classify `line` (1 to `64 * MAX_BLOCKS` bytes) into `out[..blocks]`,
/// one `"`-or-`\` mask per 64-byte block (no bit past the end of the
/// line), and return with it the *dirty* blocks: bit `k` is set when
/// block `k` has a byte outside `0x20..=0x7F`.
///
/// # Safety
///
/// The CPU must have `B`'s target features.
#[inline(always)]
unsafe fn classify<'o, B: Block64>(
    line: &[u8],
    out: &'o mut [MaybeUninit<u64>; MAX_BLOCKS],
) -> (&'o [u64], u64) {
    let len = line.len();
    let blocks = len.div_ceil(64);
    let out = &mut out[..blocks];
    // One accumulator for the whole line; the dirty blocks are found
    // again, block by block, only when it says there are some.
    let mut acc = [0u8; 64];
    let mut chunks = line.chunks_exact(64);
    let mut k = 0;
    let mut last_block: Option<&[u8; 64]> = None;
    for chunk in chunks.by_ref() {
        let block: &[u8; 64] = chunk.try_into().expect("64-byte chunk");
        // SAFETY: `block` is 64 readable bytes; target features: this
        // function's contract.
        out[k].write(unsafe { B::load(block.as_ptr()).eq2(b'"', b'\\') });
        unclean(&mut acc, block);
        k += 1;
    }
    let rest = chunks.remainder();
    let mut tail = [b' '; 64];
    if !rest.is_empty() {
        let last: &[u8; 64] = if len >= 64 {
            // The line's last 64 bytes: the block's bytes are its last
            // `rest.len()`, the others were classified already.
            line[len - 64..].try_into().expect("64 bytes")
        } else {
            // Padded with spaces: clean, and neither `"` nor `\`.
            tail[..rest.len()].copy_from_slice(rest);
            &tail
        };
        // SAFETY: `last` is 64 readable bytes; target features: this
        // function's contract.
        let m = unsafe { B::load(last.as_ptr()).eq2(b'"', b'\\') };
        // Bit j of `m` is byte 64 - rest.len() + j of the block's bytes
        // when `last` ends the line, or byte j of `tail` (whose bytes past
        // `rest` match nothing): move the block's bits to 0.. either way.
        out[k].write(if len >= 64 { m >> (64 - rest.len()) } else { m });
        unclean(&mut acc, last);
        last_block = Some(last);
    }
    // SAFETY: every one of out[..blocks] was written: one per whole chunk
    // and one for the remainder when there is one, and blocks =
    // ceil(len / 64) is exactly that count; MaybeUninit<u64> has u64's
    // layout.
    let out = unsafe { &*(out as *const [MaybeUninit<u64>] as *const [u64]) };
    let mut dirty = 0u64;
    if any_high(&acc) {
        // Each whole block, then the last one as loaded above (its bytes
        // before the block's own may set its bit too: a dirty bit only
        // sends strings to the reference scan, so more is still exact).
        let whole = line
            .chunks_exact(64)
            .map(|c| c.try_into().expect("64 bytes"));
        for (k, block) in whole.chain(last_block).enumerate() {
            let mut a = [0u8; 64];
            unclean(&mut a, block);
            dirty |= u64::from(any_high(&a)) << k;
        }
    }
    (out, dirty)
}

/// Skip JSON whitespace from `i`.
#[inline(always)]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if c > b' ' || !is_ws(c) {
            break;
        }
        i += 1;
    }
    i
}

/// Skip JSON whitespace from `i`: where it ends, and the byte there (0 at
/// the end of the line: a NUL is an error wherever this is used, as the
/// end is).
#[inline(always)]
fn peek(b: &[u8], mut i: usize) -> (usize, u8) {
    loop {
        match b.get(i) {
            Some(&c) if c <= b' ' && is_ws(c) => i += 1,
            Some(&c) => return (i, c),
            None => return (i, 0),
        }
    }
}

/// The first `"` or `\\` at `p` or later.
#[inline(always)]
fn next_special(masks: &[u64], p: usize) -> Option<usize> {
    let m = *masks.get(p / 64)? >> (p % 64);
    if m != 0 {
        return Some(p + m.trailing_zeros() as usize);
    }
    next_bit(masks, (p / 64 + 1) * 64, |m| *m)
}

/// The string whose opening quote is at `from - 1`: the index of its
/// closing quote and whether it holds escapes.
#[inline(always)]
fn string<const DIRTY: bool>(
    b: &[u8],
    masks: &[u64],
    dirty: u64,
    from: usize,
) -> Result<(usize, bool), Bail> {
    // In clean blocks there is no control or non-ASCII byte: only `"` and
    // `\` matter, and the mask has them all. A string that touches a dirty
    // block is scanned again by the reference's `scan_string`.
    let mut p = from;
    let mut escaped = false;
    loop {
        let q = next_special(masks, p).ok_or(Bail)?;
        match b.get(q) {
            Some(b'"') => {
                if DIRTY {
                    // Blocks from / 64 ..= q / 64 (q < 64 * MAX_BLOCKS).
                    let (lo, hi) = (from / 64, q / 64);
                    let span = (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
                    if dirty & span != 0 {
                        return json::scan_string(b, from).map_err(|_| Bail);
                    }
                }
                return Ok((q, escaped));
            }
            Some(b'\\') => {}
            _ => return Err(Bail),
        }
        escaped = true;
        match b.get(q + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => p = q + 2,
            Some(b'u') => {
                let hex = b.get(q + 2..q + 6).ok_or(Bail)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(Bail);
                }
                p = q + 6;
            }
            _ => return Err(Bail),
        }
    }
}

/// The end of the run of ASCII digits that starts at `i`.
#[inline(always)]
fn digits(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    while let Some(w) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        // Digits become 0..=9; a byte is not a digit when its high nibble
        // is set or its low nibble + 6 carries into it (no carry crosses
        // a byte: each sum is at most 0x15).
        let x = w ^ (ONES * 0x30);
        let t = (x & (ONES * 0x0F)) + ONES * 0x06;
        let stop = (t | x) & (ONES * 0xF0);
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// The number at `b[i]` (a `-` or a digit): the index after it, exactly
/// where the reference's `scan_number` ends it.
#[inline(always)]
fn number(b: &[u8], i: usize) -> Result<usize, Bail> {
    let mut j = i + usize::from(b.get(i) == Some(&b'-'));
    match b.get(j) {
        Some(b'0') => j += 1,
        Some(b'1'..=b'9') => j = digits(b, j + 1),
        _ => return Err(Bail),
    }
    if b.get(j) == Some(&b'.') {
        let k = digits(b, j + 1);
        if k == j + 1 {
            return Err(Bail);
        }
        j = k;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let k = digits(b, j);
        if k == j {
            return Err(Bail);
        }
        j = k;
    }
    Ok(j)
}

/// The child of `parent` whose name is the raw, unescaped key
/// `b[s..e]`, or `NO_NODE`.
#[inline(always)]
fn child(paths: &JsonPaths, parent: u32, b: &[u8], s: usize, e: usize) -> u32 {
    let Some(node) = paths.nodes.get(parent as usize) else {
        return NO_NODE;
    };
    let len = e - s;
    if node.name_lens & (1 << len.min(63)) == 0 {
        return NO_NODE;
    }
    // The key's first (up to) 8 bytes, as `NameChild::word` has them.
    let word = match b.get(s..s + 8) {
        Some(w) => {
            let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            if len >= 8 {
                w
            } else {
                w & ((1u64 << (8 * len)) - 1)
            }
        }
        None => {
            let mut w = [0u8; 8];
            let l = len.min(8);
            w[..l].copy_from_slice(&b[s..s + l]);
            u64::from_le_bytes(w)
        }
    };
    let table = &node.names;
    if table.is_empty() {
        return NO_NODE;
    }
    let mask = table.len() - 1;
    let mut h = json::name_slot(word, len, mask);
    // The table is at most half full: probing ends at an empty slot.
    loop {
        let c = &table[h];
        if c.len == len && c.word == word && (len <= 8 || c.name[8..] == b[s + 8..e]) {
            return c.node;
        }
        if c.len == usize::MAX {
            return NO_NODE;
        }
        h = (h + 1) & mask;
    }
}

/// `"key"`, `:` and whitespace at `b[i]` (`first` is `b[i]`); sets `node`
/// as the reference's `member_key` does. Returns where the value starts
/// and its first byte (0 at the end of the line).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn member_key<const ENUM: bool, const DIRTY: bool>(
    b: &[u8],
    masks: &[u64],
    dirty: u64,
    i: usize,
    first: u8,
    paths: &JsonPaths,
    parent: u32,
    depth: usize,
    pairs: &mut u32,
    out: &mut [Span],
    node: &mut u32,
) -> Result<(usize, u8), Bail> {
    if first != b'"' {
        return Err(Bail);
    }
    let (end, escaped) = string::<DIRTY>(b, masks, dirty, i + 1)?;
    *node = if ENUM {
        if depth == 1 {
            let k = *pairs;
            *pairs = pairs.saturating_add(1);
            if k < paths.enumerate {
                let flags = LOG_TYPE_STRING | if escaped { LOG_FLAG_ESCAPED } else { 0 };
                out[2 * k as usize] = Span::new(i + 1, end, flags);
                ENUM_LEAF
            } else {
                NO_NODE
            }
        } else {
            NO_NODE
        }
    } else if parent == NO_NODE {
        NO_NODE
    } else if escaped {
        paths.child(parent, &b[i + 1..end], true)
    } else {
        child(paths, parent, b, i + 1, end)
    };
    let mut j = end + 1;
    if b.get(j) != Some(&b':') {
        j = skip_ws(b, j);
        if b.get(j) != Some(&b':') {
            return Err(Bail);
        }
    }
    Ok(peek(b, j + 1))
}

/// The reference walker's steps on a line `b` (spans relative to it) whose `"`-or-`\` masks are `masks`; `Err(Bail)` where
/// it would fail or where this walker does not follow it.
#[inline(never)]
fn walk<const ENUM: bool, const DIRTY: bool>(
    b: &[u8],
    masks: &[u64],
    dirty: u64,
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<(), Bail> {
    let n = b.len();
    // Container kinds, one bit per level (1 = array).
    let mut kinds = 0u64;
    let mut depth = 0usize;
    let mut tracked = [TRACKED_EMPTY; MAX_TRACKED];
    let mut tdepth = 0usize;

    let mut i = skip_ws(b, 0);
    // A root that is not an object is an error: the reference's.
    if b.get(i) != Some(&b'{') {
        return Err(Bail);
    }
    let mut node: u32 = 0;
    let mut dup_flag = 0u32;
    let mut pairs = 0u32;
    // b[i], or 0 at the end of the line.
    let mut c = b'{';

    'value: loop {
        let field = if node == NO_NODE {
            NO_FIELD
        } else if ENUM && node == ENUM_LEAF {
            2 * (pairs - 1) + 1
        } else {
            paths.nodes[node as usize].field
        };
        let mut closed_now = false;
        match c {
            b'"' => {
                let (end, escaped) = string::<DIRTY>(b, masks, dirty, i + 1)?;
                if field != NO_FIELD {
                    let flags =
                        LOG_TYPE_STRING | dup_flag | if escaped { LOG_FLAG_ESCAPED } else { 0 };
                    out[field as usize] = Span::new(i + 1, end, flags);
                }
                i = end + 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = number(b, i)?;
                if field != NO_FIELD {
                    out[field as usize] = Span::new(i, end, LOG_TYPE_NUMBER | dup_flag);
                }
                i = end;
            }
            b'{' | b'[' => {
                if depth == MAX_DEPTH {
                    return Err(Bail);
                }
                let is_array = c == b'[';
                if is_array {
                    kinds |= 1 << depth;
                } else {
                    kinds &= !(1 << depth);
                }
                depth += 1;
                if node != NO_NODE && tdepth + 1 == depth {
                    if tdepth == MAX_TRACKED {
                        return Err(Bail);
                    }
                    tracked[tdepth] = Tracked {
                        node,
                        field,
                        flags: dup_flag,
                        start: i as u32,
                        index: 0,
                    };
                    tdepth += 1;
                }
                let (j, d) = peek(b, i + 1);
                i = j;
                if d == if is_array { b']' } else { b'}' } {
                    closed_now = true;
                } else if is_array {
                    node = if tdepth == depth {
                        paths.index_child(tracked[tdepth - 1].node, 0)
                    } else {
                        NO_NODE
                    };
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    c = d;
                    continue 'value;
                } else {
                    let parent = if tdepth == depth {
                        tracked[tdepth - 1].node
                    } else {
                        NO_NODE
                    };
                    (i, c) = member_key::<ENUM, DIRTY>(
                        b, masks, dirty, i, d, paths, parent, depth, &mut pairs, out, &mut node,
                    )?;
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    continue 'value;
                }
            }
            b't' | b'f' | b'n' => {
                // Each compare has a constant length, so it compiles to
                // one or two integer compares instead of a libc bcmp call.
                let (word, ty, ok): (&[u8], u32, bool) = match c {
                    b't' => (b"true", LOG_TYPE_BOOL, b.get(i..i + 4) == Some(b"true")),
                    b'f' => (b"false", LOG_TYPE_BOOL, b.get(i..i + 5) == Some(b"false")),
                    _ => (b"null", LOG_TYPE_NULL, b.get(i..i + 4) == Some(b"null")),
                };
                if !ok {
                    return Err(Bail);
                }
                if field != NO_FIELD {
                    out[field as usize] = Span::new(i, i + word.len(), ty | dup_flag);
                }
                i += word.len();
            }
            _ => return Err(Bail),
        }

        // After a value: a separator, a closing bracket, or the end.
        loop {
            let d = if closed_now {
                closed_now = false;
                *b.get(i).ok_or(Bail)?
            } else {
                if depth == 0 {
                    i = skip_ws(b, i);
                    if i != n || (ENUM && pairs > paths.enumerate) {
                        return Err(Bail);
                    }
                    return Ok(());
                }
                let (j, d) = peek(b, i);
                i = j;
                d
            };
            let is_array = (kinds >> (depth - 1)) & 1 != 0;
            match d {
                b',' => {
                    let (j, e) = peek(b, i + 1);
                    i = j;
                    c = e;
                    if is_array {
                        node = if tdepth == depth {
                            let t = &mut tracked[tdepth - 1];
                            t.index = t.index.saturating_add(1);
                            paths.index_child(t.node, t.index)
                        } else {
                            NO_NODE
                        };
                    } else {
                        let parent = if tdepth == depth {
                            tracked[tdepth - 1].node
                        } else {
                            NO_NODE
                        };
                        (i, c) = member_key::<ENUM, DIRTY>(
                            b, masks, dirty, i, e, paths, parent, depth, &mut pairs, out, &mut node,
                        )?;
                    }
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    continue 'value;
                }
                b']' | b'}' if (d == b']') == is_array => {
                    if tdepth == depth {
                        let t = tracked[tdepth - 1];
                        if t.field != NO_FIELD {
                            let ty = if is_array {
                                LOG_TYPE_ARRAY
                            } else {
                                LOG_TYPE_OBJECT
                            };
                            out[t.field as usize] =
                                Span::new(t.start as usize, i + 1, ty | t.flags);
                        }
                        tdepth -= 1;
                    }
                    depth -= 1;
                    i += 1;
                }
                _ => return Err(Bail),
            }
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use super::*;
    use crate::simd::{Avx2Block, Avx512Block, Sse2Block};

    crate::simd::level_entries! {
        parse_with(buf: &[u8], start: usize, end: usize, paths: &JsonPaths, out: &mut [Span]) -> Result<usize, Error>;
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
        parse_with(buf: &[u8], start: usize, end: usize, paths: &JsonPaths, out: &mut [Span]) -> Result<usize, Error>;
        parse_neon = NeonBlock, "neon";
    }
}

/// A compiled `json:` path list, for the differential tests and the fuzz
/// target: the reference parser, and the fast path at a chosen level.
/// Hidden; not part of the API.
#[doc(hidden)]
pub struct JsonCheck {
    paths: JsonPaths,
}

#[doc(hidden)]
impl JsonCheck {
    /// Compile the path list of a `json:` spec (without `json:`).
    pub fn new(list: &str) -> Result<JsonCheck, crate::SpecError> {
        Ok(JsonCheck {
            paths: json::compile(list, 0)?.0,
        })
    }

    /// The number of spans a parse writes.
    pub fn field_count(&self) -> usize {
        self.paths.fields
    }

    /// The scalar reference parser on one line.
    pub fn parse_reference(&self, line: &[u8], out: &mut [Span]) -> Result<usize, Error> {
        json::parse_reference(line, &self.paths, out)
    }

    /// The fast path on one line at `level`, or over [`ScalarBlock`] when
    /// `level` is `None`.
    pub fn parse_at(
        &self,
        level: Option<Level>,
        line: &[u8],
        out: &mut [Span],
    ) -> Result<usize, Error> {
        let end = crate::strip_eol(line).len();
        self.parse_range_at(level, line, 0, end, out)
    }

    /// The fast path on the line content `buf[start..end]`, spans relative
    /// to `buf` (the batch's entry), at `level` or over [`ScalarBlock`].
    pub fn parse_range_at(
        &self,
        level: Option<Level>,
        buf: &[u8],
        start: usize,
        end: usize,
        out: &mut [Span],
    ) -> Result<usize, Error> {
        match level {
            Some(level) => parse_range_at(level, buf, start, end, &self.paths, out),
            None => {
                let out = &mut out[..self.paths.fields];
                // SAFETY: ScalarBlock has no target features.
                unsafe { parse_with::<ScalarBlock>(buf, start, end, &self.paths, out) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference and the portable (`ScalarBlock`) fast path, on one
    /// line, for one path list: same status, spans and flags.
    fn agree(list: &str, line: &[u8]) {
        let c = JsonCheck::new(list).unwrap();
        let mut want = vec![Span::new(1, 2, 3); c.field_count() + 1];
        let mut got = want.clone();
        let w = c.parse_reference(line, &mut want);
        let g = c.parse_at(None, line, &mut got);
        assert_eq!(
            (g, &got),
            (w, &want),
            "{list} on {:?}",
            String::from_utf8_lossy(line)
        );
    }

    const LINES: &[&str] = &[
        r#"{"level":"warn","ts":1714521600.893,"msg":"slow query","time":"2024-05-01T00:00:00.458Z","http":{"status":200,"method":"GET","path":"/a?b=1"},"user":{"id":95387},"duration_ms":3.9,"error":null}"#,
        r#"{"time":"t","level":"WARN","msg":"caf\u00e9 \"x\"","http":{"method":"HEAD","status":201},"user":{"id":70562,"roles":["reader","writer"]},"cached":false}"#,
        "{\"msg\":\"na\u{ef}ve r\u{e9}sum\u{e9}\",\"level\":\"debug\"}",
        r#" { "msg" : "spaced" , "a" : [ 1 , { "b" : true } ] } "#,
        r#"{"a":1,"a":{"b":2},"b":{"c":[0,1]},"d":[{"x":1}],"e":-0.5e-7}"#,
        r#"{"abcdefghij":1,"abcdefghik":2,"\u0061":3}"#,
        r#"{"a":"\u12G4"}"#,
        r#"{"a":1,}"#,
        r#"{"a":01}"#,
        r#"[1]"#,
        "{\"a\":\"\t\"}",
        r#"{"a":1} x"#,
        "",
    ];

    #[test]
    fn portable_walker_agrees_with_the_reference() {
        let lists: &[&str] = if cfg!(miri) {
            &["time,level,msg,http.method,http.status", "*2"]
        } else {
            &[
                "time,level,msg,http.method,http.status",
                "a,b.c,d[0],e,msg",
                "abcdefghij,abcdefghik,a",
                "*",
                "*2",
            ]
        };
        for &list in lists {
            for line in LINES {
                let l = line.as_bytes();
                agree(list, l);
                // Every cut, to exercise each error the walker gives up on
                // (a sample of them under Miri, which interprets every
                // instruction).
                let step = if cfg!(miri) { 53 } else { 1 };
                for cut in (0..l.len()).step_by(step) {
                    agree(list, &l[..cut]);
                }
            }
        }
    }

    #[test]
    fn key_tables_find_every_name_and_only_them() {
        let c = JsonCheck::new("a,bb,ccc,dddddddd,eeeeeeeee,eeeeeeeef,x.y,x.zzzzzzzzzz").unwrap();
        let p = &c.paths;
        for key in ["a", "bb", "ccc", "dddddddd", "eeeeeeeee", "eeeeeeeef", "x"] {
            let line = format!("\"{key}\"");
            let n = child(p, 0, line.as_bytes(), 1, 1 + key.len());
            assert_ne!(n, NO_NODE, "{key}");
            assert_eq!(n, p.child(0, key.as_bytes(), false), "{key}");
        }
        for key in ["", "b", "cc", "dddddddx", "eeeeeeeeg", "y", "zzzzzzzzzz"] {
            let n = child(p, 0, key.as_bytes(), 0, key.len());
            assert_eq!(n, NO_NODE, "{key}");
        }
        let x = p.child(0, b"x", false);
        let n = child(p, x, b"zzzzzzzzzz", 0, 10);
        assert_eq!(n, p.child(x, b"zzzzzzzzzz", false));
        assert_ne!(n, NO_NODE);
    }

    #[test]
    fn number_ends_where_the_reference_ends_it() {
        for t in [
            "0",
            "-0",
            "12345678901234567",
            "1.5",
            "1.",
            "-",
            "1e5",
            "1E+",
            "1e-09x",
            "00",
            "0.0123456789e+123,",
            "-a",
            "9",
        ] {
            let b = t.as_bytes();
            let want = json::scan_number(b, 0).ok();
            assert_eq!(number(b, 0).ok(), want, "{t}");
        }
    }
}
