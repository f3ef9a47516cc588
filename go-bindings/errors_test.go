package logspan

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestCodeMessagesComeFromTheLibrary(t *testing.T) {
	seen := map[string]Code{}
	for _, c := range allCodes {
		m := c.Message()
		if m == "" || m == "ok" || strings.HasPrefix(m, "unknown status code") {
			t.Errorf("code %d: message %q, want the library's description", c, m)
		}
		if other, dup := seen[m]; dup {
			t.Errorf("codes %d and %d share the message %q", c, other, m)
		}
		seen[m] = c
		if got := c.Error(); got != "logspan: "+m {
			t.Errorf("code %d: Error() = %q", c, got)
		}
	}
	if got := ErrJSONTruncated.Message(); got != "json: line ends inside a value" {
		t.Errorf("ErrJSONTruncated.Message() = %q", got)
	}
	if got := Code(-4242).Message(); got != "unknown status code -4242" {
		t.Errorf("unknown code: %q", got)
	}
	if got := Code(3).Message(); got != "ok" {
		t.Errorf("a count is not an error: %q", got)
	}
}

func TestErrorsIsAndAs(t *testing.T) {
	p := mustParser(t, "json:msg")
	_, err := p.Parse([]byte(`{"msg":"cut in the mid`), make([]Span, 1))
	if !errors.Is(err, ErrJSONTruncated) {
		t.Fatalf("err = %v, want ErrJSONTruncated", err)
	}
	if errors.Is(err, ErrJSONSyntax) {
		t.Fatal("errors.Is matched the wrong code")
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrJSONTruncated || e.Line != 0 || e.Offset != 0 {
		t.Fatalf("errors.As *Error = %+v", e)
	}
	var c Code
	if !errors.As(err, &c) || c != ErrJSONTruncated {
		t.Fatalf("errors.As Code = %d", c)
	}
	if got := err.Error(); got != "logspan: json: line ends inside a value" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestErrorMessageGivesThePosition(t *testing.T) {
	e := &Error{Code: ErrAccessBadStatus, Line: 7, Offset: 1234}
	if got, want := e.Error(), "logspan: line 7 (byte offset 1234): access log: status is not three digits"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	long := &Error{Code: ErrLineTooLong, Line: 2, Offset: 10, limit: 100}
	if got, want := long.Error(), "logspan: line 2 (byte offset 10): line longer than the reader's limit of 100 bytes"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestSpecPos(t *testing.T) {
	for msg, want := range map[string]int{
		"invalid spec at byte 12: empty JSON path": 12,
		"invalid spec at byte 0: x":                0,
		"invalid spec at byte x: y":                -1,
		"invalid spec at byte 3":                   -1,
		"something else":                           -1,
	} {
		if got := specPos(msg); got != want {
			t.Errorf("specPos(%q) = %d, want %d", msg, got, want)
		}
	}
}

// The build checks that each Go code equals the header's; this checks that
// no header code is missing from the Go list.
func TestEveryHeaderCodeHasAGoCode(t *testing.T) {
	header, err := os.ReadFile("logspan.h")
	if err != nil {
		t.Fatal(err)
	}
	known := map[Code]bool{}
	for _, c := range allCodes {
		known[c] = true
	}
	found := regexp.MustCompile(`(?m)^\s*(LOG_ERR_\w+) = (-\d+),`).FindAllSubmatch(header, -1)
	if len(found) < len(allCodes) {
		t.Fatalf("found %d LOG_ERR_ codes in logspan.h, the Go list has %d: is the pattern stale?", len(found), len(allCodes))
	}
	for _, m := range found {
		n, _ := strconv.Atoi(string(m[2]))
		if !known[Code(n)] {
			t.Errorf("%s = %d is in logspan.h but has no Go constant (errors.go)", m[1], n)
		}
	}
}
