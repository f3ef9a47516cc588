package logspan

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The cross-language agreement test: ../tests/agreement/expected.txt holds
// what the Rust API gives for every case of cases.txt, and Rust, C and Go
// must each give exactly that through their own API. The format is
// documented at the top of ../tests/agreement.rs:
//
//	case <n>
//	spec <spec string>
//	line <hex bytes>
//	status <int>
//	span <off> <len> <flags>      (field_count times)

const agreementFile = "../tests/agreement/expected.txt"

type agreementCase struct {
	n      int
	spec   string
	line   []byte
	status int32
	spans  []Span
}

func loadAgreementCases(t *testing.T) []agreementCase {
	t.Helper()
	f, err := os.Open(agreementFile)
	if err != nil {
		t.Fatalf("%v (the file is part of the repository; run from go-bindings/)", err)
	}
	defer f.Close()
	var cases []agreementCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, val, _ := strings.Cut(text, " ")
		fail := func(err error) { t.Fatalf("%s:%d: %q: %v", agreementFile, lineNo, text, err) }
		var cur *agreementCase
		if len(cases) > 0 {
			cur = &cases[len(cases)-1]
		}
		if key != "case" && cur == nil {
			fail(fmt.Errorf("%q before the first case", key))
		}
		switch key {
		case "case":
			n, err := strconv.Atoi(val)
			if err != nil {
				fail(err)
			}
			cases = append(cases, agreementCase{n: n})
		case "spec":
			cur.spec = val
		case "line":
			b, err := hex.DecodeString(val)
			if err != nil {
				fail(err)
			}
			cur.line = b
		case "status":
			s, err := strconv.ParseInt(val, 10, 32)
			if err != nil {
				fail(err)
			}
			cur.status = int32(s)
		case "span":
			var s Span
			if _, err := fmt.Sscanf(val, "%d %d %d", &s.Off, &s.Len, &s.Flags); err != nil {
				fail(err)
			}
			cur.spans = append(cur.spans, s)
		default:
			fail(fmt.Errorf("unknown record %q", key))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s has no cases", agreementFile)
	}
	return cases
}

func statusOf(n int, err error) int32 {
	if err != nil {
		return int32(err.(*Error).Code)
	}
	return int32(n)
}

func TestAgreementParse(t *testing.T) {
	parsers := map[string]*Parser{}
	for _, c := range loadAgreementCases(t) {
		p := parsers[c.spec]
		if p == nil {
			p = mustParser(t, c.spec)
			parsers[c.spec] = p
		}
		if p.NumFields() != len(c.spans) {
			t.Fatalf("case %d: %d fields, expected.txt has %d spans", c.n, p.NumFields(), len(c.spans))
		}
		out := make([]Span, p.NumFields())
		status := statusOf(p.Parse(c.line, out))
		if status != c.status || fmt.Sprint(out) != fmt.Sprint(c.spans) {
			t.Errorf("case %d (%s) %q:\n got status %d spans %v\nwant status %d spans %v", c.n, c.spec, c.line, status, out, c.status, c.spans)
		}
		if p.NumFields() == FastFields && c.spec == "access" {
			var fast [FastFields]Span
			status := statusOf(ParseFast(c.line, &fast))
			if status != c.status || fmt.Sprint(fast[:]) != fmt.Sprint(c.spans) {
				t.Errorf("case %d ParseFast: status %d spans %v", c.n, status, fast)
			}
		}
	}
}

// Every spec's cases, each line followed by \n, in one Batch call: each
// line must give the same status, and spans shifted by the line's offset.
func TestAgreementBatch(t *testing.T) {
	cases := loadAgreementCases(t)
	var specs []string
	bySpec := map[string][]agreementCase{}
	for _, c := range cases {
		if bySpec[c.spec] == nil {
			specs = append(specs, c.spec)
		}
		bySpec[c.spec] = append(bySpec[c.spec], c)
	}
	checked := 0
	for _, spec := range specs {
		p := mustParser(t, spec)
		var buf []byte
		var offsets []int
		for _, c := range bySpec[spec] {
			body := bytes.TrimSuffix(c.line, []byte("\n"))
			if bytes.IndexByte(body, '\n') >= 0 {
				t.Fatalf("case %d holds a \\n inside the line: it cannot be one line of a batch", c.n)
			}
			offsets = append(offsets, len(buf))
			buf = append(buf, c.line...)
			if !bytes.HasSuffix(c.line, []byte("\n")) { // a line that ends in \n already is one line
				buf = append(buf, '\n')
			}
		}
		b := NewBatch(p, len(offsets))
		consumed, err := b.Parse(buf, false)
		if err != nil || consumed != len(buf) || b.Len() != len(offsets) {
			t.Fatalf("%s: Parse = %d, %v, %d lines; want %d bytes, %d lines", spec, consumed, err, b.Len(), len(buf), len(offsets))
		}
		for i, c := range bySpec[spec] {
			l := b.Line(i)
			status := int32(l.NumPresent())
			if code := l.Code(); code != 0 {
				status = int32(code)
			}
			if status != c.status || l.Offset() != offsets[i] {
				t.Errorf("case %d: batch status %d at byte %d, want %d at byte %d", c.n, status, l.Offset(), c.status, offsets[i])
			}
			for j, want := range c.spans {
				// What C wrote: offsets into the whole buffer.
				raw := b.spans[i*p.NumFields()+j]
				shifted := want
				if want.Present() {
					shifted.Off += uint32(offsets[i])
				}
				if raw != shifted || l.Span(j) != want {
					t.Errorf("case %d field %d: batch span %+v (line-relative %+v), want %+v shifted by %d",
						c.n, j, raw, l.Span(j), want, offsets[i])
				}
				if got, wantBytes := l.Field(j), want.Bytes(c.line); string(got) != string(wantBytes) || (got == nil) != (wantBytes == nil) {
					t.Errorf("case %d field %d: %q, want %q", c.n, j, got, wantBytes)
				}
			}
			checked++
		}
	}
	if checked != len(cases) {
		t.Fatalf("checked %d of %d cases", checked, len(cases))
	}
}
