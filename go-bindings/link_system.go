//go:build cgo && !logspan_wasm && logspan_system

package logspan

// -tags logspan_system: link a liblogspan you built or installed yourself
// (see cgo.go), e.g. after
//
//	cargo build --release --lib
//	CGO_LDFLAGS=-L$PWD/target/release go build -tags logspan_system ./...
//
// With both liblogspan.a and liblogspan.so in one directory the linker
// takes the .so. The library must implement this module's ABI version:
// linking one that does not fails (see cgo.go).

/*
#cgo LDFLAGS: -llogspan -lgcc_s -lutil -lrt -lpthread -lm -ldl
*/
import "C"
