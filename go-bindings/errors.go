package logspan

import (
	"errors"
	"strconv"
	"strings"
	"sync"
)

// Code is a status code of the C library (LOG_ERR_* in logspan.h). Each
// Err constant is an error, so errors.Is(err, logspan.ErrJSONTruncated)
// matches any error of this package that carries that code.
type Code int32

// The codes, with the numbers of logspan.h; a published code keeps its
// number forever. Codes of a library newer than this package still work:
// their Message comes from the library.
const (
	ErrNullArgument    Code = -1001 // a NULL pointer with a non-zero length
	ErrPanic           Code = -1002 // the library panicked: a logspan bug
	ErrLineTooLong     Code = -1003 // a line too long to parse (see Error)
	ErrOutputTooSmall  Code = -1004 // fewer output spans than NumFields
	ErrInvalidSpec     Code = -1005 // NewParser: the spec is not valid
	ErrInvalidArgument Code = -1006 // an argument out of its range
	ErrTooManyFields   Code = -1007 // more key/value pairs than a json:* or logfmt:* spec's maximum
	ErrEmptyLine       Code = -1010 // the line is empty (after its \n or \r\n)

	ErrAccessMissingField      Code = -1101 // remote_addr, ident or remote_user empty or missing
	ErrAccessBadTime           Code = -1102 // time not enclosed in [ ]
	ErrAccessBadQuote          Code = -1103 // quoted field badly delimited
	ErrAccessUnterminatedQuote Code = -1104 // quoted field without closing quote
	ErrAccessBadStatus         Code = -1105 // status not three digits
	ErrAccessBadBytes          Code = -1106 // body size neither digits nor -
	ErrAccessTruncated         Code = -1107 // line ends before the format does
	ErrAccessTrailingData      Code = -1108 // bytes after the last field

	ErrJSONSyntax       Code = -1201 // a syntax error (RFC 8259)
	ErrJSONNotObject    Code = -1202 // valid JSON, but not an object
	ErrJSONTooDeep      Code = -1203 // nesting deeper than 1024
	ErrJSONInvalidUTF8  Code = -1204 // a string that is not UTF-8
	ErrJSONTruncated    Code = -1205 // the line ends inside a value
	ErrJSONTrailingData Code = -1206 // bytes after the object
	ErrJSONBadString    Code = -1207 // control character or bad escape in a string
	ErrJSONBadNumber    Code = -1208 // a number outside the JSON grammar

	ErrLogfmtSyntax            Code = -1301 // an unexpected = or ", or an invalid key
	ErrLogfmtUnterminatedQuote Code = -1302 // a quoted value without closing quote
	ErrLogfmtBadEscape         Code = -1303 // a bad escape or control character in a quoted value

	ErrSyslogBadPRI            Code = -1401 // PRI is not <0>..<191>
	ErrSyslogBadVersion        Code = -1402 // RFC 5424 VERSION is not 1-999
	ErrSyslogBadTimestamp      Code = -1403 // the timestamp is not valid for the format
	ErrSyslogBadHeader         Code = -1404 // a header field too long or not printable ASCII
	ErrSyslogBadStructuredData Code = -1405 // malformed STRUCTURED-DATA
	ErrSyslogInvalidUTF8       Code = -1406 // a message with a BOM that is not UTF-8
	ErrSyslogTruncated         Code = -1407 // the line ends inside the header or structured data

	ErrValueSyntax     Code = -1501 // typed value: not a number or boolean of the accepted syntax
	ErrValueOutOfRange Code = -1502 // typed value: does not fit the result type
	ErrValueBadTime    Code = -1503 // typed value: not a valid timestamp of the format

	ErrRegexNoMatch    Code = -1601 // the line does not match the spec's regex
	ErrPatternMismatch Code = -1701 // a literal of the pattern is not where it must be

	ErrAutoNoMatch Code = -1801 // auto: the line is not JSON, syslog, an access log or logfmt
)

// allCodes lists every code, for the message table and the tests.
var allCodes = [...]Code{
	ErrNullArgument, ErrPanic, ErrLineTooLong, ErrOutputTooSmall,
	ErrInvalidSpec, ErrInvalidArgument, ErrTooManyFields, ErrEmptyLine,
	ErrAccessMissingField, ErrAccessBadTime, ErrAccessBadQuote,
	ErrAccessUnterminatedQuote, ErrAccessBadStatus, ErrAccessBadBytes,
	ErrAccessTruncated, ErrAccessTrailingData,
	ErrJSONSyntax, ErrJSONNotObject, ErrJSONTooDeep, ErrJSONInvalidUTF8,
	ErrJSONTruncated, ErrJSONTrailingData, ErrJSONBadString, ErrJSONBadNumber,
	ErrLogfmtSyntax, ErrLogfmtUnterminatedQuote, ErrLogfmtBadEscape,
	ErrSyslogBadPRI, ErrSyslogBadVersion, ErrSyslogBadTimestamp, ErrSyslogBadHeader,
	ErrSyslogBadStructuredData, ErrSyslogInvalidUTF8, ErrSyslogTruncated,
	ErrValueSyntax, ErrValueOutOfRange, ErrValueBadTime,
	ErrRegexNoMatch, ErrPatternMismatch, ErrAutoNoMatch,
}

// backend_cgo.go asserts that each Go code equals the header's.

// codeMessages holds the library's description of every code, read once,
// on first use (not at init: without cgo that would load the WebAssembly
// module in every program that imports the package), so that formatting
// an error costs no call into the library.
var codeMessages = sync.OnceValue(func() map[Code]string {
	m := make(map[Code]string, len(allCodes))
	for _, c := range allCodes {
		m[c] = statusText(int32(c))
	}
	return m
})

// Message is the library's description of the code (log_status_str),
// without the "logspan: " prefix of Error.
func (c Code) Message() string {
	if c >= 0 {
		return "ok"
	}
	if m, ok := codeMessages()[c]; ok && m != "" {
		return m
	}
	// A code newer than this package, or none at all: ask the library.
	if m := statusText(int32(c)); m != "unknown status code" && m != "" {
		return m
	}
	return "unknown status code " + strconv.Itoa(int(c))
}

func (c Code) Error() string { return "logspan: " + c.Message() }

// Error is a parse failure with the line it happened on.
//
// Line and Offset locate the line in the stream when the error comes from
// a Batch or a Reader: Line is 1-based, Offset is the byte offset of the
// line's first byte. For Parser.Parse and ParseFast both are 0.
//
// errors.Is(err, ErrJSONTruncated) tests the Code.
type Error struct {
	Code   Code
	Line   int
	Offset int

	limit int // for a Reader's ErrLineTooLong: the limit that was exceeded
}

func (e *Error) Error() string {
	msg := e.Code.Message()
	if e.Code == ErrLineTooLong && e.limit > 0 {
		msg = "line longer than the reader's limit of " + strconv.Itoa(e.limit) + " bytes"
	}
	if e.Line > 0 {
		return "logspan: line " + strconv.Itoa(e.Line) + " (byte offset " +
			strconv.Itoa(e.Offset) + "): " + msg
	}
	return "logspan: " + msg
}

// Unwrap returns the Code, which is what errors.Is and errors.As compare.
func (e *Error) Unwrap() error { return e.Code }

// SpecError is NewParser's error for a spec string it cannot compile.
// errors.Is(err, ErrInvalidSpec) holds for it.
type SpecError struct {
	Spec string // the spec as given
	Pos  int    // byte position in Spec where the problem is; -1 if unknown
	Msg  string // the library's message, which also gives the position
}

func (e *SpecError) Error() string { return "logspan: " + e.Msg }

// Unwrap returns ErrInvalidSpec.
func (e *SpecError) Unwrap() error { return ErrInvalidSpec }

// specPos reads the position out of the library's message, which is the
// only place the C ABI reports it ("invalid spec at byte N: ...").
func specPos(msg string) int {
	const prefix = "invalid spec at byte "
	rest, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return -1
	}
	digits, _, ok := strings.Cut(rest, ":")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1
	}
	return n
}

// ErrClosed is returned when a Parser is used after Close (or is nil).
var ErrClosed = errors.New("logspan: parser is closed")
