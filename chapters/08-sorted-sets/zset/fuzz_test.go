package zset

import (
	"bytes"
	"math"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

func splitArgs(s []byte) [][]byte { return bytes.Split(s, []byte(" ")) }

// FuzzZaddArgs checks that ZADD's option parsing never panics and that
// what it accepts is consistent: compatible flags, whole pairs, real
// scores.
func FuzzZaddArgs(f *testing.F) {
	for _, s := range []string{"1 a", "NX XX 1 a", "GT CH 1 a 2 b", "INCR 1 a 2 b", "nan a", "inf a", "LT 1e400 a", "xx", "1", "ch ch 0x1p3 m"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, incr bool) {
		fl, _, scores, members, errText := ParseAdd(splitArgs(in), incr)
		if errText != "" {
			return
		}
		if len(scores) == 0 || len(scores) != len(members) {
			t.Fatalf("%q: %d scores, %d members", in, len(scores), len(members))
		}
		if fl.NX && (fl.XX || fl.GT || fl.LT) || fl.GT && fl.LT {
			t.Fatalf("%q: incompatible flags accepted: %+v", in, fl)
		}
		if fl.Incr && len(scores) != 1 {
			t.Fatalf("%q: INCR with %d pairs", in, len(scores))
		}
		for _, s := range scores {
			if math.IsNaN(s) {
				t.Fatalf("%q: NaN score accepted", in)
			}
		}
		z := New(len(members[0]), Limits{Entries: 2, Value: 4})
		for i, m := range members {
			z.Add(m, scores[i], fl, Limits{Entries: 2, Value: 4})
		}
	})
}

// FuzzRangeArgs runs ZRANGE's parser, then the range itself on a small
// set in both encodings: no panic, and a result within the limit.
func FuzzRangeArgs(f *testing.F) {
	for _, s := range []string{"0 -1", "(1 +inf BYSCORE LIMIT 0 2", "[a (c BYLEX REV", "- + BYLEX WITHSCORES", "0 1 LIMIT 0 1", "  BYSCORE", "( ( BYSCORE"} {
		f.Add([]byte(s))
	}
	sets := []*ZSet{New(1, DefaultLimits), NewSkiplist()}
	for _, z := range sets {
		for i, m := range []string{"a", "b", "c", "d"} {
			z.Add([]byte(m), float64(i%2), AddFlags{}, DefaultLimits)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		args := splitArgs(in)
		if len(args) < 2 {
			return
		}
		ra, errText := ParseRange(args, byAuto, 0)
		if errText != "" {
			return
		}
		for _, z := range sets {
			n := 0
			count := func([]byte, float64) bool { n++; return true }
			switch ra.Kind {
			case byRank:
				if a, b, ok := cmdarg.Clamp(ra.Start, ra.Stop, z.Len()); ok {
					z.RangeByRank(a, b, ra.Rev, count)
				}
			case byScore:
				z.RangeByScore(ra.Score, ra.Rev, int(max(ra.Offset, 0)), int(max(min(ra.Limit, 100), -1)), count)
			case byLex:
				z.RangeByLex(ra.Lex, ra.Rev, int(max(ra.Offset, 0)), int(max(min(ra.Limit, 100), -1)), count)
			}
			if n > z.Len() || (ra.Kind != byRank && ra.Limit >= 0 && int64(n) > ra.Limit) {
				t.Fatalf("%q: %d results from %d members", in, n, z.Len())
			}
		}
	})
}
