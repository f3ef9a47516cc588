//! The unescape helpers on arbitrary bytes and output capacities:
//! `unescape_json` equals serde_json's decoding of the same string body
//! (differential), `unescape_logfmt` accepts exactly the quoted values the
//! logfmt parser accepts, `unescape_access` equals a naive decoder written
//! from its rules. For every capacity: success writes at most `raw.len()`
//! bytes that equal the full decoding, failure (`OutputTooSmall`) writes
//! nothing, and the input is never modified.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::values::{unescape_access, unescape_json, unescape_logfmt};
use logspan::{Error, Parser, Span};

type Decode = fn(&[u8], &mut [u8]) -> Result<usize, Error>;

/// Decode with room for everything, then with every small capacity and a
/// cut one: results consistent, nothing written on failure.
fn with_caps(decode: Decode, raw: &[u8], cut: usize) -> Result<Vec<u8>, Error> {
    let mut full = vec![0u8; raw.len()];
    let r = decode(raw, &mut full).map(|n| {
        assert!(n <= raw.len(), "unescaping never lengthens");
        full[..n].to_vec()
    });
    if let Err(e) = r {
        assert_ne!(e, Error::OutputTooSmall, "raw.len() bytes always suffice");
    }
    let mut caps = vec![0, 1, 2, cut % (raw.len() + 1)];
    caps.dedup();
    for cap in caps {
        let mut out = vec![0xA5u8; cap];
        match (decode(raw, &mut out), &r) {
            (Ok(n), Ok(want)) => assert_eq!(&out[..n], &want[..]),
            (Err(Error::OutputTooSmall), Ok(want)) => {
                assert!(want.len() > cap);
                assert!(out.iter().all(|&b| b == 0xA5), "wrote on error");
            }
            (Err(e), Err(we)) => {
                // A too-small buffer may be noticed before the bad escape.
                assert!(e == *we || e == Error::OutputTooSmall, "{e:?} vs {we:?}");
                assert!(out.iter().all(|&b| b == 0xA5), "wrote on error");
            }
            (got, want) => panic!("cap {cap}: {got:?} vs {want:?}"),
        }
    }
    r
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `\"` `\\` `\xHH` `\b` `\n` `\r` `\t` `\v`; any other backslash kept.
fn naive_access(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let next = raw.get(i + 1).copied();
        let simple = match next {
            Some(b'"') => Some(b'"'),
            Some(b'\\') => Some(b'\\'),
            Some(b'b') => Some(8),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            Some(b'v') => Some(11),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
        } else if next == Some(b'x')
            && raw.len() > i + 3
            && hex(raw[i + 2]).is_some()
            && hex(raw[i + 3]).is_some()
        {
            out.push(hex(raw[i + 2]).unwrap() * 16 + hex(raw[i + 3]).unwrap());
            i += 4;
        } else {
            out.push(b'\\');
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, raw)) = data.split_first() else {
        return;
    };
    let copy = raw.to_vec();
    let cut = cut as usize;

    // JSON, against serde_json on the same string body.
    let got = with_caps(unescape_json, raw, cut);
    if std::str::from_utf8(raw).is_ok() {
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(raw);
        quoted.push(b'"');
        match serde_json::from_slice::<String>(&quoted) {
            Ok(s) => assert_eq!(got.as_deref(), Ok(s.as_bytes()), "{raw:?}"),
            Err(_) => assert_eq!(got, Err(Error::JsonBadString), "{raw:?}"),
        }
    }

    // logfmt: accepted exactly when the parser accepts `k="raw"` whole.
    let got = with_caps(unescape_logfmt, raw, cut);
    let mut line = b"k=\"".to_vec();
    line.extend_from_slice(raw);
    line.push(b'"');
    let p = Parser::new("logfmt:k").unwrap();
    let mut out = [Span::ABSENT];
    let parsed = p.parse(&line, &mut out);
    let whole = parsed == Ok(1) && out[0].off == 3 && out[0].len as usize == raw.len();
    assert_eq!(
        got.is_ok(),
        whole,
        "{raw:?}: unescape {got:?}, parse {parsed:?} {out:?}"
    );
    if let Err(e) = got {
        assert_eq!(e, Error::LogfmtBadEscape);
    }

    // Access logs, against the naive decoder.
    let got = with_caps(unescape_access, raw, cut);
    assert_eq!(got, Ok(naive_access(raw)), "{raw:?}");

    assert_eq!(raw, &copy[..], "input untouched");
});
