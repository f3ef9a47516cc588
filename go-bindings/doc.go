// Package logspan parses log lines (nginx/Apache access logs, JSON lines)
// without copying them: it reports where each field is in your bytes, and
// you decide what to copy or convert.
//
// The parsers are the Rust library logspan, linked statically through its
// C ABI (logspan.h) with cgo. They validate each line completely (a JSON
// line cut in half is an error, not a half-filled record), run in time
// linear in the input whatever it is, and allocate nothing per line; so
// does this package on its fast paths. Compared with encoding/json or a
// regexp with submatches, that removes the allocations and most of the
// time per line (run `make demo` for the figures on this machine).
//
// # Which API
//
//   - Reader: lines of an io.Reader (a file, a pipe), a batch per cgo call.
//     Start here.
//   - Batch: lines already in memory, a batch per cgo call. Reader is built
//     on it.
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
