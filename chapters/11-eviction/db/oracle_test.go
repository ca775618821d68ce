package db_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// start runs a server with chapter 03's commands, this package's, and
// a minimal list type (fakelist_test.go).
func start(t testing.TB) (*server.Server, *db.Keys) {
	var k *db.Keys
	s := servertest.Start(t, func(s *server.Server) {
		k = db.Register(s, cache.Register(s))
		addFakeList(s, k)
	})
	return s, k
}

// oracleCases are command sequences whose replies must be the bytes
// redis-server 7.0 sends. Each case starts from empty databases, in
// database 0.
var oracleCases = []struct {
	name string
	cmds [][]string
}{
	{"getset getdel", [][]string{
		{"GETSET", "k", "1"}, {"GETSET", "k", "2"}, {"GET", "k"}, {"SET", "t", "v", "EX", "100"},
		{"GETSET", "t", "w"}, {"TTL", "t"}, {"GETDEL", "k"}, {"GETDEL", "k"}, {"EXISTS", "k"},
		{"GETSET", "k"}, {"GETDEL"}, {"GETDEL", "a", "b"},
	}},
	{"getex", [][]string{
		{"GETEX", "k"}, {"GETEX", "k", "EX", "10"}, {"SET", "k", "v"}, {"GETEX", "k"}, {"TTL", "k"},
		{"GETEX", "k", "EX", "100"}, {"TTL", "k"}, {"GETEX", "k", "PERSIST"}, {"TTL", "k"},
		{"GETEX", "k", "PX", "100000"}, {"TTL", "k"}, {"GETEX", "k", "EXAT", "99999999999"}, {"TTL", "k"},
		{"GETEX", "k", "PXAT", "99999999999000"}, {"TTL", "k"}, {"GETEX", "k", "ex", "10", "ex", "100"}, {"TTL", "k"},
		{"GETEX", "k", "PERSIST", "PERSIST"}, {"TTL", "k"},
		{"GETEX", "k", "EXAT", "1"}, {"EXISTS", "k"}, {"SET", "k", "v"}, {"GETEX", "k", "PXAT", "1000"}, {"EXISTS", "k"},
	}},
	{"getex errors", [][]string{
		{"SET", "k", "v"}, {"GETEX", "k", "EX"}, {"GETEX", "k", "EX", "10", "PX", "10"}, {"GETEX", "k", "EX", "10", "PERSIST"},
		{"GETEX", "k", "PERSIST", "EX", "10"}, {"GETEX", "k", "KEEPTTL"}, {"GETEX", "k", "NX"}, {"GETEX", "k", "GET"},
		{"GETEX", "k", "EX", "0"}, {"GETEX", "k", "EX", "-1"}, {"GETEX", "k", "PX", "abc"}, {"GETEX", "k", "EXAT", "0"},
		{"GETEX", "k", "EX", "9223372036854775807"}, {"GETEX", "k", "PX", "9223372036854775807"},
		{"GETEX", "k", "PXAT", "9223372036854775807"}, {"TTL", "k"}, {"GETEX", "nokey", "EX", "abc"}, {"GETEX", "k", "foo"},
		{"GETEX"},
	}},
	{"setnx setex psetex msetnx", [][]string{
		{"SETNX", "k", "1"}, {"SETNX", "k", "2"}, {"GET", "k"}, {"SETEX", "e", "100", "v"}, {"TTL", "e"}, {"GET", "e"},
		{"PSETEX", "p", "100000", "v"}, {"TTL", "p"}, {"SETEX", "e", "0", "v"}, {"SETEX", "e", "-5", "v"},
		{"SETEX", "e", "x", "v"}, {"PSETEX", "e", "0", "v"}, {"SETEX", "e", "9223372036854775807", "v"},
		{"PSETEX", "e", "9223372036854775807", "v"}, {"SETEX", "e", "10"},
		{"MSETNX", "a", "1", "b", "2"}, {"MGET", "a", "b"}, {"MSETNX", "b", "3", "c", "4"}, {"MGET", "b", "c"},
		{"MSETNX", "a"}, {"MSETNX", "a", "1", "b"}, {"MSETNX", "x", "1", "x", "2"}, {"GET", "x"},
	}},
	{"incrbyfloat", [][]string{
		{"INCRBYFLOAT", "f", "1.5"}, {"INCRBYFLOAT", "f", "0.1"}, {"INCRBYFLOAT", "f", "-1.6"}, {"GET", "f"},
		{"SET", "f", "0.1"}, {"INCRBYFLOAT", "f", "0.2"}, {"SET", "f", "1"}, {"INCRBYFLOAT", "f", "1e-17"},
		{"INCRBYFLOAT", "f", "9.999999999999999999"}, {"INCRBYFLOAT", "f", "3e2"}, {"INCRBYFLOAT", "f", "-5e-3"},
		{"INCRBYFLOAT", "f", "1e30"}, {"INCRBYFLOAT", "f", "-1e30"}, {"INCRBYFLOAT", "f", ".5"}, {"INCRBYFLOAT", "f", "5."},
		{"INCRBYFLOAT", "f", "+.5"}, {"INCRBYFLOAT", "f", "0x10"}, {"INCRBYFLOAT", "f", "0x1.8p1"},
		{"INCRBYFLOAT", "f", "1e"}, {"INCRBYFLOAT", "f", " 1"}, {"INCRBYFLOAT", "f", "1 "}, {"INCRBYFLOAT", "f", "abc"},
		{"INCRBYFLOAT", "f", ""}, {"INCRBYFLOAT", "f", "nan"}, {"INCRBYFLOAT", "f", "inf"}, {"INCRBYFLOAT", "f", "-infinity"},
		{"INCRBYFLOAT", "f", "1e4933"}, {"INCRBYFLOAT", "f", "1e-5000"}, {"INCRBYFLOAT", "f", "1e-4950"}, {"GET", "f"},
		{"SET", "f", "1e4932"}, {"INCRBYFLOAT", "f", "0"}, {"INCRBYFLOAT", "f", "1e4932"}, {"SET", "f", "-0"},
		{"INCRBYFLOAT", "f", "0"}, {"SET", "f", "123456789012345678901234567890"}, {"INCRBYFLOAT", "f", "0"},
		{"SET", "f", "abc"}, {"INCRBYFLOAT", "f", "1"}, {"SET", "f", "1e-20"}, {"INCRBYFLOAT", "f", "0"},
		{"SET", "t", "1", "EX", "100"}, {"INCRBYFLOAT", "t", "1"}, {"TTL", "t"}, {"INCRBYFLOAT", "t"},
	}},
	{"getrange setrange", [][]string{
		{"GETRANGE", "k", "0", "-1"}, {"SET", "k", "Hello World"}, {"GETRANGE", "k", "0", "4"}, {"GETRANGE", "k", "-5", "-1"},
		{"GETRANGE", "k", "-1", "-5"}, {"GETRANGE", "k", "5", "3"}, {"GETRANGE", "k", "0", "100"},
		{"GETRANGE", "k", "-100", "100"}, {"GETRANGE", "k", "-9223372036854775808", "9223372036854775807"},
		{"GETRANGE", "k", "100", "200"}, {"GETRANGE", "k", "a", "1"}, {"GETRANGE", "k", "1", "b"}, {"SUBSTR", "k", "1", "3"},
		{"SET", "n", "12345"}, {"GETRANGE", "n", "1", "2"}, {"SET", "e", ""}, {"GETRANGE", "e", "0", "-1"},
		{"SETRANGE", "k", "6", "Redis"}, {"GET", "k"}, {"SETRANGE", "k", "20", "!"}, {"GET", "k"}, {"STRLEN", "k"},
		{"SETRANGE", "new", "3", "abc"}, {"GET", "new"}, {"SETRANGE", "none", "5", ""}, {"EXISTS", "none"},
		{"SETRANGE", "k", "2", ""}, {"SETRANGE", "k", "-1", "x"}, {"SETRANGE", "k", "x", "x"},
		{"SETRANGE", "k", "536870912", "x"}, {"SETRANGE", "k", "536870911", "xy"}, {"SETRANGE", "k", "9223372036854775807", "x"},
		{"SET", "t", "abc", "EX", "100"}, {"SETRANGE", "t", "1", "XYZ"}, {"GET", "t"}, {"TTL", "t"},
		{"APPEND", "a", "x"}, {"SETRANGE", "a", "0", "yz"}, {"APPEND", "a", "w"}, {"GET", "a"},
	}},
	{"encodings", [][]string{
		{"SET", "i", "123"}, {"OBJECT", "ENCODING", "i"}, {"OBJECT", "REFCOUNT", "i"}, {"SET", "i", "-9223372036854775808"},
		{"OBJECT", "ENCODING", "i"}, {"OBJECT", "REFCOUNT", "i"}, {"SET", "i", "9223372036854775808"}, {"OBJECT", "ENCODING", "i"},
		{"SET", "i", "0123"}, {"OBJECT", "ENCODING", "i"}, {"SET", "i", "10000"}, {"OBJECT", "REFCOUNT", "i"},
		{"SET", "e", strings.Repeat("x", 44)}, {"OBJECT", "ENCODING", "e"}, {"SET", "e", strings.Repeat("x", 45)},
		{"OBJECT", "ENCODING", "e"}, {"SET", "e", ""}, {"OBJECT", "ENCODING", "e"}, {"APPEND", "e", ""}, {"OBJECT", "ENCODING", "e"},
		{"APPEND", "n", "12"}, {"OBJECT", "ENCODING", "n"}, {"APPEND", "n", "3"}, {"OBJECT", "ENCODING", "n"},
		{"OBJECT", "REFCOUNT", "n"}, {"INCR", "n"}, {"OBJECT", "ENCODING", "n"}, {"OBJECT", "REFCOUNT", "n"},
		{"INCRBY", "n", "-124"}, {"OBJECT", "REFCOUNT", "n"},
		{"INCRBYFLOAT", "f", "3"}, {"OBJECT", "ENCODING", "f"}, {"INCRBYFLOAT", "f", "1e50"}, {"OBJECT", "ENCODING", "f"},
		{"SETRANGE", "r", "0", "1"}, {"OBJECT", "ENCODING", "r"}, {"SET", "r", "1"}, {"SETRANGE", "r", "0", "2"}, {"OBJECT", "ENCODING", "r"},
		{"MSET", "m", "5", "m2", "x"}, {"OBJECT", "ENCODING", "m"}, {"OBJECT", "ENCODING", "m2"},
		{"GETSET", "m", "6"}, {"OBJECT", "ENCODING", "m"}, {"SETEX", "s", "100", "7"}, {"OBJECT", "ENCODING", "s"},
		{"SETNX", "nx", "8"}, {"OBJECT", "ENCODING", "nx"}, {"MSETNX", "mx", "9"}, {"OBJECT", "ENCODING", "mx"},
		{"COPY", "n", "n2"}, {"OBJECT", "ENCODING", "n2"}, {"SET", "sh", "7"}, {"COPY", "sh", "sh2"}, {"OBJECT", "REFCOUNT", "sh2"},
		{"OBJECT", "ENCODING", "sh2"}, {"RENAME", "sh2", "sh3"}, {"OBJECT", "REFCOUNT", "sh3"}, {"INCR", "sh3"}, {"OBJECT", "REFCOUNT", "sh3"}, {"COPY", "r", "r2"}, {"OBJECT", "ENCODING", "r2"},
		{"RENAME", "r2", "r3"}, {"OBJECT", "ENCODING", "r3"}, {"COPY", "f", "f2"}, {"OBJECT", "ENCODING", "f2"},
		{"OBJECT", "ENCODING", "nokey"}, {"OBJECT", "REFCOUNT", "nokey"}, {"OBJECT", "IDLETIME", "nokey"},
		{"OBJECT", "FREQ", "nokey"}, {"OBJECT", "FREQ", "i"}, // IDLETIME of a key is in keys_test.go, on a fake clock: here a second could tick between the servers
	}},
	{"object errors", [][]string{
		{"OBJECT"}, {"OBJECT", "ENCODING"}, {"OBJECT", "ENCODING", "a", "b"}, {"OBJECT", "foo"}, {"OBJECT", "foo", "k"},
		{"OBJECT", "HELP"}, {"object", "help"}, {"OBJECT", "HELP", "x"},
	}},
	{"type unlink touch", [][]string{
		{"TYPE", "k"}, {"SET", "k", "v"}, {"TYPE", "k"}, {"MSET", "a", "1", "b", "2", "c", "3"},
		{"UNLINK", "a", "b", "x"}, {"UNLINK", "a"}, {"EXISTS", "a", "b", "c"}, {"TOUCH", "c", "c", "x", "k"}, {"TOUCH"},
		{"UNLINK"}, {"TYPE"}, {"TYPE", "a", "b"},
	}},
	{"rename", [][]string{
		{"RENAME", "a", "b"}, {"RENAMENX", "a", "b"}, {"SET", "a", "1", "EX", "100"}, {"RENAME", "a", "b"}, {"GET", "a"},
		{"GET", "b"}, {"TTL", "b"}, {"RENAME", "b", "b"}, {"RENAMENX", "b", "b"}, {"SET", "c", "3"}, {"RENAMENX", "b", "c"},
		{"RENAMENX", "b", "d"}, {"GET", "d"}, {"TTL", "d"}, {"RENAME", "d", "c"}, {"GET", "c"}, {"TTL", "c"}, {"DBSIZE"},
		{"RENAME", "nokey", "nokey"}, {"RENAME", "a"},
	}},
	{"copy", [][]string{
		{"COPY", "a", "b"}, {"SET", "a", "1", "EX", "100"}, {"COPY", "a", "b"}, {"GET", "b"}, {"TTL", "b"}, {"COPY", "a", "b"},
		{"SET", "a", "2"}, {"COPY", "a", "b", "REPLACE"}, {"GET", "b"}, {"TTL", "b"}, {"COPY", "a", "a"},
		{"COPY", "a", "a", "DB", "0"}, {"COPY", "a", "a", "DB", "1"}, {"SELECT", "1"}, {"GET", "a"}, {"SELECT", "0"},
		{"COPY", "a", "x", "DB", "16"}, {"COPY", "a", "x", "DB", "-1"}, {"COPY", "a", "x", "DB", "abc"},
		{"COPY", "a", "x", "DB", "99999999999"}, {"COPY", "a", "x", "DB"}, {"COPY", "a", "x", "foo"},
		{"COPY", "a", "x", "replace", "db", "2", "REPLACE"}, {"SELECT", "2"}, {"GET", "x"}, {"SELECT", "0"},
		{"APPEND", "s", "abc"}, {"COPY", "s", "s2"}, {"APPEND", "s2", "d"}, {"GET", "s"}, {"GET", "s2"}, {"COPY", "a"},
	}},
	{"databases", [][]string{
		{"SET", "k", "0"}, {"SELECT", "1"}, {"GET", "k"}, {"SET", "k", "1"}, {"DBSIZE"}, {"SELECT", "15"}, {"SET", "k", "15"},
		{"SELECT", "16"}, {"SELECT", "-1"}, {"SELECT", "x"}, {"SELECT", "99999999999"}, {"SELECT", "0"}, {"GET", "k"},
		{"SWAPDB", "0", "15"}, {"GET", "k"}, {"SELECT", "15"}, {"GET", "k"}, {"SWAPDB", "1", "1"}, {"SELECT", "1"}, {"GET", "k"},
		{"SWAPDB", "0", "16"}, {"SWAPDB", "-1", "0"}, {"SWAPDB", "a", "0"}, {"SWAPDB", "0", "a"}, {"SWAPDB", "0", "99999999999"},
		{"SWAPDB", "0"},
		{"SELECT", "0"}, {"SET", "m", "v", "EX", "100"}, {"MOVE", "m", "3"}, {"EXISTS", "m"}, {"SELECT", "3"}, {"GET", "m"},
		{"TTL", "m"}, {"MOVE", "m", "3"}, {"MOVE", "nokey", "0"}, {"SET", "d", "x"}, {"SELECT", "0"}, {"SET", "d", "y"},
		{"MOVE", "d", "3"}, {"GET", "d"}, {"MOVE", "d", "16"}, {"MOVE", "d", "-1"}, {"MOVE", "d", "a"}, {"MOVE", "d", "99999999999"},
		{"MOVE", "d"},
		{"FLUSHDB"}, {"DBSIZE"}, {"SELECT", "3"}, {"DBSIZE"}, {"FLUSHDB", "ASYNC"}, {"FLUSHDB", "sync"}, {"FLUSHDB", "foo"},
		{"FLUSHDB", "async", "sync"}, {"SELECT", "1"}, {"DBSIZE"}, {"FLUSHALL", "SYNC"}, {"DBSIZE"}, {"FLUSHALL", "foo"},
	}},
	{"expiretime", [][]string{
		{"EXPIRETIME", "k"}, {"PEXPIRETIME", "k"}, {"SET", "k", "v"}, {"EXPIRETIME", "k"}, {"PEXPIRETIME", "k"},
		{"PEXPIREAT", "k", "99999999999123"}, {"EXPIRETIME", "k"}, {"PEXPIRETIME", "k"}, {"PEXPIREAT", "k", "99999999999499"},
		{"EXPIRETIME", "k"}, {"PEXPIREAT", "k", "99999999999500"}, {"EXPIRETIME", "k"}, {"EXPIREAT", "k", "99999999999", "GT"},
		{"EXPIRETIME", "k"}, {"EXPIREAT", "k", "99999999999", "LT"}, {"EXPIRETIME", "k"}, {"EXPIRETIME"},
	}},
	{"scan type", [][]string{
		{"MSET", "a", "1", "b", "2"}, {"SCAN", "0", "TYPE", "string", "COUNT", "100", "MATCH", "a"}, {"SCAN", "0", "TYPE", "list"},
		{"SCAN", "0", "TYPE", "STRING", "MATCH", "b"}, {"SCAN", "0", "TYPE"},
	}},
	{"randomkey", [][]string{{"RANDOMKEY"}, {"SET", "k", "v"}, {"RANDOMKEY"}, {"RANDOMKEY", "x"}}},
	{"values of other types", [][]string{
		{"LPUSH", "l", "x"}, {"LPUSH", "l", "y"}, {"TYPE", "l"}, {"OBJECT", "ENCODING", "l"}, {"OBJECT", "REFCOUNT", "l"},
		{"GET", "l"}, {"GETSET", "l", "v"}, {"GETDEL", "l"}, {"GETEX", "l", "EX", "10"}, {"GETEX", "l", "PERSIST"},
		{"INCRBYFLOAT", "l", "1"}, {"GETRANGE", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"}, {"SETRANGE", "l", "0", ""},
		{"APPEND", "l", "x"}, {"STRLEN", "l"}, {"INCR", "l"}, {"MGET", "l"}, {"SETNX", "l", "v"}, {"MSETNX", "l", "v"},
		{"SET", "s", "v"}, {"SCAN", "0", "TYPE", "list"}, {"SCAN", "0", "TYPE", "string"}, {"SCAN", "0", "TYPE", "hash"},
		{"EXPIRE", "l", "100"}, {"COPY", "l", "l2"}, {"TTL", "l2"}, {"LPUSH", "l2", "z"}, {"LRANGE", "l", "0", "-1"},
		{"LRANGE", "l2", "0", "-1"}, {"RENAME", "l2", "l3"}, {"LRANGE", "l3", "0", "-1"}, {"TYPE", "l2"},
		{"MOVE", "l3", "5"}, {"SELECT", "5"}, {"LRANGE", "l3", "0", "-1"}, {"TTL", "l3"}, {"COPY", "l3", "l", "DB", "0"},
		{"COPY", "l3", "l", "DB", "0", "REPLACE"}, {"SWAPDB", "0", "5"}, {"TYPE", "s"}, {"SELECT", "0"}, {"TYPE", "l3"},
		{"SET", "l3", "v"}, {"TYPE", "l3"}, {"GET", "l3"}, {"LPUSH", "s", "x"},
	}},
}

// TestRepliesMatchRedis sends every case to gocache and to redis-server,
// in RESP2 and after HELLO 3 in RESP3, and compares the bytes.
func TestRepliesMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := start(t)
	for _, proto := range []string{"2", "3"} {
		for _, tc := range oracleCases {
			t.Run(tc.name+"/resp"+proto, func(t *testing.T) {
				p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
				p.Go.Do("HELLO", proto) // replies differ in the client id
				p.Redis.Do("HELLO", proto)
				p.Same("FLUSHALL")
				for _, cmd := range tc.cmds {
					p.Same(cmd...)
				}
			})
		}
	}
}
