//! `Parser::parse_batch` as a stream: random buffers of lines from a pool
//! (valid and invalid access-log and JSON lines, empty lines, `\r\n`),
//! cut into random pieces and fed with random output capacities, carrying
//! the unconsumed tail over to the next call. The lines reported must be
//! exactly those of the whole stream, each equal to `Parser::parse` on
//! that line alone (offsets shifted to the stream), none lost or repeated;
//! `consumed` always ends at a line boundary; `full` is set exactly when
//! the output ran out before the complete lines did; nothing is written
//! past what a call reports.

use logspan::{Line, Parser, Span};
use proptest::prelude::*;

const POOL: &[&[u8]] = &[
    br#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#,
    br#"::1 - - [10/Oct/2000:13:55:36 -0700] "POST /x?q=\"1\" HTTP/2.0" 201 -"#,
    br#"10.1.2.3 - - [t] "\x16\x03\x01" 400 0 "-" "-""#,
    br#"1.2.3.4 - - [t] "GET / HTTP/1.1" 200 1 "-" "cut in the middle"#,
    br#"1.2.3.4 - - [t] "GET / HTTP/1.1" 2000 1"#,
    br#"{"a":1,"b":{"c":"x\"y"},"d":[true,{"e":null}]}"#,
    br#"{"d":[0,-1.5e3],"a":"\u00e9","a":[1]}"#,
    br#" { "b" : { "c" : { } } } "#,
    br#"{"a":1"#,
    br#"[1,2]"#,
    br#"{"a":01}"#,
    b"not a log line at all",
    b"",
    b" ",
    b"x\ry",
    b"\r",
    "{\"a\":\"caf\u{e9} \u{1f600}\"}".as_bytes(),
    b"{\"a\":\"\xff\"}",
];

/// Specs to stream with; the enumerate spec is used when this version of
/// the library has it.
fn parsers() -> Vec<Parser> {
    ["access", "combined", "common", "json:a,b.c,d[1]", "json:*3"]
        .iter()
        .filter_map(|s| Parser::new(s).ok())
        .collect()
}

/// One reported line: offset in the whole stream, length without the line
/// ending, status, and spans relative to the whole stream.
type Got = (usize, usize, i32, Vec<Span>);

fn shift(s: Span, by: usize) -> Span {
    if s.is_present() {
        Span {
            off: s.off + by as u32,
            ..s
        }
    } else {
        s
    }
}

/// Each line of `input` parsed alone.
fn expected(p: &Parser, input: &[u8]) -> Vec<Got> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < input.len() {
        let end = input[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |k| start + k + 1);
        let raw = &input[start..end];
        let content = raw
            .strip_suffix(b"\r\n")
            .or_else(|| raw.strip_suffix(b"\n"))
            .unwrap_or(raw);
        let mut spans = vec![Span::ABSENT; p.field_count()];
        let status = match p.parse(raw, &mut spans) {
            Ok(n) => n as i32,
            Err(e) => e.code(),
        };
        let spans = spans.into_iter().map(|s| shift(s, start)).collect();
        out.push((start, content.len(), status, spans));
        start = end;
    }
    out
}

const SENT_LINE: Line = Line {
    off: 0xABCD,
    len: 0xABCD,
    status: 0xABCD,
};
const SENT_SPAN: Span = Span {
    off: 0xABCD,
    len: 0xABCD,
    flags: 0xABCD,
};

/// Whether `rest` (the unconsumed bytes of a call) holds a line that
/// call could have parsed.
fn has_complete_line(rest: &[u8], end_of_input: bool) -> bool {
    rest.contains(&b'\n') || (end_of_input && !rest.is_empty())
}

/// Stream `input` through `parse_batch`: cut at `cuts`, with output
/// capacities `caps[k % len]` for the k-th call (but at least one line
/// after a call that made no progress).
fn stream(
    p: &Parser,
    input: &[u8],
    cuts: &[usize],
    caps: &[(usize, usize)],
) -> Result<Vec<Got>, TestCaseError> {
    let nf = p.field_count();
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    points.push(input.len());
    points.sort_unstable();
    points.dedup();
    let mut got = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut base = 0; // offset of pending[0] in the stream
    let mut fed = 0;
    let mut call = 0;
    let mut stalled = false;
    for (i, &point) in points.iter().enumerate() {
        pending.extend_from_slice(&input[fed..point]);
        fed = point;
        let eoi = i + 1 == points.len();
        loop {
            let (lines_cap, fields_cap) = if stalled {
                (1, nf)
            } else {
                caps[call % caps.len()]
            };
            call += 1;
            // A spec always has fields; with none, only lines would count.
            let room = fields_cap
                .checked_div(nf)
                .map_or(lines_cap, |f| lines_cap.min(f));
            let mut lines = vec![SENT_LINE; lines_cap];
            let mut fields = vec![SENT_SPAN; fields_cap];
            let r = p.parse_batch(&pending, eoi, &mut lines, &mut fields);
            prop_assert!(r.lines <= room);
            prop_assert!(r.consumed <= pending.len());
            // Nothing written past what was reported.
            prop_assert!(lines[r.lines..].iter().all(|l| *l == SENT_LINE));
            prop_assert!(fields[r.lines * nf..].iter().all(|s| *s == SENT_SPAN));
            // consumed is a line boundary, and the lines tile it.
            if r.consumed > 0 && r.consumed < pending.len() {
                prop_assert_eq!(pending[r.consumed - 1], b'\n');
            }
            if r.consumed == pending.len() && r.consumed > 0 && !eoi {
                prop_assert_eq!(pending[r.consumed - 1], b'\n');
            }
            let mut at = 0;
            for (k, line) in lines[..r.lines].iter().enumerate() {
                prop_assert_eq!(line.off as usize, at, "lines are contiguous");
                let end = pending[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(pending.len(), |j| at + j + 1);
                prop_assert!(end <= r.consumed);
                let spans = fields[k * nf..(k + 1) * nf]
                    .iter()
                    .map(|&s| shift(s, base))
                    .collect();
                got.push((base + at, line.len as usize, line.status, spans));
                at = end;
            }
            prop_assert_eq!(at, r.consumed, "consumed ends after the last line reported");
            prop_assert_eq!(
                r.errors,
                lines[..r.lines].iter().filter(|l| l.status < 0).count()
            );
            // full: the output ran out while a complete line was waiting.
            let waiting = has_complete_line(&pending[r.consumed..], eoi);
            prop_assert_eq!(r.full == 1, waiting, "full {} lines {}", r.full, r.lines);
            if r.full == 1 {
                prop_assert_eq!(r.lines, room, "full only when out of room");
            }
            prop_assert!(r.full <= 1);
            pending.drain(..r.consumed);
            base += r.consumed;
            stalled = r.lines == 0;
            if r.full == 0 {
                break;
            }
        }
    }
    prop_assert!(pending.is_empty(), "end of input left {:?}", pending);
    prop_assert_eq!(base, input.len());
    Ok(got)
}

fn buffer() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((0..POOL.len(), any::<bool>()), 0..24),
        any::<bool>(),
    )
        .prop_map(|(lines, last_eol)| {
            let mut buf = Vec::new();
            let n = lines.len();
            for (k, (i, crlf)) in lines.into_iter().enumerate() {
                buf.extend_from_slice(POOL[i]);
                if k + 1 < n || last_eol {
                    buf.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
            }
            buf
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn streaming_equals_parsing_each_line(
        buf in buffer(),
        which in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        caps in prop::collection::vec((0usize..5, 0usize..5, any::<prop::sample::Index>()), 1..5),
    ) {
        let parsers = parsers();
        let p = &parsers[which.index(parsers.len())];
        let nf = p.field_count();
        let caps: Vec<(usize, usize)> = caps
            .into_iter()
            .map(|(l, f, extra)| (l, f * nf + extra.index(nf.max(1))))
            .collect();
        let want = expected(p, &buf);
        let got = stream(p, &buf, &cuts, &caps)?;
        prop_assert_eq!(got.len(), want.len(), "lines lost or repeated");
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!(g, w);
        }
    }

    /// The whole buffer in one call with room for everything: every line,
    /// never full.
    #[test]
    fn one_call_with_room_is_never_full(buf in buffer(), end_of_input in any::<bool>()) {
        for p in parsers() {
            let nf = p.field_count();
            let mut lines = vec![Line::default(); 32];
            let mut fields = vec![Span::ABSENT; 32 * nf];
            let r = p.parse_batch(&buf, end_of_input, &mut lines, &mut fields);
            prop_assert_eq!(r.full, 0);
            let want = expected(&p, &buf);
            // A last line without `\n` waits for the end of the input.
            let unterminated = !buf.is_empty() && !buf.ends_with(b"\n");
            let complete = want.len() - (unterminated && !end_of_input) as usize;
            prop_assert_eq!(r.lines, complete);
            let consumed = if r.lines == want.len() {
                buf.len()
            } else {
                want[r.lines].0
            };
            prop_assert_eq!(r.consumed, consumed);
            for (k, w) in want[..r.lines].iter().enumerate() {
                let l = lines[k];
                prop_assert_eq!((l.off as usize, l.len as usize, l.status), (w.0, w.1, w.2));
                prop_assert_eq!(&fields[k * nf..(k + 1) * nf], &w.3[..]);
            }
        }
    }
}

#[test]
fn the_pool_covers_success_and_failure_for_every_parser() {
    for p in parsers() {
        let statuses: Vec<bool> = POOL
            .iter()
            .map(|l| p.parse(l, &mut vec![Span::ABSENT; p.field_count()]).is_ok())
            .collect();
        assert!(
            statuses.contains(&true),
            "{p:?}: no line of the pool parses"
        );
        assert!(statuses.contains(&false), "{p:?}: every line parses");
    }
}
