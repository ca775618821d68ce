package hash_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// The type is a value chapter 11's db can TYPE, OBJECT ENCODING and COPY.
var _ db.Value = (*hash.Hash)(nil)

// start runs gocache with the string commands and the hash commands and
// returns a pair of connections to it and to a real redis-server.
func start(t *testing.T) *servertest.Pair {
	return typetest.Start(t, func(s *server.Server, ca *cache.Cache) {
		hash.Register(s, ca)
	})
}

func TestHashCommandsMatchRedis(t *testing.T) {
	p := start(t)
	long := strings.Repeat("x", 65)
	p.SameSequences([][][]string{
		{{"HSET", "h", "a", "1", "b", "2"}, {"HSET", "h", "a", "3", "c", "4"}, {"HGET", "h", "a"}, {"HGET", "h", "zz"}, {"HGET", "no", "a"},
			{"HMGET", "h", "a", "zz", "c"}, {"HMGET", "no", "a"}, {"HLEN", "h"}, {"HLEN", "no"}, {"HGETALL", "h"}, {"HKEYS", "h"}, {"HVALS", "h"},
			{"HGETALL", "no"}, {"HKEYS", "no"}, {"HSET", "h", "a"}, {"HSET", "h", "a", "1", "b"}, {"HMSET", "h", "x", "y"}, {"HMSET", "h", "x"}},
		{{"HSETNX", "h", "a", "1"}, {"HSETNX", "h", "a", "2"}, {"HGET", "h", "a"}, {"HEXISTS", "h", "a"}, {"HEXISTS", "h", "b"}, {"HEXISTS", "no", "a"},
			{"HSTRLEN", "h", "a"}, {"HSTRLEN", "h", "b"}, {"HSTRLEN", "no", "b"}},
		{{"HSET", "h", "a", "1", "b", "2", "c", "3"}, {"HDEL", "h", "a", "zz", "a"}, {"HDEL", "no", "a"}, {"HDEL", "h", "b", "c"}, {"EXISTS", "h"}},
		{{"HINCRBY", "h", "n", "5"}, {"HINCRBY", "h", "n", "-7"}, {"HINCRBY", "h", "n", "x"}, {"HSET", "h", "s", "abc", "big", "9223372036854775807"},
			{"HINCRBY", "h", "s", "1"}, {"HINCRBY", "h", "big", "1"}, {"HINCRBY", "h", "n", "-9223372036854775808"}, {"HGETALL", "h"}},
		{{"HINCRBYFLOAT", "h", "f", "0.1"}, {"HINCRBYFLOAT", "h", "f", "0.2"}, {"HINCRBYFLOAT", "h", "f", "1e60"}, {"HINCRBYFLOAT", "h", "g", "-1.5e-3"},
			{"HINCRBYFLOAT", "h", "g", "abc"}, {"HINCRBYFLOAT", "h", "g", "inf"}, {"HINCRBYFLOAT", "h", "g", " 1"}, {"HSET", "h", "s", "x"},
			{"HINCRBYFLOAT", "h", "s", "1"}, {"HINCRBYFLOAT", "h", "f", "-1e60"}, {"HINCRBYFLOAT", "h", "i", "3"}, {"HINCRBYFLOAT", "h", "i", "0x10"},
			{"HINCRBYFLOAT", "h", "z", "1e4000"}, {"HINCRBYFLOAT", "h", "z", "1e4932"}, {"HINCRBYFLOAT", "h", "z", "1e4932"}, {"HMGET", "h", "f", "g", "s", "i", "z"}},
		{{"HSET", "h", "a", "1", "b", "2", "c", "3"}, {"HRANDFIELD", "h", "10"}, {"HRANDFIELD", "h", "10", "WITHVALUES"}, {"HRANDFIELD", "h", "0"},
			{"HRANDFIELD", "no"}, {"HRANDFIELD", "no", "5"}, {"HRANDFIELD", "h", "1", "x"}, {"HRANDFIELD", "h", "x"}, {"HRANDFIELD", "h", "-9223372036854775808"},
			{"HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"}, {"HRANDFIELD", "h", "1", "withvalues", "x"}, {"HSET", "one", "f", "v"},
			{"HRANDFIELD", "one"}, {"HRANDFIELD", "one", "-3"}, {"HRANDFIELD", "one", "-2", "WITHVALUES"}, {"HRANDFIELD", "one", "1", "WITHVALUES"}},
		{{"HSET", "h", "a", "1", "b", "2", "ab", "3"}, {"HSCAN", "h", "0"}, {"HSCAN", "h", "0", "MATCH", "a*"}, {"HSCAN", "h", "0", "COUNT", "1"},
			{"HSCAN", "h", "0", "COUNT", "0"}, {"HSCAN", "h", "0", "COUNT", "x"}, {"HSCAN", "h", "x"}, {"HSCAN", "h", "0", "TYPE", "x"},
			{"HSCAN", "no", "0"}, {"HSCAN", "no", "x"}, {"HSCAN", "h", "-1"}, {"HSCAN", "h", "0", "MATCH"}},
		{{"SET", "s", "x"}, {"HSET", "s", "a", "1"}, {"HGET", "s", "a"}, {"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HLEN", "s"}, {"HGETALL", "s"},
			{"HINCRBY", "s", "a", "1"}, {"HINCRBYFLOAT", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "1"}, {"HSCAN", "s", "0"},
			{"HSETNX", "s", "a", "1"}, {"HEXISTS", "s", "a"}, {"HSTRLEN", "s", "a"}, {"HINCRBY", "s", "a", "x"}},
		{{"HSET", "h", "a", long}, {"HGET", "h", "a"}, {"HSET", "h2", long, "v"}, {"HSETNX", "h3", "a", long}, {"HINCRBY", "h4", long, "1"}},
	})
}

func TestEncodingsMatchRedis(t *testing.T) {
	p := start(t)
	long := strings.Repeat("v", 65)
	var fill [][]string
	for i := 0; i < 512; i++ {
		fill = append(fill, []string{"HSET", "big", fmt.Sprint("f", i), "v"})
	}
	fill = append(fill, []string{"OBJECT", "ENCODING", "big"}, []string{"HSET", "big", "f0", "w"}, []string{"OBJECT", "ENCODING", "big"},
		[]string{"HSET", "big", "f512", "v"}, []string{"OBJECT", "ENCODING", "big"})
	p.SameSequences([][][]string{
		{{"HSET", "a", "f", "v"}, {"OBJECT", "ENCODING", "a"}, {"HSET", "b", "f", long}, {"OBJECT", "ENCODING", "b"},
			{"HSETNX", "c", long, "v"}, {"OBJECT", "ENCODING", "c"}, {"HINCRBY", "d", long, "1"}, {"OBJECT", "ENCODING", "d"},
			{"HINCRBYFLOAT", "e", "f", "1e60"}, {"OBJECT", "ENCODING", "e"}, {"HSET", "g", "f", strings.Repeat("v", 64)},
			{"OBJECT", "ENCODING", "g"}, {"HDEL", "b", "f"}, {"OBJECT", "ENCODING", "b"}, {"HSET", "b", "f", "v", "g", long},
			{"OBJECT", "ENCODING", "b"}, {"HSET", "h", "a", "1", "b", long}, {"OBJECT", "ENCODING", "h"}},
		fill,
	})
}

// TestPropagatedForms checks what the AOF receives: HINCRBYFLOAT as an
// HSET of the result, the rest as sent, nothing for a no-op.
func TestPropagatedForms(t *testing.T) {
	var props *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		hash.Register(s, cache.Register(s))
		props = servertest.RecordPropagated(s)
	})
	g := servertest.Dial(t, servertest.Addr(s))
	for _, cmd := range [][]string{
		{"HSET", "h", "f", "1.5"}, {"HINCRBYFLOAT", "h", "f", "0.1"}, {"HDEL", "h", "nope"}, {"HSETNX", "h", "f", "x"},
		{"HINCRBY", "h", "n", "2"}, {"HDEL", "h", "f", "n"},
	} {
		g.Do(cmd...)
	}
	servertest.ExpectPropagated(t, props, "0: HSET h f 1.5", "0: HSET h f 1.6", "0: HINCRBY h n 2", "0: HDEL h f n")
}

// TestScanReturnsEveryField walks a hashtable hash with HSCAN.
func TestScanReturnsEveryField(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		hash.Register(s, ca)
	})
	g := servertest.Dial(t, servertest.Addr(s))
	for i := 0; i < 1000; i++ {
		g.Do("HSET", "h", fmt.Sprint("f", i), "v")
	}
	seen := map[string]bool{}
	cursor := "0"
	for calls := 0; ; calls++ {
		v, _, err := resp.ParseValue([]byte(g.Do("HSCAN", "h", cursor, "COUNT", "50")))
		if err != nil || len(v.Elems) != 2 {
			t.Fatalf("HSCAN reply %v %v", v, err)
		}
		for i := 0; i < len(v.Elems[1].Elems); i += 2 {
			seen[string(v.Elems[1].Elems[i].Str)] = true
		}
		cursor = string(v.Elems[0].Str)
		if cursor == "0" {
			break
		}
		if calls > 1000 {
			t.Fatal("HSCAN does not end")
		}
	}
	if len(seen) != 1000 {
		t.Fatalf("HSCAN returned %d of 1000 fields", len(seen))
	}
}
