package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	logspan "github.com/logspan/logspan/go-bindings"
)

const (
	accessSample = "../../../examples/data/access.log"
	jsonSample   = "../../../examples/data/app.jsonl"
	apacheLog    = "../../../../shared/corpora/access/elastic-examples/apache_logs"
)

// runCmd runs the command with stdin and returns its exit status, stdout
// and stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		if strings.Contains(path, "shared/corpora") {
			t.Skipf("%v (the shared corpora are beside the checkout in CI)", err)
		}
		t.Fatal(err)
	}
	return b
}

// expected is what the report should say, computed line by line with
// ParseFast (another entry point than the command's Reader).
type expected struct {
	lines, matched, failed int
	firstFail              int // 1-based line, 0 when none
	firstFailOff           int
	firstFailReason        string
	firstMatch             [logspan.FastFields]string
}

func expectAccess(data []byte) expected {
	var e expected
	off := 0
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte("\n"))
		e.lines++
		var spans [logspan.FastFields]logspan.Span
		_, err := logspan.ParseFast(line, &spans)
		if err != nil {
			e.failed++
			if e.firstFail == 0 {
				e.firstFail, e.firstFailOff = e.lines, off
				e.firstFailReason = err.(*logspan.Error).Code.Message()
			}
		} else {
			if e.matched == 0 {
				for i, s := range spans {
					e.firstMatch[i] = string(s.Bytes(line))
				}
			}
			e.matched++
		}
		off += len(line) + 1
		data = rest
		if !found {
			break
		}
	}
	return e
}

func wantLine(t *testing.T, out, prefix, value string) {
	t.Helper()
	re := prefix + value
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			if !strings.HasPrefix(strings.Join(strings.Fields(l), " "), strings.Join(strings.Fields(re), " ")) {
				t.Errorf("report line %q, want %q", l, re)
			}
			return
		}
	}
	t.Errorf("report has no %q line:\n%s", prefix, out)
}

func checkReport(t *testing.T, out string, e expected) {
	t.Helper()
	wantLine(t, out, "lines ", thousands(int64(e.lines)))
	wantLine(t, out, "matched ", thousands(int64(e.matched)))
	wantLine(t, out, "failed ", thousands(int64(e.failed)))
	if e.firstFail > 0 {
		want := fmt.Sprintf("line %s (byte %s): %s", thousands(int64(e.firstFail)),
			thousands(int64(e.firstFailOff)), e.firstFailReason)
		if !strings.Contains(out, want) {
			t.Errorf("report lacks the first failure %q:\n%s", want, out)
		}
	} else if strings.Contains(out, "first failures") {
		t.Errorf("failures reported where there are none:\n%s", out)
	}
	if e.matched > 0 {
		for i, name := range []string{"remote_addr", "time", "status"} {
			v := e.firstMatch[[]int{logspan.FieldRemoteAddr, logspan.FieldTime, logspan.FieldStatus}[i]]
			if !strings.Contains(out, "    "+name+strings.Repeat(" ", len("remote_addr")-len(name))+"  "+v+"\n") {
				t.Errorf("preview lacks %s %q:\n%s", name, v, out)
			}
		}
	}
	if !strings.Contains(out, "lines/s") {
		t.Errorf("no speed in the report:\n%s", out)
	}
}

func TestTextReportSample(t *testing.T) {
	data := readFile(t, accessSample)
	code, out, errOut := runCmd(t, "", "-spec", "access", accessSample)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	checkReport(t, out, expectAccess(data))
}

// Broken lines among good ones, from stdin: counts, the first failure's
// line, byte offset and reason.
func TestTextReportFailuresFromStdin(t *testing.T) {
	good := strings.SplitAfter(string(readFile(t, accessSample)), "\n")[:50]
	var in strings.Builder
	for i, l := range good {
		switch i {
		case 7:
			in.WriteString(l[:len(l)/2] + "\n") // cut in half
		case 20:
			in.WriteString("\n") // empty
		case 33:
			in.WriteString(strings.Replace(l, `" 200 `, `" 2000 `, 1)) // a bad status (if any)
		}
		in.WriteString(l)
	}
	e := expectAccess([]byte(in.String()))
	if e.failed < 2 {
		t.Fatalf("the test input has %d bad lines, want at least 2", e.failed)
	}
	code, out, _ := runCmd(t, in.String(), "-spec", "access", "-failures", "10")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	checkReport(t, out, e)
	if got := strings.Count(out, "    | "); got != e.failed {
		t.Errorf("%d failures shown, want %d", got, e.failed)
	}
	// -skip-empty passes over the empty line.
	_, out, _ = runCmd(t, in.String(), "-spec", "access", "-skip-empty")
	wantLine(t, out, "lines ", thousands(int64(e.lines-1)))
	wantLine(t, out, "failed ", thousands(int64(e.failed-1)))
}

// The acceptance case: the real Apache log, checked against the
// corpus maintainers' summary (computed with a regex, not with logspan).
func TestApacheLog(t *testing.T) {
	data := readFile(t, apacheLog)
	var summary struct {
		Lines        int            `json:"lines"`
		NotCombined  []int          `json:"lines_not_matching_combined_format"`
		StatusCounts map[string]int `json:"status_counts"`
	}
	if err := json.Unmarshal(readFile(t, apacheLog+".summary.json"), &summary); err != nil {
		t.Fatal(err)
	}
	e := expectAccess(data)
	if e.lines != summary.Lines || e.failed != len(summary.NotCombined) || e.firstFail != summary.NotCombined[0] {
		t.Fatalf("ParseFast: %d lines, %d failed (first %d); summary: %d lines, failed %v",
			e.lines, e.failed, e.firstFail, summary.Lines, summary.NotCombined)
	}
	code, out, _ := runCmd(t, "", "-spec", "access", apacheLog)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	checkReport(t, out, e)

	// TSV: the status column gives the summary's counts; the bad line is
	// left out.
	code, out, errOut := runCmd(t, "", "-spec", "combined", "-format", "tsv", apacheLog)
	if code != 0 {
		t.Fatalf("tsv: exit %d: %s", code, errOut)
	}
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	header := strings.Split(rows[0], "\t")
	status := -1
	for i, h := range header {
		if h == "status" {
			status = i
		}
	}
	if len(rows)-1 != e.matched || status < 0 {
		t.Fatalf("tsv: %d rows, want %d; header %q", len(rows)-1, e.matched, header)
	}
	counts := map[string]int{}
	for _, r := range rows[1:] {
		f := strings.Split(r, "\t")
		if len(f) != len(header) {
			t.Fatalf("tsv row with %d fields, want %d: %q", len(f), len(header), r)
		}
		counts[f[status]]++
	}
	if !reflect.DeepEqual(counts, summary.StatusCounts) {
		t.Errorf("status counts %v, summary %v", counts, summary.StatusCounts)
	}
	if !strings.Contains(errOut, "matched") || !strings.Contains(errOut, "first failures") {
		t.Errorf("tsv: the summary belongs on stderr, got %q", errOut)
	}
}

// -format json: each record decodes, and its values equal what
// encoding/json finds in the input line.
func TestJSONOutput(t *testing.T) {
	data := readFile(t, jsonSample)
	code, out, errOut := runCmd(t, "", "-spec", "json:time,level,msg,http.status,user,error,missing", "-format", "json", jsonSample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	in := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	recs := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(recs) != len(in) {
		t.Fatalf("%d records for %d lines (the sample is all valid JSON)", len(recs), len(in))
	}
	for i, rec := range recs {
		var got, src map[string]any
		if err := json.Unmarshal([]byte(rec), &got); err != nil {
			t.Fatalf("record %d is not JSON: %v\n%s", i+1, err, rec)
		}
		if err := json.Unmarshal(in[i], &src); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{}
		for _, k := range []string{"time", "level", "msg", "user", "error", "missing"} {
			if v, ok := src[k]; ok {
				want[k] = v
			}
		}
		if h, ok := src["http"].(map[string]any); ok {
			if v, ok := h["status"]; ok {
				want["http.status"] = v
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("line %d:\n got %v\nwant %v", i+1, got, want)
		}
	}
}

func TestTSVAccessAbsentAndEscapes(t *testing.T) {
	in := `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a\"b HTTP/1.0" 200 - "-" "tab	ua"` + "\n"
	code, out, _ := runCmd(t, in, "-spec", "access", "-format", "tsv")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(rows) != 2 {
		t.Fatalf("rows %q", rows)
	}
	f := strings.Split(rows[1], "\t")
	if len(f) != logspan.FastFields {
		t.Fatalf("%d fields: %q", len(f), rows[1])
	}
	for i, want := range map[int]string{
		logspan.FieldIdent:     `\N`,
		logspan.FieldBodyBytes: `\N`,
		logspan.FieldPath:      `/a"b`, // unescaped
		logspan.FieldUserAgent: `tab\tua`,
	} {
		if f[i] != want {
			t.Errorf("field %d = %q, want %q", i, f[i], want)
		}
	}
}

func TestAutoPreviewAndJSON(t *testing.T) {
	in := `{"level":"info","msg":"caf\u00e9"}` + "\n" + `level=warn msg="a \"q\""` + "\n"
	_, out, _ := runCmd(t, in, "-spec", "auto")
	if !strings.Contains(out, "json (detected format)") || !strings.Contains(out, "logfmt (detected format)") {
		t.Errorf("the preview names the detected formats:\n%s", out)
	}
	_, out, _ = runCmd(t, in, "-spec", "auto", "-format", "json")
	var msgs []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		msgs = append(msgs, fmt.Sprint(m["message"]))
	}
	if want := []string{"café", `a "q"`}; !reflect.DeepEqual(msgs, want) {
		t.Errorf("messages %q, want %q (unescaped per format)", msgs, want)
	}
}

func TestMultipleFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	lines := strings.SplitAfter(string(readFile(t, accessSample)), "\n")
	os.WriteFile(a, []byte(lines[0]+lines[1]), 0o644)
	os.WriteFile(b, []byte(lines[2]+"bad line\n"), 0o644)
	code, out, _ := runCmd(t, "", "-spec", "access", a, b)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	wantLine(t, out, "lines ", "4")
	off := strconv.Itoa(len(lines[2]))
	if !strings.Contains(out, b+" line 2 (byte "+off+")") {
		t.Errorf("the failure names its file, line and offset in it:\n%s", out)
	}
	code, _, errOut := runCmd(t, "", "-spec", "access", a, filepath.Join(dir, "nope.log"))
	if code != 1 || !strings.Contains(errOut, "nope.log") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	code, _, errOut := runCmd(t, "", "-spec", "pattern:<a><b>")
	if code != 1 || !strings.Contains(errOut, "pattern:<a><b>\n") || !strings.Contains(errOut, "\n"+strings.Repeat(" ", 2+11)+"^") {
		t.Errorf("bad spec: exit %d, want 1 and a caret under byte 11:\n%s", code, errOut)
	}
	if code, _, _ := runCmd(t, "", "-format", "xml"); code != 2 {
		t.Errorf("-format xml: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "", "-nope"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code, _, errOut := runCmd(t, "", "-h"); code != 0 || !strings.Contains(errOut, "usage: logspan") {
		t.Errorf("-h: exit %d, %q", code, errOut)
	}
	long := strings.Repeat("x", 100) + "\n"
	if code, _, errOut := runCmd(t, long, "-max-line", "10"); code != 1 || !strings.Contains(errOut, "longer than") {
		t.Errorf("line over -max-line: exit %d, stderr %q", code, errOut)
	}
}

func TestProgressBar(t *testing.T) {
	defer func(th int64, term func(io.Writer) bool) { progressThreshold, isTerminal = th, term }(progressThreshold, isTerminal)
	progressThreshold = 0
	isTerminal = func(io.Writer) bool { return true }
	// 4096 lines at least: the bar is considered every 4096 lines.
	lines := strings.SplitAfter(string(readFile(t, accessSample)), "\n")
	path := filepath.Join(t.TempDir(), "big.log")
	os.WriteFile(path, []byte(strings.Repeat(strings.Join(lines, ""), 3)), 0o644)
	_, out, errOut := runCmd(t, "", "-spec", "access", path)
	if !strings.Contains(errOut, "%") || !strings.Contains(errOut, "[#") {
		t.Errorf("no progress bar on a 'terminal': %q", errOut)
	}
	if !strings.HasSuffix(errOut, "\r\x1b[K") {
		t.Errorf("the bar is not erased at the end: %q", errOut)
	}
	if strings.Contains(out, "\r") {
		t.Errorf("the bar went to stdout")
	}
	// Not a terminal (the default for a bytes.Buffer): no bar.
	isTerminal = func(io.Writer) bool { return false }
	if _, _, errOut := runCmd(t, "", "-spec", "access", path); errOut != "" {
		t.Errorf("a bar on a non-terminal: %q", errOut)
	}
}

func TestWriteJSONString(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                 "plain",
		"q\"b\\":                "q\"b\\",
		"ctl\x00\x1f\x7f\n\r\t": "ctl\x00\x1f\x7f\n\r\t",
		"bad\xff\xfeutf8":       "bad\ufffd\ufffdutf8",
		"é€𝄞":                   "é€𝄞",
	} {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		writeJSONString(w, []byte(in))
		w.Flush()
		var got string
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("%q -> %s: %v", in, b.String(), err)
		}
		if got != want {
			t.Errorf("%q -> %s -> %q, want %q", in, b.String(), got, want)
		}
	}
}

func TestShorten(t *testing.T) {
	if got := shorten([]byte("ééé"), 3); got != "é…" {
		t.Errorf("a character cut in half: %q", got)
	}
	long := strings.Repeat("a", 200) + "END"
	if got := shortenMiddle([]byte(long), 60); !strings.HasSuffix(got, "END") || len(got) > 70 {
		t.Errorf("shortenMiddle keeps the end: %q", got)
	}
	if got := shorten([]byte("a\x00b"), 10); got != `a\x00b` {
		t.Errorf("control bytes: %q", got)
	}
}
