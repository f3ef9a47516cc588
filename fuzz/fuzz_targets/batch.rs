//! Batch parsing with arbitrary buffers, flags and tiny capacities,
//! streamed in pieces, equals parsing each line alone (for every format);
//! nothing lost or duplicated, spans inside the buffer, input untouched.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Line, Parser, Span, LOG_BATCH_END_OF_INPUT, LOG_BATCH_SKIP_EMPTY};

const SPECS: &[&str] = &[
    "access",
    "common",
    "json:a,b.c",
    "json:*2",
    "logfmt:a,b",
    "logfmt:*2",
    "syslog",
    "auto",
    "regex:^(?P<k>\\w+)=(?P<v>\\S*)$",
    "pattern:<a> <b>",
];

fuzz_target!(|input: (u8, u8, u8, &[u8])| {
    let (which, lines_cap, fields_cap, data) = input;
    let spec = SPECS[(which & 0x3f) as usize % SPECS.len()];
    let skip_empty = which & 0x40 != 0;
    let flags = LOG_BATCH_END_OF_INPUT | if skip_empty { LOG_BATCH_SKIP_EMPTY } else { 0 };
    let p = Parser::new(spec).unwrap();
    let copy = data.to_vec();
    let nf = p.field_count();
    let lines_cap = lines_cap as usize % 8;
    let fields_cap = fields_cap as usize % (8 * nf + 1);
    let mut lines = vec![Line::default(); lines_cap];
    let mut fields = vec![Span::ABSENT; fields_cap];
    let mut base = 0;
    let mut seen = 0;
    loop {
        let r = p
            .parse_batch_flags(&data[base..], flags, &mut lines, &mut fields)
            .unwrap();
        assert!(r.consumed <= data.len() - base);
        let mut errors = 0;
        for (k, line) in lines[..r.lines].iter().enumerate() {
            let start = base + line.off as usize;
            let end = data[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |e| start + e + 1);
            assert!(
                end <= base + r.consumed,
                "a reported line ends inside `consumed`"
            );
            let content = &data[start..end];
            let stripped = content
                .strip_suffix(b"\n")
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .unwrap_or(content);
            assert_eq!(line.len as usize, stripped.len());
            assert!(
                !(skip_empty && stripped.is_empty()),
                "skip-empty reported an empty line"
            );
            let mut one = vec![Span::ABSENT; nf];
            let want = p
                .parse(content, &mut one)
                .map(|n| n as i32)
                .unwrap_or_else(|e| e.code());
            assert_eq!(line.status, want);
            errors += usize::from(want < 0);
            for f in 0..nf {
                let got = fields[k * nf + f];
                let mut want = one[f];
                if want.is_present() {
                    want.off += line.off;
                }
                assert_eq!(got, want);
                if got.is_present() {
                    assert!(got.get(&data[base..]).is_some());
                }
            }
            seen += 1;
        }
        assert_eq!(r.errors, errors);
        base += r.consumed;
        if r.full == 0 || r.lines == 0 {
            break;
        }
    }
    if lines_cap > 0 && fields_cap >= nf {
        let mut expected = if data.is_empty() {
            0
        } else {
            data.split(|&b| b == b'\n').count() - data.ends_with(b"\n") as usize
        };
        if skip_empty {
            let pieces: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            let n = pieces.len();
            let empty = pieces
                .iter()
                .enumerate()
                .filter(|&(k, l)| (k + 1 < n) && (l.is_empty() || *l == b"\r"))
                .count();
            expected -= empty;
        }
        assert_eq!(seen, expected, "every line reported once");
        assert_eq!(base, data.len());
    }
    assert_eq!(data, &copy[..], "input untouched");
});
