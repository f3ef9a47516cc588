//go:build !cgo || logspan_wasm

package logspan

// The runtime of the wasm backend (see abi.go and backend_wazero.go): the
// embedded module, compiled once per process on first use, and a pool of
// its instances.
//
// An instance is one copy of the module: its own linear memory, its own
// Rust heap, single-threaded. A call takes an instance from the pool,
// uses it alone and puts it back, so that any number of goroutines can
// parse at once (each with an instance of its own) while a single
// goroutine keeps getting the same instance back (the idle list is a
// stack), with its memory already grown to its inputs and its parsers
// already compiled.
//
// A Batch (or Reader) does not keep an instance between its calls: it has
// no Close, so an instance it held would go back to the pool only when a
// finalizer ran, and every live Batch would pin one (a megabyte or more).
// Taking one from the pool and putting it back costs about 20 ns, next to
// a call's ~130 ns of fixed cost and the parse of up to 1024 lines; the
// results are copied out, so the Batch's Lines stay valid while the
// instance serves others.
//
// Each instance has a scratch buffer in its memory (log_wasm_alloc), where
// a call copies its input and where the module writes its results, which
// are copied back out: one copy in and one out per call, that is per
// batch for a Batch. The buffer grows (and with it the memory) when an
// input needs it; it never shrinks, but an instance whose memory grew
// past maxPooledMemory is dropped rather than pooled.
//
// A trap (a Rust panic is an abort, which is a trap; or an out-of-bounds
// access) leaves the instance in an unknown state: the call returns
// ErrPanic and the instance is closed, never reused.

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// The module: `make wasm` (scripts/wasm.sh) builds it from the Rust
// sources; wasm/MANIFEST records what from.
//
//go:embed wasm/logspan.wasm
var wasmModule []byte

// The exported functions the backend calls, by index.
type fnID int

const (
	fnAlloc fnID = iota
	fnFree
	fnABIVersion
	fnVersion
	fnStatusStr
	fnParseFast
	fnParserNew
	fnParserFree
	fnFieldCount
	fnFieldName
	fnParse
	fnParseBatch
	fnValueI64
	fnValueU64
	fnValueF64
	fnValueBool
	fnTimeRFC3339
	fnTimeCLF
	fnTimeRFC3164
	fnUnescapeJSON
	fnUnescapeLogfmt
	fnUnescapeAccess
	fnSDUnescape
	fnSyslogPriority
	fnSDNext
	numFns
)

var fnNames = [numFns]string{
	fnAlloc:          "log_wasm_alloc",
	fnFree:           "log_wasm_free",
	fnABIVersion:     "log_abi_version",
	fnVersion:        "log_version",
	fnStatusStr:      "log_status_str",
	fnParseFast:      "log_parse_fast",
	fnParserNew:      "log_parser_new",
	fnParserFree:     "log_parser_free",
	fnFieldCount:     "log_parser_field_count",
	fnFieldName:      "log_parser_field_name",
	fnParse:          "log_parser_parse",
	fnParseBatch:     "log_parser_parse_batch",
	fnValueI64:       "log_value_i64",
	fnValueU64:       "log_value_u64",
	fnValueF64:       "log_value_f64",
	fnValueBool:      "log_value_bool",
	fnTimeRFC3339:    "log_time_rfc3339",
	fnTimeCLF:        "log_time_clf",
	fnTimeRFC3164:    "log_time_rfc3164",
	fnUnescapeJSON:   "log_unescape_json",
	fnUnescapeLogfmt: "log_unescape_logfmt",
	fnUnescapeAccess: "log_unescape_access",
	fnSDUnescape:     "log_syslog_unescape_param",
	fnSyslogPriority: "log_syslog_priority",
	fnSDNext:         "log_syslog_sd_next",
}

// The fixed head of every instance's scratch buffer: the small outputs of
// the C functions, then the spec error message. The variable part (inputs,
// spans, line records) follows at scratch+hdrSize, 8-aligned.
const (
	hdrResult = 0   // LogBatchResult: 4 x u32 (size_t is 32-bit)
	hdrOut    = 16  // one output: int64, double, size_t, a LogParser*, uint8
	hdrOut2   = 24  // a second one (severity)
	hdrCursor = 32  // LogSdCursor, 12 bytes
	hdrParam  = 48  // LogSdParam, 40 bytes
	hdrErrBuf = 128 // log_parser_new's message, errBufSize bytes
	hdrSize   = hdrErrBuf + errBufSize

	initialScratch = 64 << 10
	// An instance whose memory grew past this is closed when released
	// instead of pooled: a one-off huge input does not pin its memory.
	maxPooledMemory = 256 << 20
)

// wasmScratchLimit is the largest scratch buffer (input, spans and line
// records of one call) an instance may allocate. WebAssembly's 32-bit
// memory ends at 4 GiB, part of which the module uses itself; a call that
// needs more is ErrLineTooLong, as a line over 4 GiB is for the library.
// On 32-bit hosts, where Go cannot allocate a 4 GiB memory, the memory is
// capped at 1 GiB (memoryLimitPages). A variable so that tests can lower
// it.
var wasmScratchLimit = min(4<<30-32<<20, math.MaxInt)

var memoryLimitPages uint32 = 65536 // 4 GiB

func init() {
	if unsafe.Sizeof(uintptr(0)) == 4 {
		memoryLimitPages = 16384 // 1 GiB
		wasmScratchLimit = 1<<30 - 32<<20
	}
}

var bgctx = context.Background()

// The wasm memory is little-endian; so is the host almost always, and then
// records are copied as bytes. Big-endian hosts decode them field by field.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// engine is the runtime and the compiled module, made on first use.
type wasmEngine struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	config   wazero.ModuleConfig
}

var (
	engineOnce sync.Once
	engine     *wasmEngine
	engineErr  error
	// The last instantiation error, when the module compiled but an
	// instance could not be made.
	instErr atomic.Pointer[error]
)

func loadEngine() (*wasmEngine, error) {
	engineOnce.Do(func() { engine, engineErr = compileEngine() })
	return engine, engineErr
}

func compileEngine() (*wasmEngine, error) {
	// The compiler where wazero has one (amd64, arm64 on the main
	// operating systems), the interpreter elsewhere, or when
	// LOGSPAN_WASM_INTERPRETER=1 (to test it).
	cfg := wazero.NewRuntimeConfig()
	if wasmInterpreted() {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	cfg = cfg.WithMemoryLimitPages(memoryLimitPages)
	// Compiling takes a second or more (the optimizing compiler, a module
	// of 1.3 MB); LOGSPAN_WASM_CACHE_DIR keeps the result on disk for the
	// next process. A cache that cannot be used is no error: the module is
	// compiled as without one.
	if dir := os.Getenv("LOGSPAN_WASM_CACHE_DIR"); dir != "" {
		if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	rt := wazero.NewRuntimeWithConfig(bgctx, cfg)
	fail := func(what string, err error) (*wasmEngine, error) {
		rt.Close(bgctx)
		return nil, fmt.Errorf("logspan: the embedded WebAssembly module (no-cgo path): %s: %w", what, err)
	}
	// The Rust std of wasm32-wasip1 imports a few WASI functions (writing
	// a panic message to stderr, which goes nowhere; random bytes for hash
	// seeds; exit). Nothing else is given: no files, no environment.
	if _, err := wasi_snapshot_preview1.Instantiate(bgctx, rt); err != nil {
		return fail("WASI", err)
	}
	compiled, err := rt.CompileModule(bgctx, wasmModule)
	if err != nil {
		return fail("compile", err)
	}
	exports := compiled.ExportedFunctions()
	for _, name := range fnNames {
		if _, ok := exports[name]; !ok {
			return fail("exports", fmt.Errorf("no function %s", name))
		}
	}
	// The module's ABI must be this package's (the cgo build checks it at
	// link time, with the same symbol).
	abiSym := "logspan_abi_v" + strconv.Itoa(abiVersion)
	if _, ok := exports[abiSym]; !ok {
		return fail("ABI", fmt.Errorf("the module does not export %s: it is not of ABI version %d", abiSym, abiVersion))
	}
	return &wasmEngine{
		rt:       rt,
		compiled: compiled,
		// Anonymous, so that it can be instantiated many times; the Rust
		// cdylib has no start function (a reactor's _initialize would run).
		config: wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize"),
	}, nil
}

// wasmInterpreted reports whether the module runs on wazero's interpreter:
// when asked (LOGSPAN_WASM_INTERPRETER=1), or where wazero has no compiler
// (its platform.CompilerSupported, less the CPU feature checks: amd64
// without SSE4.1 is interpreted too, but not reported here).
func wasmInterpreted() bool {
	if os.Getenv("LOGSPAN_WASM_INTERPRETER") == "1" {
		return true
	}
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "windows":
		return runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64"
	case "dragonfly", "solaris", "illumos":
		return runtime.GOARCH != "amd64"
	}
	return true
}

// backendError is the error behind statusUnavailable.
func backendError() error {
	if _, err := loadEngine(); err != nil {
		return err
	}
	if err := instErr.Load(); err != nil {
		return *err
	}
	return errBackend
}

// instance is one instance of the module, used by one goroutine at a time.
type instance struct {
	mod   api.Module
	mem   api.Memory
	fns   [numFns]api.Function
	stack []uint64 // arguments and results of CallWithStack

	scratch    uint32 // the scratch buffer: hdrSize bytes of head, then data
	scratchCap uint32

	// The parsers compiled in this instance, by Parser slot (wasmParsers).
	handles []handleEntry
	epoch   uint64 // wasmParsers.epoch when the handles were last swept

	broken bool  // trapped: close, never reuse
	trap   error // what the trap was (for tests)
}

type handleEntry struct {
	gen uint64 // the Parser's generation (0: none)
	h   uint32 // its LogParser* in this instance's memory
}

func newInstance() (*instance, error) {
	e, err := loadEngine()
	if err != nil {
		return nil, err
	}
	mod, err := e.rt.InstantiateModule(bgctx, e.compiled, e.config)
	if err != nil {
		err = fmt.Errorf("logspan: instantiating the embedded WebAssembly module: %w", err)
		instErr.Store(&err)
		return nil, err
	}
	in := &instance{mod: mod, mem: mod.Memory(), stack: make([]uint64, 10)}
	for i, name := range fnNames {
		in.fns[i] = mod.ExportedFunction(name)
	}
	if in.mem == nil {
		in.close()
		return nil, errors.New("logspan: the embedded WebAssembly module exports no memory")
	}
	if !in.call(fnABIVersion) || uint32(in.stack[0]) != abiVersion {
		in.close()
		err := fmt.Errorf("logspan: the embedded WebAssembly module implements ABI %d, this package ABI %d",
			uint32(in.stack[0]), abiVersion)
		instErr.Store(&err)
		return nil, err
	}
	if !in.ensure(initialScratch) {
		in.close()
		err := errors.New("logspan: the embedded WebAssembly module has no memory for its scratch buffer")
		instErr.Store(&err)
		return nil, err
	}
	return in, nil
}

func (in *instance) close() {
	if in.mod != nil {
		in.mod.Close(bgctx)
		in.mod = nil
	}
}

// call runs function f with the arguments in in.stack[:n] (set by the
// caller); its result is in in.stack[0]. It reports false after a trap,
// which breaks the instance: the caller returns ErrPanic.
func (in *instance) call(f fnID) bool {
	if in.broken {
		return false
	}
	if err := in.fns[f].CallWithStack(bgctx, in.stack); err != nil {
		in.broken, in.trap = true, err
		return false
	}
	return true
}

// status is the int32 result of the last call.
func (in *instance) status() int32 { return int32(uint32(in.stack[0])) }

// args sets the call's arguments (i32 values and pointers).
func (in *instance) args1(a uint32) { in.stack[0] = uint64(a) }
func (in *instance) args2(a, b uint32) {
	in.stack[0], in.stack[1] = uint64(a), uint64(b)
}
func (in *instance) args3(a, b, c uint32) {
	in.stack[0], in.stack[1], in.stack[2] = uint64(a), uint64(b), uint64(c)
}
func (in *instance) args4(a, b, c, d uint32) {
	in.stack[0], in.stack[1], in.stack[2], in.stack[3] = uint64(a), uint64(b), uint64(c), uint64(d)
}
func (in *instance) args5(a, b, c, d, e uint32) {
	in.args4(a, b, c, d)
	in.stack[4] = uint64(e)
}

// view is n bytes of the memory at off, without copying: valid until the
// memory grows (the next call that may allocate).
func (in *instance) view(off, n uint32) []byte {
	b, ok := in.mem.Read(off, n)
	if !ok {
		// Offsets come from the scratch buffer or from the module, within
		// its memory; anything else is a bug of this package or the module.
		panic("logspan: wasm memory access out of range")
	}
	return b
}

// data is the offset of the scratch buffer's variable part.
func (in *instance) data() uint32 { return in.scratch + hdrSize }

// ensure makes the scratch buffer's variable part at least n bytes,
// growing the buffer (and the memory) when needed. It reports false when n
// is over wasmScratchLimit or the memory cannot grow (or the instance
// trapped: then in.broken is set).
func (in *instance) ensure(n int) bool {
	if n < 0 || n > wasmScratchLimit-hdrSize {
		return false
	}
	need := uint64(n) + hdrSize
	if need <= uint64(in.scratchCap) {
		return true
	}
	// Grow by half again at least, in whole 64 KiB pages.
	size := max(need, uint64(in.scratchCap)*3/2)
	size = (size + 0xFFFF) &^ 0xFFFF
	if in.scratchCap > 0 {
		in.args2(in.scratch, in.scratchCap)
		if !in.call(fnFree) {
			return false
		}
		in.scratch, in.scratchCap = 0, 0
	}
	for _, try := range [2]uint64{size, (need + 0xFFFF) &^ 0xFFFF} {
		if try > uint64(wasmScratchLimit) {
			continue
		}
		in.args1(uint32(try))
		if !in.call(fnAlloc) {
			return false
		}
		if p := uint32(in.stack[0]); p != 0 {
			in.scratch, in.scratchCap = p, uint32(try)
			return true
		}
	}
	return false
}

// memSize is the size of the instance's memory in bytes.
func (in *instance) memSize() uint64 {
	pages, _ := in.mem.Grow(0)
	return uint64(pages) << 16
}

// The pool of idle instances: a stack, so that a goroutine that calls
// again gets its instance back. At most maxIdle are kept.
var pool struct {
	mu   sync.Mutex
	idle []*instance
}

func maxIdle() int { return max(4, runtime.GOMAXPROCS(0)) }

// acquire takes an idle instance, or makes one. It returns nil when no
// instance can be made (backendError says why).
func acquire() *instance {
	pool.mu.Lock()
	var in *instance
	if n := len(pool.idle); n > 0 {
		in = pool.idle[n-1]
		pool.idle[n-1] = nil
		pool.idle = pool.idle[:n-1]
	}
	pool.mu.Unlock()
	if in == nil {
		var err error
		if in, err = newInstance(); err != nil {
			return nil
		}
	}
	if in.epoch != wasmParsers.epoch.Load() {
		in.sweep()
	}
	return in
}

// release puts an instance back, or closes it when it trapped, holds too
// much memory, or the pool is full.
func release(in *instance) {
	if in.broken || in.memSize() > maxPooledMemory {
		in.close()
		return
	}
	pool.mu.Lock()
	if len(pool.idle) < maxIdle() {
		pool.idle = append(pool.idle, in)
		in = nil
	}
	pool.mu.Unlock()
	if in != nil {
		in.close()
	}
}

// Parsers. A Parser is compiled once per instance that uses it, on first
// use there: a Parser holds a slot, and each instance a table of the
// handles it compiled, by slot, tagged with the Parser's generation. When
// a Parser is closed, its slot is freed and the epoch moves on; an
// instance sweeps its table (frees the handles of closed Parsers) when it
// is next taken from the pool with an older epoch. A slot reused by a new
// Parser has a new generation, so an instance never mistakes the old
// Parser's handle for the new one's.
var wasmParsers struct {
	mu    sync.Mutex
	gens  []uint64 // by slot: the generation of the Parser using it, 0 if free
	free  []int32
	next  uint64
	epoch atomic.Uint64
}

func newSlot() (slot int32, gen uint64) {
	wasmParsers.mu.Lock()
	defer wasmParsers.mu.Unlock()
	wasmParsers.next++
	gen = wasmParsers.next
	if n := len(wasmParsers.free); n > 0 {
		slot = wasmParsers.free[n-1]
		wasmParsers.free = wasmParsers.free[:n-1]
	} else {
		slot = int32(len(wasmParsers.gens))
		wasmParsers.gens = append(wasmParsers.gens, 0)
	}
	wasmParsers.gens[slot] = gen
	return slot, gen
}

func freeSlot(slot int32) {
	wasmParsers.mu.Lock()
	wasmParsers.gens[slot] = 0
	wasmParsers.free = append(wasmParsers.free, slot)
	wasmParsers.mu.Unlock()
	wasmParsers.epoch.Add(1)
}

// sweep frees the handles of Parsers closed since the last sweep.
func (in *instance) sweep() {
	epoch := wasmParsers.epoch.Load()
	var stale []int
	wasmParsers.mu.Lock()
	for slot, e := range in.handles {
		if e.h != 0 && wasmParsers.gens[slot] != e.gen {
			stale = append(stale, slot)
		}
	}
	wasmParsers.mu.Unlock()
	for _, slot := range stale {
		in.freeHandle(slot)
	}
	in.epoch = epoch
}

func (in *instance) freeHandle(slot int) {
	h := in.handles[slot].h
	in.handles[slot] = handleEntry{}
	in.args1(h)
	in.call(fnParserFree)
}

// handle is the Parser's handle in this instance, compiled on first use.
// Status < 0: ErrPanic after a trap, or what compiling said (it cannot
// fail for a spec that compiled before, bar memory).
func (in *instance) handle(pi *parserImpl) (uint32, int32) {
	if int(pi.slot) < len(in.handles) {
		if e := in.handles[pi.slot]; e.gen == pi.gen && e.h != 0 {
			return e.h, 0
		}
	}
	h, st := in.compile(pi.spec)
	if st < 0 {
		return 0, st
	}
	in.setHandle(pi, h)
	return h, 0
}

func (in *instance) setHandle(pi *parserImpl, h uint32) {
	for int(pi.slot) >= len(in.handles) {
		in.handles = append(in.handles, handleEntry{})
	}
	if in.handles[pi.slot].h != 0 {
		in.freeHandle(int(pi.slot)) // a closed Parser's, not swept yet
	}
	in.handles[pi.slot] = handleEntry{gen: pi.gen, h: h}
}

// compile runs log_parser_new on spec; on failure the message is at
// hdrErrBuf.
func (in *instance) compile(spec string) (uint32, int32) {
	if !in.ensure(len(spec)) {
		return 0, in.failStatus()
	}
	d := in.data()
	copy(in.view(d, uint32(len(spec))), spec)
	in.args5(d, uint32(len(spec)), in.scratch+hdrOut, in.scratch+hdrErrBuf, errBufSize)
	if !in.call(fnParserNew) {
		return 0, int32(ErrPanic)
	}
	if st := in.status(); st < 0 {
		return 0, st
	}
	return in.u32(in.scratch + hdrOut), 0
}

// failStatus is the status of a failed ensure: ErrPanic after a trap,
// ErrLineTooLong when the input does not fit.
func (in *instance) failStatus() int32 {
	if in.broken {
		return int32(ErrPanic)
	}
	return int32(ErrLineTooLong)
}

func (in *instance) u32(off uint32) uint32 {
	b := in.view(off, 4)
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (in *instance) u64(off uint32) uint64 {
	return uint64(in.u32(off)) | uint64(in.u32(off+4))<<32
}

// cString reads the NUL-terminated string at off.
func (in *instance) cString(off uint32) string {
	if off == 0 {
		return ""
	}
	size := in.memSize()
	var s []byte
	for off < uint32(min(size, 1<<32-1)) {
		n := uint32(min(uint64(256), size-uint64(off)))
		b := in.view(off, n)
		for i, c := range b {
			if c == 0 {
				return string(append(s, b[:i]...))
			}
		}
		s = append(s, b...)
		off += n
	}
	return string(s)
}

// spanBytes is spans as bytes, for copying them to and from the module's
// memory on a little-endian host.
func spanBytes(s []Span) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(Span{})))
}

func lineBytes(l []lineRecord) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(l))), len(l)*int(unsafe.Sizeof(lineRecord{})))
}

// putSpans writes spans to the memory view dst (12 bytes each).
func putSpans(dst []byte, spans []Span) {
	if littleEndian {
		copy(dst, spanBytes(spans))
		return
	}
	for i, s := range spans {
		putU32(dst[12*i:], s.Off)
		putU32(dst[12*i+4:], s.Len)
		putU32(dst[12*i+8:], s.Flags)
	}
}

// getSpans reads spans from the memory view src.
func getSpans(spans []Span, src []byte) {
	if littleEndian {
		copy(spanBytes(spans), src)
		return
	}
	for i := range spans {
		spans[i] = Span{Off: getU32(src[12*i:]), Len: getU32(src[12*i+4:]), Flags: getU32(src[12*i+8:])}
	}
}

// getLines reads line records from the memory view src.
func getLines(lines []lineRecord, src []byte) {
	if littleEndian {
		copy(lineBytes(lines), src)
		return
	}
	for i := range lines {
		lines[i] = lineRecord{off: getU32(src[12*i:]), len: getU32(src[12*i+4:]), status: int32(getU32(src[12*i+8:]))}
	}
}

func getU32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func putU32(b []byte, v uint32) {
	_ = b[3]
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
