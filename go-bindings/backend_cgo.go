//go:build cgo && !logspan_wasm

package logspan

// The cgo backend (see abi.go): every call into the Rust library, through
// its C ABI, linked statically (cgo.go and link_*.go say which library).
// Each function is a thin wrapper of one C function; spans and line
// records are written by C straight into Go memory.

/*
#include "logspan.h"
*/
import "C"

import (
	"unsafe"
)

const backendName = "cgo"

// backendError: the cgo backend is always available (a missing library is
// a link error, not a run-time one).
func backendError() error { return errBackend }

// parserImpl is a parser of the C library.
type parserImpl struct {
	ptr *C.LogParser
}

// batchImpl: the cgo backend keeps nothing per Batch.
type batchImpl struct{}

func newParserImpl(spec string) (pi parserImpl, names []string, status int32, msg string) {
	var ptr *C.LogParser
	// The message is NUL-terminated and truncated to fit; 1 KiB holds any
	// message about a spec short enough to read.
	var errBuf [errBufSize]byte
	st := C.log_parser_new((*C.uint8_t)(unsafe.Pointer(unsafe.StringData(spec))),
		C.size_t(len(spec)), &ptr,
		(*C.uint8_t)(unsafe.Pointer(&errBuf[0])), C.size_t(len(errBuf)))
	if st < 0 {
		return parserImpl{}, nil, int32(st), C.GoString((*C.char)(unsafe.Pointer(&errBuf[0])))
	}
	n := int(C.log_parser_field_count(ptr))
	names = make([]string, n)
	for i := range names {
		var nameLen C.size_t
		name := C.log_parser_field_name(ptr, C.size_t(i), &nameLen)
		names[i] = C.GoStringN(name, C.int(nameLen))
	}
	return parserImpl{ptr: ptr}, names, 0, ""
}

func (pi *parserImpl) open() bool { return pi.ptr != nil }

func (pi *parserImpl) free() {
	C.log_parser_free(pi.ptr)
	pi.ptr = nil
}

func (pi *parserImpl) parse(line []byte, out []Span) int32 {
	return int32(C.log_parser_parse(pi.ptr, bytesPtr(line), C.size_t(len(line)),
		(*C.LogSpan)(unsafe.Pointer(unsafe.SliceData(out))), C.size_t(len(out))))
}

// parseBatch passes C only Go memory that holds no Go pointers: buf, the
// arrays of line records and spans, and res, which is its own allocation
// for that reason (a Batch holds pointers).
func (pi *parserImpl) parseBatch(_ *batchImpl, buf []byte, flags uint32, lines []lineRecord, spans []Span, res *batchResult) int32 {
	return int32(C.log_parser_parse_batch(pi.ptr,
		bytesPtr(buf), C.size_t(len(buf)), C.uint32_t(flags),
		(*C.LogLine)(unsafe.Pointer(unsafe.SliceData(lines))), C.size_t(len(lines)),
		(*C.LogSpan)(unsafe.Pointer(unsafe.SliceData(spans))), C.size_t(len(spans)),
		(*C.LogBatchResult)(unsafe.Pointer(res))))
}

func parseFastImpl(line []byte, out *[FastFields]Span) int32 {
	return int32(C.log_parse_fast(bytesPtr(line), C.size_t(len(line)), (*C.LogSpan)(unsafe.Pointer(out))))
}

// statusText is the library's description of a status (log_status_str).
func statusText(status int32) string { return C.GoString(C.log_status_str(C.int32_t(status))) }

func libVersion() string { return C.GoString(C.log_version()) }

func libABIVersion() uint32 { return uint32(C.log_abi_version()) }

func valueI64(b []byte) (int64, int32) {
	var v C.int64_t
	st := C.log_value_i64(bytesPtr(b), C.size_t(len(b)), &v)
	return int64(v), int32(st)
}

func valueU64(b []byte) (uint64, int32) {
	var v C.uint64_t
	st := C.log_value_u64(bytesPtr(b), C.size_t(len(b)), &v)
	return uint64(v), int32(st)
}

func valueF64(b []byte) (float64, int32) {
	var v C.double
	st := C.log_value_f64(bytesPtr(b), C.size_t(len(b)), &v)
	return float64(v), int32(st)
}

func valueBool(b []byte) (bool, int32) {
	var v C.uint8_t
	st := C.log_value_bool(bytesPtr(b), C.size_t(len(b)), &v)
	return v != 0, int32(st)
}

func timeRFC3339(b []byte) (int64, int32) {
	var ns C.int64_t
	st := C.log_time_rfc3339(bytesPtr(b), C.size_t(len(b)), &ns)
	return int64(ns), int32(st)
}

func timeCLF(b []byte) (int64, int32) {
	var ns C.int64_t
	st := C.log_time_clf(bytesPtr(b), C.size_t(len(b)), &ns)
	return int64(ns), int32(st)
}

func timeRFC3164(b []byte, year int32) (int64, int32) {
	var ns C.int64_t
	st := C.log_time_rfc3164(bytesPtr(b), C.size_t(len(b)), C.int32_t(year), &ns)
	return int64(ns), int32(st)
}

// unescapeInto decodes raw into room with the unescaper of kind and
// returns the decoded length. A switch rather than a func value: through a
// func value the compiler cannot see that the C call does not keep
// &written, and moves it to the heap.
func unescapeInto(kind unescapeKind, raw, room []byte) (int, int32) {
	var written C.size_t
	r, rl, o, oc := bytesPtr(raw), C.size_t(len(raw)), bytesPtr(room), C.size_t(len(room))
	var st C.int32_t
	switch kind {
	case unescapeJSON:
		st = C.log_unescape_json(r, rl, o, oc, &written)
	case unescapeLogfmt:
		st = C.log_unescape_logfmt(r, rl, o, oc, &written)
	case unescapeAccess:
		st = C.log_unescape_access(r, rl, o, oc, &written)
	default:
		st = C.log_syslog_unescape_param(r, rl, o, oc, &written)
	}
	return int(written), int32(st)
}

func syslogPriority(pri []byte) (facility, severity uint8, status int32) {
	var f, s C.uint8_t
	st := C.log_syslog_priority(bytesPtr(pri), C.size_t(len(pri)), &f, &s)
	return uint8(f), uint8(s), int32(st)
}

// sdNext passes pointers to the caller's cursor and step: C keeps neither
// (noescape in cgo_go124.go), and they hold no Go pointers, as cgo
// requires.
func sdNext(sd []byte, cur *sdCursor, step *sdParam) int32 {
	return int32(C.log_syslog_sd_next(bytesPtr(sd), C.size_t(len(sd)),
		(*C.LogSdCursor)(unsafe.Pointer(cur)), (*C.LogSdParam)(unsafe.Pointer(step))))
}

// bytesPtr is the C view of b's data: nil for a nil slice, a valid (maybe
// dangling-but-unused) pointer for an empty one. The C side never reads it
// when the length is 0.
func bytesPtr(b []byte) *C.uint8_t {
	return (*C.uint8_t)(unsafe.SliceData(b))
}

// cSpanLayout reports C's view of LogSpan (size, alignment, field offsets)
// for the layout test, which cannot use cgo itself.
func cSpanLayout() [5]uintptr {
	var s C.LogSpan
	return [5]uintptr{C.sizeof_LogSpan, unsafe.Alignof(s),
		unsafe.Offsetof(s.off), unsafe.Offsetof(s.len), unsafe.Offsetof(s.flags)}
}

// The Go types that C writes into must have C's layout exactly, and the
// Go literals must equal the header's constants. Each expression below
// indexes a one-element array with the difference of the two values: any
// difference is an out-of-range constant index, so a header change that
// moves a field or renumbers a constant breaks the build instead of
// memory. (The wasm backend has the same layout with a 32-bit size_t; its
// tests check it against the module.)
var (
	_ = [1]struct{}{}[unsafe.Sizeof(Span{})-C.sizeof_LogSpan]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Off)-unsafe.Offsetof(C.LogSpan{}.off)]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Len)-unsafe.Offsetof(C.LogSpan{}.len)]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Flags)-unsafe.Offsetof(C.LogSpan{}.flags)]
	_ = [1]struct{}{}[unsafe.Alignof(Span{})-unsafe.Alignof(C.LogSpan{})]

	_ = [1]struct{}{}[unsafe.Sizeof(lineRecord{})-C.sizeof_LogLine]
	_ = [1]struct{}{}[unsafe.Offsetof(lineRecord{}.off)-unsafe.Offsetof(C.LogLine{}.off)]
	_ = [1]struct{}{}[unsafe.Offsetof(lineRecord{}.len)-unsafe.Offsetof(C.LogLine{}.len)]
	_ = [1]struct{}{}[unsafe.Offsetof(lineRecord{}.status)-unsafe.Offsetof(C.LogLine{}.status)]
	_ = [1]struct{}{}[unsafe.Alignof(lineRecord{})-unsafe.Alignof(C.LogLine{})]

	_ = [1]struct{}{}[unsafe.Sizeof(batchResult{})-C.sizeof_LogBatchResult]
	_ = [1]struct{}{}[unsafe.Offsetof(batchResult{}.consumed)-unsafe.Offsetof(C.LogBatchResult{}.consumed)]
	_ = [1]struct{}{}[unsafe.Offsetof(batchResult{}.lines)-unsafe.Offsetof(C.LogBatchResult{}.lines)]
	_ = [1]struct{}{}[unsafe.Offsetof(batchResult{}.errors)-unsafe.Offsetof(C.LogBatchResult{}.errors)]
	_ = [1]struct{}{}[unsafe.Offsetof(batchResult{}.full)-unsafe.Offsetof(C.LogBatchResult{}.full)]
	_ = [1]struct{}{}[unsafe.Alignof(batchResult{})-unsafe.Alignof(C.LogBatchResult{})]

	_ = [1]struct{}{}[unsafe.Sizeof(sdCursor{})-C.sizeof_LogSdCursor]
	_ = [1]struct{}{}[unsafe.Offsetof(sdCursor{}.pos)-unsafe.Offsetof(C.LogSdCursor{}.pos)]
	_ = [1]struct{}{}[unsafe.Offsetof(sdCursor{}.elemOff)-unsafe.Offsetof(C.LogSdCursor{}.elem_off)]
	_ = [1]struct{}{}[unsafe.Offsetof(sdCursor{}.elemLen)-unsafe.Offsetof(C.LogSdCursor{}.elem_len)]

	_ = [1]struct{}{}[unsafe.Sizeof(sdParam{})-C.sizeof_LogSdParam]
	_ = [1]struct{}{}[unsafe.Offsetof(sdParam{}.id)-unsafe.Offsetof(C.LogSdParam{}.id)]
	_ = [1]struct{}{}[unsafe.Offsetof(sdParam{}.name)-unsafe.Offsetof(C.LogSdParam{}.name)]
	_ = [1]struct{}{}[unsafe.Offsetof(sdParam{}.value)-unsafe.Offsetof(C.LogSdParam{}.value)]
	_ = [1]struct{}{}[unsafe.Offsetof(sdParam{}.flags)-unsafe.Offsetof(C.LogSdParam{}.flags)]

	_ = [1]struct{}{}[abiVersion-C.LOG_ABI_VERSION]
	_ = [1]struct{}{}[batchEndOfInput-C.LOG_BATCH_END_OF_INPUT]
	_ = [1]struct{}{}[batchSkipEmpty-C.LOG_BATCH_SKIP_EMPTY]

	_ = [1]struct{}{}[Absent-C.LOG_SPAN_ABSENT]
	_ = [1]struct{}{}[FlagEscaped-C.LOG_FLAG_ESCAPED]
	_ = [1]struct{}{}[FlagDuplicate-C.LOG_FLAG_DUPLICATE]
	_ = [1]struct{}{}[FlagBOM-C.LOG_FLAG_BOM]
	_ = [1]struct{}{}[FlagBareKey-C.LOG_FLAG_BARE_KEY]
	_ = [1]struct{}{}[FlagTypeMask-C.LOG_FLAG_TYPE_MASK]
	_ = [1]struct{}{}[JSONString-C.LOG_TYPE_STRING]
	_ = [1]struct{}{}[JSONNumber-C.LOG_TYPE_NUMBER]
	_ = [1]struct{}{}[JSONBool-C.LOG_TYPE_BOOL]
	_ = [1]struct{}{}[JSONNull-C.LOG_TYPE_NULL]
	_ = [1]struct{}{}[JSONObject-C.LOG_TYPE_OBJECT]
	_ = [1]struct{}{}[JSONArray-C.LOG_TYPE_ARRAY]
	_ = [1]struct{}{}[FormatJSON-C.LOG_FORMAT_JSON]
	_ = [1]struct{}{}[FormatSyslog5424-C.LOG_FORMAT_SYSLOG5424]
	_ = [1]struct{}{}[FormatSyslog3164-C.LOG_FORMAT_SYSLOG3164]
	_ = [1]struct{}{}[FormatAccess-C.LOG_FORMAT_ACCESS]
	_ = [1]struct{}{}[FormatLogfmt-C.LOG_FORMAT_LOGFMT]

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

	_ = [1]struct{}{}[SyslogFields-C.LOG_SYSLOG_FIELDS]
	_ = [1]struct{}{}[SyslogFieldPriority-C.LOG_SYSLOG_FIELD_PRIORITY]
	_ = [1]struct{}{}[SyslogFieldVersion-C.LOG_SYSLOG_FIELD_VERSION]
	_ = [1]struct{}{}[SyslogFieldTimestamp-C.LOG_SYSLOG_FIELD_TIMESTAMP]
	_ = [1]struct{}{}[SyslogFieldHostname-C.LOG_SYSLOG_FIELD_HOSTNAME]
	_ = [1]struct{}{}[SyslogFieldAppName-C.LOG_SYSLOG_FIELD_APP_NAME]
	_ = [1]struct{}{}[SyslogFieldProcID-C.LOG_SYSLOG_FIELD_PROCID]
	_ = [1]struct{}{}[SyslogFieldMsgID-C.LOG_SYSLOG_FIELD_MSGID]
	_ = [1]struct{}{}[SyslogFieldStructuredData-C.LOG_SYSLOG_FIELD_STRUCTURED_DATA]
	_ = [1]struct{}{}[SyslogFieldMessage-C.LOG_SYSLOG_FIELD_MESSAGE]
	_ = [1]struct{}{}[sdElementStart-C.LOG_SD_ELEMENT_START]

	_ = [1]struct{}{}[ErrNullArgument-C.LOG_ERR_NULL_ARGUMENT]
	_ = [1]struct{}{}[ErrPanic-C.LOG_ERR_PANIC]
	_ = [1]struct{}{}[ErrLineTooLong-C.LOG_ERR_LINE_TOO_LONG]
	_ = [1]struct{}{}[ErrOutputTooSmall-C.LOG_ERR_OUTPUT_TOO_SMALL]
	_ = [1]struct{}{}[ErrInvalidSpec-C.LOG_ERR_INVALID_SPEC]
	_ = [1]struct{}{}[ErrInvalidArgument-C.LOG_ERR_INVALID_ARGUMENT]
	_ = [1]struct{}{}[ErrTooManyFields-C.LOG_ERR_TOO_MANY_FIELDS]
	_ = [1]struct{}{}[ErrEmptyLine-C.LOG_ERR_EMPTY_LINE]
	_ = [1]struct{}{}[ErrAccessMissingField-C.LOG_ERR_ACCESS_MISSING_FIELD]
	_ = [1]struct{}{}[ErrAccessBadTime-C.LOG_ERR_ACCESS_BAD_TIME]
	_ = [1]struct{}{}[ErrAccessBadQuote-C.LOG_ERR_ACCESS_BAD_QUOTE]
	_ = [1]struct{}{}[ErrAccessUnterminatedQuote-C.LOG_ERR_ACCESS_UNTERMINATED_QUOTE]
	_ = [1]struct{}{}[ErrAccessBadStatus-C.LOG_ERR_ACCESS_BAD_STATUS]
	_ = [1]struct{}{}[ErrAccessBadBytes-C.LOG_ERR_ACCESS_BAD_BYTES]
	_ = [1]struct{}{}[ErrAccessTruncated-C.LOG_ERR_ACCESS_TRUNCATED]
	_ = [1]struct{}{}[ErrAccessTrailingData-C.LOG_ERR_ACCESS_TRAILING_DATA]
	_ = [1]struct{}{}[ErrJSONSyntax-C.LOG_ERR_JSON_SYNTAX]
	_ = [1]struct{}{}[ErrJSONNotObject-C.LOG_ERR_JSON_NOT_OBJECT]
	_ = [1]struct{}{}[ErrJSONTooDeep-C.LOG_ERR_JSON_TOO_DEEP]
	_ = [1]struct{}{}[ErrJSONInvalidUTF8-C.LOG_ERR_JSON_INVALID_UTF8]
	_ = [1]struct{}{}[ErrJSONTruncated-C.LOG_ERR_JSON_TRUNCATED]
	_ = [1]struct{}{}[ErrJSONTrailingData-C.LOG_ERR_JSON_TRAILING_DATA]
	_ = [1]struct{}{}[ErrJSONBadString-C.LOG_ERR_JSON_BAD_STRING]
	_ = [1]struct{}{}[ErrJSONBadNumber-C.LOG_ERR_JSON_BAD_NUMBER]
	_ = [1]struct{}{}[ErrLogfmtSyntax-C.LOG_ERR_LOGFMT_SYNTAX]
	_ = [1]struct{}{}[ErrLogfmtUnterminatedQuote-C.LOG_ERR_LOGFMT_UNTERMINATED_QUOTE]
	_ = [1]struct{}{}[ErrLogfmtBadEscape-C.LOG_ERR_LOGFMT_BAD_ESCAPE]
	_ = [1]struct{}{}[ErrSyslogBadPRI-C.LOG_ERR_SYSLOG_BAD_PRI]
	_ = [1]struct{}{}[ErrSyslogBadVersion-C.LOG_ERR_SYSLOG_BAD_VERSION]
	_ = [1]struct{}{}[ErrSyslogBadTimestamp-C.LOG_ERR_SYSLOG_BAD_TIMESTAMP]
	_ = [1]struct{}{}[ErrSyslogBadHeader-C.LOG_ERR_SYSLOG_BAD_HEADER]
	_ = [1]struct{}{}[ErrSyslogBadStructuredData-C.LOG_ERR_SYSLOG_BAD_STRUCTURED_DATA]
	_ = [1]struct{}{}[ErrSyslogInvalidUTF8-C.LOG_ERR_SYSLOG_INVALID_UTF8]
	_ = [1]struct{}{}[ErrSyslogTruncated-C.LOG_ERR_SYSLOG_TRUNCATED]
	_ = [1]struct{}{}[ErrValueSyntax-C.LOG_ERR_VALUE_SYNTAX]
	_ = [1]struct{}{}[ErrValueOutOfRange-C.LOG_ERR_VALUE_OUT_OF_RANGE]
	_ = [1]struct{}{}[ErrValueBadTime-C.LOG_ERR_VALUE_BAD_TIME]
	_ = [1]struct{}{}[ErrRegexNoMatch-C.LOG_ERR_REGEX_NO_MATCH]
	_ = [1]struct{}{}[ErrPatternMismatch-C.LOG_ERR_PATTERN_MISMATCH]
	_ = [1]struct{}{}[ErrAutoNoMatch-C.LOG_ERR_AUTO_NO_MATCH]
)
