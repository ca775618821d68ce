package script

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// cjson's defaults as Redis builds it (lua_cjson.c).
const (
	cjsonMaxDepth     = 1000
	cjsonSparseRatio  = 2
	cjsonSparseSafe   = 10
	cjsonNumPrecision = 14
)

// openCjson is lua-cjson 2.1 with Redis's settings: numbers as "%.14g",
// '/' escaped, an empty table encoded as {} (cjson cannot tell an empty
// array from an empty object), sparse arrays refused.
func openCjson(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	null := L.NewUserData()
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.ArgError(1, "expected 1 argument")
		}
		var b strings.Builder
		if msg := jsonEncode(&b, L.Get(1), null, 0); msg != "" {
			L.RaiseError("%s", msg)
		}
		L.Push(lua.LString(b.String()))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.ArgError(1, "expected 1 argument")
		}
		d := jsonDecoder{L: L, s: L.CheckString(1), null: null}
		v := d.value(0)
		d.ws()
		if d.err == "" && d.i < len(d.s) {
			d.fail("the end")
		}
		if d.err != "" {
			L.RaiseError("%s", d.err)
		}
		L.Push(v)
		return 1
	}))
	// The configuration functions exist; Redis scripts cannot usefully
	// change them, so they report the fixed settings.
	for name, v := range map[string][]lua.LValue{
		"encode_sparse_array":     {lua.LFalse, lua.LNumber(cjsonSparseRatio), lua.LNumber(cjsonSparseSafe)},
		"encode_max_depth":        {lua.LNumber(cjsonMaxDepth)},
		"decode_max_depth":        {lua.LNumber(cjsonMaxDepth)},
		"encode_number_precision": {lua.LNumber(cjsonNumPrecision)},
		"encode_keep_buffer":      {lua.LTrue},
		"encode_invalid_numbers":  {lua.LFalse},
		"decode_invalid_numbers":  {lua.LTrue},
	} {
		ret := v
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			for _, r := range ret {
				L.Push(r)
			}
			return len(ret)
		}))
	}
	t.RawSetString("new", L.NewFunction(func(L *lua.LState) int { L.Push(openCjson(L)); return 1 }))
	return t
}

// jsonEncode appends v's JSON to b; it returns cjson's error text, or "".
func jsonEncode(b *strings.Builder, v lua.LValue, null lua.LValue, depth int) string {
	switch x := v.(type) {
	case lua.LString:
		jsonString(b, string(x))
	case lua.LNumber:
		f := float64(x)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return "Cannot serialise number: must not be NaN or Inf"
		}
		b.WriteString(fmtG(f, cjsonNumPrecision))
	case lua.LBool:
		b.WriteString(strconv.FormatBool(bool(x)))
	case *lua.LNilType:
		b.WriteString("null")
	case *lua.LTable:
		depth++
		if depth > cjsonMaxDepth {
			return "Cannot serialise, excessive nesting (" + strconv.Itoa(depth) + ")"
		}
		n, msg := jsonArrayLen(x)
		if msg != "" {
			return msg
		}
		if n > 0 {
			b.WriteByte('[')
			for i := 1; i <= n; i++ {
				if i > 1 {
					b.WriteByte(',')
				}
				if msg := jsonEncode(b, x.RawGetInt(i), null, depth); msg != "" {
					return msg
				}
			}
			b.WriteByte(']')
			return ""
		}
		b.WriteByte('{')
		first := true
		for k, val := x.Next(lua.LNil); k != lua.LNil; k, val = x.Next(k) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			switch kk := k.(type) {
			case lua.LString:
				jsonString(b, string(kk))
			case lua.LNumber:
				b.WriteByte('"')
				b.WriteString(fmtG(float64(kk), cjsonNumPrecision))
				b.WriteByte('"')
			default:
				return "Cannot serialise " + k.Type().String() + ": table key must be a number or string"
			}
			b.WriteByte(':')
			if msg := jsonEncode(b, val, null, depth); msg != "" {
				return msg
			}
		}
		b.WriteByte('}')
	default:
		if v == null {
			b.WriteString("null")
			return ""
		}
		return "Cannot serialise " + v.Type().String() + ": type not supported"
	}
	return ""
}

// jsonArrayLen is lua_array_length: the table's size as an array when
// every key is a positive integer, 0 for an object (or an empty table),
// and an error for an array too sparse to encode.
func jsonArrayLen(t *lua.LTable) (int, string) {
	maxKey, items := 0, 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) < 1 || float64(n) != math.Floor(float64(n)) {
			return 0, ""
		}
		if int(n) > maxKey {
			maxKey = int(n)
		}
		items++
	}
	if maxKey > items*cjsonSparseRatio && maxKey > cjsonSparseSafe {
		return 0, "Cannot serialise table: excessively sparse array"
	}
	return maxKey, ""
}

// jsonString writes s quoted with cjson's escapes (it escapes '/').
func jsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// jsonDecoder is cjson.decode's parser: objects and arrays as tables,
// null as cjson.null, numbers as Lua numbers.
type jsonDecoder struct {
	L    *lua.LState
	s    string
	i    int
	null lua.LValue
	err  string
}

func (d *jsonDecoder) fail(what string) lua.LValue {
	if d.err == "" {
		tok := "invalid token"
		if d.i >= len(d.s) {
			tok = "T_END"
		} else {
			switch d.s[d.i] {
			case '{':
				tok = "T_OBJ_BEGIN"
			case '}':
				tok = "T_OBJ_END"
			case '[':
				tok = "T_ARR_BEGIN"
			case ']':
				tok = "T_ARR_END"
			case ',':
				tok = "T_COMMA"
			case ':':
				tok = "T_COLON"
			}
		}
		d.err = "Expected " + what + " but found " + tok + " at character " + strconv.Itoa(d.i+1)
	}
	return lua.LNil
}

func (d *jsonDecoder) ws() {
	for d.i < len(d.s) && strings.IndexByte(" \t\r\n", d.s[d.i]) >= 0 {
		d.i++
	}
}

func (d *jsonDecoder) value(depth int) lua.LValue {
	d.ws()
	if d.err != "" || d.i >= len(d.s) {
		return d.fail("value")
	}
	switch c := d.s[d.i]; {
	case c == '{' || c == '[':
		if depth+1 > cjsonMaxDepth {
			d.err = "Found too many nested data structures (" + strconv.Itoa(depth+1) + ") at character " + strconv.Itoa(d.i+1)
			return lua.LNil
		}
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case strings.HasPrefix(d.s[d.i:], "true"):
		d.i += 4
		return lua.LTrue
	case strings.HasPrefix(d.s[d.i:], "false"):
		d.i += 5
		return lua.LFalse
	case strings.HasPrefix(d.s[d.i:], "null"):
		d.i += 4
		return d.null
	}
	return d.fail("value")
}

func (d *jsonDecoder) object(depth int) lua.LValue {
	t := d.L.NewTable()
	d.i++
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return t
	}
	for d.err == "" {
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return d.fail("object key string")
		}
		k := d.str()
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return d.fail("colon")
		}
		d.i++
		v := d.value(depth)
		if d.err != "" {
			break
		}
		t.RawSet(k, v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return t
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return d.fail("comma or object end")
		}
		d.i++
	}
	return lua.LNil
}

func (d *jsonDecoder) array(depth int) lua.LValue {
	t := d.L.NewTable()
	d.i++
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return t
	}
	for n := 1; d.err == ""; n++ {
		v := d.value(depth)
		if d.err != "" {
			break
		}
		t.RawSetInt(n, v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return t
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return d.fail("comma or array end")
		}
		d.i++
	}
	return lua.LNil
}

func (d *jsonDecoder) number() lua.LValue {
	start := d.i
	for d.i < len(d.s) && strings.IndexByte("+-0123456789.eE", d.s[d.i]) >= 0 {
		d.i++
	}
	f, err := strconv.ParseFloat(d.s[start:d.i], 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		d.i = start
		return d.fail("value")
	}
	return lua.LNumber(f)
}

func (d *jsonDecoder) str() lua.LValue {
	start := d.i
	d.i++
	var b []byte
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return lua.LString(b)
		case c < 0x20:
			d.i = start
			return d.fail("value")
		case c == '\\':
			if d.i+1 >= len(d.s) {
				d.i = start
				return d.fail("value")
			}
			d.i++
			switch e := d.s[d.i]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.unicode()
				if !ok {
					d.i = start
					return d.fail("value")
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				d.i = start
				return d.fail("value")
			}
			d.i++
		default:
			b = append(b, c)
			d.i++
		}
	}
	d.i = start
	return d.fail("value")
}

// unicode reads \uXXXX (d.i on the 'u'), joining a surrogate pair.
func (d *jsonDecoder) unicode() (rune, bool) {
	hex4 := func(at int) (rune, bool) {
		if at+4 > len(d.s) {
			return 0, false
		}
		n, err := strconv.ParseUint(d.s[at:at+4], 16, 16)
		return rune(n), err == nil
	}
	r, ok := hex4(d.i + 1)
	if !ok {
		return 0, false
	}
	d.i += 5
	if r >= 0xd800 && r < 0xdc00 {
		if d.i+6 > len(d.s) || d.s[d.i] != '\\' || d.s[d.i+1] != 'u' {
			return 0, false
		}
		lo, ok := hex4(d.i + 2)
		if !ok || lo < 0xdc00 || lo > 0xdfff {
			return 0, false
		}
		d.i += 6
		r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
	} else if r >= 0xdc00 && r <= 0xdfff {
		return 0, false
	}
	return r, true
}
