package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

func itoa(n int) string { return strconv.Itoa(n) }

// wrapPcall is Redis 7.0's pcall: an error raised as an error table
// (redis.call's, or error({err=...})) reaches the script as its err
// string, so a script cannot forge or keep the table Redis uses to carry
// an error's position.
func wrapPcall(L *lua.LState, orig *lua.LFunction) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		L.Insert(orig, 1)
		L.Call(n, lua.MultRet)
		if L.Get(1) == lua.LFalse {
			if t, ok := L.Get(2).(*lua.LTable); ok {
				if s, ok := t.RawGetString("err").(lua.LString); ok {
					L.Replace(2, s)
				}
			}
		}
		return L.GetTop()
	})
}

// tostring formats numbers as Lua 5.1 does ("%.14g"); gopher-lua's own
// prints the shortest exact form (0.3333333333333333).
func tostring(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if n, ok := L.Get(1).(lua.LNumber); ok && L.GetTop() >= 1 {
			L.Push(lua.LString(formatNumber(float64(n))))
			return 1
		}
		L.Insert(orig, 1)
		L.Call(L.GetTop()-1, 1)
		return 1
	}
}

// tonumber is Lua 5.1's: in base 10 a string is read by strtod (so
// "1e2", "inf" and hex floats count) or, with a 0x prefix, as a hex
// integer; other bases go to gopher-lua's.
func tonumber(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		s, isStr := L.Get(1).(lua.LString)
		if !isStr || (L.GetTop() >= 2 && L.Get(2) != lua.LNil && L.CheckInt(2) != 10) {
			L.Insert(orig, 1)
			L.Call(L.GetTop()-1, 1)
			return 1
		}
		L.Push(str2number(string(s)))
		return 1
	}
}

func str2number(s string) lua.LValue {
	t := strings.Trim(s, " \t\n\r\f\v")
	if t == "" || strings.ContainsRune(t, '_') {
		return lua.LNil
	}
	body := strings.TrimLeft(t, "+-")
	if strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X") {
		if !strings.ContainsAny(body, "pP.") {
			n, err := strconv.ParseUint(body[2:], 16, 64)
			if err != nil {
				return lua.LNil
			}
			f := float64(n)
			if t[0] == '-' {
				f = -f
			}
			return lua.LNumber(f)
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !(strings.Contains(err.Error(), "range") && !math.IsNaN(f)) {
		return lua.LNil
	}
	return lua.LNumber(f)
}
