package zset

import (
	"math"
	"slices"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
)

// source is one input of ZUNION, ZINTER, ZDIFF, their STORE forms and
// ZINTERCARD: a sorted set, or a set whose members all score 1, or
// nothing (a missing key), and its weight.
type source struct {
	z      *ZSet
	s      *set.Set
	weight float64
}

func (src *source) len() int {
	switch {
	case src.z != nil:
		return src.z.Len()
	case src.s != nil:
		return src.s.Len()
	}
	return 0
}

// each visits the members with their scores until fn returns false.
func (src *source) each(fn func(m []byte, score float64) bool) {
	switch {
	case src.z != nil:
		src.z.All(fn)
	case src.s != nil:
		src.s.All(func(m []byte) bool { return fn(m, 1) })
	}
}

func (src *source) find(m []byte) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.Score(m)
	case src.s != nil:
		return 1, src.s.Has(m)
	}
	return 0, false
}

func (src *source) same(o *source) bool {
	return (src.z != nil && src.z == o.z) || (src.s != nil && src.s == o.s)
}

type aggregate int

const (
	aggSum aggregate = iota
	aggMin
	aggMax
)

// apply is zunionInterAggregate: a sum of inf and -inf counts as 0.
func (a aggregate) apply(target *float64, v float64) {
	switch a {
	case aggSum:
		*target += v
		if math.IsNaN(*target) {
			*target = 0
		}
	case aggMin:
		if v < *target {
			*target = v
		}
	case aggMax:
		if v > *target {
			*target = v
		}
	}
}

// setOp is the operation of zunionInterDiffGenericCommand.
type setOp int

const (
	opUnion setOp = iota
	opInter
	opDiff
)

// setOpCommand is zunionInterDiffGenericCommand, the one implementation
// behind ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD:
// numkeys key [key ...] at numkeysIdx, then WEIGHTS and AGGREGATE (not
// for ZDIFF), WITHSCORES (without a destination) or LIMIT (ZINTERCARD,
// cardOnly). With dst the result replaces it (an empty result deletes
// it); without, it is the reply. The result is built as a skiplist and
// stored as a listpack if it fits, as Redis does.
func (zc *Commands) setOpCommand(c *server.Client, dst []byte, numkeysIdx int, op setOp, cardOnly bool) {
	n, ok := resp.ParseInt(c.Args[numkeysIdx])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	if n < 1 {
		c.W.Error("ERR at least 1 input key is needed for '" + c.LastCmd.FullName() + "' command")
		return
	}
	first := numkeysIdx + 1
	if n > int64(len(c.Args)-first) {
		c.ErrSyntax()
		return
	}
	srcs := make([]source, n)
	db, now := zc.ks.DB(c), zc.ks.Now()
	for i := range srcs {
		srcs[i].weight = 1
		// A source is only read: LookupWrite would tell WATCH it changed.
		e := db.Lookup(c.Args[first+i], now)
		if e == nil {
			continue
		}
		switch v := e.Value.(type) {
		case *ZSet:
			srcs[i].z = v
		case *set.Set:
			srcs[i].s = v
		default:
			c.W.Error(typecmd.ErrWrongType)
			return
		}
	}
	agg := aggSum
	withScores := false
	limit := int64(0)
	for j := first + int(n); j < len(c.Args); {
		remaining := len(c.Args) - j
		weighted := op != opDiff && !cardOnly
		switch {
		case weighted && remaining >= int(n)+1 && cmdarg.Is(c.Args[j], "weights"):
			j++
			for i := range srcs {
				w, ok := ParseScore(c.Args[j])
				if !ok {
					c.W.Error("ERR weight value is not a float")
					return
				}
				srcs[i].weight = w
				j++
			}
		case weighted && remaining >= 2 && cmdarg.Is(c.Args[j], "aggregate"):
			switch a := c.Args[j+1]; {
			case cmdarg.Is(a, "sum"):
				agg = aggSum
			case cmdarg.Is(a, "min"):
				agg = aggMin
			case cmdarg.Is(a, "max"):
				agg = aggMax
			default:
				c.ErrSyntax()
				return
			}
			j += 2
		case dst == nil && !cardOnly && cmdarg.Is(c.Args[j], "withscores"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && cmdarg.Is(c.Args[j], "limit"):
			l, ok := resp.ParseInt(c.Args[j+1])
			if !ok || l < 0 {
				c.W.Error("ERR LIMIT can't be negative")
				return
			}
			limit = l
			j += 2
		default:
			c.ErrSyntax()
			return
		}
	}
	if op != opDiff {
		slices.SortStableFunc(srcs, func(a, b source) int { return a.len() - b.len() })
	}
	if cardOnly {
		c.W.Int(int64(intersect(srcs, agg, limit, nil)))
		return
	}
	result := NewSkiplist()
	switch op {
	case opInter:
		intersect(srcs, agg, 0, result)
	case opUnion:
		union(srcs, agg, result)
	case opDiff:
		diff(srcs, result)
	}
	if dst == nil {
		var members [][]byte
		var scores []float64
		result.All(func(m []byte, s float64) bool {
			members = append(members, m)
			scores = append(scores, s)
			return true
		})
		writePairs(c, members, scores, withScores)
		return
	}
	zc.storeResult(c, dst, result)
}

// storeResult replaces dst with result and replies its size; an empty
// result deletes dst instead (a change, propagated, only if dst was
// there), as the *STORE commands of Redis do.
func (zc *Commands) storeResult(c *server.Client, dst []byte, result *ZSet) {
	if result.Len() == 0 {
		c.W.Int(0)
		if zc.del(c, dst) {
			c.Propagate()
		}
		return
	}
	result.Shrink(zc.Limits)
	zc.ks.DB(c).Set(dst, result, zc.ks.Now())
	c.W.Int(int64(result.Len()))
	c.Propagate()
}

// weighted is weight*score with NaN (0 * inf) counted as 0.
func weighted(w, s float64) float64 {
	v := w * s
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// intersect adds the members of every source to out, or with out nil
// only counts them, stopping at limit when it is not 0 (ZINTERCARD).
func intersect(srcs []source, agg aggregate, limit int64, out *ZSet) int64 {
	var card int64
	if srcs[0].len() == 0 {
		return 0
	}
	srcs[0].each(func(m []byte, s float64) bool {
		if limit > 0 && card >= limit {
			return false
		}
		score := weighted(srcs[0].weight, s)
		for j := 1; j < len(srcs); j++ {
			if srcs[j].same(&srcs[0]) {
				agg.apply(&score, s*srcs[j].weight)
				continue
			}
			v, ok := srcs[j].find(m)
			if !ok {
				return true
			}
			agg.apply(&score, v*srcs[j].weight)
		}
		card++
		if out != nil {
			out.insert(m, score)
		}
		return true
	})
	return card
}

// diff adds the members of the first source that no other source holds,
// with their scores (zdiff; Redis picks one of two algorithms by cost,
// both give this result).
func diff(srcs []source, out *ZSet) {
	for j := 1; j < len(srcs); j++ {
		if srcs[j].same(&srcs[0]) {
			return // the first set less itself
		}
	}
	srcs[0].each(func(m []byte, s float64) bool {
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].find(m); ok {
				return true
			}
		}
		out.insert(m, s)
		return true
	})
}

func union(srcs []source, agg aggregate, out *ZSet) {
	acc := map[string]float64{}
	var order []string
	for i := range srcs {
		srcs[i].each(func(m []byte, s float64) bool {
			score := weighted(srcs[i].weight, s)
			cur, ok := acc[string(m)]
			if !ok {
				acc[string(m)] = score
				order = append(order, string(m))
				return true
			}
			agg.apply(&cur, score)
			acc[string(m)] = cur
			return true
		})
	}
	for _, m := range order {
		out.insert([]byte(m), acc[m])
	}
}
