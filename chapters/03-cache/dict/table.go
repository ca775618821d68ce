// Package dict is Redis's dict.c in Go: a chained hash table with
// incremental rehashing and the reverse-binary SCAN cursor, which returns
// every key present for a whole scan at least once while the table grows
// or shrinks. The keyspace (one database) is built on a Table; hashes,
// sets and sorted sets keep their big encodings in a Dict.
//
// A Go map cannot be scanned with a cursor that survives a resize, so a
// Table keeps its own buckets. Entries live in a slab of chunks that grow
// from 8 entries up to 1024, so a small table does not pay for a big
// chunk and an entry costs no allocation of its own; buckets and chains
// link entries by slot number (a uint32) instead of by pointer.
//
// A Table is owned by one goroutine and has no locks, as in Redis.
package dict

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"math/rand/v2"
	"unsafe"
)

const (
	// minBuckets is the size of a new table (DICT_HT_INITIAL_SIZE).
	minBuckets = 4
	// Chunk k (k >= 1) holds slots [2^(k+2), 2^(k+3)) until chunks reach
	// 1024 entries; chunk 0 holds slots [0, 8). After 2048 slots every
	// chunk holds 1024: for a 56-byte entry that is 56 KiB, a "large" Go
	// object with no malloc header to round it up to a bigger size class.
	firstChunk = 8
	bigShift   = 10
	bigChunk   = 1 << bigShift
	bigStart   = 2 * bigChunk // slots before the first fixed-size chunk
	// freeBit marks the link of a free slot, so that All and Random can
	// tell free slots from live ones without asking the entry type.
	freeBit = 1 << 31
)

// Linked is what a Table needs of its entry type E: *E must give the
// table the entry's key and a uint32 for the table to chain entries with.
// The entry type only stores them; the table reads and writes both.
type Linked[E any] interface {
	*E
	// DictLink returns pointers to the entry's key and to its link:
	// slot+1 of the next entry in the bucket (or of the next free slot),
	// 0 at the end.
	DictLink() (key *string, next *uint32)
}

// Table maps binary-safe string keys to entries of type E, stored by
// value in the table's slab. The zero value is an empty table.
//
// A pointer to an entry stays valid until the next Insert or Remove;
// after that its slot may hold another key. A slot number stays the
// key's for as long as the key is in the table.
type Table[E any, P Linked[E]] struct {
	seed maphash.Seed // chosen at the first insert, so clients cannot aim for collisions
	ht   [2][]uint32  // buckets: slot+1 of the first entry of the chain; 0 = empty
	used [2]int       // entries in each table
	// While rehashing, buckets of ht[0] below rehashIdx have moved to
	// ht[1]; new keys go to ht[1].
	rehashing bool
	rehashIdx int
	paused    int // > 0 during Scan callbacks: no rehash steps

	chunks [][]E  // the slab
	slots  uint32 // slots handed out so far
	free   uint32 // slot+1 of the first free slot; free slots chain through their links
}

// Len is the number of keys.
func (t *Table[E, P]) Len() int { return t.used[0] + t.used[1] }

// Buckets is the number of buckets of both tables (for memory reports).
func (t *Table[E, P]) Buckets() int { return len(t.ht[0]) + len(t.ht[1]) }

// Rehashing reports whether a resize is in progress.
func (t *Table[E, P]) Rehashing() bool { return t.rehashing }

// Slots is the number of slots handed out so far: live entries and free
// slots. Every slot below it is a valid argument to Entry.
func (t *Table[E, P]) Slots() uint32 { return t.slots }

func (t *Table[E, P]) hash(key []byte) uint64 { return maphash.Bytes(t.seed, key) }

// keyBytes views a string as bytes without copying; only for reading.
func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// chunkOf maps a slot to its chunk and its index in the chunk.
func chunkOf(slot uint32) (int, uint32) {
	if slot < firstChunk {
		return 0, slot
	}
	if slot < bigStart {
		k := bits.Len32(slot) - 3
		return k, slot - 1<<(k+2)
	}
	s := slot - bigStart
	return 9 + int(s>>bigShift), s & (bigChunk - 1)
}

func chunkLen(k int) int {
	switch {
	case k == 0:
		return firstChunk
	case k < 9:
		return 1 << (k + 2)
	}
	return bigChunk
}

// Entry returns the entry in slot, live or free; slot must be below
// Slots.
func (t *Table[E, P]) Entry(slot uint32) P {
	k, i := chunkOf(slot)
	return &t.chunks[k][i]
}

// IsFree reports whether slot holds no key.
func (t *Table[E, P]) IsFree(slot uint32) bool {
	_, next := t.Entry(slot).DictLink()
	return *next&freeBit != 0
}

// Find returns the entry for key and its slot, or nil. It does one
// rehash step first, like dict.c's lookups, so a table that is resizing
// finishes within a bounded number of operations.
func (t *Table[E, P]) Find(key []byte) (P, uint32) {
	if t.Len() == 0 {
		return nil, 0
	}
	if t.rehashing && t.paused == 0 {
		t.rehash(1)
	}
	h := t.hash(key)
	for i := 0; i < 2; i++ {
		b := t.ht[i]
		for s := b[h&uint64(len(b)-1)]; s != 0; {
			e := t.Entry(s - 1)
			k, next := e.DictLink()
			if *k == string(key) {
				return e, s - 1
			}
			s = *next
		}
		if !t.rehashing {
			break
		}
	}
	return nil, 0
}

// Insert adds key, which must be absent, and returns its entry (zero but
// for the key) and its slot. The table keeps key as it is, so a caller
// that holds the key as a string already shares its bytes.
func (t *Table[E, P]) Insert(key string) (P, uint32) {
	if t.ht[0] == nil && !t.rehashing {
		t.seed = maphash.MakeSeed()
		t.ht[0] = make([]uint32, minBuckets)
	}
	t.expandIfNeeded()
	slot := t.allocSlot()
	e := t.Entry(slot)
	k, next := e.DictLink()
	*k = key
	i := 0
	if t.rehashing {
		i = 1
	}
	b := t.ht[i]
	h := t.hash(keyBytes(key)) & uint64(len(b)-1)
	*next = b[h]
	b[h] = slot + 1
	t.used[i]++
	return e, slot
}

// allocSlot takes a slot from the free list, or a new one from the slab.
func (t *Table[E, P]) allocSlot() uint32 {
	if t.free != 0 {
		slot := t.free - 1
		_, next := t.Entry(slot).DictLink()
		t.free = *next &^ freeBit
		*next = 0
		return slot
	}
	slot := t.slots
	if k, _ := chunkOf(slot); k == len(t.chunks) {
		t.chunks = append(t.chunks, make([]E, chunkLen(k)))
	}
	t.slots++
	return slot
}

// Remove unlinks the key in slot and puts the slot on the free list. It
// clears the key; the rest of the entry is left to the caller, who
// clears what should not stay reachable (and may keep what belongs to
// the slot rather than the key), but must not touch the link.
func (t *Table[E, P]) Remove(slot uint32) {
	e := t.Entry(slot)
	k, next := e.DictLink()
	h := t.hash(keyBytes(*k))
	for i := 0; i < 2; i++ {
		b := t.ht[i]
		if len(b) == 0 {
			continue
		}
		link := &b[h&uint64(len(b)-1)]
		for *link != 0 && *link != slot+1 {
			_, link = t.Entry(*link - 1).DictLink()
		}
		if *link == 0 {
			continue
		}
		*link = *next
		t.used[i]--
		*k = ""
		*next = t.free | freeBit
		t.free = slot + 1
		t.shrinkIfNeeded()
		return
	}
	panic("dict: removing an entry that is not linked")
}

// Slot returns the slot of a live entry of this table.
func (t *Table[E, P]) Slot(e P) uint32 {
	k, _ := e.DictLink()
	h := t.hash(keyBytes(*k))
	for i := 0; i < 2; i++ {
		b := t.ht[i]
		if len(b) == 0 {
			continue
		}
		for s := b[h&uint64(len(b)-1)]; s != 0; {
			c := t.Entry(s - 1)
			if c == e {
				return s - 1
			}
			_, next := c.DictLink()
			s = *next
		}
	}
	panic("dict: entry is not in this table")
}

// All iterates over the live entries in slot order. The loop body may
// remove the entry it is given; inserting during the loop may or may not
// visit the new keys.
func (t *Table[E, P]) All() iter.Seq2[uint32, P] {
	return func(yield func(uint32, P) bool) {
		for slot := uint32(0); slot < t.slots; slot++ {
			if t.IsFree(slot) {
				continue
			}
			if !yield(slot, t.Entry(slot)) || t.Len() == 0 {
				return
			}
		}
	}
}

// Random returns an entry chosen at random and its slot, or nil when the
// table is empty. Drawing from the slab is fair (every key equally
// likely); when the slab is mostly free slots it falls back to dict.c's
// way: a random non-empty bucket, then a random entry of its chain.
func (t *Table[E, P]) Random() (P, uint32) {
	if t.Len() == 0 {
		return nil, 0
	}
	for try := 0; try < 8; try++ {
		slot := rand.Uint32N(t.slots)
		if !t.IsFree(slot) {
			return t.Entry(slot), slot
		}
	}
	if t.rehashing && t.paused == 0 {
		t.rehash(1)
	}
	next := func(s uint32) uint32 {
		_, n := t.Entry(s - 1).DictLink()
		return *n
	}
	for {
		var s uint32
		if t.rehashing {
			// ht[0] below rehashIdx is empty.
			n := len(t.ht[0]) - t.rehashIdx + len(t.ht[1])
			i := t.rehashIdx + rand.IntN(n)
			if i < len(t.ht[0]) {
				s = t.ht[0][i]
			} else {
				s = t.ht[1][i-len(t.ht[0])]
			}
		} else {
			s = t.ht[0][rand.IntN(len(t.ht[0]))]
		}
		if s == 0 {
			continue
		}
		n := 0
		for c := s; c != 0; c = next(c) {
			n++
		}
		for k := rand.IntN(n); k > 0; k-- {
			s = next(s)
		}
		return t.Entry(s - 1), s - 1
	}
}
