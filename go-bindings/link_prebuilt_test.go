//go:build cgo && !logspan_wasm && !logspan_system && linux && (amd64 || arm64)

package logspan

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The library this test binary linked is the prebuilt one for this
// platform (no logspan_system tag): it must be the one lib/MANIFEST
// records, of the version and ABI the manifest says. `make test-prebuilt`
// (and anyone running go test on the module) runs this.
func TestPrebuiltLibraryMatchesManifest(t *testing.T) {
	f, err := os.Open("lib/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	libs := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		switch {
		case key == "" || strings.HasPrefix(key, "#") || key == "source":
		case key == "lib":
			fields := strings.Fields(val) // goos_goarch rust-target sha256 size
			libs[fields[0]] = fields[1:]
		default:
			m[key] = val
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	if got := Version(); got != m["crate_version"] {
		t.Errorf("linked library version %q, manifest %q", got, m["crate_version"])
	}
	lib, header := abiVersions()
	if want := m["abi_version"]; strconv.Itoa(int(lib)) != want || strconv.Itoa(int(header)) != want {
		t.Errorf("ABI: library %d, header %d, manifest %s", lib, header, want)
	}

	plat := runtime.GOOS + "_" + runtime.GOARCH
	rec, ok := libs[plat]
	if !ok {
		t.Fatalf("the manifest has no library for %s", plat)
	}
	data, err := os.ReadFile("lib/" + plat + "/liblogspan.a")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != rec[1] || strconv.Itoa(len(data)) != rec[2] {
		t.Errorf("lib/%s/liblogspan.a: sha256 %s, %d bytes; manifest %s, %s bytes: run 'make prebuilt'",
			plat, got, len(data), rec[1], rec[2])
	}
}
