//go:build go1.24 && cgo && !logspan_wasm

package logspan

// Go 1.24 and newer: tell cgo that the hot C functions neither keep the
// pointers they are given (noescape) nor call back into Go (nocallback),
// both true by the C ABI's contract. With both, cgo stops forcing their
// pointer arguments to the heap, so a caller's stack arrays (say a
// `var out [FastFields]Span`) stay on the stack: 0 allocations instead of 1
// per call. Go 1.22 and 1.23 reject the directives outright, hence the
// build constraint.
//
// cgo merges these directives across every file of the package before it
// writes the call stubs, so they may live here, apart from the calls
// (checked by TestNoescapeKeepsCallerArraysOnStack).

/*
#cgo noescape log_parse_fast
#cgo nocallback log_parse_fast
#cgo noescape log_parser_parse
#cgo nocallback log_parser_parse
#cgo noescape log_parser_parse_batch
#cgo nocallback log_parser_parse_batch
#cgo noescape log_value_i64
#cgo nocallback log_value_i64
#cgo noescape log_value_u64
#cgo nocallback log_value_u64
#cgo noescape log_value_f64
#cgo nocallback log_value_f64
#cgo noescape log_value_bool
#cgo nocallback log_value_bool
#cgo noescape log_time_rfc3339
#cgo nocallback log_time_rfc3339
#cgo noescape log_time_clf
#cgo nocallback log_time_clf
#cgo noescape log_time_rfc3164
#cgo nocallback log_time_rfc3164
#cgo noescape log_unescape_json
#cgo nocallback log_unescape_json
#cgo noescape log_unescape_logfmt
#cgo nocallback log_unescape_logfmt
#cgo noescape log_unescape_access
#cgo nocallback log_unescape_access
#cgo noescape log_syslog_priority
#cgo nocallback log_syslog_priority
#cgo noescape log_syslog_sd_next
#cgo nocallback log_syslog_sd_next
#cgo noescape log_syslog_unescape_param
#cgo nocallback log_syslog_unescape_param
*/
import "C"
