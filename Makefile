# logspan: the two commands a newcomer needs are `make demo` and `make test`.
#
#   make demo         build the library and run the Go demo on the shipped sample logs
#   make test         every suite: Rust, C (+ sanitizers, valgrind), Go (+ race, cgocheck2), header drift
#   make lib          build target/release/liblogspan.a (what this Makefile's Go commands link)
#   make prebuilt     rebuild the Go module's prebuilt libraries (go-bindings/lib/) and their MANIFEST
#   make wasm         rebuild the Go module's WebAssembly build (go-bindings/wasm/: the no-cgo path)
#   make test-arm64   the Go tests on linux/arm64 (cross C compiler + qemu-user), prebuilt library
#   make test-gomod-fresh  the Go module as a user gets it: clean GOPATH/GOMODCACHE, no cargo
#   make header       regenerate include/logspan.h (and its copy in go-bindings/) with the pinned cbindgen
#   make example-c    build and run the C example in examples/c
#   make flamegraph   perf + inferno flame graphs of the Go and Rust parse: docs/flamegraphs/
#   make bench        Rust (criterion) and Go benchmarks against their peers, callgrind counts:
#                     writes BENCHMARKS.md (BENCH_QUICK=1 for a ~2-minute run)
#   make fuzz-smoke   every cargo-fuzz target for FUZZ_SMOKE_SECONDS (default 20) each (CI)
#   make fuzz         every cargo-fuzz target for FUZZ_SECONDS (default 600) each
#   make miri         the C ABI boundary tests under Miri (part of make test; ~1 min)
#   make lint         rustfmt --check and clippy -D warnings on every target (CI runs it)
#   make clean

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := demo

CARGO ?= cargo
GO ?= go
CC ?= cc

# cbindgen is pinned: point releases change the output's formatting, which
# would make the drift check fail for no reason. Installed into .tools/.
CBINDGEN_VERSION := 0.29.4
TOOLS := $(CURDIR)/.tools
CBINDGEN := $(TOOLS)/bin/cbindgen

LIB := target/release/liblogspan.a
HEADER := include/logspan.h
GO_HEADER := go-bindings/logspan.h

# The Go commands this Makefile runs (tests, demo, benches) link the library
# `make lib` builds from the current sources: tag logspan_system, found in
# target/release. The prebuilt libraries committed in go-bindings/lib/ are
# what `go get` users link; `make prebuilt` refreshes them, `make
# test-prebuilt` tests them. A recipe that passes its own -tags must include
# logspan_system. By hand: CGO_LDFLAGS=-L$PWD/target/release go test -tags logspan_system
export GOFLAGS := -tags=logspan_system
export CGO_LDFLAGS := -L$(CURDIR)/target/release -O2 -g
# Go's build cache does not hash the libraries that LDFLAGS name: after a
# rebuild of liblogspan.a, `go test` would keep linking the cached binary
# built against the old one (silently: the tests and benchmarks then run
# yesterday's Rust). The libraries' identity (size, mtime, inode) goes into
# CGO_CFLAGS, which is part of the cgo cache key, so a new library means a
# fresh link. Recursive and exported: re-read for every recipe, after
# `make lib` or `make prebuilt` has run.
LIB_ID = $(shell stat -c '%s.%Y.%i' $(LIB) go-bindings/lib/*/liblogspan.a 2>/dev/null | tr '\n' '_')
export CGO_CFLAGS = -O2 -g -DLOGSPAN_LIB_ID=$(LIB_ID)

# What a C program links besides liblogspan.a (rustc --print native-static-libs).
C_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Werror -Wpedantic -Iinclude
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

RUST_SRC := $(shell find src -name '*.rs') Cargo.toml

.PHONY: all demo test lib lint header header-check test-rust test-c test-c-sanitize test-c-valgrind test-rust-arm64 \
        test-go example-c clean tools bench fuzz fuzz-smoke fuzz-tools fuzz-seeds miri \
        prebuilt prebuilt-verify test-prebuilt test-link link-matrix test-abi-link test-arm64 test-gomod-fresh test-gomod

all: lib

lib: $(LIB)

$(LIB): $(RUST_SRC)
	$(CARGO) build --release --lib

# ---------------------------------------------------------------- header
tools:
	@if ! [ -x $(CBINDGEN) ] || ! $(CBINDGEN) --version | grep -q ' $(CBINDGEN_VERSION)$$'; then \
	  echo "installing cbindgen $(CBINDGEN_VERSION) into .tools/"; \
	  $(CARGO) install --quiet --locked --root $(TOOLS) cbindgen --version $(CBINDGEN_VERSION); \
	fi

header: tools
	$(CBINDGEN) --quiet --config cbindgen.toml --output $(HEADER)
	cp $(HEADER) $(GO_HEADER)

# Fails when the committed header differs from a fresh generation, or the
# Go package's copy differs from include/.
header-check: tools
	@tmp=$$(mktemp); trap 'rm -f $$tmp' EXIT; \
	$(CBINDGEN) --quiet --config cbindgen.toml --output $$tmp; \
	if ! cmp -s $$tmp $(HEADER); then \
	  diff -u $(HEADER) $$tmp | head -40; \
	  echo "FAIL: $(HEADER) is stale: run 'make header' and commit it"; exit 1; fi; \
	if ! cmp -s $(HEADER) $(GO_HEADER); then \
	  echo "FAIL: $(GO_HEADER) differs from $(HEADER): run 'make header'"; exit 1; fi; \
	echo "header-check: $(HEADER) and $(GO_HEADER) match cbindgen $(CBINDGEN_VERSION)"

# ---------------------------------------------------------------- tests
test: header-check test-rust test-c test-go test-go-nocgo test-link test-abi-link test-prebuilt test-gomod miri
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test --all-targets
	$(CARGO) test --doc

# Not part of `make test`: a new stable clippy can add lints, and a test
# run should not fail for that. CI runs it after the tests.
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

build/c:
	mkdir -p build/c

C_TESTS := $(wildcard tests/c/*.c)

test-c: $(LIB) | build/c
	@if [ -z "$(C_TESTS)" ]; then echo "no C tests"; exit 1; fi
	$(CC) $(CFLAGS_STRICT) -O1 -g -o build/c/test_contract $(C_TESTS) $(LIB) $(C_LIBS)
	./build/c/test_contract
	$(MAKE) --no-print-directory test-c-sanitize test-c-valgrind

# The same tests, built with AddressSanitizer + UBSan (no recovery: any
# report fails the run).
test-c-sanitize: $(LIB) | build/c
	$(CC) $(CFLAGS_STRICT) -O1 -g $(SANITIZE) -o build/c/test_contract_asan $(C_TESTS) $(LIB) $(C_LIBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ./build/c/test_contract_asan

test-c-valgrind: | build/c
	@if command -v valgrind >/dev/null; then \
	  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	    ./build/c/test_contract; \
	else echo "valgrind not installed: skipping the memcheck run"; fi

test-go: lib
	cd go-bindings && $(GO) vet ./...
	cd go-bindings && $(GO) test -count=1 ./...
	cd go-bindings && $(GO) test -count=1 -race ./...
	cd go-bindings && GOEXPERIMENT=cgocheck2 $(GO) test -count=1 ./...
	@# GC stress: collect at every opportunity while batches and readers
	@# hand Go memory to C (the bad-input matrix's huge stream included).
	cd go-bindings && GOGC=1 $(GO) test -count=1 -run 'Batch|Reader|BadInput' ./...

# The Go suite on the wasm backend: the committed go-bindings/wasm/logspan.wasm
# (`make wasm`), run by wazero. Without cgo, as CGO_ENABLED=0 builds get
# it; then with cgo and -tags logspan_wasm under the race detector; then a
# build of the package for platforms without a prebuilt library (wazero's
# interpreter where it has no compiler). The compiled module is cached in
# target/wazero-cache: compiling it takes seconds, and most of a minute
# under -race.
WASM_CACHE := LOGSPAN_WASM_CACHE_DIR=$(CURDIR)/target/wazero-cache
NOCGO_PLATFORMS := linux/386 linux/s390x linux/riscv64 windows/amd64 darwin/arm64
.PHONY: test-go-nocgo wasm test-backend-diff
test-go-nocgo:
	cd go-bindings && CGO_ENABLED=0 $(GO) vet ./...
	cd go-bindings && $(WASM_CACHE) CGO_ENABLED=0 $(GO) test -count=1 ./...
	cd go-bindings && $(WASM_CACHE) $(GO) test -count=1 -race -tags=logspan_system,logspan_wasm ./...
	cd go-bindings && for p in $(NOCGO_PLATFORMS); do \
	  CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./... || { echo "FAIL: CGO_ENABLED=0 build for $$p"; exit 1; }; done
	@echo "test-go-nocgo: the wasm backend passes; CGO_ENABLED=0 builds for $(NOCGO_PLATFORMS)"
	$(MAKE) --no-print-directory test-backend-diff

# The two Go backends (cgo: the native library; wasm: the same Rust in
# WebAssembly, with its own simd128 fast paths) give the same answer, span
# for span, on ~1.3 M parses: samples, cuts and byte flips, every format.
BACKEND_DIFF = ./internal/cmd/backenddiff ../examples/data $(abspath $(wildcard $(SHARED)/logfmt/go-logfmt/decode.jsonl))
test-backend-diff: lib | build/c
	cd go-bindings && $(GO) run $(BACKEND_DIFF) > ../build/backend-cgo.txt
	cd go-bindings && $(WASM_CACHE) $(GO) run -tags=logspan_system,logspan_wasm $(BACKEND_DIFF) > ../build/backend-wasm.txt
	cmp build/backend-cgo.txt build/backend-wasm.txt
	@echo "test-backend-diff: cgo and wasm backends agree on $$(wc -l < build/backend-cgo.txt) parses"

# The unsafe module (src/ffi.rs, the C ABI) under Miri: tests/ffi.rs,
# tests/miri_ffi.rs and tests/ffi_syslog.rs (the log_syslog_* functions)
# call every extern "C" function through raw pointers.
# Installs the nightly toolchain and its miri component when missing.
MIRI_TESTS := --test ffi --test miri_ffi --test ffi_syslog
miri:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@rustup +nightly component list --installed 2>/dev/null | grep -q '^miri' || \
	  rustup component add miri rust-src --toolchain nightly
	$(CARGO) +nightly miri test $(MIRI_TESTS)
	@# The SIMD engine's unit tests: under Miri the vector levels are
	@# compiled out, so this runs the walker over the portable ScalarBlock
	@# (classify_range's pointer arithmetic, padding, MaybeUninit) against
	@# the scalar reference, on a sample of the cuts and byte flips.
	$(CARGO) +nightly miri test --lib -- simd:: access_fast:: pattern_fast:: \
	  json_fast::tests::portable_walker logfmt_fast::tests::lines_ending

# ---------------------------------------------------------------- demo
demo: lib
	cd go-bindings && $(GO) run ./cmd/demo

example-c: $(LIB) | build/c
	$(CC) $(CFLAGS_STRICT) -O2 -o build/c/parse_access examples/c/parse_access.c $(LIB) $(C_LIBS)
	./build/c/parse_access examples/data/access.log

# Benchmarks (benches/bench.sh, its header says more): the bench corpus,
# criterion (Rust peers), go test -bench (Go peers, cgo, 2 goroutines),
# callgrind instructions per line, then BENCHMARKS.md and benches/charts/.
# ~10-15 min; BENCH_QUICK=1 (or make bench-quick): ~2 min, rougher numbers.
# One step alone: make bench-corpus | bench-rust | bench-go | bench-callgrind | bench-report.
.PHONY: bench-quick bench-corpus bench-rust bench-go bench-callgrind bench-report
bench:
	benches/bench.sh all

bench-quick:
	BENCH_QUICK=1 benches/bench.sh all

bench-corpus bench-rust bench-go bench-callgrind bench-report:
	benches/bench.sh $(@:bench-%=%)

# ---------------------------------------------------------------- fuzzing
# One target per format and entry point (fuzz/fuzz_targets/, invariants at
# the top of each); each runs with the dictionary of its format (fuzz/dict/).
FUZZ_TARGETS := parse_fast json_line batch spec logfmt syslog regex pattern auto values unescape ffi ffi_syslog
FUZZ_DICT_parse_fast := access
FUZZ_DICT_json_line := json
FUZZ_DICT_batch := mixed
FUZZ_DICT_spec := spec
FUZZ_DICT_logfmt := logfmt
FUZZ_DICT_syslog := syslog
FUZZ_DICT_regex := regex
FUZZ_DICT_pattern := pattern
FUZZ_DICT_auto := mixed
FUZZ_DICT_values := values
FUZZ_DICT_unescape := unescape
FUZZ_DICT_ffi := mixed
FUZZ_DICT_ffi_syslog := syslog
# 13 targets x 20 s: about 4.5 minutes of fuzzing in CI, plus the build.
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SECONDS ?= 600
# One input taking longer than this is a failure (every parser is linear).
FUZZ_TIMEOUT ?= 10
SHARED := ../shared/corpora

# cargo-fuzz needs a nightly toolchain (for -Zsanitizer=address).
fuzz-tools:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || $(CARGO) install --quiet --locked cargo-fuzz

# Seed corpora (gitignored): generated sample lines, edge cases, and the
# shared conformance data when it is beside the checkout (fuzz/seeds.sh).
fuzz-seeds:
	@SHARED=$(SHARED) bash fuzz/seeds.sh

# Build every target once, then run each for $(1) seconds; a crash, a
# failed invariant or a timeout fails the run (the input is saved in
# fuzz/artifacts/<target>/; reproduce with `cargo +nightly fuzz run
# <target> <file>`). The last lines of each run give executions and
# coverage.
define run_fuzz
	$(CARGO) +nightly fuzz build -O
	@mkdir -p fuzz/artifacts
	@set -e; for td in $(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_DICT_$(t))); do \
	  t=$${td%%:*}; echo "== fuzz $$t ($(1) s, dictionary fuzz/dict/$${td#*:}.dict)"; \
	  $(CARGO) +nightly fuzz run -O $$t fuzz/corpus/$$t -- -max_total_time=$(1) \
	    -timeout=$(FUZZ_TIMEOUT) -dict=fuzz/dict/$${td#*:}.dict -print_final_stats=1 \
	    > fuzz/artifacts/$$t-run.log 2>&1 && rc=0 || rc=$$?; \
	  { grep -E '^(stat::number_of_executed_units|#[0-9]+[[:space:]]+DONE)|panicked|ERROR|SUMMARY|Test unit written' \
	    fuzz/artifacts/$$t-run.log || true; } | tail -6; \
	  test $$rc -eq 0 || { echo "fuzz target $$t failed (exit $$rc): see fuzz/artifacts/$$t-run.log and fuzz/artifacts/$$t"; exit 1; }; \
	done
endef

fuzz-smoke: fuzz-tools fuzz-seeds
	$(call run_fuzz,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-tools fuzz-seeds
	$(call run_fuzz,$(FUZZ_SECONDS))

# ---------------------------------------------------------------- prebuilt libraries (Go module)
# go-bindings/lib/<goos>_<goarch>/liblogspan.a, post-processed so that only
# the C API is global, and go-bindings/lib/MANIFEST: scripts/prebuilt.sh
# says how and why.
PREBUILT := scripts/prebuilt.sh
ABI_SYM := logspan_abi_v$(shell sed -n 's/^pub const LOG_ABI_VERSION: u32 = \([0-9]*\);$$/\1/p' src/ffi.rs)
# What users link: no tags, no CGO_LDFLAGS.
GO_AS_USER := GOFLAGS= CGO_LDFLAGS=
ARM64_ENV := GOOS=linux GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
# This build of logspan post-processed like the prebuilt ones (test-link, test-abi-link).
LINK_LOGSPAN := target/link/logspan/liblogspan.a

# $(call need,COMMAND,DEBIAN-PACKAGE): install the package when the command is missing.
define need
	@command -v $(1) >/dev/null || { echo "installing $(2) (for $(1))"; \
	  command -v apt-get >/dev/null || { echo "$(1) not found: install $(2)"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; }
endef

# Rebuild every platform's library and the manifest (reproducible: run it
# twice, get the same bytes). Commit go-bindings/lib/ afterwards.
prebuilt:
	$(call need,x86_64-linux-gnu-ld,binutils-x86-64-linux-gnu)
	$(call need,aarch64-linux-gnu-ld,binutils-aarch64-linux-gnu)
	$(PREBUILT) build
	$(call need,wasm-opt,binaryen)
	scripts/wasm.sh build

# Only the WebAssembly build (go-bindings/wasm/logspan.wasm and its MANIFEST,
# scripts/wasm.sh says how): what CGO_ENABLED=0 builds of the package run.
wasm:
	$(call need,wasm-opt,binaryen)
	scripts/wasm.sh build

# Rebuild from scratch elsewhere and compare with the committed bytes (slow;
# needs the rustc recorded in the manifest).
prebuilt-verify:
	$(call need,x86_64-linux-gnu-ld,binutils-x86-64-linux-gnu)
	$(call need,aarch64-linux-gnu-ld,binutils-aarch64-linux-gnu)
	$(PREBUILT) verify
	$(call need,wasm-opt,binaryen)
	scripts/wasm.sh verify

# Fails when the sources changed since `make prebuilt` (source hash), or a
# library is not the one recorded (sha256, ABI symbol); then runs the Go and
# C tests against the shipped library for this machine.
test-prebuilt: | build/c
	$(PREBUILT) check
	scripts/wasm.sh check
	cd go-bindings && $(GO_AS_USER) $(GO) test -count=1 ./...
	@if [ "$$(uname -m)" = x86_64 ]; then \
	  $(CC) $(CFLAGS_STRICT) -O1 -o build/c/test_contract_prebuilt $(C_TESTS) go-bindings/lib/linux_amd64/liblogspan.a $(C_LIBS) && \
	  ./build/c/test_contract_prebuilt | tail -1; fi

$(LINK_LOGSPAN): $(LIB) $(PREBUILT)
	$(PREBUILT) localize $(LIB) $@

# One Go binary linking logspan (post-processed as shipped) and a second Rust
# staticlib built with thin LTO (tests/link); `make link-matrix` shows why.
test-link: $(LINK_LOGSPAN)
	CARGO_TARGET_DIR=$(CURDIR)/target/link $(CARGO) build --quiet --release --manifest-path tests/link/Cargo.toml
	cd tests/link/go && CGO_LDFLAGS="-L$(CURDIR)/$(dir $(LINK_LOGSPAN)) -L$(CURDIR)/target/link/release" $(GO) run .

# Every LTO combination of logspan and a second Rust staticlib in one Go
# binary, with and without the post-processing (a report, not a test).
link-matrix: $(LIB)
	bash tests/link/matrix.sh

# The link-time ABI check: a library without $(ABI_SYM) (the symbol renamed,
# as in a library of another ABI version) must fail to link.
test-abi-link: $(LINK_LOGSPAN)
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; cd go-bindings; \
	cp ../$(LINK_LOGSPAN) $$tmp/liblogspan.a; \
	CGO_LDFLAGS=-L$$tmp $(GO) build -o /dev/null ./cmd/logspan || { echo "FAIL: control: the library does not link"; exit 1; }; \
	objcopy --redefine-sym $(ABI_SYM)=$(ABI_SYM)_stale $$tmp/liblogspan.a; \
	if CGO_LDFLAGS=-L$$tmp $(GO) build -o /dev/null ./cmd/logspan 2>$$tmp/err; then \
	  echo "FAIL: a library without $(ABI_SYM) linked: the cgo preamble's reference is gone"; exit 1; fi; \
	grep -q "undefined reference to .$(ABI_SYM)'" $$tmp/err || { cat $$tmp/err; echo "FAIL: unexpected link error"; exit 1; }; \
	echo "test-abi-link: a library without $(ABI_SYM) fails to link: $$(grep -o "undefined reference to .$(ABI_SYM)'" $$tmp/err | head -1)"

# Builds the prebuilt libraries (a no-op when they are current), then runs
# the Go tests for linux/arm64 against the arm64 one, linked with Debian's
# cross gcc and run under qemu-user; then the logspan command.
test-arm64: prebuilt
	$(call need,aarch64-linux-gnu-gcc,gcc-aarch64-linux-gnu)
	$(call need,qemu-aarch64-static,qemu-user-static)
	$(PREBUILT) check
	cd go-bindings && $(GO_AS_USER) $(ARM64_ENV) $(GO) test -count=1 -exec qemu-aarch64-static ./...
	cd go-bindings && $(GO_AS_USER) $(ARM64_ENV) $(GO) build -o ../build/logspan-arm64 ./cmd/logspan
	readelf -h build/logspan-arm64 | grep -q 'Machine: *AArch64'
	QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64-static build/logspan-arm64 -spec access examples/data/access.log >build/logspan-arm64.out
	sed -n 3,5p build/logspan-arm64.out
	$(MAKE) --no-print-directory test-rust-arm64

# The Rust unit tests and the SIMD engine's differential tests built for
# aarch64 and run under qemu: the NEON block against the naive oracle, the
# NEON walker against the scalar reference parser.
test-rust-arm64:
	$(call need,aarch64-linux-gnu-gcc,gcc-aarch64-linux-gnu)
	$(call need,qemu-aarch64-static,qemu-user-static)
	rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L /usr/aarch64-linux-gnu" \
	  $(CARGO) test --release --target aarch64-unknown-linux-gnu --lib --test simd_engine

# The module as a user gets it (clean GOPATH/GOMODCACHE/GOCACHE, no cargo on
# PATH, a replace to a copy of what git would commit): a tiny program builds
# and parses, the logspan command installs and runs, and go mod vendor works.
test-gomod-fresh:
	bash scripts/gomod-fresh.sh

# The same with your Go build cache (seconds, not half a minute): in `make test`.
test-gomod:
	FRESH_GOCACHE=0 bash scripts/gomod-fresh.sh

clean:
	$(CARGO) clean
	rm -rf build

# Flame graphs of the access-log parse (scripts/flamegraph.sh, its header
# says more): Go regexp, Go + logspan Batch, Rust logspan, recorded with
# `perf record -e cpu-clock -g` and drawn with inferno into
# docs/flamegraphs/. Installs perf and inferno (.tools/) when missing.
# ~40 s once built (the first frame-pointer build in target/flame/ takes a
# few minutes). FLAME_SECONDS=5 per run.
.PHONY: flamegraph
flamegraph:
	scripts/flamegraph.sh
