//! Instructions per line, for `valgrind --tool=callgrind` (exact and
//! noise-free, so a regression shows on a noisy machine).
//!
//! ```text
//! icount <job> <implementation> <file> [N]   # measure one implementation
//! icount --list                              # job/implementation pairs
//! icount                                     # (cargo test) self-check on the samples
//! ```
//!
//! The first N lines of the file (all by default) are split and the
//! implementation is built and warmed up with one untimed pass; then one
//! pass runs inside `logspan_icount_measure`, the only function callgrind
//! counts (`--toggle-collect=logspan_icount_measure*`). `benches/bench.sh`
//! runs every implementation this way, plus `empty` (the same loop with a
//! closure that parses nothing), and reports (Ir - Ir(empty)) / N. The
//! batch rows (`logspan/batch`) run over the N lines as one buffer and
//! include the line splitting; the newline floor (`floor/memchr_newlines`)
//! too.

#[macro_use]
mod common;

use common::*;
use std::hint::black_box;

type LineFn<'a> = dyn FnMut(&[u8]) -> Option<u64> + 'a;

#[no_mangle]
#[inline(never)]
pub fn logspan_icount_measure(f: &mut LineFn<'_>, lines: &[&[u8]]) -> (u64, u64) {
    let (mut ok, mut sum) = (0u64, 0u64);
    for l in lines {
        if let Some(s) = f(black_box(l)) {
            ok += 1;
            sum = sum.wrapping_add(s);
        }
    }
    (ok, sum)
}

/// The untimed warm-up pass (not counted: another function name).
#[inline(never)]
fn warm_up(f: &mut LineFn<'_>, lines: &[&[u8]]) {
    for l in lines {
        black_box(f(black_box(l)));
    }
}

#[no_mangle]
#[inline(never)]
pub fn logspan_icount_measure_buf(
    f: &mut dyn FnMut(&[u8]) -> (u64, u64),
    text: &[u8],
) -> (u64, u64) {
    f(black_box(text))
}

/// Every (job, implementation, check) this binary knows, per-line ones
/// boxed.
fn line_impl(job: &str, imp: &str) -> Option<(Check, Box<LineFn<'static>>)> {
    let mut found: Option<(Check, Box<LineFn<'static>>)> = None;
    macro_rules! pick {
        ($want:expr; $j:expr, $i:expr, $check:expr, $ctor:expr) => {
            if found.is_none() && $want == ($j, $i) {
                found = Some(($check, Box::new($ctor)));
            }
        };
    }
    each_line_impl!(pick!((job, imp)));
    if found.is_none() && imp == "empty" {
        found = Some((Check::Lines, Box::new(|l: &[u8]| Some(l.len() as u64))));
    }
    found
}

fn list() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    macro_rules! push {
        (; $j:expr, $i:expr, $check:expr, $ctor:expr) => {
            v.push(($j, $i));
        };
    }
    each_line_impl!(push!());
    for job in JOBS {
        v.push((job, "logspan/batch"));
        v.push((job, "floor/memchr_newlines"));
    }
    v
}

/// Run one implementation over `lines` (joined into `text` for the
/// buffer-wide ones): warm-up pass, then the measured pass.
fn run(job: &str, imp: &str, lines: &[&[u8]], text: &[u8]) -> (u64, u64) {
    match imp {
        "logspan/batch" => {
            let (spec, sum) = batch_spec(job);
            let mut f = logspan_batch(spec, sum);
            black_box(f(black_box(text)));
            logspan_icount_measure_buf(&mut f, text)
        }
        "floor/memchr_newlines" => {
            let mut f = |t: &[u8]| (memchr::memchr_iter(b'\n', t).count() as u64, 0);
            black_box(f(black_box(text)));
            logspan_icount_measure_buf(&mut f, text)
        }
        _ => {
            let (_, mut f) =
                line_impl(job, imp).unwrap_or_else(|| panic!("no implementation {job} {imp}"));
            warm_up(&mut *f, lines);
            logspan_icount_measure(&mut *f, lines)
        }
    }
}

fn first_lines(text: &[u8], n: usize) -> (Vec<&[u8]>, Vec<u8>) {
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .take(n)
        .collect();
    let mut joined = Vec::with_capacity(text.len().min(n * 512));
    for l in &lines {
        joined.extend_from_slice(l);
        joined.push(b'\n');
    }
    (lines, joined)
}

/// `cargo test`: every implementation on the first 300 lines of each
/// shipped sample agrees with logspan.
fn self_check() {
    let cs = corpora();
    for (job, imp) in list() {
        let c = match job {
            "access" => &cs.access,
            "json" => &cs.json,
            "logfmt" => &cs.logfmt,
            _ => &cs.syslog,
        };
        let (lines, text) = first_lines(&c.text, 300);
        let got = run(job, imp, &lines, &text);
        let check = match imp {
            "logspan/batch" => match job {
                "access" => Check::Access,
                "json" => Check::Json,
                "logfmt" => Check::Logfmt,
                _ => Check::Syslog,
            },
            "floor/memchr_newlines" => Check::Lines,
            _ => line_impl(job, imp).unwrap().0,
        };
        assert_eq!(got, reference(check, &lines), "{job} {imp}");
    }
    println!(
        "icount self-check: {} implementations agree with logspan",
        list().len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.as_slice() {
        [] => self_check(),
        [l] if l == "--list" => {
            for (job, imp) in list() {
                println!("{job} {imp}");
            }
        }
        [job, imp, file, rest @ ..] => {
            let n = rest.first().map_or(usize::MAX, |s| s.parse().expect("N"));
            let text = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            let (lines, joined) = first_lines(&text, n);
            let (ok, sum) = run(job, imp, &lines, &joined);
            println!("{job} {imp} lines={} ok={ok} checksum={sum}", lines.len());
        }
        _ => {
            eprintln!("usage: icount <job> <implementation> <file> [N] | --list");
            std::process::exit(2);
        }
    }
}
