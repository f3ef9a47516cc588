// Command link is `make test-link`: one Go binary that links liblogspan and
// a second Rust staticlib (tests/link, libotherlib.a), calls both, and
// exits non-zero if anything is wrong. That it links at all is the test:
// two Rust staticlibs built with fat LTO fail here with duplicate
// definitions of rust_eh_personality and other std symbols.
package main

/*
#cgo LDFLAGS: -lotherlib -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include <stdint.h>
#include <stddef.h>
int64_t otherlib_count_words(const uint8_t *buf, size_t len);
int64_t otherlib_checked_div(int64_t a, int64_t b);
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"

	logspan "github.com/logspan/logspan/go-bindings"
)

const line = `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "Mozilla/4.08"`

func main() {
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "test-link: FAIL: "+format+"\n", args...)
		os.Exit(1)
	}

	var out [logspan.FastFields]logspan.Span
	if _, err := logspan.ParseFast([]byte(line), &out); err != nil {
		fail("logspan: %v", err)
	}
	if got := string(out[logspan.FieldStatus].Bytes([]byte(line))); got != "200" {
		fail("logspan: status %q, want 200", got)
	}
	// A panic inside logspan is caught at its boundary too; a bad spec
	// takes the library's error path (allocation, formatting).
	if _, err := logspan.NewParser("json:"); err == nil {
		fail("logspan: an empty json spec compiled")
	}

	b := []byte(line)
	if n, want := C.otherlib_count_words((*C.uint8_t)(unsafe.SliceData(b)), C.size_t(len(b))), len(strings.Fields(line)); int(n) != want {
		fail("otherlib: %d words, want %d", n, want)
	}
	if q := C.otherlib_checked_div(7, 2); q != 3 {
		fail("otherlib: 7/2 = %d", q)
	}
	if q := C.otherlib_checked_div(7, 0); q != -1 {
		fail("otherlib: 7/0 = %d, want the caught panic's -1", q)
	}
	fmt.Printf("test-link: liblogspan %s and libotherlib.a linked into one Go binary; both work (a panic in otherlib was caught)\n", logspan.Version())
}
