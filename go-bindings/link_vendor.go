//go:build logspan_vendor

package logspan

// `go mod vendor` copies only the directories of packages that are
// imported, so without these imports a vendored copy of this module would
// lack lib/ and fail to link (golang/go#26366). The tag is never set: go
// mod vendor considers every build tag, so the imports count for it, while
// builds never compile them. TestVendorKeepsPrebuiltLibraries checks it.
import (
	_ "github.com/logspan/logspan/go-bindings/lib/linux_amd64"
	_ "github.com/logspan/logspan/go-bindings/lib/linux_arm64"
)
