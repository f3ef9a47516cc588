package logspan

// Syslog helpers: the fields of the "syslog", "syslog5424" and
// "syslog3164" specs, and decoders for two of them, PRI (SyslogPriority)
// and STRUCTURED-DATA (SDIter, AppendUnescapedSDValue). Like the typed
// values, each call is one call into the library, so Rust, C and Go agree
// on every input; none allocates.

// SyslogFields is the number of fields of the syslog specs (the same for
// RFC 5424 and RFC 3164; a field a format lacks is absent).
const SyslogFields = 9

// Indexes of the syslog fields.
const (
	SyslogFieldPriority       = 0 // PRI digits, without <>; decode with SyslogPriority
	SyslogFieldVersion        = 1 // RFC 5424 VERSION
	SyslogFieldTimestamp      = 2 // raw text (ParseTimeRFC3339, ParseTimeRFC3164)
	SyslogFieldHostname       = 3 // HOSTNAME
	SyslogFieldAppName        = 4 // RFC 5424 APP-NAME, RFC 3164 TAG name
	SyslogFieldProcID         = 5 // RFC 5424 PROCID, RFC 3164 [pid] without brackets
	SyslogFieldMsgID          = 6 // RFC 5424 MSGID
	SyslogFieldStructuredData = 7 // RFC 5424 STRUCTURED-DATA, first [ to last ]; walk with SDIter
	SyslogFieldMessage        = 8 // MSG; FlagBOM when it started with a UTF-8 BOM
)

// SyslogPriority decodes PRI digits (the SyslogFieldPriority field) into
// facility (PRI / 8, 0-23) and severity (PRI % 8, 0-7). Anything but 1 to
// 3 digits without a leading zero, 0 to 191, is ErrSyslogBadPRI.
func SyslogPriority(pri []byte) (facility, severity int, err error) {
	f, s, st := syslogPriority(pri)
	if st < 0 {
		return 0, 0, statusErr(st)
	}
	return int(f), int(s), nil
}

// SDIter walks STRUCTURED-DATA (the SyslogFieldStructuredData field): each
// Next moves to one parameter, with the SD-ID of its element, or to an
// element that has no parameters (Name and Value nil). ElementStart tells
// the first step of each element. Everything it returns is a sub-slice of
// the bytes given to NewSDIter.
//
//	it := logspan.NewSDIter(sd)
//	for it.Next() {
//		if it.ElementStart() { ... it.ID() ... }
//		if it.Name() != nil { ... it.Name(), it.Value() ... }
//	}
//	if err := it.Err(); err != nil { ... }
//
// Each step checks the syntax of what it reads (the parser's rules, bar
// the uniqueness of SD-IDs), so bytes that did not come from the parser
// end the walk with ErrSyslogBadStructuredData or ErrSyslogTruncated; it
// never reads outside them. The zero SDIter walks nothing. An SDIter is a
// small value that allocates nothing; Next is one call into the library
// (~30 ns with cgo).
type SDIter struct {
	sd   []byte
	cur  sdCursor
	step sdParam
	ok   bool // the last Next moved to a step
	err  error
}

// NewSDIter returns an iterator over the STRUCTURED-DATA sd; an empty or
// nil sd (the field absent) has no steps.
func NewSDIter(sd []byte) SDIter { return SDIter{sd: sd} }

// Next moves to the next step and reports whether there is one. It
// returns false at the end and on bad bytes (then Err says why), and
// keeps returning false.
func (it *SDIter) Next() bool {
	if it.err != nil {
		it.ok = false
		return false
	}
	st := sdNext(it.sd, &it.cur, &it.step)
	if st < 0 {
		it.err = statusErr(st)
	}
	it.ok = st == 1
	return it.ok
}

// Err is nil after a walk that reached the end, and otherwise the error
// that stopped it: ErrSyslogBadStructuredData or ErrSyslogTruncated.
func (it *SDIter) Err() error { return it.err }

// span is the current step's span s as a sub-slice of sd; nil when it is
// absent or there is no current step.
func (it *SDIter) span(s Span) []byte {
	if !it.ok {
		return nil
	}
	return s.Bytes(it.sd)
}

// ID is the SD-ID of the current step's element (e.g. exampleSDID@32473).
func (it *SDIter) ID() []byte { return it.span(it.step.id) }

// Name is the current parameter's PARAM-NAME; nil for an element without
// parameters.
func (it *SDIter) Name() []byte { return it.span(it.step.name) }

// Value is the current parameter's raw PARAM-VALUE, without its quotes and
// with its escapes (\" \\ \]) as they are: see Escaped and
// AppendUnescapedSDValue. Empty but not nil for name=""; nil for an
// element without parameters.
func (it *SDIter) Value() []byte { return it.span(it.step.value) }

// Escaped reports whether Value holds escapes, so that it differs from
// its decoded form.
func (it *SDIter) Escaped() bool {
	return it.ok && it.step.value.Flags&FlagEscaped != 0
}

// ElementStart reports whether the current step is the first of its
// element: a new SD-ID.
func (it *SDIter) ElementStart() bool {
	return it.ok && it.step.flags&sdElementStart != 0
}

const sdElementStart = 1 << 16 // LOG_SD_ELEMENT_START

// AppendUnescapedSDValue appends the decoded form of a raw PARAM-VALUE
// (SDIter.Value) to dst: \" \\ \] become " \ ]; any other backslash is
// kept as it is (RFC 5424 §6.3.3), so no text is invalid. dst grows only
// when it has less than len(raw) bytes free; raw must not overlap the
// free room of dst (ErrInvalidArgument).
func AppendUnescapedSDValue(dst, raw []byte) ([]byte, error) {
	return appendUnescaped(dst, raw, unescapeSD)
}
