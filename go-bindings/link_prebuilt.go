//go:build cgo && !logspan_wasm && !logspan_system

package logspan

// The prebuilt libraries shipped in lib/ (see cgo.go). `make prebuilt`
// builds them from the Rust sources, and lib/MANIFEST records what from;
// `make test` fails when they are stale.
//
// The static library is passed by full path rather than -L/-l so that the
// linker cannot silently prefer a same-named shared library elsewhere on
// the system. The extra -l flags are what a Rust staticlib needs on
// linux-gnu (`rustc --print native-static-libs`).

/*
#cgo linux,amd64 LDFLAGS: ${SRCDIR}/lib/linux_amd64/liblogspan.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#cgo linux,arm64 LDFLAGS: ${SRCDIR}/lib/linux_arm64/liblogspan.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
*/
import "C"
