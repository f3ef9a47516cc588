package logspan_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"

	logspan "github.com/logspan/logspan/go-bindings"
	"github.com/logspan/logspan/go-bindings/internal/baseline"
)

// Every benchmark here makes one op one line, so ns/op is ns per line and
// allocs/op allocations per line, and they read every field they find
// (into sink) so that no implementation gets away with less work.
//
//	go test -run '^$' -bench . -benchmem

const (
	accessSample = "../examples/data/access.log"
	appSample    = "../examples/data/app.jsonl"
)

var sink int

func loadSample(b *testing.B, path string) (data []byte, lines [][]byte) {
	b.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		b.Skipf("%s not found; skipping", path)
	}
	if err != nil {
		b.Fatal(err)
	}
	lines = bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	b.SetBytes(int64(len(data) / len(lines)))
	return data, lines
}

func newParser(b *testing.B, spec string) *logspan.Parser {
	p, err := logspan.NewParser(spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

// benchBatch parses data over and over, a batch per cgo call, until b.N
// lines are done.
func benchBatch(b *testing.B, p *logspan.Parser, data []byte) {
	batch := logspan.NewBatch(p, logspan.DefaultBatchLines)
	nf := p.NumFields()
	rest := data
	b.ResetTimer()
	for done := 0; done < b.N; {
		consumed, err := batch.Parse(rest, true)
		if err != nil {
			b.Fatal(err)
		}
		for i := range batch.Len() {
			l := batch.Line(i)
			for j := range nf {
				sink += len(l.Field(j))
			}
		}
		done += batch.Len()
		if rest = rest[consumed:]; len(rest) == 0 {
			rest = data
		}
	}
}

// benchReader reads data over and over through a Reader.
func benchReader(b *testing.B, p *logspan.Parser, data []byte) {
	r := logspan.NewReader(&cycle{data: data}, p)
	nf := p.NumFields()
	b.ResetTimer()
	for range b.N {
		if !r.Next() {
			b.Fatal(r.Err())
		}
		l := r.Line()
		for j := range nf {
			sink += len(l.Field(j))
		}
	}
}

// benchParse parses line by line, a cgo call per line.
func benchParse(b *testing.B, p *logspan.Parser, lines [][]byte) {
	out := make([]logspan.Span, p.NumFields())
	b.ResetTimer()
	for i := range b.N {
		line := lines[i%len(lines)]
		if _, err := p.Parse(line, out); err == nil {
			for _, s := range out {
				sink += len(s.Bytes(line))
			}
		}
	}
}

func BenchmarkAccess(b *testing.B) {
	b.Run("logspan-Batch", func(b *testing.B) {
		data, _ := loadSample(b, accessSample)
		benchBatch(b, newParser(b, "access"), data)
	})
	b.Run("logspan-Reader", func(b *testing.B) {
		data, _ := loadSample(b, accessSample)
		benchReader(b, newParser(b, "access"), data)
	})
	b.Run("logspan-ParseFast", func(b *testing.B) {
		_, lines := loadSample(b, accessSample)
		var out [logspan.FastFields]logspan.Span
		b.ResetTimer()
		for i := range b.N {
			line := lines[i%len(lines)]
			if _, err := logspan.ParseFast(line, &out); err == nil {
				for _, s := range out {
					sink += len(s.Bytes(line))
				}
			}
		}
	})
	b.Run("logspan-Parser.Parse", func(b *testing.B) {
		_, lines := loadSample(b, accessSample)
		benchParse(b, newParser(b, "access"), lines)
	})
	b.Run("regexp", func(b *testing.B) {
		_, lines := loadSample(b, accessSample)
		b.ResetTimer()
		for i := range b.N {
			m := baseline.AccessRegexp.FindSubmatchIndex(lines[i%len(lines)])
			for k := 2; k < len(m); k += 2 {
				if m[k] >= 0 {
					sink += m[k+1] - m[k]
				}
			}
		}
	})
	b.Run("IndexByte-splitter", func(b *testing.B) {
		_, lines := loadSample(b, accessSample)
		var out [9][2]int
		b.ResetTimer()
		for i := range b.N {
			if baseline.SplitAccess(lines[i%len(lines)], &out) {
				for _, f := range out {
					sink += f[1] - f[0]
				}
			}
		}
	})
}

func BenchmarkJSON(b *testing.B) {
	b.Run("logspan-Batch", func(b *testing.B) {
		data, _ := loadSample(b, appSample)
		benchBatch(b, newParser(b, baseline.AppSpec), data)
	})
	b.Run("logspan-Reader", func(b *testing.B) {
		data, _ := loadSample(b, appSample)
		benchReader(b, newParser(b, baseline.AppSpec), data)
	})
	b.Run("logspan-Parser.Parse", func(b *testing.B) {
		_, lines := loadSample(b, appSample)
		benchParse(b, newParser(b, baseline.AppSpec), lines)
	})
	b.Run("encoding-json", func(b *testing.B) {
		_, lines := loadSample(b, appSample)
		b.ResetTimer()
		for i := range b.N {
			var rec baseline.AppRecord
			if json.Unmarshal(lines[i%len(lines)], &rec) == nil {
				sink += len(rec.Time) + len(rec.Level) + len(rec.Msg) + rec.HTTP.Status +
					len(rec.HTTP.Method) + len(rec.HTTP.Path) + int(rec.User.ID) + int(rec.DurationMs)
			}
		}
	})
}

// cycle is an io.Reader that repeats data forever.
type cycle struct {
	data []byte
	pos  int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.pos:])
	c.pos = (c.pos + n) % len(c.data)
	return n, nil
}

var _ io.Reader = (*cycle)(nil)
