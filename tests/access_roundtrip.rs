//! Access-log round trip: random records are written as combined and
//! common lines, parsed, and every field must come back as the exact raw
//! text the generator wrote (or absent where it wrote `-`), flagged as
//! escaped iff the generator put a backslash escape in it. And every
//! truncation of a combined line is an error, or a valid common line when
//! the cut falls inside the body size: never fields from the cut part.

use logspan::{
    parse_fast, Error, Parser, Span, LOG_COMMON_FIELDS, LOG_FAST_FIELDS, LOG_FIELD_BODY_BYTES,
    LOG_FLAG_ESCAPED,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Field values
// ---------------------------------------------------------------------------

/// A field's raw text and whether it holds a backslash escape.
#[derive(Clone, Debug, Default)]
struct Raw {
    bytes: Vec<u8>,
    escaped: bool,
}

impl Raw {
    fn plain(b: impl Into<Vec<u8>>) -> Raw {
        Raw {
            bytes: b.into(),
            escaped: false,
        }
    }
    fn cat(parts: &[&Raw]) -> Raw {
        Raw {
            bytes: parts.iter().flat_map(|p| p.bytes.iter().copied()).collect(),
            escaped: parts.iter().any(|p| p.escaped),
        }
    }
}

/// One piece of a quoted value: plain bytes (never `"`, `\` or a line
/// break) or a backslash escape.
fn quoted_piece(spaces: bool) -> impl Strategy<Value = Raw> {
    let plain_byte = prop_oneof![
        8 => proptest::char::range(' ', '~').prop_map(|c| c as u8),
        1 => 0x80u8..=0xff,
        1 => prop::sample::select(b"\t[](){};,=&?%-".to_vec()),
    ]
    .prop_filter("not a quote or backslash", move |&b| {
        b != b'"' && b != b'\\' && (spaces || b != b' ')
    });
    prop_oneof![
        6 => prop::collection::vec(plain_byte, 1..12).prop_map(Raw::plain),
        1 => prop::sample::select(vec!["é", "日本語", "😀", "Ω"]).prop_map(Raw::plain),
        1 => Just(Raw { bytes: br#"\""#.to_vec(), escaped: true }),
        1 => Just(Raw { bytes: br"\\".to_vec(), escaped: true }),
        1 => (any::<u8>()).prop_map(|b| Raw {
            bytes: format!("\\x{b:02x}").into_bytes(),
            escaped: true
        }),
    ]
}

/// The content of a quoted field: empty, `-`, or pieces, sometimes long.
fn quoted_value(max_pieces: usize) -> impl Strategy<Value = Raw> {
    prop_oneof![
        1 => Just(Raw::plain("")),
        2 => Just(Raw::plain("-")),
        8 => prop::collection::vec(quoted_piece(true), 1..max_pieces.max(2))
            .prop_map(|p| Raw::cat(&p.iter().collect::<Vec<_>>())),
    ]
}

/// A non-empty word without spaces.
fn word(pattern: &'static str) -> impl Strategy<Value = Raw> {
    prop_oneof![
        1 => Just(Raw::plain("-")),
        4 => pattern.prop_map(Raw::plain),
    ]
}

fn remote_addr() -> impl Strategy<Value = Raw> {
    prop_oneof![
        4 => any::<[u8; 4]>().prop_map(|a| Raw::plain(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]))),
        2 => any::<[u16; 8]>().prop_map(|g| Raw::plain(
            g.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":"))),
        1 => prop::sample::select(vec!["::1", "2001:db8::7", "fe80::1%eth0", "::ffff:10.0.0.1"])
            .prop_map(Raw::plain),
        2 => "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,10}){0,3}".prop_map(Raw::plain),
        1 => Just(Raw::plain("-")),
    ]
}

fn time() -> impl Strategy<Value = Raw> {
    // A time of exactly `-` is left out: the rules say a whole-value `-`
    // is absent, but the time is read as the raw text between the
    // brackets; nginx and Apache never write `[-]` (see the report).
    prop_oneof![
        4 => (1u8..=28, 0usize..12, 1990u16..2040, 0u8..24, 0u8..60, 0u8..60, any::<bool>(), 0u16..1400)
            .prop_map(|(d, m, y, hh, mm, ss, neg, z)| {
                let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m];
                Raw::plain(format!("{d:02}/{mon}/{y}:{hh:02}:{mm:02}:{ss:02} {}{z:04}", if neg { '-' } else { '+' }))
            }),
        1 => "[^\\]\\n\\r]{0,20}"
            .prop_filter("not `-`", |s| s != "-")
            .prop_map(Raw::plain),
    ]
}

/// A request line and the parts it must split into (`None`: unsplit).
#[derive(Clone, Debug)]
struct Request {
    raw: Raw,
    /// (method, target, protocol) as offsets into `raw.bytes`.
    parts: Option<(Raw, Raw, Option<Raw>)>,
}

fn method() -> impl Strategy<Value = Raw> {
    prop_oneof![
        4 => prop::sample::select(vec!["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "-"])
            .prop_map(Raw::plain),
        1 => "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,10}".prop_map(Raw::plain),
    ]
}

/// A request target: no spaces, percent-encoding, escaped quotes and
/// backslashes.
fn target() -> impl Strategy<Value = Raw> {
    let piece = prop_oneof![
        6 => "[A-Za-z0-9/._~?=&+;:@!$'()*,-]{1,12}".prop_map(Raw::plain),
        2 => any::<u8>().prop_map(|b| Raw::plain(format!("%{b:02X}"))),
        1 => Just(Raw { bytes: br#"\""#.to_vec(), escaped: true }),
        1 => Just(Raw { bytes: br"\\".to_vec(), escaped: true }),
        1 => quoted_piece(false),
    ];
    (
        prop::bool::weighted(0.8),
        prop::collection::vec(piece, 0..8),
    )
        .prop_map(|(slash, p)| {
            let mut parts = vec![Raw::plain(if slash || p.is_empty() { "/" } else { "" })];
            parts.extend(p);
            Raw::cat(&parts.iter().collect::<Vec<_>>())
        })
}

fn protocol() -> impl Strategy<Value = Option<Raw>> {
    prop_oneof![
        // `HTTP/` then digits and dots (HTTP/2 and HTTP/3 are written so by
        // some servers).
        4 => prop::sample::select(vec!["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/2", "HTTP/3", "HTTP/0.9", "HTTP/1.10"])
            .prop_map(|p| Some(Raw::plain(p))),
        1 => Just(None),
    ]
}

fn sp() -> Raw {
    Raw::plain(" ")
}

fn request(max_pieces: usize) -> impl Strategy<Value = Request> {
    let split = (method(), target(), protocol()).prop_map(|(m, t, p)| {
        let raw = match &p {
            Some(p) => Raw::cat(&[&m, &sp(), &t, &sp(), p]),
            None => Raw::cat(&[&m, &sp(), &t]),
        };
        Request {
            raw,
            parts: Some((m, t, p)),
        }
    });
    // Requests that do not have the `TOKEN SP TARGET [SP HTTP/x.y]` shape,
    // each for a reason the generator knows.
    let tail = prop::collection::vec(quoted_piece(true), 0..max_pieces.max(1))
        .prop_map(|p| Raw::cat(&p.iter().collect::<Vec<_>>()));
    let unsplit = prop_oneof![
        // TLS bytes sent to a plain-HTTP port: a backslash is no token byte.
        tail.prop_map(|t| Raw::cat(&[
            &Raw {
                bytes: br"\x16\x03\x01".to_vec(),
                escaped: true
            },
            &t
        ])),
        // One word, no space at all.
        (method(), target()).prop_map(|(m, t)| {
            let t = Raw {
                bytes: t.bytes.iter().copied().filter(|&b| b != b' ').collect(),
                ..t
            };
            Raw::cat(&[&m, &t])
        }),
        // Not a protocol, or a target with a space in it.
        (
            method(),
            target(),
            prop::sample::select(vec![
                "FTP/1.0",
                "http/1.1",
                "HTTP",
                "HTTP/",
                "HTTP/1.1x",
                "HTTP/1.1 ",
                "b HTTP/1.1",
                "HTTP/1.1 x",
                " HTTP/1.1",
            ])
        )
            .prop_map(|(m, t, p)| Raw::cat(&[&m, &sp(), &t, &sp(), &Raw::plain(p)])),
        // Starts with a space, or two spaces after the method, or a
        // method with a byte that is no token byte.
        (target(), protocol()).prop_map(|(t, p)| Raw::cat(&[
            &sp(),
            &t,
            &sp(),
            &p.unwrap_or_default()
        ])),
        (method(), target()).prop_map(|(m, t)| Raw::cat(&[&m, &sp(), &sp(), &t])),
        (
            method(),
            prop::sample::select(vec!["(", ")", "/", "[", "@", "é", "\t"]),
            target()
        )
            .prop_map(|(m, bad, t)| Raw::cat(&[&m, &Raw::plain(bad), &sp(), &t])),
        // Empty.
        Just(Raw::plain("")),
    ]
    .prop_map(|raw| Request { raw, parts: None });
    prop_oneof![
        6 => split,
        3 => unsplit,
        1 => Just(Request { raw: Raw::plain("-"), parts: None }),
    ]
}

#[derive(Clone, Debug)]
struct Record {
    addr: Raw,
    ident: Raw,
    user: Raw,
    time: Raw,
    request: Request,
    status: u16,
    bytes: Raw,
    referer: Raw,
    user_agent: Raw,
}

fn record(max_pieces: usize) -> impl Strategy<Value = Record> {
    (
        (
            remote_addr(),
            word("[A-Za-z0-9._@-]{1,12}"),
            word("[A-Za-z0-9._@éü$-]{1,12}"),
            time(),
        ),
        request(max_pieces),
        100u16..=599,
        prop_oneof![
            1 => Just(Raw::plain("-")),
            4 => any::<u64>().prop_map(|b| Raw::plain(b.to_string())),
            1 => "0[0-9]{0,4}".prop_map(Raw::plain),
        ],
        quoted_value(max_pieces),
        quoted_value(max_pieces),
    )
        .prop_map(
            |((addr, ident, user, time), request, status, bytes, referer, user_agent)| Record {
                addr,
                ident,
                user,
                time,
                request,
                status,
                bytes,
                referer,
                user_agent,
            },
        )
}

/// Records with an occasional value of several KB.
fn big_record() -> impl Strategy<Value = Record> {
    (record(12), 0usize..4, 1usize..400).prop_map(|(mut r, which, times)| {
        let long = |v: &Raw| Raw::cat(&vec![v; times]);
        match which {
            0 => r.user_agent = long(&Raw::cat(&[&r.user_agent, &Raw::plain("x")])),
            1 => r.referer = long(&Raw::cat(&[&r.referer, &Raw::plain("y")])),
            _ => {}
        }
        r
    })
}

// ---------------------------------------------------------------------------
// Lines and what they must parse to
// ---------------------------------------------------------------------------

struct Written {
    line: Vec<u8>,
    /// The 12 expected spans.
    want: [Span; LOG_FAST_FIELDS],
    /// Where the body size starts and ends.
    bytes_at: (usize, usize),
    /// Opening and closing quote of each quoted field.
    quotes: Vec<(usize, usize)>,
}

/// A log field's span: absent when its whole value is `-`.
fn field_span(start: usize, raw: &Raw) -> Span {
    if raw.bytes == b"-" {
        return Span::ABSENT;
    }
    part_span(start, raw)
}

/// A part of the request line (method, target, protocol): the `-`
/// placeholder rule is about whole log fields, so a method `-` (a valid
/// token) is present.
fn part_span(start: usize, raw: &Raw) -> Span {
    Span {
        off: start as u32,
        len: raw.bytes.len() as u32,
        flags: if raw.escaped { LOG_FLAG_ESCAPED } else { 0 },
    }
}

/// Write `r` as a combined line (or common, without referer and user
/// agent), recording where each field went.
fn write(r: &Record, combined: bool) -> Written {
    let mut line = Vec::new();
    let mut want = [Span::ABSENT; LOG_FAST_FIELDS];
    let mut quotes = Vec::new();
    let put = |line: &mut Vec<u8>, raw: &Raw| {
        let at = line.len();
        line.extend_from_slice(&raw.bytes);
        at
    };
    let at = put(&mut line, &r.addr);
    want[0] = field_span(at, &r.addr);
    line.push(b' ');
    let at = put(&mut line, &r.ident);
    want[1] = field_span(at, &r.ident);
    line.push(b' ');
    let at = put(&mut line, &r.user);
    want[2] = field_span(at, &r.user);
    line.extend_from_slice(b" [");
    let at = put(&mut line, &r.time);
    want[3] = field_span(at, &r.time);
    line.extend_from_slice(b"] \"");
    let at = put(&mut line, &r.request.raw);
    quotes.push((at - 1, line.len()));
    want[4] = field_span(at, &r.request.raw);
    if let Some((m, t, p)) = &r.request.parts {
        want[5] = part_span(at, m);
        want[6] = part_span(at + m.bytes.len() + 1, t);
        if let Some(p) = p {
            want[7] = part_span(at + m.bytes.len() + 1 + t.bytes.len() + 1, p);
        }
    }
    line.extend_from_slice(b"\" ");
    let status = Raw::plain(r.status.to_string());
    let at = put(&mut line, &status);
    want[8] = field_span(at, &status);
    line.push(b' ');
    let at = put(&mut line, &r.bytes);
    want[9] = field_span(at, &r.bytes);
    let bytes_at = (at, line.len());
    if combined {
        line.extend_from_slice(b" \"");
        let at = put(&mut line, &r.referer);
        quotes.push((at - 1, line.len()));
        want[10] = field_span(at, &r.referer);
        line.extend_from_slice(b"\" \"");
        let at = put(&mut line, &r.user_agent);
        quotes.push((at - 1, line.len()));
        want[11] = field_span(at, &r.user_agent);
        line.push(b'"');
    }
    Written {
        line,
        want,
        bytes_at,
        quotes,
    }
}

fn present(spans: &[Span]) -> usize {
    spans.iter().filter(|s| s.is_present()).count()
}

const GARBAGE: Span = Span {
    off: 7,
    len: 7,
    flags: 7,
};

fn parse(spec: &str, line: &[u8]) -> (Result<usize, Error>, [Span; LOG_FAST_FIELDS]) {
    let p = Parser::new(spec).unwrap();
    let mut out = [GARBAGE; LOG_FAST_FIELDS];
    let r = p.parse(line, &mut out);
    (r, out)
}

fn check_round_trip(r: &Record, eol: &str) -> Result<(), TestCaseError> {
    let combined = write(r, true);
    let common = write(r, false);
    let show = |l: &[u8]| String::from_utf8_lossy(l).into_owned();

    let line = [&combined.line[..], eol.as_bytes()].concat();
    let n = present(&combined.want);
    let mut fast = [GARBAGE; LOG_FAST_FIELDS];
    prop_assert_eq!(parse_fast(&line, &mut fast), Ok(n), "{}", show(&line));
    prop_assert_eq!(fast, combined.want, "{}", show(&line));
    for spec in ["access", "combined"] {
        let (got, out) = parse(spec, &line);
        prop_assert_eq!(got, Ok(n), "{}", spec);
        prop_assert_eq!(out, combined.want, "{}", spec);
    }
    let (got, out) = parse("common", &line);
    prop_assert_eq!(got, Err(Error::AccessTrailingData));
    prop_assert_eq!(
        &out[..LOG_COMMON_FIELDS],
        &[Span::ABSENT; LOG_COMMON_FIELDS][..]
    );
    prop_assert_eq!(
        &out[LOG_COMMON_FIELDS..],
        &[GARBAGE; 2][..],
        "common writes 10"
    );

    let line = [&common.line[..], eol.as_bytes()].concat();
    let n = present(&common.want);
    prop_assert_eq!(
        &common.want[..LOG_COMMON_FIELDS],
        &combined.want[..LOG_COMMON_FIELDS]
    );
    for spec in ["access", "common"] {
        let (got, out) = parse(spec, &line);
        prop_assert_eq!(got, Ok(n), "{} {}", spec, show(&line));
        prop_assert_eq!(&out[..LOG_COMMON_FIELDS], &common.want[..LOG_COMMON_FIELDS]);
        let rest = if spec == "access" {
            Span::ABSENT
        } else {
            GARBAGE
        };
        prop_assert_eq!(&out[LOG_COMMON_FIELDS..], &[rest; 2][..], "{}", spec);
    }
    prop_assert_eq!(parse_fast(&line, &mut fast), Ok(n));
    prop_assert_eq!(fast, common.want);
    let (got, out) = parse("combined", &line);
    prop_assert_eq!(got, Err(Error::AccessTruncated));
    prop_assert_eq!(out, [Span::ABSENT; LOG_FAST_FIELDS]);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fields_come_back_as_written(r in record(8), eol in prop::sample::select(vec!["", "\n", "\r\n"])) {
        check_round_trip(&r, eol)?;
    }

    #[test]
    fn long_fields_come_back_as_written(r in big_record(), eol in prop::sample::select(vec!["", "\n", "\r\n"])) {
        check_round_trip(&r, eol)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Every cut of a combined line: an error with no fields, or (only when
    /// the cut is inside the body size, which then reads shorter) a common
    /// line whose fields all lie before the cut. The error says why: a
    /// quoted field without its closing quote, a line that ends in the
    /// middle of the format, or (for `common`) bytes after the body size.
    #[test]
    fn truncations_are_errors_or_common_lines(r in record(4)) {
        let w = write(&r, true);
        let (bytes_start, bytes_end) = w.bytes_at;
        let dash = r.bytes.bytes == b"-";
        for cut in 0..w.line.len() {
            let valid_common = if dash {
                cut == bytes_end
            } else {
                cut > bytes_start && cut <= bytes_end
            };
            for eol in ["", "\n"] {
                let line = [&w.line[..cut], eol.as_bytes()].concat();
                let (got, out) = parse("combined", &line);
                let want = if cut == 0 {
                    Error::EmptyLine
                } else if w.quotes.iter().any(|&(open, close)| open < cut && cut <= close) {
                    Error::AccessUnterminatedQuote
                } else {
                    Error::AccessTruncated
                };
                prop_assert_eq!(got, Err(want), "combined cut {}: {:?}", cut, String::from_utf8_lossy(&line));
                prop_assert_eq!(out, [Span::ABSENT; LOG_FAST_FIELDS]);
                let mut fast = [GARBAGE; LOG_FAST_FIELDS];
                let got_fast = parse_fast(&line, &mut fast);
                for spec in ["access", "common"] {
                    let (got, out) = parse(spec, &line);
                    let out = if spec == "common" {
                        // `common` has 10 fields and writes no more.
                        prop_assert_eq!(&out[LOG_COMMON_FIELDS..], &[GARBAGE; 2][..]);
                        let mut o = out;
                        o[LOG_COMMON_FIELDS..].fill(Span::ABSENT);
                        o
                    } else {
                        out
                    };
                    if valid_common {
                        let mut want = w.want;
                        want[LOG_FIELD_BODY_BYTES] = if dash {
                            Span::ABSENT
                        } else {
                            Span { off: bytes_start as u32, len: (cut - bytes_start) as u32, flags: 0 }
                        };
                        want[LOG_COMMON_FIELDS..].fill(Span::ABSENT);
                        prop_assert_eq!(got, Ok(present(&want)), "{} cut {}", spec, cut);
                        prop_assert_eq!(out, want, "{} cut {}", spec, cut);
                        for s in out.iter().filter(|s| s.is_present()) {
                            prop_assert!((s.off + s.len) as usize <= cut);
                        }
                    } else {
                        let want = if cut == 0 {
                            Error::EmptyLine
                        } else if spec == "common" && cut > bytes_end {
                            Error::AccessTrailingData
                        } else if w.quotes.iter().any(|&(open, close)| open < cut && cut <= close) {
                            Error::AccessUnterminatedQuote
                        } else {
                            Error::AccessTruncated
                        };
                        prop_assert_eq!(got, Err(want), "{} cut {}: {:?}", spec, cut,
                                        String::from_utf8_lossy(&line));
                        prop_assert_eq!(out, [Span::ABSENT; LOG_FAST_FIELDS]);
                    }
                    if spec == "access" {
                        prop_assert_eq!(got_fast, got);
                        prop_assert_eq!(fast, out);
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Anything after the user agent's closing quote is an error for every
    /// spec; after a common line's body size, for `common` when it starts
    /// with a space, and for `access` and `combined` in any case.
    #[test]
    fn trailing_data_is_an_error(
        r in record(4),
        extra in prop::sample::select(vec![" ", "  ", " x", "x", " \"-\"", " 0.005", "\"\"", " \"a\" \"b\"", "\t"]),
        eol in prop::sample::select(vec!["", "\n", "\r\n"]),
    ) {
        let w = write(&r, true);
        let line = [&w.line[..], extra.as_bytes(), eol.as_bytes()].concat();
        for spec in ["combined", "access", "common"] {
            let (got, out) = parse(spec, &line);
            prop_assert_eq!(got, Err(Error::AccessTrailingData), "{}", spec);
            prop_assert!(out[..LOG_COMMON_FIELDS].iter().all(|s| *s == Span::ABSENT));
        }
        let w = write(&r, false);
        let line = [&w.line[..], extra.as_bytes(), eol.as_bytes()].concat();
        // (A common line plus ` "a" "b"` is a combined line.)
        let specs: &[&str] = if extra.starts_with(" \"a\"") {
            &["common"]
        } else {
            &["combined", "access", "common"]
        };
        for &spec in specs {
            let (got, out) = parse(spec, &line);
            if spec == "common" && extra.starts_with(' ') {
                prop_assert_eq!(got, Err(Error::AccessTrailingData), "{}", spec);
            } else {
                prop_assert!(got.is_err(), "{} accepted {:?}", spec, String::from_utf8_lossy(&line));
            }
            prop_assert!(out[..LOG_COMMON_FIELDS].iter().all(|s| *s == Span::ABSENT));
        }
    }
}
