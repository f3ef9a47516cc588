//! Invariants every parse result must keep, shared by the fuzz targets
//! (`#[path = "../common.rs"] mod common;`).
#![allow(dead_code)]

use logspan::{Error, Span, LOG_SPAN_ABSENT};

/// A parse of `line` into `out` returned `r`: every present span lies
/// inside the line, absent spans are exactly `Span::ABSENT`, a success
/// counts the present spans, and an error leaves every span absent.
pub fn check_result(line: &[u8], out: &[Span], r: &Result<usize, Error>) {
    for s in out {
        if s.is_present() {
            assert!(
                s.get(line).is_some(),
                "span {s:?} outside a line of {} bytes",
                line.len()
            );
        } else {
            assert_eq!(*s, Span::ABSENT, "absent spans are {{ABSENT, 0, 0}}");
        }
    }
    match r {
        Ok(n) => assert_eq!(
            *n,
            out.iter().filter(|s| s.is_present()).count(),
            "present count"
        ),
        Err(e) => {
            assert!(
                out.iter().all(|s| *s == Span::ABSENT),
                "error {e:?} with spans left"
            );
            assert_ne!(*e, Error::Panic);
        }
    }
}

/// Present spans, in the order given, do not overlap and go forward.
pub fn assert_in_order(spans: &[Span]) {
    let mut end = 0u64;
    for s in spans.iter().filter(|s| s.off != LOG_SPAN_ABSENT) {
        assert!(
            s.off as u64 >= end,
            "span {s:?} starts before the previous one ends ({end}): {spans:?}"
        );
        end = s.off as u64 + s.len as u64;
    }
}

/// The line without one trailing `\n` or `\r\n`.
pub fn strip_eol(line: &[u8]) -> &[u8] {
    match line {
        [rest @ .., b'\r', b'\n'] => rest,
        [rest @ .., b'\n'] => rest,
        _ => line,
    }
}

/// Split at the first NUL: (before, after); no NUL gives (data, default).
pub fn split_nul<'a>(data: &'a [u8], default: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(k) => (&data[..k], &data[k + 1..]),
        None => (data, default),
    }
}
