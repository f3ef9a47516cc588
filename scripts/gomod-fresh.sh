#!/usr/bin/env bash
# `make test-gomod-fresh`: the Go module as a user gets it, on a machine
# without Rust.
#
#   - the module is a copy of what git would commit of go-bindings/
#     (tracked and untracked-but-not-ignored files: a .gitignore that hid
#     the prebuilt libraries would show here);
#   - GOPATH, GOMODCACHE and GOCACHE are new empty directories, GOFLAGS and
#     CGO_* are unset, no directory of PATH holds cargo or rustc, and the
#     network is not used: the module's one dependency (wazero, for the
#     no-cgo path, and golang.org/x/sys) comes from a file:// proxy over
#     your module cache's download directory;
#   - a tiny program requires the module through a replace (go mod tidy,
#     as `go get` would), builds and parses lines, with cgo (the prebuilt
#     library) and with CGO_ENABLED=0 (the embedded WebAssembly module);
#     `go install .../cmd/logspan` works and the command runs, both ways;
#   - go mod vendor keeps the prebuilt libraries and the WebAssembly module,
#     and the vendored program builds both ways with the module copy gone.
# FRESH_GOCACHE=0 reuses your build cache (faster; std is not recompiled).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

fail() { echo "test-gomod-fresh: FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# What git would commit of the module.
mkdir -p "$tmp/src"
git ls-files -z --cached --others --exclude-standard -- go-bindings |
  while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue # deleted but still in the index
    mkdir -p "$tmp/src/$(dirname "$f")"
    cp "$f" "$tmp/src/$f"
  done
MOD=$tmp/src/go-bindings
[ -f "$MOD/lib/linux_amd64/liblogspan.a" ] || fail "the module copy has no lib/linux_amd64/liblogspan.a (ignored by git?)"

# PATH without cargo and rustc, with go.
GOBIN_DIR=$(dirname "$(command -v go)")
path=
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && path=${path:+$path:}$d
done
case ":$path:" in *":$GOBIN_DIR:"*) ;; *) path=$path:$GOBIN_DIR ;; esac

gocache=$tmp/gocache
[ "${FRESH_GOCACHE:-1}" = 1 ] || gocache=$(go env GOCACHE)
# The module's dependencies, from the module cache `go test` filled (GOFLAGS
# cleared: the Makefile's are not go mod download's).
(cd go-bindings && GOFLAGS= go mod download) || fail "go mod download in go-bindings"
proxy=file://$(go env GOMODCACHE)/cache/download
clean_env=(env -i "PATH=$path" "HOME=$tmp/home" "TMPDIR=${TMPDIR:-/tmp}"
  "GOPATH=$tmp/gopath" "GOMODCACHE=$tmp/modcache" "GOCACHE=$gocache" "GOBIN=$tmp/bin"
  "GOFLAGS=" "GOPROXY=$proxy" "GOSUMDB=off" "GOTOOLCHAIN=local" "GOENV=off" "CGO_ENABLED=1")
# The same without cgo: the package runs its embedded WebAssembly module.
nocgo_env=("${clean_env[@]}" "CGO_ENABLED=0")
mkdir -p "$tmp/home"
"${clean_env[@]}" bash -c '! command -v cargo && ! command -v rustc' >/dev/null ||
  fail "cargo or rustc still on PATH"

# The tiny program.
mkdir -p "$tmp/app"
cat >"$tmp/app/go.mod" <<EOF
module example.com/app

go 1.25.0

require github.com/logspan/logspan/go-bindings v0.0.0

replace github.com/logspan/logspan/go-bindings => $MOD
EOF
cat >"$tmp/app/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"
	"strings"

	logspan "github.com/logspan/logspan/go-bindings"
)

const input = `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "Mozilla/4.08"
not an access log line
10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] "POST /login HTTP/1.1" 302 - "https://example.com/" "curl/8.5"
`

func main() {
	p, err := logspan.NewParser("combined")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer p.Close()
	status, _ := p.FieldIndex("status")
	path, _ := p.FieldIndex("path")
	r := logspan.NewReader(strings.NewReader(input), p)
	for r.Next() {
		l := r.Line()
		if err := l.Err(); err != nil {
			fmt.Printf("%d error %v\n", l.Number(), l.Code())
			continue
		}
		fmt.Printf("%d %s %s\n", l.Number(), l.Field(status), l.Field(path))
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("logspan", logspan.Version(), logspan.Backend())
}
EOF
check_output() { # check_output LABEL OUTPUT BACKEND
  grep -qx '1 200 /apache_pb.gif' <<<"$2" && grep -q '^2 error ' <<<"$2" &&
    grep -qx '3 302 /login' <<<"$2" && grep -q "^logspan [0-9][^ ]* $3\$" <<<"$2" ||
    fail "$1: unexpected output:
$2"
}

cd "$tmp/app"
# What `go get` does: the module's requirements (wazero) enter go.mod and
# go.sum, checked against the module's go.sum (no checksum database here).
cp "$MOD/go.sum" go.sum
"${clean_env[@]}" go mod tidy || fail "go mod tidy"
echo "test-gomod-fresh: building a program that requires the module (GOCACHE=$gocache)"
"${clean_env[@]}" go build -o app . || fail "go build"
out=$(./app) || fail "the program failed: $out"
check_output "go build" "$out" cgo
echo "$out" | sed 's/^/  /'
echo "test-gomod-fresh: the same with CGO_ENABLED=0 (the embedded WebAssembly module)"
"${nocgo_env[@]}" go build -o app-nocgo . || fail "CGO_ENABLED=0 go build"
out=$(./app-nocgo) || fail "the CGO_ENABLED=0 program failed: $out"
check_output "CGO_ENABLED=0 go build" "$out" wasm
echo "$out" | sed 's/^/  /'

echo "test-gomod-fresh: go install github.com/logspan/logspan/go-bindings/cmd/logspan"
"${clean_env[@]}" go install github.com/logspan/logspan/go-bindings/cmd/logspan || fail "go install"
"$tmp/bin/logspan" -spec access -preview 0 "$ROOT/examples/data/access.log" >"$tmp/report" || fail "logspan failed"
grep -q '^failed  *0 ' "$tmp/report" || fail "logspan report: $(cat "$tmp/report")"
sed -n '3,5p' "$tmp/report" | sed 's/^/  /'
echo "test-gomod-fresh: CGO_ENABLED=0 go install github.com/logspan/logspan/go-bindings/cmd/logspan"
"${nocgo_env[@]}" go install github.com/logspan/logspan/go-bindings/cmd/logspan || fail "CGO_ENABLED=0 go install"
"$tmp/bin/logspan" -spec access -preview 0 "$ROOT/examples/data/access.log" >"$tmp/report" || fail "CGO_ENABLED=0 logspan failed"
grep -q '^failed  *0 ' "$tmp/report" || fail "CGO_ENABLED=0 logspan report: $(cat "$tmp/report")"

echo "test-gomod-fresh: go mod vendor, then build with the module copy removed"
"${clean_env[@]}" go mod vendor || fail "go mod vendor"
for p in linux_amd64 linux_arm64; do
  [ -f "vendor/github.com/logspan/logspan/go-bindings/lib/$p/liblogspan.a" ] ||
    fail "vendor/ lacks lib/$p/liblogspan.a (the dummy-package imports in link_vendor.go?)"
done
[ -f vendor/github.com/logspan/logspan/go-bindings/logspan.h ] || fail "vendor/ lacks logspan.h"
[ -f vendor/github.com/logspan/logspan/go-bindings/wasm/logspan.wasm ] || fail "vendor/ lacks wasm/logspan.wasm"
chmod -R u+w "$tmp/src" && rm -rf "$tmp/src"
rm -f app app-nocgo
"${clean_env[@]}" go build -mod=vendor -o app . || fail "go build -mod=vendor"
out=$(./app) || fail "the vendored program failed: $out"
check_output "vendored build" "$out" cgo
"${nocgo_env[@]}" go build -mod=vendor -o app-nocgo . || fail "CGO_ENABLED=0 go build -mod=vendor"
out=$(./app-nocgo) || fail "the vendored CGO_ENABLED=0 program failed: $out"
check_output "vendored CGO_ENABLED=0 build" "$out" wasm
echo "test-gomod-fresh: ok (no cargo on PATH, clean GOPATH/GOMODCACHE, no network; cgo and CGO_ENABLED=0; vendoring keeps lib/ and wasm/)"
