//! Property tests of the invariants every parser keeps on any input, for
//! every format (the fuzz targets check the same on arbitrary bytes; the
//! bad-input matrix is in tests/c/test_bad_input.c and
//! go-bindings/badinput_test.go):
//! - every present span lies inside the line; absent spans are
//!   `Span::ABSENT`; the count is the number of present spans; an error
//!   leaves every span absent; nothing is written past `field_count`;
//! - a batch of such lines, streamed with tiny capacities, equals the
//!   one-line parses, every line reported once;
//! - every truncation of a line keeps those invariants.
//!
//! Lines are built from tokens of every format, so that each parser sees
//! both near-valid lines and garbage.

use logspan::{Line, Parser, Span, LOG_BATCH_END_OF_INPUT, LOG_BATCH_SKIP_EMPTY};
use proptest::prelude::*;

const SPECS: &[&str] = &[
    "access",
    "combined",
    "common",
    "json:a,b.c,d[0],msg",
    "json:*3",
    "logfmt:a,b,msg",
    "logfmt:*3",
    "syslog",
    "syslog5424",
    "syslog3164",
    "auto",
    r"regex:^(?P<k>\w+)=(?P<v>\S*)",
    "pattern:<a> <b>=<c>",
    "nginx:$remote_addr [$time_local] \"$request\" $status",
    r#"apache:%h %l %u %t \"%r\" %>s %b"#,
];

fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b" "[..],
        b" ",
        b"\"",
        b"\\",
        b"=",
        b"-",
        b"[",
        b"]",
        b"{",
        b"}",
        b":",
        b",",
        b"<",
        b">",
        b"a",
        b"b",
        b"msg",
        b"1",
        b"200",
        b"\"GET / HTTP/1.1\"",
        b"[10/Oct/2000:13:55:36 -0700]",
        b"{\"a\":1}",
        b"\"b\":{\"c\":[2]}",
        b"<34>",
        b"<165>1 ",
        b"2003-10-11T22:14:15.003Z",
        b"Oct 11 22:14:15 ",
        b"[ex@1 a=\"b\"]",
        b"\xef\xbb\xbf",
        b"\xff",
        b"\x00",
        b"\t",
        b"\r\n",
        b"\n",
    ])
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    let valid: &[&str] = &[
        r#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 12 "-" "ua""#,
        r#"{"a":"x","b":{"c":1},"d":[true],"msg":"hi"}"#,
        r#"a=1 b="x y" msg=hi"#,
        r#"<165>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@1 a="b"] msg"#,
        "<34>Oct 11 22:14:15 host su[1]: hi",
    ];
    prop_oneof![
        (
            prop::sample::select(valid.to_vec()),
            any::<prop::sample::Index>(),
            token(),
            0usize..3
        )
            .prop_map(|(v, at, tok, cut)| {
                let mut s = v.as_bytes().to_vec();
                let at = at.index(s.len() + 1);
                let end = (at + cut).min(s.len());
                s.splice(at..end, tok.iter().copied());
                s
            }),
        prop::collection::vec(token(), 0..16).prop_map(|t| t.concat()),
    ]
}

const CANARY: Span = Span {
    off: 0xC0FFEE,
    len: 1,
    flags: 1,
};

/// One parse with the invariants checked; returns (status, spans).
fn check(p: &Parser, line: &[u8]) -> (i32, Vec<Span>) {
    let nf = p.field_count();
    let mut out = vec![CANARY; nf + 2];
    let r = p.parse(line, &mut out);
    assert_eq!(&out[nf..], &[CANARY, CANARY], "wrote past field_count");
    out.truncate(nf);
    for s in &out {
        if s.is_present() {
            assert!(s.get(line).is_some(), "{s:?} outside {line:?}");
        } else {
            assert_eq!(*s, Span::ABSENT);
        }
    }
    let present = out.iter().filter(|s| s.is_present()).count();
    match r {
        Ok(n) => assert_eq!(n, present),
        Err(e) => {
            assert_eq!(present, 0, "{e:?} with spans");
            assert_ne!(e, logspan::Error::Panic);
        }
    }
    (r.map(|n| n as i32).unwrap_or_else(|e| e.code()), out)
}

/// One parser per spec, compiled once (a `Parser` is `Sync`).
fn parsers() -> &'static [Parser] {
    static P: std::sync::OnceLock<Vec<Parser>> = std::sync::OnceLock::new();
    P.get_or_init(|| SPECS.iter().map(|s| Parser::new(s).unwrap()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_format_keeps_the_invariants(line in line()) {
        for p in parsers() {
            check(p, &line);
            for k in 0..line.len() {
                check(p, &line[..k]);
            }
        }
    }

    #[test]
    fn batches_equal_one_line_parses(
        lines in prop::collection::vec(line(), 0..6),
        lines_cap in 1usize..4,
        extra in 0usize..3,
        skip_empty in any::<bool>(),
    ) {
        let buf = lines.join(&b'\n');
        for p in parsers() {
            let nf = p.field_count();
            let mut ls = vec![Line::default(); lines_cap];
            let mut fs = vec![CANARY; lines_cap * nf + extra];
            let flags = LOG_BATCH_END_OF_INPUT | if skip_empty { LOG_BATCH_SKIP_EMPTY } else { 0 };
            let mut base = 0;
            let mut seen = 0;
            loop {
                let r = p.parse_batch_flags(&buf[base..], flags, &mut ls, &mut fs).unwrap();
                for (k, l) in ls[..r.lines].iter().enumerate() {
                    let start = base + l.off as usize;
                    let end = buf[start..].iter().position(|&b| b == b'\n').map_or(buf.len(), |e| start + e + 1);
                    let (status, one) = check(p, &buf[start..end]);
                    prop_assert_eq!(l.status, status);
                    for (j, s) in one.iter().enumerate() {
                        let mut want = *s;
                        if want.is_present() {
                            want.off += l.off;
                        }
                        prop_assert_eq!(fs[k * nf + j], want);
                    }
                }
                seen += r.lines;
                base += r.consumed;
                if r.full == 0 {
                    break;
                }
                prop_assert!(r.lines > 0, "full with room for a line but no progress");
            }
            prop_assert_eq!(base, buf.len());
            let pieces = if buf.is_empty() { 0 } else { buf.split(|&b| b == b'\n').count() - usize::from(buf.ends_with(b"\n")) };
            let empty = if skip_empty {
                let all: Vec<&[u8]> = buf.split(|&b| b == b'\n').collect();
                all.iter().enumerate().filter(|&(i, l)| i + 1 < all.len() && (l.is_empty() || *l == b"\r")).count()
            } else {
                0
            };
            prop_assert_eq!(seen, pieces - empty, "every line once");
        }
    }
}
