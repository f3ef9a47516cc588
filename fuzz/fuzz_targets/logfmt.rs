//! logfmt on arbitrary bytes against the naive reference implementation
//! (tests/reference/logfmt.rs), in both modes: enumerate (`logfmt:*N`,
//! with room for every pair and with too little) and projection of the
//! line's own keys (last occurrence wins, flagged duplicate). Spans stay
//! inside the input, enumerate spans go forward without overlapping, and
//! the input is never modified. The SIMD walker (`logfmt_fast`) at every
//! level this CPU has, and over its portable classifier, must also equal
//! the scalar parser (`Level::Fallback`) on every spec, error codes
//! included.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::logfmt_fast::{parse_at, TestSpec};
use logspan::simd::{available_levels, Level};
use logspan::{Error, Parser, Span, LOG_FLAG_BARE_KEY, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED};
use std::sync::OnceLock;

#[path = "../common.rs"]
mod common;
#[path = "../../tests/reference/logfmt.rs"]
mod reference;

fn want_span(v: reference::Value, dup: bool) -> Span {
    let (s, e, esc, bare) = v;
    let flags = if esc { LOG_FLAG_ESCAPED } else { 0 }
        | if bare { LOG_FLAG_BARE_KEY } else { 0 }
        | if dup { LOG_FLAG_DUPLICATE } else { 0 };
    Span {
        off: s as u32,
        len: (e - s) as u32,
        flags,
    }
}

/// Enumerate parsers, compiled once: `*2048` and `*1` .. `*8`.
fn enumerate(n: u32) -> &'static Parser {
    static P: OnceLock<Vec<Parser>> = OnceLock::new();
    let all = P.get_or_init(|| {
        (0..=8u32)
            .map(|k| Parser::new(&format!("logfmt:*{}", if k == 0 { 2048 } else { k })).unwrap())
            .collect()
    });
    &all[if n == 2048 { 0 } else { n as usize }]
}

/// Every engine equals the scalar parser on `spec`.
fn engines_agree(spec: &TestSpec, line: &[u8]) {
    let run = |level| {
        let mut out = vec![Span::ABSENT; spec.field_count()];
        let r = parse_at(level, spec, line, &mut out);
        (r, out)
    };
    let want = run(Some(Level::Fallback));
    for level in available_levels().into_iter().map(Some).chain([None]) {
        assert_eq!(run(level), want, "engine {level:?} spec {spec:?}");
    }
}

/// Specs compiled once: enumerate with room and without, and the
/// benchmark's projection.
fn fixed_specs() -> &'static [TestSpec] {
    static S: OnceLock<Vec<TestSpec>> = OnceLock::new();
    S.get_or_init(|| {
        ["*2048", "*2", "time,level,msg,path,status"]
            .iter()
            .map(|s| TestSpec::new(s).unwrap())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let (n, line) = match data.split_first() {
        Some((&n, rest)) => (n as u32 % 8 + 1, rest),
        None => (1, data),
    };
    let copy = line.to_vec();
    let want = reference::pairs(line);
    for n in [2048u32, n] {
        let p = enumerate(n);
        let mut out = vec![Span::ABSENT; p.field_count()];
        let got = p.parse(line, &mut out);
        common::check_result(line, &out, &got);
        common::assert_in_order(&out);
        match &want {
            Err(code) => assert_eq!(got.map_err(Error::code), Err(*code)),
            Ok(pairs) if pairs.len() > n as usize => assert_eq!(got, Err(Error::TooManyFields)),
            Ok(pairs) => {
                assert_eq!(got, Ok(2 * pairs.len()));
                for (k, &(ks, ke, v)) in pairs.iter().enumerate() {
                    assert_eq!(
                        out[2 * k],
                        Span {
                            off: ks as u32,
                            len: (ke - ks) as u32,
                            flags: 0
                        }
                    );
                    assert_eq!(out[2 * k + 1], want_span(v, false));
                }
            }
        }
    }
    if let Ok(pairs) = &want {
        // Project the line's keys (at most 16) and one it does not have.
        let mut keys: Vec<&[u8]> = Vec::new();
        for &(ks, ke, _) in pairs {
            if !keys.contains(&&line[ks..ke]) && keys.len() < 16 {
                keys.push(&line[ks..ke]);
            }
        }
        if !keys.contains(&&b"__missing__"[..]) {
            keys.push(b"__missing__"); // usually a key the line lacks
        }
        let spec = keys
            .iter()
            .map(|k| {
                let s = std::str::from_utf8(k).expect("keys with non-ASCII bytes are UTF-8");
                let s = s.replace('\\', "\\\\").replace(',', "\\,");
                if s.starts_with('*') {
                    format!("\\{s}")
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        engines_agree(&TestSpec::new(&spec).unwrap(), line);
        let p = Parser::new(&format!("logfmt:{spec}")).unwrap_or_else(|e| panic!("{spec:?}: {e}"));
        let mut out = vec![Span::ABSENT; p.field_count()];
        let got = p.parse(line, &mut out);
        common::check_result(line, &out, &got);
        let mut present = 0;
        for (f, k) in keys.iter().enumerate() {
            let occ: Vec<_> = pairs
                .iter()
                .filter(|&&(ks, ke, _)| &line[ks..ke] == *k)
                .collect();
            match occ.last() {
                None => assert_eq!(out[f], Span::ABSENT),
                Some(&&(_, _, v)) => {
                    present += 1;
                    assert_eq!(out[f], want_span(v, occ.len() > 1), "key {k:?}");
                }
            }
        }
        assert_eq!(got, Ok(present));
    }
    for spec in fixed_specs() {
        engines_agree(spec, line);
    }
    assert_eq!(line, &copy[..], "input untouched");
});
