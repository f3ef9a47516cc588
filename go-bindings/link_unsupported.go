//go:build cgo && !logspan_wasm && !logspan_system && !(linux && (amd64 || arm64))

package logspan

// This module ships liblogspan.a for linux/amd64 and linux/arm64 (glibc)
// only. On any other platform, build the library from the Rust sources and
// link it with -tags logspan_system (see cgo.go and the README).
var _ = logspan_has_no_prebuilt_library_for_this_GOOS_GOARCH__build_it_and_use_tags_logspan_system
