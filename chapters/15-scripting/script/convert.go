package script

import (
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	lua "github.com/yuin/gopher-lua"
)

// replyToLua turns one command reply into the Lua value redis.call
// returns, as redisProtocolToLuaType does: integer -> number, bulk and
// simple strings -> string / {ok=...}, error -> {err=...}, nil bulk or
// array -> false, array -> table; and the RESP3 types: null -> nil,
// boolean -> boolean, double -> {double=n}, big number -> {big_number=s},
// map -> {map={k=v...}}, set -> {set={m=true...}}, verbatim ->
// {verbatim_string={format=f, string=s}}. Attributes are dropped.
func replyToLua(L *lua.LState, v resp.Value) lua.LValue {
	switch v.Kind {
	case resp.KindInt:
		return lua.LNumber(v.Int)
	case resp.KindBulk:
		if v.Null {
			return lua.LFalse
		}
		return lua.LString(v.Str)
	case resp.KindSimple:
		return singleField(L, "ok", lua.LString(v.Str))
	case resp.KindError, resp.KindBlobError:
		return errorTable(L, "-"+string(v.Str))
	case resp.KindArray, resp.KindPush:
		if v.Null {
			return lua.LFalse
		}
		t := L.CreateTable(len(v.Elems), 0)
		for i, e := range v.Elems {
			t.RawSetInt(i+1, replyToLua(L, e))
		}
		return t
	case resp.KindNull:
		return lua.LNil
	case resp.KindBool:
		return lua.LBool(v.Bool)
	case resp.KindDouble:
		return singleField(L, "double", lua.LNumber(v.Float))
	case resp.KindBigNumber:
		return singleField(L, "big_number", lua.LString(v.Str))
	case resp.KindVerbatim:
		t := L.CreateTable(0, 2)
		t.RawSetString("format", lua.LString(v.Format))
		t.RawSetString("string", lua.LString(v.Str))
		return singleField(L, "verbatim_string", t)
	case resp.KindMap:
		t := L.CreateTable(0, len(v.Elems)/2)
		for i := 0; i+1 < len(v.Elems); i += 2 {
			t.RawSet(replyToLua(L, v.Elems[i]), replyToLua(L, v.Elems[i+1]))
		}
		return singleField(L, "map", t)
	case resp.KindSet:
		t := L.CreateTable(0, len(v.Elems))
		for _, e := range v.Elems {
			t.RawSet(replyToLua(L, e), lua.LTrue)
		}
		return singleField(L, "set", t)
	}
	return lua.LNil
}

func singleField(L *lua.LState, name string, v lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString(name, v)
	return t
}

// errorTable is luaPushErrorBuff: the error table {err="CODE msg"}. A
// message that starts with '-' carries its own code ("-WRONGTYPE ...");
// any other gets "ERR" in front. Trailing CR/LF are trimmed.
func errorTable(L *lua.LState, msg string) *lua.LTable {
	code := "ERR"
	if strings.HasPrefix(msg, "-") {
		if sp := strings.IndexByte(msg, ' '); sp < 0 {
			msg = msg[1:]
		} else {
			code, msg = msg[1:sp], msg[sp+1:]
		}
	}
	return singleField(L, "err", lua.LString(code+" "+strings.Trim(msg, "\r\n")))
}

// luaToReply writes a script's result as luaReplyToRedisReply does.
// scriptResp is the protocol the script chose with redis.setresp: it
// decides how booleans go out; the Writer's own protocol (the calling
// client's) decides how nulls, maps and doubles look on the wire.
func luaToReply(w *resp.Writer, v lua.LValue, scriptResp int) {
	luaToReplyAt(w, v, scriptResp, 0)
}

// maxReplyDepth is how deeply Redis 7.0 nests a table reply before its
// lua_checkstack fails (LUAI_MAXCSTACK less what the call itself holds):
// a table that contains itself ends, that deep, in an error.
const maxReplyDepth = 7995

func luaToReplyAt(w *resp.Writer, v lua.LValue, scriptResp, depth int) {
	if depth >= maxReplyDepth {
		w.Error("ERR reached lua stack limit")
		return
	}
	switch x := v.(type) {
	case lua.LString:
		w.BulkString(string(x))
	case lua.LBool:
		switch {
		case scriptResp == 3:
			w.Bool(bool(x))
		case bool(x):
			w.Int(1)
		default:
			w.Null()
		}
	case lua.LNumber:
		w.Int(luaNumberToInt(x))
	case *lua.LTable:
		tableToReply(w, x, scriptResp, depth)
	default:
		w.Null()
	}
}

// luaNumberToInt is C's (long long) cast of a lua_Number: truncation
// toward zero. Values out of range saturate, where C is undefined.
func luaNumberToInt(n lua.LNumber) int64 {
	f := float64(n)
	switch {
	case f != f:
		return -1 << 63
	case f >= 9.223372036854775807e18:
		return -1 << 63 // what x86-64's cvttsd2si gives for overflow
	case f <= -9.223372036854775808e18:
		return -1 << 63
	}
	return int64(f)
}

func tableToReply(w *resp.Writer, t *lua.LTable, scriptResp, depth int) {
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		// "-%s" as addReplyErrorFormat writes it: the text is the
		// whole line, code included, never given a second code.
		w.Raw([]byte("-" + oneLine(string(s)) + "\r\n"))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.SimpleString(oneLine(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.Double(float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		w.BigNumber(oneLine(string(s)))
		return
	}
	if v, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, okF := v.RawGetString("format").(lua.LString)
		str, okS := v.RawGetString("string").(lua.LString)
		if okF && okS {
			w.Verbatim(string(format), string(str))
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		n := 0
		m.ForEach(func(lua.LValue, lua.LValue) { n++ })
		w.Map(n)
		m.ForEach(func(k, v lua.LValue) {
			luaToReplyAt(w, k, scriptResp, depth+1)
			luaToReplyAt(w, v, scriptResp, depth+1)
		})
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		n := 0
		s.ForEach(func(lua.LValue, lua.LValue) { n++ })
		w.Set(n)
		s.ForEach(func(k, _ lua.LValue) { luaToReplyAt(w, k, scriptResp, depth+1) })
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.Array(n)
	for i := 1; i <= n; i++ {
		luaToReplyAt(w, t.RawGetInt(i), scriptResp, depth+1)
	}
}

// oneLine is sdsmapchars(s, "\r\n", "  "): status and error replies may
// not hold a line break.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
