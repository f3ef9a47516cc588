//go:build go1.24

package logspan

import "testing"

// Only with the noescape directives of cgo_go124.go do the result
// variables of the value functions stay on the stack. (Without cgo, the
// wasm backend copies through the module's memory: nothing escapes either.)
func TestValuesAllocateNothing(t *testing.T) {
	skipIfInterpreted(t)
	num, ts, raw := []byte("12345"), []byte("2024-05-01T12:00:00.5Z"), []byte(`a\"b\u00e9`)
	dst := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(200, func() {
		_, _ = ParseInt(num)
		_, _ = ParseFloat(num)
		_, _ = ParseTimeRFC3339(ts)
		_, _ = AppendUnescapedJSON(dst[:0], raw)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}
