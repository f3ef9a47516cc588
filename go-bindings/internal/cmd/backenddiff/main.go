// Command backenddiff prints every field of many parses, so that the cgo
// build (native library: AVX-512/AVX2/SSE2/NEON fast paths) and the
// WebAssembly build (simd128 fast paths, run by wazero) can be compared
// byte for byte: `make test-backend-diff` runs it with each backend and
// diffs the outputs. The Go tests run on both backends too, but against a
// few hand-picked lines per format; this covers the shipped samples, the
// go-logfmt vectors when ../shared is there, and every cut and byte flip
// of the first lines of each sample, for several specs per format.
//
//	go run -tags logspan_system ./internal/cmd/backenddiff ../examples/data [vectors.jsonl] > a
//	go run -tags logspan_system,logspan_wasm ./internal/cmd/backenddiff ... > b
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	logspan "github.com/logspan/logspan/go-bindings"
)

// The specs each sample is parsed with.
var specs = map[string][]string{
	"access.log": {"access", "combined", "common", "auto",
		`pattern:<ip> <_> <user> [<ts>] "<method> <path> <_>" <status> <size> "<_>" "<ua>"`},
	"app.jsonl":  {"json:time,level,msg,http.method,http.status", "json:*", "json:user.id,ts,duration_ms"},
	"app.logfmt": {"logfmt:time,level,msg,path,status", "logfmt:*", "logfmt:*3", "logfmt:a,k,msg,x"},
	"syslog.log": {"syslog", "syslog5424", "syslog3164", "auto"},
}

const (
	sampleLines = 400 // lines of each sample parsed as they are
	mutated     = 25  // of which the first this many are also cut and flipped
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: backenddiff DATA_DIR [go-logfmt decode.jsonl]")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	total := 0
	for _, name := range []string{"access.log", "app.jsonl", "app.logfmt", "syslog.log"} {
		data, err := os.ReadFile(filepath.Join(os.Args[1], name))
		if err != nil {
			fail(err)
		}
		lines := variants(split(data))
		if name == "app.logfmt" && len(os.Args) > 2 {
			lines = append(lines, logfmtVectors(os.Args[2])...)
		}
		for _, spec := range specs[name] {
			total += parseAll(w, spec, lines)
		}
	}
	fmt.Fprintf(os.Stderr, "backenddiff: %d parses\n", total)
}

func split(data []byte) [][]byte {
	var lines [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 && len(lines) < sampleLines {
			lines = append(lines, l)
		}
	}
	return lines
}

// variants: the lines, then every cut and every byte flip (to bytes that
// matter to some format) of the first few, then lines long enough to
// cross many 64-byte blocks.
func variants(lines [][]byte) [][]byte {
	out := append([][]byte(nil), lines...)
	flips := []byte(" =\"\\[]{}:,-\t\x01\x80\xffa0")
	for _, l := range lines[:min(mutated, len(lines))] {
		for cut := 0; cut <= len(l); cut++ {
			out = append(out, l[:cut:cut])
		}
		for i := range l {
			for _, b := range flips {
				m := bytes.Clone(l)
				m[i] = b
				out = append(out, m)
			}
		}
	}
	if len(lines) > 0 {
		out = append(out, bytes.Repeat(lines[0], 9), []byte(strings.Repeat("k=v ", 300)))
	}
	return out
}

func logfmtVectors(path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v struct{ Input string }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			fail(err)
		}
		for _, l := range strings.Split(v.Input, "\n") {
			out = append(out, []byte(l))
		}
	}
	return out
}

// parseAll writes one line per parse: the spec, the count, the error and
// every span.
func parseAll(w *bufio.Writer, spec string, lines [][]byte) int {
	p, err := logspan.NewParser(spec)
	if err != nil {
		fail(fmt.Errorf("%q: %w", spec, err))
	}
	defer p.Close()
	out := make([]logspan.Span, p.NumFields())
	for _, l := range lines {
		n, err := p.Parse(l, out)
		fmt.Fprintf(w, "%s\t%d\t%v\t%v\n", spec, n, err, out)
	}
	return len(lines)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "backenddiff:", err)
	os.Exit(1)
}
