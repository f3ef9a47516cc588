//! log_parser_new with arbitrary spec strings: never panics, errors carry a
//! position inside the spec, and a parser that compiles parses a line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Parser, Span};

fuzz_target!(|data: &[u8]| {
    let (spec, line) = match data.iter().position(|&b| b == 0) {
        Some(k) => (&data[..k], &data[k + 1..]),
        None => (data, &b"{\"a\":1}"[..]),
    };
    match Parser::from_spec_bytes(spec) {
        Err(e) => assert!(e.pos <= spec.len(), "{e}"),
        Ok(p) => {
            let mut out = vec![Span::ABSENT; p.field_count()];
            if let Ok(n) = p.parse(line, &mut out) {
                assert!(n <= p.field_count());
                assert!(out.iter().all(|s| !s.is_present() || s.get(line).is_some()));
            }
            for i in 0..p.field_count() {
                assert_eq!(p.field_index(p.field_name(i).unwrap()), Some(i));
            }
        }
    }
});
