package logspan

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestNewParserFieldNames(t *testing.T) {
	accessNames := []string{"remote_addr", "ident", "remote_user", "time", "request", "method",
		"path", "protocol", "status", "body_bytes", "referer", "user_agent"}
	for _, c := range []struct {
		spec  string
		names []string
	}{
		{"access", accessNames},
		{"combined", accessNames},
		{"common", accessNames[:CommonFields]},
		{"json:time, level ,http.status,items[0].id,a\\.b", []string{"time", "level", "http.status", "items[0].id", `a\.b`}},
	} {
		p := mustParser(t, c.spec)
		if p.NumFields() != len(c.names) {
			t.Fatalf("%s: NumFields = %d, want %d", c.spec, p.NumFields(), len(c.names))
		}
		for i, name := range c.names {
			if got := p.FieldName(i); got != name {
				t.Errorf("%s: FieldName(%d) = %q, want %q", c.spec, i, got, name)
			}
			if j, ok := p.FieldIndex(name); !ok || j != i {
				t.Errorf("%s: FieldIndex(%q) = %d, %v; want %d", c.spec, name, j, ok, i)
			}
		}
		if p.FieldName(-1) != "" || p.FieldName(len(c.names)) != "" {
			t.Errorf("%s: FieldName out of range is not empty", c.spec)
		}
		if _, ok := p.FieldIndex("no such field"); ok {
			t.Errorf("%s: FieldIndex found a field that is not there", c.spec)
		}
	}
	p := mustParser(t, "access")
	if i, _ := p.FieldIndex("status"); i != FieldStatus {
		t.Errorf("status is field %d, FieldStatus is %d", i, FieldStatus)
	}
}

func TestNewParserRejectsBadSpecs(t *testing.T) {
	for _, c := range []struct {
		spec    string
		pos     int
		mention string // a word the message must contain
	}{
		{"", 0, "empty spec"},
		{"no-such-format", 0, "unknown format"},
		{"json", 4, "needs a list of fields"},
		{"json:a,,b", 7, "empty JSON path"},
		{"json:a,a", 7, "listed twice"},
		{"common:x", 6, "takes no arguments"},
		{"json:ok,\xff", 8, "not valid UTF-8"},
	} {
		p, err := NewParser(c.spec)
		if p != nil || err == nil {
			t.Fatalf("NewParser(%q) = %v, %v; want an error", c.spec, p, err)
		}
		var se *SpecError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalidSpec) {
			t.Fatalf("NewParser(%q): %T %v, want a *SpecError that Is ErrInvalidSpec", c.spec, err, err)
		}
		if se.Spec != c.spec || se.Pos != c.pos || !strings.Contains(se.Msg, c.mention) ||
			!strings.Contains(err.Error(), fmt.Sprintf("at byte %d", c.pos)) {
			t.Errorf("NewParser(%q): %+v (%q); want Pos %d and a message with %q", c.spec, se, err, c.pos, c.mention)
		}
	}
}

func TestParseAccessLine(t *testing.T) {
	p := mustParser(t, "access")
	for _, suffix := range []string{"", "\n", "\r\n"} {
		line := []byte(accessLine + suffix)
		r := parseOne(t, p, line)
		if r.code != 0 || r.n != 11 {
			t.Fatalf("suffix %q: code %d, n %d; want 11 present fields", suffix, r.code, r.n)
		}
		for i, want := range accessFields {
			if r.fields[i] != want {
				t.Errorf("suffix %q: field %s = %q, want %q", suffix, p.FieldName(i), r.fields[i], want)
			}
		}
	}
}

func TestParseJSONLine(t *testing.T) {
	p := mustParser(t, jsonSpec)
	line := []byte(`{"time":"2024-05-01T00:00:00Z","level":"INFO","msg":"caf\u00e9","http":{"status":200},"duration_ms":1.5}`)
	r := parseOne(t, p, line)
	want := []string{"2024-05-01T00:00:00Z", "INFO", `caf\u00e9`, "200", "", "1.5"}
	if r.code != 0 || r.n != 5 || fmt.Sprint(r.fields) != fmt.Sprint(want) {
		t.Fatalf("got %d fields %q (code %d), want 5 %q", r.n, r.fields, r.code, want)
	}
	if !r.spans[2].Escaped() || r.spans[3].JSONType() != JSONNumber {
		t.Errorf("msg should be escaped and status a number: %+v", r.spans)
	}
}

func TestParseBadInputGivesErrors(t *testing.T) {
	p := mustParser(t, "access")
	out := make([]Span, FastFields)
	for _, c := range []struct {
		line []byte
		code Code
	}{
		{nil, ErrEmptyLine},
		{[]byte{}, ErrEmptyLine},
		{[]byte("\r\n"), ErrEmptyLine},
		{[]byte("not an access log line"), ErrAccessBadTime},
		{[]byte("127.0.0.1 - -"), ErrAccessTruncated},
		{[]byte(accessLine[:len(accessLine)-5]), ErrAccessUnterminatedQuote},
		{[]byte(accessLine + " trailing"), ErrAccessTrailingData},
	} {
		for i := range out {
			out[i] = Span{Off: 1, Len: 1} // C must reset these
		}
		n, err := p.Parse(c.line, out)
		if n != 0 || !errors.Is(err, c.code) {
			t.Errorf("Parse(%q) = %d, %v; want %v", c.line, n, err, c.code)
		}
		for i, s := range out {
			if s != (Span{Off: Absent}) {
				t.Errorf("Parse(%q): span %d = %+v after an error, want Absent", c.line, i, s)
			}
		}
	}
}

func TestParseOutputCapacity(t *testing.T) {
	p := mustParser(t, "access")
	line := []byte(accessLine)
	for _, size := range []int{0, 1, FastFields - 1} {
		out := make([]Span, size)
		for i := range out {
			out[i] = Span{Off: 7, Len: 7, Flags: 7}
		}
		if _, err := p.Parse(line, out); !errors.Is(err, ErrOutputTooSmall) {
			t.Errorf("len(out) = %d: err %v, want ErrOutputTooSmall", size, err)
		}
		for _, s := range out {
			if s != (Span{Off: 7, Len: 7, Flags: 7}) {
				t.Errorf("len(out) = %d: out was written", size)
			}
		}
	}
	if _, err := p.Parse(line, nil); !errors.Is(err, ErrOutputTooSmall) {
		t.Errorf("nil out: %v", err)
	}
	// Room beyond NumFields is left alone.
	out := make([]Span, FastFields+2)
	out[FastFields] = Span{Off: 9}
	if n, err := p.Parse(line, out); err != nil || n != 11 || out[FastFields] != (Span{Off: 9}) {
		t.Errorf("larger out: n %d, err %v, extra span %+v", n, err, out[FastFields])
	}
}

func TestParseFastEqualsAccessParser(t *testing.T) {
	p := mustParser(t, "access")
	lines := []string{
		accessLine,
		`10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /x HTTP/1.1" 304 0`, // common format
		`10.0.0.2 - - [01/Jan/2024:00:00:00 +0000] "\x16\x03\x01" 400 226 "-" "-"`,
		"garbage",
		"",
	}
	for _, line := range lines {
		var fast [FastFields]Span
		n, err := ParseFast([]byte(line), &fast)
		want := parseOne(t, p, []byte(line))
		var code Code
		if err != nil {
			code = err.(*Error).Code
		}
		if n != want.n || code != want.code || fast != [FastFields]Span(want.spans) {
			t.Errorf("ParseFast(%q) = %d, %v, %v; access parser: %d, %v, %v", line, n, err, fast, want.n, want.code, want.spans)
		}
	}
	var fast [FastFields]Span
	if n, err := ParseFast(nil, &fast); n != 0 || !errors.Is(err, ErrEmptyLine) {
		t.Errorf("ParseFast(nil) = %d, %v; want ErrEmptyLine", n, err)
	}
	if _, err := ParseFast([]byte(accessLine), nil); !errors.Is(err, ErrNullArgument) {
		t.Errorf("ParseFast with nil out: %v, want ErrNullArgument", err)
	}
}

func TestCloseIsIdempotentAndUseAfterCloseFails(t *testing.T) {
	p, err := NewParser("access")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := p.Parse([]byte(accessLine), make([]Span, FastFields)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Parse after Close: %v, want ErrClosed", err)
	}
	// Names stay readable: they are Go strings.
	if p.NumFields() != FastFields || p.FieldName(0) != "remote_addr" {
		t.Fatalf("names after Close: %d %q", p.NumFields(), p.FieldName(0))
	}
	var nilParser *Parser
	if _, err := nilParser.Parse(nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("nil parser: %v", err)
	}
	if nilParser.NumFields() != 0 || nilParser.FieldName(0) != "" || nilParser.Close() != nil {
		t.Fatal("nil parser accessors")
	}
	if _, ok := nilParser.FieldIndex("x"); ok {
		t.Fatal("nil parser FieldIndex")
	}
}

// One Parser, many goroutines at once: run with -race.
func TestParserConcurrentUse(t *testing.T) {
	p := mustParser(t, jsonSpec)
	const goroutines, rounds = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]Span, p.NumFields())
			for i := range rounds {
				// Each goroutine parses its own lines, so a mix-up shows.
				id := fmt.Sprint(g*rounds + i)
				line := []byte(`{"level":"INFO","user":{"id":` + id + `},"msg":"m` + id + `"}`)
				n, err := p.Parse(line, out)
				if err != nil || n != 3 || string(out[4].Bytes(line)) != id || string(out[2].Bytes(line)) != "m"+id {
					errs <- fmt.Errorf("goroutine %d line %d: n %d err %v user.id %q", g, i, n, err, out[4].Bytes(line))
					return
				}
				if i%50 == 0 {
					b := NewBatch(p, 4)
					two := append(append(append([]byte(nil), line...), '\n'), line...)
					if _, err := b.Parse(two, true); err != nil || b.Len() != 2 || string(b.Line(1).Field(4)) != id {
						errs <- fmt.Errorf("goroutine %d: batch %v len %d", g, err, b.Len())
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	skipIfInterpreted(t)
	p := mustParser(t, jsonSpec)
	jsonLine := []byte(`{"time":"t","level":"INFO","msg":"m","http":{"status":200},"user":{"id":1},"duration_ms":2}`)
	access := []byte(accessLine)
	out := make([]Span, p.NumFields())
	var fast [FastFields]Span
	if n := testing.AllocsPerRun(200, func() {
		if n, err := p.Parse(jsonLine, out); err != nil || n != 6 {
			t.Fatalf("Parse: %d %v", n, err)
		}
	}); n != 0 {
		t.Errorf("Parser.Parse: %v allocations per call, want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		if n, err := ParseFast(access, &fast); err != nil || n != 11 {
			t.Fatalf("ParseFast: %d %v", n, err)
		}
	}); n != 0 {
		t.Errorf("ParseFast: %v allocations per call, want 0", n)
	}
}

func TestLibraryVersion(t *testing.T) {
	lib, header := abiVersions()
	if lib != header {
		t.Fatalf("liblogspan.a implements ABI %d, logspan.h describes ABI %d: rebuild the library (make lib)", lib, header)
	}
	v := Version()
	if parts := strings.Split(v, "."); len(parts) != 3 {
		t.Fatalf("Version() = %q, want MAJOR.MINOR.PATCH", v)
	}
}
