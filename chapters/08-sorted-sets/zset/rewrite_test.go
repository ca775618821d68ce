package zset_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

func TestZSetRewriteScoresReadBackExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{math.Inf(1), math.Inf(-1), 0.1, 1e-300, 5e-324, math.MaxFloat64, 1.0 / 3, -2.5, 0}
	for _, n := range typetest.RewriteSizes {
		z := zset.New(10, zset.DefaultLimits)
		want := map[string]float64{}
		for i := range n {
			score := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
			if i < len(special) {
				score = special[i]
			}
			m := fmt.Sprintf("member %d", i)
			z.Add([]byte(m), score, zset.AddFlags{}, zset.DefaultLimits)
			want[m] = score
		}
		b, _ := typecmd.AppendRewrite(nil, "z", z)
		words := typetest.SplitRewrite(t, typetest.RewriteCommands(t, b), "ZADD", "z", n, 2)
		last := math.Inf(-1)
		for i := 0; i < len(words); i += 2 {
			score, err := strconv.ParseFloat(words[i], 64)
			if err != nil || score != want[words[i+1]] {
				t.Fatalf("n=%d: %s written as %q, is %v (%v)", n, words[i+1], words[i], want[words[i+1]], err)
			}
			if score < last {
				t.Fatalf("n=%d: scores out of order at %q", n, words[i])
			}
			last = score
		}
		if z.Len() != n {
			t.Fatalf("n=%d: %d members", n, z.Len())
		}
	}
}
