//! syslog helpers: decode the `priority` and `structured_data` fields of the
//! `syslog`, `syslog5424` and `syslog3164` specs.
//!
//! The same items as [`formats::syslog`](crate::formats::syslog), where the
//! format's rules are, under a shorter path. In C they are
//! `log_syslog_priority`, `log_syslog_sd_next` and
//! `log_syslog_unescape_param`; in Go `SyslogPriority`, `SDIter` and
//! `AppendUnescapedSDValue`.
//!
//! ```
//! use logspan::syslog::{facility, sd_elements, severity, LOG_SYSLOG_FIELD_PRIORITY,
//!     LOG_SYSLOG_FIELD_STRUCTURED_DATA, LOG_SYSLOG_FIELDS};
//! use logspan::{Parser, Span};
//!
//! let line = br#"<165>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@32473 iut="3"][origin] hi"#;
//! let p = Parser::new("syslog").unwrap();
//! let mut out = [Span::ABSENT; LOG_SYSLOG_FIELDS];
//! p.parse(line, &mut out).unwrap();
//! let pri = out[LOG_SYSLOG_FIELD_PRIORITY].get(line).unwrap();
//! assert_eq!((facility(pri), severity(pri)), (Some(20), Some(5)));
//! let sd = out[LOG_SYSLOG_FIELD_STRUCTURED_DATA].get(line).unwrap();
//! let ids: Vec<&[u8]> = sd_elements(sd).map(|e| e.id()).collect();
//! assert_eq!(ids, [&b"ex@32473"[..], b"origin"]);
//! ```

#[doc(inline)]
pub use crate::formats::syslog::{
    facility, priority_value, sd_elements, severity, unescape_param_value, SdElement, SdElements,
    SdParam, SdParams, LOG_SYSLOG_FIELDS, LOG_SYSLOG_FIELD_APP_NAME, LOG_SYSLOG_FIELD_HOSTNAME,
    LOG_SYSLOG_FIELD_MESSAGE, LOG_SYSLOG_FIELD_MSGID, LOG_SYSLOG_FIELD_PRIORITY,
    LOG_SYSLOG_FIELD_PROCID, LOG_SYSLOG_FIELD_STRUCTURED_DATA, LOG_SYSLOG_FIELD_TIMESTAMP,
    LOG_SYSLOG_FIELD_VERSION, LOG_SYSLOG_MAX_SD_ELEMENTS,
};

use crate::error::Error;
use crate::span::{Span, LOG_FLAG_ESCAPED};

/// Longest SD-ID and PARAM-NAME (RFC 5424 §6.3).
const SD_NAME_MAX: usize = 32;

/// SD-NAME bytes: PRINTUSASCII except `=`, SP, `]`, `"`.
#[inline(always)]
fn is_sd_name(b: u8) -> bool {
    b.wrapping_sub(33) < 94 && !matches!(b, b'=' | b']' | b'"')
}

/// The state of a resumable walk over STRUCTURED-DATA (the C
/// `LogSdCursor`): where the next step starts, and the SD-ID of the element
/// being walked (`id_len == 0` between elements).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SdCursor {
    pub(crate) pos: u32,
    pub(crate) id_off: u32,
    pub(crate) id_len: u32,
}

/// One step of the walk: a parameter of an element, or an element that has
/// none (`name` and `value` absent). Spans are relative to the walked bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SdStep {
    pub(crate) id: Span,
    pub(crate) name: Span,
    pub(crate) value: Span,
    /// The first step of its element.
    pub(crate) element_start: bool,
}

/// The next step of a walk over `sd` from `cur`, checking the syntax of
/// each piece as it goes (the parser's rules, except the uniqueness of
/// SD-IDs and the element count, which need memory a cursor does not
/// have). `Ok(None)` at the end. On `Ok(Some(_))` `cur` has moved; on
/// `Ok(None)` and on an error it is unchanged, so the same call gives the
/// same answer again.
///
/// Each call reads only `sd[cur.pos ..]` up to the end of one parameter
/// (or one SD-ID), so a whole walk reads each byte a bounded number of
/// times: linear in `sd.len()`. Never panics, never indexes outside `sd`,
/// whatever `sd` and `cur` hold.
pub(crate) fn sd_next(sd: &[u8], cur: &mut SdCursor) -> Result<Option<SdStep>, Error> {
    const TRUNC: Error = Error::SyslogTruncated;
    const BAD: Error = Error::SyslogBadStructuredData;
    let len = sd.len();
    if len > crate::LOG_MAX_LINE_LEN {
        return Err(Error::LineTooLong);
    }
    let pos = cur.pos as usize;
    if pos > len || cur.id_off as u64 + cur.id_len as u64 > len as u64 {
        return Err(Error::InvalidArgument);
    }
    if pos == len {
        return Ok(None);
    }
    let mut i = pos;
    let (id, element_start) = match sd[i] {
        b' ' if cur.id_len > 0 => {
            let off = cur.id_off as usize;
            (Span::new(off, off + cur.id_len as usize, 0), false)
        }
        b']' | b'[' => {
            if sd[i] == b']' {
                if cur.id_len == 0 {
                    return Err(BAD);
                }
                i += 1;
                if i == len {
                    return Ok(None);
                }
                if sd[i] != b'[' {
                    return Err(BAD);
                }
            }
            // SD-ID
            i += 1;
            let start = i;
            i += run(sd, i, SD_NAME_MAX + 1, is_sd_name);
            if i == len {
                return Err(TRUNC);
            }
            if i == start || i - start > SD_NAME_MAX {
                return Err(BAD);
            }
            let id = Span::new(start, i, 0);
            match sd[i] {
                b']' => {
                    // Between elements again: only `[` or the end may follow.
                    *cur = SdCursor {
                        pos: (i + 1) as u32,
                        id_off: 0,
                        id_len: 0,
                    };
                    return Ok(Some(SdStep {
                        id,
                        name: Span::ABSENT,
                        value: Span::ABSENT,
                        element_start: true,
                    }));
                }
                b' ' => (id, true),
                _ => return Err(BAD),
            }
        }
        _ => return Err(BAD),
    };
    // sd[i] == b' ': PARAM-NAME="PARAM-VALUE", then SP or `]`.
    i += 1;
    let name_start = i;
    i += run(sd, i, SD_NAME_MAX + 1, is_sd_name);
    if i - name_start > SD_NAME_MAX {
        return Err(BAD);
    }
    if i + 1 >= len {
        return Err(TRUNC);
    }
    if i == name_start || sd[i] != b'=' || sd[i + 1] != b'"' {
        return Err(BAD);
    }
    let name = Span::new(name_start, i, 0);
    i += 2;
    let value_start = i;
    let mut flags = 0;
    loop {
        let Some(k) = memchr::memchr3(b'"', b'\\', b']', &sd[i..]) else {
            return Err(TRUNC);
        };
        let j = i + k;
        match sd[j] {
            b'"' => {
                i = j;
                break;
            }
            b'\\' => match sd.get(j + 1) {
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
    if std::str::from_utf8(&sd[value_start..i]).is_err() {
        return Err(BAD);
    }
    let value = Span::new(value_start, i, flags);
    i += 1; // the closing quote
    match sd.get(i) {
        None => return Err(TRUNC),
        Some(b' ' | b']') => {}
        Some(_) => return Err(BAD),
    }
    *cur = SdCursor {
        pos: i as u32,
        id_off: id.off,
        id_len: id.len,
    };
    Ok(Some(SdStep {
        id,
        name,
        value,
        element_start,
    }))
}

/// How many bytes from `pos` satisfy `class`, counting at most `cap`.
#[inline(always)]
fn run(s: &[u8], pos: usize, cap: usize, class: impl Fn(u8) -> bool) -> usize {
    s[pos..].iter().take(cap).take_while(|&&b| class(b)).count()
}

/// [`unescape_param_value`] with the contract of the `log_unescape_*`
/// functions: the decoded length, or [`Error::OutputTooSmall`] with nothing
/// written when `out` cannot hold the result.
pub(crate) fn unescape_param_into(raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    // Decoded length: each of `\"`, `\\`, `\]` loses one byte.
    let mut n = raw.len();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && matches!(raw.get(i + 1), Some(b'"' | b'\\' | b']')) {
            n -= 1;
            i += 1;
        }
        i += 1;
    }
    let dst = out.get_mut(..n).ok_or(Error::OutputTooSmall)?;
    match unescape_param_value(raw, dst) {
        Some(d) if d.len() == n => Ok(n),
        _ => Err(Error::Panic), // the count above is the decoder's: unreachable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step of a walk, as text: `[id]` for an element start, then
    /// `name=value` (with `\` when escaped), or the error.
    fn walk(sd: &[u8]) -> Vec<String> {
        let mut cur = SdCursor::default();
        let mut got = Vec::new();
        let mut id = Span::ABSENT;
        loop {
            match sd_next(sd, &mut cur) {
                Ok(None) => return got,
                Ok(Some(s)) => {
                    let text = |sp: Span| String::from_utf8_lossy(sp.get(sd).unwrap()).into_owned();
                    if s.element_start {
                        id = s.id;
                        got.push(format!("[{}]", text(s.id)));
                    } else {
                        assert_eq!(s.id, id, "a step inside an element repeats its SD-ID");
                    }
                    if s.name.is_present() {
                        let esc = if s.value.is_escaped() { "\\" } else { "" };
                        got.push(format!("{}={}{esc}", text(s.name), text(s.value)));
                    } else {
                        assert_eq!(s.value, Span::ABSENT);
                    }
                }
                Err(e) => {
                    let before = cur;
                    assert_eq!(sd_next(sd, &mut cur), Err(e), "errors repeat");
                    assert_eq!(cur, before, "an error leaves the cursor");
                    got.push(format!("{e:?}"));
                    return got;
                }
            }
        }
    }

    #[test]
    fn walks_elements_and_params() {
        assert_eq!(walk(b""), Vec::<String>::new());
        assert_eq!(walk(b"[a]"), ["[a]"]);
        assert_eq!(walk(b"[a][b x=\"1\"]"), ["[a]", "[b]", "x=1"]);
        assert_eq!(
            walk(br#"[ex@1 i="3" s="A\]pp" e=""][o]"#),
            ["[ex@1]", "i=3", r"s=A\]pp\", "e=", "[o]"]
        );
    }

    #[test]
    fn stops_at_bad_or_cut_data() {
        assert_eq!(walk(b"x"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b" a=\"1\"]"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b"[a"), ["SyslogTruncated"]);
        assert_eq!(walk(b"[a x=\"1\""), ["SyslogTruncated"]);
        assert_eq!(
            walk(b"[a x=\"1\"]z"),
            ["[a]", "x=1", "SyslogBadStructuredData"]
        );
        assert_eq!(walk(b"[a x=\"1]\"]"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b"[a x=\"\\n\"]"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b"[a x=\"1\"y=\"2\"]"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b"[]"), ["SyslogBadStructuredData"]);
        assert_eq!(walk(b"[a] x=\"1\"]"), ["[a]", "SyslogBadStructuredData"]);
        assert_eq!(walk(b"[a x=\"\xff\"]"), ["SyslogBadStructuredData"]);
        let long = format!("[{}]", "i".repeat(33));
        assert_eq!(walk(long.as_bytes()), ["SyslogBadStructuredData"]);
    }

    #[test]
    fn rejects_a_cursor_outside_the_input() {
        let sd = b"[a]";
        for cur in [
            SdCursor {
                pos: 4,
                id_off: 0,
                id_len: 0,
            },
            SdCursor {
                pos: 0,
                id_off: 2,
                id_len: 2,
            },
            SdCursor {
                pos: 0,
                id_off: u32::MAX,
                id_len: u32::MAX,
            },
        ] {
            let mut c = cur;
            assert_eq!(sd_next(sd, &mut c), Err(Error::InvalidArgument));
            assert_eq!(c, cur);
        }
    }

    #[test]
    fn unescape_into_writes_nothing_when_too_small() {
        let mut out = [7u8; 8];
        assert_eq!(unescape_param_into(br#"a\]b\\\"\n"#, &mut out), Ok(7));
        assert_eq!(&out[..7], br#"a]b\"\n"#);
        let mut small = [7u8; 6];
        assert_eq!(
            unescape_param_into(br#"a\]b\\\"\n"#, &mut small),
            Err(Error::OutputTooSmall)
        );
        assert_eq!(small, [7u8; 6]);
        assert_eq!(unescape_param_into(b"", &mut []), Ok(0));
        assert_eq!(unescape_param_into(b"\\", &mut [0]), Ok(1));
    }
}
