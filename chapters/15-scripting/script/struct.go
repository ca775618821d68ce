package script

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// lua_struct.c's limits.
const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

// structHeader is the state a format string carries: byte order and the
// largest alignment ('!').
type structHeader struct {
	little bool
	align  int
}

// openStruct is Roberto Ierusalimschy's struct library as Redis ships
// it: pack, unpack and size over formats like "<i4", ">!4hd", "c0s".
func openStruct(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

// structFormat walks a format one option at a time.
type structFormat struct {
	L     *lua.LState
	fmt   string
	fname string
	i     int
	h     structHeader
}

func newStructFormat(L *lua.LState, f, fname string) *structFormat {
	return &structFormat{L: L, fmt: f, fname: fname, h: structHeader{little: true, align: 1}}
}

// argError is luaL_argerror's text, which quotes the function's name
// (gopher-lua's own ArgError does not).
func argError(L *lua.LState, n int, fname, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fname, msg)
}

func (f *structFormat) getnum(df int) int {
	if f.i >= len(f.fmt) || f.fmt[f.i] < '0' || f.fmt[f.i] > '9' {
		return df
	}
	a := 0
	for f.i < len(f.fmt) && f.fmt[f.i] >= '0' && f.fmt[f.i] <= '9' {
		d := int(f.fmt[f.i] - '0')
		if a > (math.MaxInt32/10) || a*10 > math.MaxInt32-d {
			f.L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		f.i++
	}
	return a
}

// optsize is the size of option opt, reading its digits.
func (f *structFormat) optsize(opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'x':
		return 1
	case 'c':
		return f.getnum(1)
	case 'i', 'I':
		sz := f.getnum(4)
		if sz > structMaxIntSize {
			f.L.RaiseError("integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func (f *structFormat) toalign(n, opt, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	size = min(size, f.h.align)
	return (size - (n & (size - 1))) & (size - 1)
}

// control handles ' ', '<', '>', '!' and rejects anything else.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.h.little = false
	case '<':
		f.h.little = true
	case '!':
		a := f.getnum(structMaxAlign)
		if a&(a-1) != 0 || a == 0 {
			f.L.RaiseError("alignment %d is not a power of 2", a)
		}
		f.h.align = a
	default:
		argError(f.L, 1, f.fname, "invalid format option '"+string(opt)+"'")
	}
}

func structPack(L *lua.LState) int {
	f := newStructFormat(L, L.CheckString(1), "pack")
	arg := 2
	var b []byte
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.optsize(opt)
		for pad := f.toalign(len(b), int(opt), size); pad > 0; pad-- {
			b = append(b, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := float64(L.CheckNumber(arg))
			arg++
			var v uint64
			if n < 0 {
				v = uint64(int64(n))
			} else {
				v = uint64(n)
			}
			b = appendStructInt(b, v, size, f.h.little)
		case 'x':
			b = append(b, 0)
		case 'f':
			bits := math.Float32bits(float32(L.CheckNumber(arg)))
			arg++
			b = appendStructInt(b, uint64(bits), 4, f.h.little)
		case 'd':
			bits := math.Float64bits(float64(L.CheckNumber(arg)))
			arg++
			b = appendStructInt(b, bits, 8, f.h.little)
		case 'c', 's':
			s := L.CheckString(arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, arg, "pack", "string too short")
			}
			b = append(b, s[:size]...)
			if opt == 's' {
				b = append(b, 0)
			}
		default:
			f.control(opt)
		}
	}
	L.Push(lua.LString(b))
	return 1
}

// appendStructInt writes the low size bytes of v as putinteger does: a
// 64-bit value shifted a byte at a time, so bytes past the eighth are 0.
func appendStructInt(b []byte, v uint64, size int, little bool) []byte {
	buf := make([]byte, size)
	if little {
		for i := 0; i < size; i++ {
			buf[i] = byte(v)
			v >>= 8
		}
	} else {
		for i := size - 1; i >= 0; i-- {
			buf[i] = byte(v)
			v >>= 8
		}
	}
	return append(b, buf...)
}

func structInt(data string, little, signed bool, size int) float64 {
	var l uint64
	if little {
		for i := size - 1; i >= 0; i-- {
			l = l<<8 | uint64(data[i])
		}
	} else {
		for i := 0; i < size; i++ {
			l = l<<8 | uint64(data[i])
		}
	}
	if !signed {
		return float64(l)
	}
	if size*8-1 < 64 {
		mask := ^uint64(0) << (size*8 - 1)
		if l&mask != 0 {
			l |= mask
		}
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, L.CheckString(1), "unpack")
	data := L.CheckString(2)
	pos := L.OptInt(3, 1) - 1
	if pos < 0 || pos > len(data) {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	var out []lua.LValue
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.optsize(opt)
		pos += f.toalign(pos, int(opt), size)
		if pos+size > len(data) {
			argError(L, 2, "unpack", "data string too short")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := opt >= 'a' && opt <= 'z'
			out = append(out, lua.LNumber(structInt(data[pos:], f.h.little, signed, size)))
		case 'x':
		case 'f':
			bits := uint32(structInt(data[pos:], f.h.little, false, 4))
			out = append(out, lua.LNumber(math.Float32frombits(bits)))
		case 'd':
			var bits uint64
			if f.h.little {
				bits = binary.LittleEndian.Uint64([]byte(data[pos : pos+8]))
			} else {
				bits = binary.BigEndian.Uint64([]byte(data[pos : pos+8]))
			}
			out = append(out, lua.LNumber(math.Float64frombits(bits)))
		case 'c':
			if size == 0 {
				n, ok := lastNumber(out)
				if !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				out = out[:len(out)-1]
				size = n
				if size < 0 || size > len(data) || pos > len(data)-size {
					argError(L, 2, "unpack", "data string too short")
				}
			}
			out = append(out, lua.LString(data[pos:pos+size]))
		case 's':
			end := strings.IndexByte(data[pos:], 0)
			if end < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = end + 1
			out = append(out, lua.LString(data[pos:pos+end]))
		default:
			f.control(opt)
		}
		pos += size
	}
	for _, v := range out {
		L.Push(v)
	}
	L.Push(lua.LNumber(pos + 1))
	return len(out) + 1
}

func lastNumber(out []lua.LValue) (int, bool) {
	if len(out) == 0 {
		return 0, false
	}
	switch v := out[len(out)-1].(type) {
	case lua.LNumber:
		return int(v), true
	case lua.LString:
		if n, ok := str2number(string(v)).(lua.LNumber); ok {
			return int(n), true
		}
	}
	return 0, false
}

func structSize(L *lua.LState) int {
	f := newStructFormat(L, L.CheckString(1), "size")
	pos := 0
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.optsize(opt)
		pos += f.toalign(pos, int(opt), size)
		switch {
		case opt == 's':
			argError(L, 1, "size", "option 's' has no fixed size")
		case opt == 'c' && size == 0:
			argError(L, 1, "size", "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
