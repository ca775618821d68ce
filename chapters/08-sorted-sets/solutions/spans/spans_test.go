package spans

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMatchesASortedSlice runs random inserts and deletes and checks
// every rank both ways against a sorted slice after each one.
func TestMatchesASortedSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for seed := uint64(1); seed <= 20; seed++ {
		l := New(seed)
		var model []int
		for op := 0; op < 400; op++ {
			v := r.IntN(200)
			i, found := slices.BinarySearch(model, v)
			if r.IntN(3) == 0 {
				if got := l.Delete(v); got != found {
					t.Fatalf("Delete(%d) = %v, present %v", v, got, found)
				}
				if found {
					model = slices.Delete(model, i, i+1)
				}
			} else {
				if got := l.Insert(v); got == found {
					t.Fatalf("Insert(%d) = %v, present %v", v, got, found)
				}
				if !found {
					model = slices.Insert(model, i, v)
				}
			}
			if l.Len() != len(model) {
				t.Fatalf("Len = %d, want %d", l.Len(), len(model))
			}
			for rank, v := range model {
				if got := l.Rank(v); got != rank {
					t.Fatalf("seed %d: Rank(%d) = %d, want %d", seed, v, got, rank)
				}
				if got, ok := l.At(rank); !ok || got != v {
					t.Fatalf("seed %d: At(%d) = %d %v, want %d", seed, rank, got, ok, v)
				}
			}
			if _, ok := l.At(len(model)); ok {
				t.Fatalf("At(%d) past the end answered", len(model))
			}
			if l.Rank(1000) != -1 {
				t.Fatal("Rank of an absent value")
			}
		}
	}
}
