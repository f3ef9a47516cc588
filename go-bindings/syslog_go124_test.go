//go:build go1.24

package logspan

import "testing"

// With the noescape directives of cgo_go124.go, decoding PRI, walking
// STRUCTURED-DATA and unescaping its values allocate nothing: the results
// and the iterator stay on the stack. (Without cgo, the wasm backend
// copies through the module's memory: nothing escapes either.)
func TestSyslogHelpersAllocateNothing(t *testing.T) {
	skipIfInterpreted(t)
	pri := []byte("165")
	sd := []byte(`[exampleSDID@32473 iut="3" eventSource="App\]" eventID="1011"][origin][meta x="y"]`)
	dst := make([]byte, 0, len(sd))
	allocs := testing.AllocsPerRun(200, func() {
		if f, s, err := SyslogPriority(pri); err != nil || f != 20 || s != 5 {
			t.Fatalf("SyslogPriority: %d %d %v", f, s, err)
		}
		steps := 0
		it := NewSDIter(sd)
		for it.Next() {
			steps++
			if it.Escaped() {
				var err error
				if dst, err = AppendUnescapedSDValue(dst[:0], it.Value()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if steps != 5 || it.Err() != nil {
			t.Fatalf("walk: %d steps, %v", steps, it.Err())
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}
