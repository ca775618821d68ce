// Package server turns the reactor's connections into Redis clients: it cuts
// commands out of each connection's input with the RESP parser, looks them up
// in a command table, runs them on the loop goroutine and sends their replies
// back in the client's protocol. It is Redis's networking.c and server.c
// (processInputBuffer, processCommand, call) in one small package; later
// chapters add commands to its table and hooks to its call path.
package server

import (
	"bytes"
	"errors"
	"io"
	"sort"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Version is the Redis version gocache reports (HELLO, INFO), the one whose
// behaviour it reproduces, so clients that look at it pick the right dialect.
const Version = "7.0.15"

// Options configure a Server.
type Options struct {
	Listen    []string // e.g. "127.0.0.1:6379"; port 0 picks a free port
	IOThreads int      // goroutines that read, parse and write; <= 1: the loop alone
	Log       *logrus.Logger
	Now       func() time.Time // clock; nil means time.Now
	// QueryBufferLimit closes a client whose unprocessed input grows past it
	// (Redis's client-query-buffer-limit, 1 GB by default).
	QueryBufferLimit int
}

// Server is the state shared by every client. All of it belongs to the loop
// goroutine.
type Server struct {
	Loop     *reactor.Loop
	Commands Table
	Log      *logrus.Logger
	Config   *Config
	Now      func() time.Time
	Started  time.Time

	// RequirePass, when set, makes clients authenticate before anything
	// but AUTH, HELLO and QUIT.
	RequirePass string
	// Admit runs for each new connection; a non-empty result is sent as an
	// error reply and the connection is closed (maxclients, protected mode).
	Admit []func(c *Client) string
	// Checks run before each command, after lookup, arity and auth; a
	// non-empty result is the error reply and the command does not run.
	Checks []func(c *Client, cmd *Command) string
	// Propagators receive every change to the data, in execution order:
	// the database index and the command that replays it.
	Propagators []func(db int, args [][]byte)
	// OnClose hooks run when a client goes away.
	OnClose []func(c *Client)
	// OnShutdown hooks run on the loop goroutine before the server stops
	// (the AOF flushes and fsyncs there).
	OnShutdown []func()
	// OnResetStat hooks clear a layer's own counters on CONFIG RESETSTAT.
	OnResetStat []func()
	// OnReject hooks see a command refused before it ran (unknown name,
	// wrong arity, NOAUTH, a failed Check), with the error reply; each
	// returns the reply to send, msg itself or a replacement. MULTI marks
	// its transaction failed here, and turns a refused EXEC into EXECABORT.
	OnReject []func(c *Client, msg string) string
	// Intercept, when set, sees each command that passed every check just
	// before it would run; returning true means it took the command and
	// wrote the reply itself (MULTI queues commands and replies +QUEUED).
	Intercept func(c *Client, cmd *Command) bool
	// Hold hooks run before each command is looked at (cmd is nil for an
	// unknown name). One that returns true has postponed the command: it
	// must have called c.Block, and the command stays in the input and runs
	// again after c.Unblock (CLIENT PAUSE).
	Hold []func(c *Client, cmd *Command) bool
	// AfterCall hooks run after a command ran, with its arguments still in
	// c.Args (MONITOR feeds its watchers from here, as Redis's call() does),
	// once its changes are propagated: WATCH forgets there the keys a
	// command looked up for writing but did not change.
	AfterCall []func(c *Client, cmd *Command)
	// AfterWrite hooks run after output was added to a client's connection:
	// out is one command's reply or one pushed message. The output buffer
	// limits and the error statistics look at it there.
	AfterWrite []func(c *Client, out []byte)
	// MaxBulkLen is the largest bulk argument new clients may send
	// (proto-max-bulk-len); 0 means resp.MaxBulkLen. SetMaxBulkLen also
	// changes it for the connected clients.
	MaxBulkLen int64

	QueryBufferLimit int
	Dirty            int64 // changes since start, like Redis's server.dirty
	Stats            Stats

	clients map[int64]*Client
	nextID  int64
	slots   int // per-client slots handed out by NewSlot
	info    []infoSection
	cmdTime time.Time   // the running command's time (CommandTime); zero between commands
	nesting int         // how many Calls are running (EXEC runs its commands inside its own)
	reply   resp.Writer // the shared reply buffer every Client.W points to
	push    resp.Writer // for writing to a client other than the running one
}

// Stats are the counters INFO stats reports.
type Stats struct {
	Connections     int64 // total_connections_received
	Commands        int64 // total_commands_processed
	RejectedConns   int64 // rejected_connections
	ErrorReplies    int64 // total_error_replies
	NetInputBytes   int64
	NetOutputBytes  int64
	ExpiredKeys     int64
	EvictedKeys     int64 // keys removed to stay under maxmemory
	KeyspaceHits    int64
	KeyspaceMisses  int64
	UnexpectedClose int64
}

// New creates a server listening on opts.Listen with the connection
// commands (PING, ECHO, HELLO, AUTH, QUIT, COMMAND, CONFIG, INFO) installed.
func New(opts Options) (*Server, error) {
	s := &Server{
		Commands:         Table{},
		Log:              opts.Log,
		Config:           NewConfig(),
		Now:              opts.Now,
		QueryBufferLimit: opts.QueryBufferLimit,
		clients:          map[int64]*Client{},
	}
	if s.Log == nil {
		s.Log = logrus.StandardLogger()
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.QueryBufferLimit <= 0 {
		s.QueryBufferLimit = 1 << 30
	}
	s.Started = s.Now()
	loop, err := reactor.New(reactor.Config{Listen: opts.Listen, IOThreads: opts.IOThreads}, s)
	if err != nil {
		return nil, err
	}
	s.Loop = loop
	s.addConnectionCommands()
	s.addServerInfo()
	return s, nil
}

// Run serves clients until Shutdown.
func (s *Server) Run() error { return s.Loop.Run() }

// Addrs are the addresses the server listens on (with the real ports).
func (s *Server) Addrs() []string { return s.Loop.Addrs() }

// Shutdown stops the server from any goroutine: the OnShutdown hooks run on
// the loop goroutine, pending replies get a last chance to go out, then Run
// returns.
func (s *Server) Shutdown() {
	s.Loop.Post(func() {
		s.Loop.StopAccepting()
		for _, hook := range s.OnShutdown {
			hook()
		}
		s.Loop.Stop()
	})
}

// Clients returns the connected clients ordered by ID (CLIENT LIST order).
func (s *Server) Clients() []*Client {
	list := make([]*Client, 0, len(s.clients))
	for _, c := range s.clients {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// ClientCount is the number of connected clients.
func (s *Server) ClientCount() int { return len(s.clients) }

// Open is the reactor's accept callback.
func (s *Server) Open(conn *reactor.Conn) {
	s.nextID++
	now := s.Now()
	c := &Client{ID: s.nextID, Conn: conn, Srv: s, Proto: 2, W: &s.reply, Created: now, LastActive: now}
	c.Authenticated = s.RequirePass == ""
	c.parser.Unauthenticated = !c.Authenticated
	c.parser.MaxBulkLen = s.MaxBulkLen
	conn.Ctx = c
	s.clients[c.ID] = c
	s.Stats.Connections++
	for _, admit := range s.Admit {
		if msg := admit(c); msg != "" {
			s.Stats.RejectedConns++
			s.WriteTo(c, func(w *resp.Writer) { w.Error(msg) })
			conn.Close()
			return
		}
	}
}

// Closed is the reactor's callback after a connection's fd is closed.
func (s *Server) Closed(conn *reactor.Conn) {
	c, ok := conn.Ctx.(*Client)
	if !ok {
		return
	}
	for _, hook := range s.OnClose {
		hook(c)
	}
	delete(s.clients, c.ID)
	conn.Ctx = nil
}

// Readable handles one loop turn's ready connections in Redis 6's threaded
// I/O shape: reading and parsing may run on I/O goroutines in parallel
// (Loop.Each), then the commands run here, on the loop goroutine, one
// client after another, so the data needs no locks.
func (s *Server) Readable(ready []*reactor.Conn) {
	s.Loop.Each(ready, readAndParse)
	for _, conn := range ready {
		if c, ok := conn.Ctx.(*Client); ok {
			s.processInput(c)
		}
	}
}

var errQueryBufferLimit = errors.New("query buffer limit reached")

// readAndParse runs on an I/O goroutine. It touches only this client's
// connection buffers and parser, never shared state. A blocked client is
// read but not parsed: its commands wait in the input, its EOF does not.
func readAndParse(conn *reactor.Conn) {
	c, ok := conn.Ctx.(*Client)
	if !ok || conn.Closing() {
		return
	}
	c.readErr = conn.Fill()
	if !c.blocked {
		c.parse()
	}
	if c.readErr == nil && len(conn.Input()) > c.Srv.QueryBufferLimit {
		c.readErr = errQueryBufferLimit
	}
}

// parse cuts every complete command from the input, like Redis's
// processInputBuffer, and stops at a partial one or a protocol error.
func (c *Client) parse() {
	c.argv, c.cmds, c.parseErr = c.argv[:0], c.cmds[:0], nil
	in := c.Conn.Input()
	off := 0
	for off < len(in) {
		args, n, err := c.parser.Parse(in[off:], c.scratch[:0])
		c.scratch = args[:0]
		if err != nil {
			c.parseErr = err
			return
		}
		if n == 0 {
			// Grow may move the buffer's bytes to its front: only when no
			// parsed command (argv) points into them yet. Otherwise the
			// room is made on the next read, after they were consumed.
			if need := c.parser.Need(); need > 0 && off == 0 {
				c.Conn.Grow(need)
			}
			return
		}
		off += n
		from := len(c.argv)
		c.argv = append(c.argv, args...)
		c.cmds = append(c.cmds, cmdSpan{from: from, to: len(c.argv), end: off})
		if c.parser.Unauthenticated && off < len(in) {
			// Before AUTH the parser applies Redis's tight limits; cut one
			// command at a time so the commands after a successful AUTH
			// in the same read are parsed with the normal ones.
			c.more = true
			return
		}
	}
}

// processInput runs the commands parse found, on the loop goroutine, then
// drops their bytes from the input. A client that blocks or is closed stops
// here; what it had not run yet stays in the input and is parsed again when
// it resumes.
func (s *Server) processInput(c *Client) {
	conn := c.Conn
	consumed := 0
	done := 0
	for _, span := range c.cmds {
		if c.blocked || conn.Closing() {
			break
		}
		c.Args = c.argv[span.from:span.to]
		if len(c.Args) > 0 && len(s.Hold) > 0 && s.hold(c) {
			break
		}
		if len(c.Args) > 0 {
			s.execute(c)
		}
		consumed = span.end
		done++
	}
	c.Args = nil
	if c.more {
		c.more = false
		conn.Requeue()
	}
	if consumed > 0 {
		s.Stats.NetInputBytes += int64(consumed)
		conn.Consume(consumed)
	}
	if done < len(c.cmds) {
		// Parsed but not run: forget it, the bytes are still in the input.
		c.parser.Reset()
		c.cmds = c.cmds[:0]
		return
	}
	c.cmds = c.cmds[:0]
	if c.parseErr != nil && !conn.Closing() {
		s.Log.WithField("client", conn.RemoteAddr()).Debugf("protocol error: %v", c.parseErr)
		s.WriteTo(c, func(w *resp.Writer) { w.Error("ERR " + c.parseErr.Error()) })
		conn.Close()
		return
	}
	switch {
	case c.readErr == nil:
	case errors.Is(c.readErr, io.EOF):
		conn.Close()
	case errors.Is(c.readErr, errQueryBufferLimit):
		s.Log.Warnf("Closing client that reached max query buffer length: id=%d addr=%s", c.ID, conn.RemoteAddr())
		conn.CloseNow()
	default:
		s.Stats.UnexpectedClose++
		conn.CloseNow()
	}
	c.readErr = nil
}

// execute is Redis's processCommand: look the command up, check arity and
// authentication and the registered checks, then call it. Its reply, or the
// error, goes to the client's output buffer.
func (s *Server) execute(c *Client) {
	s.reply.B = s.reply.B[:0]
	s.reply.Proto = c.Proto
	s.cmdTime = s.Now()
	c.LastActive = s.cmdTime
	if msg := s.check(c); msg != "" {
		for _, hook := range s.OnReject {
			msg = hook(c, msg)
		}
		s.Stats.ErrorReplies++
		c.W.Error(msg)
	} else if s.Intercept == nil || !s.Intercept(c, c.LastCmd) {
		s.Call(c, c.LastCmd)
	}
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
		for _, hook := range s.AfterWrite {
			hook(c, s.reply.B)
		}
	}
	if c.closeAfter {
		c.Conn.Close()
	}
	s.cmdTime = time.Time{}
}

// check finds the command and decides whether it may run. It returns the
// error reply when it may not.
func (s *Server) check(c *Client) string {
	cmd := s.lookup(c.Args)
	c.LastCmd = cmd
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
		cmd.RejectedCalls++
		return "ERR wrong number of arguments for '" + cmd.FullName() + "' command"
	}
	if !c.Authenticated && cmd.Flags&NoAuth == 0 {
		cmd.RejectedCalls++
		return "NOAUTH Authentication required."
	}
	for _, check := range s.Checks {
		if msg := check(c, cmd); msg != "" {
			cmd.RejectedCalls++
			return msg
		}
	}
	return ""
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

// hold asks the Hold hooks whether the client's next command must wait.
func (s *Server) hold(c *Client) bool {
	cmd := s.lookup(c.Args)
	for _, h := range s.Hold {
		if h(c, cmd) {
			return true
		}
	}
	return false
}

// SetMaxBulkLen changes proto-max-bulk-len for new and connected clients.
func (s *Server) SetMaxBulkLen(n int64) {
	s.MaxBulkLen = n
	for _, c := range s.clients {
		c.parser.MaxBulkLen = n
	}
}

// unknownCommand builds Redis's reply for a name it does not know, quoting
// the first arguments the way Redis does (at most about 128 bytes of them).
func unknownCommand(args [][]byte) string {
	name := cString(args[0])
	if len(name) > 128 {
		name = name[:128]
	}
	msg := "ERR unknown command '" + string(name) + "', with args beginning with: "
	quoted := 0
	for _, arg := range args[1:] {
		if quoted >= 128 {
			break
		}
		arg = cString(arg)
		if room := 128 - quoted; len(arg) > room {
			arg = arg[:room]
		}
		part := "'" + string(arg) + "' "
		msg += part
		quoted += len(part)
	}
	return msg
}

// cString cuts b at its first NUL byte: Redis formats these names with
// printf's %s, which stops there.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// Call runs a command that passed every check, like Redis's call(): it
// keeps the statistics and hands what the command changed to the
// propagators, so no command can forget the AOF. EXEC calls it again for
// each queued command, with c.Args and c.LastCmd set to that command.
func (s *Server) Call(c *Client, cmd *Command) {
	c.propagated, c.prop, c.also = false, nil, nil
	mark := len(s.reply.B)
	start := time.Now()
	s.nesting++
	cmd.Run(c)
	s.nesting--
	cmd.Usec += time.Since(start).Microseconds()
	cmd.Calls++
	s.Stats.Commands++
	if len(s.reply.B) > mark && s.reply.B[mark] == '-' {
		cmd.FailedCalls++
		s.Stats.ErrorReplies++
	}
	if c.propagated {
		s.Dirty++
		s.Propagate(c.DB, c.prop)
		c.propagated, c.prop = false, nil
	}
	if len(c.also) > 0 {
		s.Dirty++
		s.PropagateAll(c.DB, c.also)
		c.also = nil
	}
	for _, hook := range s.AfterCall {
		hook(c, cmd)
	}
}

// CommandTime is the time of the running command, read once when it
// started (Redis's command time snapshot): every key it looks at expires,
// or not, against the same instant, and the clock is read once per
// command, not once per key. Outside a command it is the current time.
func (s *Server) CommandTime() time.Time {
	if !s.cmdTime.IsZero() {
		return s.cmdTime
	}
	return s.Now()
}

// Propagate hands a change to every propagator. Commands use
// Client.Propagate; the keyspace layer calls this directly for keys that
// expire (as DEL), which no command caused.
func (s *Server) Propagate(db int, args [][]byte) {
	for _, p := range s.Propagators {
		p(db, args)
	}
}

// PropagateAll hands several changes of one command to the propagators,
// in MULTI/EXEC unless the command runs inside a transaction (EXEC
// wraps everything it ran once).
func (s *Server) PropagateAll(db int, ops [][][]byte) {
	wrap := len(ops) > 1 && s.nesting == 0
	if wrap {
		s.Propagate(db, [][]byte{[]byte("MULTI")})
	}
	for _, op := range ops {
		s.Propagate(db, op)
	}
	if wrap {
		s.Propagate(db, [][]byte{[]byte("EXEC")})
	}
}

// WriteTo writes a reply to a client other than, or outside of, the
// running command (errors on accept, pub/sub messages, unblocked clients),
// without disturbing the shared reply buffer.
func (s *Server) WriteTo(c *Client, fn func(w *resp.Writer)) {
	s.push.B = s.push.B[:0]
	s.push.Proto = c.Proto
	fn(&s.push)
	s.Stats.NetOutputBytes += int64(len(s.push.B))
	c.Conn.Write(s.push.B)
	for _, hook := range s.AfterWrite {
		hook(c, s.push.B)
	}
}
