//! The real 10,000-line Apache "combined" log from elastic/examples
//! (`../shared/corpora/access/elastic-examples/apache_logs`), parsed with
//! every access-log entry point and checked field by field (offset, length
//! and flags) against an independent reference: a plain regex for the
//! combined format, written here from the rules at the top of
//! `src/formats/access.rs`, and the whole-file numbers in
//! `apache_logs.summary.json` (derived by the corpus maintainers).

use std::collections::{BTreeMap, BTreeSet};

use logspan::{
    parse_fast, Error, Line, Parser, Span, LOG_FAST_FIELDS, LOG_FIELD_BODY_BYTES, LOG_FIELD_METHOD,
    LOG_FIELD_REFERER, LOG_FIELD_REMOTE_ADDR, LOG_FIELD_STATUS, LOG_FIELD_TIME, LOG_FLAG_ESCAPED,
};
use regex::bytes::Regex;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpora/access/elastic-examples"
);

struct Corpus {
    data: Vec<u8>,
    /// (start, end) of each line without its `\n`, in file order.
    lines: Vec<(usize, usize)>,
    summary: serde_json::Value,
}

impl Corpus {
    fn line(&self, k: usize) -> &[u8] {
        let (s, e) = self.lines[k];
        &self.data[s..e]
    }
}

/// The corpus, or `None` (with a message saying why) when it is missing.
fn load() -> Option<Corpus> {
    let path = format!("{DIR}/apache_logs");
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "SKIPPED: Apache corpus not found at {path} ({e}); see ../shared/corpora/README.md"
            );
            return None;
        }
    };
    let summary_path = format!("{DIR}/apache_logs.summary.json");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary_path).expect("summary next to the log"))
            .expect("summary is JSON");
    let mut lines = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let end = match data[start..].iter().position(|&b| b == b'\n') {
            Some(k) => start + k,
            None => data.len(),
        };
        lines.push((start, end));
        start = end + 1;
    }
    Some(Corpus {
        data,
        lines,
        summary,
    })
}

// ---------------------------------------------------------------------------
// The reference: one regex for the whole combined line, one for the request.
// ---------------------------------------------------------------------------

/// `%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-agent}i"`: words end at
/// a space, the time at the first `]`, a quoted field at the first `"` not
/// escaped by a backslash (a backslash escapes any next byte).
const COMBINED: &str = r#"(?s-u)^([^ ]+) ([^ ]+) ([^ ]+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" ([0-9]{3}) ([0-9]+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$"#;
/// The common-format prefix of a line (no `$`): where the body size ends.
const COMMON_PREFIX: &str =
    r#"(?s-u)^([^ ]+) ([^ ]+) ([^ ]+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" ([0-9]{3}) ([0-9]+|-)"#;
/// `TOKEN SP TARGET [SP HTTP/x.y]` with an RFC 9110 token and a target
/// without spaces; anything else is not split.
const REQUEST: &str = r"(?s-u)^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^ ]+)(?: (HTTP/[0-9.]+))?$";

struct Reference {
    combined: Regex,
    common_prefix: Regex,
    request: Regex,
}

fn span(off: usize, end: usize, flags: u32) -> Span {
    Span {
        off: off as u32,
        len: (end - off) as u32,
        flags,
    }
}

impl Reference {
    fn new() -> Reference {
        Reference {
            combined: Regex::new(COMBINED).unwrap(),
            common_prefix: Regex::new(COMMON_PREFIX).unwrap(),
            request: Regex::new(REQUEST).unwrap(),
        }
    }

    /// The 12 expected spans of a combined line (a trailing `\n` or `\r\n`
    /// ignored), or `None` when the regex does not match.
    fn combined(&self, line: &[u8]) -> Option<[Span; LOG_FAST_FIELDS]> {
        let line = strip_eol(line);
        let c = self.combined.captures(line)?;
        let g = |k: usize| c.get(k).unwrap();
        // A whole value `-` is absent; quoted fields holding a backslash
        // are flagged as escaped.
        let plain = |k: usize| {
            let m = g(k);
            if m.as_bytes() == b"-" {
                Span::ABSENT
            } else {
                span(m.start(), m.end(), 0)
            }
        };
        let quoted = |k: usize| {
            let m = g(k);
            let flags = if m.as_bytes().contains(&b'\\') {
                LOG_FLAG_ESCAPED
            } else {
                0
            };
            if m.as_bytes() == b"-" {
                Span::ABSENT
            } else {
                span(m.start(), m.end(), flags)
            }
        };
        let request = quoted(5);
        let [method, path, protocol] = if request.is_present() {
            self.split_request(line, g(5).start(), g(5).end())
        } else {
            [Span::ABSENT; 3]
        };
        Some([
            plain(1),
            plain(2),
            plain(3),
            span(g(4).start(), g(4).end(), 0),
            request,
            method,
            path,
            protocol,
            span(g(6).start(), g(6).end(), 0),
            plain(7),
            quoted(8),
            quoted(9),
        ])
    }

    fn split_request(&self, line: &[u8], start: usize, end: usize) -> [Span; 3] {
        let Some(c) = self.request.captures(&line[start..end]) else {
            return [Span::ABSENT; 3];
        };
        let at = |m: regex::bytes::Match, flags| span(start + m.start(), start + m.end(), flags);
        let target = c.get(2).unwrap();
        let target_flags = if target.as_bytes().contains(&b'\\') {
            LOG_FLAG_ESCAPED
        } else {
            0
        };
        [
            at(c.get(1).unwrap(), 0),
            at(target, target_flags),
            c.get(3).map_or(Span::ABSENT, |m| at(m, 0)),
        ]
    }

    /// End of the body-size field (where a CLF line would end).
    fn common_end(&self, line: &[u8]) -> Option<usize> {
        self.common_prefix
            .captures(line)
            .map(|c| c.get(7).unwrap().end())
    }
}

fn strip_eol(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line)
}

fn present(spans: &[Span]) -> usize {
    spans.iter().filter(|s| s.is_present()).count()
}

fn shifted(spans: &[Span], base: usize) -> Vec<Span> {
    spans
        .iter()
        .map(|s| {
            if s.is_present() {
                Span {
                    off: s.off + base as u32,
                    ..*s
                }
            } else {
                *s
            }
        })
        .collect()
}

fn summary_lines(summary: &serde_json::Value, key: &str) -> BTreeSet<usize> {
    summary[key]
        .as_array()
        .unwrap_or_else(|| panic!("summary has no `{key}` list"))
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

// ---------------------------------------------------------------------------

#[test]
fn corpus_is_the_documented_file() {
    let Some(c) = load() else { return };
    assert_eq!(c.lines.len(), 10_000);
    assert_eq!(c.summary["lines"], 10_000);
    assert_eq!(c.data.len() as u64, c.summary["bytes"].as_u64().unwrap());
    assert_eq!(c.data.last(), Some(&b'\n'));
}

/// Every line, through `parse_fast` and the `access` and `combined`
/// parsers, with and without its line ending, against the regex.
#[test]
fn every_line_agrees_with_the_reference_regex() {
    let Some(c) = load() else { return };
    let r = Reference::new();
    let access = Parser::new("access").unwrap();
    let combined = Parser::new("combined").unwrap();
    let mut unmatched = BTreeSet::new();
    for k in 0..c.lines.len() {
        let number = k + 1;
        let line = c.line(k);
        let want = r.combined(line);
        if want.is_none() {
            unmatched.insert(number);
        }
        for eol in [&b""[..], b"\n", b"\r\n"] {
            let input = [line, eol].concat();
            let mut fast = [GARBAGE; LOG_FAST_FIELDS];
            let got_fast = parse_fast(&input, &mut fast);
            for (name, p) in [("access", &access), ("combined", &combined)] {
                let mut out = [GARBAGE; LOG_FAST_FIELDS];
                let got = p.parse(&input, &mut out);
                assert_eq!(got, got_fast, "line {number}: {name} vs parse_fast");
                assert_eq!(out, fast, "line {number}: {name} vs parse_fast");
            }
            match &want {
                Some(want) => {
                    assert_eq!(
                        got_fast,
                        Ok(present(want)),
                        "line {number}: {:?}",
                        String::from_utf8_lossy(line)
                    );
                    for f in 0..LOG_FAST_FIELDS {
                        assert_eq!(
                            fast[f],
                            want[f],
                            "line {number} field {} ({:?})",
                            access.field_name(f).unwrap(),
                            String::from_utf8_lossy(line)
                        );
                    }
                }
                None => {
                    assert!(got_fast.is_err(), "line {number} parsed but should not");
                    assert!(fast.iter().all(|s| *s == Span::ABSENT), "line {number}");
                }
            }
        }
    }
    let want_unmatched = summary_lines(&c.summary, "lines_not_matching_combined_format");
    assert_eq!(unmatched, want_unmatched, "regex vs summary");
    assert_eq!(unmatched, BTreeSet::from([8899]));
}

/// Line 8899 is cut inside its user agent: an error for `combined` and
/// `access` (a quoted field without its closing quote), and no fields.
#[test]
fn truncated_line_8899_is_an_error() {
    let Some(c) = load() else { return };
    let line = c.line(8898);
    assert!(line.ends_with(b"+http://www.google.com/bot.html"));
    for spec in ["combined", "access"] {
        let p = Parser::new(spec).unwrap();
        let mut out = [GARBAGE; LOG_FAST_FIELDS];
        assert_eq!(
            p.parse(line, &mut out),
            Err(Error::AccessUnterminatedQuote),
            "{spec}"
        );
        assert!(out.iter().all(|s| *s == Span::ABSENT));
    }
    // The lines around it parse.
    let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
    assert!(parse_fast(c.line(8897), &mut out).is_ok());
    assert!(parse_fast(c.line(8899), &mut out).is_ok());
}

/// Apache's `\xHH` escapes stay as they are, flagged as escaped.
#[test]
fn hex_escapes_are_kept_literally() {
    let Some(c) = load() else { return };
    let want = summary_lines(&c.summary, "lines_with_backslash_escapes");
    assert_eq!(want, BTreeSet::from([5851, 5853, 5860]));
    let mut escaped_lines = BTreeSet::new();
    for k in 0..c.lines.len() {
        let line = c.line(k);
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        if parse_fast(line, &mut out).is_err() {
            continue;
        }
        if out.iter().any(Span::is_escaped) {
            escaped_lines.insert(k + 1);
        }
    }
    assert_eq!(escaped_lines, want);
    for number in want {
        let line = c.line(number - 1);
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        parse_fast(line, &mut out).unwrap();
        let referer = out[LOG_FIELD_REFERER];
        assert!(referer.is_escaped(), "line {number}");
        let text = referer.get(line).unwrap();
        // The literal text between the quotes, backslashes and all.
        let start = line.windows(9).position(|w| w == b"\"http://\\").unwrap() + 1;
        let end = start + line[start..].iter().position(|&b| b == b'"').unwrap();
        assert_eq!(text, &line[start..end], "line {number}");
        assert!(text.starts_with(br"http://\xe4\xe5\xe3"), "line {number}");
        for (f, s) in out.iter().enumerate() {
            if f != LOG_FIELD_REFERER {
                assert!(!s.is_escaped(), "line {number} field {f}");
            }
        }
    }
}

/// The whole-file numbers of `apache_logs.summary.json`, computed from
/// `parse_fast`'s spans.
#[test]
fn whole_file_numbers_match_the_summary() {
    let Some(c) = load() else { return };
    let s = &c.summary;
    let mut status: BTreeMap<String, u64> = BTreeMap::new();
    let mut methods: BTreeMap<String, u64> = BTreeMap::new();
    let mut bytes_dash = 0u64;
    let mut bytes_sum = 0u64;
    let mut addrs = BTreeSet::new();
    let mut times = Vec::new();
    let mut errors = BTreeSet::new();
    for k in 0..c.lines.len() {
        let line = c.line(k);
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        if parse_fast(line, &mut out).is_err() {
            errors.insert(k + 1);
            continue;
        }
        let text = |f: usize| {
            out[f]
                .get(line)
                .map(|b| String::from_utf8_lossy(b).into_owned())
        };
        *status.entry(text(LOG_FIELD_STATUS).unwrap()).or_default() += 1;
        if let Some(m) = text(LOG_FIELD_METHOD) {
            *methods.entry(m).or_default() += 1;
        }
        match text(LOG_FIELD_BODY_BYTES) {
            None => bytes_dash += 1,
            Some(b) => bytes_sum += b.parse::<u64>().unwrap(),
        }
        addrs.insert(text(LOG_FIELD_REMOTE_ADDR).unwrap());
        times.push(text(LOG_FIELD_TIME).unwrap());
    }
    let histogram = |key: &str| -> BTreeMap<String, u64> {
        s[key]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect()
    };
    assert_eq!(status, histogram("status_counts"));
    assert_eq!(methods, histogram("request_method_counts"));
    assert_eq!(bytes_dash, s["lines_with_bytes_dash"].as_u64().unwrap());
    assert_eq!(bytes_sum, s["sum_of_numeric_bytes"].as_u64().unwrap());
    assert_eq!(
        addrs.len() as u64,
        s["distinct_remote_addr"].as_u64().unwrap()
    );
    assert_eq!(
        times.first().unwrap(),
        s["first_timestamp"].as_str().unwrap()
    );
    assert_eq!(times.last().unwrap(), s["last_timestamp"].as_str().unwrap());
    assert_eq!(
        errors,
        summary_lines(s, "lines_not_matching_combined_format")
    );
}

/// `parse_batch` over the whole file with small capacities (several
/// calls, continuing at `consumed`): every line once, in order, equal to
/// the reference shifted to its offset in the file.
#[test]
fn batch_mode_agrees_with_the_reference() {
    let Some(c) = load() else { return };
    let r = Reference::new();
    let want: Vec<Option<[Span; LOG_FAST_FIELDS]>> =
        (0..c.lines.len()).map(|k| r.combined(c.line(k))).collect();
    for spec in ["access", "combined"] {
        let p = Parser::new(spec).unwrap();
        let nf = p.field_count();
        // (lines capacity, fields capacity): the smaller one limits.
        for (lines_cap, fields_cap) in [
            (1, nf),
            (7, 7 * nf),
            (64, 3 * nf + 5),
            (1000, 1000 * nf - 1),
            (4096, 4096 * nf),
        ] {
            let per_call = lines_cap.min(fields_cap / nf);
            for end_of_input in [true, false] {
                let mut lines = vec![Line::default(); lines_cap];
                let mut fields = vec![Span::ABSENT; fields_cap];
                let mut base = 0;
                let mut k = 0;
                let mut calls = 0;
                loop {
                    let buf = &c.data[base..];
                    let res = p.parse_batch(buf, end_of_input, &mut lines, &mut fields);
                    calls += 1;
                    assert!(res.lines <= per_call);
                    let errors = lines[..res.lines].iter().filter(|l| l.status < 0).count();
                    assert_eq!(res.errors, errors);
                    for (j, line) in lines[..res.lines].iter().enumerate() {
                        let (s, e) = c.lines[k];
                        let number = k + 1;
                        assert_eq!(line.off as usize + base, s, "{spec} line {number}");
                        assert_eq!(line.len as usize, e - s, "{spec} line {number}");
                        let got = &fields[j * nf..(j + 1) * nf];
                        match &want[k] {
                            Some(w) => {
                                assert_eq!(line.status, present(w) as i32, "line {number}");
                                assert_eq!(got, &shifted(w, s - base)[..], "line {number}");
                            }
                            None => {
                                assert!(line.status < 0, "line {number}");
                                assert!(got.iter().all(|s| *s == Span::ABSENT));
                            }
                        }
                        k += 1;
                    }
                    base += res.consumed;
                    if k == c.lines.len() {
                        assert_eq!(res.full, 0, "{spec}: last call");
                        assert_eq!(base, c.data.len());
                        break;
                    }
                    assert_eq!(res.full, 1, "{spec}: capacity ran out");
                    assert_eq!(res.lines, per_call);
                    assert_eq!(c.data[base - 1], b'\n', "consumed ends at a line boundary");
                }
                assert_eq!(calls, c.lines.len().div_ceil(per_call), "{spec}");
            }
        }
    }
}

/// Each line cut right after the body size is a CLF line: `common` gives
/// the first ten fields of the combined parse; `access` gives the same
/// with referer and user agent absent; `combined` rejects it; `common`
/// rejects the uncut line.
#[test]
fn common_prefix_gives_the_combined_fields() {
    let Some(c) = load() else { return };
    let r = Reference::new();
    let common = Parser::new("common").unwrap();
    let access = Parser::new("access").unwrap();
    let combined = Parser::new("combined").unwrap();
    assert_eq!(common.field_count(), 10);
    let mut checked = 0;
    for k in 0..c.lines.len() {
        let number = k + 1;
        let line = c.line(k);
        let end = r
            .common_end(line)
            .unwrap_or_else(|| panic!("line {number} has no CLF prefix"));
        let cut = &line[..end];
        // The expected CLF fields: the combined reference of the full line
        // (for the truncated line 8899: of the cut line plus a dummy tail).
        let full = match r.combined(line) {
            Some(w) => w,
            None => r.combined(&[cut, b" \"-\" \"-\""].concat()).unwrap(),
        };
        let mut out = [GARBAGE; LOG_FAST_FIELDS];
        assert_eq!(
            common.parse(cut, &mut out[..10]),
            Ok(present(&full[..10])),
            "line {number}"
        );
        assert_eq!(out[..10], full[..10], "line {number}");
        assert_eq!(out[10], GARBAGE, "common writes 10 spans only");
        let mut out = [GARBAGE; LOG_FAST_FIELDS];
        assert_eq!(access.parse(cut, &mut out), Ok(present(&full[..10])));
        assert_eq!(out[..10], full[..10], "line {number}");
        assert_eq!(out[10..], [Span::ABSENT; 2], "line {number}");
        assert_eq!(
            combined.parse(cut, &mut out),
            Err(Error::AccessTruncated),
            "line {number}"
        );
        assert_eq!(
            common.parse(line, &mut out),
            Err(Error::AccessTrailingData),
            "line {number}"
        );
        checked += 1;
    }
    assert_eq!(checked, 10_000);
}

/// A recognisable "not yet written" span.
const GARBAGE: Span = Span {
    off: 0xDEAD,
    len: 0xBEEF,
    flags: 0xF00,
};
