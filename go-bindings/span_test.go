package logspan

import (
	"testing"
	"unsafe"
)

// goSpanLayout is Span's size, alignment and field offsets.
func goSpanLayout() [5]uintptr {
	var s Span
	return [5]uintptr{unsafe.Sizeof(s), unsafe.Alignof(s),
		unsafe.Offsetof(s.Off), unsafe.Offsetof(s.Len), unsafe.Offsetof(s.Flags)}
}

// Spans are copied to and from the WebAssembly module as three
// little-endian uint32 (and C writes them into []Span: span_cgo_test.go).
func TestSpanLayout(t *testing.T) {
	if got := goSpanLayout(); got != [5]uintptr{12, 4, 0, 4, 8} {
		t.Fatalf("Span layout = %v, want 12 bytes of three uint32", got)
	}
}

func TestSpanBytes(t *testing.T) {
	buf := []byte("abcdef")
	cases := []struct {
		name string
		span Span
		want []byte // nil means a nil result
	}{
		{"middle", Span{Off: 1, Len: 3}, []byte("bcd")},
		{"whole", Span{Off: 0, Len: 6}, []byte("abcdef")},
		{"empty but present", Span{Off: 6, Len: 0}, []byte{}},
		{"absent", Span{Off: Absent}, nil},
		{"past the end", Span{Off: 4, Len: 3}, nil},
		{"offset past the end", Span{Off: 7, Len: 0}, nil},
		{"length overflowing uint32", Span{Off: 2, Len: 0xFFFF_FFFF}, nil},
	}
	for _, c := range cases {
		got := c.span.Bytes(buf)
		if (got == nil) != (c.want == nil) || string(got) != string(c.want) {
			t.Errorf("%s: Bytes = %q (nil %v), want %q (nil %v)", c.name, got, got == nil, c.want, c.want == nil)
		}
	}
	// The field's capacity ends with it: appending must not write into
	// the caller's input.
	f := Span{Off: 1, Len: 2}.Bytes(buf)
	_ = append(f, 'X')
	if string(buf) != "abcdef" {
		t.Fatalf("append to a field overwrote the input: %q", buf)
	}
	if (Span{Off: Absent}).Present() || !(Span{Off: 0}).Present() {
		t.Fatal("Present is wrong")
	}
}

func TestSpanFlagsFromJSON(t *testing.T) {
	p := mustParser(t, "json:s,e,n,b,z,o,a,d,missing")
	line := []byte(`{"s":"x","e":"a\"b","n":-1.5e3,"b":true,"z":null,"o":{"k":[1]},"a":[1,{}],"d":1,"d":2}`)
	out := make([]Span, p.NumFields())
	n, err := p.Parse(line, out)
	if err != nil || n != 8 {
		t.Fatalf("Parse = %d, %v; want 8 present", n, err)
	}
	want := []struct {
		text      string
		typ       JSONType
		escaped   bool
		duplicate bool
	}{
		{"x", JSONString, false, false},
		{`a\"b`, JSONString, true, false},
		{"-1.5e3", JSONNumber, false, false},
		{"true", JSONBool, false, false},
		{"null", JSONNull, false, false},
		{`{"k":[1]}`, JSONObject, false, false},
		{"[1,{}]", JSONArray, false, false},
		{"2", JSONNumber, false, true},
	}
	for i, w := range want {
		s := out[i]
		if got := string(s.Bytes(line)); got != w.text || s.JSONType() != w.typ ||
			s.Escaped() != w.escaped || s.Duplicate() != w.duplicate {
			t.Errorf("field %s: %q %v escaped=%v duplicate=%v; want %q %v %v %v", p.FieldName(i),
				got, s.JSONType(), s.Escaped(), s.Duplicate(), w.text, w.typ, w.escaped, w.duplicate)
		}
	}
	if m := out[8]; m.Present() || m != (Span{Off: Absent}) || m.JSONType() != JSONNone {
		t.Errorf("missing key: span %+v, want Absent with no flags", m)
	}
	// Access-log fields carry no JSON type, but do carry escapes.
	var fast [FastFields]Span
	esc := []byte(`1.2.3.4 - - [t] "GET / HTTP/1.1" 200 1 "-" "a \"quoted\" agent"`)
	if _, err := ParseFast(esc, &fast); err != nil {
		t.Fatal(err)
	}
	if ua := fast[FieldUserAgent]; !ua.Escaped() || ua.JSONType() != JSONNone {
		t.Errorf("user agent span %+v: want escaped, no JSON type", ua)
	}
}

func TestJSONTypeString(t *testing.T) {
	names := map[JSONType]string{JSONNone: "none", JSONString: "string", JSONNumber: "number",
		JSONBool: "bool", JSONNull: "null", JSONObject: "object", JSONArray: "array", 7 << 8: "JSONType(1792)"}
	for typ, want := range names {
		if got := typ.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint32(typ), got, want)
		}
	}
}
