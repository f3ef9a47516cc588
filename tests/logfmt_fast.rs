//! The logfmt SIMD walker (`src/formats/logfmt_fast.rs`) against the
//! scalar parser it was written from (differential).
//!
//! `Level::Fallback` runs the scalar reference; every other level this CPU
//! has, and the walker over the portable classifier (`None`), must give
//! the same status, spans and flags on every input, in both modes and
//! with every kind of key table: token soups that hit every error path,
//! well-formed lines whose tokens straddle the 64-byte blocks, lines that
//! end on a block boundary, lines around the 4 KiB limit of the walker,
//! projections of short keys (one-word lookups, with and without a
//! collision-free table), long keys and non-ASCII keys, and the shipped
//! sample file.

use logspan::formats::logfmt_fast::{parse_at, TestSpec};
use logspan::simd::{available_levels, Level};
use logspan::Span;
use proptest::prelude::*;

fn engines() -> Vec<Option<Level>> {
    let mut v: Vec<Option<Level>> = available_levels().into_iter().map(Some).collect();
    v.push(None);
    v
}

fn run(
    level: Option<Level>,
    spec: &TestSpec,
    line: &[u8],
) -> (Result<usize, logspan::Error>, Vec<Span>) {
    // Garbage in `out`, and one slot past the fields that must stay.
    let mut out = vec![
        Span {
            off: 7,
            len: 7,
            flags: 7
        };
        spec.field_count() + 1
    ];
    let r = parse_at(level, spec, line, &mut out);
    assert_eq!(
        out[spec.field_count()],
        Span {
            off: 7,
            len: 7,
            flags: 7
        },
        "wrote past the fields"
    );
    out.truncate(spec.field_count());
    (r, out)
}

fn check_spec(spec: &TestSpec, line: &[u8]) -> Result<(), TestCaseError> {
    let want = run(Some(Level::Fallback), spec, line);
    for e in engines() {
        let got = run(e, spec, line);
        prop_assert_eq!(
            &got,
            &want,
            "engine {:?} spec {:?} on {:?}",
            e,
            spec,
            String::from_utf8_lossy(line)
        );
    }
    Ok(())
}

/// The escaped form of a key for a `logfmt:` key list.
fn spec_key(k: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(k).ok()?;
    let s = s.replace('\\', "\\\\").replace(',', "\\,");
    Some(if s.starts_with('*') {
        format!("\\{s}")
    } else {
        s
    })
}

/// Every mode on one line: enumerate with room and without, and the
/// projection of the keys the line has (by a scalar split that is only a
/// guess of its keys: a wrong guess is just a key that is absent).
fn check_line(line: &[u8]) -> Result<(), TestCaseError> {
    for star in ["*", "*2", "*2048"] {
        check_spec(&TestSpec::new(star).unwrap(), line)?;
    }
    let mut keys: Vec<String> = Vec::new();
    for tok in line.split(|&c| c <= b' ') {
        let k = tok.split(|&c| c == b'=').next().unwrap_or(b"");
        if k.is_empty() || k.contains(&b'"') {
            continue;
        }
        if let Some(s) = spec_key(k) {
            if !keys.contains(&s) && keys.len() < 20 {
                keys.push(s);
            }
        }
    }
    keys.push("__missing__".into());
    keys.push("zz".into());
    keys.dedup();
    if let Ok(spec) = TestSpec::new(&keys.join(",")) {
        check_spec(&spec, line)?;
    }
    check_spec(&TestSpec::new("time,level,msg,path,status").unwrap(), line)?;
    Ok(())
}

fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b" "[..],
        b" ",
        b"  ",
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
        b"\\U0001F600",
        b"\\U00110000",
        b"\\377",
        b"\\q",
        b"a",
        b"b",
        b"level",
        b"msg",
        b"status",
        b"request.id",
        b"a_rather_long_key_name",
        b"info",
        b"hello world",
        b"0123456789abcdef0123456789",
        b"\t",
        b"\x01",
        b"\x1e",
        b"\x7f",
        b"\r\n",
        b"\n",
        b"\xc3\xa9",
        b"\xc2\xb5s",
        b"\xef\xbf\xbd",
        b"\xff",
    ])
}

fn pair() -> impl Strategy<Value = Vec<u8>> {
    let key = prop::sample::select(vec![
        "a",
        "ab",
        "time",
        "level",
        "msg",
        "path",
        "status",
        "user.id",
        "request.id",
        "eightchr",
        "ninechars",
        "k\u{e9}y",
        "d\u{fc}r",
        "*",
        "a,b",
    ]);
    let value = prop_oneof![
        "[a-z0-9./:_-]{0,40}".prop_map(|s| s.into_bytes()),
        "[a-z0-9 .=/]{0,70}".prop_map(|s| format!("\"{s}\"").into_bytes()),
        "[a-z \\\\\"ntx0-9]{0,30}"
            .prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\")).into_bytes()),
        Just(b"\"caf\xc3\xa9 \\u00e9\\t\"".to_vec()),
        Just(b"18.39\xc2\xb5s".to_vec()),
    ];
    let sep = prop::sample::select(vec![&b" "[..], b"  ", b"\t", b""]);
    (key, prop::option::of(value), sep).prop_map(|(k, v, s)| {
        let mut p = k.as_bytes().to_vec();
        if let Some(v) = v {
            p.push(b'=');
            p.extend_from_slice(&v);
        }
        p.extend_from_slice(s);
        p
    })
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(token(), 0..40).prop_map(|t| t.concat()),
        // Well-formed records, often longer than one block.
        (
            prop::collection::vec(pair(), 0..24),
            0usize..70,
            prop::sample::select(vec![&b""[..], b"\n", b"\r\n"])
        )
            .prop_map(|(pairs, pad, eol)| {
                let mut l = b" ".repeat(pad);
                for p in pairs {
                    if !l.is_empty() && !l.ends_with(b" ") && !l.ends_with(b"\t") {
                        l.push(b' ');
                    }
                    l.extend_from_slice(&p);
                }
                l.extend_from_slice(eol);
                l
            }),
        // A record with one byte changed.
        (
            prop::collection::vec(pair(), 1..16),
            any::<prop::sample::Index>(),
            token()
        )
            .prop_map(|(pairs, at, tok)| {
                let mut l = pairs.join(&b' ');
                if !l.is_empty() {
                    let i = at.index(l.len());
                    l.splice(i..i + 1, tok.iter().copied());
                }
                l
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn every_engine_matches_the_reference(line in line()) {
        check_line(&line)?;
    }

    #[test]
    fn every_engine_matches_the_reference_on_any_bytes(line in prop::collection::vec(any::<u8>(), 0..200)) {
        check_line(&line)?;
    }
}

#[test]
fn tokens_at_every_block_offset() {
    // A key, a bare key, an unquoted, a quoted, an escaped and a non-ASCII
    // value, each starting at every offset around the block boundaries
    // (and lines that end exactly on one).
    let tails: [&[u8]; 8] = [
        b"k=v",
        b"level",
        b"msg=\"a b=c\" x=1",
        b"msg=\"a \\\"b\\\" \\u00e9\" x",
        b"d\xc3\xbcr=1\xc2\xb5s",
        b"k=\"unterminated",
        b"k=v=w",
        b"k=\"a\x01b\"",
    ];
    for pad in 0..200 {
        for tail in tails {
            let mut line = b"x".repeat(pad % 3);
            line.resize(pad, b' ');
            line.extend_from_slice(tail);
            check_line(&line).unwrap();
            let mut eol = line.clone();
            eol.push(b'\n');
            check_line(&eol).unwrap();
        }
    }
    for n in [63usize, 64, 65, 127, 128, 129, 192] {
        let line: Vec<u8> = b"ab=cd ".iter().copied().cycle().take(n).collect();
        check_line(&line).unwrap();
        let quoted: Vec<u8> = b"q=\"x y z\" ".iter().copied().cycle().take(n).collect();
        check_line(&quoted).unwrap();
    }
}

#[test]
fn lines_around_the_walker_limit() {
    // The walker classifies lines of up to 64 blocks; longer ones take the
    // scalar parser. Both sides of the limit, with pairs across it.
    for n in [4030usize, 4094, 4095, 4096, 4097, 4200] {
        let mut line: Vec<u8> = b"key=value msg=\"a b\" "
            .iter()
            .copied()
            .cycle()
            .take(n)
            .collect();
        check_line(&line).unwrap();
        line.extend_from_slice(b" last=1\r\n");
        check_line(&line).unwrap();
    }
}

#[test]
fn key_tables() {
    // Many short keys: the table cannot be collision-free and probes.
    let keys: Vec<String> = (0..1500).map(|k| format!("k{k}")).collect();
    let spec = TestSpec::new(&keys.join(",")).unwrap();
    let line: String = keys
        .iter()
        .enumerate()
        .step_by(7)
        .map(|(k, key)| format!("{key}={k} x{k}=1 "))
        .collect();
    check_spec(&spec, line.as_bytes()).unwrap();
    let (r, out) = run(None, &spec, line.as_bytes());
    assert_eq!(r, Ok(line.matches(" x").count()));
    assert_eq!(out[7].len, 1);
    // Keys of 8 and 9 bytes, prefixes of each other, a key of 1 byte.
    let spec = TestSpec::new("abcdefgh,abcdefghi,abcdefg,a,request.id,request.ip").unwrap();
    for line in [
        &b"abcdefgh=1 abcdefghi=2 abcdefg=3 a=4 request.ip=5 request.id=6"[..],
        b"abcdefghij=1 abcdefghx=2 ab=3 request.i=4 request.idd=5",
        b"a",
        b"abcdefgh",
        b"x=1 abcdefghi",
    ] {
        check_spec(&spec, line).unwrap();
    }
    // Non-ASCII keys, valid and not.
    let spec = TestSpec::new("d\u{fc}r,\u{65e5}\u{672c},k").unwrap();
    for line in [
        "d\u{fc}r=1 \u{65e5}\u{672c}=2 k=3".as_bytes(),
        b"d\xfcr=1 k=2",
        b"k=1 \xef\xbf\xbd=2",
        b"k=\xff d\xc3\xbcr",
    ] {
        check_spec(&spec, line).unwrap();
    }
}

#[test]
fn the_sample_file() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/app.logfmt"
    ))
    .unwrap();
    let specs = [
        TestSpec::new("time,level,msg,path,status").unwrap(),
        TestSpec::new("*").unwrap(),
        TestSpec::new("request.id,user.id,err,dur,missing").unwrap(),
    ];
    for line in text.split_inclusive(|&c| c == b'\n') {
        for spec in &specs {
            check_spec(spec, line).unwrap();
        }
    }
}
