// Package keyspace is one Redis database: a hash table (package dict)
// from binary-safe keys to entries, with lazy and active expiry, and
// observers that hear of every change.
//
// A DB is owned by one goroutine (the event loop) and has no locks.
// Times are unix milliseconds passed in by the caller, so tests need no
// sleeping and the AOF loader can turn expiry off (now = 0).
package keyspace

import (
	"unsafe"

	"github.com/gocache/gocache/chapters/03-cache/dict"
)

// DB is one database. The zero value is an empty database ready to use.
//
// A DB is its keys (contents) plus what belongs to its position among
// the server's databases: its index, the observers of every database,
// and NewMark. SWAPDB exchanges the contents of two positions; Flush
// empties one; neither touches the rest.
type DB struct {
	contents

	// NewMark is the Mark given to keys inserted from now on. The AOF
	// rewrite sets it to its epoch so that keys created while it runs
	// (whose creation is logged in the new incr file) are not also
	// written to the new base.
	NewMark uint32

	index int        // position among the server's databases (Observe)
	obs   *Observers // shared by the server's databases; nil for a lone DB
}

// contents are a database's keys: the hash table, whose slab of entries
// names each key by a slot number, and the list of keys with a time to
// live.
type contents struct {
	keys dict.Table[Entry, *Entry]

	vol     []uint32 // slots of keys with a time to live (may list stale slots, see listedBit)
	volNext int      // ActiveExpire's position in vol
	expires int      // keys with ExpireAt != 0
}

// New returns an empty database.
func New() *DB { return &DB{} }

// NewDatabases returns n empty databases, index i at dbs[i]: a server's
// keyspace, SELECT 0 to n-1.
func NewDatabases(n int) []*DB {
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = New()
	}
	return dbs
}

// Len is the number of keys, including expired keys not removed yet (as
// Redis's DBSIZE).
func (db *DB) Len() int { return db.keys.Len() }

// Expires is the number of keys with a time to live.
func (db *DB) Expires() int { return db.expires }

func (db *DB) entry(slot uint32) *Entry { return db.keys.Entry(slot) }

// keyBytes views a string as bytes without copying; only for reading.
func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// find returns the entry for key and its slot, or nil.
func (db *DB) find(key []byte) (*Entry, uint32) { return db.keys.Find(key) }

// Lookup returns the entry for key for reading, or nil. A key whose time
// to live has passed is removed (lazy expiry) and reported as absent.
func (db *DB) Lookup(key []byte, now int64) *Entry {
	e, slot := db.find(key)
	if e == nil {
		return nil
	}
	if e.IsExpired(now) {
		db.expire(slot, e)
		return nil
	}
	db.touch(e, now)
	return e
}

// Peek is Lookup without touching the access clock (Redis's
// LOOKUP_NOTOUCH: EXISTS, TTL, OBJECT must not make a key look used).
func (db *DB) Peek(key []byte, now int64) *Entry {
	e, slot := db.find(key)
	if e != nil && e.IsExpired(now) {
		db.expire(slot, e)
		return nil
	}
	return e
}

// LookupWrite is Lookup for a command that is about to change the key:
// it also tells the write observers (with nil when the key is absent).
// Changes through the returned entry (SetBytes, Append, Value,
// SetExpire, Persist) need no further notice.
func (db *DB) LookupWrite(key []byte, now int64) *Entry {
	e := db.Lookup(key, now)
	db.beforeWrite(key, e)
	return e
}

// beforeWrite tells the write observers that key is about to change.
// The key's string is built only when someone listens.
func (db *DB) beforeWrite(key []byte, e *Entry) {
	if db.obs == nil || len(db.obs.writes) == 0 {
		return
	}
	k := ""
	if e != nil {
		k = e.Key
	} else {
		k = string(key)
	}
	db.obs.writing(db.index, k, e)
}

// touch records an access: the LRU clock, or the observers' access
// counter (an LFU policy's).
func (db *DB) touch(e *Entry, now int64) {
	if db.obs != nil && db.obs.access != nil {
		db.obs.access.Touch(e, now)
		return
	}
	e.LRU = LRUClock(now)
}

// SetString sets key to the string val (copied), inserting the key if
// needed, and clears its time to live, as Redis's setKey without
// KEEPTTL. Overwriting a value of the same size allocates nothing.
func (db *DB) SetString(key, val []byte, now int64) *Entry {
	e := db.upsert(key, now)
	e.SetBytes(val)
	return e
}

// Set is SetString for values of other types; v should be a pointer.
func (db *DB) Set(key []byte, v any, now int64) *Entry {
	e := db.upsert(key, now)
	e.Value = v
	e.meta &= listedBit
	return e
}

// upsert finds or inserts key for a write that replaces the value.
func (db *DB) upsert(key []byte, now int64) *Entry {
	e, slot := db.find(key)
	if e != nil && e.IsExpired(now) {
		db.expire(slot, e)
		e = nil
	}
	db.beforeWrite(key, e)
	if e == nil {
		e = db.insert(key)
	} else {
		db.clearTTL(e)
	}
	db.touch(e, now)
	return e
}

// Delete removes key and reports whether it was there. An expired key
// is removed as expired (the expire observers hear of it) and reported
// absent, as Redis's DEL does.
func (db *DB) Delete(key []byte, now int64) bool {
	e, slot := db.find(key)
	if e == nil {
		return false
	}
	if e.IsExpired(now) {
		db.expire(slot, e)
		return false
	}
	db.beforeWrite(key, e)
	db.removeSlot(slot)
	return true
}

// Remove deletes the key of an entry obtained from this DB (eviction
// uses it with RandomEntry). It is a write, not an expiry, for the
// observers.
func (db *DB) Remove(e *Entry) {
	key := keyBytes(e.Key)
	found, slot := db.find(key)
	if found != e {
		return
	}
	db.beforeWrite(key, e)
	db.removeSlot(slot)
}

// expire removes an entry whose time to live has passed.
func (db *DB) expire(slot uint32, e *Entry) {
	key := e.Key
	db.beforeWrite(keyBytes(key), e)
	db.removeSlot(slot)
	db.obs.expired(db.index, key)
}

// Flush removes every key. Memory is left to the garbage collector.
func (db *DB) Flush() {
	db.obs.flushing(db.index)
	db.contents = contents{}
}

// Swap exchanges the keys of db and other (Redis's SWAPDB), then tells
// the swap observers. Only the contents move: the index, the observers
// and NewMark belong to the position.
func (db *DB) Swap(other *DB) {
	db.contents, other.contents = other.contents, db.contents
	db.obs.swapped(db.index, other.index)
}

// insert adds a new key (absent by contract) and returns its entry.
func (db *DB) insert(key []byte) *Entry {
	e, _ := db.keys.Insert(string(key))
	e.Mark = db.NewMark
	return e
}

// removeSlot removes the key in slot and clears its entry. The listed
// flag belongs to the slot, not the key, and stays (see listedBit).
func (db *DB) removeSlot(slot uint32) {
	e := db.entry(slot)
	if e.ExpireAt != 0 {
		db.expires--
	}
	db.keys.Remove(slot)
	*e = Entry{next: e.next, meta: e.meta & listedBit}
}

// Expand sizes an empty database for n keys (an RDB file's RESIZEDB
// hint); see dict.Table.Expand.
func (db *DB) Expand(n int) { db.keys.Expand(n) }

// Rehash moves up to n buckets of a table that is resizing and reports
// whether the resize goes on (see dict.Table.Rehash). Operations move
// one bucket each; a timer may call Rehash with more to finish sooner
// while the server is idle (Redis's activerehashing).
func (db *DB) Rehash(n int) bool { return db.keys.Rehash(n) }

// Scan calls fn for the entries of some buckets, starting at cursor, and
// returns the cursor for the next call; 0 means the scan is complete. It
// stops after about count entries, with Redis's cursor and its promise:
// every key present during the whole scan is returned at least once,
// however the table grows or shrinks between calls (see dict.Table.Scan).
//
// fn must not insert or remove keys; it may look keys up (rehashing is
// paused during the call).
func (db *DB) Scan(cursor uint64, count int, fn func(e *Entry)) uint64 {
	return db.keys.Scan(cursor, count, fn)
}

// RandomEntry returns a key chosen at random, or nil when the DB is
// empty. Expired keys met on the way are removed, as Redis's RANDOMKEY
// does; each such step removes a key, so the loop ends.
func (db *DB) RandomEntry(now int64) *Entry {
	for {
		e, slot := db.keys.Random()
		if e == nil || !e.IsExpired(now) {
			return e
		}
		db.expire(slot, e)
	}
}
