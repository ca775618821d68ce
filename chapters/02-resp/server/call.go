package server

import (
	"fmt"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Call runs a command that passed the path's checks, like Redis's call():
// it keeps the statistics, adds what the command changed to the pending
// propagation, tells the call observers, and, when it is the top-level
// call, hands the pending changes on (propagatePending). The observers
// learn whether anything was propagated while the command ran: its own
// change, or a key it found expired, or a key evicted to make room. EXEC calls it
// again for each queued command, with c.Args and c.LastCmd set to it:
// those are nested calls, whose changes wait for EXEC's end.
func (s *Server) Call(c *Client, cmd *Command) {
	c.propagated, c.prop, c.also = false, nil, nil
	mark, changes := len(s.reply.B), s.changes
	start := time.Now()
	s.depth++
	prev := s.current
	s.current = c
	cmd.Run(c)
	took := time.Since(start)
	cmd.Usec += took.Microseconds()
	cmd.Calls++
	s.Stats.Commands++
	if len(s.reply.B) > mark && s.reply.B[mark] == '-' {
		cmd.FailedCalls++
		s.Stats.ErrorReplies++
	}
	if c.propagated {
		s.Dirty++
		s.changes++
		s.pending = append(s.pending, op{c.DB, c.prop})
		c.propagated, c.prop = false, nil
	}
	if len(c.also) > 0 {
		s.Dirty++
		for _, args := range c.also {
			s.changes++
			s.pending = append(s.pending, op{c.DB, args})
		}
		c.also = nil
	}
	changed := s.changes != changes
	s.took = took
	for _, o := range s.layers.callObservers {
		o.Called(c, cmd, changed) // still at the call's depth: Nested() says whether EXEC ran it
	}
	s.current = prev
	s.depth--
	if s.depth == 0 && !s.inUnit {
		s.propagatePending()
	}
}

// InCommand reports whether a client's command is running (a call, EXEC's
// nested ones included). A change made outside one, by eviction or for a
// woken blocked client, is no command's: WATCH counts it at once.
func (s *Server) InCommand() bool { return s.depth > 0 }

// CallDuration is how long the call the observers hear of took to run
// (SLOWLOG, LATENCY): an observer's own time is not in it.
func (s *Server) CallDuration() time.Duration { return s.took }

// Current is the client whose command is running (Redis's
// server.current_client), nil between commands: a layer that hears of a
// change learns whether the client it would tell is the one making it.
func (s *Server) Current() *Client { return s.current }

// Nested reports whether the running command was not sent by its client
// but run by another command (EXEC): Redis's server.in_nested_call. Such
// a command must not block.
func (s *Server) Nested() bool { return s.depth > 1 }

// op is one change waiting to be propagated (Redis's redisOp).
type op struct {
	db   int
	args [][]byte
}

var (
	argsMulti = [][]byte{[]byte("MULTI")}
	argsExec  = [][]byte{[]byte("EXEC")}
)

// AlsoPropagate adds a change that no client's command reports itself,
// such as a key that expired (as DEL) or the non-blocking form of a
// command a woken client ran, to what the running execution unit
// propagates (Redis's alsoPropagate). Outside any unit it is propagated
// at once. While the AOF loads nothing is propagated: the changes come
// from the AOF.
func (s *Server) AlsoPropagate(db int, args [][]byte) {
	if s.loading {
		return
	}
	s.changes++
	s.pending = append(s.pending, op{db, args})
	if s.depth == 0 && !s.inUnit {
		s.propagatePending()
	}
}

// PropagateNow hands a change that belongs to no execution unit straight
// to the AOF and the followers: an eviction, which happens for the
// server's sake, not as part of the command that needed the room (even
// when that command is CONFIG SET maxmemory), as Redis's performEvictions
// propagates each evicted key on its own.
func (s *Server) PropagateNow(db int, args [][]byte) {
	if !s.loading {
		s.changes++
		s.feed(db, args)
	}
}

// Unit runs fn as one execution unit: the changes made inside reach the
// AOF together when fn returns, wrapped in MULTI/EXEC when there is more
// than one, so that a replay applies all of them or none. The blocking
// layer serves each woken client in a unit of its own.
func (s *Server) Unit(fn func()) {
	s.inUnit = true
	fn()
	s.inUnit = false
	s.propagatePending()
}

// propagatePending hands the changes of the execution unit that just
// ended to the AOF and the other followers (Redis's
// propagatePendingCommands): one change as it is, several wrapped in
// MULTI (in the first change's database) and EXEC (in the last's).
func (s *Server) propagatePending() {
	ops := s.pending
	if len(ops) == 0 {
		return
	}
	wrap := len(ops) > 1
	if wrap {
		s.feed(ops[0].db, argsMulti)
	}
	for _, o := range ops {
		s.feed(o.db, o.args)
	}
	if wrap {
		s.feed(ops[len(ops)-1].db, argsExec)
	}
	clear(ops)
	s.pending = ops[:0]
}

func (s *Server) feed(db int, args [][]byte) {
	if p := s.layers.persistence; p != nil {
		p.Feed(db, args)
	}
	for _, f := range s.layers.followers {
		f.Feed(db, args)
	}
}

// Loading reports whether the server is loading its data (Redis's
// server.loading): keys do not expire then, and expiry times in the
// past are stored rather than turned into DEL.
func (s *Server) Loading() bool { return s.loading }

// Apply replays one command while loading: it is looked up and checked
// as a client's would be, then run; its reply is thrown away and its
// changes are not propagated.
type Apply func(db int, args [][]byte) error

// Load runs fn, the loader of the server's data (chapter 04's AOF), with
// the server in the loading state, and gives it apply to replay
// commands. The state lasts exactly as long as fn: no program can forget
// to set it or to clear it.
func (s *Server) Load(fn func(apply Apply) error) error {
	s.loading = true
	defer func() { s.loading = false }()
	c := &Client{ID: -1, Srv: s, W: &resp.Writer{Proto: 2}, Proto: 2, Authenticated: true}
	return fn(func(db int, args [][]byte) error {
		cmd := s.lookup(args)
		if cmd == nil {
			return fmt.Errorf("unknown command '%s'", args[0])
		}
		if !cmd.arityOK(len(args)) {
			return fmt.Errorf("wrong number of arguments for '%s' command", cmd.FullName())
		}
		c.DB, c.Args, c.LastCmd = db, args, cmd
		cmd.Run(c)
		c.W.B = c.W.B[:0]
		c.Args, c.propagated, c.prop = nil, false, nil
		return nil
	})
}
