package logspan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader returns at most n bytes per Read, like a pipe or socket.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[k:]
	return k, nil
}

// readerLine is what a Reader reported for one line.
type readerLine struct {
	text   string
	code   Code
	number int
	offset int
	fields []string
	spans  []Span
}

func readAll(t *testing.T, r *Reader, p *Parser) ([]readerLine, error) {
	t.Helper()
	var got []readerLine
	for r.Next() {
		l := r.Line()
		rl := readerLine{text: string(l.Bytes()), code: l.Code(), number: l.Number(), offset: l.Offset()}
		for j := range p.NumFields() {
			rl.fields = append(rl.fields, string(l.Field(j)))
			rl.spans = append(rl.spans, l.Span(j))
		}
		if err := l.Err(); (err == nil) != (rl.code == 0) {
			t.Fatalf("line %d: Err %v but Code %d", rl.number, err, rl.code)
		} else if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line != rl.number || e.Offset != rl.offset {
				t.Fatalf("line %d: Err %+v, want Line %d Offset %d", rl.number, e, rl.number, rl.offset)
			}
		}
		got = append(got, rl)
	}
	if r.Next() {
		t.Fatal("Next returned true after returning false")
	}
	return got, r.Err()
}

// expectedLines is what a Reader must report for text: each line as
// Parser.Parse sees it alone, numbered from 1, with its byte offset.
func expectedLines(t *testing.T, p *Parser, text []byte) []readerLine {
	var want []readerLine
	off := 0
	for i, line := range splitLines(text) {
		r := parseOne(t, p, line)
		want = append(want, readerLine{text: string(line), code: r.code, number: i + 1, offset: off,
			fields: r.fields, spans: r.spans})
		off += len(line) + 1
		if bytes.HasPrefix(text[off-1:], []byte("\r\n")) {
			off++
		}
	}
	return want
}

func TestReaderMatchesParse(t *testing.T) {
	p := mustParser(t, jsonSpec)
	long := `{"msg":"` + strings.Repeat("x", 200_000) + `","level":"INFO"}`
	inputs := map[string]string{
		"empty":                "",
		"one newline":          "\n",
		"two newlines":         "\n\n",
		"crlf only":            "\r\n",
		"no final newline":     mixedJSON,
		"final newline":        mixedJSON + "\n",
		"final crlf":           mixedJSON + "\r\n",
		"lone final cr":        `{"msg":"x"}` + "\r",
		"many lines":           strings.Repeat(mixedJSON+"\n", 40),
		"line longer than 64K": "{}\n" + long + "\n" + long,
	}
	readers := map[string]func([]byte) io.Reader{
		"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
		"one byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"halves":   func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"data+EOF": func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
		"7 bytes":  func(b []byte) io.Reader { return &chunkReader{data: b, n: 7} },
	}
	options := map[string][]ReaderOption{
		"defaults":               nil,
		"1-byte buffer, 1 line":  {WithBufferSize(1), WithBatchLines(1)},
		"7-byte buffer, 3 lines": {WithBufferSize(7), WithBatchLines(3)},
		"ignored bad options":    {WithBufferSize(-1), WithBatchLines(0), WithMaxLineLength(-3)},
	}
	for inName, text := range inputs {
		want := expectedLines(t, p, []byte(text))
		for rdName, mk := range readers {
			if rdName == "one byte" && len(text) > 100_000 {
				continue // quadratic in the line length by design of the test reader; covered by "7 bytes"
			}
			for optName, opts := range options {
				got, err := readAll(t, NewReader(mk([]byte(text)), p, opts...), p)
				if err != nil {
					t.Fatalf("%s / %s / %s: Err %v", inName, rdName, optName, err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s / %s / %s:\n got %d lines %.300v\nwant %d lines %.300v", inName, rdName, optName, len(got), got, len(want), want)
				}
			}
		}
	}
}

// Random texts, read in random chunk sizes through random buffer and batch
// sizes, must always give what Parser.Parse gives line by line.
func TestReaderRandomInputs(t *testing.T) {
	p := mustParser(t, jsonSpec)
	pieces := []string{"\n", "\r\n", "\r", "{", "}", `"`, `"msg":"x"`, ",", "\\",
		`{"level":"INFO","user":{"id":1}}`, `{"time":"t","http":{"status":500}}`, "\n\n"}
	rng := rand.New(rand.NewSource(1))
	for round := range 500 {
		var sb strings.Builder
		for range rng.Intn(40) {
			sb.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := []byte(sb.String())
		chunk, bufSize, batchLines := 1+rng.Intn(20), 1+rng.Intn(64), 1+rng.Intn(5)
		r := NewReader(&chunkReader{data: text, n: chunk}, p, WithBufferSize(bufSize), WithBatchLines(batchLines))
		got, err := readAll(t, r, p)
		want := expectedLines(t, p, text)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d (chunk %d, buffer %d, batch %d) %q:\n got %v %v\nwant %v", round, chunk, bufSize, batchLines, text, got, err, want)
		}
	}
}

func TestReaderLineTooLong(t *testing.T) {
	p := mustParser(t, "access")
	const max = 40
	ok40 := strings.Repeat("a", max)
	bad41 := strings.Repeat("b", max+1)
	for _, c := range []struct {
		name     string
		text     string
		lines    int // lines delivered before the error
		errLine  int // 0: no error
		errBytes int
	}{
		{"at the limit, \\n", ok40 + "\n" + ok40 + "\n", 2, 0, 0},
		{"at the limit, \\r\\n", ok40 + "\r\n" + ok40 + "\r\n", 2, 0, 0},
		{"at the limit, at EOF", "x\n" + ok40, 2, 0, 0},
		{"one over, \\n", "short\n" + bad41 + "\nafter\n", 1, 2, 6},
		{"one over, \\r\\n", "short\n" + bad41 + "\r\nafter\n", 1, 2, 6},
		{"one over, at EOF", "short\r\n" + bad41, 1, 2, 7},
		{"far over", "short\n" + strings.Repeat("c", 10*max) + "\n", 1, 2, 6},
	} {
		for _, bufSize := range []int{1, 8, 64 << 10} {
			for _, src := range []io.Reader{strings.NewReader(c.text), iotest.OneByteReader(strings.NewReader(c.text))} {
				r := NewReader(src, p, WithMaxLineLength(max), WithBufferSize(bufSize))
				got, err := readAll(t, r, p)
				if len(got) != c.lines {
					t.Errorf("%s, buffer %d: %d lines before stopping, want %d", c.name, bufSize, len(got), c.lines)
				}
				if c.errLine == 0 {
					if err != nil {
						t.Errorf("%s, buffer %d: %v", c.name, bufSize, err)
					}
					continue
				}
				var e *Error
				if !errors.Is(err, ErrLineTooLong) || !errors.As(err, &e) || e.Line != c.errLine || e.Offset != c.errBytes {
					t.Errorf("%s, buffer %d: Err %v, want ErrLineTooLong at line %d byte %d", c.name, bufSize, err, c.errLine, c.errBytes)
					continue
				}
				want := fmt.Sprintf("logspan: line %d (byte offset %d): line longer than the reader's limit of %d bytes", c.errLine, c.errBytes, max)
				if err.Error() != want {
					t.Errorf("%s: message %q, want %q", c.name, err, want)
				}
			}
		}
	}
}

// errAfter returns its data, then err instead of io.EOF.
type errAfter struct {
	data []byte
	err  error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestReaderReportsReadErrors(t *testing.T) {
	p := mustParser(t, "access")
	boom := errors.New("disk on fire")
	for _, src := range []io.Reader{
		&errAfter{data: []byte(accessLine + "\n" + accessLine + "\npartial"), err: boom},
		iotest.OneByteReader(&errAfter{data: []byte(accessLine + "\n" + accessLine + "\npartial"), err: boom}),
	} {
		got, err := readAll(t, NewReader(src, p, WithBufferSize(16)), p)
		if !errors.Is(err, boom) {
			t.Fatalf("Err = %v, want the read error", err)
		}
		if len(got) != 2 || got[1].code != 0 || got[1].fields[FieldStatus] != "200" {
			t.Fatalf("lines before the error: %v", got)
		}
	}
	// A reader that never returns anything.
	_, err := readAll(t, NewReader(iotest.ErrReader(nil), p), p)
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("empty reads: Err = %v, want io.ErrNoProgress", err)
	}
	if _, err := readAll(t, NewReader(nil, p), p); err == nil {
		t.Fatal("nil io.Reader: no error")
	}
	closed, _ := NewParser("access")
	closed.Close()
	if _, err := readAll(t, NewReader(strings.NewReader(accessLine), closed), closed); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed parser: %v", err)
	}
}

// repeatReader returns data over and over, never EOF.
type repeatReader struct {
	data []byte
	pos  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], r.data[r.pos:])
		n += k
		r.pos = (r.pos + k) % len(r.data)
	}
	return n, nil
}

func TestReaderAllocatesNothingPerLine(t *testing.T) {
	skipIfInterpreted(t)
	for _, c := range []struct{ spec, text string }{
		{"access", accessLine + "\n" + accessLine + "\r\nbroken\n"},
		{jsonSpec, mixedJSON + "\n"},
	} {
		p := mustParser(t, c.spec)
		r := NewReader(&repeatReader{data: []byte(c.text)}, p, WithBufferSize(4096), WithBatchLines(64))
		sum := 0
		step := func() {
			if !r.Next() {
				t.Fatalf("Next: %v", r.Err())
			}
			l := r.Line()
			sum += len(l.Bytes()) + int(l.Code()) + l.Number()
			for j := range p.NumFields() {
				sum += len(l.Field(j))
			}
		}
		for range 1000 { // let the buffer reach its size
			step()
		}
		if n := testing.AllocsPerRun(5000, step); n != 0 {
			t.Errorf("%s: %v allocations per line, want 0", c.spec, n)
		}
		if sum == 0 {
			t.Errorf("%s: no lines seen", c.spec)
		}
	}
}

func TestReaderSkipEmptyKeepsLineNumbers(t *testing.T) {
	p := mustParser(t, "json:a")
	text := "\n{\"a\":1}\r\n\r\n\n{\"a\":2}\n\nbad\n\n"
	for _, chunk := range []int{1, 3, 64} {
		rd := NewReader(iotest.HalfReader(strings.NewReader(text)), p, WithSkipEmpty(), WithBufferSize(chunk), WithBatchLines(2))
		var got []string
		for rd.Next() {
			l := rd.Line()
			got = append(got, fmt.Sprintf("%d:%s", l.Number(), l.Bytes()))
			if string(l.Bytes()) == "bad" {
				var e *Error
				if !errors.As(l.Err(), &e) || e.Line != 7 || e.Code != ErrJSONSyntax {
					t.Errorf("chunk %d: bad line error = %v", chunk, l.Err())
				}
			}
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		want := []string{`2:{"a":1}`, `5:{"a":2}`, `7:bad`}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("chunk %d: got %v, want %v", chunk, got, want)
		}
	}
	// Without the option every empty line is reported.
	rd := NewReader(strings.NewReader(text), p)
	n := 0
	for rd.Next() {
		n++
	}
	if n != 8 {
		t.Errorf("without WithSkipEmpty: %d lines, want 8", n)
	}
}
