package script

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	lua "github.com/yuin/gopher-lua"
)

// newAPI builds the redis table of a running script.
func (e *Engine) newAPI() *lua.LTable {
	L := e.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return e.redisCall(L, true) },
		"pcall":              func(L *lua.LState) int { return e.redisCall(L, false) },
		"error_reply":        errorReplyFn,
		"status_reply":       statusReplyFn,
		"sha1hex":            sha1hexFn,
		"log":                e.logFn,
		"setresp":            e.setrespFn,
		"set_repl":           e.setReplFn,
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":         func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":              func(L *lua.LState) int { return 0 },
		"acl_check_cmd":      e.aclCheckFn,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	e.setConstants(t)
	return t
}

// setConstants adds what both the running and the loading redis table
// hold: the version and the LOG_* and REPL_* numbers.
func (e *Engine) setConstants(t *lua.LTable) {
	t.RawSetString("REDIS_VERSION", lua.LString(e.version))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(versionNum(e.version)))
	for name, v := range map[string]int{
		"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning,
		"REPL_NONE": int(ReplNone), "REPL_AOF": int(ReplAOF), "REPL_SLAVE": int(ReplReplica),
		"REPL_REPLICA": int(ReplReplica), "REPL_ALL": int(ReplAll),
	} {
		t.RawSetString(name, lua.LNumber(v))
	}
}

// versionNum is "7.0.15" as 0x07000f.
func versionNum(v string) int {
	n, shift := 0, 16
	start := 0
	for i := 0; i <= len(v) && shift >= 0; i++ {
		if i == len(v) || v[i] == '.' {
			x, _ := strconv.Atoi(v[start:i])
			n |= (x & 0xff) << shift
			shift -= 8
			start = i + 1
		}
	}
	return n
}

// raise ends the running script with the error table {err="ERR msg"}.
func raise(L *lua.LState, msg string) int {
	L.Error(errorTable(L, msg), 0)
	return 0
}

// redisCall is redis.call (raise true) and redis.pcall: arguments must
// be strings or numbers (numbers sent as "%.17g"); the reply comes back
// through the Caller and is converted with replyToLua. redis.call raises
// an error reply, redis.pcall returns it as a table.
func (e *Engine) redisCall(L *lua.LState, raiseErr bool) int {
	r := e.run
	n := L.GetTop()
	if n == 0 {
		return raiseOrReturn(L, raiseErr, "Please specify at least one argument for this redis lib call")
	}
	args := make([][]byte, n)
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args[i-1] = []byte(v)
		case lua.LNumber:
			args[i-1] = strconv.AppendFloat(nil, float64(v), 'g', 17, 64)
		default:
			return raiseOrReturn(L, raiseErr, "Lua redis lib command arguments must be strings or integers")
		}
	}
	if r == nil || r.Caller == nil {
		return raiseOrReturn(L, raiseErr, "redis.call is not available here")
	}
	reply, wrote := r.Caller.Call(args, r.resp, r.repl)
	if wrote {
		r.wrote.Store(true)
	}
	v, _, err := resp.ParseValue(reply)
	if err != nil {
		return raiseOrReturn(L, raiseErr, "bad reply from command: "+err.Error())
	}
	lv := replyToLua(L, v)
	if raiseErr && (v.Kind == resp.KindError || v.Kind == resp.KindBlobError) {
		L.Error(lv, 0)
	}
	L.Push(lv)
	return 1
}

func raiseOrReturn(L *lua.LState, raiseErr bool, msg string) int {
	if raiseErr {
		return raise(L, msg)
	}
	L.Push(errorTable(L, msg))
	return 1
}

// errorReplyFn is redis.error_reply: {err=msg}, the message's first
// word taken as its code ("-" is put in front when missing).
func errorReplyFn(L *lua.LState) int {
	if L.GetTop() != 1 || L.Get(1).Type() != lua.LTString {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := L.ToString(1)
	if len(msg) == 0 || msg[0] != '-' {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

func statusReplyFn(L *lua.LState) int {
	if L.GetTop() != 1 || L.Get(1).Type() != lua.LTString {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	L.Push(singleField(L, "ok", L.Get(1)))
	return 1
}

func sha1hexFn(L *lua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "wrong number of arguments")
	}
	sum := sha1.Sum([]byte(L.ToString(1)))
	L.Push(lua.LString(hex.EncodeToString(sum[:])))
	return 1
}

// logFn is redis.log(level, ...): the arguments joined with spaces.
func (e *Engine) logFn(L *lua.LState) int {
	n := L.GetTop()
	if n < 2 {
		return raise(L, "redis.log() requires two arguments or more.")
	}
	lv, ok := L.Get(1).(lua.LNumber)
	if !ok {
		return raise(L, "First argument must be a number (log level).")
	}
	level := int(lv)
	if level < LogDebug || level > LogWarning {
		return raise(L, "Invalid debug level.")
	}
	var msg []byte
	for i := 2; i <= n; i++ {
		if i > 2 {
			msg = append(msg, ' ')
		}
		msg = append(msg, L.ToString(i)...)
	}
	if e.run != nil && e.run.Log != nil {
		e.run.Log(level, string(msg))
	}
	return 0
}

func (e *Engine) setrespFn(L *lua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "redis.setresp() requires one argument.")
	}
	v := L.CheckInt(1)
	if v != 2 && v != 3 {
		return raise(L, "RESP version must be 2 or 3.")
	}
	if e.run != nil {
		e.run.resp = v
	}
	return 0
}

func (e *Engine) setReplFn(L *lua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "redis.set_repl() requires one argument.")
	}
	v := L.CheckInt(1)
	if v&^int(ReplAll) != 0 {
		return raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	if e.run != nil {
		e.run.repl = Repl(v)
	}
	return 0
}

// aclCheckFn is redis.acl_check_cmd. Without an ACL behind the engine
// every existing command is allowed; the argument checks are Redis's.
func (e *Engine) aclCheckFn(L *lua.LState) int {
	if L.GetTop() < 1 {
		return raise(L, "Please specify at least one argument for this redis lib call")
	}
	for i := 1; i <= L.GetTop(); i++ {
		switch L.Get(i).(type) {
		case lua.LString, lua.LNumber:
		default:
			return raise(L, "Lua redis lib command arguments must be strings or integers")
		}
	}
	L.Push(lua.LTrue)
	return 1
}
