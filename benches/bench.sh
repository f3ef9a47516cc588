#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md (what `make bench` does).
#
#   benches/bench.sh [all|corpus|rust|go|callgrind|report]...
#
#   BENCH_QUICK=1   ~2-minute run: 4 MB corpora, short criterion/go runs,
#                   one Go repetition (the numbers are rougher; callgrind's
#                   are the same)
#
# Steps (each also a make target, see the Makefile):
#   corpus     generate the bench corpora (fixed seeds) into target/bench-corpus[-quick]/
#   rust       criterion (benches/parse.rs), pinned to one CPU
#   go         go test -bench in benches/go: single-thread pinned to one CPU,
#              then the parallel benchmarks on both CPUs at -cpu 1,2, then
#              logspan's rows again on the no-cgo path (-tags logspan_wasm:
#              the embedded WebAssembly module under wazero), single-thread
#   callgrind  instructions per line (benches/icount.rs under valgrind) over
#              the shipped samples (2000 lines per format)
#   report     benches/go/report: BENCHMARKS.md and benches/charts/*.svg
#
# Raw results go to target/bench-report/ (criterion's to target/criterion/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

CARGO=${CARGO:-cargo}
GO=${GO:-go}
QUICK=${BENCH_QUICK:-0}
OUT=$ROOT/target/bench-report
if [ "$QUICK" = 1 ]; then
  MB=${BENCH_CORPUS_MB:-4}
  CORPUS=$ROOT/target/bench-corpus-quick
  GO_COUNT=${BENCH_GO_COUNT:-1}
  GO_BENCHTIME=${BENCH_GO_BENCHTIME:-200ms}
else
  MB=${BENCH_CORPUS_MB:-50}
  CORPUS=$ROOT/target/bench-corpus
  GO_COUNT=${BENCH_GO_COUNT:-3}
  GO_BENCHTIME=${BENCH_GO_BENCHTIME:-1s}
fi
# One CPU for single-threaded runs (the box has two; CPU 1 sees fewer
# interrupts than CPU 0), both for the parallel ones.
PIN=${BENCH_PIN:-1}
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
  PIN1=(taskset -c "$PIN")
  PIN2=(taskset -c 0,1)
else
  PIN1=()
  PIN2=()
fi

# The Go package links the library `make lib` builds from these sources
# (tag logspan_system), as the Makefile's Go commands do; set here too for
# runs of this script outside make.
if [ -f go-bindings/link_system.go ]; then
  export GOFLAGS=${GOFLAGS:--tags=logspan_system}
  export CGO_LDFLAGS=${CGO_LDFLAGS:--L$ROOT/target/release -O2 -g}
fi
# Go's build cache does not notice a rebuilt liblogspan.a (see the
# Makefile's LIB_ID): make the library's identity part of the cgo flags.
lib_id() {
  stat -c '%s.%Y.%i' "$ROOT/target/release/liblogspan.a" "$ROOT"/go-bindings/lib/*/liblogspan.a 2>/dev/null | tr '\n' '_'
}

export LOGSPAN_BENCH_CORPUS=$CORPUS
export LOGSPAN_BENCH_OUT=$OUT
export LOGSPAN_BENCH_QUICK=$QUICK

log() { printf '\n== %s\n' "$*"; }
# commands.txt: the commands of this run, for the report.
cmd() { echo "$*" >>"$OUT/commands.txt"; }

# loadavg.log: the 1-minute load average every 5 s while this script runs,
# tagged with the step (the report says how noisy the run was).
STEP=setup
mark() {
  STEP=$1
  echo "$(date +%s) $STEP $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.log"
}
sampler() {
  while sleep 5; do
    echo "$(date +%s) sample $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.log"
  done
}

step_corpus() {
  mark corpus
  log "corpus: ${MB} MB per format into $CORPUS"
  cmd "corpus:     cargo run --release --example gen_samples -- --bench-corpus $MB ${CORPUS#"$ROOT"/}"
  $CARGO run --quiet --release --example gen_samples -- --bench-corpus "$MB" "$CORPUS"
}

step_rust() {
  mark rust-build
  log "rust: building the criterion bench"
  $CARGO bench --bench parse --no-run
  mark rust
  log "rust: criterion, pinned (${PIN1[*]:-not pinned})"
  rm -rf "$ROOT/target/criterion"
  echo "$QUICK" >"$OUT/quick"
  cmd "rust:       LOGSPAN_BENCH_QUICK=$QUICK ${PIN1[*]} cargo bench --bench parse"
  "${PIN1[@]}" $CARGO bench --bench parse -- --noplot 2>&1 | tee "$OUT/rust-criterion.txt"
}

step_go() {
  mark go-build
  log "go: building liblogspan.a and the benchmark binary"
  make --no-print-directory lib
  CGO_CFLAGS="-O2 -g -DLOGSPAN_LIB_ID=$(lib_id)"
  export CGO_CFLAGS
  (cd benches/go && $GO test -c -o "$OUT/peers.test" .)
  mark go-check
  log "go: cross-check on the bench corpus"
  (cd benches/go && "$OUT/peers.test" -test.run 'TestCrossCheck' -test.count 1)
  mark go
  cmd "go:         GOMAXPROCS=1 ${PIN1[*]} go test -run '^\$' -bench '^Benchmark(Access|JSON|Logfmt|Syslog)\$' -benchmem -cpu 1 -count $GO_COUNT -benchtime $GO_BENCHTIME"
  cmd "go 2 cores: ${PIN2[*]} go test -run '^\$' -bench '^BenchmarkParallel\$' -benchmem -cpu 1,2 -count $GO_COUNT -benchtime $GO_BENCHTIME"
  log "go: single-thread, pinned (${PIN1[*]:-not pinned}), count $GO_COUNT, benchtime $GO_BENCHTIME"
  (cd benches/go && GOMAXPROCS=1 "${PIN1[@]}" "$OUT/peers.test" -test.run '^$' \
    -test.bench '^Benchmark(Access|JSON|Logfmt|Syslog)$' -test.benchmem -test.cpu 1 \
    -test.count "$GO_COUNT" -test.benchtime "$GO_BENCHTIME") | tee "$OUT/go-bench.txt"
  mark go-parallel
  log "go: parallel, both CPUs, -cpu 1,2"
  (cd benches/go && "${PIN2[@]}" "$OUT/peers.test" -test.run '^$' -test.bench '^BenchmarkParallel$' \
    -test.benchmem -test.cpu 1,2 -test.count "$GO_COUNT" -test.benchtime "$GO_BENCHTIME") \
    | tee "$OUT/go-parallel.txt"
  # The no-cgo path: the same benchmarks built with -tags logspan_wasm list
  # only logspan's rows, as logspan_nocgo/... (benches/go/impls.go). Counted
  # as the go step in the load statistics.
  mark go
  log "go: logspan without cgo (WebAssembly under wazero), single-thread, pinned (${PIN1[*]:-not pinned})"
  (cd benches/go && $GO test -c -tags=logspan_system,logspan_wasm -o "$OUT/peers-wasm.test" .)
  cmd "go no cgo:  GOMAXPROCS=1 ${PIN1[*]} go test -tags logspan_wasm -run '^\$' -bench '^Benchmark(Access|JSON|Logfmt|Syslog)\$' -benchmem -cpu 1 -count $GO_COUNT -benchtime $GO_BENCHTIME"
  export LOGSPAN_WASM_CACHE_DIR=$ROOT/target/wazero-cache
  (cd benches/go && "$OUT/peers-wasm.test" -test.run 'TestCrossCheck' -test.count 1)
  (cd benches/go && GOMAXPROCS=1 "${PIN1[@]}" "$OUT/peers-wasm.test" -test.run '^$' \
    -test.bench '^Benchmark(Access|JSON|Logfmt|Syslog)$' -test.benchmem -test.cpu 1 \
    -test.count "$GO_COUNT" -test.benchtime "$GO_BENCHTIME") | tee "$OUT/go-bench-wasm.txt"
}

step_callgrind() {
  mark callgrind
  if ! command -v valgrind >/dev/null; then
    log "callgrind: valgrind not installed (apt-get install valgrind): skipped"
    rm -f "$OUT/callgrind.tsv"
    return
  fi
  log "callgrind: instructions per line over the shipped samples"
  cmd "callgrind:  valgrind --tool=callgrind --toggle-collect='logspan_icount_measure*' icount JOB IMPL examples/data/FILE 2000"
  $CARGO bench --bench icount --no-run 2>/dev/null
  local bin
  bin=$($CARGO bench --bench icount --no-run --message-format=json 2>/dev/null \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
  local n=2000 tsv=$OUT/callgrind.tsv tmp
  tmp=$(mktemp -d)
  printf 'job\timpl\tfile\tlines\tIr\n' >"$tsv"
  declare -A files=([access]=examples/data/access.log [json]=examples/data/app.jsonl
    [logfmt]=examples/data/app.logfmt [syslog]=examples/data/syslog.log)
  { for job in access json logfmt syslog; do echo "$job empty"; done; "$bin" --list; } |
    while read -r job imp; do
      valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        --toggle-collect='logspan_icount_measure*' "$bin" "$job" "$imp" "${files[$job]}" "$n" \
        >"$tmp/stdout" 2>"$tmp/stderr" || { cat "$tmp/stderr"; exit 1; }
      local ir lines
      ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/cg.out" | head -1)
      [ -n "$ir" ] || ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg.out" | head -1)
      lines=$(sed -n 's/.* lines=\([0-9]*\) .*/\1/p' "$tmp/stdout")
      printf '%s\t%s\t%s\t%s\t%s\n' "$job" "$imp" "${files[$job]}" "$lines" "$ir" | tee -a "$tsv"
    done
  rm -rf "$tmp"
}

step_report() {
  mark report
  log "report: BENCHMARKS.md"
  (cd benches/go && $GO run ./report -root "$ROOT" -in "$OUT" \
    -out "$ROOT/BENCHMARKS.md" -charts "$ROOT/benches/charts")
}

mkdir -p "$OUT"
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(all)
if [ "${steps[0]}" = all ]; then
  steps=(corpus rust go callgrind report)
  : >"$OUT/loadavg.log"
  : >"$OUT/commands.txt"
  echo "$(date +%s) start $(cut -d' ' -f1-3 /proc/loadavg) quick=$QUICK" >>"$OUT/loadavg.log"
fi
sampler &
SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null || true' EXIT
start=$(date +%s)
for s in "${steps[@]}"; do
  case $s in
    corpus | rust | go | callgrind | report) "step_$s" ;;
    *) echo "unknown step $s (all|corpus|rust|go|callgrind|report)" >&2; exit 2 ;;
  esac
done
mark done
log "done in $(($(date +%s) - start)) s"
