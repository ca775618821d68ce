// Package keyspace is one Redis database: a hash table (package dict)
// from binary-safe keys to entries, with lazy and active expiry and
// hooks for persistence.
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
type DB struct {
	// BeforeWrite, if set, is called before a write changes key: on
	// LookupWrite, Set, SetString, Delete, Remove and before a key is
	// removed because it expired. e is the entry as it is (nil if the
	// key is absent). The AOF rewrite saves the old value here.
	BeforeWrite func(key string, e *Entry)
	// BeforeFlush, if set, is called at the start of Flush.
	BeforeFlush func()
	// Expired, if set, is called after a key was removed because its time
	// to live passed (the server propagates a DEL).
	Expired func(key string)
	// Touch, if set, replaces the default access bookkeeping of lookups
	// (e.LRU = LRUClock(now)); an LFU policy installs its counter here.
	Touch func(e *Entry, now int64)
	// NewMark is the Mark given to keys inserted from now on. The AOF
	// rewrite sets it to its epoch so that keys created while it runs
	// (whose creation is logged in the new incr file) are not also
	// written to the new base.
	NewMark uint32

	keys dict.Table[Entry, *Entry] // the keys, in a slab: a slot number names an entry

	vol     []uint32 // slots of keys with a time to live (may list stale slots, see listedBit)
	volNext int      // ActiveExpire's position in vol
	expires int      // keys with ExpireAt != 0
}

// New returns an empty database.
func New() *DB { return &DB{} }

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
// it also calls BeforeWrite (with nil when the key is absent). Changes
// through the returned entry (SetBytes, Append, Value, SetExpire,
// Persist) need no further hook call.
func (db *DB) LookupWrite(key []byte, now int64) *Entry {
	e := db.Lookup(key, now)
	db.beforeWrite(key, e)
	return e
}

func (db *DB) beforeWrite(key []byte, e *Entry) {
	if db.BeforeWrite == nil {
		return
	}
	if e != nil {
		db.BeforeWrite(e.Key, e)
	} else {
		db.BeforeWrite(string(key), nil)
	}
}

func (db *DB) touch(e *Entry, now int64) {
	if db.Touch != nil {
		db.Touch(e, now)
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
// is removed as expired (Expired hook) and reported absent, as Redis's
// DEL does.
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
// uses it with RandomEntry). It calls BeforeWrite, not Expired.
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
	if db.BeforeWrite != nil {
		db.BeforeWrite(key, e)
	}
	db.removeSlot(slot)
	if db.Expired != nil {
		db.Expired(key)
	}
}

// Flush removes every key. Memory is left to the garbage collector.
func (db *DB) Flush() {
	if db.BeforeFlush != nil {
		db.BeforeFlush()
	}
	*db = DB{
		BeforeWrite: db.BeforeWrite,
		BeforeFlush: db.BeforeFlush,
		Expired:     db.Expired,
		Touch:       db.Touch,
		NewMark:     db.NewMark,
	}
}

// Swap exchanges the keys of db and other (Redis's SWAPDB). The hooks
// and NewMark stay where they are: they belong to the database's
// position (its index), which is what the keys move between.
func (db *DB) Swap(other *DB) {
	a, b := *db, *other
	*db, *other = b, a
	db.BeforeWrite, other.BeforeWrite = a.BeforeWrite, b.BeforeWrite
	db.BeforeFlush, other.BeforeFlush = a.BeforeFlush, b.BeforeFlush
	db.Expired, other.Expired = a.Expired, b.Expired
	db.Touch, other.Touch = a.Touch, b.Touch
	db.NewMark, other.NewMark = a.NewMark, b.NewMark
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
