// Package logspan parses log lines (nginx/Apache access logs, JSON lines)
// without copying them: it reports where each field is in your bytes, and
// you decide what to copy or convert.
//
// The parsers are the Rust library logspan, linked statically through its
// C ABI (logspan.h) with cgo, or, in a build without cgo, the same library
// compiled to WebAssembly and run in pure Go (see "Without cgo" below).
// They validate each line completely (a JSON
// line cut in half is an error, not a half-filled record), run in time
// linear in the input whatever it is, and allocate nothing per line; so
// does this package on its fast paths. Compared with encoding/json or a
// regexp with submatches, that removes the allocations and most of the
// time per line (run `make demo` for the figures on this machine).
//
// # Which API
//
//   - Reader: lines of an io.Reader (a file, a pipe), a batch per call
//     into the library. Start here.
//   - Batch: lines already in memory, a batch per call into the library.
//     Reader is built on it.
//   - Parser.Parse and ParseFast: one line per call, the slow path. Each
//     call crosses from Go into C, which costs 25-40 ns depending on the Go
//     version and machine (27 ns with Go 1.26 on the 2-vCPU machine this
//     was written on; Go before 1.26 is slower); a Batch pays it once per
//     batch. The shorter the lines, the more it matters. Use them for the
//     odd line, not for volume.
//
// A Parser is compiled from a spec: "access", "combined" or "common" for
// access logs, "json:time,level,msg,http.status" for JSON lines (one field
// per path), and others (see NewParser). Fields are read by index; resolve
// names once with FieldIndex.
//
// # Lifetimes
//
// Every field is a sub-slice of bytes you passed in (zero-copy). It is
// valid as long as you keep those bytes unchanged: copy it (string(b),
// bytes.Clone) to keep it longer, or before reusing the buffer.
//
// The results of Batch.Parse, and the Lines taken from them, are valid
// until the next Parse on that Batch: the Batch reuses its arrays. A
// Reader's Line is valid until the next call to Next: the Reader reuses
// its buffer.
//
// # Pointers and cgo
//
// The package passes C only Go memory that holds no Go pointers (byte
// slices, and arrays of Span and of C's line records), as the cgo
// pointer-passing rules require; spans are offsets, not pointers, so what
// C writes back holds no pointers either. Slices are passed with
// unsafe.SliceData, never &b[0], so that empty and nil slices are legal
// arguments (C reads (NULL, 0) as empty). C keeps nothing after a call
// returns, so nothing needs pinning. After each call that uses a Parser,
// runtime.KeepAlive keeps the Parser reachable, so its finalizer cannot
// free the C parser while C is still using it. The tests run under -race
// and GOEXPERIMENT=cgocheck2.
//
// On Go 1.24 and newer the hot functions are declared noescape and
// nocallback to cgo (cgo_go124.go), which lets a caller's stack arrays,
// such as a [FastFields]Span for ParseFast, stay on the stack.
//
// # Without cgo
//
// Built with CGO_ENABLED=0 (or with -tags logspan_wasm, which forces it
// in a cgo build, to compare the two), the package runs the library
// compiled to WebAssembly (wasm/logspan.wasm, embedded in the package
// with go:embed, built from the same Rust sources by `make wasm`) with
// wazero, a WebAssembly runtime written in Go. No C compiler, no cgo, no
// prebuilt library: any GOOS/GOARCH builds. Backend reports which one a
// program got ("cgo" or "wasm"). The API, the results and the errors are
// the same; what differs is the cost:
//
//   - Speed: about 2 to 3 times the time per line of the cgo build on
//     amd64 (BENCHMARKS.md, in a Batch: access logs 280 ns a line instead
//     of 151, JSON 857 instead of 335, logfmt 410 instead of 198, syslog
//     476 instead of 192), still 6 to 11 times faster than regexp and 3
//     times faster than encoding/json. wazero compiles the module to
//     machine code on amd64 and arm64 (Linux, macOS, Windows, FreeBSD);
//     elsewhere it interprets it, many times slower, and allocates per call.
//   - First use: the module is compiled once per process, on the first call
//     that needs it: one to several seconds (most of a minute under -race).
//     Set LOGSPAN_WASM_CACHE_DIR to a directory to keep the compiled code
//     there for the next process (tens of milliseconds then).
//     LOGSPAN_WASM_INTERPRETER=1 selects the interpreter (for tests).
//   - Copies: the module cannot read Go memory, so each call copies its
//     input into the module's memory and the spans and line records out of
//     it: once per call, so once per batch for a Batch or a Reader, never
//     per line. A Batch copies about as many bytes as its lines will take,
//     not the whole rest of a long buffer. Returned fields are still
//     sub-slices of your input: spans are offsets, which mean the same in
//     the copy; only the bytes copied into the module are copies, and your
//     bytes are never written.
//   - Memory: an instance of the module holds a linear memory of its own
//     (about 1 MiB at first, growing to the largest input it was given).
//     An instance runs one call at a time, so calls take one from a pool
//     and put it back: as many instances as goroutines parse at once, at
//     most max(4, GOMAXPROCS) kept idle, none kept that grew past 256 MiB.
//     A Parser is compiled in each instance that uses it, on first use
//     there; Close frees it in all of them.
//   - Limits: one call's input, spans and line records share the module's
//     32-bit memory (4 GiB, 1 GiB on 32-bit hosts): a line that does not
//     fit is ErrLineTooLong, from Batch.Parse with its line number, never
//     cut. A 64 MiB line (the Reader's default limit) is fine.
//   - Panics: a panic in the library is a trap in WebAssembly. The call
//     returns ErrPanic, as with cgo, and the instance is thrown away, never
//     reused; the next call gets a fresh one.
//
// Nothing else changes: no allocation per call on the compiler (a Batch
// parse allocates nothing), the same errors, the same lifetimes, and a
// Parser is safe for concurrent use as before.
//
// # Concurrency
//
// A Parser is immutable: any number of goroutines may use one at once.
// Close it once, when none uses it any more (a finalizer frees a forgotten
// one). A Batch or a Reader holds the results of its last parse and is
// for one goroutine at a time; give each goroutine its own, sharing the
// Parser.
//
// # Errors
//
// A line that does not parse gives an *Error, whose Code says why
// (errors.Is(err, ErrJSONTruncated)) and, from a Batch or Reader, which
// line of the stream it was. Bad input never panics.
package logspan
