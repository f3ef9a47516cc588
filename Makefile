# logspan: the two commands a newcomer needs are `make demo` and `make test`.
#
#   make demo         build the library and run the Go demo on the shipped sample logs
#   make test         every suite: Rust, C (+ sanitizers, valgrind), Go (+ race, cgocheck2), header drift
#   make lib          build target/release/liblogspan.a and stage it for the Go package
#   make header       regenerate include/logspan.h (and its copy in go-bindings/) with the pinned cbindgen
#   make example-c    build and run the C example in examples/c
#   make bench        criterion benchmarks (Rust) against regex, serde_json, hand-written splitters
#   make fuzz-smoke   every cargo-fuzz target for FUZZ_SMOKE_SECONDS (default 15) each
#   make fuzz         every cargo-fuzz target for FUZZ_SECONDS (default 600) each
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
GOOS_GOARCH := $(shell $(GO) env GOOS 2>/dev/null)_$(shell $(GO) env GOARCH 2>/dev/null)
GO_LIB := go-bindings/lib/$(GOOS_GOARCH)/liblogspan.a

# What a C program links besides liblogspan.a (rustc --print native-static-libs).
C_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Werror -Wpedantic -Iinclude
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

RUST_SRC := $(shell find src -name '*.rs') Cargo.toml

.PHONY: all demo test lib header header-check test-rust test-c test-c-sanitize test-c-valgrind \
        test-go example-c clean tools bench fuzz fuzz-smoke fuzz-tools fuzz-seeds

all: lib

lib: $(GO_LIB)

$(LIB): $(RUST_SRC)
	$(CARGO) build --release --lib

$(GO_LIB): $(LIB)
	mkdir -p $(dir $@)
	cp $(LIB) $@

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
test: header-check test-rust test-c test-go
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test --all-targets
	$(CARGO) test --doc

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

# ---------------------------------------------------------------- demo
demo: lib
	cd go-bindings && $(GO) run ./cmd/demo

example-c: $(LIB) | build/c
	$(CC) $(CFLAGS_STRICT) -O2 -o build/c/parse_access examples/c/parse_access.c $(LIB) $(C_LIBS)
	./build/c/parse_access examples/data/access.log

bench:
	$(CARGO) bench --bench parse

# ---------------------------------------------------------------- fuzzing
FUZZ_TARGETS := parse_fast json_line batch spec
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_SECONDS ?= 600
SHARED := ../shared/corpora

# cargo-fuzz needs a nightly toolchain (for -Zsanitizer=address).
fuzz-tools:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || $(CARGO) install --quiet --locked cargo-fuzz

# Seed corpora (gitignored): sample lines, and the shared conformance data
# when it is beside the checkout.
fuzz-seeds:
	@for t in $(FUZZ_TARGETS); do mkdir -p fuzz/corpus/$$t; done
	@head -300 examples/data/access.log | split -l 1 - fuzz/corpus/parse_fast/sample-
	@head -300 examples/data/app.jsonl | split -l 1 - fuzz/corpus/json_line/sample-
	@head -40 examples/data/access.log | sed '1s/^/\x00\x05\xff/' > fuzz/corpus/batch/access
	@head -40 examples/data/app.jsonl | sed '1s/^/\x02\x05\xff/' > fuzz/corpus/batch/json
	@printf 'json:a,b.c,items[0].id,a\\.b\0{"a":1}' > fuzz/corpus/spec/json
	@printf 'combined' > fuzz/corpus/spec/combined
	@if [ -d $(SHARED) ]; then \
	  cp $(SHARED)/json/JSONTestSuite/test_parsing/*.json fuzz/corpus/json_line/; \
	  head -500 $(SHARED)/access/elastic-examples/apache_logs | split -l 1 - fuzz/corpus/parse_fast/apache-; \
	fi

define run_fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t ($(1) s)"; \
	  $(CARGO) +nightly fuzz run $$t fuzz/corpus/$$t -- -max_total_time=$(1) -print_final_stats=1 2>&1 \
	    | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)|cov:|panicked|ERROR|SUMMARY' | tail -4; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz target $$t failed: see fuzz/artifacts/$$t"; exit 1; }; \
	done
endef

fuzz-smoke: fuzz-tools fuzz-seeds
	$(call run_fuzz,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-tools fuzz-seeds
	$(call run_fuzz,$(FUZZ_SECONDS))

clean:
	$(CARGO) clean
	rm -rf build go-bindings/lib
