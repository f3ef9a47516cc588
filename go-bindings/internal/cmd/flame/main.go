// Command flame is the Go side of `make flamegraph` (scripts/flamegraph.sh):
// it parses an access log over and over for a fixed time with one of two
// implementations, so that `perf record` (and, with -cpuprofile, Go's own
// profiler) sees nothing else:
//
//	-impl regexp    Go regexp, FindSubmatchIndex per line (what a Go program would use)
//	-impl logspan   logspan Batch, one cgo call per 1024 lines (-lines N), spec
//	                "access" (-spec S: any spec, with -access naming its log)
//
// Each field's bytes are touched (their length summed) in both, as the demo does.
// It prints the ns a line: wall time over every line parsed, failed ones included.
//
//	go run ./internal/cmd/flame -impl logspan -duration 5s [-cpuprofile FILE] [-access FILE]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	logspan "github.com/logspan/logspan/go-bindings"
	"github.com/logspan/logspan/go-bindings/internal/baseline"
)

var sink int

func main() {
	impl := flag.String("impl", "logspan", "regexp or logspan")
	path := flag.String("access", "../examples/data/access.log", "access log to parse")
	duration := flag.Duration("duration", 5*time.Second, "how long to run")
	cpuprofile := flag.String("cpuprofile", "", "write a Go CPU profile (pprof) to this file")
	spec := flag.String("spec", "access", "logspan: the parser's spec")
	lines := flag.Int("lines", logspan.DefaultBatchLines, "logspan: the Batch's capacity in lines")
	flag.Parse()
	if err := run(*impl, *path, *spec, *lines, *duration, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "flame:", err)
		os.Exit(1)
	}
}

func run(impl, path, spec string, batchLines int, d time.Duration, cpuprofile string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var pass func() int
	switch impl {
	case "regexp":
		pass = regexpPass(data)
	case "logspan":
		p, err := logspan.NewParser(spec)
		if err != nil {
			return err
		}
		defer p.Close()
		pass = batchPass(p, data, batchLines)
	default:
		return fmt.Errorf("-impl %q: want regexp or logspan", impl)
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// ns a line counts every line, failed ones included: each is parsed.
	perPass := len(splitLines(data))
	passes, ok := 0, 0
	start := time.Now()
	for ; time.Since(start) < d; passes++ {
		ok += pass()
	}
	fmt.Printf("go-%s: %d passes over %s, %d lines parsed, %.1f ns a line\n", impl, passes, path, ok,
		float64(time.Since(start).Nanoseconds())/float64(max(passes*perPass, 1)))
	return nil
}

// splitLines cuts data at \n (a trailing \r dropped), as the regexp
// baseline takes one line at a time.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := 0
		for i < len(data) && data[i] != '\n' {
			i++
		}
		l := data[:i]
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		lines = append(lines, l)
		if i < len(data) {
			i++
		}
		data = data[i:]
	}
	return lines
}

func regexpPass(data []byte) func() int {
	lines := splitLines(data)
	return func() int {
		ok := 0
		for _, line := range lines {
			m := baseline.AccessRegexp.FindSubmatchIndex(line)
			if m == nil {
				continue
			}
			ok++
			for k := 2; k < len(m); k += 2 {
				if m[k] >= 0 {
					sink += m[k+1] - m[k]
				}
			}
		}
		return ok
	}
}

func batchPass(p *logspan.Parser, data []byte, batchLines int) func() int {
	b := logspan.NewBatch(p, batchLines)
	nf := p.NumFields()
	return func() int {
		ok := 0
		b.Reset()
		for rest := data; len(rest) > 0; {
			consumed, err := b.Parse(rest, true)
			if err != nil {
				panic(err)
			}
			for i := range b.Len() {
				l := b.Line(i)
				if !l.OK() {
					continue
				}
				ok++
				for j := range nf {
					sink += len(l.Field(j))
				}
			}
			rest = rest[consumed:]
		}
		return ok
	}
}
