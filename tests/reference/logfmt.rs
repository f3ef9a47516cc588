//! A naive reference implementation of the logfmt line rules in
//! `src/formats/logfmt.rs`, written from the rules at the top of that file
//! as plainly as possible (one byte at a time, no SWAR, no shared code), so
//! that the fast parser can be checked against it (proptest, fuzzing).
//!
//! `pairs` returns every pair of the line in order as `(key_start,
//! key_end, value)` with `value = (start, end, escaped, bare_key)`, or the
//! first error of the line, as the `LOG_ERR_*` code.
#![allow(dead_code)]

/// `(start, end, escaped, bare_key)` of a value.
pub type Value = (usize, usize, bool, bool);
/// `(key_start, key_end, value)`.
pub type Pair = (usize, usize, Value);

pub const EMPTY_LINE: i32 = -1010;
pub const SYNTAX: i32 = -1301;
pub const UNTERMINATED: i32 = -1302;
pub const BAD_ESCAPE: i32 = -1303;

fn strip_eol(line: &[u8]) -> &[u8] {
    if line.ends_with(b"\r\n") {
        &line[..line.len() - 2]
    } else if line.ends_with(b"\n") {
        &line[..line.len() - 1]
    } else {
        line
    }
}

fn is_sep(c: u8) -> bool {
    c <= 0x20
}

fn is_key_byte(c: u8) -> bool {
    !is_sep(c) && c != b'=' && c != b'"'
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c) || (b'A'..=b'F').contains(&c)
}

fn hex_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'f' => (c - b'a' + 10) as u32,
        _ => (c - b'A' + 10) as u32,
    }
}

/// The key is ASCII, or UTF-8 without U+FFFD.
fn key_ok(key: &[u8]) -> bool {
    if key.iter().all(|&c| c < 0x80) {
        return true;
    }
    match std::str::from_utf8(key) {
        Ok(s) => !s.chars().any(|c| c == '\u{FFFD}'),
        Err(_) => false,
    }
}

/// Validate the escape whose backslash is at `b[i]`; returns the index
/// just after it.
fn escape(b: &[u8], i: usize) -> Result<usize, i32> {
    if i + 1 >= b.len() {
        return Err(UNTERMINATED);
    }
    let c = b[i + 1];
    let simple = b"\"\\/'abfnrtv";
    if simple.contains(&c) {
        return Ok(i + 2);
    }
    // (count of digits, digit test)
    let (count, test): (usize, fn(u8) -> bool) = match c {
        b'x' => (2, is_hex),
        b'u' => (4, is_hex),
        b'U' => (8, is_hex),
        b'0'..=b'3' => (2, |d| (b'0'..=b'7').contains(&d)),
        _ => return Err(BAD_ESCAPE),
    };
    let mut k = i + 2;
    for _ in 0..count {
        if k >= b.len() {
            return Err(UNTERMINATED);
        }
        if !test(b[k]) {
            return Err(BAD_ESCAPE);
        }
        k += 1;
    }
    if c == b'U' {
        let mut cp = 0u32;
        for &d in &b[i + 2..k] {
            cp = cp * 16 + hex_value(d);
        }
        let surrogate = (0xD800..=0xDFFF).contains(&cp);
        if cp > 0x10FFFF || surrogate {
            return Err(BAD_ESCAPE);
        }
    }
    Ok(k)
}

/// Every pair of the line, or its first error.
pub fn pairs(line: &[u8]) -> Result<Vec<Pair>, i32> {
    let b = strip_eol(line);
    if b.is_empty() {
        return Err(EMPTY_LINE);
    }
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < n && is_sep(b[i]) {
            i += 1;
        }
        if i == n {
            return Ok(out);
        }
        let ks = i;
        while i < n && is_key_byte(b[i]) {
            i += 1;
        }
        let ke = i;
        if ks == ke || !key_ok(&b[ks..ke]) {
            return Err(SYNTAX);
        }
        if i == n || is_sep(b[i]) {
            out.push((ks, ke, (ke, ke, false, true)));
            continue;
        }
        if b[i] == b'"' {
            return Err(SYNTAX);
        }
        // b[i] == '='
        i += 1;
        if i == n || is_sep(b[i]) {
            out.push((ks, ke, (i, i, false, false)));
            continue;
        }
        if b[i] == b'"' {
            i += 1;
            let vs = i;
            let mut escaped = false;
            loop {
                if i >= n {
                    return Err(UNTERMINATED);
                }
                let c = b[i];
                if c == b'"' {
                    break;
                } else if c == b'\\' {
                    escaped = true;
                    i = escape(b, i)?;
                } else if c < 0x20 {
                    return Err(BAD_ESCAPE);
                } else {
                    i += 1;
                }
            }
            out.push((ks, ke, (vs, i, escaped, false)));
            i += 1; // the closing quote
            continue;
        }
        let vs = i;
        while i < n && is_key_byte(b[i]) {
            i += 1;
        }
        if i < n && !is_sep(b[i]) {
            return Err(SYNTAX); // `=` or `"` in an unquoted value
        }
        out.push((ks, ke, (vs, i, false, false)));
    }
}
