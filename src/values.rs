//! Typed values: turn a field's bytes into a number, a boolean, a Unix
//! timestamp, or its unescaped text.
//!
//! Every function takes the field's raw bytes (what [`Span::get`] returns),
//! allocates nothing, runs in time linear in its input and never panics,
//! whatever the input is. The C ABI has the same functions as
//! `log_value_*`, `log_time_*` and `log_unescape_*`.
//!
//! # Rules
//! The syntax accepted is the one log writers produce; anything around the
//! value (spaces, quotes, brackets) must be removed by the caller, and is
//! an error otherwise.
//!
//! **Integers** ([`parse_i64`], [`parse_u64`]): ASCII decimal digits, with
//! a leading `-` for [`parse_i64`] only. No `+`, no spaces, no `_`, no
//! `0x`; leading zeros are allowed and mean nothing (`007` is 7). A value
//! that does not fit is [`Error::ValueOutOfRange`], never a wrapped value;
//! any other text (including the empty string) is [`Error::ValueSyntax`].
//! `-0` is 0.
//!
//! **Floats** ([`parse_f64`]): `-?D+(\.D+)?([eE][+-]?D+)?` where `D+` is
//! one or more ASCII digits: the JSON number grammar, except that leading
//! zeros are allowed. So `1`, `-0.5`, `1e9`, `2.5E-3` are accepted; `+1`,
//! `.5`, `5.`, `1e`, `inf`, `NaN`, `0x1p3` are [`Error::ValueSyntax`]. The
//! result is the nearest `f64` (correctly rounded, as `str::parse`). A
//! value too large for `f64` (it would round to infinity, e.g. `1e309`) is
//! [`Error::ValueOutOfRange`]; a value too small rounds to `0.0` or a
//! subnormal, like every JSON parser.
//!
//! **Booleans** ([`parse_bool`]): the set Go's `strconv.ParseBool`
//! accepts, nothing else: `true`, `True`, `TRUE`, `t`, `T`, `1` and
//! `false`, `False`, `FALSE`, `f`, `F`, `0`.
//!
//! **Timestamps** ([`parse_rfc3339`], [`parse_clf_time`],
//! [`parse_rfc3164_time`]) give signed nanoseconds since
//! 1970-01-01T00:00:00Z, so they cover 1677-09-21T00:12:43.145224192Z to
//! 2262-04-11T23:47:16.854775807Z; a valid time outside that range is
//! [`Error::ValueOutOfRange`]. Text that is not the format, or a field out
//! of range (month 13, 31 April, 29 February of a common year, hour 24,
//! second 60, offset hour 24), is [`Error::ValueBadTime`]. Leap seconds
//! (`:60`) are rejected, as Go's `time.Parse` and JavaScript's `Date` do:
//! Unix time cannot represent them. Month names are the English
//! abbreviations `Jan` ... `Dec` in any ASCII case.
//!
//! **Unescaping** ([`unescape_json`], [`unescape_logfmt`],
//! [`unescape_access`]) decodes into a buffer you own and returns the
//! decoded length. Unescaping never makes text longer, so an `out` of
//! `raw.len()` bytes always suffices: every escape is at least as long as
//! what it decodes to (`\n` 2 bytes to 1, `\xHH` and `\ooo` 4 to 1,
//! `\uXXXX` 6 to at most 3, including a surrogate replaced by U+FFFD, a
//! surrogate pair 12 to 4, `\UXXXXXXXX` 10 to at most 4), and every other
//! byte is copied as one byte. A smaller `out` that cannot hold the result
//! is [`Error::OutputTooSmall`]. On any error nothing at all is written to
//! `out`. Bytes that are not part of an escape are copied as they are:
//! the unescapers do not validate or repair UTF-8 (the JSON parser has
//! validated JSON strings already).
//!
//! [`Span::get`]: crate::Span::get

use crate::error::Error;

// ------------------------------------------------------------- numbers

/// Value of the ASCII decimal digits of `digits` (at least one), or
/// `ValueSyntax` for any other byte, or `ValueOutOfRange` when it exceeds
/// `u64`. A syntax error anywhere wins over an overflow.
#[inline]
fn decimal_u64(digits: &[u8]) -> Result<u64, Error> {
    if digits.is_empty() {
        return Err(Error::ValueSyntax);
    }
    let mut v: u64 = 0;
    let mut overflow = false;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(Error::ValueSyntax);
        }
        match v.checked_mul(10).and_then(|v| v.checked_add(u64::from(d))) {
            Some(n) => v = n,
            None => overflow = true,
        }
    }
    if overflow {
        Err(Error::ValueOutOfRange)
    } else {
        Ok(v)
    }
}

/// Parse a signed decimal integer: `-?[0-9]+`.
///
/// No `+`, no spaces; leading zeros are allowed. Out of the `i64` range is
/// [`Error::ValueOutOfRange`]; other text is [`Error::ValueSyntax`].
///
/// ```
/// use logspan::{values::parse_i64, Error};
///
/// assert_eq!(parse_i64(b"-42"), Ok(-42));
/// assert_eq!(parse_i64(b"-9223372036854775808"), Ok(i64::MIN));
/// assert_eq!(parse_i64(b"9223372036854775808"), Err(Error::ValueOutOfRange));
/// assert_eq!(parse_i64(b"+1"), Err(Error::ValueSyntax));
/// assert_eq!(parse_i64(b" 1"), Err(Error::ValueSyntax));
/// ```
pub fn parse_i64(s: &[u8]) -> Result<i64, Error> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    let m = decimal_u64(digits)?;
    if neg {
        if m <= i64::MAX as u64 {
            Ok(-(m as i64))
        } else if m == i64::MAX as u64 + 1 {
            Ok(i64::MIN)
        } else {
            Err(Error::ValueOutOfRange)
        }
    } else {
        i64::try_from(m).map_err(|_| Error::ValueOutOfRange)
    }
}

/// Parse an unsigned decimal integer: `[0-9]+`.
///
/// No sign (not even `-0`), no spaces; leading zeros are allowed. Above
/// `u64::MAX` is [`Error::ValueOutOfRange`]; other text is
/// [`Error::ValueSyntax`].
///
/// ```
/// use logspan::{values::parse_u64, Error};
///
/// assert_eq!(parse_u64(b"200"), Ok(200));
/// assert_eq!(parse_u64(b"18446744073709551615"), Ok(u64::MAX));
/// assert_eq!(parse_u64(b"18446744073709551616"), Err(Error::ValueOutOfRange));
/// assert_eq!(parse_u64(b"-1"), Err(Error::ValueSyntax));
/// ```
pub fn parse_u64(s: &[u8]) -> Result<u64, Error> {
    decimal_u64(s)
}

/// Length of the run of ASCII digits at the start of `s`.
#[inline]
fn digit_run(s: &[u8]) -> usize {
    s.iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len())
}

/// Parse a decimal floating-point number:
/// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
///
/// The JSON number grammar with leading zeros allowed; integers are
/// accepted. The result is correctly rounded. A value whose magnitude is
/// too large for `f64` is [`Error::ValueOutOfRange`] (no infinities); a
/// tiny one rounds to zero. `inf`, `nan`, `.5`, `5.`, `+1` are
/// [`Error::ValueSyntax`].
///
/// ```
/// use logspan::{values::parse_f64, Error};
///
/// assert_eq!(parse_f64(b"-1.5e3"), Ok(-1500.0));
/// assert_eq!(parse_f64(b"0.1"), Ok(0.1));
/// assert_eq!(parse_f64(b"42"), Ok(42.0));
/// assert_eq!(parse_f64(b"1e309"), Err(Error::ValueOutOfRange));
/// assert_eq!(parse_f64(b".5"), Err(Error::ValueSyntax));
/// assert_eq!(parse_f64(b"NaN"), Err(Error::ValueSyntax));
/// ```
pub fn parse_f64(s: &[u8]) -> Result<f64, Error> {
    let mut i = usize::from(s.first() == Some(&b'-'));
    let n = digit_run(&s[i..]);
    if n == 0 {
        return Err(Error::ValueSyntax);
    }
    i += n;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let n = digit_run(&s[i..]);
        if n == 0 {
            return Err(Error::ValueSyntax);
        }
        i += n;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = digit_run(&s[i..]);
        if n == 0 {
            return Err(Error::ValueSyntax);
        }
        i += n;
    }
    if i != s.len() {
        return Err(Error::ValueSyntax);
    }
    // The grammar above is ASCII and a subset of what `f64::from_str`
    // accepts, so neither step can fail; map errors anyway (no panic).
    let text = core::str::from_utf8(s).map_err(|_| Error::ValueSyntax)?;
    let v: f64 = text.parse().map_err(|_| Error::ValueSyntax)?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::ValueOutOfRange)
    }
}

/// Parse a boolean: the spellings of Go's `strconv.ParseBool`.
///
/// `true`, `True`, `TRUE`, `t`, `T`, `1` are true; `false`, `False`,
/// `FALSE`, `f`, `F`, `0` are false; anything else (`yes`, `tRuE`, ` true`,
/// the empty string) is [`Error::ValueSyntax`].
///
/// ```
/// use logspan::{values::parse_bool, Error};
///
/// assert_eq!(parse_bool(b"true"), Ok(true));
/// assert_eq!(parse_bool(b"False"), Ok(false));
/// assert_eq!(parse_bool(b"1"), Ok(true));
/// assert_eq!(parse_bool(b"yes"), Err(Error::ValueSyntax));
/// ```
pub fn parse_bool(s: &[u8]) -> Result<bool, Error> {
    match s {
        b"true" | b"True" | b"TRUE" | b"t" | b"T" | b"1" => Ok(true),
        b"false" | b"False" | b"FALSE" | b"f" | b"F" | b"0" => Ok(false),
        _ => Err(Error::ValueSyntax),
    }
}

// ---------------------------------------------------------- timestamps

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Days from 1970-01-01 to the proleptic Gregorian date `y-m-d` (Howard
/// Hinnant's `days_from_civil`). `m` in 1..=12, `d` in 1..=31; exact for
/// every `i32` year (the arithmetic is done in `i64`).
#[inline]
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400; // [0, 399]
    let mp = i64::from((m + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

#[inline]
fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

#[inline]
fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The two ASCII digits at `s[i..i + 2]`.
#[inline]
fn two(s: &[u8], i: usize) -> Result<u32, Error> {
    match s.get(i..i + 2) {
        Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => Err(Error::ValueBadTime),
    }
}

/// The four ASCII digits at `s[i..i + 4]`.
#[inline]
fn four(s: &[u8], i: usize) -> Result<u32, Error> {
    Ok(two(s, i)? * 100 + two(s, i + 2)?)
}

#[inline]
fn expect(s: &[u8], i: usize, c: u8) -> Result<(), Error> {
    if s.get(i) == Some(&c) {
        Ok(())
    } else {
        Err(Error::ValueBadTime)
    }
}

/// Month number of an English three-letter abbreviation, any ASCII case.
fn month(s: &[u8], i: usize) -> Result<u32, Error> {
    const NAMES: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let name = s.get(i..i + 3).ok_or(Error::ValueBadTime)?;
    let lower = [
        name[0].to_ascii_lowercase(),
        name[1].to_ascii_lowercase(),
        name[2].to_ascii_lowercase(),
    ];
    NAMES
        .iter()
        .position(|n| **n == lower)
        .map(|p| p as u32 + 1)
        .ok_or(Error::ValueBadTime)
}

/// A validated civil time and UTC offset, to Unix nanoseconds.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    nanos: u32,
    /// Seconds east of UTC.
    offset: i32,
}

impl Civil {
    fn unix_nanos(&self) -> Result<i64, Error> {
        if !(1..=12).contains(&self.month)
            || self.day == 0
            || self.day > days_in_month(self.year, self.month)
            || self.hour > 23
            || self.min > 59
            || self.sec > 59
        {
            return Err(Error::ValueBadTime);
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = i128::from(days) * 86_400
            + i128::from(self.hour * 3600 + self.min * 60 + self.sec)
            - i128::from(self.offset);
        let ns = secs * NANOS_PER_SEC + i128::from(self.nanos);
        i64::try_from(ns).map_err(|_| Error::ValueOutOfRange)
    }
}

/// `±hh:mm` or `±hhmm` at `s[i..]`, which must end `s`; seconds east.
fn numeric_offset(s: &[u8], i: usize, colon_optional: bool) -> Result<i32, Error> {
    let sign = match s.get(i) {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(Error::ValueBadTime),
    };
    let hh = two(s, i + 1)?;
    let mut j = i + 3;
    if colon_optional && s.get(j) == Some(&b':') {
        j += 1;
    }
    let mm = two(s, j)?;
    if j + 2 != s.len() || hh > 23 || mm > 59 {
        return Err(Error::ValueBadTime);
    }
    Ok(sign * (hh * 3600 + mm * 60) as i32)
}

/// Parse an RFC 3339 / ISO 8601 timestamp to Unix nanoseconds.
///
/// The form is `YYYY-MM-DD`, a separator `T`, `t` or one space,
/// `hh:mm:ss`, an optional fraction, and a zone:
/// - the fraction is `.` (or `,`, as ISO 8601 allows) and one or more
///   digits; digits past the ninth (below a nanosecond) are ignored
///   (truncated, as Go's `time.Parse` does);
/// - the zone is `Z`, `z`, `±hh:mm` or `±hhmm` (offset hours 00-23,
///   minutes 00-59; `-00:00` is UTC). A zone is required: a local time
///   without offset is [`Error::ValueBadTime`], since the offset is
///   unknown.
///
/// Years are four digits (0000-9999); the date must exist (leap years
/// included), hours are 00-23, seconds 00-59. Instants outside the `i64`
/// nanosecond range (before 1677-09-21, after 2262-04-11) are
/// [`Error::ValueOutOfRange`].
///
/// ```
/// use logspan::{values::parse_rfc3339, Error};
///
/// assert_eq!(parse_rfc3339(b"1970-01-01T00:00:01Z"), Ok(1_000_000_000));
/// assert_eq!(parse_rfc3339(b"1985-04-12T23:20:50.52Z"), Ok(482_196_050_520_000_000));
/// assert_eq!(parse_rfc3339(b"1996-12-19T16:39:57-08:00"), Ok(851_042_397_000_000_000));
/// assert_eq!(parse_rfc3339(b"2024-05-01 12:00:00.000123+0200"), Ok(1_714_557_600_000_123_000));
/// assert_eq!(parse_rfc3339(b"2023-02-29T00:00:00Z"), Err(Error::ValueBadTime));
/// assert_eq!(parse_rfc3339(b"2024-05-01T12:00:00"), Err(Error::ValueBadTime)); // no zone
/// ```
pub fn parse_rfc3339(s: &[u8]) -> Result<i64, Error> {
    let year = four(s, 0)?;
    expect(s, 4, b'-')?;
    let month = two(s, 5)?;
    expect(s, 7, b'-')?;
    let day = two(s, 8)?;
    if !matches!(s.get(10), Some(b'T' | b't' | b' ')) {
        return Err(Error::ValueBadTime);
    }
    let hour = two(s, 11)?;
    expect(s, 13, b':')?;
    let min = two(s, 14)?;
    expect(s, 16, b':')?;
    let sec = two(s, 17)?;
    let mut i = 19;
    let mut nanos = 0u32;
    if matches!(s.get(i), Some(b'.' | b',')) {
        i += 1;
        let n = digit_run(&s[i..]);
        if n == 0 {
            return Err(Error::ValueBadTime);
        }
        let mut scale = 100_000_000;
        for &d in &s[i..i + n.min(9)] {
            nanos += u32::from(d - b'0') * scale;
            scale /= 10;
        }
        i += n;
    }
    let offset = match s.get(i) {
        Some(b'Z' | b'z') if i + 1 == s.len() => 0,
        Some(b'+' | b'-') => numeric_offset(s, i, true)?,
        _ => return Err(Error::ValueBadTime),
    };
    Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        min,
        sec,
        nanos,
        offset,
    }
    .unix_nanos()
}

/// Parse the Common Log Format time of access logs,
/// `DD/Mon/YYYY:hh:mm:ss ±hhmm`, to Unix nanoseconds.
///
/// Exactly that form: a two-digit day, an English month abbreviation (any
/// ASCII case), a four-digit year, one space and a four-digit offset. The
/// brackets around it in a log line are not part of it (the
/// `LOG_FIELD_TIME` span excludes them).
///
/// ```
/// use logspan::{values::parse_clf_time, Error};
///
/// assert_eq!(parse_clf_time(b"10/Oct/2000:13:55:36 -0700"), Ok(971_211_336_000_000_000));
/// assert_eq!(parse_clf_time(b"[10/Oct/2000:13:55:36 -0700]"), Err(Error::ValueBadTime));
/// ```
pub fn parse_clf_time(s: &[u8]) -> Result<i64, Error> {
    let day = two(s, 0)?;
    expect(s, 2, b'/')?;
    let month = month(s, 3)?;
    expect(s, 6, b'/')?;
    let year = four(s, 7)?;
    expect(s, 11, b':')?;
    let hour = two(s, 12)?;
    expect(s, 14, b':')?;
    let min = two(s, 15)?;
    expect(s, 17, b':')?;
    let sec = two(s, 18)?;
    expect(s, 20, b' ')?;
    let offset = numeric_offset(s, 21, false)?;
    Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        min,
        sec,
        nanos: 0,
        offset,
    }
    .unix_nanos()
}

/// Parse a BSD syslog (RFC 3164) timestamp, `Mmm dd hh:mm:ss`, to Unix
/// nanoseconds, with the year the caller supplies (the format has none).
///
/// The time is taken as UTC: the format has no zone either, so convert
/// yourself if the sender logged local time. The day is space-padded as
/// the RFC says (`Oct  1`), or zero-padded (`Oct 01`) or unpadded
/// (`Oct 1`) as some senders write it (the forms the syslog parser
/// accepts); the month is an English abbreviation in any ASCII case.
/// 29 February is valid only when `year` is a leap year. A `year` whose
/// instant falls outside the `i64` nanosecond range (roughly before 1677
/// or after 2262) is [`Error::ValueOutOfRange`].
///
/// ```
/// use logspan::{values::parse_rfc3164_time, Error};
///
/// assert_eq!(parse_rfc3164_time(b"Oct 11 22:14:15", 2003), Ok(1_065_910_455_000_000_000));
/// assert_eq!(parse_rfc3164_time(b"Oct  1 22:14:15", 2003), Ok(1_065_046_455_000_000_000));
/// assert_eq!(parse_rfc3164_time(b"Oct 1 22:14:15", 2003), Ok(1_065_046_455_000_000_000));
/// assert_eq!(parse_rfc3164_time(b"Feb 29 00:00:00", 2023), Err(Error::ValueBadTime));
/// ```
pub fn parse_rfc3164_time(s: &[u8], year: i32) -> Result<i64, Error> {
    let month = month(s, 0)?;
    expect(s, 3, b' ')?;
    // The day, and where the time starts.
    let (day, t) = match s.get(4..6) {
        Some(&[b' ', d]) if d.is_ascii_digit() => (u32::from(d - b'0'), 7),
        Some(&[d, b' ']) if d.is_ascii_digit() => (u32::from(d - b'0'), 6),
        _ => (two(s, 4)?, 7),
    };
    expect(s, t - 1, b' ')?;
    let hour = two(s, t)?;
    expect(s, t + 2, b':')?;
    let min = two(s, t + 3)?;
    expect(s, t + 5, b':')?;
    let sec = two(s, t + 6)?;
    if s.len() != t + 8 {
        return Err(Error::ValueBadTime);
    }
    Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        min,
        sec,
        nanos: 0,
        offset: 0,
    }
    .unix_nanos()
}

// ----------------------------------------------------------- unescaping

/// Where decoded bytes go: first counted, then written once the count is
/// known to fit, so that a failing call writes nothing.
trait Sink {
    fn byte(&mut self, b: u8);
    fn bytes(&mut self, s: &[u8]);
    fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.bytes(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// Counts the decoded length.
struct Count(usize);

impl Sink for Count {
    #[inline]
    fn byte(&mut self, _: u8) {
        self.0 += 1;
    }
    #[inline]
    fn bytes(&mut self, s: &[u8]) {
        self.0 += s.len();
    }
}

/// Writes into a buffer already known to be large enough. Bounds are
/// still checked (a write that would not fit is dropped, never a panic).
struct Write<'a> {
    out: &'a mut [u8],
    n: usize,
}

impl Sink for Write<'_> {
    #[inline]
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.out.get_mut(self.n) {
            *slot = b;
        }
        self.n += 1;
    }
    #[inline]
    fn bytes(&mut self, s: &[u8]) {
        if let Some(dst) = self.out.get_mut(self.n..self.n + s.len()) {
            dst.copy_from_slice(s);
        }
        self.n += s.len();
    }
}

/// Run `decode` once to count and validate, then once to write.
fn unescape_with(
    raw: &[u8],
    out: &mut [u8],
    decode: impl Fn(&[u8], &mut dyn Sink) -> Result<(), Error>,
) -> Result<usize, Error> {
    let mut count = Count(0);
    decode(raw, &mut count)?;
    let n = count.0;
    debug_assert!(n <= raw.len());
    let Some(dst) = out.get_mut(..n) else {
        return Err(Error::OutputTooSmall);
    };
    let mut w = Write { out: dst, n: 0 };
    decode(raw, &mut w)?;
    debug_assert_eq!(w.n, n);
    Ok(n)
}

#[inline]
fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'a'..=b'f' => Some(u32::from(b - b'a' + 10)),
        b'A'..=b'F' => Some(u32::from(b - b'A' + 10)),
        _ => None,
    }
}

/// The value of the `n` hex digits at `s[i..i + n]`.
#[inline]
fn hex_at(s: &[u8], i: usize, n: usize) -> Option<u32> {
    s.get(i..i + n)?
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc << 4 | hex_val(b)?))
}

/// The code unit of a `\uXXXX` at `s[i..]`.
#[inline]
fn u_escape_at(s: &[u8], i: usize) -> Option<u32> {
    if s.get(i..i + 2)? != b"\\u" {
        return None;
    }
    hex_at(s, i + 2, 4)
}

#[inline]
fn is_high_surrogate(u: u32) -> bool {
    (0xD800..0xDC00).contains(&u)
}

#[inline]
fn is_low_surrogate(u: u32) -> bool {
    (0xDC00..0xE000).contains(&u)
}

#[inline]
fn from_pair(hi: u32, lo: u32) -> char {
    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The two quoted-string dialects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// RFC 8259.
    Json,
    /// go-logfmt (JSON's escapes plus `\'`, other surrogates to U+FFFD)
    /// together with Go's `strconv.Unquote` (`\a \v \xHH \ooo \UXXXXXXXX`).
    Logfmt,
}

/// Decode a JSON or logfmt quoted-string body: escapes start with `\`; a
/// raw `"` or control byte (below 0x20) is an error.
fn decode_quoted(raw: &[u8], sink: &mut dyn Sink, dialect: Dialect) -> Result<(), Error> {
    let (err, go) = match dialect {
        Dialect::Json => (Error::JsonBadString, false),
        Dialect::Logfmt => (Error::LogfmtBadEscape, true),
    };
    let mut i = 0;
    while i < raw.len() {
        let run = raw[i..]
            .iter()
            .position(|&b| b == b'\\' || b == b'"' || b < 0x20)
            .unwrap_or(raw.len() - i);
        sink.bytes(&raw[i..i + run]);
        i += run;
        let Some(&b) = raw.get(i) else { break };
        if b != b'\\' {
            return Err(err);
        }
        let Some(&e) = raw.get(i + 1) else {
            return Err(err);
        };
        // (decoded byte, escape length) for the one-byte results.
        let (byte, used) = match e {
            b'"' | b'\\' | b'/' => (e, 2),
            b'b' => (0x08, 2),
            b'f' => (0x0C, 2),
            b'n' => (b'\n', 2),
            b'r' => (b'\r', 2),
            b't' => (b'\t', 2),
            b'u' => {
                let u = hex_at(raw, i + 2, 4).ok_or(err)?;
                let (c, used) = match char::from_u32(u) {
                    Some(c) => (c, 6),
                    None if go => logfmt_surrogate(raw, i, u),
                    None => json_surrogate(raw, i, u).ok_or(err)?,
                };
                sink.char(c);
                i += used;
                continue;
            }
            _ if !go => return Err(err),
            b'\'' => (e, 2),
            b'a' => (0x07, 2),
            b'v' => (0x0B, 2),
            b'x' => (hex_at(raw, i + 2, 2).ok_or(err)? as u8, 4),
            // Octal: three digits, at most \377.
            b'0'..=b'3' => match raw.get(i + 2..i + 4) {
                Some(&[o1 @ b'0'..=b'7', o2 @ b'0'..=b'7']) => {
                    ((e - b'0') << 6 | (o1 - b'0') << 3 | (o2 - b'0'), 4)
                }
                _ => return Err(err),
            },
            b'U' => {
                let u = hex_at(raw, i + 2, 8).ok_or(err)?;
                sink.char(char::from_u32(u).ok_or(err)?);
                i += 10;
                continue;
            }
            _ => return Err(err),
        };
        sink.byte(byte);
        i += used;
    }
    Ok(())
}

/// JSON: only a high surrogate followed by `\u` + a low one is valid.
fn json_surrogate(raw: &[u8], i: usize, hi: u32) -> Option<(char, usize)> {
    if !is_high_surrogate(hi) {
        return None;
    }
    let lo = u_escape_at(raw, i + 6)?;
    is_low_surrogate(lo).then(|| (from_pair(hi, lo), 12))
}

/// go-logfmt: a valid pair is decoded; any other surrogate becomes U+FFFD
/// and only its own six bytes are consumed.
fn logfmt_surrogate(raw: &[u8], i: usize, hi: u32) -> (char, usize) {
    match u_escape_at(raw, i + 6) {
        Some(lo) if is_high_surrogate(hi) && is_low_surrogate(lo) => (from_pair(hi, lo), 12),
        _ => (char::REPLACEMENT_CHARACTER, 6),
    }
}

/// Decode the body of a JSON string (the text between the quotes, which
/// is what a `LOG_TYPE_STRING` span holds) into `out`; returns the decoded
/// length.
///
/// Escapes are RFC 8259's: `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` and
/// `\uXXXX` (hex digits in either case). A UTF-16 surrogate pair
/// (`\ud83d\ude00`) becomes one 4-byte UTF-8 character; a lone surrogate
/// (a high one not followed by `\u` + a low one, or a low one alone) is an
/// error, as in serde_json, since it has no UTF-8 encoding. Any other
/// escape, a `\` at the end, a raw `"` or a raw control byte (below
/// 0x20) is [`Error::JsonBadString`]. Other bytes are copied as they are.
///
/// `out` of `raw.len()` bytes always suffices; a smaller one that cannot
/// hold the result is [`Error::OutputTooSmall`]. On error nothing is
/// written to `out`.
///
/// ```
/// use logspan::{values::unescape_json, Error};
///
/// let mut out = [0u8; 32];
/// let n = unescape_json(br#"say \"hi\"\n\u00e9\ud83d\ude00"#, &mut out).unwrap();
/// assert_eq!(&out[..n], "say \"hi\"\n\u{e9}\u{1F600}".as_bytes());
/// assert_eq!(unescape_json(br"\ud800", &mut out), Err(Error::JsonBadString));
/// assert_eq!(unescape_json(br"abc", &mut out[..2]), Err(Error::OutputTooSmall));
/// ```
pub fn unescape_json(raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    unescape_with(raw, out, |raw, sink| {
        decode_quoted(raw, sink, Dialect::Json)
    })
}

/// Decode the body of a logfmt quoted value (the text between the quotes:
/// the span of a quoted logfmt value) into `out`; returns the decoded
/// length.
///
/// Two kinds of writers produce quoted logfmt values, and this decodes
/// both, accepting exactly the escapes the logfmt parser accepts:
/// - go-logfmt (`github.com/go-logfmt/logfmt`: go-kit/log and many Go
///   services) quotes with JSON's rules and unquotes with a copy of
///   `encoding/json`'s decoder: `\"` `\\` `\/` `\'` `\b` `\f` `\n` `\r`
///   `\t` `\uXXXX`. A surrogate pair becomes one character; any other
///   surrogate becomes U+FFFD and consumes only its own `\uXXXX`, exactly
///   as go-logfmt does.
/// - Go's `strconv.Quote` (slog's `TextHandler`, logrus) also writes `\a`
///   `\v`, `\xHH` (the byte 0xHH, which need not be UTF-8), octal `\ooo`
///   (three digits, at most `\377`: the byte) and `\UXXXXXXXX` (a Unicode
///   scalar value; a surrogate or a value above U+10FFFF is an error), as
///   `strconv.Unquote` reads them.
///
/// No escape means different things in the two, so decoding their union
/// is unambiguous. Any other escape (`\q`, `\0` without two more octal
/// digits, `\400`, `\u12`), a `\` at the end, a raw `"` and a raw control
/// byte (below 0x20) are [`Error::LogfmtBadEscape`].
///
/// Other bytes are copied as they are, valid UTF-8 or not (go-logfmt
/// would replace invalid bytes with U+FFFD; that can lengthen the text).
/// So `out` of `raw.len()` bytes always suffices; a smaller one that
/// cannot hold the result is [`Error::OutputTooSmall`]. On error nothing
/// is written to `out`.
///
/// ```
/// use logspan::{values::unescape_logfmt, Error};
///
/// let mut out = [0u8; 32];
/// // go-logfmt style
/// let n = unescape_logfmt(br#"it\'s \"ok\"\t\ud800!"#, &mut out).unwrap();
/// assert_eq!(&out[..n], "it's \"ok\"\t\u{FFFD}!".as_bytes());
/// // strconv.Quote style
/// let n = unescape_logfmt(br"\x41\101\a\U0001F600\xff", &mut out).unwrap();
/// assert_eq!(&out[..n], b"AA\x07\xF0\x9F\x98\x80\xff");
/// assert_eq!(unescape_logfmt(br"\q", &mut out), Err(Error::LogfmtBadEscape));
/// ```
pub fn unescape_logfmt(raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    unescape_with(raw, out, |raw, sink| {
        decode_quoted(raw, sink, Dialect::Logfmt)
    })
}

/// Apache / nginx access logs: decode a quoted field (request, referer,
/// user agent, ...: the text between the quotes) into `out`; returns the
/// decoded length. It never fails except for a too-small `out`.
///
/// Decoded: `\"` → `"`, `\\` → `\`, `\xHH` (two hex digits, either case)
/// → the byte 0xHH, and the C escapes Apache's `ap_escape_logitem` writes:
/// `\b` `\n` `\r` `\t` `\v`. nginx writes only `\xHH` (it escapes `"` and
/// `\` as `\x22` and `\x5C`), so one decoder serves both. Every other
/// backslash is kept as it is, with what follows: `\q` stays `\q`, `\x4`
/// followed by a non-hex byte stays as is, a final `\` stays. (Neither
/// server writes a bare backslash, so such text came from elsewhere, e.g.
/// a custom log format; it is passed through rather than rejected.)
///
/// `out` of `raw.len()` bytes always suffices; a smaller one that cannot
/// hold the result is [`Error::OutputTooSmall`] and nothing is written.
///
/// ```
/// use logspan::values::unescape_access;
///
/// let mut out = [0u8; 64];
/// let n = unescape_access(br#"GET /a\x20b \"q\" C:\\dir \w"#, &mut out).unwrap();
/// assert_eq!(&out[..n], br#"GET /a b "q" C:\dir \w"#);
/// ```
pub fn unescape_access(raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    unescape_with(raw, out, |raw, sink| {
        decode_access(raw, sink);
        Ok(())
    })
}

fn decode_access(raw: &[u8], sink: &mut dyn Sink) {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'\\', &raw[i..]) {
        sink.bytes(&raw[i..i + p]);
        i += p;
        let (b, used) = match raw.get(i + 1) {
            Some(&e @ (b'"' | b'\\')) => (e, 2),
            Some(b'b') => (0x08, 2),
            Some(b'n') => (b'\n', 2),
            Some(b'r') => (b'\r', 2),
            Some(b't') => (b'\t', 2),
            Some(b'v') => (0x0B, 2),
            Some(b'x') => match hex_at(raw, i + 2, 2) {
                Some(v) => (v as u8, 4),
                None => (b'\\', 1),
            },
            _ => (b'\\', 1),
        };
        sink.byte(b);
        i += used;
    }
    sink.bytes(&raw[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_epoch_and_eras() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(0, 3, 1), -719_468);
        // Consecutive days are consecutive numbers across a wide range.
        let mut prev = days_from_civil(-1601, 1, 1) - 1;
        for y in -1601..=2401i64 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    let n = days_from_civil(y, m, d);
                    assert_eq!(n, prev + 1, "{y}-{m}-{d}");
                    prev = n;
                }
            }
        }
        // Extreme years do not overflow.
        let _ = days_from_civil(i64::from(i32::MIN), 1, 1);
        let _ = days_from_civil(i64::from(i32::MAX), 12, 31);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && is_leap(0) && is_leap(-4));
        assert!(!is_leap(1900) && !is_leap(2023) && !is_leap(2100) && !is_leap(-1));
    }

    #[test]
    fn integers() {
        assert_eq!(parse_i64(b"0"), Ok(0));
        assert_eq!(parse_i64(b"-0"), Ok(0));
        assert_eq!(parse_i64(b"007"), Ok(7));
        assert_eq!(parse_i64(b"9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            parse_i64(b"-9223372036854775809"),
            Err(Error::ValueOutOfRange)
        );
        assert_eq!(
            parse_i64(b"99999999999999999999"),
            Err(Error::ValueOutOfRange)
        );
        assert_eq!(parse_i64(b"99999999999999999999x"), Err(Error::ValueSyntax));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b" 1",
            b"1 ",
            b"1_000",
            b"0x10",
            b"1.0",
            b"--1",
        ] {
            assert_eq!(parse_i64(bad), Err(Error::ValueSyntax), "{bad:?}");
        }
        assert_eq!(parse_u64(b"-0"), Err(Error::ValueSyntax));
        assert_eq!(parse_u64(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            parse_u64(b"18446744073709551616"),
            Err(Error::ValueOutOfRange)
        );
        let long_zeros = [b'0'; 10_000];
        assert_eq!(parse_u64(&long_zeros), Ok(0));
    }

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"-0"), Ok(-0.0));
        assert!(parse_f64(b"-0").unwrap().is_sign_negative());
        assert_eq!(parse_f64(b"1E+2"), Ok(100.0));
        assert_eq!(parse_f64(b"1e-400"), Ok(0.0));
        assert_eq!(parse_f64(b"1.7976931348623157e308"), Ok(f64::MAX));
        assert_eq!(parse_f64(b"-1e309"), Err(Error::ValueOutOfRange));
        assert_eq!(
            parse_f64(b"1e99999999999999999999"),
            Err(Error::ValueOutOfRange)
        );
        assert_eq!(parse_f64(b"0e99999999999999999999"), Ok(0.0));
        for bad in [
            &b""[..],
            b"-",
            b".5",
            b"5.",
            b"1e",
            b"1e+",
            b"+1",
            b"inf",
            b"NaN",
            b"1.5.2",
            b" 1",
            b"1 ",
            b"0x1p3",
            b"1_0",
            b"-.5",
            b"e5",
        ] {
            assert_eq!(parse_f64(bad), Err(Error::ValueSyntax), "{bad:?}");
        }
    }

    #[test]
    fn times_reject_garbage_without_panicking() {
        let base = b"2024-02-29T23:59:59.123456789+05:30";
        assert!(parse_rfc3339(base).is_ok());
        for n in 0..base.len() {
            assert!(parse_rfc3339(&base[..n]).is_err(), "{n}");
        }
        for bad in [
            &b"2024-13-01T00:00:00Z"[..],
            b"2024-00-01T00:00:00Z",
            b"2024-04-31T00:00:00Z",
            b"2024-01-00T00:00:00Z",
            b"2024-01-01T24:00:00Z",
            b"2024-01-01T00:60:00Z",
            b"2024-01-01T00:00:60Z",
            b"2024-01-01T00:00:00+24:00",
            b"2024-01-01T00:00:00+01:60",
            b"2024-01-01T00:00:00.Z",
            b"2024-01-01T00:00:00Zz",
            b"2024-01-01T00:00:00+01",
            b"2024-01-01T00:00:00+01:000",
            b"2024-01-01X00:00:00Z",
            b"2024-01-01T00:00:00 Z",
            b"+2024-01-01T00:00:00Z",
            b"2024-1-01T00:00:00Z",
        ] {
            assert_eq!(
                parse_rfc3339(bad),
                Err(Error::ValueBadTime),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            parse_rfc3339(b"9999-12-31T23:59:59Z"),
            Err(Error::ValueOutOfRange)
        );
        assert_eq!(
            parse_rfc3339(b"0000-01-01T00:00:00Z"),
            Err(Error::ValueOutOfRange)
        );
    }

    #[test]
    fn unescape_counts_match_writes() {
        let mut out = [0u8; 64];
        for raw in [
            &br#"a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00"#[..],
            b"plain",
            b"",
        ] {
            let n = unescape_json(raw, &mut out).unwrap();
            assert!(n <= raw.len());
            assert_eq!(unescape_json(raw, &mut out[..n]), Ok(n));
        }
    }
}
