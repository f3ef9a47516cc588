package logspan

import "errors"

// The two backends.
//
// Every exported API of this package is plain Go, written against a small
// set of unexported functions and types that run the Rust library, which
// exist twice:
//
//   - backend_cgo.go (cgo && !logspan_wasm): the static library linked
//     through cgo (cgo.go and the link_*.go files say which one). The
//     default wherever cgo is enabled.
//   - backend_wazero.go and wasm_runtime.go (!cgo || logspan_wasm): the same Rust
//     sources compiled to WebAssembly (wasm/logspan.wasm, embedded), run
//     by wazero, a WebAssembly runtime in pure Go. Used when the package is
//     built with CGO_ENABLED=0, or with -tags logspan_wasm.
//
// Both implement:
//
//	type parserImpl                  a compiled spec
//	newParserImpl(spec)              compile: handle, field names, status, message
//	(*parserImpl).open/free/parse/parseBatch
//	type batchImpl                   per-Batch state (none for cgo)
//	parseFastImpl, statusText, libVersion, libABIVersion
//	valueI64, valueU64, valueF64, valueBool, timeRFC3339, timeCLF, timeRFC3164
//	unescapeInto, syslogPriority, sdNext
//	backendName                      "cgo" or "wasm"
//	backendError                     the error behind statusUnavailable
//
// The C ABI's records are declared here in Go, with C's layout; the cgo
// backend checks at compile time that they match logspan.h, so that C
// writes into them directly, and the wasm backend decodes them from the
// module's memory (the same layout, with 32-bit size_t).

// lineRecord is C's LogLine: one line of a batch.
type lineRecord struct {
	off    uint32 // offset of the line in the batch's buffer
	len    uint32 // length, without its \n or \r\n
	status int32  // present fields (>= 0), or a negative code
}

// batchResult is C's LogBatchResult (size_t is uintptr wherever cgo
// runs; the wasm backend fills it from the module's 32-bit one).
type batchResult struct {
	consumed uintptr
	lines    uintptr
	errors   uintptr
	full     uint32
}

// sdCursor is C's LogSdCursor.
type sdCursor struct {
	pos     uint32
	elemOff uint32
	elemLen uint32
}

// sdParam is C's LogSdParam.
type sdParam struct {
	id    Span
	name  Span
	value Span
	flags uint32
}

// Constants of logspan.h the package uses internally, as Go literals; the
// cgo backend asserts that each equals the header's.
const (
	abiVersion      = 1 // LOG_ABI_VERSION
	batchEndOfInput = 1 // LOG_BATCH_END_OF_INPUT
	batchSkipEmpty  = 2 // LOG_BATCH_SKIP_EMPTY
	errBufSize      = 1024
)

// statusUnavailable is a status no C function returns: the backend could
// not run at all (the WebAssembly module failed to compile or
// instantiate). statusErr turns it into backendError().
const statusUnavailable int32 = -1 << 31

// errorOf wraps a negative status of a one-line call.
func errorOf(status int32) error {
	if status == statusUnavailable {
		return backendError()
	}
	return &Error{Code: Code(status)}
}

// statusErr is the error of a negative status for the functions that
// return a bare Code.
func statusErr(status int32) error {
	if status == statusUnavailable {
		return backendError()
	}
	return Code(status)
}

// errBackend is what backendError wraps when the backend has no better
// message.
var errBackend = errors.New("logspan: the parser backend is unavailable")

// Backend names the implementation of the library this build of the
// package runs: "cgo", the static library linked through cgo, or "wasm",
// the embedded WebAssembly module run by wazero (built with CGO_ENABLED=0,
// or with -tags logspan_wasm). The package documentation compares them.
func Backend() string { return backendName }
