//! JSON lines on arbitrary bytes: spans stay inside the input, a string
//! span is followed by its closing quote, and the accept/reject verdict
//! agrees with serde_json wherever both define it (differential).
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Parser, Span, LOG_FLAG_TYPE_MASK, LOG_TYPE_STRING};

fuzz_target!(|data: &[u8]| {
    let p = Parser::new("json:a,b.c,d[0],e,msg").unwrap();
    let mut out = [Span::ABSENT; 5];
    let got = p.parse(data, &mut out);
    for s in &out {
        if s.is_present() {
            let bytes = s.get(data).expect("span inside the input");
            if s.flags & LOG_FLAG_TYPE_MASK == LOG_TYPE_STRING {
                assert_eq!(data[s.off as usize + s.len as usize], b'"');
            } else {
                // Non-string values are JSON texts on their own.
                let v: Result<serde_json::Value, _> = serde_json::from_slice(bytes);
                assert!(v.is_ok() || bytes.len() > 100_000, "{:?}", String::from_utf8_lossy(bytes));
            }
        }
    }
    // serde_json differs by design on: lone surrogate escapes (we accept,
    // it rejects) and nesting deeper than 128 (its limit; ours is 1024).
    let line = data.strip_suffix(b"\n").map(|l| l.strip_suffix(b"\r").unwrap_or(l)).unwrap_or(data);
    let lone_surrogate = line.windows(3).any(|w| w == b"\\ud" || w == b"\\uD");
    let deep = line.iter().filter(|&&b| b == b'[' || b == b'{').count() > 120;
    if !lone_surrogate && !deep {
        let serde_ok = matches!(serde_json::from_slice::<serde_json::Value>(line), Ok(serde_json::Value::Object(_)));
        assert_eq!(got.is_ok(), serde_ok, "logspan {got:?}, serde_json {serde_ok}");
    }
});
