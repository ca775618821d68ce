package encoding

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
)

// member is a random member: mostly small integers, some big ones,
// some that only look like integers, some words.
func member(r *rand.Rand) string {
	switch r.IntN(20) {
	case 0:
		return "007"
	case 1:
		return "m" + strconv.Itoa(r.IntN(10))
	case 2:
		return strconv.FormatInt(r.Int64(), 10)
	}
	return strconv.Itoa(r.IntN(50) - 25)
}

func TestSetEncodingMatchesTheSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 2000; round++ {
		max := r.IntN(8)
		members := make([]string, r.IntN(12)+1)
		for i := range members {
			members[i] = member(r)
		}
		s := set.New([]byte(members[0]))
		for _, m := range members {
			s.Add([]byte(m), max)
		}
		if got, want := s.Encoding(), SetEncoding(members, max); got != want {
			t.Fatalf("SADD %q with set-max-intset-entries %d: the set is %s, predicted %s", members, max, got, want)
		}
	}
}

func TestTheExercisesSet(t *testing.T) {
	if got := SetEncoding([]string{"1", "2"}, 512); got != "intset" {
		t.Fatalf("SADD s 1 2 = %s", got)
	}
	if got := SetEncoding([]string{"1", "2", "007"}, 512); got != "hashtable" {
		t.Fatalf("SADD s 1 2 007 = %s: 007 does not read back as written", got)
	}
}

func TestHashEncodingMatchesTheHash(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 2000; round++ {
		lim := hash.Limits{Entries: r.IntN(6), Value: r.IntN(8)}
		var pairs []string
		h := &hash.Hash{}
		for i := r.IntN(10); i >= 0; i-- {
			f := "f" + strconv.Itoa(r.IntN(8))
			v := string(make([]byte, r.IntN(10)))
			pairs = append(pairs, f, v)
			h.Set([]byte(f), []byte(v), lim)
		}
		if got, want := h.Encoding(), HashEncoding(pairs, lim.Entries, lim.Value); got != want {
			t.Fatalf("HSET %q with limits %+v: the hash is %s, predicted %s", pairs, lim, got, want)
		}
	}
}

// BenchmarkUpgrade is exercise 2: SADD of a member into an intset of 500
// two-byte integers, which upgrades every element to four bytes, against
// the same SADD into a set already at four bytes.
func BenchmarkUpgrade(b *testing.B) {
	build := func(wide bool) *set.Set {
		s := set.New([]byte("1"))
		for i := 0; i < 499; i++ {
			s.Add([]byte(strconv.Itoa(i)), 512)
		}
		if wide {
			s.Add([]byte("-100000"), 512)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		wide bool
	}{{"upgrades", false}, {"already-wide", true}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := build(tc.wide)
				b.StartTimer()
				s.Add([]byte("100000"), 512)
			}
		})
	}
}
