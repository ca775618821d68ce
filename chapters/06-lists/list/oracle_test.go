package list_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// The type is a value chapter 11's db can TYPE, OBJECT ENCODING and COPY.
var _ db.Value = (*list.List)(nil)

// start runs gocache with the string commands and the list commands and
// returns a pair of connections to it and to a real redis-server.
func start(t *testing.T) *servertest.Pair {
	return typetest.Start(t, func(s *server.Server, ca *cache.Cache) {
		list.Register(s, ca)
	})
}

func TestListCommandsMatchRedis(t *testing.T) {
	p := start(t)
	cases := [][][]string{
		{{"LPUSH", "l", "a", "b", "c"}, {"RPUSH", "l", "d", "e"}, {"LRANGE", "l", "0", "-1"}, {"LLEN", "l"},
			{"LPUSHX", "nol", "x"}, {"RPUSHX", "nol", "x"}, {"LPUSHX", "l", "x"}, {"RPUSHX", "l", "y", "z"}, {"LRANGE", "l", "0", "-1"}},
		{{"RPUSH", "l", "1", "2", "3", "4", "5"}, {"LPOP", "l"}, {"RPOP", "l"}, {"LPOP", "l", "2"}, {"RPOP", "l", "0"},
			{"LPOP", "l", "10"}, {"EXISTS", "l"}, {"LPOP", "l"}, {"LPOP", "l", "1"}, {"RPOP", "l", "-1"}, {"RPOP", "l", "x"},
			{"LPOP", "l", "1", "2"}, {"LPOP"}},
		{{"RPUSH", "l", "a", "b", "c", "d", "e"}, {"LRANGE", "l", "1", "3"}, {"LRANGE", "l", "-100", "100"}, {"LRANGE", "l", "3", "1"},
			{"LRANGE", "l", "5", "10"}, {"LRANGE", "l", "-2", "-1"}, {"LRANGE", "l", "a", "1"}, {"LRANGE", "nol", "0", "-1"},
			{"LINDEX", "l", "0"}, {"LINDEX", "l", "-1"}, {"LINDEX", "l", "5"}, {"LINDEX", "l", "-6"}, {"LINDEX", "l", "x"}, {"LINDEX", "nol", "0"}},
		{{"RPUSH", "l", "a", "b", "c"}, {"LSET", "l", "1", "B"}, {"LSET", "l", "-1", "C"}, {"LSET", "l", "3", "x"}, {"LSET", "nol", "0", "x"},
			{"LSET", "nol", "x", "x"}, {"LSET", "l", "x", "x"}, {"LRANGE", "l", "0", "-1"}},
		{{"RPUSH", "l", "a", "x", "b", "x", "c", "x"}, {"LREM", "l", "1", "x"}, {"LREM", "l", "-1", "x"}, {"LRANGE", "l", "0", "-1"},
			{"LREM", "l", "0", "x"}, {"LREM", "l", "0", "nope"}, {"LREM", "l", "z", "x"}, {"LREM", "nol", "0", "x"},
			{"LREM", "l", "0", "a"}, {"LREM", "l", "0", "b"}, {"LREM", "l", "0", "c"}, {"EXISTS", "l"}},
		{{"RPUSH", "l", "1", "2", "3", "4", "5", "6"}, {"LTRIM", "l", "1", "-2"}, {"LRANGE", "l", "0", "-1"}, {"LTRIM", "l", "0", "100"},
			{"LTRIM", "l", "x", "1"}, {"LTRIM", "nol", "0", "1"}, {"LTRIM", "l", "3", "1"}, {"EXISTS", "l"}},
		{{"RPUSH", "l", "a", "b", "c"}, {"LINSERT", "l", "BEFORE", "b", "X"}, {"LINSERT", "l", "after", "c", "Y"}, {"LINSERT", "l", "after", "zz", "Y"},
			{"LINSERT", "l", "middle", "b", "Y"}, {"LINSERT", "nol", "before", "a", "b"}, {"LRANGE", "l", "0", "-1"}},
		{{"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}, {"LPOS", "l", "c"}, {"LPOS", "l", "c", "RANK", "2"}, {"LPOS", "l", "c", "RANK", "-1"},
			{"LPOS", "l", "c", "COUNT", "0"}, {"LPOS", "l", "c", "COUNT", "2", "RANK", "-1"}, {"LPOS", "l", "c", "MAXLEN", "2"},
			{"LPOS", "l", "c", "COUNT", "0", "MAXLEN", "3"}, {"LPOS", "l", "zz"}, {"LPOS", "l", "zz", "COUNT", "1"}, {"LPOS", "nol", "a"},
			{"LPOS", "nol", "a", "COUNT", "0"}, {"LPOS", "l", "c", "RANK", "0"}, {"LPOS", "l", "c", "COUNT", "-1"}, {"LPOS", "l", "c", "MAXLEN", "-1"},
			{"LPOS", "l", "c", "RANK"}, {"LPOS", "l", "c", "FOO", "1"}, {"LPOS", "l", "c", "RANK", "x"}, {"LPOS", "l", "c", "RANK", "-9223372036854775808"}},
		{{"RPUSH", "a", "1", "2", "3"}, {"LMOVE", "a", "b", "LEFT", "RIGHT"}, {"LMOVE", "a", "b", "right", "left"}, {"LMOVE", "a", "a", "left", "right"},
			{"LRANGE", "a", "0", "-1"}, {"LRANGE", "b", "0", "-1"}, {"LMOVE", "a", "b", "up", "left"}, {"RPOPLPUSH", "a", "b"}, {"EXISTS", "a"},
			{"RPOPLPUSH", "a", "b"}, {"LMOVE", "nol", "b", "left", "left"}, {"SET", "s", "x"}, {"RPOPLPUSH", "b", "s"}, {"RPOPLPUSH", "s", "b"},
			{"LRANGE", "b", "0", "-1"}},
		{{"RPUSH", "b", "1", "2", "3"}, {"LMPOP", "2", "a", "b", "LEFT"}, {"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "10"}, {"LMPOP", "2", "a", "b", "LEFT"},
			{"LMPOP", "0", "a", "LEFT"}, {"LMPOP", "x", "a", "LEFT"}, {"LMPOP", "3", "a", "b", "LEFT"}, {"LMPOP", "1", "a", "UP"},
			{"LMPOP", "1", "a", "LEFT", "COUNT", "0"}, {"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"}, {"LMPOP", "1", "a", "LEFT", "FOO"}},
		{{"SET", "s", "x"}, {"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "1"}, {"LINDEX", "s", "0"},
			{"LSET", "s", "0", "a"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"}, {"LINSERT", "s", "before", "a", "b"}, {"LPOS", "s", "a"},
			{"LMPOP", "1", "s", "LEFT"}, {"LPUSH", "s"}, {"LLEN", "s", "x"}},
		{{"RPUSH", "", ""}, {"LRANGE", "", "0", "-1"}, {"RPUSH", "bin", "a\r\nb", "\x00\xff"}, {"LRANGE", "bin", "0", "-1"}, {"LPOP", ""}},
	}
	p.SameSequences(cases)
}

// TestLmpopPropagatesPop checks that LMPOP reaches the AOF as the LPOP or
// RPOP with the count that really happened, as Redis rewrites it.
func TestLmpopPropagatesPop(t *testing.T) {
	var props *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		list.Register(s, cache.Register(s))
		props = servertest.RecordPropagated(s)
	})
	g := servertest.Dial(t, servertest.Addr(s))
	for _, cmd := range [][]string{
		{"RPUSH", "b", "1", "2", "3"}, {"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "10"}, {"LMPOP", "1", "b", "LEFT"}, {"RPUSH", "a", "x"},
		{"LMPOP", "2", "b", "a", "LEFT"},
	} {
		g.Do(cmd...)
	}
	servertest.ExpectPropagated(t, props, "0: RPUSH b 1 2 3", "0: RPOP b 3", "0: RPUSH a x", "0: LPOP a 1")
}

// TestBigListMatchesRedis runs the commands on lists of many chunks.
func TestBigListMatchesRedis(t *testing.T) {
	p := start(t)
	args := []string{"RPUSH", "l"}
	for i := 0; i < 3000; i++ {
		args = append(args, fmt.Sprint("element-", i%97))
	}
	p.Same(args...)
	big := strings.Repeat("B", 9000)
	for _, cmd := range [][]string{
		{"LINDEX", "l", "1500"}, {"LINDEX", "l", "-1234"}, {"LSET", "l", "1000", big}, {"LINSERT", "l", "BEFORE", "element-5", big},
		{"LINSERT", "l", "AFTER", "element-90", "x"}, {"LPOS", "l", "element-3", "RANK", "-3", "COUNT", "4"}, {"LREM", "l", "-5", "element-7"},
		{"LRANGE", "l", "990", "1010"}, {"LTRIM", "l", "100", "-100"}, {"LLEN", "l"}, {"LMOVE", "l", "l", "LEFT", "RIGHT"}, {"LPOP", "l", "700"},
		{"RPOP", "l", "900"}, {"LRANGE", "l", "0", "-1"},
	} {
		p.Same(cmd...)
	}
}
