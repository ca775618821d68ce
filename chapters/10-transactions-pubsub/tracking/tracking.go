// Package tracking is Redis's server-assisted client-side caching
// (tracking.c): a client that turns on CLIENT TRACKING keeps copies of
// the values it reads, and the server tells it when one of those keys
// changes, so that it drops its copy. The messages are RESP3 push
// messages (">2 invalidate [keys]") on the client's own connection, or,
// for a RESP2 client, Pub/Sub messages on the __redis__:invalidate
// channel of another connection it redirects them to.
//
// Two ways to say which keys a client caches:
//
//   - default mode: the server remembers every key the client read (the
//     tracking table: key -> client ids); each key is invalidated once,
//     then forgotten until it is read again. OPTIN remembers only the
//     reads that follow CLIENT CACHING yes, OPTOUT all but those that
//     follow CLIENT CACHING no.
//   - BCAST: the server remembers nothing per read; the client names
//     key prefixes and hears of every change to a key under one, batched
//     once per loop turn.
//
// As in Redis, the table holds key names only, not databases: a change
// to key k in any database invalidates k for every client that read k.
//
// Everything here runs on the loop goroutine.
package tracking

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// Channel is where a RESP2 client's redirected invalidations arrive.
const Channel = "__redis__:invalidate"

// DefaultMaxKeys is tracking-table-max-keys' default.
const DefaultMaxKeys = 1000000

// Tracker is the tracking layer of one server.
type Tracker struct {
	// MaxKeys is tracking-table-max-keys: past it, keys are evicted from
	// the table (and invalidated) until it fits again. 0: no limit.
	MaxKeys int

	srv  *server.Server
	ca   *cache.Cache
	slot server.Slot

	table    map[string]map[int64]struct{} // default mode: key -> ids of the clients that read it
	items    int                           // client ids in table, summed over keys
	prefixes map[string]*prefix            // BCAST prefix -> who listens, what changed this turn
	clients  int                           // clients with tracking on (INFO tracking_clients)
	effort   int                           // evictions tried in vain before (trackingLimitUsedSlots)

	touches cache.Touches // writes the running command is about to make
	flushed bool          // the running command emptied a database
	pending []pending     // invalidations for the running command's own client
}

// state is one client's CLIENT TRACKING settings, kept in its slot while
// tracking is on.
type state struct {
	bcast, optin, optout, noloop bool
	caching                      bool  // CLIENT CACHING was given for the next command
	redirect                     int64 // client id invalidations go to; 0: this one
	broken                       bool  // the redirect client went away
	prefixes                     []string
}

// prefix is one BCAST prefix: its clients, and the keys under it changed
// since the last broadcast, each with the id of the client that changed
// it first (0: the server), for NOLOOP.
type prefix struct {
	clients map[int64]*server.Client
	keys    map[string]int64
}

// pending is an invalidation for the client whose command is running:
// sent after its reply, not in the middle of it. flush marks the null
// of an emptied database.
type pending struct {
	key   string
	flush bool
}

// Register creates the tracking layer of s over ca's databases. Its
// commands are CLIENT subcommands (Subcommands), which the owner of
// CLIENT installs.
func Register(s *server.Server, ca *cache.Cache) *Tracker {
	t := &Tracker{
		MaxKeys:  DefaultMaxKeys,
		srv:      s,
		ca:       ca,
		table:    map[string]map[int64]struct{}{},
		prefixes: map[string]*prefix{},
	}
	t.slot = s.NewSlot(t)
	s.ObserveCalls(t)
	ca.Observers.Add(t)
	s.Loop.BeforeSleep(t.beforeSleep)
	if s.Config.Lookup("tracking-table-max-keys") == nil {
		s.Config.Add(t.param())
	}
	return t
}

// param is tracking-table-max-keys for CONFIG GET and SET, for a server
// whose configuration registry does not own it already.
func (t *Tracker) param() *server.Param {
	return &server.Param{
		Name: "tracking-table-max-keys",
		Get:  func() string { return strconv.Itoa(t.MaxKeys) },
		Set: func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			switch {
			case err != nil:
				return errors.New("argument couldn't be parsed into an integer")
			case n < 0:
				return errors.New("argument must be between 0 and 9223372036854775807 inclusive")
			}
			t.MaxKeys = int(n)
			return nil
		},
	}
}

func (t *Tracker) get(c *server.Client) *state {
	st, _ := c.Slot(t.slot).(*state)
	return st
}

// Reset turns tracking off for a client that went away or sent RESET
// (server.ClientState).
func (t *Tracker) Reset(c *server.Client) { t.disable(c) }

// Describe is what CLIENT LIST shows of c: its flag letters in Redis's
// order (t tracking, R broken redirect, B broadcast) and redir=, -1 when
// tracking is off.
func (t *Tracker) Describe(c *server.Client) (flags string, redirect int64) {
	st := t.get(c)
	if st == nil {
		return "", -1
	}
	f := "t"
	if st.broken {
		f += "R"
	}
	if st.bcast {
		f += "B"
	}
	return f, st.redirect
}

// Stats are INFO's tracking_clients, tracking_total_keys,
// tracking_total_items and tracking_total_prefixes.
func (t *Tracker) Stats() (clients, keys, items, prefixes int) {
	return t.clients, len(t.table), t.items, len(t.prefixes)
}

// KeyWriting hears of a write about to happen (keyspace.WriteObserver).
// Inside a command it is only noted: the key has changed if the command
// propagates (Called). Outside one (an active expiry, an eviction, a
// woken blocked client's pop) it is a change now.
func (t *Tracker) KeyWriting(db int, key string, e *keyspace.Entry) {
	if len(t.table) == 0 && len(t.prefixes) == 0 {
		return
	}
	if t.srv.InCommand() {
		t.touches.Note(db, key, e != nil)
		return
	}
	t.invalidate(key, nil, true)
}

// Flushing hears of FLUSHALL and FLUSHDB (keyspace.FlushObserver): every
// tracking client is told once per command, with a null, that all it
// cached is gone.
func (t *Tracker) Flushing(int) {
	if t.srv.InCommand() {
		t.flushed = true
		return
	}
	t.invalidateAll()
}

// Called settles the command that just ran (server.CallObserver): the
// keys it changed are invalidated, the keys it read are remembered for
// its client, and at the end of the client's own command (EXEC's
// included) the invalidations meant for that client follow its reply.
func (t *Tracker) Called(c *server.Client, cmd *server.Command, changed bool) {
	cur := t.srv.Current()
	t.touches.Settle(t.ca, changed, func(_ int, key string) { t.invalidate(key, cur, true) })
	if t.flushed {
		t.flushed = false
		t.invalidateAll()
	}
	st := t.get(c)
	if st != nil && !st.bcast && cmd.Flags&server.ReadOnly != 0 {
		t.remember(c, st, cmd)
	}
	if t.srv.Nested() {
		return
	}
	if st != nil && !strings.HasPrefix(cmd.FullName(), "client|") && !t.inMulti(c) {
		st.caching = false // CLIENT CACHING lasts for one command (or one transaction)
	}
	t.sendPending(c)
}

func (t *Tracker) inMulti(c *server.Client) bool {
	tx := t.srv.Transactions()
	return tx != nil && tx.InMulti(c)
}

// remember adds the keys of c's read to the table, unless OPTIN without
// CLIENT CACHING yes or OPTOUT with CLIENT CACHING no says not to
// (Redis's trackingRememberKeys).
func (t *Tracker) remember(c *server.Client, st *state, cmd *server.Command) {
	if (st.optin && !st.caching) || (st.optout && st.caching) {
		return
	}
	for _, k := range cmd.KeyArgs(c.Args) {
		key := string(c.Args[k.Pos])
		ids := t.table[key]
		if ids == nil {
			ids = map[int64]struct{}{}
			t.table[key] = ids
		}
		if _, ok := ids[c.ID]; !ok {
			ids[c.ID] = struct{}{}
			t.items++
		}
	}
}

// invalidate is Redis's trackingInvalidateKey: key changed, by the
// running command of by (nil: by the server). With bcast, the BCAST
// prefixes note it for the next broadcast; each client that read it
// hears of it, except by itself under NOLOOP; and the key leaves the
// table until read again.
func (t *Tracker) invalidate(key string, by *server.Client, bcast bool) {
	var byID int64
	if by != nil {
		byID = by.ID
	}
	for p, bs := range t.prefixes {
		if bcast && strings.HasPrefix(key, p) {
			if _, ok := bs.keys[key]; !ok {
				bs.keys[key] = byID
			}
		}
	}
	ids, ok := t.table[key]
	if !ok {
		return
	}
	for id := range ids {
		target := t.srv.ClientByID(id)
		st := t.tracking(target)
		if st == nil || st.bcast || (st.noloop && target == by) {
			continue
		}
		if target == by {
			t.pending = append(t.pending, pending{key: key})
			continue
		}
		t.send(target, st, keyArray(key))
	}
	t.items -= len(ids)
	delete(t.table, key)
}

// tracking returns c's state if c is connected and tracking.
func (t *Tracker) tracking(c *server.Client) *state {
	if c == nil {
		return nil
	}
	return t.get(c)
}

// invalidateAll is Redis's trackingInvalidateKeysOnFlush: every tracking
// client gets a null invalidation (the running command's own after its
// reply), and the table is emptied.
func (t *Tracker) invalidateAll() {
	cur := t.srv.Current()
	for _, c := range t.srv.Clients() {
		st := t.get(c)
		if st == nil {
			continue
		}
		if c == cur {
			t.pending = append(t.pending, pending{flush: true})
			continue
		}
		t.send(c, st, null(c.Proto))
	}
	clear(t.table)
	t.items = 0
}

// sendPending sends c the invalidations its own command caused, now that
// its reply is complete (Redis's trackingHandlePendingKeyInvalidations).
func (t *Tracker) sendPending(c *server.Client) {
	if len(t.pending) == 0 {
		return
	}
	st := t.get(c)
	for _, p := range t.pending {
		if st == nil {
			break
		}
		if p.flush {
			t.send(c, st, null(c.Proto))
		} else {
			t.send(c, st, keyArray(p.key))
		}
	}
	clear(t.pending)
	t.pending = t.pending[:0]
}

// beforeSleep runs once per loop turn: the turn's BCAST changes are
// broadcast, and the table is brought back under MaxKeys.
func (t *Tracker) beforeSleep() {
	t.broadcast()
	t.limit()
}

// broadcast sends each BCAST prefix's changed keys, sorted, to its
// clients; a NOLOOP client is not told of the keys it changed itself
// (Redis's trackingBroadcastInvalidationMessages).
func (t *Tracker) broadcast() {
	for _, p := range sortedKeys(t.prefixes) {
		bs := t.prefixes[p]
		if len(bs.keys) == 0 {
			continue
		}
		keys := sortedKeys(bs.keys)
		ids := make([]int64, 0, len(bs.clients))
		for id := range bs.clients {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			c := bs.clients[id]
			st := t.get(c)
			if st == nil {
				continue
			}
			send := keys
			if st.noloop {
				send = nil
				for _, k := range keys {
					if bs.keys[k] != c.ID {
						send = append(send, k)
					}
				}
				if len(send) == 0 {
					continue
				}
			}
			t.send(c, st, keyArray(send...))
		}
		clear(bs.keys)
	}
}

// limit evicts keys from the table while it holds more than MaxKeys,
// invalidating them, with an effort that grows each turn the table stays
// over (Redis's trackingLimitUsedSlots). Go's map order is the random
// walk.
func (t *Tracker) limit() {
	if t.MaxKeys <= 0 || len(t.table) <= t.MaxKeys {
		t.effort = 0
		return
	}
	effort := 100 * (t.effort + 1)
	for key := range t.table {
		if effort == 0 {
			break
		}
		effort--
		t.invalidate(key, nil, false) // the key did not change: no broadcast
		if len(t.table) <= t.MaxKeys {
			t.effort = 0
			return
		}
	}
	t.effort++
}

// payload writes the keys part of an invalidation message.
type payload func(w *resp.Writer)

func keyArray(keys ...string) payload {
	return func(w *resp.Writer) {
		w.Array(len(keys))
		for _, k := range keys {
			w.BulkString(k)
		}
	}
}

// null is a flush's payload: the null of the tracking client's protocol
// (Redis's shared.null[c->resp]), even when a client of the other one
// receives it.
func null(proto int) payload {
	raw := []byte("$-1\r\n")
	if proto >= 3 {
		raw = []byte("_\r\n")
	}
	return func(w *resp.Writer) { w.Raw(raw) }
}

// send delivers one invalidation for c: on c's own connection in RESP3,
// or to the client it redirects to, as a push in RESP3 or as a message
// on Channel to a RESP2 subscriber (Redis's sendTrackingMessage). A RESP2
// client without a redirect gets nothing: RESP2 has no push. A redirect
// to a client that went away marks c's tracking broken, and a RESP3 c
// is told so.
func (t *Tracker) send(c *server.Client, st *state, keys payload) {
	target, redirected := c, false
	if st.redirect != 0 {
		r := t.srv.ClientByID(st.redirect)
		if r == nil {
			st.broken = true
			if c.Proto >= 3 {
				t.write(c, func(w *resp.Writer) {
					w.Push(2)
					w.BulkString("tracking-redir-broken")
					w.Int(st.redirect)
				})
			}
			return
		}
		target, redirected = r, true
	}
	switch {
	case target.Proto >= 3:
		t.write(target, func(w *resp.Writer) {
			w.Push(2)
			w.BulkString("invalidate")
			keys(w)
		})
	case redirected && t.subscribed(target):
		t.write(target, func(w *resp.Writer) {
			w.Array(3)
			w.BulkString("message")
			w.BulkString(Channel)
			keys(w)
		})
	}
}

// write adds a message to c's output: after the reply being built when c
// is the client whose command is ending, straight to its connection
// otherwise.
func (t *Tracker) write(c *server.Client, fn func(w *resp.Writer)) {
	if c == t.srv.Current() {
		proto := c.W.Proto
		c.W.Proto = c.Proto
		fn(c.W)
		c.W.Proto = proto
		return
	}
	t.srv.WriteTo(c, fn)
}

func (t *Tracker) subscribed(c *server.Client) bool {
	ps := t.srv.Subscriptions()
	return ps != nil && ps.Subscribed(c)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
