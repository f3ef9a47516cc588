package logspan

import (
	"time"
)

// Typed values. Each function turns a field's bytes (Line.Field,
// Span.Bytes) into a Go value with the library's own rules, so Rust, C and
// Go agree on every input. Each is one call into the library (~30 ns with
// cgo, more without): cheap next to a parse, but resolve what you need
// once per line, not in an inner loop. None allocates.

// ParseInt parses a decimal integer: -?[0-9]+ (no '+', spaces or '_';
// leading zeros allowed). Overflow is ErrValueOutOfRange, never a wrap.
func ParseInt(b []byte) (int64, error) {
	v, st := valueI64(b)
	if st < 0 {
		return 0, statusErr(st)
	}
	return v, nil
}

// ParseUint parses a non-negative decimal integer, as ParseInt.
func ParseUint(b []byte) (uint64, error) {
	v, st := valueU64(b)
	if st < 0 {
		return 0, statusErr(st)
	}
	return v, nil
}

// ParseFloat parses a number in the JSON grammar (leading zeros allowed),
// correctly rounded. inf, nan, ".5" and "5." are ErrValueSyntax; a value
// that rounds to infinity is ErrValueOutOfRange.
func ParseFloat(b []byte) (float64, error) {
	v, st := valueF64(b)
	if st < 0 {
		return 0, statusErr(st)
	}
	return v, nil
}

// ParseBool accepts what strconv.ParseBool accepts: 1 t T true True TRUE,
// 0 f F false False FALSE.
func ParseBool(b []byte) (bool, error) {
	v, st := valueBool(b)
	if st < 0 {
		return false, statusErr(st)
	}
	return v, nil
}

// ParseTimeRFC3339 parses an RFC 3339 / ISO 8601 timestamp as found in
// logs (2024-05-01T12:00:00.123Z, a space or 't' separator, up to 9
// fraction digits, Z or ±hh:mm or ±hhmm; a zone is required). The result
// is in UTC.
func ParseTimeRFC3339(b []byte) (time.Time, error) {
	ns, st := timeRFC3339(b)
	if st < 0 {
		return time.Time{}, statusErr(st)
	}
	return time.Unix(0, ns).UTC(), nil
}

// ParseTimeCLF parses the access-log time (the FieldTime span, without
// brackets): 10/Oct/2000:13:55:36 -0700. The result is in UTC.
func ParseTimeCLF(b []byte) (time.Time, error) {
	ns, st := timeCLF(b)
	if st < 0 {
		return time.Time{}, statusErr(st)
	}
	return time.Unix(0, ns).UTC(), nil
}

// ParseTimeRFC3164 parses a BSD syslog timestamp (Oct 11 22:14:15, or
// with a space-padded day), which has no year: the caller supplies it. The
// time is read as UTC.
func ParseTimeRFC3164(b []byte, year int) (time.Time, error) {
	ns, st := timeRFC3164(b, int32(year))
	if st < 0 {
		return time.Time{}, statusErr(st)
	}
	return time.Unix(0, ns).UTC(), nil
}

// Which unescaper appendUnescaped calls (unescapeInto of the backend).
type unescapeKind int

const (
	unescapeJSON   unescapeKind = iota // log_unescape_json
	unescapeLogfmt                     // log_unescape_logfmt
	unescapeAccess                     // log_unescape_access
	unescapeSD                         // log_syslog_unescape_param
)

// appendUnescaped appends the decoded raw to dst. Decoding never makes
// text longer, so len(raw) free bytes always suffice: dst grows only when
// it has less room than that, and the call itself allocates nothing.
func appendUnescaped(dst, raw []byte, kind unescapeKind) ([]byte, error) {
	if len(raw) == 0 {
		return dst, nil
	}
	n := len(dst)
	if cap(dst)-n < len(raw) {
		grown := make([]byte, n, n+len(raw))
		copy(grown, dst)
		dst = grown
	}
	written, st := unescapeInto(kind, raw, dst[n:n+len(raw)])
	if st < 0 {
		return dst[:n], statusErr(st)
	}
	return dst[:n+written], nil
}

// AppendUnescapedJSON appends the decoded form of a JSON string body (a
// span flagged Escaped, without its quotes) to dst: \" \\ \/ \b \f \n \r
// \t and \uXXXX with surrogate pairs. A lone surrogate or a bad escape is
// ErrJSONBadString. raw and dst must not overlap.
func AppendUnescapedJSON(dst, raw []byte) ([]byte, error) {
	return appendUnescaped(dst, raw, unescapeJSON)
}

// AppendUnescapedLogfmt appends the decoded body of a logfmt quoted value
// to dst: go-logfmt's escapes and those of Go's strconv.Quote (what slog's
// TextHandler writes). A bad escape is ErrLogfmtBadEscape.
func AppendUnescapedLogfmt(dst, raw []byte) ([]byte, error) {
	return appendUnescaped(dst, raw, unescapeLogfmt)
}

// AppendUnescapedAccess appends the decoded form of an access-log quoted
// field to dst: \" \\ \xHH and Apache's \b \n \r \t \v; any other
// backslash is kept as it is.
func AppendUnescapedAccess(dst, raw []byte) ([]byte, error) {
	return appendUnescaped(dst, raw, unescapeAccess)
}
