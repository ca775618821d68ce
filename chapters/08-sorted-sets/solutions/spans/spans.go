// Package spans is the solution of chapter 08's first exercise: a
// skiplist of distinct integers whose links carry spans, the number of
// level-0 steps each one jumps, so that Rank and At are O(log n) like
// Redis's zslGetRank and zslGetElementByRank.
package spans

import "math/rand/v2"

const maxLevel = 32

type link struct {
	next *node
	span int
}

type node struct {
	v     int
	level []link
}

// List is a skiplist of distinct ints. Use New.
type List struct {
	head  *node
	level int
	n     int
	rnd   *rand.Rand
}

// New returns an empty list whose levels come from seed.
func New(seed uint64) *List {
	return &List{head: &node{level: make([]link, maxLevel)}, level: 1, rnd: rand.New(rand.NewPCG(seed, seed))}
}

// Len is the number of values.
func (l *List) Len() int { return l.n }

func (l *List) randomLevel() int {
	k := 1
	for k < maxLevel && l.rnd.IntN(4) == 0 {
		k++
	}
	return k
}

// path finds, on each level, the last node before v and its rank.
func (l *List) path(v int) (update [maxLevel]*node, rank [maxLevel]int) {
	x := l.head
	for i := l.level - 1; i >= 0; i-- {
		if i < l.level-1 {
			rank[i] = rank[i+1]
		}
		for x.level[i].next != nil && x.level[i].next.v < v {
			rank[i] += x.level[i].span
			x = x.level[i].next
		}
		update[i] = x
	}
	return update, rank
}

// Insert adds v and reports whether it was absent.
func (l *List) Insert(v int) bool {
	update, rank := l.path(v)
	if f := update[0].level[0].next; f != nil && f.v == v {
		return false
	}
	k := l.randomLevel()
	for i := l.level; i < k; i++ {
		update[i], rank[i] = l.head, 0
		l.head.level[i].span = l.n // a link to nowhere spans the whole list
	}
	l.level = max(l.level, k)
	x := &node{v: v, level: make([]link, k)}
	for i := 0; i < k; i++ {
		x.level[i].next = update[i].level[i].next
		update[i].level[i].next = x
		// update[i] is at rank[i], x at rank[0]+1: split the old span.
		x.level[i].span = update[i].level[i].span - (rank[0] - rank[i])
		update[i].level[i].span = rank[0] - rank[i] + 1
	}
	for i := k; i < l.level; i++ {
		update[i].level[i].span++ // passes over x now
	}
	l.n++
	return true
}

// Delete removes v and reports whether it was there.
func (l *List) Delete(v int) bool {
	update, _ := l.path(v)
	x := update[0].level[0].next
	if x == nil || x.v != v {
		return false
	}
	for i := 0; i < l.level; i++ {
		if update[i].level[i].next == x {
			update[i].level[i].span += x.level[i].span - 1
			update[i].level[i].next = x.level[i].next
		} else {
			update[i].level[i].span--
		}
	}
	for l.level > 1 && l.head.level[l.level-1].next == nil {
		l.level--
	}
	l.n--
	return true
}

// Rank is v's 0-based rank, or -1 if absent: the sum of the spans a
// search for v crosses.
func (l *List) Rank(v int) int {
	r, x := 0, l.head
	for i := l.level - 1; i >= 0; i-- {
		for x.level[i].next != nil && x.level[i].next.v <= v {
			r += x.level[i].span
			x = x.level[i].next
		}
		if x != l.head && x.v == v {
			return r - 1
		}
	}
	return -1
}

// At is the value at 0-based rank r; ok is false out of range.
func (l *List) At(r int) (v int, ok bool) {
	want, seen, x := r+1, 0, l.head
	for i := l.level - 1; i >= 0; i-- {
		for x.level[i].next != nil && seen+x.level[i].span <= want {
			seen += x.level[i].span
			x = x.level[i].next
		}
		if seen == want {
			return x.v, true
		}
	}
	return 0, false
}
