package dict

import (
	"hash/maphash"
	"math/bits"
)

// expandIfNeeded starts doubling the table when it holds as many keys as
// buckets (load factor 1, as dict.c). The entries move over later, a few
// buckets per operation, so no single command pays for the whole copy.
func (t *Table[E, P]) expandIfNeeded() {
	if t.rehashing || t.used[0] < len(t.ht[0]) {
		return
	}
	t.startRehash(nextPow2(t.used[0] + 1))
}

// shrinkIfNeeded starts shrinking a table that is less than 10% full
// (Redis's HASHTABLE_MIN_FILL) so an emptied table gives its buckets
// back and SCAN does not walk empty buckets.
func (t *Table[E, P]) shrinkIfNeeded() {
	if t.rehashing || len(t.ht[0]) <= minBuckets || t.used[0]*10 >= len(t.ht[0]) {
		return
	}
	t.startRehash(nextPow2(max(t.used[0], minBuckets)))
}

func (t *Table[E, P]) startRehash(size int) {
	t.ht[1] = make([]uint32, size)
	t.rehashing = true
	t.rehashIdx = 0
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
func (t *Table[E, P]) Rehash(n int) bool {
	if !t.rehashing {
		return false
	}
	return t.rehash(n)
}

func (t *Table[E, P]) rehash(n int) bool {
	empty := n * 10
	old, nw := t.ht[0], t.ht[1]
	mask := uint64(len(nw) - 1)
	for ; n > 0 && t.used[0] > 0; n-- {
		for old[t.rehashIdx] == 0 {
			t.rehashIdx++
			if empty--; empty == 0 {
				return true
			}
		}
		for s := old[t.rehashIdx]; s != 0; {
			key, link := t.Entry(s - 1).DictLink()
			next := *link
			i := t.hash(keyBytes(*key)) & mask
			*link = nw[i]
			nw[i] = s
			t.used[0]--
			t.used[1]++
			s = next
		}
		old[t.rehashIdx] = 0
		t.rehashIdx++
	}
	if t.used[0] > 0 {
		return true
	}
	t.ht[0], t.ht[1] = nw, nil
	t.used[0], t.used[1] = t.used[1], 0
	t.rehashing = false
	// Keys deleted while rehashing could not start a shrink; check now.
	t.shrinkIfNeeded()
	return t.rehashing
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
func (t *Table[E, P]) Scan(cursor uint64, count int, fn func(e P)) uint64 {
	if t.Len() == 0 {
		return 0
	}
	t.paused++
	defer func() { t.paused-- }()
	emitted := 0
	visit := func(s uint32) {
		for s != 0 {
			e := t.Entry(s - 1)
			_, next := e.DictLink()
			s = *next
			fn(e)
			emitted++
		}
	}
	for iter := max(count, 1) * 10; ; {
		cursor = t.scanStep(cursor, visit)
		iter--
		if cursor == 0 || iter == 0 || emitted >= count {
			return cursor
		}
	}
}

// scanStep is dict.c's dictScan: visit the bucket(s) at cursor v and
// return the next cursor.
func (t *Table[E, P]) scanStep(v uint64, visit func(uint32)) uint64 {
	if !t.rehashing {
		b := t.ht[0]
		m := uint64(len(b) - 1)
		visit(b[v&m])
		return nextCursor(v, m)
	}
	small, large := t.ht[0], t.ht[1]
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

// Expand sizes an empty table for n keys at once (Redis's dictExpand, as
// its loader does on an RDB file's size hint), so that loading them does
// not rehash the table a dozen times on the way. A table that holds keys
// is left as it is.
func (t *Table[E, P]) Expand(n int) {
	if t.Len() != 0 || t.rehashing || n <= minBuckets {
		return
	}
	if t.ht[0] == nil {
		t.seed = maphash.MakeSeed()
	}
	t.ht[0] = make([]uint32, nextPow2(n))
}
