package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	logspan "github.com/logspan/logspan/go-bindings"
)

// runState carries the counts and samples across the inputs of one run.
type runState struct {
	p      *logspan.Parser
	o      *options
	out    *bufio.Writer // the text report, or the json/tsv records
	stderr io.Writer
	multi  bool // more than one input: failures name their file
	names  []string
	family string // the spec's format name ("access", "json", "auto", ...)

	inputs                       []string
	lines, matched, failed, size int64
	failures                     []sample
	previews                     []sample
	elapsed                      time.Duration

	scratch     []byte // unescaping
	wroteHeader bool   // tsv
}

// sample is a failed or a matching line kept for the report.
type sample struct {
	input  string
	line   int
	offset int
	reason string   // failures: why
	text   string   // failures: the line, shortened
	fields []string // previews: one display string per field
}

func newRun(p *logspan.Parser, o *options, out *bufio.Writer, stderr io.Writer, multi bool) *runState {
	names := make([]string, p.NumFields())
	for i := range names {
		names[i] = p.FieldName(i)
	}
	family, _, _ := strings.Cut(o.spec, ":")
	return &runState{p: p, o: o, out: out, stderr: stderr, multi: multi, names: names, family: family}
}

// countingReader counts the bytes read, for the progress bar and the speed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// input parses one file, or stdin for "-".
func (r *runState) input(name string, stdin io.Reader) error {
	display := name
	src := stdin
	size := int64(-1)
	if name == "-" {
		display = "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		src = f
	}
	r.inputs = append(r.inputs, display)
	cr := &countingReader{r: src}
	defer func() { r.size += cr.n }()

	var bar *progressBar
	if r.o.progress && size >= progressThreshold && isTerminal(r.stderr) {
		bar = &progressBar{w: r.stderr, name: display, size: size, start: time.Now()}
		defer bar.finish()
	}

	opts := []logspan.ReaderOption{logspan.WithMaxLineLength(r.o.maxLine)}
	if r.o.skipEmpty {
		opts = append(opts, logspan.WithSkipEmpty())
	}
	rd := logspan.NewReader(cr, r.p, opts...)
	for rd.Next() {
		l := rd.Line()
		r.lines++
		if l.OK() {
			r.matched++
			switch {
			case r.o.format == "json":
				r.writeJSON(l)
			case r.o.format == "tsv":
				r.writeTSV(l)
			case len(r.previews) < r.o.preview:
				r.previews = append(r.previews, r.preview(display, l))
			}
		} else {
			r.failed++
			if len(r.failures) < r.o.failures {
				r.failures = append(r.failures, sample{
					input: display, line: l.Number(), offset: l.Offset(),
					reason: l.Code().Message(), text: shortenMiddle(l.Bytes(), 160),
				})
			}
		}
		if bar != nil && r.lines&4095 == 0 {
			bar.update(cr.n, r.lines)
		}
	}
	if err := rd.Err(); err != nil {
		return fmt.Errorf("%s: %w", display, err)
	}
	return nil
}

// ------------------------------------------------------------ field values

// display is field i of a matching line as the text report shows it: the
// raw text (what the span covers), with what the flags say.
func (r *runState) display(l logspan.Line, i int) string {
	sp := l.Span(i)
	if !sp.Present() {
		return "(absent)"
	}
	if r.family == "auto" && i == 0 {
		return logspan.Format(sp.Flags).String() + " (detected format)"
	}
	s := shorten(l.Field(i), 100)
	var notes []string
	if t := sp.JSONType(); t != logspan.JSONNone {
		notes = append(notes, t.String())
	}
	if sp.Escaped() {
		notes = append(notes, "escaped")
	}
	if sp.Duplicate() {
		notes = append(notes, "duplicate key, last wins")
	}
	if len(notes) > 0 {
		s += "  (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

func (r *runState) preview(input string, l logspan.Line) sample {
	s := sample{input: input, line: l.Number(), offset: l.Offset(), fields: make([]string, len(r.names))}
	for i := range r.names {
		s.fields[i] = r.display(l, i)
	}
	return s
}

// value is field i decoded for json/tsv output: escapes undone, and for a
// JSON value other than a string, its raw JSON text with raw == true.
// ok is false for an absent field. The result may live in r.scratch.
func (r *runState) value(l logspan.Line, i int) (v []byte, raw, ok bool) {
	sp := l.Span(i)
	if !sp.Present() {
		return nil, false, false
	}
	if r.family == "auto" && i == 0 {
		return []byte(logspan.Format(sp.Flags).String()), false, true
	}
	b := l.Field(i)
	switch t := sp.JSONType(); {
	case t == logspan.JSONString:
		if sp.Escaped() {
			return r.unescape(b, logspan.AppendUnescapedJSON), false, true
		}
		return b, false, true
	case t != logspan.JSONNone:
		return b, true, true
	}
	if !sp.Escaped() {
		return b, false, true
	}
	family := r.family
	if family == "auto" {
		family = logspan.Format(l.Span(0).Flags).String()
	}
	switch family {
	case "access", "combined", "common":
		return r.unescape(b, logspan.AppendUnescapedAccess), false, true
	case "logfmt":
		return r.unescape(b, logspan.AppendUnescapedLogfmt), false, true
	}
	return b, false, true
}

// unescape decodes b with f, or returns b as it is if f rejects it.
func (r *runState) unescape(b []byte, f func(dst, raw []byte) ([]byte, error)) []byte {
	d, err := f(r.scratch[:0], b)
	if err != nil {
		return b
	}
	r.scratch = d
	return d
}

func (r *runState) writeJSON(l logspan.Line) {
	w := r.out
	w.WriteByte('{')
	first := true
	for i, name := range r.names {
		v, raw, ok := r.value(l, i)
		if !ok {
			continue
		}
		if !first {
			w.WriteByte(',')
		}
		first = false
		writeJSONString(w, []byte(name))
		w.WriteByte(':')
		if raw {
			w.Write(v)
		} else {
			writeJSONString(w, v)
		}
	}
	w.WriteString("}\n")
}

func (r *runState) writeTSV(l logspan.Line) {
	w := r.out
	if !r.wroteHeader {
		r.wroteHeader = true
		for i, name := range r.names {
			if i > 0 {
				w.WriteByte('\t')
			}
			writeTSVField(w, []byte(name))
		}
		w.WriteByte('\n')
	}
	for i := range r.names {
		if i > 0 {
			w.WriteByte('\t')
		}
		if v, _, ok := r.value(l, i); ok {
			writeTSVField(w, v)
		} else {
			w.WriteString(`\N`)
		}
	}
	w.WriteByte('\n')
}

// writeJSONString writes b as a JSON string; bytes that are not UTF-8
// become U+FFFD.
func writeJSONString(w *bufio.Writer, b []byte) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	for len(b) > 0 {
		c := b[0]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				w.WriteByte('\\')
				w.WriteByte(c)
			case c == '\n':
				w.WriteString(`\n`)
			case c == '\r':
				w.WriteString(`\r`)
			case c == '\t':
				w.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				w.WriteString(`\u00`)
				w.WriteByte(hex[c>>4])
				w.WriteByte(hex[c&15])
			default:
				w.WriteByte(c)
			}
			b = b[1:]
			continue
		}
		rn, n := utf8.DecodeRune(b)
		if rn == utf8.RuneError && n == 1 {
			w.WriteString(`\ufffd`)
		} else {
			w.Write(b[:n])
		}
		b = b[n:]
	}
	w.WriteByte('"')
}

// writeTSVField writes b with \ \t \n \r escaped, as the usual TSV
// readers (PostgreSQL COPY, ClickHouse TabSeparated) expect.
func writeTSVField(w *bufio.Writer, b []byte) {
	for _, c := range b {
		switch c {
		case '\\':
			w.WriteString(`\\`)
		case '\t':
			w.WriteString(`\t`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		default:
			w.WriteByte(c)
		}
	}
}

// shorten makes b printable on one line: at most limit bytes of it, with
// control characters and invalid UTF-8 escaped as Go would quote them.
func shorten(b []byte, limit int) string {
	if len(b) <= limit {
		return printable(b)
	}
	return printable(cutRunes(b[:limit])) + "…"
}

// shortenMiddle is shorten keeping both ends of a long line: why a line
// fails is often at its end (a missing quote, trailing data, a cut).
func shortenMiddle(b []byte, limit int) string {
	if len(b) <= limit {
		return printable(b)
	}
	head := cutRunes(b[:limit*2/3])
	tail := b[len(b)-(limit-len(head)):]
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return printable(head) + " … " + printable(tail)
}

// cutRunes drops a character cut in half at the end of b.
func cutRunes(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				b = b[:len(b)-i]
			}
			break
		}
	}
	return b
}

func printable(b []byte) string {
	q := strconv.Quote(string(b))
	return strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
}

// ------------------------------------------------------------ report

func (r *runState) report(w io.Writer) {
	text := r.o.format == "text"
	fmt.Fprintf(w, "spec      %s (%d fields: %s)\n", r.o.spec, len(r.names), strings.Join(r.names, " "))
	fmt.Fprintf(w, "input     %s (%s)\n", strings.Join(r.inputs, ", "), bytesString(r.size))
	fmt.Fprintf(w, "lines     %s\n", thousands(r.lines))
	fmt.Fprintf(w, "matched   %s%s\n", thousands(r.matched), percent(r.matched, r.lines))
	fmt.Fprintf(w, "failed    %s%s\n", thousands(r.failed), percent(r.failed, r.lines))

	if len(r.failures) > 0 {
		fmt.Fprintf(w, "\nfirst failures (%d of %s)\n", len(r.failures), thousands(r.failed))
		for _, f := range r.failures {
			fmt.Fprintf(w, "  %s (byte %s): %s\n", r.where(f), thousands(int64(f.offset)), f.reason)
			fmt.Fprintf(w, "    | %s\n", f.text)
		}
	}
	if text && len(r.previews) > 0 {
		fmt.Fprintf(w, "\nfirst matches (%d of %s)\n", len(r.previews), thousands(r.matched))
		width := 0
		for _, n := range r.names {
			width = max(width, len(n))
		}
		for _, p := range r.previews {
			fmt.Fprintf(w, "  %s (byte %s)\n", r.where(p), thousands(int64(p.offset)))
			for i, n := range r.names {
				fmt.Fprintf(w, "    %-*s  %s\n", width, n, p.fields[i])
			}
		}
	}
	if text && r.lines > 0 && r.matched == 0 {
		fmt.Fprintf(w, "\nno line matched: is the spec right for this log? (try -spec auto)\n")
	}

	secs := r.elapsed.Seconds()
	speed := ""
	if secs > 0 && r.lines > 0 {
		speed = fmt.Sprintf(": %s lines/s, %s/s", rate(float64(r.lines)/secs), bytesString(int64(float64(r.size)/secs)))
	}
	if text || len(r.failures) > 0 {
		fmt.Fprintln(w)
	}
	backend := ""
	if logspan.Backend() != "cgo" {
		backend = " (" + logspan.Backend() + ": no cgo)"
	}
	fmt.Fprintf(w, "speed     %s lines, %s in %s%s%s\n", thousands(r.lines), bytesString(r.size),
		r.elapsed.Round(time.Microsecond), speed, backend)
}

func (r *runState) where(s sample) string {
	if r.multi {
		return fmt.Sprintf("%s line %s", s.input, thousands(int64(s.line)))
	}
	return "line " + thousands(int64(s.line))
}

func percent(n, of int64) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf("  (%.2f%%)", 100*float64(n)/float64(of))
}

// thousands writes n with commas: 1,234,567.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func rate(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2f M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f k", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// ------------------------------------------------------------ progress

// progressThreshold is the smallest file that gets a progress bar.
var progressThreshold int64 = 64 << 20

// isTerminal reports whether w is a terminal (a character device), without
// a dependency on x/term. A test replaces it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type progressBar struct {
	w           io.Writer
	name        string
	size        int64
	start, last time.Time
	drawn       bool
}

// update redraws the bar, at most five times a second.
func (b *progressBar) update(done, lines int64) {
	now := time.Now()
	if now.Sub(b.last) < 200*time.Millisecond {
		return
	}
	b.last = now
	frac := min(float64(done)/float64(b.size), 1)
	const width = 30
	n := int(frac * width)
	speed := ""
	if secs := now.Sub(b.start).Seconds(); secs > 0 {
		speed = "  " + rate(float64(lines)/secs) + " lines/s"
	}
	fmt.Fprintf(b.w, "\r%s [%s%s] %3.0f%%  %s / %s%s\x1b[K", b.name,
		strings.Repeat("#", n), strings.Repeat(".", width-n), 100*frac,
		bytesString(done), bytesString(b.size), speed)
	b.drawn = true
}

// finish erases the bar.
func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}
