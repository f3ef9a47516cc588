//! The Rust side of `scripts/scaling.sh`: does a parse scale to two
//! threads, and how well does this machine itself scale?
//!
//! ```text
//! cargo run --release --example scaling -- scale FILE SPEC [BYTES] [ROUNDS]
//! cargo run --release --example scaling -- ceiling [ROUNDS]
//! cargo run --release --example scaling -- floor FILE [ROUNDS]
//! ```
//!
//! `scale` times the batch parse of FILE's first BYTES (default: all) on
//! one thread, then on two threads at once (each its own Line/Span arrays,
//! one shared Parser, as Go's Batches share one Parser), ROUNDS times
//! interleaved, and prints the median scaling and each round's GiB/s.
//! Interleaving matters on a VM: the host's other load moves a run's speed
//! by tens of percent over seconds, so 1-thread and 2-thread runs far
//! apart in time do not compare.
//!
//! `ceiling` does the same with no parse and no memory: eight independent
//! xorshift chains, all register work. It is the machine's own
//! scaling: below 2x when the host shares the two vCPUs' cores with other
//! work (or they are hyper-threads of one core, which a guest cannot see
//! in lscpu), and no parse scales better than it.
//!
//! `floor` is the memory side: memchr counting FILE's newlines, the least
//! work that reads every byte, to show how far the parse is from what
//! memory can feed two cores.

#[path = "common/batch_pass.rs"]
mod batch_pass;

use batch_pass::BatchPass;
use logspan::Parser;
use std::hint::black_box;
use std::time::Instant;

/// Parses `text` `passes` times through the batch API.
fn parse_passes(text: &[u8], p: &Parser, passes: usize) -> usize {
    let mut pass = BatchPass::new(p);
    (0..passes).fold(0, |sum, _| {
        sum.wrapping_add(pass.run(black_box(text)).1 as usize)
    })
}

/// GiB/s of `threads` threads at once, each running `work`, which reads
/// `bytes` bytes.
fn gib_per_s(threads: usize, bytes: usize, work: impl Fn() -> usize + Sync) -> f64 {
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| black_box(work()));
        }
    });
    (bytes * threads) as f64 / t0.elapsed().as_secs_f64() / (1u64 << 30) as f64
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    (v[(n - 1) / 2] + v[n / 2]) / 2.0
}

fn show(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:.2}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Billions of xorshift steps a second of `threads` threads, each running
/// 100 M rounds of eight independent xorshift64 chains: all register
/// work, more independent operations than the core has ALUs.
fn steps_per_ns(threads: usize) -> f64 {
    const ROUNDS: u64 = 100_000_000;
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut a: [u64; 8] = black_box([1, 2, 3, 4, 5, 6, 7, 8]);
                for _ in 0..ROUNDS / 1024 {
                    for _ in 0..1024 {
                        for x in a.iter_mut() {
                            *x ^= *x << 13;
                            *x ^= *x >> 7;
                            *x ^= *x << 17;
                        }
                    }
                    a = black_box(a);
                }
            });
        }
    });
    (8 * ROUNDS * threads as u64) as f64 / t0.elapsed().as_secs_f64() / 1e9
}

/// Runs `f(1)` and `f(2)` `rounds` times interleaved and prints the
/// median scaling.
fn interleaved(what: &str, unit: &str, rounds: usize, f: impl Fn(usize) -> f64) {
    let (mut one, mut two) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        one.push(f(1));
        two.push(f(2));
    }
    println!(
        "{what:<8} 1 thread {:.2} {unit}, 2 threads {:.2} {unit}: scaling {:.2}x (medians of {rounds}; 1: {}; 2: {})",
        median(&one),
        median(&two),
        median(&two) / median(&one),
        show(&one),
        show(&two),
    );
}

fn usage() -> ! {
    eprintln!(
        "usage: scaling scale FILE SPEC [BYTES] [ROUNDS]\n       \
         scaling ceiling [ROUNDS]\n       scaling floor FILE [ROUNDS]"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds_at = |i: usize| args.get(i).map_or(8, |s| s.parse().expect("ROUNDS"));
    match args.first().map(String::as_str) {
        Some("ceiling") => interleaved("ceiling", "G steps/s", rounds_at(1), steps_per_ns),
        Some("floor") if args.len() >= 2 => {
            let text = std::fs::read(&args[1]).unwrap_or_else(|e| panic!("{}: {e}", args[1]));
            // About 0.3 s a round at 20 GiB/s.
            let passes = ((6usize << 30) / text.len().max(1)).max(1);
            let newlines = || {
                (0..passes).fold(0, |n, _| {
                    n + memchr::memchr_iter(b'\n', black_box(&text[..])).count()
                })
            };
            interleaved("floor", "GiB/s", rounds_at(2), |threads| {
                gib_per_s(threads, text.len() * passes, newlines)
            });
        }
        Some("scale") if args.len() >= 3 => {
            let text = std::fs::read(&args[1]).unwrap_or_else(|e| panic!("{}: {e}", args[1]));
            let bytes: usize = args
                .get(3)
                .map_or(usize::MAX, |s| s.parse().expect("BYTES"));
            // Whole lines only, so every pass parses the same lines.
            let text = &text[..text.len().min(bytes)];
            let text = &text[..text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)];
            let p = Parser::new(&args[2]).unwrap_or_else(|e| panic!("{}: {e:?}", args[2]));
            // About 0.3 s a round at 1 GiB/s, whatever the slice's size.
            let passes = ((300usize << 20) / text.len().max(1)).max(1);
            parse_passes(text, &p, 1); // warm-up: page faults, caches
            let format = args[2].split(':').next().unwrap_or("");
            interleaved(format, "GiB/s", rounds_at(4), |threads| {
                gib_per_s(threads, text.len() * passes, || {
                    parse_passes(text, &p, passes)
                })
            });
        }
        _ => usage(),
    }
}
