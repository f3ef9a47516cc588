//! The syslog helpers of the C ABI (`logspan::ffi::log_syslog_*`) on
//! arbitrary bytes, arbitrary cursors and arbitrary (mostly tiny) output
//! capacities, called through raw pointers as C calls them.
//!
//! Input: `CAP FLAGS POS ELEM BYTES...`
//! - `CAP`: the unescaper's `out_cap`: `CAP % 8` (< 0x40), `CAP % 64`
//!   (< 0x80), else the decoded length + `CAP % 8` - 4 (around the edge);
//! - `FLAGS`: bit 0: pass NULL for empty buffers; bits 2..7: the
//!   arbitrary cursor's `elem_len` (% 40); bit 1: its `pos` is huge;
//! - `POS`, `ELEM`: the arbitrary cursor's `pos` and `elem_off`.
//!
//! Invariants (not only "no crash"):
//! - `log_syslog_priority` equals a naive PRI reader and
//!   `syslog::priority_value`; outputs written only on success.
//! - `log_syslog_sd_next`, from a zeroed cursor and from an arbitrary one:
//!   every span lies inside the input; each step moves the cursor forward,
//!   so a walk ends within `len + 1` calls (asserted); the end and errors
//!   leave cursor and output untouched and repeat; a walk resumed from any
//!   cursor the walk produced yields the rest of the same steps.
//! - Differential: a walk that ends cleanly yields exactly what the safe
//!   `syslog::sd_elements` yields, and the `syslog5424` parser accepts the
//!   same bytes as STRUCTURED-DATA exactly when their SD-IDs are unique and
//!   at most `LOG_SYSLOG_MAX_SD_ELEMENTS` (the two checks the cursor leaves
//!   out), with the same escaped flag; every SD span the parser reports
//!   (of that line and of the input parsed as a `syslog` line) walks
//!   cleanly, and every PRI span decodes.
//! - `log_syslog_unescape_param` (on the input and on every value walked):
//!   never writes past `out_cap` nor past the result, succeeds exactly when
//!   the result fits, writes nothing on error, is deterministic, and equals
//!   a naive decoder and `syslog::unescape_param_value`; NULL and overlap
//!   rules.
//! - Inputs are exact-size heap copies (ASan sees any read past the end)
//!   and are unchanged afterwards.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logspan::ffi::*;
use logspan::syslog::{
    priority_value, sd_elements, unescape_param_value, LOG_SYSLOG_FIELDS,
    LOG_SYSLOG_FIELD_PRIORITY, LOG_SYSLOG_FIELD_STRUCTURED_DATA, LOG_SYSLOG_MAX_SD_ELEMENTS,
};
use logspan::{Error, Parser, Span, LOG_FLAG_ESCAPED, LOG_OK, LOG_SPAN_ABSENT};
use std::collections::HashSet;
use std::ptr;
use std::sync::OnceLock;

#[path = "../common.rs"]
mod common;

const CANARY: u8 = 0xA5;
const GARBAGE_SPAN: Span = Span {
    off: 0xAAAA,
    len: 0xBBBB,
    flags: 0xCCCC,
};
const GARBAGE_STEP: LogSdParam = LogSdParam {
    id: GARBAGE_SPAN,
    name: GARBAGE_SPAN,
    value: GARBAGE_SPAN,
    flags: 0xDDDD,
};
/// A line whose STRUCTURED-DATA starts at `PREFIX.len()`.
const PREFIX: &[u8] = b"<1>1 - - - - - ";

/// A NULL pointer when empty and `null_when_empty`, else the data's.
fn ptr_of(v: &[u8], null_when_empty: bool) -> *const u8 {
    if v.is_empty() && null_when_empty {
        ptr::null()
    } else {
        v.as_ptr()
    }
}

/// `s` as a slice of `buf`, asserting it lies inside.
fn inside(buf: &[u8], s: Span) -> &[u8] {
    assert_ne!(s.off, LOG_SPAN_ABSENT, "absent span where one is due");
    let end = s.off as usize + s.len as usize;
    assert!(end <= buf.len(), "span {s:?} outside {} bytes", buf.len());
    &buf[s.off as usize..end]
}

fn is_sd_name(b: u8) -> bool {
    (33..=126).contains(&b) && !matches!(b, b'=' | b']' | b'"')
}

// ---------------------------------------------------------------- priority

/// PRI digits, from RFC 5424's ABNF: 1 to 3 digits, no leading zero but
/// "0", at most 191.
fn naive_pri(pri: &[u8]) -> Option<u8> {
    if pri.is_empty() || pri.len() > 3 || !pri.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if pri.len() > 1 && pri[0] == b'0' {
        return None;
    }
    let v: u32 = std::str::from_utf8(pri).ok()?.parse().ok()?;
    (v <= 191).then_some(v as u8)
}

fn check_priority(pri_in: &[u8], null_empty: bool) {
    let copy = pri_in.to_vec(); // exact size
    let pri = &copy[..];
    let want = naive_pri(pri);
    assert_eq!(priority_value(pri), want, "safe API, {pri:?}");
    let (mut f, mut s) = (CANARY, CANARY);
    // SAFETY: `pri` is a live buffer of pri.len() bytes (or NULL with length
    // 0); f and s are live, writable u8s.
    let rc = unsafe { log_syslog_priority(ptr_of(pri, null_empty), pri.len(), &mut f, &mut s) };
    match want {
        Some(v) => {
            assert_eq!((rc, f, s), (i32::from(v), v >> 3, v & 7), "{pri:?}");
            assert!(f <= 23 && s <= 7);
        }
        None => assert_eq!(
            (rc, f, s),
            (Error::SyslogBadPri.code(), CANARY, CANARY),
            "{pri:?}"
        ),
    }
    // A NULL output: refused, the other output untouched.
    let mut other = CANARY;
    // SAFETY: as above; a NULL facility is part of the contract (refused).
    let rc = unsafe { log_syslog_priority(pri.as_ptr(), pri.len(), ptr::null_mut(), &mut other) };
    assert_eq!((rc, other), (Error::NullArgument.code(), CANARY));
    // SAFETY: as above; a NULL severity is part of the contract (refused).
    let rc = unsafe { log_syslog_priority(pri.as_ptr(), pri.len(), &mut other, ptr::null_mut()) };
    assert_eq!((rc, other), (Error::NullArgument.code(), CANARY));
}

// ---------------------------------------------------------------- cursor

/// One step, owned: SD-ID span, element start, (name, value) spans.
type Step = (Span, bool, Option<(Span, Span)>);

struct Walk {
    steps: Vec<Step>,
    /// The cursor after each step.
    cursors: Vec<LogSdCursor>,
    /// The status that ended the walk: 0 or a negative code.
    rc: i32,
}

/// One call of the cursor on `sd` (exact-size buffer).
fn sd_next(sd: &[u8], null_empty: bool, cur: &mut LogSdCursor, out: &mut LogSdParam) -> i32 {
    // SAFETY: `sd` is a live buffer of sd.len() bytes (or NULL with length
    // 0); cur and out are live, aligned, exclusive references.
    unsafe { log_syslog_sd_next(ptr_of(sd, null_empty), sd.len(), cur, out) }
}

/// Walk `sd` from `start` to its end or first error, checking every call:
/// spans inside `sd` with the grammar's shape, the cursor moving forward,
/// the end and errors leaving cursor and output untouched and repeating,
/// and at most `sd.len() + 1` calls.
fn walk(sd: &[u8], start: LogSdCursor, null_empty: bool) -> Walk {
    let mut cur = start;
    let mut w = Walk {
        steps: Vec::new(),
        cursors: Vec::new(),
        rc: 1,
    };
    // Each step moves `pos` forward by at least one byte and `pos <= len`:
    // at most len steps, then the call that ends the walk.
    let bound = sd.len() + 1;
    for _ in 0..bound {
        let before = cur;
        let mut out = GARBAGE_STEP;
        let rc = sd_next(sd, null_empty, &mut cur, &mut out);
        if rc != 1 {
            assert!(
                rc == 0
                    || rc == Error::SyslogBadStructuredData.code()
                    || rc == Error::SyslogTruncated.code()
                    || rc == Error::InvalidArgument.code(),
                "status {rc} on {sd:?} from {start:?}"
            );
            assert_eq!(cur, before, "cursor moved on {rc}");
            assert_eq!(out, GARBAGE_STEP, "output written on {rc}");
            let again = sd_next(sd, null_empty, &mut cur, &mut out);
            assert_eq!(again, rc, "the same call, the same answer");
            assert_eq!((cur, out), (before, GARBAGE_STEP));
            w.rc = rc;
            return w;
        }
        assert!(
            cur.pos > before.pos && cur.pos as usize <= sd.len(),
            "cursor {before:?} -> {cur:?} on {} bytes",
            sd.len()
        );
        // The step's shape.
        let start = out.flags & LOG_SD_ELEMENT_START != 0;
        assert_eq!(
            out.flags & !LOG_SD_ELEMENT_START,
            0,
            "flags {:#x}",
            out.flags
        );
        let id = inside(sd, out.id);
        assert_eq!(out.id.flags, 0);
        if start {
            assert!((1..=32).contains(&id.len()) && id.iter().all(|&b| is_sd_name(b)));
            assert_eq!(sd[out.id.off as usize - 1], b'[', "an SD-ID follows [");
        } else {
            // The cursor's SD-ID, whatever it holds (from an arbitrary
            // cursor, any bytes inside `sd`).
            assert_eq!(
                (out.id.off, out.id.len),
                (before.elem_off, before.elem_len),
                "a step inside an element repeats the cursor's SD-ID"
            );
        }
        let param = if out.name.off == LOG_SPAN_ABSENT {
            assert_eq!((out.name, out.value), (Span::ABSENT, Span::ABSENT));
            assert!(start, "an element without parameters is one step");
            let close = (out.id.off + out.id.len) as usize;
            assert_eq!(sd[close], b']');
            assert_eq!(cur.pos as usize, close + 1);
            assert_eq!((cur.elem_off, cur.elem_len), (0, 0), "between elements");
            None
        } else {
            let name = inside(sd, out.name);
            let value = inside(sd, out.value);
            assert_eq!(out.name.flags, 0);
            assert!((1..=32).contains(&name.len()) && name.iter().all(|&b| is_sd_name(b)));
            let (name_end, v0) = (
                (out.name.off + out.name.len) as usize,
                out.value.off as usize,
            );
            assert_eq!((name_end + 2, &sd[name_end..v0]), (v0, &b"=\""[..]));
            assert_eq!(sd[out.name.off as usize - 1], b' ');
            let v1 = v0 + value.len();
            assert_eq!(sd[v1], b'"', "the value ends at its quote");
            assert_eq!(cur.pos as usize, v1 + 1);
            assert!(matches!(sd[v1 + 1], b' ' | b']'));
            assert!(std::str::from_utf8(value).is_ok(), "values are UTF-8");
            // Every backslash is one of the three escapes, and no `"` or
            // `]` is unescaped; the flag says whether there is any.
            let mut i = 0;
            while i < value.len() {
                match value[i] {
                    b'\\' => {
                        assert!(matches!(value.get(i + 1), Some(b'"' | b'\\' | b']')));
                        i += 2;
                    }
                    b'"' | b']' => panic!("unescaped {} in {value:?}", value[i]),
                    _ => i += 1,
                }
            }
            assert_eq!(
                out.value.flags,
                if value.contains(&b'\\') {
                    LOG_FLAG_ESCAPED
                } else {
                    0
                }
            );
            assert_eq!((cur.elem_off, cur.elem_len), (out.id.off, out.id.len));
            Some((out.name, out.value))
        };
        w.steps.push((out.id, start, param));
        w.cursors.push(cur);
    }
    panic!("the walk over {sd:?} from {start:?} did not end within {bound} calls");
}

/// What the safe iterator `sd_elements` yields, in the cursor's shape.
fn expected(sd: &[u8]) -> Vec<Step> {
    let base = sd.as_ptr() as usize;
    let span_of = |s: &[u8], flags: u32| Span {
        off: (s.as_ptr() as usize - base) as u32,
        len: s.len() as u32,
        flags,
    };
    let mut steps = Vec::new();
    for e in sd_elements(sd) {
        let id = Span {
            off: e.id_offset() as u32,
            len: e.id().len() as u32,
            flags: 0,
        };
        let mut first = true;
        for p in e.params() {
            steps.push((id, first, Some((span_of(p.name(), 0), p.value_span()))));
            first = false;
        }
        if first {
            steps.push((id, true, None));
        }
    }
    steps
}

/// The syslog5424 / syslog parsers, built once.
fn parser(spec: &'static str) -> &'static Parser {
    static P5424: OnceLock<Parser> = OnceLock::new();
    static PAUTO: OnceLock<Parser> = OnceLock::new();
    let cell = if spec == "syslog5424" { &P5424 } else { &PAUTO };
    cell.get_or_init(|| Parser::new(spec).unwrap())
}

fn parse(spec: &'static str, line: &[u8]) -> (Result<usize, Error>, [Span; LOG_SYSLOG_FIELDS]) {
    let mut out = [Span::ABSENT; LOG_SYSLOG_FIELDS];
    let r = parser(spec).parse(line, &mut out);
    common::check_result(line, &out, &r);
    (r, out)
}

/// STRUCTURED-DATA the parser reported: it walks cleanly from a zeroed
/// cursor, as `sd_elements` does, with the span's escaped flag.
fn check_parsed_sd(sd_span: Span, line: &[u8], null_empty: bool) -> Walk {
    let sd = inside(line, sd_span).to_vec(); // exact size
    let w = walk(&sd, LogSdCursor::default(), null_empty);
    assert_eq!(w.rc, 0, "the parser's SD {sd:?} does not walk");
    assert!(!w.steps.is_empty());
    assert_eq!(w.steps, expected(&sd), "cursor vs sd_elements on {sd:?}");
    let escaped = w
        .steps
        .iter()
        .any(|(_, _, p)| p.is_some_and(|(_, v)| v.flags & LOG_FLAG_ESCAPED != 0));
    assert_eq!(sd_span.flags & LOG_FLAG_ESCAPED != 0, escaped, "{sd:?}");
    w
}

// ---------------------------------------------------------------- unescape

/// `\"`, `\\`, `\]` to `"`, `\`, `]`; any other byte as it is.
fn naive_unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && matches!(raw.get(i + 1), Some(b'"' | b'\\' | b']')) {
            i += 1;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// `log_syslog_unescape_param` into `cap` bytes followed by canaries:
/// (status, the whole buffer, *out_len).
fn unescape(raw: &[u8], cap: usize, null_empty: bool) -> (i32, Vec<u8>, usize) {
    let mut buf = vec![CANARY; cap + 8];
    let out = if cap == 0 && null_empty {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let mut n = usize::MAX;
    // SAFETY: `raw` is a live buffer of raw.len() bytes (or NULL with
    // length 0); `out` is NULL with cap 0 or a live buffer of cap + 8
    // bytes that does not overlap raw; n is a live usize.
    let rc =
        unsafe { log_syslog_unescape_param(ptr_of(raw, null_empty), raw.len(), out, cap, &mut n) };
    assert!(
        buf[cap..].iter().all(|&b| b == CANARY),
        "wrote past out_cap {cap}"
    );
    (rc, buf, n)
}

fn check_unescape(raw_in: &[u8], cap_sel: u8, null_empty: bool) {
    let raw = raw_in.to_vec(); // exact size
    let want = naive_unescape(&raw);
    assert!(want.len() <= raw.len(), "unescaping never lengthens");
    // The safe API: the same bytes with raw.len() bytes of room, None with
    // one byte less than the result needs.
    let mut room = vec![0u8; raw.len()];
    assert_eq!(
        unescape_param_value(&raw, &mut room),
        Some(&want[..]),
        "safe API on {raw:?}"
    );
    if let Some(short) = want.len().checked_sub(1) {
        assert_eq!(unescape_param_value(&raw, &mut room[..short]), None);
    }

    let cap = match cap_sel >> 6 {
        0 => usize::from(cap_sel % 8),
        1 => usize::from(cap_sel % 64),
        _ => (want.len() + usize::from(cap_sel % 8)).saturating_sub(4),
    };
    for cap in [cap, raw.len(), 0] {
        let (rc, buf, n) = unescape(&raw, cap, null_empty);
        if want.len() <= cap {
            assert_eq!((rc, n), (LOG_OK, want.len()), "{raw:?} into {cap}");
            assert_eq!(&buf[..n], &want[..], "{raw:?}");
            assert!(
                buf[n..].iter().all(|&b| b == CANARY),
                "wrote past the result"
            );
        } else {
            assert_eq!(
                (rc, n),
                (Error::OutputTooSmall.code(), usize::MAX),
                "{raw:?} into {cap}"
            );
            assert!(buf.iter().all(|&b| b == CANARY), "wrote on error");
        }
        // Deterministic: the same call, the same answer and bytes.
        assert_eq!(unescape(&raw, cap, null_empty), (rc, buf, n));
    }

    // NULL out_len: refused, nothing written.
    let mut buf = vec![CANARY; raw.len() + 1];
    // SAFETY: raw and buf are live buffers of the lengths passed; a NULL
    // out_len is part of the contract (refused).
    let rc = unsafe {
        log_syslog_unescape_param(
            raw.as_ptr(),
            raw.len(),
            buf.as_mut_ptr(),
            buf.len(),
            ptr::null_mut(),
        )
    };
    assert_eq!(rc, Error::NullArgument.code());
    assert!(buf.iter().all(|&b| b == CANARY));

    // Output overlapping the input (its last byte): refused, untouched.
    if !raw.is_empty() {
        let mut text = raw.clone();
        let mut n = usize::MAX;
        let p = text.as_mut_ptr();
        // SAFETY: `text` is a live buffer of raw.len() bytes; the output is
        // its last byte, inside it (the overlap is refused, never written).
        let rc =
            unsafe { log_syslog_unescape_param(p, raw.len(), p.add(raw.len() - 1), 1, &mut n) };
        assert_eq!((rc, n), (Error::InvalidArgument.code(), usize::MAX));
        assert_eq!(text, raw, "input untouched");
    }
    assert_eq!(raw, raw_in, "input untouched");
}

// ---------------------------------------------------------------- target

fuzz_target!(|data: &[u8]| {
    let Some((hdr, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let [cap_sel, flags, pos, elem] = *hdr;
    let null_empty = flags & 1 != 0;
    // An exact-size heap copy: ASan sees any read past its end.
    let sd: Vec<u8> = rest.to_vec();
    let len = sd.len();

    // ---- PRI: the whole input and its first 1..3 bytes.
    check_priority(&sd, null_empty);
    for k in 1..=3.min(len) {
        if k < len {
            check_priority(&sd[..k], null_empty);
        }
    }

    // ---- the cursor from a zeroed state.
    let w = walk(&sd, LogSdCursor::default(), null_empty);
    assert_ne!(w.rc, Error::InvalidArgument.code(), "a zeroed cursor fits");
    if w.rc == 0 && !w.steps.is_empty() {
        assert_eq!(sd.last(), Some(&b']'), "a clean walk ends at a ]");
    }
    if len == 0 {
        assert_eq!(w.rc, 0);
    }
    // Resumable: from the cursor after step k, the rest of the same walk.
    if !w.cursors.is_empty() {
        let k = usize::from(pos) % w.cursors.len();
        let rest = walk(&sd, w.cursors[k], null_empty);
        assert_eq!(rest.rc, w.rc);
        assert_eq!(rest.steps[..], w.steps[k + 1..]);
    }

    // ---- differential: the safe iterator and the parser.
    let mut line = PREFIX.to_vec();
    line.extend_from_slice(&sd);
    let (r, fields) = parse("syslog5424", &line);
    let sd_field = fields[LOG_SYSLOG_FIELD_STRUCTURED_DATA];
    if w.rc == 0 && len > 0 {
        assert_eq!(w.steps, expected(&sd), "cursor vs sd_elements on {sd:?}");
        // The cursor checks all but the SD-IDs' uniqueness and count.
        let mut ids = HashSet::new();
        let mut count = 0;
        let mut unique = true;
        for (id, start, _) in &w.steps {
            if *start {
                count += 1;
                unique &= ids.insert(inside(&sd, *id));
            }
        }
        if unique && count <= LOG_SYSLOG_MAX_SD_ELEMENTS {
            assert!(r.is_ok(), "cursor walks {sd:?}, the parser says {r:?}");
            assert_eq!(
                (sd_field.off as usize, sd_field.len as usize),
                (PREFIX.len(), len),
                "the whole input is the SD"
            );
        } else {
            assert_eq!(r, Err(Error::SyslogBadStructuredData), "{sd:?}");
        }
    }
    if r.is_ok() {
        if sd_field.is_present() {
            // The SD starts the input: its walk is the input's up to where
            // the SD ends; then the input's walk fails, unless that is the
            // end.
            assert_eq!(sd_field.off as usize, PREFIX.len());
            let ws = check_parsed_sd(sd_field, &line, null_empty);
            assert_eq!(ws.steps, w.steps, "{sd:?}");
            if sd_field.len as usize == len {
                assert_eq!(w.rc, 0);
            } else {
                assert_eq!(w.rc, Error::SyslogBadStructuredData.code(), "{sd:?}");
            }
        } else {
            assert_eq!(sd.first(), Some(&b'-'), "NILVALUE");
            assert!(w.steps.is_empty() && w.rc < 0);
        }
    }

    // The input as a syslog line: its PRI and SD spans decode.
    let (r, fields) = parse("syslog", &sd);
    if r.is_ok() {
        if let Some(pri) = fields[LOG_SYSLOG_FIELD_PRIORITY].get(&sd) {
            assert!(naive_pri(pri).is_some(), "PRI {pri:?}");
            check_priority(pri, null_empty);
        }
        if fields[LOG_SYSLOG_FIELD_STRUCTURED_DATA].is_present() {
            check_parsed_sd(fields[LOG_SYSLOG_FIELD_STRUCTURED_DATA], &sd, null_empty);
        }
    }

    // ---- the cursor from an arbitrary state: same safety, and a cursor
    // outside the input is refused at once.
    let n = len as u32 + 2;
    let start = LogSdCursor {
        pos: if flags & 2 != 0 {
            u32::from(pos) * 0x0101_0101
        } else {
            u32::from(pos) % n
        },
        elem_off: u32::from(elem) % n,
        elem_len: u32::from(flags >> 2) % 40,
    };
    let fits =
        start.pos as usize <= len && start.elem_off as usize + start.elem_len as usize <= len;
    let wa = walk(&sd, start, null_empty);
    if fits {
        assert_ne!(wa.rc, Error::InvalidArgument.code(), "{start:?} fits");
    } else {
        assert!(wa.steps.is_empty());
        assert_eq!(wa.rc, Error::InvalidArgument.code(), "{start:?} outside");
    }

    // ---- unescape: the input, and the first values walked.
    check_unescape(&sd, cap_sel, null_empty);
    for (_, _, p) in w.steps.iter().chain(&wa.steps).take(8) {
        if let Some((_, v)) = p {
            check_unescape(inside(&sd, *v), cap_sel.rotate_left(3), null_empty);
        }
    }

    assert_eq!(sd, rest, "input untouched");
});
