// Command logspan runs a spec over a log file and reports how it went: the
// tool to reach for when writing a pattern, or checking that a log format
// is supported, before deploying either.
//
//	go install github.com/logspan/logspan/go-bindings/cmd/logspan@latest
//
//	logspan -spec combined /var/log/nginx/access.log
//	logspan -spec 'pattern:<ip> - <user> [<ts>] "<req>" <status> <size>' access.log
//	tail -f app.log | logspan -spec json:time,level,msg -format tsv
//
// The text report (the default) gives the lines matched and failed, the
// first failures with their line number, byte offset and reason, the
// fields of the first matching lines, and the speed. With -format json or
// tsv, the fields of every matching line go to stdout for other tools and
// the report's summary goes to stderr.
//
// The input is each file named, in order, or stdin when there is none or
// the name is "-". A progress bar is drawn on stderr for files of 64 MiB or
// more when stderr is a terminal.
//
// Exit status: 0 when every input was read (whether or not lines matched),
// 1 on an error (a bad spec, an unreadable file, a line over the length
// limit), 2 on a usage error.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	logspan "github.com/logspan/logspan/go-bindings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: logspan [-spec SPEC] [-format text|json|tsv] [flags] [FILE...]

Runs SPEC over the lines of each FILE (stdin when none, or "-") and reports
the lines matched and failed, the first failures (line, byte offset,
reason), the fields of the first matches, and lines/second.

SPEC is any logspan spec (the README's Formats section): auto (the
default: JSON, syslog, access log or logfmt, per line), access, combined,
common, json:<path>,..., json:*, logfmt:<key>,..., logfmt:*, syslog,
syslog5424, syslog3164, regex:<re>, pattern:<expr>, nginx:<log_format>,
apache:<LogFormat>.

-format json writes one object per matching line, {"field": value, ...},
absent fields left out; JSON values of a json: spec keep their type,
everything else is a string, unescaped. -format tsv writes a header row of
field names, then one row per matching line; \t \n \r \\ are escaped and an
absent field is \N. Both send the summary to stderr.

flags:
`

type options struct {
	spec      string
	format    string
	preview   int
	failures  int
	progress  bool
	skipEmpty bool
	maxLine   int
}

// run is the whole command, apart from the process: main's arguments and
// streams in, exit status out.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("logspan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.spec, "spec", "auto", "the spec to run (access, combined, json:..., pattern:..., ...)")
	fs.StringVar(&o.format, "format", "text", "output: text (a report), json or tsv (the fields of each matching line)")
	fs.IntVar(&o.preview, "preview", 3, "text: show the fields of the first `N` matching lines")
	fs.IntVar(&o.failures, "failures", 5, "show the first `N` failed lines")
	fs.BoolVar(&o.progress, "progress", true, "draw a progress bar on stderr for large files when stderr is a terminal")
	fs.BoolVar(&o.skipEmpty, "skip-empty", false, "pass over empty lines instead of counting them as failures")
	fs.IntVar(&o.maxLine, "max-line", logspan.DefaultMaxLineLength, "longest line accepted, in `bytes`; a longer one is an error")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.format != "text" && o.format != "json" && o.format != "tsv" {
		fmt.Fprintf(stderr, "logspan: -format %q: want text, json or tsv\n", o.format)
		return 2
	}
	if o.preview < 0 || o.failures < 0 || o.maxLine <= 0 {
		fmt.Fprintln(stderr, "logspan: -preview and -failures must be >= 0, -max-line > 0")
		return 2
	}

	p, err := logspan.NewParser(o.spec)
	if err != nil {
		fmt.Fprintln(stderr, specErrorReport(o.spec, err))
		return 1
	}
	defer p.Close()

	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	// Text reports go to stdout; with json/tsv, stdout carries the data.
	report := io.Writer(out)
	if o.format != "text" {
		report = stderr
	}

	r := newRun(p, &o, out, stderr, len(inputs) > 1)
	start := time.Now()
	status := 0
	for _, name := range inputs {
		if err := r.input(name, stdin); err != nil {
			fmt.Fprintf(stderr, "logspan: %v\n", err)
			status = 1
		}
	}
	r.elapsed = time.Since(start)
	r.report(report)
	return status
}

// specErrorReport shows where a spec is wrong: the message, then the spec
// with a caret under the byte the library points at.
func specErrorReport(spec string, err error) string {
	var se *logspan.SpecError
	if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(spec) || len(spec) > 200 ||
		strings.ContainsAny(spec, "\t\n\r") {
		return "logspan: " + strings.TrimPrefix(err.Error(), "logspan: ")
	}
	col := utf8.RuneCountInString(spec[:se.Pos])
	return fmt.Sprintf("logspan: %s\n  %s\n  %s^", strings.TrimPrefix(se.Msg, "logspan: "), spec, strings.Repeat(" ", col))
}
