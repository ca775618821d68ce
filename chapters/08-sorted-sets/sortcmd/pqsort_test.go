package sortcmd

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// partialSort leaves the wanted range as a full sort would (by key; the
// order of equal keys is pqsort's own, which the oracle test checks
// against redis-server), and keeps every element.
func TestPartialSortOrdersTheWantedRange(t *testing.T) {
	type elem struct{ key, id int }
	cmp := func(a, b *elem) int { return a.key - b.key }
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, keys int }{{0, 1}, {1, 1}, {6, 3}, {7, 2}, {8, 8}, {40, 5}, {41, 41}, {200, 7}, {1000, 1000}, {1000, 3}} {
		for try := 0; try < 20; try++ {
			v := make([]elem, tc.n)
			for i := range v {
				v[i] = elem{r.IntN(tc.keys), i}
			}
			want := slices.Clone(v)
			slices.SortStableFunc(want, func(a, b elem) int { return a.key - b.key })
			left, right := 0, tc.n-1
			if tc.n > 0 {
				left = r.IntN(tc.n)
				right = left + r.IntN(tc.n-left)
			}
			got := slices.Clone(v)
			partialSort(got, cmp, left, right)
			for i := left; i <= right && i < tc.n; i++ {
				if got[i].key != want[i].key {
					t.Fatalf("n=%d keys=%d range [%d,%d]: position %d holds key %d, want %d", tc.n, tc.keys, left, right, i, got[i].key, want[i].key)
				}
			}
			ids := make([]int, len(got))
			for i, e := range got {
				ids[i] = e.id
			}
			slices.Sort(ids)
			for i, id := range ids {
				if id != i {
					t.Fatalf("n=%d: elements lost or doubled: %v", tc.n, ids)
				}
			}
		}
	}
}

// stableSort keeps equal elements in their order, as glibc's merge sort.
func TestStableSortKeepsTies(t *testing.T) {
	type elem struct{ key, id int }
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 65, 1000} {
		v := make([]elem, n)
		for i := range v {
			v[i] = elem{r.IntN(5), i}
		}
		want := slices.Clone(v)
		slices.SortStableFunc(want, func(a, b elem) int { return a.key - b.key })
		stableSort(v, func(a, b *elem) int { return a.key - b.key })
		if !slices.Equal(v, want) {
			t.Fatalf("n=%d: got %v, want %v", n, v, want)
		}
	}
}
