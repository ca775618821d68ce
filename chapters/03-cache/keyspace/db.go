// Package keyspace is one Redis database: a hash table from binary-safe
// keys to entries, with Redis's incremental rehashing, SCAN cursor,
// lazy and active expiry, and observers that hear of every change.
//
// A DB is owned by one goroutine (the event loop) and has no locks.
// Times are unix milliseconds passed in by the caller, so tests need no
// sleeping and the AOF loader can turn expiry off (now = 0).
package keyspace

import (
	"hash/maphash"
	"math/rand/v2"
	"unsafe"
)

// chunkSize entries make one slab chunk: 56 KiB, exactly 7 pages. A
// chunk above 32 KiB is a "large" Go object, with no 8-byte malloc
// header that would round a smaller chunk up to the next size class.
const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	chunkMask  = chunkSize - 1
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

// contents are a database's keys: the slab, the hash tables and the
// list of keys with a time to live.
type contents struct {
	seed maphash.Seed
	ht   [2][]uint32 // buckets: slot+1 of the first entry of the chain; 0 = empty
	used [2]int      // entries in each table
	// While rehashing, buckets of ht[0] below rehashIdx have moved to
	// ht[1]; new keys go to ht[1].
	rehashing bool
	rehashIdx int
	paused    int // > 0 during Scan callbacks: no rehash steps

	chunks []*[chunkSize]Entry // the slab
	slots  uint32              // slots handed out so far
	free   uint32              // slot+1 of the first free slot; free slots chain through next

	vol     []uint32 // slots of keys with a time to live (may list stale slots, see listedBit)
	volNext int      // ActiveExpire's position in vol
	expires int      // keys with ExpireAt != 0
}

// New returns an empty database.
func New() *DB { return &DB{} }

// Len is the number of keys, including expired keys not removed yet (as
// Redis's DBSIZE).
func (db *DB) Len() int { return db.used[0] + db.used[1] }

// Expires is the number of keys with a time to live.
func (db *DB) Expires() int { return db.expires }

func (db *DB) entry(slot uint32) *Entry {
	return &db.chunks[slot>>chunkShift][slot&chunkMask]
}

func (db *DB) hash(key []byte) uint64 { return maphash.Bytes(db.seed, key) }

// keyBytes views a string as bytes without copying; only for reading.
func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// find returns the entry for key and its slot, or nil. It does one
// rehash step first, like dict.c's lookups, so a table that is resizing
// finishes within a bounded number of operations.
func (db *DB) find(key []byte) (*Entry, uint32) {
	if db.Len() == 0 {
		return nil, 0
	}
	if db.rehashing && db.paused == 0 {
		db.rehash(1)
	}
	h := db.hash(key)
	for t := 0; t < 2; t++ {
		b := db.ht[t]
		for s := b[h&uint64(len(b)-1)]; s != 0; {
			e := db.entry(s - 1)
			if e.Key == string(key) {
				return e, s - 1
			}
			s = e.next
		}
		if !db.rehashing {
			break
		}
	}
	return nil, 0
}

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
	db.removeSlot(slot, db.hash(key))
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
	db.removeSlot(slot, db.hash(key))
}

// expire removes an entry whose time to live has passed.
func (db *DB) expire(slot uint32, e *Entry) {
	key := e.Key
	db.beforeWrite(keyBytes(key), e)
	db.removeSlot(slot, db.hash(keyBytes(key)))
	db.obs.expired(db.index, key)
}

// Flush removes every key. Memory is left to the garbage collector.
func (db *DB) Flush() {
	db.obs.flushing(db.index)
	db.contents = contents{seed: db.seed}
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
	if db.ht[0] == nil {
		db.seed = maphash.MakeSeed()
		db.ht[0] = make([]uint32, 4)
	}
	db.expandIfNeeded()
	slot := db.allocSlot()
	e := db.entry(slot)
	e.Key = string(key)
	e.Mark = db.NewMark
	t := 0
	if db.rehashing {
		t = 1
	}
	b := db.ht[t]
	i := db.hash(key) & uint64(len(b)-1)
	e.next = b[i]
	b[i] = slot + 1
	db.used[t]++
	return e
}

// allocSlot takes a slot from the free list, or a new one from the slab.
func (db *DB) allocSlot() uint32 {
	if db.free != 0 {
		slot := db.free - 1
		e := db.entry(slot)
		db.free = e.next
		e.next = 0
		return slot
	}
	slot := db.slots
	if slot>>chunkShift == uint32(len(db.chunks)) {
		db.chunks = append(db.chunks, new([chunkSize]Entry))
	}
	db.slots++
	return slot
}

// removeSlot unlinks the entry in slot (whose key hashes to h) from its
// chain, clears it and puts the slot on the free list.
func (db *DB) removeSlot(slot uint32, h uint64) {
	for t := 0; t < 2; t++ {
		b := db.ht[t]
		if len(b) == 0 {
			continue
		}
		link := &b[h&uint64(len(b)-1)]
		for *link != 0 && *link != slot+1 {
			link = &db.entry(*link - 1).next
		}
		if *link == 0 {
			continue
		}
		e := db.entry(slot)
		*link = e.next
		db.used[t]--
		if e.ExpireAt != 0 {
			db.expires--
		}
		*e = Entry{next: db.free, meta: e.meta & listedBit}
		db.free = slot + 1
		db.shrinkIfNeeded()
		return
	}
	panic("keyspace: removing an entry that is not linked")
}

// RandomEntry returns a key chosen at random, or nil when the DB is
// empty. Expired keys met on the way are removed, as Redis's RANDOMKEY
// does; each such step removes a key, so the loop ends.
func (db *DB) RandomEntry(now int64) *Entry {
	for db.Len() > 0 {
		e, slot := db.randomSlot()
		if !e.IsExpired(now) {
			return e
		}
		db.expire(slot, e)
	}
	return nil
}

// randomSlot picks a random occupied slot. Picking from the slab is fair
// (every key equally likely); when the slab is mostly free slots it
// falls back to dict.c's way: a random non-empty bucket, then a random
// entry of its chain.
func (db *DB) randomSlot() (*Entry, uint32) {
	for try := 0; try < 8; try++ {
		slot := rand.Uint32N(db.slots)
		if e := db.entry(slot); e.Value != nil {
			return e, slot
		}
	}
	if db.rehashing && db.paused == 0 {
		db.rehash(1)
	}
	for {
		var s uint32
		if db.rehashing {
			// ht[0] below rehashIdx is empty.
			n := len(db.ht[0]) - db.rehashIdx + len(db.ht[1])
			i := db.rehashIdx + rand.IntN(n)
			if i < len(db.ht[0]) {
				s = db.ht[0][i]
			} else {
				s = db.ht[1][i-len(db.ht[0])]
			}
		} else {
			s = db.ht[0][rand.IntN(len(db.ht[0]))]
		}
		if s == 0 {
			continue
		}
		n := 0
		for c := s; c != 0; c = db.entry(c - 1).next {
			n++
		}
		for k := rand.IntN(n); k > 0; k-- {
			s = db.entry(s - 1).next
		}
		return db.entry(s - 1), s - 1
	}
}
