//! The Rust side of `make flamegraph` (scripts/flamegraph.sh): parses an
//! access log with the batch API (1024 lines per call, as the Go Batch
//! does through cgo) over and over for a fixed time, so that `perf record`
//! sees the native parser with nothing else around it.
//!
//! ```text
//! cargo run --release --example flame -- [FILE] [SECONDS]
//! ```

use logspan::{Line, Parser, Span};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "examples/data/access.log".into());
    let secs: f64 = args.next().map_or(5.0, |s| s.parse().expect("SECONDS"));
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));

    let p = Parser::new("access").unwrap();
    let nf = p.field_count();
    let mut lines = vec![Line::default(); 1024];
    let mut fields = vec![Span::ABSENT; 1024 * nf];

    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let (mut passes, mut ok, mut sum) = (0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let mut rest = black_box(&text[..]);
        while !rest.is_empty() {
            let r = p.parse_batch(rest, true, &mut lines, &mut fields);
            for (k, line) in lines[..r.lines].iter().enumerate() {
                if line.status >= 0 {
                    ok += 1;
                    sum += fields[k * nf..(k + 1) * nf]
                        .iter()
                        .map(|s| s.len as u64)
                        .sum::<u64>();
                }
            }
            rest = &rest[r.consumed..];
        }
        passes += 1;
    }
    black_box(sum);
    println!("rust-logspan: {passes} passes over {path}, {ok} lines parsed");
}
