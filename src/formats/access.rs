//! nginx / Apache access logs: the `combined` and `common` (CLF) formats.
//!
//! ```text
//! %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
//! 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08"
//! ```
//!
//! Rules (the README's format table says the same):
//! - fields are separated by exactly one space; `%h %l %u` cannot be empty;
//! - the time is the text between `[` and the first `]`;
//! - quoted fields end at the first `"` not escaped by a backslash; `\"`,
//!   `\\` and `\xHH` stay as they are and set [`LOG_FLAG_ESCAPED`];
//! - a field whose whole value is `-` (or `"-"`) is absent;
//! - status is exactly three digits, body size digits or `-`;
//! - the request line is split into method, path and protocol only when it
//!   has the shape `TOKEN SP TARGET [SP HTTP/x[.y]]` (x, y digits); otherwise (a `"-"`
//!   request, TLS bytes sent to a plain-HTTP port, a target with spaces)
//!   `request` is kept whole and the three parts are absent;
//! - anything after the last field of the format is an error.

use memchr::{memchr, memchr2};

use crate::error::Error;
use crate::span::{Span, LOG_FLAG_ESCAPED};

/// Number of fields `log_parse_fast` writes (and the `combined` and
/// `access` specs have).
pub const LOG_FAST_FIELDS: usize = 12;
/// Number of fields of the `common` spec (the first ten of the order below).
pub const LOG_COMMON_FIELDS: usize = 10;

/// Field index: client address (`%h`, `$remote_addr`).
pub const LOG_FIELD_REMOTE_ADDR: usize = 0;
/// Field index: identd user (`%l`), almost always `-` (absent).
pub const LOG_FIELD_IDENT: usize = 1;
/// Field index: authenticated user (`%u`, `$remote_user`).
pub const LOG_FIELD_REMOTE_USER: usize = 2;
/// Field index: time, inside the brackets (`10/Oct/2000:13:55:36 -0700`).
pub const LOG_FIELD_TIME: usize = 3;
/// Field index: the whole request line, without its quotes.
pub const LOG_FIELD_REQUEST: usize = 4;
/// Field index: request method (`GET`).
pub const LOG_FIELD_METHOD: usize = 5;
/// Field index: request target (`/index.html?q=1`).
pub const LOG_FIELD_PATH: usize = 6;
/// Field index: protocol (`HTTP/1.1`).
pub const LOG_FIELD_PROTOCOL: usize = 7;
/// Field index: status code, three digits.
pub const LOG_FIELD_STATUS: usize = 8;
/// Field index: response body size in bytes.
pub const LOG_FIELD_BODY_BYTES: usize = 9;
/// Field index: referer, without its quotes.
pub const LOG_FIELD_REFERER: usize = 10;
/// Field index: user agent, without its quotes.
pub const LOG_FIELD_USER_AGENT: usize = 11;

/// Field names, in output order.
pub(crate) const FIELD_NAMES: [&str; LOG_FAST_FIELDS] = [
    "remote_addr",
    "ident",
    "remote_user",
    "time",
    "request",
    "method",
    "path",
    "protocol",
    "status",
    "body_bytes",
    "referer",
    "user_agent",
];

/// Which access-log shapes a parser accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccessMode {
    /// Exactly the common format (10 fields).
    Common,
    /// Exactly the combined format (12 fields).
    Combined,
    /// Combined, or common with referer and user agent absent (12 fields);
    /// what `log_parse_fast` does.
    Either,
}

impl AccessMode {
    pub(crate) fn field_count(self) -> usize {
        match self {
            AccessMode::Common => LOG_COMMON_FIELDS,
            AccessMode::Combined | AccessMode::Either => LOG_FAST_FIELDS,
        }
    }
}

/// Parse one line (a trailing `\n` / `\r\n` is ignored) into
/// `out[..mode.field_count()]`, returning how many fields are present.
///
/// `out` must hold at least `mode.field_count()` spans. On error every one
/// of them is set to absent.
pub(crate) fn parse(line: &[u8], mode: AccessMode, out: &mut [Span]) -> Result<usize, Error> {
    let out = &mut out[..mode.field_count()];
    let line = crate::strip_eol(line);
    match parse_inner(line, mode, out) {
        Ok(n) => Ok(n),
        Err(e) => {
            out.fill(Span::ABSENT);
            Err(e)
        }
    }
}

#[inline(always)]
fn field(line: &[u8], start: usize, end: usize, flags: u32) -> Span {
    if end == start + 1 && line[start] == b'-' {
        Span::ABSENT
    } else {
        Span::new(start, end, flags)
    }
}

/// The end of a space-terminated, non-empty field starting at `pos`.
#[inline(always)]
fn word(line: &[u8], pos: usize) -> Result<usize, Error> {
    // These fields are short (an address, usually `-`): a plain loop beats
    // memchr's setup cost.
    match line[pos..].iter().position(|&b| b == b' ') {
        Some(0) => Err(Error::AccessMissingField),
        Some(k) => Ok(pos + k),
        None => Err(Error::AccessTruncated),
    }
}

/// A quoted field whose opening quote is at `pos`: returns the content's
/// start and end (the index of the closing quote) and its flags.
#[inline(always)]
fn quoted(line: &[u8], pos: usize) -> Result<(usize, usize, u32), Error> {
    match line.get(pos) {
        None => return Err(Error::AccessTruncated),
        Some(b'"') => {}
        Some(_) => return Err(Error::AccessBadQuote),
    }
    let start = pos + 1;
    let mut i = start;
    let mut flags = 0;
    loop {
        match memchr2(b'"', b'\\', &line[i..]) {
            None => return Err(Error::AccessUnterminatedQuote),
            Some(k) => {
                let j = i + k;
                if line[j] == b'"' {
                    return Ok((start, j, flags));
                }
                // A backslash escapes the next byte (`\"`, `\\`, `\xHH`).
                flags = LOG_FLAG_ESCAPED;
                i = j + 2;
                if i > line.len() {
                    return Err(Error::AccessUnterminatedQuote);
                }
            }
        }
    }
}

/// After a field that ended at `pos`: require one space, or the end of the
/// line when `end_ok`. Returns the position after the space, or `None` at
/// the end of the line.
#[inline(always)]
pub(crate) fn separator(
    line: &[u8],
    pos: usize,
    bad: Error,
    end_ok: bool,
) -> Result<Option<usize>, Error> {
    match line.get(pos) {
        Some(b' ') => Ok(Some(pos + 1)),
        Some(_) => Err(bad),
        None if end_ok => Ok(None),
        None => Err(Error::AccessTruncated),
    }
}

pub(crate) fn parse_inner(line: &[u8], mode: AccessMode, out: &mut [Span]) -> Result<usize, Error> {
    if line.is_empty() {
        return Err(Error::EmptyLine);
    }
    if line.len() > crate::LOG_MAX_LINE_LEN {
        return Err(Error::LineTooLong);
    }
    // %h %l %u
    let mut pos = 0;
    for f in [
        LOG_FIELD_REMOTE_ADDR,
        LOG_FIELD_IDENT,
        LOG_FIELD_REMOTE_USER,
    ] {
        let end = word(line, pos)?;
        out[f] = field(line, pos, end, 0);
        pos = end + 1;
    }
    // [%t]
    match line.get(pos) {
        None => return Err(Error::AccessTruncated),
        Some(b'[') => {}
        Some(_) => return Err(Error::AccessBadTime),
    }
    let close = match memchr(b']', &line[pos + 1..]) {
        Some(k) => pos + 1 + k,
        None => return Err(Error::AccessTruncated),
    };
    out[LOG_FIELD_TIME] = field(line, pos + 1, close, 0);
    pos = separator(line, close + 1, Error::AccessBadTime, false)?.unwrap_or(0);
    // "%r"
    let (start, end, flags) = quoted(line, pos)?;
    out[LOG_FIELD_REQUEST] = field(line, start, end, flags);
    let [method, path, protocol] = if out[LOG_FIELD_REQUEST].is_present() {
        split_request(line, start, end, flags != 0)
    } else {
        [Span::ABSENT; 3]
    };
    out[LOG_FIELD_METHOD] = method;
    out[LOG_FIELD_PATH] = path;
    out[LOG_FIELD_PROTOCOL] = protocol;
    pos = separator(line, end + 1, Error::AccessBadQuote, false)?.unwrap_or(0);
    // %>s
    let status = line.get(pos..pos + 3).ok_or(Error::AccessTruncated)?;
    if !status.iter().all(u8::is_ascii_digit) {
        return Err(Error::AccessBadStatus);
    }
    out[LOG_FIELD_STATUS] = Span::new(pos, pos + 3, 0);
    pos = separator(line, pos + 3, Error::AccessBadStatus, false)?.unwrap_or(0);
    // %b
    let bytes_end = pos
        + line[pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    let bytes_end = if bytes_end == pos && line.get(pos) == Some(&b'-') {
        pos + 1
    } else {
        bytes_end
    };
    if bytes_end == pos {
        return Err(if pos == line.len() {
            Error::AccessTruncated
        } else {
            Error::AccessBadBytes
        });
    }
    out[LOG_FIELD_BODY_BYTES] = field(line, pos, bytes_end, 0);
    let after_bytes = separator(
        line,
        bytes_end,
        Error::AccessBadBytes,
        mode != AccessMode::Combined,
    )?;
    match (mode, after_bytes) {
        (AccessMode::Common, None) => return Ok(count_present(out)),
        (AccessMode::Common, Some(_)) => return Err(Error::AccessTrailingData),
        (_, None) => {
            out[LOG_FIELD_REFERER] = Span::ABSENT;
            out[LOG_FIELD_USER_AGENT] = Span::ABSENT;
            return Ok(count_present(out));
        }
        (_, Some(p)) => pos = p,
    }
    // "%{Referer}i" "%{User-agent}i"
    let (start, end, flags) = quoted(line, pos)?;
    out[LOG_FIELD_REFERER] = field(line, start, end, flags);
    pos = separator(line, end + 1, Error::AccessBadQuote, false)?.unwrap_or(0);
    let (start, end, flags) = quoted(line, pos)?;
    out[LOG_FIELD_USER_AGENT] = field(line, start, end, flags);
    if end + 1 != line.len() {
        return Err(Error::AccessTrailingData);
    }
    Ok(count_present(out))
}

#[inline(always)]
pub(crate) fn count_present(out: &[Span]) -> usize {
    out.iter().filter(|s| s.is_present()).count()
}

/// `digits` or `digits.digits` (`1.1`, `2`, `3`).
#[inline(always)]
pub(crate) fn is_http_version(v: &[u8]) -> bool {
    let major = v.iter().take_while(|b| b.is_ascii_digit()).count();
    match &v[major..] {
        [] => major > 0,
        [b'.', minor @ ..] => {
            major > 0 && !minor.is_empty() && minor.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// RFC 9110 `tchar`: the bytes a method token may hold.
#[inline(always)]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        c += 1;
    }
    t
};

/// Split `line[start..end]` (a request line) into method, path, protocol,
/// or return all absent when it does not have the shape
/// `TOKEN SP TARGET [SP HTTP/x[.y]]`.
fn split_request(line: &[u8], start: usize, end: usize, escaped: bool) -> [Span; 3] {
    const NONE: [Span; 3] = [Span::ABSENT; 3];
    let req = &line[start..end];
    let Some(sp1) = req.iter().position(|&b| b == b' ') else {
        return NONE;
    };
    if sp1 == 0 || !req[..sp1].iter().all(|&b| is_tchar(b)) {
        return NONE;
    }
    let target_start = sp1 + 1;
    let rest = &req[target_start..];
    let (target_end, protocol) = match memchr(b' ', rest) {
        None => (req.len(), Span::ABSENT),
        Some(k) => {
            let target_end = target_start + k;
            let proto = &req[target_end + 1..];
            let version = match proto.strip_prefix(b"HTTP/") {
                Some(v) => v,
                None => return NONE,
            };
            if !is_http_version(version) {
                return NONE;
            }
            (target_end, Span::new(start + target_end + 1, end, 0))
        }
    };
    if target_end == target_start {
        return NONE;
    }
    let target = &req[target_start..target_end];
    // Only a request with escapes can have a backslash in its target.
    let flags = if escaped && memchr(b'\\', target).is_some() {
        LOG_FLAG_ESCAPED
    } else {
        0
    };
    [
        Span::new(start, start + sp1, 0),
        Span::new(start + target_start, start + target_end, flags),
        protocol,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str, mode: AccessMode) -> Result<Vec<Option<String>>, Error> {
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        let n = parse(line.as_bytes(), mode, &mut out)?;
        let v: Vec<Option<String>> = out[..mode.field_count()]
            .iter()
            .map(|s| {
                s.get(line.as_bytes())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            })
            .collect();
        assert_eq!(n, v.iter().filter(|f| f.is_some()).count());
        Ok(v)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    const APACHE: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;

    #[test]
    fn combined_line() {
        let f = fields(APACHE, AccessMode::Either).unwrap();
        assert_eq!(
            f,
            vec![
                s("127.0.0.1"),
                None,
                s("frank"),
                s("10/Oct/2000:13:55:36 -0700"),
                s("GET /apache_pb.gif HTTP/1.0"),
                s("GET"),
                s("/apache_pb.gif"),
                s("HTTP/1.0"),
                s("200"),
                s("2326"),
                s("http://www.example.com/start.html"),
                s("Mozilla/4.08 [en] (Win98; I ;Nav)"),
            ]
        );
        assert_eq!(fields(APACHE, AccessMode::Combined).unwrap(), f);
        assert_eq!(
            fields(APACHE, AccessMode::Common),
            Err(Error::AccessTrailingData)
        );
    }

    #[test]
    fn common_line_and_eol() {
        let common = "::1 - - [10/Oct/2000:13:55:36 -0700] \"POST /x HTTP/2.0\" 201 -";
        for eol in ["", "\n", "\r\n"] {
            let line = format!("{common}{eol}");
            let f = fields(&line, AccessMode::Either).unwrap();
            assert_eq!(f[0], s("::1"));
            assert_eq!(f[9], None, "body bytes '-' is absent");
            assert_eq!(f[10], None);
            assert_eq!(f[11], None);
            assert_eq!(fields(&line, AccessMode::Common).unwrap()[..], f[..10]);
            assert_eq!(
                fields(&line, AccessMode::Combined),
                Err(Error::AccessTruncated)
            );
        }
    }

    #[test]
    fn escapes_are_flagged_and_kept() {
        let line = r#"1.2.3.4 - - [t] "GET /a\"b HTTP/1.1" 200 1 "-" "x \"q\" \\ y""#;
        let mut out = [Span::ABSENT; 12];
        parse(line.as_bytes(), AccessMode::Either, &mut out).unwrap();
        let ua = out[LOG_FIELD_USER_AGENT];
        assert_eq!(ua.get(line.as_bytes()).unwrap(), br#"x \"q\" \\ y"#);
        assert!(ua.is_escaped());
        assert!(out[LOG_FIELD_PATH].is_escaped());
        assert_eq!(
            out[LOG_FIELD_PATH].get(line.as_bytes()).unwrap(),
            br#"/a\"b"#
        );
        assert!(out[LOG_FIELD_REQUEST].is_escaped());
        assert!(!out[LOG_FIELD_METHOD].is_escaped());
        assert!(!out[LOG_FIELD_REFERER].is_present());
    }

    #[test]
    fn unsplittable_requests_keep_request_only() {
        for req in [
            r#"\x16\x03\x01\x00\xa5\x01"#,
            "GET",
            "GET /a b HTTP/1.1",
            "GET /a FTP/1.0",
            "GET /a HTTP/",
            "GET /a HTTP/1.",
            "GET /a HTTP/.1",
            "GET /a HTTP/1.1.1",
            " /a HTTP/1.1",
            "GET  HTTP/1.1",
        ] {
            let line = format!("1.2.3.4 - - [t] \"{req}\" 400 0 \"-\" \"-\"");
            let f = fields(&line, AccessMode::Either).unwrap();
            assert_eq!(f[4], s(req), "{req}");
            assert_eq!(f[5..8], [None, None, None], "{req}");
        }
        let line = "1.2.3.4 - - [t] \"-\" 408 0 \"-\" \"-\"";
        let f = fields(line, AccessMode::Either).unwrap();
        assert_eq!(f[4..8], [None, None, None, None]);
        // HTTP/0.9: method and path, no protocol.
        let line = "1.2.3.4 - - [t] \"GET /\" 200 0 \"-\" \"-\"";
        let f = fields(line, AccessMode::Either).unwrap();
        assert_eq!(f[5..8], [s("GET"), s("/"), None]);
    }

    #[test]
    fn malformed_lines_are_errors() {
        let cases: &[(&str, Error)] = &[
            ("", Error::EmptyLine),
            ("\n", Error::EmptyLine),
            (
                " - - [t] \"GET / HTTP/1.1\" 200 1",
                Error::AccessMissingField,
            ),
            (
                "1.2.3.4 - - t \"GET / HTTP/1.1\" 200 1",
                Error::AccessBadTime,
            ),
            (
                "1.2.3.4 - - [t]x\"GET / HTTP/1.1\" 200 1",
                Error::AccessBadTime,
            ),
            (
                "1.2.3.4 - - [t] GET / HTTP/1.1 200 1",
                Error::AccessBadQuote,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1 200 1",
                Error::AccessUnterminatedQuote,
            ),
            (
                "1.2.3.4 - - [t] \"GET /\\\"",
                Error::AccessUnterminatedQuote,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 20x 1",
                Error::AccessBadStatus,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 2000 1",
                Error::AccessBadStatus,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 x",
                Error::AccessBadBytes,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 12x",
                Error::AccessBadBytes,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\"",
                Error::AccessTruncated,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua",
                Error::AccessUnterminatedQuote,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\" x",
                Error::AccessTrailingData,
            ),
            (
                "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 ",
                Error::AccessTruncated,
            ),
            ("1.2.3.4 - - [t", Error::AccessTruncated),
        ];
        for (line, want) in cases {
            let mut out = [Span::new(0, 0, 7); 12];
            assert_eq!(
                parse(line.as_bytes(), AccessMode::Either, &mut out),
                Err(*want),
                "{line:?}"
            );
            assert!(out.iter().all(|s| *s == Span::ABSENT), "cleared on error");
        }
    }

    #[test]
    fn every_truncation_of_a_combined_line_is_an_error_or_common() {
        let line = APACHE.as_bytes();
        let common_end = line.iter().position(|&b| b == b'"').unwrap();
        let common_len = common_end
            + line[common_end + 1..]
                .iter()
                .position(|&b| b == b'"')
                .unwrap()
            + 2
            + " 200 2326".len();
        for cut in 0..line.len() {
            let mut out = [Span::ABSENT; 12];
            let r = parse(&line[..cut], AccessMode::Either, &mut out);
            // Cutting inside "2326" leaves a valid common line with a
            // shorter byte count: indistinguishable from a real one.
            if (common_len - 3..=common_len).contains(&cut) {
                assert!(r.is_ok(), "cut {cut}");
            } else {
                assert!(r.is_err(), "cut {cut}: {:?}", &line[..cut]);
            }
            assert!(parse(&line[..cut], AccessMode::Combined, &mut out).is_err());
        }
    }
}
