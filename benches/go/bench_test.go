package peers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// One op is one line everywhere, so ns/op is ns per line and allocs/op is
// allocations per line (-benchmem). Per-line implementations cycle through
// the corpus' lines (split before timing); streams (a logspan Batch,
// go-logfmt's Decoder, the newline floor) cycle through its bytes and do
// their own splitting. Every implementation is cross-checked against
// logspan over the whole corpus before it is timed.
//
//	go test -run '^$' -bench . -benchmem -cpu 1
//	go test -run '^$' -bench Parallel -benchmem -cpu 1,2

var (
	corpora   = map[string]*Corpus{}
	corporaMu sync.Mutex
	checked   = map[string]checkResult{}
	refs      = map[string][2]uint64{}
	// Sink keeps results alive.
	Sink uint64
)

func corpus(tb testing.TB, job string) *Corpus {
	tb.Helper()
	corporaMu.Lock()
	defer corporaMu.Unlock()
	if c, ok := corpora[job]; ok {
		return c
	}
	c, err := LoadCorpus(job)
	if err != nil {
		tb.Fatal(err)
	}
	corpora[job] = c
	return c
}

func reference(check Check, c *Corpus) [2]uint64 {
	key := string(check) + "\x00" + c.Path
	if r, ok := refs[key]; ok {
		return r
	}
	ok, sum := Reference(check, c)
	refs[key] = [2]uint64{ok, sum}
	return refs[key]
}

type checkResult struct {
	got [2]uint64
	err error
}

// crossCheck runs im once over c and compares with logspan's answer
// (once per process).
func crossCheck(im Impl, c *Corpus) (got [2]uint64, err error) {
	corporaMu.Lock()
	defer corporaMu.Unlock()
	key := im.Job + "/" + im.Name + "\x00" + c.Path
	if r, done := checked[key]; done {
		return r.got, r.err
	}
	ok, sum := im.Run(c)
	got = [2]uint64{ok, sum}
	if want := reference(im.Check, c); got != want {
		err = fmt.Errorf("%s/%s on %s: (accepted lines, checksum) = %v, logspan (%s) says %v",
			im.Job, im.Name, c.Name, got, im.Check, want)
	}
	checked[key] = checkResult{got, err}
	return got, err
}

func runLines(b *testing.B, f LineFunc, lines [][]byte) {
	var s uint64
	j := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, ok := f(lines[j]); ok {
			s += v
		}
		if j++; j == len(lines) {
			j = 0
		}
	}
	Sink += s
}

func runStream(b *testing.B, st Stream) {
	var s uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, ok := st.Next(); ok {
			s += v
		}
	}
	Sink += s
}

func benchJob(b *testing.B, job string) {
	c := corpus(b, job)
	for _, im := range Impls() {
		if im.Job != job {
			continue
		}
		b.Run(im.Name, func(b *testing.B) {
			if im.Skip != "" {
				b.Skip(im.Skip)
			}
			if _, err := crossCheck(im, c); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.Data) / len(c.Lines)))
			b.ReportAllocs()
			if im.Line != nil {
				f, done := im.Line()
				if done != nil {
					defer done()
				}
				runLines(b, f, c.Lines)
				return
			}
			st, done := im.Stream(c)
			if done != nil {
				defer done()
			}
			runStream(b, st)
		})
	}
}

func BenchmarkAccess(b *testing.B) { benchJob(b, "access") }
func BenchmarkJSON(b *testing.B)   { benchJob(b, "json") }
func BenchmarkLogfmt(b *testing.B) { benchJob(b, "logfmt") }
func BenchmarkSyslog(b *testing.B) { benchJob(b, "syslog") }

// BenchmarkParallel runs the implementations marked Parallel from
// GOMAXPROCS goroutines at once (b.RunParallel), each with its own state
// (its own logspan Batch over the one shared, immutable Parser; its own
// regexp, decoder, ...). Run with -cpu 1,2: ns/op is wall time per line
// over all goroutines, so perfect scaling halves it at -2.
func BenchmarkParallel(b *testing.B) {
	for _, job := range Jobs {
		c := corpus(b, job)
		for _, im := range Impls() {
			if im.Job != job || !im.Parallel {
				continue
			}
			b.Run(job+"/"+im.Name, func(b *testing.B) {
				if im.Skip != "" {
					b.Skip(im.Skip)
				}
				if _, err := crossCheck(im, c); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c.Data) / len(c.Lines)))
				b.ReportAllocs()
				var mu sync.Mutex
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					var s uint64
					if im.Line != nil {
						mu.Lock()
						f, done := im.Line()
						mu.Unlock()
						j := 0
						for pb.Next() {
							if v, ok := f(c.Lines[j]); ok {
								s += v
							}
							if j++; j == len(c.Lines) {
								j = 0
							}
						}
						if done != nil {
							done()
						}
					} else {
						mu.Lock()
						st, done := im.Stream(c)
						mu.Unlock()
						for pb.Next() {
							if v, ok := st.Next(); ok {
								s += v
							}
						}
						if done != nil {
							done()
						}
					}
					mu.Lock()
					Sink += s
					mu.Unlock()
				})
			})
		}
	}
}

// TestCrossCheck: every implementation of every job returns logspan's
// accepted-line count and checksum on the job's corpus (the shipped
// samples, or $LOGSPAN_BENCH_CORPUS). With $LOGSPAN_BENCH_OUT set, the
// results go to $LOGSPAN_BENCH_OUT/go-meta.jsonl (go-meta-wasm.jsonl for
// the no-cgo build, see Impls) for the report.
func TestCrossCheck(t *testing.T) {
	var out *os.File
	if dir := os.Getenv("LOGSPAN_BENCH_OUT"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, MetaFile()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out = f
	}
	for _, im := range Impls() {
		if im.Skip != "" {
			t.Logf("%s/%s skipped: %s", im.Job, im.Name, im.Skip)
			continue
		}
		c := corpus(t, im.Job)
		got, err := crossCheck(im, c)
		if err != nil {
			t.Error(err)
		}
		if out != nil {
			rec, _ := json.Marshal(map[string]any{
				"lang": "go", "job": im.Job, "impl": im.Name, "corpus": c.Name, "path": c.Path,
				"lines": len(c.Lines), "bytes": len(c.Data), "ok": got[0], "checksum": got[1],
				"check": im.Check, "agree": err == nil,
			})
			fmt.Fprintf(out, "%s\n", rec)
		}
	}
}

func TestLokiPattern(t *testing.T) {
	p := NewLokiPattern(`<ip> - <user> [<ts>] "<req>" <status>`)
	line := []byte(`1.2.3.4 - bob [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200`)
	s := p.Match(line)
	if s == nil {
		t.Fatal("no match")
	}
	var got []string
	for _, sp := range s {
		got = append(got, string(line[sp[0]:sp[1]]))
	}
	want := []string{"1.2.3.4", "bob", "10/Oct/2000:13:55:36 -0700", "GET / HTTP/1.1", "200"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if p.Match([]byte(`1.2.3.4 - bob [x "GET" 200`)) != nil {
		t.Fatal("a line missing a literal matched")
	}
}
