package logspan

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"
)

func TestParseIntAgreesWithStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "-42", "007", "9223372036854775807", "-9223372036854775808"} {
		want, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseInt([]byte(s))
		if err != nil || got != want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for s, code := range map[string]Code{
		"": ErrValueSyntax, "+1": ErrValueSyntax, " 1": ErrValueSyntax, "1_000": ErrValueSyntax, "1.5": ErrValueSyntax,
		"9223372036854775808": ErrValueOutOfRange, "-9223372036854775809": ErrValueOutOfRange,
	} {
		if _, err := ParseInt([]byte(s)); !errors.Is(err, code) {
			t.Errorf("ParseInt(%q) error = %v, want %v", s, err, code)
		}
	}
	if v, err := ParseUint([]byte("18446744073709551615")); err != nil || v != math.MaxUint64 {
		t.Errorf("ParseUint(max) = %d, %v", v, err)
	}
	if _, err := ParseUint([]byte("-1")); err == nil {
		t.Error("ParseUint(-1) accepted")
	}
}

func TestParseFloatAndBool(t *testing.T) {
	for _, s := range []string{"0", "-1.5e3", "3.141592653589793", "1E-7", "120", "0.1"} {
		want, _ := strconv.ParseFloat(s, 64)
		got, err := ParseFloat([]byte(s))
		if err != nil || got != want {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"inf", "NaN", ".5", "5.", "1e"} {
		if _, err := ParseFloat([]byte(s)); !errors.Is(err, ErrValueSyntax) {
			t.Errorf("ParseFloat(%q) error = %v", s, err)
		}
	}
	if _, err := ParseFloat([]byte("1e999")); !errors.Is(err, ErrValueOutOfRange) {
		t.Errorf("ParseFloat(1e999) error = %v", err)
	}
	for _, s := range []string{"1", "t", "T", "true", "True", "TRUE", "0", "f", "F", "false", "False", "FALSE", "yes", ""} {
		want, wantErr := strconv.ParseBool(s)
		got, err := ParseBool([]byte(s))
		if (err != nil) != (wantErr != nil) || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; strconv says %v, %v", s, got, err, want, wantErr)
		}
	}
}

func TestParseTimes(t *testing.T) {
	for _, s := range []string{"2024-05-01T12:00:00Z", "1985-04-12T23:20:50.52Z", "1996-12-19T16:39:57-08:00", "2024-02-29T00:00:00.123456789+05:30"} {
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseTimeRFC3339([]byte(s))
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTimeRFC3339(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := ParseTimeRFC3339([]byte("2023-02-29T00:00:00Z")); !errors.Is(err, ErrValueBadTime) {
		t.Errorf("29 Feb 2023 accepted: %v", err)
	}
	want, _ := time.Parse("02/Jan/2006:15:04:05 -0700", "10/Oct/2000:13:55:36 -0700")
	if got, err := ParseTimeCLF([]byte("10/Oct/2000:13:55:36 -0700")); err != nil || !got.Equal(want) {
		t.Errorf("ParseTimeCLF = %v, %v; want %v", got, err, want)
	}
	want = time.Date(2024, time.October, 1, 22, 14, 15, 0, time.UTC)
	if got, err := ParseTimeRFC3164([]byte("Oct  1 22:14:15"), 2024); err != nil || !got.Equal(want) {
		t.Errorf("ParseTimeRFC3164 = %v, %v; want %v", got, err, want)
	}
}

func TestAppendUnescapedJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", "quote \" backslash \\ slash /", "tab\tnl\n", "é ü 😀 \u2028", "\x01 control"} {
		quoted, _ := json.Marshal(s)
		raw := quoted[1 : len(quoted)-1]
		got, err := AppendUnescapedJSON([]byte("prefix:"), raw)
		if err != nil || string(got) != "prefix:"+s {
			t.Errorf("AppendUnescapedJSON(%s) = %q, %v", raw, got, err)
		}
	}
	if got, err := AppendUnescapedJSON(nil, []byte(`\ud83d\ude00`)); err != nil || string(got) != "😀" {
		t.Errorf("surrogate pair = %q, %v", got, err)
	}
	dst := []byte("keep")
	if got, err := AppendUnescapedJSON(dst, []byte(`bad \q`)); !errors.Is(err, ErrJSONBadString) || string(got) != "keep" {
		t.Errorf("bad escape = %q, %v", got, err)
	}
}

func TestAppendUnescapedLogfmtAndAccess(t *testing.T) {
	// What Go's strconv.Quote writes (slog's TextHandler) decodes back.
	for _, s := range []string{"hello world", "a\"b", "esc \x1b[0m", "\a\v", "tab\t", "ünï"} {
		q := strconv.Quote(s)
		got, err := AppendUnescapedLogfmt(nil, []byte(q[1:len(q)-1]))
		if err != nil || string(got) != s {
			t.Errorf("AppendUnescapedLogfmt(%s) = %q, %v", q, got, err)
		}
	}
	got, err := AppendUnescapedAccess(nil, []byte(`say \"hi\" \\ \xc3\xa9`))
	if err != nil || string(got) != `say "hi" \ é` {
		t.Errorf("AppendUnescapedAccess = %q, %v", got, err)
	}
}
