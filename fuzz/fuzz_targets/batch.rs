//! Batch parsing with arbitrary buffers and tiny capacities, streamed in
//! pieces, equals parsing each line alone; nothing lost or duplicated.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Line, Parser, Span};

fuzz_target!(|input: (u8, u8, u8, &[u8])| {
    let (which, lines_cap, fields_cap, data) = input;
    let spec = ["access", "common", "json:a,b.c"][which as usize % 3];
    let p = Parser::new(spec).unwrap();
    let nf = p.field_count();
    let lines_cap = lines_cap as usize % 8;
    let fields_cap = fields_cap as usize % (8 * nf + 1);
    let mut lines = vec![Line::default(); lines_cap];
    let mut fields = vec![Span::ABSENT; fields_cap];
    let mut base = 0;
    let mut seen = 0;
    loop {
        let r = p.parse_batch(&data[base..], true, &mut lines, &mut fields);
        assert!(r.consumed <= data.len() - base);
        for (k, line) in lines[..r.lines].iter().enumerate() {
            let start = base + line.off as usize;
            let end = data[start..].iter().position(|&b| b == b'\n').map_or(data.len(), |e| start + e + 1);
            let mut one = vec![Span::ABSENT; nf];
            let want = p.parse(&data[start..end], &mut one).map(|n| n as i32).unwrap_or_else(|e| e.code());
            assert_eq!(line.status, want);
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
        base += r.consumed;
        if r.full == 0 || r.lines == 0 {
            break;
        }
    }
    if lines_cap > 0 && fields_cap >= nf {
        let expected = if data.is_empty() {
            0
        } else {
            data.split(|&b| b == b'\n').count() - data.ends_with(b"\n") as usize
        };
        assert_eq!(seen, expected, "every line reported once");
        assert_eq!(base, data.len());
    }
});
