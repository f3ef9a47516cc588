//go:build !cgo || logspan_wasm

package logspan

// Tests of the wasm backend itself (the API's tests run on both backends):
// the embedded module is the recorded one and exports the C API, a trap
// becomes ErrPanic and the instance is dropped, instances are shared by
// goroutines and Parsers correctly, memory grows for long lines and a
// limit is an error, and a Batch copies a bounded window of a long buffer.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// skipIfInterpreted skips an allocation test on wazero's interpreter, which
// allocates per call; its compiler (amd64, arm64) does not.
func skipIfInterpreted(t testing.TB) {
	if wasmInterpreted() {
		t.Skip("wazero's interpreter allocates per call")
	}
}

func TestBackendIsWasm(t *testing.T) {
	if Backend() != "wasm" {
		t.Fatalf("Backend() = %q, want wasm", Backend())
	}
}

// The embedded module is the one wasm/MANIFEST records (`make wasm` wrote
// both), of this package's ABI and the manifest's crate version.
func TestWasmModuleMatchesManifest(t *testing.T) {
	f, err := os.Open("wasm/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		if key != "" && !strings.HasPrefix(key, "#") && key != "source" {
			m[key] = val
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	rec := strings.Fields(m["wasm"]) // logspan.wasm sha256 size
	if len(rec) != 3 {
		t.Fatalf("wasm/MANIFEST: wasm line %q", m["wasm"])
	}
	sum := sha256.Sum256(wasmModule)
	if got := hex.EncodeToString(sum[:]); got != rec[1] || strconv.Itoa(len(wasmModule)) != rec[2] {
		t.Errorf("embedded module: sha256 %s, %d bytes; manifest %s, %s bytes: run 'make wasm'",
			got, len(wasmModule), rec[1], rec[2])
	}
	if got := Version(); got != m["crate_version"] {
		t.Errorf("module version %q, manifest %q", got, m["crate_version"])
	}
	if lib, header := abiVersions(); strconv.Itoa(int(lib)) != m["abi_version"] || lib != header {
		t.Errorf("ABI: module %d, package %d, manifest %s", lib, header, m["abi_version"])
	}
}

// Every function of the C API is exported by the module (wasm-opt must
// not have removed any), with the host allocator and the ABI symbol.
func TestWasmExportsTheCAPI(t *testing.T) {
	header, err := os.ReadFile("logspan.h")
	if err != nil {
		t.Fatal(err)
	}
	e, err := loadEngine()
	if err != nil {
		t.Fatal(err)
	}
	exports := e.compiled.ExportedFunctions()
	names := regexp.MustCompile(`(?m)^[a-z].*?\b((?:log|logspan)_[a-z0-9_]+)\(`).FindAllSubmatch(header, -1)
	if len(names) < 20 {
		t.Fatalf("found %d functions in logspan.h", len(names))
	}
	for _, n := range names {
		if _, ok := exports[string(n[1])]; !ok {
			t.Errorf("the module does not export %s", n[1])
		}
	}
	for _, name := range []string{"log_wasm_alloc", "log_wasm_free", "logspan_abi_v" + strconv.Itoa(abiVersion)} {
		if _, ok := exports[name]; !ok {
			t.Errorf("the module does not export %s", name)
		}
	}
}

// takeIdle empties the pool and returns what it held, so that a test knows
// which instance the next call gets; putIdle puts them back.
func takeIdle() []*instance {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	idle := pool.idle
	pool.idle = nil
	return idle
}

func putIdle(idle []*instance) {
	for _, in := range idle {
		release(in)
	}
}

func pooled(in *instance) bool {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for _, p := range pool.idle {
		if p == in {
			return true
		}
	}
	return false
}

// A trap (here an out-of-bounds read, as a Rust panic would be an
// `unreachable`) is ErrPanic; the instance is closed, never pooled again,
// and the next call runs on a good instance.
func TestWasmTrapIsErrPanicAndDropsTheInstance(t *testing.T) {
	defer putIdle(takeIdle())

	// Directly: log_parse_fast on bytes past the end of the memory.
	in := acquire()
	if in == nil {
		t.Fatal(backendError())
	}
	in.args3(0xFFFF_FF00, 200, in.data())
	if in.call(fnParseFast) || !in.broken || in.trap == nil {
		t.Fatalf("out-of-bounds read: call ok, broken %v, trap %v", in.broken, in.trap)
	}
	t.Logf("trap: %v", in.trap)
	release(in)
	if in.mod != nil || pooled(in) {
		t.Fatal("a trapped instance was kept")
	}

	// Through the API: the instance the next Batch.Parse gets has a
	// corrupt handle for the Parser (a pointer outside its memory).
	p := mustParser(t, "access")
	b := NewBatch(p, 16)
	text := []byte(accessLine + "\n" + accessLine + "\n")
	in = acquire()
	in.setHandle(&p.impl, 0xFFFF_FFF0)
	release(in)
	if !pooled(in) {
		t.Fatal("setup: the instance is not idle")
	}
	n, err := b.Parse(text, true)
	if !errors.Is(err, ErrPanic) || n != 0 || b.Len() != 0 {
		t.Fatalf("Parse on a trapping instance = %d, %v (Len %d), want ErrPanic", n, err, b.Len())
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrPanic {
		t.Fatalf("error %T %v, want *Error with ErrPanic", err, err)
	}
	if in.mod != nil || pooled(in) {
		t.Fatal("the trapped instance was kept")
	}
	// Recovery: a new instance, the spec compiled there.
	if n, err := b.Parse(text, true); err != nil || n != len(text) || b.Len() != 2 || !b.Line(1).OK() {
		t.Fatalf("Parse after the trap = %d, %v (Len %d)", n, err, b.Len())
	}
	if got := string(b.Line(1).Field(FieldUserAgent)); got != accessFields[FieldUserAgent] {
		t.Fatalf("user agent %q", got)
	}
	out := make([]Span, FastFields)
	if n, err := p.Parse([]byte(accessLine), out); err != nil || n != 11 {
		t.Fatalf("Parser.Parse after the trap = %d, %v", n, err)
	}
}

// A closed Parser's handles are freed by each instance, and a new Parser
// that gets the same slot never sees the old one's compiled spec.
func TestWasmParserSlotsAreReusedSafely(t *testing.T) {
	defer putIdle(takeIdle())
	slots := func() int {
		wasmParsers.mu.Lock()
		defer wasmParsers.mu.Unlock()
		return len(wasmParsers.gens)
	}
	before := slots()
	line := []byte(`{"a":"A","b":"B"}`)
	out := make([]Span, 1)
	for i := range 50 {
		field := []string{"a", "b"}[i%2]
		p, err := NewParser("json:" + field)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Parse(line, out); err != nil || string(out[0].Bytes(line)) != strings.ToUpper(field) {
			t.Fatalf("round %d: json:%s gave %q, %v", i, field, out[0].Bytes(line), err)
		}
		slot := p.impl.slot
		p.Close()
		// The next call to take the instance sweeps it.
		in := acquire()
		if int(slot) < len(in.handles) && in.handles[slot].h != 0 {
			t.Fatalf("round %d: the closed parser's handle is still in the instance", i)
		}
		release(in)
	}
	if n := slots() - before; n > 1 {
		t.Errorf("%d new parser slots for 50 parsers opened and closed one at a time", n)
	}
}

// Many goroutines share one Parser (and Batches of it): each gets an
// instance of its own, the spec compiled in each. Run with -race (make
// test: -tags logspan_wasm -race).
func TestWasmConcurrentParsersAndBatches(t *testing.T) {
	parsers := []*Parser{mustParser(t, jsonSpec), mustParser(t, "access"), mustParser(t, "logfmt:level,msg")}
	const goroutines, rounds = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := parsers[g%len(parsers)]
			b := NewBatch(p, 8)
			for i := range rounds {
				id := strconv.Itoa(g*rounds + i)
				var line, want string
				var field int
				switch g % len(parsers) {
				case 0:
					line, want, field = `{"user":{"id":`+id+`},"msg":"m`+id+`"}`, id, 4
				case 1:
					line, want, field = strings.Replace(accessLine, "frank", "u"+id, 1), "u"+id, FieldRemoteUser
				default:
					line, want, field = `level=info msg=m`+id, "m"+id, 1
				}
				text := []byte(strings.Repeat(line+"\n", 1+i%5))
				n, err := b.Parse(text, true)
				if err != nil || n != len(text) || b.Len() != 1+i%5 {
					errs <- fmt.Errorf("goroutine %d round %d: Parse = %d, %v, Len %d", g, i, n, err, b.Len())
					return
				}
				for k := range b.Len() {
					if got := string(b.Line(k).Field(field)); got != want {
						errs <- fmt.Errorf("goroutine %d round %d line %d: %q, want %q", g, i, k, got, want)
						return
					}
				}
				out := make([]Span, p.NumFields())
				if _, err := p.Parse([]byte(line), out); err != nil || string(out[field].Bytes([]byte(line))) != want {
					errs <- fmt.Errorf("goroutine %d round %d: Parser.Parse %v", g, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	pool.mu.Lock()
	idle := len(pool.idle)
	pool.mu.Unlock()
	if idle > maxIdle() {
		t.Errorf("%d idle instances, at most %d kept", idle, maxIdle())
	}
}

// A 16 MiB line parses through every entry point: the instance's memory
// grows to hold it. The caller's bytes are not modified.
func TestWasmLongLineGrowsMemory(t *testing.T) {
	msg := strings.Repeat("0123456789abcdef", 1<<20) // 16 MiB
	line := []byte(`{"level":"info","msg":"` + msg + `"}`)
	sum := sha256.Sum256(line)
	p := mustParser(t, "json:level,msg")
	out := make([]Span, 2)
	if n, err := p.Parse(line, out); err != nil || n != 2 || len(out[1].Bytes(line)) != len(msg) {
		t.Fatalf("Parse: %d, %v, msg %d bytes", n, err, len(out[1].Bytes(line)))
	}
	b := NewBatch(p, 4)
	text := append(append([]byte(`{"level":"a"}`+"\n"), line...), "\n"+`{"level":"b"}`...)
	var got []string
	for rest := text; len(rest) > 0; {
		n, err := b.Parse(rest, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Len() {
			l := b.Line(i)
			got = append(got, fmt.Sprintf("%d:%s:%d", l.Number(), l.Field(0), len(l.Field(1))))
		}
		rest = rest[n:]
	}
	if want := []string{"1:a:0", "2:info:" + strconv.Itoa(len(msg)), "3:b:0"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("batch lines %v, want %v", got, want)
	}
	r := NewReader(bytes.NewReader(text), p)
	got = got[:0]
	for r.Next() {
		got = append(got, string(r.Line().Field(0)))
	}
	if r.Err() != nil || fmt.Sprint(got) != "[a info b]" {
		t.Fatalf("reader: %v, %v", got, r.Err())
	}
	if sha256.Sum256(line) != sum {
		t.Fatal("the input was modified")
	}
}

// Past the memory limit (lowered here to 1 MiB), a line is ErrLineTooLong
// from every entry point, never cut: in a Batch or a Reader that line
// fails, is consumed, and the lines after it parse, as a line over 4 GiB
// does in the library.
func TestWasmMemoryLimitIsAnError(t *testing.T) {
	defer func(old int) { wasmScratchLimit = old }(wasmScratchLimit)
	wasmScratchLimit = 1 << 20
	long := `{"msg":"` + strings.Repeat("x", 2<<20) + `"}`
	p := mustParser(t, "json:msg")
	if _, err := p.Parse([]byte(long), make([]Span, 1)); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("Parse: %v, want ErrLineTooLong", err)
	}
	var fast [FastFields]Span
	if _, err := ParseFast([]byte(long), &fast); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("ParseFast: %v, want ErrLineTooLong", err)
	}
	if _, err := ParseInt([]byte(long)); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("ParseInt: %v, want ErrLineTooLong", err)
	}
	for _, last := range []string{"", "\n", "\r\n", "\n" + `{"msg":"c"}`} {
		text := []byte(`{"msg":"a"}` + "\n" + `{"msg":"b"}` + "\n" + long + last)
		var got []string
		b := NewBatch(p, 16)
		for rest := text; len(rest) > 0; {
			n, err := b.Parse(rest, true)
			if err != nil || n == 0 {
				t.Fatalf("%q: Parse = %d, %v", last, n, err)
			}
			for i := range b.Len() {
				l := b.Line(i)
				got = append(got, fmt.Sprintf("%d@%d:%d:%s:%d", l.Number(), l.Offset(), int(l.Code()), l.Field(0), len(l.Bytes())))
			}
			rest = rest[n:]
		}
		want := []string{"1@0:0:a:11", "2@12:0:b:11",
			fmt.Sprintf("3@24:%d::%d", int(ErrLineTooLong), len(long))}
		if last == "\n"+`{"msg":"c"}` {
			want = append(want, fmt.Sprintf("4@%d:0:c:11", 24+len(long)+1))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: batch lines\n%v\nwant\n%v", last, got, want)
		}
		r := NewReader(bytes.NewReader(text), p)
		got = got[:0]
		for r.Next() {
			got = append(got, strconv.Itoa(int(r.Line().Code())))
		}
		if r.Err() != nil || len(got) != len(want) || got[2] != strconv.Itoa(int(ErrLineTooLong)) {
			t.Errorf("%q: reader: %v, %v", last, got, r.Err())
		}
	}
}

// A Batch over a buffer much longer than its lines take copies a window
// of about what they take, not the whole buffer, and still reports every
// line, with Full and consumed as the library defines them. Lines longer
// than the window are copied whole.
func TestWasmBatchWindow(t *testing.T) {
	defer putIdle(takeIdle())
	p := mustParser(t, "access")
	var text []byte
	for i := range 40_000 { // ~9 MiB
		text = append(text, strings.Replace(accessLine, "frank", "u"+strconv.Itoa(i), 1)...)
		text = append(text, '\n')
		if i == 7 {
			// One line longer than the smallest window.
			text = append(text, strings.Repeat("y", 300<<10)...)
			text = append(text, '\n')
		}
	}
	b := NewBatch(p, 32)
	lines, calls := 0, 0
	for rest := text; len(rest) > 0; calls++ {
		n, err := b.Parse(rest, true)
		if err != nil || n == 0 {
			t.Fatalf("call %d: Parse = %d, %v", calls, n, err)
		}
		for i := range b.Len() {
			l := b.Line(i)
			if l.Number() != lines+1 || l.Offset() != len(text)-len(rest)+int(b.lines[i].off) {
				t.Fatalf("line %d: Number %d Offset %d", lines+1, l.Number(), l.Offset())
			}
			if lines == 8 {
				if l.OK() || len(l.Bytes()) != 300<<10 {
					t.Fatalf("the long line: %v, %d bytes", l.Code(), len(l.Bytes()))
				}
			} else if want := "u" + strconv.Itoa(lines-min(lines/9, 1)); string(l.Field(FieldRemoteUser)) != want {
				t.Fatalf("line %d: user %q, want %q", lines+1, l.Field(FieldRemoteUser), want)
			}
			lines++
		}
		if n < len(rest) && !b.Full() {
			t.Fatalf("call %d: %d of %d bytes consumed without Full", calls, n, len(rest))
		}
		rest = rest[n:]
	}
	if lines != 40_001 {
		t.Fatalf("%d lines, want 40001", lines)
	}
	in := acquire()
	defer release(in)
	if in.scratchCap > 2<<20 {
		t.Errorf("scratch buffer of %d bytes for a batch of 32 lines of ~230 bytes (and one of 300 KiB)", in.scratchCap)
	}
}

// The big-endian code paths (records decoded field by field), exercised
// on this host by pretending.
func TestWasmBigEndianDecoding(t *testing.T) {
	defer func(old bool) { littleEndian = old }(littleEndian)
	p := mustParser(t, jsonSpec)
	text := []byte(mixedJSON)
	b := NewBatch(p, 64)
	if _, err := b.Parse(text, true); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(b.lines[:b.Len()], b.spans[:b.Len()*p.NumFields()])
	littleEndian = false
	b2 := NewBatch(p, 64)
	if _, err := b2.Parse(text, true); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(b2.lines[:b2.Len()], b2.spans[:b2.Len()*p.NumFields()]); got != want {
		t.Fatalf("decoded field by field:\n%s\nas bytes:\n%s", got, want)
	}
	out := make([]Span, p.NumFields())
	line := []byte(`{"level":"x","user":{"id":5}}`)
	if n, err := p.Parse(line, out); err != nil || n != 2 || string(out[4].Bytes(line)) != "5" {
		t.Fatalf("Parse: %d %v %q", n, err, out[4].Bytes(line))
	}
	it := NewSDIter([]byte(`[a b="c\]"]`))
	if !it.Next() || string(it.ID()) != "a" || string(it.Name()) != "b" || !it.Escaped() {
		t.Fatalf("SDIter: %q %q %v %v", it.ID(), it.Name(), it.Escaped(), it.Err())
	}
}

// A Batch.Parse on the wasm backend is one copy in, one call, one copy
// out: no allocation (wazero's CallWithStack with the instance's own
// stack slice, memory views instead of reads). The API's allocation tests
// (TestBatchAllocatesNothing, TestReaderAllocatesNothingPerLine, ...) run
// on this backend too; this one states it for one Parse call alone.
func TestWasmBatchParseAllocatesNothing(t *testing.T) {
	skipIfInterpreted(t)
	p := mustParser(t, jsonSpec)
	b := NewBatch(p, 64)
	buf := []byte(strings.Repeat(mixedJSON+"\n", 5))
	if _, err := b.Parse(buf, true); err != nil { // compile the spec in the instance
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(500, func() {
		if _, err := b.Parse(buf, true); err != nil || b.Len() == 0 {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per Batch.Parse, want 0", n)
	}
	if n := testing.AllocsPerRun(500, func() { release(acquire()) }); n != 0 {
		t.Errorf("%v allocations per instance taken from the pool and put back, want 0", n)
	}
}
