package logspan_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	logspan "github.com/logspan/logspan/go-bindings"
)

func TestSyslogPriority(t *testing.T) {
	for v := 0; v <= 191; v++ {
		f, s, err := logspan.SyslogPriority([]byte(strconv.Itoa(v)))
		if err != nil || f != v/8 || s != v%8 {
			t.Errorf("SyslogPriority(%d) = %d, %d, %v; want %d, %d", v, f, s, err, v/8, v%8)
		}
	}
	for _, pri := range []string{"", "192", "999", "1000", "00", "007", "-1", "+1", " 1", "1 ", "<1>", "1a", "\xff"} {
		f, s, err := logspan.SyslogPriority([]byte(pri))
		if !errors.Is(err, logspan.ErrSyslogBadPRI) || f != 0 || s != 0 {
			t.Errorf("SyslogPriority(%q) = %d, %d, %v; want ErrSyslogBadPRI", pri, f, s, err)
		}
	}
	if _, _, err := logspan.SyslogPriority(nil); !errors.Is(err, logspan.ErrSyslogBadPRI) {
		t.Errorf("SyslogPriority(nil) error = %v", err)
	}
}

func TestSyslogFieldNames(t *testing.T) {
	p, err := logspan.NewParser("syslog")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.NumFields() != logspan.SyslogFields {
		t.Fatalf("NumFields = %d, want %d", p.NumFields(), logspan.SyslogFields)
	}
	for name, i := range map[string]int{
		"priority": logspan.SyslogFieldPriority, "version": logspan.SyslogFieldVersion,
		"timestamp": logspan.SyslogFieldTimestamp, "hostname": logspan.SyslogFieldHostname,
		"app_name": logspan.SyslogFieldAppName, "procid": logspan.SyslogFieldProcID,
		"msgid": logspan.SyslogFieldMsgID, "structured_data": logspan.SyslogFieldStructuredData,
		"message": logspan.SyslogFieldMessage,
	} {
		if got, ok := p.FieldIndex(name); !ok || got != i {
			t.Errorf("FieldIndex(%q) = %d, %v; want %d", name, got, ok, i)
		}
	}
}

// walkSD renders every step of a walk: "+ID" starts an element, then
// " name=value" ("*" after an escaped value), ";" between steps, and the
// error last, if any. It also checks that every slice is inside sd.
func walkSD(t *testing.T, sd []byte) string {
	t.Helper()
	var b strings.Builder
	it := logspan.NewSDIter(sd)
	for n := 0; it.Next(); n++ {
		if n > len(sd) {
			t.Fatalf("walk over %q does not end", sd)
		}
		for _, s := range [][]byte{it.ID(), it.Name(), it.Value()} {
			if s != nil && !inside(s, sd) {
				t.Fatalf("slice %q is not inside %q", s, sd)
			}
		}
		if n > 0 {
			b.WriteByte(';')
		}
		if it.ElementStart() {
			fmt.Fprintf(&b, "+%s", it.ID())
		}
		if (it.Name() == nil) != (it.Value() == nil) {
			t.Fatalf("name %q and value %q: both or neither", it.Name(), it.Value())
		}
		if it.Name() != nil {
			fmt.Fprintf(&b, " %s=%s", it.Name(), it.Value())
			if it.Escaped() {
				b.WriteByte('*')
			}
		} else if !it.ElementStart() {
			t.Fatal("an element without parameters is one step, its start")
		}
	}
	if it.Next() {
		t.Fatal("Next after the end returned true")
	}
	if it.ID() != nil || it.Name() != nil || it.Value() != nil || it.Escaped() || it.ElementStart() {
		t.Fatal("accessors after the end are not empty")
	}
	if err := it.Err(); err != nil {
		fmt.Fprintf(&b, " !%v", err.(logspan.Code).Message())
	}
	return b.String()
}

// inside reports whether s is a sub-slice of whole (same memory).
func inside(s, whole []byte) bool {
	if len(whole) == 0 {
		return len(s) == 0
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(whole)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return p >= base && p+uintptr(len(s)) <= base+uintptr(len(whole))
}

func TestSDIterRFC5424Examples(t *testing.T) {
	p, err := logspan.NewParser("syslog5424")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cases := []struct{ line, want string }{
		// RFC 5424 §6.5, examples 3 and 4 (without the BOM).
		{`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...`,
			"+exampleSDID@32473 iut=3; eventSource=Application; eventID=1011"},
		{`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`,
			"+exampleSDID@32473 iut=3; eventSource=Application; eventID=1011;+examplePriority@32473 class=high"},
		{`<13>1 - - - - - [origin][meta sequenceId="1" x=""][sig v="a\"b\\c\]d"] msg`,
			`+origin;+meta sequenceId=1; x=;+sig v=a\"b\\c\]d*`},
		{`<13>1 - - - - - - no structured data`, ""},
	}
	out := make([]logspan.Span, p.NumFields())
	for _, c := range cases {
		line := []byte(c.line)
		if _, err := p.Parse(line, out); err != nil {
			t.Fatalf("%s: %v", c.line, err)
		}
		if got := walkSD(t, out[logspan.SyslogFieldStructuredData].Bytes(line)); got != c.want {
			t.Errorf("walk of %s:\n got %s\nwant %s", c.line, got, c.want)
		}
	}
}

func TestSDIterBadInput(t *testing.T) {
	for sd, want := range map[string]string{
		"":                   "",
		"-":                  " !" + logspan.ErrSyslogBadStructuredData.Message(),
		"[a":                 " !" + logspan.ErrSyslogTruncated.Message(),
		`[a x="1"`:           " !" + logspan.ErrSyslogTruncated.Message(),
		`[a x="1"][`:         "+a x=1 !" + logspan.ErrSyslogTruncated.Message(),
		`[a x="1"]z`:         "+a x=1 !" + logspan.ErrSyslogBadStructuredData.Message(),
		`[a x="\n"]`:         " !" + logspan.ErrSyslogBadStructuredData.Message(),
		`[a x="]"]`:          " !" + logspan.ErrSyslogBadStructuredData.Message(),
		"[a x=\"\xff\"]":     " !" + logspan.ErrSyslogBadStructuredData.Message(),
		`[a] x="1"]`:         "+a !" + logspan.ErrSyslogBadStructuredData.Message(),
		`[a][a]`:             "+a;+a", // SD-IDs are not checked for uniqueness
		`[a x="1" y="2"][b]`: "+a x=1; y=2;+b",
	} {
		if got := walkSD(t, []byte(sd)); got != want {
			t.Errorf("walk of %q = %q, want %q", sd, got, want)
		}
	}
	var zero logspan.SDIter
	if zero.Next() || zero.Err() != nil {
		t.Error("the zero SDIter has a step or an error")
	}
	it := logspan.NewSDIter([]byte("[a"))
	if it.Next() || !errors.Is(it.Err(), logspan.ErrSyslogTruncated) {
		t.Errorf("Next = true or Err = %v", it.Err())
	}
	if it.Next() || !errors.Is(it.Err(), logspan.ErrSyslogTruncated) {
		t.Error("the error does not stick")
	}
}

// The walk never panics, stays inside its input and ends, whatever the
// bytes; on STRUCTURED-DATA the parser accepts it ends without error.
func FuzzSDIter(f *testing.F) {
	for _, s := range []string{"", "-", "[a]", `[a x="1"][b y="\]"]`, `[a x="1"`, "[a x=\"\xff\"]", `[] =""\`} {
		f.Add([]byte(s))
	}
	p, err := logspan.NewParser("syslog5424")
	if err != nil {
		f.Fatal(err)
	}
	defer p.Close()
	f.Fuzz(func(t *testing.T, sd []byte) {
		walkSD(t, sd)
		line := append([]byte("<13>1 - - - - - "), sd...)
		out := make([]logspan.Span, logspan.SyslogFields)
		if _, err := p.Parse(line, out); err == nil {
			got := out[logspan.SyslogFieldStructuredData].Bytes(line)
			it := logspan.NewSDIter(got)
			for it.Next() {
			}
			if it.Err() != nil {
				t.Fatalf("the parser accepts %q but the walk fails: %v", got, it.Err())
			}
		}
	})
}

func TestAppendUnescapedSDValue(t *testing.T) {
	for raw, want := range map[string]string{
		`App\]`:      "App]",
		`a\"b\\c\]d`: `a"b\c]d`,
		`\n \x \`:    `\n \x \`,
		`\\\\`:       `\\`,
		"":           "",
		"caf\u00e9":  "caf\u00e9",
	} {
		got, err := logspan.AppendUnescapedSDValue([]byte("pre:"), []byte(raw))
		if err != nil || string(got) != "pre:"+want {
			t.Errorf("AppendUnescapedSDValue(%q) = %q, %v; want %q", raw, got, err, "pre:"+want)
		}
	}
	// Room enough: appended in place, no new array.
	dst := make([]byte, 2, 64)
	got, err := logspan.AppendUnescapedSDValue(dst, []byte(`x\]y`))
	if err != nil || string(got[2:]) != "x]y" || unsafe.SliceData(got) != unsafe.SliceData(dst) {
		t.Errorf("in place: %q, %v", got, err)
	}
	// raw in the room dst would be decoded into: refused, dst unchanged.
	buf := make([]byte, 0, 16)
	raw := append(buf[1:1], `a\]`...)
	if got, err := logspan.AppendUnescapedSDValue(buf, raw); !errors.Is(err, logspan.ErrInvalidArgument) || len(got) != 0 {
		t.Errorf("overlap: %q, %v", got, err)
	}
}

// Every value of every step decodes as the Rust library decodes it, and
// the decoded form differs from the raw one exactly when Escaped.
func TestSDIterEscapedMatchesDecoding(t *testing.T) {
	sd := []byte(`[a p="plain" q="a\"b" r="x\\y" s="\]" t=""][b]`)
	it := logspan.NewSDIter(sd)
	var buf []byte
	for it.Next() {
		if it.Name() == nil {
			continue
		}
		var err error
		buf, err = logspan.AppendUnescapedSDValue(buf[:0], it.Value())
		if err != nil {
			t.Fatal(err)
		}
		if changed := !bytes.Equal(buf, it.Value()); changed != it.Escaped() {
			t.Errorf("%s: decoded %q from %q, Escaped %v", it.Name(), buf, it.Value(), it.Escaped())
		}
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
}

func ExampleSyslogPriority() {
	p, err := logspan.NewParser("syslog")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	line := []byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event`)
	out := make([]logspan.Span, p.NumFields())
	if _, err := p.Parse(line, out); err != nil {
		log.Fatal(err)
	}
	facility, severity, err := logspan.SyslogPriority(out[logspan.SyslogFieldPriority].Bytes(line))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("facility", facility, "severity", severity) // local4.notice
	// Output:
	// facility 20 severity 5
}

func ExampleSDIter() {
	p, err := logspan.NewParser("syslog")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	line := []byte(`<165>1 2003-10-11T22:14:15.003Z host app - ID47 [exampleSDID@32473 iut="3" eventSource="App\]"][origin] An event`)
	out := make([]logspan.Span, p.NumFields())
	if _, err := p.Parse(line, out); err != nil {
		log.Fatal(err)
	}
	sd := out[logspan.SyslogFieldStructuredData].Bytes(line)

	var value []byte // reused: decoding allocates only when it must grow
	it := logspan.NewSDIter(sd)
	for it.Next() {
		if it.ElementStart() {
			fmt.Printf("[%s]\n", it.ID())
		}
		if it.Name() == nil {
			continue // an element without parameters
		}
		value, err = logspan.AppendUnescapedSDValue(value[:0], it.Value())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("  %s = %q (raw %s)\n", it.Name(), value, it.Value())
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [exampleSDID@32473]
	//   iut = "3" (raw 3)
	//   eventSource = "App]" (raw App\])
	// [origin]
}
