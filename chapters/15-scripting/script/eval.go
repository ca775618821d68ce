package script

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	lua "github.com/yuin/gopher-lua"
)

// Flags are a script's or function's declared needs, from an EVAL
// shebang ("#!lua flags=no-writes,allow-stale") or register_function.
// The server enforces them; the engine only parses and reports them.
type Flags uint

// The flags, in Redis's order.
const (
	FlagNoWrites Flags = 1 << iota
	FlagAllowOOM
	FlagAllowStale
	FlagNoCluster
	// FlagEvalCompat marks an EVAL script without a shebang: it may
	// write, and is held to Redis 6's rules (deny-oom only once it
	// writes, ...).
	FlagEvalCompat
	FlagAllowCrossSlot
)

var flagNames = []struct {
	name string
	flag Flags
}{
	{"no-writes", FlagNoWrites},
	{"allow-oom", FlagAllowOOM},
	{"allow-stale", FlagAllowStale},
	{"no-cluster", FlagNoCluster},
	{"allow-cross-slot-keys", FlagAllowCrossSlot},
}

// Names lists the flags set in f as FUNCTION LIST shows them.
func (f Flags) Names() []string {
	var out []string
	for _, n := range flagNames {
		if f&n.flag != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// ErrWriteFlagRO is the reply of EVAL_RO, EVALSHA_RO and FCALL_RO to a
// script or function that declares flags but not no-writes; scripts
// without a shebang are instead stopped at their first write.
var ErrWriteFlagRO = errors.New("ERR Can not execute a script with write flag using *_ro command.")

// CheckReadOnly is the *_RO commands' check of a script's flags.
func CheckReadOnly(f Flags) error {
	if f&FlagEvalCompat == 0 && f&FlagNoWrites == 0 {
		return ErrWriteFlagRO
	}
	return nil
}

// errNoScript is EVALSHA's reply for a SHA1 that is not cached.
const errNoScript = "-NOSCRIPT No matching script. Please use EVAL.\r\n"

// Load is SCRIPT LOAD and the first step of EVAL: the body compiled and
// cached under its SHA1, with its shebang flags. A body already cached
// is not compiled again.
func (e *Engine) Load(body string) (sha string, flags Flags, err error) {
	sha = SHA1Hex(body)
	if c := e.Scripts.get(sha); c != nil {
		return sha, c.flags, nil
	}
	flags, skip, err := shebangFlags(body)
	if err != nil {
		return "", 0, err
	}
	// The shebang line is blanked, not removed, so line numbers in
	// errors stay the user's.
	fn, err := e.compile(strings.Repeat(" ", skip)+body[skip:], "user_script")
	if err != nil {
		return "", 0, fmt.Errorf("ERR Error compiling script (new function): %s", err)
	}
	e.Scripts.put(sha, &cached{body: body, fn: fn, flags: flags})
	return sha, flags, nil
}

// Lookup returns the flags of a cached script.
func (e *Engine) Lookup(sha string) (Flags, bool) {
	c := e.Scripts.get(sha)
	if c == nil {
		return 0, false
	}
	return c.flags, true
}

// Eval is EVAL: Load, then run. The reply is RESP in r.Proto.
func (e *Engine) Eval(r *Run, body string) []byte {
	sha, _, err := e.Load(body)
	if err != nil {
		return []byte("-" + oneLine(err.Error()) + "\r\n")
	}
	return e.EvalSHA(r, sha)
}

// EvalSHA is EVALSHA: run a cached script with KEYS and ARGV set, the
// random generator reset to the same seed every time.
func (e *Engine) EvalSHA(r *Run, sha string) []byte {
	c := e.Scripts.get(sha)
	if c == nil {
		return []byte(errNoScript)
	}
	g := e.L.G.Global
	g.RawSetString("KEYS", e.array(r.Keys))
	g.RawSetString("ARGV", e.array(r.Args))
	return e.exec(r, c.fn, lower(sha))
}

func (e *Engine) array(items [][]byte) *lua.LTable {
	t := e.L.CreateTable(len(items), 0)
	for i, it := range items {
		t.RawSetInt(i+1, lua.LString(it))
	}
	return t
}

// exec runs fn for r and writes its result or error; name is what error
// messages call the script (its SHA1, or the function's name).
func (e *Engine) exec(r *Run, fn *lua.LFunction, name string, args ...lua.LValue) []byte {
	r.resp, r.repl = 2, ReplAll
	e.run = r
	ctx, stop := r.start()
	ret, errT := e.call(ctx, fn, args...)
	stop()
	e.run = nil
	e.restore()
	e.L.SetTop(0)
	if errT != nil {
		if ctx.Err() != nil && r.wasKilled() {
			errT.RawSetString("err", lua.LString("ERR "+msgKilled))
		}
		return errorReply(errT, name)
	}
	w := resp.Writer{Proto: max(r.Proto, 2)}
	luaToReply(&w, ret, r.resp)
	return w.B
}

func (r *Run) wasKilled() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.killed
}

// compile loads src as a chunk called name, with gopher-lua's syntax
// errors reworded in Lua 5.1's "name:line: message" form.
func (e *Engine) compile(src, name string) (*lua.LFunction, error) {
	fn, err := e.L.Load(strings.NewReader(src), name)
	if err != nil {
		var ae *lua.ApiError
		if errors.As(err, &ae) && ae.Object != nil {
			return nil, errors.New(syntaxMessage(ae.Object.String(), 1+strings.Count(src, "\n")))
		}
		return nil, err
	}
	return fn, nil
}

// shebangFlags is evalExtractShebangFlags: a body that starts with "#!"
// must name the lua engine and may give flags=...; one without is an
// EVAL-compatible script. skip is the shebang line's length.
func shebangFlags(body string) (flags Flags, skip int, err error) {
	if !strings.HasPrefix(body, "#!") {
		return FlagEvalCompat, 0, nil
	}
	end := strings.IndexByte(body, '\n')
	if end < 0 {
		return 0, 0, errors.New("ERR Invalid script shebang")
	}
	parts, perr := resp.SplitArgs(body[:end])
	if perr != nil || len(parts) == 0 {
		return 0, 0, errors.New("ERR Invalid engine in script shebang")
	}
	if parts[0] != "#!lua" {
		return 0, 0, fmt.Errorf("ERR Unexpected engine in script shebang: %s", parts[0])
	}
	for _, p := range parts[1:] {
		list, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return 0, 0, fmt.Errorf("ERR Unknown lua shebang option: %s", p)
		}
		for _, name := range strings.Split(list, ",") {
			f, ok := flagByName(name)
			if !ok {
				return 0, 0, fmt.Errorf("ERR Unexpected flag in script shebang: %s", name)
			}
			flags |= f
		}
	}
	return flags, end, nil
}

func flagByName(name string) (Flags, bool) {
	for _, n := range flagNames {
		if n.name == name {
			return n.flag, true
		}
	}
	return 0, false
}

// ShebangFlags are the flags a script body declares in its shebang
// (FlagEvalCompat without one), for the server's view of an EVAL before
// the body is compiled.
func ShebangFlags(body string) (Flags, error) {
	f, _, err := shebangFlags(body)
	return f, err
}
