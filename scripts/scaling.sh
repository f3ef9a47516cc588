#!/usr/bin/env bash
# Does the parse scale to two threads? The Rust batch parse
# (examples/scaling.rs: no Go runtime, no cgo) of each 50 MB bench corpus
# on 1 thread and on 2 threads at once, interleaved round by round (this
# VM's speed drifts by tens of percent over seconds, so runs far apart do
# not compare), the machine's own ceiling: the same for a loop of
# register-only work, which no parse can beat, and the memory floor:
# memchr counting newlines, the least work that reads every byte.
#
# The README's "Two threads" paragraph comes from this.
#
#   scripts/scaling.sh      (about a minute once the corpus exists)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/bench-corpus/combined.log ] || make bench-corpus
cargo build --quiet --release --example scaling
bin=target/release/examples/scaling
c=target/bench-corpus
echo "== $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg); GiB/s of input, medians of 8 rounds"
"$bin" ceiling
"$bin" floor $c/json.log
"$bin" scale $c/combined.log access
"$bin" scale $c/json.log json:time,level,msg,http.method,http.status
"$bin" scale $c/logfmt.log logfmt:time,level,msg,path,status
"$bin" scale $c/syslog.log syslog
"$bin" ceiling
