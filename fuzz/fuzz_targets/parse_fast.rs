//! log_parse_fast on arbitrary bytes, checked against the naive reference
//! implementation of the same rules (differential), for all three modes;
//! and every level of the SIMD engine this CPU has (plus the portable
//! ScalarBlock walker) against the scalar parser it was written from:
//! same status, same error code, same spans and flags.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::access_fast::parse_fast_at;
use logspan::simd::{available_levels, Level};
use logspan::{Parser, Span, LOG_FAST_FIELDS};

#[path = "../../tests/reference/access.rs"]
mod reference;

fuzz_target!(|data: &[u8]| {
    let copy = data.to_vec();
    let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
    let got = logspan::parse_fast(data, &mut out);
    let want = reference::parse(data, 0);
    match (got, want) {
        (Ok(n), Ok(fields)) => {
            assert_eq!(n, fields.iter().filter(|f| f.is_some()).count());
            for (span, f) in out.iter().zip(fields.iter()) {
                match f {
                    None => assert_eq!(*span, Span::ABSENT),
                    Some((s, e, esc)) => {
                        assert_eq!(
                            (span.off as usize, (span.off + span.len) as usize),
                            (*s, *e)
                        );
                        assert_eq!(span.is_escaped(), *esc);
                        assert!(span.get(data).is_some(), "span inside the input");
                    }
                }
            }
        }
        (Err(_), Err(())) => assert!(out.iter().all(|s| *s == Span::ABSENT)),
        (got, want) => panic!("fast {got:?} vs reference {:?}", want.is_ok()),
    }
    for (spec, mode) in [("common", 1u8), ("combined", 2)] {
        let p = Parser::new(spec).unwrap();
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        assert_eq!(
            p.parse(data, &mut out).is_ok(),
            reference::parse(data, mode).is_ok(),
            "{spec}"
        );
    }
    let mut want = [Span::ABSENT; LOG_FAST_FIELDS];
    let want_r = parse_fast_at(Some(Level::Fallback), data, &mut want);
    let engines = available_levels().into_iter().map(Some).chain([None]);
    for e in engines {
        let mut got = [Span { off: 1, len: 1, flags: 1 }; LOG_FAST_FIELDS];
        assert_eq!(parse_fast_at(e, data, &mut got), want_r, "engine {e:?}");
        assert_eq!(got, want, "engine {e:?}");
    }
    assert_eq!(data, &copy[..], "input untouched");
});
