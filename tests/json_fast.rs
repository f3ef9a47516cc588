//! The JSON fast path (`formats::json_fast`) against the scalar reference
//! parser (differential).
//!
//! The reference is `json::parse_reference` (the walker checked against
//! serde_json and JSONTestSuite); every engine level this CPU has, and the
//! portable `ScalarBlock` walker (`None`), must give the same status, the
//! same spans and the same flags on every input, error codes included:
//! the sample lines and every cut and byte flip of them, JSONTestSuite,
//! generated documents (escapes, UTF-8, whitespace, nesting, repeated
//! keys, long keys that differ after 8 bytes), token soups, and lines
//! whose strings straddle 64-byte block boundaries. The range entry (the
//! batch's: spans relative to the whole buffer, bytes after the line
//! belonging to other lines) must equal the per-line reference, shifted.

use logspan::formats::json_fast::JsonCheck;
use logspan::simd::{available_levels, Level};
use logspan::{Error, Span};
use proptest::prelude::*;

/// Path lists (without `json:`): the benchmark's, nested paths and
/// indexes, keys longer than 8 bytes (and sharing their first 8), deep
/// paths (more than the fast walker tracks), and the enumerate mode.
const SPECS: &[&str] = &[
    "time,level,msg,http.method,http.status",
    "a,b.c,d[0],e,msg",
    "level,ts,caller,msg,time,http,http.path,user.id,user.roles[1],duration_ms,error,cached",
    "abcdefgh,abcdefghi,abcdefghij,abcdefghik,a\\.b,\\u0061,k",
    "a.a.a.a.a.a.a.a.a.a,a.a.a.b,a[0][1][2]",
    "*",
    "*3",
];

type Out = (Result<usize, Error>, Vec<Span>);

const POISON: Span = Span {
    off: 7,
    len: 7,
    flags: 7,
};

fn checks() -> Vec<JsonCheck> {
    SPECS.iter().map(|s| JsonCheck::new(s).unwrap()).collect()
}

fn engines() -> Vec<Option<Level>> {
    let mut v: Vec<Option<Level>> = available_levels().into_iter().map(Some).collect();
    v.push(None);
    v
}

fn reference(c: &JsonCheck, line: &[u8]) -> Out {
    let mut out = vec![POISON; c.field_count() + 2];
    let r = c.parse_reference(line, &mut out);
    (r, out)
}

fn fast(c: &JsonCheck, level: Option<Level>, line: &[u8]) -> Out {
    let mut out = vec![POISON; c.field_count() + 2];
    let r = c.parse_at(level, line, &mut out);
    (r, out)
}

fn check_with(cs: &[JsonCheck], line: &[u8]) -> Result<(), TestCaseError> {
    for (c, spec) in cs.iter().zip(SPECS) {
        let want = reference(c, line);
        for e in engines() {
            let got = fast(c, e, line);
            prop_assert_eq!(
                &got,
                &want,
                "spec {} engine {:?} on {:?}",
                spec,
                e,
                String::from_utf8_lossy(line)
            );
        }
        // The range entry, with the line inside a larger buffer whose
        // other bytes could be mistaken for its own.
        let content = if let Some(c) = line.strip_suffix(b"\r\n") {
            c
        } else {
            line.strip_suffix(b"\n").unwrap_or(line)
        };
        let mut want_shifted = want.clone();
        for (pre, post) in [(&b""[..], &b""[..]), (b"{\"x\":\"", b"\"\\\"}\n{")] {
            let buf = [pre, content, post].concat();
            let (s, t) = (pre.len(), pre.len() + content.len());
            want_shifted.1 = want.1.clone();
            for sp in want_shifted.1.iter_mut().take(c.field_count()) {
                if sp.off != u32::MAX {
                    sp.off += s as u32;
                }
            }
            for e in engines() {
                let mut out = vec![POISON; c.field_count() + 2];
                let r = c.parse_range_at(e, &buf, s, t, &mut out);
                prop_assert_eq!(
                    (r, out),
                    want_shifted.clone(),
                    "range: spec {} engine {:?} on {:?}",
                    spec,
                    e,
                    String::from_utf8_lossy(content)
                );
            }
        }
    }
    Ok(())
}

fn check(line: &[u8]) -> Result<(), TestCaseError> {
    thread_local! {
        static CS: Vec<JsonCheck> = checks();
    }
    CS.with(|cs| check_with(cs, line))
}

fn sample() -> Vec<Vec<u8>> {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/app.jsonl"
    ))
    .unwrap();
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn sample_lines_agree() {
    for l in sample() {
        check(&l).unwrap();
        check(&[&l[..], b"\r\n"].concat()).unwrap();
        // Spaced out, and tab-separated (not a "clean" line).
        let spaced: Vec<u8> = l
            .iter()
            .flat_map(|&b| match b {
                b',' => b", ".to_vec(),
                b':' => b": ".to_vec(),
                b => vec![b],
            })
            .collect();
        check(&spaced).unwrap();
        check(&[b"\t ", &l[..], b" \t"].concat()).unwrap();
    }
}

#[test]
fn every_cut_of_sample_lines_agrees() {
    for l in sample().iter().step_by(97) {
        for cut in 0..=l.len() {
            check(&l[..cut]).unwrap();
        }
    }
}

#[test]
fn byte_flips_of_sample_lines_agree() {
    const BYTES: &[u8] = b"\"\\{}[],:0-.eE+tfnu \t\r\n\x00\x1f\x7f\x80\xc3\xff aZ/";
    for l in sample().iter().step_by(211) {
        for i in 0..l.len() {
            for &b in BYTES {
                let mut m = l.clone();
                m[i] = b;
                check(&m).unwrap();
            }
            // Deleted and doubled bytes.
            let mut m = l.clone();
            m.remove(i);
            check(&m).unwrap();
            let mut m = l.clone();
            m.insert(i, l[i]);
            check(&m).unwrap();
        }
    }
}

#[test]
fn json_test_suite_agrees() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/json/JSONTestSuite"
    );
    let mut n = 0;
    for sub in ["test_parsing", "test_transform"] {
        let Ok(rd) = std::fs::read_dir(format!("{dir}/{sub}")) else {
            eprintln!("SKIPPED: JSONTestSuite not found under {dir}");
            return;
        };
        for entry in rd {
            let text = std::fs::read(entry.unwrap().path()).unwrap();
            check(&text).unwrap();
            // Wrapped in an object, under a key the specs ask for.
            check(&[&b"{\"a\":"[..], &text, b"}"].concat()).unwrap();
            n += 1;
        }
    }
    assert!(n > 300, "{n} files");
}

#[test]
fn edge_cases_agree() {
    let long = "x".repeat(200);
    let cases: Vec<String> = vec![
        String::new(),
        " ".into(),
        "{}".into(),
        "[]".into(),
        "[{\"a\":1}]".into(),
        "\"s\"".into(),
        "{\"a\":1}x".into(),
        "{\"a\":1}{}".into(),
        "{\"a\":1,}".into(),
        "{\"a\" : 1 , \"b\" : { \"c\" : [ 1 , 2 ] } }".into(),
        r#"{"a":"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"}"#.into(),
        r#"{"\u0061":1,"a":2,"\u0061":{"b":3}}"#.into(),
        r#"{"a":"\u12"}"#.into(),
        r#"{"a":"\u12G4"}"#.into(),
        r#"{"a":"\x"}"#.into(),
        r#"{"a":"\"#.into(),
        r#"{"a":"\\"}"#.into(),
        r#"{"a":"\\\""}"#.into(),
        "{\"a\":\"\u{e9}\",\"msg\":\"ok\"}".into(),
        "{\"abcdefghij\":1,\"abcdefghik\":2,\"abcdefgh\":3,\"abcdefghi\":4}".into(),
        "{\"k\":1,\"k\":{\"x\":1},\"k\":[1]}".into(),
        format!("{{\"a\":\"{long}\\\"{long}\",\"msg\":\"{long}\"}}"),
        format!("{{\"a\":{}1{}}}", "[".repeat(70), "]".repeat(70)),
        format!("{{\"a\":{}1{}}}", "[".repeat(63), "]".repeat(63)),
        format!("{{\"a\":{}1{}}}", "[".repeat(64), "]".repeat(64)),
        format!("{{{}}}", "\"a\":{".repeat(12) + "\"b\":1" + &"}".repeat(12)),
        format!("{{\"a\":{}}}", "{\"a\":".repeat(11) + "1" + &"}".repeat(11)),
        format!("{{\"msg\":\"{}\"}}", "y".repeat(3000)),
        format!("{{\"msg\":\"{}\"}}", "y".repeat(2040)),
        "{\"a\":tru}".into(),
        "{\"a\":nul".into(),
        "{\"a\":-}".into(),
        "{\"a\":01}".into(),
        "{\"a\":1.5e+3,\"b\":-0,\"c\":0.0E-0}".into(),
    ];
    for c in &cases {
        check(c.as_bytes()).unwrap();
        check(format!("{c}\n").as_bytes()).unwrap();
        check(format!("{c}\n\n").as_bytes()).unwrap();
    }
    for bytes in [
        &b"{\"a\":\"\xff\"}"[..],
        b"{\"a\":\"\xed\xa0\x80\"}",
        b"{\"a\":\"\xc3\"}",
        b"{\"a\":\"\x01\"}",
        b"{\"a\":\"\x7f\"}",
        b"{\"a\":1}\x00",
        b"{\"a\":\"\xf0\x9f\x98\x80\",\"msg\":1}",
    ] {
        check(bytes).unwrap();
    }
}

/// Every string length across block boundaries, escaped or not.
#[test]
fn strings_straddling_blocks_agree() {
    for pad in 0..140 {
        for tail in [
            "", "\\\"", "\\\\", "\\u00e9", "\u{e9}", "\\", "\\u00", "\x01",
        ] {
            let line = format!(
                "{{\"msg\":\"{}{tail}\",\"level\":\"{}\",\"a\":{}}}",
                "p".repeat(pad),
                "q".repeat(pad % 7),
                pad
            );
            check(line.as_bytes()).unwrap();
            check(&line.as_bytes()[..line.len() - 1]).unwrap();
        }
    }
}

// ---------------------------------------------------------------- proptest

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just("msg".to_string()),
        Just("time".to_string()),
        Just("level".to_string()),
        Just("http".to_string()),
        Just("status".to_string()),
        Just("abcdefghij".to_string()),
        Just("abcdefghik".to_string()),
        Just("\\u0061".to_string()),
        Just("a\\\"".to_string()),
        "[a-z.]{0,12}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,6})(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?",
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        "\"([ -~&&[^\"\\\\]]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|[é€😀])*\"".prop_map(|s| s
            .chars()
            .take(90)
            .collect::<String>()
            + "\""),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(5, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key(), inner), 0..6).prop_map(|v| {
                let kv: Vec<String> = v.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", kv.join(","))
            }),
        ]
    })
}

fn object() -> impl Strategy<Value = String> {
    (prop::collection::vec((key(), value()), 0..10), any::<u8>()).prop_map(|(v, ws)| {
        let sep = match ws % 4 {
            0 => "",
            1 => " ",
            2 => "\t",
            _ => "\r\n ",
        };
        let kv: Vec<String> = v
            .iter()
            .map(|(k, v)| format!("\"{k}\"{sep}:{sep}{v}"))
            .collect();
        format!("{sep}{{{}}}{sep}", kv.join(&format!(",{sep}")))
    })
}

fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b":".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\"msg\":".to_vec()),
        Just(b"\"a\":".to_vec()),
        Just(b" ".to_vec()),
        "[0-9.eE+-]{1,6}".prop_map(String::into_bytes),
        "[a-z]{0,8}".prop_map(String::into_bytes),
        (1usize..100).prop_map(|n| vec![b'x'; n]),
        any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(token(), 0..40).prop_map(|v| [&b"{"[..], &v.concat()].concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_objects_agree(doc in object()) {
        check(doc.as_bytes())?;
    }

    #[test]
    fn token_soups_agree(l in soup()) {
        check(&l)?;
    }

    #[test]
    fn flipped_and_cut_objects_agree(doc in object(), at in any::<prop::sample::Index>(),
                                     b in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut l = doc.into_bytes();
        if !l.is_empty() {
            let i = at.index(l.len());
            l[i] = b;
        }
        check(&l)?;
        check(&l[..cut.index(l.len() + 1)])?;
    }
}
