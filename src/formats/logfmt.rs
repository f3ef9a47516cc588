//! logfmt (`time=… level=info msg="hello world" user.id=42 debug`): one
//! record per line, as written by go-logfmt / go-kit, Go's `log/slog`
//! `TextHandler`, logrus and Heroku-style loggers. The line is validated
//! and the chosen values are reported as spans, in one pass, without
//! allocation.
//!
//! Specs:
//! - `logfmt:<key>,<key>,...` (projection): one field per key, named after
//!   the key, holding the span of its value. Keys are matched byte for
//!   byte. In the list, `\` escapes `,`, `\` and `*` (`a\,b` is the key
//!   `a,b`, `\*` a key named `*`), and ASCII whitespace around an item is
//!   ignored. A key that is listed twice, or that no line could hold
//!   (whitespace, `=`, `"`, U+FFFD), is a spec error.
//! - `logfmt:*` / `logfmt:*N` (enumerate): `2 * N` fields `key0 value0 key1
//!   value1 ...` (N from 1 to 2048, default 64): every pair of the line in
//!   order, duplicates included; slots past the line's last pair are
//!   absent. A line with more than N pairs is [`Error::TooManyFields`],
//!   never cut silently (reported once the whole line is validated, so a
//!   syntax error takes precedence). `*` cannot be combined with keys.
//! - `logfmt` alone, or nothing after `logfmt:`, is a spec error.
//!
//! Rules for the line (go-logfmt's decoder unless said otherwise):
//! - pairs are separated by runs of bytes `<= 0x20` (space, tab and every
//!   other ASCII control, e.g. the record separator `0x1E`), and such runs
//!   may lead and trail the line. A quoted value may be followed directly
//!   by the next key: `a="x"b=y` is two pairs, as go-logfmt reads it;
//! - a key is one or more bytes `> 0x20` other than `=` and `"`. A key with
//!   non-ASCII bytes must be valid UTF-8 and must not hold U+FFFD (go-logfmt
//!   rejects both as "invalid key": it cannot tell them apart). A `=` or
//!   `"` where a key starts, a `"` inside a key, and an invalid key are
//!   [`Error::LogfmtSyntax`];
//! - `key=value`: an unquoted value runs to the next byte `<= 0x20`; it may
//!   hold any other byte (backslashes are plain bytes, UTF-8 is not checked)
//!   except `=` and `"`, which are [`Error::LogfmtSyntax`];
//! - `key="..."`: the value ends at the first `"` not escaped by `\`; its
//!   span is the raw text between the quotes, flagged [`LOG_FLAG_ESCAPED`]
//!   when it holds a backslash (unescape it yourself). The escapes accepted
//!   are those of go-logfmt (JSON's, plus `\'`) together with those of Go's
//!   `strconv.Unquote`, which slog's `TextHandler` and logrus produce:
//!   `\" \\ \/ \' \a \b \f \n \r \t \v`, `\xHH`, `\uHHHH` (lone surrogates
//!   included, as in JSON), `\UHHHHHHHH` (a Unicode scalar value) and octal
//!   `\000`..`\377`. Any other escape, and a raw control byte (`< 0x20`)
//!   inside the quotes, is [`Error::LogfmtBadEscape`] (go-logfmt rejects
//!   raw controls only in values that also hold an escape; we always do).
//!   A line that ends inside the quotes is [`Error::LogfmtUnterminatedQuote`].
//!   UTF-8 is not checked;
//! - empty value vs bare key: `k=` and `k=""` give a present, empty span
//!   (just after the `=`, or just after the opening quote); a bare key `k`
//!   gives a present, empty span just after the key flagged
//!   [`LOG_FLAG_BARE_KEY`]. So "key missing" (absent), "key without value"
//!   (flag) and "empty value" (no flag) are three different answers;
//!   go-logfmt returns a nil value for all but the first, which is what you
//!   get by treating every empty span as nil;
//! - duplicate keys: in a projection the last occurrence wins and its span
//!   is flagged [`LOG_FLAG_DUPLICATE`] (the JSON rule); enumerate mode
//!   reports every pair as written and does not flag duplicates;
//! - the whole line is validated: on any error every field is absent. An
//!   empty line is [`Error::EmptyLine`]; a line of separators only is a
//!   record with no pairs (0 fields present). A trailing `\n` or `\r\n` is
//!   ignored; a line longer than [`crate::LOG_MAX_LINE_LEN`] is
//!   [`Error::LineTooLong`].
//!
//! Cost: one pass over the line. On x86_64 and aarch64 the line is first
//! classified 64 bytes at a time with vector instructions and the pairs
//! are then found with `trailing_zeros` on the masks
//! ([`logfmt_fast`](super::logfmt_fast)); elsewhere, and for lines of 4 KiB
//! or more, the scalar parser below runs (8 bytes at a time through keys
//! and values). In a projection each key is then looked up once: a key of
//! at most 8 bytes as one word in a collision-free table, a longer one by
//! a hash and a probe of an open-addressing table, both built with the
//! parser.

use crate::error::{Error, SpecError};
use crate::formats::json::{enumerate_names, enumerate_pairs};
use crate::span::*;

pub use crate::span::LOG_FLAG_BARE_KEY;

const NO_KEY: u32 = u32::MAX;

/// A compiled `logfmt:` spec.
#[derive(Clone, Debug)]
pub(crate) struct LogfmtSpec {
    /// Fields every parse writes.
    pub(crate) fields: usize,
    /// Enumerate mode (`*N`): the most pairs a line may have; 0 for a
    /// projection.
    pub(crate) enumerate: u32,
    /// Projected keys, in field order.
    keys: Vec<Box<[u8]>>,
    /// Open-addressing hash table of `keys` (indexes, `NO_KEY` = empty
    /// slot); its length is a power of two, at least twice the key count.
    table: Box<[u32]>,
    /// `64 - log2(table.len())`: the hash's top bits pick the slot.
    shift: u32,
    min_len: usize,
    max_len: usize,
    /// The projected keys of at most 8 bytes, as little-endian words
    /// (zero-padded: a key holds no zero byte, so the word alone tells
    /// keys apart), in an open-addressing table for the SIMD walker
    /// ([`super::logfmt_fast`]); see [`ShortKeys`].
    pub(crate) short: ShortKeys,
}

/// An open-addressing table of the projected keys that fit in a `u64`:
/// slot `(w * mul) >> shift`, linear probing, a zero word is an empty
/// slot. At most an eighth full, and the multiplier is chosen at compile
/// time so that, when it can, no two keys share a slot (then a lookup is
/// one probe, hit or miss).
#[derive(Clone, Debug)]
pub(crate) struct ShortKeys {
    pub(crate) mul: u64,
    pub(crate) shift: u32,
    /// No two keys share a slot: a key is in its first slot or absent.
    pub(crate) perfect: bool,
    /// `(word, field)`; word 0 = empty.
    pub(crate) slots: Box<[(u64, u32)]>,
}

impl ShortKeys {
    pub(crate) fn new(keys: &[Box<[u8]>]) -> ShortKeys {
        let short: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.len() <= 8)
            .map(|(f, k)| (short_word(k), f as u32))
            .collect();
        let size = (8 * short.len()).next_power_of_two().max(32);
        let shift = 64 - size.trailing_zeros();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut best: Option<(usize, u64)> = None;
        for _ in 0..64 {
            // splitmix64 step: a fresh odd multiplier.
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let mul = (z ^ (z >> 31)) | 1;
            let mut used = vec![false; size];
            let mut collisions = 0;
            for &(w, _) in &short {
                let s = (w.wrapping_mul(mul) >> shift) as usize;
                collisions += used[s] as usize;
                used[s] = true;
            }
            if best.is_none_or(|(c, _)| collisions < c) {
                best = Some((collisions, mul));
            }
            if collisions == 0 {
                break;
            }
        }
        let mul = best.map_or(1, |(_, m)| m);
        let mut slots = vec![(0u64, 0u32); size].into_boxed_slice();
        for &(w, f) in &short {
            let mut s = (w.wrapping_mul(mul) >> shift) as usize;
            while slots[s].0 != 0 {
                s = (s + 1) & (size - 1);
            }
            slots[s] = (w, f);
        }
        ShortKeys {
            mul,
            shift,
            perfect: best.is_some_and(|(c, _)| c == 0),
            slots,
        }
    }

    /// The field of the key whose word is `w` (a key of 1 to 8 bytes).
    #[inline(always)]
    pub(crate) fn get(&self, w: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut s = (w.wrapping_mul(self.mul) >> self.shift) as usize;
        let (k, f) = self.slots[s & mask];
        if k == w {
            return Some(f as usize);
        }
        if self.perfect || k == 0 {
            return None;
        }
        loop {
            s += 1;
            let (k, f) = self.slots[s & mask];
            if k == w {
                return Some(f as usize);
            }
            if k == 0 {
                return None;
            }
        }
    }
}

/// A key of 1 to 8 bytes as a little-endian word, zero-padded.
pub(crate) fn short_word(k: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..k.len()].copy_from_slice(k);
    u64::from_le_bytes(w)
}

/// Compile the argument of `logfmt:` (`base` = its byte position in the
/// whole spec). Returns the spec and the field names in output order.
pub(crate) fn compile(arg: &str, base: usize) -> Result<(LogfmtSpec, Vec<String>), SpecError> {
    let lead = arg.len() - arg.trim_start_matches(is_spec_space).len();
    let trimmed = arg.trim_matches(is_spec_space);
    if trimmed.is_empty() {
        return Err(SpecError {
            pos: if arg.is_empty() {
                base.saturating_sub(1)
            } else {
                base + lead
            },
            msg: "`logfmt` needs the keys to extract, e.g. `logfmt:level,msg,status`, \
                  or `logfmt:*` for every pair (`logfmt:*N`: at most N pairs, default 64)"
                .into(),
        });
    }
    if trimmed.starts_with('*') {
        if let Some(k) = trimmed.find(',') {
            return Err(star_with_keys(base + lead + k));
        }
        let pairs = enumerate_pairs(trimmed, base + lead)?.expect("starts with `*`");
        let spec = LogfmtSpec {
            fields: 2 * pairs as usize,
            enumerate: pairs,
            keys: Vec::new(),
            table: Box::new([]),
            shift: 0,
            min_len: 0,
            max_len: 0,
            short: ShortKeys::new(&[]),
        };
        return Ok((spec, enumerate_names(pairs)));
    }

    let bytes = arg.as_bytes();
    let mut keys: Vec<Box<[u8]>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut start = 0;
    loop {
        // This item ends at an unescaped ',' or at the end.
        let mut end = start;
        while end < bytes.len() && bytes[end] != b',' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        let raw = &arg[start..end];
        let item_lead = raw.len() - raw.trim_start_matches(is_spec_space).len();
        let text = raw.trim_matches(is_spec_space);
        let pos = base + start + item_lead;
        if text.is_empty() {
            return Err(SpecError {
                pos,
                msg: "empty key (expected a logfmt key such as `level` or `user.id`)".into(),
            });
        }
        if text.starts_with('*') {
            return Err(star_with_keys(pos));
        }
        let key = unescape_spec_key(text, pos)?;
        if let Some(k) = key
            .iter()
            .position(|&c| c <= b' ' || c == b'=' || c == b'"')
        {
            return Err(SpecError {
                pos,
                msg: format!(
                    "`{text}` can never match: a logfmt key holds no whitespace, control \
                     character, `=` or `\"` (byte {k} of the key)"
                ),
            });
        }
        let name = String::from_utf8(key).expect("a str minus ASCII escapes is UTF-8");
        if name.contains('\u{FFFD}') {
            return Err(SpecError {
                pos,
                msg: format!(
                    "`{text}` can never match: a key holding U+FFFD is an invalid key \
                     (as in go-logfmt)"
                ),
            });
        }
        if names.contains(&name) {
            return Err(SpecError {
                pos,
                msg: format!("key `{name}` is listed twice"),
            });
        }
        keys.push(name.as_bytes().into());
        names.push(name);
        if end >= bytes.len() {
            break;
        }
        start = end + 1;
    }
    if names.len() > crate::LOG_MAX_FIELDS {
        return Err(SpecError {
            pos: base,
            msg: format!(
                "{} fields; a spec may have at most {}",
                names.len(),
                crate::LOG_MAX_FIELDS
            ),
        });
    }

    let slots = (2 * keys.len()).next_power_of_two().max(2);
    let shift = 64 - slots.trailing_zeros();
    let mut table = vec![NO_KEY; slots].into_boxed_slice();
    for (k, key) in keys.iter().enumerate() {
        let mut s = (key_hash(key) >> shift) as usize;
        while table[s] != NO_KEY {
            s = (s + 1) & (slots - 1);
        }
        table[s] = k as u32;
    }
    let spec = LogfmtSpec {
        fields: keys.len(),
        enumerate: 0,
        min_len: keys.iter().map(|k| k.len()).min().unwrap_or(0),
        max_len: keys.iter().map(|k| k.len()).max().unwrap_or(0),
        short: ShortKeys::new(&keys),
        keys,
        table,
        shift,
    };
    Ok((spec, names))
}

fn is_spec_space(c: char) -> bool {
    c.is_ascii_whitespace()
}

fn star_with_keys(pos: usize) -> SpecError {
    SpecError {
        pos,
        msg: "`*` (every pair) cannot be combined with named keys; write `\\*` for a key \
              named `*`"
            .into(),
    }
}

/// Remove the spec escapes `\,` `\\` `\*` from one trimmed key.
fn unescape_spec_key(text: &str, pos: usize) -> Result<Vec<u8>, SpecError> {
    let t = text.as_bytes();
    let mut key = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        if t[i] != b'\\' {
            key.push(t[i]);
            i += 1;
            continue;
        }
        match t.get(i + 1) {
            Some(&c @ (b',' | b'\\' | b'*')) => {
                key.push(c);
                i += 2;
            }
            Some(_) => {
                return Err(SpecError {
                    pos: pos + i,
                    msg: "in a logfmt key list `\\` escapes only `,`, `\\` and `*` \
                          (write `\\\\` for a backslash)"
                        .into(),
                })
            }
            None => {
                return Err(SpecError {
                    pos: pos + i,
                    msg: "`\\` at the end of a key escapes nothing".into(),
                })
            }
        }
    }
    Ok(key)
}

/// A hash of a whole key, 8 bytes at a time (a key is a few words at
/// most in practice); a full comparison confirms a hit.
#[inline(always)]
fn key_hash(k: &[u8]) -> u64 {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(M).rotate_left(23);
    let n = k.len();
    let mut h = (n as u64).wrapping_mul(M);
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            h = mix(h, load8(&k[i..]));
            i += 8;
        }
        // The last 8 bytes, overlapping the previous word if need be.
        h = mix(h, load8(&k[n - 8..]));
    } else if n >= 4 {
        h = mix(h, load4(k) | load4(&k[n - 4..]) << 32);
    } else if n > 0 {
        h = mix(
            h,
            k[0] as u64 | (k[n / 2] as u64) << 8 | (k[n - 1] as u64) << 16,
        );
    }
    (h ^ (h >> 29)).wrapping_mul(M)
}

#[inline(always)]
fn load8(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().unwrap())
}

#[inline(always)]
fn load4(b: &[u8]) -> u64 {
    u32::from_le_bytes(b[..4].try_into().unwrap()) as u64
}

impl LogfmtSpec {
    /// The field index of `key`, if it is projected.
    #[inline(always)]
    pub(crate) fn lookup(&self, key: &[u8]) -> Option<usize> {
        if key.len() < self.min_len || key.len() > self.max_len {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut s = (key_hash(key) >> self.shift) as usize;
        loop {
            let k = self.table[s];
            if k == NO_KEY {
                return None;
            }
            if *self.keys[k as usize] == *key {
                return Some(k as usize);
            }
            s = (s + 1) & mask;
        }
    }
}

/// Parse one line into `out[..field_count]`; returns the present count.
/// On error every field is absent. Runs the SIMD walker
/// ([`super::logfmt_fast`]) at the detected level, this file's scalar
/// parser ([`parse_reference`]) where there is no vector level.
#[inline]
pub(crate) fn parse(line: &[u8], spec: &LogfmtSpec, out: &mut [Span]) -> Result<usize, Error> {
    super::logfmt_fast::parse(line, spec, out)
}

/// The scalar parser: the reference the SIMD walker is tested against,
/// and what it falls back to (no vector level, very long lines, and to
/// report an error).
pub(crate) fn parse_reference(
    line: &[u8],
    spec: &LogfmtSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..spec.fields];
    let line = crate::strip_eol(line);
    let result = if line.len() > crate::LOG_MAX_LINE_LEN {
        Err(Error::LineTooLong)
    } else if line.is_empty() {
        Err(Error::EmptyLine)
    } else if spec.enumerate != 0 {
        let max = spec.enumerate as usize;
        let mut pairs = 0usize;
        walk(line, |ks, ke, value| {
            if pairs < max {
                out[2 * pairs] = Span::new(ks, ke, 0);
                out[2 * pairs + 1] = value;
            }
            pairs = pairs.saturating_add(1);
        })
        .and_then(|()| {
            if pairs > max {
                Err(Error::TooManyFields)
            } else {
                out[2 * pairs..].fill(Span::ABSENT);
                Ok(2 * pairs)
            }
        })
    } else {
        out.fill(Span::ABSENT);
        let mut present = 0usize;
        walk(line, |ks, ke, value| {
            if let Some(f) = spec.lookup(&line[ks..ke]) {
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
    if result.is_err() {
        out.fill(Span::ABSENT);
    }
    result
}

/// Walk every pair of a (non-empty, EOL-stripped) line, calling
/// `pair(key_start, key_end, value_span)` for each, in order.
#[inline(always)]
fn walk(b: &[u8], mut pair: impl FnMut(usize, usize, Span)) -> Result<(), Error> {
    let n = b.len();
    let mut i = 0;
    loop {
        while i < n && b[i] <= b' ' {
            i += 1;
        }
        if i == n {
            return Ok(());
        }
        let ks = i;
        i = scan_token(b, i);
        let ke = i;
        if ke == ks {
            // A key cannot start with `=` or `"`.
            return Err(Error::LogfmtSyntax);
        }
        check_key(&b[ks..ke])?;
        let value = match b.get(i) {
            Some(b'=') => {
                i += 1;
                match b.get(i) {
                    None => Span::new(i, i, 0),
                    Some(&c) if c <= b' ' => Span::new(i, i, 0),
                    Some(b'"') => {
                        let (end, escaped) = scan_quoted(b, i + 1)?;
                        let flags = if escaped { LOG_FLAG_ESCAPED } else { 0 };
                        let v = Span::new(i + 1, end, flags);
                        i = end + 1;
                        v
                    }
                    Some(_) => {
                        let vs = i;
                        i = scan_token(b, i);
                        if i < n && b[i] > b' ' {
                            // `=` or `"` inside (or at the start of) a value.
                            return Err(Error::LogfmtSyntax);
                        }
                        Span::new(vs, i, 0)
                    }
                }
            }
            Some(b'"') => return Err(Error::LogfmtSyntax),
            _ => Span::new(ke, ke, LOG_FLAG_BARE_KEY),
        };
        pair(ks, ke, value);
    }
}

/// Keys with non-ASCII bytes must be UTF-8 without U+FFFD (go-logfmt's
/// "invalid key").
#[inline(always)]
pub(crate) fn check_key(key: &[u8]) -> Result<(), Error> {
    if key.is_ascii() {
        return Ok(());
    }
    match std::str::from_utf8(key) {
        Ok(s) if !s.contains('\u{FFFD}') => Ok(()),
        _ => Err(Error::LogfmtSyntax),
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that is zero (exact for the lowest
/// such byte, which is all the scans use).
#[inline(always)]
fn has_zero(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Bytes that end a key or an unquoted value: `<= 0x20`, `=`, `"`.
#[inline(always)]
fn token_special(w: u64) -> u64 {
    let sep = w.wrapping_sub(ONES * 0x21) & !w & HIGH;
    sep | has_zero(w ^ (ONES * b'=' as u64)) | has_zero(w ^ (ONES * b'"' as u64))
}

#[inline(always)]
fn is_token_byte(c: u8) -> bool {
    c > b' ' && c != b'=' && c != b'"'
}

/// The index of the first byte at or after `i` that ends a token, or
/// `b.len()`.
#[inline(always)]
fn scan_token(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    while i + 8 <= n {
        let m = token_special(load8(&b[i..]));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && is_token_byte(b[i]) {
        i += 1;
    }
    i
}

/// Bytes that interrupt a quoted value: `"`, `\`, controls.
#[inline(always)]
fn quoted_special(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | has_zero(w ^ (ONES * b'"' as u64)) | has_zero(w ^ (ONES * b'\\' as u64))
}

#[inline(always)]
fn is_quoted_plain(c: u8) -> bool {
    c >= 0x20 && c != b'"' && c != b'\\'
}

/// Scan a quoted value whose opening quote is at `i - 1`; returns the
/// index of the closing quote and whether the value holds escapes.
#[inline]
fn scan_quoted(b: &[u8], mut i: usize) -> Result<(usize, bool), Error> {
    let n = b.len();
    let mut escaped = false;
    loop {
        while i + 8 <= n {
            let m = quoted_special(load8(&b[i..]));
            if m != 0 {
                i += (m.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < n && is_quoted_plain(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return Err(Error::LogfmtUnterminatedQuote),
            Some(b'"') => return Ok((i, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape_end(b, i)?;
            }
            Some(_) => return Err(Error::LogfmtBadEscape), // a raw control byte
        }
    }
}

/// Validate the escape at `b[i] == '\\'`; returns the index after it. The
/// line ending inside it is an unterminated quote.
#[inline]
pub(crate) fn escape_end(b: &[u8], i: usize) -> Result<usize, Error> {
    let digits = |count: usize, ok: fn(&u8) -> bool| -> Result<usize, Error> {
        for k in i + 2..i + 2 + count {
            match b.get(k) {
                None => return Err(Error::LogfmtUnterminatedQuote),
                Some(c) if ok(c) => {}
                Some(_) => return Err(Error::LogfmtBadEscape),
            }
        }
        Ok(i + 2 + count)
    };
    match b.get(i + 1) {
        None => Err(Error::LogfmtUnterminatedQuote),
        Some(b'"' | b'\\' | b'/' | b'\'' | b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v') => {
            Ok(i + 2)
        }
        Some(b'x') => digits(2, u8::is_ascii_hexdigit),
        Some(b'u') => digits(4, u8::is_ascii_hexdigit),
        Some(b'U') => {
            let end = digits(8, u8::is_ascii_hexdigit)?;
            let cp = b[i + 2..end].iter().fold(0u32, |acc, &c| {
                acc << 4 | (c as char).to_digit(16).unwrap_or(0)
            });
            if char::from_u32(cp).is_some() {
                Ok(end)
            } else {
                Err(Error::LogfmtBadEscape)
            }
        }
        // Octal `\ooo`: three digits, at most `\377`.
        Some(b'0'..=b'3') => {
            let end = digits(2, |c| (b'0'..=b'7').contains(c))?;
            Ok(end)
        }
        Some(_) => Err(Error::LogfmtBadEscape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Fields = Vec<Option<(String, u32)>>;

    fn run(spec: &str, line: &[u8]) -> Result<Fields, Error> {
        let (spec, names) = compile(spec, 0).unwrap();
        assert_eq!(names.len(), spec.fields);
        // Garbage in `out` (and one slot past the fields) to catch stale
        // spans and writes out of range.
        let mut out = vec![Span::new(0, 0, 99); spec.fields + 1];
        let r = parse(line, &spec, &mut out);
        assert_eq!(out[spec.fields], Span::new(0, 0, 99));
        let out = &out[..spec.fields];
        if r.is_err() {
            assert!(out.iter().all(|s| *s == Span::ABSENT), "{line:?}");
        }
        let n = r?;
        assert_eq!(n, out.iter().filter(|s| s.is_present()).count());
        Ok(out
            .iter()
            .map(|s| {
                s.get(line)
                    .map(|b| (String::from_utf8_lossy(b).into_owned(), s.flags))
            })
            .collect())
    }

    fn v(s: &str, flags: u32) -> Option<(String, u32)> {
        Some((s.to_string(), flags))
    }

    fn err(spec: &str, line: &[u8]) -> Error {
        run(spec, line).expect_err(&String::from_utf8_lossy(line))
    }

    #[test]
    fn projects_values() {
        let line = r#"time=2024-01-02T03:04:05Z level=info msg="hello \"you\"" status=200 path=C:\tmp debug empty= q="" user.id=7 ƒ=2h3s"#;
        let line = line.as_bytes();
        let got = run(
            "level, msg ,status,path,debug,empty,q,user.id,ƒ,missing,time",
            line,
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                v("info", 0),
                v(r#"hello \"you\""#, LOG_FLAG_ESCAPED),
                v("200", 0),
                v(r"C:\tmp", 0),
                v("", LOG_FLAG_BARE_KEY),
                v("", 0),
                v("", 0),
                v("7", 0),
                v("2h3s", 0),
                None,
                v("2024-01-02T03:04:05Z", 0),
            ]
        );
    }

    #[test]
    fn bare_key_empty_value_and_missing_are_distinct() {
        let (spec, _) = compile("a,b,c,d,e", 0).unwrap();
        let line = b"a b= c=\"\" e";
        let mut out = [Span::ABSENT; 5];
        assert_eq!(parse(line, &spec, &mut out), Ok(4));
        // Bare `a`: empty, just after the key, flagged.
        assert_eq!(out[0], Span::new(1, 1, LOG_FLAG_BARE_KEY));
        // `b=`: empty, just after the `=`.
        assert_eq!(out[1], Span::new(4, 4, 0));
        // `c=""`: empty, just after the opening quote.
        assert_eq!(out[2], Span::new(8, 8, 0));
        assert_eq!(out[3], Span::ABSENT);
        // A bare key at the very end of the line.
        assert_eq!(out[4], Span::new(11, 11, LOG_FLAG_BARE_KEY));
        assert_eq!(out[4].get(line), Some(&b""[..]));
    }

    #[test]
    fn enumerate_lists_every_pair() {
        let line = b"a=1 b=\"x y\" a c= d ff=\"\\n\"\r\n";
        let got = run("*", line).unwrap();
        assert_eq!(got.len(), 128);
        assert_eq!(
            got[..12].to_vec(),
            vec![
                v("a", 0),
                v("1", 0),
                v("b", 0),
                v("x y", 0),
                v("a", 0),
                v("", LOG_FLAG_BARE_KEY),
                v("c", 0),
                v("", 0),
                v("d", 0),
                v("", LOG_FLAG_BARE_KEY),
                v("ff", 0),
                v("\\n", LOG_FLAG_ESCAPED),
            ]
        );
        assert!(got[12..].iter().all(Option::is_none));
        let (_, names) = compile("*2", 0).unwrap();
        assert_eq!(names, ["key0", "value0", "key1", "value1"]);
    }

    #[test]
    fn enumerate_never_truncates() {
        assert_eq!(run("*2", b"a=1 b=2").unwrap().len(), 4);
        assert_eq!(err("*2", b"a=1 b=2 c"), Error::TooManyFields);
        assert_eq!(err("*1", b"a b c d e f"), Error::TooManyFields);
        // A syntax error anywhere in the line takes precedence.
        assert_eq!(err("*1", b"a=1 b=2 c=\"x"), Error::LogfmtUnterminatedQuote);
        // Fewer pairs than before in the same buffer: the tail is cleared.
        let (spec, _) = compile("*4", 0).unwrap();
        let mut out = [Span::ABSENT; 8];
        assert_eq!(parse(b"a=1 b=2 c=3 d=4", &spec, &mut out), Ok(8));
        assert_eq!(parse(b"z=9", &spec, &mut out), Ok(2));
        assert!(out[2..].iter().all(|s| *s == Span::ABSENT));
        let many = "k=v ".repeat(2048);
        assert_eq!(run("*2048", many.as_bytes()).unwrap().len(), 4096);
        assert_eq!(
            err("*2047", many.as_bytes()),
            Error::TooManyFields,
            "2048 pairs"
        );
    }

    #[test]
    fn duplicates_last_wins() {
        let got = run("a,b", b"a=1 b=2 a=3 a=\"4\\t\"").unwrap();
        assert_eq!(
            got,
            vec![v("4\\t", LOG_FLAG_ESCAPED | LOG_FLAG_DUPLICATE), v("2", 0)]
        );
        let got = run("a", b"a=1 a").unwrap();
        assert_eq!(got, vec![v("", LOG_FLAG_BARE_KEY | LOG_FLAG_DUPLICATE)]);
    }

    #[test]
    fn separators_and_eol() {
        let want = vec![v("1", 0), v("2", 0)];
        for line in [
            &b"a=1 b=2"[..],
            b"  a=1   b=2  ",
            b"a=1\tb=2",
            b"\x1e a=1\x1fb=2\x00",
            b"a=1 b=2\n",
            b"a=1 b=2\r\n",
            b"a=1 b=2\r",
            b"\ta=1\x0bb=2\x0c",
        ] {
            assert_eq!(run("a,b", line).unwrap(), want, "{line:?}");
        }
        // A quoted value may be glued to the next key (go-logfmt).
        assert_eq!(
            run("*", b"y=\"f\\n\"y=g").unwrap()[..4].to_vec(),
            vec![v("y", 0), v("f\\n", LOG_FLAG_ESCAPED), v("y", 0), v("g", 0)]
        );
        assert_eq!(err("a", b""), Error::EmptyLine);
        assert_eq!(err("a", b"\n"), Error::EmptyLine);
        assert_eq!(err("*", b"\r\n"), Error::EmptyLine);
        // Separators only: a record with no pairs.
        assert_eq!(run("a", b"   ").unwrap(), vec![None]);
        assert_eq!(run("*1", b" \t\x1e").unwrap(), vec![None, None]);
    }

    #[test]
    fn syntax_errors() {
        for line in [
            &b"=bar"[..],
            b"a=1 =bar",
            b"\"k\"=bar",
            b"k\"ey=bar",
            b"k=b\"ar",
            b"k=b =ar",
            b"a==",
            b"k=b=ar",
            b"a=\"x\"=b",
            b"a=\"x\"\"y\"",
            b"a b\"",
            "a\u{FFFD}=bar".as_bytes(),
            b"\x80=bar",
            b"\x80",
            b"k\xff\xfe",
            b"x=1 \xed\xa0\x80=1", // an encoded surrogate is not UTF-8
            b"\xc0\xaf=1",         // an overlong form either
        ] {
            assert_eq!(err("*", line), Error::LogfmtSyntax, "{line:?}");
            assert_eq!(err("k", line), Error::LogfmtSyntax, "{line:?}");
        }
        // Non-ASCII keys and values are fine; values are not UTF-8-checked.
        assert_eq!(
            run("héllo,日本", "héllo=wörld 日本=\u{FFFD}".as_bytes()).unwrap(),
            vec![v("wörld", 0), v("\u{FFFD}", 0)]
        );
        assert_eq!(run("k", b"k=\xff\xfe").unwrap().len(), 1);
        assert_eq!(run("k", b"k=\"\xff\\\"\"").unwrap().len(), 1);
        // `'` is an ordinary byte (go-logfmt has no single quotes).
        assert_eq!(run("it's", b"it's='a'").unwrap(), vec![v("'a'", 0)]);
        // DEL and backslashes are key bytes.
        assert_eq!(run("a\\\\b\x7f", b"a\\b\x7f=1").unwrap(), vec![v("1", 0)]);
    }

    #[test]
    fn quoted_values_and_escapes() {
        let ok: &[&[u8]] = &[
            br#"k="""#,
            br#"k="a b=c""#,
            br#"k="\"\\\/\'\a\b\f\n\r\t\v""#,
            br#"k="\x1b[31m""#,
            br#"k="\u00e9\ud83d\ude00\ud800""#,
            br#"k="\U0001F600\U0010FFFF""#,
            br#"k="\000\377\033""#,
            "k=\"é 日本 \u{7f}\"".as_bytes(),
        ];
        for line in ok {
            let got = run("k", line).unwrap();
            let raw = &line[3..line.len() - 1];
            let esc = if raw.contains(&b'\\') {
                LOG_FLAG_ESCAPED
            } else {
                0
            };
            assert_eq!(got, vec![v(&String::from_utf8_lossy(raw), esc)], "{line:?}");
        }
        let bad: &[(&[u8], Error)] = &[
            (br#"k="\q""#, Error::LogfmtBadEscape),
            (br#"k="\u1""#, Error::LogfmtBadEscape),
            (br#"k="\u12G4""#, Error::LogfmtBadEscape),
            (br#"k="\x1""#, Error::LogfmtBadEscape),
            (br#"k="\U00110000""#, Error::LogfmtBadEscape),
            (br#"k="\U0000D800""#, Error::LogfmtBadEscape),
            (br#"k="\400""#, Error::LogfmtBadEscape),
            (br#"k="\08""#, Error::LogfmtBadEscape),
            (br#"k="\ ""#, Error::LogfmtBadEscape),
            (b"k=\"a\tb\"", Error::LogfmtBadEscape),
            (b"k=\"a\x00b\"", Error::LogfmtBadEscape),
            (b"k=\"a\x1bb\"", Error::LogfmtBadEscape),
            (b"k=\"\\t\x01\"", Error::LogfmtBadEscape),
            (br#"k=""#, Error::LogfmtUnterminatedQuote),
            (br#"k="1"#, Error::LogfmtUnterminatedQuote),
            (br#"k="1\"#, Error::LogfmtUnterminatedQuote),
            (br#"k="\t1"#, Error::LogfmtUnterminatedQuote),
            (br#"k="1\""#, Error::LogfmtUnterminatedQuote),
            (br#"k="\u12"#, Error::LogfmtUnterminatedQuote),
            (br#"k="\U0001F6"#, Error::LogfmtUnterminatedQuote),
            (br#"k="\03"#, Error::LogfmtUnterminatedQuote),
            (b"k=\"abc\n", Error::LogfmtUnterminatedQuote),
        ];
        for (line, want) in bad {
            assert_eq!(err("k", line), *want, "{line:?}");
            assert_eq!(err("*", line), *want, "{line:?}");
        }
    }

    #[test]
    fn every_truncation_inside_quotes_is_unterminated() {
        let line = br#"a=1 msg="x \"y\" \u00e9\U0001F600\x41\101 zzzzzzzzzzzzzzz" b=2"#;
        assert!(run("*", line).is_ok());
        let open = 8;
        let close = line.len() - 5;
        for cut in open + 1..=close {
            assert_eq!(
                err("*", &line[..cut]),
                Error::LogfmtUnterminatedQuote,
                "cut {cut}"
            );
        }
    }

    #[test]
    fn values_across_word_boundaries() {
        // Exercise the 8-byte scans at every alignment and length.
        for pad in 0..9 {
            for len in 0..40 {
                let val = "v".repeat(len);
                let line = format!("{}k={val} q=\"{val}\" z", " ".repeat(pad));
                let want_v = if len == 0 { v("", 0) } else { v(&val, 0) };
                assert_eq!(
                    run("k,q,z", line.as_bytes()).unwrap(),
                    vec![want_v, v(&val, 0), v("", LOG_FLAG_BARE_KEY)],
                    "{line:?}"
                );
                let bad = format!("{}k={val}=", " ".repeat(pad));
                assert_eq!(err("k", bad.as_bytes()), Error::LogfmtSyntax);
                let bad = format!("k=\"{val}\x01{val}\"");
                assert_eq!(err("k", bad.as_bytes()), Error::LogfmtBadEscape);
            }
        }
    }

    #[test]
    fn many_keys_hash_lookup() {
        let keys: Vec<String> = (0..300).map(|k| format!("key.{k}.x")).collect();
        let spec = keys.join(",");
        let line: String = keys
            .iter()
            .enumerate()
            .rev()
            .map(|(k, key)| format!("{key}={k} "))
            .collect();
        let got = run(&spec, line.as_bytes()).unwrap();
        for (k, g) in got.iter().enumerate() {
            assert_eq!(*g, v(&k.to_string(), 0));
        }
        // Many keys that differ only in the middle: all found, and the
        // table does not degrade into one probe cluster.
        let keys: Vec<String> = (0..1000)
            .map(|k| format!("aaaaaaaa{k:04}aaaaaaaa"))
            .collect();
        let (spec, _) = compile(&keys.join(","), 0).unwrap();
        let mut longest = 0;
        let mut cluster = 0;
        for s in spec.table.iter().chain(spec.table.iter()) {
            cluster = if *s == NO_KEY { 0 } else { cluster + 1 };
            longest = longest.max(cluster);
        }
        assert!(longest < 40, "probe cluster of {longest}");
        for (k, key) in keys.iter().enumerate() {
            assert_eq!(spec.lookup(key.as_bytes()), Some(k));
        }
        assert_eq!(spec.lookup(b"aaaaaaaa1000aaaaaaaa"), None);
        // Keys sharing a prefix and suffix, different lengths, near misses.
        let got = run(
            "a,ab,abc,aaaaaaaa1aaaaaaaa,aaaaaaaa2aaaaaaaa",
            b"abcd=0 aaaaaaaa2aaaaaaaa=2 a=x ab=y abc=z b=q aaaaaaaa3aaaaaaaa=3",
        )
        .unwrap();
        assert_eq!(got, vec![v("x", 0), v("y", 0), v("z", 0), None, v("2", 0)]);
    }

    #[test]
    fn spec_grammar() {
        let (_, names) = compile(r"a\,b, \\x ,\*,c\*", 7).unwrap();
        assert_eq!(names, ["a,b", "\\x", "*", "c*"]);
        assert_eq!(
            run(r"a\,b,\\x,\*", b"a,b=1 \\x=2 *=3").unwrap(),
            vec![v("1", 0), v("2", 0), v("3", 0)]
        );
        let (s, names) = compile(" *7 ", 7).unwrap();
        assert_eq!((s.fields, names.len()), (14, 14));
        for (spec, pos) in [
            ("", 6),
            ("  ", 9),
            ("a,,b", 9),
            ("a, ,b", 10),
            ("a,a", 9),
            ("a, a", 10),
            (r"a\,b,a\,b", 12),
            ("*,a", 8),
            (" * , a", 10),
            ("a,*", 9),
            ("a,*3", 9),
            ("*0", 8),
            ("*2049", 8),
            ("*x", 8),
            ("a b", 7),
            ("a=b", 7),
            ("a\"", 7),
            ("x,\u{FFFD}", 9),
            (r"a\q", 8),
            (r"ab\", 9),
        ] {
            let e = compile(spec, 7).unwrap_err();
            assert_eq!(e.pos, pos, "{spec:?}: {e}");
        }
        let many: Vec<String> = (0..=crate::LOG_MAX_FIELDS).map(|k| k.to_string()).collect();
        assert!(compile(&many.join(","), 0).is_err());
        let max: Vec<String> = (0..crate::LOG_MAX_FIELDS).map(|k| k.to_string()).collect();
        assert!(compile(&max.join(","), 0).is_ok());
    }

    #[test]
    fn through_the_parser() {
        use crate::Parser;
        let e = Parser::new("logfmt").unwrap_err();
        assert!(e.msg.contains("logfmt:*"), "{e}");
        assert_eq!(e.pos, 6);
        assert_eq!(Parser::new("logfmt:").unwrap_err().pos, 6);
        let p = Parser::new("logfmt:level,msg").unwrap();
        assert_eq!(p.field_index("msg"), Some(1));
        let mut out = [Span::ABSENT; 2];
        assert_eq!(p.parse(b"level=warn msg=\"disk full\"\n", &mut out), Ok(2));
        assert_eq!(out[1], Span::new(16, 25, 0));
        let p = Parser::new("logfmt:*3").unwrap();
        assert_eq!(p.field_count(), 6);
        assert_eq!(p.field_name(5), Some("value2"));
    }

    #[test]
    fn swar_masks_match_bytewise() {
        for c in 0u8..=255 {
            for pos in 0..8 {
                let mut w = [b'a'; 8];
                w[pos] = c;
                let word = u64::from_le_bytes(w);
                let m = token_special(word);
                if is_token_byte(c) {
                    assert_eq!(m, 0, "token byte {c:#x}");
                } else {
                    assert_eq!(m.trailing_zeros() / 8, pos as u32, "token byte {c:#x}");
                }
                let m = quoted_special(word);
                if is_quoted_plain(c) {
                    assert_eq!(m, 0, "quoted byte {c:#x}");
                } else {
                    assert_eq!(m.trailing_zeros() / 8, pos as u32, "quoted byte {c:#x}");
                }
            }
        }
        // The lowest flagged byte is exact even after special bytes that
        // borrow into the next ones.
        let w = u64::from_le_bytes(*b"ab\x00\x00=\"cd");
        assert_eq!(token_special(w).trailing_zeros() / 8, 2);
        assert_eq!(quoted_special(w).trailing_zeros() / 8, 2);
    }
}
