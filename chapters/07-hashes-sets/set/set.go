// Package set is the Redis set of byte strings, with Redis 7.0's two
// encodings: an intset while every member is an integer and there are at
// most set-max-intset-entries (512) of them, else a hashtable. Redis 7.0
// has no listpack sets (7.2 added them): a small set of strings is a
// hashtable here too, and a set never converts back.
package set

import (
	"math/rand/v2"
	"strconv"
	"unsafe"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/03-cache/dict"
)

// Encodings as OBJECT ENCODING reports them.
const (
	EncIntset    = "intset"
	EncHashtable = "hashtable"
)

// DefaultMaxIntset is set-max-intset-entries' default.
const DefaultMaxIntset = 512

// Set is a Redis set. The zero value is an empty intset; New picks the
// encoding for the first member the way Redis's setTypeCreate does.
type Set struct {
	is intset
	d  *dict.Dict[struct{}] // the hashtable encoding; nil while an intset
}

// New returns an empty set suited to hold first: an intset if it is an
// integer in canonical form (resp.ParseInt, so a member reads back exactly
// as it was written), else a hashtable.
func New(first []byte) *Set {
	s := &Set{}
	if _, ok := resp.ParseInt(first); !ok {
		s.d = &dict.Dict[struct{}]{}
	}
	return s
}

// Encoding is "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.d != nil {
		return EncHashtable
	}
	return EncIntset
}

// Len is the number of members.
func (s *Set) Len() int {
	if s.d != nil {
		return s.d.Len()
	}
	return s.is.len()
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	if s.d != nil {
		return s.d.Has(m)
	}
	v, ok := resp.ParseInt(m)
	return ok && s.is.has(v)
}

// Add adds m (copied) and reports whether it is new. An intset becomes a
// hashtable when m is not an integer or the set grows past maxIntset
// (setTypeAdd).
func (s *Set) Add(m []byte, maxIntset int) bool {
	if s.d == nil {
		v, ok := resp.ParseInt(m)
		if ok {
			if !s.is.add(v) {
				return false
			}
			if s.is.len() > maxIntset {
				s.convert()
			}
			return true
		}
		s.convert()
	}
	return s.d.Set(m, struct{}{})
}

func (s *Set) convert() {
	d := &dict.Dict[struct{}]{}
	var buf [20]byte
	for i := 0; i < s.is.len(); i++ {
		d.Set(strconv.AppendInt(buf[:0], s.is.at(i), 10), struct{}{})
	}
	s.d = d
	s.is = intset{}
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m []byte) bool {
	if s.d != nil {
		_, ok := s.d.Delete(m)
		return ok
	}
	v, ok := resp.ParseInt(m)
	return ok && s.is.remove(v)
}

// All calls fn for each member: ascending for an intset, table order for
// a hashtable. fn may remove the member it is given; it returns false to
// stop. The slice is valid during the call only.
func (s *Set) All(fn func(m []byte) bool) {
	if s.d != nil {
		for k := range s.d.All() {
			if !fn(unsafe.Slice(unsafe.StringData(k), len(k))) {
				return
			}
		}
		return
	}
	var buf [20]byte
	for i := 0; i < s.is.len(); {
		v := s.is.at(i)
		n := s.is.len()
		if !fn(strconv.AppendInt(buf[:0], v, 10)) {
			return
		}
		if s.is.len() == n {
			i++
		}
	}
}

// Scan is SSCAN's walk: a hashtable returns some members and the next
// cursor; an intset returns all of them and cursor 0.
func (s *Set) Scan(cursor uint64, count int, fn func(m []byte)) uint64 {
	if s.d != nil {
		return s.d.Scan(cursor, count, func(k string, _ *struct{}) {
			fn(unsafe.Slice(unsafe.StringData(k), len(k)))
		})
	}
	s.All(func(m []byte) bool { fn(m); return true })
	return 0
}

// Random returns a member chosen at random (a fresh slice); ok is false
// when the set is empty.
func (s *Set) Random() ([]byte, bool) {
	if s.d != nil {
		k, _, ok := s.d.Random()
		return []byte(k), ok
	}
	if s.is.len() == 0 {
		return nil, false
	}
	return strconv.AppendInt(nil, s.is.at(rand.IntN(s.is.len())), 10), true
}

// Pop removes and returns a random member.
func (s *Set) Pop() ([]byte, bool) {
	m, ok := s.Random()
	if ok {
		s.Remove(m)
	}
	return m, ok
}

// Clone returns a copy with the same encoding.
func (s *Set) Clone() *Set {
	c := &Set{}
	if s.d == nil {
		c.is = intset{b: append([]byte(nil), s.is.b...), width: s.is.width}
		return c
	}
	c.d = &dict.Dict[struct{}]{}
	s.All(func(m []byte) bool { c.d.Set(m, struct{}{}); return true })
	return c
}
