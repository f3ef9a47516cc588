//! The Rust side of `make flamegraph` (scripts/flamegraph.sh): parses an
//! access log with the batch API (1024 lines per call, as the Go Batch
//! does through cgo) over and over for a fixed time, so that `perf record`
//! sees the native parser with nothing else around it.
//!
//! ```text
//! cargo run --release --example flame -- [FILE] [SECONDS]
//! ```

#[path = "common/batch_pass.rs"]
mod batch_pass;

use batch_pass::BatchPass;
use logspan::Parser;
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
    let mut pass = BatchPass::new(&p);

    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let (mut passes, mut ok, mut sum) = (0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let (o, s) = pass.run(black_box(&text[..]));
        (ok, sum) = (ok + o, sum.wrapping_add(s));
        passes += 1;
    }
    black_box(sum);
    println!("rust-logspan: {passes} passes over {path}, {ok} lines parsed");
}
