//! The access-log parser against the naive reference implementation in
//! `tests/reference/access.rs` (the same rules written byte by byte), on
//! lines built from the tokens that matter to the grammar, so that near
//! misses (a missing quote, a stray space, an escape at the end) are common.
//! The `parse_fast` fuzz target runs the same comparison on arbitrary bytes.

use logspan::{Parser, Span, LOG_FAST_FIELDS};
use proptest::prelude::*;

#[path = "reference/access.rs"]
mod reference;

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ",
        " ",
        " ",
        "\"",
        "\"",
        "\\",
        "\\\"",
        "[",
        "]",
        "-",
        "200",
        "404",
        "2326",
        "1",
        "127.0.0.1",
        "::1",
        "GET",
        "GET /a HTTP/1.1",
        "/x?y=1",
        "HTTP/1.0",
        "HTTP/x",
        "\\x16\\x03",
        "[10/Oct/2000:13:55:36 -0700]",
        "\"GET / HTTP/1.1\"",
        "\"-\"",
        "Mozilla/5.0 (X11)",
        "\r\n",
        "\n",
        "\t",
        "é",
    ])
}

/// A valid combined line with one random token spliced in somewhere, or
/// a line made only of tokens.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let valid =
        "10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 2326 \"-\" \"ua\"";
    prop_oneof![
        (0..valid.len(), token(), 0usize..3).prop_map(move |(at, tok, cut)| {
            let mut s = valid.as_bytes().to_vec();
            let end = (at + cut).min(s.len());
            s.splice(at..end, tok.bytes());
            s
        }),
        prop::collection::vec(token(), 0..24).prop_map(|t| t.concat().into_bytes()),
    ]
}

fn check(line: &[u8]) -> Result<(), TestCaseError> {
    for (spec, mode) in [("access", 0u8), ("common", 1), ("combined", 2)] {
        let p = Parser::new(spec).unwrap();
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        let got = p.parse(line, &mut out);
        match (got, reference::parse(line, mode)) {
            (Ok(n), Ok(want)) => {
                prop_assert_eq!(
                    n,
                    want[..p.field_count()]
                        .iter()
                        .filter(|f| f.is_some())
                        .count()
                );
                for (i, w) in want[..p.field_count()].iter().enumerate() {
                    let s = out[i];
                    match w {
                        None => prop_assert_eq!(s, Span::ABSENT, "{} field {}", spec, i),
                        Some((a, b, esc)) => {
                            prop_assert_eq!(
                                (s.off as usize, (s.off + s.len) as usize),
                                (*a, *b),
                                "{} field {}",
                                spec,
                                i
                            );
                            prop_assert_eq!(s.is_escaped(), *esc, "{} field {} flags", spec, i);
                        }
                    }
                }
            }
            (Err(_), Err(())) => prop_assert!(out.iter().all(|s| *s == Span::ABSENT)),
            (got, want) => prop_assert!(
                false,
                "{}: parser {:?}, reference ok={}",
                spec,
                got,
                want.is_ok()
            ),
        }
    }
    let mut fast = [Span::ABSENT; LOG_FAST_FIELDS];
    let mut via_spec = [Span::ABSENT; LOG_FAST_FIELDS];
    let a = logspan::parse_fast(line, &mut fast);
    let b = Parser::new("access").unwrap().parse(line, &mut via_spec);
    prop_assert_eq!(a, b);
    prop_assert_eq!(fast, via_spec);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn parser_matches_reference(line in line()) {
        check(&line)?;
    }
}

#[test]
fn reference_agrees_on_the_sample_log() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/access.log"
    ))
    .unwrap();
    let mut ok = 0;
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        check(line).unwrap();
        ok += reference::parse(line, 0).is_ok() as usize;
    }
    // The generator writes ~2% common-format lines and ~1% TLS requests;
    // all of them are valid access-log lines.
    assert_eq!(
        ok,
        text.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count()
    );
}
