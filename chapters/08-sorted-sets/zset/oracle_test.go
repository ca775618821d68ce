package zset_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// The type is a value chapter 11's db can TYPE, OBJECT ENCODING and COPY.
var _ db.Value = (*zset.ZSet)(nil)

// start runs gocache with the string commands and the set and sorted set commands and
// returns a pair of connections to it and to a real redis-server.
func start(t *testing.T) *servertest.Pair {
	return typetest.Start(t, func(s *server.Server, ca *cache.Cache) {
		set.Register(s, ca)
		zset.Register(s, ca)
	})
}

func TestZSetCommandsMatchRedis(t *testing.T) {
	p := start(t)
	long := strings.Repeat("m", 65)
	var big [][]string
	for i := 0; i < 129; i++ {
		big = append(big, []string{"ZADD", "big", fmt.Sprint(i % 7), fmt.Sprint("m", i)})
		if i >= 127 {
			big = append(big, []string{"OBJECT", "ENCODING", "big"})
		}
	}
	big = append(big, []string{"ZRANGE", "big", "0", "-1", "WITHSCORES"}, []string{"ZRANGEBYSCORE", "big", "(2", "4", "LIMIT", "3", "5"},
		[]string{"ZREVRANGEBYSCORE", "big", "4", "(2", "WITHSCORES", "LIMIT", "3", "50"}, []string{"ZRANK", "big", "m77"}, []string{"ZREVRANK", "big", "m77"},
		[]string{"ZCOUNT", "big", "1", "(5"}, []string{"ZREMRANGEBYRANK", "big", "10", "20"}, []string{"ZREMRANGEBYSCORE", "big", "(5", "+inf"},
		[]string{"ZCARD", "big"}, []string{"ZPOPMIN", "big", "3"}, []string{"ZPOPMAX", "big"}, []string{"ZRANGE", "big", "-5", "-1", "REV"},
		[]string{"ZUNIONSTORE", "small", "1", "big", "WEIGHTS", "2"}, []string{"OBJECT", "ENCODING", "small"}, []string{"ZRANGE", "small", "0", "3", "WITHSCORES"},
		[]string{"ZINCRBY", "big", "0.5", "m100"}, []string{"ZSCORE", "big", "m100"})
	p.SameSequences([][][]string{
		{{"ZADD", "z", "1", "a", "2", "b", "1", "c"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"ZADD", "z", "3", "a"}, {"ZADD", "z", "CH", "4", "a", "5", "d"},
			{"ZADD", "z", "NX", "9", "a", "6", "e"}, {"ZADD", "z", "XX", "9", "a", "6", "f"}, {"ZADD", "z", "GT", "1", "a"}, {"ZADD", "z", "LT", "CH", "1", "a"},
			{"ZADD", "z", "XX", "GT", "CH", "10", "a", "11", "zz"}, {"ZADD", "z", "INCR", "1.5", "a"}, {"ZADD", "z", "NX", "INCR", "1", "a"},
			{"ZADD", "z", "GT", "INCR", "-1", "a"}, {"ZADD", "z", "NX", "XX", "1", "a"}, {"ZADD", "z", "GT", "LT", "1", "a"}, {"ZADD", "z", "NX", "GT", "1", "a"},
			{"ZADD", "z", "INCR", "1", "a", "2", "b"}, {"ZADD", "z", "1"}, {"ZADD", "z", "x", "a"}, {"ZADD", "z", "nan", "a"}, {"ZADD", "z", "1", "a", "2"},
			{"ZADD", "z", "inf", "i"}, {"ZADD", "z", "INCR", "-inf", "i"}, {"ZADD", "z", "-0", "nz"}, {"ZSCORE", "z", "nz"}, {"ZADD", "z", "0.1", "p"},
			{"ZSCORE", "z", "p"}, {"ZADD", "z", "1e400", "x"}, {"ZADD", "z", " 1", "x"}, {"ZADD", "z", "XX", "1", "new"}, {"ZADD", "nokey", "XX", "1", "a"},
			{"EXISTS", "nokey"}, {"ZADD", "nokey", "XX", "INCR", "1", "a"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"ZCARD", "z"}, {"ZCARD", "no"}},
		{{"ZINCRBY", "z", "2", "a"}, {"ZINCRBY", "z", "-0.5", "a"}, {"ZINCRBY", "z", "x", "a"}, {"ZINCRBY", "z", "nx", "a"}, {"ZINCRBY", "z", "inf", "a"},
			{"ZINCRBY", "z", "-inf", "a"}, {"ZSCORE", "z", "a"}, {"ZMSCORE", "z", "a", "b"}, {"ZMSCORE", "no", "a"}, {"ZSCORE", "no", "a"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}, {"ZREM", "z", "a", "x"}, {"ZREM", "no", "a"}, {"ZRANK", "z", "c"}, {"ZREVRANK", "z", "c"},
			{"ZRANK", "z", "x"}, {"ZRANK", "no", "x"}, {"ZREM", "z", "b", "c", "d"}, {"EXISTS", "z"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, {"ZRANGE", "z", "1", "3"}, {"ZRANGE", "z", "-2", "-1", "WITHSCORES"},
			{"ZRANGE", "z", "3", "1"}, {"ZRANGE", "z", "0", "100", "REV"}, {"ZREVRANGE", "z", "0", "1", "WITHSCORES"}, {"ZRANGE", "z", "(1", "3", "BYSCORE"},
			{"ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "WITHSCORES"}, {"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"},
			{"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"}, {"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"},
			{"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "5", "1"}, {"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}, {"ZRANGE", "z", "0", "1", "LIMIT", "0", "-1"},
			{"ZRANGE", "z", "[a", "[c", "BYLEX"}, {"ZRANGE", "z", "[c", "-", "BYLEX", "REV"}, {"ZRANGE", "z", "[a", "[c", "BYLEX", "WITHSCORES"},
			{"ZRANGE", "z", "a", "c", "BYLEX"}, {"ZRANGE", "z", "a", "c", "BYSCORE"}, {"ZRANGE", "z", "x", "1"}, {"ZRANGE", "z", "0", "1", "FOO"},
			{"ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"}, {"ZRANGE", "z", "0", "1", "REV", "REV"}, {"ZRANGE", "no", "0", "1"}, {"ZRANGE", "z", "0", "1", "LIMIT", "1"},
			{"ZRANGEBYSCORE", "z", "2", "4"}, {"ZRANGEBYSCORE", "z", "-inf", "(4", "WITHSCORES", "LIMIT", "0", "2"}, {"ZRANGEBYSCORE", "z", "2", "4", "REV"},
			{"ZRANGEBYSCORE", "z", "", "("}, {"ZRANGEBYSCORE", "z", "1", "a"}, {"ZREVRANGEBYSCORE", "z", "4", "2"}, {"ZREVRANGEBYSCORE", "z", "2", "4"},
			{"ZRANGEBYLEX", "z", "-", "+"}, {"ZRANGEBYLEX", "z", "(b", "[d", "LIMIT", "1", "1"}, {"ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"},
			{"ZREVRANGEBYLEX", "z", "+", "-"}, {"ZREVRANGEBYLEX", "z", "[d", "(a", "LIMIT", "0", "2"}, {"ZRANGEBYLEX", "z", "x", "+"},
			{"ZCOUNT", "z", "2", "(4"}, {"ZCOUNT", "z", "x", "1"}, {"ZCOUNT", "no", "1", "2"}, {"ZLEXCOUNT", "z", "[b", "+"}, {"ZLEXCOUNT", "z", "b", "+"},
			{"ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, {"ZREMRANGEBYRANK", "z", "0", "0"}, {"ZREMRANGEBYRANK", "z", "5", "10"},
			{"ZREMRANGEBYSCORE", "z", "(4", "5"}, {"ZREMRANGEBYLEX", "z", "[b", "(d"}, {"ZRANGE", "z", "0", "-1"}, {"ZREMRANGEBYRANK", "z", "x", "1"},
			{"ZREMRANGEBYSCORE", "z", "x", "1"}, {"ZREMRANGEBYLEX", "z", "x", "1"}, {"ZREMRANGEBYRANK", "no", "0", "1"}, {"ZREMRANGEBYSCORE", "z", "-inf", "+inf"},
			{"EXISTS", "z"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZPOPMIN", "z"}, {"ZPOPMAX", "z", "5"}, {"EXISTS", "z"}, {"ZPOPMIN", "z"}, {"ZPOPMIN", "z", "2"},
			{"ZADD", "z", "1", "a"}, {"ZPOPMIN", "z", "0"}, {"ZPOPMIN", "z", "-1"}, {"ZPOPMIN", "z", "x"}, {"ZPOPMIN", "z", "1", "2"}, {"ZPOPMAX", "z", "1"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZRANDMEMBER", "z", "5"}, {"ZRANDMEMBER", "z", "3", "WITHSCORES"}, {"ZRANDMEMBER", "z", "0"},
			{"ZRANDMEMBER", "no"}, {"ZRANDMEMBER", "no", "2"}, {"ZRANDMEMBER", "z", "x"}, {"ZRANDMEMBER", "z", "1", "x"}, {"ZADD", "one", "1.5", "a"},
			{"ZRANDMEMBER", "one"}, {"ZRANDMEMBER", "one", "-2", "WITHSCORES"}, {"ZRANDMEMBER", "z", "-9223372036854775808"},
			{"ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"}},
		{{"ZADD", "a", "1", "x", "2", "y", "3", "z"}, {"ZADD", "b", "10", "y", "20", "z", "30", "w"}, {"SADD", "s", "x", "w"},
			{"ZUNIONSTORE", "d", "2", "a", "b"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "2", "0.5"},
			{"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZUNIONSTORE", "d", "3", "a", "b", "s", "AGGREGATE", "MAX"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"},
			{"ZINTERSTORE", "d", "2", "a", "s", "AGGREGATE", "min"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZINTERSTORE", "d", "2", "a", "no"},
			{"EXISTS", "d"}, {"ZUNIONSTORE", "d", "0", "a"}, {"ZUNIONSTORE", "d", "3", "a"}, {"ZUNIONSTORE", "d", "x", "a"},
			{"ZUNIONSTORE", "d", "1", "a", "WEIGHTS", "x"}, {"ZUNIONSTORE", "d", "1", "a", "AGGREGATE", "avg"}, {"ZUNIONSTORE", "d", "1", "a", "WITHSCORES"},
			{"SET", "str", "x"}, {"ZUNIONSTORE", "d", "2", "a", "str"}, {"ZINTERSTORE", "str", "1", "a"}, {"ZRANGE", "str", "0", "-1"},
			{"ZADD", "i", "inf", "p"}, {"ZADD", "j", "-inf", "p"}, {"ZUNIONSTORE", "d", "2", "i", "j"}, {"ZSCORE", "d", "p"},
			{"ZUNIONSTORE", "d", "1", "i", "WEIGHTS", "0"}, {"ZSCORE", "d", "p"}, {"ZINTERSTORE", "d", "2", "a", "a"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"}},
		{{"ZADD", "z", "1.5", "a", "-0", "b", "inf", "c", "0.1", "d", "100000000000000000000", "e"}, {"ZSCAN", "z", "0"}, {"ZSCAN", "z", "0", "MATCH", "a"},
			{"ZSCAN", "no", "0"}, {"ZSCAN", "z", "x"}, {"ZSCAN", "z", "0", "COUNT", "0"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}},
		// A listpack keeps d2string's text (1e17 in digits, up to 2^62); a
		// skiplist formats the double with %.17g (one member: a skiplist's
		// scan order is its hash order).
		{{"ZADD", "z", "1e17", "a", "4611686018427387904", "b", "4611686018427387905", "c", "3", "d"}, {"ZSCAN", "z", "0"},
			{"CONFIG", "SET", "zset-max-listpack-entries", "0"}, {"ZADD", "y", "1e17", "a"}, {"OBJECT", "ENCODING", "y"}, {"ZSCAN", "y", "0"},
			{"CONFIG", "SET", "zset-max-listpack-entries", "128"}},
		{{"SET", "str", "x"}, {"ZADD", "str", "1", "a"}, {"ZINCRBY", "str", "1", "a"}, {"ZREM", "str", "a"}, {"ZSCORE", "str", "a"}, {"ZMSCORE", "str", "a"},
			{"ZCARD", "str"}, {"ZCOUNT", "str", "1", "2"}, {"ZRANGE", "str", "0", "1"}, {"ZRANK", "str", "a"}, {"ZPOPMIN", "str"}, {"ZRANDMEMBER", "str"},
			{"ZREMRANGEBYRANK", "str", "0", "1"}, {"ZSCAN", "str", "0"}, {"ZLEXCOUNT", "str", "-", "+"}},
		{{"ZADD", "l", "1", long}, {"OBJECT", "ENCODING", "l"}, {"ZADD", "m", "1", "a", "2", long}, {"OBJECT", "ENCODING", "m"},
			{"ZREM", "m", long}, {"OBJECT", "ENCODING", "m"}, {"ZUNIONSTORE", "n", "1", "m"}, {"OBJECT", "ENCODING", "n"}},
		big,
	})
}
