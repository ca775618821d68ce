// Package block is Redis's blocking list commands (BLPOP, BRPOP, BLMOVE,
// BRPOPLPUSH, BLMPOP) and the machinery of Redis's blocked.c behind them,
// which the other types that clients wait for plug into: sorted sets
// (BZPOPMIN, BZPOPMAX, BZMPOP) add a Kind and their commands with Add,
// streams (XREAD and XREADGROUP with BLOCK) wait with Wait.
//
// A command that finds nothing to pop parks its client: the client is
// appended to a first-in first-out queue per database and key, its
// connection stops being served (server.Client.Block), and, if it gave a
// timeout, a one-shot timer of the event loop is armed. No goroutine waits
// for anything. A write to a key that has waiting clients marks the key
// ready (the keyspace's write observers, where Redis calls
// signalKeyAsReady); after the command that wrote it, or after the EXEC
// that ran it, the server asks for the ready keys to be served
// (ServeReady), in the order they became ready, each to its waiting
// clients in the order they blocked. A served client gets its reply, its
// command reaches the AOF in its non-blocking form (BLPOP as LPOP, BLMOVE
// as LMOVE ...) as an execution unit of its own, and its connection
// resumes.
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
	"github.com/gocache/gocache/chapters/06-lists/list"
)

// errUnblocked is the reply of CLIENT UNBLOCK id ERROR.
const errUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"

// Block is the blocking layer of a server.
type Block struct {
	srv   *server.Server
	ca    *cache.Cache
	lists *list.Commands
	slot  server.Slot
	kinds []Kind // lists first, then those added

	// waiting[db][key] are the clients blocked on key, in the order they
	// blocked (Redis's db->blocking_keys).
	waiting []map[string]*fifo.List
	// ready are the keys written since they were last served, in the
	// order they were first written (Redis's server.ready_keys).
	ready   []dbKey
	isReady map[dbKey]bool

	blocked int // clients blocked here
	timed   int // of which with a timeout
}

type dbKey struct {
	db  int
	key string
}

// Waiter is one blocked client: the keys it waits on, its place in their
// queues and its timer (Redis's client->bpop), and what it wants.
type Waiter struct {
	b     *Block
	c     *server.Client
	cmd   *server.Command
	db    int
	keys  []string
	nodes []*fifo.Element // its place in the queue of each key
	timer *reactor.Timer
	want  Want
}

// A Kind is a type of value that clients block for: lists here, sorted
// sets in their own package. A key that is written is served to the
// clients waiting for the kind of value it now holds; the others keep
// their place.
type Kind interface {
	// Len reports whether v is a value of this kind (ok) and how many
	// elements it holds.
	Len(v any) (n int, ok bool)
}

// Want is what one blocked client waits for and how to serve it.
type Want interface {
	// Kind is the kind of value it waits for, or nil for a want that is
	// offered every write of its keys whatever they hold (a stream
	// reader, which decides itself, and never uses up what it reads).
	Kind() Kind
	// Serve answers w's client from key, which holds v: a non-empty value
	// of Kind (nil for a nil Kind), in database db. It calls w.Wake if
	// it served the client.
	Serve(w *Waiter, db *keyspace.DB, now int64, key []byte, v any)
}

// Register adds the blocking commands to s, over the databases of ca; new
// lists that BLMOVE creates get lc's fill. It takes the key waiters'
// place on the server's command path (served after each top-level
// command) and observes the writes and swaps of ca's databases.
func Register(s *server.Server, ca *cache.Cache, lc *list.Commands) *Block {
	b := &Block{
		srv: s, ca: ca, lists: lc,
		waiting: make([]map[string]*fifo.List, len(ca.DBs)),
		isReady: map[dbKey]bool{},
	}
	b.slot = s.NewSlot(b)
	b.Add(listKind{}, b.commands()...)
	s.UseKeyWaiters(b)
	ca.Observers.Add(b)
	return b
}

// Lists are the list commands b pops from: the layer that made the
// lists, for the later layers that make lists too (SORT ... STORE).
func (b *Block) Lists() *list.Commands { return b.lists }

// Add makes clients able to wait for values of kind k, with cmds, the
// blocking commands that wait for them.
func (b *Block) Add(k Kind, cmds ...*server.Command) {
	b.kinds = append(b.kinds, k)
	b.srv.Commands.Add(cmds...)
}

// KeyWriting makes a write to a key that clients wait for mark the key
// ready. The write has not happened yet: whether the key then holds
// something to pop is decided when it is served.
func (b *Block) KeyWriting(db int, key string, _ *keyspace.Entry) {
	if b.waiting[db][key] != nil {
		b.signal(db, key)
	}
}

// Flushing is for FLUSHDB and FLUSHALL (a keyspace observer method): they
// leave nothing to pop, but an XREADGROUP waiting on a stream that is
// gone must be told.
func (b *Block) Flushing(db int) {
	for key := range b.waiting[db] {
		b.signal(db, key)
	}
}

// Signal marks key ready if clients wait on it, for a change the keyspace
// does not see as a write (a stream's group destroyed under its readers).
func (b *Block) Signal(db int, key []byte) {
	if b.waiting[db][string(key)] != nil {
		b.signal(db, string(key))
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

// Swapped is for SWAPDB (a keyspace observer method): the keys clients
// wait for in databases a and b may hold something now, as Redis's swapdb
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
// CLIENT_DENY_BLOCKING).
func (b *Block) nested(c *server.Client) bool { return b.srv.Nested() }

// ServeReady serves the keys that became ready, once the command the
// client sent has run (EXEC included): Redis's handleClientsBlockedOnKeys
// after call(). The server calls it after each top-level command.
func (b *Block) ServeReady() {
	if len(b.ready) > 0 {
		b.serve()
	}
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
		w := el.Value.(*Waiter)
		if w.c.Conn.Closing() {
			// Killed or hung up, not yet closed: an element handed to
			// it would be lost. Reset forgets it when it closes.
			el = next
			continue
		}
		more := false
		// Each woken client's command is an execution unit of its own.
		b.srv.Unit(func() { more = b.serveOne(w, k) })
		if !more {
			return
		}
		el = next
	}
}

// Wait parks c on keys until one of them can serve want, or its timeout
// passes (ms <= 0: no timeout). The caller has checked that c may block
// (not inside EXEC: server.Nested).
func (b *Block) Wait(c *server.Client, keys [][]byte, ms int64, want Want) {
	b.block(c, &Waiter{keys: keysOf(keys), want: want}, ms)
}

// block parks c until one of w's keys can be served or its timeout
// passes (ms <= 0: no timeout).
func (b *Block) block(c *server.Client, w *Waiter, ms int64) {
	w.b, w.c, w.cmd, w.db = b, c, c.LastCmd, c.DB
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
func (b *Block) release(w *Waiter) {
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

// Client is the blocked client.
func (w *Waiter) Client() *server.Client { return w.c }

// Wake releases w and lets its client run its next commands, after the
// reply fn writes.
func (w *Waiter) Wake(fn func(rw *resp.Writer)) {
	w.b.release(w)
	w.b.srv.WriteTo(w.c, fn)
	w.c.Unblock()
}

// Propagate hands what serving w changed to the AOF, as call() does for
// the commands clients send: the non-blocking form of its command, or
// several commands (which the serving unit wraps in MULTI/EXEC).
func (w *Waiter) Propagate(cmds ...[][]byte) {
	w.b.srv.Dirty++
	for _, args := range cmds {
		w.b.srv.AlsoPropagate(w.db, args)
	}
}

// timedOut answers a client whose timeout passed with a null array.
func (b *Block) timedOut(w *Waiter) {
	w.timer = nil
	b.timed--
	w.Wake((*resp.Writer).NullArray)
}

// Reset forgets a blocked client that went away (the server.ClientState
// method).
func (b *Block) Reset(c *server.Client) {
	if w, ok := c.Slot(b.slot).(*Waiter); ok {
		b.release(w)
	}
}

// Unblock is CLIENT UNBLOCK for a client blocked here: it replies as if
// the timeout had passed, or with the UNBLOCKED error, and reports
// whether c was blocked here at all.
func (b *Block) Unblock(c *server.Client, withError bool) bool {
	w, ok := c.Slot(b.slot).(*Waiter)
	if !ok {
		return false
	}
	if withError {
		w.Wake(func(rw *resp.Writer) { rw.Error(errUnblocked) })
	} else {
		w.Wake((*resp.Writer).NullArray)
	}
	return true
}

// Blocked is the number of clients blocked here.
func (b *Block) Blocked() int { return b.blocked }

// WithTimeout is the number of blocked clients that gave a timeout
// (INFO's clients_in_timeout_table).
func (b *Block) WithTimeout() int { return b.timed }
