// Package multi is Redis's transactions: MULTI queues commands, EXEC runs
// them one after another with nothing in between, DISCARD drops them, and
// WATCH makes EXEC fail when a watched key changed since (optimistic
// locking). A transaction reaches the AOF as one unit: MULTI, its writes,
// EXEC.
//
// Everything here runs on the loop goroutine, which is what makes EXEC
// atomic: no other client's command can run until it returns.
package multi

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// Redis's replies.
const (
	errExecAbort = "EXECABORT Transaction discarded because of previous errors."
	errNested    = "ERR MULTI calls can not be nested"
)

// Multi is the transaction layer of a server.
type Multi struct {
	srv  *server.Server
	ca   *cache.Cache
	slot server.Slot

	// watchers[db][key] are the clients watching key in db.
	watchers []map[string][]*state
	// touched are watched keys the running command looked up for writing.
	// They count as changed only if the command changes data (propagates);
	// Called forgets them otherwise, so that a failed INCR or an EXPIRE
	// of a missing key does not abort anyone's EXEC, as in Redis.
	touched []touch
}

// state is one client's transaction, kept in its server.Slot while it is
// in MULTI or watches keys.
type state struct {
	c        *server.Client
	inMulti  bool
	failed   bool // a command was refused while queuing: EXEC answers EXECABORT
	dirty    bool // a watched key changed: EXEC answers a null array
	queue    []queued
	flags    server.Flags // of the queued commands, or-ed
	watching []watched
}

type queued struct {
	cmd  *server.Command
	args [][]byte
}

type key struct {
	db  int
	key string
}

// touch is a watched key a command looked up for writing, and whether it
// existed then: a command that looks up a missing key and leaves it
// missing (LMPOP moving on to its next key) has not changed it.
type touch struct {
	key
	existed bool
}

// watched is one WATCHed key. expired records that the key had already
// expired (though not yet removed) when WATCH ran: its removal is then no
// change, as in Redis 7.0.
type watched struct {
	key
	expired bool
}

// Register adds MULTI, EXEC, DISCARD, WATCH and UNWATCH to s, takes the
// transactions' place on its command path (queuing, EXECABORT), and
// observes the calls and ca's databases (writes, expiry, FLUSHALL,
// SWAPDB) for WATCH. A transaction's changes reach the AOF as one unit
// by themselves: EXEC's queued commands are nested calls, whose changes
// the server wraps in MULTI ... EXEC when EXEC ends.
func Register(s *server.Server, ca *cache.Cache) *Multi {
	m := &Multi{srv: s, ca: ca, watchers: make([]map[string][]*state, len(ca.DBs))}
	m.slot = s.NewSlot(m)
	const flags = server.NoScript | server.Loading | server.Stale
	s.Commands.Add(
		&server.Command{Name: "multi", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.multi},
		&server.Command{Name: "exec", Arity: 1, Flags: flags | server.SkipSlowlog, Group: "transaction", Run: m.exec},
		&server.Command{Name: "discard", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.discard},
		&server.Command{Name: "watch", Arity: -2, Flags: flags | server.Fast | server.AllowBusy, FirstKey: 1, LastKey: -1, Step: 1,
			Group: "transaction", Run: m.watch},
		&server.Command{Name: "unwatch", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.unwatch},
	)
	s.UseTransactions(m)
	s.ObserveCalls(m)
	ca.Observers.Add(m)
	return m
}

// get returns c's transaction state, nil when it has none.
func (m *Multi) get(c *server.Client) *state {
	st, _ := c.Slot(m.slot).(*state)
	return st
}

func (m *Multi) attach(c *server.Client) *state {
	st := m.get(c)
	if st == nil {
		st = &state{c: c}
		c.SetSlot(m.slot, st)
	}
	return st
}

// release drops c's state when it holds nothing any more.
func (m *Multi) release(st *state) {
	if !st.inMulti && len(st.watching) == 0 {
		st.dirty = false
		st.c.SetSlot(m.slot, nil)
	}
}

// Queued is what CLIENT LIST shows of c's transaction: the number of
// queued commands, -1 outside MULTI (flag "x" when >= 0), and the bytes
// of their arguments (multi-mem).
func (m *Multi) Queued(c *server.Client) (cmds, bytes int) {
	st := m.get(c)
	if st == nil || !st.inMulti {
		return -1, 0
	}
	for _, q := range st.queue {
		for _, a := range q.args {
			bytes += len(a)
		}
	}
	return len(st.queue), bytes
}

// Reset discards c's transaction and forgets its watched keys (RESET, and
// a client that went away): the server.ClientState method.
func (m *Multi) Reset(c *server.Client) {
	if st := m.get(c); st != nil {
		m.abort(st)
	}
}

// InMulti is the server.Transactions method: c is between MULTI and EXEC.
func (m *Multi) InMulti(c *server.Client) bool {
	st := m.get(c)
	return st != nil && st.inMulti
}

// QueuedFlags are the flags of c's queued commands, or-ed.
func (m *Multi) QueuedFlags(c *server.Client) server.Flags {
	if st := m.get(c); st != nil {
		return st.flags
	}
	return 0
}

// Queue keeps a command of a client in MULTI for EXEC; the server
// replies +QUEUED. A transaction already doomed keeps answering +QUEUED
// but stores nothing.
func (m *Multi) Queue(c *server.Client, cmd *server.Command) {
	st := m.get(c)
	if st.failed || st.dirty {
		return
	}
	args := make([][]byte, len(c.Args))
	for i, a := range c.Args {
		args[i] = append([]byte(nil), a...)
	}
	st.queue = append(st.queue, queued{cmd: cmd, args: args})
	st.flags |= cmd.Flags
}

// Flag dooms c's transaction: one of its commands was refused.
func (m *Multi) Flag(c *server.Client) {
	if st := m.get(c); st != nil && st.inMulti {
		st.failed = true
	}
}

// Discard ends c's transaction without running it (a refused EXEC).
func (m *Multi) Discard(c *server.Client) { m.Reset(c) }

func (m *Multi) multi(c *server.Client) {
	st := m.attach(c)
	if st.inMulti {
		c.Error(errNested)
		return
	}
	st.inMulti = true
	c.OK()
}

func (m *Multi) discard(c *server.Client) {
	st := m.get(c)
	if st == nil || !st.inMulti {
		c.Error("ERR DISCARD without MULTI")
		return
	}
	m.abort(st)
	c.OK()
}

// abort ends a transaction without running it and unwatches everything,
// as Redis's discardTransaction.
func (m *Multi) abort(st *state) {
	st.inMulti, st.failed, st.queue, st.flags = false, false, nil, 0
	m.unwatchAll(st)
	m.release(st)
}

// exec runs the queued commands. Each goes through Server.Call as if the
// client had just sent it, so statistics and propagation are the usual
// ones; an error in one does not stop the others (no rollback). Their
// calls are nested in EXEC's: the server propagates what they changed
// when EXEC ends, wrapped in MULTI ... EXEC when there is more than one
// change, as Redis 7.0 does.
func (m *Multi) exec(c *server.Client) {
	st := m.get(c)
	switch {
	case st == nil || !st.inMulti:
		c.Error("ERR EXEC without MULTI")
		return
	case st.failed:
		m.abort(st)
		c.Error(errExecAbort)
		return
	case st.dirty || m.watchedExpired(st):
		m.abort(st)
		c.W.NullArray()
		return
	}
	queue := st.queue
	m.unwatchAll(st)
	st.inMulti, st.queue, st.flags = false, nil, 0
	args, cmd := c.Args, c.LastCmd
	c.W.Array(len(queue))
	for _, q := range queue {
		c.Args, c.LastCmd = q.args, q.cmd
		m.srv.Call(c, q.cmd)
	}
	c.Args, c.LastCmd = args, cmd
	m.release(st)
}
