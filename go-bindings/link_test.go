package logspan

import (
	"bytes"
	"os"
	"testing"
)

// The module carries its own copy of the header (a Go module cannot reach
// outside its directory); it must be byte-identical to include/logspan.h.
// Outside the repository (in the module cache) there is nothing to compare.
func TestHeaderCopyIsIdentical(t *testing.T) {
	want, err := os.ReadFile("../include/logspan.h")
	if os.IsNotExist(err) {
		t.Skip("no ../include/logspan.h: not in the repository")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("logspan.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("go-bindings/logspan.h differs from include/logspan.h: run 'make header'")
	}
}
