package baseline

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	logspan "github.com/logspan/logspan/go-bindings"
)

// The comparisons are only fair if the baselines find the same fields as
// logspan: these tests check that they do, on the shipped samples.

const (
	accessSample = "../../../examples/data/access.log"
	appSample    = "../../../examples/data/app.jsonl"
	apacheLogs   = "../../../../shared/corpora/access/elastic-examples/apache_logs"
)

func lines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found; skipping", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

func TestAccessRegexpFindsLogspansFields(t *testing.T) {
	for _, path := range []string{accessSample, apacheLogs} {
		t.Run(path, func(t *testing.T) {
			var fields [logspan.FastFields]logspan.Span
			agree := 0
			for n, line := range lines(t, path) {
				_, err := logspan.ParseFast(line, &fields)
				m := AccessRegexp.FindSubmatchIndex(line)
				if (err == nil) != (m != nil) {
					t.Errorf("line %d: logspan error %v, regexp match %v: %s", n+1, err, m != nil, line)
					continue
				}
				if m == nil {
					continue
				}
				for k := range AccessFields {
					var re string
					if m[2+2*k] >= 0 {
						re = string(line[m[2+2*k]:m[3+2*k]])
					}
					if re == "-" { // logspan: a "-" value is absent
						re = ""
					}
					if got := string(fields[k].Bytes(line)); got != re {
						t.Errorf("line %d field %d: logspan %q, regexp %q", n+1, k, got, re)
					}
				}
				agree++
			}
			if agree < 1000 {
				t.Fatalf("only %d lines compared", agree)
			}
		})
	}
}

func TestSplitAccessFindsLogspansFields(t *testing.T) {
	// The splitter ignores escapes and does not split the request: compare
	// the fields it does find, on lines without backslashes.
	kToField := [9]int{logspan.FieldRemoteAddr, logspan.FieldIdent, logspan.FieldRemoteUser,
		logspan.FieldTime, logspan.FieldRequest, logspan.FieldStatus, logspan.FieldBodyBytes,
		logspan.FieldReferer, logspan.FieldUserAgent}
	var fields [logspan.FastFields]logspan.Span
	var out [9][2]int
	compared := 0
	for n, line := range lines(t, accessSample) {
		if bytes.IndexByte(line, '\\') >= 0 {
			continue
		}
		_, err := logspan.ParseFast(line, &fields)
		if ok := SplitAccess(line, &out); ok != (err == nil) {
			t.Fatalf("line %d: splitter %v, logspan %v", n+1, ok, err)
		}
		if err != nil {
			continue
		}
		for k, f := range kToField {
			var got string
			if out[k][0] >= 0 {
				got = string(line[out[k][0]:out[k][1]])
			}
			if got == "-" {
				got = ""
			}
			if want := string(fields[f].Bytes(line)); got != want {
				t.Errorf("line %d field %d: splitter %q, logspan %q", n+1, f, got, want)
			}
		}
		compared++
	}
	if compared < 1000 {
		t.Fatalf("only %d lines compared", compared)
	}
}

func TestAppRecordMatchesLogspan(t *testing.T) {
	p, err := logspan.NewParser(AppSpec)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := make([]logspan.Span, p.NumFields())
	all := lines(t, appSample)
	for n, line := range all {
		var rec AppRecord
		jsonErr := json.Unmarshal(line, &rec)
		_, err := p.Parse(line, out)
		if (err == nil) != (jsonErr == nil) {
			t.Fatalf("line %d: logspan %v, encoding/json %v", n+1, err, jsonErr)
		}
		if err != nil {
			continue
		}
		field := func(i int) string { return string(out[i].Bytes(line)) }
		// Strings with escapes are raw in logspan and decoded by
		// encoding/json; compare those that hold none.
		for i, s := range []string{rec.Time, rec.Level, rec.Msg, "", rec.HTTP.Method, rec.HTTP.Path} {
			if i != 3 && !out[i].Escaped() && field(i) != s {
				t.Errorf("line %d %s: logspan %q, encoding/json %q", n+1, p.FieldName(i), field(i), s)
			}
		}
		if field(3) != strconv.Itoa(rec.HTTP.Status) || field(6) != strconv.FormatInt(rec.User.ID, 10) {
			t.Errorf("line %d: status/user.id %q %q vs %d %d", n+1, field(3), field(6), rec.HTTP.Status, rec.User.ID)
		}
		if d, err := strconv.ParseFloat(field(7), 64); err != nil || d != rec.DurationMs {
			t.Errorf("line %d: duration_ms %q vs %v", n+1, field(7), rec.DurationMs)
		}
	}
	if len(all) < 1000 {
		t.Fatalf("only %d lines", len(all))
	}
}
