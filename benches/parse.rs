//! Side-by-side benchmarks: logspan against the peers a Rust user would
//! pick instead, every format, on the same corpus, in one run.
//!
//! ```text
//! cargo bench --bench parse                 # everything (shipped samples)
//! cargo bench --bench parse -- json/        # one job
//! make bench                                # the 4 x 50 MB bench corpus, Go peers, report
//! ```
//!
//! Jobs (one criterion group per job and corpus, throughput in bytes of
//! the corpus, newlines included):
//! - `access`: `log_parse_fast` (at the detected SIMD level, and at
//!   `@fallback`: the scalar reference parser, without the engine), the
//!   batch API, a `pattern:` and a `regex:` spec against `regex`, `regex-automata` and a hand memchr
//!   splitter; on the generated combined log and on the real Apache log
//!   from `../shared/corpora` when it is there;
//! - `json`: 5 fields with full validation against `serde_json` (typed
//!   borrowed struct, and validation alone) and `simd-json` (tape, buffers
//!   reused);
//! - `logfmt`: 5 keys against a `regex` pair loop and a hand scanner;
//! - `syslog`: RFC 5424/3164 mix against `regex`, `regex-automata` and a
//!   hand splitter;
//! - every job: `floor/memchr_newlines`, the cost of finding the lines.
//!
//! Inputs: `$LOGSPAN_BENCH_CORPUS/*.log` when set (`make bench` generates
//! them with `cargo run --release --example gen_samples -- --bench-corpus`),
//! else the shipped samples in `examples/data/`. Lines are split before
//! timing. Every implementation is run over the whole corpus first and its
//! accepted-line count and field checksum are asserted equal to logspan's
//! (see `benches/common/mod.rs`); a second untimed pass counts heap
//! allocations (a counting global allocator). With `$LOGSPAN_BENCH_OUT`
//! set, those facts go to `$LOGSPAN_BENCH_OUT/rust-meta.jsonl` for the
//! report; `$LOGSPAN_BENCH_QUICK=1` shortens warm-up and measurement.

#[macro_use]
mod common;

use common::*;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Counts allocations (realloc counts as one) for the allocs/line column.
struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwards the caller's GlobalAlloc contract unchanged to System.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwards the caller's GlobalAlloc contract unchanged to System.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwards the caller's GlobalAlloc contract unchanged to System.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwards the caller's GlobalAlloc contract unchanged to System.
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One pass of a per-line implementation: (accepted lines, checksum).
#[inline(always)]
fn pass<F: FnMut(&[u8]) -> Option<u64>>(f: &mut F, lines: &[&[u8]]) -> (u64, u64) {
    let (mut ok, mut sum) = (0u64, 0u64);
    for l in lines {
        if let Some(s) = f(black_box(l)) {
            ok += 1;
            sum = sum.wrapping_add(s);
        }
    }
    (ok, sum)
}

struct Ctx {
    meta: Option<std::fs::File>,
    refs: HashMap<(String, &'static str), (u64, u64)>,
}

impl Ctx {
    fn reference(&mut self, check: Check, c: &Corpus, lines: &[&[u8]]) -> (u64, u64) {
        *self
            .refs
            .entry((c.name.clone(), check.name()))
            .or_insert_with(|| reference(check, lines))
    }

    /// Assert, count allocations (second pass), record.
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        group: &str,
        job: &str,
        imp: &str,
        check: Check,
        c: &Corpus,
        got: (u64, u64),
        allocs: u64,
    ) {
        let lines = c.lines();
        let want = self.reference(check, c, &lines);
        assert_eq!(
            got,
            want,
            "{group}/{imp}: (accepted lines, checksum) differ from logspan's ({})",
            check.name()
        );
        if let Some(f) = &mut self.meta {
            writeln!(
                f,
                "{}",
                serde_json::json!({
                    "lang": "rust", "group": group, "job": job, "impl": imp,
                    "corpus": c.name, "path": c.path, "lines": c.line_count(),
                    "bytes": c.text.len(), "ok": got.0, "checksum": got.1,
                    "check": check.name(), "allocs": allocs,
                })
            )
            .unwrap();
        }
    }
}

fn bench_line<F: FnMut(&[u8]) -> Option<u64>>(
    g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ctx: &mut Ctx,
    (group, job): (&str, &str),
    imp: &str,
    check: Check,
    c: &Corpus,
    mut f: F,
) {
    let lines = c.lines();
    let got = pass(&mut f, &lines);
    let a0 = ALLOCS.load(Relaxed);
    let again = pass(&mut f, &lines);
    let allocs = ALLOCS.load(Relaxed) - a0;
    assert_eq!(got, again, "{group}/{imp}: two passes differ");
    ctx.check(group, job, imp, check, c, got, allocs);
    g.bench_function(imp, |b| b.iter(|| pass(&mut f, &lines)));
}

macro_rules! line_bench {
    ($g:expr, $ctx:expr, $job:expr, $corpus:expr; $j:expr, $imp:expr, $check:expr, $ctor:expr) => {
        if $j == $job.1 {
            bench_line($g, $ctx, $job, $imp, $check, $corpus, $ctor);
        }
    };
}

fn group_of<'c>(
    c: &'c mut Criterion,
    name: &str,
    bytes: usize,
) -> BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    // One iteration is a whole-corpus pass (up to ~1 s for the slowest
    // peers on 50 MB): flat sampling, 10 samples.
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g
}

fn bench_job(c: &mut Criterion, ctx: &mut Ctx, job: &'static str, corpus: &Corpus) {
    let group = format!("{job}/{}", corpus.name);
    let mut g = group_of(c, &group, corpus.text.len());
    let key = (group.as_str(), job);

    each_line_impl!(line_bench!(&mut g, ctx, key, corpus));

    // The batch API: one call per 1024 lines over the raw buffer (the
    // line splitting is included).
    let (spec, sum) = batch_spec(job);
    let mut batch = logspan_batch(spec, sum);
    let got = batch(&corpus.text);
    let a0 = ALLOCS.load(Relaxed);
    batch(&corpus.text);
    let allocs = ALLOCS.load(Relaxed) - a0;
    let check = match job {
        "access" => Check::Access,
        "json" => Check::Json,
        "logfmt" => Check::Logfmt,
        _ => Check::Syslog,
    };
    ctx.check(&group, job, "logspan/batch", check, corpus, got, allocs);
    g.bench_function("logspan/batch", |b| {
        b.iter(|| batch(black_box(&corpus.text)))
    });

    let got = (memchr::memchr_iter(b'\n', &corpus.text).count() as u64, 0);
    ctx.check(
        &group,
        job,
        "floor/memchr_newlines",
        Check::Lines,
        corpus,
        got,
        0,
    );
    g.bench_function("floor/memchr_newlines", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', black_box(&corpus.text)).count())
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let meta = std::env::var("LOGSPAN_BENCH_OUT").ok().map(|d| {
        std::fs::create_dir_all(&d).unwrap();
        std::fs::File::create(format!("{d}/rust-meta.jsonl")).unwrap()
    });
    let mut ctx = Ctx {
        meta,
        refs: HashMap::new(),
    };
    let cs = corpora();
    bench_job(c, &mut ctx, "access", &cs.access);
    if let Some(apache) = &cs.apache {
        bench_job(c, &mut ctx, "access", apache);
    }
    bench_job(c, &mut ctx, "json", &cs.json);
    bench_job(c, &mut ctx, "logfmt", &cs.logfmt);
    bench_job(c, &mut ctx, "syslog", &cs.syslog);
}

fn config() -> Criterion {
    let quick = std::env::var("LOGSPAN_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (warm, measure) = if quick { (0.3, 1.0) } else { (1.0, 4.0) };
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(warm))
        .measurement_time(Duration::from_secs_f64(measure))
        .without_plots()
        .configure_from_args()
}

fn main() {
    let mut c = config();
    benches(&mut c);
    c.final_summary();
}
