//go:build cgo && !logspan_wasm

package logspan

// The one place that says how this package builds against liblogspan.
// Every other file that uses C only includes the header.
//
// Which library is linked depends on build tags, one file each:
//
//   - link_prebuilt.go (default): the stripped static library shipped in
//     this module, lib/<GOOS>_<GOARCH>/liblogspan.a, for linux/amd64 and
//     linux/arm64 (glibc). `go get` and a C compiler are enough: no Rust.
//   - link_system.go (-tags logspan_system): -llogspan, a library you built
//     or installed yourself, found on the linker's search path (add
//     CGO_LDFLAGS=-L/dir for another directory).
//   - link_unsupported.go: any other platform without the tag, a compile
//     error that says what to do.
//
// The header is always the module's own copy (logspan.h, byte-identical to
// include/logspan.h, checked by `make header-check`): the Go code is
// written against it.

/*
#cgo CFLAGS: -I${SRCDIR}
#include "logspan.h"

// Link-time ABI check. The library defines logspan_abi_v<N> for the ABI
// version N it implements; this takes the address of the one for this
// header's LOG_ABI_VERSION, so linking a library of another ABI version
// (a stale liblogspan.a, a system library of another release) fails with
// "undefined reference to `logspan_abi_v<N>'" instead of misbehaving at
// run time. `used` keeps the compiler from dropping the unreferenced
// pointer, and with it the reference (`make test-abi-link` checks that a
// library without the symbol does not link).
#define LOGSPAN_ABI_SYMBOL_(v) logspan_abi_v##v
#define LOGSPAN_ABI_SYMBOL(v) LOGSPAN_ABI_SYMBOL_(v)
__attribute__((used)) static void (*const logspan_abi_check)(void) =
	LOGSPAN_ABI_SYMBOL(LOG_ABI_VERSION);
*/
import "C"
