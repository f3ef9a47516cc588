//go:build cgo && !logspan_wasm

package logspan

import "testing"

func TestSpanLayoutMatchesC(t *testing.T) {
	// C writes spans straight into []Span, so the layouts must agree. The
	// build already refuses a mismatch (backend_cgo.go); this states the
	// figures.
	if got, want := goSpanLayout(), cSpanLayout(); got != want {
		t.Fatalf("Span layout (size, align, Off, Len, Flags) = %v, C LogSpan = %v", got, want)
	}
}

// skipIfInterpreted: the cgo backend allocates nothing per call anywhere.
func skipIfInterpreted(testing.TB) {}
