// Package list is the Redis list: a deque of byte strings with O(1) push
// and pop at both ends, stored like Redis's quicklist as a sequence of
// listpack chunks of at most 8 KiB each (list-max-listpack-size -2).
//
// Redis 7.0 reports every list as "quicklist" (7.2 added a single
// listpack for small lists); a small list here is simply a quicklist of
// one chunk, which costs the same.
package list

import (
	"bytes"

	"github.com/gocache/gocache/chapters/06-lists/listpack"
)

// Encoding is what OBJECT ENCODING reports for a list in Redis 7.0.
const Encoding = "quicklist"

// DefaultFill is list-max-listpack-size's default, -2: chunks of at most
// 8 KiB.
const DefaultFill = -2

// sizeLimits are the chunk sizes for fill -1 .. -5 (4, 8, 16, 32, 64 KiB),
// quicklist.c's optimization_level.
var sizeLimits = [...]int{4096, 8192, 16384, 32768, 65536}

// safetyLimit is quicklist.c's SIZE_SAFETY_LIMIT: with a positive fill
// (a count of entries) a chunk still stops growing at 8 KiB.
const safetyLimit = 8192

// List is a Redis list. The zero value is an empty list with the default
// fill. Byte slices it returns alias its chunks: they are valid until the
// next change to the list and must not be modified.
type List struct {
	// chunks[head:] are the chunks in order; none is empty. Popping from
	// the front advances head instead of shifting, and pushing a chunk at
	// the front reuses the room before head, so both ends are O(1).
	chunks []*listpack.Pack
	head   int
	n      int
	Fill   int // list-max-listpack-size; 0 means DefaultFill
}

// Len is the number of elements.
func (l *List) Len() int { return l.n }

// Chunks is the number of chunks (quicklist nodes).
func (l *List) Chunks() int { return len(l.chunks) - l.head }

func (l *List) nodes() []*listpack.Pack { return l.chunks[l.head:] }

// fits reports whether a chunk holding p may take one more entry of
// size bytes, quicklist.c's _quicklistNodeAllowInsert.
func (l *List) fits(p *listpack.Pack, size int) bool {
	fill := l.Fill
	if fill == 0 {
		fill = DefaultFill
	}
	newSize := p.Size() + size
	if fill < 0 {
		i := min(-fill, len(sizeLimits)) - 1
		return newSize <= sizeLimits[i]
	}
	return newSize <= safetyLimit && p.Len() < fill
}

// PushRight appends v (copied) at the tail (RPUSH).
func (l *List) PushRight(v []byte) {
	nodes := l.nodes()
	if len(nodes) > 0 {
		if last := nodes[len(nodes)-1]; l.fits(last, listpack.EntrySize(v)) {
			last.Append(v)
			l.n++
			return
		}
	}
	p := &listpack.Pack{}
	p.Append(v)
	l.chunks = append(l.chunks, p)
	l.n++
}

// PushLeft inserts v (copied) at the head (LPUSH).
func (l *List) PushLeft(v []byte) {
	nodes := l.nodes()
	if len(nodes) > 0 && l.fits(nodes[0], listpack.EntrySize(v)) {
		nodes[0].Prepend(v)
		l.n++
		return
	}
	p := &listpack.Pack{}
	p.Append(v)
	l.insertChunk(0, p)
	l.n++
}

// insertChunk puts p at position i of the chunk sequence.
func (l *List) insertChunk(i int, p *listpack.Pack) {
	if i == 0 && l.head > 0 {
		l.head--
		l.chunks[l.head] = p
		return
	}
	if i == 0 && len(l.chunks) > 0 {
		// Leave room in front for later pushes at the head: LPUSH
		// of many elements then adds chunks in O(1) amortized.
		room := max(len(l.chunks), 4)
		grown := make([]*listpack.Pack, room+len(l.chunks), room+2*len(l.chunks))
		copy(grown[room:], l.chunks)
		l.chunks, l.head = grown, room-1
		l.chunks[l.head] = p
		return
	}
	at := l.head + i
	l.chunks = append(l.chunks, nil)
	copy(l.chunks[at+1:], l.chunks[at:])
	l.chunks[at] = p
}

// removeChunk drops the chunk at position i (emptied by a delete).
func (l *List) removeChunk(i int) {
	at := l.head + i
	if i == 0 {
		l.chunks[at] = nil
		l.head++
	} else {
		copy(l.chunks[at:], l.chunks[at+1:])
		l.chunks[len(l.chunks)-1] = nil
		l.chunks = l.chunks[:len(l.chunks)-1]
	}
	if l.head == len(l.chunks) {
		l.chunks, l.head = nil, 0
	} else if l.head > len(l.chunks)/2 && l.head > 4 {
		l.chunks = append([]*listpack.Pack(nil), l.chunks[l.head:]...)
		l.head = 0
	}
}

// PopLeft removes and returns the head element (a copy), ok false when
// the list is empty.
func (l *List) PopLeft() (v []byte, ok bool) {
	if l.n == 0 {
		return nil, false
	}
	p := l.chunks[l.head]
	cur, _ := p.Get(0)
	v = bytes.Clone(cur)
	if v == nil {
		v = []byte{}
	}
	l.deleteAt(0, p, 0)
	return v, true
}

// PopRight removes and returns the tail element (a copy).
func (l *List) PopRight() (v []byte, ok bool) {
	if l.n == 0 {
		return nil, false
	}
	i := l.Chunks() - 1
	p := l.chunks[l.head+i]
	o := p.Last()
	cur, _ := p.Get(o)
	v = bytes.Clone(cur)
	if v == nil {
		v = []byte{}
	}
	l.deleteAt(i, p, o)
	return v, true
}

// deleteAt removes the entry at offset o of chunk i (p).
func (l *List) deleteAt(i int, p *listpack.Pack, o int) {
	p.Delete(o, 1)
	l.n--
	if p.Len() == 0 {
		l.removeChunk(i)
	}
}

// Pos is a position in the list: a chunk and an offset in it.
type Pos struct {
	chunk int // index in nodes()
	off   int
}

// seek finds element i (negative counts from the tail), walking chunks
// from the nearer end, as quicklistGetIteratorAtIdx.
func (l *List) seek(i int) (Pos, bool) {
	if i < 0 {
		i += l.n
	}
	if i < 0 || i >= l.n {
		return Pos{}, false
	}
	nodes := l.nodes()
	if i < l.n/2 {
		for c, p := range nodes {
			if i < p.Len() {
				return Pos{c, p.Seek(i)}, true
			}
			i -= p.Len()
		}
	} else {
		back := l.n - 1 - i // 0 = last element
		for c := len(nodes) - 1; c >= 0; c-- {
			p := nodes[c]
			if back < p.Len() {
				return Pos{c, p.Seek(-1 - back)}, true
			}
			back -= p.Len()
		}
	}
	return Pos{}, false
}

// Index returns element i (LINDEX); negative i counts from the tail.
func (l *List) Index(i int) ([]byte, bool) {
	pos, ok := l.seek(i)
	if !ok {
		return nil, false
	}
	v, _ := l.nodes()[pos.chunk].Get(pos.off)
	return v, true
}

// Set replaces element i (LSET) and reports whether it exists. A value
// too big for its chunk moves the chunk's tail to a new chunk, as
// quicklistReplaceAtIndex does by insert+delete.
func (l *List) Set(i int, v []byte) bool {
	pos, ok := l.seek(i)
	if !ok {
		return false
	}
	p := l.nodes()[pos.chunk]
	old, _ := p.Get(pos.off)
	if p.Len() == 1 || l.fits(p, listpack.EntrySize(v)-listpack.EntrySize(old)) {
		p.Replace(pos.off, v)
		return true
	}
	// Too big for the chunk: delete, then insert at the same index.
	if i < 0 {
		i += l.n
	}
	l.deleteAt(pos.chunk, p, pos.off)
	if i == l.n {
		l.PushRight(v)
		return true
	}
	pos, _ = l.seek(i)
	l.insertAt(pos, v, false)
	return true
}

// insertAt inserts v before (or after) the element at pos, splitting
// the chunk when it is full, like _quicklistInsert.
func (l *List) insertAt(pos Pos, v []byte, after bool) {
	p := l.nodes()[pos.chunk]
	o := pos.off
	if after {
		_, o = p.Get(o)
	}
	size := listpack.EntrySize(v)
	l.n++
	if l.fits(p, size) {
		p.Insert(o, v)
		return
	}
	// At a chunk edge, try the neighbour before starting a new chunk.
	nodes := l.nodes()
	if o == p.End() && pos.chunk+1 < len(nodes) && l.fits(nodes[pos.chunk+1], size) {
		nodes[pos.chunk+1].Prepend(v)
		return
	}
	if o == 0 && pos.chunk > 0 && l.fits(nodes[pos.chunk-1], size) {
		nodes[pos.chunk-1].Append(v)
		return
	}
	q := &listpack.Pack{}
	q.Append(v)
	switch {
	case o == 0:
		l.insertChunk(pos.chunk, q)
	case o == p.End():
		l.insertChunk(pos.chunk+1, q)
	default:
		// Split p at o: the new element goes at the end of the head part
		// if it fits there, else in a chunk of its own between the parts.
		k := 0
		for x := 0; x < o; k++ {
			_, x = p.Get(x)
		}
		tail := p.Split(o, k)
		l.insertChunk(pos.chunk+1, &tail)
		if l.fits(p, size) {
			p.Append(v)
		} else {
			l.insertChunk(pos.chunk+1, q)
		}
	}
}

// Insert puts v before or after the first element equal to pivot
// (LINSERT) and returns the new length, or -1 when pivot is absent.
func (l *List) Insert(pivot, v []byte, after bool) int {
	for c, p := range l.nodes() {
		if o := p.Find(0, pivot, 0); o >= 0 {
			l.insertAt(Pos{c, o}, v, after)
			return l.n
		}
	}
	return -1
}

// Range calls fn for the elements from start to stop inclusive, already
// clamped by the caller to 0 <= start <= stop < Len, head to tail, or
// tail to head when reverse is set (start and stop then count from the
// tail). fn returns false to stop.
func (l *List) Range(start, stop int, reverse bool, fn func(v []byte) bool) {
	if reverse {
		start, stop = l.n-1-stop, l.n-1-start
		l.rangeRev(start, stop, fn)
		return
	}
	pos, ok := l.seek(start)
	if !ok {
		return
	}
	nodes := l.nodes()
	left := stop - start + 1
	for c := pos.chunk; c < len(nodes) && left > 0; c++ {
		p := nodes[c]
		o := 0
		if c == pos.chunk {
			o = pos.off
		}
		for ; o < p.End() && left > 0; left-- {
			var v []byte
			v, o = p.Get(o)
			if !fn(v) {
				return
			}
		}
	}
}

// rangeRev walks from element stop back to element start.
func (l *List) rangeRev(start, stop int, fn func(v []byte) bool) {
	pos, ok := l.seek(stop)
	if !ok {
		return
	}
	nodes := l.nodes()
	left := stop - start + 1
	for c := pos.chunk; c >= 0 && left > 0; c-- {
		p := nodes[c]
		o := p.Last()
		if c == pos.chunk {
			o = pos.off
		}
		for ; o >= 0 && left > 0; left-- {
			v, _ := p.Get(o)
			if !fn(v) {
				return
			}
			o = p.Prev(o)
		}
	}
}

// All calls fn for every element, head to tail, with its index.
func (l *List) All(fn func(i int, v []byte) bool) {
	i := 0
	for _, p := range l.nodes() {
		for o := 0; o < p.End(); i++ {
			var v []byte
			v, o = p.Get(o)
			if !fn(i, v) {
				return
			}
		}
	}
}

// Remove deletes up to count elements equal to v (LREM): from the head
// when count > 0, from the tail when count < 0, all when count == 0. It
// returns how many it removed.
func (l *List) Remove(count int, v []byte) int {
	removed := 0
	limit := count
	if limit < 0 {
		limit = -limit
	}
	if count >= 0 {
		for c := 0; c < l.Chunks(); {
			p := l.nodes()[c]
			for o := 0; o < p.End(); {
				cur, next := p.Get(o)
				if !bytes.Equal(cur, v) {
					o = next
					continue
				}
				p.Delete(o, 1)
				l.n--
				removed++
				if count > 0 && removed == limit {
					l.dropIfEmpty(c, p)
					return removed
				}
			}
			if !l.dropIfEmpty(c, p) {
				c++
			}
		}
		return removed
	}
	for c := l.Chunks() - 1; c >= 0; c-- {
		p := l.nodes()[c]
		for o := p.Last(); o >= 0; {
			cur, _ := p.Get(o)
			prev := p.Prev(o)
			if bytes.Equal(cur, v) {
				p.Delete(o, 1)
				l.n--
				removed++
				if removed == limit {
					l.dropIfEmpty(c, p)
					return removed
				}
			}
			o = prev
		}
		l.dropIfEmpty(c, p)
	}
	return removed
}

func (l *List) dropIfEmpty(c int, p *listpack.Pack) bool {
	if p.Len() == 0 {
		l.removeChunk(c)
		return true
	}
	return false
}

// Trim keeps the elements from start to stop inclusive (LTRIM), both
// already clamped so that 0 <= start <= stop < Len; use Clear to empty.
func (l *List) Trim(start, stop int) {
	l.deleteRange(stop+1, l.n-stop-1)
	l.deleteRange(0, start)
}

// Clear removes every element.
func (l *List) Clear() { *l = List{Fill: l.Fill} }

// deleteRange removes count elements from index start on, whole chunks
// at a time where it can (quicklistDelRange).
func (l *List) deleteRange(start, count int) {
	for count > 0 {
		pos, ok := l.seek(start)
		if !ok {
			return
		}
		p := l.nodes()[pos.chunk]
		k := p.Delete(pos.off, count)
		l.n -= k
		count -= k
		l.dropIfEmpty(pos.chunk, p)
	}
}

// Positions finds the indexes of elements equal to v (LPOS): rank > 0 starts
// at the rank-th match from the head, rank < 0 from the tail; count 0
// means all matches; maxlen > 0 compares only that many elements.
func (l *List) Positions(v []byte, rank, count, maxlen int) []int {
	var out []int
	skip := rank
	if skip < 0 {
		skip = -skip
	}
	skip--
	seen := 0
	visit := func(idx int, cur []byte) bool {
		if maxlen > 0 && seen >= maxlen {
			return false
		}
		seen++
		if bytes.Equal(cur, v) {
			if skip > 0 {
				skip--
			} else {
				out = append(out, idx)
				if count > 0 && len(out) == count {
					return false
				}
			}
		}
		return true
	}
	if rank > 0 {
		l.All(visit)
		return out
	}
	idx := l.n - 1
	l.rangeRev(0, l.n-1, func(cur []byte) bool {
		ok := visit(idx, cur)
		idx--
		return ok
	})
	return out
}

// Clone returns an independent copy (the AOF rewrite snapshots a value
// before a command changes it in place).
func (l *List) Clone() *List {
	c := &List{n: l.n, Fill: l.Fill}
	for _, p := range l.nodes() {
		q := p.Clone()
		c.chunks = append(c.chunks, &q)
	}
	return c
}
