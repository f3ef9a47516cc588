package logspan

import (
	"strconv"
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
// Its layout is C's LogSpan (backend_cgo.go asserts it), so C writes spans
// straight into Go slices; without cgo, the WebAssembly module's spans are
// copied into them, once per call.
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
