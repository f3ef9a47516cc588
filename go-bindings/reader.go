package logspan

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// DefaultMaxLineLength is the longest line a Reader accepts unless told
// otherwise (WithMaxLineLength).
const DefaultMaxLineLength = 64 << 20

// maxLineLimit keeps a Reader's buffer (a line plus its \r\n) within the
// 32-bit offsets of one batch call, and within an int on 32-bit platforms.
const maxLineLimit = min(1<<32-4, math.MaxInt-2)

const defaultReadSize = 64 << 10

// ReaderOption configures a Reader.
type ReaderOption func(*readerConfig)

type readerConfig struct {
	maxLine    int
	readSize   int
	batchLines int
	skipEmpty  bool
}

// WithSkipEmpty makes the Reader pass over empty lines instead of
// returning each with ErrEmptyLine (see Batch.SetSkipEmpty); line numbers
// still count them.
func WithSkipEmpty() ReaderOption {
	return func(c *readerConfig) { c.skipEmpty = true }
}

// WithMaxLineLength sets the longest line, in bytes without its \n or
// \r\n, that the Reader accepts (default DefaultMaxLineLength). The buffer
// grows up to that size for long lines (and keeps its size); a longer line
// stops the Reader with an *Error whose Code is ErrLineTooLong, rather than
// being cut or skipped. n <= 0 keeps the default.
func WithMaxLineLength(n int) ReaderOption {
	return func(c *readerConfig) {
		if n > 0 {
			c.maxLine = min(n, maxLineLimit)
		}
	}
}

// WithBufferSize sets the initial buffer size, which is also how much the
// Reader asks of the io.Reader at a time (default 64 KiB). n <= 0 keeps the
// default.
func WithBufferSize(n int) ReaderOption {
	return func(c *readerConfig) {
		if n > 0 {
			c.readSize = n
		}
	}
}

// WithBatchLines sets how many lines are parsed per call into the library
// (default DefaultBatchLines). n <= 0 keeps the default.
func WithBatchLines(n int) ReaderOption {
	return func(c *readerConfig) {
		if n > 0 {
			c.batchLines = n
		}
	}
}

// Reader parses the lines of an io.Reader, in the manner of bufio.Scanner:
//
//	r := logspan.NewReader(f, p)
//	for r.Next() {
//		line := r.Line()
//		if err := line.Err(); err != nil { ... } // this line did not parse
//		status := line.Field(i)
//	}
//	if err := r.Err(); err != nil { ... } // reading failed, or a line was too long
//
// Lines end with \n; a \r before it is not part of the line; a last line
// without \n is parsed too. Every line is reported, empty and malformed
// ones included (with Line.Err set). A Reader parses a batch of lines per
// call into the library and allocates nothing per line once its buffer has
// grown to the longest line.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src   io.Reader
	batch *Batch
	buf   []byte
	// buf[start:end] is read but not yet parsed: at most one incomplete
	// line, or lines that did not fit the last batch.
	start, end int
	cur        int // the current line's index in batch
	maxLine    int
	maxBuf     int  // a line of maxLine bytes plus \r\n
	needRead   bool // buf[start:end] holds no complete line
	eof        bool // src returned io.EOF
	readErr    error
	err        error // sticky: Next returns false once set
	done       bool  // Next returned false
}

// NewReader returns a Reader that parses the lines of src with p.
func NewReader(src io.Reader, p *Parser, opts ...ReaderOption) *Reader {
	c := readerConfig{maxLine: DefaultMaxLineLength, readSize: defaultReadSize}
	for _, o := range opts {
		o(&c)
	}
	maxBuf := c.maxLine + 2
	r := &Reader{
		src:      src,
		batch:    NewBatch(p, c.batchLines),
		buf:      make([]byte, min(c.readSize, maxBuf)),
		cur:      -1,
		maxLine:  c.maxLine,
		maxBuf:   maxBuf,
		needRead: true,
	}
	r.batch.SetSkipEmpty(c.skipEmpty)
	if src == nil {
		r.err = errors.New("logspan: NewReader: nil io.Reader")
	}
	return r
}

// Next advances to the next line, which Line then returns. It returns
// false at the end of the input or on an error, which Err reports.
func (r *Reader) Next() bool {
	if r.done {
		return false
	}
	if r.cur+1 < r.batch.Len() {
		r.cur++
		return r.checkLength()
	}
	for r.err == nil {
		if r.start < r.end && (!r.needRead || r.eof) {
			consumed, err := r.batch.Parse(r.buf[r.start:r.end], r.eof)
			if err != nil {
				r.err = err
				break
			}
			r.start += consumed
			// Not full means every complete line was taken: what is left
			// is at most the start of a line, and parsing it again before
			// reading more would find nothing.
			r.needRead = !r.batch.Full()
			if r.batch.Len() > 0 {
				r.cur = 0
				return r.checkLength()
			}
			if r.eof {
				// At the end of the input the batch takes the last line
				// even without \n; getting nothing back cannot happen.
				r.err = errors.New("logspan: Reader made no progress at end of input")
				break
			}
		}
		switch {
		case r.start == r.end && r.eof:
			r.stop()
			return false
		case r.readErr != nil:
			// Report a read error only after the complete lines read
			// before it.
			r.err = r.readErr
		default:
			r.fill()
		}
	}
	r.stop()
	return false
}

// stop ends the iteration: Next returns false from now on, and Line
// panics.
func (r *Reader) stop() {
	r.done = true
	r.cur = -1
}

// Line is the current line; valid until the next call to Next. It panics
// unless the last call to Next returned true.
func (r *Reader) Line() Line { return r.batch.Line(r.cur) }

// Err is the first error that stopped the Reader: from the io.Reader, or
// an *Error with Code ErrLineTooLong. It is nil at the end of the input
// (io.EOF is not an error). Lines that fail to parse do not stop the
// Reader: see Line.Err. After a read error, the complete lines read before
// it have been returned; an incomplete line at the point of failure has
// not.
func (r *Reader) Err() error { return r.err }

// checkLength enforces the line limit on the current line. Lines that do
// not fit the buffer are caught by fill; this catches shorter buffers'
// lines and a last line without \n.
func (r *Reader) checkLength() bool {
	if int(r.batch.lines[r.cur].len) <= r.maxLine {
		return true
	}
	l := r.batch.Line(r.cur)
	r.err = &Error{Code: ErrLineTooLong, Line: l.Number(), Offset: l.Offset(), limit: r.maxLine}
	r.stop()
	return false
}

// fill reads more input after the unparsed bytes, first moving them to the
// front of the buffer, and growing the buffer when they fill it.
func (r *Reader) fill() {
	if r.start > 0 {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	if r.end == len(r.buf) {
		if len(r.buf) >= r.maxBuf {
			// maxLine + 2 bytes and no \n: the line is longer than maxLine
			// whether or not it ends with \r\n.
			r.err = &Error{Code: ErrLineTooLong, Line: r.batch.nextLineNumber(),
				Offset: r.batch.offBase + r.batch.consumed, limit: r.maxLine}
			return
		}
		grown := make([]byte, min(max(2*len(r.buf), 64), r.maxBuf))
		copy(grown, r.buf[:r.end])
		r.buf = grown
	}
	// Like bufio.Scanner, give up on a reader that keeps returning nothing.
	for range 100 {
		n, err := r.src.Read(r.buf[r.end:])
		if n < 0 || n > len(r.buf)-r.end {
			r.err = errors.New("logspan: io.Reader returned an invalid count")
			return
		}
		// Parse again only once a line is complete: a source that trickles
		// bytes would otherwise cost a call into the library per read.
		if n > 0 && bytes.IndexByte(r.buf[r.end:r.end+n], '\n') >= 0 {
			r.needRead = false
		}
		r.end += n
		if err == io.EOF {
			r.eof = true
			return
		}
		if err != nil {
			r.readErr = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}
