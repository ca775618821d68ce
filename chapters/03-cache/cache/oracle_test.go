package cache_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// startCache runs a chapter 03 server for a test and returns it with its
// cache.
func startCache(t testing.TB) (*server.Server, *cache.Cache) {
	var ca *cache.Cache
	s := servertest.Start(t, func(s *server.Server) { ca = cache.Register(s) })
	return s, ca
}

// Every command sequence here goes to gocache and to redis-server 7 and
// must get the same bytes back. Each case starts from empty databases.
func TestRepliesMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	tests := []struct {
		name string
		cmds [][]string
	}{
		{"get set", [][]string{{"GET", "k"}, {"SET", "k", "v"}, {"GET", "k"}, {"set", "k", "w"}, {"get", "k"}}},
		{"empty key and value", [][]string{{"SET", "", ""}, {"GET", ""}, {"STRLEN", ""}, {"EXISTS", ""}}},
		{"binary", [][]string{{"SET", "a\r\nb\x00", "\x00\r\n$3\r\n\xff"}, {"GET", "a\r\nb\x00"}, {"APPEND", "a\r\nb\x00", "\r\n"}, {"GET", "a\r\nb\x00"}}},
		{"1 MiB value", [][]string{{"SET", "big", big}, {"GET", "big"}, {"APPEND", "big", big}, {"STRLEN", "big"}}},
		{"set nx xx", [][]string{
			{"SET", "k", "1", "XX"}, {"GET", "k"}, {"SET", "k", "1", "NX"}, {"SET", "k", "2", "NX"},
			{"SET", "k", "3", "xx"}, {"GET", "k"}, {"SET", "k", "4", "nx", "nx"},
		}},
		{"set get", [][]string{
			{"SET", "k", "1", "GET"}, {"SET", "k", "2", "GET"}, {"SET", "k", "3", "NX", "GET"},
			{"SET", "j", "3", "XX", "GET"}, {"GET", "j"}, {"SET", "k", "4", "get", "get"}, {"GET", "k"},
		}},
		{"set expiry", [][]string{
			{"SET", "k", "v", "EX", "1000"}, {"TTL", "k"}, {"SET", "k", "v", "PX", "1000000"}, {"TTL", "k"},
			{"SET", "k", "v", "EX", "10", "EX", "1000"}, {"TTL", "k"}, {"SET", "k", "w"}, {"TTL", "k"},
			{"SET", "k", "v", "EXAT", "99999999999"}, {"TTL", "k"}, {"SET", "k", "v", "PXAT", "99999999999000"}, {"TTL", "k"}, // PTTL would race the two servers' clocks
			{"SET", "k", "v", "EX", "1000"}, {"SET", "k", "w", "KEEPTTL"}, {"TTL", "k"}, {"GET", "k"},
			{"SET", "k", "x", "KEEPTTL", "KEEPTTL"}, {"TTL", "k"},
		}},
		{"set expiry in the past", [][]string{{"SET", "k", "v", "EXAT", "1"}, {"GET", "k"}, {"EXISTS", "k"}, {"SET", "k", "v", "PXAT", "1000", "GET"}}},
		{"set errors", [][]string{
			{"SET", "k"}, {"SET"}, {"SET", "k", "v", "NX", "XX"}, {"SET", "k", "v", "XX", "NX"},
			{"SET", "k", "v", "EX", "10", "PX", "100"}, {"SET", "k", "v", "KEEPTTL", "EX", "10"},
			{"SET", "k", "v", "EX", "10", "KEEPTTL"}, {"SET", "k", "v", "EX"}, {"SET", "k", "v", "EX", "0"},
			{"SET", "k", "v", "EX", "-1"}, {"SET", "k", "v", "EX", "abc"}, {"SET", "k", "v", "PX", "1.5"},
			{"SET", "k", "v", "EX", "9223372036854775807"}, {"SET", "k", "v", "PX", "9223372036854775807"},
			{"SET", "k", "v", "EXAT", "9223372036854775"}, {"SET", "k", "v", "PXAT", "0"},
			{"SET", "k", "v", "FOO"}, {"SET", "k", "v", "E"}, {"SET", "k", "v", "EX", " 10"}, {"SET", "k", "v", "EX", "010"},
			{"EXISTS", "k"},
		}},
		{"mget mset", [][]string{
			{"MSET", "a", "1", "b", "2"}, {"MGET", "a", "x", "b", "a"}, {"MSET", "a"}, {"MSET", "a", "1", "b"},
			{"MGET"}, {"MSET", "a", "3", "a", "4"}, {"GET", "a"},
		}},
		{"incr decr", [][]string{
			{"INCR", "n"}, {"INCR", "n"}, {"DECR", "n"}, {"DECR", "m"}, {"INCRBY", "n", "100"}, {"DECRBY", "n", "-5"},
			{"INCRBY", "n", "-200"}, {"GET", "n"}, {"INCRBY", "n", "abc"}, {"INCRBY", "n", ""}, {"INCRBY", "n", "+1"},
			{"INCRBY", "n", "01"}, {"INCRBY", "n", "-0"}, {"INCRBY", "n", "1 "}, {"INCRBY", "n", "99999999999999999999"},
			{"INCR"}, {"INCR", "a", "b"}, {"INCRBY", "n"}, {"DECRBY", "n", "1", "2"},
		}},
		{"string2ll", [][]string{
			{"INCRBY", "n", " 1"}, {"INCRBY", "n", "\t1"}, {"INCRBY", "n", "1\x00"}, {"INCRBY", "n", "007"},
			{"INCRBY", "n", "-01"}, {"INCRBY", "n", "--1"}, {"INCRBY", "n", "1e3"}, {"INCRBY", "n", "-9223372036854775809"},
			{"INCRBY", "n", "-09223372036854775808"}, {"EXPIRE", "n", "+10"}, {"SET", "n", "+1"}, {"INCR", "n"},
			{"SET", "n", "00"}, {"DECR", "n"}, {"SELECT", "01"}, {"SELECT", "+1"}, {"HELLO", "+3"}, {"HELLO", "03"},
		}},
		{"incr limits", [][]string{
			{"SET", "n", "9223372036854775806"}, {"INCR", "n"}, {"INCR", "n"}, {"GET", "n"},
			{"SET", "n", "-9223372036854775807"}, {"DECR", "n"}, {"DECR", "n"},
			{"SET", "n", "0"}, {"DECRBY", "n", "-9223372036854775808"}, {"INCRBY", "n", "-9223372036854775808"},
			{"INCRBY", "n", "9223372036854775807"}, {"INCRBY", "n", "-9223372036854775808"}, {"GET", "n"},
			{"INCRBY", "m", "9223372036854775808"},
		}},
		{"incr non-integers", [][]string{
			{"SET", "s", "abc"}, {"INCR", "s"}, {"SET", "s", " 1"}, {"INCR", "s"}, {"SET", "s", "1.5"}, {"INCR", "s"},
			{"SET", "s", "007"}, {"INCR", "s"}, {"SET", "s", ""}, {"INCR", "s"}, {"SET", "s", "-0"}, {"INCR", "s"},
			{"SET", "s", "-"}, {"INCR", "s"}, {"SET", "s", "1\x00"}, {"INCR", "s"},
		}},
		{"incr keeps ttl", [][]string{{"SET", "n", "5", "EX", "1000"}, {"INCR", "n"}, {"TTL", "n"}}},
		{"append strlen", [][]string{
			{"APPEND", "a", "x"}, {"APPEND", "a", "yz"}, {"GET", "a"}, {"STRLEN", "a"}, {"STRLEN", "nope"},
			{"APPEND", "e", ""}, {"EXISTS", "e"}, {"STRLEN", "e"}, {"APPEND", "a"}, {"STRLEN"},
			{"SET", "a", "1", "EX", "1000"}, {"APPEND", "a", "2"}, {"TTL", "a"}, {"INCR", "a"},
		}},
		{"del exists", [][]string{
			{"MSET", "a", "1", "b", "2", "c", "3"}, {"EXISTS", "a", "a", "x", "b"}, {"DEL", "a", "x", "a"},
			{"DEL", "a"}, {"EXISTS", "a"}, {"DEL", "b", "c"}, {"DEL"}, {"EXISTS"}, {"DBSIZE"},
		}},
		{"ttl pttl", [][]string{
			{"TTL", "k"}, {"PTTL", "k"}, {"SET", "k", "v"}, {"TTL", "k"}, {"PTTL", "k"}, {"TTL"}, {"PTTL", "k", "x"},
		}},
		{"expire", [][]string{
			{"EXPIRE", "k", "100"}, {"SET", "k", "v"}, {"EXPIRE", "k", "1000"}, {"TTL", "k"},
			{"PEXPIRE", "k", "2000000"}, {"TTL", "k"}, {"EXPIREAT", "k", "99999999999"}, {"TTL", "k"},
			{"PEXPIREAT", "k", "99999999999999"}, {"PERSIST", "k"}, {"PERSIST", "k"}, {"TTL", "k"}, {"PERSIST", "nope"},
			{"EXPIRE", "k", "abc"}, {"EXPIRE", "k", "10", "foo"}, {"EXPIRE", "k"}, {"PEXPIRE", "k"},
			{"EXPIRE", "k", "9223372036854775807"}, {"EXPIRE", "k", "-9223372036854775807"},
			{"PEXPIRE", "k", "9223372036854775807"}, {"PEXPIREAT", "k", "9223372036854775807"}, {"TTL", "k"},
		}},
		{"expire options", [][]string{
			{"SET", "k", "v"}, {"EXPIRE", "k", "100", "XX"}, {"EXPIRE", "k", "100", "GT"}, {"EXPIRE", "k", "1000", "LT"},
			{"TTL", "k"}, {"EXPIRE", "k", "2000", "NX"}, {"EXPIRE", "k", "500", "GT"}, {"EXPIRE", "k", "3000", "gt"},
			{"TTL", "k"}, {"EXPIRE", "k", "4000", "LT"}, {"EXPIRE", "k", "2000", "lt", "xx"}, {"TTL", "k"},
			{"EXPIRE", "k", "1", "NX", "XX"}, {"EXPIRE", "k", "1", "NX", "GT"}, {"EXPIRE", "k", "1", "GT", "LT"},
			{"EXPIRE", "k", "1", "XX", "GT", "LT"}, {"EXPIRE", "k", "1", "nx", "lt"}, {"EXPIRE", "k", "1", "XX", "bad"},
			{"TTL", "k"},
		}},
		{"expire in the past deletes", [][]string{
			{"SET", "k", "v"}, {"EXPIRE", "k", "0"}, {"EXISTS", "k"}, {"SET", "k", "v"}, {"PEXPIRE", "k", "-5"},
			{"GET", "k"}, {"SET", "k", "v"}, {"EXPIREAT", "k", "1"}, {"GET", "k"}, {"DBSIZE"},
		}},
		{"dbsize flushall", [][]string{
			{"DBSIZE"}, {"MSET", "a", "1", "b", "2"}, {"DBSIZE"}, {"FLUSHALL"}, {"DBSIZE"}, {"SET", "a", "1"},
			{"FLUSHALL", "ASYNC"}, {"FLUSHALL", "sync"}, {"FLUSHALL", "foo"}, {"FLUSHALL", "SYNC", "x"},
			{"DBSIZE", "x"}, {"KEYS"}, {"KEYS", "a", "b"},
		}},
		{"select", [][]string{
			{"SET", "k", "0"}, {"SELECT", "1"}, {"GET", "k"}, {"SET", "k", "1"}, {"DBSIZE"}, {"SELECT", "15"},
			{"SELECT", "16"}, {"SELECT", "-1"}, {"SELECT", "x"}, {"SELECT", "4294967296"}, {"SELECT"},
			{"SELECT", "0"}, {"GET", "k"}, {"FLUSHALL"}, {"SELECT", "1"}, {"DBSIZE"}, {"SELECT", "0"},
		}},
		{"scan errors", [][]string{
			{"SCAN", "abc"}, {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "COUNT", "x"}, {"SCAN", "0", "MATCH"},
			{"SCAN", "0", "FOO", "bar"}, {"SCAN", " 0"}, {"SCAN", "99999999999999999999"}, {"SCAN"},
			{"SCAN", "0"}, {"SET", "k", "v"}, {"SCAN", "0"}, {"SCAN", "0", "MATCH", "x*"}, {"SCAN", "0", "TYPE", "string"},
			{"SCAN", "0", "TYPE", "list"}, {"SCAN", "0", "count", "5", "match", "k", "type", "STRING"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Same("FLUSHALL")
			for _, cmd := range tt.cmds {
				p.Same(cmd...)
			}
		})
	}
}

// TestRESP3RepliesMatchRedis repeats a few commands after HELLO 3, where
// nil is "_" instead of "$-1".
func TestRESP3RepliesMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	p.Go.Do("HELLO", "3")
	p.Redis.Do("HELLO", "3")
	for _, cmd := range [][]string{
		{"FLUSHALL"}, {"GET", "k"}, {"SET", "k", "v", "GET"}, {"MGET", "k", "x"}, {"SET", "k", "w", "NX"},
		{"INCR", "n"}, {"TTL", "k"}, {"SCAN", "0", "MATCH", "n"}, {"KEYS", "n"}, {"SET", "k", "v", "EX", "abc"},
	} {
		p.Same(cmd...)
	}
}

// TestInlineCommandsMatchRedis sends commands as redis-cli or telnet
// users type them, pipelined in one write.
func TestInlineCommandsMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	p.Same("FLUSHALL")
	p.SameRaw("SET a 1\r\nINCR a\r\nGET a\r\nSET \"b c\" \"x\\r\\ny\"\r\nGET \"b c\"\r\nDEL a \"b c\" z\r\n", 6)
}

// TestKeysMatchesRedis compares KEYS with Redis's glob rules; the order of
// keys is the hash table's, so the replies are compared as sets.
func TestKeysMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	p.Same("FLUSHALL")
	keys := []string{"", "a", "b", "ab", "abc", "a*c", "a?c", "h[e]llo", "hello", "hallo", "hxllo", "hllo",
		"heeeello", "x\\y", "-", "]", "^", "A", "Z", "foo:1", "foo:22", "bar\x00baz", "\r\n"}
	for _, k := range keys {
		p.Same("SET", k, "v")
	}
	p.Same("SET", "gone", "v", "PXAT", "1")
	patterns := []string{"*", "**", "", "a*", "*c", "a?c", "a\\*c", "a\\?c", "h[ae]llo", "h[^e]llo", "h[a-e]llo",
		"h[e-a]llo", "h*llo", "h?llo", "[a-z]", "[A-Z]", "[^a-z]", "x\\\\y", "[", "[a", "a[", "\\", "[-]", "[]]",
		"[\\]]", "[^]", "foo:?", "foo:*", "bar*", "*\x00*", "\r*", "[!a]", "?", "??", "*a*b*c*", "h[e]llo", "h\\[e\\]llo"}
	for _, pat := range patterns {
		got, want := sortedKeys(t, p.Go.Do("KEYS", pat)), sortedKeys(t, p.Redis.Do("KEYS", pat))
		if got != want {
			t.Errorf("KEYS %q:\n gocache: %s\n   redis: %s", pat, got, want)
		}
	}
}

func sortedKeys(t *testing.T, raw string) string {
	t.Helper()
	v, _, err := resp.ParseValue([]byte(raw))
	if err != nil || v.Kind != '*' {
		t.Fatalf("not an array: %q (%v)", raw, err)
	}
	var keys []string
	for _, e := range v.Elems {
		keys = append(keys, string(e.Str))
	}
	sort.Strings(keys)
	return fmt.Sprintf("%q", keys)
}

// TestWrongTypeMatchesRedis puts a value that is not a string under a
// key. gocache has no list type yet, so the test stores an opaque value
// through the keyspace directly, while Redis gets a real list.
func TestWrongTypeMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, ca := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	type list struct{ items []string }
	for _, cmd := range [][]string{
		{"GET", "l"}, {"SET", "l", "v", "GET"}, {"APPEND", "l", "x"}, {"INCR", "l"}, {"DECRBY", "l", "2"},
		{"STRLEN", "l"}, {"MGET", "l", "x"}, {"SET", "l", "v", "NX"}, {"TTL", "l"}, {"EXISTS", "l"},
		{"EXPIRE", "l", "1000"}, {"TTL", "l"}, {"DEL", "l"}, {"GET", "l"},
	} {
		p.Same("FLUSHALL")
		p.Redis.Do("RPUSH", "l", "a")
		done := make(chan struct{})
		s.Loop.Post(func() {
			ca.DBs[0].Set([]byte("l"), &list{items: []string{"a"}}, 1)
			close(done)
		})
		<-done
		p.Same(cmd...)
	}
	// SET replaces a value of any type with a string.
	p.Same("SET", "l", "now a string")
	p.Same("GET", "l")
}

// TestCommandInfoMatchesRedis checks what COMMAND INFO says about each
// command: arity, flags, key positions and ACL categories.
func TestCommandInfoMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	for _, name := range []string{"get", "set", "mget", "mset", "incr", "decr", "incrby", "decrby", "append",
		"strlen", "del", "exists", "ttl", "pttl", "expire", "pexpire", "expireat", "pexpireat", "persist",
		"dbsize", "flushall", "keys", "scan", "select"} {
		got, want := infoHead(t, p.Go.Do("COMMAND", "INFO", name)), infoHead(t, p.Redis.Do("COMMAND", "INFO", name))
		if got != want {
			t.Errorf("COMMAND INFO %s:\n gocache: %s\n   redis: %s", name, got, want)
		}
	}
}

// infoHead renders the first 7 fields of a COMMAND INFO entry: name,
// arity, flags, first key, last key, step, categories.
func infoHead(t *testing.T, raw string) string {
	t.Helper()
	v, _, err := resp.ParseValue([]byte(raw))
	if err != nil || len(v.Elems) != 1 || len(v.Elems[0].Elems) < 7 {
		t.Fatalf("COMMAND INFO reply %q (%v)", raw, err)
	}
	var b strings.Builder
	for _, f := range v.Elems[0].Elems[:7] {
		switch {
		case len(f.Elems) > 0 || f.Kind == '*' || f.Kind == '~':
			for _, e := range f.Elems {
				b.WriteString(" " + string(e.Str))
			}
			b.WriteString(" |")
		case f.Kind == ':':
			fmt.Fprintf(&b, " %d", f.Int)
		default:
			b.WriteString(" " + string(f.Str))
		}
	}
	return b.String()
}

// TestAppendLimitMatchesRedis lowers the string size limit on both sides
// (Redis's minimum proto-max-bulk-len is 1 MB) and appends past it.
func TestAppendLimitMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t, "--proto-max-bulk-len", "1mb")
	s, ca := startCache(t)
	done := make(chan struct{})
	s.Loop.Post(func() { ca.MaxStringLen = 1 << 20; close(done) })
	<-done
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	half := strings.Repeat("x", 600<<10)
	p.Same("FLUSHALL")
	p.Same("APPEND", "k", half)
	p.Same("APPEND", "k", half)
	p.Same("STRLEN", "k")
	p.Same("APPEND", "k", strings.Repeat("y", (1<<20)-(600<<10)))
	p.Same("APPEND", "k", "z")
}
