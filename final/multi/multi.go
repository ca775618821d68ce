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
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// Redis's replies.
const (
	errExecAbort = "EXECABORT Transaction discarded because of previous errors."
	errNested    = "ERR MULTI calls can not be nested"
	errNoMulti   = "ERR Command not allowed inside a transaction"
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
	// AfterCall forgets them otherwise, so that a failed INCR or an
	// EXPIRE of a missing key does not abort anyone's EXEC, as in Redis.
	touched []touch

	// ops collects what the queued commands of the running EXEC propagate,
	// to hand on wrapped in MULTI ... EXEC.
	ops []op
}

// state is one client's transaction, kept in its server.Slot while it is
// in MULTI or watches keys.
type state struct {
	c        *server.Client
	inMulti  bool
	failed   bool // a command was refused while queuing: EXEC answers EXECABORT
	dirty    bool // a watched key changed: EXEC answers a null array
	queue    []queued
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

type op struct {
	db   int
	args [][]byte
}

// Register adds MULTI, EXEC, DISCARD, WATCH and UNWATCH to s and the
// hooks that queue commands, follow watched keys in ca's databases
// (writes, expiry, FLUSHALL) and wrap a transaction's propagation.
func Register(s *server.Server, ca *cache.Cache) *Multi {
	m := &Multi{srv: s, ca: ca, slot: s.NewSlot(), watchers: make([]map[string][]*state, len(ca.DBs))}
	for i, db := range ca.DBs {
		m.hook(i, db)
	}
	const flags = server.NoScript | server.Loading | server.Stale
	s.Commands.Add(
		&server.Command{Name: "multi", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.multi},
		&server.Command{Name: "exec", Arity: 1, Flags: flags | server.SkipSlowlog, Group: "transaction", Run: m.exec},
		&server.Command{Name: "discard", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.discard},
		&server.Command{Name: "watch", Arity: -2, Flags: flags | server.Fast | server.AllowBusy, FirstKey: 1, LastKey: -1, Step: 1,
			Group: "transaction", Run: m.watch},
		&server.Command{Name: "unwatch", Arity: 1, Flags: flags | server.Fast | server.AllowBusy, Group: "transaction", Run: m.unwatch},
	)
	prev := s.Intercept
	s.Intercept = func(c *server.Client, cmd *server.Command) bool {
		return m.intercept(c, cmd) || (prev != nil && prev(c, cmd))
	}
	s.OnReject = append(s.OnReject, m.reject)
	s.Checks = append(s.Checks, m.check)
	s.AfterCall = append(s.AfterCall, func(*server.Client, *server.Command) { m.touched = m.touched[:0] })
	s.Propagators = append(s.Propagators, func(int, [][]byte) { m.commit() })
	s.OnClose = append(s.OnClose, m.Reset)
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
// a client that went away).
func (m *Multi) Reset(c *server.Client) {
	if st := m.get(c); st != nil {
		m.abort(st)
	}
}

// notQueued are the commands that run at once inside MULTI, as in Redis.
var notQueued = map[string]bool{"exec": true, "discard": true, "multi": true, "watch": true, "quit": true, "reset": true}

// intercept queues a command of a client in MULTI instead of running it.
// A transaction already doomed keeps answering +QUEUED but stores
// nothing.
func (m *Multi) intercept(c *server.Client, cmd *server.Command) bool {
	st := m.get(c)
	if st == nil || !st.inMulti || notQueued[cmd.Name] {
		return false
	}
	if !st.failed && !st.dirty {
		args := make([][]byte, len(c.Args))
		for i, a := range c.Args {
			args[i] = append([]byte(nil), a...)
		}
		st.queue = append(st.queue, queued{cmd: cmd, args: args})
	}
	c.W.SimpleString("QUEUED")
	return true
}

// reject sees a command refused inside MULTI: the transaction is then
// bound to fail. A refused EXEC itself (say, MISCONF) ends the
// transaction with EXECABORT naming the reason, as Redis 7.0 does; like
// Redis it quotes a plain ERR without its code ("wrong number of
// arguments ...") and other codes with theirs ("MISCONF ...").
func (m *Multi) reject(c *server.Client, msg string) string {
	st := m.get(c)
	if st == nil || !st.inMulti {
		return msg
	}
	if c.LastCmd != nil && c.LastCmd.Name == "exec" {
		m.abort(st)
		return "EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR ")
	}
	st.failed = true
	return msg
}

// check refuses commands flagged no-multi (SAVE, SHUTDOWN, ...) inside
// MULTI.
func (m *Multi) check(c *server.Client, cmd *server.Command) string {
	if cmd.Flags&server.NoMulti == 0 {
		return ""
	}
	if st := m.get(c); st != nil && st.inMulti {
		return errNoMulti
	}
	return ""
}

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
	st.inMulti, st.failed, st.queue = false, false, nil
	m.unwatchAll(st)
	m.release(st)
}

// exec runs the queued commands. Each goes through Server.Call as if the
// client had just sent it, so statistics and propagation are the usual
// ones; an error in one does not stop the others (no rollback). What
// they propagate is collected and handed on as MULTI ... EXEC when there
// is more than one change, as Redis 7.0 does.
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
	saved := m.srv.Propagators
	m.srv.Propagators = []func(int, [][]byte){m.capture}
	args, cmd := c.Args, c.LastCmd
	c.W.Array(len(queue))
	for _, q := range queue {
		c.Args, c.LastCmd = q.args, q.cmd
		m.srv.Call(c, q.cmd)
	}
	c.Args, c.LastCmd = args, cmd
	m.srv.Propagators = saved
	st.inMulti, st.queue = false, nil
	m.release(st)
	m.flush()
}

// capture takes the place of the propagators while EXEC runs.
func (m *Multi) capture(db int, args [][]byte) {
	m.commit()
	m.ops = append(m.ops, op{db, args})
}

// flush propagates what EXEC collected: a single change as it is, more
// wrapped in MULTI (in the first change's database) and EXEC (in the
// last's), so that the AOF loader applies all or nothing.
func (m *Multi) flush() {
	ops := m.ops
	m.ops = nil
	if len(ops) == 0 {
		return
	}
	if len(ops) == 1 {
		m.srv.Propagate(ops[0].db, ops[0].args)
		return
	}
	m.srv.Propagate(ops[0].db, [][]byte{[]byte("MULTI")})
	for _, o := range ops {
		m.srv.Propagate(o.db, o.args)
	}
	m.srv.Propagate(ops[len(ops)-1].db, [][]byte{[]byte("EXEC")})
}
