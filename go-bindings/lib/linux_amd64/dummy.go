// Package linux_amd64 holds the prebuilt liblogspan.a for linux/amd64. It has
// no code: the .go file exists so that `go mod vendor` keeps this directory
// (see link_vendor.go).
package linux_amd64
