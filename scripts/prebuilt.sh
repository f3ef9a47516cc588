#!/usr/bin/env bash
# The prebuilt static libraries of the Go module (go-bindings/lib/), and
# the manifest that ties them to the sources they were built from.
#
#   scripts/prebuilt.sh build    rebuild every platform's liblogspan.a and
#                                rewrite go-bindings/lib/MANIFEST (`make prebuilt`)
#   scripts/prebuilt.sh check    cheap: fail when the sources changed since the
#                                libraries were built, or a library is not the one
#                                the manifest records (`make test-prebuilt`)
#   scripts/prebuilt.sh verify   slow: rebuild from scratch in a temporary target
#                                directory and compare the sha256 of each library
#                                with the manifest (`make prebuilt-verify`)
#   scripts/prebuilt.sh localize IN.a OUT.a [TOOL-PREFIX]
#                                the post-processing step alone (`make test-link`)
#
# What is shipped is not cargo's liblogspan.a as is: it is post-processed
# into an archive of ONE object whose only global symbols are the C API
# (log_*, logspan_*), so that it links next to any other Rust staticlib:
#   1. strip --strip-debug, and drop the embedded LLVM bitcode (.llvmbc,
#      .llvmcmd: only of use to a cross-language LTO link, 2/3 of the size);
#   2. ld -r --gc-sections -u <each API function>: one relocatable object
#      holding only the code reachable from the C API (std included);
#   3. objcopy --keep-global-symbols=<API>: every other symbol (std's
#      rust_eh_personality, allocator shims, core/alloc functions ...)
#      becomes local; the COMDAT group DW.ref.rust_eh_personality, which the
#      linker would merge with another Rust library's, is renamed; the weak
#      libc references (pidfd_spawnp ...) that ld -r --gc-sections turns
#      strong are made weak again.
# Why: a Rust staticlib carries its own copy of std. Two of them in one
# program clash (multiple definition of rust_eh_personality and, when one
# was built with thin or fat LTO, of hundreds of std functions) unless
# both were built without LTO. `make test-link` links the result next to a
# thin-LTO Rust staticlib in one Go binary; `make link-matrix` shows every
# LTO combination with and without this step.
#
# Reproducibility. Two builds of the same sources with the same rustc give
# byte-identical archives because:
#   - every build passes --target (host and cross builds take the same path)
#     into its own target directory (target/prebuilt), with --locked;
#   - registry paths, which end up in panic-location strings, are remapped
#     (--remap-path-prefix) to a fixed prefix; the crate's own paths are
#     already relative (src/...) and std's are /rustc/<commit>/...;
#   - no debug info is generated for the crate (CARGO_PROFILE_RELEASE_DEBUG=0);
#   - ar runs in deterministic mode (D: zero timestamps, uids, modes);
#   - nothing reads the clock or the environment (no build.rs).
# The compiler version does change the output: the manifest records it, and
# `verify` warns when the local one differs.
#
# LTO. cargo does not apply the release profile's `lto` to this crate: its
# crate-type includes rlib, which cannot be LTO-compiled, so the staticlib
# is built without LTO whatever the profile says. After step 3 it would
# not matter either way.
set -euo pipefail
cd "$(dirname "$0")/.."

LIBDIR=go-bindings/lib
MANIFEST=$LIBDIR/MANIFEST
# GOOS_GOARCH:rust-target:binutils-prefix, one per shipped library. The
# binutils are the cross ones for both, so the build host's own do not matter
# (Debian: binutils-x86-64-linux-gnu, binutils-aarch64-linux-gnu).
PLATFORMS=(
  "linux_amd64:x86_64-unknown-linux-gnu:x86_64-linux-gnu-"
  "linux_arm64:aarch64-unknown-linux-gnu:aarch64-linux-gnu-"
)
# Changing how the libraries are built changes this string, which is part of
# the source hash: the libraries then count as stale until rebuilt.
RECIPE="v2 cargo build --release --lib --locked --target T; CARGO_PROFILE_RELEASE_DEBUG=0; remap registry; strip --strip-debug -R .llvmbc -R .llvmcmd; ld -r --gc-sections -u API; objcopy --keep-global-symbols=API; ar rcsD"
CARGO=${CARGO:-cargo}
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}

die() { echo "prebuilt: $*" >&2; exit 1; }

# The files whose content decides what the libraries contain, sorted.
source_files() {
  { find src -type f; ls Cargo.toml Cargo.lock; if [ -f build.rs ]; then echo build.rs; fi; } | LC_ALL=C sort
}

# One line per source file: "source <sha256> <path>".
source_lines() {
  source_files | while read -r f; do
    echo "source $(sha256sum "$f" | cut -d' ' -f1) $f"
  done
}

# sha256 of the recipe and of every source file's path and content.
source_hash() {
  { echo "recipe $RECIPE"; source_lines; } | sha256sum | cut -d' ' -f1
}

# The sources that changed since MANIFEST was written, one per line
# ("new", "changed" or "removed" and the path): its "source <sha256>
# <path>" lines against the current ones. Shared with scripts/wasm.sh.
changed_sources() {
  { grep '^source ' "$1" | sed 's/^/old /'; source_lines | sed 's/^/new /'; } |
    awk '$1 == "old" { old[$4] = $3 } $1 == "new" { cur[$4] = $3 }
         END {
           for (f in cur) if (!(f in old)) print "        new      " f
             else if (old[f] != cur[f]) print "        changed  " f
           for (f in old) if (!(f in cur)) print "        removed  " f
         }' | LC_ALL=C sort -k2
}

crate_version() { sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1; }
abi_version() { sed -n 's/^pub const LOG_ABI_VERSION: u32 = \([0-9]*\);$/\1/p' src/ffi.rs; }
rustc_version() { rustc --version | sed 's/^rustc //'; }
manifest_get() { sed -n "s/^$1 //p" "$MANIFEST" | head -1; }

# localize IN.a OUT.a [PREFIX]: steps 1-3 of the header comment; PREFIX is
# the binutils prefix (x86_64-linux-gnu-, aarch64-linux-gnu-, or none).
# LOCALIZE_CRATE and LOCALIZE_API (a grep -E pattern) let `make test-link`
# apply the same steps to its second library.
cmd_localize() {
  local crate=${LOCALIZE_CRATE:-logspan} api_re=${LOCALIZE_API:-'^(log|logspan)_'}
  local in=$1 out=$2 pfx=${3:-} work t
  for t in strip ld objcopy ar nm; do
    command -v "${pfx}$t" >/dev/null || die "${pfx}$t not found (make prebuilt installs the binutils it needs)"
  done
  work=$(mktemp -d)
  # Bitcode first: some hosts' bfd plugins (LLVMgold) choke on it in ld and ar.
  "${pfx}strip" --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd \
    -o "$work/in.a" "$in"
  # The C API: every global, unmangled symbol of the crate's own object.
  (cd "$work" && mkdir x && cd x && "${pfx}ar" x ../in.a)
  "${pfx}nm" -g --defined-only "$work"/x/"$crate"-*.o 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TDRB]$/ {print $3}' |
    { grep -E "$api_re" || true; } | LC_ALL=C sort -u >"$work/api"
  [ -s "$work/api" ] || die "$in: no global symbol matches $api_re in the $crate object"
  [ "$crate" != logspan ] || grep -qx 'logspan_abi_v[0-9]*' "$work/api" || die "$in: no logspan_abi_v<N> symbol"
  # Weak undefined references (libc functions std looks up optionally), which
  # ld -r --gc-sections makes strong: they must stay weak.
  "${pfx}nm" "$work/in.a" 2>/dev/null | awk '$1 == "w" || $1 == "v" {print $2}' | LC_ALL=C sort -u >"$work/weak"
  "${pfx}nm" "$work/in.a" 2>/dev/null | awk '$1 == "U" {print $2}' | LC_ALL=C sort -u >"$work/strong"
  "${pfx}ld" -r --gc-sections $(sed 's/^/-u /' "$work/api") -o "$work/logspan.o" "$work/in.a"
  "${pfx}objcopy" --keep-global-symbols="$work/api" \
    $(LC_ALL=C comm -23 "$work/weak" "$work/strong" | sed 's/^/--weaken-symbol=/') \
    --redefine-sym DW.ref.rust_eh_personality=DW.ref.logspan_rust_eh_personality \
    "$work/logspan.o"
  rm -f "$out"
  mkdir -p "$(dirname "$out")"
  (cd "$work" && "${pfx}ar" rcsD out.a logspan.o)
  mv "$work/out.a" "$out"
  # Nothing but the API may be global.
  local extra
  extra=$("${pfx}nm" -g --defined-only "$out" | awk 'NF == 3 {print $3}' | LC_ALL=C sort | comm -23 - "$work/api")
  rm -rf "$work"
  [ -z "$extra" ] || die "$out: globals besides the C API: $extra"
}

# build_one OUTDIR TARGET_DIR PLATFORM: build one platform's archive into OUTDIR/<goos_goarch>/.
build_one() {
  local outdir=$1 target_dir=$2 plat=$3 goarch triple pfx
  IFS=: read -r goarch triple pfx <<<"$plat"
  rustup target list --installed 2>/dev/null | grep -x "$triple" >/dev/null || rustup target add "$triple"
  echo "prebuilt: building $goarch ($triple)" >&2
  CARGO_TARGET_DIR=$target_dir \
  CARGO_PROFILE_RELEASE_DEBUG=0 \
  RUSTFLAGS="--remap-path-prefix=$CARGO_HOME/registry/src=/cargo/registry/src" \
    "$CARGO" build --quiet --release --lib --locked --target "$triple"
  cmd_localize "$target_dir/$triple/release/liblogspan.a" "$outdir/$goarch/liblogspan.a" "$pfx"
}

lib_line() { # lib_line OUTDIR PLATFORM -> "lib <goos_goarch> <triple> <sha256> <bytes>"
  local goarch triple pfx f
  IFS=: read -r goarch triple pfx <<<"$2"
  f=$1/$goarch/liblogspan.a
  echo "lib $goarch $triple $(sha256sum "$f" | cut -d' ' -f1) $(stat -c %s "$f")"
}

cmd_build() {
  local hash_before plat try
  # The sources may be edited while cargo runs: record the hash only if it
  # held for the whole build, else build again.
  for try in 1 2 3; do
    hash_before=$(source_hash)
    for plat in "${PLATFORMS[@]}"; do
      build_one "$LIBDIR" "$PWD/target/prebuilt" "$plat"
    done
    [ "$(source_hash)" = "$hash_before" ] && break
    [ "$try" = 3 ] && die "the sources kept changing during the build: run 'make prebuilt' again"
    echo "prebuilt: the sources changed during the build: building again" >&2
  done
  {
    echo "# What the prebuilt libraries in this directory were built from."
    echo "# Written by 'make prebuilt' (scripts/prebuilt.sh build); checked by"
    echo "# 'make test-prebuilt' (source hash, library hashes, ABI symbol) and"
    echo "# 'make prebuilt-verify' (rebuild and compare). Do not edit."
    echo "format 1"
    echo "crate_version $(crate_version)"
    echo "abi_version $(abi_version)"
    echo "abi_symbol logspan_abi_v$(abi_version)"
    echo "rustc $(rustc_version)"
    echo "recipe $RECIPE"
    echo "source_sha256 $hash_before"
    for plat in "${PLATFORMS[@]}"; do lib_line "$LIBDIR" "$plat"; done
    source_lines
  } >"$MANIFEST.tmp"
  mv "$MANIFEST.tmp" "$MANIFEST"
  grep '^lib ' "$MANIFEST" | while read -r _ goarch _ sha size; do
    printf 'prebuilt: %s/%s/liblogspan.a  %s bytes  sha256 %s\n' "$LIBDIR" "$goarch" "$size" "$sha"
  done
}

cmd_check() {
  [ -f "$MANIFEST" ] || die "$MANIFEST is missing: run 'make prebuilt'"
  local fail=0 want got goarch triple sha size f abi sym plat
  want=$(manifest_get source_sha256)
  got=$(source_hash)
  if [ "$want" != "$got" ]; then
    echo "FAIL: the prebuilt libraries in $LIBDIR/ are stale: the Rust sources changed" >&2
    echo "      since they were built:" >&2
    changed_sources "$MANIFEST" >&2
    grep -qxF "recipe $RECIPE" "$MANIFEST" || echo "        (and the build recipe changed)" >&2
    echo "      Run 'make prebuilt' and commit go-bindings/lib/." >&2
    fail=1
  fi
  [ "$(manifest_get crate_version)" = "$(crate_version)" ] || {
    echo "FAIL: $MANIFEST says crate $(manifest_get crate_version), Cargo.toml says $(crate_version): run 'make prebuilt'" >&2; fail=1; }
  abi=$(abi_version)
  [ "$(manifest_get abi_version)" = "$abi" ] || {
    echo "FAIL: $MANIFEST says ABI $(manifest_get abi_version), src/ffi.rs says $abi: run 'make prebuilt'" >&2; fail=1; }
  sym=logspan_abi_v$abi
  while read -r _ goarch triple sha size; do
    f=$LIBDIR/$goarch/liblogspan.a
    if [ ! -f "$f" ]; then echo "FAIL: $f is missing: run 'make prebuilt'" >&2; fail=1; continue; fi
    got=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$got" != "$sha" ]; then
      echo "FAIL: $f is not the library 'make prebuilt' recorded (sha256 $got, manifest $sha):" >&2
      echo "      it was replaced by hand or by another build. Run 'make prebuilt'." >&2
      fail=1
    fi
    # The link-time ABI symbol the cgo preamble references must be defined.
    nm --defined-only "$f" 2>/dev/null | grep " T $sym\$" >/dev/null || {
      echo "FAIL: $f does not define $sym (the ABI of src/ffi.rs): run 'make prebuilt'" >&2; fail=1; }
    # Must not be ignored by git, or the module users download would lack it.
    if git rev-parse --git-dir >/dev/null 2>&1 && git check-ignore -q "$f"; then
      echo "FAIL: $f is ignored by git (.gitignore): it must be committed" >&2; fail=1
    fi
  done < <(grep '^lib ' "$MANIFEST")
  for plat in "${PLATFORMS[@]}"; do
    grep -q "^lib ${plat%%:*} " "$MANIFEST" || { echo "FAIL: $MANIFEST has no library for ${plat%%:*}" >&2; fail=1; }
  done
  [ $fail = 0 ] || exit 1
  echo "prebuilt: $LIBDIR/ matches the sources (source sha256 ${want:0:16}..., crate $(crate_version), ABI $abi)"
}

cmd_verify() {
  [ -f "$MANIFEST" ] || die "$MANIFEST is missing: run 'make prebuilt'"
  local plat want got goarch fail=0
  [ "$(manifest_get rustc)" = "$(rustc_version)" ] ||
    echo "prebuilt: warning: the libraries were built with rustc $(manifest_get rustc), this is $(rustc_version): hashes will differ" >&2
  tmp=$(mktemp -d) # global: the EXIT trap reads it after this function returns
  trap 'rm -rf "$tmp"' EXIT
  for plat in "${PLATFORMS[@]}"; do
    build_one "$tmp/lib" "$tmp/target" "$plat"
    goarch=${plat%%:*}
    want=$(grep "^lib $goarch " "$MANIFEST" | cut -d' ' -f4)
    got=$(sha256sum "$tmp/lib/$goarch/liblogspan.a" | cut -d' ' -f1)
    if [ "$want" = "$got" ]; then
      echo "prebuilt: $goarch: a fresh build is byte-identical to the committed library ($got)"
    else
      echo "FAIL: $goarch: a fresh build has sha256 $got, the manifest $want" >&2; fail=1
    fi
  done
  [ $fail = 0 ] || { echo "      (stale libraries, or a build that is not reproducible)" >&2; exit 1; }
}

case ${1:-} in
  build) cmd_build ;;
  check) cmd_check ;;
  verify) cmd_verify ;;
  localize) shift; [ $# -ge 2 ] || die "usage: $0 localize IN.a OUT.a [PREFIX]"; cmd_localize "$@" ;;
  source-hash) source_hash ;;
  source-lines) source_lines ;; # scripts/wasm.sh hashes the same sources
  changed-sources) changed_sources "$2" ;; # and reports staleness the same way
  *) echo "usage: $0 build|check|verify|localize|source-hash|source-lines|changed-sources MANIFEST" >&2; exit 2 ;;
esac
