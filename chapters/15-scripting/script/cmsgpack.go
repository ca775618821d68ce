package script

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cmsgpackMaxNesting is LUACMSGPACK_MAX_NESTING: deeper tables encode
// as nil.
const cmsgpackMaxNesting = 16

// openCmsgpack is lua-cmsgpack 0.4.0 as Redis ships it: pack, unpack,
// unpack_one and unpack_limit, with its choice of encodings (the
// smallest integer form, float32 when it is exact, str8 for 32-255 byte
// strings, a table as an array only when its keys are exactly 1..n).
func openCmsgpack(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	t.RawSetString("pack", L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		if n == 0 {
			L.ArgError(0, "MessagePack pack needs input.")
		}
		var b []byte
		for i := 1; i <= n; i++ {
			b = mpEncode(b, L.Get(i), 0)
		}
		L.Push(lua.LString(b))
		return 1
	}))
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int {
		return mpUnpack(L, L.CheckString(1), 0, 0)
	}))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		return mpUnpack(L, L.CheckString(1), 1, L.OptInt(2, 0))
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		return mpUnpack(L, L.CheckString(1), L.CheckInt(2), L.OptInt(3, 0))
	}))
	return t
}

func mpEncode(b []byte, v lua.LValue, level int) []byte {
	switch x := v.(type) {
	case lua.LString:
		return mpBytes(b, string(x))
	case lua.LBool:
		if x {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		f := float64(x)
		if !math.IsInf(f, 0) && f == math.Trunc(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 {
			return mpInt(b, int64(f))
		}
		if float64(float32(f)) == f {
			return binary.BigEndian.AppendUint32(append(b, 0xca), math.Float32bits(float32(f)))
		}
		return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
	case *lua.LTable:
		if level == cmsgpackMaxNesting {
			return append(b, 0xc0)
		}
		if n, ok := mpArrayLen(x); ok {
			b = mpHeader(b, n, 0x90, 15, 0xdc, 0xdd)
			for i := 1; i <= n; i++ {
				b = mpEncode(b, x.RawGetInt(i), level+1)
			}
			return b
		}
		n := 0
		x.ForEach(func(lua.LValue, lua.LValue) { n++ })
		b = mpHeader(b, n, 0x80, 15, 0xde, 0xdf)
		x.ForEach(func(k, val lua.LValue) {
			b = mpEncode(b, k, level+1)
			b = mpEncode(b, val, level+1)
		})
		return b
	}
	return append(b, 0xc0)
}

// mpArrayLen is table_is_an_array: every key a positive integer and as
// many keys as the largest, so no holes.
func mpArrayLen(t *lua.LTable) (int, bool) {
	count, maxKey := 0, 0
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		n, isNum := k.(lua.LNumber)
		if !isNum || float64(n) <= 0 || float64(n) != math.Trunc(float64(n)) {
			ok = false
			return
		}
		count++
		maxKey = max(maxKey, int(n))
	})
	return count, ok && count == maxKey
}

func mpHeader(b []byte, n int, fix byte, fixMax int, c16, c32 byte) []byte {
	switch {
	case n <= fixMax:
		return append(b, fix|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, c32), uint32(n))
}

func mpBytes(b []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= 0xff:
		b = append(b, 0xd9, byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

func mpInt(b []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(b, byte(n))
		case n <= 0xff:
			return append(b, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(b, byte(int8(n)))
	case n >= -128:
		return append(b, 0xd0, byte(int8(n)))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(int16(n)))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(int32(n)))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

// mpCursor reads objects; err is "" or lua-cmsgpack's message.
type mpCursor struct {
	L   *lua.LState
	s   string
	i   int
	err string
}

const (
	mpErrEOF    = "Missing bytes in input."
	mpErrFormat = "Bad data format in input."
)

func (c *mpCursor) need(n int) bool {
	if c.err == "" && len(c.s)-c.i < n {
		c.err = mpErrEOF
	}
	return c.err == ""
}

func (c *mpCursor) uint(n int) uint64 {
	if !c.need(n) {
		return 0
	}
	var v uint64
	for k := 0; k < n; k++ {
		v = v<<8 | uint64(c.s[c.i+k])
	}
	c.i += n
	return v
}

func (c *mpCursor) str(n int) lua.LValue {
	if !c.need(n) {
		return lua.LNil
	}
	v := c.s[c.i : c.i+n]
	c.i += n
	return lua.LString(v)
}

func (c *mpCursor) decode() lua.LValue {
	if !c.need(1) {
		return lua.LNil
	}
	t := c.s[c.i]
	c.i++
	switch {
	case t <= 0x7f:
		return lua.LNumber(t)
	case t >= 0xe0:
		return lua.LNumber(int8(t))
	case t >= 0xa0 && t <= 0xbf:
		return c.str(int(t & 0x1f))
	case t >= 0x90 && t <= 0x9f:
		return c.array(int(t & 0xf))
	case t >= 0x80 && t <= 0x8f:
		return c.mapN(int(t & 0xf))
	}
	switch t {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xcc, 0xcd, 0xce, 0xcf:
		return lua.LNumber(float64(c.uint(1 << (t - 0xcc))))
	case 0xd0:
		return lua.LNumber(int8(c.uint(1)))
	case 0xd1:
		return lua.LNumber(int16(c.uint(2)))
	case 0xd2:
		return lua.LNumber(int32(c.uint(4)))
	case 0xd3:
		return lua.LNumber(float64(int64(c.uint(8))))
	case 0xca:
		return lua.LNumber(math.Float32frombits(uint32(c.uint(4))))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(c.uint(8)))
	case 0xd9, 0xc4:
		return c.str(int(c.uint(1)))
	case 0xda, 0xc5:
		return c.str(int(c.uint(2)))
	case 0xdb, 0xc6:
		return c.str(int(c.uint(4)))
	case 0xdc:
		return c.array(int(c.uint(2)))
	case 0xdd:
		return c.array(int(c.uint(4)))
	case 0xde:
		return c.mapN(int(c.uint(2)))
	case 0xdf:
		return c.mapN(int(c.uint(4)))
	}
	c.err = mpErrFormat
	return lua.LNil
}

func (c *mpCursor) array(n int) lua.LValue {
	t := c.L.NewTable()
	for i := 1; i <= n && c.err == ""; i++ {
		t.RawSetInt(i, c.decode())
	}
	return t
}

func (c *mpCursor) mapN(n int) lua.LValue {
	t := c.L.NewTable()
	for i := 0; i < n && c.err == ""; i++ {
		k := c.decode()
		v := c.decode()
		if c.err == "" && k != lua.LNil {
			t.RawSet(k, v)
		}
	}
	return t
}

// mpUnpack is mp_unpack_full: limit 0 decodes everything and returns
// the objects; a limit decodes that many from offset and returns the
// next offset first (-1 once the input is used up).
func mpUnpack(L *lua.LState, s string, limit, offset int) int {
	if offset < 0 || limit < 0 {
		L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, len(s))
	}
	if offset > len(s) {
		L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
	}
	c := &mpCursor{L: L, s: s, i: offset}
	var out []lua.LValue
	for c.i < len(s) && (limit == 0 || len(out) < limit) {
		v := c.decode()
		if c.err != "" {
			L.RaiseError("%s", c.err)
		}
		out = append(out, v)
	}
	if limit > 0 {
		next := c.i
		if next == len(s) {
			next = -1
		}
		L.Push(lua.LNumber(next))
	}
	for _, v := range out {
		L.Push(v)
	}
	if limit > 0 {
		return len(out) + 1
	}
	return len(out)
}
