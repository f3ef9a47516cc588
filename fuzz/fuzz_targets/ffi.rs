//! The C ABI entry points (`logspan::ffi::*`) with arbitrary specs, lines
//! and (mostly tiny) capacities. Every output array is followed by
//! canaries that must survive (no write past a capacity), inputs are
//! exact-size heap copies (ASan sees any read past the end) that must be
//! unchanged afterwards, error outputs follow the header's rules, and a
//! batch result equals the one-line parses of its lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::ffi::*;
use logspan::{BatchResult, Error, Line, Parser, Span, LOG_FAST_FIELDS, LOG_OK};
use std::ffi::CStr;
use std::ptr;

#[path = "../common.rs"]
mod common;

const SPECS: &[&str] = &[
    "access",
    "combined",
    "common",
    "json:a,b.c,d[0]",
    "json:*3",
    "logfmt:a,b,msg",
    "logfmt:*2",
    "syslog",
    "auto",
    "regex:(?P<k>\\w+)=(?P<v>\\S*)",
    "pattern:<a> <b>",
];
const CANARY: Span = Span {
    off: 0xC0FFEE,
    len: 0xC0FFEE,
    flags: 0xC0FFEE,
};
const CANARY_LINE: Line = Line {
    off: 0xC0FFEE,
    len: 0xC0FFEE,
    status: 0xC0FFEE,
};
const EXTRA: usize = 4;

fn cstr<'a>(p: *const std::os::raw::c_char) -> &'a [u8] {
    assert!(!p.is_null());
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    unsafe { CStr::from_ptr(p) }.to_bytes()
}

/// A NULL pointer when empty and `null_when_empty`, else the data's.
fn ptr_of(v: &[u8], null_when_empty: bool) -> *const u8 {
    if v.is_empty() && null_when_empty {
        ptr::null()
    } else {
        v.as_ptr()
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let (hdr, rest) = data.split_at(6);
    let (spec_sel, out_cap, lines_cap, fields_cap, err_cap, flags) = (
        hdr[0],
        hdr[1] as usize % 20,
        hdr[2] as usize % 6,
        hdr[3] as usize % 40,
        hdr[4] as usize % 48,
        hdr[5],
    );
    let (spec_raw, line_raw): (Vec<u8>, &[u8]) = if spec_sel as usize % 16 < SPECS.len() {
        (SPECS[spec_sel as usize % 16].as_bytes().to_vec(), rest)
    } else {
        let (s, l) = common::split_nul(rest, b"a=1");
        (s.to_vec(), l)
    };
    // Exact-size heap copies.
    let spec: Vec<u8> = spec_raw.clone();
    let line: Vec<u8> = line_raw.to_vec();
    let null_empty = flags & 0x80 != 0;

    // ---- log_parser_new: error buffer of err_cap bytes + canaries.
    let mut err = vec![0xEEu8; err_cap + 8];
    let sentinel = ptr::NonNull::<Parser>::dangling().as_ptr();
    let mut parser = sentinel;
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let new_rc = unsafe {
        log_parser_new(
            ptr_of(&spec, null_empty),
            spec.len(),
            &mut parser,
            err.as_mut_ptr(),
            err_cap,
        )
    };
    assert!(
        err[err_cap..].iter().all(|&b| b == 0xEE),
        "wrote past err_cap"
    );
    assert_eq!(spec, spec_raw, "spec untouched");
    if new_rc != LOG_OK {
        assert_eq!(new_rc, Error::InvalidSpec.code());
        assert_eq!(parser, sentinel, "*out untouched on failure");
        if err_cap > 0 {
            let nul = err[..err_cap]
                .iter()
                .position(|&b| b == 0)
                .expect("NUL-terminated");
            assert!(
                std::str::from_utf8(&err[..nul]).is_ok(),
                "message cut at a char boundary"
            );
        }
    }
    // Also parse it as C would with err_buf NULL: same verdict.
    let mut p2: *mut Parser = ptr::null_mut();
    let rc2 =
        // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
        unsafe { log_parser_new(spec.as_ptr(), spec.len(), &mut p2, ptr::null_mut(), err_cap) };
    assert_eq!(new_rc, rc2);
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    unsafe { log_parser_free(p2) };

    // ---- log_parse_fast: 12 spans + canaries.
    let mut fast = vec![CANARY; LOG_FAST_FIELDS + EXTRA];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let n = unsafe { log_parse_fast(ptr_of(&line, null_empty), line.len(), fast.as_mut_ptr()) };
    assert!(fast[LOG_FAST_FIELDS..].iter().all(|s| *s == CANARY));
    let r = if n >= 0 {
        Ok(n as usize)
    } else {
        Err(Error::from_code(n).expect("known code"))
    };
    common::check_result(&line, &fast[..LOG_FAST_FIELDS], &r);

    // ---- values and unescapers, with tiny output capacities.
    let mut i = [0x5555_5555_5555_5555i64; 2];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let rc = unsafe { log_value_i64(line.as_ptr(), line.len(), i.as_mut_ptr()) };
    assert!(rc == LOG_OK || i[0] == 0x5555_5555_5555_5555);
    assert_eq!(i[1], 0x5555_5555_5555_5555);
    let mut f = [0.5f64; 2];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let rc = unsafe { log_value_f64(line.as_ptr(), line.len(), f.as_mut_ptr()) };
    assert!(rc == LOG_OK || f[0] == 0.5);
    assert_eq!(f[1], 0.5);
    let mut b = [7u8; 2];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let rc = unsafe { log_value_bool(line.as_ptr(), line.len(), b.as_mut_ptr()) };
    assert!(if rc == LOG_OK { b[0] <= 1 } else { b[0] == 7 });
    assert_eq!(b[1], 7);
    for func in [log_time_rfc3339, log_time_clf] {
        let mut t = [9i64; 2];
        // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
        let rc = unsafe { func(line.as_ptr(), line.len(), t.as_mut_ptr()) };
        assert!(rc == LOG_OK || t[0] == 9);
        assert_eq!(t[1], 9);
    }
    let mut t = [9i64; 2];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let rc = unsafe { log_time_rfc3164(line.as_ptr(), line.len(), 2024, t.as_mut_ptr()) };
    assert!(rc == LOG_OK || t[0] == 9);
    assert_eq!(t[1], 9);
    let cap = out_cap.min(line.len() + 1);
    for func in [log_unescape_json, log_unescape_logfmt, log_unescape_access] {
        let mut out = vec![0xA5u8; cap + 8];
        let mut len = usize::MAX;
        // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
        let rc = unsafe {
            func(
                ptr_of(&line, null_empty),
                line.len(),
                out.as_mut_ptr(),
                cap,
                &mut len,
            )
        };
        assert!(out[cap..].iter().all(|&b| b == 0xA5), "wrote past out_cap");
        if rc == LOG_OK {
            assert!(len <= cap && len <= line.len());
        } else {
            assert_eq!(len, usize::MAX, "*out_len untouched on error");
            assert!(out.iter().all(|&b| b == 0xA5), "out untouched on error");
        }
    }
    let s = cstr(log_status_str(i32::from_le_bytes([
        hdr[1], hdr[2], hdr[3], hdr[4],
    ])));
    assert!(!s.is_empty());

    if new_rc != LOG_OK {
        assert_eq!(line, line_raw, "input untouched");
        return;
    }
    let p = parser;
    // ---- field names and indexes.
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let nf = unsafe { log_parser_field_count(p) };
    for k in 0..=nf {
        let mut len = usize::MAX;
        // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
        let name = unsafe { log_parser_field_name(p, k, &mut len) };
        if k == nf {
            assert!(name.is_null());
            assert_eq!(len, usize::MAX);
        } else {
            let bytes = cstr(name);
            assert_eq!(bytes.len(), len);
            // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
            let idx = unsafe { log_parser_field_index(p, bytes.as_ptr(), bytes.len()) };
            assert!(
                idx >= 0 && (idx as usize) <= k,
                "first field with that name"
            );
        }
    }

    // ---- log_parser_parse: out_cap spans + canaries.
    let mut out = vec![CANARY; out_cap + EXTRA];
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    let n = unsafe {
        log_parser_parse(
            p,
            ptr_of(&line, null_empty),
            line.len(),
            out.as_mut_ptr(),
            out_cap,
        )
    };
    if out_cap < nf {
        assert_eq!(n, Error::OutputTooSmall.code());
        assert!(
            out.iter().all(|s| *s == CANARY),
            "nothing written when too small"
        );
    } else {
        assert!(
            out[nf..].iter().all(|s| *s == CANARY),
            "wrote past field_count"
        );
        let r = if n >= 0 {
            Ok(n as usize)
        } else {
            Err(Error::from_code(n).expect("known code"))
        };
        common::check_result(&line, &out[..nf], &r);
    }

    // ---- log_parser_parse_batch: tiny capacities + canaries, streamed.
    let bflags = u32::from(flags & 3);
    let mut lines = vec![CANARY_LINE; lines_cap + EXTRA];
    let mut fields = vec![CANARY; fields_cap + EXTRA];
    let mut base = 0usize;
    let mut rounds = 0;
    loop {
        let mut res = BatchResult {
            consumed: 77,
            lines: 77,
            errors: 77,
            full: 77,
        };
        let buf = &line[base..];
        // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
        let rc = unsafe {
            log_parser_parse_batch(
                p,
                ptr_of(buf, null_empty),
                buf.len(),
                bflags,
                lines.as_mut_ptr(),
                lines_cap,
                fields.as_mut_ptr(),
                fields_cap,
                &mut res,
            )
        };
        assert_eq!(rc, LOG_OK);
        assert!(
            lines[lines_cap..].iter().all(|l| *l == CANARY_LINE),
            "wrote past lines_cap"
        );
        assert!(
            fields[fields_cap..].iter().all(|s| *s == CANARY),
            "wrote past fields_cap"
        );
        assert!(
            res.lines <= lines_cap && res.lines * nf <= fields_cap && res.consumed <= buf.len()
        );
        assert!(res.full <= 1);
        let mut errors = 0;
        for (k, l) in lines[..res.lines].iter().enumerate() {
            let start = l.off as usize;
            let end = buf[start..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(buf.len(), |e| start + e + 1);
            assert!(end <= res.consumed);
            let mut one = vec![CANARY; nf.max(1)];
            // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
            let want = unsafe {
                log_parser_parse(
                    p,
                    buf[start..end].as_ptr(),
                    end - start,
                    one.as_mut_ptr(),
                    nf,
                )
            };
            assert_eq!(l.status, want);
            errors += usize::from(want < 0);
            for j in 0..nf {
                let mut w = one[j];
                if w.is_present() {
                    w.off += l.off;
                }
                assert_eq!(fields[k * nf + j], w);
            }
        }
        assert_eq!(res.errors, errors);
        base += res.consumed;
        rounds += 1;
        if res.full == 0 || res.lines == 0 || rounds > 10_000 {
            break;
        }
    }
    // SAFETY: every pointer is NULL with length 0 or points into a live Rust buffer at least as long as the length passed, as the C contract requires.
    unsafe { log_parser_free(p) };
    assert_eq!(line, line_raw, "input untouched");
});
