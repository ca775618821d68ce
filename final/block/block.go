// Package block is Redis's blocking list and sorted set commands (BLPOP,
// BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP), the
// waiting of XREAD and XREADGROUP with BLOCK, and the machinery of
// Redis's blocked.c behind them.
//
// A command that finds nothing to pop parks its client: the client is
// appended to a first-in first-out queue per database and key, its
// connection stops being served (server.Client.Block), and, if it gave a
// timeout, a one-shot timer of the event loop is armed. No goroutine waits
// for anything. A write to a key that has waiting clients marks the key
// ready (the keyspace's BeforeWrite hook, where Redis calls
// signalKeyAsReady); after the command that wrote it, or after the EXEC
// that ran it, the ready keys are served in the order they became ready,
// each to its waiting clients in the order they blocked. A served client
// gets its reply, its command reaches the AOF in its non-blocking form
// (BLPOP as LPOP, BLMOVE as LMOVE ...), and its connection resumes.
//
// Everything here runs on the loop goroutine.
package block

import (
	fifo "container/list"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/final/list"
)

// errUnblocked is the reply of CLIENT UNBLOCK id ERROR.
const errUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"

// Block is the blocking layer of a server.
type Block struct {
	srv   *server.Server
	ca    *cache.Cache
	lists *list.Commands
	slot  server.Slot

	// waiting[db][key] are the clients blocked on key, in the order they
	// blocked (Redis's db->blocking_keys).
	waiting []map[string]*fifo.List
	// ready are the keys written since they were last served, in the
	// order they were first written (Redis's server.ready_keys).
	ready   []dbKey
	isReady map[dbKey]bool

	blocked int // clients blocked here
	timed   int // of which with a timeout

	// The command the server is running for a client, as Intercept saw
	// it: AfterCall also sees the commands EXEC runs, and serving must
	// wait for the end of the transaction.
	topClient *server.Client
	topCmd    *server.Command
}

type dbKey struct {
	db  int
	key string
}

// waiter is one blocked client: what it waits for and how to serve it
// (Redis's client->bpop).
type waiter struct {
	c     *server.Client
	cmd   *server.Command
	db    int
	keys  []string
	nodes []*fifo.Element // its place in the queue of each key
	timer *reactor.Timer

	zset  bool  // waits for a sorted set; otherwise for a list
	left  bool  // pops from the head (the minimum for a sorted set)
	count int64 // BLMPOP/BZMPOP's COUNT; -1 for the single-element forms

	// BLMOVE and BRPOPLPUSH: the destination and the arguments the
	// move is propagated with.
	move     bool
	dst      string
	toLeft   bool
	moveArgs [][]byte

	stream *streamWait // XREAD, XREADGROUP
}

// Register adds the blocking commands to s, over the databases of ca; new
// lists that BLMOVE creates get lc's fill. It installs the hooks that
// notice writes to awaited keys (in every database of ca, after the hooks
// already there), serve them after each command, and forget clients that
// go away.
func Register(s *server.Server, ca *cache.Cache, lc *list.Commands) *Block {
	b := &Block{
		srv: s, ca: ca, lists: lc, slot: s.NewSlot(),
		waiting: make([]map[string]*fifo.List, len(ca.DBs)),
		isReady: map[dbKey]bool{},
	}
	for i, db := range ca.DBs {
		b.hook(i, db)
	}
	s.Commands.Add(b.commands()...)
	prev := s.Intercept
	s.Intercept = func(c *server.Client, cmd *server.Command) bool {
		b.topClient, b.topCmd = c, cmd
		if prev != nil && prev(c, cmd) {
			b.topClient, b.topCmd = nil, nil
			return true
		}
		return false
	}
	s.AfterCall = append(s.AfterCall, b.afterCall)
	s.OnClose = append(s.OnClose, b.closed)
	return b
}

// hook makes a write to a key of database index that clients wait for,
// or a flush of the database, mark the key ready. The write has not happened yet: whether the key
// then holds something to pop is decided when it is served.
func (b *Block) hook(index int, db *keyspace.DB) {
	prev := db.BeforeWrite
	db.BeforeWrite = func(key string, e *keyspace.Entry) {
		if prev != nil {
			prev(key, e)
		}
		if b.waiting[index][key] != nil {
			b.signal(index, key)
		}
	}
	// FLUSHDB and FLUSHALL leave nothing to pop, but an XREADGROUP
	// waiting on a stream that is gone must be told.
	prevFlush := db.BeforeFlush
	db.BeforeFlush = func() {
		if prevFlush != nil {
			prevFlush()
		}
		for key := range b.waiting[index] {
			b.signal(index, key)
		}
	}
}

// signal marks a key ready, once until it is served.
func (b *Block) signal(db int, key string) {
	k := dbKey{db, key}
	if !b.isReady[k] {
		b.isReady[k] = true
		b.ready = append(b.ready, k)
	}
}

// Swapped is for SWAPDB (final/db's OnSwap hooks): the keys clients wait
// for in databases a and b may hold something now, as Redis's swapdb
// checks with scanDatabaseForReadyKeys. They are served after SWAPDB.
func (b *Block) Swapped(x, y int) {
	for _, i := range []int{x, y} {
		for key := range b.waiting[i] {
			b.signal(i, key)
		}
	}
}

// nested reports whether c's running command was not sent by c but run
// by another (EXEC): such a command must not block (Redis's
// CLIENT_DENY_BLOCKING) and must not serve others before the
// transaction ends.
func (b *Block) nested(c *server.Client) bool {
	return c != b.topClient || c.LastCmd != b.topCmd
}

// afterCall serves the keys that became ready, once the command the
// client sent has run: Redis's handleClientsBlockedOnKeys after call().
func (b *Block) afterCall(c *server.Client, cmd *server.Command) {
	if c != b.topClient || cmd != b.topCmd {
		return
	}
	b.topClient, b.topCmd = nil, nil
	b.serve()
}

// serve serves the ready keys until none is left: serving BLMOVE pushes
// to its destination, which may make that key ready in turn.
func (b *Block) serve() {
	for len(b.ready) > 0 {
		batch := b.ready
		b.ready = nil
		for _, k := range batch {
			delete(b.isReady, k)
		}
		for _, k := range batch {
			b.serveKey(k)
		}
	}
}

// serveKey hands what key holds to its waiting clients, first blocked
// first served, while it holds something. Clients waiting for the other
// type keep their place.
func (b *Block) serveKey(k dbKey) {
	q := b.waiting[k.db][k.key]
	if q == nil {
		return
	}
	for el := q.Front(); el != nil; {
		next := el.Next()
		w := el.Value.(*waiter)
		if w.c.Conn.Closing() {
			// Killed or hung up, not yet closed: an element handed to
			// it would be lost. OnClose forgets it.
			el = next
			continue
		}
		if !b.serveOne(w, k) {
			return
		}
		el = next
	}
}

// block parks c until one of w's keys can be served or its timeout
// passes (ms <= 0: no timeout).
func (b *Block) block(c *server.Client, w *waiter, ms int64) {
	w.c, w.cmd, w.db = c, c.LastCmd, c.DB
	if b.waiting[w.db] == nil {
		b.waiting[w.db] = map[string]*fifo.List{}
	}
	for _, key := range w.keys {
		q := b.waiting[w.db][key]
		if q == nil {
			q = fifo.New()
			b.waiting[w.db][key] = q
		}
		w.nodes = append(w.nodes, q.PushBack(w))
	}
	if ms > 0 && ms <= maxTimeout {
		w.timer = b.srv.Loop.After(time.Duration(ms)*time.Millisecond, func() { b.timedOut(w) })
		b.timed++
	}
	b.blocked++
	c.SetSlot(b.slot, w)
	c.Block()
}

// release takes w out of every queue and stops its timer.
func (b *Block) release(w *waiter) {
	for i, key := range w.keys {
		q := b.waiting[w.db][key]
		q.Remove(w.nodes[i])
		if q.Len() == 0 {
			delete(b.waiting[w.db], key)
		}
	}
	w.nodes = nil
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
		b.timed--
	}
	b.blocked--
	w.c.SetSlot(b.slot, nil)
}

// wake releases w and lets its client run its next commands, after the
// reply fn writes.
func (b *Block) wake(w *waiter, fn func(w *resp.Writer)) {
	b.release(w)
	b.srv.WriteTo(w.c, fn)
	w.c.Unblock()
}

// timedOut answers a client whose timeout passed with a null array.
func (b *Block) timedOut(w *waiter) {
	w.timer = nil
	b.timed--
	b.wake(w, (*resp.Writer).NullArray)
}

// closed forgets a blocked client that went away.
func (b *Block) closed(c *server.Client) {
	if w, ok := c.Slot(b.slot).(*waiter); ok {
		b.release(w)
	}
}

// Unblock is CLIENT UNBLOCK for a client blocked here: it replies as if
// the timeout had passed, or with the UNBLOCKED error, and reports
// whether c was blocked here at all.
func (b *Block) Unblock(c *server.Client, withError bool) bool {
	w, ok := c.Slot(b.slot).(*waiter)
	if !ok {
		return false
	}
	if withError {
		b.wake(w, func(rw *resp.Writer) { rw.Error(errUnblocked) })
	} else {
		b.wake(w, (*resp.Writer).NullArray)
	}
	return true
}

// Blocked is the number of clients blocked here.
func (b *Block) Blocked() int { return b.blocked }

// WithTimeout is the number of blocked clients that gave a timeout
// (INFO's clients_in_timeout_table).
func (b *Block) WithTimeout() int { return b.timed }

// propagate hands a served command's non-blocking form to the AOF, as
// call() does for the commands clients send.
func (b *Block) propagate(db int, args ...[]byte) {
	b.srv.Dirty++
	b.srv.Propagate(db, args)
}
