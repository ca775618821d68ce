package server

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Scripts on the command path. A script (EVAL, FCALL) is one command of
// its client; the commands it sends with redis.call are not read from a
// socket but they take the same path, with the checks that make sense
// inside a script, in the order of Redis 7.0's scriptCall (script.c):
//
//  1. lookup and arity, as for a client, with the script's wording
//     ("Unknown Redis command called from script", "Wrong number of
//     args calling Redis command from script");
//  2. commands flagged noscript are refused (EVAL, MULTI, SUBSCRIBE ...);
//  3. a read-only script (no-writes, or EVAL_RO, FCALL_RO) may not
//     write, nor run a command that may replicate;
//  4. until the script's first write: a write while the AOF cannot be
//     written gets -MISCONF, and a command that may grow memory gets
//     -OOM if memory was over maxmemory when the script started. After
//     the first write nothing more is refused: half a script must not
//     be left applied;
//  5. then it is called (Call) with the script's own client, nested in
//     the script's call, so its changes reach the AOF when the script
//     ends, wrapped in MULTI/EXEC when there is more than one.

// Refusals of the script path, byte for byte as Redis words them.
const (
	errScriptUnknown  = "ERR Unknown Redis command called from script"
	errScriptArity    = "ERR Wrong number of args calling Redis command from script"
	errScriptNoScript = "ERR This Redis command is not allowed from script"
	errScriptReadOnly = "ERR Write commands are not allowed from read-only scripts."
)

// ScriptRun is one script's passage on the command path: the rules it
// runs under and its own client (Redis's lua client), which has the
// caller's database at the start and its own afterwards (a SELECT in a
// script does not change the caller's). One ScriptRun may serve one
// script after the other (Reset).
type ScriptRun struct {
	// ReadOnly: the script declared no-writes, or came as EVAL_RO,
	// EVALSHA_RO or FCALL_RO.
	ReadOnly bool
	// AllowOOM: the script declared allow-oom.
	AllowOOM bool
	// Wrote is set once the script sent a write command; it can then no
	// longer be refused anything, nor killed.
	Wrote bool

	srv    *Server
	client Client
	w      resp.Writer
}

// NewScriptRun makes the script path's state; Reset prepares it for
// each script.
func (s *Server) NewScriptRun() *ScriptRun {
	r := &ScriptRun{srv: s}
	r.client = Client{ID: -2, Srv: s, W: &r.w, Proto: 2, Authenticated: true}
	return r
}

// Reset prepares r for a script that caller sent.
func (r *ScriptRun) Reset(caller *Client, readOnly, allowOOM bool) {
	r.ReadOnly, r.AllowOOM, r.Wrote = readOnly, allowOOM, false
	r.client.DB = caller.DB
	r.client.Created = caller.Created
}

// Call runs one command for the script (redis.call, redis.pcall) and
// returns its reply in protocol proto; the bytes are valid until the next
// Call. notTo are the targets (redis.set_repl) its changes skip.
func (r *ScriptRun) Call(args [][]byte, proto int, notTo Targets) []byte {
	s, c := r.srv, &r.client
	r.w.B, r.w.Proto, c.Proto = r.w.B[:0], proto, proto
	cmd := s.lookup(args)
	if msg := r.refusal(cmd, args); msg != "" {
		if cmd != nil {
			cmd.RejectedCalls++
		}
		s.Stats.ErrorReplies++
		r.w.Error(msg)
		return r.w.B
	}
	if cmd.Flags&Write != 0 {
		r.Wrote = true
	}
	c.Args, c.LastCmd, c.NotTo = args, cmd, notTo
	s.Call(c, cmd)
	c.Args = nil
	return r.w.B
}

// refusal is steps 1 to 4 of the script path.
func (r *ScriptRun) refusal(cmd *Command, args [][]byte) string {
	s := r.srv
	switch {
	case cmd == nil, len(cmd.Subcommands) > 0 && len(args) >= 2:
		return errScriptUnknown
	case !cmd.arityOK(len(args)):
		return errScriptArity
	case cmd.Flags&NoScript != 0:
		return errScriptNoScript
	case r.ReadOnly && cmd.Flags&(Write|MayReplicate) != 0:
		return errScriptReadOnly
	case r.Wrote:
		return ""
	}
	if cmd.Flags&Write != 0 && s.layers.persistence != nil {
		if msg := s.layers.persistence.WriteError(); msg != "" {
			return msg
		}
	}
	if !r.AllowOOM && s.layers.memory != nil && s.oomAtStart && cmd.Flags&DenyOOM != 0 {
		return ErrOOM
	}
	return ""
}

// OutOfMemoryAtStart reports whether memory was over maxmemory when the
// running command passed the path (Redis's pre_command_oom_state):
// FCALL and EVAL of scripts that may write refuse to start then.
func (s *Server) OutOfMemoryAtStart() bool { return s.layers.memory != nil && s.oomAtStart }

// WhileBusy serves clients for one short loop turn from inside a command
// that is taking long on the loop goroutine: a script past
// busy-reply-threshold (reactor.Loop.TurnWhileBusy). Meanwhile the path
// refuses every command not flagged allow-busy with reply, Redis's -BUSY.
// running, the client whose command is taking long, is not read. The
// running command's reply, kept in the shared buffer, and its time are
// set aside and put back.
func (s *Server) WhileBusy(running *Client, reply string) error {
	if s.busyReply != "" || s.stopped {
		return nil
	}
	saved, proto, now := s.reply.B, s.reply.Proto, s.cmdTime
	s.reply.B, s.busyReply = s.busyOut[:0], reply
	defer func() {
		s.busyOut, s.busyReply = s.reply.B[:0], ""
		s.reply.B, s.reply.Proto, s.cmdTime = saved, proto, now
	}()
	return s.Loop.TurnWhileBusy(running.Conn)
}

// Busy is the -BUSY reply while WhileBusy serves clients, "" otherwise:
// SHUTDOWN answers it unless told NOSAVE.
func (s *Server) Busy() string { return s.busyReply }

// Stopping reports whether Shutdown has run: a busy script that sees it
// is aborted, as Redis exits from inside the script.
func (s *Server) Stopping() bool { return s.stopped }

// WriteError is the -MISCONF reply while the AOF cannot be written, ""
// while it can (or there is no AOF): a script that may write is refused
// before it starts.
func (s *Server) WriteError() string {
	if s.layers.persistence == nil {
		return ""
	}
	return s.layers.persistence.WriteError()
}
