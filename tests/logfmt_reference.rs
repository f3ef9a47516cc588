//! The logfmt parser against the naive reference implementation in
//! `tests/reference/logfmt.rs` (the same rules written byte by byte), in
//! both modes: enumerate (`logfmt:*N`, every pair in order) and projection
//! (`logfmt:<keys>`, last occurrence wins and is flagged duplicate). Lines
//! are built from the tokens that matter to the grammar so that near misses
//! (a stray quote, an escape cut short, a control byte) are common. The
//! `logfmt` fuzz target runs the same comparison on arbitrary bytes.

use logspan::{Error, Parser, Span, LOG_FLAG_BARE_KEY, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED};
use proptest::prelude::*;

#[path = "reference/logfmt.rs"]
mod reference;

fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b" "[..],
        b" ",
        b"=",
        b"=",
        b"\"",
        b"\"",
        b"\\",
        b"\\\"",
        b"\\n",
        b"\\x4",
        b"\\x41",
        b"\\u00e9",
        b"\\ud800",
        b"\\U0001F600",
        b"\\U00110000",
        b"\\377",
        b"\\400",
        b"\\q",
        b"a",
        b"b",
        b"level",
        b"msg",
        b"info",
        b"hello world",
        b"\t",
        b"\x01",
        b"\x1e",
        b"\r\n",
        b"\n",
        b"\xc3\xa9",
        b"\xef\xbf\xbd",
        b"\xff",
    ])
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    let valid = "ts=2024-01-02T03:04:05Z level=info msg=\"hello \\\"you\\\"\" debug n= q=\"\"";
    prop_oneof![
        (0..valid.len(), token(), 0usize..3).prop_map(move |(at, tok, cut)| {
            let mut s = valid.as_bytes().to_vec();
            let end = (at + cut).min(s.len());
            s.splice(at..end, tok.iter().copied());
            s
        }),
        prop::collection::vec(token(), 0..24).prop_map(|t| t.concat()),
    ]
}

/// The span the parser should report for a reference value.
fn want_span(v: reference::Value, dup: bool) -> Span {
    let (s, e, esc, bare) = v;
    let mut flags = 0;
    if esc {
        flags |= LOG_FLAG_ESCAPED;
    }
    if bare {
        flags |= LOG_FLAG_BARE_KEY;
    }
    if dup {
        flags |= LOG_FLAG_DUPLICATE;
    }
    Span {
        off: s as u32,
        len: (e - s) as u32,
        flags,
    }
}

/// Compare both modes of the parser with the reference on one line.
fn check(line: &[u8]) {
    let want = reference::pairs(line);
    // Enumerate mode, with room for every pair and with too little room.
    for n in [2048u32, 2] {
        let p = Parser::new(&format!("logfmt:*{n}")).unwrap();
        let mut out = vec![Span::ABSENT; p.field_count()];
        let got = p.parse(line, &mut out);
        match &want {
            Err(code) => {
                assert_eq!(got.map_err(Error::code), Err(*code), "{line:?}");
                assert!(out.iter().all(|s| *s == Span::ABSENT));
            }
            Ok(pairs) if pairs.len() > n as usize => {
                assert_eq!(got, Err(Error::TooManyFields), "{line:?}");
                assert!(out.iter().all(|s| *s == Span::ABSENT));
            }
            Ok(pairs) => {
                assert_eq!(got, Ok(2 * pairs.len()), "{line:?}");
                for (k, &(ks, ke, v)) in pairs.iter().enumerate() {
                    assert_eq!(out[2 * k], key_span(ks, ke), "{line:?}");
                    assert_eq!(out[2 * k + 1], want_span(v, false), "{line:?}");
                }
                assert!(out[2 * pairs.len()..].iter().all(|s| *s == Span::ABSENT));
            }
        }
    }
    // Projection of the keys the line has (and one it has not).
    let Ok(pairs) = &want else { return };
    let mut keys: Vec<&[u8]> = Vec::new();
    for &(ks, ke, _) in pairs {
        let k = &line[ks..ke];
        if !keys.contains(&k) && keys.len() < 16 {
            keys.push(k);
        }
    }
    if !keys.contains(&&b"__missing__"[..]) {
        keys.push(b"__missing__"); // usually a key the line lacks
    }
    let spec = keys
        .iter()
        .map(|k| {
            let s = std::str::from_utf8(k).unwrap();
            s.replace('\\', "\\\\").replace(',', "\\,").replacen(
                '*',
                "\\*",
                usize::from(s.starts_with('*')),
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let p = Parser::new(&format!("logfmt:{spec}")).unwrap_or_else(|e| panic!("{spec}: {e}"));
    let mut out = vec![Span::ABSENT; p.field_count()];
    let got = p.parse(line, &mut out);
    let mut present = 0;
    for (f, k) in keys.iter().enumerate() {
        let occurrences: Vec<_> = pairs
            .iter()
            .filter(|&&(ks, ke, _)| &line[ks..ke] == *k)
            .collect();
        match occurrences.last() {
            None => assert_eq!(out[f], Span::ABSENT),
            Some(&&(_, _, v)) => {
                present += 1;
                assert_eq!(
                    out[f],
                    want_span(v, occurrences.len() > 1),
                    "{line:?} key {k:?}"
                );
            }
        }
    }
    assert_eq!(got, Ok(present), "{line:?}");
}

fn key_span(s: usize, e: usize) -> Span {
    Span {
        off: s as u32,
        len: (e - s) as u32,
        flags: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn logfmt_matches_the_reference(line in line()) {
        check(&line);
    }

    #[test]
    fn logfmt_matches_the_reference_on_any_bytes(line in prop::collection::vec(any::<u8>(), 0..64)) {
        check(&line);
    }
}

#[test]
fn reference_fixed_cases() {
    for line in [
        &b"a=1 b=\"x y\" c"[..],
        b"a=\"x\"b=y",
        b"a==b",
        b"=a",
        b"a\"b=1",
        b"a=\"\\x4",
        b"a=\"\\x4g\"",
        b"a=\"\\U00110000\"",
        b"a=\"\x01\"",
        b"\xff=1",
        b"\xef\xbf\xbd=1",
        b"  \t ",
        b"\r\n",
        b"",
        b"a=1 a=2 a",
        b"*=1 a,b=2 \\=3",
    ] {
        check(line);
    }
}
