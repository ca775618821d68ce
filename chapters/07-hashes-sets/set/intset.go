package set

import (
	"encoding/binary"
	"math"
	"sort"
)

// intset is Redis's intset: sorted integers packed at the smallest width
// (2, 4 or 8 bytes) that holds them all, widened when a bigger one comes.
// Lookups are a binary search; inserts move the tail, which is cheap
// because an intset stays small (set-max-intset-entries).
type intset struct {
	b     []byte
	width int // 0 when empty, else 2, 4 or 8
}

func widthOf(v int64) int {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

func (s *intset) len() int {
	if s.width == 0 {
		return 0
	}
	return len(s.b) / s.width
}

func (s *intset) at(i int) int64 {
	p := s.b[i*s.width:]
	switch s.width {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(p)))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(p)))
	}
	return int64(binary.LittleEndian.Uint64(p))
}

func (s *intset) put(i int, v int64) {
	p := s.b[i*s.width:]
	switch s.width {
	case 2:
		binary.LittleEndian.PutUint16(p, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(p, uint32(v))
	default:
		binary.LittleEndian.PutUint64(p, uint64(v))
	}
}

// search returns v's index and whether it is present (else where it
// would go).
func (s *intset) search(v int64) (int, bool) {
	n := s.len()
	i := sort.Search(n, func(i int) bool { return s.at(i) >= v })
	return i, i < n && s.at(i) == v
}

func (s *intset) has(v int64) bool {
	if s.width == 0 || widthOf(v) > s.width {
		return false
	}
	_, ok := s.search(v)
	return ok
}

// add inserts v and reports whether it was new.
func (s *intset) add(v int64) bool {
	if w := widthOf(v); w > s.width {
		s.widen(w)
	}
	i, ok := s.search(v)
	if ok {
		return false
	}
	n := s.len()
	s.b = append(s.b, make([]byte, s.width)...)
	copy(s.b[(i+1)*s.width:], s.b[i*s.width:n*s.width])
	s.put(i, v)
	return true
}

// widen re-encodes every element at width w.
func (s *intset) widen(w int) {
	old := *s
	s.b = make([]byte, old.len()*w, (old.len()+1)*w)
	s.width = w
	for i := 0; i < old.len(); i++ {
		s.put(i, old.at(i))
	}
}

// remove deletes v and reports whether it was there.
func (s *intset) remove(v int64) bool {
	if s.width == 0 || widthOf(v) > s.width {
		return false
	}
	i, ok := s.search(v)
	if !ok {
		return false
	}
	s.removeAt(i)
	return true
}

func (s *intset) removeAt(i int) {
	s.b = append(s.b[:i*s.width], s.b[(i+1)*s.width:]...)
	if len(s.b) == 0 {
		*s = intset{}
	}
}
