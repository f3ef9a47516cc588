//! Typed values on arbitrary bytes, against Rust's own parsers
//! (differential): `parse_i64` / `parse_u64` / `parse_f64` equal
//! `str::parse` on the documented grammar and reject everything else,
//! `parse_bool` is Go's set, and the three timestamp parsers agree with one
//! another (a CLF or RFC 3164 time equals the RFC 3339 text of the same
//! instant). None of them panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::values::*;
use logspan::Error;

fn digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// `-?D+(\.D+)?([eE][+-]?D+)?`
fn float_grammar(s: &[u8]) -> bool {
    let s = s.strip_prefix(b"-").unwrap_or(s);
    let (mant, exp) = match s.iter().position(|&c| c == b'e' || c == b'E') {
        Some(k) => (&s[..k], Some(&s[k + 1..])),
        None => (s, None),
    };
    let mant_ok = match mant.iter().position(|&c| c == b'.') {
        Some(k) => digits(&mant[..k]) && digits(&mant[k + 1..]),
        None => digits(mant),
    };
    let exp_ok = match exp {
        None => true,
        Some(e) => digits(
            e.strip_prefix(b"+")
                .or_else(|| e.strip_prefix(b"-"))
                .unwrap_or(e),
        ),
    };
    mant_ok && exp_ok
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(m: &[u8]) -> Option<usize> {
    let m = std::str::from_utf8(m).ok()?.to_ascii_lowercase();
    MONTHS.iter().position(|x| *x == m).map(|k| k + 1)
}

fn text(s: &[u8]) -> &str {
    std::str::from_utf8(s).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let s = data;
    // Integers.
    let want_i = if s.strip_prefix(b"-").map_or(digits(s), digits) {
        text(s).parse::<i64>().map_err(|_| Error::ValueOutOfRange)
    } else {
        Err(Error::ValueSyntax)
    };
    assert_eq!(parse_i64(s), want_i, "{s:?}");
    let want_u = if digits(s) {
        text(s).parse::<u64>().map_err(|_| Error::ValueOutOfRange)
    } else {
        Err(Error::ValueSyntax)
    };
    assert_eq!(parse_u64(s), want_u, "{s:?}");
    // Floats.
    let got_f = parse_f64(s);
    if float_grammar(s) {
        let v: f64 = text(s).parse().unwrap();
        if v.is_finite() {
            assert_eq!(got_f.map(f64::to_bits), Ok(v.to_bits()), "{s:?}");
        } else {
            assert_eq!(got_f, Err(Error::ValueOutOfRange), "{s:?}");
        }
    } else {
        assert_eq!(got_f, Err(Error::ValueSyntax), "{s:?}");
    }
    // Booleans.
    let want_b = match s {
        b"true" | b"True" | b"TRUE" | b"t" | b"T" | b"1" => Ok(true),
        b"false" | b"False" | b"FALSE" | b"f" | b"F" | b"0" => Ok(false),
        _ => Err(Error::ValueSyntax),
    };
    assert_eq!(parse_bool(s), want_b);
    // Timestamps: each one alone never panics ...
    let rfc = parse_rfc3339(s);
    if let Ok(ns) = rfc {
        let _ = ns;
        assert!(s.len() >= 20);
    }
    // ... a CLF time is the RFC 3339 time of the same fields ...
    if let Ok(ns) = parse_clf_time(s) {
        // DD/Mon/YYYY:hh:mm:ss +hhmm
        assert_eq!(s.len(), 26, "{s:?}");
        let m = month(&s[3..6]).expect("month");
        let t = text(s);
        let iso = format!(
            "{}-{:02}-{}T{}{}:{}",
            &t[7..11],
            m,
            &t[0..2],
            &t[12..20],
            &t[21..24],
            &t[24..26]
        );
        assert_eq!(parse_rfc3339(iso.as_bytes()), Ok(ns), "{t:?} vs {iso:?}");
    }
    // ... and so is an RFC 3164 time with the year given.
    let year = 1970 + (s.first().copied().unwrap_or(0) as i32 % 300);
    let body = s.get(1..).unwrap_or(b"");
    if let Ok(ns) = parse_rfc3164_time(body, year) {
        let t = text(body);
        let m = month(&body[..3]).expect("month");
        let rest = t[4..].trim_start_matches(' ');
        let (day, time) = rest.split_once(' ').expect("day and time");
        let iso = format!(
            "{year:04}-{m:02}-{:02}T{time}Z",
            day.parse::<u32>().expect("day")
        );
        assert_eq!(parse_rfc3339(iso.as_bytes()), Ok(ns), "{t:?} vs {iso:?}");
    }
});
