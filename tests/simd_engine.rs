//! The SIMD engine against the scalar reference (differential).
//!
//! `Level::Fallback` runs the scalar access-log parser the engine was
//! written from; every other level this CPU has (and the portable
//! `ScalarBlock` walker, `None`) must give the same status, the same
//! spans and the same flags on every input: generated well-formed lines,
//! token soups that hit every error path, and lines whose fields straddle
//! 64-byte block boundaries. The batch path (whole buffer classified
//! line by line, reads past a line's end into the next) must equal the
//! per-line reference.

use logspan::formats::access_fast::{parse_fast_at, parse_spec_at};
use logspan::simd::{available_levels, level, Level};
use logspan::{Line, Parser, Span, LOG_FAST_FIELDS};
use proptest::prelude::*;

type Out = (Result<usize, logspan::Error>, [Span; LOG_FAST_FIELDS]);

fn run(level: Option<Level>, line: &[u8]) -> Out {
    run_spec(level, "access", line)
}

fn run_spec(level: Option<Level>, spec: &str, line: &[u8]) -> Out {
    let mut out = [Span {
        off: 7,
        len: 7,
        flags: 7,
    }; LOG_FAST_FIELDS];
    let r = if spec == "access" {
        parse_fast_at(level, line, &mut out)
    } else {
        parse_spec_at(level, spec, line, &mut out)
    };
    (r, out)
}

fn engines() -> Vec<Option<Level>> {
    let mut v: Vec<Option<Level>> = available_levels().into_iter().map(Some).collect();
    v.push(None);
    v
}

fn check_line(line: &[u8]) -> Result<(), TestCaseError> {
    for spec in ["combined", "common"] {
        let want = run_spec(Some(Level::Fallback), spec, line);
        for e in engines() {
            let got = run_spec(e, spec, line);
            prop_assert_eq!(
                got,
                want,
                "{} engine {:?} on {:?}",
                spec,
                e,
                String::from_utf8_lossy(line)
            );
        }
    }
    let want = run(Some(Level::Fallback), line);
    for e in engines() {
        let got = run(e, line);
        prop_assert_eq!(
            got,
            want,
            "engine {:?} on {:?}",
            e,
            String::from_utf8_lossy(line)
        );
    }
    // The public entry point takes the detected level.
    let mut out = [Span::ABSENT; LOG_FAST_FIELDS];
    prop_assert_eq!(logspan::parse_fast(line, &mut out), want.0);
    prop_assert_eq!(out, want.1);
    Ok(())
}

/// Pieces of access-log lines, and the bytes the walker jumps between.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b" ".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\\"".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"-".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"GET".to_vec()),
        Just(b"HTTP/1.1".to_vec()),
        Just(b"200".to_vec()),
        Just(b"1.2.3.4".to_vec()),
        Just(b"10/Oct/2000:13:55:36 -0700".to_vec()),
        "[0-9]{1,5}".prop_map(String::into_bytes),
        "[a-z/]{0,8}".prop_map(String::into_bytes),
        (1usize..200).prop_map(|n| vec![b'x'; n]),
        any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(token(), 0..40).prop_map(|v| v.concat())
}

/// A well-formed combined (or common) line with fields of random length,
/// so every field boundary lands at every phase of a 64-byte block.
fn well_formed() -> impl Strategy<Value = Vec<u8>> {
    (
        "[0-9a-f.:]{1,39}",
        "[a-z-]{1,12}",
        "[ -~&&[^\\]]]{0,40}",
        "[A-Z]{1,8}",
        "/[ -~&&[^ \"\\\\]]{0,120}",
        prop::option::of("HTTP/[0-9](\\.[0-9])?"),
        "[0-9]{3}",
        "[0-9]{1,9}|-",
        prop::option::of((
            "([ -~&&[^\"\\\\]]|\\\\[\"\\\\])*"
                .prop_map(|s| s.chars().take(150).collect::<String>()),
            "([ -~&&[^\"\\\\]]|\\\\[\"\\\\])*"
                .prop_map(|s| s.chars().take(300).collect::<String>()),
        )),
    )
        .prop_map(|(h, u, t, m, p, proto, s, b, tail)| {
            let req = match proto {
                Some(v) => format!("{m} {p} {v}"),
                None => format!("{m} {p}"),
            };
            let mut l = format!("{h} - {u} [{t}] \"{req}\" {s} {b}");
            if let Some((r, a)) = tail {
                l.push_str(&format!(" \"{r}\" \"{a}\""));
            }
            l.into_bytes()
        })
}

fn eol() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![&b""[..], b"\n", b"\r\n"])
}

/// The batch API over `lines` joined by `\n` (or `\r\n`) against the
/// per-line reference, offsets moved to the buffer.
fn check_batch(lines: &[Vec<u8>], crlf: bool) -> Result<(), TestCaseError> {
    let p = Parser::new("access").unwrap();
    let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut buf = Vec::new();
    let mut starts = Vec::new();
    for l in lines {
        starts.push(buf.len());
        buf.extend_from_slice(l);
        buf.extend_from_slice(sep);
    }
    let mut out_lines = vec![Line::default(); lines.len()];
    let mut spans = vec![Span::ABSENT; lines.len() * LOG_FAST_FIELDS];
    let r = p.parse_batch(&buf, true, &mut out_lines, &mut spans);
    prop_assert_eq!(r.lines, lines.len());
    if !lines.iter().any(|l| l.contains(&b'\n')) {
        prop_assert_eq!(r.consumed, buf.len());
    }
    for (k, l) in lines.iter().enumerate() {
        // A line holding a newline of its own is more than one line.
        if l.contains(&b'\n') {
            return Ok(());
        }
        // With its line ending, as the batch sees it (a line ending in
        // `\r` followed by `\n` is a `\r\n` line).
        let raw = [&l[..], sep].concat();
        let (want, want_spans) = run(Some(Level::Fallback), &raw);
        let status = want.map(|n| n as i32).unwrap_or_else(|e| e.code());
        prop_assert_eq!(out_lines[k].status, status, "line {}", k);
        let content = raw
            .strip_suffix(b"\r\n")
            .or_else(|| raw.strip_suffix(b"\n"))
            .unwrap_or(&raw);
        prop_assert_eq!(out_lines[k].off as usize, starts[k], "line {} offset", k);
        prop_assert_eq!(
            out_lines[k].len as usize,
            content.len(),
            "line {} length",
            k
        );
        for (f, s) in want_spans.iter().enumerate() {
            let want = if s.is_present() {
                Span {
                    off: s.off + starts[k] as u32,
                    ..*s
                }
            } else {
                *s
            };
            prop_assert_eq!(
                spans[k * LOG_FAST_FIELDS + f],
                want,
                "line {} field {}",
                k,
                f
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn well_formed_lines_agree(l in well_formed(), e in eol()) {
        check_line(&[&l[..], e].concat())?;
    }

    #[test]
    fn token_soups_agree(l in soup(), e in eol()) {
        check_line(&[&l[..], e].concat())?;
    }

    #[test]
    fn flipped_and_cut_lines_agree(l in well_formed(), at in any::<prop::sample::Index>(), b in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut l = l;
        let i = at.index(l.len());
        l[i] = b;
        check_line(&l)?;
        check_line(&l[..cut.index(l.len() + 1)])?;
    }

    #[test]
    fn batches_agree_with_the_reference(
        lines in prop::collection::vec(prop_oneof![well_formed(), soup()], 1..30),
        crlf in any::<bool>(),
    ) {
        check_batch(&lines, crlf)?;
    }
}

/// The batch finds each line's end while classifying it: lines whose
/// content, `\r` or `\n` falls on either side of a 64-byte boundary, and
/// lines too long for that pass (over 1 KiB with the line ending), which
/// take the memchr path, all agree with the reference.
#[test]
fn batch_lines_ending_at_block_boundaries_and_past_the_fast_limit() {
    let line = |len: usize| {
        let head = b"h - - [t] \"GET /";
        let tail = b" HTTP/1.1\" 200 5 \"-\" \"ua\"";
        let fill = len.saturating_sub(head.len() + tail.len()).max(1);
        [&head[..], &vec![b'p'; fill], &tail[..]].concat()
    };
    let lens: Vec<usize> = [
        62, 63, 64, 65, 126, 127, 128, 129, 1021, 1022, 1023, 1024, 1025, 1100,
    ]
    .into_iter()
    .collect();
    for crlf in [false, true] {
        let lines: Vec<Vec<u8>> = lens.iter().map(|&n| line(n)).collect();
        assert!(lines.iter().zip(&lens).all(|(l, &n)| l.len() == n));
        check_batch(&lines, crlf).unwrap();
        // Each length alone at the very end of a buffer.
        for l in &lines {
            check_batch(std::slice::from_ref(l), crlf).unwrap();
        }
    }
}

#[test]
fn the_detected_level_is_the_best_available_unless_lowered() {
    let best = *available_levels().last().unwrap();
    match std::env::var("LOGSPAN_SIMD") {
        Ok(_) => assert!(available_levels().contains(&level())),
        Err(_) => assert_eq!(level(), best),
    }
    #[cfg(target_arch = "x86_64")]
    assert!(available_levels().contains(&Level::Sse2));
    #[cfg(target_arch = "aarch64")]
    assert!(available_levels().contains(&Level::Neon));
}

#[test]
fn the_shared_apache_log_agrees_at_every_level() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/access/elastic-examples/apache_logs"
    );
    let Ok(text) = std::fs::read(path) else {
        eprintln!("skipped: {path} not found");
        return;
    };
    let mut n = 0;
    for line in text.split(|&b| b == b'\n') {
        check_line(line).unwrap();
        n += 1;
    }
    assert!(n >= 10_000);
}
