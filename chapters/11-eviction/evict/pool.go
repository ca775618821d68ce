package evict

// poolSize is EVPOOL_SIZE: the candidates kept between evictions.
const poolSize = 16

// candidate is one pool entry: a key, its database and its score at the
// time it was sampled. The key string is shared with the entry (Go
// strings are immutable), so the pool allocates nothing per key.
type candidate struct {
	idle uint64
	key  string
	db   int
}

// pool is Redis's eviction pool: candidates in ascending idle order, the
// best victim last. Sampling a few keys at a time and keeping the best
// across rounds gets close to true LRU at a fraction of its cost.
type pool struct {
	c []candidate
}

// insert is the placement step of evictionPoolPopulate: a candidate worse
// than every one in a full pool is dropped; otherwise it goes in order,
// and a full pool drops its worst (lowest idle) entry to make room.
func (p *pool) insert(x candidate) {
	k := 0
	for k < len(p.c) && p.c[k].idle < x.idle {
		k++
	}
	if len(p.c) < poolSize {
		p.c = append(p.c, candidate{})
		copy(p.c[k+1:], p.c[k:])
		p.c[k] = x
		return
	}
	if k == 0 {
		return
	}
	copy(p.c[:k-1], p.c[1:k])
	p.c[k-1] = x
}

// pop removes and returns the best candidate.
func (p *pool) pop() (candidate, bool) {
	if len(p.c) == 0 {
		return candidate{}, false
	}
	x := p.c[len(p.c)-1]
	p.c[len(p.c)-1] = candidate{} // drop the key reference
	p.c = p.c[:len(p.c)-1]
	return x, true
}
