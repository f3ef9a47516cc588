// Package peers benchmarks logspan's Go package against what a Go user
// would pick instead, on the same corpora as the Rust criterion benches
// (benches/parse.rs), with the same per-line checksums so that every
// implementation is cross-checked before it is timed.
//
//	go test -run '^$' -bench . -benchmem          # shipped samples
//	LOGSPAN_BENCH_CORPUS=../../target/bench-corpus go test -run '^$' -bench . -benchmem
//
// It is its own module so that the peers (fastjson, jsonparser,
// simdjson-go, sonic, go-logfmt, go-syslog) never become dependencies of
// go-bindings. `make bench` runs it and builds BENCHMARKS.md from the
// results (see report/).
package peers

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Corpus is one log file, whole and split into lines (without '\n').
type Corpus struct {
	Name  string
	Path  string
	Data  []byte
	Lines [][]byte
}

// Jobs, in report order.
var Jobs = []string{"access", "json", "logfmt", "syslog"}

// corpusFiles maps a job to its bench-corpus file and its shipped sample.
var corpusFiles = map[string][2]string{
	"access": {"combined.log", "access.log"},
	"json":   {"json.log", "app.jsonl"},
	"logfmt": {"logfmt.log", "app.logfmt"},
	"syslog": {"syslog.log", "syslog.log"},
}

// repoRoot is the checkout's root (this file is benches/go/corpus.go).
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "../.."
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// LoadCorpus reads the corpus of a job: $LOGSPAN_BENCH_CORPUS/<file> when
// that variable is set, else the shipped sample in examples/data.
func LoadCorpus(job string) (*Corpus, error) {
	f, ok := corpusFiles[job]
	if !ok {
		return nil, fmt.Errorf("no job %q", job)
	}
	name, path := f[1], filepath.Join(repoRoot(), "examples", "data", f[1])
	if dir := os.Getenv("LOGSPAN_BENCH_CORPUS"); dir != "" {
		name, path = f[0], filepath.Join(dir, f[0])
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &Corpus{Name: name, Path: path, Data: data}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		if i > 0 {
			c.Lines = append(c.Lines, data[:i:i])
		}
		data = data[min(i+1, len(data)):]
	}
	return c, nil
}
