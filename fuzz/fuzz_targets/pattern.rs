//! `pattern:` expressions (and `nginx:` / `apache:` formats) on arbitrary
//! lines. Input: `mode expr NUL line`. For `pattern:`, the result equals a
//! naive matcher written from the rules (byte-by-byte search for each
//! literal), and whenever it matches, an equivalent regex (lazy captures
//! between escaped literals, anchored at both ends) matches with the same
//! spans; when the regex does not match, neither does the pattern. For every
//! mode, spans lie inside the input and go forward in field order. An
//! `nginx:` format gives the spans of the `pattern:` expression it
//! translates to (each `$var` a capture), with `-` values absent. Every
//! SIMD engine level gives the same result as the production path.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::formats::pattern_fast::parse_at;
use logspan::simd::{available_levels, Level};
use logspan::{Error, Parser, Span};

#[path = "../common.rs"]
mod common;

enum Elem {
    Lit(Vec<u8>),
    Cap(bool), // named?
}

/// The expression's elements, by the README's rules (`\x` is `x`, `<name>`
/// a capture). Only called on expressions logspan compiled.
fn elems(expr: &[u8]) -> Vec<Elem> {
    let mut v = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < expr.len() {
        if expr[i] == b'\\' && i + 1 < expr.len() {
            lit.push(expr[i + 1]);
            i += 2;
        } else if expr[i] == b'<' {
            let close = i + expr[i..].iter().position(|&c| c == b'>').unwrap();
            if !lit.is_empty() {
                v.push(Elem::Lit(std::mem::take(&mut lit)));
            }
            v.push(Elem::Cap(&expr[i + 1..close] != b"_"));
            i = close + 1;
        } else {
            lit.push(expr[i]);
            i += 1;
        }
    }
    if !lit.is_empty() {
        v.push(Elem::Lit(lit));
    }
    v
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?).find(|&k| &hay[k..k + needle.len()] == needle)
}

/// Naive matcher: named captures' (start, end), or None for a mismatch.
fn naive(es: &[Elem], line: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut caps = Vec::new();
    let mut pos = 0;
    let mut k = 0;
    if let Some(Elem::Lit(l)) = es.first() {
        if !line.starts_with(l) {
            return None;
        }
        pos = l.len();
        k = 1;
    }
    while k < es.len() {
        let Elem::Cap(named) = es[k] else {
            unreachable!()
        };
        let end = match es.get(k + 1) {
            None => {
                k += 1;
                line.len()
            }
            Some(Elem::Lit(l)) if k + 2 == es.len() => {
                if line.len() < pos + l.len() || !line.ends_with(l) {
                    return None;
                }
                k += 2;
                let e = line.len() - l.len();
                if named {
                    caps.push((pos, e));
                }
                pos = line.len();
                continue;
            }
            Some(Elem::Lit(l)) => {
                let at = pos + find(&line[pos..], l)?;
                k += 2;
                if named {
                    caps.push((pos, at));
                }
                pos = at + l.len();
                continue;
            }
            Some(Elem::Cap(_)) => unreachable!(),
        };
        if named {
            caps.push((pos, end));
        }
        pos = end;
    }
    (pos == line.len()).then_some(caps)
}

fn as_regex(es: &[Elem]) -> String {
    let mut r = String::from(r"(?s-u)\A");
    for e in es {
        match e {
            Elem::Lit(l) => r.push_str(&regex::escape(std::str::from_utf8(l).unwrap())),
            Elem::Cap(true) => r.push_str("(.*?)"),
            Elem::Cap(false) => r.push_str("(?:.*?)"),
        }
    }
    r.push_str(r"\z");
    r
}

/// The `pattern:` expression of an nginx `log_format`.
fn nginx_to_pattern(f: &str) -> String {
    let b = f.as_bytes();
    let mut e = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let (name, next) = if b.get(i + 1) == Some(&b'{') {
                let close = i + f[i..].find('}').unwrap();
                (&f[i + 2..close], close + 1)
            } else {
                let n = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                (&f[i + 1..i + 1 + n], i + 1 + n)
            };
            e.push('<');
            e.push_str(name);
            e.push('>');
            i = next;
        } else {
            let c = f[i..].chars().next().unwrap();
            if c == '<' || c == '\\' {
                e.push('\\');
            }
            e.push(c);
            i += c.len_utf8();
        }
    }
    e
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (expr, line) = common::split_nul(rest, b"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1");
    if expr.len() > 512 {
        return;
    }
    let Ok(expr_str) = std::str::from_utf8(expr) else {
        return;
    };
    let kind = ["pattern", "nginx", "apache"][mode as usize % 3];
    let Ok(p) = Parser::new(&format!("{kind}:{expr_str}")) else {
        return;
    };
    let copy = line.to_vec();
    let mut out = vec![
        Span {
            off: 3,
            len: 3,
            flags: 3
        };
        p.field_count() + 1
    ];
    let got = p.parse(line, &mut out);
    // Every SIMD level (and the portable walker, and the reference) agrees
    // with the production path, error codes included.
    let levels = available_levels().into_iter().map(Some).chain([None, Some(Level::Fallback)]);
    for level in levels {
        let mut lo = vec![Span::ABSENT; p.field_count()];
        assert_eq!(parse_at(level, line, &p, &mut lo), got, "engine {level:?}");
        assert_eq!(&lo[..], &out[..p.field_count()], "engine {level:?}");
    }
    assert_eq!(
        out[p.field_count()],
        Span {
            off: 3,
            len: 3,
            flags: 3
        },
        "wrote past field_count"
    );
    let out = &out[..p.field_count()];
    common::check_result(line, out, &got);
    common::assert_in_order(out);
    if let Ok(n) = got {
        assert_eq!(n, out.iter().filter(|s| s.is_present()).count());
    }
    if kind == "nginx" {
        let expr = nginx_to_pattern(expr_str);
        let q = Parser::new(&format!("pattern:{expr}")).unwrap_or_else(|e| panic!("{expr:?}: {e}"));
        let mut qo = vec![Span::ABSENT; q.field_count()];
        let qr = q.parse(line, &mut qo);
        assert_eq!(
            got.is_ok(),
            qr.is_ok(),
            "{expr_str:?} vs {expr:?}: {got:?} {qr:?}"
        );
        if qr.is_ok() {
            for (a, b) in out.iter().zip(&qo) {
                let dash = b.get(line) == Some(&b"-"[..]);
                assert_eq!(*a, if dash { Span::ABSENT } else { *b });
            }
        }
    }
    if kind == "pattern" {
        let content = common::strip_eol(line);
        let es = elems(expr);
        let want = naive(&es, content);
        if content.is_empty() {
            assert_eq!(got, Err(Error::EmptyLine));
        } else {
            match &want {
                None => assert_eq!(got, Err(Error::PatternMismatch), "{expr_str:?}"),
                Some(caps) => {
                    assert_eq!(got, Ok(caps.len()), "{expr_str:?}");
                    for (s, &(a, b)) in out.iter().zip(caps) {
                        assert_eq!((s.off as usize, (s.off + s.len) as usize), (a, b));
                    }
                }
            }
            if let Ok(re) = regex::bytes::Regex::new(&as_regex(&es)) {
                match re.captures(content) {
                    None => assert!(want.is_none(), "regex {} does not match", as_regex(&es)),
                    Some(c) => {
                        if let Some(caps) = &want {
                            for (k, &(a, b)) in caps.iter().enumerate() {
                                let m = c.get(k + 1).unwrap();
                                assert_eq!((m.start(), m.end()), (a, b), "regex {}", as_regex(&es));
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(line, &copy[..], "input untouched");
});
