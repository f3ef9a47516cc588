package logspan_test

import (
	"fmt"
	"log"
	"math"
	"strings"
	"testing"

	logspan "github.com/logspan/logspan/go-bindings"
)

// pairsOf renders the pairs of a line as "k=v" with the value's flags:
// "(bare)", "(esc)", "(dup)" and, for JSON, its type.
func pairsOf(t *testing.T, l logspan.Line) string {
	t.Helper()
	var parts []string
	n := l.NumPairs()
	for k := 0; k < n; k++ {
		key, value, ok := l.Pair(k)
		ks, vs, sok := l.PairSpans(k)
		if !ok || !sok || key == nil || value == nil {
			t.Fatalf("pair %d of %d: ok %v %v, key %q, value %q", k, n, ok, sok, key, value)
		}
		line := l.Bytes()
		if string(ks.Bytes(line)) != string(key) || string(vs.Bytes(line)) != string(value) {
			t.Fatalf("pair %d: spans %v %v do not give %q %q", k, ks, vs, key, value)
		}
		p := fmt.Sprintf("%s=%s", key, value)
		if vs.Flags&logspan.FlagBareKey != 0 {
			p += "(bare)"
		}
		if vs.Escaped() {
			p += "(esc)"
		}
		if vs.JSONType() != logspan.JSONNone {
			p += "(" + vs.JSONType().String() + ")"
		}
		parts = append(parts, p)
	}
	for _, k := range []int{n, n + 1, -1, math.MaxInt, math.MinInt} {
		if key, value, ok := l.Pair(k); ok || key != nil || value != nil {
			t.Fatalf("Pair(%d) of %d pairs = %q %q %v", k, n, key, value, ok)
		}
		if ks, vs, ok := l.PairSpans(k); ok || ks.Present() || vs.Present() {
			t.Fatalf("PairSpans(%d) of %d pairs = %v %v %v", k, n, ks, vs, ok)
		}
	}
	return strings.Join(parts, " ")
}

func parseLines(t *testing.T, spec, text string) *logspan.Batch {
	t.Helper()
	p, err := logspan.NewParser(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	b := logspan.NewBatch(p, 16)
	if _, err := b.Parse([]byte(text), true); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLinePairsLogfmt(t *testing.T) {
	b := parseLines(t, "logfmt:*4", `level=info msg="hello \"world\"" debug k= e="" level=warn
  padded=1	tab=2 
bad"key=1
a=1 b=2 c=3 d=4 e=5
x=y
`)
	want := []struct {
		pairs string
		code  logspan.Code
	}{
		{"", logspan.ErrTooManyFields}, // 6 pairs: more than 4 is an error, never a cut
		{"padded=1 tab=2", 0},
		{"", logspan.ErrLogfmtSyntax},
		{"", logspan.ErrTooManyFields},
		{"x=y", 0},
	}
	if b.Len() != len(want) {
		t.Fatalf("%d lines, want %d", b.Len(), len(want))
	}
	for i, w := range want {
		l := b.Line(i)
		if got := pairsOf(t, l); got != w.pairs || l.Code() != w.code {
			t.Errorf("line %d: pairs %q, code %v; want %q, %v", i+1, got, l.Code(), w.pairs, w.code)
		}
	}

	b = parseLines(t, "logfmt:*", `level=info msg="hello \"world\"" debug k= e="" level=warn`+"\n")
	if got, want := pairsOf(t, b.Line(0)), `level=info msg=hello \"world\"(esc) debug=(bare) k= e= level=warn`; got != want {
		t.Errorf("pairs %q, want %q", got, want)
	}
}

func TestLinePairsJSON(t *testing.T) {
	b := parseLines(t, "json:*", `{"level":"warn","n":-1.5,"ok":true,"z":null,"o":{"a":[1]},"s":"a\"b","n":2}
{}
{"cut":
`)
	want := []string{
		`level=warn(string) n=-1.5(number) ok=true(bool) z=null(null) o={"a":[1]}(object) s=a\"b(esc)(string) n=2(number)`,
		"",
		"",
	}
	for i, w := range want {
		if got := pairsOf(t, b.Line(i)); got != w {
			t.Errorf("line %d: %q, want %q", i+1, got, w)
		}
	}
}

func TestPairsNeedAnEnumerateSpec(t *testing.T) {
	for _, spec := range []string{"json:level,msg", "logfmt:key0", "access", "syslog"} {
		b := parseLines(t, spec, "{\"level\":\"a\",\"msg\":\"b\"}\nkey0=1\n")
		for i := 0; i < b.Len(); i++ {
			l := b.Line(i)
			if n := l.NumPairs(); n != 0 {
				t.Errorf("%s: NumPairs = %d", spec, n)
			}
			if _, _, ok := l.Pair(0); ok {
				t.Errorf("%s: Pair(0) ok", spec)
			}
			if _, _, ok := l.PairSpans(0); ok {
				t.Errorf("%s: PairSpans(0) ok", spec)
			}
		}
	}
}

func TestPairsOfOneLine(t *testing.T) {
	p, err := logspan.NewParser("logfmt:*")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := make([]logspan.Span, p.NumFields())
	line := []byte("a=1 b debug=\"x y\"")
	n, err := p.Parse(line, out)
	if err != nil || n != 6 {
		t.Fatalf("Parse = %d, %v", n, err)
	}
	if got := logspan.NumPairs(out); got != 3 {
		t.Fatalf("NumPairs = %d, want 3", got)
	}
	var got []string
	for k := 0; ; k++ {
		key, value, ok := logspan.Pair(line, out, k)
		if !ok {
			if key != nil || value != nil {
				t.Fatalf("Pair(%d) past the end: %q %q", k, key, value)
			}
			break
		}
		got = append(got, fmt.Sprintf("%s=%q", key, value))
	}
	if s := strings.Join(got, " "); s != `a="1" b="" debug="x y"` {
		t.Errorf("pairs %s", s)
	}
	if _, _, ok := logspan.Pair(line, out, -1); ok {
		t.Error("Pair(-1) ok")
	}
	if _, _, ok := logspan.Pair(line, out[:5], 2); ok {
		t.Error("Pair past a short slice ok")
	}
	if logspan.NumPairs(nil) != 0 || logspan.NumPairs(out[:1]) != 0 {
		t.Error("NumPairs of too few spans")
	}
	if _, _, ok := logspan.Pair(nil, nil, 0); ok {
		t.Error("Pair of nothing ok")
	}
}

func TestPairsAllocateNothing(t *testing.T) {
	b := parseLines(t, "logfmt:*", strings.Repeat(`level=info msg="hi there" debug n=42`+"\n", 8))
	p, err := logspan.NewParser("json:*")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	line := []byte(`{"a":1,"b":"x","c":[true]}`)
	out := make([]logspan.Span, p.NumFields())
	if _, err := p.Parse(line, out); err != nil {
		t.Fatal(err)
	}
	total := 0
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i < b.Len(); i++ {
			l := b.Line(i)
			for k := 0; k < l.NumPairs(); k++ {
				key, value, _ := l.Pair(k)
				_, vs, _ := l.PairSpans(k)
				total += len(key) + len(value) + int(vs.Flags)
			}
		}
		for k := 0; k < logspan.NumPairs(out); k++ {
			key, value, _ := logspan.Pair(line, out, k)
			total += len(key) + len(value)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
	if total == 0 {
		t.Error("no pairs read")
	}
}

func ExampleLine_Pair() {
	p, err := logspan.NewParser("logfmt:*") // every pair: key0 value0 key1 value1 ...
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	b := logspan.NewBatch(p, 16)
	buf := []byte(`time=2024-05-01T12:00:00Z level=info msg="user \"bob\" logged in" debug retries=
level=warn msg=slow
`)
	if _, err := b.Parse(buf, true); err != nil {
		log.Fatal(err)
	}
	for i := 0; i < b.Len(); i++ {
		l := b.Line(i)
		for k := 0; k < l.NumPairs(); k++ {
			key, value, _ := l.Pair(k)
			_, vs, _ := l.PairSpans(k)
			switch {
			case vs.Flags&logspan.FlagBareKey != 0:
				fmt.Printf("%s (bare key)\n", key)
			case vs.Escaped():
				text, _ := logspan.AppendUnescapedLogfmt(nil, value)
				fmt.Printf("%s = %s (unescaped)\n", key, text)
			default:
				fmt.Printf("%s = %q\n", key, value)
			}
		}
		fmt.Println("--")
	}
	// Output:
	// time = "2024-05-01T12:00:00Z"
	// level = "info"
	// msg = user "bob" logged in (unescaped)
	// debug (bare key)
	// retries = ""
	// --
	// level = "warn"
	// msg = "slow"
	// --
}
