//! syslog round trip: random RFC 5424 and RFC 3164 messages are formatted,
//! parsed back with the explicit spec and with `syslog` (auto), and every
//! field must be the exact text the generator wrote (absent where it wrote
//! the NILVALUE `-` or nothing); structured data must walk back, through
//! `sd_elements` and `unescape_param_value`, to the generated elements and
//! decoded values. A 5424 line cut anywhere inside its header is an error.

use logspan::formats::syslog::{
    sd_elements, unescape_param_value, LOG_FLAG_BOM, LOG_SYSLOG_FIELD_STRUCTURED_DATA,
};
use logspan::{Parser, Span, LOG_FLAG_ESCAPED};
use proptest::prelude::*;

const BOM: &str = "\u{feff}";

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// 1..=max bytes of `class` (a byte predicate over `!`..`~`).
fn ascii(max: usize, class: fn(u8) -> bool) -> impl Strategy<Value = String> {
    let bytes: Vec<u8> = (33u8..=126).filter(|&b| class(b)).collect();
    // Mostly short, sometimes at the limit.
    let len = prop_oneof![4 => 1..=max.min(12), 1 => Just(max), 1 => 1..=max];
    len.prop_flat_map(move |n| {
        prop::collection::vec(prop::sample::select(bytes.clone()), n)
            .prop_map(|v| String::from_utf8(v).unwrap())
    })
}

fn print(_: u8) -> bool {
    true
}

/// A 5424 header field: NILVALUE or 1..=max PRINTUSASCII bytes.
fn header(max: usize) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        4 => ascii(max, print).prop_filter("`-` is the NILVALUE", |s| s != "-").prop_map(Some),
    ]
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An RFC 3339 timestamp with up to `max_frac` fraction digits.
fn rfc3339(max_frac: usize) -> impl Strategy<Value = String> {
    (
        0u32..=9999,
        1u32..=12,
        1u32..=31,
        (0u32..24, 0u32..60, 0u32..60),
        prop::option::of(prop::collection::vec(0u8..10, 1..=max_frac)),
        prop_oneof![
            Just(None),
            (any::<bool>(), 0u32..24, 0u32..60).prop_map(Some)
        ],
    )
        .prop_map(|(y, mo, d, (h, mi, s), frac, off)| {
            let d = d.min(days_in_month(y, mo));
            let mut t = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            if let Some(f) = frac {
                t.push('.');
                t.extend(f.iter().map(|&x| char::from(b'0' + x)));
            }
            match off {
                None => t.push('Z'),
                Some((neg, oh, om)) => {
                    t += &format!("{}{oh:02}:{om:02}", if neg { '-' } else { '+' })
                }
            }
            t
        })
}

/// A BSD timestamp, the day space-padded, zero-padded or unpadded.
fn bsd_timestamp() -> impl Strategy<Value = String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    (
        0usize..12,
        1u32..=31,
        0u8..3,
        (0u32..24, 0u32..60, 0u32..60),
    )
        .prop_map(|(m, d, pad, (h, mi, s))| {
            let d = d.min(days_in_month(2000, m as u32 + 1));
            let day = match pad {
                0 => format!("{d:>2}"),
                1 => format!("{d:02}"),
                _ => format!("{d}"),
            };
            format!("{} {day} {h:02}:{mi:02}:{s:02}", MONTHS[m])
        })
}

fn sd_name(b: u8) -> bool {
    !matches!(b, b'=' | b']' | b'"')
}

/// A decoded PARAM-VALUE: any characters, often the three that need
/// escaping.
fn param_value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            2 => prop::sample::select(vec!['"', '\\', ']']),
            2 => proptest::char::range(' ', '~'),
        ],
        0..12,
    )
    .prop_map(|c| c.into_iter().collect())
}

#[derive(Clone, Debug)]
struct SdElement {
    id: String,
    params: Vec<(String, String)>,
}

fn escape(v: &str) -> String {
    let mut s = String::new();
    for c in v.chars() {
        if matches!(c, '"' | '\\' | ']') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// 0-3 elements with distinct SD-IDs, 0-3 params each.
fn structured_data() -> impl Strategy<Value = Vec<SdElement>> {
    let element = (
        ascii(32, sd_name),
        prop::collection::vec((ascii(32, sd_name), param_value()), 0..4),
    )
        .prop_map(|(id, params)| SdElement { id, params });
    prop::collection::vec(element, 0..4).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|e| seen.insert(e.id.clone()));
        v
    })
}

fn not_ending_in_newline(b: &[u8]) -> bool {
    b.last() != Some(&b'\n')
}

/// The MSG of a 5424 message: none, empty, BOM + UTF-8, or any bytes.
#[derive(Clone, Debug)]
enum Msg {
    None,
    Bom(String),
    Bytes(Vec<u8>),
}

fn msg5424() -> impl Strategy<Value = Msg> {
    prop_oneof![
        1 => Just(Msg::None),
        1 => Just(Msg::Bytes(Vec::new())),
        3 => any::<String>()
            .prop_filter("trailing newline", |s| not_ending_in_newline(s.as_bytes()))
            .prop_map(Msg::Bom),
        3 => prop::collection::vec(any::<u8>(), 0..40)
            .prop_filter("BOM or trailing newline", |b| {
                !b.starts_with(BOM.as_bytes()) && not_ending_in_newline(b)
            })
            .prop_map(Msg::Bytes),
    ]
}

#[derive(Clone, Debug)]
struct Rfc5424 {
    pri: u8,
    version: u16,
    timestamp: Option<String>,
    hostname: Option<String>,
    app_name: Option<String>,
    procid: Option<String>,
    msgid: Option<String>,
    sd: Vec<SdElement>,
    msg: Msg,
}

fn rfc5424() -> impl Strategy<Value = Rfc5424> {
    (
        (0u8..=191, 1u16..=999, prop::option::of(rfc3339(6))),
        (header(255), header(48), header(128), header(32)),
        structured_data(),
        msg5424(),
    )
        .prop_map(
            |((pri, version, timestamp), (hostname, app_name, procid, msgid), sd, msg)| Rfc5424 {
                pri,
                version,
                timestamp,
                hostname,
                app_name,
                procid,
                msgid,
                sd,
                msg,
            },
        )
}

impl Rfc5424 {
    fn sd_text(&self) -> Option<String> {
        if self.sd.is_empty() {
            return None;
        }
        let mut s = String::new();
        for e in &self.sd {
            s += &format!("[{}", e.id);
            for (n, v) in &e.params {
                s += &format!(" {n}=\"{}\"", escape(v));
            }
            s.push(']');
        }
        Some(s)
    }

    /// The line, and where STRUCTURED-DATA starts in it.
    fn format(&self) -> (Vec<u8>, usize) {
        let nil = |f: &Option<String>| f.clone().unwrap_or_else(|| "-".into());
        let mut line = format!(
            "<{}>{} {} {} {} {} {} ",
            self.pri,
            self.version,
            nil(&self.timestamp),
            nil(&self.hostname),
            nil(&self.app_name),
            nil(&self.procid),
            nil(&self.msgid),
        )
        .into_bytes();
        let sd_start = line.len();
        line.extend(self.sd_text().unwrap_or_else(|| "-".into()).bytes());
        match &self.msg {
            Msg::None => {}
            Msg::Bom(s) => line.extend(format!(" {BOM}{s}").bytes()),
            Msg::Bytes(b) => {
                line.push(b' ');
                line.extend(b);
            }
        }
        (line, sd_start)
    }
}

#[derive(Clone, Debug)]
struct Rfc3164 {
    pri: Option<u8>,
    timestamp: String,
    hostname: Option<String>,
    tag: Option<(String, Option<String>)>,
    msg: Option<Vec<u8>>,
}

fn rfc3164() -> impl Strategy<Value = Rfc3164> {
    let tag = (
        ascii(48, |b| !matches!(b, b'[' | b']' | b':')),
        prop::option::of(ascii(128, |b| !matches!(b, b'[' | b']'))),
    );
    let msg = prop::option::of(
        prop::collection::vec(
            prop_oneof![
                3 => proptest::char::range(' ', '~').prop_map(|c| c as u8),
                1 => any::<u8>(),
            ],
            0..40,
        )
        .prop_filter("trailing newline", |b| not_ending_in_newline(b)),
    );
    (
        prop::option::of(0u8..=191),
        prop_oneof![3 => bsd_timestamp(), 1 => rfc3339(9)],
        // Hostnames never hold `:` here, so none looks like a TAG.
        prop::option::of(ascii(255, |b| b != b':')),
        prop::option::of(tag),
        msg,
    )
        .prop_map(|(pri, timestamp, hostname, tag, msg)| Rfc3164 {
            pri,
            timestamp,
            hostname,
            tag,
            msg,
        })
        // Without a hostname the TAG is what shows the hostname is missing;
        // without a TAG the MSG must not start with a TAG-like word.
        .prop_filter("hostname or TAG", |m| {
            m.hostname.is_some() || m.tag.is_some()
        })
        .prop_filter("MSG starts like a TAG", |m| {
            m.tag.is_some()
                || !m
                    .msg
                    .as_deref()
                    .unwrap_or_default()
                    .split(|&b| b == b' ')
                    .next()
                    .unwrap_or_default()
                    .contains(&b':')
        })
}

impl Rfc3164 {
    fn format(&self) -> Vec<u8> {
        let mut line = Vec::new();
        if let Some(p) = self.pri {
            line.extend(format!("<{p}>").bytes());
        }
        line.extend(self.timestamp.bytes());
        line.push(b' ');
        if let Some(h) = &self.hostname {
            line.extend(h.bytes());
            line.push(b' ');
        }
        if let Some((name, pid)) = &self.tag {
            line.extend(name.bytes());
            if let Some(pid) = pid {
                line.extend(format!("[{pid}]").bytes());
            }
            line.push(b':');
            if self.msg.is_some() {
                line.push(b' ');
            }
        }
        line.extend(self.msg.iter().flatten());
        line
    }
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

fn parse_both(spec: &str, line: &[u8]) -> [Span; 9] {
    let mut out = [Span::ABSENT; 9];
    let n = Parser::new(spec).unwrap().parse(line, &mut out);
    let n = n.unwrap_or_else(|e| panic!("{spec}: {e:?} on {:?}", String::from_utf8_lossy(line)));
    assert_eq!(n, out.iter().filter(|s| s.is_present()).count());
    let mut auto = [Span::ABSENT; 9];
    assert_eq!(Parser::new("syslog").unwrap().parse(line, &mut auto), Ok(n));
    assert_eq!(auto, out, "auto disagrees");
    out
}

fn text(line: &[u8], s: Span) -> Option<&[u8]> {
    s.get(line)
}

fn opt(s: &Option<String>) -> Option<&[u8]> {
    s.as_deref().map(str::as_bytes)
}

fn check_sd(sd: &[u8], want: &[SdElement]) {
    let got: Vec<_> = sd_elements(sd).collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.id(), w.id.as_bytes());
        let params: Vec<_> = g.params().collect();
        assert_eq!(params.len(), w.params.len());
        for (p, (name, value)) in params.iter().zip(&w.params) {
            assert_eq!(p.name(), name.as_bytes());
            assert_eq!(p.value(), escape(value).as_bytes());
            assert_eq!(p.is_escaped(), value.contains(['"', '\\', ']']));
            let mut buf = vec![0; p.value().len()];
            assert_eq!(
                unescape_param_value(p.value(), &mut buf),
                Some(value.as_bytes())
            );
            assert_eq!(p.value_span().get(sd), Some(p.value()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn rfc5424_round_trip(m in rfc5424()) {
        let (line, sd_start) = m.format();
        let out = parse_both("syslog5424", &line);
        let (pri, version, sd_text) = (m.pri.to_string(), m.version.to_string(), m.sd_text());
        prop_assert_eq!(text(&line, out[0]), Some(pri.as_bytes()));
        prop_assert_eq!(text(&line, out[1]), Some(version.as_bytes()));
        prop_assert_eq!(text(&line, out[2]), opt(&m.timestamp));
        prop_assert_eq!(text(&line, out[3]), opt(&m.hostname));
        prop_assert_eq!(text(&line, out[4]), opt(&m.app_name));
        prop_assert_eq!(text(&line, out[5]), opt(&m.procid));
        prop_assert_eq!(text(&line, out[6]), opt(&m.msgid));
        let sd = out[LOG_SYSLOG_FIELD_STRUCTURED_DATA];
        prop_assert_eq!(text(&line, sd), opt(&sd_text));
        let escaped = m.sd.iter().flat_map(|e| &e.params).any(|(_, v)| v.contains(['"', '\\', ']']));
        prop_assert_eq!(sd.flags, if escaped { LOG_FLAG_ESCAPED } else { 0 });
        if let Some(sd_text) = text(&line, sd) {
            check_sd(sd_text, &m.sd);
        }
        let (msg, flags) = match &m.msg {
            Msg::None => (None, 0),
            Msg::Bytes(b) if b.is_empty() => (None, 0),
            Msg::Bytes(b) => (Some(&b[..]), 0),
            Msg::Bom(s) => (Some(s.as_bytes()), LOG_FLAG_BOM),
        };
        prop_assert_eq!(text(&line, out[8]), msg);
        prop_assert_eq!(out[8].flags, flags);

        // Cut inside the header: an error. Cut inside STRUCTURED-DATA: an
        // error, or a shorter SD that ends at an element boundary.
        let p = Parser::new("syslog5424").unwrap();
        let mut cut_out = [Span::ABSENT; 9];
        for cut in 1..sd_start {
            prop_assert!(p.parse(&line[..cut], &mut cut_out).is_err(), "cut at {}", cut);
        }
        if let Some(sd_text) = sd_text {
            for cut in sd_start..sd_start + sd_text.len() {
                if p.parse(&line[..cut], &mut cut_out).is_ok() {
                    let got = cut_out[LOG_SYSLOG_FIELD_STRUCTURED_DATA].get(&line[..cut]).unwrap();
                    prop_assert!(sd_text.as_bytes().starts_with(got) && got.ends_with(b"]"));
                    prop_assert!(sd_text.as_bytes()[got.len()] == b'[');
                }
            }
        }
    }

    #[test]
    fn rfc3164_round_trip(m in rfc3164()) {
        let line = m.format();
        let out = parse_both("syslog3164", &line);
        let pri = m.pri.map(|p| p.to_string());
        prop_assert_eq!(text(&line, out[0]), opt(&pri));
        prop_assert_eq!(text(&line, out[1]), None);
        prop_assert_eq!(text(&line, out[2]), Some(m.timestamp.as_bytes()));
        prop_assert_eq!(text(&line, out[3]), opt(&m.hostname));
        let (name, pid) = match &m.tag {
            Some((n, p)) => (Some(n.as_bytes()), opt(p)),
            None => (None, None),
        };
        prop_assert_eq!(text(&line, out[4]), name);
        prop_assert_eq!(text(&line, out[5]), pid);
        prop_assert_eq!(text(&line, out[6]), None);
        prop_assert_eq!(text(&line, out[7]), None);
        let msg = m.msg.as_deref().filter(|b| !b.is_empty());
        prop_assert_eq!(text(&line, out[8]), msg);
        prop_assert!(out.iter().all(|s| s.flags == 0));
    }
}

/// Lines assembled from syslog-ish fragments and random bytes.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        prop::sample::select(vec![
            "<",
            ">",
            "<1>",
            "<34>",
            "<191>",
            "1",
            "999",
            " ",
            "-",
            "[",
            "]",
            "\"",
            "\\",
            "=",
            "T",
            ":",
            "Z",
            "+",
            ".",
            "Jan",
            "Feb 29",
            " 7",
            "2003-10-11",
            "22:14:15",
            "id",
            "x=\"",
            "\\\"",
            "app[12]:",
            "host",
            "\u{feff}",
            "\n",
            "\r\n",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..4),
        Just(b"<165>1 2003-10-11T22:14:15.003Z h a p m ".to_vec()),
        Just(b"<165>1 - h - - - - ".to_vec()),
        Just(b"<0>1 - - - - - [a x=\"1\"]".to_vec()),
        Just(b"[id y=\"\\]\"]".to_vec()),
        Just(b"<13>Dec  2 16:31:03 ".to_vec()),
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Never a panic; an error leaves every span absent; a success has
    /// in-bounds spans in field order, a right count, and an SD that
    /// walks; auto is the explicit grammar its rule picks.
    #[test]
    fn garbage_never_panics(line in garbage()) {
        let mut results = Vec::new();
        for spec in ["syslog5424", "syslog3164", "syslog"] {
            let mut out = [Span { off: 1, len: 1, flags: 1 }; 9];
            let r = Parser::new(spec).unwrap().parse(&line, &mut out);
            match r {
                Err(_) => prop_assert!(out.iter().all(|s| *s == Span::ABSENT)),
                Ok(n) => {
                    prop_assert_eq!(n, out.iter().filter(|s| s.is_present()).count());
                    let mut end = 0;
                    for s in out.iter().filter(|s| s.is_present()) {
                        prop_assert!(s.get(&line).is_some());
                        prop_assert!(s.off as usize >= end, "fields out of order");
                        end = (s.off + s.len) as usize;
                    }
                    if let Some(sd) = out[LOG_SYSLOG_FIELD_STRUCTURED_DATA].get(&line) {
                        prop_assert!(sd_elements(sd).count() >= 1);
                        for e in sd_elements(sd) {
                            prop_assert!(!e.id().is_empty());
                            for p in e.params() {
                                prop_assert!(!p.name().is_empty());
                            }
                        }
                    }
                }
            }
            results.push((r, out));
        }
        let auto = results[2];
        prop_assert!(auto == results[0] || auto == results[1]);
    }
}
