//go:build go1.24 && cgo && !logspan_wasm

package logspan

import "testing"

// With the noescape/nocallback directives of cgo_go124.go, a caller's
// output arrays stay on its stack. Without them, cgo moves each to the
// heap: one allocation per call. This test is what shows the directives,
// which live in another file than the calls, take effect.
func TestNoescapeKeepsCallerArraysOnStack(t *testing.T) {
	p := mustParser(t, "access")
	line := []byte(accessLine)
	allocs := testing.AllocsPerRun(200, func() {
		var fast [FastFields]Span
		if n, err := ParseFast(line, &fast); err != nil || n != 11 {
			t.Fatalf("ParseFast: %d %v", n, err)
		}
		var out [FastFields]Span
		if n, err := p.Parse(line, out[:]); err != nil || n != 11 {
			t.Fatalf("Parse: %d %v", n, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per call with stack arrays, want 0: the noescape directives did not take effect", allocs)
	}
}
