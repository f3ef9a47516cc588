//! Regression tests for bugs the fuzz targets (fuzz/) found. Each test
//! names the target and the input that found it.

use logspan::{Error, Parser, Span};

fn parse<'a>(spec: &str, line: &'a [u8]) -> Result<Vec<Option<&'a [u8]>>, Error> {
    let p = Parser::new(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    let mut out = vec![Span::ABSENT; p.field_count()];
    p.parse(line, &mut out)?;
    Ok(out.iter().map(|s| s.get(line)).collect())
}

/// fuzz target `pattern`: an Apache format whose unsupported directive
/// letter is a multi-byte character (`%ˌ`) panicked while building the
/// error message (a `str` sliced inside a character). Now a spec error.
#[test]
fn apache_unsupported_multibyte_directive_is_a_spec_error() {
    for spec in [
        "apache:%ˌ",
        "apache:%h %é",
        "apache:%>s0l eu*<a>%t\u{1}$ \\\"%r\\\" %ˌ0",
    ] {
        let e = Parser::new(spec).expect_err(spec);
        assert!(
            e.msg.contains("unsupported Apache directive"),
            "{spec}: {e}"
        );
        assert!(e.pos <= spec.len());
    }
    let e = Parser::new("apache:%h %é").unwrap_err();
    assert!(e.msg.contains("`%é`"), "{e}");
}

/// fuzz target `pattern` (nginx vs its `pattern:` translation): a
/// non-ASCII literal in an nginx or Apache format was compiled byte by
/// byte as Latin-1 characters (`é` became `Ã©`), so it never matched.
#[test]
fn nginx_and_apache_formats_keep_non_ascii_literals() {
    let line = "x é 200 → y".as_bytes();
    let want = Ok(vec![Some(&b"x"[..]), Some(&b"200"[..])]);
    assert_eq!(parse("pattern:<a> é <b> → y", line), want);
    assert_eq!(parse("nginx:$a é $b → y", line), want);
    assert_eq!(parse("apache:%h é %>s → y", line), want);
}
