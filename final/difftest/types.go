package difftest

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Elem is a list element, hash field, set or sorted-set member: a small
// pool so that commands meet the same members, with integers (intsets),
// strings that look like integers but are not, and now and then one long
// enough (65+ bytes) to move a hash or sorted set to its big encoding.
func (g *Gen) Elem() string {
	switch g.R.IntN(16) {
	case 0:
		return g.Pick("9223372036854775807", "-9223372036854775808", "007", "-0", "", "1.5")
	case 1:
		if g.Chance(4) {
			return strings.Repeat(g.Pick("x", "y"), 65+g.R.IntN(3))
		}
		return g.Pick("a\r\nb", "\x00\xff", "A")
	case 2, 3, 4, 5:
		return strconv.Itoa(g.R.IntN(12) - 2)
	}
	return string(rune('a' + g.R.IntN(10)))
}

// Elems is 1..max elements.
func (g *Gen) Elems(max int) []string {
	out := make([]string, 1+g.R.IntN(max))
	for i := range out {
		out[i] = g.Elem()
	}
	return out
}

// Index is a list index or range bound, mostly near the ends.
func (g *Gen) Index() string {
	if g.Chance(12) {
		return g.Int()
	}
	return strconv.Itoa(g.R.IntN(14) - 7)
}

// Count is a COUNT argument: small, zero, negative or not a number.
func (g *Gen) Count() string {
	if g.Chance(10) {
		return g.Pick("0", "-1", "abc", "9223372036854775807", "1.5")
	}
	return strconv.Itoa(1 + g.R.IntN(5))
}

// Score is a sorted-set score: integers, fractions, infinities and now
// and then one Redis refuses.
func (g *Gen) Score() string {
	switch g.R.IntN(10) {
	case 0:
		return g.Pick("inf", "-inf", "+inf", "1e300", "-0", "0.1", "1e-5", "3.0000000000000004")
	case 1:
		if g.Chance(3) {
			return g.Pick("nan", "abc", "", "1e", "0x10")
		}
		return strconv.Itoa(g.R.IntN(7)) + "." + strconv.Itoa(g.R.IntN(10))
	}
	return strconv.Itoa(g.R.IntN(10) - 3)
}

// ScoreBound is a ZRANGEBYSCORE bound: inclusive, exclusive "(x",
// infinite or invalid.
func (g *Gen) ScoreBound() string {
	switch g.R.IntN(8) {
	case 0:
		return g.Pick("-inf", "+inf", "inf", "(-inf")
	case 1:
		return g.Pick("abc", "((1", "(", "nan")
	case 2, 3:
		return "(" + strconv.Itoa(g.R.IntN(10)-3)
	}
	return strconv.Itoa(g.R.IntN(10) - 3)
}

// LexKey is a sorted set for the lexicographic commands: x0 or x1,
// whose members all have score 0, since Redis leaves lexicographic
// ranges over different scores unspecified (its answer depends on the
// encoding and, in a skiplist, on the random levels); sometimes a key
// of another type or none.
func (g *Gen) LexKey() string {
	if g.Chance(8) {
		return "k" + strconv.Itoa(g.R.IntN(8))
	}
	return "x" + strconv.Itoa(g.R.IntN(2))
}

// LexBound is a ZRANGEBYLEX bound: "[x", "(x", "-", "+" or invalid.
func (g *Gen) LexBound() string {
	switch g.R.IntN(8) {
	case 0:
		return g.Pick("-", "+")
	case 1:
		return g.Pick("a", "", "{a")
	}
	return g.Pick("[", "(") + g.Elem()
}

// ListOps are the list commands (every list reply is ordered).
var ListOps = []Op{
	{"lpush", 8, func(g *Gen) []string {
		return append(cmd(g.Pick("LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), g.TypedKey("l")), g.Elems(4)...)
	}, nil},
	{"lpop", 4, func(g *Gen) []string {
		args := cmd(g.Pick("LPOP", "RPOP"), g.TypedKey("l"))
		if g.Chance(3) {
			args = append(args, g.Count())
		}
		return args
	}, nil},
	{"llen", 2, func(g *Gen) []string { return cmd("LLEN", g.TypedKey("l")) }, nil},
	{"lrange", 5, func(g *Gen) []string { return cmd("LRANGE", g.TypedKey("l"), g.Index(), g.Index()) }, nil},
	{"lindex", 2, func(g *Gen) []string { return cmd("LINDEX", g.TypedKey("l"), g.Index()) }, nil},
	{"lset", 2, func(g *Gen) []string { return cmd("LSET", g.TypedKey("l"), g.Index(), g.Elem()) }, nil},
	{"lrem", 2, func(g *Gen) []string { return cmd("LREM", g.TypedKey("l"), g.Index(), g.Elem()) }, nil},
	{"ltrim", 2, func(g *Gen) []string { return cmd("LTRIM", g.TypedKey("l"), g.Index(), g.Index()) }, nil},
	{"linsert", 2, func(g *Gen) []string {
		return cmd("LINSERT", g.TypedKey("l"), g.Pick("BEFORE", "AFTER", "after", "MIDDLE"), g.Elem(), g.Elem())
	}, nil},
	{"lpos", 3, func(g *Gen) []string {
		args := cmd("LPOS", g.TypedKey("l"), g.Elem())
		for n := g.R.IntN(3); n > 0; n-- {
			switch g.R.IntN(4) {
			case 0:
				args = append(args, "RANK", g.Pick("1", "2", "-1", "-2", "0", "-9223372036854775808"))
			case 1:
				args = append(args, "COUNT", g.Pick("0", "1", "2", "-1"))
			case 2:
				args = append(args, "MAXLEN", g.Pick("0", "1", "3", "-1"))
			default:
				args = append(args, g.Pick("RANK", "FOO"))
			}
		}
		return args
	}, nil},
	{"lmove", 3, func(g *Gen) []string {
		if g.Chance(3) {
			return cmd("RPOPLPUSH", g.TypedKey("l"), g.TypedKey("l"))
		}
		return cmd("LMOVE", g.TypedKey("l"), g.TypedKey("l"), g.Pick("LEFT", "RIGHT", "right"), g.Pick("LEFT", "RIGHT", "UP"))
	}, nil},
	{"lmpop", 2, func(g *Gen) []string {
		keys := g.TypedKeys("l", 3)
		numkeys := strconv.Itoa(len(keys))
		if g.Chance(10) {
			numkeys = g.Pick("0", "-1", "9", "x")
		}
		args := append(append(cmd("LMPOP", numkeys), keys...), g.Pick("LEFT", "RIGHT", "MIDDLE"))
		if g.Chance(2) {
			args = append(args, "COUNT", g.Count())
		}
		return args
	}, nil},
}

// HashOps are the hash commands. Small hashes (listpack) answer in
// insertion order, big ones (hashtable) in table order: whole-hash
// replies compare as multisets of fields or of field-value pairs.
var HashOps = []Op{
	{"hset", 8, func(g *Gen) []string {
		args := cmd(g.Pick("HSET", "HSET", "HMSET"), g.TypedKey("h"))
		for n := 1 + g.R.IntN(3); n > 0; n-- {
			args = append(args, g.Elem(), g.Value())
		}
		if g.Chance(15) {
			args = args[:len(args)-1]
		}
		return args
	}, nil},
	{"hsetnx", 2, func(g *Gen) []string { return cmd("HSETNX", g.TypedKey("h"), g.Elem(), g.Value()) }, nil},
	{"hget", 4, func(g *Gen) []string { return cmd("HGET", g.TypedKey("h"), g.Elem()) }, nil},
	{"hmget", 2, func(g *Gen) []string { return append(cmd("HMGET", g.TypedKey("h")), g.Elems(3)...) }, nil},
	{"hdel", 3, func(g *Gen) []string { return append(cmd("HDEL", g.TypedKey("h")), g.Elems(3)...) }, nil},
	{"hexists", 2, func(g *Gen) []string {
		return cmd(g.Pick("HEXISTS", "HSTRLEN"), g.TypedKey("h"), g.Elem())
	}, nil},
	{"hlen", 2, func(g *Gen) []string { return cmd("HLEN", g.TypedKey("h")) }, nil},
	{"hgetall", 3, func(g *Gen) []string { return cmd("HGETALL", g.TypedKey("h")) }, samePairs},
	{"hkeys", 2, func(g *Gen) []string { return cmd(g.Pick("HKEYS", "HVALS"), g.TypedKey("h")) }, sameSortedArray},
	{"hincrby", 3, func(g *Gen) []string { return cmd("HINCRBY", g.TypedKey("h"), g.Elem(), g.Int()) }, nil},
	{"hincrbyfloat", 2, func(g *Gen) []string { return cmd("HINCRBYFLOAT", g.TypedKey("h"), g.Elem(), g.Float()) }, nil},
	{"hrandfield", 1, func(g *Gen) []string {
		args := cmd("HRANDFIELD", g.TypedKey("h"))
		if g.Chance(2) {
			args = append(args, g.Pick("5", "-5", "0", "100", "x"))
			if g.Chance(2) {
				args = append(args, g.Pick("WITHVALUES", "FOO"))
			}
		}
		return args
	}, sameShape},
	{"hscan", 2, func(g *Gen) []string {
		args := cmd("HSCAN", g.TypedKey("h"), "0", "COUNT", "1000000")
		if g.Chance(3) {
			args = append(args, "MATCH", g.Pick("*", "[a-c]", "1*"))
		}
		return args
	}, sameScanPairs},
}

// SetOps are the set commands. Intsets answer in numeric order, other
// sets in table order: whole-set replies compare as multisets.
var SetOps = []Op{
	{"sadd", 8, func(g *Gen) []string { return append(cmd("SADD", g.TypedKey("s")), g.Elems(4)...) }, nil},
	{"srem", 3, func(g *Gen) []string { return append(cmd("SREM", g.TypedKey("s")), g.Elems(3)...) }, nil},
	{"smembers", 3, func(g *Gen) []string { return cmd("SMEMBERS", g.TypedKey("s")) }, sameSortedArray},
	{"sismember", 3, func(g *Gen) []string { return cmd("SISMEMBER", g.TypedKey("s"), g.Elem()) }, nil},
	{"smismember", 2, func(g *Gen) []string { return append(cmd("SMISMEMBER", g.TypedKey("s")), g.Elems(3)...) }, nil},
	{"scard", 2, func(g *Gen) []string { return cmd("SCARD", g.TypedKey("s")) }, nil},
	{"spop", 1, func(g *Gen) []string {
		// Only the deterministic shapes: every member, none, or an error.
		return cmd("SPOP", g.TypedKey("s"), g.Pick("1000", "0", "-1", "x"))
	}, sameSortedArray},
	{"srandmember", 1, func(g *Gen) []string {
		args := cmd("SRANDMEMBER", g.TypedKey("s"))
		if g.Chance(4) {
			return args
		}
		return append(args, g.Pick("1000", "3", "-3", "0", "x"))
	}, sameShape},
	{"smove", 2, func(g *Gen) []string { return cmd("SMOVE", g.TypedKey("s"), g.TypedKey("s"), g.Elem()) }, nil},
	{"sinter", 4, func(g *Gen) []string {
		return append(cmd(g.Pick("SINTER", "SUNION", "SDIFF")), g.TypedKeys("s", 3)...)
	}, sameSortedArray},
	{"sinterstore", 3, func(g *Gen) []string {
		return append(cmd(g.Pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), g.TypedKey("s")), g.TypedKeys("s", 3)...)
	}, nil},
	{"sintercard", 2, func(g *Gen) []string {
		keys := g.TypedKeys("s", 3)
		numkeys := strconv.Itoa(len(keys))
		if g.Chance(10) {
			numkeys = g.Pick("0", "-1", "9", "x")
		}
		args := append(cmd("SINTERCARD", numkeys), keys...)
		if g.Chance(2) {
			args = append(args, "LIMIT", g.Pick("0", "1", "2", "-1"))
		}
		return args
	}, nil},
	{"sscan", 2, func(g *Gen) []string {
		args := cmd("SSCAN", g.TypedKey("s"), "0", "COUNT", "1000000")
		if g.Chance(3) {
			args = append(args, "MATCH", g.Pick("*", "[a-c]", "1*"))
		}
		return args
	}, sameScan},
}

// ZSetOps are the sorted-set commands; their replies are in score order,
// ties by member, so they compare byte for byte (scores as RESP3
// doubles included).
var ZSetOps = []Op{
	{"zadd", 8, func(g *Gen) []string {
		args := cmd("ZADD", g.TypedKey("z"))
		for n := g.R.IntN(3); n > 0; n-- {
			args = append(args, g.Pick("NX", "XX", "GT", "LT", "CH", "INCR", "ch"))
		}
		for n := 1 + g.R.IntN(3); n > 0; n-- {
			args = append(args, g.Score(), g.Elem())
		}
		if g.Chance(15) {
			args = args[:len(args)-1]
		}
		return args
	}, nil},
	{"zaddlex", 3, func(g *Gen) []string {
		args := cmd("ZADD", g.LexKey())
		if g.Chance(3) {
			args = append(args, g.Pick("NX", "XX", "CH", "GT"))
		}
		for n := 1 + g.R.IntN(3); n > 0; n-- {
			args = append(args, "0", g.Elem())
		}
		return args
	}, nil},
	{"zincrby", 3, func(g *Gen) []string { return cmd("ZINCRBY", g.TypedKey("z"), g.Score(), g.Elem()) }, nil},
	{"zrem", 2, func(g *Gen) []string { return append(cmd("ZREM", g.TypedKey("z")), g.Elems(3)...) }, nil},
	{"zscore", 3, func(g *Gen) []string { return cmd("ZSCORE", g.TypedKey("z"), g.Elem()) }, nil},
	{"zmscore", 2, func(g *Gen) []string { return append(cmd("ZMSCORE", g.TypedKey("z")), g.Elems(3)...) }, nil},
	{"zcard", 2, func(g *Gen) []string { return cmd("ZCARD", g.TypedKey("z")) }, nil},
	{"zcount", 2, func(g *Gen) []string {
		if g.Chance(2) {
			return cmd("ZLEXCOUNT", g.LexKey(), g.LexBound(), g.LexBound())
		}
		return cmd("ZCOUNT", g.TypedKey("z"), g.ScoreBound(), g.ScoreBound())
	}, nil},
	{"zrange", 6, func(g *Gen) []string {
		return zrangeArgs(g, cmd("ZRANGE", g.TypedKey("z")), 1)
	}, nil},
	{"zrangeby", 4, func(g *Gen) []string {
		var args []string
		switch g.R.IntN(5) {
		case 0:
			args = cmd("ZRANGEBYSCORE", g.TypedKey("z"), g.ScoreBound(), g.ScoreBound())
		case 1:
			args = cmd("ZREVRANGEBYSCORE", g.TypedKey("z"), g.ScoreBound(), g.ScoreBound())
		case 2:
			args = cmd("ZRANGEBYLEX", g.LexKey(), g.LexBound(), g.LexBound())
		case 3:
			args = cmd("ZREVRANGEBYLEX", g.LexKey(), g.LexBound(), g.LexBound())
		default:
			args = cmd("ZREVRANGE", g.TypedKey("z"), g.Index(), g.Index())
		}
		if g.Chance(2) {
			args = append(args, "WITHSCORES")
		}
		if g.Chance(3) {
			args = append(args, "LIMIT", g.Pick("0", "1", "-1"), g.Pick("1", "2", "-1"))
		}
		return args
	}, nil},
	{"zrank", 3, func(g *Gen) []string { return cmd(g.Pick("ZRANK", "ZREVRANK"), g.TypedKey("z"), g.Elem()) }, nil},
	{"zpopmin", 3, func(g *Gen) []string {
		args := cmd(g.Pick("ZPOPMIN", "ZPOPMAX"), g.TypedKey("z"))
		if g.Chance(2) {
			args = append(args, g.Count())
		}
		return args
	}, nil},
	{"zrandmember", 1, func(g *Gen) []string {
		args := cmd("ZRANDMEMBER", g.TypedKey("z"))
		if g.Chance(2) {
			args = append(args, g.Pick("5", "-5", "0", "1000", "x"))
			if g.Chance(2) {
				args = append(args, g.Pick("WITHSCORES", "FOO"))
			}
		}
		return args
	}, sameShape},
	{"zremrange", 2, func(g *Gen) []string {
		switch g.R.IntN(3) {
		case 0:
			return cmd("ZREMRANGEBYRANK", g.TypedKey("z"), g.Index(), g.Index())
		case 1:
			return cmd("ZREMRANGEBYSCORE", g.TypedKey("z"), g.ScoreBound(), g.ScoreBound())
		}
		return cmd("ZREMRANGEBYLEX", g.LexKey(), g.LexBound(), g.LexBound())
	}, nil},
	{"zunionstore", 3, func(g *Gen) []string {
		keys := g.TypedKeys("z", 3)
		numkeys := strconv.Itoa(len(keys))
		if g.Chance(10) {
			numkeys = g.Pick("0", "-1", "9", "x")
		}
		args := append(cmd(g.Pick("ZUNIONSTORE", "ZINTERSTORE"), g.TypedKey("z"), numkeys), keys...)
		if g.Chance(3) {
			args = append(args, "WEIGHTS")
			for range keys {
				args = append(args, g.Pick("1", "2", "0", "-1", "0.5", "inf", "x"))
			}
		}
		if g.Chance(3) {
			args = append(args, "AGGREGATE", g.Pick("SUM", "MIN", "MAX", "max", "AVG"))
		}
		return args
	}, nil},
	{"zscan", 2, func(g *Gen) []string {
		args := cmd("ZSCAN", g.TypedKey("z"), "0", "COUNT", "1000000")
		if g.Chance(3) {
			args = append(args, "MATCH", g.Pick("*", "[a-c]", "1*"))
		}
		return args
	}, sameScanPairs},
}

// MultiOps are MULTI, EXEC, DISCARD, WATCH and UNWATCH. Generate tracks
// the open transaction: the commands queued in it answer +QUEUED, and
// EXEC's reply compares each element with the queued command's own
// comparison. Generate also closes a transaction soon after it opens.
var MultiOps = []Op{
	{"multi", 3, func(g *Gen) []string { return cmd("MULTI") }, nil},
	{"exec", 1, func(g *Gen) []string { return cmd("EXEC") }, nil},
	{"discard", 1, func(g *Gen) []string { return cmd("DISCARD") }, nil},
	{"watch", 2, func(g *Gen) []string { return append(cmd("WATCH"), g.Keys(2)...) }, nil},
	{"unwatch", 1, func(g *Gen) []string { return cmd("UNWATCH") }, nil},
}

// track updates the generator's view of the transaction with st and
// returns st with the comparison its reply needs.
func (g *Gen) track(st Step) Step {
	switch strings.ToUpper(st.Args[0]) {
	case "MULTI":
		if !g.inMulti {
			g.inMulti, g.queued = true, nil
		}
	case "EXEC":
		if g.inMulti {
			st.Same = sameExec(g.queued)
		}
		g.inMulti, g.queued = false, nil
	case "DISCARD":
		g.inMulti, g.queued = false, nil
	case "WATCH", "QUIT", "RESET":
	default:
		if g.inMulti {
			g.queued = append(g.queued, st.Same)
			st.Same = nil // +QUEUED or an error, byte for byte
		}
	}
	return st
}

// split cuts an aggregate reply into its elements' raw bytes.
func split(raw string) ([]string, bool) {
	v, ok := parse(raw)
	if !ok || v.Null || len(v.Elems) == 0 {
		return nil, false
	}
	rest := raw[strings.Index(raw, "\r\n")+2:]
	out := make([]string, 0, len(v.Elems))
	for rest != "" {
		_, n, err := resp.ParseValue([]byte(rest))
		if err != nil || n == 0 {
			return nil, false
		}
		out = append(out, rest[:n])
		rest = rest[n:]
	}
	return out, len(out) == len(v.Elems)
}

// sameExec compares EXEC's replies element by element, each with the
// comparison of the command queued in its place.
func sameExec(queued []func(got, want string) bool) func(got, want string) bool {
	return func(got, want string) bool {
		g, ok1 := split(got)
		w, ok2 := split(want)
		if !ok1 || !ok2 || len(g) != len(w) || len(g) != len(queued) || got[0] != want[0] {
			return false
		}
		for i := range g {
			if g[i] != w[i] && (queued[i] == nil || !queued[i](g[i], w[i])) {
				return false
			}
		}
		return true
	}
}

// samePairs compares HGETALL (an array in RESP2, a map in RESP3) as a
// set of field-value pairs.
func samePairs(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	return ok1 && ok2 && g.Kind == w.Kind && g.Null == w.Null && sameElems(pairs(g.Elems), pairs(w.Elems))
}

// pairs joins field, value, field, value ... into one value per pair.
func pairs(vs []resp.Value) []resp.Value {
	out := make([]resp.Value, 0, len(vs)/2)
	for i := 0; i+1 < len(vs); i += 2 {
		s := string(vs[i].Kind) + strconv.Quote(string(vs[i].Str)) + string(vs[i+1].Kind) + string(vs[i+1].Str)
		out = append(out, resp.Value{Str: []byte(s)})
	}
	if len(vs)%2 == 1 {
		out = append(out, vs[len(vs)-1])
	}
	return out
}

// sameScanPairs compares a finished HSCAN or ZSCAN: the cursor exactly,
// the field-value pairs as a set.
func sameScanPairs(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	if !ok1 || !ok2 || len(g.Elems) != 2 || len(w.Elems) != 2 {
		return false
	}
	return string(g.Elems[0].Str) == string(w.Elems[0].Str) && sameElems(pairs(g.Elems[1].Elems), pairs(w.Elems[1].Elems))
}

// sameShape compares random picks (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER)
// by kind, nullness and number of elements, and errors exactly.
func sameShape(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	if !ok1 || !ok2 || g.Kind != w.Kind || g.Null != w.Null || len(g.Elems) != len(w.Elems) {
		return false
	}
	return g.Kind != '-' && (len(g.Elems) == 0 || g.Elems[0].Kind == w.Elems[0].Kind)
}

// blockTimeout is a blocking command's timeout: short enough that waiting
// on an empty key costs the test little, never 0 (forever), and now and
// then one Redis refuses.
func (g *Gen) blockTimeout() string {
	if g.Chance(8) {
		return g.Pick("-1", "abc", "0x", "1e999")
	}
	return g.Pick("0.01", "0.02")
}

// BlockingOps are the blocking list and sorted-set commands. With one
// connection nothing can push while a command waits, so each either finds
// data at once or times out, on both servers alike; inside MULTI they act
// as their non-blocking forms.
var BlockingOps = []Op{
	{"blpop", 2, func(g *Gen) []string {
		return append(append(cmd(g.Pick("BLPOP", "BRPOP")), g.TypedKeys("l", 2)...), g.blockTimeout())
	}, nil},
	{"blmove", 1, func(g *Gen) []string {
		if g.Chance(2) {
			return cmd("BRPOPLPUSH", g.TypedKey("l"), g.TypedKey("l"), g.blockTimeout())
		}
		return cmd("BLMOVE", g.TypedKey("l"), g.TypedKey("l"), g.Pick("LEFT", "RIGHT"), g.Pick("LEFT", "RIGHT", "UP"), g.blockTimeout())
	}, nil},
	{"blmpop", 1, func(g *Gen) []string {
		keys := g.TypedKeys("l", 2)
		args := append(append(cmd("BLMPOP", g.blockTimeout(), strconv.Itoa(len(keys))), keys...), g.Pick("LEFT", "RIGHT"))
		if g.Chance(2) {
			args = append(args, "COUNT", g.Count())
		}
		return args
	}, nil},
	{"bzpop", 2, func(g *Gen) []string {
		return append(append(cmd(g.Pick("BZPOPMIN", "BZPOPMAX")), g.TypedKeys("z", 2)...), g.blockTimeout())
	}, nil},
}
