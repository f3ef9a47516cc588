//! JSON lines on arbitrary bytes: spans stay inside the input, a string
//! span is followed by its closing quote, and the accept/reject verdict
//! agrees with serde_json wherever both define it (differential). The
//! enumerate mode (`json:*N`) gives the same verdict (or "too many
//! fields" once the whole line is valid), and its key/value spans go
//! forward without overlapping, each key between quotes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::json_fast::JsonCheck;
use logspan::simd::{available_levels, Level};
use logspan::{Error, Parser, Span, LOG_FLAG_TYPE_MASK, LOG_TYPE_STRING};

#[path = "../common.rs"]
mod common;

/// Fast path == reference, every level and `ScalarBlock` (`None`).
fn fast_equals_reference(data: &[u8]) {
    static C: std::sync::OnceLock<Vec<JsonCheck>> = std::sync::OnceLock::new();
    let checks = C.get_or_init(|| {
        [
            "a,b.c,d[0],e,msg",
            "time,level,msg,http.method,http.status",
            "*64",
            "*3",
        ]
        .iter()
        .map(|s| JsonCheck::new(s).unwrap())
        .collect()
    });
    let mut engines: Vec<Option<Level>> = available_levels().into_iter().map(Some).collect();
    engines.push(None);
    for c in checks {
        let mut want = vec![Span::ABSENT; c.field_count()];
        let w = c.parse_reference(data, &mut want);
        for &e in &engines {
            let mut got = vec![
                Span {
                    off: 7,
                    len: 7,
                    flags: 7
                };
                c.field_count()
            ];
            let g = c.parse_at(e, data, &mut got);
            assert_eq!((g, &got), (w, &want), "engine {e:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    fast_equals_reference(data);
    let p = Parser::new("json:a,b.c,d[0],e,msg").unwrap();
    let mut out = [Span::ABSENT; 5];
    let got = p.parse(data, &mut out);
    common::check_result(data, &out, &got);
    for pairs in [64usize, 3] {
        static P: std::sync::OnceLock<[Parser; 2]> = std::sync::OnceLock::new();
        let ps = P.get_or_init(|| {
            [
                Parser::new("json:*64").unwrap(),
                Parser::new("json:*3").unwrap(),
            ]
        });
        let pe = &ps[usize::from(pairs == 3)];
        let mut eo = vec![Span::ABSENT; 2 * pairs];
        let er = pe.parse(data, &mut eo);
        common::check_result(data, &eo, &er);
        common::assert_in_order(&eo);
        match (&got, er) {
            (Ok(_), Ok(_)) | (Ok(_), Err(Error::TooManyFields)) => {}
            (Err(a), Err(b)) => assert_eq!(*a, b),
            (a, b) => panic!("projection {a:?}, enumerate {b:?}"),
        }
        for k in eo.chunks(2) {
            if k[0].is_present() {
                assert_eq!(data[k[0].off as usize - 1], b'"');
                assert_eq!(data[(k[0].off + k[0].len) as usize], b'"');
                assert!(k[1].is_present(), "a key has a value");
            }
        }
    }
    for s in &out {
        if s.is_present() {
            let bytes = s.get(data).expect("span inside the input");
            if s.flags & LOG_FLAG_TYPE_MASK == LOG_TYPE_STRING {
                assert_eq!(data[s.off as usize + s.len as usize], b'"');
            } else {
                // Non-string values are JSON texts on their own.
                let v: Result<serde_json::Value, _> = serde_json::from_slice(bytes);
                // (serde_json refuses numbers outside f64's range, which
                // the JSON grammar allows: a documented difference.)
                let out_of_range =
                    matches!(&v, Err(e) if e.to_string().contains("number out of range"));
                assert!(
                    v.is_ok() || out_of_range || bytes.len() > 100_000,
                    "{:?}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }
    // serde_json differs by design on: lone surrogate escapes (we accept,
    // it rejects), nesting deeper than 128 (its limit; ours is 1024), and
    // numbers outside f64's range (the JSON grammar has no range; we keep
    // the raw text, it refuses "number out of range").
    let line = data
        .strip_suffix(b"\n")
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .unwrap_or(data);
    let lone_surrogate = line.windows(3).any(|w| w == b"\\ud" || w == b"\\uD");
    let deep = line.iter().filter(|&&b| b == b'[' || b == b'{').count() > 120;
    if !lone_surrogate && !deep {
        let parsed = serde_json::from_slice::<serde_json::Value>(line);
        if let Err(e) = &parsed {
            if e.to_string().contains("number out of range") {
                return;
            }
        }
        let serde_ok = matches!(parsed, Ok(serde_json::Value::Object(_)));
        assert_eq!(
            got.is_ok(),
            serde_ok,
            "logspan {got:?}, serde_json {serde_ok}"
        );
    }
});
