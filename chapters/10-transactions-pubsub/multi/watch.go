package multi

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// KeyWriting, Flushing and Swapped are the keyspace observer methods:
// WATCH follows every database's changes.
func (m *Multi) KeyWriting(db int, key string, e *keyspace.Entry) { m.beforeWrite(db, key, e) }

// Flushing: every watched key of db that exists changes.
func (m *Multi) Flushing(db int) { m.replaced(db, m.ca.DBs[db], nil) }

// Swapped is SWAPDB: databases a and b traded their contents, so the
// watchers of either see the change.
func (m *Multi) Swapped(a, b int) {
	m.replaced(a, m.ca.DBs[b], m.ca.DBs[a])
	m.replaced(b, m.ca.DBs[a], m.ca.DBs[b])
}

// Called is the server.CallObserver method: a command that changed data
// (propagated) has changed the watched keys it looked up for writing;
// one that did not has only looked.
func (m *Multi) Called(_ *server.Client, _ *server.Command, changed bool) {
	if changed {
		m.commit()
	}
	m.touched = m.touched[:0]
}

// now is the time expiry is judged by: 0 (nothing expires) while the AOF
// loads, as the cache does.
func (m *Multi) now() int64 {
	if m.ca.Loading() {
		return 0
	}
	return m.srv.Now().UnixMilli()
}

// beforeWrite sees every change the keyspace is about to make to key. A
// key removed because it expired has changed for its watchers at once,
// except for those that watched it already expired: for them it was
// absent all along. Any other write inside a command is only noted: it
// counts once the command propagates, the keyspace's sign that something
// did change.
func (m *Multi) beforeWrite(db int, k string, e *keyspace.Entry) {
	sts := m.watchers[db][k]
	if len(sts) == 0 {
		return
	}
	if e != nil && e.IsExpired(m.now()) {
		for _, st := range sts {
			if w := st.find(db, k); w != nil && w.expired {
				w.expired = false
				continue
			}
			st.dirty = true
		}
		return
	}
	if !m.srv.InCommand() {
		// No command runs: an evicted key, or a pop for a woken blocked
		// client. That is a change, whatever follows.
		for _, st := range sts {
			st.dirty = true
		}
		return
	}
	m.touched = append(m.touched, touch{key{db, k}, e != nil})
}

// commit marks the watchers of the keys the command that just ran
// touched: it propagated, so it changed data, though not necessarily
// every key it looked up for writing.
func (m *Multi) commit() {
	for _, t := range m.touched {
		k := t.key
		if !t.existed && m.ca.DBs[k.db].Peek([]byte(k.key), 0) == nil {
			continue // missing before and after: the command only looked
		}
		for _, st := range m.watchers[k.db][k.key] {
			st.dirty = true
		}
	}
	m.touched = m.touched[:0]
}

// replaced is Redis's touchAllWatchedKeysInDb: database index held the
// keys of old and is about to be emptied (with == nil: FLUSHALL, FLUSHDB)
// or now holds those of with (SWAPDB). A watched key that exists on
// either side changes, with the exceptions for keys that were already
// expired.
func (m *Multi) replaced(index int, old, with *keyspace.DB) {
	if len(m.watchers[index]) == 0 {
		return
	}
	db := old
	now := m.now()
	for k, sts := range m.watchers[index] {
		kb := []byte(k)
		inOld := db.Peek(kb, 0) != nil // present, even if expired: Peek with 0 removes nothing
		var inNew *keyspace.Entry
		if with != nil {
			inNew = with.Peek(kb, 0)
		}
		if !inOld && inNew == nil {
			continue
		}
		for _, st := range sts {
			w := st.find(index, k)
			switch {
			case w != nil && w.expired && inNew == nil:
				w.expired = false // the expired key is gone: no change
				continue
			case w != nil && w.expired && inNew.IsExpired(now):
				continue // still expired
			case w != nil && !w.expired && !inOld && inNew.IsExpired(now):
				w.expired = true // absent before, expired now: still absent
				continue
			}
			st.dirty = true
		}
	}
}

// watchedExpired reports whether a key watched while alive has expired by
// now, removed or not: EXEC must fail then, as in Redis 7.0.
func (m *Multi) watchedExpired(st *state) bool {
	now := m.now()
	for _, w := range st.watching {
		if w.expired {
			continue
		}
		if e := m.ca.DBs[w.db].Peek([]byte(w.key.key), 0); e != nil && e.IsExpired(now) {
			return true
		}
	}
	return false
}

func (st *state) find(db int, k string) *watched {
	for i := range st.watching {
		if w := &st.watching[i]; w.db == db && w.key.key == k {
			return w
		}
	}
	return nil
}

// watch is WATCH key [key ...].
func (m *Multi) watch(c *server.Client) {
	if st := m.get(c); st != nil && st.inMulti {
		c.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	st := m.attach(c)
	db := m.ca.DBs[c.DB]
	now := m.now()
	if m.watchers[c.DB] == nil {
		m.watchers[c.DB] = map[string][]*state{}
	}
	for _, arg := range c.Args[1:] {
		k := string(arg)
		if st.find(c.DB, k) != nil {
			continue
		}
		e := db.Peek(arg, 0)
		st.watching = append(st.watching, watched{key: key{c.DB, k}, expired: e != nil && e.IsExpired(now)})
		m.watchers[c.DB][k] = append(m.watchers[c.DB][k], st)
	}
	c.OK()
}

// unwatch is UNWATCH: forget the watched keys, and that one changed.
func (m *Multi) unwatch(c *server.Client) {
	if st := m.get(c); st != nil {
		m.unwatchAll(st)
		st.dirty = false
		m.release(st)
	}
	c.OK()
}

// unwatchAll removes st from the watchers of each key it watches.
func (m *Multi) unwatchAll(st *state) {
	for _, w := range st.watching {
		table := m.watchers[w.db]
		sts := table[w.key.key]
		for i, x := range sts {
			if x == st {
				sts = append(sts[:i], sts[i+1:]...)
				break
			}
		}
		if len(sts) == 0 {
			delete(table, w.key.key)
		} else {
			table[w.key.key] = sts
		}
	}
	st.watching = nil
}
