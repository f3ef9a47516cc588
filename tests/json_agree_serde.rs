//! logspan's JSON-lines parser against serde_json, on random documents.
//!
//! Documents are generated as trees and written to text by hand (so that
//! keys can repeat and strings can be escaped in every way JSON allows),
//! then checked:
//! - logspan accepts a document iff serde_json reads it as an object (and
//!   reports `JsonNotObject` when serde_json reads another value);
//! - for chosen paths (top-level keys, nested keys, array indexes) the span
//!   is absent iff serde_json has no value there, and otherwise its raw
//!   text reads, with serde_json, as the value serde_json gives for that
//!   path; the type flag matches; strings are flagged escaped iff their raw
//!   text holds a backslash; the duplicate flag is set iff the key repeats
//!   in the object that wins (last key wins, as in serde_json's map);
//! - random byte mutations of valid documents get the same verdict from
//!   both parsers.
//!
//! Deliberate differences from `serde_json::from_slice::<Value>` (see
//! `deliberate_differences_from_serde_json`), where the verdict is
//! compared with a grammar-only serde_json pass (`IgnoredAny`) plus a UTF-8
//! check instead:
//! - numbers are checked against the JSON grammar only; serde_json rejects
//!   those that overflow an f64 ("number out of range");
//! - lone surrogate escapes (`"\ud800"`) are accepted, as the RFC grammar
//!   allows; serde_json rejects them when it builds a `String`;
//! - nesting is limited to 1024 levels, serde_json's to 128.

use logspan::formats::json::validate;
use logspan::{
    Error, Parser, Span, LOG_FLAG_DUPLICATE, LOG_FLAG_ESCAPED, LOG_TYPE_ARRAY, LOG_TYPE_BOOL,
    LOG_TYPE_NULL, LOG_TYPE_NUMBER, LOG_TYPE_OBJECT, LOG_TYPE_STRING,
};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/// A JSON string: its decoded text and its raw (escaped) body as written.
#[derive(Clone, Debug)]
struct JStr {
    text: String,
    raw: String,
}

#[derive(Clone, Debug)]
enum J {
    Null,
    Bool(bool),
    /// Raw number text.
    Num(String),
    Str(JStr),
    Arr(Vec<J>),
    /// Members in order; keys may repeat.
    Obj(Vec<(JStr, J)>),
}

/// How one character is written inside a string.
#[derive(Clone, Copy, Debug)]
enum Esc {
    /// As itself when JSON allows, else its short escape or `\u`.
    Plain,
    /// `\uXXXX` (a surrogate pair above U+FFFF), lower- or upper-case hex.
    Unicode { upper: bool },
    /// A short escape (`\n`, `\"`, `\/` ...) when the character has one.
    Short,
}

fn encode_char(c: char, esc: Esc, out: &mut String) {
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    let unicode = |out: &mut String, upper: bool| {
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            if upper {
                out.push_str(&format!("\\u{:04X}", u));
            } else {
                out.push_str(&format!("\\u{:04x}", u));
            }
        }
    };
    let must_escape = c == '"' || c == '\\' || (c as u32) < 0x20;
    match esc {
        Esc::Unicode { upper } => unicode(out, upper),
        Esc::Short if short.is_some() => out.push_str(short.unwrap()),
        _ if !must_escape => out.push(c),
        _ => match short {
            // `/` need not be escaped, so it never gets here.
            Some(s) if c != '/' => out.push_str(s),
            _ => unicode(out, false),
        },
    }
}

fn jstr(chars: Vec<(char, Esc)>) -> JStr {
    let mut raw = String::new();
    for &(c, e) in &chars {
        encode_char(c, e, &mut raw);
    }
    JStr {
        text: chars.iter().map(|c| c.0).collect(),
        raw,
    }
}

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range(' ', '~'),
        2 => prop::sample::select(vec!['.', ',', '[', ']', '\\', '"', '/', ' ', '-', ':']),
        1 => proptest::char::range('\0', '\u{1f}'),
        1 => proptest::char::range('\u{80}', '\u{7ff}'),
        1 => proptest::char::range('\u{800}', '\u{ffff}'),
        1 => proptest::char::range('\u{10000}', '\u{10ffff}'),
    ]
}

fn esc() -> impl Strategy<Value = Esc> {
    prop_oneof![
        6 => Just(Esc::Plain),
        1 => any::<bool>().prop_map(|upper| Esc::Unicode { upper }),
        1 => Just(Esc::Short),
    ]
}

fn string(max: usize) -> impl Strategy<Value = JStr> {
    prop::collection::vec((any_char(), esc()), 0..max).prop_map(jstr)
}

/// Keys: often from a small pool (so that they repeat, written in
/// different ways), sometimes random.
fn key() -> impl Strategy<Value = JStr> {
    let pool = prop::sample::select(vec!["a", "b", "a.b", "x y", "", "é", "k\\", "[0]", "1"]);
    prop_oneof![
        3 => (pool, prop::collection::vec(esc(), 8)).prop_map(|(k, escs)| {
            jstr(k.chars().zip(escs.into_iter().cycle()).collect())
        }),
        2 => string(6),
    ]
}

fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,17}"];
    let frac = prop::option::of("\\.[0-9]{1,8}");
    // Exponents stay within f64 range: serde_json rejects overflow.
    let exp = prop::option::of("[eE][+-]?[0-9]{1,2}");
    (any::<bool>(), int, frac, exp).prop_map(|(neg, i, f, e)| {
        format!(
            "{}{i}{}{}",
            if neg { "-" } else { "" },
            f.unwrap_or_default(),
            e.unwrap_or_default()
        )
    })
}

fn value() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        number().prop_map(J::Num),
        string(12).prop_map(J::Str),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Arr),
            prop::collection::vec((key(), inner), 0..6).prop_map(J::Obj),
        ]
    })
}

fn object() -> impl Strategy<Value = J> {
    prop::collection::vec((key(), value()), 0..8).prop_map(J::Obj)
}

/// Whitespace between tokens, from a small deterministic generator.
struct Ws(u64, bool);

impl Ws {
    fn get(&mut self) -> &'static str {
        if !self.1 {
            return "";
        }
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ["", "", "", " ", "  ", "\t", "\n", "\r\n", " \n\t "][(self.0 % 9) as usize]
    }
}

fn write(j: &J, ws: &mut Ws, out: &mut String) {
    out.push_str(ws.get());
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => out.push_str(n),
        J::Str(s) => {
            out.push('"');
            out.push_str(&s.raw);
            out.push('"');
        }
        J::Arr(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, ws, out);
            }
            out.push_str(ws.get());
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws.get());
                out.push('"');
                out.push_str(&k.raw);
                out.push('"');
                out.push_str(ws.get());
                out.push(':');
                write(v, ws, out);
            }
            out.push_str(ws.get());
            out.push('}');
        }
    }
    out.push_str(ws.get());
}

fn to_text(j: &J, seed: u64, spaced: bool) -> String {
    let mut s = String::new();
    write(j, &mut Ws(seed | 1, spaced), &mut s);
    s
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Every path into `j` up to `depth` segments (duplicates removed).
fn paths(j: &J, depth: usize, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if depth == 0 {
        return;
    }
    let mut visit = |seg: Seg, v: &J, out: &mut Vec<Vec<Seg>>| {
        prefix.push(seg);
        if !out.contains(prefix) {
            out.push(prefix.clone());
        }
        paths(v, depth - 1, prefix, out);
        prefix.pop();
    };
    match j {
        J::Arr(items) => {
            for (i, v) in items.iter().enumerate() {
                visit(Seg::Index(i), v, out);
            }
            // One past the end: absent.
            visit(Seg::Index(items.len()), &J::Null, out);
        }
        J::Obj(members) => {
            for (k, v) in members {
                visit(Seg::Key(k.text.clone()), v, out);
            }
        }
        _ => {}
    }
}

/// A path in spec syntax, or `None` when a key cannot be written: the
/// empty key, or whitespace at the very end of the path (the spec grammar
/// trims each path before it reads `\` escapes, so `a\ ` is `a\`).
/// `.` `,` `[` `\`, leading whitespace and a leading `*` (which would read
/// as the enumerate mode `json:*N`) are escaped.
fn spec_path(path: &[Seg]) -> Option<String> {
    let mut s = String::new();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            Seg::Index(n) => s.push_str(&format!("[{n}]")),
            Seg::Key(k) => {
                let last = i + 1 == path.len();
                if k.is_empty() || (last && k.ends_with(char::is_whitespace)) {
                    return None;
                }
                if i > 0 {
                    s.push('.');
                }
                let mut leading = i == 0;
                for ch in k.chars() {
                    leading &= ch.is_whitespace();
                    if leading
                        || matches!(ch, '.' | ',' | '[' | '\\')
                        || (i == 0 && s.is_empty() && ch == '*')
                    {
                        s.push('\\');
                    }
                    s.push(ch);
                }
            }
        }
    }
    Some(s)
}

/// serde_json's value at `path`.
fn lookup<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.as_object()?.get(k),
        Seg::Index(i) => v.as_array()?.get(*i),
    })
}

/// Whether the last key of `path` repeats in the object that holds it,
/// following the last occurrence of every key on the way (the generator's
/// own view of the document, independent of serde_json).
fn repeats(j: &J, path: &[Seg]) -> bool {
    let mut cur = j;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match (seg, cur) {
            (Seg::Key(k), J::Obj(m)) => {
                if last {
                    return m.iter().filter(|(mk, _)| mk.text == *k).count() > 1;
                }
                cur = &m.iter().rev().find(|(mk, _)| mk.text == *k).unwrap().1;
            }
            (Seg::Index(n), J::Arr(items)) if !last => cur = &items[*n],
            _ => return false,
        }
    }
    false
}

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

/// Check a valid document: verdict, then every writable path.
fn check_document(doc: &J, text: &[u8]) -> Result<(), TestCaseError> {
    let want: Value = serde_json::from_slice(text).map_err(|e| {
        TestCaseError::fail(format!("serde_json rejects a generated document: {e}"))
    })?;
    if !want.is_object() {
        prop_assert_eq!(validate(text), Err(Error::JsonNotObject));
        return Ok(());
    }
    prop_assert_eq!(validate(text), Ok(()));
    let mut all = Vec::new();
    paths(doc, 4, &mut Vec::new(), &mut all);
    check_paths(text, &want, all, Some(doc))
}

/// Every path of serde_json's view of a document (up to `depth`).
fn value_paths(v: &Value, depth: usize, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if depth == 0 {
        return;
    }
    let children: Vec<(Seg, &Value)> = match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Seg::Index(i), v))
            .collect(),
        Value::Object(m) => m.iter().map(|(k, v)| (Seg::Key(k.clone()), v)).collect(),
        _ => return,
    };
    for (seg, child) in children {
        prefix.push(seg);
        out.push(prefix.clone());
        value_paths(child, depth - 1, prefix, out);
        prefix.pop();
    }
}

/// Project `all` (those that can be written in a spec) from `text` and
/// compare each span with serde_json's value `want`; with the generator's
/// tree `doc`, also the duplicate flag.
fn check_paths(
    text: &[u8],
    want: &Value,
    all: Vec<Vec<Seg>>,
    doc: Option<&J>,
) -> Result<(), TestCaseError> {
    let chosen: Vec<(Vec<Seg>, String)> = all
        .into_iter()
        .filter_map(|p| spec_path(&p).map(|s| (p, s)))
        .collect();
    if chosen.is_empty() {
        return Ok(());
    }
    let spec = format!(
        "json:{}",
        chosen
            .iter()
            .map(|c| c.1.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    let p = Parser::new(&spec).map_err(|e| TestCaseError::fail(format!("{spec:?}: {e}")))?;
    prop_assert_eq!(p.field_count(), chosen.len());
    let mut out = vec![Span::ABSENT; chosen.len()];
    let n = p.parse(text, &mut out);
    let mut present = 0;
    for ((path, name), span) in chosen.iter().zip(&out) {
        match lookup(want, path) {
            None => prop_assert_eq!(*span, Span::ABSENT, "{} should be absent", name),
            Some(v) => {
                present += 1;
                let raw = span.get(text);
                prop_assert!(raw.is_some(), "{} absent, want {}", name, v);
                let raw = raw.unwrap();
                prop_assert_eq!(span.json_type(), json_type(v), "{} type", name);
                let as_json = if span.json_type() == LOG_TYPE_STRING {
                    [&b"\""[..], raw, b"\""].concat()
                } else {
                    raw.to_vec()
                };
                let got: Value = serde_json::from_slice(&as_json).map_err(|e| {
                    TestCaseError::fail(format!(
                        "{name}: span {:?} is not JSON: {e}",
                        String::from_utf8_lossy(raw)
                    ))
                })?;
                prop_assert_eq!(&got, v, "{} value", name);
                let escaped = span.json_type() == LOG_TYPE_STRING && raw.contains(&b'\\');
                prop_assert_eq!(
                    span.flags & LOG_FLAG_ESCAPED != 0,
                    escaped,
                    "{} escaped",
                    name
                );
                if let Some(doc) = doc {
                    prop_assert_eq!(
                        span.flags & LOG_FLAG_DUPLICATE != 0,
                        repeats(doc, path),
                        "{} duplicate",
                        name
                    );
                }
            }
        }
    }
    prop_assert_eq!(n, Ok(present));
    Ok(())
}

// ---------------------------------------------------------------------------
// Verdicts
// ---------------------------------------------------------------------------

/// What logspan should say about `text`, from serde_json.
fn serde_verdict(text: &[u8]) -> Result<(), Error> {
    match serde_json::from_slice::<Value>(text) {
        Ok(v) if v.is_object() => Ok(()),
        Ok(_) => Err(Error::JsonNotObject),
        Err(e) => {
            let msg = e.to_string();
            let deliberate = [
                "number out of range",
                "lone leading surrogate in hex escape",
                "unexpected end of hex escape",
                "recursion limit exceeded",
            ];
            if !deliberate.iter().any(|d| msg.contains(d)) {
                return Err(Error::JsonSyntax); // any error
            }
            // Grammar only: serde_json skipping the value, plus UTF-8.
            let grammar = serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok();
            let utf8 = std::str::from_utf8(text).is_ok();
            let object = text
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                == Some(&b'{');
            match (grammar && utf8, object) {
                (true, true) => Ok(()),
                (true, false) => Err(Error::JsonNotObject),
                (false, _) => Err(Error::JsonSyntax),
            }
        }
    }
}

fn same_verdict(text: &[u8]) -> Result<(), TestCaseError> {
    let want = serde_verdict(text);
    let got = validate(text);
    let p = Parser::new("json:a,b.c,a[0]").unwrap();
    let mut out = [Span::ABSENT; 3];
    let parsed = p.parse(text, &mut out);
    prop_assert_eq!(parsed.map(|_| ()), got, "parse vs validate");
    if got.is_err() {
        prop_assert_eq!(out, [Span::ABSENT; 3]);
    }
    match want {
        Ok(()) => {
            prop_assert_eq!(got, Ok(()), "{:?}", String::from_utf8_lossy(text));
            // Still valid after the mutation: the spans are right too
            // (without the duplicate flag: serde_json's map hides repeats).
            if let Ok(v) = serde_json::from_slice::<Value>(text) {
                let mut all = Vec::new();
                value_paths(&v, 3, &mut Vec::new(), &mut all);
                check_paths(text, &v, all, None)?;
            }
        }
        Err(Error::JsonNotObject) => prop_assert_eq!(
            got,
            Err(Error::JsonNotObject),
            "{:?}",
            String::from_utf8_lossy(text)
        ),
        Err(_) => {
            prop_assert!(got.is_err(), "accepted {:?}", String::from_utf8_lossy(text));
            prop_assert_ne!(got, Err(Error::JsonNotObject));
        }
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b"{}[]\",:\\ 0123456789eE+-.tfnulrsu\t\n\r/bx".to_vec()),
        1 => any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), mutation_byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), mutation_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &mut Vec<u8>, m: &Mutation) {
    let n = text.len();
    match *m {
        Mutation::Set(i, b) if n > 0 => text[i % n] = b,
        Mutation::Insert(i, b) => text.insert(i % (n + 1), b),
        Mutation::Delete(i) if n > 0 => {
            text.remove(i % n);
        }
        Mutation::Truncate(i) => text.truncate(i % (n + 1)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_objects_agree_with_serde(doc in object(), seed in any::<u64>(), spaced in any::<bool>(),
                                       eol in prop::sample::select(vec!["", "\n", "\r\n"])) {
        let text = to_text(&doc, seed, spaced) + eol;
        check_document(&doc, text.as_bytes())?;
    }

    #[test]
    fn random_top_level_values_agree_with_serde(doc in value(), seed in any::<u64>()) {
        let text = to_text(&doc, seed, true);
        check_document(&doc, text.as_bytes())?;
    }

    #[test]
    fn mutated_documents_get_serde_json_verdict(doc in object(), seed in any::<u64>(),
                                                 muts in prop::collection::vec(mutation(), 1..4)) {
        let mut text = to_text(&doc, seed, seed % 3 == 0).into_bytes();
        for m in &muts {
            mutate(&mut text, m);
        }
        same_verdict(&text)?;
    }
}

/// Each deliberate difference, shown once: serde_json's `Value` rejects,
/// logspan accepts (and the grammar-only serde_json pass accepts too).
#[test]
fn deliberate_differences_from_serde_json() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let cases: [(&[u8], &str); 5] = [
        (br#"{"a":1e400}"#, "number out of range"),
        (br#"{"a":-1e400}"#, "number out of range"),
        (br#"{"a":"\ud800"}"#, "unexpected end of hex escape"),
        (br#"{"a":"\udc00"}"#, "lone leading surrogate in hex escape"),
        (deep.as_bytes(), "recursion limit exceeded"),
    ];
    for (text, why) in cases {
        let e = serde_json::from_slice::<Value>(text).unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
        assert!(serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok());
        assert_eq!(validate(text), Ok(()), "{}", String::from_utf8_lossy(text));
        assert_eq!(serde_verdict(text), Ok(()));
    }
    // The raw text of such a number is still handed back as is.
    let p = Parser::new("json:a").unwrap();
    let mut out = [Span::ABSENT];
    let line = br#"{"a":1e400}"#;
    assert_eq!(p.parse(line, &mut out), Ok(1));
    assert_eq!(out[0].get(line), Some(&b"1e400"[..]));
}

/// The reference itself: ordinary errors are errors, non-objects are
/// `JsonNotObject`, and a deliberate difference does not hide a real
/// error further on.
#[test]
fn serde_verdict_reference_is_sound() {
    assert_eq!(serde_verdict(br#"{"a":1}"#), Ok(()));
    assert_eq!(serde_verdict(b"[1]"), Err(Error::JsonNotObject));
    assert!(serde_verdict(br#"{"a":01}"#).is_err());
    assert_ne!(serde_verdict(br#"{"a":01}"#), Err(Error::JsonNotObject));
    assert!(serde_verdict(br#"{"a":1e400,}"#).is_err());
    assert!(serde_verdict(b"{\"a\":\"\\ud800\xff\"}").is_err());
    assert_eq!(serde_verdict(br#"["\ud800"]"#), Err(Error::JsonNotObject));
    assert!(validate(b"{\"a\":\"\\ud800\xff\"}").is_err());
}
