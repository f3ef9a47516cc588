package logspan

/*
#include "logspan.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// FastFields is the number of spans ParseFast writes, and the number of
// fields of the "access" and "combined" specs.
const FastFields = 12

// CommonFields is the number of fields of the "common" spec: the first ten
// of the access-log fields below.
const CommonFields = 10

// Indexes of the access-log fields, for ParseFast and the "access",
// "combined" and "common" specs.
const (
	FieldRemoteAddr = 0  // client address (%h)
	FieldIdent      = 1  // identd user (%l), almost always "-" (absent)
	FieldRemoteUser = 2  // authenticated user (%u)
	FieldTime       = 3  // time, inside the brackets
	FieldRequest    = 4  // the whole request line, without its quotes
	FieldMethod     = 5  // request method (GET)
	FieldPath       = 6  // request target (/index.html?q=1)
	FieldProtocol   = 7  // protocol (HTTP/1.1)
	FieldStatus     = 8  // status code, three digits
	FieldBodyBytes  = 9  // response body size
	FieldReferer    = 10 // referer, without its quotes
	FieldUserAgent  = 11 // user agent, without its quotes
)

var (
	_ = [1]struct{}{}[FastFields-C.LOG_FAST_FIELDS]
	_ = [1]struct{}{}[CommonFields-C.LOG_COMMON_FIELDS]
	_ = [1]struct{}{}[FieldRemoteAddr-C.LOG_FIELD_REMOTE_ADDR]
	_ = [1]struct{}{}[FieldIdent-C.LOG_FIELD_IDENT]
	_ = [1]struct{}{}[FieldRemoteUser-C.LOG_FIELD_REMOTE_USER]
	_ = [1]struct{}{}[FieldTime-C.LOG_FIELD_TIME]
	_ = [1]struct{}{}[FieldRequest-C.LOG_FIELD_REQUEST]
	_ = [1]struct{}{}[FieldMethod-C.LOG_FIELD_METHOD]
	_ = [1]struct{}{}[FieldPath-C.LOG_FIELD_PATH]
	_ = [1]struct{}{}[FieldProtocol-C.LOG_FIELD_PROTOCOL]
	_ = [1]struct{}{}[FieldStatus-C.LOG_FIELD_STATUS]
	_ = [1]struct{}{}[FieldBodyBytes-C.LOG_FIELD_BODY_BYTES]
	_ = [1]struct{}{}[FieldReferer-C.LOG_FIELD_REFERER]
	_ = [1]struct{}{}[FieldUserAgent-C.LOG_FIELD_USER_AGENT]
)

// ParseFast parses one nginx/Apache access-log line (combined, or common
// with referer and user agent absent) into out, in the Field* order, and
// returns the number of present fields. It needs no Parser: it is the
// "access" spec built in. A trailing \n or \r\n is ignored.
//
// On a parse error every span is Absent and the error is an *Error.
// This is the per-line path: one cgo call per line (see the package
// documentation); prefer a Batch for volume.
func ParseFast(line []byte, out *[FastFields]Span) (int, error) {
	if out == nil {
		return 0, &Error{Code: ErrNullArgument}
	}
	n := C.log_parse_fast((*C.uint8_t)(unsafe.SliceData(line)), C.size_t(len(line)),
		(*C.LogSpan)(unsafe.Pointer(out)))
	if n < 0 {
		return 0, errorOf(n)
	}
	return int(n), nil
}

// Parser is a compiled spec string. It is immutable, so one Parser may be
// used by any number of goroutines at once; Close it when none uses it.
type Parser struct {
	ptr   *C.LogParser
	names []string       // field names, read from C once
	index map[string]int // name -> field index
}

// NewParser compiles a spec, for example:
//
//	access             combined, or common with referer/user agent absent (12 fields)
//	combined           the combined log format (12 fields)
//	common             the common log format (10 fields)
//	json:a,b.c,d[0]    JSON lines: one field per path
//	json:*             JSON lines: every top-level pair, as key0 value0 key1 value1 ...
//
// and the regex:, pattern:, nginx: and apache: specs of the README. The
// field names (FieldName) come from the spec.
//
// An invalid spec gives a *SpecError that says what is wrong and where.
func NewParser(spec string) (*Parser, error) {
	var ptr *C.LogParser
	// The message is NUL-terminated and truncated to fit; 1 KiB holds any
	// message about a spec short enough to read.
	var errBuf [1024]byte
	status := C.log_parser_new((*C.uint8_t)(unsafe.Pointer(unsafe.StringData(spec))),
		C.size_t(len(spec)), &ptr,
		(*C.uint8_t)(unsafe.Pointer(&errBuf[0])), C.size_t(len(errBuf)))
	if status < 0 {
		msg := C.GoString((*C.char)(unsafe.Pointer(&errBuf[0])))
		if Code(status) != ErrInvalidSpec || msg == "" {
			return nil, errorOf(status)
		}
		return nil, &SpecError{Spec: spec, Pos: specPos(msg), Msg: msg}
	}
	n := int(C.log_parser_field_count(ptr))
	p := &Parser{ptr: ptr, names: make([]string, n), index: make(map[string]int, n)}
	for i := range p.names {
		var nameLen C.size_t
		name := C.log_parser_field_name(ptr, C.size_t(i), &nameLen)
		p.names[i] = C.GoStringN(name, C.int(nameLen))
		p.index[p.names[i]] = i
	}
	// A safety net for a forgotten Close; Close is still the way to free
	// the parser at a known time.
	runtime.SetFinalizer(p, (*Parser).Close)
	return p, nil
}

// Close frees the parser. It is idempotent. It must not run while another
// goroutine still uses the Parser or a Batch or Reader built on it; using
// them afterwards returns ErrClosed.
func (p *Parser) Close() error {
	if p == nil || p.ptr == nil {
		return nil
	}
	C.log_parser_free(p.ptr)
	p.ptr = nil
	runtime.SetFinalizer(p, nil)
	return nil
}

// NumFields is the number of fields every parse with p writes.
func (p *Parser) NumFields() int {
	if p == nil {
		return 0
	}
	return len(p.names)
}

// FieldName is the name of field i (for a JSON spec, the path as written),
// or "" when i is out of range.
func (p *Parser) FieldName(i int) string {
	if p == nil || i < 0 || i >= len(p.names) {
		return ""
	}
	return p.names[i]
}

// FieldIndex is the index of the field called name. Resolve names once,
// then read fields by index in the loop.
func (p *Parser) FieldIndex(name string) (int, bool) {
	if p == nil {
		return 0, false
	}
	i, ok := p.index[name]
	return i, ok
}

// Parse parses one line into out[:NumFields()] and returns the number of
// present fields. Spans are offsets into line; a trailing \n or \r\n is
// ignored. On a parse error every span is Absent and the error is an
// *Error; when len(out) < NumFields() the error is ErrOutputTooSmall and
// out is untouched.
//
// This is the slow path: each call is one cgo crossing (25-40 ns), paid
// per line; a Batch pays it once per batch. Use a Batch for volume.
func (p *Parser) Parse(line []byte, out []Span) (int, error) {
	if p == nil || p.ptr == nil {
		return 0, ErrClosed
	}
	n := C.log_parser_parse(p.ptr, (*C.uint8_t)(unsafe.SliceData(line)), C.size_t(len(line)),
		(*C.LogSpan)(unsafe.Pointer(unsafe.SliceData(out))), C.size_t(len(out)))
	// Keep p (and so its finalizer) alive until C has returned.
	runtime.KeepAlive(p)
	if n < 0 {
		return 0, errorOf(n)
	}
	return int(n), nil
}

// Version is the version of the linked C library, e.g. "0.1.0".
func Version() string { return C.GoString(C.log_version()) }

// abiVersions reports the ABI version of the linked library and of the
// header this package was compiled with; they differ only when a stale
// liblogspan.a was linked.
func abiVersions() (lib, header uint32) {
	return uint32(C.log_abi_version()), uint32(C.LOG_ABI_VERSION)
}
