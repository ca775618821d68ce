package script

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openBit is LuaBitOp 1.0 (deps/lua/src/lua_bit.c): 32-bit operations on
// numbers, results as signed 32-bit integers.
func openBit(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	bin := func(op func(a, b uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			r := tobit(L, 1)
			for i := 2; i <= L.GetTop(); i++ {
				r = op(r, tobit(L, i))
			}
			L.Push(lua.LNumber(int32(r)))
			return 1
		}
	}
	shift := func(op func(a uint32, n uint) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			a, n := tobit(L, 1), uint(tobit(L, 2)&31)
			L.Push(lua.LNumber(int32(op(a, n))))
			return 1
		}
	}
	fns := map[string]lua.LGFunction{
		"tobit":   func(L *lua.LState) int { L.Push(lua.LNumber(int32(tobit(L, 1)))); return 1 },
		"bnot":    func(L *lua.LState) int { L.Push(lua.LNumber(int32(^tobit(L, 1)))); return 1 },
		"band":    bin(func(a, b uint32) uint32 { return a & b }),
		"bor":     bin(func(a, b uint32) uint32 { return a | b }),
		"bxor":    bin(func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  shift(func(a uint32, n uint) uint32 { return a << n }),
		"rshift":  shift(func(a uint32, n uint) uint32 { return a >> n }),
		"arshift": shift(func(a uint32, n uint) uint32 { return uint32(int32(a) >> n) }),
		"rol":     shift(func(a uint32, n uint) uint32 { return a<<n | a>>(32-n) }),
		"ror":     shift(func(a uint32, n uint) uint32 { return a>>n | a<<(32-n) }),
		"bswap": func(L *lua.LState) int {
			b := tobit(L, 1)
			b = b>>24 | (b>>8)&0xff00 | (b&0xff00)<<8 | b<<24
			L.Push(lua.LNumber(int32(b)))
			return 1
		},
		"tohex": tohex,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// tobit is barg: the number normalised to 32 bits the way LuaBitOp does
// it, by adding 2^52+2^51 and keeping the low word, so that 2^32+1 is 1
// and -1 is 0xffffffff.
func tobit(L *lua.LState, i int) uint32 {
	n := float64(L.CheckNumber(i))
	return uint32(math.Float64bits(n + 6755399441055744.0))
}

func tohex(L *lua.LState) int {
	b := tobit(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		n = int32(tobit(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = strings.ToUpper(digits)
	}
	if n > 8 {
		n = 8
	}
	buf := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
