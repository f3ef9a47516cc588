//! `regex:<pattern>`: a user regex whose named capture groups are the
//! fields, run by regex-automata's meta engine.
//!
//! Rules (the README's format table says the same):
//! - the syntax is Rust's `regex` syntax (RE2-like); every named group
//!   `(?P<name>...)` or `(?<name>...)` is a field, in the order the groups
//!   open; unnamed groups are not reported; at least one named group is
//!   required and at most [`LOG_MAX_REGEX_GROUPS`] groups in all;
//! - matching is a search (write `^...$` to anchor) over the line without
//!   its trailing `\n` / `\r\n`; no match is [`Error::RegexNoMatch`];
//! - a group that does not take part in the match is absent; a group that
//!   matched the empty string is present with length 0;
//! - matching runs in time linear in the line for a given regex: there is
//!   no backtracking engine without a bound (no catastrophic patterns);
//! - per line, the capture slots live on the stack; the engine's search
//!   cache comes from a pool the regex owns, so after the first line on a
//!   thread nothing is allocated.

use regex_automata::meta::Regex;
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::{Input, PatternID};

use crate::error::{Error, SpecError};
use crate::span::Span;

/// Most capture groups (named or not, plus the implicit whole match) a
/// `regex:` spec may have.
pub const LOG_MAX_REGEX_GROUPS: usize = 256;

/// A compiled `regex:` spec.
#[derive(Clone, Debug)]
pub(crate) struct RegexSpec {
    re: Regex,
    /// For each field, the slot index of its group's start (end = +1).
    slots: Box<[usize]>,
    slot_len: usize,
}

/// Compile the pattern after `regex:` (`base` = its byte position in the
/// whole spec, for error positions).
pub(crate) fn compile(pattern: &str, base: usize) -> Result<(RegexSpec, Vec<String>), SpecError> {
    let re = Regex::builder()
        // Bounded compiled size: a spec is configuration, but an
        // accidental `\w{1000}{1000}` must fail fast, not eat memory.
        .configure(Regex::config().nfa_size_limit(Some(16 << 20)))
        .build(pattern)
        .map_err(|e| {
            let (pos, what) = match e.syntax_error() {
                Some(regex_syntax::Error::Parse(p)) => {
                    (p.span().start.offset, p.kind().to_string())
                }
                Some(regex_syntax::Error::Translate(t)) => {
                    (t.span().start.offset, t.kind().to_string())
                }
                _ => (0, e.to_string()),
            };
            SpecError {
                pos: base + pos,
                msg: format!("invalid regex: {}", first_line(&what)),
            }
        })?;
    let info = re.group_info();
    let pid = PatternID::ZERO;
    if info.group_len(pid) > LOG_MAX_REGEX_GROUPS {
        return Err(SpecError {
            pos: base,
            msg: format!(
                "regex has {} groups; at most {LOG_MAX_REGEX_GROUPS} are allowed",
                info.group_len(pid)
            ),
        });
    }
    let mut names = Vec::new();
    let mut slots = Vec::new();
    for (g, name) in info.pattern_names(pid).enumerate() {
        if let Some(name) = name {
            names.push(name.to_string());
            slots.push(info.slot(pid, g).expect("group exists"));
        }
    }
    if names.is_empty() {
        return Err(SpecError {
            pos: base,
            msg: "regex has no named capture group: name the fields, e.g. `(?P<status>\\d{3})`"
                .into(),
        });
    }
    Ok((
        RegexSpec {
            slot_len: info.slot_len(),
            re,
            slots: slots.into_boxed_slice(),
        },
        names,
    ))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Parse one line into `out[..field_count]`; returns the present count.
pub(crate) fn parse(line: &[u8], spec: &RegexSpec, out: &mut [Span]) -> Result<usize, Error> {
    let out = &mut out[..spec.slots.len()];
    let line = crate::strip_eol(line);
    if line.len() > crate::LOG_MAX_LINE_LEN {
        out.fill(Span::ABSENT);
        return Err(Error::LineTooLong);
    }
    // Slots on the stack, sized for the common case: clearing the full
    // 512-slot array for every line cost more than the match itself.
    if spec.slot_len <= SMALL_SLOTS {
        let mut slots = [None::<NonMaxUsize>; SMALL_SLOTS];
        search(line, spec, &mut slots[..spec.slot_len], out)
    } else {
        let mut slots = [None::<NonMaxUsize>; 2 * LOG_MAX_REGEX_GROUPS];
        search(line, spec, &mut slots[..spec.slot_len], out)
    }
}

/// Slots of a regex with up to 31 groups (plus the implicit group 0).
const SMALL_SLOTS: usize = 64;

#[inline(always)]
fn search(
    line: &[u8],
    spec: &RegexSpec,
    slots: &mut [Option<NonMaxUsize>],
    out: &mut [Span],
) -> Result<usize, Error> {
    if spec.re.search_slots(&Input::new(line), slots).is_none() {
        out.fill(Span::ABSENT);
        return Err(Error::RegexNoMatch);
    }
    let mut present = 0;
    for (o, &s) in out.iter_mut().zip(spec.slots.iter()) {
        *o = match (slots[s], slots[s + 1]) {
            (Some(a), Some(b)) => {
                present += 1;
                Span::new(a.get(), b.get(), 0)
            }
            _ => Span::ABSENT,
        };
    }
    Ok(present)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pattern: &str, line: &str) -> Result<Vec<Option<String>>, Error> {
        let (spec, _) = compile(pattern, 0).unwrap();
        let mut out = vec![Span::new(0, 0, 9); spec.slots.len()];
        let n = parse(line.as_bytes(), &spec, &mut out)?;
        let v: Vec<_> = out
            .iter()
            .map(|s| {
                s.get(line.as_bytes())
                    .map(|b| String::from_utf8(b.to_vec()).unwrap())
            })
            .collect();
        assert_eq!(n, v.iter().filter(|x| x.is_some()).count());
        Ok(v)
    }

    #[test]
    fn named_groups_are_fields_in_order() {
        let (_, names) = compile(r"(?P<a>x)(y)(?<b>z)?", 0).unwrap();
        assert_eq!(names, ["a", "b"]);
        let got = run(
            r"^(?P<ip>\S+) .* (?P<status>\d{3}) (?P<opt>-)?(?P<size>\d*)$",
            "1.2.3.4 - - 404 \n",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Some("1.2.3.4".into()),
                Some("404".into()),
                None,
                Some("".into())
            ]
        );
        assert_eq!(run(r"(?P<d>\d+)", "abc"), Err(Error::RegexNoMatch));
        // Search, not anchored.
        assert_eq!(run(r"(?P<d>\d+)", "ab 42 c").unwrap(), [Some("42".into())]);
    }

    #[test]
    fn many_groups_take_the_large_slot_array() {
        // 31 named groups fit the small array (64 slots with group 0);
        // 32 and 40 do not.
        for n in [31, 32, 40] {
            let pattern: String = (0..n).map(|i| format!("(?P<g{i}>[a-z]+)-")).collect();
            let line: String = (0..n)
                .map(|i| format!("{}-", "x".repeat(i % 5 + 1)))
                .collect();
            let got = run(&pattern, &line).unwrap();
            assert_eq!(got.len(), n);
            for (i, g) in got.iter().enumerate() {
                assert_eq!(
                    g.as_deref(),
                    Some("x".repeat(i % 5 + 1).as_str()),
                    "n={n} group {i}"
                );
            }
        }
    }

    #[test]
    fn compile_errors_have_positions() {
        let e = compile(r"(?P<a>x", 6).unwrap_err();
        assert_eq!(e.pos, 6, "{e}");
        let e = compile(r"ab(?P<a>[z-a])", 6).unwrap_err();
        assert_eq!(e.pos, 6 + 9, "{e}");
        assert!(e.msg.contains("invalid character class range"), "{e}");
        assert!(compile("abc", 0)
            .unwrap_err()
            .msg
            .contains("no named capture group"));
        let many = "(x)".repeat(LOG_MAX_REGEX_GROUPS) + "(?P<a>y)";
        assert!(compile(&many, 0).is_err());
    }

    #[test]
    fn adversarial_patterns_stay_linear() {
        // (a+)+$ backtracks exponentially in PCRE-style engines.
        let (spec, _) = compile(r"^(?P<x>(a+)+)$", 0).unwrap();
        let line = "a".repeat(100_000) + "!";
        let mut out = [Span::ABSENT; 1];
        // An exponential engine would not return from this in any lifetime.
        assert_eq!(
            parse(line.as_bytes(), &spec, &mut out),
            Err(Error::RegexNoMatch)
        );
    }
}
