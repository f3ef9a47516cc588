package logspan

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

// mixedJSON has good lines, an empty line, a \r\n line and broken lines.
const mixedJSON = `{"time":"t1","level":"INFO","msg":"ok","http":{"status":200},"user":{"id":7}}
{"level":"WARN","msg":"a \"quoted\" word","duration_ms":12.5}

{"msg":"cut in the mid
{"level":"DEBUG","user":{"id":-1}}` + "\r\n" + `[1,2]
{"msg":"last line, no newline"}`

// checkBatchAgainstParse checks every line of b's last Parse against
// Parser.Parse on the same line alone.
func checkBatchAgainstParse(t *testing.T, p *Parser, b *Batch, lines [][]byte, firstLine int) {
	t.Helper()
	for i := range b.Len() {
		l := b.Line(i)
		want := lines[firstLine+i]
		if string(l.Bytes()) != string(want) {
			t.Fatalf("line %d: Bytes %q, want %q", firstLine+i+1, l.Bytes(), want)
		}
		r := parseOne(t, p, want)
		if l.Code() != r.code || l.OK() != (r.code == 0) || l.NumPresent() != r.n {
			t.Errorf("line %d: code %d ok %v present %d; Parse says code %d present %d",
				firstLine+i+1, l.Code(), l.OK(), l.NumPresent(), r.code, r.n)
		}
		for j := range p.NumFields() {
			if l.Span(j) != r.spans[j] || string(l.Field(j)) != r.fields[j] || (l.Field(j) == nil) != !r.spans[j].Present() {
				t.Errorf("line %d field %d: span %+v %q; Parse says %+v %q",
					firstLine+i+1, j, l.Span(j), l.Field(j), r.spans[j], r.fields[j])
			}
		}
	}
}

func TestBatchMatchesParse(t *testing.T) {
	p := mustParser(t, jsonSpec)
	lines := splitLines([]byte(mixedJSON))
	b := NewBatch(p, 64)
	consumed, err := b.Parse([]byte(mixedJSON), true)
	if err != nil || consumed != len(mixedJSON) || b.Len() != len(lines) || b.Full() {
		t.Fatalf("Parse = %d, %v; Len %d Full %v; want %d bytes, %d lines", consumed, err, b.Len(), b.Full(), len(mixedJSON), len(lines))
	}
	if b.Errors() != 3 {
		t.Errorf("Errors() = %d, want 3 (empty, truncated, not an object)", b.Errors())
	}
	checkBatchAgainstParse(t, p, b, lines, 0)
	if got := b.Line(2).Code(); got != ErrEmptyLine {
		t.Errorf("empty line: %v", got)
	}
	if got := b.Line(4).Bytes(); strings.HasSuffix(string(got), "\r") {
		t.Errorf("the \\r of \\r\\n is part of the line: %q", got)
	}
}

func TestBatchLeavesAnIncompleteLastLine(t *testing.T) {
	p := mustParser(t, jsonSpec)
	b := NewBatch(p, 64)
	text := []byte(mixedJSON)
	lastStart := strings.LastIndexByte(mixedJSON, '\n') + 1
	consumed, err := b.Parse(text, false)
	if err != nil || consumed != lastStart || b.Len() != 6 {
		t.Fatalf("not at EOF: consumed %d (want %d), %d lines, %v", consumed, lastStart, b.Len(), err)
	}
	// The rest, now that the input has ended.
	consumed, err = b.Parse(text[lastStart:], true)
	if err != nil || consumed != len(text)-lastStart || b.Len() != 1 || !b.Line(0).OK() {
		t.Fatalf("at EOF: consumed %d, %d lines, %v", consumed, b.Len(), err)
	}
	if l := b.Line(0); l.Number() != 7 || l.Offset() != lastStart {
		t.Errorf("last line: number %d offset %d, want 7 and %d", l.Number(), l.Offset(), lastStart)
	}
}

func TestBatchFullContinuesWhereItStopped(t *testing.T) {
	p := mustParser(t, jsonSpec)
	lines := splitLines([]byte(mixedJSON))
	for _, capacity := range []int{1, 2, 3, 6} {
		b := NewBatch(p, capacity)
		if b.Cap() != capacity {
			t.Fatalf("Cap() = %d, want %d", b.Cap(), capacity)
		}
		buf := []byte(mixedJSON)
		seen := 0
		for calls := 0; len(buf) > 0; calls++ {
			if calls > len(lines) {
				t.Fatalf("capacity %d: no progress", capacity)
			}
			consumed, err := b.Parse(buf, true)
			if err != nil {
				t.Fatal(err)
			}
			if b.Len() > capacity || (len(buf) > consumed) != b.Full() {
				t.Fatalf("capacity %d: %d lines, Full %v, %d of %d bytes", capacity, b.Len(), b.Full(), consumed, len(buf))
			}
			checkBatchAgainstParse(t, p, b, lines, seen)
			for i := range b.Len() {
				if n := b.Line(i).Number(); n != seen+i+1 {
					t.Fatalf("capacity %d: line number %d, want %d", capacity, n, seen+i+1)
				}
			}
			seen += b.Len()
			buf = buf[consumed:]
		}
		if seen != len(lines) {
			t.Errorf("capacity %d: %d lines, want %d", capacity, seen, len(lines))
		}
	}
}

func TestBatchErrorsCarryStreamPosition(t *testing.T) {
	p := mustParser(t, "access")
	good := accessLine + "\n"
	b := NewBatch(p, 2)
	text := []byte(good + good + good + "bad line\n")
	var errs []error
	for len(text) > 0 {
		consumed, err := b.Parse(text, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Len() {
			if err := b.Line(i).Err(); err != nil {
				errs = append(errs, err)
			}
		}
		text = text[consumed:]
	}
	if len(errs) != 1 {
		t.Fatalf("errors: %v", errs)
	}
	var e *Error
	if !errors.As(errs[0], &e) || e.Code != ErrAccessTruncated || e.Line != 4 || e.Offset != 3*len(good) {
		t.Fatalf("error %+v, want ErrAccessTruncated on line 4 at byte %d", e, 3*len(good))
	}
	want := fmt.Sprintf("logspan: line 4 (byte offset %d): access log: line ends before the format does", 3*len(good))
	if errs[0].Error() != want {
		t.Fatalf("message %q, want %q", errs[0], want)
	}
	// Reset starts a new stream.
	b.Reset()
	if _, err := b.Parse([]byte("bad\n"), true); err != nil {
		t.Fatal(err)
	}
	if l := b.Line(0); l.Number() != 1 || l.Offset() != 0 || l.Err().(*Error).Line != 1 {
		t.Fatalf("after Reset: line %d offset %d", l.Number(), l.Offset())
	}
}

func TestBatchEdgeCases(t *testing.T) {
	p := mustParser(t, "access")
	b := NewBatch(p, 0)
	if b.Cap() != DefaultBatchLines {
		t.Fatalf("maxLines 0: Cap %d, want %d", b.Cap(), DefaultBatchLines)
	}
	if c := NewBatch(p, -5).Cap(); c != DefaultBatchLines {
		t.Fatalf("maxLines -5: Cap %d", c)
	}
	if c := NewBatch(p, math.MaxInt).Cap(); c != maxBatchLines {
		t.Fatalf("maxLines MaxInt: Cap %d, want %d", c, maxBatchLines)
	}
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("k", i)
	}
	wide := mustParser(t, "json:"+strings.Join(keys, ","))
	if c := NewBatch(wide, 1<<20).Cap(); c != maxBatchSpans/4096 {
		t.Fatalf("4096 fields: Cap %d, want %d", c, maxBatchSpans/4096)
	}
	for _, buf := range [][]byte{nil, {}} {
		for _, eof := range []bool{false, true} {
			n, err := b.Parse(buf, eof)
			if n != 0 || err != nil || b.Len() != 0 || b.Errors() != 0 || b.Full() {
				t.Errorf("Parse(%v, %v) = %d, %v, Len %d", buf, eof, n, err, b.Len())
			}
		}
	}
	if n, err := b.Parse([]byte("no newline"), false); n != 0 || err != nil || b.Len() != 0 {
		t.Errorf("a partial line not at EOF: %d, %v, Len %d", n, err, b.Len())
	}
	if n, err := b.Parse([]byte("\n\n"), false); n != 2 || err != nil || b.Len() != 2 || b.Line(1).Code() != ErrEmptyLine {
		t.Errorf("two empty lines: %d, %v, Len %d", n, err, b.Len())
	}
	// Index checks: Line panics like a slice, Field and Span answer absent.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Line(Len()) did not panic")
			}
		}()
		b.Line(b.Len())
	}()
	if _, err := b.Parse([]byte(accessLine), true); err != nil {
		t.Fatal(err)
	}
	l := b.Line(0)
	if l.Field(-1) != nil || l.Field(FastFields) != nil || l.Span(FastFields) != (Span{Off: Absent}) {
		t.Error("out-of-range field is not absent")
	}
	closed, _ := NewParser("access")
	cb := NewBatch(closed, 4)
	closed.Close()
	if _, err := cb.Parse([]byte(accessLine), true); !errors.Is(err, ErrClosed) || cb.Len() != 0 {
		t.Errorf("closed parser: %v", err)
	}
	if _, err := NewBatch(nil, 4).Parse([]byte(accessLine), true); !errors.Is(err, ErrClosed) {
		t.Errorf("nil parser: %v", err)
	}
}

func TestBatchAllocatesNothing(t *testing.T) {
	skipIfInterpreted(t)
	for _, c := range []struct{ spec, text string }{
		{"access", strings.Repeat(accessLine+"\n", 50) + "broken\n"},
		{jsonSpec, strings.Repeat(mixedJSON+"\n", 20)},
	} {
		p := mustParser(t, c.spec)
		b := NewBatch(p, 256)
		buf := []byte(c.text)
		var total, failed int
		allocs := testing.AllocsPerRun(100, func() {
			total, failed = 0, 0
			rest := buf
			for len(rest) > 0 {
				consumed, err := b.Parse(rest, true)
				if err != nil {
					t.Fatal(err)
				}
				for i := range b.Len() {
					l := b.Line(i)
					if !l.OK() {
						failed++
						continue
					}
					if l.Err() != nil {
						t.Fatal("Err on a good line")
					}
					total += len(l.Bytes()) + l.NumPresent() + l.Number()
					for j := range p.NumFields() {
						total += len(l.Field(j)) + int(l.Span(j).Len)
					}
				}
				rest = rest[consumed:]
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per batch parse and iteration, want 0", c.spec, allocs)
		}
		if total == 0 || failed == 0 {
			t.Errorf("%s: the loop did not see the lines (%d, %d failed)", c.spec, total, failed)
		}
	}
}

// A Batch keeps its Parser alive: with no other reference to the Parser
// and collections between calls, its finalizer must not free the C parser
// under the Batch.
func TestBatchKeepsItsParserAlive(t *testing.T) {
	newBatch := func() *Batch {
		p, err := NewParser("access") // deliberately not closed: only b refers to it
		if err != nil {
			t.Fatal(err)
		}
		return NewBatch(p, 4)
	}
	b := newBatch()
	line := []byte(accessLine + "\n")
	for i := range 50 {
		runtime.GC()
		if _, err := b.Parse(line, true); err != nil || b.Len() != 1 || string(b.Line(0).Field(FieldStatus)) != "200" {
			t.Fatalf("round %d: %v, %d lines", i, err, b.Len())
		}
	}
}
