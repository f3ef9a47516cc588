#!/usr/bin/env bash
# The WebAssembly build of logspan that the Go package runs, under wazero,
# when it is built without cgo (CGO_ENABLED=0, or -tags logspan_wasm):
# go-bindings/wasm/logspan.wasm, embedded with go:embed, and its manifest.
#
#   scripts/wasm.sh build    build the module and write go-bindings/wasm/logspan.wasm
#                            and go-bindings/wasm/MANIFEST (`make wasm`, `make prebuilt`)
#   scripts/wasm.sh check    fail when the module is older than the Rust sources, or
#                            is not the one the manifest records (`make test-prebuilt`)
#   scripts/wasm.sh verify   rebuild into a temporary directory and compare the bytes
#
# How it is built:
#   1. cargo rustc --release --lib --crate-type cdylib --target wasm32-wasip1,
#      into target/wasm. The C ABI's #[no_mangle] functions (src/ffi.rs) are
#      the module's exports, with log_wasm_alloc/log_wasm_free (src/wasm.rs)
#      for the host to make room in the module's memory. panic = "abort":
#      the wasm32-wasip1 std has no unwinding (a build with the release
#      profile's "unwind" contains no exception-handling instructions either),
#      so a panic is a trap, which the Go side turns into ErrPanic before
#      throwing the instance away. simd128 (WebAssembly 2.0's 128-bit SIMD,
#      which wazero's compiler and interpreter implement) lets memchr use
#      its wasm32 SIMD code, and the crate's own engine its `simd128`
#      level (src/simd/wasm32.rs, and logfmt's own classifier). No debug
#      info, registry paths remapped,
#      --locked: two builds of the same sources with the same rustc and
#      wasm-opt give the same bytes.
#   2. wasm-opt -Oz (binaryen; Debian's package is enough): the features are
#      those the module declares (SIMD, bulk memory, sign-ext, non-trapping
#      float-to-int, multi-value, reference types, mutable globals) minus
#      extended-const, which wazero does not enable by default: the output
#      is checked to be valid without it. Debug info and the producers
#      section are stripped. Exports are roots for wasm-opt, so none is
#      removed: the build checks that every function of logspan.h is
#      exported.
#   3. go-bindings/wasm/MANIFEST records the crate and ABI versions, rustc,
#      wasm-opt, the recipe, the sha256 of the sources (the same files as
#      go-bindings/lib/MANIFEST: scripts/prebuilt.sh source-lines), and the
#      sha256 and size of the module, before and after wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."

OUTDIR=go-bindings/wasm
WASM=$OUTDIR/logspan.wasm
MANIFEST=$OUTDIR/MANIFEST
TRIPLE=wasm32-wasip1
# Part of the source hash: changing how the module is built makes it stale.
RECIPE="v1 cargo rustc --release --lib --locked --target $TRIPLE --crate-type cdylib; CARGO_PROFILE_RELEASE_PANIC=abort; CARGO_PROFILE_RELEASE_DEBUG=0; -C target-feature=+simd128; remap registry; wasm-opt -Oz --disable-extended-const --strip-debug --strip-producers"
WASM_OPT_FLAGS=(-Oz --disable-extended-const --strip-debug --strip-producers)
CARGO=${CARGO:-cargo}
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}

die() { echo "wasm: $*" >&2; exit 1; }

source_lines() { scripts/prebuilt.sh source-lines; }
source_hash() { { echo "recipe $RECIPE"; source_lines; } | sha256sum | cut -d' ' -f1; }
crate_version() { sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1; }
abi_version() { sed -n 's/^pub const LOG_ABI_VERSION: u32 = \([0-9]*\);$/\1/p' src/ffi.rs; }
manifest_get() { sed -n "s/^$1 //p" "$MANIFEST" | head -1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

need_tools() {
  command -v rustup >/dev/null || die "rustup not found: the $TRIPLE target is installed with rustup"
  # Idempotent: adds the target only when it is missing.
  rustup target list --installed 2>/dev/null | grep -qx "$TRIPLE" || rustup target add "$TRIPLE"
  command -v wasm-opt >/dev/null || die "wasm-opt not found: install binaryen (apt-get install binaryen)"
}

# build_into DIR TARGET_DIR: DIR/logspan.wasm (optimised) and DIR/raw.wasm.
build_into() {
  local dir=$1 target_dir=$2 raw
  mkdir -p "$dir"
  echo "wasm: cargo rustc --target $TRIPLE --crate-type cdylib (into ${target_dir#"$PWD"/})" >&2
  CARGO_TARGET_DIR=$target_dir \
  CARGO_PROFILE_RELEASE_PANIC=abort \
  CARGO_PROFILE_RELEASE_DEBUG=0 \
  RUSTFLAGS="-C target-feature=+simd128 --remap-path-prefix=$CARGO_HOME/registry/src=/cargo/registry/src" \
    "$CARGO" rustc --quiet --release --lib --locked --target "$TRIPLE" --crate-type cdylib
  raw=$target_dir/$TRIPLE/release/logspan.wasm
  [ -f "$raw" ] || die "cargo did not write $raw"
  cp "$raw" "$dir/raw.wasm"
  echo "wasm: wasm-opt ${WASM_OPT_FLAGS[*]}" >&2
  wasm-opt "${WASM_OPT_FLAGS[@]}" "$dir/raw.wasm" -o "$dir/logspan.wasm"
  check_exports "$dir/logspan.wasm"
}

# Every function of the C API (logspan.h), the ABI symbol and the host's
# allocator must be exported.
check_exports() {
  local want got missing
  want=$(sed -n 's/^[a-zA-Z_][a-zA-Z0-9_ *]*[ *]\(log[a-z_0-9]*\)(.*/\1/p' include/logspan.h | LC_ALL=C sort -u)
  want=$(printf '%s\nlog_wasm_alloc\nlog_wasm_free\nlogspan_abi_v%s\n' "$want" "$(abi_version)" | LC_ALL=C sort -u)
  got=$(wasm-dis "$1" | sed -n 's/^ (export "\([^"]*\)" (func .*/\1/p' | LC_ALL=C sort -u)
  missing=$(LC_ALL=C comm -23 <(echo "$want") <(echo "$got"))
  [ -z "$missing" ] || die "$1 does not export: $(echo $missing)"
  [ "$(echo "$want" | wc -l)" -gt 20 ] || die "found only $(echo "$want" | wc -l) functions in include/logspan.h"
}

cmd_build() {
  need_tools
  local hash_before try
  work=$(mktemp -d) # global: the EXIT trap reads it after this function returns
  trap 'rm -rf "$work"' EXIT
  # The sources may change while cargo runs (as in scripts/prebuilt.sh):
  # record the hash only if it held for the whole build.
  for try in 1 2 3; do
    hash_before=$(source_hash)
    build_into "$work" "$PWD/target/wasm"
    [ "$(source_hash)" = "$hash_before" ] && break
    [ "$try" = 3 ] && die "the sources kept changing during the build: run 'make wasm' again"
    echo "wasm: the sources changed during the build: building again" >&2
  done
  mkdir -p "$OUTDIR"
  cp "$work/logspan.wasm" "$WASM.tmp" && mv "$WASM.tmp" "$WASM"
  {
    echo "# What logspan.wasm in this directory was built from. Written by"
    echo "# 'make wasm' / 'make prebuilt' (scripts/wasm.sh build); checked by"
    echo "# 'make test-prebuilt' (scripts/wasm.sh check) and by the Go tests"
    echo "# of the no-cgo path (TestWasmModuleMatchesManifest). Do not edit."
    echo "format 1"
    echo "crate_version $(crate_version)"
    echo "abi_version $(abi_version)"
    echo "abi_symbol logspan_abi_v$(abi_version)"
    echo "rustc $(rustc --version | sed 's/^rustc //')"
    echo "wasm_opt $(wasm-opt --version)"
    echo "recipe $RECIPE"
    echo "source_sha256 $hash_before"
    echo "unoptimized $(sha "$work/raw.wasm") $(size "$work/raw.wasm")"
    echo "wasm logspan.wasm $(sha "$WASM") $(size "$WASM")"
    source_lines
  } >"$MANIFEST.tmp"
  mv "$MANIFEST.tmp" "$MANIFEST"
  printf 'wasm: %s  %s bytes (%s before wasm-opt)  sha256 %s\n' \
    "$WASM" "$(size "$WASM")" "$(size "$work/raw.wasm")" "$(sha "$WASM")"
}

cmd_check() {
  [ -f "$MANIFEST" ] || die "$MANIFEST is missing: run 'make wasm'"
  local fail=0 want got rec_sha rec_size
  want=$(manifest_get source_sha256)
  got=$(source_hash)
  if [ "$want" != "$got" ]; then
    echo "FAIL: $WASM is stale: the Rust sources changed since it was built:" >&2
    scripts/prebuilt.sh changed-sources "$MANIFEST" >&2
    grep -qxF "recipe $RECIPE" "$MANIFEST" || echo "        (and the build recipe changed)" >&2
    echo "      Run 'make wasm' (or 'make prebuilt') and commit $OUTDIR/." >&2
    fail=1
  fi
  [ "$(manifest_get crate_version)" = "$(crate_version)" ] || {
    echo "FAIL: $MANIFEST says crate $(manifest_get crate_version), Cargo.toml says $(crate_version): run 'make wasm'" >&2; fail=1; }
  [ "$(manifest_get abi_version)" = "$(abi_version)" ] || {
    echo "FAIL: $MANIFEST says ABI $(manifest_get abi_version), src/ffi.rs says $(abi_version): run 'make wasm'" >&2; fail=1; }
  read -r _ rec_sha rec_size < <(manifest_get wasm)
  if [ ! -f "$WASM" ]; then
    echo "FAIL: $WASM is missing: run 'make wasm'" >&2; fail=1
  elif [ "$(sha "$WASM")" != "$rec_sha" ] || [ "$(size "$WASM")" != "$rec_size" ]; then
    echo "FAIL: $WASM is not the module 'make wasm' recorded (sha256 $(sha "$WASM"), manifest $rec_sha)" >&2; fail=1
  fi
  if git rev-parse --git-dir >/dev/null 2>&1 && git check-ignore -q "$WASM"; then
    echo "FAIL: $WASM is ignored by git (.gitignore): it must be committed" >&2; fail=1
  fi
  [ $fail = 0 ] || exit 1
  echo "wasm: $WASM matches the sources (source sha256 ${want:0:16}..., $rec_size bytes)"
}

cmd_verify() {
  [ -f "$MANIFEST" ] || die "$MANIFEST is missing: run 'make wasm'"
  need_tools
  local want got
  tmp=$(mktemp -d) # global: the EXIT trap reads it after this function returns
  trap 'rm -rf "$tmp"' EXIT
  [ "$(manifest_get rustc)" = "$(rustc --version | sed 's/^rustc //')" ] ||
    echo "wasm: warning: built with rustc $(manifest_get rustc), this is $(rustc --version): hashes will differ" >&2
  [ "$(manifest_get wasm_opt)" = "$(wasm-opt --version)" ] ||
    echo "wasm: warning: built with $(manifest_get wasm_opt), this is $(wasm-opt --version): hashes will differ" >&2
  build_into "$tmp/out" "$tmp/target"
  read -r _ want _ < <(manifest_get wasm)
  got=$(sha "$tmp/out/logspan.wasm")
  [ "$want" = "$got" ] || die "a fresh build has sha256 $got, the manifest $want (stale module, or a build that is not reproducible)"
  echo "wasm: a fresh build is byte-identical to $WASM ($got)"
}

case ${1:-} in
  build) cmd_build ;;
  check) cmd_check ;;
  verify) cmd_verify ;;
  source-hash) source_hash ;;
  *) echo "usage: $0 build|check|verify|source-hash" >&2; exit 2 ;;
esac
