//! [`Parser`]: a compiled spec, immutable, shared freely between threads.

use crate::error::{Error, SpecError};
use crate::formats::access::AccessMode;
use crate::formats::access_fast;
use crate::formats::auto::{self, AutoSpec};
use crate::formats::json::{self, JsonPaths};
use crate::formats::json_fast;
use crate::formats::logfmt::{self, LogfmtSpec};
use crate::formats::pattern::{self, PatternSpec};
use crate::formats::regex::{self, RegexSpec};
use crate::formats::syslog::{self, SyslogMode};
use crate::span::Span;
use crate::spec;

pub(crate) enum Format {
    Access(AccessMode),
    Auto(Box<AutoSpec>),
    Json(JsonPaths),
    Logfmt(LogfmtSpec),
    Regex(RegexSpec),
    Pattern(PatternSpec),
    Syslog(SyslogMode),
}

/// A compiled spec string (`LogParser` in C). Immutable once built and
/// `Send + Sync`: one parser serves every thread at once, with no locks.
pub struct Parser {
    format: Format,
    /// Field names, each stored with a trailing NUL for C callers.
    names: Vec<Box<str>>,
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser")
            .field(
                "fields",
                &(0..self.field_count())
                    .map(|i| self.field_name(i))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Batch flag: the buffer ends the input, so a final line without `\n` is
/// parsed instead of left for the next call.
pub const LOG_BATCH_END_OF_INPUT: u32 = 1;
/// Batch flag: consume empty lines (nothing but `\n` or `\r\n`) without
/// reporting them. Without it every empty line gets a result with
/// `LOG_ERR_EMPTY_LINE`.
pub const LOG_BATCH_SKIP_EMPTY: u32 = 2;

/// One line of a batch: where it is and how it parsed.
///
/// This is `LogLine` in C; its layout is part of the ABI.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Line {
    /// Offset of the line in the batch buffer.
    pub off: u32,
    /// Length of the line without its `\n` or `\r\n`.
    pub len: u32,
    /// Present-field count (`>= 0`), or a negative `LOG_ERR_*` code.
    pub status: i32,
}

impl Line {
    /// The line's error, if it failed.
    pub fn error(&self) -> Option<Error> {
        Error::from_code(self.status)
    }
}

/// What one batch call did.
///
/// This is `LogBatchResult` in C.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BatchResult {
    /// Bytes of the input fully handled: the lines reported end before
    /// this offset (including their newlines). Continue from here.
    pub consumed: usize,
    /// Number of line results written.
    pub lines: usize,
    /// How many of those lines failed (`status < 0`).
    pub errors: usize,
    /// 1 when the output arrays (or the 4 GiB offset range of one call)
    /// filled up before the input was exhausted; 0 otherwise.
    pub full: u32,
}

impl Parser {
    /// Compile a spec string (see the crate docs for the grammar).
    ///
    /// ```
    /// use logspan::Parser;
    ///
    /// let p = Parser::new("json:level,msg,http.status").unwrap();
    /// let line = br#"{"level":"warn","msg":"slow","http":{"status":503}}"#;
    /// let mut out = [logspan::Span::ABSENT; 3];
    /// assert_eq!(p.parse(line, &mut out), Ok(3));
    /// assert_eq!(out[2].get(line), Some(&b"503"[..]));
    /// assert_eq!(p.field_index("msg"), Some(1));
    /// ```
    pub fn new(spec: &str) -> Result<Parser, SpecError> {
        Parser::from_spec_bytes(spec.as_bytes())
    }

    /// Compile a spec given as bytes (it must be UTF-8; an error says where
    /// it is not).
    pub fn from_spec_bytes(spec: &[u8]) -> Result<Parser, SpecError> {
        let c = spec::compile(spec)?;
        Ok(Parser {
            format: c.format,
            names: c
                .names
                .into_iter()
                .map(|n| format!("{n}\0").into_boxed_str())
                .collect(),
        })
    }

    /// Number of fields every parse writes.
    #[inline]
    pub fn field_count(&self) -> usize {
        self.names.len()
    }

    /// Name of field `i`, or `None` past the end.
    pub fn field_name(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(|n| &n[..n.len() - 1])
    }

    pub(crate) fn field_name_nul(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(|n| &**n)
    }

    /// Index of the field called `name`, resolved once so that the hot
    /// loop reads spans by index.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        (0..self.field_count()).find(|&i| self.field_name(i) == Some(name))
    }

    /// The compiled pattern of a `pattern:`/`nginx:`/`apache:` spec.
    pub(crate) fn pattern_spec(&self) -> Option<&PatternSpec> {
        match &self.format {
            Format::Pattern(spec) => Some(spec),
            _ => None,
        }
    }

    /// Parse one line (a trailing `\n` or `\r\n` is ignored) into
    /// `out[..field_count()]`, returning how many fields are present.
    ///
    /// Spans are relative to `line`. On error all `field_count()` spans are
    /// set to absent; `out` shorter than `field_count()` is
    /// [`Error::OutputTooSmall`] and nothing is written.
    #[inline]
    pub fn parse(&self, line: &[u8], out: &mut [Span]) -> Result<usize, Error> {
        if out.len() < self.field_count() {
            return Err(Error::OutputTooSmall);
        }
        match &self.format {
            Format::Access(mode) => access_fast::parse(line, *mode, out),
            Format::Auto(spec) => auto::parse(line, spec, out),
            Format::Json(paths) => json::parse(line, paths, out),
            Format::Logfmt(spec) => logfmt::parse(line, spec, out),
            Format::Regex(spec) => regex::parse(line, spec, out),
            Format::Pattern(spec) => pattern::parse(line, spec, out),
            Format::Syslog(mode) => syslog::parse(line, *mode, out),
        }
    }

    /// Parse every complete line of `buf` (lines end with `\n`).
    ///
    /// Line `k`'s spans go to `fields[k * field_count() ..][.. field_count()]`
    /// and are relative to the start of `buf`; its result goes to
    /// `lines[k]`. A final line without `\n` is left unconsumed unless
    /// `end_of_input` is true. Parsing stops early, with
    /// [`BatchResult::full`] set, when `lines` or `fields` is full; what was
    /// written is valid and the caller continues at `consumed`.
    ///
    /// Every line gets a result, including empty lines
    /// ([`Error::EmptyLine`]) and malformed ones: nothing is skipped
    /// silently. The results equal [`Parser::parse`] on each line, with
    /// offsets shifted by the line's offset.
    pub fn parse_batch(
        &self,
        buf: &[u8],
        end_of_input: bool,
        lines: &mut [Line],
        fields: &mut [Span],
    ) -> BatchResult {
        let flags = if end_of_input {
            LOG_BATCH_END_OF_INPUT
        } else {
            0
        };
        self.batch(buf, flags, lines, fields)
    }

    /// [`Parser::parse_batch`] with `LOG_BATCH_*` flags:
    /// [`LOG_BATCH_END_OF_INPUT`] and [`LOG_BATCH_SKIP_EMPTY`] (empty lines
    /// are consumed without a result, for callers that treat blank lines
    /// as padding). Unknown flag bits are [`Error::InvalidArgument`].
    pub fn parse_batch_flags(
        &self,
        buf: &[u8],
        flags: u32,
        lines: &mut [Line],
        fields: &mut [Span],
    ) -> Result<BatchResult, Error> {
        if flags & !(LOG_BATCH_END_OF_INPUT | LOG_BATCH_SKIP_EMPTY) != 0 {
            return Err(Error::InvalidArgument);
        }
        Ok(self.batch(buf, flags, lines, fields))
    }

    fn batch(
        &self,
        buf: &[u8],
        flags: u32,
        lines: &mut [Line],
        fields: &mut [Span],
    ) -> BatchResult {
        let end_of_input = flags & LOG_BATCH_END_OF_INPUT != 0;
        let skip_empty = flags & LOG_BATCH_SKIP_EMPTY != 0;
        let nf = self.field_count();
        // A parser with no fields needs no span room.
        let max_lines = fields
            .len()
            .checked_div(nf)
            .map_or(lines.len(), |n| lines.len().min(n));
        let mut r = BatchResult::default();
        let mut start = 0usize;
        while start < buf.len() {
            // Access logs: find the line's end while classifying it (one
            // pass over its bytes). Not where the slower path below must
            // decide before parsing: skipping empty lines, a full output,
            // offsets near the 32-bit limit.
            if let Format::Access(mode) = &self.format {
                if !skip_empty
                    && r.lines < max_lines
                    && start + 2 * crate::formats::access_fast::MAX_LINE_BYTES
                        < crate::LOG_MAX_LINE_LEN
                {
                    let out = &mut fields[r.lines * nf..(r.lines + 1) * nf];
                    if let Some((newline, parsed)) =
                        access_fast::parse_next_line(buf, start, *mode, out)
                    {
                        let content_len = crate::strip_eol(&buf[start..newline + 1]).len();
                        let status = match parsed {
                            Ok(n) => n as i32,
                            Err(e) => {
                                r.errors += 1;
                                e.code()
                            }
                        };
                        lines[r.lines] = Line {
                            off: start as u32,
                            len: content_len as u32,
                            status,
                        };
                        r.lines += 1;
                        start = newline + 1;
                        r.consumed = start;
                        continue;
                    }
                }
            }
            let (end, next) = match memchr::memchr(b'\n', &buf[start..]) {
                Some(k) => (start + k + 1, start + k + 1),
                None if end_of_input => (buf.len(), buf.len()),
                None => break,
            };
            if skip_empty && matches!(&buf[start..end], b"\n" | b"\r\n") {
                start = next;
                r.consumed = next;
                continue;
            }
            if r.lines == max_lines {
                r.full = 1;
                break;
            }
            let raw = &buf[start..end];
            let content_len = crate::strip_eol(raw).len();
            let out = &mut fields[r.lines * nf..(r.lines + 1) * nf];
            let line = &mut lines[r.lines];
            if start + content_len > crate::LOG_MAX_LINE_LEN {
                // Offsets of this line would not fit in 32 bits (the same
                // limit as a one-line parse when start is 0).
                if start > 0 {
                    r.full = 1;
                    break;
                }
                out.fill(Span::ABSENT);
                *line = Line {
                    off: 0,
                    len: content_len.min(crate::LOG_MAX_LINE_LEN) as u32,
                    status: Error::LineTooLong.code(),
                };
                r.errors += 1;
            } else {
                let parsed = match &self.format {
                    // Spans come out buffer-relative, and the walker may
                    // read past the line into the rest of `buf`.
                    Format::Access(mode) => {
                        access_fast::parse_range(buf, start, start + content_len, *mode, out)
                    }
                    Format::Json(paths) => {
                        json_fast::parse_range(buf, start, start + content_len, paths, out)
                    }
                    Format::Syslog(mode) => {
                        syslog::parse_range(buf, start, start + content_len, *mode, out)
                    }
                    _ => self.parse(raw, out).inspect(|_| {
                        for s in out.iter_mut() {
                            *s = s.shifted(start as u32);
                        }
                    }),
                };
                let status = match parsed {
                    Ok(n) => n as i32,
                    Err(e) => {
                        r.errors += 1;
                        e.code()
                    }
                };
                *line = Line {
                    off: start as u32,
                    len: content_len as u32,
                    status,
                };
            }
            r.lines += 1;
            start = next;
            r.consumed = next;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Parser>();
    }

    #[test]
    fn batch_equals_per_line_and_streams() {
        let p = Parser::new("json:a,b").unwrap();
        let text = b"{\"a\":1}\n\nnot json\r\n{\"b\":\"x\",\"a\":[2]}\r\n{\"a\":3}";
        let mut lines = [Line::default(); 8];
        let mut fields = [Span::ABSENT; 16];
        let r = p.parse_batch(text, false, &mut lines, &mut fields);
        assert_eq!((r.lines, r.errors, r.full), (4, 2, 0));
        assert_eq!(r.consumed, text.len() - b"{\"a\":3}".len());
        for (k, line) in lines[..r.lines].iter().enumerate() {
            let off = line.off as usize;
            let end = text[off..].iter().position(|&b| b == b'\n').unwrap() + off + 1;
            let mut one = [Span::ABSENT; 2];
            let want = p.parse(&text[off..end], &mut one);
            assert_eq!(
                want.map(|n| n as i32).unwrap_or_else(|e| e.code()),
                line.status
            );
            for f in 0..2 {
                assert_eq!(fields[k * 2 + f], one[f].shifted(line.off));
            }
        }
        assert_eq!(lines[1].status, Error::EmptyLine.code());
        assert_eq!(lines[2].len, 8, "\\r\\n is not part of the line");
        // The tail is parsed once the caller says the input has ended.
        let tail = &text[r.consumed..];
        let r2 = p.parse_batch(tail, true, &mut lines, &mut fields);
        assert_eq!((r2.lines, r2.consumed, lines[0].status), (1, tail.len(), 1));
    }

    #[test]
    fn skip_empty_consumes_blank_lines_silently() {
        let p = Parser::new("json:a").unwrap();
        let text = b"\n{\"a\":1}\r\n\r\n\n{\"a\":2}\n\n";
        let mut lines = [Line::default(); 8];
        let mut fields = [Span::ABSENT; 8];
        let r = p
            .parse_batch_flags(text, LOG_BATCH_SKIP_EMPTY, &mut lines, &mut fields)
            .unwrap();
        assert_eq!((r.lines, r.errors, r.consumed), (2, 0, text.len()));
        assert_eq!((lines[0].off, lines[1].off), (1, 13));
        let r = p
            .parse_batch_flags(text, 0, &mut lines, &mut fields)
            .unwrap();
        assert_eq!((r.lines, r.errors), (6, 4));
        assert_eq!(
            p.parse_batch_flags(text, 4, &mut lines, &mut fields),
            Err(Error::InvalidArgument)
        );
        // A line of spaces is not empty: it is reported.
        let r = p
            .parse_batch_flags(b" \n", LOG_BATCH_SKIP_EMPTY, &mut lines, &mut fields)
            .unwrap();
        assert_eq!(r.lines, 1);
    }

    #[test]
    fn batch_stops_when_output_is_full() {
        let p = Parser::new("access").unwrap();
        let line = "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1\n";
        let text = line.repeat(5);
        for (lines_cap, fields_cap, want) in
            [(0, 60, 0), (2, 60, 2), (5, 30, 2), (5, 11, 0), (9, 120, 5)]
        {
            let mut lines = vec![Line::default(); lines_cap];
            let mut fields = vec![Span::ABSENT; fields_cap];
            let r = p.parse_batch(text.as_bytes(), true, &mut lines, &mut fields);
            assert_eq!(r.lines, want);
            assert_eq!(r.consumed, want * line.len());
            assert_eq!(r.full, (want < 5) as u32);
        }
    }
}
