//! The syslog parser as it was before the fast path (commit 8b97053 of
//! `src/formats/syslog.rs`, the parse functions copied verbatim apart from
//! the paths below), kept as the reference the optimized parser is checked
//! against (`tests/syslog_reference.rs`, the `syslog` fuzz target): same
//! spans, same flags, same error codes for every input.
//!
//! Changes from the original: `crate::` items are reached through the
//! public API (`Span::new` and `strip_eol` are local helpers below), the
//! doc-tests and the public helpers that do not parse are left out, and
//! the mode is a local enum; `memchr3` is the same search written as a
//! byte loop (so that the fuzz crate needs no `memchr`).

#![allow(dead_code)]
// Kept verbatim, so newer lints on the old code are silenced, not fixed.
#![allow(clippy::unnecessary_map_or, clippy::manual_is_multiple_of)]

use logspan::{Error, Span, LOG_FLAG_BOM, LOG_FLAG_ESCAPED};

/// `Span::new` (crate-private in logspan).
#[allow(clippy::new_ret_no_self)]
trait NewSpan {
    fn new(start: usize, end: usize, flags: u32) -> Span;
}

impl NewSpan for Span {
    fn new(start: usize, end: usize, flags: u32) -> Span {
        assert!(start <= end && end < u32::MAX as usize);
        Span {
            off: start as u32,
            len: (end - start) as u32,
            flags,
        }
    }
}

fn strip_eol(line: &[u8]) -> &[u8] {
    match line {
        [rest @ .., b'\r', b'\n'] => rest,
        [rest @ .., b'\n'] => rest,
        _ => line,
    }
}

const LOG_SYSLOG_FIELDS: usize = 9;
const LOG_SYSLOG_MAX_SD_ELEMENTS: usize = 128;
const PRI: usize = 0;
const VERSION: usize = 1;
const TIMESTAMP: usize = 2;
const HOSTNAME: usize = 3;
const APP_NAME: usize = 4;
const PROCID: usize = 5;
const MSGID: usize = 6;
const SD: usize = 7;
const MESSAGE: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyslogMode {
    Auto,
    Rfc5424,
    Rfc3164,
}

fn priority_value(priority: &[u8]) -> Option<u8> {
    match priority {
        [b'0'] => Some(0),
        [b'1'..=b'9', rest @ ..] if rest.len() <= 2 && rest.iter().all(u8::is_ascii_digit) => {
            let v = priority
                .iter()
                .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
            (v <= 191).then_some(v as u8)
        }
        _ => None,
    }
}

const HOSTNAME_MAX: usize = 255;
const APP_NAME_MAX: usize = 48;
const PROCID_MAX: usize = 128;
const MSGID_MAX: usize = 32;
const SD_NAME_MAX: usize = 32;
const TAG_MAX: usize = 48;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The output spans of one parse and how many of them are present.
struct Out<'a> {
    spans: &'a mut [Span],
    present: usize,
}

impl Out<'_> {
    /// Set a field known to be absent before (each is set at most once).
    #[inline(always)]
    fn set(&mut self, field: usize, span: Span) {
        self.present += span.is_present() as usize;
        self.spans[field] = span;
    }
}

/// Parse one line into `out[..9]`; returns the present count.
///
/// `out` must hold at least 9 spans. On error every one of them is absent.
pub fn parse(line: &[u8], mode: SyslogMode, out: &mut [Span]) -> Result<usize, Error> {
    let out = &mut out[..LOG_SYSLOG_FIELDS];
    out.fill(Span::ABSENT);
    let line = strip_eol(line);
    let mut o = Out {
        spans: out,
        present: 0,
    };
    let r = if line.is_empty() {
        Err(Error::EmptyLine)
    } else if line.len() > logspan::LOG_MAX_LINE_LEN {
        Err(Error::LineTooLong)
    } else {
        match mode {
            SyslogMode::Rfc5424 => rfc5424(line, &mut o),
            SyslogMode::Rfc3164 => rfc3164(line, &mut o),
            SyslogMode::Auto if looks_rfc5424(line) => rfc5424(line, &mut o),
            SyslogMode::Auto => rfc3164(line, &mut o),
        }
    };
    match r {
        Ok(()) => Ok(o.present),
        Err(e) => {
            o.spans.fill(Span::ABSENT);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------
// Byte classes and small scanners

/// PRINTUSASCII: `!`..`~`.
#[inline(always)]
fn is_print(b: u8) -> bool {
    b.wrapping_sub(33) < 94
}

/// SD-NAME bytes: PRINTUSASCII except `=`, `]`, `"` (SP is not printable).
#[inline(always)]
fn is_sd_name(b: u8) -> bool {
    is_print(b) && !matches!(b, b'=' | b']' | b'"')
}

/// Bytes of a 3164 TAG name: PRINTUSASCII except `[`, `]`, `:`.
#[inline(always)]
fn is_tag_name(b: u8) -> bool {
    is_print(b) && !matches!(b, b'[' | b']' | b':')
}

/// How many bytes from `pos` satisfy `class`, counting at most `cap`.
#[inline(always)]
fn run(line: &[u8], pos: usize, cap: usize, class: impl Fn(u8) -> bool) -> usize {
    line[pos..]
        .iter()
        .take(cap)
        .take_while(|&&b| class(b))
        .count()
}

/// `<PRI>` at the start of `line` (which starts with `<`): writes the
/// priority span and returns the position after `>`.
fn pri(line: &[u8], out: &mut Out) -> Result<usize, Error> {
    let n = run(line, 1, 4, |b| b.is_ascii_digit());
    let gt = 1 + n;
    match line.get(gt) {
        None if n <= 3 => Err(Error::SyslogTruncated),
        Some(b'>') if priority_value(&line[1..gt]).is_some() => {
            out.set(PRI, Span::new(1, gt, 0));
            Ok(gt + 1)
        }
        _ => Err(Error::SyslogBadPri),
    }
}

/// Auto mode: `<` 1-3 digits `>` `[1-9][0-9]{0,2}` SP.
fn looks_rfc5424(line: &[u8]) -> bool {
    if line.first() != Some(&b'<') {
        return false;
    }
    let n = run(line, 1, 4, |b| b.is_ascii_digit());
    if !(1..=3).contains(&n) || line.get(1 + n) != Some(&b'>') {
        return false;
    }
    let v = 2 + n;
    let m = run(line, v, 4, |b| b.is_ascii_digit());
    (1..=3).contains(&m) && line[v] != b'0' && line.get(v + m) == Some(&b' ')
}

/// An RFC 5424 header field (or the RFC 3164 HOSTNAME) at `pos`:
/// 1..=`max` PRINTUSASCII bytes followed by SP. Returns the field's end
/// (the position of the SP).
#[inline]
fn header_field(line: &[u8], pos: usize, max: usize) -> Result<usize, Error> {
    let n = run(line, pos, max + 1, is_print);
    let end = pos + n;
    if n > max {
        return Err(Error::SyslogBadHeader);
    }
    match line.get(end) {
        None => Err(Error::SyslogTruncated),
        Some(b' ') if n > 0 => Ok(end),
        _ => Err(Error::SyslogBadHeader),
    }
}

/// The span of a field, absent when it is the NILVALUE `-`.
#[inline(always)]
fn nil_or(line: &[u8], start: usize, end: usize) -> Span {
    if end == start + 1 && line[start] == b'-' {
        Span::ABSENT
    } else {
        Span::new(start, end, 0)
    }
}

// ---------------------------------------------------------------------------
// Timestamps

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12); February has 29 when `year` is `None` (a BSD
/// timestamp, which has no year) or a leap year.
fn days_in_month(year: Option<u32>, month: u32) -> u32 {
    match month {
        2 if year.map_or(true, is_leap) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `n` ASCII digits at `i` as a number.
#[inline(always)]
fn digits(b: &[u8], i: usize, n: usize) -> Option<u32> {
    b.get(i..i + n)?.iter().try_fold(0u32, |a, &d| {
        d.is_ascii_digit().then(|| a * 10 + u32::from(d - b'0'))
    })
}

#[inline(always)]
fn byte(b: &[u8], i: usize, want: u8) -> Option<()> {
    (b.get(i) == Some(&want)).then_some(())
}

/// `hh:mm:ss` at `i` with hour 00-23, minute and second 00-59.
fn hhmmss(b: &[u8], i: usize) -> Option<()> {
    let h = digits(b, i, 2)?;
    byte(b, i + 2, b':')?;
    let m = digits(b, i + 3, 2)?;
    byte(b, i + 5, b':')?;
    let s = digits(b, i + 6, 2)?;
    (h < 24 && m < 60 && s < 60).then_some(())
}

/// The length of the `YYYY-MM-DDThh:mm:ss[.f{1,max_frac}](Z|±hh:mm)` with
/// valid ranges at the start of `ts`, if there is one (what follows is the
/// caller's business).
fn rfc3339(ts: &[u8], max_frac: usize) -> Option<usize> {
    let year = digits(ts, 0, 4)?;
    byte(ts, 4, b'-')?;
    let month = digits(ts, 5, 2)?;
    byte(ts, 7, b'-')?;
    let day = digits(ts, 8, 2)?;
    byte(ts, 10, b'T')?;
    hhmmss(ts, 11)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(Some(year), month) {
        return None;
    }
    let mut i = 19;
    if ts.get(i) == Some(&b'.') {
        let n = run(ts, i + 1, max_frac + 1, |b| b.is_ascii_digit());
        if n == 0 || n > max_frac {
            return None;
        }
        i += 1 + n;
    }
    match *ts.get(i)? {
        b'Z' => Some(i + 1),
        b'+' | b'-' => {
            let oh = digits(ts, i + 1, 2)?;
            byte(ts, i + 3, b':')?;
            let om = digits(ts, i + 4, 2)?;
            (oh < 24 && om < 60).then_some(i + 6)
        }
        _ => None,
    }
}

/// A timestamp at `pos` must end at SP or the end of the line.
#[inline(always)]
fn ends_token(line: &[u8], end: usize) -> bool {
    matches!(line.get(end), None | Some(b' '))
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A BSD timestamp at `pos` (`Mmm dd hh:mm:ss`, `Mmm  d hh:mm:ss` or
/// `Mmm d hh:mm:ss`): returns its end.
fn bsd_timestamp(line: &[u8], pos: usize) -> Option<usize> {
    let b = &line[pos..];
    let month = MONTHS.iter().position(|m| b.get(..3) == Some(&m[..]))? as u32 + 1;
    byte(b, 3, b' ')?;
    let (day, time) = match (*b.get(4)?, *b.get(5)?) {
        (b' ', d @ b'1'..=b'9') => (u32::from(d - b'0'), 7),
        (d @ b'1'..=b'9', b' ') => (u32::from(d - b'0'), 6),
        _ => (digits(b, 4, 2)?, 7),
    };
    byte(b, time - 1, b' ')?;
    hhmmss(b, time)?;
    (day >= 1 && day <= days_in_month(None, month)).then_some(pos + time + 8)
}

// ---------------------------------------------------------------------------
// RFC 5424

fn rfc5424(line: &[u8], out: &mut Out) -> Result<(), Error> {
    let len = line.len();
    if line[0] != b'<' {
        return Err(Error::SyslogBadPri);
    }
    let mut pos = pri(line, out)?;

    // VERSION SP
    let n = run(line, pos, 4, |b| b.is_ascii_digit());
    if n == 0 {
        return Err(if pos == len {
            Error::SyslogTruncated
        } else {
            Error::SyslogBadVersion
        });
    }
    if n > 3 || line[pos] == b'0' {
        return Err(Error::SyslogBadVersion);
    }
    match line.get(pos + n) {
        None => return Err(Error::SyslogTruncated),
        Some(b' ') => {}
        Some(_) => return Err(Error::SyslogBadVersion),
    }
    out.set(VERSION, Span::new(pos, pos + n, 0));
    pos += n + 1;

    // TIMESTAMP SP
    if pos == len {
        return Err(Error::SyslogTruncated);
    }
    let end = if line[pos] == b'-' {
        pos + 1
    } else {
        let end = pos + rfc3339(&line[pos..], 6).ok_or(Error::SyslogBadTimestamp)?;
        out.set(TIMESTAMP, Span::new(pos, end, 0));
        end
    };
    if !ends_token(line, end) {
        return Err(Error::SyslogBadTimestamp);
    }
    if end == len {
        return Err(Error::SyslogTruncated);
    }
    pos = end + 1;

    // HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
    for (field, max) in [
        (HOSTNAME, HOSTNAME_MAX),
        (APP_NAME, APP_NAME_MAX),
        (PROCID, PROCID_MAX),
        (MSGID, MSGID_MAX),
    ] {
        let end = header_field(line, pos, max)?;
        out.set(field, nil_or(line, pos, end));
        pos = end + 1;
    }

    // STRUCTURED-DATA
    let sd_end = match line.get(pos) {
        None => return Err(Error::SyslogTruncated),
        Some(b'-') => pos + 1,
        Some(b'[') => {
            let (end, flags) = structured_data(line, pos)?;
            out.set(SD, Span::new(pos, end, flags));
            end
        }
        Some(_) => return Err(Error::SyslogBadStructuredData),
    };

    // [SP MSG]
    match line.get(sd_end) {
        None => return Ok(()),
        Some(b' ') => {}
        Some(_) => return Err(Error::SyslogBadStructuredData),
    }
    let m = sd_end + 1;
    let msg = &line[m..];
    if msg.starts_with(BOM) {
        if std::str::from_utf8(&msg[BOM.len()..]).is_err() {
            return Err(Error::SyslogInvalidUtf8);
        }
        out.set(MESSAGE, Span::new(m + BOM.len(), len, LOG_FLAG_BOM));
    } else if !msg.is_empty() {
        out.set(MESSAGE, Span::new(m, len, 0));
    }
    Ok(())
}

/// The SD-IDs seen so far in one message, for the duplicate check.
trait IdSet {
    /// Record the SD-ID `line[start..end]`: `Ok(true)` when new,
    /// `Ok(false)` when already seen, `Err(None)` when this set is full
    /// (retry with a bigger one), `Err(Some(e))` for a hard error.
    fn insert(&mut self, line: &[u8], start: usize, end: usize) -> Result<bool, Option<Error>>;
}

/// Up to 8 SD-IDs, compared linearly: the common case, cheap to set up.
#[derive(Default)]
struct SmallIds {
    ids: [(u32, u8); 8],
    n: usize,
}

impl IdSet for SmallIds {
    #[inline]
    fn insert(&mut self, line: &[u8], start: usize, end: usize) -> Result<bool, Option<Error>> {
        let id = &line[start..end];
        for &(off, len) in &self.ids[..self.n] {
            let off = off as usize;
            if usize::from(len) == id.len() && &line[off..off + id.len()] == id {
                return Ok(false);
            }
        }
        if self.n == self.ids.len() {
            return Err(None);
        }
        self.ids[self.n] = (start as u32, id.len() as u8);
        self.n += 1;
        Ok(true)
    }
}

/// Up to `LOG_SYSLOG_MAX_SD_ELEMENTS` SD-IDs in an open-addressing table at
/// most half full. Its worst case (every ID colliding) is bounded by the
/// element cap, so the scan stays linear in the line length.
struct BigIds {
    /// `(off + 1) | len << 32 | hash16 << 40`; 0 = empty.
    slots: [u64; 2 * LOG_SYSLOG_MAX_SD_ELEMENTS],
    n: usize,
}

impl IdSet for BigIds {
    fn insert(&mut self, line: &[u8], start: usize, end: usize) -> Result<bool, Option<Error>> {
        let id = &line[start..end];
        // FNV-1a
        let h = id.iter().fold(0x811c_9dc5u32, |h, &b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        let tag = u64::from(h >> 16) << 40 | (id.len() as u64) << 32;
        let mask = self.slots.len() - 1;
        let mut k = h as usize & mask;
        loop {
            let s = self.slots[k];
            if s == 0 {
                break;
            }
            if s & !0xFFFF_FFFF == tag {
                let off = (s & 0xFFFF_FFFF) as usize - 1;
                if &line[off..off + id.len()] == id {
                    return Ok(false);
                }
            }
            k = (k + 1) & mask;
        }
        if self.n == LOG_SYSLOG_MAX_SD_ELEMENTS {
            return Err(Some(Error::SyslogBadStructuredData));
        }
        self.slots[k] = tag | (start as u64 + 1);
        self.n += 1;
        Ok(true)
    }
}

/// STRUCTURED-DATA starting with the `[` at `pos`: returns its end (after
/// the last `]`) and `LOG_FLAG_ESCAPED` if any value holds an escape.
#[inline]
fn structured_data(line: &[u8], pos: usize) -> Result<(usize, u32), Error> {
    match sd_scan(line, pos, &mut SmallIds::default()) {
        Ok(r) => Ok(r),
        Err(Some(e)) => Err(e),
        Err(None) => sd_scan_big(line, pos),
    }
}

/// More than 8 elements: scan again with the hash table (at most twice
/// the work, and only for such messages).
#[inline(never)]
fn sd_scan_big(line: &[u8], pos: usize) -> Result<(usize, u32), Error> {
    let mut ids = BigIds {
        slots: [0; 2 * LOG_SYSLOG_MAX_SD_ELEMENTS],
        n: 0,
    };
    sd_scan(line, pos, &mut ids).map_err(|e| e.unwrap_or(Error::SyslogBadStructuredData))
}

/// The first `"`, `\` or `]` in a PARAM-VALUE: a byte loop for the usual
/// short values, `memchr3` beyond.
#[inline(always)]
fn sd_special(h: &[u8]) -> Option<usize> {
    let head = h.len().min(16);
    match h[..head]
        .iter()
        .position(|&b| matches!(b, b'"' | b'\\' | b']'))
    {
        Some(k) => Some(k),
        None => h[head..]
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | b']'))
            .map(|k| head + k),
    }
}

fn sd_scan<S: IdSet>(
    line: &[u8],
    start: usize,
    ids: &mut S,
) -> Result<(usize, u32), Option<Error>> {
    const TRUNC: Option<Error> = Some(Error::SyslogTruncated);
    const BAD: Option<Error> = Some(Error::SyslogBadStructuredData);
    let len = line.len();
    let mut flags = 0;
    let mut i = start;
    loop {
        // line[i] == b'['
        i += 1;
        let id = i;
        i += run(line, i, SD_NAME_MAX + 1, is_sd_name);
        if i - id > SD_NAME_MAX {
            return Err(BAD);
        }
        if i == len {
            return Err(TRUNC);
        }
        if i == id || !ids.insert(line, id, i)? {
            return Err(BAD);
        }
        loop {
            match line[i] {
                b']' => {
                    i += 1;
                    break;
                }
                b' ' => {
                    // PARAM-NAME="PARAM-VALUE"
                    i += 1;
                    let name = i;
                    i += run(line, i, SD_NAME_MAX + 1, is_sd_name);
                    if i - name > SD_NAME_MAX {
                        return Err(BAD);
                    }
                    if i + 1 >= len {
                        return Err(TRUNC);
                    }
                    if i == name || line[i] != b'=' || line[i + 1] != b'"' {
                        return Err(BAD);
                    }
                    i += 2;
                    loop {
                        let j = i + sd_special(&line[i..]).ok_or(TRUNC)?;
                        match line[j] {
                            b'"' => {
                                i = j + 1;
                                break;
                            }
                            b'\\' => match line.get(j + 1) {
                                None => return Err(TRUNC),
                                Some(b'"' | b'\\' | b']') => {
                                    flags = LOG_FLAG_ESCAPED;
                                    i = j + 2;
                                }
                                Some(_) => return Err(BAD),
                            },
                            _ => return Err(BAD), // an unescaped `]`
                        }
                    }
                    if i == len {
                        return Err(TRUNC);
                    }
                }
                _ => return Err(BAD),
            }
        }
        if line.get(i) != Some(&b'[') {
            // Outside values every byte is ASCII (checked above) and values
            // are delimited by ASCII quotes, so one check of the whole
            // STRUCTURED-DATA is the check of every value.
            if std::str::from_utf8(&line[start..i]).is_err() {
                return Err(BAD);
            }
            return Ok((i, flags));
        }
    }
}

// ---------------------------------------------------------------------------
// RFC 3164

/// A 3164 TAG found in a line.
struct Tag {
    name_end: usize,
    /// The PID's bounds, without brackets.
    pid: Option<(usize, usize)>,
    /// Where MSG starts.
    msg: usize,
}

/// A TAG at `pos`: `NAME[PID]:` or `NAME:`, then SP or the end of the
/// line.
#[inline]
fn tag(line: &[u8], pos: usize) -> Option<Tag> {
    let n = run(line, pos, TAG_MAX + 1, is_tag_name);
    if n == 0 || n > TAG_MAX {
        return None;
    }
    let name_end = pos + n;
    let mut i = name_end;
    let mut pid = None;
    if line.get(i) == Some(&b'[') {
        let p = run(line, i + 1, PROCID_MAX + 1, |b| {
            is_print(b) && b != b'[' && b != b']'
        });
        if p == 0 || p > PROCID_MAX || line.get(i + 1 + p) != Some(&b']') {
            return None;
        }
        pid = Some((i + 1, i + 1 + p));
        i += p + 2;
    }
    if line.get(i) != Some(&b':') {
        return None;
    }
    match line.get(i + 1) {
        None => Some(Tag {
            name_end,
            pid,
            msg: line.len(),
        }),
        Some(b' ') => Some(Tag {
            name_end,
            pid,
            msg: i + 2,
        }),
        Some(_) => None,
    }
}

fn rfc3164(line: &[u8], out: &mut Out) -> Result<(), Error> {
    let len = line.len();
    let mut pos = if line[0] == b'<' { pri(line, out)? } else { 0 };

    // TIMESTAMP SP
    if pos == len {
        return Err(Error::SyslogTruncated);
    }
    let end = if line[pos].is_ascii_digit() {
        let end = pos + rfc3339(&line[pos..], 9).ok_or(Error::SyslogBadTimestamp)?;
        if !ends_token(line, end) {
            return Err(Error::SyslogBadTimestamp);
        }
        end
    } else {
        bsd_timestamp(line, pos).ok_or(Error::SyslogBadTimestamp)?
    };
    out.set(TIMESTAMP, Span::new(pos, end, 0));
    match line.get(end) {
        None => return Err(Error::SyslogTruncated),
        Some(b' ') => {}
        Some(_) => return Err(Error::SyslogBadTimestamp),
    }
    pos = end + 1;
    if pos == len {
        return Err(Error::SyslogTruncated);
    }

    // [HOSTNAME SP] [TAG: SP]
    let mut found = tag(line, pos);
    if found.is_none() {
        let end = header_field(line, pos, HOSTNAME_MAX)?;
        out.set(HOSTNAME, Span::new(pos, end, 0));
        pos = end + 1;
        found = tag(line, pos);
    }
    if let Some(Tag { name_end, pid, msg }) = found {
        out.set(APP_NAME, Span::new(pos, name_end, 0));
        if let Some((s, e)) = pid {
            out.set(PROCID, Span::new(s, e, 0));
        }
        pos = msg;
    }

    // MSG
    if pos < len {
        out.set(MESSAGE, Span::new(pos, len, 0));
    }
    Ok(())
}
