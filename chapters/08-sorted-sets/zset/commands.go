package zset

import (
	"math"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Commands are the sorted set commands, closures over the keyspace.
type Commands struct {
	ks     typecmd.Keyspace
	Limits Limits // zset-max-listpack-entries / -value (CONFIG SET changes them)
}

// Type is what TYPE reports for a sorted set.
func (z *ZSet) Type() string { return "zset" }

// Register adds the sorted set commands and their options to s.
func Register(s *server.Server, ks typecmd.Keyspace) *Commands {
	zc := &Commands{ks: ks, Limits: DefaultLimits}
	s.Commands.Add(zc.table()...)
	s.Config.Add(
		typecmd.IntParam("zset-max-listpack-entries", "zset-max-ziplist-entries", &zc.Limits.Entries),
		typecmd.IntParam("zset-max-listpack-value", "zset-max-ziplist-value", &zc.Limits.Value),
	)
	return zc
}

// rangeKind and the direction say how a ZRANGE-family command reads its
// bounds; auto values may be set by ZRANGE's BYSCORE, BYLEX and REV.
type rangeKind int

const (
	byAuto rangeKind = iota
	byRank
	byScore
	byLex
)

func (zc *Commands) table() []*server.Command {
	const w, r, fast, oom, mk = server.Write, server.ReadOnly, server.Fast, server.DenyOOM, server.Movablekeys
	rng := func(kind rangeKind, rev int) func(c *server.Client) {
		return func(c *server.Client) { zc.zrange(c, kind, rev) }
	}
	// setOp serves the union, intersection and difference commands: the
	// STORE forms name the destination first and numkeys second.
	setOp := func(op setOp, store, cardOnly bool) func(c *server.Client) {
		if store {
			return func(c *server.Client) { zc.setOpCommand(c, c.Args[1], 2, op, false) }
		}
		return func(c *server.Client) { zc.setOpCommand(c, nil, 1, op, cardOnly) }
	}
	return []*server.Command{
		server.NewCommand("zadd", -4, w|oom|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zadd(c, false) }),
		server.NewCommand("zincrby", 4, w|oom|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zadd(c, true) }),
		server.NewCommand("zrem", -3, w|fast, 1, 1, 1, "sortedset", func(c *server.Client) { typecmd.Remove(c, zc.ks, (*ZSet).Remove) }),
		server.NewCommand("zscore", 3, r|fast, 1, 1, 1, "sortedset", zc.zscore),
		server.NewCommand("zmscore", -3, r|fast, 1, 1, 1, "sortedset", zc.zmscore),
		server.NewCommand("zcard", 2, r|fast, 1, 1, 1, "sortedset", zc.zcard),
		server.NewCommand("zcount", 4, r|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.count(c, false) }),
		server.NewCommand("zlexcount", 4, r|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.count(c, true) }),
		server.NewCommand("zrange", -4, r, 1, 1, 1, "sortedset", rng(byAuto, 0)),
		server.NewCommand("zrangebyscore", -4, r, 1, 1, 1, "sortedset", rng(byScore, 1)),
		server.NewCommand("zrevrangebyscore", -4, r, 1, 1, 1, "sortedset", rng(byScore, -1)),
		server.NewCommand("zrangebylex", -4, r, 1, 1, 1, "sortedset", rng(byLex, 1)),
		server.NewCommand("zrevrangebylex", -4, r, 1, 1, 1, "sortedset", rng(byLex, -1)),
		server.NewCommand("zrevrange", -4, r, 1, 1, 1, "sortedset", rng(byRank, -1)),
		server.NewCommand("zrank", 3, r|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zrank(c, false) }),
		server.NewCommand("zrevrank", 3, r|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zrank(c, true) }),
		server.NewCommand("zpopmin", -2, w|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zpop(c, false) }),
		server.NewCommand("zpopmax", -2, w|fast, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zpop(c, true) }),
		server.NewCommand("zrandmember", -2, r, 1, 1, 1, "sortedset", zc.zrandmember),
		server.NewCommand("zremrangebyrank", 4, w, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zremrange(c, byRank) }),
		server.NewCommand("zremrangebyscore", 4, w, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zremrange(c, byScore) }),
		server.NewCommand("zremrangebylex", 4, w, 1, 1, 1, "sortedset", func(c *server.Client) { zc.zremrange(c, byLex) }),
		server.NewCommand("zunionstore", -4, w|oom|mk, 1, 1, 1, "sortedset", setOp(opUnion, true, false)),
		server.NewCommand("zinterstore", -4, w|oom|mk, 1, 1, 1, "sortedset", setOp(opInter, true, false)),
		server.NewCommand("zdiffstore", -4, w|oom|mk, 1, 1, 1, "sortedset", setOp(opDiff, true, false)),
		server.NewCommand("zunion", -3, r|mk, 0, 0, 0, "sortedset", setOp(opUnion, false, false)),
		server.NewCommand("zinter", -3, r|mk, 0, 0, 0, "sortedset", setOp(opInter, false, false)),
		server.NewCommand("zdiff", -3, r|mk, 0, 0, 0, "sortedset", setOp(opDiff, false, false)),
		server.NewCommand("zintercard", -3, r|mk, 0, 0, 0, "sortedset", setOp(opInter, false, true)),
		server.NewCommand("zrangestore", -5, w|oom, 1, 2, 1, "sortedset", zc.zrangestore),
		server.NewCommand("zmpop", -4, w|mk, 0, 0, 0, "sortedset", zc.zmpop),
		server.NewCommand("zscan", -3, r, 1, 1, 1, "sortedset", zc.zscan),
	}
}

// read looks key up for reading: the value, nil when absent; ok is
// false after a WRONGTYPE reply.
func (zc *Commands) read(c *server.Client, key []byte) (*ZSet, bool) {
	return typecmd.Read[*ZSet](c, zc.ks, key)
}

// write looks key up for a change (lookupKeyWrite).
func (zc *Commands) write(c *server.Client, key []byte) (*ZSet, bool) {
	return typecmd.Write[*ZSet](c, zc.ks, key)
}

func (zc *Commands) del(c *server.Client, key []byte) bool {
	return zc.ks.DB(c).Delete(key, zc.ks.Now())
}

// ParseAdd parses ZADD's options and score/member pairs from args (the
// arguments after the key) as zaddGenericCommand does, returning Redis's
// error text when they are invalid. ZINCRBY passes incr.
func ParseAdd(args [][]byte, incr bool) (f AddFlags, ch bool, scores []float64, members [][]byte, err string) {
	f.Incr = incr
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case cmdarg.Is(a, "nx"):
			f.NX = true
		case cmdarg.Is(a, "xx"):
			f.XX = true
		case cmdarg.Is(a, "ch"):
			ch = true
		case cmdarg.Is(a, "incr"):
			f.Incr = true
		case cmdarg.Is(a, "gt"):
			f.GT = true
		case cmdarg.Is(a, "lt"):
			f.LT = true
		default:
			goto pairs
		}
	}
pairs:
	rest := args[i:]
	if len(rest)%2 != 0 || len(rest) == 0 {
		return f, ch, nil, nil, "ERR syntax error"
	}
	if f.NX && f.XX {
		return f, ch, nil, nil, "ERR XX and NX options at the same time are not compatible"
	}
	if (f.GT && f.NX) || (f.LT && f.NX) || (f.GT && f.LT) {
		return f, ch, nil, nil, "ERR GT, LT, and/or NX options at the same time are not compatible"
	}
	if f.Incr && len(rest) > 2 {
		return f, ch, nil, nil, "ERR INCR option supports a single increment-element pair"
	}
	for j := 0; j < len(rest); j += 2 {
		s, ok := ParseScore(rest[j])
		if !ok {
			return f, ch, nil, nil, ErrNotFloat
		}
		scores = append(scores, s)
		members = append(members, rest[j+1])
	}
	return f, ch, scores, members, ""
}

// zadd is ZADD and ZINCRBY (zaddGenericCommand).
func (zc *Commands) zadd(c *server.Client, incrCmd bool) {
	key := c.Args[1]
	f, ch, scores, members, errText := ParseAdd(c.Args[2:], incrCmd)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	z, ok := zc.write(c, key)
	if !ok {
		return
	}
	added, updated, processed := 0, 0, 0
	var score float64
	if z == nil && !f.XX {
		z = New(len(members[0]), zc.Limits)
		zc.ks.DB(c).Set(key, z, zc.ks.Now())
	}
	if z != nil {
		for i, m := range members {
			res, s := z.Add(m, scores[i], f, zc.Limits)
			switch res {
			case NaN:
				c.W.Error(ErrNaN)
				if added+updated > 0 {
					c.Propagate()
				}
				return
			case Added:
				added++
			case Updated:
				updated++
			}
			if res != Nop {
				processed++
			}
			score = s
		}
	}
	if f.Incr {
		if processed > 0 {
			c.W.Double(score)
		} else {
			c.W.Null()
		}
	} else if ch {
		c.W.Int(int64(added + updated))
	} else {
		c.W.Int(int64(added))
	}
	if added+updated > 0 {
		c.Propagate()
	}
}

func (zc *Commands) zscore(c *server.Client) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z != nil {
		if s, ok := z.Score(c.Args[2]); ok {
			c.W.Double(s)
			return
		}
	}
	c.W.Null()
}

func (zc *Commands) zmscore(c *server.Client) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z != nil {
			if s, ok := z.Score(m); ok {
				c.W.Double(s)
				continue
			}
		}
		c.W.Null()
	}
}

func (zc *Commands) zcard(c *server.Client) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.Len()))
}

func (zc *Commands) count(c *server.Client, lex bool) {
	var sr ScoreRange
	var lr LexRange
	var ok bool
	if lex {
		if lr, ok = ParseLexRange(c.Args[2], c.Args[3]); !ok {
			c.W.Error(ErrLexRange)
			return
		}
	} else if sr, ok = ParseScoreRange(c.Args[2], c.Args[3]); !ok {
		c.W.Error(ErrScoreRange)
		return
	}
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	if lex {
		c.W.Int(int64(z.CountByLex(lr)))
	} else {
		c.W.Int(int64(z.CountByScore(sr)))
	}
}

// RangeArgs is a parsed ZRANGE-family request.
type RangeArgs struct {
	Kind          rangeKind
	Rev           bool
	WithScores    bool
	Offset, Limit int64
	Start, Stop   int64
	Score         ScoreRange
	Lex           LexRange
}

// ParseRange parses a ZRANGE-family command's arguments after the key
// (zrangeGenericCommand): kind and rev (1 forward, -1 reverse, 0 auto)
// are fixed by the command name, ZRANGE lets the options choose. It
// returns Redis's error text when they are invalid.
func ParseRange(args [][]byte, kind rangeKind, rev int) (RangeArgs, string) {
	return parseRange(args, kind, rev, false)
}

// parseRange is ParseRange for ZRANGE (store false) and ZRANGESTORE,
// which takes no WITHSCORES.
func parseRange(args [][]byte, kind rangeKind, rev int, store bool) (RangeArgs, string) {
	ra := RangeArgs{Limit: -1}
	limitSet := false
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch {
		case !store && cmdarg.Is(args[j], "withscores"):
			ra.WithScores = true
		case cmdarg.Is(args[j], "limit") && left >= 2:
			off, ok1 := resp.ParseInt(args[j+1])
			lim, ok2 := resp.ParseInt(args[j+2])
			if !ok1 || !ok2 {
				return ra, cmdarg.ErrNotInt
			}
			ra.Offset, ra.Limit, limitSet = off, lim, true
			j += 2
		case rev == 0 && cmdarg.Is(args[j], "rev"):
			rev = -1
		case kind == byAuto && cmdarg.Is(args[j], "bylex"):
			kind = byLex
		case kind == byAuto && cmdarg.Is(args[j], "byscore"):
			kind = byScore
		default:
			return ra, "ERR syntax error"
		}
	}
	if kind == byAuto {
		kind = byRank
	}
	ra.Kind, ra.Rev = kind, rev == -1
	if limitSet && ra.Limit != -1 && kind == byRank {
		return ra, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	}
	if ra.WithScores && kind == byLex {
		return ra, "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	}
	lo, hi := args[0], args[1]
	if ra.Rev && kind != byRank {
		lo, hi = hi, lo
	}
	var ok bool
	switch kind {
	case byRank:
		var ok1, ok2 bool
		ra.Start, ok1 = resp.ParseInt(lo)
		ra.Stop, ok2 = resp.ParseInt(hi)
		if !ok1 || !ok2 {
			return ra, cmdarg.ErrNotInt
		}
	case byScore:
		if ra.Score, ok = ParseScoreRange(lo, hi); !ok {
			return ra, ErrScoreRange
		}
	case byLex:
		if ra.Lex, ok = ParseLexRange(lo, hi); !ok {
			return ra, ErrLexRange
		}
	}
	return ra, ""
}

// zrange serves ZRANGE, ZREVRANGE, Z[REV]RANGEBYSCORE and
// Z[REV]RANGEBYLEX. With scores, RESP3 gets [member, score] pairs and
// RESP2 a flat array, as Redis 7.0's zrange result handler writes.
func (zc *Commands) zrange(c *server.Client, kind rangeKind, rev int) {
	ra, errText := ParseRange(c.Args[2:], kind, rev)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Array(0)
		return
	}
	var members [][]byte
	var scores []float64
	z.Range(ra, func(m []byte, s float64) bool {
		members = append(members, m)
		scores = append(scores, s)
		return true
	})
	writePairs(c, members, scores, ra.WithScores)
}

// zrangestore is ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV]
// [LIMIT offset count]: ZRANGE's range, stored (zrangeGenericCommand
// with its store handler).
func (zc *Commands) zrangestore(c *server.Client) {
	ra, errText := parseRange(c.Args[3:], byAuto, 0, true)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	z, ok := zc.read(c, c.Args[2])
	if !ok {
		return
	}
	result := NewSkiplist()
	if z != nil {
		z.Range(ra, func(m []byte, s float64) bool {
			result.insert(m, s)
			return true
		})
	}
	zc.storeResult(c, c.Args[1], result)
}

// Range visits the members a parsed ZRANGE-family request selects, in
// its order: the one range walk behind ZRANGE and ZRANGESTORE.
func (z *ZSet) Range(ra RangeArgs, collect Visit) {
	switch ra.Kind {
	case byRank:
		if a, b, ok := cmdarg.Clamp(ra.Start, ra.Stop, z.Len()); ok {
			z.RangeByRank(a, b, ra.Rev, collect)
		}
	default:
		if ra.Offset < 0 || (ra.Offset > 0 && ra.Offset >= int64(z.Len())) {
			break
		}
		limit := int(ra.Limit)
		if ra.Limit < 0 || ra.Limit > math.MaxInt32 {
			limit = -1
		}
		if ra.Kind == byScore {
			z.RangeByScore(ra.Score, ra.Rev, int(ra.Offset), limit, collect)
		} else {
			z.RangeByLex(ra.Lex, ra.Rev, int(ra.Offset), limit, collect)
		}
	}
}

// zmpop is ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: the first
// non-empty sorted set is popped as BZMPOP pops it (genericZpopCommand).
func (zc *Commands) zmpop(c *server.Client) {
	keys, min, count, ok := cmdarg.MPop(c, 1, Side)
	if !ok {
		return
	}
	for _, key := range keys {
		z, ok := zc.write(c, key)
		if !ok {
			return
		}
		if z == nil {
			continue
		}
		c.Propagate(Pop(c.W, zc.ks.DB(c), zc.ks.Now(), key, z, min, count)...)
		return
	}
	c.W.NullArray()
}

// writePairs writes members, with scores as RESP3 pairs or RESP2 flat.
func writePairs(c *server.Client, members [][]byte, scores []float64, withScores bool) {
	resp3 := c.W.Proto >= 3
	switch {
	case !withScores:
		c.W.Array(len(members))
	case resp3:
		c.W.Array(len(members))
	default:
		c.W.Array(2 * len(members))
	}
	for i, m := range members {
		if withScores && resp3 {
			c.W.Array(2)
		}
		c.W.Bulk(m)
		if withScores {
			c.W.Double(scores[i])
		}
	}
}

func (zc *Commands) zrank(c *server.Client, rev bool) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z != nil {
		if r, ok := z.Rank(c.Args[2], rev); ok {
			c.W.Int(int64(r))
			return
		}
	}
	c.W.Null()
}

// zpop is ZPOPMIN/ZPOPMAX key [count] (genericZpopCommand).
func (zc *Commands) zpop(c *server.Client, max bool) {
	if len(c.Args) > 3 {
		c.ErrSyntax()
		return
	}
	count, ok := cmdarg.PopCount(c)
	if !ok {
		return
	}
	key := c.Args[1]
	z, ok := zc.write(c, key)
	if !ok {
		return
	}
	if z == nil || count == 0 {
		c.W.Array(0)
		return
	}
	nested := c.W.Proto >= 3 && count != -1
	n := int(min(max64(count, 1), int64(z.Len())))
	var members [][]byte
	var scores []float64
	for i := 0; i < n; i++ {
		m, s := PopOne(z, !max)
		members = append(members, m)
		scores = append(scores, s)
	}
	if nested {
		writePairs(c, members, scores, true)
	} else {
		c.W.Array(2 * n)
		for i, m := range members {
			c.W.Bulk(m)
			c.W.Double(scores[i])
		}
	}
	if z.Len() == 0 {
		zc.del(c, key)
	}
	c.Propagate()
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// zrandmember is ZRANDMEMBER key [count [WITHSCORES]], Redis 7.0's cases.
func (zc *Commands) zrandmember(c *server.Client) {
	if len(c.Args) == 2 {
		z, ok := zc.read(c, c.Args[1])
		if !ok {
			return
		}
		if z == nil {
			c.W.Null()
			return
		}
		m, _, _ := z.Random()
		c.W.Bulk(m)
		return
	}
	l, withScores, ok := cmdarg.RandomCountWith(c, "withscores")
	if !ok {
		return
	}
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil || l == 0 {
		c.W.Array(0)
		return
	}
	var members [][]byte
	var scores []float64
	count, unique := l, true
	if l < 0 {
		count, unique = -l, false
	}
	switch {
	case !unique || count == 1:
		for i := int64(0); i < count; i++ {
			m, s, _ := z.Random()
			members = append(members, m)
			scores = append(scores, s)
		}
	case count >= int64(z.Len()):
		// Redis 7.0 answers with the whole set by rank, in reverse.
		z.RangeByRank(0, z.Len()-1, true, func(m []byte, s float64) bool {
			members = append(members, m)
			scores = append(scores, s)
			return true
		})
	default:
		seen := make(map[string]bool, count)
		for int64(len(seen)) < count {
			m, s, _ := z.Random()
			if !seen[string(m)] {
				seen[string(m)] = true
				members = append(members, m)
				scores = append(scores, s)
			}
		}
	}
	writePairs(c, members, scores, withScores)
}

// zremrange is ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX.
func (zc *Commands) zremrange(c *server.Client, kind rangeKind) {
	var start, stop int64
	var sr ScoreRange
	var lr LexRange
	switch kind {
	case byRank:
		var ok1, ok2 bool
		start, ok1 = resp.ParseInt(c.Args[2])
		stop, ok2 = resp.ParseInt(c.Args[3])
		if !ok1 || !ok2 {
			c.W.Error(cmdarg.ErrNotInt)
			return
		}
	case byScore:
		var ok bool
		if sr, ok = ParseScoreRange(c.Args[2], c.Args[3]); !ok {
			c.W.Error(ErrScoreRange)
			return
		}
	case byLex:
		var ok bool
		if lr, ok = ParseLexRange(c.Args[2], c.Args[3]); !ok {
			c.W.Error(ErrLexRange)
			return
		}
	}
	key := c.Args[1]
	z, ok := zc.write(c, key)
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	n := 0
	switch kind {
	case byRank:
		if a, b, ok := cmdarg.Clamp(start, stop, z.Len()); ok {
			n = z.RemoveRangeByRank(a, b)
		}
	case byScore:
		n = z.RemoveRangeByScore(sr)
	case byLex:
		n = z.RemoveRangeByLex(lr)
	}
	c.W.Int(int64(n))
	if n > 0 {
		if z.Len() == 0 {
			zc.del(c, key)
		}
		c.Propagate()
	}
}

func (zc *Commands) zscan(c *server.Client) {
	typecmd.Scan(c, zc.ks, func(z *ZSet, cursor uint64, count int, emit func([]byte, ...[]byte)) uint64 {
		// A listpack holds a score as d2string's text and ZSCAN returns
		// that text; a skiplist holds the double, which is formatted.
		format := FormatScore
		if z.Encoding() == EncListpack {
			format = resp.AppendD2String
		}
		return z.Scan(cursor, count, func(m []byte, s float64) { emit(m, format(nil, s)) })
	})
}

// FormatScore appends a score as Redis writes a double in text (ZSCAN of a
// skiplist, the AOF rewrite): "%.17g", with inf and -inf spelled out, as
// resp.AppendDouble writes a double reply.
func FormatScore(b []byte, s float64) []byte { return resp.AppendDouble(b, s) }

// Copy is a deep copy for COPY (chapter 11's db.Value contract).
func (z *ZSet) Copy() any { return z.Clone() }

// AppendRewrite appends the commands that recreate the sorted set under
// key for the AOF rewrite: ZADD with typecmd.RewriteItems score-member
// pairs per command, in score order, as Redis's rewriteSortedSetObject.
// Scores are written as FormatScore writes them (Redis's "%.17g"), which
// reads back as the same float64, infinities included.
func (z *ZSet) AppendRewrite(dst []byte, key string) []byte {
	n := z.Len()
	i := 0
	var num [32]byte
	z.All(func(m []byte, score float64) bool {
		if i%typecmd.RewriteItems == 0 {
			dst = typecmd.AppendRewriteCommand(dst, "ZADD", key, min(n-i, typecmd.RewriteItems), 2)
		}
		dst = resp.AppendBulk(dst, FormatScore(num[:0], score))
		dst = resp.AppendBulk(dst, m)
		i++
		return true
	})
	return dst
}
