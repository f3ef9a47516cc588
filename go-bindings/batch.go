package logspan

import (
	"bytes"
	"runtime"
)

// DefaultBatchLines is the line capacity NewBatch uses when given
// maxLines <= 0: enough to amortize the call into the library to nothing,
// small enough to stay in cache.
const DefaultBatchLines = 1024

// Limits NewBatch clamps to, so that a bad maxLines cannot ask for an
// unbounded allocation.
const (
	maxBatchLines = 1 << 20
	maxBatchSpans = 1 << 24 // 192 MiB of spans
)

// Batch parses many lines per call into the library (one cgo call, or one
// WebAssembly call without cgo): the fast path.
//
// It owns the result arrays (one line record and NumFields spans per line),
// allocated once by NewBatch and overwritten by every Parse, so a parse
// allocates nothing. The results of a Parse, and every Line taken from
// them, are valid until the next Parse or Reset; their bytes are sub-slices
// of the buffer passed to Parse.
//
// A Batch counts lines and bytes across calls as one stream, assuming each
// Parse continues where the previous one's consumed bytes ended: that is
// what Line.Number, Line.Offset and the errors report. Reset starts a new
// stream.
//
// A Batch is not safe for concurrent use; give each goroutine its own (they
// may share the Parser).
type Batch struct {
	p     *Parser
	nf    int
	lines []lineRecord // capacity of the batch, in lines
	spans []Span       // nf spans per line
	// The result record the library writes. It is its own allocation
	// because cgo may only be given Go memory that holds no Go pointers,
	// and Batch does.
	res  *batchResult
	impl batchImpl // the backend's state (see abi.go)

	// The last Parse.
	buf      []byte
	n        int
	errors   int
	full     bool
	consumed int

	// Stream position of buf[0]: lines and bytes before it.
	lineBase int
	offBase  int

	// Consume empty lines without results (SetSkipEmpty).
	skipEmpty bool
	// With skipEmpty: the stream number of the first line after the last
	// Parse's consumed bytes, counted when Parse returns (the caller may
	// reuse the buffer before the next Parse).
	next int
}

// SetSkipEmpty makes Parse consume empty lines (nothing but \n or \r\n)
// without reporting them, instead of reporting each with ErrEmptyLine.
// Line numbers still count them: Number then costs a scan of the buffer
// up to the line (use it for errors, not for every line).
func (b *Batch) SetSkipEmpty(on bool) { b.skipEmpty = on }

// NewBatch returns a Batch for p that holds up to maxLines lines per Parse.
// maxLines <= 0 selects DefaultBatchLines; it is capped at 1 Mi lines and
// at 16 Mi spans in total (maxLines × p.NumFields()).
//
// Each Parse is one cgo call, and Go treats a long one like a system call:
// when no other P is idle (GOMAXPROCS=1, or as many busy goroutines as
// Ps), the runtime takes the P from a call that outlasts a tick of its
// monitor thread. Measured pinned to one CPU, 64-line access-log batches
// ran 12% faster than 1024-line ones and JSON batches 17% slower, so the
// default stays; see the README ("Batch size when no P is idle") and
// measure your format with internal/cmd/flame -lines.
func NewBatch(p *Parser, maxLines int) *Batch {
	nf := p.NumFields()
	if maxLines <= 0 {
		maxLines = DefaultBatchLines
	}
	maxLines = min(maxLines, maxBatchLines)
	if nf > 0 {
		maxLines = min(maxLines, maxBatchSpans/nf)
	}
	return &Batch{
		p:     p,
		nf:    nf,
		lines: make([]lineRecord, maxLines),
		spans: make([]Span, maxLines*nf),
		res:   new(batchResult),
	}
}

// Parse parses every complete line of buf (lines end with \n; a \r before
// it is not part of the line) in one call into the library, and returns
// how many bytes of buf those lines take: continue from buf[consumed:].
//
// A final line without \n is parsed only when atEOF is true; otherwise it
// is left for the next call, with more bytes after it. When the batch is
// Full, Parse stops early; the lines that fit are valid.
//
// Every line gets a result, empty and malformed ones included: a line's
// failure is in Line.Err, not in the error returned here, which is only
// for calls that parse nothing (a closed parser).
func (b *Batch) Parse(buf []byte, atEOF bool) (consumed int, err error) {
	b.lineBase = b.nextLineNumber() - 1
	b.offBase += b.consumed
	b.buf, b.n, b.errors, b.full, b.consumed = buf, 0, 0, false, 0

	p := b.p
	if p == nil || !p.impl.open() {
		return 0, ErrClosed
	}
	var flags uint32
	if atEOF {
		flags |= batchEndOfInput
	}
	if b.skipEmpty {
		flags |= batchSkipEmpty
	}
	status := p.impl.parseBatch(&b.impl, buf, flags, b.lines, b.spans, b.res)
	runtime.KeepAlive(p)
	if status < 0 {
		return 0, errorOf(status)
	}
	b.n = int(b.res.lines)
	b.errors = int(b.res.errors)
	b.full = b.res.full != 0
	b.consumed = int(b.res.consumed)
	if b.skipEmpty {
		b.next = b.lineBase + bytes.Count(buf[:b.consumed], newline) + 1
	}
	return b.consumed, nil
}

// Reset forgets the last results and starts counting lines and bytes from
// the beginning of a new stream.
func (b *Batch) Reset() {
	b.buf, b.n, b.errors, b.full, b.consumed, b.next = nil, 0, 0, false, 0, 0
	b.lineBase, b.offBase = 0, 0
}

// Len is the number of lines the last Parse returned.
func (b *Batch) Len() int { return b.n }

// Errors is how many of those lines failed to parse.
func (b *Batch) Errors() int { return b.errors }

// Full reports whether the last Parse stopped because the batch had no
// room for more lines; call Parse again from buf[consumed:].
func (b *Batch) Full() bool { return b.full }

// Cap is the most lines one Parse returns.
func (b *Batch) Cap() int { return len(b.lines) }

// Line is line i of the last Parse, 0 <= i < Len(); it panics otherwise,
// like a slice index.
func (b *Batch) Line(i int) Line {
	if uint(i) >= uint(b.n) {
		panic("logspan: Batch.Line index out of range")
	}
	return Line{b: b, i: i}
}

// Line is one parsed line of a Batch or Reader: a view into their results,
// valid until their next Parse (or Next). It is a small value: copying it
// is free, and none of its methods allocate, except Err on a failing line.
type Line struct {
	b *Batch
	i int
}

// Bytes is the line, without its \n or \r\n: a sub-slice of the parsed
// buffer, not a copy.
func (l Line) Bytes() []byte {
	r := &l.b.lines[l.i]
	start, end := int(r.off), int(r.off)+int(r.len)
	return l.b.buf[start:end:end]
}

// OK reports whether the line parsed.
func (l Line) OK() bool { return l.b.lines[l.i].status >= 0 }

// Code is why the line failed, or 0 when it parsed. Unlike Err, it never
// allocates, which suits loops that count failures.
func (l Line) Code() Code {
	if st := l.b.lines[l.i].status; st < 0 {
		return Code(st)
	}
	return 0
}

// Err is nil when the line parsed, and otherwise an *Error with the line's
// number and offset in the stream. A failing line's Err allocates that
// *Error; use Code or OK where that matters.
func (l Line) Err() error {
	st := l.b.lines[l.i].status
	if st >= 0 {
		return nil
	}
	return &Error{Code: Code(st), Line: l.Number(), Offset: l.Offset()}
}

// Number is the 1-based number of the line in the stream (see Batch).
func (l Line) Number() int {
	if l.b.skipEmpty {
		return l.b.lineBase + bytes.Count(l.b.buf[:l.b.lines[l.i].off], newline) + 1
	}
	return l.b.lineBase + l.i + 1
}

var newline = []byte{'\n'}

// nextLineNumber is the number the first line after the last Parse's
// consumed bytes has.
func (b *Batch) nextLineNumber() int {
	if b.skipEmpty && b.next > 0 {
		return b.next
	}
	return b.lineBase + b.n + 1
}

// Offset is the byte offset of the line's first byte in the stream.
func (l Line) Offset() int { return l.b.offBase + int(l.b.lines[l.i].off) }

// NumPresent is the number of fields present in the line (0 when it
// failed).
func (l Line) NumPresent() int {
	if st := l.b.lines[l.i].status; st > 0 {
		return int(st)
	}
	return 0
}

// Span is field j's span, relative to Bytes() (as from Parser.Parse on
// this line alone); Absent when the field is absent, the line failed or j
// is out of range.
func (l Line) Span(j int) Span {
	nf := l.b.nf
	if uint(j) >= uint(nf) {
		return Span{Off: Absent}
	}
	s := l.b.spans[l.i*nf+j]
	if s.Off != Absent {
		s.Off -= uint32(l.b.lines[l.i].off)
	}
	return s
}

// Field is field j's bytes, a sub-slice of the parsed buffer; nil when the
// field is absent, the line failed or j is out of range.
func (l Line) Field(j int) []byte {
	nf := l.b.nf
	if uint(j) >= uint(nf) {
		return nil
	}
	return l.b.spans[l.i*nf+j].Bytes(l.b.buf)
}
