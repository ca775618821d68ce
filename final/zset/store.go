package zset

import (
	"math"
	"slices"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/final/cmdarg"
	"github.com/gocache/gocache/final/set"
	"github.com/gocache/gocache/final/typecmd"
)

// source is one input of ZUNIONSTORE/ZINTERSTORE: a sorted set, or a set
// whose members all score 1, or nothing (a missing key), and its weight.
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

func (src *source) each(fn func(m []byte, score float64)) {
	switch {
	case src.z != nil:
		src.z.All(func(m []byte, s float64) bool { fn(m, s); return true })
	case src.s != nil:
		src.s.All(func(m []byte) bool { fn(m, 1); return true })
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

// store is ZUNIONSTORE and ZINTERSTORE destination numkeys key [key ...]
// [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
// (zunionInterDiffGenericCommand). The result is built as a skiplist
// and stored as a listpack if it fits, as Redis does.
func (zc *Commands) store(c *server.Client, inter bool) {
	dst := c.Args[1]
	n, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	if n < 1 {
		c.W.Error("ERR at least 1 input key is needed for '" + c.LastCmd.FullName() + "' command")
		return
	}
	if n > int64(len(c.Args)-3) {
		c.ErrSyntax()
		return
	}
	srcs := make([]source, n)
	db, now := zc.ks.DB(c), zc.ks.Now()
	for i := range srcs {
		srcs[i].weight = 1
		// A source is only read: LookupWrite would tell WATCH it changed.
		e := db.Lookup(c.Args[3+i], now)
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
	for j := 3 + int(n); j < len(c.Args); {
		remaining := len(c.Args) - j
		switch {
		case remaining >= int(n)+1 && cmdarg.Is(c.Args[j], "weights"):
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
		case remaining >= 2 && cmdarg.Is(c.Args[j], "aggregate"):
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
		default:
			c.ErrSyntax()
			return
		}
	}
	slices.SortStableFunc(srcs, func(a, b source) int { return a.len() - b.len() })
	result := NewSkiplist()
	if inter {
		intersect(srcs, agg, result)
	} else {
		union(srcs, agg, result)
	}
	if result.Len() == 0 {
		c.W.Int(0)
		if zc.del(c, dst) {
			c.Propagate()
		}
		return
	}
	result.Shrink(zc.Limits)
	db.Set(dst, result, now)
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

func intersect(srcs []source, agg aggregate, out *ZSet) {
	if srcs[0].len() == 0 {
		return
	}
	srcs[0].each(func(m []byte, s float64) {
		score := weighted(srcs[0].weight, s)
		for j := 1; j < len(srcs); j++ {
			if srcs[j].same(&srcs[0]) {
				agg.apply(&score, s*srcs[j].weight)
				continue
			}
			v, ok := srcs[j].find(m)
			if !ok {
				return
			}
			agg.apply(&score, v*srcs[j].weight)
		}
		out.insert(m, score)
	})
}

func union(srcs []source, agg aggregate, out *ZSet) {
	acc := map[string]float64{}
	var order []string
	for i := range srcs {
		srcs[i].each(func(m []byte, s float64) {
			score := weighted(srcs[i].weight, s)
			cur, ok := acc[string(m)]
			if !ok {
				acc[string(m)] = score
				order = append(order, string(m))
				return
			}
			agg.apply(&cur, score)
			acc[string(m)] = cur
		})
	}
	for _, m := range order {
		out.insert([]byte(m), acc[m])
	}
}
