//! Error codes shared by Rust, C and Go.
//!
//! Every fallible C function returns an `int32_t`: a value `>= 0` is
//! success, a negative value is one of these codes. They live in their own
//! range (-1001 and below) so that they cannot be mistaken for a count, and
//! a code once published keeps its number forever.

use core::fmt;

/// Success (a C function that returns a count returns that count instead).
pub const LOG_OK: i32 = 0;

/// Why a call or a line failed.
///
/// In C this is `LogErr`, its variants `LOG_ERR_*`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A pointer argument was NULL where data was required (NULL with a
    /// length of 0 is an empty input, not this error).
    NullArgument = -1001,
    /// The library panicked. This is a bug in logspan; the panic was caught
    /// at the FFI boundary and nothing was written.
    Panic = -1002,
    /// A line (or one spec string) is longer than `LOG_MAX_LINE_LEN`
    /// bytes, so offsets would not fit in 32 bits.
    LineTooLong = -1003,
    /// The output array is smaller than the parser's field count.
    OutputTooSmall = -1004,
    /// The spec string passed to `log_parser_new` is not valid; the error
    /// buffer says why and where.
    InvalidSpec = -1005,
    /// An argument is out of its range (e.g. a field index past the field
    /// count, unknown flag bits).
    InvalidArgument = -1006,
    /// More key/value pairs in the line than the spec's maximum (the
    /// enumerate-all modes `logfmt:*` / `json:*`); nothing is dropped
    /// silently.
    TooManyFields = -1007,
    /// The line is empty (after removing a trailing `\n` or `\r\n`).
    EmptyLine = -1010,

    /// Access log: a space-separated field (remote_addr, ident, remote_user)
    /// is empty or missing.
    AccessMissingField = -1101,
    /// Access log: the time field is not `[...]`.
    AccessBadTime = -1102,
    /// Access log: a quoted field (request, referer, user_agent) is missing
    /// its opening quote or is not followed by a space or the end of line.
    AccessBadQuote = -1103,
    /// Access log: a quoted field has no closing quote (e.g. a line cut in
    /// half).
    AccessUnterminatedQuote = -1104,
    /// Access log: the status is not three digits.
    AccessBadStatus = -1105,
    /// Access log: the body size is neither digits nor `-`.
    AccessBadBytes = -1106,
    /// Access log: the line ends in the middle of the format.
    AccessTruncated = -1107,
    /// Access log: bytes follow the last field of the format.
    AccessTrailingData = -1108,

    /// JSON: a syntax error (RFC 8259).
    JsonSyntax = -1201,
    /// JSON: the line is valid JSON but not an object (JSON lines records
    /// are objects).
    JsonNotObject = -1202,
    /// JSON: nesting deeper than `LOG_MAX_JSON_DEPTH`.
    JsonTooDeep = -1203,
    /// JSON: a string holds bytes that are not UTF-8.
    JsonInvalidUtf8 = -1204,
    /// JSON: the line ends inside a value (e.g. a line cut in half).
    JsonTruncated = -1205,
    /// JSON: bytes follow the end of the top-level object.
    JsonTrailingData = -1206,
    /// JSON: a string holds a raw control character or a bad escape.
    JsonBadString = -1207,
    /// JSON: a number does not follow the JSON number grammar.
    JsonBadNumber = -1208,

    /// logfmt: an unexpected `=` or `"`, or an invalid key.
    LogfmtSyntax = -1301,
    /// logfmt: a quoted value has no closing quote.
    LogfmtUnterminatedQuote = -1302,
    /// logfmt: a quoted value holds an invalid escape or a control
    /// character.
    LogfmtBadEscape = -1303,

    /// syslog: PRI is not `<0>`..`<191>`.
    SyslogBadPri = -1401,
    /// syslog: RFC 5424 VERSION is not 1-999.
    SyslogBadVersion = -1402,
    /// syslog: the timestamp is not valid for the format.
    SyslogBadTimestamp = -1403,
    /// syslog: HOSTNAME, APP-NAME, PROCID or MSGID is too long or holds
    /// bytes outside printable US-ASCII.
    SyslogBadHeader = -1404,
    /// syslog: STRUCTURED-DATA is malformed.
    SyslogBadStructuredData = -1405,
    /// syslog: a message that starts with a UTF-8 BOM is not valid UTF-8.
    SyslogInvalidUtf8 = -1406,
    /// syslog: the line ends inside the header or structured data.
    SyslogTruncated = -1407,

    /// Typed value: the text is not a number or boolean of the syntax the
    /// `log_value_*` functions accept (e.g. empty, spaces, `+1`, `1.`).
    ValueSyntax = -1501,
    /// Typed value: a well-formed number or timestamp that does not fit the
    /// result type (e.g. `i64::MAX + 1`, `1e999`, a year whose Unix
    /// nanoseconds overflow 64 bits).
    ValueOutOfRange = -1502,
    /// Typed value: the text is not a timestamp of the requested format,
    /// or a field is out of range (month 13, 31 April, 29 February of a
    /// common year, hour 24, second 60).
    ValueBadTime = -1503,

    /// regex: the line does not match the spec's regex.
    RegexNoMatch = -1601,
    /// pattern: a literal of the pattern expression is not where it must
    /// be (the line does not start with the leading literal, a literal
    /// between fields is missing, or the line does not end with the
    /// trailing literal).
    PatternMismatch = -1701,

    /// auto: the line is none of the formats `auto` detects.
    AutoNoMatch = -1801,
}

impl Error {
    /// Every error, for tables and tests.
    pub const ALL: &'static [Error] = &[
        Error::NullArgument,
        Error::Panic,
        Error::LineTooLong,
        Error::OutputTooSmall,
        Error::InvalidSpec,
        Error::InvalidArgument,
        Error::TooManyFields,
        Error::EmptyLine,
        Error::AccessMissingField,
        Error::AccessBadTime,
        Error::AccessBadQuote,
        Error::AccessUnterminatedQuote,
        Error::AccessBadStatus,
        Error::AccessBadBytes,
        Error::AccessTruncated,
        Error::AccessTrailingData,
        Error::JsonSyntax,
        Error::JsonNotObject,
        Error::JsonTooDeep,
        Error::JsonInvalidUtf8,
        Error::JsonTruncated,
        Error::JsonTrailingData,
        Error::JsonBadString,
        Error::JsonBadNumber,
        Error::LogfmtSyntax,
        Error::LogfmtUnterminatedQuote,
        Error::LogfmtBadEscape,
        Error::SyslogBadPri,
        Error::SyslogBadVersion,
        Error::SyslogBadTimestamp,
        Error::SyslogBadHeader,
        Error::SyslogBadStructuredData,
        Error::SyslogInvalidUtf8,
        Error::SyslogTruncated,
        Error::ValueSyntax,
        Error::ValueOutOfRange,
        Error::ValueBadTime,
        Error::RegexNoMatch,
        Error::PatternMismatch,
        Error::AutoNoMatch,
    ];

    /// The C status code.
    #[inline]
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The error for a C status code, `None` for success values and
    /// unknown codes.
    pub fn from_code(code: i32) -> Option<Error> {
        Error::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// A static, human-readable description (NUL-terminated for C).
    pub(crate) fn message_nul(self) -> &'static str {
        match self {
            Error::NullArgument => "NULL pointer argument with a non-zero length\0",
            Error::Panic => "internal panic caught at the FFI boundary (a logspan bug)\0",
            Error::LineTooLong => "line longer than the 4 GiB - 2 bytes a span can address\0",
            Error::OutputTooSmall => "output array smaller than the parser's field count\0",
            Error::InvalidSpec => "invalid parser spec string\0",
            Error::InvalidArgument => "argument out of range\0",
            Error::TooManyFields => "more key/value pairs than the spec's maximum\0",
            Error::EmptyLine => "empty line\0",
            Error::AccessMissingField => "access log: empty or missing space-separated field\0",
            Error::AccessBadTime => "access log: time is not enclosed in [ ]\0",
            Error::AccessBadQuote => "access log: quoted field badly delimited\0",
            Error::AccessUnterminatedQuote => "access log: quoted field has no closing quote\0",
            Error::AccessBadStatus => "access log: status is not three digits\0",
            Error::AccessBadBytes => "access log: body size is neither digits nor '-'\0",
            Error::AccessTruncated => "access log: line ends before the format does\0",
            Error::AccessTrailingData => "access log: unexpected bytes after the last field\0",
            Error::JsonSyntax => "json: syntax error\0",
            Error::JsonNotObject => "json: top-level value is not an object\0",
            Error::JsonTooDeep => "json: nesting too deep\0",
            Error::JsonInvalidUtf8 => "json: string is not valid UTF-8\0",
            Error::JsonTruncated => "json: line ends inside a value\0",
            Error::JsonTrailingData => "json: unexpected bytes after the object\0",
            Error::JsonBadString => "json: control character or invalid escape in string\0",
            Error::JsonBadNumber => "json: invalid number\0",
            Error::LogfmtSyntax => "logfmt: unexpected '=' or '\"', or invalid key\0",
            Error::LogfmtUnterminatedQuote => "logfmt: quoted value has no closing quote\0",
            Error::LogfmtBadEscape => {
                "logfmt: invalid escape or control character in quoted value\0"
            }
            Error::SyslogBadPri => "syslog: PRI is not <0> to <191>\0",
            Error::SyslogBadVersion => "syslog: VERSION is not 1 to 999\0",
            Error::SyslogBadTimestamp => "syslog: invalid timestamp\0",
            Error::SyslogBadHeader => "syslog: header field too long or not printable ASCII\0",
            Error::SyslogBadStructuredData => "syslog: malformed STRUCTURED-DATA\0",
            Error::SyslogInvalidUtf8 => "syslog: BOM-marked message is not valid UTF-8\0",
            Error::SyslogTruncated => "syslog: line ends inside the header or structured data\0",
            Error::ValueSyntax => "value: not a number or boolean of the accepted syntax\0",
            Error::ValueOutOfRange => "value: out of range for its type\0",
            Error::ValueBadTime => "value: invalid timestamp or field out of range\0",
            Error::RegexNoMatch => "regex: the line does not match\0",
            Error::AutoNoMatch => "auto: the line is not JSON, syslog, an access log or logfmt\0",
            Error::PatternMismatch => {
                "pattern: a literal of the pattern is missing from the line\0"
            }
        }
    }

    /// A static, human-readable description.
    pub fn message(self) -> &'static str {
        let m = self.message_nul();
        &m[..m.len() - 1]
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// A spec string that `Parser::new` rejected: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// Byte position in the spec string where the problem is.
    pub pos: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid spec at byte {}: {}", self.pos, self.msg)
    }
}

impl std::error::Error for SpecError {}
