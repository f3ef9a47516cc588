//! logfmt (`key=value key="quoted value" bare_key`). Being written: the
//! compile/parse interface below is what `spec.rs` and `parser.rs` call.

use crate::error::{Error, SpecError};
use crate::span::Span;

/// A compiled `logfmt:` spec.
#[derive(Clone, Debug)]
pub(crate) struct LogfmtSpec {}

/// Compile the argument of `logfmt:` (`base` = its byte position in the
/// whole spec). Returns the spec and the field names in output order.
pub(crate) fn compile(_arg: &str, base: usize) -> Result<(LogfmtSpec, Vec<String>), SpecError> {
    Err(SpecError {
        pos: base,
        msg: "logfmt is not implemented yet".into(),
    })
}

/// Parse one line into `out[..field_count]`; returns the present count.
pub(crate) fn parse(_line: &[u8], _spec: &LogfmtSpec, out: &mut [Span]) -> Result<usize, Error> {
    out.fill(Span::ABSENT);
    Err(Error::LogfmtSyntax)
}
