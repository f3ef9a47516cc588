//! Round trip: random records written as logfmt the way Go's `log/slog`
//! `TextHandler` (strconv.Quote when needed) or go-logfmt's encoder (JSON
//! escapes when needed) writes them, parsed back with `logfmt:*`, with a
//! projection and through `parse_batch`: every key and value comes back
//! (values after unescaping the ones flagged `LOG_FLAG_ESCAPED`).

use logspan::formats::logfmt::LOG_FLAG_BARE_KEY;
use logspan::{Line, Parser, Span, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED};
use proptest::prelude::*;

/// A pair: key, and value (`None`: a bare key, written without `=`).
type Pair = (String, Option<Vec<u8>>);

#[derive(Clone, Copy, Debug)]
enum Style {
    /// `log/slog` TextHandler: quote if empty, if a byte is a space, `=`,
    /// `"` or a control, or a rune is invalid, a space or not printable;
    /// then `strconv.Quote`. A lone backslash does not cause quoting.
    Slog,
    /// go-logfmt `Encoder`: quote if a rune is `<= ' '`, `=`, `"` or
    /// invalid; JSON-style escapes; an empty value is written as `k=`.
    GoLogfmt,
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-z0-9_]{0,10}",
        2 => "[a-z]{1,6}\\.[a-z]{1,6}(\\.[a-z]{1,4})?",
        2 => "[a-zA-Z0-9_.\\-/:@,*\\\\'!#%&<>?|~éüƒ日本语😀]{1,12}",
        1 => Just("msg".to_string()),
        1 => Just("user.id".to_string()),
    ]
}

fn value() -> impl Strategy<Value = Option<Vec<u8>>> {
    let v = prop_oneof![
        4 => "[a-zA-Z0-9_.:/-]{0,12}".prop_map(String::into_bytes),
        4 => "[ -~]{0,24}".prop_map(String::into_bytes),
        2 => "\\PC{0,16}".prop_map(String::into_bytes),
        2 => ".{0,16}".prop_map(String::into_bytes),
        // Characters that take every escape form: controls (`\a`, `\xHH`),
        // non-printable BMP (`\uHHHH`) and supplementary (`\UHHHHHHHH`)
        // runes, U+FFFD, quotes, backslashes, `=`, spaces.
        2 => "[\u{0}-\u{1f}\u{7f}\u{a0}\u{ad}\u{202e}\u{feff}\u{e000}\u{fffd}\u{f0000}-\u{f00ff}\u{10fffd}\u{1f600}a\"\\\\= ]{0,12}"
            .prop_map(String::into_bytes),
        1 => "[ a-z\"\\\\=]{0,3000}".prop_map(String::into_bytes),
        1 => Just(Vec::new()),
        1 => proptest::collection::vec(any::<u8>(), 0..16),
    ];
    prop_oneof![9 => v.prop_map(Some), 1 => Just(None)]
}

fn record() -> impl Strategy<Value = Vec<Pair>> {
    proptest::collection::vec((key(), value()), 1..10)
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![Just(Style::Slog), Just(Style::GoLogfmt)]
}

/// Go's `unicode.IsPrint`, approximately (either answer encodes the
/// value correctly; this only picks raw text or an escape).
fn printable(c: char) -> bool {
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{FEFF}'
                | '\u{E000}'..='\u{F8FF}'
                | '\u{F0000}'..='\u{10FFFF}'
        ))
}

fn slog_needs_quoting(v: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(v) else {
        return true;
    };
    s.is_empty()
        || s.chars().any(|c| {
            if c.is_ascii() {
                c != '\\' && (c == ' ' || c == '=' || c == '"' || (c as u32) < 0x20)
            } else {
                c == '\u{FFFD}' || c.is_whitespace() || !printable(c)
            }
        })
}

/// Go's `strconv.Quote` on bytes (invalid UTF-8 becomes `\xHH`).
fn go_quote(v: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    let mut rest = v;
    while !rest.is_empty() {
        // A char is at most 4 bytes: decoding a 4-byte window is enough.
        let window = &rest[..rest.len().min(4)];
        let valid = match std::str::from_utf8(window) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&window[..e.valid_up_to()]).unwrap(),
        };
        let Some(c) = valid.chars().next() else {
            out.extend_from_slice(format!("\\x{:02x}", rest[0]).as_bytes());
            rest = &rest[1..];
            continue;
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' | '\\' => out.extend_from_slice(&[b'\\', c as u8]),
            c if printable(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            '\u{07}' => out.extend_from_slice(b"\\a"),
            '\u{08}' => out.extend_from_slice(b"\\b"),
            '\u{0C}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{0B}' => out.extend_from_slice(b"\\v"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.extend_from_slice(format!("\\x{:02x}", c as u32).as_bytes())
            }
            c if (c as u32) < 0x10000 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => out.extend_from_slice(format!("\\U{:08x}", c as u32).as_bytes()),
        }
    }
    out.push(b'"');
}

/// go-logfmt's `writeQuotedString` (JSON escapes; values here are UTF-8).
fn logfmt_quote(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend_from_slice(&[b'\\', c as u8]),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out.push(b'"');
}

fn write_record(rec: &[Pair], style: Style) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, (key, val)) in rec.iter().enumerate() {
        if k > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(key.as_bytes());
        let Some(v) = val else { continue };
        out.push(b'=');
        match (style, std::str::from_utf8(v)) {
            (Style::GoLogfmt, Ok(s)) => {
                if s.chars()
                    .any(|c| c <= ' ' || c == '=' || c == '"' || c == '\u{FFFD}')
                {
                    logfmt_quote(s, &mut out);
                } else {
                    out.extend_from_slice(v);
                }
            }
            // go-logfmt writes invalid UTF-8 lossily: use slog's quoting.
            _ => {
                if slog_needs_quoting(v) {
                    go_quote(v, &mut out);
                } else {
                    out.extend_from_slice(v);
                }
            }
        }
    }
    out
}

/// What a parse must return for a value: bare key → `None`, else the
/// value's bytes.
fn decoded(buf: &[u8], s: Span) -> Option<Vec<u8>> {
    let raw = s.get(buf).expect("present");
    if s.flags & LOG_FLAG_BARE_KEY != 0 {
        assert!(raw.is_empty());
        return None;
    }
    Some(if s.flags & LOG_FLAG_ESCAPED != 0 {
        unquote(raw)
    } else {
        raw.to_vec()
    })
}

fn spec_escape(key: &str) -> String {
    key.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace('*', "\\*")
}

fn check_record(rec: &[Pair], line: &[u8]) -> Result<(), TestCaseError> {
    // Every pair, in order.
    let all = Parser::new("logfmt:*16").unwrap();
    let mut out = vec![Span::ABSENT; all.field_count()];
    let n = all.parse(line, &mut out);
    prop_assert_eq!(n, Ok(2 * rec.len()), "{}", String::from_utf8_lossy(line));
    for (k, (key, val)) in rec.iter().enumerate() {
        prop_assert_eq!(out[2 * k].get(line), Some(key.as_bytes()));
        prop_assert_eq!(&decoded(line, out[2 * k + 1]), val);
    }
    prop_assert!(out[2 * rec.len()..].iter().all(|s| *s == Span::ABSENT));

    // A projection of every key (last one wins) plus a missing one.
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in rec {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let spec = format!(
        "logfmt:{},never.there",
        keys.iter()
            .map(|k| spec_escape(k))
            .collect::<Vec<_>>()
            .join(",")
    );
    let p = Parser::new(&spec).unwrap();
    for (f, k) in keys.iter().enumerate() {
        prop_assert_eq!(p.field_name(f), Some(*k));
    }
    let mut out = vec![Span::ABSENT; p.field_count()];
    prop_assert_eq!(p.parse(line, &mut out), Ok(keys.len()));
    for (f, k) in keys.iter().enumerate() {
        let hits: Vec<&Pair> = rec.iter().filter(|(rk, _)| rk == k).collect();
        prop_assert_eq!(&decoded(line, out[f]), &hits.last().unwrap().1);
        prop_assert_eq!(out[f].flags & LOG_FLAG_DUPLICATE != 0, hits.len() > 1);
    }
    prop_assert_eq!(out[keys.len()], Span::ABSENT);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn records_round_trip(rec in record(), style in style()) {
        let line = write_record(&rec, style);
        check_record(&rec, &line)?;
    }

    #[test]
    fn batches_round_trip(
        recs in proptest::collection::vec((record(), style(), any::<bool>()), 1..6)
    ) {
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        for (rec, style, crlf) in &recs {
            let line = write_record(rec, *style);
            lines.push((buf.len(), line.len()));
            buf.extend_from_slice(&line);
            buf.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
        }
        let p = Parser::new("logfmt:*10").unwrap();
        let nf = p.field_count();
        let mut bl = vec![Line::default(); recs.len()];
        let mut fields = vec![Span::ABSENT; recs.len() * nf];
        let r = p.parse_batch(&buf, false, &mut bl, &mut fields);
        prop_assert_eq!((r.lines, r.errors, r.consumed), (recs.len(), 0, buf.len()));
        for (k, ((rec, _, _), (off, len))) in recs.iter().zip(&lines).enumerate() {
            prop_assert_eq!((bl[k].off as usize, bl[k].len as usize), (*off, *len));
            prop_assert_eq!(bl[k].status as usize, 2 * rec.len());
            let f = &fields[k * nf..(k + 1) * nf];
            for (j, (key, val)) in rec.iter().enumerate() {
                prop_assert_eq!(f[2 * j].get(&buf), Some(key.as_bytes()));
                prop_assert_eq!(&decoded(&buf, f[2 * j + 1]), val);
            }
        }
    }
}

#[test]
fn slog_text_handler_lines() {
    // Lines as slog's TextHandler writes them.
    let line = concat!(
        r#"time=2024-05-01T12:00:00.000Z level=ERROR msg="open failed: \"a.txt\"" "#,
        r#"path=C:\temp\a.txt err="\x1b[31mboom\x1b[0m\tnext\n" n=0 empty="" "#,
        r#"user.id=42 emoji=😀 nbsp="a\u00a0b" bidi="\u202e" ctl="\x7f""#
    );
    let rec: Vec<Pair> = [
        ("time", "2024-05-01T12:00:00.000Z"),
        ("level", "ERROR"),
        ("msg", "open failed: \"a.txt\""),
        ("path", r"C:\temp\a.txt"),
        ("err", "\x1b[31mboom\x1b[0m\tnext\n"),
        ("n", "0"),
        ("empty", ""),
        ("user.id", "42"),
        ("emoji", "😀"),
        ("nbsp", "a\u{a0}b"),
        ("bidi", "\u{202e}"),
        ("ctl", "\x7f"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Some(v.as_bytes().to_vec())))
    .collect();
    check_record(&rec, line.as_bytes()).unwrap();
}

#[path = "reference/logfmt_unquote.rs"]
mod logfmt_unquote;
use logfmt_unquote::unquote;
