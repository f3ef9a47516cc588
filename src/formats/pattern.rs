//! `pattern:<expr>`: a literal-anchored field extractor, in the spirit of
//! Loki's `pattern` parser and Logstash's `dissect`; and the nginx
//! `log_format` / Apache `LogFormat` strings (`nginx:<format>`,
//! `apache:<format>`), compiled to the same engine.
//!
//! ```text
//! pattern:<ip> - <user> [<ts>] "<method> <path> <_>" <status> <size>
//! ```
//!
//! Rules (the README's format table says the same):
//! - an expression is literal text and captures `<name>`; `<_>` matches
//!   like a capture but is not reported; names are `[A-Za-z_][A-Za-z0-9_.-]*`
//!   and unique; `\<` is a literal `<` and `\\` a literal `\` (a `\`
//!   before any other character is that character);
//! - two captures must be separated by a literal (otherwise where one ends
//!   is a guess), and there must be at least one named capture;
//! - matching is anchored at both ends of the line (after removing a
//!   trailing `\n` / `\r\n`): a leading literal must start the line, a
//!   capture ends at the *first* occurrence of the literal that follows it
//!   (found with memchr's memmem), a trailing literal must end the line, and
//!   a capture at the end takes the rest of the line;
//! - a literal that is not found is an error ([`Error::PatternMismatch`]),
//!   never a partial result: a line that does not have the shape yields
//!   no fields;
//! - captures may be empty (present with length 0) and know nothing about
//!   quoting or escapes: a value that contains the literal that follows
//!   it ends early. For Apache logs with `\"` escapes, use `combined`;
//! - with `nginx:` and `apache:`, a value that is exactly `-` is absent,
//!   as in the access-log formats.
//!
//! Each literal is searched once, left to right, so a line is matched in
//! time linear in its length.

use memchr::memmem::Finder;

use crate::error::{Error, SpecError};
use crate::span::Span;

#[derive(Clone, Debug)]
enum Elem {
    Lit(Vec<u8>),
    /// Output slot, or None for `<_>`.
    Cap(Option<u32>),
}

/// One capture and the literal that ends it (None: the end of the line).
#[derive(Clone, Debug)]
struct Step {
    slot: Option<u32>,
    until: Option<Literal>,
    /// The literal is the last element: it must end the line.
    last: bool,
}

/// A literal to search for: one byte (plain memchr, the common case of a
/// space or a quote) or a prebuilt memmem searcher.
#[derive(Clone, Debug)]
pub(crate) struct Literal {
    pub(crate) bytes: Box<[u8]>,
    finder: Finder<'static>,
    /// Index of the literal's first byte in [`PatternSpec::first_bytes`]
    /// (the SIMD engine's mask to search), when the spec has an engine plan.
    pub(crate) class: u8,
    /// The literal's first four bytes, little-endian, and the mask of the
    /// ones it has: one compare checks a candidate of up to four bytes.
    pub(crate) head: u32,
    pub(crate) head_mask: u32,
}

impl Literal {
    fn new(bytes: &[u8]) -> Literal {
        let mut head = [0u8; 4];
        let n = bytes.len().min(4);
        head[..n].copy_from_slice(&bytes[..n]);
        Literal {
            bytes: bytes.into(),
            finder: Finder::new(bytes).into_owned(),
            class: u8::MAX,
            head: u32::from_le_bytes(head),
            head_mask: u32::MAX.checked_shr(8 * (4 - n as u32)).unwrap_or(0),
        }
    }

    #[inline(always)]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        match *self.bytes {
            [b] => memchr::memchr(b, hay),
            [b0, b1] => {
                // Two-byte literals (`" "`, `] "`...) are frequent: scan for
                // the first byte, check the second.
                let mut from = 0;
                while let Some(k) = memchr::memchr(b0, &hay[from..]) {
                    let at = from + k;
                    if hay.get(at + 1) == Some(&b1) {
                        return Some(at);
                    }
                    from = at + 1;
                }
                None
            }
            _ => self.finder.find(hay),
        }
    }
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct PatternSpec {
    prefix: Box<[u8]>,
    steps: Box<[Step]>,
    pub(crate) fields: usize,
    dash_is_absent: bool,
    /// The distinct first bytes of the literals searched for (not the
    /// prefix nor a final literal, which are compared in place), when there
    /// are at most [`pattern_fast::MAX_CLASSES`](super::pattern_fast::MAX_CLASSES)
    /// of them: the SIMD engine classifies a line by these bytes once, and
    /// each search is then a walk over one mask. Empty: no engine plan.
    pub(crate) first_bytes: Box<[u8]>,
}

/// Compile a `pattern:` expression (`base` = its byte position in the
/// whole spec).
pub(crate) fn compile(expr: &str, base: usize) -> Result<(PatternSpec, Vec<String>), SpecError> {
    let (elems, names) = parse_expr(expr, base)?;
    Ok((build(elems, names.len(), false, base)?, names))
}

fn parse_expr(expr: &str, base: usize) -> Result<(Vec<Elem>, Vec<String>), SpecError> {
    let b = expr.as_bytes();
    let mut elems: Vec<Elem> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    let err = |pos: usize, msg: String| SpecError {
        pos: base + pos,
        msg,
    };
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                lit.push(b[i + 1]);
                i += 2;
            }
            b'<' => {
                let close = b[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map(|k| i + k)
                    .ok_or_else(|| {
                        err(
                            i,
                            "`<` opens a capture but has no `>` (write `\\<` for a literal `<`)"
                                .into(),
                        )
                    })?;
                let name = &expr[i + 1..close];
                if !valid_name(name) {
                    return Err(err(
                        i + 1,
                        format!("`<{name}>` is not a capture name: use letters, digits, `_`, `.`, `-` (write `\\<` for a literal `<`)"),
                    ));
                }
                if matches!(elems.last(), Some(Elem::Cap(_))) && lit.is_empty() {
                    return Err(err(i, format!("capture `<{name}>` follows another capture with no literal between them")));
                }
                if !lit.is_empty() {
                    elems.push(Elem::Lit(std::mem::take(&mut lit)));
                }
                if name == "_" {
                    elems.push(Elem::Cap(None));
                } else {
                    if names.iter().any(|n| n == name) {
                        return Err(err(i + 1, format!("capture `<{name}>` appears twice")));
                    }
                    elems.push(Elem::Cap(Some(names.len() as u32)));
                    names.push(name.to_string());
                }
                i = close + 1;
            }
            c => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        elems.push(Elem::Lit(lit));
    }
    if names.is_empty() {
        return Err(err(
            0,
            "pattern has no named capture such as `<status>`".into(),
        ));
    }
    if names.len() > crate::LOG_MAX_FIELDS {
        return Err(err(
            0,
            format!("pattern has more than {} captures", crate::LOG_MAX_FIELDS),
        ));
    }
    Ok((elems, names))
}

fn valid_name(name: &str) -> bool {
    let mut cs = name.bytes();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn build(
    elems: Vec<Elem>,
    fields: usize,
    dash_is_absent: bool,
    base: usize,
) -> Result<PatternSpec, SpecError> {
    let mut it = elems.into_iter().peekable();
    let prefix = match it.peek() {
        Some(Elem::Lit(_)) => match it.next() {
            Some(Elem::Lit(l)) => l,
            _ => unreachable!(),
        },
        _ => Vec::new(),
    };
    let mut steps = Vec::new();
    while let Some(e) = it.next() {
        let Elem::Cap(slot) = e else {
            return Err(SpecError {
                pos: base,
                msg: "internal: two literals in a row".into(),
            });
        };
        let (until, last) = match it.next() {
            Some(Elem::Lit(l)) => (Some(Literal::new(&l)), it.peek().is_none()),
            Some(Elem::Cap(_)) => unreachable!("rejected by parse_expr"),
            None => (None, true),
        };
        steps.push(Step { slot, until, last });
    }
    // The engine plan: one mask per distinct first byte of a searched
    // literal.
    let mut first_bytes = Vec::new();
    for step in &mut steps {
        if let (Some(lit), false) = (&mut step.until, step.last) {
            let b = lit.bytes[0];
            let class = match first_bytes.iter().position(|&x| x == b) {
                Some(c) => c,
                None => {
                    first_bytes.push(b);
                    first_bytes.len() - 1
                }
            };
            lit.class = class as u8;
        }
    }
    if first_bytes.len() > super::pattern_fast::MAX_CLASSES {
        first_bytes.clear();
    }
    Ok(PatternSpec {
        prefix: prefix.into_boxed_slice(),
        steps: steps.into_boxed_slice(),
        fields,
        dash_is_absent,
        first_bytes: first_bytes.into_boxed_slice(),
    })
}

/// Parse one line into `out[..field_count]`; returns the present count.
pub(crate) fn parse(line: &[u8], spec: &PatternSpec, out: &mut [Span]) -> Result<usize, Error> {
    if !spec.first_bytes.is_empty() {
        return super::pattern_fast::parse(line, spec, out);
    }
    parse_reference(line, spec, out)
}

/// [`parse`] with memchr/memmem searches: the reference the engine is
/// tested against, and the path of specs without an engine plan.
pub(crate) fn parse_reference(
    line: &[u8],
    spec: &PatternSpec,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..spec.fields];
    let find = |line: &[u8], lit: &Literal, pos: usize| lit.find(&line[pos..]).map(|k| pos + k);
    match match_line(crate::strip_eol(line), spec, out, find) {
        Ok(n) => Ok(n),
        Err(e) => {
            out.fill(Span::ABSENT);
            Err(e)
        }
    }
}

/// Whether `line[at..]` starts with `lit`: a plain loop, because the
/// literals are a few bytes and the libc `memcmp` that `starts_with` calls
/// cost more than the whole match in a Go-linked build (its masked
/// 32-byte load stalled on this machine's AVX-512 path).
#[inline(always)]
pub(crate) fn bytes_at(line: &[u8], at: usize, lit: &[u8]) -> bool {
    match line.get(at..) {
        Some(rest) if rest.len() >= lit.len() => {
            for (i, &b) in lit.iter().enumerate() {
                if rest[i] != b {
                    return false;
                }
            }
            true
        }
        _ => false,
    }
}

/// Match `line` (no line ending) against `spec`. `find(line, lit, pos)` is
/// the first occurrence of `lit` in `line` at or after `pos`.
#[inline(always)]
pub(crate) fn match_line(
    line: &[u8],
    spec: &PatternSpec,
    out: &mut [Span],
    mut find: impl FnMut(&[u8], &Literal, usize) -> Option<usize>,
) -> Result<usize, Error> {
    if line.is_empty() {
        return Err(Error::EmptyLine);
    }
    if line.len() > crate::LOG_MAX_LINE_LEN {
        return Err(Error::LineTooLong);
    }
    if !bytes_at(line, 0, &spec.prefix) {
        return Err(Error::PatternMismatch);
    }
    let mut pos = spec.prefix.len();
    let mut present = 0;
    for step in spec.steps.iter() {
        let (end, next) = match &step.until {
            None => (line.len(), line.len()),
            Some(f) if step.last => {
                let lit = &f.bytes[..];
                if line.len() < pos + lit.len() || !bytes_at(line, line.len() - lit.len(), lit) {
                    return Err(Error::PatternMismatch);
                }
                (line.len() - lit.len(), line.len())
            }
            Some(f) => match find(line, f, pos) {
                Some(at) => (at, at + f.bytes.len()),
                None => return Err(Error::PatternMismatch),
            },
        };
        if let Some(slot) = step.slot {
            let dash = spec.dash_is_absent && end == pos + 1 && line[pos] == b'-';
            out[slot as usize] = if dash {
                Span::ABSENT
            } else {
                present += 1;
                Span::new(pos, end, 0)
            };
        }
        pos = next;
    }
    if pos != line.len() {
        // Only reachable when the expression is a single literal run with
        // no trailing capture; parse_expr requires a capture, so a pattern
        // always consumes the line. Kept as a guard.
        return Err(Error::PatternMismatch);
    }
    Ok(present)
}

/// Compile an nginx `log_format` string: `$name` variables become
/// captures named after the variable (`$remote_addr` → `remote_addr`),
/// everything else is literal.
pub(crate) fn compile_nginx(
    format: &str,
    base: usize,
) -> Result<(PatternSpec, Vec<String>), SpecError> {
    let b = format.as_bytes();
    let mut expr = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            // `${name}` or `$name`.
            let (name, next) = if b.get(i + 1) == Some(&b'{') {
                let close = format[i..]
                    .find('}')
                    .map(|k| i + k)
                    .ok_or_else(|| SpecError {
                        pos: base + i,
                        msg: "`${` has no closing `}`".into(),
                    })?;
                (&format[i + 2..close], close + 1)
            } else {
                let len = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                (&format[i + 1..i + 1 + len], i + 1 + len)
            };
            if name.is_empty() {
                return Err(SpecError {
                    pos: base + i,
                    msg: "`$` is not followed by a variable name".into(),
                });
            }
            expr.push('<');
            expr.push_str(name);
            expr.push('>');
            i = next;
        } else {
            // A whole character: `i` is always at a boundary here.
            let c = format[i..].chars().next().expect("i < len");
            push_literal(&mut expr, c);
            i += c.len_utf8();
        }
    }
    compile_derived(&expr, base, format)
}

/// Compile an Apache `LogFormat` string. Directives become captures with
/// the names the access-log formats use where one exists (`%h` →
/// `remote_addr`, `%>s` → `status`, `%{Referer}i` → `referer`); `%t`
/// stands for `[<time>]`, as Apache writes the brackets itself.
pub(crate) fn compile_apache(
    format: &str,
    base: usize,
) -> Result<(PatternSpec, Vec<String>), SpecError> {
    let b = format.as_bytes();
    let mut expr = String::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'"') => {
                // The format as written in httpd.conf, with \" for quotes.
                expr.push('"');
                i += 2;
            }
            b'%' => {
                let start = i;
                i += 1;
                // Modifiers: `<` / `>` and status-code conditions.
                while i < b.len() && matches!(b[i], b'<' | b'>' | b'!' | b',' | b'0'..=b'9') {
                    i += 1;
                }
                let mut arg = None;
                if b.get(i) == Some(&b'{') {
                    let close = format[i..]
                        .find('}')
                        .map(|k| i + k)
                        .ok_or_else(|| SpecError {
                            pos: base + i,
                            msg: "`%{` has no closing `}`".into(),
                        })?;
                    arg = Some(&format[i + 1..close]);
                    i = close + 1;
                }
                let Some(&d) = b.get(i) else {
                    return Err(SpecError {
                        pos: base + start,
                        msg: "`%` at the end of the format".into(),
                    });
                };
                i += 1;
                let name: String = match (d, arg) {
                    (b'%', _) => {
                        expr.push('%');
                        continue;
                    }
                    (b'h', _) | (b'a', None) => "remote_addr".into(),
                    (b'a', Some(_)) => "client_addr".into(),
                    (b'l', _) => "ident".into(),
                    (b'u', _) => "remote_user".into(),
                    (b't', None) => {
                        expr.push_str("[<time>]");
                        continue;
                    }
                    (b't', Some(_)) => "time".into(),
                    (b'r', _) => "request".into(),
                    (b's', _) => "status".into(),
                    (b'b', _) | (b'B', _) => "body_bytes".into(),
                    (b'O', _) => "bytes_sent".into(),
                    (b'I', _) => "bytes_received".into(),
                    (b'D', _) => "request_time_us".into(),
                    (b'T', _) => "request_time".into(),
                    (b'v', _) => "server_name".into(),
                    (b'V', _) => "server_name".into(),
                    (b'p', _) => "server_port".into(),
                    (b'P', _) => "pid".into(),
                    (b'm', _) => "method".into(),
                    (b'U', _) => "path".into(),
                    (b'q', _) => "query".into(),
                    (b'H', _) => "protocol".into(),
                    (b'X', _) => "connection_status".into(),
                    (b'k', _) => "keepalive_requests".into(),
                    (b'L', _) => "log_id".into(),
                    (b'R', _) => "handler".into(),
                    (b'f', _) => "filename".into(),
                    (b'i', Some(h)) if h.eq_ignore_ascii_case("referer") => "referer".into(),
                    (b'i', Some(h)) if h.eq_ignore_ascii_case("user-agent") => "user_agent".into(),
                    (b'i', Some(h)) => format!("http_{}", header_name(h)),
                    (b'o', Some(h)) => format!("sent_http_{}", header_name(h)),
                    (b'C', Some(h)) => format!("cookie_{}", header_name(h)),
                    (b'e', Some(h)) => format!("env_{}", header_name(h)),
                    (b'n', Some(h)) => format!("note_{}", header_name(h)),
                    _ => {
                        // The directive letter may be a multi-byte character.
                        let mut end = i;
                        while !format.is_char_boundary(end) {
                            end += 1;
                        }
                        return Err(SpecError {
                            pos: base + start,
                            msg: format!("unsupported Apache directive `{}`", &format[start..end]),
                        });
                    }
                };
                expr.push('<');
                expr.push_str(&name);
                expr.push('>');
            }
            _ => {
                // A whole character: `i` is always at a boundary here.
                let c = format[i..].chars().next().expect("i < len");
                push_literal(&mut expr, c);
                i += c.len_utf8();
            }
        }
    }
    compile_derived(&expr, base, format)
}

fn header_name(h: &str) -> String {
    h.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn push_literal(expr: &mut String, c: char) {
    if c == '<' || c == '\\' {
        expr.push('\\');
    }
    expr.push(c);
}

/// Compile an expression derived from a log format. Positions in errors
/// about the expression cannot point into the original format, so they
/// point at its start and quote the format.
fn compile_derived(
    expr: &str,
    base: usize,
    format: &str,
) -> Result<(PatternSpec, Vec<String>), SpecError> {
    let (elems, names) = parse_expr(expr, 0).map_err(|e| SpecError {
        pos: base,
        msg: format!("{} (in log format `{format}`)", e.msg),
    })?;
    Ok((build(elems, names.len(), true, base)?, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(spec: &PatternSpec, line: &str) -> Result<Vec<Option<String>>, Error> {
        let mut out = vec![Span::new(0, 0, 5); spec.fields];
        let n = parse(line.as_bytes(), spec, &mut out)?;
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

    fn s(x: &str) -> Option<String> {
        Some(x.into())
    }

    const LINE: &str =
        r#"10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326"#;

    #[test]
    fn loki_style_expression() {
        let (p, names) = compile(
            r#"<ip> - <user> [<ts>] "<method> <path> <_>" <status> <size>"#,
            0,
        )
        .unwrap();
        assert_eq!(
            names,
            ["ip", "user", "ts", "method", "path", "status", "size"]
        );
        assert_eq!(
            run(&p, &format!("{LINE}\r\n")).unwrap(),
            [
                s("10.0.0.1"),
                s("-"),
                s("10/Oct/2000:13:55:36 -0700"),
                s("GET"),
                s("/a.gif"),
                s("200"),
                s("2326")
            ]
        );
        assert_eq!(
            run(&p, "10.0.0.1 - - [x] \"GET /a\" 200 1"),
            Err(Error::PatternMismatch)
        );
        assert_eq!(run(&p, ""), Err(Error::EmptyLine));
    }

    #[test]
    fn anchors_and_empty_captures() {
        let (p, _) = compile("id=<id>;", 0).unwrap();
        assert_eq!(run(&p, "id=;").unwrap(), [s("")]);
        assert_eq!(
            run(&p, "id=a;b;").unwrap(),
            [s("a;b")],
            "trailing literal ends the line"
        );
        assert_eq!(run(&p, "xid=1;"), Err(Error::PatternMismatch));
        assert_eq!(run(&p, "id=1"), Err(Error::PatternMismatch));
        let (p, _) = compile(r"\<<tag>> <msg>", 0).unwrap();
        assert_eq!(
            run(&p, "<x> hello world").unwrap(),
            [s("x"), s("hello world")]
        );
    }

    #[test]
    fn spec_errors() {
        for (expr, pos) in [
            ("<a><b>", 3),
            ("<a> <a>", 5),
            ("plain", 0),
            ("<a> <b", 4),
            ("<1x>", 1),
            ("<a b>", 1),
        ] {
            let e = compile(expr, 0).unwrap_err();
            assert_eq!(e.pos, pos, "{expr}: {e}");
        }
    }

    #[test]
    fn nginx_and_apache_formats() {
        let nginx = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;
        let apache = r#"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""#;
        let line = format!("{LINE} \"-\" \"curl/8.0\"");
        let (n, nn) = compile_nginx(nginx, 6).unwrap();
        assert_eq!(
            nn,
            [
                "remote_addr",
                "remote_user",
                "time_local",
                "request",
                "status",
                "body_bytes_sent",
                "http_referer",
                "http_user_agent"
            ]
        );
        assert_eq!(
            run(&n, &line).unwrap(),
            [
                s("10.0.0.1"),
                None,
                s("10/Oct/2000:13:55:36 -0700"),
                s("GET /a.gif HTTP/1.0"),
                s("200"),
                s("2326"),
                None,
                s("curl/8.0")
            ]
        );
        let (a, an) = compile_apache(apache, 7).unwrap();
        assert_eq!(
            an,
            [
                "remote_addr",
                "ident",
                "remote_user",
                "time",
                "request",
                "status",
                "body_bytes",
                "referer",
                "user_agent"
            ]
        );
        assert_eq!(
            run(&a, &line).unwrap(),
            [
                s("10.0.0.1"),
                None,
                None,
                s("10/Oct/2000:13:55:36 -0700"),
                s("GET /a.gif HTTP/1.0"),
                s("200"),
                s("2326"),
                None,
                s("curl/8.0")
            ]
        );
        assert!(compile_apache("%h %Z", 0).is_err());
        assert!(
            compile_nginx("$a$b", 0).is_err(),
            "adjacent variables are ambiguous"
        );
    }
}
