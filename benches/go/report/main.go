// Command report writes BENCHMARKS.md and one SVG bar chart per job from
// the raw results of benches/bench.sh (target/bench-report/ and
// target/criterion/). Every figure in the output comes from those files:
// nothing is typed in by hand.
//
//	go run ./report -root ../.. -in ../../target/bench-report -out ../../BENCHMARKS.md -charts ../charts
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	root   = flag.String("root", "../..", "repository root")
	in     = flag.String("in", "../../target/bench-report", "raw results (benches/bench.sh)")
	out    = flag.String("out", "../../BENCHMARKS.md", "report to write")
	charts = flag.String("charts", "../charts", "directory for the SVG charts")
)

var jobs = []string{"access", "json", "logfmt", "syslog"}

var jobChecks = map[string]string{
	"access": "every row accepts the same lines with the same checksum, except the pattern rows " +
		"(`logspan/pattern_spec*`, `hand/loki_style_pattern`), which accept combined lines only, like Loki's `pattern`",
	"json":   "all rows accept every line; raw and unescaped checksums as listed in the checks table",
	"logfmt": "all rows accept every line with the same checksum (go-logfmt's on unescaped values)",
	"syslog": "all rows accept every line with the same checksum",
}

var jobTitle = map[string]string{
	"access": "Access log (nginx/Apache combined, 2% common)",
	"json":   "JSON lines: 5 fields, full validation",
	"logfmt": "logfmt: 5 keys",
	"syslog": "syslog: RFC 5424 (60%) / RFC 3164 (40%)",
}

// The logspan row each other row is compared with, per language: the
// per-line parse in Rust (lines are split before timing, as for every
// per-line peer), the Batch API in Go (what Go users should call).
var rustRef = map[string]string{
	"access": "logspan/parse_fast",
	"json":   "logspan/json_5_fields",
	"logfmt": "logspan/logfmt_5_keys",
	"syslog": "logspan/syslog",
}

const goRef = "logspan/Batch"

// Row is one implementation's result on one corpus.
type Row struct {
	Lang, Job, Impl, Corpus string
	Lines, Bytes            int
	OK, Checksum            uint64
	Check                   string
	Agree                   bool
	NsLine                  []float64 // one per repetition (criterion sample / go -count run)
	Allocs                  float64   // per line
	BytesOp                 float64   // Go B/op
	HasTime                 bool
}

func (r *Row) median() float64 { return median(r.NsLine) }
func (r *Row) mbps() float64 {
	return float64(r.Bytes) / float64(r.Lines) / r.median() * 1e3
}

// isLogspan: logspan's rows, the cgo build's (logspan/) and the no-cgo
// build's (logspan_nocgo/, the package's WebAssembly path).
func (r *Row) isLogspan() bool {
	return strings.HasPrefix(r.Impl, "logspan/") || strings.HasPrefix(r.Impl, "logspan_nocgo/")
}
func (r *Row) isFloor() bool { return strings.HasPrefix(r.Impl, "floor/") }

// isPeer: an implementation that extracts the job's fields (not a floor,
// not a validator that extracts nothing).
func (r *Row) isPeer() bool {
	return !r.isLogspan() && !r.isFloor() && r.Check != "json_valid"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minmax(xs []float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

func readJSONL(path string, f func(map[string]any)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		f(m)
	}
	return sc.Err()
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }
func num(m map[string]any, k string) float64 {
	f, _ := m[k].(float64)
	return f
}

// ---------------------------------------------------------------- rust

type criterionBench struct {
	FullID     string `json:"full_id"`
	Throughput struct {
		Bytes int `json:"Bytes"`
	} `json:"throughput"`
}
type criterionSample struct {
	Iters []float64 `json:"iters"`
	Times []float64 `json:"times"`
}

// criterionResult is one bench's ns per iteration of each sample, and the
// bytes an iteration parsed (its throughput), which says which corpus it
// ran on.
type criterionResult struct {
	perIter []float64
	bytes   int
}

// criterionTimes: full_id -> its result.
func criterionTimes(dir string) map[string]criterionResult {
	res := map[string]criterionResult{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.Name() != "benchmark.json" || filepath.Base(filepath.Dir(p)) != "new" {
			return nil
		}
		var b criterionBench
		var s criterionSample
		if readJSON(p, &b) != nil || readJSON(filepath.Join(filepath.Dir(p), "sample.json"), &s) != nil {
			return nil
		}
		var per []float64
		for i := range s.Times {
			per = append(per, s.Times[i]/s.Iters[i])
		}
		res[b.FullID] = criterionResult{per, b.Throughput.Bytes}
		return nil
	})
	return res
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func rustRows() ([]*Row, error) {
	times := criterionTimes(filepath.Join(*root, "target", "criterion"))
	var rows []*Row
	var stale []string
	err := readJSONL(filepath.Join(*in, "rust-meta.jsonl"), func(m map[string]any) {
		r := &Row{Lang: "rust", Job: str(m, "job"), Impl: str(m, "impl"), Corpus: str(m, "corpus"),
			Lines: int(num(m, "lines")), Bytes: int(num(m, "bytes")), OK: uint64(num(m, "ok")),
			Checksum: uint64(num(m, "checksum")), Check: str(m, "check"), Agree: true}
		r.Allocs = num(m, "allocs") / float64(r.Lines)
		id := str(m, "group") + "/" + r.Impl
		t, ok := times[id]
		// A later cargo bench on another corpus (scripts/corpus-size.sh
		// before it kept its results apart, or a hand-run A/B with
		// LOGSPAN_BENCH_CORPUS) overwrites the same bench names: dividing
		// its times by this corpus' lines would print nonsense.
		if ok && t.bytes != 0 && t.bytes != r.Bytes {
			stale = append(stale, fmt.Sprintf("%s (%d bytes an iteration, corpus %d)", id, t.bytes, r.Bytes))
			return
		}
		for _, ns := range t.perIter {
			r.NsLine = append(r.NsLine, ns/float64(r.Lines))
		}
		r.HasTime = len(r.NsLine) > 0
		rows = append(rows, r)
	})
	if err == nil && len(stale) > 0 {
		err = fmt.Errorf("target/criterion holds results of another corpus for %d benches, e.g. %s",
			len(stale), stale[0])
	}
	return rows, err
}

// ---------------------------------------------------------------- go

// goBench: name -> runs of (ns/op, B/op, allocs/op).
type goRun struct{ ns, bytes, allocs float64 }

var benchLine = regexp.MustCompile(`^(Benchmark\S+)\s+\d+\s+([\d.]+) ns/op(.*)$`)

func parseGoBench(path string) (map[string][]goRun, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	res := map[string][]goRun{}
	var order []string
	for _, line := range strings.Split(string(b), "\n") {
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		r := goRun{ns: ns}
		f := strings.Fields(m[3])
		for i := 1; i < len(f); i++ {
			v, _ := strconv.ParseFloat(f[i-1], 64)
			switch f[i] {
			case "B/op":
				r.bytes = v
			case "allocs/op":
				r.allocs = v
			}
		}
		if _, ok := res[m[1]]; !ok {
			order = append(order, m[1])
		}
		res[m[1]] = append(res[m[1]], r)
	}
	return res, order, nil
}

var goJob = map[string]string{"Access": "access", "JSON": "json", "Logfmt": "logfmt", "Syslog": "syslog"}

func goRows() ([]*Row, error) {
	meta := map[string]map[string]any{}
	if err := readJSONL(filepath.Join(*in, "go-meta.jsonl"), func(m map[string]any) {
		meta[str(m, "job")+"/"+str(m, "impl")] = m
	}); err != nil {
		return nil, err
	}
	runs, order, err := parseGoBench(filepath.Join(*in, "go-bench.txt"))
	if err != nil {
		return nil, err
	}
	// The no-cgo run (-tags logspan_wasm), when there is one: its rows are
	// named logspan_nocgo/...
	if _, err := os.Stat(filepath.Join(*in, "go-bench-wasm.txt")); err == nil {
		if err := readJSONL(filepath.Join(*in, "go-meta-wasm.jsonl"), func(m map[string]any) {
			meta[str(m, "job")+"/"+str(m, "impl")] = m
		}); err != nil {
			return nil, err
		}
		wruns, worder, err := parseGoBench(filepath.Join(*in, "go-bench-wasm.txt"))
		if err != nil {
			return nil, err
		}
		for _, name := range worder {
			if _, dup := runs[name]; !dup {
				order = append(order, name)
			}
			runs[name] = append(runs[name], wruns[name]...)
		}
	}
	var rows []*Row
	for _, name := range order {
		rest := strings.TrimPrefix(name, "Benchmark")
		k := strings.IndexByte(rest, '/')
		if k < 0 {
			continue
		}
		job := goJob[rest[:k]]
		m := meta[job+"/"+rest[k+1:]]
		if m == nil {
			continue
		}
		r := &Row{Lang: "go", Job: job, Impl: rest[k+1:], Corpus: str(m, "corpus"),
			Lines: int(num(m, "lines")), Bytes: int(num(m, "bytes")), OK: uint64(num(m, "ok")),
			Checksum: uint64(num(m, "checksum")), Check: str(m, "check"), Agree: m["agree"] == true}
		var a, bo []float64
		for _, x := range runs[name] {
			r.NsLine = append(r.NsLine, x.ns)
			a = append(a, x.allocs)
			bo = append(bo, x.bytes)
		}
		r.Allocs, r.BytesOp, r.HasTime = median(a), median(bo), true
		rows = append(rows, r)
	}
	// Cross-checked but not timed (skipped benchmarks): keep for the checks table.
	for key, m := range meta {
		found := false
		for _, r := range rows {
			if r.Job+"/"+r.Impl == key {
				found = true
			}
		}
		if !found {
			rows = append(rows, &Row{Lang: "go", Job: str(m, "job"), Impl: str(m, "impl"),
				Corpus: str(m, "corpus"), Lines: int(num(m, "lines")), Bytes: int(num(m, "bytes")),
				OK: uint64(num(m, "ok")), Checksum: uint64(num(m, "checksum")), Check: str(m, "check"),
				Agree: m["agree"] == true})
		}
	}
	return rows, nil
}

// ---------------------------------------------------------------- formatting

func fmtNs(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x >= 100:
		return commas(fmt.Sprintf("%.0f", x))
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

func fmtNum(x float64) string {
	if x >= 100 {
		return commas(fmt.Sprintf("%.0f", x))
	}
	return fmt.Sprintf("%.1f", x)
}

func commas(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
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

func fmtAllocs(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x == 0:
		return "0"
	case x < 0.01:
		return fmt.Sprintf("%.1e", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

func fmtRatio(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "–"
	case x >= 10:
		return fmt.Sprintf("%.0f×", x)
	default:
		return fmt.Sprintf("%.2f×", x)
	}
}

// ---------------------------------------------------------------- environment

func run(dir string, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		return "(" + name + " unavailable)"
	}
	return strings.TrimSpace(string(b))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func lscpu(field string) string {
	for _, l := range strings.Split(run(".", "lscpu"), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == field {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return fmt.Sprintf("%.0f GiB", kb/1024/1024)
		}
	}
	return "?"
}

// cargoLockVersions: crate -> version(s) from Cargo.lock.
func cargoLockVersions() map[string][]string {
	b, _ := os.ReadFile(filepath.Join(*root, "Cargo.lock"))
	res := map[string][]string{}
	var name string
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "name = "); ok {
			name = strings.Trim(v, `"`)
		} else if v, ok := strings.CutPrefix(l, "version = "); ok && name != "" {
			res[name] = append(res[name], strings.Trim(v, `"`))
			name = ""
		}
	}
	return res
}

func goModVersions() [][2]string {
	b, _ := os.ReadFile(filepath.Join(*root, "benches", "go", "go.mod"))
	var res [][2]string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") && !strings.Contains(l, "// indirect") {
			res = append(res, [2]string{f[0], f[1]})
		}
	}
	return res
}

func sha256File(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "?"
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// stepLoad: the median 1-minute load average sampled during each step.
var stepLoad = map[string]float64{}

// loadStats: 1-minute load averages sampled during the timed steps.
func loadStats() (lo, med, hi float64, n int, start, end time.Time) {
	b, _ := os.ReadFile(filepath.Join(*in, "loadavg.log"))
	var xs []float64
	perStep := map[string][]float64{}
	defer func() {
		for k, v := range perStep {
			stepLoad[k] = median(v)
		}
	}()
	step := ""
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 3 {
			continue
		}
		ts, _ := strconv.ParseInt(f[0], 10, 64)
		t := time.Unix(ts, 0).UTC()
		if start.IsZero() {
			start = t
		}
		if f[1] != "sample" {
			step = f[1]
		}
		if step != "report" && step != "done" {
			end = t
		}
		timed := step == "rust" || step == "go" || step == "go-parallel"
		v, err := strconv.ParseFloat(f[2], 64)
		if err == nil && f[1] == "sample" {
			perStep[step] = append(perStep[step], v)
		}
		if err == nil && timed {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0, start, end
	}
	lo, hi = minmax(xs)
	return lo, median(xs), hi, len(xs), start, end
}

// ---------------------------------------------------------------- charts

func esc(s string) string {
	var b bytes.Buffer
	xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(b *bytes.Buffer, s string) {
	for _, c := range s {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(c)
		}
	}
}

// chart draws ns/line of rows as horizontal bars on a log scale.
func chart(title string, rows []*Row) string {
	const (
		labelW = 300
		barW   = 520
		rowH   = 20
		top    = 46
		left   = 10
	)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		lo, hi = math.Min(lo, r.median()), math.Max(hi, r.median())
	}
	lmin := math.Floor(math.Log10(lo))
	lmax := math.Ceil(math.Log10(hi))
	if lmax == lmin {
		lmax++
	}
	x := func(v float64) float64 { return barW * (math.Log10(v) - lmin) / (lmax - lmin) }
	height := top + rowH*len(rows) + 40
	width := left + labelW + barW + 90
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14" font-weight="bold">%s</text>`+"\n", left, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="34" fill="#555">ns per line, log scale (shorter is faster). Orange: Rust, blue: Go; dark: logspan, grey: floors.</text>`+"\n", left)
	x0 := float64(left + labelW)
	for e := lmin; e <= lmax; e++ {
		gx := x0 + x(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", gx, top-4, gx, top+rowH*len(rows))
		label := commas(fmt.Sprintf("%.0f", math.Pow(10, e)))
		if e < 0 {
			label = strconv.FormatFloat(math.Pow(10, e), 'f', -1, 64)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", gx, top+rowH*len(rows)+16, label)
	}
	for i, r := range rows {
		y := top + i*rowH
		color := map[[2]bool]string{
			{true, true}: "#c2410c", {true, false}: "#fdba74", // rust: logspan, peer
			{false, true}: "#1d4ed8", {false, false}: "#93c5fd", // go
		}[[2]bool{r.Lang == "rust", r.isLogspan()}]
		if r.isFloor() {
			color = "#bbbbbb"
		}
		w := math.Max(x(r.median()), 1)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end">%s %s</text>`+"\n", x0-6, y+14, esc(r.Lang), esc(r.Impl))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, y+3, w, rowH-6, color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", x0+w+4, y+14, fmtNs(r.median()))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// ---------------------------------------------------------------- report

func main() {
	flag.Parse()
	log.SetFlags(0)
	rust, err := rustRows()
	if err != nil {
		log.Fatalf("rust results: %v (run benches/bench.sh rust)", err)
	}
	goR, err := goRows()
	if err != nil {
		log.Fatalf("go results: %v (run benches/bench.sh go)", err)
	}
	par, parOrder, _ := parseGoBench(filepath.Join(*in, "go-parallel.txt"))
	if err := os.MkdirAll(*charts, 0o755); err != nil {
		log.Fatal(err)
	}
	chartRel, _ := filepath.Rel(filepath.Dir(*out), *charts)

	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	mode := "full run (`make bench`)"
	if q, _ := os.ReadFile(filepath.Join(*in, "quick")); strings.TrimSpace(string(q)) == "1" {
		mode = "**quick run** (`BENCH_QUICK=1 make bench`: 4 MB corpora, short measurements, one Go repetition; rougher than a full run)"
	}
	lo, med, hi, nload, start, end := loadStats()

	p("# Benchmarks\n\n")
	p("Generated by `make bench` (benches/bench.sh → benches/go/report) from the raw results in\n")
	p("`target/bench-report/` and `target/criterion/`: every number and chart below comes from those\n")
	p("files. Do not edit by hand; re-run `make bench` (~10–15 min) or `BENCH_QUICK=1 make bench` (~2 min).\n\n")
	p("This run: %s, %s → %s (UTC).\n\n", mode, start.Format("2006-01-02 15:04"), end.Format("15:04"))
	p("**Noise.** This machine is a shared 2-vCPU VM. During the timed steps the 1-minute load average\n")
	p("was %.2f (min) / %.2f (median) / %.2f (max) over %d samples, on 2 CPUs (median per step: Rust %.2f,\n",
		lo, med, hi, nload, stepLoad["rust"])
	p("Go %.2f, Go parallel %.2f)", stepLoad["go"], stepLoad["go-parallel"])
	if med > 1.2 {
		p(": other work was running beside the benchmarks, so wall-clock figures are inflated and\n")
		p("noisy (compare the min–max columns), and ratios between rows measured minutes apart are rougher\n")
		p("than usual. **Rely on the callgrind instruction counts (last section) for exact, comparable figures.**\n\n")
	} else {
		p(": the machine was mostly idle. The callgrind instruction counts (last section) are exact whatever the load.\n\n")
	}

	// ---- headline
	p("## Headline: logspan vs the fastest peer (ns/line, lower is better)\n\n")
	p("Fastest peer = the fastest implementation that extracts the job's fields (hand-written scanners\n")
	p("included; floors and validate-only rows excluded). Speed-up = peer ÷ logspan.\n\n")
	p("| job | Rust: logspan | fastest Rust peer | speed-up | Go: logspan Batch | fastest Go peer | speed-up |\n")
	p("|---|---:|---|---:|---:|---|---:|\n")
	byJob := func(rows []*Row, job, corpusPrefix string) []*Row {
		var res []*Row
		for _, r := range rows {
			if r.Job == job && r.HasTime && (corpusPrefix == "" || r.Corpus == corpusPrefix) {
				res = append(res, r)
			}
		}
		return res
	}
	mainCorpus := map[string]string{}
	for _, r := range rust {
		if _, ok := mainCorpus[r.Job]; !ok {
			mainCorpus[r.Job] = r.Corpus
		}
	}
	find := func(rows []*Row, impl string) *Row {
		for _, r := range rows {
			if r.Impl == impl {
				return r
			}
		}
		return nil
	}
	best := func(rows []*Row) *Row {
		var bst *Row
		for _, r := range rows {
			if r.isPeer() && (bst == nil || r.median() < bst.median()) {
				bst = r
			}
		}
		return bst
	}
	for _, job := range jobs {
		rr := byJob(rust, job, mainCorpus[job])
		gr := byJob(goR, job, "")
		rl, rp := find(rr, rustRef[job]), best(rr)
		gl, gp := find(gr, goRef), best(gr)
		cell := func(r *Row) string {
			if r == nil {
				return "–"
			}
			return fmtNs(r.median())
		}
		name := func(r *Row) string {
			if r == nil {
				return "–"
			}
			return fmt.Sprintf("`%s` %s", r.Impl, fmtNs(r.median()))
		}
		ratio := func(l, p *Row) string {
			if l == nil || p == nil {
				return "–"
			}
			return fmtRatio(p.median() / l.median())
		}
		p("| %s | %s | %s | %s | %s | %s | %s |\n", job, cell(rl), name(rp), ratio(rl, rp), cell(gl), name(gp), ratio(gl, gp))
	}
	p("\nThe hand-written scanners are the fastest thing a user writes by hand: they find the separators\n")
	p("and validate almost nothing (no digit, escape, UTF-8 or structure checks), where logspan validates\n")
	p("each line fully (see the README's rules per format); they are the bar logspan has to stay near.\n")
	p("Rust's logspan row is the one-line parse (`%s` for access logs), lines split before timing like\n", rustRef["access"])
	p("every per-line peer; Go's is the Batch API (one cgo call per 1024 lines, splitting included),\n")
	p("what the package tells Go users to call. The per-job tables have every row.\n\n")

	// ---- machine
	p("## Machine, toolchains, versions\n\n```\n")
	p("cpu:        %s (%s CPUs, %s); %s\n", lscpu("Model name"), lscpu("CPU(s)"), lscpu("Thread(s) per core")+" thread(s)/core", "hypervisor: "+lscpu("Hypervisor vendor"))
	p("caches:     L1d %s, L2 %s, L3 %s\n", lscpu("L1d cache"), lscpu("L2 cache"), lscpu("L3 cache"))
	p("memory:     %s; kernel %s\n", memTotal(), run(".", "uname", "-r"))
	p("rust:       %s; %s\n", run(*root, "rustc", "-V"), run(*root, "cargo", "-V"))
	p("go:         %s\n", run(*root, "go", "version"))
	p("cc:         %s\n", firstLine(run(*root, "cc", "--version")))
	p("valgrind:   %s\n", run(*root, "valgrind", "--version"))
	lock := cargoLockVersions()
	var crates []string
	for _, c := range []string{"logspan", "memchr", "regex", "regex-automata", "serde_json", "simd-json", "criterion"} {
		crates = append(crates, c+" "+strings.Join(lock[c], "/"))
	}
	p("crates:     %s\n", strings.Join(crates, ", "))
	var mods []string
	for _, m := range goModVersions() {
		mods = append(mods, m[0]+" "+m[1])
	}
	p("go modules: %s\n", strings.Join(mods, ",\n            "))
	p("rust build: cargo bench profile (release: lto=\"thin\", codegen-units=1), default x86-64 target;\n")
	p("            memchr, regex and simd-json pick AVX2 at run time; logspan's SIMD engine\n")
	p("            picks AVX-512BW where the CPU has it, else AVX2 (`@fallback` rows: without the engine)\n")
	p("```\n\nCommands of this run (benches/bench.sh):\n\n```\n")
	cmds, _ := os.ReadFile(filepath.Join(*in, "commands.txt"))
	p("%s", cmds)
	p("```\n\n")

	// ---- corpus
	p("### Corpora\n\n")
	p("Generated by `cargo run --release --example gen_samples -- --bench-corpus MB DIR` (fixed seed per\n")
	p("format; the same program writes the shipped 2000-line samples in `examples/data/`), plus the real\n")
	p("Apache log of `../shared/corpora` (Rust only). Bytes include newlines.\n\n")
	p("| corpus | lines | bytes | B/line | sha256 |\n|---|---:|---:|---:|---|\n")
	seen := map[string]bool{}
	paths := map[string]string{}
	readJSONL(filepath.Join(*in, "rust-meta.jsonl"), func(m map[string]any) { paths[str(m, "corpus")] = str(m, "path") })
	for _, r := range rust {
		if seen[r.Corpus] {
			continue
		}
		seen[r.Corpus] = true
		p("| `%s` | %s | %s | %.0f | `%s` |\n", r.Corpus, commas(strconv.Itoa(r.Lines)), commas(strconv.Itoa(r.Bytes)),
			float64(r.Bytes)/float64(r.Lines), sha256File(paths[r.Corpus]))
	}
	p("\n")

	// ---- method
	p("### Method\n\n")
	p("- **One job, one corpus, all implementations**: each job's implementations parse the same lines.\n")
	p("  Before anything is timed, each one passes over the whole corpus and its accepted-line count and\n")
	p("  field checksum must equal logspan's (Rust: `assert`, Go: `b.Fatal`); the checks table at the end\n")
	p("  lists them. A fast but wrong implementation cannot appear here.\n")
	p("- **ns/line**: Rust: criterion, one iteration = one pass over the corpus (lines split before\n")
	p("  timing, flat sampling, 10 samples); median of the samples ÷ lines, min–max over the samples.\n")
	p("  Go: `go test -bench -benchmem`, one op = one line (per-line implementations cycle through the\n")
	p("  split lines; Batch, go-logfmt's Decoder and the newline floor consume the raw bytes), median and\n")
	p("  min–max over `-count` runs.\n")
	p("- **MB/s** = corpus bytes per line ÷ median ns/line (MB = 10⁶ bytes). **allocs/line**: Rust: a\n")
	p("  counting global allocator over a second, untimed pass (realloc counts as one); Go: `allocs/op`.\n")
	p("- **× logspan** = this row's ns/line ÷ logspan's in the same language (Rust: the one-line parse;\n")
	p("  Go: the Batch API): how many times slower than logspan this row is (below 1: faster).\n\n")

	// ---- per job
	for _, job := range jobs {
		rows := append(byJob(rust, job, mainCorpus[job]), byJob(goR, job, "")...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].median() < rows[j].median() })
		title := jobTitle[job]
		if len(rows) == 0 {
			continue
		}
		p("## %s\n\n", title)
		rr := byJob(rust, job, mainCorpus[job])
		p("Corpus `%s` (Rust and Go): %s lines, %.0f B/line. Checks: %s.\n\n", mainCorpus[job],
			commas(strconv.Itoa(rr[0].Lines)), float64(rr[0].Bytes)/float64(rr[0].Lines), jobChecks[job])
		writeTable(&b, rows, rust, goR, job, mainCorpus[job])
		svg := chart(title+fmt.Sprintf(" (%s)", mainCorpus[job]), rows)
		if err := os.WriteFile(filepath.Join(*charts, job+".svg"), []byte(svg), 0o644); err != nil {
			log.Fatal(err)
		}
		p("\n![%s](%s)\n\n", job, filepath.ToSlash(filepath.Join(chartRel, job+".svg")))
	}
	// Rust-only corpora (the real Apache log).
	for c := range seen {
		if c == mainCorpus["access"] || c == mainCorpus["json"] || c == mainCorpus["logfmt"] || c == mainCorpus["syslog"] {
			continue
		}
		var rows []*Row
		for _, r := range rust {
			if r.Corpus == c && r.HasTime {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].median() < rows[j].median() })
		p("## Access log: the real Apache log (`%s`, Rust only)\n\n", c)
		var rejected []string
		for _, r := range rows {
			if !r.isFloor() {
				rejected = append(rejected, fmt.Sprintf("`%s` %d", r.Impl, r.Lines-int(r.OK)))
			}
		}
		p("%s lines, %.0f B/line. Lines rejected: %s.\n\n", commas(strconv.Itoa(rows[0].Lines)),
			float64(rows[0].Bytes)/float64(rows[0].Lines), strings.Join(rejected, ", "))
		writeTable(&b, rows, rust, nil, rows[0].Job, c)
		p("\n")
	}

	// ---- go vs rust
	p("## Go batch API (cgo included) vs the same parse natively in Rust\n\n")
	p("Both parse the raw buffer 1024 lines per call and read the checksum fields of every line. The\n")
	p("difference is what Go adds: the cgo crossing per batch, reading the results through `Line.Field`,\n")
	p("and Go's own loop.\n\n")
	p("The two rows come from different processes minutes apart; under load (see Noise) the difference\n")
	p("can even come out negative, which only means the noise is larger than the difference.\n\n")
	p("| job | Rust `logspan/batch` | Go `logspan/Batch` | Go − Rust | Go `Parser.Parse` per line (one cgo call each) |\n|---|---:|---:|---:|---:|\n")
	for _, job := range jobs {
		rb := find(byJob(rust, job, mainCorpus[job]), "logspan/batch")
		gb := find(byJob(goR, job, ""), "logspan/Batch")
		gp := find(byJob(goR, job, ""), "logspan/Parser.Parse_per_line")
		if rb == nil || gb == nil {
			continue
		}
		pp := "–"
		if gp != nil {
			pp = fmtNs(gp.median())
		}
		p("| %s | %s | %s | %+.1f ns | %s |\n", job, fmtNs(rb.median()), fmtNs(gb.median()), gb.median()-rb.median(), pp)
	}
	p("\n")

	// ---- no cgo
	if find(goR, "logspan_nocgo/Batch") != nil {
		p("## Go without cgo: the WebAssembly path vs cgo\n\n")
		p("Built with `CGO_ENABLED=0` (here `-tags logspan_wasm`, which selects the same path in a cgo\n")
		p("build), the Go package runs the Rust parsers compiled to WebAssembly, embedded in the package,\n")
		p("with wazero (pure Go): no C compiler needed. Each Batch call copies its bytes into the module's\n")
		p("memory and the spans out (once per call, not per line). Same corpora, same checksums; the rows\n")
		p("come from a second test binary run right after the cgo one. Regexp / encoding/json: the Go\n")
		p("library a user would otherwise pick.\n\n")
		p("| job | Go Batch, cgo | Go Batch, no cgo | no cgo ÷ cgo | per line, no cgo (`Parser.Parse`) | Go regexp / encoding/json | its ÷ no-cgo Batch |\n|---|---:|---:|---:|---:|---:|---:|\n")
		peerOf := map[string]string{"access": "regexp/FindSubmatchIndex", "json": "encoding_json/struct",
			"logfmt": "regexp/FindAllSubmatchIndex", "syslog": "regexp/5424_then_3164"}
		for _, job := range jobs {
			rows := byJob(goR, job, "")
			cg, nc := find(rows, "logspan/Batch"), find(rows, "logspan_nocgo/Batch")
			if cg == nil || nc == nil {
				continue
			}
			pp, peer, pr := "–", "–", "–"
			if r := find(rows, "logspan_nocgo/Parser.Parse_per_line"); r != nil {
				pp = fmtNs(r.median())
			}
			if r := find(rows, peerOf[job]); r != nil {
				peer = fmt.Sprintf("`%s` %s", r.Impl, fmtNs(r.median()))
				pr = fmtRatio(r.median() / nc.median())
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", job, fmtNs(cg.median()), fmtNs(nc.median()),
				fmtRatio(nc.median()/cg.median()), pp, peer, pr)
		}
		p("\n")
	}

	// ---- parallel
	if len(parOrder) > 0 {
		p("## Two goroutines on two cores vs one (Go, `b.RunParallel`, `-cpu 1,2`)\n\n")
		p("ns/line is wall time per line over all goroutines, so perfect scaling halves it. Each goroutine\n")
		p("has its own Batch (one shared, immutable Parser) or its own peer state. Both CPUs are in use, so\n")
		p("this is where the shared machine's other load shows most. The 1- and 2-goroutine runs are\n")
		p("seconds apart, and this VM's speed drifts by tens of percent over seconds: `scripts/scaling.sh`\n")
		p("measures the same scaling interleaved round by round, next to the machine's own ceiling (README,\n")
		p("\"Two threads\").\n\n")
		if l := stepLoad["go-parallel"]; l > 1 {
			p("**During this step the load average was %.2f on 2 CPUs: the second core was busy with other\n", l)
			p("work, so the 2-goroutine column cannot show the scaling (re-run on an idle machine).**\n\n")
		}
		p("| job | implementation | 1 goroutine | 2 goroutines | scaling | allocs/line |\n|---|---|---:|---:|---:|---:|\n")
		for _, name := range parOrder {
			if strings.HasSuffix(name, "-2") {
				continue
			}
			two := par[name+"-2"]
			var n1, n2 []float64
			var al []float64
			for _, x := range par[name] {
				n1 = append(n1, x.ns)
				al = append(al, x.allocs)
			}
			for _, x := range two {
				n2 = append(n2, x.ns)
			}
			rest := strings.TrimPrefix(name, "BenchmarkParallel/")
			job, impl, _ := strings.Cut(rest, "/")
			p("| %s | `%s` | %s | %s | %s | %s |\n", job, impl, fmtNs(median(n1)), fmtNs(median(n2)),
				fmtRatio(median(n1)/median(n2)), fmtAllocs(median(al)))
		}
		p("\n")
	}

	// ---- callgrind
	writeCallgrind(&b)

	// ---- flame graphs (make flamegraph), when they are there
	if _, err := os.Stat(filepath.Join(*root, "docs", "flamegraphs", "go-logspan.svg")); err == nil {
		p("## Flame graphs\n\n")
		p("`make flamegraph` (scripts/flamegraph.sh: `perf record -e cpu-clock -g`, drawn with inferno)\n")
		p("records the same access-log loop in Go with `regexp`, in Go with logspan's Batch, and in Rust.\n")
		p("They are recorded by their own command, not by this run; the README says what they show.\n\n")
		p("<table><tr>\n")
		for _, f := range []string{"go-regexp", "go-logspan", "rust-logspan"} {
			p("<td><a href=\"docs/flamegraphs/%s.svg\"><img src=\"docs/flamegraphs/%s.svg\" alt=\"%s flame graph\"></a></td>\n", f, f, f)
		}
		p("</tr><tr><td align=\"center\">Go <code>regexp</code></td><td align=\"center\">Go + logspan Batch</td><td align=\"center\">Rust logspan</td></tr></table>\n\n")
	}

	// ---- checks
	p("## Cross-checks (one full pass each, before timing)\n\n")
	p("Checksum per accepted line — access: len(remote_addr)+len(time)+len(request)+status; json:\n")
	p("len(time)+len(level)+len(msg)+len(http.method)+http.status; logfmt: len(time)+len(level)+len(msg)+\n")
	p("len(path)+status; syslog: priority+len(hostname)+len(app_name)+len(procid)+len(msg without BOM).\n")
	p("`*_raw` checks use the raw text (escapes kept), `*_unescaped` the unescaped text (logspan's\n")
	p("unescaping gives the reference), `json_valid` counts lines only, `combined` requires referer and\n")
	p("user agent. Rust and Go use the same definitions, so their rows must agree too.\n\n")
	p("| corpus | check | accepted | checksum | implementations | agree |\n|---|---|---:|---:|---|---|\n")
	type key struct{ corpus, check string }
	groups := map[key][]*Row{}
	var keys []key
	for _, r := range append(append([]*Row{}, rust...), goR...) {
		k := key{r.Corpus, r.Check}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	for _, k := range keys {
		rows := groups[k]
		agree := true
		var names []string
		for _, r := range rows {
			agree = agree && r.Agree && r.OK == rows[0].OK && r.Checksum == rows[0].Checksum
			names = append(names, r.Lang+":"+r.Impl)
		}
		yes := "yes"
		if !agree {
			yes = "**NO**"
		}
		p("| `%s` | %s | %s | %s | %s | %s |\n", k.corpus, k.check, commas(strconv.FormatUint(rows[0].OK, 10)),
			commas(strconv.FormatUint(rows[0].Checksum, 10)), "`"+strings.Join(names, "`, `")+"`", yes)
	}
	p("\n")

	// ---- notes
	p("## Notes on the peers\n\n")
	p("- `jsonparser/EachKey_no_validation` does not validate the line (it finds the keys and stops);\n")
	p("  every other JSON row validates the whole line. `sonic` skips unknown fields with its fast skipper.\n")
	p("  `encoding_json/Valid` and `serde_json/IgnoredAny_validate` validate and extract nothing: floors\n")
	p("  for a validating parser, not peers.\n")
	p("- `simdjson_go/Parse_reused` parses each line as one document (reusing the ParsedJson): simdjson-go\n")
	p("  is built for large documents, and its per-call setup dominates on ~230-byte lines.\n")
	p("- `go_logfmt/Decoder` reads the corpus as a stream (it does its own line splitting) and unescapes\n")
	p("  quoted values; `regexp/FindAllSubmatchIndex` and the hand scanners validate nothing.\n")
	p("- `go_syslog/auto_machine` is leodido/go-syslog v4 (the maintained fork of influxdata/go-syslog,\n")
	p("  whose v3 the module proxy does not serve here), strict RFC 5424 with `WithCompliantMsg` and\n")
	p("  RFC 3164 with a fixed year. It reads an RFC 3164 line whose hostname is an IPv6 address\n")
	p("  (`... 2001:db8::1 sshd[1]: ...`) as TAG `2001` without a hostname, where logspan (and the\n")
	p("  regexes) read a hostname: the format is ambiguous there, so the generated RFC 3164 lines use\n")
	p("  no IPv6 hostnames (RFC 5424 lines do).\n")
	p("- `hand/loki_style_pattern` is a hand-written matcher in the style of Loki's `pattern` parser\n")
	p("  (`bytes.Index` for the literal after each capture), anchored like logspan's `pattern:` spec;\n")
	p("  like Loki it knows nothing of quoting. It and `logspan/pattern_spec*` accept combined lines only.\n")
	p("- The Go floor (`floor/IndexByte_newline`) and the Rust floor (`floor/memchr_newlines`) are the\n")
	p("  cost of finding the lines alone.\n")

	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s and %s/*.svg\n", *out, *charts)
}

func writeTable(b *strings.Builder, rows, rust, goR []*Row, job, corpus string) {
	ref := map[string]*Row{}
	for _, r := range rust {
		if r.Job == job && r.Corpus == corpus && r.Impl == rustRef[job] {
			ref["rust"] = r
		}
	}
	for _, r := range goR {
		if r.Job == job && r.Impl == goRef {
			ref["go"] = r
		}
	}
	fmt.Fprintf(b, "| lang | implementation | ns/line | min–max | MB/s | allocs/line | × logspan |\n")
	fmt.Fprintf(b, "|---|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		lo, hi := minmax(r.NsLine)
		ratio := "–"
		if rf := ref[r.Lang]; rf != nil && !r.isFloor() {
			ratio = fmtRatio(r.median() / rf.median())
		}
		name := "`" + r.Impl + "`"
		if r.isLogspan() {
			name = "**" + name + "**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s–%s | %s | %s | %s |\n", r.Lang, name, fmtNs(r.median()),
			fmtNs(lo), fmtNs(hi), fmtNum(r.mbps()), fmtAllocs(r.Allocs), ratio)
	}
}

func writeCallgrind(b *strings.Builder) {
	f, err := os.ReadFile(filepath.Join(*in, "callgrind.tsv"))
	if err != nil {
		fmt.Fprintf(b, "## Instructions per line (callgrind)\n\nNot measured in this run (valgrind missing).\n\n")
		return
	}
	type rec struct {
		job, impl, file string
		lines           int
		ir              float64
	}
	var recs []rec
	empty := map[string]float64{}
	emptyLines := map[string]int{}
	for i, l := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		c := strings.Split(l, "\t")
		if i == 0 || len(c) < 5 {
			continue
		}
		n, _ := strconv.Atoi(c[3])
		ir, _ := strconv.ParseFloat(c[4], 64)
		if c[1] == "empty" {
			empty[c[0]] = ir
			emptyLines[c[0]] = n
			continue
		}
		recs = append(recs, rec{c[0], c[1], c[2], n, ir})
	}
	fmt.Fprintf(b, "## Instructions per line (callgrind: exact, noise-free)\n\n")
	fmt.Fprintf(b, "`valgrind --tool=callgrind` over the first 2000 lines of each shipped sample (`examples/data/`,\n")
	fmt.Fprintf(b, "committed, so these numbers are reproducible anywhere with the same toolchain). Only\n")
	fmt.Fprintf(b, "`logspan_icount_measure*` in `benches/icount.rs` is counted: one pass after an untimed warm-up\n")
	fmt.Fprintf(b, "pass, so set-up (regex compilation, buffer growth) is excluded. Per-line rows subtract the same\n")
	fmt.Fprintf(b, "loop with a closure that parses nothing (`empty`); `logspan/batch` and the floor run over the\n")
	fmt.Fprintf(b, "lines as one buffer and include the line splitting. A regression in a parser shows here as a\n")
	fmt.Fprintf(b, "change in its row, whatever the machine's load. valgrind does not emulate AVX-512, so\n")
	fmt.Fprintf(b, "logspan's SIMD engine runs its AVX2 level here (AVX-512BW in the timed runs above).\n\n")
	fmt.Fprintf(b, "| job | implementation | instructions/line | instructions/byte | × logspan |\n|---|---|---:|---:|---:|\n")
	sizes := map[string]float64{}
	for _, r := range recs {
		if _, ok := sizes[r.file]; !ok {
			data, _ := os.ReadFile(filepath.Join(*root, r.file))
			var n float64
			var lines int
			for _, l := range bytes.Split(data, []byte("\n")) {
				if len(l) > 0 && lines < r.lines {
					n += float64(len(l) + 1)
					lines++
				}
			}
			sizes[r.file] = n / float64(max(lines, 1))
		}
	}
	perLine := func(r rec) float64 {
		if r.impl == "logspan/batch" || strings.HasPrefix(r.impl, "floor/") {
			return r.ir / float64(r.lines)
		}
		return (r.ir - empty[r.job]) / float64(r.lines)
	}
	ref := map[string]float64{}
	for _, r := range recs {
		if r.impl == rustRef[r.job] {
			ref[r.job] = perLine(r)
		}
	}
	for _, job := range jobs {
		var rows []rec
		for _, r := range recs {
			if r.job == job {
				rows = append(rows, r)
			}
		}
		sort.SliceStable(rows, func(i, j int) bool { return perLine(rows[i]) < perLine(rows[j]) })
		for _, r := range rows {
			name := "`" + r.impl + "`"
			if strings.HasPrefix(r.impl, "logspan/") {
				name = "**" + name + "**"
			}
			ratio := "–"
			if !strings.HasPrefix(r.impl, "floor/") && ref[job] > 0 {
				ratio = fmtRatio(perLine(r) / ref[job])
			}
			fmt.Fprintf(b, "| %s | %s | %s | %.2f | %s |\n", job, name, commas(fmt.Sprintf("%.0f", perLine(r))),
				perLine(r)/sizes[r.file], ratio)
		}
	}
	var es []string
	for _, job := range jobs {
		es = append(es, fmt.Sprintf("%s %.1f", job, empty[job]/float64(max(emptyLines[job], 1))))
	}
	fmt.Fprintf(b, "\nThe subtracted empty loop costs (instructions/line): %s.\n\n", strings.Join(es, ", "))
}
