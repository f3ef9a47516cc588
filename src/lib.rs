//! # logspan
//!
//! Zero-copy log-line parsing. You hand logspan bytes; it hands back, in an
//! array you own, the offset and length of every field ([`Span`]). Nothing
//! is copied, nothing is allocated per line, and every parser runs in time
//! linear in its input, whatever the input is.
//!
//! The same parsers are reachable from Rust (this crate), from C (the
//! static library `liblogspan.a` and `include/logspan.h`) and from Go (the
//! `go-bindings` package, which calls the C ABI a whole batch of lines at a
//! time).
//!
//! ## Why
//! Services that ingest access logs and JSON lines spend most of their
//! parsing time in copies and allocations (Go's `encoding/json` allocates
//! ~15 times for a typical log line) or in backtracking regexes. logspan
//! finds the fields with vector instructions and byte scans and reports
//! where they are; you decide what to copy or convert.
//!
//! ## How
//! The access log runs on a SIMD structural engine ([`simd`]): each line
//! is classified 64 bytes at a time into bitmasks (spaces, quotes,
//! brackets), with AVX-512BW, AVX2, SSE2 or NEON picked once at run time,
//! and a walker jumps from field to field along the masks. The other
//! formats are single-pass scalar parsers (`memchr`, SWAR). Every fast
//! path is tested against a plain scalar reference of the same rules.
//!
//! ## Example: an access-log line
//! ```
//! use logspan::{parse_fast, Span, LOG_FAST_FIELDS, LOG_FIELD_PATH, LOG_FIELD_STATUS};
//!
//! let line = br#"10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0""#;
//! let mut fields = [Span::ABSENT; LOG_FAST_FIELDS];
//! let present = parse_fast(line, &mut fields).unwrap();
//! assert_eq!(present, 9); // ident, remote_user and referer are "-": absent
//! assert_eq!(fields[LOG_FIELD_PATH].get(line), Some(&b"/index.html"[..]));
//! assert_eq!(fields[LOG_FIELD_STATUS].get(line), Some(&b"200"[..]));
//! ```
//!
//! ## Example: JSON lines, a batch at a time
//! ```
//! use logspan::{Line, Parser, Span};
//!
//! let p = Parser::new("json:level,msg,http.status").unwrap();
//! let buf = b"{\"level\":\"info\",\"msg\":\"ok\",\"http\":{\"status\":200}}\n{\"level\":\n";
//! let mut lines = [Line::default(); 64];
//! let mut fields = [Span::ABSENT; 64 * 3];
//! let r = p.parse_batch(buf, true, &mut lines, &mut fields);
//! assert_eq!((r.lines, r.errors), (2, 1)); // the second line is cut: an error, no fields
//! let status = fields[0 * 3 + 2];
//! assert_eq!(status.get(buf), Some(&b"200"[..]));
//! assert_eq!(lines[1].error(), Some(logspan::Error::JsonTruncated));
//! ```
//!
//! ## Spec strings
//! | spec | fields |
//! |---|---|
//! | `combined` | the 12 access-log fields below; referer and user agent required |
//! | `common` | the first 10 (CLF); nothing may follow the body size |
//! | `access` | `combined`, or `common` with referer and user agent absent: what [`parse_fast`] does |
//! | `json:<path>,...` | one field per path: `msg`, `http.status`, `items[0].id`, `a\.b` (a key with a dot) |
//! | `json:*`, `json:*N` | every top-level pair as key/value spans: `key0 value0 key1 value1 ...` (at most N pairs, default 64) |
//! | `regex:<re>` | one field per named group (regex-automata: linear time) |
//! | `pattern:<expr>` | one field per `<name>` capture: `<ip> - <user> [<ts>] "<method> <path> <_>" <status> <size>` |
//! | `nginx:<log_format>` | nginx `log_format` string, `$var` → field `var` |
//! | `apache:<LogFormat>` | Apache `LogFormat` string, `%h` → `remote_addr`, `%>s` → `status`, ... |
//!
//! Access-log fields, in order: remote_addr, ident, remote_user, time,
//! request, method, path, protocol, status, body_bytes, referer,
//! user_agent. The rules for odd input are at the top of each module of
//! [`formats`].

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod error;
pub mod ffi;
pub mod formats;
mod parser;
pub mod simd;
mod span;
mod spec;
pub mod syslog;
pub mod values;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, SpecError, LOG_OK};
pub use formats::access::{
    LOG_COMMON_FIELDS, LOG_FAST_FIELDS, LOG_FIELD_BODY_BYTES, LOG_FIELD_IDENT, LOG_FIELD_METHOD,
    LOG_FIELD_PATH, LOG_FIELD_PROTOCOL, LOG_FIELD_REFERER, LOG_FIELD_REMOTE_ADDR,
    LOG_FIELD_REMOTE_USER, LOG_FIELD_REQUEST, LOG_FIELD_STATUS, LOG_FIELD_TIME,
    LOG_FIELD_USER_AGENT,
};
pub use formats::json::{LOG_MAX_JSON_DEPTH, LOG_MAX_JSON_PATH_SEGMENTS};
pub use parser::{BatchResult, Line, Parser, LOG_BATCH_END_OF_INPUT, LOG_BATCH_SKIP_EMPTY};
pub use span::*;
pub use syslog::{
    LOG_SYSLOG_FIELDS, LOG_SYSLOG_FIELD_APP_NAME, LOG_SYSLOG_FIELD_HOSTNAME,
    LOG_SYSLOG_FIELD_MESSAGE, LOG_SYSLOG_FIELD_MSGID, LOG_SYSLOG_FIELD_PRIORITY,
    LOG_SYSLOG_FIELD_PROCID, LOG_SYSLOG_FIELD_STRUCTURED_DATA, LOG_SYSLOG_FIELD_TIMESTAMP,
    LOG_SYSLOG_FIELD_VERSION,
};

/// Longest line (in bytes, without its newline) a parse accepts: offsets
/// and lengths are 32-bit and `u32::MAX` means "absent".
pub const LOG_MAX_LINE_LEN: usize = (u32::MAX - 1) as usize;
/// Most fields one spec may define.
pub const LOG_MAX_FIELDS: usize = 4096;
/// Longest spec string accepted by `Parser::new` / `log_parser_new`.
pub const LOG_MAX_SPEC_LEN: usize = 1 << 20;

/// Parse one nginx/Apache access-log line, combined or common format, into
/// the 12 fields `LOG_FIELD_*`; returns how many are present.
///
/// This is `log_parse_fast` in C and the same as a [`Parser`] built from
/// the `access` spec. A trailing `\n` or `\r\n` is ignored. On error all
/// 12 spans are absent.
#[inline]
pub fn parse_fast(line: &[u8], out: &mut [Span; LOG_FAST_FIELDS]) -> Result<usize, Error> {
    formats::access_fast::parse(line, formats::access::AccessMode::Either, out)
}

/// Remove one trailing `\n` or `\r\n`.
#[inline(always)]
pub(crate) fn strip_eol(line: &[u8]) -> &[u8] {
    match line {
        [rest @ .., b'\r', b'\n'] => rest,
        [rest @ .., b'\n'] => rest,
        _ => line,
    }
}
