//! nst/JSONTestSuite (`../shared/corpora/json/JSONTestSuite`), held to the
//! corpus README's rules:
//! - every `n_` file is rejected, without a stack overflow on the deeply
//!   nested ones;
//! - every `y_` file with an object at the top level is accepted, and the
//!   value of each top-level key, projected through a `json:` spec, is the
//!   value serde_json reads (last duplicate wins), with the right type
//!   flag; every other `y_` file is rejected as `JsonNotObject`, never as a
//!   syntax error (and accepted once wrapped in an object);
//! - `i_` files: no panic, and our verdict is pinned in a table;
//! - `test_transform/`: no panic, and our documented choices are pinned.
//!
//! Each file's whole content is handed over as one line: the parser strips
//! one trailing `\n` or `\r\n`, and any other newline is JSON whitespace.

use std::collections::BTreeSet;
use std::fmt;

use logspan::formats::json::validate;
use logspan::{
    Error, Parser, Span, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED, LOG_TYPE_ARRAY, LOG_TYPE_BOOL,
    LOG_TYPE_NULL, LOG_TYPE_NUMBER, LOG_TYPE_OBJECT, LOG_TYPE_STRING,
};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpora/json/JSONTestSuite"
);

struct Entry {
    /// Path relative to DIR, e.g. `test_parsing/y_object.json`.
    file: String,
    expect: String,
    top_level: Option<String>,
}

impl Entry {
    fn name(&self) -> &str {
        self.file.rsplit('/').next().unwrap()
    }
    fn read(&self) -> Vec<u8> {
        std::fs::read(format!("{DIR}/{}", self.file)).unwrap()
    }
}

/// `index.jsonl`, or `None` (with a message) when the corpus is missing.
fn index() -> Option<Vec<Entry>> {
    let path = format!("{DIR}/index.jsonl");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "SKIPPED: JSONTestSuite not found at {path} ({e}); see ../shared/corpora/README.md"
            );
            return None;
        }
    };
    let entries: Vec<Entry> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Entry {
                file: v["file"].as_str().unwrap().to_string(),
                expect: v["expect"].as_str().unwrap().to_string(),
                top_level: v["top_level"].as_str().map(str::to_string),
            }
        })
        .collect();
    assert_eq!(
        entries.len(),
        318,
        "index.jsonl lists every test_parsing file"
    );
    Some(entries)
}

/// An object's members in document order, duplicates kept (serde_json's
/// own parser, seen through a visitor).
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Members, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = m.next_entry::<String, Value>()? {
                    v.push(kv);
                }
                Ok(Members(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// A key written as a `json:` path segment (`.` `,` `[` `\`, leading
/// whitespace and a leading `*`, which would read as the enumerate mode
/// `json:*N`, escaped), or why it cannot be written.
fn key_path(key: &str) -> Result<String, &'static str> {
    if key.is_empty() {
        return Err("the empty key: a spec path cannot have an empty segment");
    }
    if key.ends_with(char::is_whitespace) {
        return Err("trailing whitespace: spec paths are trimmed before `\\` escapes are read");
    }
    let mut out = String::new();
    let mut leading = true;
    for ch in key.chars() {
        leading &= ch.is_whitespace();
        if leading || matches!(ch, '.' | ',' | '[' | '\\') || (out.is_empty() && ch == '*') {
            out.push('\\');
        }
        out.push(ch);
    }
    Ok(out)
}

/// The `LOG_TYPE_*` of a serde_json value.
fn json_type(v: &Value) -> u32 {
    match v {
        Value::Null => LOG_TYPE_NULL,
        Value::Bool(_) => LOG_TYPE_BOOL,
        Value::Number(_) => LOG_TYPE_NUMBER,
        Value::String(_) => LOG_TYPE_STRING,
        Value::Array(_) => LOG_TYPE_ARRAY,
        Value::Object(_) => LOG_TYPE_OBJECT,
    }
}

/// What serde_json reads from a span's raw text (strings lose their
/// quotes in a span: put them back).
fn span_value(raw: &[u8], ty: u32) -> Value {
    let text = if ty == LOG_TYPE_STRING {
        [&b"\""[..], raw, b"\""].concat()
    } else {
        raw.to_vec()
    };
    serde_json::from_slice(&text)
        .unwrap_or_else(|e| panic!("span {:?} is not JSON: {e}", String::from_utf8_lossy(raw)))
}

/// Check one projected span against the value serde_json gives.
fn check_span(what: &str, line: &[u8], span: Span, want: &Value, duplicate: bool) {
    let raw = span
        .get(line)
        .unwrap_or_else(|| panic!("{what}: absent, want {want}"));
    assert_eq!(span.json_type(), json_type(want), "{what}: type flag");
    assert_eq!(&span_value(raw, span.json_type()), want, "{what}: value");
    let escaped = span.json_type() == LOG_TYPE_STRING && raw.contains(&b'\\');
    assert_eq!(
        span.flags & LOG_FLAG_ESCAPED != 0,
        escaped,
        "{what}: escaped flag"
    );
    assert_eq!(
        span.flags & LOG_FLAG_DUPLICATE != 0,
        duplicate,
        "{what}: duplicate flag"
    );
}

/// `{"v":<content>}`: the file's value as a member of an object.
fn wrapped(content: &[u8]) -> Vec<u8> {
    [&b"{\"v\":"[..], content, b"}"].concat()
}

fn parse_one(spec: &str, line: &[u8]) -> (Result<usize, Error>, Vec<Span>) {
    let p = Parser::new(spec).unwrap();
    let mut out = vec![Span::ABSENT; p.field_count()];
    let r = p.parse(line, &mut out);
    (r, out)
}

#[test]
fn n_files_are_rejected() {
    let Some(index) = index() else { return };
    let mut count = 0;
    for e in index.iter().filter(|e| e.name().starts_with("n_")) {
        assert_eq!(e.expect, "reject");
        let content = e.read();
        let name = e.name();
        let got = validate(&content);
        assert!(got.is_err(), "{name} accepted");
        // A file rejected only because its top level is not an object
        // would be accepted inside one: that must not happen.
        assert_ne!(got, Err(Error::JsonNotObject), "{name}");
        let (r, out) = parse_one("json:v,a,x", &content);
        assert_eq!(r.map(|_| ()), got, "{name}: parse and validate agree");
        assert!(out.iter().all(|s| *s == Span::ABSENT), "{name}: no fields");
        let (r, out) = parse_one("json:v", &wrapped(&content));
        assert!(r.is_err(), "{name}: accepted as a member value");
        assert_eq!(out, [Span::ABSENT]);
        count += 1;
    }
    assert_eq!(count, 188);
}

#[test]
fn deep_nesting_is_rejected_without_recursion() {
    let Some(_) = index() else { return };
    for name in [
        "n_structure_100000_opening_arrays.json",
        "n_structure_open_array_object.json",
    ] {
        let content = std::fs::read(format!("{DIR}/test_parsing/{name}")).unwrap();
        assert!(content.len() >= 100_000);
        // A recursive descent needs far more than this at these depths.
        let got = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                let (r, _) = parse_one("json:a", &content);
                (validate(&content), r)
            })
            .unwrap()
            .join()
            .expect("no stack overflow, no panic");
        assert_eq!(got.0, Err(Error::JsonTooDeep), "{name}");
        assert_eq!(got.1, Err(Error::JsonTooDeep), "{name}");
    }
}

#[test]
fn y_object_files_are_accepted_with_serde_values() {
    let Some(index) = index() else { return };
    let mut files = 0;
    let mut keys_checked = 0;
    let mut skipped = BTreeSet::new();
    for e in index.iter().filter(|e| e.name().starts_with("y_")) {
        if e.top_level.as_deref() != Some("object") {
            continue;
        }
        let name = e.name();
        let content = e.read();
        assert_eq!(validate(&content), Ok(()), "{name}");
        let members = serde_json::from_slice::<Members>(&content).unwrap().0;
        let value: Value = serde_json::from_slice(&content).unwrap();
        let obj = value.as_object().unwrap();
        // Distinct keys in first-seen order, with their spec paths.
        let mut keys: Vec<(String, String)> = Vec::new();
        for (k, _) in &members {
            if keys.iter().any(|(seen, _)| seen == k) {
                continue;
            }
            match key_path(k) {
                Ok(p) => keys.push((k.clone(), p)),
                Err(why) => {
                    skipped.insert((name.to_string(), k.clone(), why));
                }
            }
        }
        // The member absent from every file is absent.
        let spec = std::iter::once("json:no such key".to_string())
            .chain(keys.iter().map(|(_, p)| p.clone()))
            .collect::<Vec<_>>()
            .join(",");
        let (r, out) = parse_one(&spec, &content);
        assert_eq!(r, Ok(keys.len()), "{name}: {spec}");
        assert_eq!(out[0], Span::ABSENT);
        for (j, (k, _)) in keys.iter().enumerate() {
            let occurrences = members.iter().filter(|(m, _)| m == k).count();
            // serde_json's map keeps the last duplicate, as we do.
            assert_eq!(
                &obj[k],
                &members.iter().rev().find(|(m, _)| m == k).unwrap().1
            );
            check_span(
                &format!("{name} key {k:?}"),
                &content,
                out[j + 1],
                &obj[k],
                occurrences > 1,
            );
            keys_checked += 1;
        }
        files += 1;
    }
    assert_eq!(files, 12, "the README counts 12 object files");
    assert!(keys_checked >= 12);
    // Every skipped key, with why: only y_object_empty_key's `""`.
    let skipped: Vec<_> = skipped
        .iter()
        .map(|(f, k, _)| (f.as_str(), k.as_str()))
        .collect();
    assert_eq!(skipped, [("y_object_empty_key.json", "")]);
}

#[test]
fn other_y_files_are_not_objects_and_valid_inside_one() {
    let Some(index) = index() else { return };
    let mut count = 0;
    for e in index.iter().filter(|e| e.name().starts_with("y_")) {
        let name = e.name();
        let content = e.read();
        let want: Value = serde_json::from_slice(&content)
            .unwrap_or_else(|err| panic!("serde_json rejects {name}: {err}"));
        if e.top_level.as_deref() != Some("object") {
            assert_eq!(validate(&content), Err(Error::JsonNotObject), "{name}");
            let (r, _) = parse_one("json:v", &content);
            assert_eq!(r, Err(Error::JsonNotObject), "{name}");
            count += 1;
        }
        // Every y_ value is a valid member value, read back as serde_json
        // reads it.
        let line = wrapped(&content);
        let (r, out) = parse_one("json:v", &line);
        assert_eq!(r, Ok(1), "{name} wrapped");
        check_span(&format!("{name} wrapped"), &line, out[0], &want, false);
    }
    assert_eq!(count, 95 - 12);
}

/// Our verdict on an implementation-defined file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject(Error),
}
use Verdict::{Accept, Reject};

fn verdict(r: Result<(), Error>) -> Verdict {
    match r {
        Ok(()) => Accept,
        Err(e) => Reject(e),
    }
}

/// `i_` files: (file, verdict on the file, verdict on `{"v":<file>}`).
/// From the documented rules: numbers are checked against the grammar
/// only (no range); lone or unpaired surrogate escapes are accepted;
/// strings must be valid UTF-8 (no overlong forms, no encoded surrogates,
/// nothing past U+10FFFF); no BOM, no UTF-16; a top level that is not an
/// object is `JsonNotObject`.
const I_FILES: &[(&str, Verdict, Verdict)] = &[
    (
        "i_number_double_huge_neg_exp.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_huge_exp.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_neg_int_huge_exp.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_pos_double_huge_exp.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_real_neg_overflow.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_real_pos_overflow.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_real_underflow.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_too_big_neg_int.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_too_big_pos_int.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_number_very_big_negative_int.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    ("i_object_key_lone_2nd_surrogate.json", Accept, Accept),
    (
        "i_string_1st_surrogate_but_2nd_missing.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_1st_valid_surrogate_2nd_invalid.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_UTF-16LE_with_BOM.json",
        Reject(Error::JsonSyntax),
        Reject(Error::JsonSyntax),
    ),
    (
        "i_string_UTF-8_invalid_sequence.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_UTF8_surrogate_U+D800.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_incomplete_surrogate_and_escape_valid.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_incomplete_surrogate_pair.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_incomplete_surrogates_escape_valid.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_invalid_lonely_surrogate.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_invalid_surrogate.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_invalid_utf-8.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_inverted_surrogates_U+1D11E.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_iso_latin_1.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_lone_second_surrogate.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_string_lone_utf8_continuation_byte.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_not_in_unicode_range.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_overlong_sequence_2_bytes.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_overlong_sequence_6_bytes.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_overlong_sequence_6_bytes_null.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_truncated-utf-8.json",
        Reject(Error::JsonInvalidUtf8),
        Reject(Error::JsonInvalidUtf8),
    ),
    (
        "i_string_utf16BE_no_BOM.json",
        Reject(Error::JsonSyntax),
        Reject(Error::JsonSyntax),
    ),
    (
        "i_string_utf16LE_no_BOM.json",
        Reject(Error::JsonSyntax),
        Reject(Error::JsonSyntax),
    ),
    (
        "i_structure_500_nested_arrays.json",
        Reject(Error::JsonNotObject),
        Accept,
    ),
    (
        "i_structure_UTF-8_BOM_empty_object.json",
        Reject(Error::JsonSyntax),
        Reject(Error::JsonSyntax),
    ),
];

#[test]
fn i_files_verdicts_are_pinned() {
    let Some(index) = index() else { return };
    let on_disk: BTreeSet<&str> = index
        .iter()
        .map(Entry::name)
        .filter(|n| n.starts_with("i_"))
        .collect();
    let in_table: BTreeSet<&str> = I_FILES.iter().map(|t| t.0).collect();
    assert_eq!(on_disk, in_table, "the table lists every i_ file once");
    assert_eq!(I_FILES.len(), 35);
    for &(name, want, want_wrapped) in I_FILES {
        let content = std::fs::read(format!("{DIR}/test_parsing/{name}")).unwrap();
        assert_eq!(verdict(validate(&content)), want, "{name}");
        let (r, _) = parse_one("json:v", &content);
        assert_eq!(verdict(r.map(|_| ())), want, "{name} via Parser");
        let line = wrapped(&content);
        let (r, out) = parse_one("json:v", &line);
        assert_eq!(verdict(r.map(|_| ())), want_wrapped, "{name} wrapped");
        if want_wrapped == Accept {
            // The member's span is the file's value, byte for byte.
            let text = std::str::from_utf8(&content).unwrap().trim_end();
            let ty = match text.as_bytes()[0] {
                b'[' => LOG_TYPE_ARRAY,
                b'{' => LOG_TYPE_OBJECT,
                _ => unreachable!("{name}"),
            };
            assert_eq!(out[0].get(&line), Some(text.as_bytes()), "{name}");
            assert_eq!(out[0].json_type(), ty, "{name}");
        }
    }
}

/// Lone surrogates: accepted as the RFC grammar allows, and a key that is
/// one matches no spec key (it decodes to no UTF-8 text).
#[test]
fn lone_surrogate_key_is_accepted_and_matches_nothing() {
    let Some(_) = index() else { return };
    let content = std::fs::read(format!(
        "{DIR}/test_parsing/i_object_key_lone_2nd_surrogate.json"
    ))
    .unwrap();
    let (r, out) = parse_one("json:\u{FFFD},v", &content);
    assert_eq!(r, Ok(0));
    assert_eq!(out, [Span::ABSENT; 2]);
}

fn transform(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/test_transform/{name}")).unwrap()
}

/// `test_transform/`: none panics, and each pins a documented choice.
#[test]
fn transform_files_pin_documented_choices() {
    let Some(_) = index() else { return };
    let names: BTreeSet<String> = std::fs::read_dir(format!("{DIR}/test_transform"))
        .unwrap()
        .map(|d| d.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 22);
    let mut pinned = BTreeSet::new();
    let mut pin = |name: &str| {
        assert!(names.contains(name), "{name}");
        pinned.insert(name.to_string());
        transform(name)
    };

    // Duplicate keys: the last one wins, flagged LOG_FLAG_DUPLICATE.
    for (name, last) in [
        ("object_same_key_different_values.json", "2"),
        ("object_same_key_same_value.json", "1"),
        ("object_same_key_unclear_values.json", "-0"),
    ] {
        let line = pin(name);
        let (r, out) = parse_one("json:a", &line);
        assert_eq!(r, Ok(1), "{name}");
        assert_eq!(out[0].get(&line), Some(last.as_bytes()), "{name}");
        assert_eq!(out[0].flags, LOG_TYPE_NUMBER | LOG_FLAG_DUPLICATE, "{name}");
    }

    // Keys are compared byte for byte after unescaping, never normalized:
    // NFC "é" and NFD "e\u{301}" are two keys, neither a duplicate.
    for name in ["object_key_nfc_nfd.json", "object_key_nfd_nfc.json"] {
        let line = pin(name);
        let (r, out) = parse_one("json:\u{e9},e\u{301}", &line);
        assert_eq!(r, Ok(2), "{name}");
        assert_eq!(out[0].get(&line), Some(&b"NFC"[..]), "{name}");
        assert_eq!(out[1].get(&line), Some(&b"NFD"[..]), "{name}");
        assert_eq!(out[0].flags, LOG_TYPE_STRING);
        assert_eq!(out[1].flags, LOG_TYPE_STRING);
    }

    // Numbers are their raw text, whatever their size or precision.
    for name in names.iter().filter(|n| n.starts_with("number_")) {
        let line = pin(name);
        let text = std::str::from_utf8(&line).unwrap().trim_end();
        let number = text.strip_prefix('[').unwrap().strip_suffix(']').unwrap();
        assert_eq!(validate(&line), Err(Error::JsonNotObject), "{name}");
        let w = wrapped(&line);
        let (r, out) = parse_one("json:v[0]", &w);
        assert_eq!(r, Ok(1), "{name}");
        assert_eq!(out[0].get(&w), Some(number.as_bytes()), "{name}");
        assert_eq!(out[0].flags, LOG_TYPE_NUMBER, "{name}");
    }

    // Escaped lone surrogates and an escaped NUL: accepted, raw, flagged.
    for name in [
        "string_1_escaped_invalid_codepoint.json",
        "string_2_escaped_invalid_codepoints.json",
        "string_3_escaped_invalid_codepoints.json",
        "string_with_escaped_NULL.json",
    ] {
        let line = pin(name);
        assert_eq!(validate(&line), Err(Error::JsonNotObject), "{name}");
        let w = wrapped(&line);
        let (r, out) = parse_one("json:v[0]", &w);
        assert_eq!(r, Ok(1), "{name}");
        let text = std::str::from_utf8(&line).unwrap().trim_end();
        let raw = text
            .strip_prefix("[\"")
            .unwrap()
            .strip_suffix("\"]")
            .unwrap();
        assert_eq!(out[0].get(&w), Some(raw.as_bytes()), "{name}");
        assert_eq!(out[0].flags, LOG_TYPE_STRING | LOG_FLAG_ESCAPED, "{name}");
    }

    // UTF-8-encoded surrogates (ED A0 80) are not UTF-8: rejected.
    for name in [
        "string_1_invalid_codepoint.json",
        "string_2_invalid_codepoints.json",
        "string_3_invalid_codepoints.json",
    ] {
        let line = pin(name);
        assert_eq!(validate(&line), Err(Error::JsonInvalidUtf8), "{name}");
        let (r, _) = parse_one("json:v", &wrapped(&line));
        assert_eq!(r, Err(Error::JsonInvalidUtf8), "{name}");
    }

    assert_eq!(
        pinned, names,
        "every transform file is pinned (none forgotten)"
    );
}
