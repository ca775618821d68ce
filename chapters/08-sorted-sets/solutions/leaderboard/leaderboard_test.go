package leaderboard

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// TestStandingCountsHigherScores compares Standing with a count over all
// members, in both encodings, for scores present, absent and tied.
func TestStandingCountsHigherScores(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 10, 100, 1000} {
		z := zset.New(4, zset.DefaultLimits)
		scores := map[string]float64{}
		for i := 0; i < n; i++ {
			m := "p" + strconv.Itoa(i)
			s := float64(r.IntN(n + 1))
			z.Add([]byte(m), s, zset.AddFlags{}, zset.DefaultLimits)
			scores[m] = s
		}
		wantEnc := "listpack"
		if n > zset.DefaultLimits.Entries {
			wantEnc = "skiplist"
		}
		if z.Encoding() != wantEnc {
			t.Fatalf("%d members: encoding %s", n, z.Encoding())
		}
		for q := -1.0; q <= float64(n+1); q += 0.5 {
			want := 0
			for _, s := range scores {
				if s > q {
					want++
				}
			}
			if got := Standing(z, q); got != want {
				t.Fatalf("%d members, score %v: Standing = %d, want %d", n, q, got, want)
			}
		}
	}
}
