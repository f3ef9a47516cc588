//! `regex:` specs against the `regex` crate (differential): input is
//! `pattern NUL line`. Where both compile, every named group's span equals
//! the `regex` crate's capture on the same (EOL-stripped, UTF-8) line, and
//! "no match" is `LOG_ERR_REGEX_NO_MATCH`. Compilation agrees too, except
//! where logspan's documented rules differ (no named group, more than 256
//! groups). On any line, spans stay inside the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::{Error, Parser, Span};

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (pattern, line) = common::split_nul(data, b"GET /a 200\n");
    let Ok(pattern) = std::str::from_utf8(pattern) else {
        return;
    };
    // Keep compile time bounded: short patterns, small repetition counts.
    if pattern.len() > 200
        || pattern.matches('{').count() > 2
        || pattern
            .as_bytes()
            .windows(3)
            .any(|w| w.iter().all(u8::is_ascii_digit))
    {
        return;
    }
    let copy = line.to_vec();
    let ours = Parser::new(&format!("regex:{pattern}"));
    let theirs = regex::Regex::new(pattern);
    let p = match (ours, &theirs) {
        (Ok(p), Ok(_)) => p,
        (Ok(_), Err(e)) => {
            assert!(
                matches!(e, regex::Error::CompiledTooBig(_)),
                "regex crate rejects {pattern:?}: {e}"
            );
            return;
        }
        (Err(e), Ok(re)) => {
            let named = re.capture_names().flatten().count();
            assert!(
                named == 0 || re.captures_len() > 256 || pattern.is_empty(),
                "logspan rejects {pattern:?} that the regex crate compiles: {e}"
            );
            return;
        }
        (Err(_), Err(_)) => return,
    };
    let re = theirs.unwrap();
    let mut out = vec![
        Span {
            off: 1,
            len: 1,
            flags: 1
        };
        p.field_count()
    ];
    let got = p.parse(line, &mut out);
    common::check_result(line, &out, &got);
    let content = common::strip_eol(line);
    if let Ok(text) = std::str::from_utf8(content) {
        match re.captures(text) {
            None => assert_eq!(got, Err(Error::RegexNoMatch), "{pattern:?} on {text:?}"),
            Some(caps) => {
                assert!(got.is_ok(), "{pattern:?} on {text:?}: {got:?}");
                for (i, s) in out.iter().enumerate() {
                    let name = p.field_name(i).unwrap();
                    let want = caps.name(name).map(|m| (m.start() as u32, m.len() as u32));
                    let have = s.is_present().then_some((s.off, s.len));
                    assert_eq!(have, want, "group {name} of {pattern:?} on {text:?}");
                }
            }
        }
    }
    assert_eq!(line, &copy[..], "input untouched");
});
