//! log_parse_fast on arbitrary bytes, checked against the naive reference
//! implementation of the same rules (differential), for all three modes.
#![no_main]
use libfuzzer_sys::fuzz_target;
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
    assert_eq!(data, &copy[..], "input untouched");
});
