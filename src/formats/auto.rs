//! `auto`: detect the format of each line (JSON, syslog, access log,
//! logfmt) and project a common set of fields.
//!
//! Fields, in order: `format`, `timestamp`, `level`, `message`, `host`,
//! `status`, `method`, `path`.
//!
//! Rules (the README's format table says the same):
//! - `format` is always present on success: its span is the whole line
//!   (without the newline) and its `flags` is one of the `LOG_FORMAT_*`
//!   values, saying which format matched;
//! - detection, in order, on the first byte that is not a space or tab:
//!   `{` → JSON (the line must then be valid JSON); `<` → syslog (RFC 5424
//!   or 3164, told apart as the `syslog` spec does); a three-letter month
//!   and a day (`Oct 11 `) → RFC 3164 syslog without PRI; otherwise the
//!   access-log parser (combined or common) is tried, then logfmt, and the
//!   first that accepts the line wins. A line none accepts is
//!   [`Error::AutoNoMatch`]. A line that looks like JSON or syslog but is
//!   malformed gets that format's own error (it is not re-tried as
//!   another format: a broken JSON line must not pass as logfmt);
//! - JSON and logfmt: each common field takes the first key present among
//!   the usual names (see [`JSON_KEYS`]): e.g. `timestamp` from `time`,
//!   `ts`, `timestamp` or `@timestamp`;
//! - syslog: `level` is the PRI digits (the severity is `PRI % 8`, see
//!   `syslog::severity`), `host` the hostname, `message` the MSG;
//! - access logs: `timestamp` is the time, `host` is absent (the client
//!   address is not the host that logged the line), `status`, `method`
//!   and `path` as in `access`; `message` is the whole request line.

use crate::error::Error;
use crate::formats::access::{self, AccessMode};
use crate::formats::json::{self, JsonPaths};
use crate::formats::logfmt::{self, LogfmtSpec};
use crate::formats::syslog::{self, SyslogMode};
use crate::span::Span;

/// `auto`: the line was a JSON object.
pub const LOG_FORMAT_JSON: u32 = 1;
/// `auto`: the line was RFC 5424 syslog.
pub const LOG_FORMAT_SYSLOG5424: u32 = 2;
/// `auto`: the line was RFC 3164 (BSD) syslog.
pub const LOG_FORMAT_SYSLOG3164: u32 = 3;
/// `auto`: the line was an access log (combined or common).
pub const LOG_FORMAT_ACCESS: u32 = 4;
/// `auto`: the line was logfmt.
pub const LOG_FORMAT_LOGFMT: u32 = 5;

pub(crate) const FIELD_NAMES: [&str; 8] = [
    "format",
    "timestamp",
    "level",
    "message",
    "host",
    "status",
    "method",
    "path",
];

const TIMESTAMP: usize = 1;
const LEVEL: usize = 2;
const MESSAGE: usize = 3;
const HOST: usize = 4;
const STATUS: usize = 5;
const METHOD: usize = 6;
const PATH: usize = 7;

/// For each common field (after `format`), the keys tried in order in JSON
/// and logfmt lines.
pub const JSON_KEYS: [&[&str]; 7] = [
    &["time", "ts", "timestamp", "@timestamp", "t"],
    &["level", "lvl", "severity", "loglevel"],
    &["msg", "message", "@message"],
    &["host", "hostname"],
    &["status", "http.status", "status_code", "http.status_code"],
    &["method", "http.method"],
    &["path", "http.path", "url", "http.url", "uri"],
];

/// A compiled `auto` spec: the JSON and logfmt projections of every
/// candidate key, compiled once.
#[derive(Clone, Debug)]
pub(crate) struct AutoSpec {
    json: JsonPaths,
    logfmt: LogfmtSpec,
    /// For each common field, the candidate slots in the projections.
    slots: [std::ops::Range<usize>; 7],
}

/// Number of candidate keys in JSON_KEYS, for the scratch arrays.
const CANDIDATES: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < JSON_KEYS.len() {
        n += JSON_KEYS[i].len();
        i += 1;
    }
    n
};

pub(crate) fn compile() -> AutoSpec {
    let mut list = Vec::new();
    let mut slots: [std::ops::Range<usize>; 7] = Default::default();
    for (f, keys) in JSON_KEYS.iter().enumerate() {
        let start = list.len();
        list.extend(keys.iter().copied());
        slots[f] = start..list.len();
    }
    let json_list = list.join(",");
    // logfmt keys are flat: `http.status` is the key "http.status", which
    // is what slog's TextHandler writes for a nested group.
    let logfmt_list = list
        .iter()
        .map(|k| k.replace(',', "\\,"))
        .collect::<Vec<_>>()
        .join(",");
    let (json, _) = json::compile(&json_list, 0).expect("auto's JSON keys compile");
    let (logfmt, _) = logfmt::compile(&logfmt_list, 0).expect("auto's logfmt keys compile");
    AutoSpec {
        json,
        logfmt,
        slots,
    }
}

/// Parse one line into `out[..8]`; returns the present count.
pub(crate) fn parse(line: &[u8], spec: &AutoSpec, out: &mut [Span]) -> Result<usize, Error> {
    let out = &mut out[..FIELD_NAMES.len()];
    out.fill(Span::ABSENT);
    let content = crate::strip_eol(line);
    let first = content.iter().position(|&b| b != b' ' && b != b'\t');
    let format = match first.map(|i| content[i]) {
        None => return Err(Error::EmptyLine),
        Some(b'{') => {
            let mut tmp = [Span::ABSENT; CANDIDATES];
            json::parse(line, &spec.json, &mut tmp)?;
            pick(&tmp, &spec.slots, out);
            LOG_FORMAT_JSON
        }
        Some(b'<') => parse_syslog(line, SyslogMode::Auto, out)?,
        Some(_) if looks_like_bsd_time(&content[first.unwrap_or(0)..]) => {
            parse_syslog(line, SyslogMode::Rfc3164, out)?
        }
        Some(_) => {
            let mut tmp = [Span::ABSENT; CANDIDATES];
            if access::parse(line, AccessMode::Either, &mut tmp).is_ok() {
                out[TIMESTAMP] = tmp[access::LOG_FIELD_TIME];
                out[MESSAGE] = tmp[access::LOG_FIELD_REQUEST];
                out[STATUS] = tmp[access::LOG_FIELD_STATUS];
                out[METHOD] = tmp[access::LOG_FIELD_METHOD];
                out[PATH] = tmp[access::LOG_FIELD_PATH];
                LOG_FORMAT_ACCESS
            } else if content.contains(&b'=') && logfmt::parse(line, &spec.logfmt, &mut tmp).is_ok()
            {
                pick(&tmp, &spec.slots, out);
                LOG_FORMAT_LOGFMT
            } else {
                return Err(Error::AutoNoMatch);
            }
        }
    };
    out[0] = Span::new(0, content.len(), format);
    Ok(out.iter().filter(|s| s.is_present()).count())
}

fn pick(tmp: &[Span], slots: &[std::ops::Range<usize>; 7], out: &mut [Span]) {
    for (f, range) in slots.iter().enumerate() {
        if let Some(s) = tmp[range.clone()].iter().find(|s| s.is_present()) {
            out[f + 1] = *s;
        }
    }
}

fn parse_syslog(line: &[u8], mode: SyslogMode, out: &mut [Span]) -> Result<u32, Error> {
    let mut tmp = [Span::ABSENT; syslog::FIELD_NAMES.len()];
    let idx = |name: &str| syslog::FIELD_NAMES.iter().position(|n| *n == name).unwrap();
    syslog::parse(line, mode, &mut tmp)?;
    out[TIMESTAMP] = tmp[idx("timestamp")];
    out[LEVEL] = tmp[idx("priority")];
    out[HOST] = tmp[idx("hostname")];
    out[MESSAGE] = tmp[idx("message")];
    Ok(if tmp[idx("version")].is_present() {
        LOG_FORMAT_SYSLOG5424
    } else {
        LOG_FORMAT_SYSLOG3164
    })
}

/// `Mmm dd ` or `Mmm  d ` at the start: an RFC 3164 timestamp.
fn looks_like_bsd_time(s: &[u8]) -> bool {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    s.len() >= 7
        && MONTHS.iter().any(|m| &s[..3] == *m)
        && s[3] == b' '
        && (s[4] == b' ' || s[4].is_ascii_digit())
        && s[5].is_ascii_digit()
        && s[6] == b' '
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<(u32, Vec<Option<String>>), Error> {
        let spec = compile();
        let mut out = [Span::new(1, 1, 1); 8];
        let n = parse(line.as_bytes(), &spec, &mut out)?;
        let v: Vec<_> = out[1..]
            .iter()
            .map(|s| {
                s.get(line.as_bytes())
                    .map(|b| String::from_utf8(b.to_vec()).unwrap())
            })
            .collect();
        assert_eq!(n, 1 + v.iter().filter(|x| x.is_some()).count());
        assert_eq!(
            out[0].get(line.as_bytes()),
            Some(crate::strip_eol(line.as_bytes()))
        );
        Ok((out[0].flags, v))
    }

    fn s(x: &str) -> Option<String> {
        Some(x.into())
    }

    #[test]
    fn json_and_access() {
        let (f, v) = run(r#"{"ts":1,"level":"info","message":"hi","http":{"status":200,"method":"GET","path":"/x"}}"#).unwrap();
        assert_eq!(f, LOG_FORMAT_JSON);
        assert_eq!(
            v,
            [
                s("1"),
                s("info"),
                s("hi"),
                None,
                s("200"),
                s("GET"),
                s("/x")
            ]
        );
        let (f, v) =
            run("1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 404 7\n").unwrap();
        assert_eq!(f, LOG_FORMAT_ACCESS);
        assert_eq!(
            v,
            [
                s("10/Oct/2000:13:55:36 -0700"),
                None,
                s("GET /a HTTP/1.1"),
                None,
                s("404"),
                s("GET"),
                s("/a")
            ]
        );
        assert_eq!(run(r#"{"msg":"cut"#).unwrap_err(), Error::JsonTruncated);
        assert_eq!(run("just some words").unwrap_err(), Error::AutoNoMatch);
        assert_eq!(run("   ").unwrap_err(), Error::EmptyLine);
    }

    #[test]
    fn syslog_and_logfmt() {
        let (f, v) = run(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
        )
        .unwrap();
        assert_eq!(f, LOG_FORMAT_SYSLOG5424);
        assert_eq!(
            v,
            [
                s("2003-10-11T22:14:15.003Z"),
                s("34"),
                s("'su root' failed"),
                s("mymachine.example.com"),
                None,
                None,
                None
            ]
        );
        let (f, v) = run("<13>Oct 11 22:14:15 host app[42]: hello").unwrap();
        assert_eq!(f, LOG_FORMAT_SYSLOG3164);
        assert_eq!(
            v[..4],
            [s("Oct 11 22:14:15"), s("13"), s("hello"), s("host")]
        );
        let (f, v) = run("Oct  1 22:14:15 host app: no pri").unwrap();
        assert_eq!(f, LOG_FORMAT_SYSLOG3164);
        assert_eq!(v[LEVEL - 1], None);
        let (f, v) =
            run(r#"time=2024-05-01T00:00:00Z level=INFO msg="a b" http.status=503 path=/x"#)
                .unwrap();
        assert_eq!(f, LOG_FORMAT_LOGFMT);
        assert_eq!(
            v,
            [
                s("2024-05-01T00:00:00Z"),
                s("INFO"),
                s("a b"),
                None,
                s("503"),
                None,
                s("/x")
            ]
        );
        assert_eq!(run("<999>1 x").unwrap_err(), Error::SyslogBadPri);
    }

    #[test]
    fn bsd_time_shape() {
        assert!(looks_like_bsd_time(b"Oct 11 22:14:15 host x"));
        assert!(looks_like_bsd_time(b"Oct  1 22:14:15 host x"));
        assert!(!looks_like_bsd_time(b"October 1"));
        assert!(!looks_like_bsd_time(b"Oct 1x"));
    }
}
