package logspan

import (
	"bytes"
	"os"
	"testing"
)

// A combined-format line (the Apache documentation's example) and its
// fields, by Field* index; "" means absent.
const accessLine = `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`

var accessFields = [FastFields]string{
	FieldRemoteAddr: "127.0.0.1",
	FieldIdent:      "",
	FieldRemoteUser: "frank",
	FieldTime:       "10/Oct/2000:13:55:36 -0700",
	FieldRequest:    "GET /apache_pb.gif HTTP/1.0",
	FieldMethod:     "GET",
	FieldPath:       "/apache_pb.gif",
	FieldProtocol:   "HTTP/1.0",
	FieldStatus:     "200",
	FieldBodyBytes:  "2326",
	FieldReferer:    "http://www.example.com/start.html",
	FieldUserAgent:  "Mozilla/4.08 [en] (Win98; I ;Nav)",
}

const jsonSpec = "json:time,level,msg,http.status,user.id,duration_ms"

// mustParser compiles spec and closes it when the test ends.
func mustParser(t testing.TB, spec string) *Parser {
	t.Helper()
	p, err := NewParser(spec)
	if err != nil {
		t.Fatalf("NewParser(%q): %v", spec, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// readFileOrSkip reads a shared sample file, skipping the test when the
// file is not there (the corpora live beside the repository, not in it).
func readFileOrSkip(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found; skipping", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// splitLines splits like the library: on \n, with a last line without \n
// kept, and a \r before the \n dropped.
func splitLines(text []byte) [][]byte {
	var lines [][]byte
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, bytes.TrimSuffix(text[:i], []byte{'\r'}))
		text = text[i+1:]
	}
	return lines
}

// parseResult is what Parser.Parse says about one line, in a comparable
// form.
type parseResult struct {
	code   Code
	n      int
	fields []string // "" for absent, as in accessFields
	spans  []Span
}

func parseOne(t testing.TB, p *Parser, line []byte) parseResult {
	t.Helper()
	out := make([]Span, p.NumFields())
	n, err := p.Parse(line, out)
	r := parseResult{n: n, spans: out}
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("Parse(%q): error %T %v, want *Error", line, err, err)
		}
		r.code = e.Code
	}
	for _, s := range out {
		r.fields = append(r.fields, string(s.Bytes(line)))
	}
	return r
}
