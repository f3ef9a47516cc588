//! One file per log format. Each exposes a `parse(line, .., out)` that
//! writes spans into `out` and returns the number of present fields, and
//! documents its rules for odd input at the top of the file.

pub mod access;
pub mod access_fast;
pub mod auto;
pub mod json;
pub mod json_fast;
pub mod logfmt;
pub mod logfmt_fast;
pub mod pattern;
pub mod pattern_fast;
pub mod regex;
pub mod syslog;
pub mod syslog_fast;
