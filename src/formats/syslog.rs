//! syslog: RFC 5424 and RFC 3164 (BSD) messages, one per line.
//!
//! ```text
//! <165>1 2003-10-11T22:14:15.003Z host.example.com evntslog - ID47 [ex@32473 iut="3"] BOMAn event
//! <34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick
//! ```
//!
//! Nine fields for every spec (`syslog`, `syslog5424`, `syslog3164`), in
//! this order: `priority`, `version`, `timestamp`, `hostname`, `app_name`,
//! `procid`, `msgid`, `structured_data`, `message`. A field the format does
//! not have (`version`, `msgid`, `structured_data` in RFC 3164) is absent.
//!
//! Rules common to both formats:
//! - one trailing `\n` or `\r\n` is ignored; an empty line is
//!   [`Error::EmptyLine`]; a line longer than `LOG_MAX_LINE_LEN` is
//!   [`Error::LineTooLong`]; on any error all nine spans are absent;
//! - `priority` is the digits inside `<>`: `0`..`191`, 1 to 3 digits, no
//!   leading zero except `<0>` ([`Error::SyslogBadPri`]). Decode it with
//!   [`priority_value`], [`facility`] and [`severity`];
//! - `timestamp` is the raw text, never converted;
//! - [`Error::SyslogTruncated`] means the line ends where the header needs
//!   more: after `<` or the PRI digits, where a field or the SP after a
//!   field should be, or anywhere inside STRUCTURED-DATA. A field that is
//!   itself malformed reports its own error even at the end of the line
//!   (`<1>1 2003-11-02T23:12` is [`Error::SyslogBadTimestamp`]).
//!
//! RFC 5424 (strict): `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP
//! PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`
//! - PRI is required (a line not starting with `<` is
//!   [`Error::SyslogBadPri`]); separators are exactly one SP;
//! - VERSION is 1..999 without a leading zero ([`Error::SyslogBadVersion`]);
//! - TIMESTAMP is `-` or `YYYY-MM-DDThh:mm:ss[.f{1,6}](Z|+hh:mm|-hh:mm)`,
//!   upper-case `T` and `Z`, month 01-12, day within the month (leap years
//!   by the Gregorian rule), hour 00-23, minute and second 00-59 (no leap
//!   second, as go-syslog), offset hour 00-23 and minute 00-59
//!   ([`Error::SyslogBadTimestamp`]);
//! - HOSTNAME, APP-NAME, PROCID, MSGID are `-` or 1..255, 1..48, 1..128,
//!   1..32 bytes of PRINTUSASCII (`!`..`~`) ([`Error::SyslogBadHeader`]);
//! - the NILVALUE `-` makes TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID
//!   and STRUCTURED-DATA absent;
//! - STRUCTURED-DATA is `-` or one or more `[SD-ID *(SP NAME="VALUE")]`
//!   with nothing between elements. SD-ID and PARAM-NAME are 1..32
//!   PRINTUSASCII bytes except `=`, SP, `]`, `"`. A PARAM-VALUE is UTF-8 in
//!   which `"`, `\` and `]` appear only escaped as `\"`, `\\`, `\]`; any
//!   other backslash is an error (go-syslog's reading of RFC 5424 §6.3.3:
//!   an unescaped `\` is itself a character that MUST be escaped). The
//!   same SD-ID twice is an error (§6.3.2), and so are more than
//!   [`LOG_SYSLOG_MAX_SD_ELEMENTS`] elements (the duplicate check uses a
//!   fixed table so that it stays allocation-free and linear). All of these
//!   are [`Error::SyslogBadStructuredData`]. The span runs from the first
//!   `[` to the last `]`, escapes kept, with [`LOG_FLAG_ESCAPED`] when any
//!   value holds an escape; walk it with [`sd_elements`];
//! - after STRUCTURED-DATA comes the end of the line or SP MSG; MSG is every
//!   remaining byte. An empty MSG is absent. A MSG starting with the UTF-8
//!   BOM `EF BB BF` must be valid UTF-8 after it ([`Error::SyslogInvalidUtf8`],
//!   RFC 5424 §6.4, go-syslog's `compliant_msg`); its span then excludes the
//!   BOM and carries [`LOG_FLAG_BOM`], and is present even when nothing
//!   follows the BOM (length 0). A MSG without BOM may hold any bytes.
//!
//! RFC 3164 (BSD): `[<PRI>]TIMESTAMP SP [HOSTNAME SP] [TAG SP] MSG`, TAG
//! being `NAME[PID]:` or `NAME:`, with the real-world deviations that
//! go-syslog (influxdata/leodido) accepts:
//! - no PRI: a line that does not start with `<` has `priority` absent; one
//!   that does must have a valid PRI;
//! - TIMESTAMP is BSD `Mmm dd hh:mm:ss` (English month abbreviation, exact
//!   case; the day space-padded `Jan  2`, zero-padded `Jan 02`, or, a
//!   common deviation, unpadded `Jan 2`; day within the month, 29 February
//!   allowed as there is no year; hour 00-23, minute and second 00-59), or
//!   an RFC 3339 timestamp as in RFC 5424 but with up to 9 fraction digits
//!   (go-syslog's `rfc3339` option, always on here). It is the raw text: a
//!   BSD timestamp has no year and the caller supplies one;
//! - exactly one SP after TIMESTAMP and after HOSTNAME;
//! - TAG: the word after TIMESTAMP or HOSTNAME is the TAG when it is
//!   `NAME[PID]:` or `NAME:` followed by SP or the end of the line, with
//!   NAME 1..48 PRINTUSASCII bytes except `[`, `]`, `:` and PID 1..128
//!   PRINTUSASCII bytes except `[`, `]`. Then `app_name` is NAME, `procid`
//!   is PID (absent without `[PID]`) and MSG starts after `: `. Any other
//!   word is not a TAG (go-syslog does not take a word without `:` as one,
//!   corpus case `rfc3164-0004`): `app_name` and `procid` are absent and MSG
//!   starts at that word;
//! - missing HOSTNAME: when the first word after TIMESTAMP is a TAG,
//!   `hostname` is absent. Otherwise that word is HOSTNAME: 1..255
//!   PRINTUSASCII bytes (`:` allowed, e.g. IPv6) followed by SP
//!   ([`Error::SyslogBadHeader`]); a line that ends right after it (or right
//!   after TIMESTAMP) is [`Error::SyslogTruncated`] (go-syslog rejects
//!   `<13>Dec  2 16:31:03 -` too). There is no NILVALUE in RFC 3164: `-` is
//!   a hostname;
//! - MSG is every remaining byte, any encoding; empty is absent. No BOM
//!   handling.
//!
//! `syslog` (auto) decides per line: a line that starts with `<`, 1-3
//! digits, `>`, then `[1-9][0-9]{0,2}` and SP (a PRI and a VERSION) is RFC
//! 5424; every other line is RFC 3164. No valid RFC 3164 line has that
//! shape (its timestamp starts with a month name or four digits and `-`),
//! so auto accepts exactly what one of the explicit specs accepts, with the
//! same spans. A bad PRI is [`Error::SyslogBadPri`] on both paths.
//!
//! Cost: one forward pass over the header and STRUCTURED-DATA, plus a UTF-8
//! check of STRUCTURED-DATA and of BOM-marked messages; nothing is
//! allocated.

use super::syslog_fast as fast;
use crate::error::Error;
use crate::span::{Span, LOG_FLAG_ESCAPED};

pub use crate::span::LOG_FLAG_BOM;

/// Number of fields of the `syslog`, `syslog5424` and `syslog3164` specs.
pub const LOG_SYSLOG_FIELDS: usize = 9;
/// Field index: the PRI digits, without `<>`.
pub const LOG_SYSLOG_FIELD_PRIORITY: usize = 0;
/// Field index: RFC 5424 VERSION.
pub const LOG_SYSLOG_FIELD_VERSION: usize = 1;
/// Field index: TIMESTAMP, raw text.
pub const LOG_SYSLOG_FIELD_TIMESTAMP: usize = 2;
/// Field index: HOSTNAME.
pub const LOG_SYSLOG_FIELD_HOSTNAME: usize = 3;
/// Field index: RFC 5424 APP-NAME, RFC 3164 TAG.
pub const LOG_SYSLOG_FIELD_APP_NAME: usize = 4;
/// Field index: RFC 5424 PROCID, RFC 3164 `[pid]` (without brackets).
pub const LOG_SYSLOG_FIELD_PROCID: usize = 5;
/// Field index: RFC 5424 MSGID.
pub const LOG_SYSLOG_FIELD_MSGID: usize = 6;
/// Field index: RFC 5424 STRUCTURED-DATA, from the first `[` to the last `]`.
pub const LOG_SYSLOG_FIELD_STRUCTURED_DATA: usize = 7;
/// Field index: MSG.
pub const LOG_SYSLOG_FIELD_MESSAGE: usize = 8;

/// Most SD-ELEMENTs one RFC 5424 message may have; more is
/// [`Error::SyslogBadStructuredData`].
pub const LOG_SYSLOG_MAX_SD_ELEMENTS: usize = 128;

/// Which syslog formats a parser accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyslogMode {
    /// RFC 5424 or RFC 3164, told apart per line.
    Auto,
    /// RFC 5424 only.
    Rfc5424,
    /// RFC 3164 only.
    Rfc3164,
}

/// Field names, in output order (the same for every mode).
pub(crate) const FIELD_NAMES: [&str; LOG_SYSLOG_FIELDS] = [
    "priority",
    "version",
    "timestamp",
    "hostname",
    "app_name",
    "procid",
    "msgid",
    "structured_data",
    "message",
];

const PRI: usize = LOG_SYSLOG_FIELD_PRIORITY;
const VERSION: usize = LOG_SYSLOG_FIELD_VERSION;
const TIMESTAMP: usize = LOG_SYSLOG_FIELD_TIMESTAMP;
const HOSTNAME: usize = LOG_SYSLOG_FIELD_HOSTNAME;
const APP_NAME: usize = LOG_SYSLOG_FIELD_APP_NAME;
const PROCID: usize = LOG_SYSLOG_FIELD_PROCID;
const MSGID: usize = LOG_SYSLOG_FIELD_MSGID;
const SD: usize = LOG_SYSLOG_FIELD_STRUCTURED_DATA;
const MESSAGE: usize = LOG_SYSLOG_FIELD_MESSAGE;

const HOSTNAME_MAX: usize = 255;
const APP_NAME_MAX: usize = 48;
const PROCID_MAX: usize = 128;
const MSGID_MAX: usize = 32;
const SD_NAME_MAX: usize = 32;
const TAG_MAX: usize = 48;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The output spans of one parse and how many of them are present.
struct Out<'a> {
    spans: &'a mut [Span; LOG_SYSLOG_FIELDS],
    present: usize,
    /// Added to every present span's offset (the line's offset in a batch
    /// buffer; 0 for one line).
    base: u32,
}

impl Out<'_> {
    /// Set a field known to be absent before (each is set at most once).
    #[inline(always)]
    fn set(&mut self, field: usize, span: Span) {
        let present = span.is_present();
        self.present += present as usize;
        self.spans[field] = if present {
            Span {
                off: span.off + self.base,
                ..span
            }
        } else {
            span
        };
    }
}

/// Parse one line into `out[..9]`; returns the present count.
///
/// `out` must hold at least 9 spans. On error every one of them is absent.
pub(crate) fn parse(line: &[u8], mode: SyslogMode, out: &mut [Span]) -> Result<usize, Error> {
    parse_at(crate::strip_eol(line), 0, mode, out)
}

/// Parse the line `buf[start..end]` (its content, without the line ending)
/// into `out[..9]` with spans relative to `buf`: what [`parse`] gives for
/// that line with every present span moved by `start`, without a second
/// pass over the spans. For the batch parser.
///
/// `start <= end <= buf.len()` and `end <= LOG_MAX_LINE_LEN` (so that the
/// moved offsets fit in 32 bits), else this panics.
pub(crate) fn parse_range(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: SyslogMode,
    out: &mut [Span],
) -> Result<usize, Error> {
    assert!(end <= crate::LOG_MAX_LINE_LEN);
    parse_at(&buf[start..end], start as u32, mode, out)
}

/// [`parse`] of a line without its line ending, present spans moved by
/// `base`.
#[inline(always)]
fn parse_at(line: &[u8], base: u32, mode: SyslogMode, out: &mut [Span]) -> Result<usize, Error> {
    // (Panics when `out` is too short, as documented; never otherwise.)
    let out: &mut [Span; LOG_SYSLOG_FIELDS] = (&mut out[..LOG_SYSLOG_FIELDS])
        .try_into()
        .expect("a 9-span slice is a 9-span array");
    *out = [Span::ABSENT; LOG_SYSLOG_FIELDS];
    let mut o = Out {
        spans: out,
        present: 0,
        base,
    };
    let r = if line.is_empty() {
        Err(Error::EmptyLine)
    } else if line.len() > crate::LOG_MAX_LINE_LEN {
        Err(Error::LineTooLong)
    } else {
        match mode {
            SyslogMode::Rfc5424 => rfc5424(line, &mut o),
            SyslogMode::Rfc3164 => rfc3164(line, &mut o),
            SyslogMode::Auto => auto(line, &mut o),
        }
    };
    match r {
        Ok(()) => Ok(o.present),
        Err(e) => {
            *o.spans = [Span::ABSENT; LOG_SYSLOG_FIELDS];
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------
// PRI helpers (public)

/// The value of PRI digits (the `priority` field): `Some(0..=191)` for 1 to
/// 3 ASCII digits without a leading zero (except `0` itself), else `None`.
///
/// ```
/// use logspan::formats::syslog::priority_value;
/// assert_eq!(priority_value(b"165"), Some(165));
/// assert_eq!(priority_value(b"007"), None);
/// assert_eq!(priority_value(b"192"), None);
/// ```
pub fn priority_value(priority: &[u8]) -> Option<u8> {
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

/// The facility (PRI / 8, `0..=23`) of PRI digits, `None` when they are not
/// a valid PRI (see [`priority_value`]).
///
/// ```
/// assert_eq!(logspan::formats::syslog::facility(b"165"), Some(20)); // local4
/// ```
pub fn facility(priority: &[u8]) -> Option<u8> {
    priority_value(priority).map(|v| v >> 3)
}

/// The severity (PRI % 8, `0..=7`) of PRI digits, `None` when they are not
/// a valid PRI (see [`priority_value`]).
///
/// ```
/// assert_eq!(logspan::formats::syslog::severity(b"165"), Some(5)); // notice
/// ```
pub fn severity(priority: &[u8]) -> Option<u8> {
    priority_value(priority).map(|v| v & 7)
}

// ---------------------------------------------------------------------------
// Byte classes and small scanners

/// PRINTUSASCII: `!`..`~`.
#[cfg(test)]
fn is_print(b: u8) -> bool {
    b.wrapping_sub(33) < 94
}

/// SD-NAME bytes: PRINTUSASCII except `=`, `]`, `"` (SP is not printable).
#[cfg(test)]
fn is_sd_name(b: u8) -> bool {
    is_print(b) && !matches!(b, b'=' | b']' | b'"')
}

/// Bytes of a 3164 TAG name: PRINTUSASCII except `[`, `]`, `:`.
#[cfg(test)]
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

// ---------------------------------------------------------------------------
// Word-at-a-time scanning (SWAR)
//
// Eight bytes are loaded into a `u64` (little-endian order, so byte `k` of
// the word is byte `pos + k` of the line on every target) and classified
// with exact per-byte arithmetic: every helper below sets the high bit of
// each byte of its result exactly when that byte is in the class, with no
// carry between bytes (each addition is done on 7-bit values). The first
// byte of a class is then `trailing_zeros / 8`.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// `b` in every byte.
#[inline(always)]
const fn rep(b: u8) -> u64 {
    LO * b as u64
}

/// High bit of each byte that is not 0.
#[inline(always)]
fn nonzero(t: u64) -> u64 {
    // (t & 0x7F) + 0x7F <= 0xFE: no carry; its high bit is set iff the low
    // seven bits are not all 0; `| t` adds the byte's own high bit.
    (((t & !HI) + !HI) | t) & HI
}

/// High bit of each byte not in PRINTUSASCII (`!`..`~`).
#[inline(always)]
pub(super) fn nonprint(w: u64) -> u64 {
    let lo = w & !HI;
    // lo + 0x5F <= 0xDE and lo + 1 <= 0x80: no carry. The first has its
    // high bit iff lo >= 0x21, the second iff lo >= 0x7F.
    let ge_21 = lo + rep(0x80 - 0x21);
    let ge_7f = lo + rep(0x01);
    (w | !ge_21 | ge_7f) & HI
}

/// High bit of each byte equal to one of `a`, `b`, `c`.
#[inline(always)]
fn eq3(w: u64, a: u8, b: u8, c: u8) -> u64 {
    !(nonzero(w ^ rep(a)) & nonzero(w ^ rep(b)) & nonzero(w ^ rep(c))) & HI
}

/// Bytes that end an SD-ID or PARAM-NAME: not [`is_sd_name`].
#[inline(always)]
pub(super) fn sd_name_stop(w: u64) -> u64 {
    nonprint(w) | eq3(w, b'=', b']', b'"')
}

/// Bytes that end a 3164 TAG name: not [`is_tag_name`].
#[inline(always)]
pub(super) fn tag_name_stop(w: u64) -> u64 {
    nonprint(w) | eq3(w, b'[', b']', b':')
}

/// Bytes that end a 3164 PID: not PRINTUSASCII, or `[`, `]`.
#[inline(always)]
pub(super) fn pid_stop(w: u64) -> u64 {
    nonprint(w) | eq3(w, b'[', b']', b']')
}

/// Bytes that stop a PARAM-VALUE scan: `"`, `\`, `]`.
#[inline(always)]
fn value_stop(w: u64) -> u64 {
    eq3(w, b'"', b'\\', b']')
}

/// The 8 bytes at `pos` as a word; past the end of `line` the bytes are 0.
/// `pos < line.len()`.
#[inline(always)]
fn word(line: &[u8], pos: usize) -> u64 {
    match line.get(pos..pos + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => tail_word(line, pos),
    }
}

/// [`word`] for the last (fewer than 8) bytes of `line`: the last 8 bytes
/// of the line shifted down, or a copy when the line is shorter.
#[inline(always)]
fn tail_word(line: &[u8], pos: usize) -> u64 {
    let len = line.len();
    match line.get(len.wrapping_sub(8)..) {
        Some(last) if len >= 8 => {
            let w = u64::from_le_bytes(last.try_into().unwrap_or([0; 8]));
            // pos + 8 > len (no whole word at pos), so pos + 8 - len >= 1;
            // a pos at or past len would shift everything out (0).
            w.checked_shr(8 * (pos + 8).saturating_sub(len).min(8) as u32)
                .unwrap_or(0)
        }
        _ => short_word(line, pos),
    }
}

/// [`tail_word`] for a line shorter than 8 bytes.
#[cold]
fn short_word(line: &[u8], pos: usize) -> u64 {
    let rest = line.get(pos..).unwrap_or(&[]);
    let mut b = [0u8; 8];
    for (d, &s) in b.iter_mut().zip(rest) {
        *d = s;
    }
    u64::from_le_bytes(b)
}

/// The first byte at or after `pos` that `stop` selects, or `line.len()`.
/// A `stop` that selects the padding byte 0 may see it past the end; the
/// result is clamped to `line.len()` either way.
#[inline(always)]
pub(super) fn find(line: &[u8], mut pos: usize, stop: impl Fn(u64) -> u64) -> usize {
    let len = line.len();
    while pos < len {
        let m = stop(word(line, pos));
        if m != 0 {
            return (pos + (m.trailing_zeros() / 8) as usize).min(len);
        }
        pos += 8;
    }
    len
}

/// How many ASCII digits start `line[pos..]`, counting at most 4.
#[inline(always)]
fn digits4(line: &[u8], pos: usize) -> usize {
    let d = |i: usize| line.get(pos + i).is_some_and(u8::is_ascii_digit);
    if !d(0) {
        0
    } else if !d(1) {
        1
    } else if !d(2) {
        2
    } else if !d(3) {
        3
    } else {
        4
    }
}

/// `<PRI>` at the start of `line` (which starts with `<`): writes the
/// priority span and returns the position after `>`.
#[inline(always)]
fn pri(line: &[u8], out: &mut Out) -> Result<usize, Error> {
    let n = digits4(line, 1);
    let gt = 1 + n;
    match line.get(gt) {
        None if n <= 3 => Err(Error::SyslogTruncated),
        Some(b'>') if pri_ok(&line[1..gt]) => {
            out.set(PRI, Span::new(1, gt, 0));
            Ok(gt + 1)
        }
        _ => Err(Error::SyslogBadPri),
    }
}

/// [`priority_value`]`(d).is_some()` for `d` made of ASCII digits only.
#[inline(always)]
fn pri_ok(d: &[u8]) -> bool {
    match *d {
        [_] => true,
        [a, _] => a != b'0',
        [a, b, c] => a == b'1' && (b < b'9' || (b == b'9' && c <= b'1')),
        _ => false,
    }
}

/// Auto mode: `<` 1-3 digits `>` `[1-9][0-9]{0,2}` SP.
#[cfg(test)]
fn looks_rfc5424(line: &[u8]) -> bool {
    if line.first() != Some(&b'<') {
        return false;
    }
    let n = digits4(line, 1);
    (1..=3).contains(&n) && line.get(1 + n) == Some(&b'>') && version_shape(line, 2 + n)
}

/// Auto mode, after a PRI: `[1-9][0-9]{0,2}` SP at `v`.
#[inline(always)]
fn version_shape(line: &[u8], v: usize) -> bool {
    let m = digits4(line, v);
    (1..=3).contains(&m) && line[v] != b'0' && line.get(v + m) == Some(&b' ')
}

/// An RFC 5424 header field (or the RFC 3164 HOSTNAME) at `pos`:
/// 1..=`max` PRINTUSASCII bytes followed by SP. Returns the field's end
/// (the position of the SP). `line[pos..printable]` is known to be
/// PRINTUSASCII.
#[inline(always)]
fn header_field_from(
    line: &[u8],
    pos: usize,
    printable: usize,
    max: usize,
) -> Result<usize, Error> {
    // The first non-PRINTUSASCII byte: the same end as a run capped at
    // max + 1, whenever that run is not already too long.
    header_field_end(line, pos, fast::nonprint_end(line, printable), max)
}

/// [`header_field_from`] given `end`, the first non-PRINTUSASCII byte at or
/// after `pos` (or `line.len()`).
#[inline(always)]
fn header_field_end(line: &[u8], pos: usize, end: usize, max: usize) -> Result<usize, Error> {
    let n = end - pos;
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
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` (1-12); February has 29 when `year` is `None` (a BSD
/// timestamp, which has no year) or a leap year.
fn days_in_month(year: Option<u32>, month: u32) -> u32 {
    match month {
        2 if year.is_none_or(is_leap) => 29,
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

/// The 8 bytes `b[i..i + 8]` as a little-endian word, if there are 8.
#[inline(always)]
fn word_at(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// A fixed word shape: ASCII digits where the pattern has `0`, exactly the
/// pattern's byte elsewhere. `.0` is the pattern; `.1` adds 0x76 to a digit
/// place (t = 0..9 stays below 0x80, t >= 10 reaches it) and 0x7F to a
/// fixed byte (only t = 0 stays below), t being the byte XOR the pattern.
type Shape = (u64, u64);

const fn shape(pattern: &[u8; 8]) -> Shape {
    let mut add = 0u64;
    let mut k = 0;
    while k < 8 {
        add |= (if pattern[k] == b'0' { 0x76 } else { 0x7F }) << (8 * k);
        k += 1;
    }
    (u64::from_le_bytes(*pattern), add)
}

const DATE: Shape = shape(b"0000-00-");
const DAY_TIME: Shape = shape(b"00T00:00");
const TIME: Shape = shape(b"00:00:00");
/// `±hh:mm` with the sign byte zeroed, and two zero bytes after it.
const OFFSET: Shape = shape(b"\x0000:00\0\0");

/// `w ^ shape.0` (the digit values at the digit places) when `w` has the
/// shape.
#[inline(always)]
fn shaped(w: u64, shape: Shape) -> Option<u64> {
    let t = w ^ shape.0;
    // On 7-bit values, so no carry between bytes; `t |` catches t >= 0x80.
    ((t | ((t & !HI) + shape.1)) & HI == 0).then_some(t)
}

/// The two-digit number at byte `k` of a [`shaped`] result.
#[inline(always)]
fn num2(t: u64, k: u32) -> u32 {
    ((t >> (8 * k)) & 0xFF) as u32 * 10 + ((t >> (8 * k + 8)) & 0xFF) as u32
}

/// `hh:mm:ss` at `i` with hour 00-23, minute and second 00-59.
#[inline(always)]
fn hhmmss(b: &[u8], i: usize) -> Option<()> {
    let t = shaped(word_at(b, i)?, TIME)?;
    (num2(t, 0) < 24 && num2(t, 3) < 60 && num2(t, 6) < 60).then_some(())
}

/// The length of the `YYYY-MM-DDThh:mm:ss[.f{1,max_frac}](Z|±hh:mm)` with
/// valid ranges at the start of `ts`, if there is one (what follows is the
/// caller's business).
#[inline(always)]
fn rfc3339(ts: &[u8], max_frac: usize) -> Option<usize> {
    // YYYY-MM- DDThh:mm (then hh:mm:ss again, overlapping, for the seconds)
    let date = shaped(word_at(ts, 0)?, DATE)?;
    let time = shaped(word_at(ts, 8)?, DAY_TIME)?;
    let secs = shaped(word_at(ts, 11)?, TIME)?;
    let (month, day) = (num2(date, 5), num2(time, 0));
    if !(num2(time, 3) < 24 && num2(time, 6) < 60 && num2(secs, 6) < 60) {
        return None;
    }
    if !(1..=12).contains(&month) || day == 0 || day > 28 && day > month_days(date, month) {
        return None;
    }
    let mut i = 19;
    if ts.get(i) == Some(&b'.') {
        // The fraction's digits, a word at a time when 8 bytes follow and
        // not all are digits (max_frac < 8 or more digits: byte by byte).
        let nondigit = word_at(ts, i + 1).map_or(0, |w| {
            let t = w ^ rep(b'0');
            (t | ((t & !HI) + rep(0x76))) & HI
        });
        let n = if nondigit != 0 {
            (nondigit.trailing_zeros() / 8) as usize
        } else {
            run(ts, i + 1, max_frac + 1, |b| b.is_ascii_digit())
        };
        if n == 0 || n > max_frac {
            return None;
        }
        i += 1 + n;
    }
    match *ts.get(i)? {
        b'Z' => Some(i + 1),
        b'+' | b'-' => {
            let o = ts.get(i + 1..i + 6)?;
            let w = u64::from_le_bytes([0, o[0], o[1], o[2], o[3], o[4], 0, 0]);
            let t = shaped(w, OFFSET)?;
            (num2(t, 1) < 24 && num2(t, 4) < 60).then_some(i + 6)
        }
        _ => None,
    }
}

/// Days in `month` of the year in a [`shaped`] `YYYY-MM-` word.
#[inline(always)]
fn month_days(date: u64, month: u32) -> u32 {
    let year = num2(date, 0) * 100 + num2(date, 2);
    days_in_month(Some(year), month)
}

/// A timestamp at `pos` must end at SP or the end of the line.
#[inline(always)]
fn ends_token(line: &[u8], end: usize) -> bool {
    matches!(line.get(end), None | Some(b' '))
}

/// A BSD timestamp at `pos` (`Mmm dd hh:mm:ss`, `Mmm  d hh:mm:ss` or
/// `Mmm d hh:mm:ss`): returns its end.
#[inline(always)]
fn bsd_timestamp(line: &[u8], pos: usize) -> Option<usize> {
    let b = &line[pos..];
    let month = match b.get(..3)? {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
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

/// Auto mode: RFC 5424 when the line starts with a PRI and a VERSION
/// (`<` 1-3 digits `>` `[1-9][0-9]{0,2}` SP), else RFC 3164. Both parse the
/// PRI first, the same way, so it is parsed once here.
#[inline(always)]
fn auto(line: &[u8], out: &mut Out) -> Result<(), Error> {
    if line[0] != b'<' {
        return rfc3164_after_pri(line, 0, out);
    }
    // A PRI error is the same on both paths; a valid PRI is 1-3 digits
    // and `>`, the first half of the RFC 5424 shape.
    let pos = pri(line, out)?;
    if version_shape(line, pos) {
        rfc5424_after_pri(line, pos, out)
    } else {
        rfc3164_after_pri(line, pos, out)
    }
}

fn rfc5424(line: &[u8], out: &mut Out) -> Result<(), Error> {
    if line[0] != b'<' {
        return Err(Error::SyslogBadPri);
    }
    let pos = pri(line, out)?;
    rfc5424_after_pri(line, pos, out)
}

/// RFC 5424 from VERSION on; the PRI ends at `pos`.
#[inline(always)]
fn rfc5424_after_pri(line: &[u8], mut pos: usize, out: &mut Out) -> Result<(), Error> {
    let len = line.len();

    // VERSION SP
    let n = digits4(line, pos);
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
    // One classification of the (usually short) four fields.
    let stops = fast::NonprintMask::new(line, pos);
    macro_rules! field {
        ($field:expr, $max:expr) => {
            let end = header_field_end(line, pos, stops.end(line, pos), $max)?;
            out.set($field, nil_or(line, pos, end));
            pos = end + 1;
        };
    }
    field!(HOSTNAME, HOSTNAME_MAX);
    field!(APP_NAME, APP_NAME_MAX);
    field!(PROCID, PROCID_MAX);
    field!(MSGID, MSGID_MAX);

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

/// Up to 8 SD-IDs, compared linearly: the common case, cheap to set up
/// (offsets and lengths in two small arrays: 40 bytes to clear).
#[derive(Default)]
struct SmallIds {
    offs: [u32; 8],
    lens: [u8; 8],
    n: usize,
}

impl IdSet for SmallIds {
    #[inline]
    fn insert(&mut self, line: &[u8], start: usize, end: usize) -> Result<bool, Option<Error>> {
        let id = &line[start..end];
        let n = self.n.min(8);
        for (&off, &len) in self.offs[..n].iter().zip(&self.lens[..n]) {
            let off = off as usize;
            if usize::from(len) == id.len() && &line[off..off + id.len()] == id {
                return Ok(false);
            }
        }
        if n == 8 {
            return Err(None);
        }
        self.offs[n] = start as u32;
        self.lens[n] = id.len() as u8;
        self.n = n + 1;
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

/// The first `"`, `\` or `]` at or after `pos` (or `line.len()`), and
/// whether a byte before it, from `pos`, is not ASCII.
#[inline(always)]
pub(super) fn value_special(line: &[u8], mut pos: usize) -> (usize, bool) {
    let len = line.len();
    let mut high = 0;
    while pos < len {
        let w = word(line, pos);
        let m = value_stop(w);
        if m != 0 {
            // The bits below the first stop byte's high bit: the bytes
            // before it (and its own low bits, never a high bit).
            high |= w & HI & ((m & m.wrapping_neg()) - 1);
            return (
                (pos + (m.trailing_zeros() / 8) as usize).min(len),
                high != 0,
            );
        }
        // Past the end the padding is 0: no high bits there.
        high |= w & HI;
        pos += 8;
    }
    (len, high != 0)
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
    // Whether a value is not valid UTF-8: reported only if the whole
    // STRUCTURED-DATA is otherwise well formed (a later truncation wins).
    let mut bad_utf8 = false;
    let mut i = start;
    loop {
        // line[i] == b'['
        i += 1;
        let id = i;
        i = fast::sd_name_end(line, i);
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
                    i = fast::sd_name_end(line, i);
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
                        let (j, high) = fast::value_special(line, i);
                        // Outside values every byte is ASCII (checked by
                        // the name scans) and the pieces of a value lie
                        // between ASCII bytes, so checking every piece
                        // that holds a non-ASCII byte is checking the
                        // whole STRUCTURED-DATA.
                        if high && std::str::from_utf8(&line[i..j]).is_err() {
                            bad_utf8 = true;
                        }
                        if j == len {
                            return Err(TRUNC);
                        }
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
            return if bad_utf8 { Err(BAD) } else { Ok((i, flags)) };
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
/// line. When there is none, `Err` tells where the NAME scan stopped: every
/// byte before it, from `pos`, is PRINTUSASCII.
#[inline(always)]
fn tag(line: &[u8], pos: usize) -> Result<Tag, usize> {
    let name_end = fast::tag_name_end(line, pos);
    let n = name_end - pos;
    if n == 0 || n > TAG_MAX {
        return Err(name_end);
    }
    let mut i = name_end;
    let mut pid = None;
    if line.get(i) == Some(&b'[') {
        let p = fast::pid_end(line, i + 1) - (i + 1);
        if p == 0 || p > PROCID_MAX || line.get(i + 1 + p) != Some(&b']') {
            return Err(name_end);
        }
        pid = Some((i + 1, i + 1 + p));
        i += p + 2;
    }
    if line.get(i) != Some(&b':') {
        return Err(name_end);
    }
    match line.get(i + 1) {
        None => Ok(Tag {
            name_end,
            pid,
            msg: line.len(),
        }),
        Some(b' ') => Ok(Tag {
            name_end,
            pid,
            msg: i + 2,
        }),
        Some(_) => Err(name_end),
    }
}

fn rfc3164(line: &[u8], out: &mut Out) -> Result<(), Error> {
    let pos = if line[0] == b'<' { pri(line, out)? } else { 0 };
    rfc3164_after_pri(line, pos, out)
}

/// RFC 3164 from TIMESTAMP on; the PRI, if any, ends at `pos`.
#[inline(always)]
fn rfc3164_after_pri(line: &[u8], mut pos: usize, out: &mut Out) -> Result<(), Error> {
    let len = line.len();

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
    if let Err(printable) = found {
        // No TAG: the word is HOSTNAME; its bytes up to `printable` are
        // already known to be PRINTUSASCII.
        let end = header_field_from(line, pos, printable, HOSTNAME_MAX)?;
        out.set(HOSTNAME, Span::new(pos, end, 0));
        pos = end + 1;
        found = tag(line, pos);
    }
    if let Ok(Tag { name_end, pid, msg }) = found {
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

// ---------------------------------------------------------------------------
// STRUCTURED-DATA iteration (public)

/// Iterate over the SD-ELEMENTs of a `structured_data` field (the bytes of
/// its span, from the first `[` to the last `]`).
///
/// The parser validated the syntax; on other input the iterator stops early
/// or yields odd pieces, but never panics and never reads outside `sd`.
/// Offsets reported by the items are relative to `sd`. Nothing is
/// allocated or unescaped.
///
/// ```
/// use logspan::formats::syslog::{sd_elements, unescape_param_value};
///
/// let sd = br#"[exampleSDID@32473 iut="3" eventSource="App\]"][origin]"#;
/// let mut it = sd_elements(sd);
/// let e = it.next().unwrap();
/// assert_eq!(e.id(), b"exampleSDID@32473");
/// let params: Vec<_> = e.params().collect();
/// assert_eq!(params[0].name(), b"iut");
/// assert_eq!(params[1].value(), br"App\]");
/// assert!(params[1].is_escaped());
/// let mut buf = [0u8; 16];
/// assert_eq!(unescape_param_value(params[1].value(), &mut buf), Some(&b"App]"[..]));
/// assert_eq!(it.next().unwrap().id(), b"origin");
/// assert!(it.next().is_none());
/// ```
pub fn sd_elements(sd: &[u8]) -> SdElements<'_> {
    SdElements { sd, pos: 0 }
}

/// Iterator over SD-ELEMENTs, from [`sd_elements`].
#[derive(Clone, Debug)]
pub struct SdElements<'a> {
    sd: &'a [u8],
    pos: usize,
}

/// One SD-ELEMENT: its SD-ID and its parameters.
#[derive(Clone, Copy, Debug)]
pub struct SdElement<'a> {
    sd: &'a [u8],
    id: (usize, usize),
    params: (usize, usize),
}

impl<'a> Iterator for SdElements<'a> {
    type Item = SdElement<'a>;

    fn next(&mut self) -> Option<SdElement<'a>> {
        let sd = self.sd;
        if sd.get(self.pos) != Some(&b'[') {
            self.pos = sd.len();
            return None;
        }
        let id_start = self.pos + 1;
        let id_end = id_start
            + sd[id_start..]
                .iter()
                .position(|&b| b == b' ' || b == b']')
                .unwrap_or(sd.len() - id_start);
        // The element ends at the first `]` outside a quoted value.
        let mut i = id_end;
        let mut quoted = false;
        while i < sd.len() {
            match sd[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        let end = i.min(sd.len());
        self.pos = if end < sd.len() { end + 1 } else { end };
        Some(SdElement {
            sd,
            id: (id_start, id_end),
            params: (id_end, end),
        })
    }
}

impl<'a> SdElement<'a> {
    /// The SD-ID (e.g. `exampleSDID@32473`).
    pub fn id(&self) -> &'a [u8] {
        &self.sd[self.id.0..self.id.1]
    }

    /// Offset of the SD-ID in the `sd` given to [`sd_elements`].
    pub fn id_offset(&self) -> usize {
        self.id.0
    }

    /// The element's SD-PARAMs, in order (a PARAM-NAME may repeat).
    pub fn params(&self) -> SdParams<'a> {
        SdParams {
            sd: self.sd,
            pos: self.params.0,
            end: self.params.1,
        }
    }
}

/// Iterator over one element's SD-PARAMs, from [`SdElement::params`].
#[derive(Clone, Debug)]
pub struct SdParams<'a> {
    sd: &'a [u8],
    pos: usize,
    end: usize,
}

/// One SD-PARAM: `name="value"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdParam<'a> {
    name: &'a [u8],
    value: &'a [u8],
    value_offset: usize,
    escaped: bool,
}

impl<'a> Iterator for SdParams<'a> {
    type Item = SdParam<'a>;

    fn next(&mut self) -> Option<SdParam<'a>> {
        let sd = self.sd;
        let end = self.end.min(sd.len());
        if self.pos < end && sd[self.pos] == b' ' {
            self.pos += 1;
        }
        let name = self.pos;
        let eq = sd
            .get(name..end)
            .and_then(|s| s.iter().position(|&b| b == b'='))
            .map(|k| name + k);
        let Some(eq) = eq.filter(|&eq| eq + 1 < end && sd[eq + 1] == b'"') else {
            self.pos = end;
            return None;
        };
        let value = eq + 2;
        let mut i = value;
        let mut escaped = false;
        while i < end && sd[i] != b'"' {
            if sd[i] == b'\\' {
                escaped = true;
                i += 1;
            }
            i += 1;
        }
        let value_end = i.min(end);
        self.pos = if value_end < end { value_end + 1 } else { end };
        Some(SdParam {
            name: &sd[name..eq],
            value: &sd[value..value_end],
            value_offset: value,
            escaped,
        })
    }
}

impl<'a> SdParam<'a> {
    /// The PARAM-NAME.
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The raw PARAM-VALUE, without its quotes, escapes (`\"`, `\\`, `\]`)
    /// kept; see [`unescape_param_value`].
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// Offset of the raw value in the `sd` given to [`sd_elements`]; add
    /// the `structured_data` span's `off` for an offset in the line.
    pub fn value_offset(&self) -> usize {
        self.value_offset
    }

    /// Whether the raw value holds escapes (it then differs from the
    /// decoded value).
    pub fn is_escaped(&self) -> bool {
        self.escaped
    }

    /// The value as a span relative to the `sd` given to [`sd_elements`],
    /// with [`LOG_FLAG_ESCAPED`] when escaped (absent if it does not fit
    /// 32-bit offsets).
    pub fn value_span(&self) -> Span {
        let end = self.value_offset + self.value.len();
        if end >= crate::LOG_MAX_LINE_LEN {
            return Span::ABSENT;
        }
        let flags = if self.escaped { LOG_FLAG_ESCAPED } else { 0 };
        Span::new(self.value_offset, end, flags)
    }
}

/// Decode a raw PARAM-VALUE into `buf`: `\"`, `\\`, `\]` become `"`, `\`,
/// `]`; any other backslash is kept as it is (RFC 5424 §6.3.3). Returns
/// the decoded bytes, or `None` when `buf` is too small (`raw.len()` bytes
/// always suffice).
pub fn unescape_param_value<'b>(raw: &[u8], buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let mut n = 0;
    let mut i = 0;
    while i < raw.len() {
        let mut b = raw[i];
        if b == b'\\' {
            if let Some(&c @ (b'"' | b'\\' | b']')) = raw.get(i + 1) {
                b = c;
                i += 1;
            }
        }
        *buf.get_mut(n)? = b;
        n += 1;
        i += 1;
    }
    Some(&buf[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    type Fields<'a> = [Option<&'a [u8]>; 9];

    fn run_mode(mode: SyslogMode, line: &[u8]) -> Result<(Fields<'_>, [u32; 9]), Error> {
        let mut out = [Span {
            off: 7,
            len: 7,
            flags: 7,
        }; 9];
        match parse(line, mode, &mut out) {
            Ok(n) => {
                assert_eq!(n, out.iter().filter(|s| s.is_present()).count());
                let mut f: Fields = [None; 9];
                let mut flags = [0; 9];
                for k in 0..9 {
                    f[k] = out[k].get(line);
                    flags[k] = out[k].flags;
                    if !out[k].is_present() {
                        assert_eq!(out[k], Span::ABSENT);
                    }
                }
                Ok((f, flags))
            }
            Err(e) => {
                assert!(out.iter().all(|s| *s == Span::ABSENT), "{out:?}");
                Err(e)
            }
        }
    }

    /// Parse with the explicit mode and with auto, which must agree.
    fn ok(mode: SyslogMode, line: &str) -> Fields<'_> {
        let a = run_mode(mode, line.as_bytes()).unwrap_or_else(|e| panic!("{line:?}: {e:?}"));
        let b = run_mode(SyslogMode::Auto, line.as_bytes()).unwrap();
        assert_eq!(a, b, "auto disagrees on {line:?}");
        a.0
    }

    fn err(mode: SyslogMode, line: &str) -> Error {
        let e = run_mode(mode, line.as_bytes()).expect_err(line);
        assert!(run_mode(SyslogMode::Auto, line.as_bytes()).is_err());
        e
    }

    fn s(v: &str) -> Option<&[u8]> {
        Some(v.as_bytes())
    }

    use SyslogMode::{Rfc3164 as B, Rfc5424 as R};

    #[test]
    fn parse_range_is_parse_moved() {
        let text = include_bytes!("../../examples/data/syslog.log");
        let mut lines: Vec<Vec<u8>> = text
            .split(|&b| b == b'\n')
            .step_by(7)
            .map(|l| l.to_vec())
            .collect();
        lines.extend(
            [
                "",
                "<1>1 - - - - - -",
                "<1>1 - - - - - [a x=\"\\]\"] \u{feff}m",
                "<13>Jan  1 00:00:00 h t[1]: m",
                "x",
            ]
            .map(|l| l.as_bytes().to_vec()),
        );
        for line in &lines {
            for cut in [line.len(), line.len() / 2, line.len() / 3] {
                let line = &line[..cut];
                for mode in [R, B, SyslogMode::Auto] {
                    let mut want = [Span::new(0, 0, 9); 9];
                    let r = parse(line, mode, &mut want);
                    for s in want.iter_mut() {
                        *s = s.shifted(11);
                    }
                    let mut buf = b"<1>1 - - -\n".to_vec();
                    buf.extend_from_slice(line);
                    buf.extend_from_slice(b"\n<2>");
                    let mut got = [Span::new(0, 0, 9); 9];
                    assert_eq!(parse_range(&buf, 11, 11 + line.len(), mode, &mut got), r);
                    assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
                }
            }
        }
    }

    #[test]
    fn word_classes_are_the_byte_classes() {
        // Every byte value at every place of a word, among neighbours that
        // could carry or borrow into it.
        for b in 0..=255u8 {
            for at in 0..8 {
                for fill in [b'a', b' ', b'=', b'0', 0, 0x7f, 0x80, 0xff] {
                    let mut w = [fill; 8];
                    w[at] = b;
                    let x = u64::from_le_bytes(w);
                    let bit = |m: u64| {
                        assert_eq!(m & !HI, 0, "only high bits");
                        m >> (8 * at + 7) & 1 == 1
                    };
                    assert_eq!(bit(nonprint(x)), !is_print(b), "{b:#x} {fill:#x}");
                    assert_eq!(bit(sd_name_stop(x)), !is_sd_name(b));
                    assert_eq!(bit(tag_name_stop(x)), !is_tag_name(b));
                    assert_eq!(bit(pid_stop(x)), !(is_print(b) && b != b'[' && b != b']'));
                    assert_eq!(bit(value_stop(x)), matches!(b, b'"' | b'\\' | b']'));
                    assert_eq!(bit(nonzero(x)), b != 0);
                }
            }
        }
    }

    #[test]
    fn words_past_the_end_are_zero_padded() {
        let line: Vec<u8> = (1..=20).collect();
        for len in 0..=line.len() {
            for pos in 0..len {
                let mut want = [0u8; 8];
                for (k, w) in want.iter_mut().enumerate() {
                    *w = line[..len].get(pos + k).copied().unwrap_or(0);
                }
                assert_eq!(word(&line[..len], pos), u64::from_le_bytes(want));
            }
        }
    }

    #[test]
    fn shapes_are_the_byte_rules() {
        // One byte changed at a time from a valid `hh:mm:ss` / date.
        for (pattern, shape) in [
            (b"00:00:00", TIME),
            (b"0000-00-", DATE),
            (b"00T00:00", DAY_TIME),
        ] {
            let valid: Vec<u8> = pattern
                .iter()
                .map(|&p| if p == b'0' { b'7' } else { p })
                .collect();
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut w = valid.clone();
                    w[at] = b;
                    let ok = if pattern[at] == b'0' {
                        b.is_ascii_digit()
                    } else {
                        b == pattern[at]
                    };
                    let x = u64::from_le_bytes(w.clone().try_into().unwrap());
                    let got = shaped(x, shape);
                    assert_eq!(got.is_some(), ok, "{w:?}");
                    if let Some(t) = got {
                        for k in 0..8 {
                            if pattern[k] == b'0' {
                                assert_eq!((t >> (8 * k)) & 0xFF, u64::from(w[k] - b'0'));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc5424_full_message() {
        let line = r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high"] An application event"#;
        let f = ok(R, line);
        assert_eq!(
            f,
            [
                s("165"),
                s("1"),
                s("2003-10-11T22:14:15.003Z"),
                s("mymachine.example.com"),
                s("evntslog"),
                None,
                s("ID47"),
                s(
                    r#"[exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high"]"#
                ),
                s("An application event"),
            ]
        );
    }

    #[test]
    fn rfc5424_nil_values_and_empty_message() {
        assert_eq!(
            ok(R, "<0>1 - - - - - -"),
            [s("0"), s("1"), None, None, None, None, None, None, None]
        );
        // SP then nothing: an empty MSG is absent.
        assert_eq!(ok(R, "<0>1 - - - - - - ")[MESSAGE], None);
        // `-` is NILVALUE only as a whole field; MSG has no NILVALUE.
        let f = ok(R, "<0>1 - -h -a -p -m - -");
        assert_eq!(&f[3..], &[s("-h"), s("-a"), s("-p"), s("-m"), None, s("-")]);
        // Trailing newline ignored, not part of MSG; inner newlines kept.
        assert_eq!(ok(R, "<0>1 - - - - - - a\nb\r\n")[MESSAGE], s("a\nb"));
    }

    #[test]
    fn rfc5424_pri() {
        for (line, want) in [
            ("<1>1 - - - - - -", Ok("1")),
            ("<191>1 - - - - - -", Ok("191")),
            ("<192>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<01>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<00>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<1000>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<a>1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<87]1 - - - - - -", Err(Error::SyslogBadPri)),
            ("1 - - - - - -", Err(Error::SyslogBadPri)),
            ("<", Err(Error::SyslogTruncated)),
            ("<12", Err(Error::SyslogTruncated)),
            ("<1234", Err(Error::SyslogBadPri)),
        ] {
            match want {
                Ok(p) => assert_eq!(ok(R, line)[PRI], s(p)),
                Err(e) => assert_eq!(run_mode(R, line.as_bytes()), Err(e), "{line}"),
            }
        }
    }

    #[test]
    fn rfc5424_version() {
        assert_eq!(ok(R, "<1>999 - - - - - -")[VERSION], s("999"));
        assert_eq!(ok(R, "<1>10 - - - - - -")[VERSION], s("10"));
        for line in [
            "<1>0 - - - - - -",
            "<1>01 - - - - - -",
            "<1>1000 - - - - - -",
        ] {
            assert_eq!(err(R, line), Error::SyslogBadVersion, "{line}");
        }
        for line in ["<1>a - - - - - -", "<1>3a", "<1>4a ", "<1> - - - - - -"] {
            assert_eq!(
                run_mode(R, line.as_bytes()),
                Err(Error::SyslogBadVersion),
                "{line}"
            );
        }
        assert_eq!(err(R, "<1>1"), Error::SyslogTruncated);
        assert_eq!(err(R, "<1>"), Error::SyslogTruncated);
    }

    #[test]
    fn rfc5424_timestamp() {
        for ts in [
            "2003-10-11T22:14:15Z",
            "2003-10-11T22:14:15.1Z",
            "2003-10-11T22:14:15.123456Z",
            "2003-08-24T05:14:15.000003-07:00",
            "2018-12-31T23:59:59.999999-23:59",
            "2016-02-29T00:00:00+00:00",
            "2000-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
        ] {
            let line = format!("<1>1 {ts} - - - - -");
            assert_eq!(ok(R, &line)[TIMESTAMP], s(ts), "{ts}");
        }
        for ts in [
            "2003-10-11t22:14:15Z",
            "2003-10-11T22:14:15z",
            "2003-10-11T22:14:15",
            "2003-10-11T22:14:15.Z",
            "2003-10-11T22:14:15.1234567Z",
            "2003-10-11 22:14:15Z",
            "2003-13-11T22:14:15Z",
            "2003-00-11T22:14:15Z",
            "2003-10-00T22:14:15Z",
            "2003-09-31T22:14:15Z",
            "2018-02-29T22:14:15Z",
            "1900-02-29T22:14:15Z",
            "2003-10-11T24:14:15Z",
            "2003-10-11T22:60:15Z",
            "2003-10-11T22:14:60Z",
            "2003-10-11T22:14:15+24:00",
            "2003-10-11T22:14:15+07:60",
            "2003-10-11T22:14:15+0700",
            "2003-10-11T22:14:15Z+07:00",
            "03-10-11T22:14:15Z",
            "--",
            "x",
        ] {
            let line = format!("<1>1 {ts} - - - - -");
            assert_eq!(err(R, &line), Error::SyslogBadTimestamp, "{ts}");
        }
        // Empty (two spaces), cut short, or too long.
        assert_eq!(err(R, "<1>1  - - - - -"), Error::SyslogBadTimestamp);
        assert_eq!(err(R, "<1>1 2003-11-02T23:12"), Error::SyslogBadTimestamp);
        let long = format!("<1>1 2003-10-11T22:14:15.{}Z - - - - -", "1".repeat(40));
        assert_eq!(err(R, &long), Error::SyslogBadTimestamp);
        // Complete but nothing after it.
        assert_eq!(err(R, "<1>1 2003-11-02T23:12:46Z"), Error::SyslogTruncated);
        assert_eq!(err(R, "<1>1 -"), Error::SyslogTruncated);
        assert_eq!(err(R, "<1>1 "), Error::SyslogTruncated);
    }

    #[test]
    fn rfc5424_header_fields() {
        let host = "h".repeat(255);
        let app = "a".repeat(48);
        let procid = "p".repeat(128);
        let msgid = "m".repeat(32);
        let line = format!("<1>1 - {host} {app} {procid} {msgid} -");
        let f = ok(R, &line);
        assert_eq!(&f[3..7], &[s(&host), s(&app), s(&procid), s(&msgid)]);
        for (k, bad) in [
            (0, format!("<1>1 - {host}h {app} {procid} {msgid} -")),
            (1, format!("<1>1 - {host} {app}a {procid} {msgid} -")),
            (2, format!("<1>1 - {host} {app} {procid}p {msgid} -")),
            (3, format!("<1>1 - {host} {app} {procid} {msgid}m -")),
        ] {
            assert_eq!(err(R, &bad), Error::SyslogBadHeader, "field {k}");
        }
        for bad in [
            "<1>1 - ho\tst - - - -",
            "<1>1 - hôst - - - -",
            "<1>1 -  - - - -",
            "<1>1 - - - - \n -",
            "<1>1 - - - - m\nid -",
        ] {
            assert_eq!(err(R, bad), Error::SyslogBadHeader, "{bad:?}");
        }
        for cut in [
            "<1>1 - host",
            "<1>1 - host ",
            "<1>1 - - - -",
            "<1>1 - - - - -",
            "<1>1 - - - - - ",
        ] {
            assert_eq!(err(R, cut), Error::SyslogTruncated, "{cut:?}");
        }
    }

    #[test]
    fn rfc5424_structured_data() {
        let sd = |sd: &str| {
            let line = format!("<1>1 - - - - - {sd} msg");
            let mut out = [Span::ABSENT; 9];
            parse(line.as_bytes(), R, &mut out).map(|_| {
                let s = out[SD];
                (
                    String::from_utf8(s.get(line.as_bytes()).unwrap().to_vec()).unwrap(),
                    s.flags,
                    out[MESSAGE].get(line.as_bytes()) == Some(b"msg"),
                )
            })
        };
        for good in [
            "[id]",
            "[id@32473 a=\"1\" b=\"\"]",
            "[a][b][c x=\"y\"]",
            "[id x=\"κόσμε ⌘ \t\"]",
            "[[x]",
            &format!("[{} {}=\"v\"]", "i".repeat(32), "n".repeat(32)),
        ] {
            assert_eq!(sd(good), Ok((good.to_string(), 0, true)), "{good}");
        }
        for escaped in [r#"[id x="\"\\\]"]"#, r#"[id x="a\\b"][b y="\]"]"#] {
            assert_eq!(
                sd(escaped),
                Ok((escaped.to_string(), LOG_FLAG_ESCAPED, true))
            );
        }
        for bad in [
            "X",
            "-x",
            "[]",
            "[ ]",
            "[=]",
            "[\"]",
            "[]]",
            "[id ]",
            "[id  x=\"1\"]",
            "[id x]",
            "[id x=1]",
            "[id =\"1\"]",
            "[id x=\"]\"]",
            "[id x=\"a]\"]",
            "[id x=\"\"\"]",
            "[id x=\"\\\"]",
            "[id x=\"\\n\"]",
            "[id x=\"1\"]x",
            "[id x=\"1\"]\t[b]",
            "[id][id]",
            "[dupe e=\"1\"][id1][dupe class=\"l\"]",
            "[i\u{e9}d]",
            &format!("[{}]", "i".repeat(33)),
            &format!("[id {}=\"v\"]", "n".repeat(33)),
        ] {
            assert_eq!(sd(bad), Err(Error::SyslogBadStructuredData), "{bad}");
        }
        // Invalid UTF-8 in a value.
        let line = b"<1>1 - - - - - [id x=\"\xff\"]";
        assert_eq!(run_mode(R, line), Err(Error::SyslogBadStructuredData));
        for cut in [
            "[",
            "[id",
            "[id ",
            "[id x",
            "[id x=",
            "[id x=\"",
            "[id x=\"ab",
            "[id x=\"a\\",
            "[id x=\"a\"",
        ] {
            let line = format!("<1>1 - - - - - {cut}");
            assert_eq!(err(R, &line), Error::SyslogTruncated, "{cut}");
        }
        // SD with no message, and SD followed by SP and nothing.
        assert_eq!(ok(R, "<1>1 - - - - - [a]")[SD], s("[a]"));
        assert_eq!(ok(R, "<1>1 - - - - - [a] ")[MESSAGE], None);
    }

    #[test]
    fn rfc5424_sd_many_elements() {
        let ids = |n: usize, dup: Option<usize>| {
            let mut sd = String::new();
            for k in 0..n {
                sd += &format!("[id{}]", if Some(k) == dup { 0 } else { k });
            }
            format!("<1>1 - - - - - {sd}")
        };
        assert!(run_mode(R, ids(8, None).as_bytes()).is_ok());
        assert!(run_mode(R, ids(9, None).as_bytes()).is_ok());
        assert!(run_mode(R, ids(LOG_SYSLOG_MAX_SD_ELEMENTS, None).as_bytes()).is_ok());
        assert_eq!(
            run_mode(R, ids(LOG_SYSLOG_MAX_SD_ELEMENTS + 1, None).as_bytes()),
            Err(Error::SyslogBadStructuredData)
        );
        for dup in [1, 7, 8, 9, 100, LOG_SYSLOG_MAX_SD_ELEMENTS - 1] {
            assert_eq!(
                run_mode(R, ids(LOG_SYSLOG_MAX_SD_ELEMENTS, Some(dup)).as_bytes()),
                Err(Error::SyslogBadStructuredData),
                "dup at {dup}"
            );
        }
        // Same length, same hash prefix or not: only equal bytes collide.
        let line = "<1>1 - - - - - [a][b][c][d][e][f][g][h][i][j][k][l][m][aa][ab][ba]";
        assert!(run_mode(R, line.as_bytes()).is_ok());
    }

    #[test]
    fn rfc5424_bom_message() {
        let (f, flags) = run_mode(R, "<1>1 - - - - - - \u{feff}κόσμε".as_bytes()).unwrap();
        assert_eq!(f[MESSAGE], s("κόσμε"));
        assert_eq!(flags[MESSAGE], LOG_FLAG_BOM);
        // BOM alone: present, empty, flagged.
        let (f, flags) = run_mode(R, "<1>1 - - - - - - \u{feff}".as_bytes()).unwrap();
        assert_eq!((f[MESSAGE], flags[MESSAGE]), (s(""), LOG_FLAG_BOM));
        // BOM then invalid UTF-8.
        for bad in [
            &b"\xff"[..],
            b"\xc3\x28",
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"ch\xe4\xe4s",
        ] {
            let mut line = b"<1>1 - - - - - - \xEF\xBB\xBF".to_vec();
            line.extend_from_slice(bad);
            assert_eq!(run_mode(R, &line), Err(Error::SyslogInvalidUtf8));
        }
        // No BOM: any bytes; a BOM later in MSG is just bytes.
        let line = b"<1>1 - - - - - - fond\xfc \xEF\xBB\xBF";
        let (f, flags) = run_mode(R, line).unwrap();
        assert_eq!((f[MESSAGE], flags[MESSAGE]), (Some(&line[17..]), 0));
    }

    #[test]
    fn rfc3164_messages() {
        let none = None;
        assert_eq!(
            ok(B, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed"),
            [
                s("34"),
                none,
                s("Oct 11 22:14:15"),
                s("mymachine"),
                s("su"),
                none,
                none,
                none,
                s("'su root' failed")
            ]
        );
        let f = ok(
            B,
            "<85>Jan 24 15:50:41 ip-172-31-30-110 sudo[6040]: ec2-user : TTY=pts/0",
        );
        assert_eq!(&f[3..6], &[s("ip-172-31-30-110"), s("sudo"), s("6040")]);
        assert_eq!(f[MESSAGE], s("ec2-user : TTY=pts/0"));
        // No TAG: go-syslog does not take a word without `:` as a TAG.
        let f = ok(B, "<166>Jul  6 20:33:28 ABC-1-234567 Some message here");
        assert_eq!(
            &f[2..],
            &[
                s("Jul  6 20:33:28"),
                s("ABC-1-234567"),
                none,
                none,
                none,
                none,
                s("Some message here")
            ]
        );
        // `[pid]` without `:` or `:` not followed by SP: not a TAG.
        assert_eq!(
            ok(B, "<1>Jul  6 20:33:28 h app[1] x")[MESSAGE],
            s("app[1] x")
        );
        assert_eq!(ok(B, "<1>Jul  6 20:33:28 h a:b c")[APP_NAME], None);
        // TAG then end of line, or `: ` then nothing: no MSG.
        let f = ok(B, "<1>Jul  6 20:33:28 h app[7]:");
        assert_eq!(
            (f[APP_NAME], f[PROCID], f[MESSAGE]),
            (s("app"), s("7"), None)
        );
        assert_eq!(ok(B, "<1>Jul  6 20:33:28 h app: ")[MESSAGE], None);
        // Nothing after the hostname but SP: MSG absent.
        assert_eq!(ok(B, "<1>Jul  6 20:33:28 h ")[MESSAGE], None);
        // MSG keeps every byte, any encoding, leading spaces included.
        let line = b"<1>Jul  6 20:33:28 h t:  caf\xe9 \xEF\xBB\xBF";
        let (f, flags) = run_mode(B, line).unwrap();
        assert_eq!((f[MESSAGE], flags[MESSAGE]), (Some(&line[24..]), 0));
    }

    #[test]
    fn rfc3164_deviations() {
        // No PRI.
        let f = ok(B, "Oct 11 22:14:15 host app: hi");
        assert_eq!(
            (f[PRI], f[HOSTNAME], f[MESSAGE]),
            (None, s("host"), s("hi"))
        );
        // Missing hostname: the first word is a TAG.
        let f = ok(B, "<13>Dec  2 16:31:03 sshd[123]: Accepted key");
        assert_eq!(&f[3..6], &[None, s("sshd"), s("123")]);
        let f = ok(B, "<13>Dec  2 16:31:03 kernel: boot");
        assert_eq!(
            (f[HOSTNAME], f[APP_NAME], f[MESSAGE]),
            (None, s("kernel"), s("boot"))
        );
        // RFC 3339 timestamp (up to 9 fraction digits).
        let f = ok(B, "<28>2019-12-02T16:49:23+02:00 host app[23410]: Test");
        assert_eq!(
            &f[2..6],
            &[
                s("2019-12-02T16:49:23+02:00"),
                s("host"),
                s("app"),
                s("23410")
            ]
        );
        let ts = "2019-12-02T16:49:23.123456789Z";
        assert_eq!(ok(B, &format!("{ts} h m"))[TIMESTAMP], s(ts));
        assert_eq!(
            err(B, "2019-12-02T16:49:23.1234567891Z h m"),
            Error::SyslogBadTimestamp
        );
        // Day padding: space, zero, none.
        for ts in [
            "Aug  7 06:30:00",
            "Aug 07 06:30:00",
            "Aug 7 06:30:00",
            "Feb 29 00:00:00",
            "Dec 31 23:59:59",
        ] {
            assert_eq!(ok(B, &format!("<1>{ts} h m"))[TIMESTAMP], s(ts), "{ts}");
        }
        // Hostnames may hold `:` (IPv6) and `-`; a TAG name may not.
        let f = ok(B, "<1>Aug  7 06:30:00 fe80::1 ntpd[9]: x");
        assert_eq!(&f[3..6], &[s("fe80::1"), s("ntpd"), s("9")]);
        assert_eq!(ok(B, "<1>Aug  7 06:30:00 - x")[HOSTNAME], s("-"));
        // TAG name 48 bytes max, PID 128 max; longer is not a TAG.
        let name = "n".repeat(48);
        assert_eq!(
            ok(B, &format!("<1>Aug  7 06:30:00 h {name}: x"))[APP_NAME],
            s(&name)
        );
        assert_eq!(
            ok(B, &format!("<1>Aug  7 06:30:00 h {name}n: x"))[APP_NAME],
            None
        );
        let pid = "1".repeat(128);
        assert_eq!(
            ok(B, &format!("<1>Aug  7 06:30:00 h a[{pid}]: x"))[PROCID],
            s(&pid)
        );
        assert_eq!(
            ok(B, &format!("<1>Aug  7 06:30:00 h a[{pid}1]: x"))[APP_NAME],
            None
        );
        assert_eq!(ok(B, "<1>Aug  7 06:30:00 h a[]: x")[APP_NAME], None);
    }

    #[test]
    fn rfc3164_errors() {
        for (line, want) in [
            ("<13>Dec  2 16:31:03 -", Error::SyslogTruncated),
            ("<13>Dec  2 16:31:03 host", Error::SyslogTruncated),
            ("<13>Dec  2 16:31:03 ", Error::SyslogTruncated),
            ("<13>Dec  2 16:31:03", Error::SyslogTruncated),
            ("<13>", Error::SyslogTruncated),
            ("<13", Error::SyslogTruncated),
            ("<192>Dec  2 16:31:03 h m", Error::SyslogBadPri),
            ("<013>Dec  2 16:31:03 h m", Error::SyslogBadPri),
            ("<x>Dec  2 16:31:03 h m", Error::SyslogBadPri),
            ("<13>dec  2 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  2 16:31 h m", Error::SyslogBadTimestamp),
            ("<13>Dec 32 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec 00 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  0 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Feb 30 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Apr 31 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  2 24:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  2 16:60:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  2 16:31:60 h m", Error::SyslogBadTimestamp),
            ("<13>Dec  2 16:31:03x h m", Error::SyslogBadTimestamp),
            ("<13>Dec   2 16:31:03 h m", Error::SyslogBadTimestamp),
            ("<13>Dec", Error::SyslogBadTimestamp),
            ("<13>2019-12-02 h m", Error::SyslogBadTimestamp),
            ("<13>2019-02-29T16:49:23Z h m", Error::SyslogBadTimestamp),
            ("<13> Dec  2 16:31:03 h m", Error::SyslogBadTimestamp),
            ("hello world", Error::SyslogBadTimestamp),
            ("<13>Dec  2 16:31:03  h m", Error::SyslogBadHeader),
            (
                "<13>Dec  2 16:31:03 h\u{e9}llo world",
                Error::SyslogBadHeader,
            ),
        ] {
            assert_eq!(run_mode(B, line.as_bytes()), Err(want), "{line:?}");
            assert!(
                run_mode(SyslogMode::Auto, line.as_bytes()).is_err(),
                "{line:?}"
            );
        }
        let host = "h".repeat(256);
        assert_eq!(
            err(B, &format!("<1>Dec  2 16:31:03 {host} m")),
            Error::SyslogBadHeader
        );
        let host = "h".repeat(255);
        assert_eq!(
            ok(B, &format!("<1>Dec  2 16:31:03 {host} m"))[HOSTNAME],
            s(&host)
        );
    }

    #[test]
    fn common_errors() {
        for mode in [R, B, SyslogMode::Auto] {
            assert_eq!(run_mode(mode, b""), Err(Error::EmptyLine));
            assert_eq!(run_mode(mode, b"\n"), Err(Error::EmptyLine));
            assert_eq!(run_mode(mode, b"\r\n"), Err(Error::EmptyLine));
        }
    }

    #[test]
    fn auto_detection() {
        // 5424 shape: PRI, 1-3 digit VERSION without leading zero, SP.
        assert!(looks_rfc5424(b"<1>1 "));
        assert!(looks_rfc5424(b"<191>999 x"));
        assert!(!looks_rfc5424(b"<1>0 "));
        assert!(!looks_rfc5424(b"<1>1000 "));
        assert!(!looks_rfc5424(b"<1>1"));
        assert!(!looks_rfc5424(b"<1>Jan  1 00:00:00 h m"));
        assert!(!looks_rfc5424(b"<1>2019-12-02T16:49:23Z h m"));
        assert!(!looks_rfc5424(b"1 - - - - - -"));
        assert!(!looks_rfc5424(b"<1234>1 "));
        // Parsed by the right grammar.
        let mut out = [Span::ABSENT; 9];
        assert_eq!(
            parse(b"<1>1 - h - - - -", SyslogMode::Auto, &mut out),
            Ok(3)
        );
        assert_eq!(
            parse(b"<1>Jan  1 00:00:00 h m", SyslogMode::Auto, &mut out),
            Ok(4)
        );
        assert_eq!(out[VERSION], Span::ABSENT);
        // Bad PRI: the same error whichever way.
        assert_eq!(
            parse(b"<999>1 - - - - - -", SyslogMode::Auto, &mut out),
            Err(Error::SyslogBadPri)
        );
    }

    #[test]
    fn pri_helpers() {
        assert_eq!(priority_value(b"0"), Some(0));
        assert_eq!(priority_value(b"191"), Some(191));
        for bad in [&b""[..], b"00", b"01", b"192", b"1000", b"-1", b"1a", b" 1"] {
            assert_eq!(priority_value(bad), None);
        }
        assert_eq!((facility(b"34"), severity(b"34")), (Some(4), Some(2)));
        assert_eq!((facility(b"191"), severity(b"191")), (Some(23), Some(7)));
        assert_eq!((facility(b"0"), severity(b"0")), (Some(0), Some(0)));
        assert_eq!((facility(b"x"), severity(b"x")), (None, None));
    }

    #[test]
    fn sd_iterator() {
        let sd = br#"[a x="1" y="q\"\\\]" x="2"][b][c@1 z=""]"#;
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        type Element = (String, Vec<(String, String, bool)>);
        let got: Vec<Element> = sd_elements(sd)
            .map(|e| {
                let params = e
                    .params()
                    .map(|p| (text(p.name()), text(p.value()), p.is_escaped()));
                (text(e.id()), params.collect())
            })
            .collect();
        let want = |id: &str, params: &[(&str, &str, bool)]| {
            let params = params
                .iter()
                .map(|&(n, v, e)| (n.to_string(), v.to_string(), e));
            (id.to_string(), params.collect::<Vec<_>>())
        };
        assert_eq!(
            got,
            vec![
                want(
                    "a",
                    &[
                        ("x", "1", false),
                        ("y", r#"q\"\\\]"#, true),
                        ("x", "2", false)
                    ]
                ),
                want("b", &[]),
                want("c@1", &[("z", "", false)]),
            ]
        );
        let e = sd_elements(sd).next().unwrap();
        assert_eq!(e.id_offset(), 1);
        let p = e.params().nth(1).unwrap();
        let span = p.value_span();
        assert_eq!(span.get(sd), Some(&br#"q\"\\\]"#[..]));
        assert_eq!(span.flags, LOG_FLAG_ESCAPED);
        let mut buf = [0u8; 8];
        assert_eq!(
            unescape_param_value(p.value(), &mut buf),
            Some(&br#"q"\]"#[..])
        );
        assert_eq!(unescape_param_value(p.value(), &mut [0u8; 3]), None);
        assert_eq!(
            unescape_param_value(br"a\nb\", &mut buf),
            Some(&br"a\nb\"[..])
        );
    }

    #[test]
    fn sd_iterator_never_panics() {
        // Every prefix and a few mutations of a valid SD, plus junk.
        let base = br#"[a x="1" y="q\"\\\]"][b][c z=""]"#;
        let mut inputs: Vec<Vec<u8>> = (0..=base.len()).map(|k| base[..k].to_vec()).collect();
        for k in 0..base.len() {
            for b in [b'[', b']', b'"', b'\\', b' ', b'=', 0xff] {
                let mut v = base.to_vec();
                v[k] = b;
                inputs.push(v);
            }
        }
        inputs.extend([
            b"".to_vec(),
            b"x".to_vec(),
            b"[[[[".to_vec(),
            b"]]]]".to_vec(),
            b"[a \\".to_vec(),
        ]);
        for sd in &inputs {
            for e in sd_elements(sd).take(100) {
                let _ = (e.id(), e.id_offset());
                for p in e.params().take(100) {
                    let _ = (p.name(), p.value(), p.value_span().get(sd));
                }
            }
        }
    }
}
