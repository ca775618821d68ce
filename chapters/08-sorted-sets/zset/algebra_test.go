package zset_test

import (
	"fmt"
	"strings"
	"testing"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD, ZRANGESTORE and
// ZMPOP answer as redis-server does, in RESP2 and RESP3.
func TestSetAlgebraMatchesRedis(t *testing.T) {
	p := start(t)
	long := strings.Repeat("m", 65)
	big := [][]string{}
	for i := 0; i < 130; i++ {
		big = append(big, []string{"ZADD", "big", fmt.Sprint(i % 9), fmt.Sprint("m", i)})
	}
	big = append(big,
		[]string{"ZRANGESTORE", "d", "big", "0", "127"}, []string{"OBJECT", "ENCODING", "d"},
		[]string{"ZRANGESTORE", "d", "big", "0", "128"}, []string{"OBJECT", "ENCODING", "d"},
		[]string{"ZRANGESTORE", "d", "big", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "128"}, []string{"OBJECT", "ENCODING", "d"},
		[]string{"ZRANGESTORE", "d", "big", "-inf", "+inf", "BYSCORE"}, []string{"OBJECT", "ENCODING", "d"},
		[]string{"ZDIFFSTORE", "d", "1", "big"}, []string{"OBJECT", "ENCODING", "d"}, []string{"ZRANGE", "d", "0", "5", "WITHSCORES"},
		[]string{"ZINTERCARD", "1", "big", "LIMIT", "100"}, []string{"ZINTERCARD", "1", "big"},
		[]string{"ZMPOP", "1", "big", "MAX", "COUNT", "3"}, []string{"ZMPOP", "1", "big", "MIN", "COUNT", "200"}, []string{"EXISTS", "big"})
	p.SameSequences([][][]string{
		{{"ZADD", "a", "1", "x", "2", "y", "3", "z"}, {"ZADD", "b", "10", "y", "20", "z", "30", "w"}, {"SADD", "s", "x", "w", "1"},
			{"ZUNION", "2", "a", "b"}, {"ZUNION", "2", "a", "b", "WITHSCORES"}, {"ZUNION", "3", "a", "b", "s", "WEIGHTS", "1", "2", "3", "withscores"},
			{"ZUNION", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES", "WITHSCORES"}, {"ZINTER", "2", "a", "b", "WITHSCORES"},
			{"ZINTER", "2", "a", "s", "AGGREGATE", "MIN", "WITHSCORES"}, {"ZINTER", "2", "a", "no"}, {"ZINTER", "2", "a", "a", "WITHSCORES"},
			{"ZDIFF", "2", "a", "b"}, {"ZDIFF", "2", "a", "b", "WITHSCORES"}, {"ZDIFF", "2", "s", "a", "WITHSCORES"}, {"ZDIFF", "2", "a", "a"},
			{"ZDIFF", "1", "no"}, {"ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"}, {"ZDIFF", "1", "a", "AGGREGATE", "SUM"},
			{"ZDIFFSTORE", "d", "2", "a", "b"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZDIFFSTORE", "d", "2", "a", "a"}, {"EXISTS", "d"},
			{"ZDIFFSTORE", "d", "1", "a", "WITHSCORES"}, {"ZINTERCARD", "2", "a", "b"}, {"ZINTERCARD", "2", "a", "b", "LIMIT", "1"},
			{"ZINTERCARD", "2", "a", "b", "LIMIT", "0"}, {"ZINTERCARD", "3", "a", "b", "s"}, {"ZINTERCARD", "2", "a", "b", "LIMIT", "-1"},
			{"ZINTERCARD", "2", "a", "b", "LIMIT", "x"}, {"ZINTERCARD", "2", "a", "b", "WITHSCORES"}, {"ZINTERCARD", "0", "a"},
			{"ZINTERCARD", "x", "a"}, {"ZINTERCARD", "3", "a"}, {"ZUNION", "0", "a"}, {"ZINTER", "-1", "a"}, {"ZDIFF", "2", "a"},
			{"SET", "str", "v"}, {"ZUNION", "2", "a", "str"}, {"ZINTERCARD", "2", "str", "a"}, {"ZDIFF", "2", "no", "str"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, {"ZRANGESTORE", "d", "z", "1", "3"}, {"ZRANGE", "d", "0", "-1", "WITHSCORES"},
			{"ZRANGESTORE", "d", "z", "(1", "4", "BYSCORE", "REV"}, {"ZRANGESTORE", "d", "z", "4", "(1", "BYSCORE", "REV", "LIMIT", "1", "2"},
			{"ZRANGE", "d", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "d", "z", "[b", "+", "BYLEX", "LIMIT", "0", "2"}, {"ZRANGE", "d", "0", "-1"},
			{"ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "d", "z", "0", "-1", "LIMIT", "0", "1"},
			{"ZRANGESTORE", "d", "z", "a", "b", "BYSCORE"}, {"ZRANGESTORE", "d", "z", "a", "b", "BYLEX"}, {"ZRANGESTORE", "d", "z", "x", "1"},
			{"ZRANGESTORE", "d", "z", "5", "9"}, {"EXISTS", "d"}, {"ZRANGESTORE", "d", "no", "0", "-1"}, {"SET", "str", "v"},
			{"ZRANGESTORE", "d", "str", "0", "-1"}, {"ZRANGESTORE", "str", "z", "0", "0"}, {"ZCARD", "str"}, {"ZRANGESTORE", "z", "z", "1", "2"},
			{"ZRANGE", "z", "0", "-1", "WITHSCORES"}},
		{{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "y", "9", "q"}, {"ZMPOP", "2", "no", "z", "MIN"}, {"ZMPOP", "2", "no", "z", "max", "COUNT", "5"},
			{"EXISTS", "z"}, {"ZMPOP", "1", "z", "MIN"}, {"ZMPOP", "2", "y", "z", "MIN", "COUNT", "1", "COUNT", "2"}, {"ZMPOP", "0", "y", "MIN"},
			{"ZMPOP", "2", "y", "MIN"}, {"ZMPOP", "1", "y", "MIDDLE"}, {"ZMPOP", "1", "y", "MIN", "COUNT", "0"}, {"ZMPOP", "1", "y", "MIN", "COUNT"},
			{"SET", "str", "v"}, {"ZMPOP", "2", "str", "y", "MIN"}, {"ZMPOP", "2", "y", "str", "MAX", "COUNT", "9"}},
		{{"ZADD", "l", "1", long, "2", "s"}, {"ZUNION", "1", "l", "WITHSCORES"}, {"ZDIFFSTORE", "d", "1", "l"}, {"OBJECT", "ENCODING", "d"},
			{"ZRANGESTORE", "d", "l", "1", "1"}, {"OBJECT", "ENCODING", "d"}, {"ZRANGESTORE", "d", "l", "0", "0"}, {"OBJECT", "ENCODING", "d"}},
		big,
	})
}
