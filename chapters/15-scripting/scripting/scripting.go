// Package scripting puts the Lua engine (package script) on the server's
// command path: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FUNCTION,
// FCALL and FCALL_RO, as Redis 7.0's eval.c and functions.c.
//
// A script is one command of its client and runs on the loop goroutine,
// from start to end, so it is atomic like any command. What it sends
// with redis.call goes through the server's script path
// (server.ScriptRun), nested in the script's own call: the commands it
// wrote reach the AOF when it ends, wrapped in MULTI/EXEC when there is
// more than one (effects replication). A script that runs past
// busy-reply-threshold lets the loop answer other clients with -BUSY
// between its instructions (server.WhileBusy), and can be stopped with
// SCRIPT KILL or FUNCTION KILL until it writes.
//
// Scripts live in the cache until SCRIPT FLUSH or a restart; functions
// are data: FUNCTION LOAD, DELETE, FLUSH and RESTORE are propagated to
// the AOF, and the AOF rewrite writes one FUNCTION LOAD per library.
package scripting

import (
	"strconv"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/15-scripting/script"
)

// Config holds the scripting options.
type Config struct {
	// BusyReplyThreshold is busy-reply-threshold (alias lua-time-limit):
	// how long a script runs before other clients get -BUSY and it may
	// be killed. Redis's default is 5 s.
	BusyReplyThreshold time.Duration
}

// Defaults are Redis's.
func Defaults() Config { return Config{BusyReplyThreshold: 5 * time.Second} }

// Scripting is the layer. It belongs to the loop goroutine.
type Scripting struct {
	srv    *server.Server
	eng    *script.Engine
	cfg    Config
	path   *server.ScriptRun
	caller caller

	// The script in progress, nil between scripts.
	run      *script.Run
	started  time.Time
	isEval   bool     // EVAL mode (SCRIPT KILL), not FCALL (FUNCTION KILL)
	name     string   // the script's SHA1 or the function's name
	command  [][]byte // the command that started it (FUNCTION STATS)
	client   *server.Client
	busy     bool // past the threshold
	lastTurn time.Time
}

// Register adds the scripting commands and the busy-reply-threshold
// option to s.
func Register(s *server.Server, cfg Config) *Scripting {
	x := &Scripting{srv: s, cfg: cfg, eng: script.New(script.Options{Version: server.Version}), path: s.NewScriptRun()}
	x.caller.x = x
	s.Commands.Add(x.commands()...)
	s.Config.Add(&server.Param{Name: "busy-reply-threshold", Alias: "lua-time-limit",
		Get: func() string { return strconv.FormatInt(x.cfg.BusyReplyThreshold.Milliseconds(), 10) },
		Set: x.setThreshold})
	return x
}

// Engine is the Lua engine, for the AOF rewrite (Libraries) and tests.
func (x *Scripting) Engine() *script.Engine { return x.eng }

func (x *Scripting) setThreshold(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return errThreshold
	}
	x.cfg.BusyReplyThreshold = time.Duration(n) * time.Millisecond
	return nil
}

// caller is the engine's script.Caller: redis.call through the script
// path of the command path.
type caller struct{ x *Scripting }

func (c *caller) Call(args [][]byte, proto int, repl script.Repl) ([]byte, bool) {
	var notTo server.Targets
	if repl&script.ReplAOF == 0 {
		notTo |= server.AOF
	}
	if repl&script.ReplReplica == 0 {
		notTo |= server.Followers
	}
	p := c.x.path
	reply := p.Call(args, proto, notTo)
	return reply, p.Wrote
}

// interrupt is the engine's hook, every few thousand instructions:
// Redis's scriptInterrupt. Past the threshold, the loop serves other
// clients for a turn (at most one a millisecond); a SHUTDOWN NOSAVE
// among them aborts the script.
func (x *Scripting) interrupt() {
	now := time.Now()
	if !x.busy {
		elapsed := now.Sub(x.started)
		if elapsed < x.cfg.BusyReplyThreshold {
			return
		}
		x.busy = true
		kill := "SCRIPT KILL"
		if !x.isEval {
			kill = "FUNCTION KILL"
		}
		x.srv.Log.Warnf("Slow script detected: still in execution after %d milliseconds. You can try killing the script using the %s command. Script name is: %s.",
			elapsed.Milliseconds(), kill, x.name)
	} else if now.Sub(x.lastTurn) < time.Millisecond {
		return
	}
	x.lastTurn = now
	if err := x.srv.WhileBusy(x.client, x.busyReply()); err != nil {
		x.srv.Log.Warnf("While a script is busy: %v", err)
	}
	if x.srv.Stopping() {
		x.run.Abort()
	}
}

func (x *Scripting) busyReply() string {
	if x.isEval {
		return script.ErrBusyScript
	}
	return script.ErrBusyFunction
}

// execute runs one script for c: the checks of Redis's
// scriptPrepareForRun, then fn on the engine, whose reply is c's.
func (x *Scripting) execute(c *server.Client, flags script.Flags, ro, isEval bool, name string, numkeys int, fn func(*script.Run) []byte) {
	if msg := x.prepare(flags, ro); msg != "" {
		c.Error(msg)
		return
	}
	readOnly := ro || (flags&script.FlagEvalCompat == 0 && flags&script.FlagNoWrites != 0)
	allowOOM := flags&script.FlagEvalCompat == 0 && flags&script.FlagAllowOOM != 0
	x.path.Reset(c, readOnly, allowOOM)
	r := &script.Run{
		Caller:    &x.caller,
		Proto:     c.Proto,
		Keys:      c.Args[3 : 3+numkeys],
		Args:      c.Args[3+numkeys:],
		Log:       x.log,
		Interrupt: x.interrupt,
	}
	x.run, x.started, x.isEval, x.name, x.command, x.client, x.busy = r, time.Now(), isEval, name, c.Args, c, false
	reply := fn(r)
	x.run, x.command, x.client = nil, nil, nil
	if x.busy {
		x.srv.Log.Warnf("Slow script finished in %d milliseconds", time.Since(x.started).Milliseconds())
	}
	c.W.Raw(reply)
}

// prepare is the part of scriptPrepareForRun that applies to gocache:
// a script that declares flags but not no-writes may write, so it is
// refused while the AOF cannot be written, by the *_RO commands, and
// (without allow-oom) when memory was over maxmemory.
func (x *Scripting) prepare(flags script.Flags, ro bool) string {
	if flags&script.FlagEvalCompat != 0 {
		return ""
	}
	if flags&script.FlagNoWrites == 0 {
		if msg := x.srv.WriteError(); msg != "" {
			return msg
		}
		if ro {
			return script.ErrWriteFlagRO.Error()
		}
	}
	if x.srv.OutOfMemoryAtStart() && flags&(script.FlagAllowOOM|script.FlagNoWrites) == 0 {
		return errOOMFlag
	}
	return ""
}

// log is redis.log: the script's message in the server's log.
func (x *Scripting) log(level int, msg string) {
	switch level {
	case script.LogWarning:
		x.srv.Log.Warn(msg)
	case script.LogNotice:
		x.srv.Log.Info(msg)
	default:
		x.srv.Log.Debug(msg)
	}
}

// Redis's texts.
const (
	errOOMFlag      = "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'"
	errKeysGreater  = "ERR Number of keys can't be greater than number of args"
	errKeysNegative = "ERR Number of keys can't be negative"
	errKeysBad      = "ERR Bad number of keys provided"
	errNotInt       = "ERR value is not an integer or out of range"
)

var errThreshold = strconvError("argument couldn't be parsed into an integer")

type strconvError string

func (e strconvError) Error() string { return string(e) }

// AppendFunctions appends one FUNCTION LOAD per library to dst: what the
// AOF rewrite writes first (rewrite.Rewriter.AddPrelude), as Redis's
// rewriteFunctions.
func (x *Scripting) AppendFunctions(dst []byte) []byte {
	for _, l := range x.eng.Funcs.Libraries() {
		dst = append(dst, "*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"...)
		dst = resp.AppendBulk(dst, l.Code)
	}
	return dst
}

// Codes are the libraries' code, for an RDB file (save.Functions).
func (x *Scripting) Codes() [][]byte {
	libs := x.eng.Funcs.Libraries()
	codes := make([][]byte, len(libs))
	for i, l := range libs {
		codes[i] = []byte(l.Code)
	}
	return codes
}

// Load adds a library read from an RDB file (save.Functions), as
// Redis's rdbFunctionLoad: one already loaded is an error.
func (x *Scripting) Load(code []byte) error {
	_, err := x.eng.FunctionLoad(string(code), false)
	return err
}
