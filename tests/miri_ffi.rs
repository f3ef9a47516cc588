//! The C ABI boundary under Miri (`make miri`): every `extern "C"`
//! function of `src/ffi.rs` (the crate's only `unsafe` module) called the
//! way C calls it, through raw pointers into exact-size allocations, with
//! canaries after each capacity. Miri checks that no call reads or writes
//! outside what it was given, creates no dangling or misaligned reference
//! and leaks nothing; the assertions check the documented results. Kept
//! small so that the interpreter runs it in seconds (`tests/ffi.rs` runs
//! under Miri too, for the NULL and capacity matrix); it runs natively in
//! `cargo test` as well.

use std::ffi::CStr;
use std::ptr;

use logspan::ffi::*;
use logspan::{BatchResult, Error, Line, Parser, Span, LOG_OK, LOG_SPAN_ABSENT};

const CANARY: Span = Span {
    off: 0xC0FFEE,
    len: 0xC0FFEE,
    flags: 0xC0FFEE,
};

/// A parser through the C ABI, from an exact-size copy of the spec.
fn parser(spec: &str) -> *mut Parser {
    let bytes = spec.as_bytes().to_vec().into_boxed_slice();
    let mut p: *mut Parser = ptr::null_mut();
    let mut err = vec![0u8; 64].into_boxed_slice();
    let rc = unsafe {
        log_parser_new(
            bytes.as_ptr(),
            bytes.len(),
            &mut p,
            err.as_mut_ptr(),
            err.len(),
        )
    };
    assert_eq!(rc, LOG_OK, "{spec}: {:?}", String::from_utf8_lossy(&err));
    p
}

/// `log_parser_parse` on an exact-size copy of `line`, with `extra`
/// canaries after `field_count` spans: (status, spans).
fn parse(p: *const Parser, line: &[u8]) -> (i32, Vec<Span>) {
    let copy = line.to_vec().into_boxed_slice();
    let nf = unsafe { log_parser_field_count(p) };
    let mut out = vec![CANARY; nf + 2];
    let rc = unsafe { log_parser_parse(p, copy.as_ptr(), copy.len(), out.as_mut_ptr(), nf) };
    assert_eq!(&out[nf..], &[CANARY, CANARY], "wrote past out_cap");
    assert_eq!(&*copy, line, "input untouched");
    for s in &out[..nf] {
        assert!(s.off == LOG_SPAN_ABSENT || (s.off + s.len) as usize <= line.len());
    }
    out.truncate(nf);
    (rc, out)
}

#[test]
fn every_format_through_the_boundary() {
    let cases: &[(&str, &[u8], i32)] = &[
        ("access", br#"1.2.3.4 - - [t] "GET /a HTTP/1.1" 200 1"#, 8),
        ("json:a,b.c", br#"{"a":"x","b":{"c":[1]}}"#, 2),
        (
            "json:*2",
            br#"{"a":1,"b":2,"c":3}"#,
            Error::TooManyFields.code(),
        ),
        ("logfmt:a,b", b"a=1 b=\"x y\"\r\n", 2),
        ("logfmt:*", b"a b= c=\"\"", 6),
        ("syslog", b"<34>1 - host app - - [a b=\"c\"] msg", 6),
        ("syslog", b"<34>Oct 11 22:14:15 host su[1]: hi", 6),
        ("auto", b"level=info msg=hi", 3),
        ("pattern:<a> <b>", b"x y", 2),
        ("nginx:$a [$b]", b"x [-]", 1),
        ("json:a", b"{\"a\":\xff}", Error::JsonSyntax.code()),
        ("access", b"\n", Error::EmptyLine.code()),
    ];
    for &(spec, line, want) in cases {
        let p = parser(spec);
        let (rc, out) = parse(p, line);
        assert_eq!(rc, want, "{spec} on {:?}", String::from_utf8_lossy(line));
        if rc < 0 {
            assert!(out.iter().all(|s| *s == Span::ABSENT));
        }
        unsafe { log_parser_free(p) };
    }
}

#[test]
#[cfg_attr(miri, ignore = "regex compilation takes minutes in the interpreter")]
fn regex_through_the_boundary() {
    let p = parser(r"regex:(?P<k>\w+)=(?P<v>\d*)");
    assert_eq!(parse(p, b"a key=12").0, 2);
    assert_eq!(parse(p, b"nothing").0, Error::RegexNoMatch.code());
    unsafe { log_parser_free(p) };
}

#[test]
fn batch_with_tiny_capacities_and_canaries() {
    let p = parser("logfmt:a");
    let buf: Box<[u8]> = b"a=1\n\nb=2\r\na=\"x\nz".to_vec().into();
    for (lines_cap, fields_cap) in [(0, 0), (1, 0), (1, 1), (2, 1), (3, 3), (8, 8)] {
        let mut lines = vec![
            Line {
                off: 7,
                len: 7,
                status: 7
            };
            lines_cap + 1
        ];
        let mut fields = vec![CANARY; fields_cap + 1];
        let mut done = 0;
        let mut seen = 0;
        loop {
            let mut r = BatchResult::default();
            let rc = unsafe {
                log_parser_parse_batch(
                    p,
                    buf[done..].as_ptr(),
                    buf.len() - done,
                    LOG_BATCH_END_OF_INPUT,
                    lines.as_mut_ptr(),
                    lines_cap,
                    fields.as_mut_ptr(),
                    fields_cap,
                    &mut r,
                )
            };
            assert_eq!(rc, LOG_OK);
            assert_eq!(lines[lines_cap].off, 7, "wrote past lines_cap");
            assert_eq!(fields[fields_cap], CANARY, "wrote past fields_cap");
            seen += r.lines;
            done += r.consumed;
            if r.full == 0 || r.lines == 0 {
                break;
            }
        }
        if lines_cap > 0 && fields_cap > 0 {
            assert_eq!(
                (seen, done),
                (5, buf.len()),
                "caps {lines_cap}/{fields_cap}"
            );
        }
    }
    unsafe { log_parser_free(p) };
}

#[test]
fn values_write_only_on_success() {
    unsafe {
        let mut i = [7i64; 2];
        assert_eq!(log_value_i64(b"-42".as_ptr(), 3, i.as_mut_ptr()), LOG_OK);
        assert_eq!(i, [-42, 7]);
        assert_eq!(
            log_value_i64(b"x".as_ptr(), 1, i.as_mut_ptr()),
            Error::ValueSyntax.code()
        );
        assert_eq!(i, [-42, 7]);
        let mut u = [7u64; 2];
        assert_eq!(
            log_value_u64(b"18446744073709551616".as_ptr(), 20, u.as_mut_ptr()),
            Error::ValueOutOfRange.code()
        );
        assert_eq!(u, [7, 7]);
        let mut f = [0.5f64; 2];
        assert_eq!(log_value_f64(b"1e3".as_ptr(), 3, f.as_mut_ptr()), LOG_OK);
        assert_eq!(f, [1000.0, 0.5]);
        let mut b = [9u8; 2];
        assert_eq!(log_value_bool(b"T".as_ptr(), 1, b.as_mut_ptr()), LOG_OK);
        assert_eq!(b, [1, 9]);
        let mut t = [0i64; 2];
        let s = b"1970-01-01T00:00:01Z";
        assert_eq!(
            log_time_rfc3339(s.as_ptr(), s.len(), t.as_mut_ptr()),
            LOG_OK
        );
        assert_eq!(t, [1_000_000_000, 0]);
        let s = b"01/Jan/1970:00:00:02 +0000";
        assert_eq!(log_time_clf(s.as_ptr(), s.len(), t.as_mut_ptr()), LOG_OK);
        assert_eq!(t[0], 2_000_000_000);
        let s = b"Jan  1 00:00:03";
        assert_eq!(
            log_time_rfc3164(s.as_ptr(), s.len(), 1970, t.as_mut_ptr()),
            LOG_OK
        );
        assert_eq!(t[0], 3_000_000_000);
        // NULL outputs and NULL inputs with a length.
        assert_eq!(
            log_value_i64(b"1".as_ptr(), 1, ptr::null_mut()),
            Error::NullArgument.code()
        );
        assert_eq!(
            log_value_i64(ptr::null(), 1, i.as_mut_ptr()),
            Error::NullArgument.code()
        );
        assert_eq!(
            log_value_i64(ptr::null(), 0, i.as_mut_ptr()),
            Error::ValueSyntax.code()
        );
    }
}

#[test]
fn unescape_respects_capacity_and_overlap() {
    type F = unsafe extern "C" fn(*const u8, usize, *mut u8, usize, *mut usize) -> i32;
    let fs: [(F, &[u8], &[u8]); 3] = [
        (
            log_unescape_json,
            br#"a\"\u00e9\ud83d\ude00"#,
            "a\"\u{e9}\u{1F600}".as_bytes(),
        ),
        (log_unescape_logfmt, br"\x41\101\t", b"AA\t"),
        (log_unescape_access, br#"\"q\" \x20\w"#, br#""q"  \w"#),
    ];
    for (f, raw, want) in fs {
        let raw: Box<[u8]> = raw.into();
        for cap in 0..=raw.len() {
            let mut out = vec![0xA5u8; cap + 1];
            let mut n = usize::MAX;
            let rc = unsafe { f(raw.as_ptr(), raw.len(), out.as_mut_ptr(), cap, &mut n) };
            assert_eq!(out[cap], 0xA5, "wrote past out_cap");
            if cap >= want.len() {
                assert_eq!(rc, LOG_OK);
                assert_eq!(&out[..n], want);
            } else {
                assert_eq!(rc, Error::OutputTooSmall.code());
                assert_eq!(n, usize::MAX);
                assert!(out.iter().all(|&b| b == 0xA5));
            }
        }
        // In place (overlapping) is refused, not undefined behaviour.
        let mut buf = raw.to_vec();
        let mut n = 0;
        let rc = unsafe { f(buf.as_ptr(), buf.len(), buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(rc, Error::InvalidArgument.code());
        let rc = unsafe {
            f(
                buf.as_ptr(),
                buf.len(),
                buf.as_mut_ptr().add(1),
                buf.len() - 1,
                &mut n,
            )
        };
        assert_eq!(rc, Error::InvalidArgument.code());
        let rc = unsafe { f(raw.as_ptr(), raw.len(), ptr::null_mut(), 0, &mut n) };
        assert!(rc == Error::OutputTooSmall.code() || rc == LOG_OK);
        let rc = unsafe {
            f(
                raw.as_ptr(),
                raw.len(),
                buf.as_mut_ptr(),
                buf.len(),
                ptr::null_mut(),
            )
        };
        assert_eq!(rc, Error::NullArgument.code());
    }
}

#[test]
fn names_and_status_strings_are_nul_terminated() {
    let p = parser("json:a,b\\.c");
    unsafe {
        let mut len = 0;
        let name = log_parser_field_name(p, 1, &mut len);
        assert_eq!(CStr::from_ptr(name).to_bytes(), b"b\\.c");
        assert_eq!(len, 4);
        assert!(log_parser_field_name(p, 2, &mut len).is_null());
        assert_eq!(log_parser_field_index(p, b"a".as_ptr(), 1), 0);
        assert_eq!(
            log_parser_field_index(p, b"\xff".as_ptr(), 1),
            Error::InvalidArgument.code()
        );
        log_parser_free(p);
    }
    for code in [0, 5, -1001, -1004, -1801, -9999, i32::MIN] {
        let s = unsafe { CStr::from_ptr(log_status_str(code)) };
        assert!(!s.to_bytes().is_empty());
    }
    let v = unsafe { CStr::from_ptr(log_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn parser_new_errors_leave_out_untouched() {
    for spec in [&b"json:\xff"[..], b"nope", b"logfmt:", b"pattern:<a><b>"] {
        let spec: Box<[u8]> = spec.into();
        let sentinel = ptr::NonNull::<Parser>::dangling().as_ptr();
        let mut p = sentinel;
        for cap in [0usize, 1, 2, 7] {
            let mut err = vec![0xEEu8; cap + 1];
            let rc =
                unsafe { log_parser_new(spec.as_ptr(), spec.len(), &mut p, err.as_mut_ptr(), cap) };
            assert_eq!(rc, Error::InvalidSpec.code());
            assert_eq!(p, sentinel);
            assert_eq!(err[cap], 0xEE, "wrote past err_cap");
            if cap > 0 {
                assert!(err[..cap].contains(&0), "NUL-terminated within err_cap");
            }
        }
    }
}
