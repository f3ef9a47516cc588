//! The C ABI, called from Rust through `logspan::ffi`: NULL and length
//! combinations for every function, error-buffer truncation, capacities,
//! batch streaming, and the values the header promises. The C suite in
//! `tests/c/` checks the same from C; this one also runs under Miri.

use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;

use logspan::ffi::*;
use logspan::{BatchResult, Error, Line, Parser, Span, LOG_COMMON_FIELDS, LOG_FAST_FIELDS, LOG_OK};

const COMBINED: &[u8] = br#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;

const GARBAGE: Span = Span {
    off: 0xAAAA,
    len: 0xBBBB,
    flags: 0xCCCC,
};
const GARBAGE_LINE: Line = Line {
    off: 0xAAAA,
    len: 0xBBBB,
    status: 0x7777,
};
const GARBAGE_RESULT: BatchResult = BatchResult {
    consumed: 0xAAAA,
    lines: 0xBBBB,
    errors: 0xCCCC,
    full: 0xDD,
};

/// A non-NULL pointer that must never be read (length 0, or rejected
/// before any read).
fn dangling<T>() -> *mut T {
    ptr::NonNull::<T>::dangling().as_ptr()
}

/// A parser through the C ABI; panics on failure.
fn new_parser(spec: &str) -> *mut Parser {
    let mut p: *mut Parser = ptr::null_mut();
    let rc = unsafe { log_parser_new(spec.as_ptr(), spec.len(), &mut p, ptr::null_mut(), 0) };
    assert_eq!(rc, LOG_OK, "{spec}");
    assert!(!p.is_null());
    p
}

/// `log_parser_new` with an error buffer of `cap` bytes (plus a guard
/// region after it): (status, buffer contents, parser pointer).
fn new_with_err(spec: &[u8], cap: usize) -> (i32, Vec<u8>, *mut Parser) {
    let mut buf = vec![0xEEu8; cap + 16];
    let sentinel = dangling::<Parser>();
    let mut p = sentinel;
    let rc = unsafe { log_parser_new(spec.as_ptr(), spec.len(), &mut p, buf.as_mut_ptr(), cap) };
    assert!(buf[cap..].iter().all(|&b| b == 0xEE), "wrote past err_cap");
    if rc != LOG_OK {
        assert_eq!(p, sentinel, "*out untouched on failure");
    }
    (rc, buf, p)
}

fn c_str<'a>(p: *const c_char) -> &'a str {
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap()
}

#[test]
fn parse_fast_null_and_lengths() {
    let mut out = [GARBAGE; LOG_FAST_FIELDS];
    unsafe {
        // (NULL, 0) and (ptr, 0) are the empty line.
        assert_eq!(
            log_parse_fast(ptr::null(), 0, out.as_mut_ptr()),
            Error::EmptyLine.code()
        );
        assert_eq!(out, [Span::ABSENT; LOG_FAST_FIELDS]);
        out = [GARBAGE; LOG_FAST_FIELDS];
        assert_eq!(
            log_parse_fast(dangling(), 0, out.as_mut_ptr()),
            Error::EmptyLine.code()
        );
        assert_eq!(out, [Span::ABSENT; LOG_FAST_FIELDS]);
        // (NULL, n > 0): an argument error, nothing written.
        out = [GARBAGE; LOG_FAST_FIELDS];
        assert_eq!(
            log_parse_fast(ptr::null(), 5, out.as_mut_ptr()),
            Error::NullArgument.code()
        );
        assert_eq!(out, [GARBAGE; LOG_FAST_FIELDS]);
        // NULL output.
        assert_eq!(
            log_parse_fast(COMBINED.as_ptr(), COMBINED.len(), ptr::null_mut()),
            Error::NullArgument.code()
        );
        assert_eq!(
            log_parse_fast(ptr::null(), 0, ptr::null_mut()),
            Error::NullArgument.code()
        );
        // A length no buffer can have is refused before any read.
        assert_eq!(
            log_parse_fast(dangling(), usize::MAX, out.as_mut_ptr()),
            Error::InvalidArgument.code()
        );
        assert_eq!(out, [GARBAGE; LOG_FAST_FIELDS]);
    }
}

#[test]
fn parse_fast_equals_the_rust_api() {
    let lines: [&[u8]; 5] = [
        COMBINED,
        b"::1 - - [t] \"POST /x HTTP/2.0\" 201 -\r\n",
        b"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua",
        b"garbage",
        b"\n",
    ];
    for line in lines {
        let mut want = [Span::ABSENT; LOG_FAST_FIELDS];
        let want_rc = logspan::parse_fast(line, &mut want).map_or_else(|e| e.code(), |n| n as i32);
        let mut out = [GARBAGE; LOG_FAST_FIELDS + 1];
        let rc = unsafe { log_parse_fast(line.as_ptr(), line.len(), out.as_mut_ptr()) };
        assert_eq!(rc, want_rc);
        assert_eq!(out[..LOG_FAST_FIELDS], want);
        assert_eq!(out[LOG_FAST_FIELDS], GARBAGE, "exactly 12 spans written");
        // Spans point into the caller's buffer.
        for s in out[..LOG_FAST_FIELDS].iter().filter(|s| s.is_present()) {
            assert!((s.off + s.len) as usize <= line.len());
        }
    }
}

#[test]
fn parser_new_null_arguments() {
    unsafe {
        // out NULL: an error, with a message when there is room for one.
        let mut buf = [0xEEu8; 64];
        let spec = b"combined";
        let rc = log_parser_new(
            spec.as_ptr(),
            spec.len(),
            ptr::null_mut(),
            buf.as_mut_ptr(),
            buf.len(),
        );
        assert_eq!(rc, Error::NullArgument.code());
        let msg = CStr::from_bytes_until_nul(&buf).unwrap();
        assert!(!msg.to_bytes().is_empty());

        // spec (NULL, n > 0).
        let mut buf = [0xEEu8; 80];
        let mut p = dangling::<Parser>();
        let rc = log_parser_new(ptr::null(), 3, &mut p, buf.as_mut_ptr(), buf.len());
        assert_eq!(rc, Error::NullArgument.code());
        assert_eq!(p, dangling::<Parser>(), "*out untouched");
        assert!(!CStr::from_bytes_until_nul(&buf)
            .unwrap()
            .to_bytes()
            .is_empty());

        // spec (NULL, 0) is the empty spec: an invalid spec, not a NULL.
        let mut p = dangling::<Parser>();
        let rc = log_parser_new(ptr::null(), 0, &mut p, ptr::null_mut(), 0);
        assert_eq!(rc, Error::InvalidSpec.code());
        assert_eq!(p, dangling::<Parser>());

        // err_buf NULL with a capacity, or a capacity of 0: no message.
        let bad = b"nope";
        let rc = log_parser_new(bad.as_ptr(), bad.len(), &mut p, ptr::null_mut(), 100);
        assert_eq!(rc, Error::InvalidSpec.code());
        let (rc, buf, _) = new_with_err(bad, 0);
        assert_eq!(rc, Error::InvalidSpec.code());
        assert!(buf.iter().all(|&b| b == 0xEE));

        // Free NULL: nothing happens.
        log_parser_free(ptr::null_mut());
    }
}

#[test]
fn parser_new_error_messages_are_truncated_and_terminated() {
    let specs: [&[u8]; 6] = [
        b"nope",
        b"",
        b"json:a,,b",
        b"json:a[x]",
        b"combined:x",
        b"json:\xff",
    ];
    for spec in specs {
        let want = match Parser::from_spec_bytes(spec) {
            Err(e) => e,
            Ok(_) => panic!("{spec:?} compiled"),
        };
        let full = want.to_string();
        assert!(full.contains(&format!("byte {}", want.pos)), "{full}");
        for cap in [1, 2, 5, 10, full.len(), full.len() + 1, full.len() + 50] {
            let (rc, buf, _) = new_with_err(spec, cap);
            assert_eq!(rc, Error::InvalidSpec.code());
            let n = full.len().min(cap - 1);
            assert_eq!(&buf[..n], &full.as_bytes()[..n], "cap {cap}");
            assert_eq!(buf[n], 0, "NUL-terminated at {n} (cap {cap})");
            assert!(
                buf[n + 1..cap].iter().all(|&b| b == 0xEE),
                "nothing after the NUL"
            );
        }
    }
    // A good spec leaves the error buffer alone.
    let (rc, buf, p) = new_with_err(b"access", 32);
    assert_eq!(rc, LOG_OK);
    assert!(buf.iter().all(|&b| b == 0xEE));
    unsafe { log_parser_free(p) };
}

#[test]
fn field_count_name_and_index() {
    let names = [
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
    unsafe {
        assert_eq!(log_parser_field_count(ptr::null()), 0);
        assert!(log_parser_field_name(ptr::null(), 0, ptr::null_mut()).is_null());
        assert_eq!(
            log_parser_field_index(ptr::null(), b"time".as_ptr(), 4),
            Error::NullArgument.code()
        );
        for (spec, count) in [
            ("combined", LOG_FAST_FIELDS),
            ("access", LOG_FAST_FIELDS),
            ("common", LOG_COMMON_FIELDS),
        ] {
            let p = new_parser(spec);
            assert_eq!(log_parser_field_count(p), count);
            for (i, want) in names[..count].iter().enumerate() {
                let mut len = usize::MAX;
                let name = log_parser_field_name(p, i, &mut len);
                assert_eq!(c_str(name), *want);
                assert_eq!(len, want.len());
                // Same pointer every time, len_out optional.
                assert_eq!(log_parser_field_name(p, i, ptr::null_mut()), name);
                assert_eq!(
                    log_parser_field_index(p, want.as_ptr(), want.len()),
                    i as i32
                );
            }
            let mut len = 12345usize;
            assert!(log_parser_field_name(p, count, &mut len).is_null());
            assert_eq!(len, 12345, "len_out untouched past the end");
            assert!(log_parser_field_name(p, usize::MAX, ptr::null_mut()).is_null());
            log_parser_free(p);
        }

        let p = new_parser(r"json:level, http.status ,a\.b,items[0].id,é");
        let want = ["level", "http.status", r"a\.b", "items[0].id", "é"];
        assert_eq!(log_parser_field_count(p), want.len());
        for (i, w) in want.iter().enumerate() {
            let mut len = 0;
            assert_eq!(c_str(log_parser_field_name(p, i, &mut len)), *w);
            assert_eq!(len, w.len());
            assert_eq!(log_parser_field_index(p, w.as_ptr(), w.len()), i as i32);
        }
        let cases: [(*const u8, usize, i32); 6] = [
            // Not found: the empty name, as (NULL, 0) or (ptr, 0).
            (ptr::null(), 0, Error::InvalidArgument.code()),
            (dangling(), 0, Error::InvalidArgument.code()),
            // (NULL, n > 0).
            (ptr::null(), 5, Error::NullArgument.code()),
            // Not UTF-8, a prefix, a name with a NUL in it.
            (b"\xff".as_ptr(), 1, Error::InvalidArgument.code()),
            (b"leve".as_ptr(), 4, Error::InvalidArgument.code()),
            (c"level".as_ptr().cast(), 6, Error::InvalidArgument.code()),
        ];
        for (name, len, want) in cases {
            assert_eq!(log_parser_field_index(p, name, len), want, "{len}");
        }
        // A name needs no NUL: only name_len bytes are read.
        assert_eq!(log_parser_field_index(p, b"levelXYZ".as_ptr(), 5), 0);
        log_parser_free(p);
    }
}

#[test]
fn parser_parse_null_and_capacities() {
    let p = new_parser("json:a,b");
    let line = br#"{"a":1,"b":"x"}"#;
    unsafe {
        let mut out = [GARBAGE; 4];
        // NULL parser.
        assert_eq!(
            log_parser_parse(ptr::null(), line.as_ptr(), line.len(), out.as_mut_ptr(), 4),
            Error::NullArgument.code()
        );
        // (NULL, n > 0) input.
        assert_eq!(
            log_parser_parse(p, ptr::null(), 3, out.as_mut_ptr(), 4),
            Error::NullArgument.code()
        );
        assert_eq!(out, [GARBAGE; 4]);
        // Too small: an error and nothing written, NULL or not.
        for cap in [0, 1] {
            assert_eq!(
                log_parser_parse(p, line.as_ptr(), line.len(), out.as_mut_ptr(), cap),
                Error::OutputTooSmall.code()
            );
            assert_eq!(
                log_parser_parse(p, line.as_ptr(), line.len(), ptr::null_mut(), cap),
                Error::OutputTooSmall.code()
            );
        }
        assert_eq!(out, [GARBAGE; 4]);
        // A capacity no array can have is refused before any write.
        assert_eq!(
            log_parser_parse(p, line.as_ptr(), line.len(), dangling(), usize::MAX),
            Error::InvalidArgument.code()
        );
        // Big enough but NULL.
        assert_eq!(
            log_parser_parse(p, line.as_ptr(), line.len(), ptr::null_mut(), 2),
            Error::NullArgument.code()
        );
        // Exactly the field count, or more: field_count spans written.
        for cap in [2, 4] {
            let mut out = [GARBAGE; 4];
            let rc = log_parser_parse(p, line.as_ptr(), line.len(), out.as_mut_ptr(), cap);
            assert_eq!(rc, 2);
            assert_eq!(out[0].get(line), Some(&b"1"[..]));
            assert_eq!(out[1].get(line), Some(&b"x"[..]));
            assert_eq!(out[2..], [GARBAGE; 2], "nothing past field_count");
        }
        // (NULL, 0): the empty line; a parse error clears the spans.
        let mut out = [GARBAGE; 2];
        assert_eq!(
            log_parser_parse(p, ptr::null(), 0, out.as_mut_ptr(), 2),
            Error::EmptyLine.code()
        );
        assert_eq!(out, [Span::ABSENT; 2]);
        let bad = br#"{"a":1"#;
        let mut out = [GARBAGE; 2];
        assert_eq!(
            log_parser_parse(p, bad.as_ptr(), bad.len(), out.as_mut_ptr(), 2),
            Error::JsonTruncated.code()
        );
        assert_eq!(out, [Span::ABSENT; 2]);
        log_parser_free(p);
    }
}

/// One batch call through the ABI.
unsafe fn batch(
    p: *const Parser,
    buf: &[u8],
    flags: u32,
    lines: &mut [Line],
    fields: &mut [Span],
) -> (i32, BatchResult) {
    let mut r = GARBAGE_RESULT;
    let rc = unsafe {
        log_parser_parse_batch(
            p,
            buf.as_ptr(),
            buf.len(),
            flags,
            lines.as_mut_ptr(),
            lines.len(),
            fields.as_mut_ptr(),
            fields.len(),
            &mut r,
        )
    };
    (rc, r)
}

#[test]
fn parse_batch_null_arguments_and_flags() {
    let p = new_parser("access");
    let buf = b"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1\nx\n";
    let mut lines = [GARBAGE_LINE; 4];
    let mut fields = [GARBAGE; 48];
    unsafe {
        let call = |p: *const Parser,
                    b: *const u8,
                    len: usize,
                    flags: u32,
                    l: *mut Line,
                    lc: usize,
                    f: *mut Span,
                    fc: usize| {
            let mut r = GARBAGE_RESULT;
            let rc = log_parser_parse_batch(p, b, len, flags, l, lc, f, fc, &mut r);
            (rc, r)
        };
        let (l, f) = (lines.as_mut_ptr(), fields.as_mut_ptr());
        let n = buf.len();
        // Errors leave *result (and everything else) untouched.
        for (rc, r) in [
            call(ptr::null(), buf.as_ptr(), n, 0, l, 4, f, 48),
            call(p, ptr::null(), n, 0, l, 4, f, 48),
            call(p, buf.as_ptr(), n, 0, ptr::null_mut(), 4, f, 48),
            call(p, buf.as_ptr(), n, 0, l, 4, ptr::null_mut(), 48),
        ] {
            assert_eq!(rc, Error::NullArgument.code());
            assert_eq!(r, GARBAGE_RESULT);
        }
        for flags in [4, 5, 0x8000_0000, u32::MAX] {
            let (rc, r) = call(p, buf.as_ptr(), n, flags, l, 4, f, 48);
            assert_eq!(rc, Error::InvalidArgument.code(), "flags {flags:#x}");
            assert_eq!(r, GARBAGE_RESULT);
        }
        assert_eq!(lines, [GARBAGE_LINE; 4]);
        assert_eq!(fields, [GARBAGE; 48]);
        // NULL result.
        assert_eq!(
            log_parser_parse_batch(p, buf.as_ptr(), n, 0, l, 4, f, 48, ptr::null_mut()),
            Error::NullArgument.code()
        );
        assert_eq!(lines, [GARBAGE_LINE; 4]);
        // (NULL, 0) input: nothing to do.
        let (rc, r) = call(p, ptr::null(), 0, LOG_BATCH_END_OF_INPUT, l, 4, f, 48);
        assert_eq!((rc, r), (LOG_OK, BatchResult::default()));
        // Capacities no array can have are refused before any write.
        let (d, e) = (dangling::<Line>(), dangling::<Span>());
        for (lc, fc) in [(usize::MAX, 48), (4, usize::MAX), (usize::MAX / 2, 48)] {
            let (lp, fp) = (if lc == 4 { l } else { d }, if fc == 48 { f } else { e });
            let (rc, r) = call(p, buf.as_ptr(), n, 0, lp, lc, fp, fc);
            assert_eq!(rc, Error::InvalidArgument.code(), "{lc} {fc}");
            assert_eq!(r, GARBAGE_RESULT);
        }
        assert_eq!(lines, [GARBAGE_LINE; 4]);
        assert_eq!(fields, [GARBAGE; 48]);
        // (NULL, 0) outputs: no room, so the call is full at once.
        let (rc, r) = call(
            p,
            buf.as_ptr(),
            n,
            0,
            ptr::null_mut(),
            0,
            ptr::null_mut(),
            0,
        );
        assert_eq!(rc, LOG_OK);
        assert_eq!(
            r,
            BatchResult {
                consumed: 0,
                lines: 0,
                errors: 0,
                full: 1
            }
        );
        assert_eq!(lines, [GARBAGE_LINE; 4]);
        log_parser_free(p);
    }
}

#[test]
fn parse_batch_small_capacities_and_streaming() {
    let text: &[u8] = b"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1\n\nbad line\r\n::1 - u [t] \"-\" 408 - \"-\" \"curl\"\r\n5.6.7.8 - - [t] \"GET /x\" 404 0";
    for spec in ["access", "combined", "common"] {
        let rust = Parser::new(spec).unwrap();
        let nf = rust.field_count();
        // Reference: the safe API with room for everything.
        let mut want_lines = vec![Line::default(); 16];
        let mut want_fields = vec![Span::ABSENT; 16 * nf];
        let want = rust.parse_batch(text, true, &mut want_lines, &mut want_fields);
        assert_eq!(want.lines, 5);
        assert_eq!(want.full, 0);

        let p = new_parser(spec);
        unsafe {
            // Capacity 0 (lines or fields): nothing written, full.
            for (lc, fc) in [(0, 4 * nf), (4, 0), (4, nf - 1)] {
                let mut lines = vec![GARBAGE_LINE; lc];
                let mut fields = vec![GARBAGE; fc];
                let (rc, r) = batch(p, text, 1, &mut lines, &mut fields);
                assert_eq!(rc, LOG_OK);
                assert_eq!((r.lines, r.consumed, r.full), (0, 0, 1), "{lc} {fc}");
                assert!(lines.iter().all(|l| *l == GARBAGE_LINE));
                assert!(fields.iter().all(|s| *s == GARBAGE));
            }
            // Capacity 1: one line per call, the same results in order.
            for flags in [0, LOG_BATCH_END_OF_INPUT] {
                // Without END_OF_INPUT the last line (no `\n`) is left.
                let total = if flags == 0 { 4 } else { 5 };
                let mut base = 0;
                let mut k = 0;
                loop {
                    let mut lines = [GARBAGE_LINE; 1];
                    let mut fields = vec![GARBAGE; nf + 1];
                    let (rc, r) = batch(p, &text[base..], flags, &mut lines, &mut fields);
                    assert_eq!(rc, LOG_OK);
                    if r.lines == 0 {
                        assert_eq!(r.full, 0);
                        break;
                    }
                    assert_eq!(r.lines, 1);
                    let l = lines[0];
                    let w = want_lines[k];
                    assert_eq!(
                        (l.off as usize + base, l.len, l.status),
                        (w.off as usize, w.len, w.status)
                    );
                    for f in 0..nf {
                        let s = fields[f];
                        let ws = want_fields[k * nf + f];
                        let s = if s.is_present() {
                            Span {
                                off: s.off + base as u32,
                                ..s
                            }
                        } else {
                            s
                        };
                        assert_eq!(s, ws, "{spec} line {k} field {f}");
                    }
                    assert_eq!(fields[nf], GARBAGE, "one line's spans only");
                    assert_eq!(r.errors, (l.status < 0) as usize);
                    k += 1;
                    base += r.consumed;
                    // Full while another complete line is waiting.
                    assert_eq!(r.full, (k < total) as u32, "{spec} line {k}");
                }
                assert_eq!(k, total, "{spec} flags {flags}");
                let left = if flags == 0 {
                    b"5.6.7.8 - - [t] \"GET /x\" 404 0".len()
                } else {
                    0
                };
                assert_eq!(text.len() - base, left);
            }
            log_parser_free(p);
        }
    }
}

#[test]
fn parsers_are_shared_between_threads() {
    let p = new_parser("access");
    // SAFETY: p is live until the free below, after every thread ended;
    // a Parser is Sync.
    let shared: &Parser = unsafe { &*p };
    std::thread::scope(|scope| {
        for t in 0..4 {
            scope.spawn(move || {
                let line = format!("10.0.0.{t} - - [t] \"GET /{t} HTTP/1.1\" 200 {t}");
                let mut want = [Span::ABSENT; LOG_FAST_FIELDS];
                let n = logspan::parse_fast(line.as_bytes(), &mut want).unwrap();
                for _ in 0..20 {
                    let mut out = [GARBAGE; LOG_FAST_FIELDS];
                    let rc = unsafe {
                        log_parser_parse(
                            shared,
                            line.as_ptr(),
                            line.len(),
                            out.as_mut_ptr(),
                            out.len(),
                        )
                    };
                    assert_eq!(rc, n as i32);
                    assert_eq!(out, want);
                    assert_eq!(
                        out[6].get(line.as_bytes()),
                        Some(format!("/{t}").as_bytes())
                    );
                }
            });
        }
    });
    unsafe { log_parser_free(p) };
}

#[test]
fn status_strings() {
    let mut seen = std::collections::BTreeSet::new();
    for &e in Error::ALL {
        let s = c_str(log_status_str(e.code()));
        assert_eq!(s, e.message(), "{e:?}");
        assert!(
            !s.is_empty() && s != "ok" && s != "unknown status code",
            "{e:?}"
        );
        assert!(seen.insert(s), "{e:?}: message shared with another code");
        assert_eq!(Error::from_code(e.code()), Some(e));
        assert!(e.code() < 0);
    }
    assert_eq!(seen.len(), Error::ALL.len());
    let codes: std::collections::BTreeSet<i32> = Error::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), Error::ALL.len(), "codes are distinct");
    for ok in [LOG_OK, 1, 12, i32::MAX] {
        assert_eq!(c_str(log_status_str(ok)), "ok");
    }
    // Negative values that are no code: the neighbours of every code, and
    // the extremes.
    let unknown: std::collections::BTreeSet<i32> = codes
        .iter()
        .flat_map(|c| [c - 1, c + 1])
        .chain([-1, -1000, i32::MIN])
        .filter(|c| *c < 0 && !codes.contains(c))
        .collect();
    assert!(unknown.len() > 10);
    for code in unknown {
        assert_eq!(Error::from_code(code), None);
        assert_eq!(c_str(log_status_str(code)), "unknown status code", "{code}");
    }
}

#[test]
fn versions() {
    assert_eq!(log_abi_version(), LOG_ABI_VERSION);
    assert_eq!(log_abi_version(), 1);
    assert_eq!(c_str(log_version()), env!("CARGO_PKG_VERSION"));
    // Layouts the header describes.
    assert_eq!(std::mem::size_of::<Span>(), 12);
    assert_eq!(std::mem::size_of::<Line>(), 12);
    assert_eq!(
        std::mem::size_of::<BatchResult>(),
        3 * std::mem::size_of::<usize>() + std::mem::size_of::<usize>().max(4)
    );
}

/// The header's numbers are the library's: ABI version, error codes,
/// field indexes.
#[test]
#[cfg_attr(miri, ignore = "reads a file")]
fn header_matches_the_library() {
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/logspan.h")).unwrap();
    let define = |name: &str| -> i64 {
        let line = header
            .lines()
            .find(|l| l.starts_with(&format!("#define {name} ")))
            .unwrap_or_else(|| panic!("{name} not in the header"));
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    assert_eq!(define("LOG_ABI_VERSION"), LOG_ABI_VERSION as i64);
    assert_eq!(
        define("LOG_BATCH_END_OF_INPUT"),
        LOG_BATCH_END_OF_INPUT as i64
    );
    assert_eq!(define("LOG_FAST_FIELDS"), LOG_FAST_FIELDS as i64);
    assert_eq!(define("LOG_COMMON_FIELDS"), LOG_COMMON_FIELDS as i64);
    let p = Parser::new("combined").unwrap();
    for i in 0..LOG_FAST_FIELDS {
        let name = p.field_name(i).unwrap().to_uppercase();
        assert_eq!(define(&format!("LOG_FIELD_{name}")), i as i64);
    }
    // Every LOG_ERR_* of the enum, and no other.
    let codes: Vec<(String, i32)> = header
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("LOG_ERR_")?;
            let (name, value) = l.split_once(" = ")?;
            Some((
                name.to_string(),
                value.trim_end_matches(',').parse().unwrap(),
            ))
        })
        .collect();
    assert_eq!(codes.len(), Error::ALL.len());
    for (name, code) in codes {
        let e = Error::from_code(code).unwrap_or_else(|| panic!("LOG_ERR_{name} = {code}"));
        // `AccessBadTime` is LOG_ERR_ACCESS_BAD_TIME.
        let camel: String = name
            .split('_')
            .map(|w| w[..1].to_string() + &w[1..].to_lowercase())
            .collect();
        assert_eq!(format!("{e:?}"), camel, "{name}");
    }
}
