// Package listpack is the compact encoding Redis uses for small lists,
// hashes and sorted sets (and for the chunks of a big list): byte strings
// packed back to back in one buffer, walkable in both directions.
//
// A Go value per element would cost a 16-byte string header plus an
// allocation rounded up to a size class; a packed entry costs its bytes
// plus two to six bytes of framing, and the whole pack is one allocation.
// The price is that finding an element means walking the pack, which is
// why the types switch to a hash table or skiplist past a size limit.
//
// Entry layout, as Redis's listpack: a header giving the length of the
// data, the data, and a "backlen" giving the size of header+data so the
// previous entry can be found from the end of the one after it:
//
//	uvarint(len(data)) | data | backlen(len(header)+len(data))
//
// backlen is read from its last byte backwards, 7 bits per byte; a set
// high bit means "one more byte before this one".
package listpack

import (
	"bytes"
	"encoding/binary"
)

// Pack is a sequence of byte strings in one buffer. The zero value is an
// empty pack. Positions are byte offsets of entries: First is 0 when the
// pack is not empty, End is one past the last entry. An offset is valid
// until the next change to the pack.
type Pack struct {
	b []byte
	n int
}

// Len is the number of entries.
func (p *Pack) Len() int { return p.n }

// Size is the encoded size in bytes (what list-max-listpack-size -2
// limits to 8 KiB per chunk).
func (p *Pack) Size() int { return len(p.b) }

// End is the offset just past the last entry.
func (p *Pack) End() int { return len(p.b) }

// EntrySize is the number of bytes an entry holding v takes.
func EntrySize(v []byte) int {
	h := uvarintLen(uint64(len(v))) + len(v)
	return h + backlenLen(h)
}

// Get returns the entry at offset o and the offset of the next one. The
// slice aliases the pack: valid until the next change, not to be
// modified.
func (p *Pack) Get(o int) (v []byte, next int) {
	n, k := binary.Uvarint(p.b[o:])
	start := o + k
	end := start + int(n)
	return p.b[start:end:end], end + backlenLen(k+int(n))
}

// Prev returns the offset of the entry before the one at o (o may be
// End), or -1 when o is the first entry.
func (p *Pack) Prev(o int) int {
	if o <= 0 {
		return -1
	}
	i := o - 1
	size := int(p.b[i] & 0x7f)
	for shift := 7; p.b[i]&0x80 != 0; shift += 7 {
		i--
		size |= int(p.b[i]&0x7f) << shift
	}
	return i - size
}

// Last is the offset of the last entry, or -1 when the pack is empty.
func (p *Pack) Last() int { return p.Prev(len(p.b)) }

// Seek returns the offset of entry i, counting from the end when i is
// negative (-1 is the last entry) as Redis's indexes do, or -1 when there
// is no such entry. It walks from the nearer end.
func (p *Pack) Seek(i int) int {
	if i < 0 {
		i += p.n
	}
	if i < 0 || i >= p.n {
		return -1
	}
	if i < p.n/2 {
		o := 0
		for ; i > 0; i-- {
			_, o = p.Get(o)
		}
		return o
	}
	o := len(p.b)
	for k := p.n - i; k > 0; k-- {
		o = p.Prev(o)
	}
	return o
}

// Insert puts entries holding vals (copied) at offset o, before the entry
// there (o == End appends).
func (p *Pack) Insert(o int, vals ...[]byte) {
	size := 0
	for _, v := range vals {
		size += EntrySize(v)
	}
	p.b = growAt(p.b, o, size)
	w := o
	for _, v := range vals {
		w = put(p.b, w, v)
	}
	p.n += len(vals)
}

// Append adds v at the end.
func (p *Pack) Append(v []byte) { p.Insert(len(p.b), v) }

// Prepend adds v at the front.
func (p *Pack) Prepend(v []byte) { p.Insert(0, v) }

// Delete removes count entries starting at offset o (fewer if the pack
// ends first) and returns how many it removed.
func (p *Pack) Delete(o, count int) int {
	end, k := o, 0
	for ; k < count && end < len(p.b); k++ {
		_, end = p.Get(end)
	}
	p.b = append(p.b[:o], p.b[end:]...)
	p.n -= k
	p.shrink()
	return k
}

// Replace overwrites the entry at offset o with v and returns the offset
// of the entry after it.
func (p *Pack) Replace(o int, v []byte) int {
	_, next := p.Get(o)
	old, size := next-o, EntrySize(v)
	switch {
	case size > old:
		p.b = growAt(p.b, next, size-old)
	case size < old:
		p.b = append(p.b[:o+size], p.b[next:]...)
	}
	return put(p.b, o, v)
}

// Find returns the offset of the first entry equal to v at or after o,
// looking only at every (skip+1)th entry (skip 1 visits the fields of a
// field/value pack), or -1.
func (p *Pack) Find(o int, v []byte, skip int) int {
	for o < len(p.b) {
		cur, next := p.Get(o)
		if bytes.Equal(cur, v) {
			return o
		}
		o = next
		for k := 0; k < skip && o < len(p.b); k++ {
			_, o = p.Get(o)
		}
	}
	return -1
}

// Reset empties the pack, keeping nothing.
func (p *Pack) Reset() { *p = Pack{} }

// Clone returns an independent copy with a tight buffer.
func (p *Pack) Clone() Pack {
	return Pack{b: bytes.Clone(p.b), n: p.n}
}

// Split moves the entries from offset o on into a new pack, which it
// returns (a quicklist node splitting in two).
func (p *Pack) Split(o, count int) Pack {
	q := Pack{b: bytes.Clone(p.b[o:]), n: p.n - count}
	p.b = p.b[:o]
	p.n = count
	p.shrink()
	return q
}

// Merge appends the entries of q to p.
func (p *Pack) Merge(q *Pack) {
	p.b = append(p.b, q.b...)
	p.n += q.n
}

// shrink gives memory back after deletions left the buffer less than a
// quarter full, so a pack that once held a lot does not keep its peak
// size (Redis's listpack reallocs to the exact size on every delete).
func (p *Pack) shrink() {
	if cap(p.b) > 64 && len(p.b) < cap(p.b)/4 {
		p.b = bytes.Clone(p.b)
	}
	if p.n == 0 {
		p.b = nil
	}
}

// growAt opens size bytes at offset o. A full buffer grows by an eighth
// rather than append's doubling: small packs are most of the memory of
// many small keys, and Redis's listpack is always exactly its size. Past
// chunkCap the growth stops at what is needed, since list chunks end
// there.
func growAt(b []byte, o, size int) []byte {
	n := len(b)
	if n+size <= cap(b) {
		b = b[:n+size]
	} else {
		need := n + size
		want := need + need/8 + 8
		if need <= chunkCap {
			want = min(want, chunkCap)
		}
		nb := make([]byte, need, want)
		copy(nb, b[:o])
		copy(nb[o+size:], b[o:n])
		return nb
	}
	copy(b[o+size:], b[o:n])
	return b
}

// chunkCap is the largest list chunk (list-max-listpack-size -2).
const chunkCap = 8192

// put writes the entry for v at offset w and returns the offset after it.
func put(b []byte, w int, v []byte) int {
	k := binary.PutUvarint(b[w:], uint64(len(v)))
	w += k
	w += copy(b[w:], v)
	return putBacklen(b, w, k+len(v))
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

func backlenLen(size int) int { return uvarintLen(uint64(size)) }

// putBacklen writes size so that it reads backwards from its last byte:
// the low 7 bits last, each byte but the first flagged with 0x80.
func putBacklen(b []byte, w, size int) int {
	k := backlenLen(size)
	for i := k - 1; i >= 0; i-- {
		c := byte(size & 0x7f)
		size >>= 7
		if i > 0 {
			c |= 0x80
		}
		b[w+i] = c
	}
	return w + k
}
