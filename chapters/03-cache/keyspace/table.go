package keyspace

import "math/bits"

// minBuckets is the size of a new table (dict.c's DICT_HT_INITIAL_SIZE).
const minBuckets = 4

// expandIfNeeded starts doubling the table when it holds as many keys as
// buckets (load factor 1, as dict.c). The entries move over later, a few
// buckets per operation, so no single command pays for the whole copy.
func (db *DB) expandIfNeeded() {
	if db.rehashing || db.used[0] < len(db.ht[0]) {
		return
	}
	db.startRehash(nextPow2(db.used[0] + 1))
}

// shrinkIfNeeded starts shrinking a table that is less than 10% full
// (Redis's HASHTABLE_MIN_FILL) so an emptied database gives its buckets
// back and SCAN does not walk empty buckets.
func (db *DB) shrinkIfNeeded() {
	if db.rehashing || len(db.ht[0]) <= minBuckets || db.used[0]*10 >= len(db.ht[0]) {
		return
	}
	db.startRehash(nextPow2(max(db.used[0], minBuckets)))
}

func (db *DB) startRehash(size int) {
	db.ht[1] = make([]uint32, size)
	db.rehashing = true
	db.rehashIdx = 0
}

func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// Rehash moves up to n buckets from the old table to the new one and
// reports whether rehashing is still in progress. Operations call it
// with n = 1; a timer may call it with more to finish sooner while the
// server is idle (Redis's activerehashing). To bound the time of one
// call, it gives up after visiting 10*n empty buckets.
func (db *DB) Rehash(n int) bool {
	if !db.rehashing {
		return false
	}
	return db.rehash(n)
}

func (db *DB) rehash(n int) bool {
	empty := n * 10
	old, nw := db.ht[0], db.ht[1]
	mask := uint64(len(nw) - 1)
	for ; n > 0 && db.used[0] > 0; n-- {
		for old[db.rehashIdx] == 0 {
			db.rehashIdx++
			if empty--; empty == 0 {
				return true
			}
		}
		for s := old[db.rehashIdx]; s != 0; {
			e := db.entry(s - 1)
			next := e.next
			i := db.hash(keyBytes(e.Key)) & mask
			e.next = nw[i]
			nw[i] = s
			db.used[0]--
			db.used[1]++
			s = next
		}
		old[db.rehashIdx] = 0
		db.rehashIdx++
	}
	if db.used[0] > 0 {
		return true
	}
	db.ht[0], db.ht[1] = nw, nil
	db.used[0], db.used[1] = db.used[1], 0
	db.rehashing = false
	// Keys deleted while rehashing could not start a shrink; check now.
	db.shrinkIfNeeded()
	return db.rehashing
}

// Scan calls fn for the entries of some buckets, starting at cursor, and
// returns the cursor for the next call; 0 means the scan is complete. It
// stops after about count entries or 10*count buckets, as Redis's SCAN.
//
// The cursor is dict.c's reverse binary counter: bucket indexes are
// visited in order of their bit-reversed value. When the table doubles,
// bucket i splits into i and i+size, which in reversed order sit right
// after each other, so buckets already visited stay visited; when it
// halves, the pairs merge, and the merged bucket is visited at most once
// more. That is why every key present during the whole scan is returned
// at least once (perhaps twice) while the table grows or shrinks between
// calls. While both tables exist, a bucket of the small one is visited
// together with all buckets of the large one that it expands to.
//
// fn must not insert or remove keys; it may look keys up (rehashing is
// paused during the call).
func (db *DB) Scan(cursor uint64, count int, fn func(e *Entry)) uint64 {
	if db.Len() == 0 {
		return 0
	}
	db.paused++
	defer func() { db.paused-- }()
	emitted := 0
	visit := func(s uint32) {
		for s != 0 {
			e := db.entry(s - 1)
			s = e.next
			fn(e)
			emitted++
		}
	}
	for iter := max(count, 1) * 10; ; {
		cursor = db.scanStep(cursor, visit)
		iter--
		if cursor == 0 || iter == 0 || emitted >= count {
			return cursor
		}
	}
}

// scanStep is dict.c's dictScan: visit the bucket(s) at cursor v and
// return the next cursor.
func (db *DB) scanStep(v uint64, visit func(uint32)) uint64 {
	if !db.rehashing {
		t := db.ht[0]
		m := uint64(len(t) - 1)
		visit(t[v&m])
		return nextCursor(v, m)
	}
	small, large := db.ht[0], db.ht[1]
	if len(small) > len(large) {
		small, large = large, small
	}
	m0, m1 := uint64(len(small)-1), uint64(len(large)-1)
	visit(small[v&m0])
	for {
		visit(large[v&m1])
		v = nextCursor(v, m1)
		if v&(m0^m1) == 0 {
			return v
		}
	}
}

// nextCursor increments the bits of v under mask m in reversed order:
// set the bits above the mask, reverse, add one, reverse back.
func nextCursor(v, m uint64) uint64 {
	v |= ^m
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}

// NextCursor is nextCursor for the other tables that keep dict.c's
// power-of-two buckets (final/dict under hashes, sets and sorted sets),
// so every SCAN-like command walks its buckets in the same order.
func NextCursor(v, mask uint64) uint64 { return nextCursor(v, mask) }
