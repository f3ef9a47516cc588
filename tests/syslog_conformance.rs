//! influxdata/go-syslog test vectors (`../shared/corpora/syslog/go-syslog`),
//! held to the corpus README's rules:
//! - every valid case parses, and every field go-syslog reports equals ours:
//!   priority, facility and severity (through our `facility`/`severity`),
//!   version, timestamp (as an instant plus its UTC offset; an RFC 3164
//!   timestamp without a year by month, day and time only), hostname,
//!   app_name, procid, msgid, structured data (walked with `sd_elements`,
//!   values unescaped here) and message (bytes; `{"base64": ..}` decoded);
//! - every invalid case is an error, and the error is of the family
//!   go-syslog names (PRI, VERSION, timestamp, header field, SD, UTF-8 MSG);
//! - `syslog` (auto) gives the same result as the explicit spec on every
//!   case: the same spans for valid ones, an error for invalid ones.
//!
//! How the cases' options map to logspan (no case is skipped for them):
//! - `compliant_msg` (5424): our parser is always compliant: a MSG that
//!   starts with a BOM must be valid UTF-8 (`SyslogInvalidUtf8`);
//! - `rfc3339` (3164): an RFC 3339 timestamp is always accepted;
//! - `year` (3164): we report the raw timestamp and never invent a year, so
//!   a BSD timestamp is compared by month, day and time whatever the year
//!   go-syslog prints.
//!
//! Deliberate differences, checked rather than skipped:
//! - go-syslog keeps a leading UTF-8 BOM in MSG; our span excludes it and
//!   sets `LOG_FLAG_BOM`, so the expected value is compared without it;
//!   a MSG that is only a BOM is present and empty for us.

use std::collections::BTreeMap;

use logspan::formats::syslog::{
    facility, sd_elements, severity, unescape_param_value, LOG_FLAG_BOM,
};
use logspan::{Error, Parser, Span};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpora/syslog/go-syslog"
);

/// Cases not run, with the reason. Empty: every case passes as is.
const SKIP: &[(&str, &str)] = &[];

const FIELDS: [(&str, usize); 9] = [
    ("priority", 0),
    ("version", 1),
    ("timestamp", 2),
    ("hostname", 3),
    ("appname", 4),
    ("procid", 5),
    ("msgid", 6),
    ("structured_data", 7),
    ("message", 8),
];

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

#[test]
fn base64_decoder() {
    assert_eq!(b64("TWFu"), b"Man");
    assert_eq!(b64("TWE="), b"Ma");
    assert_eq!(b64("TQ=="), b"M");
    assert_eq!(b64(""), b"");
    assert_eq!(b64("9vb29g=="), b"\xf6\xf6\xf6\xf6");
}

fn load(file: &str) -> Option<Vec<Value>> {
    let path = format!("{DIR}/{file}");
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        ),
        Err(e) => {
            eprintln!("SKIPPED: go-syslog corpus not found at {path} ({e})");
            None
        }
    }
}

fn input(case: &Value) -> Vec<u8> {
    match &case["input"] {
        Value::String(s) => s.as_bytes().to_vec(),
        _ => b64(case["input_base64"].as_str().unwrap()),
    }
}

/// A timestamp as `(unix seconds, nanoseconds, offset minutes)`, or for a
/// BSD one `(month, day, seconds of the day)` in `Err`.
type Instant = Result<(i64, u32, i32), (u32, u32, u32)>;

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn num(s: &str) -> u32 {
    s.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// Parse a timestamp that is already known to be valid (ours, or Go's
/// RFC 3339 output).
fn instant(ts: &str) -> Instant {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if let Some(m) = MONTHS.iter().position(|m| ts.starts_with(m)) {
        // `Mmm dd hh:mm:ss`, day padded with a space or not.
        let rest = ts[4..].trim_start();
        let (day, time) = rest.split_once(' ').unwrap();
        let t: Vec<u32> = time.split(':').map(num).collect();
        return Err((m as u32 + 1, num(day), t[0] * 3600 + t[1] * 60 + t[2]));
    }
    let (date, rest) = ts.split_once('T').unwrap();
    let d: Vec<u32> = date.split('-').map(num).collect();
    let (time, offset) = match rest.find(['Z', '+', '-']) {
        Some(k) => rest.split_at(k),
        None => panic!("no offset in {ts}"),
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let t: Vec<u32> = hms.split(':').map(num).collect();
    let nanos = if frac.is_empty() {
        0
    } else {
        num(&format!("{frac:0<9}"))
    };
    let offset_min = match offset {
        "Z" => 0,
        _ => {
            let (h, m) = offset[1..].split_once(':').unwrap();
            let v = (num(h) * 60 + num(m)) as i32;
            if offset.starts_with('-') {
                -v
            } else {
                v
            }
        }
    };
    let local = days_from_civil(i64::from(d[0]), d[1], d[2]) * 86400
        + i64::from(t[0] * 3600 + t[1] * 60 + t[2]);
    Ok((local - i64::from(offset_min) * 60, nanos, offset_min))
}

/// Go's RFC 3339 text of a 3164 timestamp: full instant, or (when its year
/// is 0000, or ours has no year) month, day and time only.
fn same_timestamp(ours: &str, expected: &str) -> bool {
    match (instant(ours), instant(expected)) {
        (Ok(a), Ok(b)) => a == b,
        (Err(bsd), Ok(_)) => {
            // Go's printed local time, whatever its year.
            let (date, rest) = expected.split_once('T').unwrap();
            let d: Vec<u32> = date.split('-').map(num).collect();
            let t: Vec<u32> = rest[..8].split(':').map(num).collect();
            bsd == (d[1], d[2], t[0] * 3600 + t[1] * 60 + t[2])
        }
        _ => false,
    }
}

/// Our structured data as go-syslog's map: SD-ID → name → unescaped value.
fn our_sd(sd: &[u8]) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    let mut map = BTreeMap::new();
    for e in sd_elements(sd) {
        let mut params = BTreeMap::new();
        for p in e.params() {
            let mut buf = vec![0u8; p.value().len()];
            let v = unescape_param_value(p.value(), &mut buf).unwrap();
            assert_eq!(p.is_escaped(), v.len() != p.value().len());
            params.insert(text(p.name()), text(v));
        }
        assert!(
            map.insert(text(e.id()), params).is_none(),
            "duplicate SD-ID"
        );
    }
    map
}

fn expected_sd(v: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(id, params)| {
            let params = params
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            (id.clone(), params)
        })
        .collect()
}

/// Compare one valid case; returns the list of mismatches.
fn check_valid(id: &str, line: &[u8], out: &[Span], n: usize, exp: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let text = |s: &Span| s.get(line).map(|b| String::from_utf8_lossy(b).into_owned());
    for (name, k) in FIELDS {
        let got = out[k];
        let want = exp.get(name).unwrap_or(&Value::Null);
        let ok = match (name, want) {
            (_, Value::Null) => !got.is_present(),
            ("priority" | "version", Value::Number(v)) => {
                text(&got).map(|t| num(&t) as u64) == v.as_u64()
            }
            ("timestamp", Value::String(w)) => text(&got).is_some_and(|t| same_timestamp(&t, w)),
            ("structured_data", w) => got.get(line).is_some_and(|sd| our_sd(sd) == expected_sd(w)),
            ("message", w) => {
                let mut want = match w {
                    Value::String(s) => s.as_bytes().to_vec(),
                    _ => b64(w["base64"].as_str().unwrap()),
                };
                let bom = want.starts_with(b"\xEF\xBB\xBF");
                if bom {
                    want.drain(..3);
                }
                got.get(line) == Some(&want[..])
                    && (got.flags & LOG_FLAG_BOM != 0) == bom
                    && got.flags & !LOG_FLAG_BOM == 0
            }
            (_, Value::String(w)) => got.get(line) == Some(w.as_bytes()),
            _ => false,
        };
        if !ok {
            bad.push(format!("{id}: {name}: got {:?}, want {want}", text(&got)));
        }
    }
    if let Some(p) = out[0].get(line) {
        if facility(p).map(u64::from) != exp["facility"].as_u64()
            || severity(p).map(u64::from) != exp["severity"].as_u64()
        {
            bad.push(format!("{id}: facility/severity"));
        }
    }
    if n != out.iter().filter(|s| s.is_present()).count() {
        bad.push(format!("{id}: present count {n}"));
    }
    bad
}

/// The errors that match go-syslog's message for an invalid case. The line
/// ending where go-syslog stopped may also be `SyslogTruncated`.
fn error_family(msg: &str, column: usize, len: usize) -> Vec<Error> {
    use Error::*;
    let mut v = if msg.contains("priority value") {
        vec![SyslogBadPri]
    } else if msg.contains("version value") {
        vec![SyslogBadVersion]
    } else if msg.contains("timestamp") || msg.starts_with("parsing time") {
        vec![SyslogBadTimestamp]
    } else if msg.contains("hostname")
        || msg.contains("app-name")
        || msg.contains("procid")
        || msg.contains("msgid")
    {
        vec![SyslogBadHeader]
    } else if msg.contains("structured data") || msg.contains("param value") {
        vec![SyslogBadStructuredData]
    } else if msg.contains("free-form optional message") {
        vec![SyslogInvalidUtf8]
    } else {
        // go-syslog's generic "parsing error".
        return Error::ALL.to_vec();
    };
    if column >= len {
        v.push(SyslogTruncated);
    }
    if len == 0 {
        v.push(EmptyLine);
    }
    v
}

fn run(file: &str, spec: &str, want_cases: usize) {
    let Some(cases) = load(file) else { return };
    assert_eq!(cases.len(), want_cases, "{file}: corpus changed");
    let explicit = Parser::new(spec).unwrap();
    let auto = Parser::new("syslog").unwrap();
    assert_eq!(explicit.field_count(), 9);
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        if let Some((_, why)) = SKIP.iter().find(|(s, _)| *s == id) {
            eprintln!("skip {id}: {why}");
            skipped += 1;
            continue;
        }
        for (opt, _) in case["options"].as_object().unwrap() {
            assert!(
                ["compliant_msg", "rfc3339", "year"].contains(&opt.as_str()),
                "{id}: unknown option {opt}: decide how it maps"
            );
        }
        let line = input(case);
        let mut out = [Span::ABSENT; 9];
        let mut out_auto = [Span::ABSENT; 9];
        let r = explicit.parse(&line, &mut out);
        let r_auto = auto.parse(&line, &mut out_auto);
        let before = failures.len();
        if case["valid"].as_bool().unwrap() {
            match r {
                Ok(n) => failures.extend(check_valid(id, &line, &out, n, &case["expected"])),
                Err(e) => failures.push(format!("{id}: rejected with {e:?}")),
            }
            if r_auto != r || out_auto != out {
                failures.push(format!("{id}: auto gives {r_auto:?}, explicit {r:?}"));
            }
        } else {
            match r {
                Ok(_) => failures.push(format!("{id}: accepted, go-syslog rejects")),
                Err(e) => {
                    assert!(out.iter().all(|s| *s == Span::ABSENT));
                    let msg = case["error"].as_str().unwrap();
                    let col = case["error_column"].as_u64().unwrap() as usize;
                    if !error_family(msg, col, line.len()).contains(&e) {
                        failures.push(format!("{id}: {e:?} for go-syslog's {msg:?}"));
                    }
                }
            }
            if r_auto.is_ok() {
                failures.push(format!("{id}: auto accepts"));
            }
        }
        if failures.len() == before {
            passed += 1;
        }
    }
    eprintln!(
        "{file} with {spec}: {passed} passed, {skipped} skipped, {} failed",
        cases.len() - passed - skipped
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rfc5424_cases() {
    run("rfc5424.jsonl", "syslog5424", 206);
}

#[test]
fn rfc3164_cases() {
    run("rfc3164.jsonl", "syslog3164", 12);
}

#[test]
fn timestamp_helper() {
    assert_eq!(
        instant("2016-02-21T04:32:57+00:00"),
        instant("2016-02-21T04:32:57Z")
    );
    assert_eq!(
        instant("2003-08-24T05:14:15.000003-07:00"),
        Ok((1061727255, 3000, -420))
    );
    assert!(same_timestamp("Aug  7 06:30:00", "0000-08-07T06:30:00Z"));
    assert!(same_timestamp("Dec  2 16:49:23", "2019-12-02T16:49:23Z"));
    assert!(!same_timestamp("Dec  2 16:49:24", "2019-12-02T16:49:23Z"));
    assert!(!same_timestamp(
        "2016-02-21T04:32:57+01:00",
        "2016-02-21T04:32:57Z"
    ));
}
