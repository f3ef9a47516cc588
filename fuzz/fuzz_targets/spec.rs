//! log_parser_new with arbitrary spec strings (every format's compiler:
//! JSON paths, logfmt keys, regex, pattern, nginx, apache): never panics,
//! errors carry a position inside the spec, and a parser that compiles
//! parses a line with every span inside it, never writes past its field
//! count, reports the present count, leaves all spans absent on error, and
//! resolves each field name to its index.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Error, Parser, Span};

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (spec, line) = common::split_nul(data, b"{\"a\":1}");
    // Huge counted repetitions make regex compilation slow (it fails at
    // the size limit); keep each run short.
    if spec.windows(4).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return;
    }
    match Parser::from_spec_bytes(spec) {
        Err(e) => assert!(e.pos <= spec.len(), "{e}"),
        Ok(p) => {
            let nf = p.field_count();
            assert!(nf >= 1 && nf <= 4096);
            let canary = Span {
                off: 5,
                len: 5,
                flags: 5,
            };
            let mut out = vec![canary; nf + 1];
            let r = p.parse(line, &mut out);
            assert_eq!(out[nf], canary, "wrote past the field count");
            common::check_result(line, &out[..nf], &r);
            assert_eq!(
                p.parse(line, &mut out[..nf - 1]),
                Err(Error::OutputTooSmall)
            );
            for i in 0..nf {
                assert_eq!(
                    p.field_index(p.field_name(i).unwrap()),
                    Some(i),
                    "names are unique"
                );
            }
            assert!(p.field_name(nf).is_none());
        }
    }
});
