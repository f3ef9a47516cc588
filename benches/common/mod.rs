//! What the benchmarks measure, shared by `benches/parse.rs` (criterion,
//! wall time) and `benches/icount.rs` (instructions under callgrind).
//!
//! Every implementation of a job is a closure `FnMut(line) -> Option<u64>`:
//! `None` when it rejects the line, else a checksum of the fields it
//! extracted. The same closure is cross-checked (accepted lines and summed
//! checksum must equal logspan's) and then timed, so a fast but wrong peer
//! cannot win. The checksums are the same in the Go benchmarks
//! (`benches/go/peers.go`), so Rust and Go rows can be compared too:
//!
//! | job | checksum per accepted line |
//! |---|---|
//! | access | len(remote_addr) + len(time) + len(request) + status |
//! | json | len(time) + len(level) + len(msg) + len(http.method) + http.status |
//! | logfmt | len(time) + len(level) + len(msg) + len(path) + status |
//! | syslog | priority + len(hostname) + len(app_name) + len(procid) + len(msg) |
//!
//! Lengths are of the raw text (escapes kept, without quotes) or, for the
//! peers that unescape (`*_unescaped` checks), of the unescaped text. A
//! field that is absent (`-` for a syslog nil value) counts 0; a syslog
//! message's length excludes a leading BOM.

#![allow(dead_code)]

use logspan::{Line, Parser, Span, LOG_FAST_FIELDS};
use memchr::{memchr, memchr2, memchr3};
use std::borrow::Cow;

pub const JOBS: [&str; 4] = ["access", "json", "logfmt", "syslog"];

// ---------------------------------------------------------------- corpus

/// A corpus: the text and its lines (without `\n`).
pub struct Corpus {
    pub name: String,
    pub path: String,
    pub text: Vec<u8>,
    /// (start, end) of each non-empty line.
    bounds: Vec<(usize, usize)>,
}

impl Corpus {
    pub fn load(name: &str, path: &str) -> Option<Corpus> {
        let text = std::fs::read(path).ok()?;
        let mut bounds = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = memchr(b'\n', &text[start..]).map_or(text.len(), |k| start + k);
            if end > start {
                bounds.push((start, end));
            }
            start = end + 1;
        }
        Some(Corpus {
            name: name.to_string(),
            path: path.to_string(),
            text,
            bounds,
        })
    }

    pub fn lines(&self) -> Vec<&[u8]> {
        self.bounds.iter().map(|&(s, e)| &self.text[s..e]).collect()
    }

    pub fn line_count(&self) -> usize {
        self.bounds.len()
    }
}

/// The corpora of one run: `$LOGSPAN_BENCH_CORPUS/{combined,json,logfmt,
/// syslog}.log` when that variable is set (`make bench`), else the shipped
/// samples in `examples/data/`; plus the real Apache log from
/// `../shared/corpora` when it is there.
pub struct Corpora {
    pub access: Corpus,
    pub apache: Option<Corpus>,
    pub json: Corpus,
    pub logfmt: Corpus,
    pub syslog: Corpus,
}

pub fn corpora() -> Corpora {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = std::env::var("LOGSPAN_BENCH_CORPUS").ok();
    let pick = |bench: &str, sample: &str| -> (String, String) {
        match &dir {
            Some(d) => (bench.to_string(), format!("{d}/{bench}")),
            None => (sample.to_string(), format!("{root}/examples/data/{sample}")),
        }
    };
    let load = |(name, path): (String, String)| {
        Corpus::load(&name, &path).unwrap_or_else(|| panic!("cannot read {path}"))
    };
    Corpora {
        access: load(pick("combined.log", "access.log")),
        apache: Corpus::load(
            "apache_logs",
            &format!("{root}/../shared/corpora/access/elastic-examples/apache_logs"),
        ),
        json: load(pick("json.log", "app.jsonl")),
        logfmt: load(pick("logfmt.log", "app.logfmt")),
        syslog: load(pick("syslog.log", "syslog.log")),
    }
}

// ---------------------------------------------------------------- helpers

/// Decimal value of leading ASCII digits (0 when none).
#[inline]
pub fn num(b: &[u8]) -> u64 {
    let mut v = 0u64;
    for &c in b {
        if !c.is_ascii_digit() {
            break;
        }
        v = v * 10 + (c - b'0') as u64;
    }
    v
}

#[inline]
fn span_len(s: &Span) -> u64 {
    if s.is_present() {
        s.len as u64
    } else {
        0
    }
}

#[inline]
fn span_num(s: &Span, buf: &[u8]) -> u64 {
    s.get(buf).map_or(0, num)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Length of a syslog message without its BOM; `-` is not special here.
#[inline]
fn msg_len(m: &[u8]) -> u64 {
    m.strip_prefix(BOM).unwrap_or(m).len() as u64
}

/// Length of a nil-able syslog header field: `-` is 0.
#[inline]
fn nil_len(f: &[u8]) -> u64 {
    if f == b"-" {
        0
    } else {
        f.len() as u64
    }
}

/// Which fields make a job's checksum, by index in a logspan parser's
/// output: `lens` are summed as lengths, `num` as a decimal value.
#[derive(Clone, Copy)]
pub struct Sum {
    pub lens: &'static [usize],
    pub num: usize,
}

impl Sum {
    #[inline]
    pub fn of(&self, spans: &[Span], buf: &[u8]) -> u64 {
        let mut s = span_num(&spans[self.num], buf);
        for &i in self.lens {
            s += span_len(&spans[i]);
        }
        s
    }
}

/// `access`/`combined` specs and `log_parse_fast`: remote_addr, time,
/// request; status.
pub const ACCESS_SUM: Sum = Sum {
    lens: &[
        logspan::LOG_FIELD_REMOTE_ADDR,
        logspan::LOG_FIELD_TIME,
        logspan::LOG_FIELD_REQUEST,
    ],
    num: logspan::LOG_FIELD_STATUS,
};
/// The pattern and regex specs below: ip, ts, request; status.
pub const NAMED_ACCESS_SUM: Sum = Sum {
    lens: &[0, 3, 4],
    num: 5,
};
/// `json:time,level,msg,http.method,http.status`.
pub const JSON_SPEC: &str = "json:time,level,msg,http.method,http.status";
pub const JSON_SUM: Sum = Sum {
    lens: &[0, 1, 2, 3],
    num: 4,
};
/// `logfmt:time,level,msg,path,status`.
pub const LOGFMT_SPEC: &str = "logfmt:time,level,msg,path,status";
pub const LOGFMT_SUM: Sum = Sum {
    lens: &[0, 1, 2, 3],
    num: 4,
};
/// `syslog`: priority; hostname, app_name, procid, message (BOM excluded
/// by logspan already).
pub const SYSLOG_SUM: Sum = Sum {
    lens: &[3, 4, 5, 8],
    num: 0,
};

/// The combined/common format as a Loki-style pattern (referer and user
/// agent required, quoting unknown).
pub const ACCESS_PATTERN: &str =
    r#"pattern:<ip> <ident> <user> [<ts>] "<request>" <status> <size> "<referer>" "<ua>""#;
/// The access format as a careful user writes it for Rust `regex` (and Go
/// `regexp`): combined, or common without the two trailing fields; `\"`
/// escapes inside quotes.
pub const ACCESS_RE: &str = r#"^(\S+) (\S+) (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$"#;
/// The same with named groups, for logspan's `regex:` spec.
pub const ACCESS_NAMED_RE: &str = r#"regex:^(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^\]]*)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<size>\d+|-)(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)")?$"#;
/// logfmt pairs, one match per pair (values raw, quotes included).
pub const LOGFMT_RE: &str = r#"([^\s="]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?"#;
/// RFC 5424: pri, version, timestamp, hostname, app, procid, msgid, SD, msg.
pub const SYSLOG5424_RE: &str = r#"^<(\d{1,3})>([1-9]\d{0,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$"#;
/// RFC 3164: pri, timestamp, hostname, tag, pid, msg.
pub const SYSLOG3164_RE: &str = r#"^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^\s\[\]:]+)(?:\[([^\]]+)\])?: (.*)$"#;

// ---------------------------------------------------------------- references

/// What a job's implementations must agree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The access semantics (`log_parse_fast`): combined or common.
    Access,
    /// Combined only (referer and user agent required).
    Combined,
    /// Raw field lengths.
    Json,
    /// Unescaped string lengths.
    JsonUnescaped,
    /// Accepted lines only (a validator extracts nothing).
    JsonValid,
    Logfmt,
    LogfmtUnescaped,
    Syslog,
    /// Line count (the newline floor).
    Lines,
}

impl Check {
    pub fn name(self) -> &'static str {
        match self {
            Check::Access => "access",
            Check::Combined => "combined",
            Check::Json => "json_raw",
            Check::JsonUnescaped => "json_unescaped",
            Check::JsonValid => "json_valid",
            Check::Logfmt => "logfmt_raw",
            Check::LogfmtUnescaped => "logfmt_unescaped",
            Check::Syslog => "syslog",
            Check::Lines => "lines",
        }
    }
}

/// logspan's answer for a check: (accepted lines, checksum), computed line
/// by line with `Parser::parse` and logspan's own unescaping.
pub fn reference(check: Check, lines: &[&[u8]]) -> (u64, u64) {
    type Unescape = fn(&[u8], &mut [u8]) -> Result<usize, logspan::Error>;
    let (spec, sum, unescape): (&str, Sum, Option<Unescape>) = match check {
        Check::Access => ("access", ACCESS_SUM, None),
        Check::Combined => ("combined", ACCESS_SUM, None),
        Check::Json | Check::JsonValid => (JSON_SPEC, JSON_SUM, None),
        Check::JsonUnescaped => (JSON_SPEC, JSON_SUM, Some(logspan::values::unescape_json)),
        Check::Logfmt => (LOGFMT_SPEC, LOGFMT_SUM, None),
        Check::LogfmtUnescaped => (
            LOGFMT_SPEC,
            LOGFMT_SUM,
            Some(logspan::values::unescape_logfmt),
        ),
        Check::Syslog => ("syslog", SYSLOG_SUM, None),
        Check::Lines => return (lines.len() as u64, 0),
    };
    let p = Parser::new(spec).unwrap();
    let mut out = vec![Span::ABSENT; p.field_count()];
    let mut scratch = vec![0u8; 1 << 16];
    let (mut ok, mut total) = (0u64, 0u64);
    for l in lines {
        if p.parse(l, &mut out).is_err() {
            continue;
        }
        ok += 1;
        if check == Check::JsonValid {
            continue;
        }
        match unescape {
            None => total += sum.of(&out, l),
            Some(f) => {
                total += span_num(&out[sum.num], l);
                for &i in sum.lens {
                    if let Some(raw) = out[i].get(l) {
                        total += if out[i].is_escaped() {
                            f(raw, &mut scratch).unwrap() as u64
                        } else {
                            raw.len() as u64
                        };
                    }
                }
            }
        }
    }
    (ok, total)
}

// ---------------------------------------------------------------- logspan

/// `Parser::parse`, one line per call.
pub fn logspan_parse(spec: &str, sum: Sum) -> impl FnMut(&[u8]) -> Option<u64> {
    let p = Parser::new(spec).unwrap();
    let mut out = vec![Span::ABSENT; p.field_count()];
    move |l| {
        p.parse(l, &mut out).ok()?;
        Some(sum.of(&out, l))
    }
}

/// `log_parse_fast` / `logspan::parse_fast`.
pub fn logspan_parse_fast() -> impl FnMut(&[u8]) -> Option<u64> {
    let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
    move |l| {
        logspan::parse_fast(l, &mut out).ok()?;
        Some(ACCESS_SUM.of(&out, l))
    }
}

/// `parse_fast` at one SIMD level (`Fallback`: the scalar reference
/// parser, i.e. what the engine adds).
pub fn logspan_parse_fast_at(level: logspan::simd::Level) -> impl FnMut(&[u8]) -> Option<u64> {
    let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
    move |l| {
        logspan::formats::access_fast::parse_fast_at(Some(level), l, &mut out).ok()?;
        Some(ACCESS_SUM.of(&out, l))
    }
}

/// `Parser::parse_batch` over a whole buffer, 1024 lines per call:
/// returns (accepted lines, checksum).
pub fn logspan_batch(spec: &str, sum: Sum) -> impl FnMut(&[u8]) -> (u64, u64) {
    let p = Parser::new(spec).unwrap();
    let nf = p.field_count();
    let mut lines = vec![Line::default(); 1024];
    let mut fields = vec![Span::ABSENT; 1024 * nf];
    move |text| {
        let (mut ok, mut total) = (0u64, 0u64);
        let mut rest = text;
        while !rest.is_empty() {
            let r = p.parse_batch(rest, true, &mut lines, &mut fields);
            for (k, line) in lines[..r.lines].iter().enumerate() {
                if line.status >= 0 {
                    ok += 1;
                    total += sum.of(&fields[k * nf..(k + 1) * nf], rest);
                }
            }
            rest = &rest[r.consumed..];
        }
        (ok, total)
    }
}

// ---------------------------------------------------------------- access peers

/// Rust `regex`, `captures_read` into reused locations.
pub fn access_regex() -> impl FnMut(&[u8]) -> Option<u64> {
    let re = regex::bytes::Regex::new(ACCESS_RE).unwrap();
    let mut locs = re.capture_locations();
    move |l| {
        re.captures_read(&mut locs, l)?;
        let len = |i| locs.get(i).map_or(0, |(s, e)| (e - s) as u64);
        let st = locs.get(6).map_or(0, |(s, e)| num(&l[s..e]));
        Some(len(1) + len(4) + len(5) + st)
    }
}

/// `regex_automata::meta::Regex`, `search_captures` into reused captures.
pub fn access_regex_automata() -> impl FnMut(&[u8]) -> Option<u64> {
    let re = regex_automata::meta::Regex::new(ACCESS_RE).unwrap();
    let mut caps = re.create_captures();
    move |l| {
        re.captures(l, &mut caps);
        if !caps.is_match() {
            return None;
        }
        let len = |i| caps.get_group(i).map_or(0, |s| s.len() as u64);
        let st = caps.get_group(6).map_or(0, |s| num(&l[s.range()]));
        Some(len(1) + len(4) + len(5) + st)
    }
}

/// A hand-written memchr splitter: the fastest thing a user writes by
/// hand (no request splitting, minimal validation, `\"` honoured).
/// Writes (start, end) of the 9 combined fields; common lines leave the
/// last two at (0, 0).
pub fn hand_split_access(line: &[u8], out: &mut [(usize, usize); 9]) -> bool {
    let mut pos = 0;
    for f in out.iter_mut().take(3) {
        let Some(k) = memchr(b' ', &line[pos..]) else {
            return false;
        };
        if k == 0 {
            return false;
        }
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
            let k = memchr2(b'"', b'\\', line.get(i..)?)?;
            if line[i + k] == b'"' {
                return Some(i + k);
            }
            i += k + 2;
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
    let e = memchr(b' ', line.get(pos..).unwrap_or(b"")).map_or(line.len(), |k| pos + k);
    out[6] = (pos.min(e), e);
    if e == line.len() {
        out[7] = (0, 0);
        out[8] = (0, 0);
        return true;
    }
    pos = e + 1;
    let Some(e) = quoted(pos) else { return false };
    out[7] = (pos + 1, e);
    pos = e + 2;
    let Some(e) = quoted(pos) else { return false };
    out[8] = (pos + 1, e);
    e + 1 == line.len()
}

pub fn access_hand() -> impl FnMut(&[u8]) -> Option<u64> {
    let mut out = [(0, 0); 9];
    move |l| {
        if !hand_split_access(l, &mut out) {
            return None;
        }
        let len = |i: usize| (out[i].1 - out[i].0) as u64;
        Some(len(0) + len(3) + len(4) + num(&l[out[5].0..out[5].1]))
    }
}

// ---------------------------------------------------------------- json peers

#[derive(serde::Deserialize)]
pub struct Http<'a> {
    #[serde(default)]
    pub status: u64,
    #[serde(borrow, default)]
    pub method: Cow<'a, str>,
}

/// The 5 fields as a user would declare them for serde: `Cow` borrows
/// from the line unless the string has escapes (`Option<Cow>` would
/// always allocate: serde borrows only a bare `Cow`).
#[derive(serde::Deserialize)]
pub struct Record<'a> {
    #[serde(borrow, default)]
    pub time: Cow<'a, str>,
    #[serde(borrow, default)]
    pub level: Cow<'a, str>,
    #[serde(borrow, default)]
    pub msg: Cow<'a, str>,
    #[serde(borrow)]
    pub http: Option<Http<'a>>,
}

/// serde_json into a borrowed struct: full validation, 5 fields,
/// unescaped (`Cow` borrows when there is nothing to unescape).
pub fn json_serde_struct() -> impl FnMut(&[u8]) -> Option<u64> {
    |l| {
        let r: Record = serde_json::from_slice(l).ok()?;
        let (st, m) = r
            .http
            .as_ref()
            .map_or((0, 0), |h| (h.status, h.method.len() as u64));
        Some((r.time.len() + r.level.len() + r.msg.len()) as u64 + m + st)
    }
}

/// serde_json validation only (`IgnoredAny`): the floor of a serde
/// parse, extracting nothing.
pub fn json_serde_validate() -> impl FnMut(&[u8]) -> Option<u64> {
    |l| {
        serde_json::from_slice::<serde::de::IgnoredAny>(l).ok()?;
        Some(0)
    }
}

/// simd-json's tape with every buffer reused (0 allocations per line
/// once warm): the line is copied into a padded scratch buffer (simd-json
/// unescapes in place), parsed into the tape, and the 5 fields looked up.
pub fn json_simd_tape() -> impl FnMut(&[u8]) -> Option<u64> {
    use simd_json::prelude::*;
    let mut scratch: Vec<u8> = Vec::new();
    let mut buffers = simd_json::Buffers::new(4096);
    let mut store: simd_json::tape::Tape<'static> = simd_json::tape::Tape(Vec::new());
    move |l| {
        scratch.clear();
        scratch.extend_from_slice(l);
        scratch.resize(l.len() + simd_json::INPUT_PADDING, 0);
        let mut tape = std::mem::replace(&mut store, simd_json::tape::Tape(Vec::new())).reset();
        let r = simd_json::fill_tape_padded(&mut scratch, l.len(), &mut buffers, &mut tape);
        let res = match r {
            Err(_) => None,
            Ok(()) if tape.as_value().as_object().is_none() => None,
            Ok(()) => {
                let v = tape.as_value();
                let slen = |k: &str| {
                    v.get(k)
                        .map_or(0, |x| x.as_str().map_or(0, |s| s.len() as u64))
                };
                let http = v.get("http");
                let method = http
                    .and_then(|h| h.get("method"))
                    .map_or(0, |x| x.as_str().map_or(0, |s| s.len() as u64));
                let status = http
                    .and_then(|h| h.get("status"))
                    .and_then(|x| x.as_u64())
                    .unwrap_or(0);
                Some(slen("time") + slen("level") + slen("msg") + method + status)
            }
        };
        store = tape.reset();
        res
    }
}

// ---------------------------------------------------------------- logfmt peers

/// The 5 keys of the logfmt job, by name; index = position in the checksum
/// (status last, summed as a number).
const LOGFMT_KEYS: [&[u8]; 5] = [b"time", b"level", b"msg", b"path", b"status"];

#[inline]
fn logfmt_key_index(k: &[u8]) -> Option<usize> {
    LOGFMT_KEYS.iter().position(|&w| w == k)
}

#[inline]
fn logfmt_add<'a>(vals: &mut [&'a [u8]; 5], k: &[u8], v: &'a [u8]) {
    if let Some(i) = logfmt_key_index(k) {
        vals[i] = v;
    }
}

fn logfmt_total(vals: &[&[u8]; 5]) -> u64 {
    vals[..4].iter().map(|v| v.len() as u64).sum::<u64>() + num(vals[4])
}

/// Rust `regex`: one `captures_read_at` per pair, as users write a logfmt
/// extractor with a regex (it validates nothing).
pub fn logfmt_regex() -> impl FnMut(&[u8]) -> Option<u64> {
    let re = regex::bytes::Regex::new(LOGFMT_RE).unwrap();
    let mut locs = re.capture_locations();
    move |l| {
        let mut vals: [&[u8]; 5] = [b""; 5];
        let mut at = 0;
        while at < l.len() {
            let Some(m) = re.captures_read_at(&mut locs, l, at) else {
                break;
            };
            let (ks, ke) = locs.get(1).unwrap();
            let v = locs.get(2).map_or(&b""[..], |(s, e)| &l[s..e]);
            let v = v
                .strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(v);
            logfmt_add(&mut vals, &l[ks..ke], v);
            at = m.end().max(at + 1);
        }
        Some(logfmt_total(&vals))
    }
}

/// A hand-written logfmt scanner (memchr through quoted values, a byte
/// loop through keys and bare values): the fastest thing a user writes by
/// hand, with almost no validation.
pub fn logfmt_scan<'a>(l: &'a [u8], vals: &mut [&'a [u8]; 5]) -> bool {
    let mut i = 0;
    let n = l.len();
    while i < n {
        while i < n && l[i] <= b' ' {
            i += 1;
        }
        if i == n {
            break;
        }
        let ks = i;
        while i < n && l[i] > b' ' && l[i] != b'=' {
            if l[i] == b'"' {
                return false;
            }
            i += 1;
        }
        let key = &l[ks..i];
        if key.is_empty() {
            return false;
        }
        if i < n && l[i] == b'=' {
            i += 1;
            if i < n && l[i] == b'"' {
                let vs = i + 1;
                let mut j = vs;
                loop {
                    let Some(k) = memchr2(b'"', b'\\', &l[j..]) else {
                        return false;
                    };
                    if l[j + k] == b'"' {
                        j += k;
                        break;
                    }
                    j += k + 2;
                    if j > n {
                        return false;
                    }
                }
                logfmt_add(vals, key, &l[vs..j]);
                i = j + 1;
            } else {
                let vs = i;
                while i < n && l[i] > b' ' {
                    i += 1;
                }
                logfmt_add(vals, key, &l[vs..i]);
            }
        } else {
            logfmt_add(vals, key, b"");
        }
    }
    true
}

pub fn logfmt_hand() -> impl FnMut(&[u8]) -> Option<u64> {
    |l| {
        let mut vals: [&[u8]; 5] = [b""; 5];
        if !logfmt_scan(l, &mut vals) {
            return None;
        }
        Some(logfmt_total(&vals))
    }
}

// ---------------------------------------------------------------- syslog peers

/// Rust `regex`: the RFC 5424 expression, then the RFC 3164 one.
pub fn syslog_regex() -> impl FnMut(&[u8]) -> Option<u64> {
    let r5 = regex::bytes::Regex::new(SYSLOG5424_RE).unwrap();
    let r3 = regex::bytes::Regex::new(SYSLOG3164_RE).unwrap();
    let mut l5 = r5.capture_locations();
    let mut l3 = r3.capture_locations();
    move |l| {
        if r5.captures_read(&mut l5, l).is_some() {
            let g = |i| l5.get(i).map_or(&b""[..], |(s, e)| &l[s..e]);
            return Some(num(g(1)) + nil_len(g(4)) + nil_len(g(5)) + nil_len(g(6)) + msg_len(g(9)));
        }
        r3.captures_read(&mut l3, l)?;
        let g = |i| l3.get(i).map_or(&b""[..], |(s, e)| &l[s..e]);
        Some(
            num(g(1))
                + g(3).len() as u64
                + g(4).len() as u64
                + g(5).len() as u64
                + g(6).len() as u64,
        )
    }
}

/// The same two expressions with `regex_automata::meta`.
pub fn syslog_regex_automata() -> impl FnMut(&[u8]) -> Option<u64> {
    let r5 = regex_automata::meta::Regex::new(SYSLOG5424_RE).unwrap();
    let r3 = regex_automata::meta::Regex::new(SYSLOG3164_RE).unwrap();
    let mut c5 = r5.create_captures();
    let mut c3 = r3.create_captures();
    move |l| {
        r5.captures(l, &mut c5);
        if c5.is_match() {
            let g = |i| c5.get_group(i).map_or(&b""[..], |s| &l[s.range()]);
            return Some(num(g(1)) + nil_len(g(4)) + nil_len(g(5)) + nil_len(g(6)) + msg_len(g(9)));
        }
        r3.captures(l, &mut c3);
        if !c3.is_match() {
            return None;
        }
        let g = |i| c3.get_group(i).map_or(&b""[..], |s| &l[s.range()]);
        Some(
            num(g(1))
                + g(3).len() as u64
                + g(4).len() as u64
                + g(5).len() as u64
                + g(6).len() as u64,
        )
    }
}

fn nil(f: &[u8]) -> &[u8] {
    if f == b"-" {
        &f[..0]
    } else {
        f
    }
}

/// The checksum fields of a syslog line: priority, hostname, app_name,
/// procid, message.
pub type SyslogFields<'a> = (u64, &'a [u8], &'a [u8], &'a [u8], &'a [u8]);

/// A hand-written syslog splitter: memchr for the separators, a
/// quote/escape-aware skip over STRUCTURED-DATA, little validation.
/// Returns the checksum fields (nil values empty, BOM stripped).
pub fn syslog_split(l: &[u8]) -> Option<SyslogFields<'_>> {
    if l.first() != Some(&b'<') {
        return None;
    }
    let close = memchr(b'>', &l[..l.len().min(5)])?;
    let pri = num(&l[1..close]);
    let mut pos = close + 1;
    let word = |pos: &mut usize| -> Option<&[u8]> {
        let k = memchr(b' ', &l[*pos..])?;
        let w = &l[*pos..*pos + k];
        *pos += k + 1;
        Some(w)
    };
    let vd = l[pos..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if (1..=3).contains(&vd) && l.get(pos + vd) == Some(&b' ') {
        // RFC 5424: VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]
        let _version = word(&mut pos)?;
        let _ts = word(&mut pos)?;
        let host = word(&mut pos)?;
        let app = word(&mut pos)?;
        let procid = word(&mut pos)?;
        let k = memchr(b' ', &l[pos..])?;
        pos += k + 1; // MSGID
        if l.get(pos) == Some(&b'-') {
            pos += 1;
        } else {
            while l.get(pos) == Some(&b'[') {
                pos += 1;
                loop {
                    let k = memchr3(b']', b'"', b'\\', &l[pos..])?;
                    pos += k;
                    match l[pos] {
                        b']' => {
                            pos += 1;
                            break;
                        }
                        b'\\' => pos += 2,
                        _ => {
                            // a quoted PARAM-VALUE
                            pos += 1;
                            loop {
                                let k = memchr2(b'"', b'\\', l.get(pos..)?)?;
                                pos += k;
                                if l[pos] == b'"' {
                                    pos += 1;
                                    break;
                                }
                                pos += 2;
                            }
                        }
                    }
                }
            }
        }
        let msg = match l.get(pos) {
            None => &b""[..],
            Some(b' ') => &l[pos + 1..],
            Some(_) => return None,
        };
        let msg = msg.strip_prefix(BOM).unwrap_or(msg);
        return Some((pri, nil(host), nil(app), nil(procid), msg));
    }
    // RFC 3164: "Mmm dd hh:mm:ss" HOSTNAME TAG[PID]: MSG
    if l.len() < pos + 16 || l[pos + 15] != b' ' {
        return None;
    }
    pos += 16;
    let host = word(&mut pos)?;
    let colon = memchr(b':', &l[pos..])? + pos;
    let tag = &l[pos..colon];
    let (app, procid) = match memchr(b'[', tag) {
        Some(k) if tag.last() == Some(&b']') => (&tag[..k], &tag[k + 1..tag.len() - 1]),
        _ => (tag, &tag[..0]),
    };
    let msg = l.get(colon + 2..).unwrap_or(b"");
    Some((pri, host, app, procid, msg))
}

pub fn syslog_hand() -> impl FnMut(&[u8]) -> Option<u64> {
    |l| {
        let (pri, h, a, p, m) = syslog_split(l)?;
        Some(pri + (h.len() + a.len() + p.len() + m.len()) as u64)
    }
}

// ---------------------------------------------------------------- jobs

/// Calls `$m!(ctx...; job, implementation, check, constructor)` for every
/// per-line implementation of every job. The criterion bench expands it
/// into monomorphised timing loops; `icount` into a table of boxed
/// closures.
macro_rules! each_line_impl {
    ($m:ident!($($ctx:tt)*)) => {
        $m!($($ctx)*; "access", "logspan/parse_fast", Check::Access, logspan_parse_fast());
        $m!($($ctx)*; "access", "logspan/parse_fast@fallback", Check::Access, logspan_parse_fast_at(logspan::simd::Level::Fallback));
        $m!($($ctx)*; "access", "logspan/pattern_spec", Check::Combined, logspan_parse(ACCESS_PATTERN, NAMED_ACCESS_SUM));
        $m!($($ctx)*; "access", "logspan/regex_spec", Check::Access, logspan_parse(ACCESS_NAMED_RE, NAMED_ACCESS_SUM));
        $m!($($ctx)*; "access", "regex/captures_read", Check::Access, access_regex());
        $m!($($ctx)*; "access", "regex_automata/meta_captures", Check::Access, access_regex_automata());
        $m!($($ctx)*; "access", "hand/memchr_splitter", Check::Access, access_hand());
        $m!($($ctx)*; "json", "logspan/json_5_fields", Check::Json, logspan_parse(JSON_SPEC, JSON_SUM));
        $m!($($ctx)*; "json", "serde_json/borrowed_struct", Check::JsonUnescaped, json_serde_struct());
        $m!($($ctx)*; "json", "serde_json/IgnoredAny_validate", Check::JsonValid, json_serde_validate());
        $m!($($ctx)*; "json", "simd_json/tape_reused", Check::JsonUnescaped, json_simd_tape());
        $m!($($ctx)*; "logfmt", "logspan/logfmt_5_keys", Check::Logfmt, logspan_parse(LOGFMT_SPEC, LOGFMT_SUM));
        $m!($($ctx)*; "logfmt", "regex/captures_read_at_loop", Check::Logfmt, logfmt_regex());
        $m!($($ctx)*; "logfmt", "hand/logfmt_scanner", Check::Logfmt, logfmt_hand());
        $m!($($ctx)*; "syslog", "logspan/syslog", Check::Syslog, logspan_parse("syslog", SYSLOG_SUM));
        $m!($($ctx)*; "syslog", "regex/5424_then_3164", Check::Syslog, syslog_regex());
        $m!($($ctx)*; "syslog", "regex_automata/5424_then_3164", Check::Syslog, syslog_regex_automata());
        $m!($($ctx)*; "syslog", "hand/memchr_splitter", Check::Syslog, syslog_hand());
    };
}

/// The spec and checksum of each job's logspan batch row.
pub fn batch_spec(job: &str) -> (&'static str, Sum) {
    match job {
        "access" => ("access", ACCESS_SUM),
        "json" => (JSON_SPEC, JSON_SUM),
        "logfmt" => (LOGFMT_SPEC, LOGFMT_SUM),
        "syslog" => ("syslog", SYSLOG_SUM),
        _ => panic!("no job {job}"),
    }
}
