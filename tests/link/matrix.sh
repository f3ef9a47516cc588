#!/usr/bin/env bash
# `make link-matrix`: which builds of logspan link into one Go binary next to
# a second Rust staticlib (tests/link), for each LTO setting of each. A
# report for humans, not a test: the outcome of the unprocessed rows depends
# on the Rust and binutils versions.
#
# logspan rows:
#   cargo        target/release/liblogspan.a as `cargo build --release` makes
#                it: no LTO in fact (the crate-type includes rlib, which
#                cargo will not LTO-compile, so the profile's lto is ignored)
#   thin, fat    `cargo rustc --crate-type staticlib` with that LTO
#   shipped      cargo's, post-processed by scripts/prebuilt.sh localize:
#                what go-bindings/lib/ holds
#   fat+local    fat, post-processed the same way
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
M=$ROOT/target/link-matrix
mkdir -p "$M"

echo "building the variants into target/link-matrix/ ..." >&2
for lto in off thin fat; do
  CARGO_TARGET_DIR=$M/other-$lto CARGO_PROFILE_RELEASE_LTO=$lto \
    cargo build --quiet --release --manifest-path tests/link/Cargo.toml
done
for lto in thin fat; do
  CARGO_TARGET_DIR=$M/build-$lto CARGO_PROFILE_RELEASE_LTO=$lto \
    cargo rustc --quiet --release --lib --crate-type staticlib
  mkdir -p "$M/logspan-$lto"
  cp "$M/build-$lto/release/liblogspan.a" "$M/logspan-$lto/"
done
mkdir -p "$M/logspan-cargo"
cp target/release/liblogspan.a "$M/logspan-cargo/"
scripts/prebuilt.sh localize target/release/liblogspan.a "$M/logspan-shipped/liblogspan.a"
scripts/prebuilt.sh localize "$M/logspan-fat/liblogspan.a" "$M/logspan-fat+local/liblogspan.a"

printf '\n%-12s %-10s %s\n' logspan other "one Go binary with both (tests/link/go)"
cd tests/link/go
for ls in cargo thin fat shipped fat+local; do
  for other in off thin fat; do
    if CGO_LDFLAGS="-L$M/logspan-$ls -L$M/other-$other/release" GOFLAGS=-tags=logspan_system \
      go build -o "$M/bin" . 2>"$M/err"; then
      if out=$("$M/bin" 2>&1); then r="links and runs"; else r="links, FAILS at run time: $out"; fi
    else
      n=$(grep -c 'multiple definition of' "$M/err" || true)
      first=$(grep -o "multiple definition of \`[^']*'" "$M/err" | head -1 | sed "s/multiple definition of //" | cut -c1-60 || true)
      if [ "$n" -gt 0 ]; then r="FAILS to link: $n multiple definitions, e.g. $first"
      else r="FAILS to link: $(grep -m1 -E 'error|undefined' "$M/err")"; fi
    fi
    printf '%-12s %-10s %s\n' "$ls" "$other" "$r"
  done
done
