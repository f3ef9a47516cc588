// Package baseline holds the pure-Go ways of parsing the same logs that
// logspan's benchmarks and demo compare against, so that both measure the
// same competitors.
package baseline

import (
	"bytes"
	"regexp"
)

// AccessPattern matches the access-log lines logspan's "access" spec
// accepts (combined, or common without referer and user agent), with the
// same twelve groups in the same order: remote_addr, ident, remote_user,
// time, request, method, path, protocol, status, body_bytes, referer,
// user_agent. Quoted fields may hold backslash escapes.
const AccessPattern = `^(\S+) (\S+) (\S+) \[([^\]]*)\] ` +
	`"((\S+) (\S+)(?: (\S+))?|(?:[^"\\]|\\.)*)" ` +
	`(\d{3}) (\d+|-)` +
	`(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$`

// AccessRegexp is AccessPattern compiled.
var AccessRegexp = regexp.MustCompile(AccessPattern)

// AccessFields is the number of groups of AccessPattern.
const AccessFields = 12

// AppRecord is the shape of the sample JSON lines (slog and zap style),
// for encoding/json.
type AppRecord struct {
	Time  string `json:"time"`
	Level string `json:"level"`
	Msg   string `json:"msg"`
	HTTP  struct {
		Status int    `json:"status"`
		Method string `json:"method"`
		Path   string `json:"path"`
	} `json:"http"`
	User struct {
		ID int64 `json:"id"`
	} `json:"user"`
	DurationMs float64 `json:"duration_ms"`
}

// AppSpec is the logspan spec for the fields of AppRecord.
const AppSpec = "json:time,level,msg,http.status,http.method,http.path,user.id,duration_ms"

// SplitAccess is a hand-written bytes.IndexByte splitter for a combined
// log line: what a pure-Go parser costs when it validates almost nothing
// (no escapes, no digit checks, no request split). It writes the start and
// end of remote_addr, ident, remote_user, time, request, status,
// body_bytes, referer and user_agent to out and reports whether the line
// had that shape.
func SplitAccess(line []byte, out *[9][2]int) bool {
	pos := 0
	for k := 0; k < 3; k++ { // space-separated fields
		i := bytes.IndexByte(line[pos:], ' ')
		if i <= 0 {
			return false
		}
		out[k] = [2]int{pos, pos + i}
		pos += i + 1
	}
	if pos >= len(line) || line[pos] != '[' {
		return false
	}
	i := bytes.IndexByte(line[pos:], ']')
	if i < 0 {
		return false
	}
	out[3] = [2]int{pos + 1, pos + i}
	pos += i + 2
	quoted := func(k int) bool {
		if pos >= len(line) || line[pos] != '"' {
			return false
		}
		i := bytes.IndexByte(line[pos+1:], '"')
		if i < 0 {
			return false
		}
		out[k] = [2]int{pos + 1, pos + 1 + i}
		pos += i + 3
		return true
	}
	if !quoted(4) {
		return false
	}
	for k := 5; k < 7; k++ {
		if pos > len(line) {
			return false
		}
		i := bytes.IndexByte(line[pos:], ' ')
		if i < 0 {
			i = len(line) - pos
		}
		out[k] = [2]int{pos, pos + i}
		pos += i + 1
	}
	if pos > len(line) { // common format: no referer and user agent
		out[7], out[8] = [2]int{-1, -1}, [2]int{-1, -1}
		return true
	}
	return quoted(7) && quoted(8)
}
