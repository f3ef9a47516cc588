package logspan

/*
#include "logspan.h"
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// Absent is the Off of a field that is not in the line: an optional field
// that is missing, an access-log value of "-", a JSON key that is not in
// the object. An absent Span has Len 0 and Flags 0.
const Absent uint32 = 0xFFFF_FFFF

// Flag bits of Span.Flags.
const (
	// FlagEscaped: the raw text holds escape sequences (\", \\, \xHH, JSON
	// \uXXXX ...). The span is the text as it is in the input; unescape it
	// yourself if you need the decoded value.
	FlagEscaped uint32 = 1 << 0
	// FlagDuplicate: the JSON key occurred more than once in its object;
	// the span is the last occurrence, as in encoding/json.
	FlagDuplicate uint32 = 1 << 1
	// FlagBOM: syslog's message started with a UTF-8 byte-order mark; the
	// span excludes it and the rest was checked to be UTF-8.
	FlagBOM uint32 = 1 << 2
	// FlagBareKey: a logfmt key without '=' (e.g. debug in "msg=hi
	// debug"); its value span is present and empty. k= and k="" give an
	// empty span without this flag.
	FlagBareKey uint32 = 1 << 3
	// FlagTypeMask selects the JSONType bits of Flags.
	FlagTypeMask uint32 = 0xF << 8
)

// Format is what the "auto" spec detected, kept in the Flags of its first
// field ("format", whose span is the whole line).
type Format uint32

// The formats "auto" detects (LOG_FORMAT_* in C).
const (
	FormatJSON       Format = 1
	FormatSyslog5424 Format = 2
	FormatSyslog3164 Format = 3
	FormatAccess     Format = 4
	FormatLogfmt     Format = 5
)

// String names the format.
func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "json"
	case FormatSyslog5424:
		return "syslog5424"
	case FormatSyslog3164:
		return "syslog3164"
	case FormatAccess:
		return "access"
	case FormatLogfmt:
		return "logfmt"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

var (
	_ = [1]struct{}{}[FlagBOM-C.LOG_FLAG_BOM]
	_ = [1]struct{}{}[FlagBareKey-C.LOG_FLAG_BARE_KEY]
	_ = [1]struct{}{}[FormatJSON-C.LOG_FORMAT_JSON]
	_ = [1]struct{}{}[FormatSyslog5424-C.LOG_FORMAT_SYSLOG5424]
	_ = [1]struct{}{}[FormatSyslog3164-C.LOG_FORMAT_SYSLOG3164]
	_ = [1]struct{}{}[FormatAccess-C.LOG_FORMAT_ACCESS]
	_ = [1]struct{}{}[FormatLogfmt-C.LOG_FORMAT_LOGFMT]
)

// JSONType is the type of a JSON value, kept in Span.Flags. Fields of
// access logs have JSONNone.
type JSONType uint32

// The JSON value types (LOG_TYPE_* in C).
const (
	JSONNone   JSONType = 0      // not a JSON field, or absent
	JSONString JSONType = 1 << 8 // the span excludes the quotes
	JSONNumber JSONType = 2 << 8 // raw text, e.g. -1.5e3
	JSONBool   JSONType = 3 << 8 // raw text true or false
	JSONNull   JSONType = 4 << 8 // raw text null
	JSONObject JSONType = 5 << 8 // raw text from { to }
	JSONArray  JSONType = 6 << 8 // raw text from [ to ]
)

func (t JSONType) String() string {
	switch t {
	case JSONNone:
		return "none"
	case JSONString:
		return "string"
	case JSONNumber:
		return "number"
	case JSONBool:
		return "bool"
	case JSONNull:
		return "null"
	case JSONObject:
		return "object"
	case JSONArray:
		return "array"
	}
	return "JSONType(" + strconv.FormatUint(uint64(t), 10) + ")"
}

// Span is where one field is: buf[Off : Off+Len] of the buffer that was
// parsed (the line for Parse and ParseFast, the whole buffer for a Batch).
//
// Its layout is C's LogSpan, so C writes spans straight into Go slices.
type Span struct {
	Off   uint32 // byte offset of the field, or Absent
	Len   uint32 // length in bytes
	Flags uint32 // FlagEscaped, FlagDuplicate and, for JSON, a JSONType
}

// Present reports whether the field is in the line.
func (s Span) Present() bool { return s.Off != Absent }

// Escaped reports whether the raw text holds escape sequences.
func (s Span) Escaped() bool { return s.Flags&FlagEscaped != 0 }

// Duplicate reports whether the JSON key occurred more than once.
func (s Span) Duplicate() bool { return s.Flags&FlagDuplicate != 0 }

// JSONType is the type of a JSON value; JSONNone for other formats.
func (s Span) JSONType() JSONType { return JSONType(s.Flags & FlagTypeMask) }

// Bytes returns the field's bytes in buf, the buffer the span came from,
// without copying; nil when the field is absent, or when the span does not
// fit buf (it was applied to another buffer than its own).
//
// The result's capacity ends with the field, so appending to it copies
// instead of overwriting the input after it.
func (s Span) Bytes(buf []byte) []byte {
	if s.Off == Absent {
		return nil
	}
	end := uint64(s.Off) + uint64(s.Len)
	if end > uint64(len(buf)) {
		return nil
	}
	return buf[s.Off:end:end]
}

// The Go types that C writes into must have C's layout exactly. Each
// expression below indexes a one-element array with the difference of the
// two values: any difference is an out-of-range constant index, so a
// header change that moves a field breaks the build instead of memory.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(Span{})-C.sizeof_LogSpan]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Off)-unsafe.Offsetof(C.LogSpan{}.off)]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Len)-unsafe.Offsetof(C.LogSpan{}.len)]
	_ = [1]struct{}{}[unsafe.Offsetof(Span{}.Flags)-unsafe.Offsetof(C.LogSpan{}.flags)]
	_ = [1]struct{}{}[unsafe.Alignof(Span{})-unsafe.Alignof(C.LogSpan{})]

	_ = [1]struct{}{}[Absent-C.LOG_SPAN_ABSENT]
	_ = [1]struct{}{}[FlagEscaped-C.LOG_FLAG_ESCAPED]
	_ = [1]struct{}{}[FlagDuplicate-C.LOG_FLAG_DUPLICATE]
	_ = [1]struct{}{}[FlagTypeMask-C.LOG_FLAG_TYPE_MASK]
	_ = [1]struct{}{}[JSONString-C.LOG_TYPE_STRING]
	_ = [1]struct{}{}[JSONNumber-C.LOG_TYPE_NUMBER]
	_ = [1]struct{}{}[JSONBool-C.LOG_TYPE_BOOL]
	_ = [1]struct{}{}[JSONNull-C.LOG_TYPE_NULL]
	_ = [1]struct{}{}[JSONObject-C.LOG_TYPE_OBJECT]
	_ = [1]struct{}{}[JSONArray-C.LOG_TYPE_ARRAY]
)

// cSpanLayout reports C's view of LogSpan (size, alignment, field offsets)
// for the layout test, which cannot use cgo itself.
func cSpanLayout() [5]uintptr {
	var s C.LogSpan
	return [5]uintptr{C.sizeof_LogSpan, unsafe.Alignof(s),
		unsafe.Offsetof(s.off), unsafe.Offsetof(s.len), unsafe.Offsetof(s.flags)}
}
