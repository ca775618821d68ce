package set_test

import (
	"fmt"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// The type is a value chapter 11's db can TYPE, OBJECT ENCODING and COPY.
var _ db.Value = (*set.Set)(nil)

// start runs gocache with the string commands and the set commands and
// returns a pair of connections to it and to a real redis-server.
func start(t *testing.T) *servertest.Pair {
	return typetest.Start(t, func(s *server.Server, ca *cache.Cache) {
		set.Register(s, ca)
	})
}

func TestSetCommandsMatchRedis(t *testing.T) {
	p := start(t)
	var big [][]string
	for i := 0; i < 513; i++ {
		big = append(big, []string{"SADD", "big", fmt.Sprint(i)})
		if i == 511 || i == 512 {
			big = append(big, []string{"OBJECT", "ENCODING", "big"})
		}
	}
	p.SameSequences([][][]string{
		{{"SADD", "s", "3", "1", "2", "1"}, {"SMEMBERS", "s"}, {"OBJECT", "ENCODING", "s"}, {"SADD", "s", "-5", "100000", "9999999999"},
			{"SMEMBERS", "s"}, {"SCARD", "s"}, {"SISMEMBER", "s", "2"}, {"SISMEMBER", "s", "02"}, {"SISMEMBER", "no", "2"},
			{"SMISMEMBER", "s", "1", "7", "-5"}, {"SMISMEMBER", "no", "1"}, {"SMEMBERS", "no"}, {"SCARD", "no"},
			{"SADD", "s", "x"}, {"OBJECT", "ENCODING", "s"}, {"SCARD", "s"}, {"SADD", "t", "a"}, {"OBJECT", "ENCODING", "t"},
			{"SADD", "u", "01"}, {"OBJECT", "ENCODING", "u"}, {"SADD", "v", "-0"}, {"OBJECT", "ENCODING", "v"}},
		{{"SADD", "s", "1", "2", "3"}, {"SREM", "s", "1", "9"}, {"SREM", "no", "1"}, {"SREM", "s", "2", "3"}, {"EXISTS", "s"}},
		{{"SADD", "a", "1", "2", "3", "4"}, {"SADD", "b", "2", "3", "5"}, {"SADD", "c", "3", "4", "2"}, {"SINTER", "a", "b", "c"},
			{"SINTER", "a", "no"}, {"SUNION", "a", "b", "no"}, {"SDIFF", "a", "b"}, {"SDIFF", "a", "a"}, {"SDIFF", "no", "a"}, {"SDIFF", "a", "no"},
			{"SINTERSTORE", "d", "a", "b"}, {"SMEMBERS", "d"}, {"OBJECT", "ENCODING", "d"}, {"SUNIONSTORE", "d", "a", "c"}, {"SMEMBERS", "d"},
			{"SDIFFSTORE", "d", "a", "b", "c"}, {"SMEMBERS", "d"}, {"SINTERSTORE", "d", "a", "no"}, {"EXISTS", "d"},
			{"SET", "str", "x"}, {"SUNIONSTORE", "str", "a"}, {"SMEMBERS", "str"}, {"SDIFFSTORE", "e", "a", "a"}, {"EXISTS", "e"},
			{"SINTERCARD", "2", "a", "b"}, {"SINTERCARD", "3", "a", "b", "c", "LIMIT", "1"}, {"SINTERCARD", "2", "a", "no"},
			{"SINTERCARD", "0", "a"}, {"SINTERCARD", "3", "a", "b"}, {"SINTERCARD", "1", "a", "LIMIT", "-1"}, {"SINTERCARD", "1", "a", "FOO"},
			{"SINTERCARD", "x", "a"}, {"SINTERCARD", "1", "a", "LIMIT", "0"}},
		{{"SADD", "a", "1", "2"}, {"SMOVE", "a", "b", "1"}, {"SMOVE", "a", "b", "9"}, {"SMOVE", "no", "b", "1"}, {"SMOVE", "a", "a", "2"},
			{"SMOVE", "a", "b", "2"}, {"EXISTS", "a"}, {"SMEMBERS", "b"}, {"SET", "str", "x"}, {"SMOVE", "b", "str", "1"}, {"SMOVE", "str", "b", "1"},
			{"SMOVE", "no", "str", "1"}},
		{{"SADD", "s", "1", "2", "3"}, {"SPOP", "s", "0"}, {"SPOP", "s", "-1"}, {"SPOP", "s", "x"}, {"SPOP", "s", "1", "2"}, {"SPOP", "no"},
			{"SPOP", "no", "2"}, {"SPOP", "s", "3"}, {"EXISTS", "s"}, {"SADD", "s", "7"}, {"SPOP", "s"}, {"EXISTS", "s"}, {"SADD", "s", "1", "2"},
			{"SPOP", "s", "10"}},
		{{"SADD", "s", "1", "2", "3"}, {"SRANDMEMBER", "s", "0"}, {"SRANDMEMBER", "s", "3"}, {"SRANDMEMBER", "s", "10"}, {"SRANDMEMBER", "no"},
			{"SRANDMEMBER", "no", "3"}, {"SRANDMEMBER", "s", "x"}, {"SRANDMEMBER", "s", "1", "2"}, {"SRANDMEMBER", "s", "-9223372036854775808"},
			{"SADD", "one", "a"}, {"SRANDMEMBER", "one"}, {"SRANDMEMBER", "one", "-3"}, {"SRANDMEMBER", "one", "1"}},
		{{"SADD", "s", "1", "2", "3"}, {"SSCAN", "s", "0"}, {"SSCAN", "s", "0", "MATCH", "2"}, {"SSCAN", "s", "0", "COUNT", "0"}, {"SSCAN", "no", "0"},
			{"SSCAN", "s", "abc"}, {"SADD", "t", "a"}, {"SSCAN", "t", "0"}, {"SSCAN", "t", "0", "MATCH", "b*"}},
		{{"SET", "str", "x"}, {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SMEMBERS", "str"}, {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"},
			{"SCARD", "str"}, {"SPOP", "str"}, {"SPOP", "str", "1"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"}, {"SINTER", "no", "str"},
			{"SUNION", "str"}, {"SDIFF", "no", "str"}, {"SINTERSTORE", "d", "str"}, {"SINTERCARD", "1", "str"}, {"SSCAN", "str", "0"}},
		big,
	})
}

// TestSpopPropagatesSrem checks the AOF form of the random commands.
func TestSpopPropagatesSrem(t *testing.T) {
	var props *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		set.Register(s, cache.Register(s))
		props = servertest.RecordPropagated(s)
	})
	g := servertest.Dial(t, servertest.Addr(s))
	g.Do("SADD", "s", "7")
	g.Do("SPOP", "s")
	g.Do("SADD", "s", "1", "2", "3")
	g.Do("SPOP", "s", "2")
	g.Do("SPOP", "s", "5")
	g.Do("SRANDMEMBER", "s") // no change: nothing propagated
	g.Do("SADD", "s", "9")
	// "?": a member SPOP chose at random.
	servertest.ExpectPropagated(t, props, "0: SADD s 7", "0: SREM s 7", "0: SADD s 1 2 3", "0: SREM s ? ?", "0: DEL s", "0: SADD s 9")
}
