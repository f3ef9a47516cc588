// Command demo shows logspan on the shipped sample logs: the fields of the
// first lines, then how fast logspan parses them compared with what a Go
// program would otherwise use (regexp for access logs, encoding/json for
// JSON lines). `make demo` runs it from go-bindings/:
//
//	go run ./cmd/demo [-access FILE] [-json FILE] [-duration 1s]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	logspan "github.com/logspan/logspan/go-bindings"
	"github.com/logspan/logspan/go-bindings/internal/baseline"
)

func main() {
	accessPath := flag.String("access", "../examples/data/access.log", "access log (nginx/Apache combined or common format)")
	jsonPath := flag.String("json", "../examples/data/app.jsonl", "JSON lines with the fields time, level, msg, http.{status,method,path}, user.id, duration_ms")
	duration := flag.Duration("duration", time.Second, "how long each row of the speed table runs")
	flag.Parse()
	if err := run(os.Stdout, *accessPath, *jsonPath, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// sample is one input file, kept in memory and also split into lines for
// the implementations that take a line at a time.
type sample struct {
	path  string
	data  []byte
	lines [][]byte
}

func load(path string) (*sample, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (run from go-bindings/, or name a file with -access / -json)", err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(data) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return &sample{path: path, data: data, lines: lines}, nil
}

func run(w io.Writer, accessPath, jsonPath string, d time.Duration) error {
	access, err := load(accessPath)
	if err != nil {
		return err
	}
	app, err := load(jsonPath)
	if err != nil {
		return err
	}
	accessParser, err := logspan.NewParser("access")
	if err != nil {
		return err
	}
	defer accessParser.Close()
	appParser, err := logspan.NewParser(baseline.AppSpec)
	if err != nil {
		return err
	}
	defer appParser.Close()

	how, call := "called from Go through cgo", "cgo call"
	if logspan.Backend() == "wasm" {
		how, call = "compiled to WebAssembly, run in Go by wazero (no cgo)", "wasm call"
	}
	fmt.Fprintf(w, "logspan %s: zero-copy log parsing (Rust core, %s)\n\n", logspan.Version(), how)
	fmt.Fprintf(w, "Input\n")
	fmt.Fprintf(w, "  %-38s %6d lines %8.1f KiB   nginx/Apache access log\n", access.path, len(access.lines), float64(len(access.data))/1024)
	fmt.Fprintf(w, "  %-38s %6d lines %8.1f KiB   JSON lines (slog/zap style)\n\n", app.path, len(app.lines), float64(len(app.data))/1024)

	if err := showFirstLines(w, access, accessParser, `spec "access"; absent fields ("-") left out`); err != nil {
		return err
	}
	if err := showFirstLines(w, app, appParser, fmt.Sprintf("spec %q", baseline.AppSpec)); err != nil {
		return err
	}

	fmt.Fprintf(w, "Speed: each row parses its sample over and over for %v and reads every field it finds\n\n", d)
	accessRows := []row{
		{name: "logspan Batch (1 " + call + " per 1024 lines)", pass: batchPass(accessParser, access)},
		{name: "logspan ParseFast (1 " + call + " per line)", pass: parseFastPass(access)},
		{name: "Go regexp, FindSubmatchIndex", pass: regexpPass(access)},
	}
	jsonRows := []row{
		{name: "logspan Batch (1 " + call + " per 1024 lines)", pass: batchPass(appParser, app)},
		{name: "logspan Parser.Parse (1 " + call + " per line)", pass: parsePass(appParser, app)},
		{name: "Go encoding/json, Unmarshal into a struct", pass: unmarshalPass(app)},
	}
	printTable(w, "access log", accessRows, len(access.lines), d)
	printTable(w, "JSON lines", jsonRows, len(app.lines), d)
	fmt.Fprintf(w, "  speed-up: how many times faster the logspan Batch row is than that row.\n")
	fmt.Fprintf(w, "  logspan reports where each field is (raw bytes, not copied); regexp reports the same\n")
	fmt.Fprintf(w, "  positions; encoding/json also decodes values into Go strings and numbers.\n\n")

	ok := checkAgreement(w, "access log", accessRows, len(access.lines))
	ok = checkAgreement(w, "JSON lines", jsonRows, len(app.lines)) && ok
	if !ok {
		return fmt.Errorf("the implementations disagree on which lines parse")
	}
	return nil
}

// showFirstLines prints the fields of the first three lines of s, read
// through a Reader, as name=value.
func showFirstLines(w io.Writer, s *sample, p *logspan.Parser, spec string) error {
	fmt.Fprintf(w, "First 3 lines of %s (%s)\n", s.path, spec)
	r := logspan.NewReader(bytes.NewReader(s.data), p)
	for n := 0; n < 3 && r.Next(); n++ {
		l := r.Line()
		if err := l.Err(); err != nil {
			fmt.Fprintf(w, "  %d  %v\n", l.Number(), err)
			continue
		}
		var pairs []string
		for j := range p.NumFields() {
			v := l.Field(j)
			if v == nil {
				continue
			}
			text := string(v)
			if strings.ContainsAny(text, " \t") || text == "" {
				text = `"` + text + `"` // the raw value, escapes and all
			}
			pairs = append(pairs, p.FieldName(j)+"="+text)
		}
		fmt.Fprintf(w, "%s", wrap(fmt.Sprintf("  %d  ", l.Number()), pairs, 100))
	}
	fmt.Fprintln(w)
	return r.Err()
}

// wrap joins words with spaces into lines of at most width bytes (unless a
// word is longer), the first line starting with lead and the others
// indented as deep.
func wrap(lead string, words []string, width int) string {
	var b strings.Builder
	indent := strings.Repeat(" ", len(lead))
	line := lead
	fresh := true
	for _, word := range words {
		if !fresh && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, fresh = indent, true
		}
		if !fresh {
			line += " "
		}
		line += word
		fresh = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// A row of the speed table: pass parses the whole sample once and returns
// how many lines parsed.
type row struct {
	name string
	pass func() int

	parsed      int
	nsPerLine   float64
	allocsPerLn float64
}

// sink keeps what the passes read, so that the compiler cannot drop it.
var sink int

func batchPass(p *logspan.Parser, s *sample) func() int {
	b := logspan.NewBatch(p, logspan.DefaultBatchLines)
	nf := p.NumFields()
	return func() int {
		ok := 0
		b.Reset()
		for rest := s.data; len(rest) > 0; {
			consumed, err := b.Parse(rest, true)
			if err != nil {
				panic(err) // only a closed parser fails a whole batch
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

func parseFastPass(s *sample) func() int {
	var out [logspan.FastFields]logspan.Span
	return func() int {
		ok := 0
		for _, line := range s.lines {
			if _, err := logspan.ParseFast(line, &out); err != nil {
				continue
			}
			ok++
			for _, sp := range out {
				sink += len(sp.Bytes(line))
			}
		}
		return ok
	}
}

func parsePass(p *logspan.Parser, s *sample) func() int {
	out := make([]logspan.Span, p.NumFields())
	return func() int {
		ok := 0
		for _, line := range s.lines {
			if _, err := p.Parse(line, out); err != nil {
				continue
			}
			ok++
			for _, sp := range out {
				sink += len(sp.Bytes(line))
			}
		}
		return ok
	}
}

func regexpPass(s *sample) func() int {
	return func() int {
		ok := 0
		for _, line := range s.lines {
			m := baseline.AccessRegexp.FindSubmatchIndex(line)
			if m == nil {
				continue
			}
			ok++
			for k := 2; k < len(m); k += 2 {
				if m[k] >= 0 {
					sink += len(line[m[k]:m[k+1]])
				}
			}
		}
		return ok
	}
}

func unmarshalPass(s *sample) func() int {
	return func() int {
		ok := 0
		for _, line := range s.lines {
			var rec baseline.AppRecord
			if json.Unmarshal(line, &rec) != nil {
				continue
			}
			ok++
			sink += len(rec.Time) + len(rec.Level) + len(rec.Msg) + rec.HTTP.Status +
				len(rec.HTTP.Method) + len(rec.HTTP.Path) + int(rec.User.ID) + int(rec.DurationMs)
		}
		return ok
	}
}

// measure runs r.pass for about d and records the time and allocations
// per line.
func (r *row) measure(lines int, d time.Duration) {
	r.parsed = r.pass() // also warms up caches and the batch arrays
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	passes := 0
	start := time.Now()
	for time.Since(start) < d {
		r.pass()
		passes++
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	total := float64(passes * lines)
	r.nsPerLine = float64(elapsed.Nanoseconds()) / total
	r.allocsPerLn = float64(after.Mallocs-before.Mallocs) / total
}

func printTable(w io.Writer, title string, rows []row, lines int, d time.Duration) {
	fmt.Fprintf(w, "  %-44s %12s %9s %12s %9s\n", title, "lines/s", "ns/line", "allocs/line", "speed-up")
	for i := range rows {
		rows[i].measure(lines, d)
	}
	ref := rows[0].nsPerLine
	for _, r := range rows {
		// The count is process-wide: a runtime allocation now and then
		// shows as a few per million lines, which is no allocation per line.
		allocs := fmt.Sprintf("%.1f", r.allocsPerLn)
		switch {
		case r.allocsPerLn < 0.0005:
			allocs = "0"
		case r.allocsPerLn < 0.1:
			allocs = fmt.Sprintf("%.3f", r.allocsPerLn)
		}
		fmt.Fprintf(w, "  %-44s %12s %9.0f %12s %8.1fx\n", r.name, perSecond(r.nsPerLine), r.nsPerLine, allocs, r.nsPerLine/ref)
	}
	fmt.Fprintln(w)
}

// perSecond formats a rate in lines per second, e.g. "7,120,000".
func perSecond(nsPerLine float64) string {
	n := int64(1e9/nsPerLine+5000) / 10000 * 10000 // 4 significant digits are plenty
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// checkAgreement reports whether every row parsed the same number of
// lines: a fast parser that accepts the wrong lines proves nothing.
func checkAgreement(w io.Writer, title string, rows []row, lines int) bool {
	for _, r := range rows[1:] {
		if r.parsed != rows[0].parsed {
			fmt.Fprintf(w, "MISMATCH (%s): %s parsed %d of %d lines, %s parsed %d\n",
				title, rows[0].name, rows[0].parsed, lines, r.name, r.parsed)
			return false
		}
	}
	fmt.Fprintf(w, "Check (%s): all %d implementations parse the same %d of %d lines.\n", title, len(rows), rows[0].parsed, lines)
	return true
}
