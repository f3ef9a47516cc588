#!/usr/bin/env bash
# The same Rust parses (access log: parse_fast and batch) over the 50 MB
# bench corpus and over its first 2000 lines, which stay in cache: the
# README's "The corpora are 50 MB" paragraph comes from this. The Go side:
# `make bench-go`'s Parallel step, and the same step with
# LOGSPAN_BENCH_CORPUS unset (the shipped 2000-line samples).
#
#   scripts/corpus-size.sh      (about a minute once the corpus exists)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/bench-corpus/combined.log ] || make bench-corpus
head_dir=target/bench-corpus-head
mkdir -p "$head_dir"
for f in combined json logfmt syslog; do
  head -n 2000 "target/bench-corpus/$f.log" > "$head_dir/$f.log"
done
for dir in target/bench-corpus "$head_dir"; do
  echo "== $dir ($(wc -c < "$dir/combined.log") bytes of combined.log)"
  LOGSPAN_BENCH_CORPUS="$PWD/$dir" cargo bench --quiet --bench parse -- \
    'access/combined.log/logspan/(parse_fast|batch)$' --warm-up-time 1 --measurement-time 4 \
    --noplot 2>/dev/null | grep -E '^access|^ +thrpt:' | awk '/^access/ {print; n = 1; next} n-- > 0'
done
