package scripting

import (
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/15-scripting/script"
)

// commands is the command table of the layer, with Redis 7.0's arities
// and flags.
func (x *Scripting) commands() []*server.Command {
	const evalFlags = server.NoScript | server.Stale | server.SkipMonitor | server.NoMandatoryKeys | server.Movablekeys
	scr := server.Table{}
	scr.Add(
		&server.Command{Name: "load", Arity: 3, Flags: server.NoScript | server.Stale, Run: x.scriptLoad},
		&server.Command{Name: "exists", Arity: -3, Flags: server.NoScript, Run: x.scriptExists},
		&server.Command{Name: "flush", Arity: -2, Flags: server.NoScript, Run: x.scriptFlush},
		&server.Command{Name: "kill", Arity: 2, Flags: server.NoScript | server.AllowBusy, Run: func(c *server.Client) { x.kill(c, true) }},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: scriptHelp},
	)
	fn := server.Table{}
	fn.Add(
		&server.Command{Name: "load", Arity: -3, Flags: server.Write | server.DenyOOM | server.NoScript, Run: x.functionLoad},
		&server.Command{Name: "delete", Arity: 3, Flags: server.Write | server.NoScript, Run: x.functionDelete},
		&server.Command{Name: "flush", Arity: -2, Flags: server.Write | server.NoScript, Run: x.functionFlush},
		&server.Command{Name: "restore", Arity: -3, Flags: server.Write | server.DenyOOM | server.NoScript, Run: x.functionRestore},
		&server.Command{Name: "dump", Arity: 2, Flags: server.NoScript, Run: x.functionDump},
		&server.Command{Name: "list", Arity: -2, Flags: server.NoScript, Run: x.functionList},
		&server.Command{Name: "stats", Arity: 2, Flags: server.NoScript | server.AllowBusy, Run: x.functionStats},
		&server.Command{Name: "kill", Arity: 2, Flags: server.NoScript | server.AllowBusy, Run: func(c *server.Client) { x.kill(c, false) }},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: functionHelp},
	)
	return []*server.Command{
		{Name: "eval", Arity: -3, Flags: evalFlags, Group: "scripting", Run: x.evalCommand(false, false), ArgFlags: x.evalFlags(false)},
		{Name: "evalsha", Arity: -3, Flags: evalFlags, Group: "scripting", Run: x.evalCommand(true, false), ArgFlags: x.evalFlags(true)},
		{Name: "eval_ro", Arity: -3, Flags: evalFlags | server.ReadOnly, Group: "scripting", Run: x.evalCommand(false, true), ArgFlags: x.evalFlags(false)},
		{Name: "evalsha_ro", Arity: -3, Flags: evalFlags | server.ReadOnly, Group: "scripting", Run: x.evalCommand(true, true), ArgFlags: x.evalFlags(true)},
		{Name: "fcall", Arity: -3, Flags: evalFlags, Group: "scripting", Run: x.fcallCommand(false), ArgFlags: x.fcallFlags},
		{Name: "fcall_ro", Arity: -3, Flags: evalFlags | server.ReadOnly, Group: "scripting", Run: x.fcallCommand(true), ArgFlags: x.fcallFlags},
		{Name: "script", Arity: -2, Group: "scripting", Subcommands: scr, Run: unknownSubcommand},
		{Name: "function", Arity: -2, Group: "scripting", Subcommands: fn, Run: unknownSubcommand},
	}
}

func unknownSubcommand(c *server.Client) {
	c.Error("ERR unknown subcommand '" + string(c.Args[1]) + "'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

// scriptCmdFlags is Redis's scriptFlagsToCmdFlags: a script that
// declares flags is a write and may be refused on OOM unless it says
// otherwise; one without (EVAL compatible) keeps the command's flags.
func scriptCmdFlags(f server.Flags, sf script.Flags) server.Flags {
	if sf&script.FlagEvalCompat != 0 {
		return f
	}
	f &^= server.Stale | server.DenyOOM | server.Write | server.MayReplicate
	if sf&(script.FlagAllowOOM|script.FlagNoWrites) == 0 {
		f |= server.DenyOOM
	}
	if sf&script.FlagNoWrites == 0 {
		f |= server.Write
	}
	if sf&script.FlagAllowStale != 0 {
		f |= server.Stale
	}
	return f
}

// evalFlags is evalGetCommandFlags: the flags of the script named by
// the call (the cached one, or the shebang of a body not cached yet).
func (x *Scripting) evalFlags(sha bool) func(*server.Client, server.Flags) server.Flags {
	return func(c *server.Client, f server.Flags) server.Flags {
		if len(c.Args) < 2 {
			return f
		}
		body := string(c.Args[1])
		if sha {
			if len(body) != 40 {
				return f
			}
			sf, ok := x.eng.Lookup(body)
			if !ok {
				return f
			}
			return scriptCmdFlags(f, sf)
		}
		if sf, ok := x.eng.Lookup(script.SHA1Hex(body)); ok {
			return scriptCmdFlags(f, sf)
		}
		sf, err := script.ShebangFlags(body)
		if err != nil {
			return f
		}
		return scriptCmdFlags(f, sf)
	}
}

// fcallFlags is fcallGetCommandFlags.
func (x *Scripting) fcallFlags(c *server.Client, f server.Flags) server.Flags {
	if len(c.Args) < 2 {
		return f
	}
	fn, ok := x.eng.Funcs.Function(string(c.Args[1]))
	if !ok {
		return f
	}
	return scriptCmdFlags(f, fn.Flags)
}

// numKeys reads EVAL's and FCALL's numkeys, or replies why not.
func numKeys(c *server.Client, notInt string) (int, bool) {
	n, err := strconv.ParseInt(string(c.Args[2]), 10, 64)
	switch {
	case err != nil:
		c.Error(notInt)
	case n > int64(len(c.Args)-3):
		c.Error(errKeysGreater)
	case n < 0:
		c.Error(errKeysNegative)
	default:
		return int(n), true
	}
	return 0, false
}

// evalCommand is EVAL, EVALSHA and their _RO forms (evalGenericCommand).
func (x *Scripting) evalCommand(sha, ro bool) func(*server.Client) {
	return func(c *server.Client) {
		if sha && len(c.Args[1]) != 40 {
			// No SHA1 has another length: Redis answers before it
			// reads numkeys.
			c.Error(errNoScript)
			return
		}
		numkeys, ok := numKeys(c, errNotInt)
		if !ok {
			return
		}
		var id string
		var flags script.Flags
		if sha {
			id = strings.ToLower(string(c.Args[1]))
			if flags, ok = x.eng.Lookup(id); !ok {
				c.Error(errNoScript)
				return
			}
		} else {
			var err error
			if id, flags, err = x.eng.Load(string(c.Args[1])); err != nil {
				c.Error(oneLine(err.Error()))
				return
			}
		}
		x.execute(c, flags, ro, true, id, numkeys, func(r *script.Run) []byte { return x.eng.EvalSHA(r, id) })
	}
}

// fcallCommand is FCALL and FCALL_RO (fcallCommandGeneric).
func (x *Scripting) fcallCommand(ro bool) func(*server.Client) {
	return func(c *server.Client) {
		name := string(c.Args[1])
		fn, ok := x.eng.Funcs.Function(name)
		if !ok {
			c.Error("ERR Function not found")
			return
		}
		numkeys, ok := numKeys(c, errKeysBad)
		if !ok {
			return
		}
		x.execute(c, fn.Flags, ro, false, name, numkeys, func(r *script.Run) []byte { return x.eng.FCall(r, name) })
	}
}

const errNoScript = "NOSCRIPT No matching script. Please use EVAL."

// oneLine keeps an error on one line, as Redis's addReplyError does.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// kill is SCRIPT KILL (eval true) and FUNCTION KILL (Redis's scriptKill).
func (x *Scripting) kill(c *server.Client, eval bool) {
	switch {
	case x.run == nil:
		c.Error(script.ErrNotBusy)
	case x.run.Wrote():
		c.Error(script.ErrUnkillable.Error())
	case eval && !x.isEval:
		c.Error(script.ErrBusyFunction)
	case !eval && x.isEval:
		c.Error(script.ErrBusyScript)
	default:
		x.run.Kill()
		c.OK()
	}
}

func (x *Scripting) scriptLoad(c *server.Client) {
	sha, _, err := x.eng.Load(string(c.Args[2]))
	if err != nil {
		c.Error(oneLine(err.Error()))
		return
	}
	c.W.BulkString(sha)
}

func (x *Scripting) scriptExists(c *server.Client) {
	c.W.Array(len(c.Args) - 2)
	for _, sha := range c.Args[2:] {
		if x.eng.Scripts.Exists(string(sha)) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// flushMode checks the optional ASYNC|SYNC of SCRIPT FLUSH and
// FUNCTION FLUSH (both flush at once: there is no lazy free).
func flushMode(c *server.Client) bool {
	if len(c.Args) == 2 {
		return true
	}
	if len(c.Args) == 3 {
		m := strings.ToLower(string(c.Args[2]))
		return m == "sync" || m == "async"
	}
	return false
}

func (x *Scripting) scriptFlush(c *server.Client) {
	if !flushMode(c) {
		c.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
		return
	}
	x.eng.Scripts.Flush()
	c.OK()
}

// functionLoad is FUNCTION LOAD [REPLACE] code. The library is data: the
// command goes to the AOF as it was sent.
func (x *Scripting) functionLoad(c *server.Client) {
	replace := false
	i := 2
	for ; i < len(c.Args)-1; i++ {
		if !strings.EqualFold(string(c.Args[i]), "replace") {
			c.Error("ERR Unknown option given: " + string(c.Args[i]))
			return
		}
		replace = true
	}
	name, err := x.eng.FunctionLoad(string(c.Args[i]), replace)
	if err != nil {
		c.Error(oneLine(err.Error()))
		return
	}
	c.Propagate()
	c.W.BulkString(name)
}

func (x *Scripting) functionDelete(c *server.Client) {
	if err := x.eng.FunctionDelete(string(c.Args[2])); err != nil {
		c.Error(err.Error())
		return
	}
	c.Propagate()
	c.OK()
}

func (x *Scripting) functionFlush(c *server.Client) {
	if len(c.Args) > 3 {
		c.ErrSyntax()
		return
	}
	if !flushMode(c) {
		c.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
		return
	}
	x.eng.FunctionFlush()
	c.Propagate()
	c.OK()
}

func (x *Scripting) functionRestore(c *server.Client) {
	if len(c.Args) > 4 {
		c.ErrSyntax()
		return
	}
	policy := ""
	if len(c.Args) == 4 {
		policy = string(c.Args[3])
		if policy == "" {
			policy = "-" // not a policy: refused as Redis refuses it
		}
	}
	if err := x.eng.FunctionRestore(c.Args[2], policy); err != nil {
		c.Error(oneLine(err.Error()))
		return
	}
	c.Propagate()
	c.OK()
}

func (x *Scripting) functionDump(c *server.Client) { c.W.Bulk(x.eng.FunctionDump()) }

func (x *Scripting) functionList(c *server.Client) {
	c.W.Raw(x.eng.FunctionList(c.Proto, c.Args[2:]))
}

// functionStats is FUNCTION STATS, which a client may send while a
// function is busy.
func (x *Scripting) functionStats(c *server.Client) {
	var running *script.Running
	if x.run != nil && !x.isEval {
		running = &script.Running{Name: x.name, Command: x.command, Duration: time.Since(x.started).Milliseconds()}
	}
	c.W.Raw(x.eng.FunctionStats(c.Proto, running))
}

func scriptHelp(c *server.Client) {
	server.ReplyHelp(c,
		"DEBUG (YES|SYNC|NO)",
		"    Set the debug mode for subsequent scripts executed.",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Very dangerous on replicas.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the scripts cache.",
		"    * SYNC: Synchronously flush the scripts cache.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.",
	)
}

func functionHelp(c *server.Client) {
	server.ReplyHelp(c,
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>",
		"    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name",
		"    * The engine used to run the Library",
		"    * Library description",
		"    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS",
		"    Return information about the current function running:",
		"    * Function name",
		"    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL",
		"    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]",
		"    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).",
	)
}
