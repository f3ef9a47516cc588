//go:build !cgo || logspan_wasm

package logspan

// The wasm backend (see abi.go): the functions of backend_cgo.go, run in
// an instance of the embedded WebAssembly module (wasm_runtime.go). Each
// takes an instance from the pool, copies its input into the instance's
// scratch buffer, calls the module's function of the same name as the C
// one, copies the outputs back and returns the instance. Spans are
// offsets, so they mean the same in the copy as in the caller's bytes:
// every field handed to the caller is still a sub-slice of its own input.

import (
	"bytes"
	"math"
	"sync"
	"unsafe"
)

const backendName = "wasm"

// parserImpl is a Parser of the wasm backend: its spec, compiled in each
// instance that parses with it (instance.handle), and its slot and
// generation in those instances' tables (wasmParsers).
type parserImpl struct {
	slot int32
	gen  uint64 // 0: closed
	nf   int
	spec string
}

// batchImpl is what a Batch remembers between calls: the average length
// of the lines it saw, to copy into the module about as many bytes as the
// batch's lines will take rather than the whole buffer (see window).
type batchImpl struct {
	bytesPerLine int
}

// The bounds of a Batch's window: the bytes copied into the module per
// call, unless the first line alone is longer.
const (
	minWindow = 64 << 10
	maxWindow = 64 << 20
)

func newParserImpl(spec string) (parserImpl, []string, int32, string) {
	in := acquire()
	if in == nil {
		return parserImpl{}, nil, statusUnavailable, ""
	}
	defer release(in)
	slot, gen := newSlot()
	pi := parserImpl{slot: slot, gen: gen, spec: spec}
	h, st := in.compile(spec)
	if st < 0 {
		msg := ""
		if !in.broken && st != int32(ErrLineTooLong) {
			b := in.view(in.scratch+hdrErrBuf, errBufSize)
			if i := bytes.IndexByte(b, 0); i >= 0 {
				msg = string(b[:i])
			}
		}
		freeSlot(slot)
		return parserImpl{}, nil, st, msg
	}
	in.setHandle(&pi, h)
	in.args1(h)
	if !in.call(fnFieldCount) {
		freeSlot(slot)
		return parserImpl{}, nil, int32(ErrPanic), ""
	}
	names := make([]string, uint32(in.stack[0]))
	for i := range names {
		in.args3(h, uint32(i), in.scratch+hdrOut)
		if !in.call(fnFieldName) {
			freeSlot(slot)
			return parserImpl{}, nil, int32(ErrPanic), ""
		}
		ptr := uint32(in.stack[0])
		names[i] = string(in.view(ptr, in.u32(in.scratch+hdrOut)))
	}
	pi.nf = len(names)
	return pi, names, 0, ""
}

func (pi *parserImpl) open() bool { return pi.gen != 0 }

// free releases the Parser's slot; each instance frees its handle when it
// next sweeps.
func (pi *parserImpl) free() {
	freeSlot(pi.slot)
	pi.gen = 0
}

func (pi *parserImpl) parse(line []byte, out []Span) int32 {
	in := acquire()
	if in == nil {
		return statusUnavailable
	}
	h, st := in.handle(pi)
	if st >= 0 {
		st = in.parseLine(fnParse, h, line, out[:min(len(out), pi.nf)])
	}
	release(in)
	return st
}

func parseFastImpl(line []byte, out *[FastFields]Span) int32 {
	in := acquire()
	if in == nil {
		return statusUnavailable
	}
	st := in.parseLine(fnParseFast, 0, line, out[:])
	release(in)
	return st
}

// parseLine runs log_parser_parse (h != 0) or log_parse_fast on one line.
// out goes in and comes back out, so that spans the library does not
// write keep their values; out is untouched on ErrOutputTooSmall, as with
// cgo.
func (in *instance) parseLine(f fnID, h uint32, line []byte, out []Span) int32 {
	spansLen := len(out) * 12
	if !in.ensure(spansLen + len(line)) {
		return in.failStatus()
	}
	d := in.data()
	lineOff := d + uint32(spansLen)
	putSpans(in.view(d, uint32(spansLen)), out)
	copy(in.view(lineOff, uint32(len(line))), line)
	if f == fnParseFast {
		in.args3(lineOff, uint32(len(line)), d)
	} else {
		in.args5(h, lineOff, uint32(len(line)), d, uint32(len(out)))
	}
	if !in.call(f) {
		return int32(ErrPanic)
	}
	st := in.status()
	if st != int32(ErrOutputTooSmall) {
		getSpans(out, in.view(d, uint32(spansLen)))
	}
	return st
}

// parseBatch copies a window of buf into the instance (the whole of buf
// unless it is much longer than the batch's lines will take: see window),
// runs log_parser_parse_batch on it, and copies out the line records and
// spans it wrote. The spans are offsets from the window's start, which is
// buf's: nothing to adjust.
func (pi *parserImpl) parseBatch(bi *batchImpl, buf []byte, flags uint32, lines []lineRecord, spans []Span, res *batchResult) int32 {
	in := acquire()
	if in == nil {
		return statusUnavailable
	}
	st := pi.parseBatchIn(in, bi, buf, flags, lines, spans, res)
	release(in)
	return st
}

func (pi *parserImpl) parseBatchIn(in *instance, bi *batchImpl, buf []byte, flags uint32, lines []lineRecord, spans []Span, res *batchResult) int32 {
	h, st := in.handle(pi)
	if st < 0 {
		return st
	}
	nf := pi.nf
	n := len(buf)
	if flags&batchEndOfInput == 0 && bytes.IndexByte(buf, '\n') < 0 {
		// No complete line: nothing to parse, nothing to copy.
		*res = batchResult{}
		return 0
	}
	windowed := false
	if w := bi.window(len(lines)); n > w {
		// End the window after a newline: the last one within w bytes,
		// or the first one after, when the first line alone is longer.
		cut := bytes.LastIndexByte(buf[:w], '\n')
		if cut < 0 {
			if i := bytes.IndexByte(buf[w:], '\n'); i >= 0 {
				cut = w + i
			}
		}
		if cut >= 0 && cut+1 < n {
			n, windowed = cut+1, true
			flags &^= batchEndOfInput // the input goes on after the window
		}
	}
	// A window of n bytes holds at most n+1 lines: no need for room for
	// more, whatever the batch's capacity.
	capL := min(len(lines), n+1)
	capS := min(len(spans), capL*nf)
	linesLen, spansLen := capL*12, capS*12
	if !in.ensure(linesLen + spansLen + n) {
		if in.broken {
			return int32(ErrPanic)
		}
		return lineTooLong(buf, n, lines, spans, nf, res)
	}
	d := in.data()
	linesOff := d
	spansOff := linesOff + uint32(linesLen)
	bufOff := spansOff + uint32(spansLen)
	copy(in.view(bufOff, uint32(n)), buf[:n])
	in.args4(h, bufOff, uint32(n), flags)
	in.stack[4], in.stack[5] = uint64(linesOff), uint64(capL)
	in.stack[6], in.stack[7] = uint64(spansOff), uint64(capS)
	in.stack[8] = uint64(in.scratch + hdrResult)
	if !in.call(fnParseBatch) {
		return int32(ErrPanic)
	}
	if st := in.status(); st < 0 {
		return st
	}
	r := in.view(in.scratch+hdrResult, 16)
	consumed, nl, nerr, full := getU32(r), getU32(r[4:]), getU32(r[8:]), getU32(r[12:])
	if int(nl) > capL || int(consumed) > n || int(nl)*nf > capS {
		// The module broke its contract: do not trust the instance.
		in.broken = true
		return int32(ErrPanic)
	}
	getLines(lines[:nl], in.view(linesOff, nl*12))
	getSpans(spans[:int(nl)*nf], in.view(spansOff, nl*uint32(nf)*12))
	if windowed && full == 0 {
		// The window's lines are done, not buf's: call again.
		full = 1
	}
	*res = batchResult{consumed: uintptr(consumed), lines: uintptr(nl), errors: uintptr(nerr), full: full}
	if nl > 0 {
		// The estimate may fall at once but at most doubles per call, so
		// that one long line does not make the next windows huge.
		bi.bytesPerLine = min(max(1, int(consumed/nl)), 2*bi.estimate())
	}
	return 0
}

// lineTooLong reports the first line of buf, which does not fit in the
// module's memory, as the library reports a line over LOG_MAX_LINE_LEN:
// that line alone, with ErrLineTooLong and absent spans, consumed. The
// window buf[:n] ends with the line (see parseBatchIn), or is all of buf
// without a newline, at the end of the input.
func lineTooLong(buf []byte, n int, lines []lineRecord, spans []Span, nf int, res *batchResult) int32 {
	if len(lines) == 0 || len(spans) < nf {
		*res = batchResult{full: 1}
		return 0
	}
	window := buf[:n]
	end := bytes.IndexByte(window, '\n') + 1
	if end == 0 {
		end = len(window)
	}
	content := bytes.TrimSuffix(bytes.TrimSuffix(window[:end], newline), []byte{'\r'})
	lines[0] = lineRecord{off: 0, len: uint32(min(uint64(len(content)), maxLineLen)), status: int32(ErrLineTooLong)}
	for i := range spans[:nf] {
		spans[i] = Span{Off: Absent}
	}
	*res = batchResult{consumed: uintptr(end), lines: 1, errors: 1}
	if end < len(buf) {
		res.full = 1 // more lines after it: call again
	}
	return 0
}

// maxLineLen is LOG_MAX_LINE_LEN.
const maxLineLen = 1<<32 - 2

// estimate is the expected length of a line, newline included.
func (bi *batchImpl) estimate() int {
	if bi.bytesPerLine > 0 {
		return bi.bytesPerLine
	}
	return 256
}

// window is how many bytes of input a call copies into the module: about
// what the batch's lines will take, judging by the lines seen so far
// (estimate), plus an eighth; between 64 KiB and 64 MiB.
// Copying a whole buffer of many megabytes to parse its first thousand
// lines would cost more than the parse.
func (bi *batchImpl) window(capLines int) int {
	w := uint64(capLines) * uint64(min(bi.estimate(), maxWindow))
	w += w/8 + 4096
	return int(min(max(w, minWindow), maxWindow))
}

func statusText(status int32) string {
	in := acquire()
	if in == nil {
		return ""
	}
	s := ""
	in.args1(uint32(status))
	if in.call(fnStatusStr) {
		s = in.cString(uint32(in.stack[0]))
	}
	release(in)
	return s
}

var versionOnce struct {
	sync.Mutex
	v string
}

func libVersion() string {
	versionOnce.Lock()
	defer versionOnce.Unlock()
	if versionOnce.v == "" {
		if in := acquire(); in != nil {
			if in.call(fnVersion) {
				versionOnce.v = in.cString(uint32(in.stack[0]))
			}
			release(in)
		}
	}
	return versionOnce.v
}

func libABIVersion() uint32 {
	in := acquire()
	if in == nil {
		return 0
	}
	v := uint32(0)
	if in.call(fnABIVersion) {
		v = uint32(in.stack[0])
	}
	release(in)
	return v
}

// valueCall runs a log_value_* or log_time_* function on b, whose output
// lands at hdrOut. year is passed before the output for log_time_rfc3164.
func (in *instance) valueCall(f fnID, b []byte, year int32) int32 {
	if !in.ensure(len(b)) {
		return in.failStatus()
	}
	d := in.data()
	copy(in.view(d, uint32(len(b))), b)
	if f == fnTimeRFC3164 {
		in.args4(d, uint32(len(b)), uint32(year), in.scratch+hdrOut)
	} else {
		in.args3(d, uint32(len(b)), in.scratch+hdrOut)
	}
	if !in.call(f) {
		return int32(ErrPanic)
	}
	return in.status()
}

// value64 runs valueCall and reads its 64-bit output.
func value64(f fnID, b []byte, year int32) (uint64, int32) {
	in := acquire()
	if in == nil {
		return 0, statusUnavailable
	}
	var v uint64
	st := in.valueCall(f, b, year)
	if st >= 0 {
		v = in.u64(in.scratch + hdrOut)
	}
	release(in)
	return v, st
}

func valueI64(b []byte) (int64, int32) {
	v, st := value64(fnValueI64, b, 0)
	return int64(v), st
}

func valueU64(b []byte) (uint64, int32) { return value64(fnValueU64, b, 0) }

func valueF64(b []byte) (float64, int32) {
	v, st := value64(fnValueF64, b, 0)
	return math.Float64frombits(v), st
}

func valueBool(b []byte) (bool, int32) {
	in := acquire()
	if in == nil {
		return false, statusUnavailable
	}
	var v bool
	st := in.valueCall(fnValueBool, b, 0)
	if st >= 0 {
		v = in.view(in.scratch+hdrOut, 1)[0] != 0
	}
	release(in)
	return v, st
}

func timeRFC3339(b []byte) (int64, int32) {
	v, st := value64(fnTimeRFC3339, b, 0)
	return int64(v), st
}

func timeCLF(b []byte) (int64, int32) {
	v, st := value64(fnTimeCLF, b, 0)
	return int64(v), st
}

func timeRFC3164(b []byte, year int32) (int64, int32) {
	v, st := value64(fnTimeRFC3164, b, year)
	return int64(v), st
}

var unescapeFns = [...]fnID{
	unescapeJSON:   fnUnescapeJSON,
	unescapeLogfmt: fnUnescapeLogfmt,
	unescapeAccess: fnUnescapeAccess,
	unescapeSD:     fnSDUnescape,
}

// unescapeInto decodes raw into room. raw and room are copied to separate
// places of the module's memory, so the library cannot see an overlap of
// the caller's slices: it is refused here, as the library refuses it.
func unescapeInto(kind unescapeKind, raw, room []byte) (int, int32) {
	if len(raw) > 0 && len(room) > 0 {
		r0, o0 := uintptr(unsafe.Pointer(unsafe.SliceData(raw))), uintptr(unsafe.Pointer(unsafe.SliceData(room)))
		if r0 < o0+uintptr(len(room)) && o0 < r0+uintptr(len(raw)) {
			return 0, int32(ErrInvalidArgument)
		}
	}
	in := acquire()
	if in == nil {
		return 0, statusUnavailable
	}
	written, st := 0, int32(0)
	if !in.ensure(len(raw) + len(room)) {
		st = in.failStatus()
	} else {
		d := in.data()
		out := d + uint32(len(raw))
		copy(in.view(d, uint32(len(raw))), raw)
		in.args5(d, uint32(len(raw)), out, uint32(len(room)), in.scratch+hdrOut)
		if !in.call(unescapeFns[kind]) {
			st = int32(ErrPanic)
		} else if st = in.status(); st >= 0 {
			w := in.u32(in.scratch + hdrOut)
			if int(w) > len(room) {
				in.broken, st = true, int32(ErrPanic)
			} else {
				written = copy(room, in.view(out, w))
			}
		}
	}
	release(in)
	return written, st
}

func syslogPriority(pri []byte) (facility, severity uint8, status int32) {
	in := acquire()
	if in == nil {
		return 0, 0, statusUnavailable
	}
	var st int32
	if !in.ensure(len(pri)) {
		st = in.failStatus()
	} else {
		d := in.data()
		copy(in.view(d, uint32(len(pri))), pri)
		in.args4(d, uint32(len(pri)), in.scratch+hdrOut, in.scratch+hdrOut2)
		if !in.call(fnSyslogPriority) {
			st = int32(ErrPanic)
		} else if st = in.status(); st >= 0 {
			facility = in.view(in.scratch+hdrOut, 1)[0]
			severity = in.view(in.scratch+hdrOut2, 1)[0]
		}
	}
	release(in)
	return facility, severity, st
}

// sdNext copies sd in at every step: a STRUCTURED-DATA field is short,
// and the instance that takes the next step may be another one.
func sdNext(sd []byte, cur *sdCursor, step *sdParam) int32 {
	in := acquire()
	if in == nil {
		return statusUnavailable
	}
	var st int32
	if !in.ensure(len(sd)) {
		st = in.failStatus()
	} else {
		d := in.data()
		copy(in.view(d, uint32(len(sd))), sd)
		c := in.view(in.scratch+hdrCursor, 12)
		putU32(c, cur.pos)
		putU32(c[4:], cur.elemOff)
		putU32(c[8:], cur.elemLen)
		in.args4(d, uint32(len(sd)), in.scratch+hdrCursor, in.scratch+hdrParam)
		if !in.call(fnSDNext) {
			st = int32(ErrPanic)
		} else if st = in.status(); st == 1 {
			c = in.view(in.scratch+hdrCursor, 12)
			*cur = sdCursor{pos: getU32(c), elemOff: getU32(c[4:]), elemLen: getU32(c[8:])}
			p := in.view(in.scratch+hdrParam, 40)
			var s [3]Span
			getSpans(s[:], p[:36])
			*step = sdParam{id: s[0], name: s[1], value: s[2], flags: getU32(p[36:])}
		}
	}
	release(in)
	return st
}
