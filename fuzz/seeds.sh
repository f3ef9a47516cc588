#!/usr/bin/env bash
# Seed corpora for every fuzz target (called by `make fuzz-seeds`).
#
# Seeds go to fuzz/corpus/<target>/ (gitignored): lines from the generated
# samples (examples/data/), hand-written edge cases, and, when the shared
# conformance data is beside the checkout, its inputs. Nothing from
# ../shared/corpora is ever copied into the repository itself.
#
# Input layouts (see the comment at the top of each target):
#   spec, regex       SPEC NUL LINE
#   pattern           MODE SPEC NUL LINE   (MODE % 3: pattern, nginx, apache)
#   logfmt            N LINE               (N % 8 + 1 pairs in the small enumerate)
#   unescape          CUT RAW
#   ffi               6 header bytes, then a line (or SPEC NUL LINE)
#   ffi_syslog        CAP FLAGS POS ELEM, then STRUCTURED-DATA, PRI digits,
#                     a PARAM-VALUE or a syslog line
#   batch             arbitrary's encoding of (u8, u8, u8, &[u8])
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/corpora}
C=fuzz/corpus
TARGETS="parse_fast json_line batch spec logfmt syslog regex pattern auto values unescape ffi ffi_syslog"
for t in $TARGETS; do mkdir -p "$C/$t"; done

# One file per line of stdin, named PREFIX-NNNN (stdin already cut to
# size: a reader stopping early would fail the pipeline).
split_lines() { # dir prefix
  split -a 4 -d -l 1 - "$1/$2-"
}
# Write one seed: dir name printf-format [args...]
seed() { local d=$1 n=$2; shift 2; printf -- "$@" > "$d/$n"; }

# ---- generated samples (examples/data, made by `cargo run --example gen_samples`)
for f in examples/data/*; do
  [ -f "$f" ] || continue
  base=$(basename "$f"); base=${base%%.*}
  case "$f" in
    *access*) head -300 "$f" | split_lines $C/parse_fast "s-$base" ;;
    *json*) head -300 "$f" | split_lines $C/json_line "s-$base" ;;
    *logfmt*) head -300 "$f" | sed 's/^/\x07/' | split_lines $C/logfmt "s-$base" ;;
    *syslog*) head -300 "$f" | split_lines $C/syslog "s-$base"
              # ffi_syslog: 4 header bytes, then the line, then its SD alone
              head -100 "$f" | sed 's/^/\x84\x01\x05\x07/' | split_lines $C/ffi_syslog "s-$base"
              head -100 "$f" | { grep -o '\[.*\]' || true; } | sed 's/^/\xc3\x02\x03\x11/' \
                | split_lines $C/ffi_syslog "sd-$base" ;;
  esac
  head -50 "$f" | split_lines $C/auto "s-$base"
  # batch: (spec selector, lines_cap, fields_cap, buffer)
  head -40 "$f" | sed '1s/^/\x00\x05\xff/' > "$C/batch/s-$base-0"
  head -40 "$f" | sed '1s/^/\x47\x07\xff/' > "$C/batch/s-$base-1"
  # ffi: header (spec 8 = auto), then the first line
  { printf '\x08\x10\x03\x20\x10\x01'; head -1 "$f"; } > "$C/ffi/s-$base"
done

# ---- hand-written edge cases
seed $C/logfmt edge-1 '\x03a=1 b="x \\"y\\"" c= d="" e\n'
seed $C/logfmt edge-2 '\x01msg="\\x41\\101\\U0001F600\\ud800" level=info\r\n'
seed $C/logfmt edge-3 '\x00a="unterminated'
seed $C/syslog 5424 '<165>1 2003-10-11T22:14:15.003Z host.example.com evntslog - ID47 [ex@32473 iut="3" a="\\]"][b@1] \xef\xbb\xbfAn event\n'
seed $C/syslog 5424-nil '<0>1 - - - - - -'
seed $C/syslog 3164 "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed\\n"
seed $C/syslog 3164-nopri 'Jan  2 03:04:05 host sshd: hello'
seed $C/regex access '^(?P<ip>\\S+) \\S+ (?P<user>\\S+) \\[(?P<ts>[^]]+)\\] "(?P<req>[^"]*)" (?P<status>\\d{3}) (?P<size>\\d+|-)$\x0010.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12'
seed $C/regex kv '(?P<k>\\w+)=(?P<v>"[^"]*"|\\S*)\x00level=info msg="hi"'
seed $C/regex alt '(?P<a>a+)|(?P<b>b*)\x00xxbbb'
seed $C/regex nested '^(?P<x>(a+)+)$\x00aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'
seed $C/regex unicode '(?P<w>\\p{L}+)\\s(?P<n>\\d*)\x00h\xc3\xa9llo 42'
seed $C/pattern loki '\x00<ip> - <user> [<ts>] "<method> <path> <_>" <status> <size>\x0010.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326'
seed $C/pattern tail '\x00id=<id>;<rest>\x00id=a;b;c'
seed $C/pattern esc '\x00\\<<tag>> <msg>\x00<x> hello world'
seed $C/pattern nginx '\x01$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent\x0010.0.0.1 - - [t] "GET / HTTP/1.1" 200 -'
seed $C/pattern apache '\x02%%h %%l %%u %%t \\"%%r\\" %%>s %%b\x0010.0.0.1 - - [t] "GET / HTTP/1.1" 200 -'
seed $C/spec json 'json:a,b.c,items[0].id,a\\.b\x00{"a":1,"b":{"c":[2]},"items":[{"id":3}]}'
seed $C/spec json-star 'json:*4\x00{"a":1,"a":2}'
seed $C/spec combined 'combined'
seed $C/spec logfmt 'logfmt:a,b\\,c,\\*\x00a=1 b,c=2 *=3'
seed $C/spec logfmt-star 'logfmt:*3\x00a=1 b c='
seed $C/spec syslog 'syslog\x00<34>Oct 11 22:14:15 host app: hi'
seed $C/spec auto 'auto\x00level=info msg=hi'
seed $C/spec regex 'regex:(?P<a>\\w+)\x00abc'
seed $C/spec pattern 'pattern:<a> <b>\x00x y'
seed $C/spec nginx 'nginx:$remote_addr [$time_local]\x001.2.3.4 [t]'
seed $C/spec apache 'apache:%%h %%t \\"%%r\\" %%>s %%{User-agent}i\x001.2.3.4 [t] "GET /" 200 curl'
for v in 0 -0 007 9223372036854775807 -9223372036854775808 18446744073709551616 -1.5e3 1e309 0.1 true F \
         2024-02-29T23:59:59.123456789+05:30 '1985-04-12 23:20:50,52z' '10/Oct/2000:13:55:36 -0700' \
         '\x08Feb 29 12:00:00' '\x00Oct  1 00:00:00' '\x00Oct 1 00:00:00'; do
  seed $C/values "v-$(printf '%s' "$v" | md5sum | cut -c1-8)" "$v"
done
seed $C/unescape json '\x05say \\"hi\\"\\n\\u00e9\\ud83d\\ude00'
seed $C/unescape logfmt '\x03it\\'"'"'s \\x41\\101\\a\\U0001F600\\xff\\ud800'
seed $C/unescape access '\x02GET /a\\x20b \\"q\\" C:\\\\dir \\w \\x4'
seed $C/ffi access '\x00\x0c\x02\x20\x08\x01127.0.0.1 - - [t] "GET / HTTP/1.1" 200 1\n\n1.2.3.4 - - [t] "-" 400 -\n'
seed $C/ffi json '\x03\x03\x04\x10\x04\x02{"a":1,"b":{"c":"x"},"d":[true]}\r\n{"a":\n'
seed $C/ffi spec '\x0f\x05\x03\x10\x07\x00logfmt:*2\x00a=1 b=2 c=3\nd\n'
seed $C/ffi badspec '\x0f\x05\x03\x10\x05\x00regex:(?P<a\x00x'
# ffi_syslog: CAP FLAGS POS ELEM, then STRUCTURED-DATA, PRI digits, a value or a line
seed $C/ffi_syslog sd-rfc '\xc4\x00\x02\x05[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]'
seed $C/ffi_syslog sd-esc '\x83\x01\x01\x03[sigSig ver="1" sig="a\\"b\\\\c\\]d"][origin][meta x=""]'
seed $C/ffi_syslog sd-dup '\x80\x00\x00\x00[a][a x="1"]'
seed $C/ffi_syslog sd-cut '\x02\x03\x04\x01[a@1 x="1" y="a\\]b'
seed $C/ffi_syslog sd-bad '\x05\x02\x00\x02[a x="\\n"][b]'
seed $C/ffi_syslog sd-utf8 '\x86\x00\x01\x01[a x="caf\xc3\xa9" y="\xff"]'
seed $C/ffi_syslog sd-tail '\x81\x01\x00\x00[a x="1"] message\n'
seed $C/ffi_syslog pri '\x00\x00\x00\x00165'
seed $C/ffi_syslog pri-0 '\x00\x01\x00\x000'
seed $C/ffi_syslog pri-bad '\x00\x00\x00\x00192'
seed $C/ffi_syslog value '\x45\x00\x00\x00a\\"b\\\\c\\]d\\n\\'
seed $C/ffi_syslog line '\x84\x01\x05\x07<165>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@32473 iut="3" a="\\]"][b@1] msg'

# ---- shared conformance data (not part of the repository)
if [ -d "$SHARED" ]; then
  cp "$SHARED"/json/JSONTestSuite/test_parsing/*.json $C/json_line/
  head -500 "$SHARED"/access/elastic-examples/apache_logs | split_lines $C/parse_fast apache
  head -50 "$SHARED"/access/elastic-examples/apache_logs | split_lines $C/auto apache
  if command -v python3 >/dev/null; then
    python3 - "$SHARED" "$C" <<'PY'
import base64, json, sys, os
shared, out = sys.argv[1], sys.argv[2]
def inputs(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            if case.get("input") is not None:
                yield case["id"], case["input"].encode("utf-8")
            else:
                yield case["id"], base64.b64decode(case["input_base64"])
def write(target, name, data):
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)
for name in ("rfc5424.jsonl", "rfc3164.jsonl"):
    for cid, data in inputs(os.path.join(shared, "syslog/go-syslog", name)):
        write("syslog", cid, data)
        write("auto", cid, data)
        write("ffi_syslog", cid, b"\x84\x01\x05\x07" + data)
for cid, data in inputs(os.path.join(shared, "logfmt/go-logfmt/decode.jsonl")):
    write("logfmt", cid, b"\x07" + data)
    write("auto", cid, data)
    write("unescape", cid, b"\x10" + data)
PY
  else
    echo "fuzz-seeds: python3 not found: skipping the syslog and logfmt conformance seeds"
  fi
fi
for t in $TARGETS; do printf '%s=%s ' "$t" "$(ls $C/$t | wc -l)"; done; echo
