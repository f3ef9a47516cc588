package logspan

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"testing/iotest"
)

// A real access log: 10,000 lines from Elastic's examples, beside the
// repository in /work/shared (the test skips when it is not there).
const apacheLogs = "../../shared/corpora/access/elastic-examples/apache_logs"

// Line 8899 is cut inside the user agent; every other line is combined
// format.
const apacheBadLine = 8899

func TestApacheLogsCorpus(t *testing.T) {
	data := readFileOrSkip(t, apacheLogs)
	p := mustParser(t, "access")

	// The whole file through a Batch, a few hundred lines per call.
	type result struct {
		code   Code
		fields [FastFields]string
	}
	var batchResults []result
	var escaped []int // numbers of lines with a field holding \xHH or \"
	b := NewBatch(p, 300)
	for rest := data; len(rest) > 0; {
		consumed, err := b.Parse(rest, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Len() {
			l := b.Line(i)
			r := result{code: l.Code()}
			for j := range r.fields {
				r.fields[j] = string(l.Field(j))
				if l.Span(j).Escaped() && (len(escaped) == 0 || escaped[len(escaped)-1] != l.Number()) {
					escaped = append(escaped, l.Number())
				}
			}
			if l.Number() != len(batchResults)+1 {
				t.Fatalf("line number %d, want %d", l.Number(), len(batchResults)+1)
			}
			if err := l.Err(); err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Line != apacheBadLine || e.Code != ErrAccessUnterminatedQuote {
					t.Errorf("line %d: %v", l.Number(), err)
				}
				if !bytes.Equal(data[e.Offset:e.Offset+len(l.Bytes())], l.Bytes()) {
					t.Errorf("the error's offset %d does not point at the line", e.Offset)
				}
			}
			batchResults = append(batchResults, r)
		}
		rest = rest[consumed:]
	}
	if len(batchResults) != 10000 {
		t.Fatalf("%d lines, want 10000", len(batchResults))
	}
	if batchResults[apacheBadLine-1].code != ErrAccessUnterminatedQuote {
		t.Fatalf("line %d: code %d", apacheBadLine, batchResults[apacheBadLine-1].code)
	}

	// Spot checks against the corpus summary (apache_logs.summary.json).
	statuses := map[string]int{}
	methods := map[string]int{}
	dashBytes := 0
	for _, r := range batchResults {
		if r.code == 0 {
			statuses[r.fields[FieldStatus]]++
			methods[r.fields[FieldMethod]]++
			if r.fields[FieldBodyBytes] == "" {
				dashBytes++
			}
		}
	}
	// The summary's counts are over the 9,999 lines its regex matched.
	if got := fmt.Sprint(statuses); got != "map[200:9125 206:45 301:164 304:445 403:2 404:213 416:2 500:3]" {
		t.Errorf("status counts %s", got)
	}
	if got := fmt.Sprint(methods); got != "map[GET:9951 HEAD:42 OPTIONS:1 POST:5]" {
		t.Errorf("method counts %s", got)
	}
	if fmt.Sprint(escaped) != "[5851 5853 5860]" {
		t.Errorf("lines with escapes: %v, want [5851 5853 5860]", escaped)
	}
	if dashBytes != 669 {
		t.Errorf("%d lines with body size -, want 669", dashBytes)
	}

	// The same file through a Reader fed one byte at a time, with a
	// buffer smaller than most lines: identical results.
	r := NewReader(iotest.OneByteReader(bytes.NewReader(data)), p, WithBufferSize(64), WithBatchLines(7))
	n := 0
	for r.Next() {
		l := r.Line()
		if n >= len(batchResults) {
			t.Fatal("the Reader returned more lines than the Batch")
		}
		want := batchResults[n]
		if l.Code() != want.code {
			t.Fatalf("Reader line %d: code %d, Batch %d", n+1, l.Code(), want.code)
		}
		for j := range want.fields {
			if string(l.Field(j)) != want.fields[j] {
				t.Fatalf("Reader line %d field %d: %q, Batch %q", n+1, j, l.Field(j), want.fields[j])
			}
		}
		n++
	}
	if err := r.Err(); err != nil || n != len(batchResults) {
		t.Fatalf("Reader: %d lines, %v", n, err)
	}
}
