//! The syslog parser against the reference implementation in
//! `tests/reference/syslog.rs` (the parser as it was before the fast path):
//! every spec (`syslog`, `syslog5424`, `syslog3164`), the one-line API and
//! the batch API, the same result (present count or error code) and the
//! same nine spans, flags included.
//!
//! Inputs: the shipped sample (`examples/data/syslog.log`), the go-syslog
//! corpus vectors (`../shared/corpora/syslog/go-syslog`), every cut and
//! many byte flips of a selection of them, lines crafted around the fast
//! path's word and block boundaries, and proptest lines built from the
//! tokens that matter to the grammar. The `syslog` fuzz target runs the
//! same comparison on arbitrary bytes.

use logspan::{Parser, Span};
use proptest::prelude::*;

#[path = "reference/syslog.rs"]
mod reference;

use reference::SyslogMode;

const SPECS: [(&str, SyslogMode); 3] = [
    ("syslog", SyslogMode::Auto),
    ("syslog5424", SyslogMode::Rfc5424),
    ("syslog3164", SyslogMode::Rfc3164),
];

fn parsers() -> Vec<(Parser, SyslogMode)> {
    SPECS
        .iter()
        .map(|&(spec, mode)| (Parser::new(spec).unwrap(), mode))
        .collect()
}

fn want(line: &[u8], mode: SyslogMode) -> (Result<usize, i32>, [Span; 9]) {
    let mut out = [Span::ABSENT; 9];
    let r = reference::parse(line, mode, &mut out).map_err(|e| e.code());
    (r, out)
}

/// One line through every spec, one-line API and batch, against the
/// reference.
fn check(ps: &[(Parser, SyslogMode)], line: &[u8]) {
    for (p, mode) in ps {
        let (r, spans) = want(line, *mode);
        let mut out = [Span::new_for_test(); 9];
        let got = p.parse(line, &mut out).map_err(|e| e.code());
        assert_eq!(
            (got, out),
            (r, spans),
            "{mode:?} {:?}",
            String::from_utf8_lossy(line)
        );
        // Batch: the line between two others (it must hold no inner `\n`).
        let content = match line {
            [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => rest,
            _ => line,
        };
        // (nor end with `\r`, which would join the `\n` after it).
        if content.contains(&b'\n') || content.ends_with(b"\r") {
            continue;
        }
        let mut buf = b"<1>1 - - - - - -\n".to_vec();
        let off = buf.len();
        buf.extend_from_slice(content);
        buf.extend_from_slice(b"\n<13>Jan  1 00:00:00 h [\"\\]= x");
        let mut lines = [logspan::Line::default(); 4];
        let mut fields = [Span::new_for_test(); 36];
        let res = p.parse_batch(&buf, false, &mut lines, &mut fields);
        assert_eq!(res.lines, 2, "{:?}", String::from_utf8_lossy(line));
        let shifted = spans.map(|s| {
            if s.is_present() {
                Span {
                    off: s.off + off as u32,
                    ..s
                }
            } else {
                s
            }
        });
        let status = match r {
            Ok(n) => n as i32,
            Err(c) => c,
        };
        assert_eq!(
            (lines[1].status, &fields[9..18]),
            (status, &shifted[..]),
            "batch {mode:?} {:?}",
            String::from_utf8_lossy(line)
        );
    }
}

/// Every cut of `line`, and every position flipped to each of `flips`.
fn check_mutations(ps: &[(Parser, SyslogMode)], line: &[u8], flips: &[u8]) {
    for cut in 0..=line.len() {
        check(ps, &line[..cut]);
    }
    for i in 0..line.len() {
        for &b in flips {
            if line[i] != b {
                let mut l = line.to_vec();
                l[i] = b;
                check(ps, &l);
            }
        }
    }
}

const FLIPS: &[u8] = b" \"\\[]=-<>:.0129TZ+\n\t\x7f\x80\xbb\xc3\xef\xff";

/// Stand-in for `Span::new` garbage: the parsers must overwrite it.
trait Garbage {
    fn new_for_test() -> Span;
}

impl Garbage for Span {
    fn new_for_test() -> Span {
        Span {
            off: 7,
            len: 7,
            flags: 7,
        }
    }
}

fn sample() -> Vec<Vec<u8>> {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/syslog.log"
    ))
    .unwrap();
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.to_vec())
        .collect()
}

#[test]
fn sample_lines_agree() {
    let ps = parsers();
    for line in sample() {
        check(&ps, &line);
        check(&ps, &[&line[..], b"\r\n"].concat());
    }
}

#[test]
fn sample_lines_cut_and_flipped_agree() {
    let ps = parsers();
    // Distinct shapes: every 37th line covers both RFCs, BOMs, escapes.
    for line in sample().iter().step_by(37) {
        check_mutations(&ps, line, FLIPS);
    }
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 byte {c:?}"),
        }
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for &c in s {
        acc = acc << 6 | val(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/syslog/go-syslog"
    );
    let mut v = Vec::new();
    for file in ["rfc5424.jsonl", "rfc3164.jsonl"] {
        let Ok(text) = std::fs::read_to_string(format!("{dir}/{file}")) else {
            eprintln!("SKIPPED: go-syslog corpus not found in {dir}");
            continue;
        };
        for l in text.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(l).unwrap();
            v.push(match &case["input"] {
                serde_json::Value::String(s) => s.as_bytes().to_vec(),
                _ => b64(case["input_base64"].as_str().unwrap()),
            });
        }
    }
    v
}

#[test]
fn corpus_vectors_agree() {
    let ps = parsers();
    let cases = corpus();
    for line in &cases {
        check(&ps, line);
    }
    // Cuts and a few flips of each (the corpus is small).
    for line in &cases {
        check_mutations(&ps, line, b" \"\\]=-\xff");
    }
}

/// Lines whose fields end at every phase of 8- and 64-byte words.
#[test]
fn crafted_boundaries_agree() {
    let ps = parsers();
    let mut lines: Vec<String> = Vec::new();
    for n in 0..72 {
        let x = "x".repeat(n);
        let e = "\u{e9}".repeat(n / 2);
        lines.push(format!("<1>1 - {x}h a p m -"));
        lines.push(format!("<1>1 - h {x}a p m -"));
        lines.push(format!("<1>1 - h a {x}p {x}m - msg"));
        lines.push(format!("<1>1 - h a p m [{x}i{x}]"));
        lines.push(format!("<1>1 - h a p m [i {x}n=\"{x}\"] m"));
        lines.push(format!(
            "<1>1 - h a p m [i n=\"{x}\\\"{e}\"][j k=\"{e}\\]\"]"
        ));
        lines.push(format!("<1>1 - h a p m [i n=\"{x}\"] \u{feff}{e}"));
        lines.push(format!(
            "<1>1 2003-10-11T22:14:15.{}Z h a p m -",
            "1".repeat(n % 9)
        ));
        lines.push(format!("<13>Jan  1 00:00:00 {x}h t[{x}1]: m"));
        lines.push(format!("<13>Jan  1 00:00:00 h {x}t: m"));
        lines.push(format!("Jan 11 00:00:00 {x}t[1]:"));
        lines.push(format!(
            "2019-12-02T16:49:23.{}+02:00 h {x}",
            "9".repeat(n % 11)
        ));
    }
    // SD-ID tables: small, full, overflowing, duplicates at every place.
    for n in [1, 7, 8, 9, 16, 128, 129] {
        for dup in [None, Some(0), Some(n / 2), Some(n - 1)] {
            let mut sd = String::new();
            for k in 0..n {
                let id = if Some(k) == dup && k > 0 { 0 } else { k };
                sd += &format!("[id{id} a=\"{k}\"]");
            }
            lines.push(format!("<1>1 - - - - - {sd} m"));
        }
    }
    for line in &lines {
        check(&ps, line.as_bytes());
        check_mutations(&ps, &line.as_bytes()[..line.len().min(90)], b" \"]\xff");
    }
}

fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b" "[..],
        b" ",
        b"-",
        b"<",
        b">",
        b"<13>",
        b"<165>1 ",
        b"1 ",
        b"2003-10-11T22:14:15.003Z",
        b"2019-12-02T16:49:23+02:00",
        b"Oct 11 22:14:15",
        b"Feb 29 00:00:00",
        b"host",
        b"app[12]:",
        b"app:",
        b"[",
        b"]",
        b"[id",
        b"[a@1 x=\"1\"]",
        b"=",
        b"\"",
        b"\\",
        b"\\\"",
        b"\\]",
        b":",
        b"\xef\xbb\xbf",
        b"\xc3\xa9",
        b"\xff",
        b"\t",
        b"\n",
        b"\r\n",
        b"x",
        b"0",
    ])
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    let valid5424: &'static str = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"][b x=\"\u{e9}\"] \u{feff}An event";
    let valid3164: &'static str = "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed";
    prop_oneof![
        (
            prop::bool::ANY,
            0usize..160,
            token(),
            0usize..3,
            prop::collection::vec((0usize..160, token()), 0..3)
        )
            .prop_map(move |(which, at, tok, cut, more)| {
                let mut s = if which { valid5424 } else { valid3164 }
                    .as_bytes()
                    .to_vec();
                for (at, tok) in std::iter::once((at, tok)).chain(more) {
                    let at = at.min(s.len());
                    let end = (at + cut).min(s.len());
                    s.splice(at..end, tok.iter().copied());
                }
                s
            }),
        prop::collection::vec(token(), 0..24).prop_map(|t| t.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_lines_agree(l in line()) {
        check(&parsers(), &l);
    }
}
