package script

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	lua "github.com/yuin/gopher-lua"
)

// Library is one FUNCTION LOAD: its code, kept for FUNCTION DUMP and
// LIST WITHCODE, and the functions it registered.
type Library struct {
	Name      string
	Code      string
	Functions map[string]*Function
}

// Function is one redis.register_function.
type Function struct {
	Name        string
	Description string
	Flags       Flags
	Library     *Library
	fn          *lua.LFunction
}

// Functions holds the loaded libraries and the function names, which
// are unique across libraries.
type Functions struct {
	libs  map[string]*Library
	funcs map[string]*Function
}

func newFunctions() *Functions {
	return &Functions{libs: map[string]*Library{}, funcs: map[string]*Function{}}
}

// Library returns a loaded library.
func (f *Functions) Library(name string) (*Library, bool) {
	l, ok := f.libs[name]
	return l, ok
}

// Function returns a loaded function (FCALL's lookup).
func (f *Functions) Function(name string) (*Function, bool) {
	fn, ok := f.funcs[name]
	return fn, ok
}

// Libraries lists the libraries by name.
func (f *Functions) Libraries() []*Library {
	out := make([]*Library, 0, len(f.libs))
	for _, l := range f.libs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Count is FUNCTION STATS's libraries_count and functions_count.
func (f *Functions) Count() (libraries, functions int) { return len(f.libs), len(f.funcs) }

// SortedFunctions lists a library's functions by name.
func (l *Library) SortedFunctions() []*Function {
	out := make([]*Function, 0, len(l.Functions))
	for _, f := range l.Functions {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// loadTimeout bounds a library's top-level code, as Redis's
// LOAD_TIMEOUT_MS does.
const loadTimeout = 500 * time.Millisecond

// errFunctionFlushed etc. are the texts of functions.c.
var (
	errMissingMeta = errors.New("ERR Missing library metadata")
	errInvalidMeta = errors.New("ERR Invalid library metadata")
	errNoLibName   = errors.New("ERR Library name was not given")
	errBadName     = errors.New("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
	errNoFunctions = errors.New("ERR No functions registered")
	errLibNotFound = errors.New("ERR Library not found")
	errFuncMissing = errors.New("ERR Function not found")
)

// FunctionLoad is FUNCTION LOAD [REPLACE]: the shebang read, the code
// run once with only the library API in reach, and the library kept if
// it registered at least one function whose name no other library uses.
func (e *Engine) FunctionLoad(code string, replace bool) (string, error) {
	name, err := libraryName(code)
	if err != nil {
		return "", err
	}
	old := e.Funcs.libs[name]
	if old != nil && !replace {
		return "", fmt.Errorf("ERR Library '%s' already exists", name)
	}
	lib, err := e.loadLibrary(name, code)
	if err != nil {
		return "", err
	}
	for fname := range lib.Functions {
		if f, ok := e.Funcs.funcs[fname]; ok && f.Library != old {
			return "", fmt.Errorf("ERR Function %s already exists", fname)
		}
	}
	if old != nil {
		e.Funcs.remove(old)
	}
	e.Funcs.add(lib)
	return name, nil
}

func (f *Functions) add(l *Library) {
	f.libs[l.Name] = l
	for n, fn := range l.Functions {
		f.funcs[n] = fn
	}
}

func (f *Functions) remove(l *Library) {
	delete(f.libs, l.Name)
	for n := range l.Functions {
		delete(f.funcs, n)
	}
}

// FunctionDelete is FUNCTION DELETE.
func (e *Engine) FunctionDelete(name string) error {
	l, ok := e.Funcs.libs[name]
	if !ok {
		return errLibNotFound
	}
	e.Funcs.remove(l)
	return nil
}

// FunctionFlush is FUNCTION FLUSH.
func (e *Engine) FunctionFlush() { e.Funcs = newFunctions() }

// libraryName reads "#!lua name=<name>" (functionExtractLibMetaData).
func libraryName(code string) (string, error) {
	if !strings.HasPrefix(code, "#!") {
		return "", errMissingMeta
	}
	end := strings.IndexByte(code, '\n')
	if end < 0 {
		return "", errInvalidMeta
	}
	parts, err := resp.SplitArgs(code[:end])
	if err != nil || len(parts) == 0 {
		return "", errInvalidMeta
	}
	if engine := parts[0][2:]; engine != "lua" {
		return "", fmt.Errorf("ERR Engine '%s' not found", engine)
	}
	name := ""
	for _, p := range parts[1:] {
		v, ok := strings.CutPrefix(p, "name=")
		if !ok {
			return "", fmt.Errorf("ERR Invalid metadata value given: %s", p)
		}
		name = v
	}
	if name == "" && len(parts) == 1 {
		return "", errNoLibName
	}
	if !validName(name) {
		return "", errBadName
	}
	return name, nil
}

// validName: letters, digits and '_', at least one.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// loadLibrary compiles code as "user_function" (the shebang line kept,
// so line numbers count it) and runs it in the load environment.
func (e *Engine) loadLibrary(name, code string) (*Library, error) {
	// The shebang is blanked like EVAL's, keeping the line count.
	nl := strings.IndexByte(code, '\n')
	fn, err := e.compile(strings.Repeat(" ", nl)+code[nl:], "user_function")
	if err != nil {
		return nil, fmt.Errorf("ERR Error compiling function: %s", err)
	}
	fn.Env = e.funcEnv()
	lib := &Library{Name: name, Code: code, Functions: map[string]*Function{}}
	e.loading = lib
	e.funcScope = e.loadAPI()
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	_, errT := e.call(ctx, fn)
	timedOut := ctx.Err() != nil
	cancel()
	e.loading = nil
	e.funcScope = nil
	e.restore()
	e.L.SetTop(0)
	if errT != nil {
		msg, _ := errT.RawGetString("err").(lua.LString)
		if timedOut {
			msg = "FUNCTION LOAD timeout"
		}
		return nil, fmt.Errorf("ERR Error registering functions: %s", msg)
	}
	if len(lib.Functions) == 0 {
		return nil, errNoFunctions
	}
	return lib, nil
}

// funcEnv is the environment of every library's code, made once: an
// empty read-only table that resolves names in the current scope — the
// load API while a library loads, the globals (without KEYS and ARGV)
// while a function runs — and refuses the rest.
func (e *Engine) funcEnv() *lua.LTable {
	if e.fenv != nil {
		return e.fenv
	}
	L := e.L
	env := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		k := L.CheckAny(2)
		var v lua.LValue = lua.LNil
		if e.funcScope != nil {
			v = e.funcScope.RawGet(k)
		} else if s, ok := k.(lua.LString); !ok || (s != "KEYS" && s != "ARGV") {
			v = L.G.Global.RawGet(k)
		}
		if v == lua.LNil {
			L.RaiseError(msgNoGlobal, k.String())
		}
		L.Push(v)
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgReadonly)
		return 0
	}))
	L.SetMetatable(env, mt)
	e.protected[env] = true
	e.fenv = env
	return env
}

// loadAPI is the scope of a library's top-level code: only a redis
// table with register_function, log and the constants, itself refusing
// other names as if they were missing globals.
func (e *Engine) loadAPI() *lua.LTable {
	if e.loadScope != nil {
		return e.loadScope
	}
	L := e.L
	api := L.NewTable()
	api.RawSetString("register_function", L.NewFunction(e.registerFunction))
	api.RawSetString("log", L.NewFunction(e.logFn))
	api.RawSetString("REDIS_VERSION", lua.LString(e.version))
	api.RawSetString("REDIS_VERSION_NUM", lua.LNumber(versionNum(e.version)))
	for name, v := range map[string]int{"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning} {
		api.RawSetString(name, lua.LNumber(v))
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgNoGlobal, L.CheckAny(2).String())
		return 0
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgReadonly)
		return 0
	}))
	L.SetMetatable(api, mt)
	e.protected[api] = true
	scope := L.NewTable()
	scope.RawSetString("redis", api)
	e.loadScope = scope
	return scope
}

// registerFunction is redis.register_function(name, callback) or
// redis.register_function{function_name=, callback=, flags=, description=}.
func (e *Engine) registerFunction(L *lua.LState) int {
	lib := e.loading
	if lib == nil {
		return raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	f := &Function{Library: lib}
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		if msg := namedArgs(t, f); msg != "" {
			return raise(L, msg)
		}
	case 2:
		name, ok := luaString(L.Get(1))
		if !ok {
			return raise(L, "first argument to redis.register_function must be a string")
		}
		fn, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			return raise(L, "second argument to redis.register_function must be a function")
		}
		f.Name, f.fn = name, fn
	default:
		return raise(L, "wrong number of arguments to redis.register_function")
	}
	if !validName(f.Name) {
		// Redis 7.0 words this with "Library"; kept for fidelity.
		return raise(L, errBadName.Error()[4:])
	}
	if _, dup := lib.Functions[f.Name]; dup {
		return raise(L, "Function already exists in the library")
	}
	lib.Functions[f.Name] = f
	return 0
}

// namedArgs reads register_function's table form into f.
func namedArgs(t *lua.LTable, f *Function) string {
	msg := ""
	t.ForEach(func(k, v lua.LValue) {
		if msg != "" {
			return
		}
		key, _ := k.(lua.LString)
		switch key {
		case "function_name":
			s, ok := luaString(v)
			if !ok {
				msg = "function_name argument given to redis.register_function must be a string"
			}
			f.Name = s
		case "description":
			s, ok := luaString(v)
			if !ok {
				msg = "description argument given to redis.register_function must be a string"
			}
			f.Description = s
		case "callback":
			fn, ok := v.(*lua.LFunction)
			if !ok {
				msg = "callback argument given to redis.register_function must be a function"
			}
			f.fn = fn
		case "flags":
			ft, ok := v.(*lua.LTable)
			if !ok {
				msg = "flags argument to redis.register_function must be a table representing function flags"
				return
			}
			for i := 1; i <= ft.Len(); i++ {
				s, _ := ft.RawGetInt(i).(lua.LString)
				flag, ok := flagByName(string(s))
				if !ok {
					msg = "unknown flag given"
					return
				}
				f.Flags |= flag
			}
		default:
			msg = "unknown argument given to redis.register_function"
		}
	})
	switch {
	case msg != "":
		return msg
	case f.Name == "":
		return "redis.register_function must get a function name argument"
	case f.fn == nil:
		return "redis.register_function must get a callback argument"
	}
	return ""
}

// luaString is lua_isstring + lua_tostring: numbers count as strings.
func luaString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return formatNumber(float64(x)), true
	}
	return "", false
}

// FCall is FCALL / FCALL_RO once the server has checked the flags: the
// callback runs with the keys and arguments as its two tables.
func (e *Engine) FCall(r *Run, name string) []byte {
	f, ok := e.Funcs.funcs[name]
	if !ok {
		return []byte("-" + errFuncMissing.Error() + "\r\n")
	}
	return e.exec(r, f.fn, f.Name, e.array(r.Keys), e.array(r.Args))
}
