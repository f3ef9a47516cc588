#!/usr/bin/env bash
# Why the same parse is faster on a small corpus: the branch predictor
# learns a short input by heart. The Rust access-log parse (parse_fast and
# batch) over four corpora:
#
#   target/bench-corpus           the 50 MB bench corpus (294,585 lines)
#   target/bench-corpus-20k       its first 20,000 lines (3.4 MB)
#   target/bench-corpus-2k-x10    its first 2,000 lines, 10 times (3.4 MB)
#   target/bench-corpus-head      its first 2,000 lines (341 KB, in L2)
#
# The two 3.4 MB corpora are the same size and both miss L2, but only the
# repeated one is fast: the cost is not memory, it is branches whose
# outcome follows the data, mispredicted on lines the predictor has not
# seen. The README's "The corpora are 50 MB" paragraph comes from this.
#
#   scripts/corpus-size.sh      (about two minutes once the corpus exists)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/bench-corpus/combined.log ] || make bench-corpus
mk() { # dir, then a command that prints a corpus file from its 50 MB one
  local dir=$1; shift
  mkdir -p "$dir"
  for f in combined json logfmt syslog; do
    "$@" "target/bench-corpus/$f.log" > "$dir/$f.log"
  done
}
head20k() { head -n 20000 "$1"; }
head2k() { head -n 2000 "$1"; }
head2k_x10() { for _ in 1 2 3 4 5 6 7 8 9 10; do head -n 2000 "$1"; done; }
mk target/bench-corpus-20k head20k
mk target/bench-corpus-2k-x10 head2k_x10
mk target/bench-corpus-head head2k
# Criterion's results go beside make bench's, not over them: benches/bench.sh
# report reads target/criterion/, and these runs use the same bench names.
export CRITERION_HOME=$PWD/target/criterion-corpus-size
for dir in target/bench-corpus target/bench-corpus-20k target/bench-corpus-2k-x10 target/bench-corpus-head; do
  echo "== $dir ($(wc -l < "$dir/combined.log") lines, $(wc -c < "$dir/combined.log") bytes of combined.log)"
  LOGSPAN_BENCH_CORPUS="$PWD/$dir" cargo bench --quiet --bench parse -- \
    'access/combined.log/logspan/(parse_fast|batch)$' --warm-up-time 1 --measurement-time 4 \
    --noplot 2>/dev/null | grep -E '^access|^ +thrpt:' | awk '/^access/ {print; n = 1; next} n-- > 0'
done
