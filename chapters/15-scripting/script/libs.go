package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// fixMath replaces math.random and math.randomseed with Redis's
// (redis_math_random): rand48, the same sequence on every platform.
func (e *Engine) fixMath(m *lua.LTable) {
	L := e.L
	m.RawSetString("random", L.NewFunction(func(L *lua.LState) int {
		r := float64(e.rng.next()%lrand48Max) / float64(lrand48Max)
		switch L.GetTop() {
		case 0:
			L.Push(lua.LNumber(r))
		case 1:
			u := L.CheckInt(1)
			if u < 1 {
				L.ArgError(1, "interval is empty")
			}
			L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
		case 2:
			l, u := L.CheckInt(1), L.CheckInt(2)
			if l > u {
				L.ArgError(2, "interval is empty")
			}
			L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
		default:
			L.RaiseError("wrong number of arguments")
		}
		return 1
	}))
	m.RawSetString("randomseed", L.NewFunction(func(L *lua.LState) int {
		e.rng.seed(int32(L.CheckInt(1)))
		return 0
	}))
}

// fixString adds Lua 5.1's deprecated alias string.gfind.
func fixString(s *lua.LTable) {
	s.RawSetString("gfind", s.RawGetString("gmatch"))
}

// fixTable adds Lua 5.1's table.foreach, foreachi and setn.
func fixTable(L *lua.LState, t *lua.LTable) {
	t.RawSetString("foreach", L.NewFunction(func(L *lua.LState) int {
		tb, fn := L.CheckTable(1), L.CheckFunction(2)
		for k, v := tb.Next(lua.LNil); k != lua.LNil; k, v = tb.Next(k) {
			L.Push(fn)
			L.Push(k)
			L.Push(v)
			L.Call(2, 1)
			if r := L.Get(-1); r != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	}))
	t.RawSetString("foreachi", L.NewFunction(func(L *lua.LState) int {
		tb, fn := L.CheckTable(1), L.CheckFunction(2)
		for i := 1; i <= tb.Len(); i++ {
			L.Push(fn)
			L.Push(lua.LNumber(i))
			L.Push(tb.RawGetInt(i))
			L.Call(2, 1)
			if r := L.Get(-1); r != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	}))
	t.RawSetString("setn", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("'setn' is obsolete")
		return 0
	}))
}

// fmtG is C's printf("%.<prec>g"): Go's 'g' differs only in the exponent,
// which C writes with at least two digits (1e+20, not 1e+20 — the same)
// and Go also; the spellings of inf and nan are C's.
func fmtG(f float64, prec int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', prec, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 && len(s)-i == 3 {
		s = s[:i+2] + "0" + s[i+2:] // e+5 -> e+05
	}
	return s
}
