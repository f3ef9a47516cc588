//! Side-by-side benchmarks: logspan against the peers a Rust user would
//! pick instead, on the same lines, in the same run.
//!
//! ```text
//! cargo bench --bench parse                 # everything
//! cargo bench --bench parse -- access       # one group
//! ```
//!
//! Inputs: the shipped samples in `examples/data/` (deterministic, made by
//! `cargo run --example gen_samples`) and, when present, the real Apache
//! log in `../shared/corpora`. Every implementation's result is checked
//! against logspan's before timing (same accepted-line count), so a fast
//! but wrong peer cannot win.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use logspan::{Line, Parser, Span, LOG_FAST_FIELDS};
use memchr::memchr;

fn lines_of(text: &[u8]) -> Vec<&[u8]> {
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect()
}

/// The combined-format regex a careful user would write.
const COMBINED_RE: &str = r#"^(\S+) (\S+) (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$"#;

/// A hand-written memchr splitter: the fastest thing a user writes by
/// hand (no request splitting, minimal validation).
fn hand_split(line: &[u8], out: &mut [(usize, usize); 9]) -> bool {
    let mut pos = 0;
    for f in out.iter_mut().take(3) {
        let Some(k) = memchr(b' ', &line[pos..]) else {
            return false;
        };
        *f = (pos, pos + k);
        pos += k + 1;
    }
    if line.get(pos) != Some(&b'[') {
        return false;
    }
    let Some(k) = memchr(b']', &line[pos..]) else {
        return false;
    };
    out[3] = (pos + 1, pos + k);
    pos += k + 2;
    let quoted = |pos: usize| -> Option<usize> {
        if line.get(pos) != Some(&b'"') {
            return None;
        }
        let mut i = pos + 1;
        loop {
            let k = memchr::memchr2(b'"', b'\\', &line[i..])?;
            if line[i + k] == b'"' {
                return Some(i + k);
            }
            i += k + 2;
            if i > line.len() {
                return None;
            }
        }
    };
    let Some(e) = quoted(pos) else { return false };
    out[4] = (pos + 1, e);
    pos = e + 2;
    if pos + 3 > line.len() {
        return false;
    }
    out[5] = (pos, pos + 3);
    pos += 4;
    let e = memchr(b' ', &line[pos.min(line.len())..]).map_or(line.len(), |k| pos + k);
    out[6] = (pos, e);
    if e == line.len() {
        return true;
    }
    pos = e + 1;
    let Some(e) = quoted(pos) else { return false };
    out[7] = (pos + 1, e);
    pos = e + 2;
    let Some(e) = quoted(pos) else { return false };
    out[8] = (pos + 1, e);
    true
}

fn bench_access(c: &mut Criterion, name: &str, text: &[u8]) {
    let lines = lines_of(text);
    let mut g = c.benchmark_group(format!("access/{name}"));
    g.throughput(Throughput::Bytes(text.len() as u64));

    let ok = |f: &dyn Fn(&[u8]) -> bool| lines.iter().filter(|l| f(l)).count();
    let mut fast_out = [Span::ABSENT; LOG_FAST_FIELDS];
    let want = lines
        .iter()
        .filter(|l| logspan::parse_fast(l, &mut fast_out).is_ok())
        .count();
    let re = regex::bytes::Regex::new(COMBINED_RE).unwrap();
    let mut locs = re.capture_locations();
    assert_eq!(
        ok(&|l| re.is_match(l)),
        want,
        "regex and logspan disagree on accepted lines"
    );

    g.bench_function("logspan/parse_fast", |b| {
        let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += logspan::parse_fast(black_box(l), &mut out).is_ok() as usize;
            }
            n
        })
    });
    let p = Parser::new("access").unwrap();
    let mut line_buf = vec![Line::default(); 1024];
    let mut field_buf = vec![Span::ABSENT; 1024 * LOG_FAST_FIELDS];
    g.bench_function("logspan/batch", |b| {
        b.iter(|| {
            let mut rest = black_box(text);
            let mut n = 0;
            while !rest.is_empty() {
                let r = p.parse_batch(rest, true, &mut line_buf, &mut field_buf);
                n += r.lines - r.errors;
                rest = &rest[r.consumed..];
            }
            n
        })
    });
    // The same job through the generic engines: a pattern expression and
    // a regex spec (named groups), both full-line matches.
    let pattern = Parser::new(
        r#"pattern:<ip> <ident> <user> [<ts>] "<request>" <status> <size> "<referer>" "<ua>""#,
    )
    .unwrap();
    let regex_spec = Parser::new(&format!(
        "regex:{}",
        r#"^(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^\]]*)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<size>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"$"#
    ))
    .unwrap();
    for (name, spec) in [
        ("logspan/pattern_spec", &pattern),
        ("logspan/regex_spec", &regex_spec),
    ] {
        g.bench_function(name, |b| {
            let mut out = [Span::ABSENT; 9];
            b.iter(|| {
                let mut n = 0;
                for l in &lines {
                    n += spec.parse(black_box(l), &mut out).is_ok() as usize;
                }
                n
            })
        });
    }
    g.bench_function("regex/captures_read", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += re.captures_read(&mut locs, black_box(l)).is_some() as usize;
            }
            n
        })
    });
    g.bench_function("hand/memchr_splitter", |b| {
        let mut out = [(0, 0); 9];
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += hand_split(black_box(l), &mut out) as usize;
            }
            n
        })
    });
    g.bench_function("floor/memchr_newlines", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', black_box(text)).count())
    });
    g.finish();
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Http<'a> {
    status: Option<serde_json::Value>,
    #[serde(borrow)]
    method: Option<&'a str>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Record<'a> {
    #[serde(borrow)]
    time: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    level: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    msg: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    http: Option<Http<'a>>,
}

fn bench_json(c: &mut Criterion, text: &[u8]) {
    let lines = lines_of(text);
    let mut g = c.benchmark_group("json/app.jsonl");
    g.throughput(Throughput::Bytes(text.len() as u64));
    let p = Parser::new("json:time,level,msg,http.status,http.method").unwrap();
    let mut out = [Span::ABSENT; 5];
    let want = lines
        .iter()
        .filter(|l| p.parse(l, &mut out).is_ok())
        .count();
    let serde_ok = lines
        .iter()
        .filter(|l| serde_json::from_slice::<Record>(l).is_ok())
        .count();
    assert_eq!(
        serde_ok, want,
        "serde_json and logspan disagree on accepted lines"
    );

    g.bench_function("logspan/json_5_fields", |b| {
        let mut out = [Span::ABSENT; 5];
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += p.parse(black_box(l), &mut out).is_ok() as usize;
            }
            n
        })
    });
    let mut line_buf = vec![Line::default(); 1024];
    let mut field_buf = vec![Span::ABSENT; 1024 * 5];
    g.bench_function("logspan/batch_5_fields", |b| {
        b.iter(|| {
            let mut rest = black_box(text);
            let mut n = 0;
            while !rest.is_empty() {
                let r = p.parse_batch(rest, true, &mut line_buf, &mut field_buf);
                n += r.lines - r.errors;
                rest = &rest[r.consumed..];
            }
            n
        })
    });
    g.bench_function("serde_json/IgnoredAny_validate", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += serde_json::from_slice::<serde::de::IgnoredAny>(black_box(l)).is_ok() as usize;
            }
            n
        })
    });
    g.bench_function("serde_json/borrowed_struct", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += serde_json::from_slice::<Record>(black_box(l)).is_ok() as usize;
            }
            n
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let access = std::fs::read(format!("{root}/examples/data/access.log")).unwrap();
    bench_access(c, "sample", &access);
    if let Ok(apache) = std::fs::read(format!(
        "{root}/../shared/corpora/access/elastic-examples/apache_logs"
    )) {
        bench_access(c, "apache_logs", &apache);
    }
    let json = std::fs::read(format!("{root}/examples/data/app.jsonl")).unwrap();
    bench_json(c, &json);
}

criterion_group!(parse, benches);
criterion_main!(parse);
