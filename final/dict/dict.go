// Package dict is the hash table behind the big encodings of hashes,
// sets and sorted sets: Redis's dict.c in Go, with incremental rehashing
// and the reverse-binary SCAN cursor that returns every element present
// for a whole scan at least once while the table grows or shrinks.
//
// A Go map cannot be scanned with a cursor that survives a resize, so a
// Dict keeps its own buckets. Entries live in a slab of chunks that grow
// from 8 entries up to 1024, so a small table does not pay for a big
// chunk and an entry costs no allocation of its own; buckets and chains
// link entries by slot number.
package dict

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"math/rand/v2"
	"unsafe"

	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// seed is chosen once per process, like Redis's siphash key: the hash
// order differs between runs, so clients cannot rely on it (or attack it).
var seed = maphash.MakeSeed()

const (
	minBuckets = 4
	// Chunk k (k >= 1) holds slots [2^(k+2), 2^(k+3)) until chunks reach
	// 1024 entries; chunk 0 holds slots [0, 8). After 2048 slots every
	// chunk holds 1024.
	firstChunk = 8
	bigShift   = 10
	bigChunk   = 1 << bigShift
	bigStart   = 2 * bigChunk // slots before the first fixed-size chunk
	freeBit    = 1 << 31
)

// entry is one key of a Dict. next is slot+1 of the next entry in the
// bucket chain or free list (0 ends it); freeBit marks a free slot.
type entry[V any] struct {
	key  string
	val  V
	next uint32
}

// Dict maps binary-safe string keys to values of type V. The zero value
// is an empty Dict. It is not safe for concurrent use: one goroutine owns
// the data, as in Redis.
type Dict[V any] struct {
	ht        [2][]uint32 // buckets: slot+1 of the first entry, 0 = empty
	used      [2]int
	rehashing bool
	rehashIdx int
	paused    int // > 0 during Scan callbacks: no rehash steps

	chunks [][]entry[V]
	slots  uint32 // slots handed out
	free   uint32 // slot+1 of the first free slot
}

// Len is the number of keys.
func (d *Dict[V]) Len() int { return d.used[0] + d.used[1] }

// Buckets is the number of buckets of both tables (for memory reports).
func (d *Dict[V]) Buckets() int { return len(d.ht[0]) + len(d.ht[1]) }

func hash(key []byte) uint64 { return maphash.Bytes(seed, key) }

func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// chunkOf maps a slot to its chunk and index in it.
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

func (d *Dict[V]) entry(slot uint32) *entry[V] {
	k, i := chunkOf(slot)
	return &d.chunks[k][i]
}

// find returns the entry for key and its slot, or nil. Like dict.c's
// lookups it first moves one bucket of a table being resized.
func (d *Dict[V]) find(key []byte, h uint64) (*entry[V], uint32) {
	if d.Len() == 0 {
		return nil, 0
	}
	if d.rehashing && d.paused == 0 {
		d.rehash(1)
	}
	for t := 0; t < 2; t++ {
		b := d.ht[t]
		if len(b) == 0 {
			continue
		}
		for s := b[h&uint64(len(b)-1)]; s != 0; {
			e := d.entry(s - 1)
			if e.key == string(key) {
				return e, s - 1
			}
			s = e.next
		}
		if !d.rehashing {
			break
		}
	}
	return nil, 0
}

// Get returns a pointer to key's value, or nil. The pointer is valid
// until the next Set or Delete of another key.
func (d *Dict[V]) Get(key []byte) *V {
	e, _ := d.find(key, hash(key))
	if e == nil {
		return nil
	}
	return &e.val
}

// Has reports whether key is present.
func (d *Dict[V]) Has(key []byte) bool { return d.Get(key) != nil }

// Set stores v under key (copied) and reports whether the key is new.
func (d *Dict[V]) Set(key []byte, v V) bool {
	p, isNew := d.Upsert(key)
	*p = v
	return isNew
}

// Upsert returns a pointer to key's value, inserting the key with a zero
// value if absent (isNew). The new key is a copy of key.
func (d *Dict[V]) Upsert(key []byte) (p *V, isNew bool) {
	h := hash(key)
	if e, _ := d.find(key, h); e != nil {
		return &e.val, false
	}
	return d.insert(string(key), h), true
}

// SetString is Set for a key already held as a string, which the Dict
// keeps without copying (a sorted set shares the member's bytes between
// its skiplist node and its dict this way).
func (d *Dict[V]) SetString(key string, v V) bool {
	h := hash(keyBytes(key))
	if e, _ := d.find(keyBytes(key), h); e != nil {
		e.val = v
		return false
	}
	*d.insert(key, h) = v
	return true
}

func (d *Dict[V]) insert(key string, h uint64) *V {
	if d.ht[0] == nil && !d.rehashing {
		d.ht[0] = make([]uint32, minBuckets)
	}
	d.expandIfNeeded()
	slot := d.allocSlot()
	e := d.entry(slot)
	e.key = key
	t := 0
	if d.rehashing {
		t = 1
	}
	b := d.ht[t]
	i := h & uint64(len(b)-1)
	e.next = b[i]
	b[i] = slot + 1
	d.used[t]++
	return &e.val
}

// Delete removes key and returns its value.
func (d *Dict[V]) Delete(key []byte) (v V, ok bool) {
	h := hash(key)
	e, slot := d.find(key, h)
	if e == nil {
		return v, false
	}
	v = e.val
	d.removeSlot(slot, h)
	return v, true
}

func (d *Dict[V]) allocSlot() uint32 {
	if d.free != 0 {
		slot := d.free - 1
		e := d.entry(slot)
		d.free = e.next &^ freeBit
		e.next = 0
		return slot
	}
	slot := d.slots
	if k, _ := chunkOf(slot); k == len(d.chunks) {
		d.chunks = append(d.chunks, make([]entry[V], chunkLen(k)))
	}
	d.slots++
	return slot
}

func (d *Dict[V]) removeSlot(slot uint32, h uint64) {
	for t := 0; t < 2; t++ {
		b := d.ht[t]
		if len(b) == 0 {
			continue
		}
		link := &b[h&uint64(len(b)-1)]
		for *link != 0 && *link != slot+1 {
			link = &d.entry(*link - 1).next
		}
		if *link == 0 {
			continue
		}
		e := d.entry(slot)
		*link = e.next
		d.used[t]--
		*e = entry[V]{next: d.free | freeBit}
		d.free = slot + 1
		if d.Len() == 0 {
			*d = Dict[V]{} // give everything back, as an emptied key is deleted anyway
			return
		}
		d.shrinkIfNeeded()
		return
	}
	panic("dict: removing an entry that is not linked")
}

// expandIfNeeded starts doubling at load factor 1, as dict.c does.
func (d *Dict[V]) expandIfNeeded() {
	if d.rehashing || d.used[0] < len(d.ht[0]) {
		return
	}
	d.startRehash(nextPow2(d.used[0] + 1))
}

// shrinkIfNeeded starts shrinking a table under 10% full (Redis's
// HASHTABLE_MIN_FILL), as Redis's htNeedsResize for hash, set and zset.
func (d *Dict[V]) shrinkIfNeeded() {
	if d.rehashing || len(d.ht[0]) <= minBuckets || d.used[0]*10 >= len(d.ht[0]) {
		return
	}
	d.startRehash(nextPow2(max(d.used[0], minBuckets)))
}

func (d *Dict[V]) startRehash(size int) {
	d.ht[1] = make([]uint32, size)
	d.rehashing = true
	d.rehashIdx = 0
}

func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// rehash moves up to n buckets to the new table, visiting at most 10*n
// empty ones, and reports whether rehashing goes on.
func (d *Dict[V]) rehash(n int) bool {
	empty := n * 10
	old, nw := d.ht[0], d.ht[1]
	mask := uint64(len(nw) - 1)
	for ; n > 0 && d.used[0] > 0; n-- {
		for old[d.rehashIdx] == 0 {
			d.rehashIdx++
			if empty--; empty == 0 {
				return true
			}
		}
		for s := old[d.rehashIdx]; s != 0; {
			e := d.entry(s - 1)
			next := e.next
			i := hash(keyBytes(e.key)) & mask
			e.next = nw[i]
			nw[i] = s
			d.used[0]--
			d.used[1]++
			s = next
		}
		old[d.rehashIdx] = 0
		d.rehashIdx++
	}
	if d.used[0] > 0 {
		return true
	}
	d.ht[0], d.ht[1] = nw, nil
	d.used[0], d.used[1] = d.used[1], 0
	d.rehashing = false
	d.shrinkIfNeeded()
	return d.rehashing
}

// All iterates over the keys in slab order. The loop body may delete the
// key it is given (SPOP, SINTERSTORE do); inserting during the loop may
// or may not visit the new keys.
func (d *Dict[V]) All() iter.Seq2[string, *V] {
	return func(yield func(string, *V) bool) {
		for slot := uint32(0); slot < d.slots; slot++ {
			e := d.entry(slot)
			if e.next&freeBit != 0 {
				continue
			}
			if !yield(e.key, &e.val) {
				return
			}
			if d.Len() == 0 {
				return
			}
		}
	}
}

// Random returns a key chosen uniformly at random and its value; ok is
// false when the Dict is empty. Drawing from the slab is fair; when the
// slab is mostly free slots it falls back to dict.c's way, a random
// bucket then a random entry of its chain (Redis's dictGetFairRandomKey
// is not fair either).
func (d *Dict[V]) Random() (key string, v *V, ok bool) {
	if d.Len() == 0 {
		return "", nil, false
	}
	for try := 0; try < 8; try++ {
		e := d.entry(rand.Uint32N(d.slots))
		if e.next&freeBit == 0 {
			return e.key, &e.val, true
		}
	}
	for {
		var s uint32
		if d.rehashing {
			n := len(d.ht[0]) - d.rehashIdx + len(d.ht[1])
			i := d.rehashIdx + rand.IntN(n)
			if i < len(d.ht[0]) {
				s = d.ht[0][i]
			} else {
				s = d.ht[1][i-len(d.ht[0])]
			}
		} else {
			s = d.ht[0][rand.IntN(len(d.ht[0]))]
		}
		if s == 0 {
			continue
		}
		n := 0
		for c := s; c != 0; c = d.entry(c - 1).next {
			n++
		}
		for k := rand.IntN(n); k > 0; k-- {
			s = d.entry(s - 1).next
		}
		e := d.entry(s - 1)
		return e.key, &e.val, true
	}
}

// Scan calls fn for the keys of some buckets from cursor on and returns
// the next cursor, 0 when the scan is complete; it stops after about
// count keys or 10*count buckets, as Redis's SCAN family.
//
// The cursor counts in bit-reversed order (dict.c's dictScan): when the
// table doubles, bucket i splits into i and i+size, which come right
// after each other in that order, so visited buckets stay visited; when
// it halves, merged buckets are visited at most once more. fn must not
// insert or delete keys.
func (d *Dict[V]) Scan(cursor uint64, count int, fn func(key string, v *V)) uint64 {
	if d.Len() == 0 {
		return 0
	}
	d.paused++
	defer func() { d.paused-- }()
	emitted := 0
	visit := func(s uint32) {
		for s != 0 {
			e := d.entry(s - 1)
			s = e.next
			fn(e.key, &e.val)
			emitted++
		}
	}
	for iter := max(count, 1) * 10; ; {
		cursor = d.scanStep(cursor, visit)
		iter--
		if cursor == 0 || iter == 0 || emitted >= count {
			return cursor
		}
	}
}

// scanStep visits the bucket(s) at cursor v and returns the next cursor:
// keyspace's DB.scanStep over a Dict's tables, with the same cursor.
func (d *Dict[V]) scanStep(v uint64, visit func(uint32)) uint64 {
	if !d.rehashing {
		t := d.ht[0]
		m := uint64(len(t) - 1)
		visit(t[v&m])
		return keyspace.NextCursor(v, m)
	}
	small, large := d.ht[0], d.ht[1]
	if len(small) > len(large) {
		small, large = large, small
	}
	m0, m1 := uint64(len(small)-1), uint64(len(large)-1)
	visit(small[v&m0])
	for {
		visit(large[v&m1])
		v = keyspace.NextCursor(v, m1)
		if v&(m0^m1) == 0 {
			return v
		}
	}
}
