// Package server turns the reactor's connections into Redis clients: it cuts
// commands out of each connection's input with the RESP parser, looks them up
// in a command table, runs them on the loop goroutine and sends their replies
// back in the client's protocol. It is Redis's networking.c and server.c
// (processInputBuffer, processCommand, call) in one small package; later
// chapters add commands to its table and layers at the fixed places of
// its command path (path.go).
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
	// MaxBulkLen is the largest bulk argument new clients may send
	// (proto-max-bulk-len); 0 means resp.MaxBulkLen. SetMaxBulkLen also
	// changes it for the connected clients.
	MaxBulkLen int64

	QueryBufferLimit int
	Dirty            int64 // changes since start, like Redis's server.dirty
	Stats            Stats

	layers     layers // what later chapters plug into the command path (layers.go)
	clients    map[int64]*Client
	nextID     int64
	info       []infoSection
	current    *Client       // whose command is running (Current)
	took       time.Duration // how long the last call ran (CallDuration)
	depth      int           // calls running: 1 in a client's command, 2 in one EXEC runs (Nested)
	pending    []op          // changes of the running execution unit, not propagated yet
	inUnit     bool          // Unit is running
	changes    int           // changes propagated so far: Call compares before and after
	loading    bool          // Load is running
	stopped    bool          // Shutdown ran
	saveChoice SaveChoice    // what SHUTDOWN said about the final save
	cmdTime    time.Time     // the running command's time (CommandTime); zero between commands
	reply      resp.Writer   // the shared reply buffer every Client.W points to
	push       resp.Writer   // for writing to a client other than the running one
	// oomAtStart is whether memory was over maxmemory when the running
	// command was checked (Redis's pre_command_oom_state).
	oomAtStart bool
	// busyReply is the -BUSY reply while a script runs past
	// busy-reply-threshold and the loop serves clients meanwhile
	// (WhileBusy); "" otherwise.
	busyReply string
	busyOut   []byte // the reply buffer of commands run while busy
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

// Stop stops the server from any goroutine (a signal handler, a test):
// Shutdown runs on the loop goroutine.
func (s *Server) Stop() { s.Loop.Post(s.Shutdown) }

// SaveChoice is what SHUTDOWN says about the final RDB save.
type SaveChoice int

const (
	SaveIfConfigured SaveChoice = iota // save if save points are set (SIGTERM, plain SHUTDOWN)
	SaveAlways                         // SHUTDOWN SAVE
	SaveNever                          // SHUTDOWN NOSAVE
)

// ShutdownSaving is Shutdown after SHUTDOWN SAVE or NOSAVE: the
// persistence layer reads the choice (ShutdownChoice) while it stops.
func (s *Server) ShutdownSaving(c SaveChoice) {
	s.saveChoice = c
	s.Shutdown()
}

// ShutdownChoice is what the SHUTDOWN being run said about saving.
func (s *Server) ShutdownChoice() SaveChoice { return s.saveChoice }

// Shutdown is Redis's prepareForShutdown, on the loop goroutine, once: no
// new clients, the AOF made durable, then the loop stops after pending
// replies had a last chance to go out, and Run returns.
func (s *Server) Shutdown() {
	if s.stopped {
		return
	}
	s.stopped = true
	s.Loop.StopAccepting()
	if s.layers.persistence != nil {
		s.layers.persistence.Shutdown()
	}
	s.Log.Warnf("gocache is now ready to exit, bye bye...")
	s.Loop.Stop()
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

// ClientByID returns the connected client with that id, nil if there is
// none (Redis's lookupClientByID).
func (s *Server) ClientByID(id int64) *Client { return s.clients[id] }

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
	if s.layers.admission == nil {
		return
	}
	if msg := s.layers.admission.Admit(c); msg != "" {
		s.Stats.RejectedConns++
		s.WriteTo(c, func(w *resp.Writer) { w.Error(msg) })
		conn.Close()
	}
}

// Closed is the reactor's callback after a connection's fd is closed.
func (s *Server) Closed(conn *reactor.Conn) {
	c, ok := conn.Ctx.(*Client)
	if !ok {
		return
	}
	s.ResetClientState(c)
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
		if len(c.Args) > 0 && !s.execute(c) {
			break // postponed: it runs again when the client is unblocked
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
		s.Log.WithField("client", conn.RemoteAddr()).Debugf("%v", c.parseErr)
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

// WriteTo writes a reply to a client other than, or outside of, the
// running command (errors on accept, pub/sub messages, unblocked clients),
// without disturbing the shared reply buffer.
func (s *Server) WriteTo(c *Client, fn func(w *resp.Writer)) {
	s.push.B = s.push.B[:0]
	s.push.Proto = c.Proto
	fn(&s.push)
	s.Stats.NetOutputBytes += int64(len(s.push.B))
	c.Conn.Write(s.push.B)
	if s.layers.output != nil {
		s.layers.output.Wrote(c, s.push.B)
	}
}
