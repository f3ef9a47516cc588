#!/usr/bin/env bash
# Flame graphs of the access-log parse (`make flamegraph`, ~1-2 min once built):
#
#   docs/flamegraphs/go-regexp.svg     Go program, regexp.FindSubmatchIndex per line   (perf)
#   docs/flamegraphs/go-logspan.svg    Go program, logspan Batch, 1 cgo call/1024 lines (perf)
#   docs/flamegraphs/rust-logspan.svg  Rust program, Parser::parse_batch, no cgo        (perf)
#   docs/flamegraphs/go-logspan-pprof.svg  the go-logspan run seen by Go's own profiler
#
# Each program (go-bindings/internal/cmd/flame, examples/flame.rs) parses
# examples/data/access.log over and over for FLAME_SECONDS (default 5).
# `perf record -e cpu-clock -g` (the software clock: hardware counters are
# not available everywhere, VMs and containers included) walks frame
# pointers: Go keeps them, and the Rust library is rebuilt with
# -Cforce-frame-pointers=yes into target/flame/ (the normal build in
# target/release is left alone), so stacks run unbroken from main.main
# through runtime.cgocall into logspan::formats::access::parse.
# Folded with inferno-collapse-perf, drawn with inferno-flamegraph.
#
# Go's pprof cannot see into C (no cgo traceback is installed), so its
# graph stops at runtime.cgocall: it is drawn from `go tool pprof -traces`
# and kept beside the perf one for the Go-side split only.
#
# Installs what is missing: perf (apt-get install linux-perf) and inferno
# (cargo install --locked inferno --root .tools).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${FLAME_SECONDS:-5}
FREQ=${FLAME_FREQ:-999}
OUT=docs/flamegraphs
WORK=target/flame/work
DATA=examples/data/access.log
TOOLS=$ROOT/.tools
export PATH=$TOOLS/bin:$PATH
mkdir -p "$OUT" "$WORK"

# ---------------------------------------------------------------- tools
if ! command -v perf >/dev/null; then
  echo "flamegraph: installing perf (linux-perf)"
  apt-get update -qq && apt-get install -y linux-perf >/dev/null
fi
if ! command -v inferno-flamegraph >/dev/null || ! command -v inferno-collapse-perf >/dev/null; then
  echo "flamegraph: installing inferno into .tools/"
  cargo install --quiet --locked inferno --root "$TOOLS"
fi

# ---------------------------------------------------------------- builds
echo "flamegraph: building with frame pointers (target/flame/)"
RUSTFLAGS="${RUSTFLAGS:-} -Cforce-frame-pointers=yes" \
  cargo build --quiet --release --lib --example flame --target-dir target/flame
(cd go-bindings &&
  CGO_LDFLAGS="-L$ROOT/target/flame/release -g" GOFLAGS=-tags=logspan_system \
  go build -o "$ROOT/$WORK/goflame" ./internal/cmd/flame)

# ---------------------------------------------------------------- record
# record NAME TITLE CMD...: perf data -> folded stacks -> SVG
record() {
  local name=$1 title=$2; shift 2
  echo "flamegraph: recording $name (${SECONDS_EACH}s)"
  perf record --quiet -e cpu-clock -F "$FREQ" -g -o "$WORK/$name.perf.data" -- "$@" >"$WORK/$name.log" 2>&1 ||
    { cat "$WORK/$name.log"; exit 1; }
  cat "$WORK/$name.log"
  perf script -i "$WORK/$name.perf.data" 2>/dev/null | inferno-collapse-perf >"$WORK/$name.folded"
  inferno-flamegraph --title "$title" --subtitle "$(sed -n 1p "$WORK/$name.log")" \
    --countname samples --width 1000 <"$WORK/$name.folded" >"$OUT/$name.svg"
}

record go-regexp "Go regexp: access log, FindSubmatchIndex per line (perf, cpu-clock)" \
  "$WORK/goflame" -impl regexp -duration "${SECONDS_EACH}s" -access "$DATA"
record go-logspan "Go + logspan Batch: access log, 1 cgo call per 1024 lines (perf, cpu-clock)" \
  "$WORK/goflame" -impl logspan -duration "${SECONDS_EACH}s" -access "$DATA"
record rust-logspan "Rust logspan parse_batch: access log (perf, cpu-clock)" \
  target/flame/release/examples/flame "$DATA" "$SECONDS_EACH"

# ---------------------------------------------------------------- Go pprof
# The same logspan run under Go's profiler. `go tool pprof -traces` lists
# each stack leaf first with its time; fold it (root first, ';'-joined,
# microseconds) for inferno (pprof -svg would need graphviz).
echo "flamegraph: recording go-logspan under Go's pprof (${SECONDS_EACH}s)"
"$WORK/goflame" -impl logspan -duration "${SECONDS_EACH}s" -access "$DATA" -cpuprofile "$WORK/go-logspan.pprof"
go tool pprof -traces "$WORK/goflame" "$WORK/go-logspan.pprof" 2>/dev/null | awk '
  function flush() { if (n) { s = f[n]; for (i = n - 1; i >= 1; i--) s = s ";" f[i]; t[s] += v } n = 0 }
  /^-+\+/ { flush(); next }
  n == 0 && $1 ~ /^[0-9.]+(ns|us|ms|s|m)$/ {
    v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
    v *= (u == "ns" ? 0.001 : u == "us" ? 1 : u == "ms" ? 1000 : u == "s" ? 1e6 : 6e7)
    $1 = ""
  }
  /^ *$/ { next }
  /^[A-Z][a-z]+( [A-Za-z]+)*:/ { next }
  { sub(/^ +/, ""); sub(/ \(inline\)$/, ""); if ($0 != "") f[++n] = $0 }
  END { flush(); for (s in t) printf "%s %d\n", s, t[s] }' | sort >"$WORK/go-logspan-pprof.folded"
inferno-flamegraph --title "Go + logspan Batch under Go's pprof (C frames not visible: see go-logspan.svg)" \
  --countname us --width 1000 <"$WORK/go-logspan-pprof.folded" >"$OUT/go-logspan-pprof.svg"

ls -l "$OUT"/*.svg
