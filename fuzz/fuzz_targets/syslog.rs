//! syslog on arbitrary bytes: `syslog5424`, `syslog3164` and `syslog`
//! (auto) agree (auto is exactly the explicit spec the line's shape
//! selects; no line is valid in both), spans lie inside the input, go
//! forward in field order without overlapping, the fields a format lacks
//! are absent, PRI decodes, and the STRUCTURED-DATA walker and value
//! unescaper accept every SD span the parser reports. Every spec also
//! equals the reference parser (tests/reference/syslog.rs, the parser as it
//! was before the fast path): same result, error code and spans.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::syslog::{self, *};
use logspan::{Error, Parser, Span};

#[path = "../common.rs"]
mod common;

#[path = "../../tests/reference/syslog.rs"]
mod reference;

fn run(spec: &str, line: &[u8]) -> (Result<usize, Error>, [Span; LOG_SYSLOG_FIELDS]) {
    let p = Parser::new(spec).unwrap();
    let mut out = [Span {
        off: 7,
        len: 7,
        flags: 7,
    }; LOG_SYSLOG_FIELDS];
    let r = p.parse(line, &mut out);
    let mode = match spec {
        "syslog5424" => reference::SyslogMode::Rfc5424,
        "syslog3164" => reference::SyslogMode::Rfc3164,
        _ => reference::SyslogMode::Auto,
    };
    let mut want = [Span::ABSENT; LOG_SYSLOG_FIELDS];
    let want_r = reference::parse(line, mode, &mut want);
    assert_eq!((r, out), (want_r, want), "{spec} against the reference");
    common::check_result(line, &out, &r);
    common::assert_in_order(&out);
    if r.is_ok() {
        let pri = out[LOG_SYSLOG_FIELD_PRIORITY];
        if let Some(b) = pri.get(line) {
            assert!(syslog::priority_value(b).is_some(), "PRI {b:?}");
            assert_eq!(line[pri.off as usize - 1], b'<');
            assert_eq!(line[(pri.off + pri.len) as usize], b'>');
        }
    }
    (r, out)
}

fuzz_target!(|line: &[u8]| {
    let copy = line.to_vec();
    let (r5, o5) = run("syslog5424", line);
    let (r3, o3) = run("syslog3164", line);
    let (ra, oa) = run("syslog", line);
    assert!(
        !(r5.is_ok() && r3.is_ok()),
        "valid as both RFC 5424 and RFC 3164"
    );
    if r5.is_ok() {
        assert_eq!((ra, oa), (r5, o5), "auto on an RFC 5424 line");
        assert!(o5[LOG_SYSLOG_FIELD_VERSION].is_present());
        assert!(o5[LOG_SYSLOG_FIELD_PRIORITY].is_present());
    } else if r3.is_ok() {
        assert_eq!((ra, oa), (r3, o3), "auto on an RFC 3164 line");
    } else {
        assert!(
            (ra, oa) == (r5, o5) || (ra, oa) == (r3, o3),
            "auto {ra:?}, 5424 {r5:?}, 3164 {r3:?}"
        );
    }
    if r3.is_ok() {
        for f in [
            LOG_SYSLOG_FIELD_VERSION,
            LOG_SYSLOG_FIELD_MSGID,
            LOG_SYSLOG_FIELD_STRUCTURED_DATA,
        ] {
            assert_eq!(o3[f], Span::ABSENT, "RFC 3164 has no field {f}");
        }
    }
    if let Some(sd) = o5[LOG_SYSLOG_FIELD_STRUCTURED_DATA].get(line) {
        let mut buf = [0u8; 64];
        let mut elements = 0;
        for e in syslog::sd_elements(sd) {
            elements += 1;
            assert!(!e.id().is_empty());
            assert_eq!(&sd[e.id_offset()..e.id_offset() + e.id().len()], e.id());
            for p in e.params() {
                assert!(!p.name().is_empty());
                let v = p.value();
                assert_eq!(&sd[p.value_offset()..p.value_offset() + v.len()], v);
                let mut big = vec![0u8; v.len()];
                assert!(
                    syslog::unescape_param_value(v, &mut big).is_some(),
                    "raw.len() bytes suffice"
                );
                if let Some(u) = syslog::unescape_param_value(v, &mut buf) {
                    assert!(u.len() <= v.len());
                }
            }
        }
        assert!(elements >= 1 && elements <= LOG_SYSLOG_MAX_SD_ELEMENTS);
    }
    assert_eq!(line, &copy[..], "input untouched");
});
