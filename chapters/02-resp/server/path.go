package server

import (
	"strings"
	"time"
)

// The command path. Every command a client sends takes the same steps, in
// the order of Redis 7.0's processCommand (server.c):
//
//  1. lookup and arity: an unknown name (or subcommand) or a wrong number
//     of arguments is refused before anything else, since nothing else
//     about the command is known yet;
//  2. auth: a client that has not authenticated may run only the
//     commands flagged no-auth (AUTH, HELLO, QUIT, RESET): -NOAUTH;
//  3. the pre-checks, each a step below, in this order:
//     no-multi (inside MULTI, commands that cannot be queued), maxmemory
//     (evict, then refuse what may grow memory: -OOM), disk errors
//     (while the AOF cannot be written, refuse writes and PING:
//     -MISCONF), the pub/sub context (a RESP2 subscriber may only
//     subscribe, unsubscribe, PING, QUIT and RESET), and a busy script
//     (while one runs past busy-reply-threshold, only the commands
//     flagged allow-busy run: -BUSY);
//  4. CLIENT PAUSE: a command the pause holds waits, and comes back to
//     step 1 when the pause ends;
//  5. inside MULTI the command is queued (+QUEUED); otherwise it is
//     called (Call), and then the clients blocked on keys it wrote are
//     served.
//
// A refusal is an error reply and the command does not run. Inside MULTI
// it also dooms the transaction (EXEC will answer EXECABORT), and a
// refused EXEC ends the transaction at once.

// Redis's refusals, byte for byte.
const (
	errNoAuth     = "NOAUTH Authentication required."
	errNoMulti    = "ERR Command not allowed inside a transaction"
	ErrOOM        = "OOM command not allowed when used memory > 'maxmemory'."
	errSubscribed = "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
)

// runsInMulti are the commands that run at once inside MULTI instead of
// being queued; oomInMulti those of them that OOM does not refuse there.
// Redis names them in processCommand.
var (
	runsInMulti = map[string]bool{"exec": true, "discard": true, "multi": true, "watch": true, "quit": true, "reset": true}
	oomInMulti  = map[string]bool{"exec": true, "discard": true, "quit": true, "reset": true}
	// allowedSubscribed are the commands a RESP2 subscriber may send.
	allowedSubscribed = map[string]bool{"ping": true, "subscribe": true, "ssubscribe": true,
		"psubscribe": true, "unsubscribe": true, "sunsubscribe": true, "punsubscribe": true,
		"quit": true, "reset": true}
)

// execute runs one command through the path, and reports false when
// CLIENT PAUSE postponed it: its bytes stay in the input until then.
func (s *Server) execute(c *Client) bool {
	s.reply.B = s.reply.B[:0]
	s.reply.Proto = c.Proto
	s.cmdTime = s.Now()
	c.LastActive = s.cmdTime
	cmd := s.lookup(c.Args)
	c.LastCmd = cmd
	switch msg := s.refusal(c, cmd); {
	case msg != "":
		s.reject(c, cmd, msg)
	case s.postpone(c, cmd):
		s.cmdTime = time.Time{}
		return false
	case s.queues(c, cmd):
		s.layers.tx.Queue(c, cmd)
		c.W.SimpleString("QUEUED")
	default:
		s.Call(c, cmd)
		// While a script is busy the keys it wrote so far are not
		// ready: a waiting client must not see half a script.
		if s.layers.blocking != nil && s.busyReply == "" {
			s.layers.blocking.ServeReady()
		}
	}
	s.sendReply(c)
	s.cmdTime = time.Time{}
	return true
}

// refusal is steps 1 to 3: the error reply for a command that may not
// run, "" for one that may.
func (s *Server) refusal(c *Client, cmd *Command) string {
	if cmd == nil {
		return unknownCommand(c.Args)
	}
	if len(cmd.Subcommands) > 0 && len(c.Args) >= 2 {
		// lookup found no such subcommand: refused like an unknown
		// command (Redis's commandCheckExistence), so MULTI does not
		// queue it.
		return unknownSubcommandError(c.Args)
	}
	if !cmd.arityOK(len(c.Args)) {
		return "ERR wrong number of arguments for '" + cmd.FullName() + "' command"
	}
	if !c.Authenticated && cmd.Flags&NoAuth == 0 {
		return errNoAuth
	}
	flags := s.flags(c, cmd)
	if msg := s.checkNoMulti(c, cmd); msg != "" {
		return msg
	}
	if msg := s.checkMemory(c, cmd, flags); msg != "" {
		return msg
	}
	if msg := s.checkDisk(cmd, flags); msg != "" {
		return msg
	}
	if msg := s.checkSubscribed(c, cmd); msg != "" {
		return msg
	}
	return s.checkBusy(cmd)
}

// flags are cmd's flags as this call sees them: for EXEC with those of
// the commands it will run (an EXEC of writes is a write: Redis's
// is_write_command and friends), for a command with ArgFlags (EVAL,
// FCALL) as its arguments say.
func (s *Server) flags(c *Client, cmd *Command) Flags {
	f := cmd.Flags
	if cmd.ArgFlags != nil {
		f = cmd.ArgFlags(c, f)
	}
	if cmd.Name == "exec" && s.inMulti(c) {
		f |= s.layers.tx.QueuedFlags(c) & (Write | DenyOOM | MayReplicate)
	}
	return f
}

func (s *Server) inMulti(c *Client) bool {
	return s.layers.tx != nil && s.layers.tx.InMulti(c)
}

// checkNoMulti refuses, inside MULTI, the commands that cannot be part of
// a transaction (SAVE, SHUTDOWN, ...).
func (s *Server) checkNoMulti(c *Client, cmd *Command) string {
	if cmd.Flags&NoMulti != 0 && s.inMulti(c) {
		return errNoMulti
	}
	return ""
}

// checkMemory is the maxmemory step: every command first makes room. One
// that may grow memory is refused when room cannot be made, and so is
// any command queued inside MULTI, where queuing itself takes memory
// without bound; EXEC, DISCARD, QUIT and RESET still run, so a client can
// always leave.
//
// Whether memory was over the limit is kept for scripts (Redis's
// pre_command_oom_state): a script's first write is refused then. While
// a script is busy nothing is evicted: the keyspace is the script's.
func (s *Server) checkMemory(c *Client, cmd *Command, flags Flags) string {
	if s.layers.memory == nil || s.loading || s.busyReply != "" {
		return ""
	}
	refuse := flags&DenyOOM != 0 || (s.inMulti(c) && !oomInMulti[cmd.FullName()])
	s.oomAtStart = s.layers.memory.OutOfMemory(c)
	if s.oomAtStart && refuse {
		return ErrOOM
	}
	return ""
}

// checkBusy refuses, while a script runs past busy-reply-threshold, every
// command but those flagged allow-busy (AUTH, HELLO, MULTI, SCRIPT KILL,
// FUNCTION KILL, SHUTDOWN ...).
func (s *Server) checkBusy(cmd *Command) string {
	if s.busyReply == "" || cmd.Flags&AllowBusy != 0 {
		return ""
	}
	return s.busyReply
}

// checkDisk refuses writes while the AOF cannot be written, so that no
// client is told a change was made that a restart would lose. PING is
// refused too: a monitoring probe should see that the server is unwell.
func (s *Server) checkDisk(cmd *Command, flags Flags) string {
	if s.layers.persistence == nil || (flags&Write == 0 && cmd.Name != "ping") {
		return ""
	}
	return s.layers.persistence.WriteError()
}

// checkSubscribed refuses other commands from a RESP2 subscriber: its
// connection carries messages, and a reply could not be told apart from
// them. RESP3 marks messages as push data, so a RESP3 client may run
// anything. Redis checks this after MISCONF, so a subscriber's SET while
// the disk fails gets -MISCONF.
func (s *Server) checkSubscribed(c *Client, cmd *Command) string {
	if c.Proto != 2 || s.layers.subscriptions == nil || allowedSubscribed[cmd.FullName()] ||
		!s.layers.subscriptions.Subscribed(c) {
		return ""
	}
	return "ERR Can't execute '" + cmd.FullName() + errSubscribed
}

// postpone is step 4, CLIENT PAUSE. It comes after the checks, as in
// Redis: a command that would be refused is refused at once.
func (s *Server) postpone(c *Client, cmd *Command) bool {
	if s.layers.pause == nil || c.Conn == nil {
		return false
	}
	return s.layers.pause.Postpone(c, s.flags(c, cmd)&(Write|MayReplicate) != 0)
}

// queues reports whether step 5 queues the command instead of calling it.
func (s *Server) queues(c *Client, cmd *Command) bool {
	return s.inMulti(c) && !runsInMulti[cmd.FullName()]
}

// reject answers a refused command (Redis's rejectCommand): the
// transaction it was sent in, if any, is doomed, and a refused EXEC
// discards it and says why.
func (s *Server) reject(c *Client, cmd *Command, msg string) {
	if cmd != nil {
		cmd.RejectedCalls++
	}
	if s.inMulti(c) {
		s.layers.tx.Flag(c)
	}
	if cmd != nil && cmd.Name == "exec" && s.layers.tx != nil {
		s.layers.tx.Discard(c)
		// Like Redis, quote a plain ERR without its code ("wrong number
		// of arguments ...") and other codes with theirs ("MISCONF ...").
		msg = "EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR ")
	}
	s.Stats.ErrorReplies++
	c.W.Error(msg)
}

// sendReply hands the command's reply to the connection, unless CLIENT
// REPLY says to drop it.
func (s *Server) sendReply(c *Client) {
	switch c.Reply {
	case ReplyOff:
		s.reply.B = s.reply.B[:0]
	case ReplySkip:
		s.reply.B = s.reply.B[:0]
		c.Reply = ReplyOn
	case ReplySkipNext:
		c.Reply = ReplySkip
	}
	if len(s.reply.B) > 0 {
		s.Stats.NetOutputBytes += int64(len(s.reply.B))
		c.Conn.Write(s.reply.B)
		if s.layers.output != nil {
			s.layers.output.Wrote(c, s.reply.B)
		}
	}
	if c.closeAfter {
		c.Conn.Close()
	}
}

// lookup finds the command (or subcommand) args call, nil if unknown.
func (s *Server) lookup(args [][]byte) *Command {
	cmd := s.Commands.Lookup(args[0])
	if cmd != nil && len(cmd.Subcommands) > 0 && len(args) >= 2 {
		if sub := cmd.Subcommands.Lookup(args[1]); sub != nil {
			cmd = sub
		}
	}
	return cmd
}
