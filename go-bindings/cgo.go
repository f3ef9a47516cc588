package logspan

// The one place that says how to build against liblogspan.a. Every other
// file that uses C only includes the header.
//
// The static library is passed by full path rather than -L/-l so that the
// linker cannot silently prefer a same-named shared library elsewhere on
// the system. The extra -l flags are what a Rust staticlib needs on
// linux-gnu (`rustc --print native-static-libs`).

/*
#cgo CFLAGS: -I${SRCDIR}
#cgo linux,amd64 LDFLAGS: ${SRCDIR}/lib/linux_amd64/liblogspan.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#cgo linux,arm64 LDFLAGS: ${SRCDIR}/lib/linux_arm64/liblogspan.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include "logspan.h"
*/
import "C"
