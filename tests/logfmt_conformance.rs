//! go-logfmt's decoder test vectors (`shared/corpora/logfmt/go-logfmt`,
//! see the corpora README) against the logfmt parser: the enumerate spec
//! `logfmt:*` line by line and through `parse_batch`, projections of the
//! same inputs, and `logfmt:*1` for the never-truncate rule.
//!
//! One documented difference is mapped rather than skipped: go-logfmt
//! reads an empty line as an empty record, logspan reports it as
//! `Error::EmptyLine` (every format does, so that batch callers see it).

use logspan::formats::logfmt::LOG_FLAG_BARE_KEY;
use logspan::{Error, Line, Parser, Span, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED};
use serde_json::Value;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpora/logfmt/go-logfmt/decode.jsonl"
);

/// Cases read differently from go-logfmt on purpose: (id, reason). None
/// so far: every case agrees.
const SKIP: &[(&str, &str)] = &[];

type Pair = (Vec<u8>, Option<Vec<u8>>);

#[test]
fn go_logfmt_decode_cases() {
    let text = std::fs::read_to_string(CORPUS).expect("corpus file");
    let all = Parser::new("logfmt:*").unwrap();
    let one = Parser::new("logfmt:*1").unwrap();
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::<String>::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let id = case["id"].as_str().unwrap().to_string();
        if let Some((_, why)) = SKIP.iter().find(|(s, _)| *s == id) {
            eprintln!("skip {id}: {why}");
            skipped += 1;
            continue;
        }
        let input: Vec<u8> = match case["input"].as_str() {
            Some(s) => s.as_bytes().to_vec(),
            None => base64(case["input_base64"].as_str().unwrap()),
        };
        let before = failures.len();
        check_case(&id, &case, &input, &all, &one, &mut failures);
        if failures.len() == before {
            passed += 1;
        }
    }
    eprintln!(
        "go-logfmt decode.jsonl: {passed} passed, {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(passed + skipped >= 29, "the corpus has 29 cases");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn check_case(
    id: &str,
    case: &Value,
    input: &[u8],
    all: &Parser,
    one: &Parser,
    failures: &mut Vec<String>,
) {
    let mut fail = |msg: String| failures.push(format!("{id}: {msg}"));
    let lines = scan_lines(input);
    let got: Vec<Result<Vec<Pair>, Error>> = lines.iter().map(|l| pairs(all, l)).collect();

    // Batch: the same results, offsets shifted to the buffer.
    check_batch(all, input, &lines, &mut fail);

    if case["valid"].as_bool().unwrap() {
        let records = case["records"].as_array().unwrap();
        if records.len() != lines.len() {
            fail(format!("{} records, {} lines", records.len(), lines.len()));
            return;
        }
        for (k, (rec, g)) in records.iter().zip(&got).enumerate() {
            let want = record(rec);
            match g {
                Err(Error::EmptyLine) if lines[k].is_empty() && want.is_empty() => {}
                Ok(g) if *g == want => {}
                other => fail(format!("line {}: got {other:?}, want {want:?}", k + 1)),
            }
            // The enumerate spec never drops pairs silently.
            let mut out = [Span::ABSENT; 2];
            match (one.parse(lines[k], &mut out), want.len()) {
                (Err(Error::EmptyLine), 0) | (Ok(0), 0) | (Ok(2), 1) => {}
                (Err(Error::TooManyFields), n) if n > 1 => {}
                (r, n) => fail(format!(
                    "line {}: logfmt:*1 gave {r:?} for {n} pairs",
                    k + 1
                )),
            }
        }
        check_projection(records, &lines, &mut fail);
    } else {
        let err = &case["error"];
        let at = err["line"].as_u64().unwrap() as usize;
        let msg = err["msg"].as_str().unwrap();
        let want = match msg {
            "unexpected '='" | "unexpected '\"'" | "invalid key" => Error::LogfmtSyntax,
            "unterminated quoted value" => Error::LogfmtUnterminatedQuote,
            "invalid quoted value" => Error::LogfmtBadEscape,
            other => panic!("{id}: unknown go-logfmt error {other:?}"),
        };
        if lines.len() < at {
            fail(format!("error on line {at}, only {} lines", lines.len()));
            return;
        }
        // Lines before the failing one decode as go-logfmt decoded them.
        let before = case["records_before_error"].as_array().unwrap();
        for k in 0..at - 1 {
            let w = record(&before[k]);
            if got[k].as_ref() != Ok(&w) {
                fail(format!("line {}: got {:?}, want {w:?}", k + 1, got[k]));
            }
        }
        if got[at - 1] != Err(want) {
            fail(format!(
                "line {at}: got {:?}, want {want:?} (go-logfmt: {msg})",
                got[at - 1]
            ));
        }
        // Any projection sees the same error: the whole line is validated.
        for spec in ["logfmt:a", "logfmt:k,a,zz", "logfmt:*1"] {
            let p = Parser::new(spec).unwrap();
            let mut out = vec![Span::ABSENT; p.field_count()];
            let r = p.parse(lines[at - 1], &mut out);
            if r != Err(want) || out.iter().any(|s| s.is_present()) {
                fail(format!("line {at}: {spec} gave {r:?}, want {want:?}"));
            }
        }
    }
}

/// Every pair of one line through the enumerate spec, values unescaped;
/// an empty value (bare key, `k=`, `k=""`) is `None` as in the corpus.
fn pairs(p: &Parser, line: &[u8]) -> Result<Vec<Pair>, Error> {
    let mut out = vec![Span::ABSENT; p.field_count()];
    let n = p.parse(line, &mut out)?;
    assert_eq!(n % 2, 0);
    assert!(out[n..].iter().all(|s| *s == Span::ABSENT));
    Ok(out[..n]
        .chunks(2)
        .map(|kv| {
            let key = kv[0].get(line).unwrap().to_vec();
            assert_eq!(kv[0].flags, 0);
            (key, value(line, kv[1]))
        })
        .collect())
}

fn value(buf: &[u8], s: Span) -> Option<Vec<u8>> {
    let raw = s.get(buf).expect("a pair's value span is present");
    if s.flags & LOG_FLAG_BARE_KEY != 0 {
        assert!(raw.is_empty());
    }
    if raw.is_empty() {
        None
    } else if s.flags & LOG_FLAG_ESCAPED != 0 {
        Some(unquote(raw))
    } else {
        Some(raw.to_vec())
    }
}

fn record(rec: &Value) -> Vec<Pair> {
    rec.as_array()
        .unwrap()
        .iter()
        .map(|kv| {
            let kv = kv.as_array().unwrap();
            (
                kv[0].as_str().unwrap().as_bytes().to_vec(),
                kv[1].as_str().map(|v| v.as_bytes().to_vec()),
            )
        })
        .collect()
}

fn check_batch(p: &Parser, input: &[u8], lines: &[&[u8]], fail: &mut impl FnMut(String)) {
    let nf = p.field_count();
    let mut bl = vec![Line::default(); lines.len() + 1];
    let mut fields = vec![Span::ABSENT; (lines.len() + 1) * nf];
    let r = p.parse_batch(input, true, &mut bl, &mut fields);
    if r.lines != lines.len() || r.consumed != input.len() || r.full != 0 {
        fail(format!("batch: {r:?} for {} lines", lines.len()));
        return;
    }
    for (k, line) in lines.iter().enumerate() {
        let mut one = vec![Span::ABSENT; nf];
        let status = match p.parse(line, &mut one) {
            Ok(n) => n as i32,
            Err(e) => e.code(),
        };
        let off = bl[k].off;
        let same = bl[k].status == status
            && &input[off as usize..][..bl[k].len as usize] == *line
            && (0..nf).all(|f| fields[k * nf + f] == one[f].shifted_for_test(off));
        if !same {
            fail(format!(
                "batch line {}: {:?} vs status {status}",
                k + 1,
                bl[k]
            ));
        }
    }
}

fn check_projection(records: &[Value], lines: &[&[u8]], fail: &mut impl FnMut(String)) {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for rec in records {
        for (k, _) in record(rec) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys.push(b"zz_not_there".to_vec());
    let spec = format!(
        "logfmt:{}",
        keys.iter()
            .map(|k| spec_escape(std::str::from_utf8(k).unwrap()))
            .collect::<Vec<_>>()
            .join(",")
    );
    let p = Parser::new(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    assert_eq!(p.field_count(), keys.len());
    for (k, (rec, line)) in records.iter().zip(lines).enumerate() {
        let rec = record(rec);
        let mut out = vec![Span::ABSENT; keys.len()];
        let r = p.parse(line, &mut out);
        if line.is_empty() {
            if r != Err(Error::EmptyLine) {
                fail(format!("projection, line {}: {r:?}", k + 1));
            }
            continue;
        }
        let mut present = 0;
        for (f, key) in keys.iter().enumerate() {
            let hits: Vec<&Pair> = rec.iter().filter(|(rk, _)| rk == key).collect();
            let s = out[f];
            let ok = match hits.last() {
                None => s == Span::ABSENT,
                Some((_, want)) => {
                    present += 1;
                    s.is_present()
                        && value(line, s) == *want
                        && (s.flags & LOG_FLAG_DUPLICATE != 0) == (hits.len() > 1)
                }
            };
            if !ok {
                fail(format!(
                    "projection {spec}, line {}, key {:?}: {s:?}",
                    k + 1,
                    String::from_utf8_lossy(key)
                ));
            }
        }
        if r != Ok(present) {
            fail(format!(
                "projection, line {}: {r:?}, want Ok({present})",
                k + 1
            ));
        }
    }
}

/// A key as written in a spec list.
fn spec_escape(key: &str) -> String {
    key.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace('*', "\\*")
}

/// Lines as Go's `bufio.ScanLines` yields them: split at `\n`, one `\r`
/// before it dropped, a last line without `\n` kept if not empty.
fn scan_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = input.split(|&c| c == b'\n').collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v.into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

trait ShiftForTest {
    fn shifted_for_test(self, base: u32) -> Span;
}

impl ShiftForTest for Span {
    fn shifted_for_test(self, base: u32) -> Span {
        if self.is_present() {
            Span {
                off: self.off + base,
                ..self
            }
        } else {
            self
        }
    }
}

/// Standard base64 with padding (the corpus's `input_base64`).
fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 byte {c:#x}"),
        }
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::new();
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            acc |= val(c) << (18 - 6 * k);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[path = "reference/logfmt_unquote.rs"]
mod logfmt_unquote;
use logfmt_unquote::unquote;
