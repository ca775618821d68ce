package set

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typetest"
)

func TestIntsetWidensAndStaysSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var is intset
	model := map[int64]bool{}
	gens := []func() int64{
		func() int64 { return int64(r.IntN(100)) - 50 },
		func() int64 { return int64(r.Int32()) - math.MaxInt32/2 },
		func() int64 { return int64(r.Uint64()) },
	}
	for step := 0; step < 3000; step++ {
		v := gens[min(step/1000, 2)]()
		if r.IntN(3) == 0 {
			if is.remove(v) != model[v] {
				t.Fatalf("remove(%d) disagrees", v)
			}
			delete(model, v)
		} else {
			if is.add(v) == model[v] {
				t.Fatalf("add(%d) disagrees", v)
			}
			model[v] = true
		}
		if is.len() != len(model) {
			t.Fatalf("len %d, want %d", is.len(), len(model))
		}
	}
	for i := 1; i < is.len(); i++ {
		if is.at(i-1) >= is.at(i) {
			t.Fatalf("not sorted at %d", i)
		}
	}
	for v := range model {
		if !is.has(v) {
			t.Fatalf("lost %d", v)
		}
	}
}

func TestEncodingRules(t *testing.T) {
	s := New([]byte("1"))
	for i := 0; i < 512; i++ {
		s.Add([]byte(strconv.Itoa(i)), DefaultMaxIntset)
	}
	if s.Encoding() != EncIntset {
		t.Fatalf("512 integers: %s", s.Encoding())
	}
	s.Add([]byte("512"), DefaultMaxIntset)
	if s.Encoding() != EncHashtable || s.Len() != 513 || !s.Has([]byte("77")) {
		t.Fatalf("513 integers: %s len %d", s.Encoding(), s.Len())
	}
	if New([]byte("a")).Encoding() != EncHashtable {
		t.Fatal("a string starts a hashtable in Redis 7.0")
	}
	small := New([]byte("1"))
	small.Add([]byte("1"), DefaultMaxIntset)
	small.Add([]byte("x"), DefaultMaxIntset)
	if small.Encoding() != EncHashtable || !small.Has([]byte("1")) || !small.Has([]byte("x")) {
		t.Fatal("adding a string to an intset")
	}
}

func TestIntsetOrderAndPop(t *testing.T) {
	s := New([]byte("5"))
	for _, m := range []string{"5", "-3", "100000", "7"} {
		s.Add([]byte(m), DefaultMaxIntset)
	}
	var got []string
	s.All(func(m []byte) bool { got = append(got, string(m)); return true })
	if !slices.Equal(got, []string{"-3", "5", "7", "100000"}) {
		t.Fatalf("intset order %v", got)
	}
	for s.Len() > 0 {
		m, ok := s.Pop()
		if !ok || s.Has(m) {
			t.Fatalf("Pop %q %v", m, ok)
		}
	}
}

func TestRemoveWhileIterating(t *testing.T) {
	for _, first := range []string{"1", "a"} {
		s := New([]byte(first))
		for i := 0; i < 50; i++ {
			s.Add([]byte(strconv.Itoa(i)), DefaultMaxIntset)
		}
		n := 0
		s.All(func(m []byte) bool { s.Remove(m); n++; return true })
		if n != 50 || s.Len() != 0 {
			t.Fatalf("%s: visited %d, %d left", first, n, s.Len())
		}
	}
}

func BenchmarkAddIntset(b *testing.B) {
	s := New([]byte("1"))
	for i := 0; i < b.N; i++ {
		s.Add([]byte(strconv.Itoa(i&511)), DefaultMaxIntset)
	}
}

func BenchmarkAddHashtable(b *testing.B) {
	s := New([]byte("a"))
	ms := make([][]byte, 1<<16)
	for i := range ms {
		ms[i] = []byte(fmt.Sprint("member:", i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Add(ms[i&(1<<16-1)], DefaultMaxIntset)
	}
}

func TestMemoryPerMember(t *testing.T) {
	typetest.SkipUnlessMeasuring(t)
	const n = 1000000
	big := typetest.HeapAfter(func() any {
		s := New([]byte("a"))
		for i := 0; i < n; i++ {
			s.Add(fmt.Appendf(nil, "member:%d", i), DefaultMaxIntset)
		}
		return s
	})
	small := typetest.HeapAfter(func() any {
		ss := make([]*Set, 100000)
		for k := range ss {
			ss[k] = New([]byte("1"))
			for i := 0; i < 10; i++ {
				ss[k].Add(strconv.AppendInt(nil, int64(i), 10), DefaultMaxIntset)
			}
		}
		return ss
	})
	smallStr := typetest.HeapAfter(func() any {
		ss := make([]*Set, 100000)
		for k := range ss {
			ss[k] = New([]byte("a"))
			for i := 0; i < 10; i++ {
				ss[k].Add(fmt.Appendf(nil, "member:%d", i), DefaultMaxIntset)
			}
		}
		return ss
	})
	t.Logf("set: 1M members (hashtable): %.1f B/member; 100k x 10 ints (intset): %.1f; 100k x 10 strings (hashtable): %.1f",
		float64(big)/n, float64(small)/1e6, float64(smallStr)/1e6)
	if float64(big)/n > 80 {
		t.Errorf("hashtable member costs %.1f B", float64(big)/n)
	}
}
