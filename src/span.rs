//! The one output type: where a field is in the caller's bytes.

/// `off` value of a field that is not present in the line.
///
/// A field is absent when the format says it is optional and it is missing,
/// when its value is the placeholder `-` (access logs), or when a JSON key
/// is not in the object. An absent span has `len == 0` and `flags == 0`.
pub const LOG_SPAN_ABSENT: u32 = u32::MAX;

/// The value contains escape sequences (`\"`, `\\`, `\xHH`, JSON `\uXXXX`
/// ...). The span is the raw text as it is in the input; unescape it
/// yourself if you need the decoded value.
pub const LOG_FLAG_ESCAPED: u32 = 1 << 0;
/// The key of this JSON value occurred more than once in its object; the
/// span is the last occurrence (the rule of `JSON.parse` and Go's
/// `encoding/json`).
pub const LOG_FLAG_DUPLICATE: u32 = 1 << 1;
/// syslog: the `message` field started with a UTF-8 byte-order mark (RFC
/// 5424 §6.4); the span excludes the three BOM bytes, and the rest was
/// checked to be valid UTF-8.
pub const LOG_FLAG_BOM: u32 = 1 << 2;
/// logfmt: the key has no `=` (a bare key such as `debug` in
/// `msg=hi debug`). The span is present, empty, and placed just after the
/// key; `k=` and `k=""` give an empty span without this flag.
pub const LOG_FLAG_BARE_KEY: u32 = 1 << 3;

/// Mask of the JSON value type bits of a span's `flags`; 0 for non-JSON
/// fields.
pub const LOG_FLAG_TYPE_MASK: u32 = 0xF << 8;
/// JSON string. The span excludes the quotes.
pub const LOG_TYPE_STRING: u32 = 1 << 8;
/// JSON number, its raw text (e.g. `-1.5e3`).
pub const LOG_TYPE_NUMBER: u32 = 2 << 8;
/// JSON `true` or `false`, its raw text.
pub const LOG_TYPE_BOOL: u32 = 3 << 8;
/// JSON `null`, its raw text.
pub const LOG_TYPE_NULL: u32 = 4 << 8;
/// JSON object, its raw text from `{` to `}`.
pub const LOG_TYPE_OBJECT: u32 = 5 << 8;
/// JSON array, its raw text from `[` to `]`.
pub const LOG_TYPE_ARRAY: u32 = 6 << 8;

/// The position of one field in the input: `input[off .. off + len]`.
///
/// Offsets are relative to the buffer that was passed to the call that
/// produced the span (the line for a one-line parse, the whole batch buffer
/// for a batch parse). A span never points outside that buffer.
///
/// This is `LogSpan` in C; its layout is part of the ABI.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the field, or `LOG_SPAN_ABSENT`.
    pub off: u32,
    /// Length of the field in bytes.
    pub len: u32,
    /// `LOG_FLAG_*` bits, and for JSON fields a `LOG_TYPE_*` value.
    pub flags: u32,
}

impl Span {
    /// The span of a field that is not present.
    pub const ABSENT: Span = Span {
        off: LOG_SPAN_ABSENT,
        len: 0,
        flags: 0,
    };

    #[inline(always)]
    pub(crate) fn new(start: usize, end: usize, flags: u32) -> Span {
        debug_assert!(start <= end && end < LOG_SPAN_ABSENT as usize);
        Span {
            off: start as u32,
            len: (end - start) as u32,
            flags,
        }
    }

    /// Whether the field is present in the line.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.off != LOG_SPAN_ABSENT
    }

    /// Whether the raw text contains escape sequences.
    #[inline]
    pub fn is_escaped(&self) -> bool {
        self.flags & LOG_FLAG_ESCAPED != 0
    }

    /// The JSON type bits (`LOG_TYPE_*`), 0 for non-JSON fields.
    #[inline]
    pub fn json_type(&self) -> u32 {
        self.flags & LOG_FLAG_TYPE_MASK
    }

    /// The field's bytes in `input` (the buffer the span was produced
    /// from), or `None` when the field is absent.
    ///
    /// Returns `None` too if the span does not fit `input`, which happens
    /// only when it is applied to another buffer than its own.
    #[inline]
    pub fn get<'a>(&self, input: &'a [u8]) -> Option<&'a [u8]> {
        if !self.is_present() {
            return None;
        }
        let start = self.off as usize;
        input.get(start..start.checked_add(self.len as usize)?)
    }

    /// Shift a present span by `base` bytes (line-relative to
    /// buffer-relative). Callers guarantee the result fits in `u32`.
    #[inline(always)]
    pub(crate) fn shifted(self, base: u32) -> Span {
        if self.is_present() {
            Span {
                off: self.off + base,
                ..self
            }
        } else {
            self
        }
    }
}

impl Default for Span {
    fn default() -> Span {
        Span::ABSENT
    }
}
