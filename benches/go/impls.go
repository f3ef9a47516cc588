package peers

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"

	"github.com/buger/jsonparser"
	"github.com/bytedance/sonic"
	"github.com/go-logfmt/logfmt"
	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/auto"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
	logspan "github.com/logspan/logspan/go-bindings"
	"github.com/minio/simdjson-go"
	"github.com/valyala/fastjson"
)

// Checksums per accepted line, the same as benches/common/mod.rs:
//
//	access  len(remote_addr) + len(time) + len(request) + status
//	json    len(time) + len(level) + len(msg) + len(http.method) + http.status
//	logfmt  len(time) + len(level) + len(msg) + len(path) + status
//	syslog  priority + len(hostname) + len(app_name) + len(procid) + len(msg)
//
// Lengths are of the raw text (escapes kept, quotes dropped), or of the
// unescaped text for the peers that unescape (the *_unescaped checks).
// Absent fields (a syslog "-") count 0; a syslog message's BOM is not
// counted.

// Check names what a job's implementations must agree on.
type Check string

// The checks, as in benches/common/mod.rs.
const (
	CheckAccess          Check = "access"           // combined or common
	CheckCombined        Check = "combined"         // referer and user agent required
	CheckJSON            Check = "json_raw"         // raw string lengths
	CheckJSONUnescaped   Check = "json_unescaped"   // unescaped string lengths
	CheckJSONValid       Check = "json_valid"       // accepted lines only
	CheckLogfmt          Check = "logfmt_raw"       // raw value lengths
	CheckLogfmtUnescaped Check = "logfmt_unescaped" // unescaped value lengths
	CheckSyslog          Check = "syslog"
	CheckLines           Check = "lines" // the newline floor: line count
)

// LineFunc parses one line: ok is false when it rejects the line, sum is
// the job's checksum of the fields it extracted.
type LineFunc func(line []byte) (sum uint64, ok bool)

// Stream yields one line's result per call, cycling through a corpus
// forever: for implementations that own the line splitting (a logspan
// Batch, go-logfmt's Decoder, the newline floor).
type Stream interface {
	Next() (sum uint64, ok bool)
}

// Impl is one implementation of a job.
type Impl struct {
	Job   string
	Name  string
	Check Check
	// Exactly one of Line and Stream is set. The func returned second
	// releases what the first made (may be nil).
	Line   func() (LineFunc, func())
	Stream func(c *Corpus) (Stream, func())
	// Parallel marks the implementations also run by BenchmarkParallel.
	Parallel bool
	// Skip, when not empty, says why this implementation cannot run here.
	Skip string
}

// Sum picks a checksum out of a logspan parser's fields: Lens are summed
// as lengths, Num as a decimal value.
type Sum struct {
	Lens []int
	Num  int
}

// Specs and checksums of the logspan rows.
const (
	JSONSpec   = "json:time,level,msg,http.method,http.status"
	LogfmtSpec = "logfmt:time,level,msg,path,status"
	// AccessPattern is the combined format as a Loki-style pattern.
	AccessPattern = `pattern:<ip> <ident> <user> [<ts>] "<request>" <status> <size> "<referer>" "<ua>"`
	// AccessRE is the access format as a careful user writes it (combined,
	// or common without the last two fields; \" escapes in quotes).
	AccessRE      = `^(\S+) (\S+) (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$`
	AccessNamedRE = `regex:^(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^\]]*)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<size>\d+|-)(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)")?$`
	LogfmtRE      = `([^\s="]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?`
	Syslog5424RE  = `^<(\d{1,3})>([1-9]\d{0,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$`
	Syslog3164RE  = `^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^\s\[\]:]+)(?:\[([^\]]+)\])?: (.*)$`
)

var (
	AccessSum      = Sum{Lens: []int{logspan.FieldRemoteAddr, logspan.FieldTime, logspan.FieldRequest}, Num: logspan.FieldStatus}
	NamedAccessSum = Sum{Lens: []int{0, 3, 4}, Num: 5}
	JSONSum        = Sum{Lens: []int{0, 1, 2, 3}, Num: 4}
	LogfmtSum      = Sum{Lens: []int{0, 1, 2, 3}, Num: 4}
	SyslogSum      = Sum{Lens: []int{3, 4, 5, 8}, Num: 0}
)

// BatchSpec is the spec and checksum of a job's logspan Batch row.
func BatchSpec(job string) (string, Sum, Check) {
	switch job {
	case "access":
		return "access", AccessSum, CheckAccess
	case "json":
		return JSONSpec, JSONSum, CheckJSON
	case "logfmt":
		return LogfmtSpec, LogfmtSum, CheckLogfmt
	default:
		return "syslog", SyslogSum, CheckSyslog
	}
}

// Num is the decimal value of b's leading ASCII digits.
func Num(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + uint64(c-'0')
	}
	return v
}

func (s Sum) ofSpans(out []logspan.Span, buf []byte) uint64 {
	v := Num(out[s.Num].Bytes(buf))
	for _, i := range s.Lens {
		if out[i].Present() {
			v += uint64(out[i].Len)
		}
	}
	return v
}

func (s Sum) ofLine(l logspan.Line) uint64 {
	v := Num(l.Field(s.Num))
	for _, i := range s.Lens {
		v += uint64(len(l.Field(i)))
	}
	return v
}

func mustParser(spec string) *logspan.Parser {
	p, err := logspan.NewParser(spec)
	if err != nil {
		panic(err)
	}
	return p
}

// Reference is logspan's answer for a check on a corpus: (accepted lines,
// checksum), line by line with Parser.Parse and logspan's unescaping.
func Reference(check Check, c *Corpus) (ok, sum uint64) {
	var spec string
	var s Sum
	var unescape func(dst, raw []byte) ([]byte, error)
	switch check {
	case CheckAccess:
		spec, s = "access", AccessSum
	case CheckCombined:
		spec, s = "combined", AccessSum
	case CheckJSON, CheckJSONValid:
		spec, s = JSONSpec, JSONSum
	case CheckJSONUnescaped:
		spec, s, unescape = JSONSpec, JSONSum, logspan.AppendUnescapedJSON
	case CheckLogfmt:
		spec, s = LogfmtSpec, LogfmtSum
	case CheckLogfmtUnescaped:
		spec, s, unescape = LogfmtSpec, LogfmtSum, logspan.AppendUnescapedLogfmt
	case CheckSyslog:
		spec, s = "syslog", SyslogSum
	case CheckLines:
		return uint64(len(c.Lines)), 0
	}
	p := mustParser(spec)
	defer p.Close()
	out := make([]logspan.Span, p.NumFields())
	var scratch []byte
	for _, l := range c.Lines {
		if _, err := p.Parse(l, out); err != nil {
			continue
		}
		ok++
		switch {
		case check == CheckJSONValid:
		case unescape == nil:
			sum += s.ofSpans(out, l)
		default:
			sum += Num(out[s.Num].Bytes(l))
			for _, i := range s.Lens {
				raw := out[i].Bytes(l)
				if out[i].Escaped() {
					var err error
					if scratch, err = unescape(scratch[:0], raw); err != nil {
						panic(err)
					}
					raw = scratch
				}
				sum += uint64(len(raw))
			}
		}
	}
	return ok, sum
}

// ---------------------------------------------------------------- logspan

func logspanParse(spec string, s Sum) func() (LineFunc, func()) {
	return func() (LineFunc, func()) {
		p := mustParser(spec)
		out := make([]logspan.Span, p.NumFields())
		return func(l []byte) (uint64, bool) {
			if _, err := p.Parse(l, out); err != nil {
				return 0, false
			}
			return s.ofSpans(out, l), true
		}, func() { p.Close() }
	}
}

func logspanParseFast() (LineFunc, func()) {
	var out [logspan.FastFields]logspan.Span
	return func(l []byte) (uint64, bool) {
		if _, err := logspan.ParseFast(l, &out); err != nil {
			return 0, false
		}
		return AccessSum.ofSpans(out[:], l), true
	}, nil
}

// batchStream walks a corpus through a logspan Batch (one cgo call per
// DefaultBatchLines lines), one line per Next.
type batchStream struct {
	b    *logspan.Batch
	s    Sum
	data []byte
	rest []byte
	i    int
}

func (t *batchStream) Next() (uint64, bool) {
	for t.i >= t.b.Len() {
		if len(t.rest) == 0 {
			t.rest = t.data
		}
		n, err := t.b.Parse(t.rest, true)
		if err != nil {
			panic(err)
		}
		t.rest, t.i = t.rest[n:], 0
	}
	l := t.b.Line(t.i)
	t.i++
	if !l.OK() {
		return 0, false
	}
	return t.s.ofLine(l), true
}

func logspanBatch(spec string, s Sum) func(c *Corpus) (Stream, func()) {
	return func(c *Corpus) (Stream, func()) {
		p := mustParser(spec)
		return &batchStream{b: logspan.NewBatch(p, logspan.DefaultBatchLines), s: s, data: c.Data},
			func() { p.Close() }
	}
}

// newlineStream is the floor: finding the next line with bytes.IndexByte.
type newlineStream struct{ data, rest []byte }

func (t *newlineStream) Next() (uint64, bool) {
	if len(t.rest) == 0 {
		t.rest = t.data
	}
	i := bytes.IndexByte(t.rest, '\n')
	if i < 0 {
		i = len(t.rest) - 1
	}
	t.rest = t.rest[i+1:]
	return 0, true
}

func newlineFloor(c *Corpus) (Stream, func()) { return &newlineStream{data: c.Data}, nil }

// ---------------------------------------------------------------- access

func regexpAccess() (LineFunc, func()) {
	re := regexp.MustCompile(AccessRE)
	return func(l []byte) (uint64, bool) {
		m := re.FindSubmatchIndex(l)
		if m == nil {
			return 0, false
		}
		return uint64(m[3]-m[2]+m[9]-m[8]+m[11]-m[10]) + Num(l[m[12]:m[13]]), true
	}, nil
}

// SplitAccess is a hand-written bytes.IndexByte splitter for a combined
// or common line (no request split, no digit checks; \" honoured in
// quotes): start and end of the 9 fields; a common line leaves the last
// two at 0.
func SplitAccess(line []byte, out *[9][2]int) bool {
	pos := 0
	for k := 0; k < 3; k++ {
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
	quoted := func(pos int) int { // index of the closing quote, or -1
		if pos >= len(line) || line[pos] != '"' {
			return -1
		}
		for j := pos + 1; j < len(line); j++ {
			k := bytes.IndexAny(line[j:], `"\`)
			if k < 0 {
				return -1
			}
			if line[j+k] == '"' {
				return j + k
			}
			j += k + 1
		}
		return -1
	}
	e := quoted(pos)
	if e < 0 {
		return false
	}
	out[4] = [2]int{pos + 1, e}
	pos = e + 2
	if pos+3 > len(line) {
		return false
	}
	out[5] = [2]int{pos, pos + 3}
	pos += 4
	if pos > len(line) {
		return false
	}
	e = bytes.IndexByte(line[pos:], ' ')
	if e < 0 {
		out[6] = [2]int{pos, len(line)}
		out[7], out[8] = [2]int{}, [2]int{}
		return true
	}
	out[6] = [2]int{pos, pos + e}
	pos += e + 1
	if e = quoted(pos); e < 0 {
		return false
	}
	out[7] = [2]int{pos + 1, e}
	pos = e + 2
	if e = quoted(pos); e < 0 {
		return false
	}
	out[8] = [2]int{pos + 1, e}
	return e+1 == len(line)
}

func handAccess() (LineFunc, func()) {
	var out [9][2]int
	return func(l []byte) (uint64, bool) {
		if !SplitAccess(l, &out) {
			return 0, false
		}
		return uint64(out[0][1]-out[0][0]+out[3][1]-out[3][0]+out[4][1]-out[4][0]) +
			Num(l[out[5][0]:out[5][1]]), true
	}, nil
}

// LokiPattern is a Loki-style pattern matcher written by hand (the
// literal-anchor idea of Loki's `pattern` parser: each capture ends at the
// next occurrence of the literal after it, found with bytes.Index), with
// logspan's anchoring: a leading literal starts the line, a trailing
// literal ends it, nothing is returned on a mismatch.
type LokiPattern struct {
	lead  []byte
	caps  []string
	lits  [][]byte // lits[i] follows caps[i]; the last may be nil (rest of line)
	spans [][2]int
}

// NewLokiPattern compiles `<name>` captures and literal text.
func NewLokiPattern(expr string) *LokiPattern {
	p := &LokiPattern{}
	var lit []byte
	for i := 0; i < len(expr); {
		if expr[i] == '<' {
			j := bytes.IndexByte([]byte(expr[i:]), '>')
			if len(p.caps) == 0 {
				p.lead = lit
			} else {
				p.lits = append(p.lits, lit)
			}
			lit = nil
			p.caps = append(p.caps, expr[i+1:i+j])
			i += j + 1
			continue
		}
		lit = append(lit, expr[i])
		i++
	}
	p.lits = append(p.lits, lit)
	p.spans = make([][2]int, len(p.caps))
	return p
}

// Match fills and returns the capture spans, or nil.
func (p *LokiPattern) Match(line []byte) [][2]int {
	if !bytes.HasPrefix(line, p.lead) {
		return nil
	}
	pos := len(p.lead)
	for k, lit := range p.lits {
		switch {
		case k == len(p.lits)-1: // the last capture: up to the trailing literal
			if !bytes.HasSuffix(line[pos:], lit) {
				return nil
			}
			p.spans[k] = [2]int{pos, len(line) - len(lit)}
		default:
			i := bytes.Index(line[pos:], lit)
			if i < 0 {
				return nil
			}
			p.spans[k] = [2]int{pos, pos + i}
			pos += i + len(lit)
		}
	}
	return p.spans
}

func lokiAccess() (LineFunc, func()) {
	p := NewLokiPattern(AccessPattern[len("pattern:"):])
	return func(l []byte) (uint64, bool) {
		s := p.Match(l)
		if s == nil {
			return 0, false
		}
		return uint64(s[0][1]-s[0][0]+s[3][1]-s[3][0]+s[4][1]-s[4][0]) + Num(l[s[5][0]:s[5][1]]), true
	}, nil
}

// ---------------------------------------------------------------- json

// JSONRecord is the 5 fields for encoding/json and sonic.
type JSONRecord struct {
	Time  string `json:"time"`
	Level string `json:"level"`
	Msg   string `json:"msg"`
	HTTP  struct {
		Method string `json:"method"`
		Status uint64 `json:"status"`
	} `json:"http"`
}

func (r *JSONRecord) sum() uint64 {
	return uint64(len(r.Time)+len(r.Level)+len(r.Msg)+len(r.HTTP.Method)) + r.HTTP.Status
}

func encodingJSONStruct() (LineFunc, func()) {
	return func(l []byte) (uint64, bool) {
		var r JSONRecord
		if json.Unmarshal(l, &r) != nil {
			return 0, false
		}
		return r.sum(), true
	}, nil
}

func encodingJSONValid() (LineFunc, func()) {
	return func(l []byte) (uint64, bool) {
		if !json.Valid(l) || l[0] != '{' {
			return 0, false
		}
		return 0, true
	}, nil
}

func sonicStruct() (LineFunc, func()) {
	return func(l []byte) (uint64, bool) {
		var r JSONRecord
		if sonic.Unmarshal(l, &r) != nil {
			return 0, false
		}
		return r.sum(), true
	}, nil
}

func fastjsonParser() (LineFunc, func()) {
	var p fastjson.Parser
	return func(l []byte) (uint64, bool) {
		v, err := p.ParseBytes(l)
		if err != nil || v.Type() != fastjson.TypeObject {
			return 0, false
		}
		return uint64(len(v.GetStringBytes("time"))+len(v.GetStringBytes("level"))+
			len(v.GetStringBytes("msg"))+len(v.GetStringBytes("http", "method"))) +
			v.GetUint64("http", "status"), true
	}, nil
}

var jsonparserPaths = [][]string{{"time"}, {"level"}, {"msg"}, {"http", "method"}, {"http", "status"}}

func jsonparserEachKey() (LineFunc, func()) {
	var sum uint64
	cb := func(idx int, value []byte, _ jsonparser.ValueType, err error) {
		if err != nil {
			return
		}
		if idx == 4 {
			sum += Num(value)
		} else {
			sum += uint64(len(value))
		}
	}
	return func(l []byte) (uint64, bool) {
		sum = 0
		if len(l) == 0 || l[0] != '{' {
			return 0, false
		}
		if jsonparser.EachKey(l, cb, jsonparserPaths...) < 0 {
			return 0, false
		}
		return sum, true
	}, nil
}

func simdjsonParse() (LineFunc, func()) {
	var pj *simdjson.ParsedJson
	var obj, http simdjson.Object
	var elem simdjson.Element
	var root simdjson.Iter
	str := func(o *simdjson.Object, key string) uint64 {
		if e := o.FindKey(key, &elem); e != nil {
			if b, err := e.Iter.StringBytes(); err == nil {
				return uint64(len(b))
			}
		}
		return 0
	}
	return func(l []byte) (uint64, bool) {
		var err error
		if pj, err = simdjson.Parse(l, pj, simdjson.WithCopyStrings(false)); err != nil {
			return 0, false
		}
		it := pj.Iter()
		it.Advance()
		if _, _, err = it.Root(&root); err != nil {
			return 0, false
		}
		if _, err = root.Object(&obj); err != nil {
			return 0, false
		}
		sum := str(&obj, "time") + str(&obj, "level") + str(&obj, "msg")
		if e := obj.FindKey("http", &elem); e != nil {
			if _, err := e.Iter.Object(&http); err == nil {
				sum += str(&http, "method")
				if e := http.FindKey("status", &elem); e != nil {
					st, _ := e.Iter.Uint()
					sum += st
				}
			}
		}
		return sum, true
	}, nil
}

// ---------------------------------------------------------------- logfmt

var logfmtKeys = [5]string{"time", "level", "msg", "path", "status"}

func logfmtAdd(vals *[5][]byte, k, v []byte) {
	for i, w := range logfmtKeys {
		if string(k) == w {
			vals[i] = v
			return
		}
	}
}

func logfmtTotal(vals *[5][]byte) uint64 {
	return uint64(len(vals[0])+len(vals[1])+len(vals[2])+len(vals[3])) + Num(vals[4])
}

func regexpLogfmt() (LineFunc, func()) {
	re := regexp.MustCompile(LogfmtRE)
	return func(l []byte) (uint64, bool) {
		var vals [5][]byte
		for _, m := range re.FindAllSubmatchIndex(l, -1) {
			var v []byte
			if m[4] >= 0 {
				v = l[m[4]:m[5]]
				if len(v) >= 2 && v[0] == '"' {
					v = v[1 : len(v)-1]
				}
			}
			logfmtAdd(&vals, l[m[2]:m[3]], v)
		}
		return logfmtTotal(&vals), true
	}, nil
}

// ScanLogfmt is a hand-written logfmt scanner (bytes.IndexAny through
// quoted values, a byte loop through keys and bare values; little
// validation), keeping the values of the 5 keys.
func ScanLogfmt(l []byte, vals *[5][]byte) bool {
	i, n := 0, len(l)
	for i < n {
		for i < n && l[i] <= ' ' {
			i++
		}
		if i == n {
			break
		}
		ks := i
		for i < n && l[i] > ' ' && l[i] != '=' {
			if l[i] == '"' {
				return false
			}
			i++
		}
		key := l[ks:i]
		if len(key) == 0 {
			return false
		}
		if i < n && l[i] == '=' {
			i++
			if i < n && l[i] == '"' {
				vs := i + 1
				j := vs
				for {
					k := bytes.IndexAny(l[j:], `"\`)
					if k < 0 {
						return false
					}
					if l[j+k] == '"' {
						j += k
						break
					}
					j += k + 2
					if j > n {
						return false
					}
				}
				logfmtAdd(vals, key, l[vs:j])
				i = j + 1
			} else {
				vs := i
				for i < n && l[i] > ' ' {
					i++
				}
				logfmtAdd(vals, key, l[vs:i])
			}
		} else {
			logfmtAdd(vals, key, nil)
		}
	}
	return true
}

func handLogfmt() (LineFunc, func()) {
	return func(l []byte) (uint64, bool) {
		var vals [5][]byte
		if !ScanLogfmt(l, &vals) {
			return 0, false
		}
		return logfmtTotal(&vals), true
	}, nil
}

// cycleReader repeats data forever.
type cycleReader struct {
	data []byte
	pos  int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.pos:])
	c.pos = (c.pos + n) % len(c.data)
	return n, nil
}

var _ io.Reader = (*cycleReader)(nil)

// logfmtDecoder is go-logfmt's Decoder over the corpus as a stream (it
// splits the lines itself), one record per Next; values are unescaped.
type logfmtDecoder struct{ d *logfmt.Decoder }

func (t *logfmtDecoder) Next() (uint64, bool) {
	if !t.d.ScanRecord() {
		return 0, false
	}
	var vals [5][]byte
	for t.d.ScanKeyval() {
		logfmtAdd(&vals, t.d.Key(), t.d.Value())
	}
	if t.d.Err() != nil {
		return 0, false
	}
	return logfmtTotal(&vals), true
}

func goLogfmt(c *Corpus) (Stream, func()) {
	return &logfmtDecoder{d: logfmt.NewDecoder(&cycleReader{data: c.Data})}, nil
}

// ---------------------------------------------------------------- syslog

var bom = []byte("\xEF\xBB\xBF")

func nilLen(b []byte) uint64 {
	if len(b) == 1 && b[0] == '-' {
		return 0
	}
	return uint64(len(b))
}

func regexpSyslog() (LineFunc, func()) {
	r5 := regexp.MustCompile(Syslog5424RE)
	r3 := regexp.MustCompile(Syslog3164RE)
	group := func(l []byte, m []int, i int) []byte {
		if m[2*i] < 0 {
			return nil
		}
		return l[m[2*i]:m[2*i+1]]
	}
	return func(l []byte) (uint64, bool) {
		if m := r5.FindSubmatchIndex(l); m != nil {
			msg := bytes.TrimPrefix(group(l, m, 9), bom)
			return Num(group(l, m, 1)) + nilLen(group(l, m, 4)) + nilLen(group(l, m, 5)) +
				nilLen(group(l, m, 6)) + uint64(len(msg)), true
		}
		m := r3.FindSubmatchIndex(l)
		if m == nil {
			return 0, false
		}
		return Num(group(l, m, 1)) + uint64(len(group(l, m, 3))+len(group(l, m, 4))+
			len(group(l, m, 5))+len(group(l, m, 6))), true
	}, nil
}

func strLen(s *string) uint64 {
	if s == nil {
		return 0
	}
	return uint64(len(*s))
}

// goSyslog is leodido/go-syslog v4's auto machine (RFC 5424 or RFC 3164
// by the line's shape), strict mode, RFC 5424 messages with the BOM
// checked (WithCompliantMsg).
func goSyslog() (LineFunc, func()) {
	m := auto.NewMachine(
		auto.WithRFC5424Options(rfc5424.WithCompliantMsg()),
		auto.WithRFC3164Options(rfc3164.WithYear(rfc3164.Year{YYYY: 2024})),
	)
	return func(l []byte) (uint64, bool) {
		msg, err := m.Parse(l)
		if err != nil || msg == nil || !msg.Valid() {
			return 0, false
		}
		var b *syslog.Base
		switch v := msg.(type) {
		case *rfc5424.SyslogMessage:
			b = &v.Base
		case *rfc3164.SyslogMessage:
			b = &v.Base
		default:
			return 0, false
		}
		var sum uint64
		if b.Priority != nil {
			sum += uint64(*b.Priority)
		}
		var text uint64
		if b.Message != nil {
			text = uint64(len(bytes.TrimPrefix([]byte(*b.Message), bom)))
		}
		return sum + strLen(b.Hostname) + strLen(b.Appname) + strLen(b.ProcID) + text, true
	}, nil
}

// ---------------------------------------------------------------- the table

// Impls lists every implementation, job by job, in report order. Built
// with -tags logspan_wasm (the package's no-cgo path: its embedded
// WebAssembly module under wazero), it lists only logspan's Batch and
// per-line rows, named logspan_nocgo/...: benches/bench.sh runs that
// binary after the cgo one, and the report puts the rows side by side.
func Impls() []Impl {
	all := impls()
	if logspan.Backend() != "wasm" {
		return all
	}
	var nocgo []Impl
	for _, im := range all {
		switch im.Name {
		case "logspan/Batch", "logspan/ParseFast_per_line", "logspan/Parser.Parse_per_line":
			im.Name = "logspan_nocgo/" + im.Name[len("logspan/"):]
			nocgo = append(nocgo, im)
		}
	}
	return nocgo
}

// MetaFile is where TestCrossCheck writes its results: one file per
// backend, so that the no-cgo run does not overwrite the cgo one's.
func MetaFile() string {
	if logspan.Backend() == "wasm" {
		return "go-meta-wasm.jsonl"
	}
	return "go-meta.jsonl"
}

func impls() []Impl {
	var simdSkip string
	if !simdjson.SupportedCPU() {
		simdSkip = "simdjson-go needs AVX2 and CLMUL"
	}
	return []Impl{
		{Job: "access", Name: "logspan/Batch", Check: CheckAccess, Stream: logspanBatch("access", AccessSum), Parallel: true},
		{Job: "access", Name: "logspan/ParseFast_per_line", Check: CheckAccess, Line: logspanParseFast},
		{Job: "access", Name: "logspan/Parser.Parse_per_line", Check: CheckAccess, Line: logspanParse("access", AccessSum)},
		{Job: "access", Name: "logspan/pattern_spec_Batch", Check: CheckCombined, Stream: logspanBatch(AccessPattern, NamedAccessSum)},
		{Job: "access", Name: "logspan/regex_spec_Batch", Check: CheckAccess, Stream: logspanBatch(AccessNamedRE, NamedAccessSum)},
		{Job: "access", Name: "regexp/FindSubmatchIndex", Check: CheckAccess, Line: regexpAccess, Parallel: true},
		{Job: "access", Name: "hand/IndexByte_splitter", Check: CheckAccess, Line: handAccess, Parallel: true},
		{Job: "access", Name: "hand/loki_style_pattern", Check: CheckCombined, Line: lokiAccess},
		{Job: "access", Name: "floor/IndexByte_newline", Check: CheckLines, Stream: newlineFloor},

		{Job: "json", Name: "logspan/Batch", Check: CheckJSON, Stream: logspanBatch(JSONSpec, JSONSum), Parallel: true},
		{Job: "json", Name: "logspan/Parser.Parse_per_line", Check: CheckJSON, Line: logspanParse(JSONSpec, JSONSum)},
		{Job: "json", Name: "encoding_json/struct", Check: CheckJSONUnescaped, Line: encodingJSONStruct, Parallel: true},
		{Job: "json", Name: "encoding_json/Valid", Check: CheckJSONValid, Line: encodingJSONValid},
		{Job: "json", Name: "fastjson/Parser", Check: CheckJSONUnescaped, Line: fastjsonParser, Parallel: true},
		{Job: "json", Name: "jsonparser/EachKey_no_validation", Check: CheckJSON, Line: jsonparserEachKey},
		{Job: "json", Name: "simdjson_go/Parse_reused", Check: CheckJSONUnescaped, Line: simdjsonParse, Skip: simdSkip},
		{Job: "json", Name: "sonic/Unmarshal_struct", Check: CheckJSONUnescaped, Line: sonicStruct},
		{Job: "json", Name: "floor/IndexByte_newline", Check: CheckLines, Stream: newlineFloor},

		{Job: "logfmt", Name: "logspan/Batch", Check: CheckLogfmt, Stream: logspanBatch(LogfmtSpec, LogfmtSum), Parallel: true},
		{Job: "logfmt", Name: "logspan/Parser.Parse_per_line", Check: CheckLogfmt, Line: logspanParse(LogfmtSpec, LogfmtSum)},
		{Job: "logfmt", Name: "go_logfmt/Decoder", Check: CheckLogfmtUnescaped, Stream: goLogfmt, Parallel: true},
		{Job: "logfmt", Name: "regexp/FindAllSubmatchIndex", Check: CheckLogfmt, Line: regexpLogfmt},
		{Job: "logfmt", Name: "hand/logfmt_scanner", Check: CheckLogfmt, Line: handLogfmt},
		{Job: "logfmt", Name: "floor/IndexByte_newline", Check: CheckLines, Stream: newlineFloor},

		{Job: "syslog", Name: "logspan/Batch", Check: CheckSyslog, Stream: logspanBatch("syslog", SyslogSum), Parallel: true},
		{Job: "syslog", Name: "logspan/Parser.Parse_per_line", Check: CheckSyslog, Line: logspanParse("syslog", SyslogSum)},
		{Job: "syslog", Name: "go_syslog/auto_machine", Check: CheckSyslog, Line: goSyslog, Parallel: true},
		{Job: "syslog", Name: "regexp/5424_then_3164", Check: CheckSyslog, Line: regexpSyslog},
		{Job: "syslog", Name: "floor/IndexByte_newline", Check: CheckLines, Stream: newlineFloor},
	}
}

// Run passes once over the corpus: (accepted lines, checksum).
func (im Impl) Run(c *Corpus) (ok, sum uint64) {
	if im.Line != nil {
		f, done := im.Line()
		if done != nil {
			defer done()
		}
		for _, l := range c.Lines {
			if s, good := f(l); good {
				ok++
				sum += s
			}
		}
		return ok, sum
	}
	st, done := im.Stream(c)
	if done != nil {
		defer done()
	}
	for range c.Lines {
		if s, good := st.Next(); good {
			ok++
			sum += s
		}
	}
	return ok, sum
}
