package script

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The messages of Redis's global protection (script_lua.c and its
// patched Lua VM).
const (
	msgReadonly = "Attempt to modify a readonly table"
	msgNoGlobal = "Script attempted to access nonexistent global variable '%s'"
)

// Options are what the server tells the engine once, at start.
type Options struct {
	// Version is redis.REDIS_VERSION, e.g. "7.0.15".
	Version string
}

// Engine is one sandboxed Lua state with Redis's libraries and API,
// the script cache and the function libraries loaded into it.
type Engine struct {
	L       *lua.LState
	version string
	// protected holds every table a script may read but not change: the
	// globals and the libraries in them.
	protected map[*lua.LTable]bool
	// snapshot is each protected table's contents after start-up, put
	// back after every run (see restore).
	snapshot map[*lua.LTable][][2]lua.LValue
	api      *lua.LTable // the redis table scripts see while running
	run      *Run        // the run in progress, nil between runs
	rng      rand48
	Scripts  *Cache
	Funcs    *Functions

	fenv      *lua.LTable // the environment of library code (funcEnv)
	loadScope *lua.LTable // what library code sees while it loads
	funcScope *lua.LTable // loadScope during FUNCTION LOAD, else nil
	loading   *Library    // the library being loaded
	errFn     *lua.LFunction
}

// New starts an engine: libraries loaded, unsafe functions removed, the
// redis API registered and every global table protected.
func New(opts Options) *Engine {
	if opts.Version == "" {
		opts.Version = "7.0.15"
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	e := &Engine{L: L, version: opts.Version, rng: newRand48(), protected: map[*lua.LTable]bool{}}
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := L.G.Global
	for _, name := range []string{"_GOPHER_LUA_VERSION", "dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy", "module", "require", "_printregs", "package"} {
		g.RawSetString(name, lua.LNil)
	}
	g.RawSetString("gcinfo", L.NewFunction(func(L *lua.LState) int { L.Push(lua.LNumber(0)); return 1 }))
	g.RawSetString("rawset", L.NewFunction(e.rawset))
	g.RawSetString("setmetatable", L.NewFunction(e.setmetatable))
	g.RawSetString("__redis__err__handler", L.NewFunction(errHandler))
	g.RawSetString("pcall", wrapPcall(L, g.RawGetString("pcall").(*lua.LFunction)))
	g.RawSetString("tostring", L.NewFunction(tostring(g.RawGetString("tostring").(*lua.LFunction))))
	g.RawSetString("tonumber", L.NewFunction(tonumber(g.RawGetString("tonumber").(*lua.LFunction))))
	e.fixMath(g.RawGetString("math").(*lua.LTable))
	fixString(g.RawGetString("string").(*lua.LTable))
	fixTable(L, g.RawGetString("table").(*lua.LTable))
	g.RawSetString("cjson", openCjson(L))
	g.RawSetString("bit", openBit(L))
	g.RawSetString("cmsgpack", openCmsgpack(L))
	g.RawSetString("struct", openStruct(L))
	e.api = e.newAPI()
	g.RawSetString("redis", e.api)
	e.Scripts = newCache()
	e.Funcs = newFunctions()
	e.protect(g)
	g.ForEach(func(_, v lua.LValue) {
		if t, ok := v.(*lua.LTable); ok && t != g {
			e.protect(t)
		}
	})
	e.snapshot = map[*lua.LTable][][2]lua.LValue{}
	for t := range e.protected {
		var kv [][2]lua.LValue
		t.ForEach(func(k, v lua.LValue) { kv = append(kv, [2]lua.LValue{k, v}) })
		e.snapshot[t] = kv
	}
	return e
}

// Close frees the Lua state.
func (e *Engine) Close() { e.L.Close() }

// protect gives t Redis's read-only behaviour for keys it lacks: reading
// a missing global is an error (not nil, which hides typos) and adding a
// key is refused. Keys it already has cannot be refused without a
// patched VM; restore puts them back after each run instead.
func (e *Engine) protect(t *lua.LTable) {
	L := e.L
	mt := L.NewTable()
	if t == L.G.Global {
		mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			L.RaiseError(msgNoGlobal, L.CheckAny(2).String())
			return 0
		}))
	}
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgReadonly)
		return 0
	}))
	L.SetMetatable(t, mt)
	e.protected[t] = true
}

// restore undoes what a script changed in the protected tables by
// overwriting keys they already had. KEYS and ARGV, which every EVAL
// sets anew, are left alone.
func (e *Engine) restore() {
	g := e.L.G.Global
	perRun := func(t *lua.LTable, k lua.LValue) bool {
		return t == g && (k == lua.LString("KEYS") || k == lua.LString("ARGV"))
	}
	for t, kv := range e.snapshot {
		n := 0
		t.ForEach(func(k, _ lua.LValue) {
			if !perRun(t, k) {
				n++
			}
		})
		changed := n != len(kv)
		for _, p := range kv {
			if t.RawGet(p[0]) != p[1] {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		var keys []lua.LValue
		t.ForEach(func(k, _ lua.LValue) {
			if !perRun(t, k) {
				keys = append(keys, k)
			}
		})
		for _, k := range keys {
			t.RawSet(k, lua.LNil)
		}
		for _, p := range kv {
			t.RawSet(p[0], p[1])
		}
	}
}

func (e *Engine) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if e.protected[t] {
		L.Error(lua.LString(msgReadonly), 0) // raised in C: no position
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.SetTop(1)
	return 1
}

func (e *Engine) setmetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	if e.protected[t] {
		L.RaiseError(msgReadonly)
	}
	mt := L.Get(2)
	if _, ok := mt.(*lua.LTable); !ok && mt != lua.LNil {
		L.ArgError(2, "nil or table expected")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

// errHandler is Redis's __redis__err__handler: every error leaves a run
// as a table {err=..., source=..., line=...}. A string error gets the
// code "ERR"; the position is that of the innermost Lua function (an
// error raised inside redis.call points at the line that called it).
func errHandler(L *lua.LState) int {
	v := L.Get(1)
	t, ok := v.(*lua.LTable)
	if !ok {
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+quoteArgError(luaToString(v))))
	}
	for level := 0; level < 4; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine < 0 {
			continue
		}
		t.RawSetString("source", lua.LString("@"+strings.TrimPrefix(dbg.Source, "@")))
		t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
		break
	}
	L.Push(t)
	return 1
}

// badArgument is gopher-lua's wording of a bad argument, which Lua 5.1's
// luaL_argerror words with the function's name quoted.
var badArgument = regexp.MustCompile(`bad argument #(\d+) to ([^ '(]+) \(`)

// quoteArgError rewords gopher-lua's "bad argument #1 to decode (...)"
// as Lua 5.1's "bad argument #1 to 'decode' (...)".
func quoteArgError(msg string) string {
	if !strings.Contains(msg, "bad argument #") {
		return msg
	}
	return badArgument.ReplaceAllString(msg, "bad argument #$1 to '$2' (")
}

// luaToString is tostring() for the values an error can be.
func luaToString(v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return formatNumber(float64(n))
	}
	return v.String()
}

// formatNumber is Lua 5.1's LUA_NUMBER_FMT, "%.14g".
func formatNumber(f float64) string { return fmtG(f, 14) }

// call runs fn with args under the error handler and returns its single
// result, or the error table.
func (e *Engine) call(ctx context.Context, fn *lua.LFunction, args ...lua.LValue) (lua.LValue, *lua.LTable) {
	L := e.L
	L.SetContext(ctx)
	defer L.RemoveContext()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if e.errFn == nil {
		e.errFn = L.NewFunction(errHandler)
	}
	err := L.PCall(len(args), 1, e.errFn)
	if err != nil {
		if ae, ok := err.(*lua.ApiError); ok {
			if t, ok := ae.Object.(*lua.LTable); ok {
				return nil, t
			}
			msg := ae.Object
			if msg == nil || msg == lua.LNil {
				msg = lua.LString(err.Error())
			}
			if ctx.Err() != nil {
				msg = lua.LString(msgKilled)
			}
			t := L.NewTable()
			t.RawSetString("err", lua.LString("ERR "+luaToString(msg)))
			return nil, t
		}
		t := L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+err.Error()))
		return nil, t
	}
	ret := L.Get(-1)
	L.Pop(1)
	return ret, nil
}

// errorReply formats a failed run as luaCallFunction does:
// "-<err> script: <name>, on <source>:<line>." when the error knows
// where it happened.
func errorReply(t *lua.LTable, name string) []byte {
	msg, _ := t.RawGetString("err").(lua.LString)
	s := "-" + string(msg)
	src, okS := t.RawGetString("source").(lua.LString)
	line, okL := t.RawGetString("line").(lua.LNumber)
	if okS && okL {
		s += fmt.Sprintf(" script: %s, on %s:%d.", name, src, int(line))
	}
	return []byte("-" + oneLine(s[1:]) + "\r\n")
}
