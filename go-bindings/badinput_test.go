package logspan

// The bad-input matrix (README "Limits and guarantees"), from Go; the C
// suite has the same table in tests/c/test_bad_input.c.
//
// Every row gives a spec, an input and the expected status (a count of
// present fields, or an error Code), and is run through Parser.Parse and
// through a Batch. Each run checks that the input bytes are unchanged,
// that every span lies inside the input, that the count equals the
// present spans and that an error leaves every span Absent.
//
// Go cannot pass a NULL pointer with a non-zero length (a slice with a
// nil array has length 0), so the NULL rows are nil and empty slices.
// The 1 GiB stream through a Reader takes about a second (a few under
// -race); `go test -short` shortens it to 64 MiB.

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// badRow is one row of the matrix. want >= 0 is a count of present
// fields; want < 0 is an error Code. field/text: a field that must be
// present on success, and its bytes ("" with anyText: any).
type badRow struct {
	name, spec, in string
	want           Code
	field, text    string
}

const aLine = `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 12 "-" "ua"`

var badRows = []badRow{
	// empty input, a line of only "\n", "\r\n"
	{"empty access", "access", "", ErrEmptyLine, "", ""},
	{"only \\n access", "access", "\n", ErrEmptyLine, "", ""},
	{"only \\r\\n access", "access", "\r\n", ErrEmptyLine, "", ""},
	{"only \\n json", "json:a", "\n", ErrEmptyLine, "", ""},
	{"only \\n logfmt", "logfmt:a", "\n", ErrEmptyLine, "", ""},
	{"only \\n syslog", "syslog", "\n", ErrEmptyLine, "", ""},
	{"only \\n pattern", "pattern:<a> <b>", "\n", ErrEmptyLine, "", ""},
	{"only \\r\\n auto", "auto", "\r\n", ErrEmptyLine, "", ""},
	{"only \\n regex", `regex:^(?P<a>\w*)$`, "\n", 1, "a", ""},
	{"only \\n regex no match", `regex:(?P<a>\w+)`, "\n", ErrRegexNoMatch, "", ""},
	// \r\n endings are not part of any field
	{"\\r\\n access", "access", aLine + "\r\n", 9, "user_agent", "ua"},
	{"\\r\\n json", "json:a", "{\"a\":\"x\"}\r\n", 1, "a", "x"},
	{"\\r\\n logfmt", "logfmt:a", "a=x\r\n", 1, "a", "x"},
	{"\\r\\n syslog", "syslog", "<1>1 - - - - - - m\r\n", 3, "message", "m"},
	{"\\r\\n pattern", "pattern:<a> <b>", "x y\r\n", 2, "b", "y"},
	{"\\r\\n regex", `regex:(?P<a>y.*)$`, "x y\r\n", 1, "a", "y"},
	// NUL bytes inside a line
	{"NUL in access path", "access", "1.2.3.4 - - [t] \"GET /a\x00b HTTP/1.1\" 200 1", 8, "path", "/a\x00b"},
	{"NUL in JSON string", "json:a", "{\"a\":\"x\x00y\"}", ErrJSONBadString, "", ""},
	{"NUL between JSON tokens", "json:a", "{\"a\":1\x00}", ErrJSONSyntax, "", ""},
	{"NUL in logfmt quoted value", "logfmt:a", "a=\"x\x00y\"", ErrLogfmtBadEscape, "", ""},
	{"NUL separates logfmt pairs", "logfmt:a,b", "a=x\x00b=y", 2, "b", "y"},
	{"NUL in syslog MSG", "syslog", "<1>1 - - - - - - a\x00b", 3, "message", "a\x00b"},
	{"NUL in syslog HOSTNAME", "syslog", "<1>1 - h\x00st - - - -", ErrSyslogBadHeader, "", ""},
	{"NUL in pattern capture", "pattern:<a> <b>", "x\x00 y", 2, "a", "x\x00"},
	{"NUL in regex input", `regex:(?P<a>a.b)`, "a\x00b", 1, "a", "a\x00b"},
	// invalid UTF-8 in every field position
	{"\\xff remote_addr", "access", "\xff - - [t] \"GET / HTTP/1.1\" 200 1", 8, "remote_addr", "\xff"},
	{"\\xff ident", "access", "h \xff - [t] \"GET / HTTP/1.1\" 200 1", 9, "ident", "\xff"},
	{"\\xff remote_user", "access", "h - \xff [t] \"GET / HTTP/1.1\" 200 1", 9, "remote_user", "\xff"},
	{"\\xff time", "access", "h - - [\xff] \"GET / HTTP/1.1\" 200 1", 8, "time", "\xff"},
	{"\\xff method", "access", "h - - [t] \"G\xff / HTTP/1.1\" 200 1", 5, "request", "G\xff / HTTP/1.1"},
	{"\\xff path", "access", "h - - [t] \"GET /\xff HTTP/1.1\" 200 1", 8, "path", "/\xff"},
	{"\\xff protocol", "access", "h - - [t] \"GET / HTTP/1.\xff\" 200 1", 5, "request", "GET / HTTP/1.\xff"},
	{"\\xff status", "access", "h - - [t] \"GET / HTTP/1.1\" 2\xff0 1", ErrAccessBadStatus, "", ""},
	{"\\xff body_bytes", "access", "h - - [t] \"GET / HTTP/1.1\" 200 1\xff", ErrAccessBadBytes, "", ""},
	{"\\xff referer", "access", "h - - [t] \"GET / HTTP/1.1\" 200 1 \"\xff\" \"u\"", 10, "referer", "\xff"},
	{"\\xff user_agent", "access", "h - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"\xff\"", 9, "user_agent", "\xff"},
	{"\\xff JSON key", "json:a", "{\"\xff\":1}", ErrJSONInvalidUTF8, "", ""},
	{"\\xff JSON value", "json:a", "{\"a\":\"\xff\"}", ErrJSONInvalidUTF8, "", ""},
	{"\\xff JSON nested value", "json:a", "{\"a\":[{\"b\":\"\xc3\x28\"}]}", ErrJSONInvalidUTF8, "", ""},
	{"\\xff JSON outside strings", "json:a", "{\"a\":1\xff}", ErrJSONSyntax, "", ""},
	{"\\xff logfmt key", "logfmt:a", "\xff=1", ErrLogfmtSyntax, "", ""},
	{"\\xff logfmt value", "logfmt:a", "a=\xff", 1, "a", "\xff"},
	{"\\xff logfmt quoted value", "logfmt:a", "a=\"\xff\"", 1, "a", "\xff"},
	{"\\xff syslog5424 hostname", "syslog", "<1>1 - \xff - - - -", ErrSyslogBadHeader, "", ""},
	{"\\xff syslog5424 app_name", "syslog", "<1>1 - - \xff - - -", ErrSyslogBadHeader, "", ""},
	{"\\xff syslog5424 procid", "syslog", "<1>1 - - - \xff - -", ErrSyslogBadHeader, "", ""},
	{"\\xff syslog5424 msgid", "syslog", "<1>1 - - - - \xff -", ErrSyslogBadHeader, "", ""},
	{"\\xff syslog5424 SD value", "syslog", "<1>1 - - - - - [a b=\"\xff\"]", ErrSyslogBadStructuredData, "", ""},
	{"\\xff syslog5424 MSG", "syslog", "<1>1 - - - - - - \xff", 3, "message", "\xff"},
	{"\\xff syslog5424 BOM MSG", "syslog", "<1>1 - - - - - - \xef\xbb\xbf\xff", ErrSyslogInvalidUTF8, "", ""},
	{"\\xff syslog3164 hostname", "syslog", "<1>Oct 11 22:14:15 \xff msg", ErrSyslogBadHeader, "", ""},
	{"\\xff syslog3164 MSG", "syslog", "<1>Oct 11 22:14:15 host app: \xff", 5, "message", "\xff"},
	{"\\xff pattern capture", "pattern:<a> <b>", "\xff \xfe", 2, "b", "\xfe"},
	{"\\xff regex input", `regex:(?P<a>\d+)`, "\xff42\xfe", 1, "a", "42"},
	{"\\xff regex dot", `regex:^(?P<a>.*)$`, "a\xffb", ErrRegexNoMatch, "", ""},
	// more pairs than an enumerate spec holds: an error, never a cut
	{"json:*2 with 3 pairs", "json:*2", `{"a":1,"b":2,"c":3}`, ErrTooManyFields, "", ""},
	{"logfmt:*2 with 3 pairs", "logfmt:*2", "a=1 b=2 c=3", ErrTooManyFields, "", ""},
	{"json:*2 with 2 pairs", "json:*2", `{"a":1,"b":2}`, 4, "value1", "2"},
}

// checkParse runs one parse on a private copy of in and checks the
// invariants every call keeps; it returns the status as a Code (a count
// when >= 0) and the spans.
func checkParse(t *testing.T, p *Parser, in []byte, what string) (Code, []Span) {
	t.Helper()
	buf := bytes.Clone(in)
	out := make([]Span, p.NumFields())
	for i := range out {
		out[i] = Span{Off: 0xA5A5A5A5, Len: 7, Flags: 7}
	}
	n, err := p.Parse(buf, out)
	if !bytes.Equal(buf, in) {
		t.Errorf("%s: input modified", what)
	}
	present := 0
	for i, s := range out {
		if !s.Present() {
			if s != (Span{Off: Absent}) {
				t.Errorf("%s: absent span %d is %+v", what, i, s)
			}
			continue
		}
		present++
		if uint64(s.Off)+uint64(s.Len) > uint64(len(in)) {
			t.Errorf("%s: span %d %+v outside a %d-byte input", what, i, s, len(in))
		}
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not an *Error", what, err)
		}
		if present != 0 {
			t.Errorf("%s: error %v with %d spans present", what, err, present)
		}
		return e.Code, out
	}
	if n != present {
		t.Errorf("%s: count %d, %d spans present", what, n, present)
	}
	return Code(n), out
}

func TestBadInputMatrix(t *testing.T) {
	for _, r := range badRows {
		t.Run(r.name, func(t *testing.T) {
			p := mustParser(t, r.spec)
			in := []byte(r.in)
			got, out := checkParse(t, p, in, r.name)
			if got != r.want {
				t.Fatalf("status %d (%v), want %d (%v)", got, got, r.want, r.want)
			}
			if got >= 0 && r.field != "" {
				k, ok := p.FieldIndex(r.field)
				if !ok || !out[k].Present() {
					t.Fatalf("field %s absent", r.field)
				}
				if g := string(out[k].Bytes(in)); g != r.text {
					t.Errorf("field %s = %q, want %q", r.field, g, r.text)
				}
			}
			// The same line through a Batch, as the last line of the input.
			b := NewBatch(p, 4)
			buf := bytes.Clone(in)
			if _, err := b.Parse(buf, true); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf, in) {
				t.Error("batch modified the input")
			}
			if len(in) == 0 {
				if b.Len() != 0 {
					t.Errorf("empty input: %d lines", b.Len())
				}
				return
			}
			if b.Len() != 1 {
				t.Fatalf("batch: %d lines", b.Len())
			}
			l := b.Line(0)
			if status := l.Code(); (got < 0 && status != got) || (got >= 0 && (status != 0 || l.NumPresent() != int(got))) {
				t.Errorf("batch: code %v, %d present; want %v", status, l.NumPresent(), got)
			}
		})
	}
}

// Every spec of every format: nil and empty inputs, and output slices of
// length 0 and 1 (and one short of NumFields).
var badSpecs = []string{
	"access", "combined", "common", "json:a,b", "json:*", "logfmt:a", "logfmt:*",
	"syslog", "syslog5424", "syslog3164", "auto", "regex:(?P<a>x*)", "pattern:<a> <b>",
	"nginx:$a $b", "apache:%h %>s",
}

func TestBadInputNilEmptyAndCapacities(t *testing.T) {
	line := []byte(`{"a":1,"b":2}`)
	for _, spec := range badSpecs {
		p := mustParser(t, spec)
		want := ErrEmptyLine
		if strings.HasPrefix(spec, "regex:") {
			want = 1 // matches the empty string
		}
		for _, in := range [][]byte{nil, {}} {
			if got, _ := checkParse(t, p, in, spec); got != want {
				t.Errorf("%s: empty input (nil %v): %v, want %v", spec, in == nil, got, want)
			}
		}
		nf := p.NumFields()
		for _, c := range []int{0, 1, nf - 1} {
			if c >= nf {
				continue
			}
			canary := Span{Off: 9, Len: 9, Flags: 9}
			full := make([]Span, c+1)
			for i := range full {
				full[i] = canary
			}
			if _, err := p.Parse(line, full[:c]); !errors.Is(err, ErrOutputTooSmall) {
				t.Errorf("%s: out of %d spans: %v", spec, c, err)
			}
			for _, s := range full {
				if s != canary {
					t.Errorf("%s: wrote into (or past) an out of %d spans", spec, c)
				}
			}
		}
		if _, err := p.Parse(line, nil); !errors.Is(err, ErrOutputTooSmall) {
			t.Errorf("%s: nil out: %v", spec, err)
		}
		// A Batch of one line over three lines: one at a time, nothing lost.
		b := NewBatch(p, 1)
		text := []byte("x\n\ny")
		seen := 0
		for off := 0; off < len(text); {
			n, err := b.Parse(text[off:], true)
			if err != nil {
				t.Fatal(err)
			}
			seen += b.Len()
			off += n
			if b.Len() == 0 {
				t.Fatalf("%s: no progress", spec)
			}
		}
		if seen != 3 {
			t.Errorf("%s: %d lines, want 3", spec, seen)
		}
	}
	var fast [FastFields]Span
	if _, err := ParseFast(nil, &fast); !errors.Is(err, ErrEmptyLine) {
		t.Errorf("ParseFast(nil): %v", err)
	}
	if _, err := ParseFast(line, nil); !errors.Is(err, ErrNullArgument) {
		t.Errorf("ParseFast(line, nil): %v", err)
	}
}

// Every truncation of a valid line of each format: the invariants hold,
// and where the grammar makes every proper prefix invalid, an error.
func TestBadInputTruncatedAtEveryByte(t *testing.T) {
	for _, c := range []struct {
		spec, line    string
		prefixIsError bool
	}{
		{"combined", aLine, true},
		{"access", aLine, false},
		{"json:a,b.c,d[1]", `{"a":"x\"y","b":{"c":[1,2.5e3,true,null]},"d":[0,{}]}`, true},
		{"json:*", `{"a":1, "b" : "\u00e9"}`, true},
		{"logfmt:a,msg", `a=1 msg="hi \"you\"" debug`, false},
		{"syslog5424", `<165>1 2003-10-11T22:14:15.003Z host app 12 ID47 [ex@1 a="b\]"] msg`, false},
		{"syslog3164", "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed", false},
		{"auto", "time=2024-01-01T00:00:00Z level=info msg=ok", false},
		{`regex:^(?P<k>\w+)=(?P<v>\d+)$`, "key=12345", false},
		{`pattern:<ip> - <user> [<ts>] "<req>" <status>`, `1.2.3.4 - u [t] "GET /" 200`, false},
	} {
		p := mustParser(t, c.spec)
		if got, _ := checkParse(t, p, []byte(c.line), c.spec); got <= 0 {
			t.Errorf("%s: the whole line: %v", c.spec, got)
		}
		for k := 1; k < len(c.line); k++ {
			got, _ := checkParse(t, p, []byte(c.line[:k]), c.spec)
			if c.prefixIsError && got >= 0 {
				t.Errorf("%s: cut at %d parsed: %q", c.spec, k, c.line[:k])
			}
		}
	}
}

func TestBadInputLongLineDeepJSONAndBacktracking(t *testing.T) {
	// A 16 MiB single line.
	big := 16 << 20
	for _, c := range []struct{ spec, head, tail, field string }{
		{"access", `1.2.3.4 - - [t] "GET /`, ` HTTP/1.1" 200 1`, "path"},
		{"json:msg", `{"msg":"`, `"}`, "msg"},
		{"logfmt:msg", `level=info msg="`, `"`, "msg"},
		{"syslog", "<1>1 - - - - - - ", "", "message"},
		{"pattern:<a> <b>", "", " y", "a"},
	} {
		p := mustParser(t, c.spec)
		line := []byte(c.head + strings.Repeat("x", big-len(c.head)-len(c.tail)) + c.tail)
		got, out := checkParse(t, p, line, c.spec)
		k, _ := p.FieldIndex(c.field)
		if got <= 0 || int(out[k].Len) < big-len(c.head)-len(c.tail) {
			t.Errorf("16 MiB %s: %v, field %+v", c.spec, got, out[k])
		}
	}
	// JSON nested 100,000 deep: the depth limit, no stack overflow.
	p := mustParser(t, "json:a")
	deep := `{"a":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"
	if got, _ := checkParse(t, p, []byte(deep), "deep"); got != ErrJSONTooDeep {
		t.Errorf("100,000 deep: %v", got)
	}
	if got, _ := checkParse(t, p, []byte(strings.Repeat("[", 100000)), "deep"); got != ErrJSONTooDeep {
		t.Errorf("100,000 opening brackets: %v", got)
	}
	// Catastrophic-backtracking regexes on long adversarial lines.
	for _, c := range []struct {
		spec, line string
		want       Code
	}{
		{`regex:^(?P<x>(a+)+)$`, strings.Repeat("a", 1<<20) + "!", ErrRegexNoMatch},
		{`regex:^(?P<x>(a|aa)+)$`, strings.Repeat("a", 1<<20) + "!", ErrRegexNoMatch},
		{`regex:(?P<x>(.*a){12})$`, strings.Repeat("a", 1<<20) + "b", ErrRegexNoMatch},
		{`regex:^(?P<x>(\w+\s?)*)$`, strings.Repeat("a", 1<<20) + "!", ErrRegexNoMatch},
	} {
		p := mustParser(t, c.spec)
		start := time.Now()
		got, _ := checkParse(t, p, []byte(c.line), c.spec)
		if got != c.want {
			t.Errorf("%s: %v, want %v", c.spec, got, c.want)
		}
		// Linear time: about a millisecond per MiB; a backtracking
		// engine would not return.
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %v on 1 MiB", c.spec, d)
		}
	}
}

func TestBadInputSpecNotUTF8(t *testing.T) {
	for _, spec := range []string{"json:\xff", "regex:(?P<a>\xc3\x28)", "logfmt:a\xfe", "\xff"} {
		_, err := NewParser(spec)
		var se *SpecError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalidSpec) || !strings.Contains(se.Msg, "UTF-8") {
			t.Errorf("NewParser(%q): %v", spec, err)
		}
	}
}

// genReader produces total bytes of access-log lines, cyclically, without
// holding them: a stream as large as asked for in constant memory.
type genReader struct {
	period []byte
	pos    int64
	total  int64
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.pos >= g.total {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && g.pos < g.total {
		at := int(g.pos % int64(len(g.period)))
		k := copy(p[n:], g.period[at:])
		if rest := g.total - g.pos; int64(k) > rest {
			k = int(rest)
		}
		n += k
		g.pos += int64(k)
	}
	return n, nil
}

// A 1 GiB stream through a Reader: every line once, none failing, no byte
// lost. -short makes it 64 MiB.
func TestBadInputHugeStream(t *testing.T) {
	period := []byte(aLine + "\n" +
		`10.0.0.2 - bob [10/Oct/2000:13:55:37 -0700] "POST /api/v1/items?id=1 HTTP/2.0" 201 -` + "\r\n" +
		`::1 - - [10/Oct/2000:13:55:38 -0700] "-" 400 0 "-" "-"` + "\n")
	size := int64(1 << 30)
	if testing.Short() {
		size = 64 << 20
	}
	total := size / int64(len(period)) * int64(len(period))
	p := mustParser(t, "access")
	start := time.Now()
	r := NewReader(&genReader{period: period, total: total}, p)
	var lines, bytesSeen int64
	for r.Next() {
		l := r.Line()
		if err := l.Err(); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		lines++
		bytesSeen += int64(len(l.Bytes()))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	periods := total / int64(len(period))
	if lines != 3*periods {
		t.Errorf("%d lines, want %d", lines, 3*periods)
	}
	// Every byte is in a line but the line endings (\n, \r\n, \n).
	if want := total - 4*periods; bytesSeen != want {
		t.Errorf("%d bytes in lines, want %d", bytesSeen, want)
	}
	t.Logf("streamed %d MiB, %d lines in %v", total>>20, lines, time.Since(start))
}
