//! `auto` on arbitrary lines: spans inside the input, `format` is the whole
//! line with a `LOG_FORMAT_*` flag, and the verdict is the one of the
//! format it names: an access line parses with `access` (same fields), a
//! syslog line with `syslog` (same fields), a JSON line validates, a logfmt
//! line parses with `logfmt:*` and is not an access line. A line `auto`
//! rejects as "no match" is no access line and no logfmt line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::auto::*;
use logspan::formats::syslog::*;
use logspan::*;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[path = "../common.rs"]
mod common;

/// Parsers are compiled once per spec.
fn parser(spec: &str) -> &'static Parser {
    static P: OnceLock<Mutex<HashMap<String, &'static Parser>>> = OnceLock::new();
    let mut m = P.get_or_init(Default::default).lock().unwrap();
    m.entry(spec.to_string())
        .or_insert_with(|| Box::leak(Box::new(Parser::new(spec).unwrap())))
}

fn parse(spec: &str, line: &[u8]) -> (Result<usize, Error>, Vec<Span>) {
    let p = parser(spec);
    let mut out = vec![Span::ABSENT; p.field_count()];
    let r = p.parse(line, &mut out);
    common::check_result(line, &out, &r);
    (r, out)
}

fuzz_target!(|line: &[u8]| {
    let copy = line.to_vec();
    let (r, o) = parse("auto", line);
    let content = common::strip_eol(line);
    let (ra, oa) = parse("access", line);
    let logfmt_ok = || {
        matches!(
            parse("logfmt:*2048", line).0,
            Ok(_) | Err(Error::TooManyFields)
        )
    };
    match r {
        Ok(_) => {
            assert_eq!((o[0].off, o[0].len as usize), (0, content.len()));
            match o[0].flags {
                LOG_FORMAT_ACCESS => {
                    assert!(ra.is_ok());
                    let want = [
                        Span::ABSENT,
                        oa[LOG_FIELD_TIME],
                        Span::ABSENT,
                        oa[LOG_FIELD_REQUEST],
                        Span::ABSENT,
                        oa[LOG_FIELD_STATUS],
                        oa[LOG_FIELD_METHOD],
                        oa[LOG_FIELD_PATH],
                    ];
                    assert_eq!(&o[1..], &want[1..]);
                }
                LOG_FORMAT_SYSLOG5424 | LOG_FORMAT_SYSLOG3164 => {
                    let spec = if o[0].flags == LOG_FORMAT_SYSLOG5424 {
                        "syslog5424"
                    } else {
                        "syslog3164"
                    };
                    let (rs, os) = parse(spec, line);
                    assert!(rs.is_ok(), "{spec}: {rs:?}");
                    assert_eq!(o[1], os[LOG_SYSLOG_FIELD_TIMESTAMP]);
                    assert_eq!(o[2], os[LOG_SYSLOG_FIELD_PRIORITY]);
                    assert_eq!(o[3], os[LOG_SYSLOG_FIELD_MESSAGE]);
                    assert_eq!(o[4], os[LOG_SYSLOG_FIELD_HOSTNAME]);
                }
                LOG_FORMAT_JSON => assert_eq!(formats::json::validate(line), Ok(())),
                LOG_FORMAT_LOGFMT => {
                    assert!(ra.is_err(), "an access line must win over logfmt");
                    assert!(logfmt_ok());
                }
                f => panic!("unknown format flag {f}"),
            }
        }
        Err(Error::AutoNoMatch) => {
            assert!(ra.is_err());
            assert!(!content.contains(&b'=') || !logfmt_ok());
        }
        Err(_) => {}
    }
    assert_eq!(line, &copy[..], "input untouched");
});
