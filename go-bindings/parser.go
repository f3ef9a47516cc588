package logspan

import (
	"runtime"
)

// FastFields is the number of spans ParseFast writes, and the number of
// fields of the "access" and "combined" specs.
const FastFields = 12

// CommonFields is the number of fields of the "common" spec: the first ten
// of the access-log fields below.
const CommonFields = 10

// Indexes of the access-log fields, for ParseFast and the "access",
// "combined" and "common" specs. (These and the other constants of the
// package equal logspan.h's LOG_*: backend_cgo.go asserts it.)
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

// ParseFast parses one nginx/Apache access-log line (combined, or common
// with referer and user agent absent) into out, in the Field* order, and
// returns the number of present fields. It needs no Parser: it is the
// "access" spec built in. A trailing \n or \r\n is ignored.
//
// On a parse error every span is Absent and the error is an *Error.
// This is the per-line path: one call into the library per line (see the
// package documentation); prefer a Batch for volume.
func ParseFast(line []byte, out *[FastFields]Span) (int, error) {
	if out == nil {
		return 0, &Error{Code: ErrNullArgument}
	}
	n := parseFastImpl(line, out)
	if n < 0 {
		return 0, errorOf(n)
	}
	return int(n), nil
}

// Parser is a compiled spec string. It is immutable, so one Parser may be
// used by any number of goroutines at once; Close it when none uses it.
type Parser struct {
	impl  parserImpl     // the backend's parser (see abi.go)
	names []string       // field names, read from the library once
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
	impl, names, status, msg := newParserImpl(spec)
	if status < 0 {
		if Code(status) != ErrInvalidSpec || msg == "" {
			return nil, errorOf(status)
		}
		return nil, &SpecError{Spec: spec, Pos: specPos(msg), Msg: msg}
	}
	p := &Parser{impl: impl, names: names, index: make(map[string]int, len(names))}
	for i, name := range names {
		p.index[name] = i
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
	if p == nil || !p.impl.open() {
		return nil
	}
	p.impl.free()
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
// This is the slow path: each call is one crossing into the library (a cgo
// call, 25-40 ns; without cgo, a WebAssembly call and copies, more), paid
// per line; a Batch pays it once per batch. Use a Batch for volume.
func (p *Parser) Parse(line []byte, out []Span) (int, error) {
	if p == nil || !p.impl.open() {
		return 0, ErrClosed
	}
	n := p.impl.parse(line, out)
	// Keep p (and so its finalizer) alive until the library has returned.
	runtime.KeepAlive(p)
	if n < 0 {
		return 0, errorOf(n)
	}
	return int(n), nil
}

// Version is the version of the library, e.g. "0.1.0": the linked C
// library, or the embedded WebAssembly module without cgo.
func Version() string { return libVersion() }

// abiVersions reports the ABI version of the library (linked, or the
// embedded module) and of the header this package was written against;
// they differ only when a stale library was linked.
func abiVersions() (lib, header uint32) {
	return libABIVersion(), abiVersion
}
