// Package linux_arm64 holds the prebuilt liblogspan.a for linux/arm64. It has
// no code: the .go file exists so that `go mod vendor` keeps this directory
// (see link_vendor.go).
package linux_arm64
