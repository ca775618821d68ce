package zset

import (
	"math/rand/v2"
	"unsafe"
)

// Skiplist parameters of Redis's t_zset.c: a node has level k+1 with
// probability 0.25^k, capped at 32 levels.
const (
	maxLevel = 32
	pLevel   = 0.25
)

// node is a skiplist node: a member, its score, the link back to the
// previous node at level 0, and per level the next node and the number
// of level-0 steps it skips (its span), which is what makes rank
// queries O(log n). Redis's zskiplistNode ends with its levels, a
// flexible array; Go has none, and a slice header would cost 24 bytes
// and move the node from the allocator's 48-byte class to the 64-byte
// one, so the node keeps a pointer to its levels and how many there are.
type node struct {
	ele      string
	score    float64
	backward *node
	levels   *zlevel // the first of n
	n        uint8
}

// level is the node's levels, as a slice over the array newNode made.
func (x *node) level() []zlevel { return unsafe.Slice(x.levels, x.n) }

// newNode makes a node with level levels (1 to maxLevel).
func newNode(ele string, score float64, level int) *node {
	lv := make([]zlevel, level)
	return &node{ele: ele, score: score, levels: &lv[0], n: uint8(level)}
}

type zlevel struct {
	forward *node
	span    int
}

// skiplist orders (score, member) pairs; ties on score order by member
// bytes, as Redis's sdscmp.
type skiplist struct {
	header *node
	tail   *node
	length int
	level  int
}

func newSkiplist() *skiplist {
	return &skiplist{header: newNode("", 0, maxLevel), level: 1}
}

func randomLevel() int {
	level := 1
	for level < maxLevel && float64(rand.Uint32()&0xffff) < pLevel*0xffff {
		level++
	}
	return level
}

// less reports whether (s1, e1) sorts before (s2, e2).
func less(s1 float64, e1 string, s2 float64, e2 string) bool {
	return s1 < s2 || (s1 == s2 && e1 < e2)
}

// insert adds a member known to be absent (zslInsert).
func (zsl *skiplist) insert(score float64, ele string) *node {
	var update [maxLevel]*node
	var rank [maxLevel]int
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		if i != zsl.level-1 {
			rank[i] = rank[i+1]
		}
		for f := x.level()[i].forward; f != nil && less(f.score, f.ele, score, ele); f = x.level()[i].forward {
			rank[i] += x.level()[i].span
			x = f
		}
		update[i] = x
	}
	level := randomLevel()
	if level > zsl.level {
		for i := zsl.level; i < level; i++ {
			rank[i] = 0
			update[i] = zsl.header
			update[i].level()[i].span = zsl.length
		}
		zsl.level = level
	}
	x = newNode(ele, score, level)
	for i := 0; i < level; i++ {
		x.level()[i].forward = update[i].level()[i].forward
		update[i].level()[i].forward = x
		x.level()[i].span = update[i].level()[i].span - (rank[0] - rank[i])
		update[i].level()[i].span = rank[0] - rank[i] + 1
	}
	for i := level; i < zsl.level; i++ {
		update[i].level()[i].span++
	}
	if update[0] != zsl.header {
		x.backward = update[0]
	}
	if x.level()[0].forward != nil {
		x.level()[0].forward.backward = x
	} else {
		zsl.tail = x
	}
	zsl.length++
	return x
}

// unlink removes x given the update vector (zslDeleteNode).
func (zsl *skiplist) unlink(x *node, update *[maxLevel]*node) {
	for i := 0; i < zsl.level; i++ {
		if update[i].level()[i].forward == x {
			update[i].level()[i].span += x.level()[i].span - 1
			update[i].level()[i].forward = x.level()[i].forward
		} else {
			update[i].level()[i].span--
		}
	}
	if x.level()[0].forward != nil {
		x.level()[0].forward.backward = x.backward
	} else {
		zsl.tail = x.backward
	}
	for zsl.level > 1 && zsl.header.level()[zsl.level-1].forward == nil {
		zsl.level--
	}
	zsl.length--
}

// delete removes (score, ele) and reports whether it was there.
func (zsl *skiplist) delete(score float64, ele string) bool {
	var update [maxLevel]*node
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for f := x.level()[i].forward; f != nil && less(f.score, f.ele, score, ele); f = x.level()[i].forward {
			x = f
		}
		update[i] = x
	}
	x = x.level()[0].forward
	if x != nil && x.score == score && x.ele == ele {
		zsl.unlink(x, &update)
		return true
	}
	return false
}

// updateScore moves x to newScore (zslUpdateScore): in place when its
// position does not change, else delete and insert.
func (zsl *skiplist) updateScore(x *node, newScore float64) *node {
	var update [maxLevel]*node
	cur := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for f := cur.level()[i].forward; f != nil && less(f.score, f.ele, x.score, x.ele); f = cur.level()[i].forward {
			cur = f
		}
		update[i] = cur
	}
	if (x.backward == nil || x.backward.score < newScore) &&
		(x.level()[0].forward == nil || x.level()[0].forward.score > newScore) {
		x.score = newScore
		return x
	}
	zsl.unlink(x, &update)
	return zsl.insert(newScore, x.ele)
}

// rank is the 1-based rank of (score, ele), 0 if absent (zslGetRank).
func (zsl *skiplist) rank(score float64, ele string) int {
	rank := 0
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for f := x.level()[i].forward; f != nil && (less(f.score, f.ele, score, ele) || (f.score == score && f.ele == ele)); f = x.level()[i].forward {
			rank += x.level()[i].span
			x = f
		}
		if x != zsl.header && x.ele == ele {
			return rank
		}
	}
	return 0
}

// byRank returns the node at 1-based rank (zslGetElementByRank).
func (zsl *skiplist) byRank(rank int) *node {
	traversed := 0
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for x.level()[i].forward != nil && traversed+x.level()[i].span <= rank {
			traversed += x.level()[i].span
			x = x.level()[i].forward
		}
		if traversed == rank {
			return x
		}
	}
	return nil
}

// first returns the first node for which !before(node), i.e. the first
// node at or above a lower bound (zslNthInRange's descent).
func (zsl *skiplist) first(before func(*node) bool) *node {
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for f := x.level()[i].forward; f != nil && before(f); f = x.level()[i].forward {
			x = f
		}
	}
	return x.level()[0].forward
}

// last returns the last node for which within(node) holds, given that
// within is true for a prefix of the list (nil if none).
func (zsl *skiplist) last(within func(*node) bool) *node {
	x := zsl.header
	for i := zsl.level - 1; i >= 0; i-- {
		for f := x.level()[i].forward; f != nil && within(f); f = x.level()[i].forward {
			x = f
		}
	}
	if x == zsl.header {
		return nil
	}
	return x
}
