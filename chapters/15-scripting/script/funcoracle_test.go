package script

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// funcServer answers the FUNCTION and FCALL commands of these tests from
// an Engine, the way a server would wire them.
type funcServer struct {
	e     *Engine
	db    *fakeDB
	proto int
}

func (s *funcServer) do(args ...string) string {
	w := resp.Writer{Proto: s.proto}
	reply := func(err error, ok string) string {
		if err != nil {
			w.Error(err.Error())
		} else {
			w.BulkString(ok)
		}
		return string(w.B)
	}
	switch strings.ToUpper(args[0]) + " " + strings.ToUpper(args[1]) {
	case "FUNCTION LOAD":
		replace := strings.EqualFold(args[2], "REPLACE")
		code := args[len(args)-1]
		name, err := s.e.FunctionLoad(code, replace)
		return reply(err, name)
	case "FUNCTION DELETE":
		if err := s.e.FunctionDelete(args[2]); err != nil {
			w.Error(err.Error())
		} else {
			w.SimpleString("OK")
		}
		return string(w.B)
	case "FUNCTION FLUSH":
		s.e.FunctionFlush()
		w.SimpleString("OK")
		return string(w.B)
	case "FUNCTION LIST":
		return string(s.e.FunctionList(s.proto, bytesOf(args[2:])))
	case "FUNCTION STATS":
		return string(s.e.FunctionStats(s.proto, nil))
	case "FUNCTION DUMP":
		w.Bulk(s.e.FunctionDump())
		return string(w.B)
	case "FUNCTION RESTORE":
		policy := ""
		if len(args) > 3 {
			policy = args[3]
		}
		if err := s.e.FunctionRestore([]byte(args[2]), policy); err != nil {
			w.Error(err.Error())
		} else {
			w.SimpleString("OK")
		}
		return string(w.B)
	}
	if strings.EqualFold(args[0], "FCALL_RO") {
		if f, ok := s.e.Funcs.Function(args[1]); ok {
			if err := CheckReadOnly(f.Flags); err != nil {
				w.Error(err.Error())
				return string(w.B)
			}
		}
	}
	// FCALL name numkeys key... arg...
	n, _ := strconv.Atoi(args[2])
	return string(s.e.FCall(&Run{Caller: s.db, Proto: s.proto, Keys: bytesOf(args[3 : 3+n]), Args: bytesOf(args[3+n:])}, args[1]))
}

const libA = "#!lua name=liba\n" +
	"redis.register_function{function_name='echo', callback=function(keys, args) return {keys[1], args[1], #keys, #args} end, flags={'no-writes', 'allow-oom'}, description='echoes'}\n" +
	"redis.register_function('incr2', function(keys) redis.call('incr', keys[1]) return redis.call('incr', keys[1]) end)\n" +
	"redis.register_function('oops', function() return nosuch end)\n" +
	"redis.register_function('fail', function(keys) return redis.call('incr', keys[1]) end)\n" +
	"redis.register_function('keys', function() return KEYS end)\n" +
	"redis.register_function('rnd', function() math.randomseed(3) return math.random(1000) end)\n"

const libOne = "#!lua name=libone\n" +
	"redis.register_function{function_name='one', callback=function(keys, args) return 1 end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description='the one'}\n"

// funcSteps run in order on real Redis and on the engine; each reply
// must match byte for byte.
var funcSteps = [][]string{
	{"FUNCTION", "LOAD", "return 1"},
	{"FUNCTION", "LOAD", "#!lua"},
	{"FUNCTION", "LOAD", "#!lua\nreturn 1"},
	{"FUNCTION", "LOAD", "#!luax name=a\nreturn 1"},
	{"FUNCTION", "LOAD", "#!lua name=a foo=bar\nreturn 1"},
	{"FUNCTION", "LOAD", "#!lua name=a-b\nreturn 1"},
	{"FUNCTION", "LOAD", "#!lua name=a\nreturn 1"},
	{"FUNCTION", "LOAD", "#!lua name=a\nreturn x("},
	{"FUNCTION", "LOAD", "#!lua name=a\nreturn foo"},
	{"FUNCTION", "LOAD", "#!lua name=a\nx = 1"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.x = 1"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.call('ping')"},
	{"FUNCTION", "LOAD", "#!lua name=a\nlocal s = string"},
	{"FUNCTION", "LOAD", "#!lua name=a\nerror('boom')"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('f', function() end) redis.register_function('f', function() end)"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('f-x', function() end)"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='h', callback=function() end, flags={'bad'}}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='h', callback=function() end, foo=1}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='h', callback=function() end, flags='x'}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='h', callback=function() end, description={}}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='h', callback=1}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{callback=function() end}"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('h')"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('h', 1)"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function()"},
	{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('a', function() end, 1)"},
	{"FUNCTION", "LOAD", libA},
	{"FUNCTION", "LOAD", libA},
	{"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('echo', function() end)"},
	{"FUNCTION", "LOAD", "REPLACE", libA},
	{"FCALL", "echo", "1", "k", "a"},
	{"FCALL", "incr2", "1", "n"},
	{"FCALL", "oops", "0"},
	{"FCALL", "keys", "0"},
	{"FCALL", "rnd", "0"},
	{"FCALL", "nosuch", "0"},
	{"FCALL_RO", "incr2", "1", "n"},
	{"FCALL_RO", "echo", "1", "k", "a"},
	{"FUNCTION", "DELETE", "liba"},
	// Redis lists functions in hash-table order: one function each.
	{"FUNCTION", "LOAD", libOne},
	{"FUNCTION", "LIST", "WITHCODE"},
	{"FUNCTION", "LIST", "LIBRARYNAME", "lib*"},
	{"FUNCTION", "LOAD", "#!lua name=libtwo\nredis.register_function('plain', function() return 2 end)"},
	{"FUNCTION", "LIST", "LIBRARYNAME", "libone"},
	{"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "libtwo"},
	{"FUNCTION", "LIST", "LIBRARYNAME", "x*"},
	{"FUNCTION", "LIST", "LIBRARYNAME"},
	{"FUNCTION", "LIST", "WITHCODE", "WITHCODE"},
	{"FUNCTION", "LIST", "bad"},
	{"FUNCTION", "STATS"},
	{"FUNCTION", "DELETE", "libtwo"},
	{"FUNCTION", "DUMP"},
	{"FUNCTION", "LIST"},
	{"FUNCTION", "RESTORE", "garbage"},
	{"FUNCTION", "RESTORE", "x", "bad"},
	{"FUNCTION", "DELETE", "nosuch"},
	{"FUNCTION", "DELETE", "libone"},
	{"FUNCTION", "STATS"},
	{"FCALL", "one", "0"},
	{"FUNCTION", "FLUSH"},
	{"FUNCTION", "LIST"},
}

func TestFunctionsMatchRealRedis(t *testing.T) {
	addr := servertest.StartRedis(t)
	for _, proto := range []int{2, 3} {
		conn := servertest.Dial(t, addr)
		conn.Do("HELLO", strconv.Itoa(proto))
		conn.Do("FUNCTION", "FLUSH")
		conn.Do("FLUSHALL")
		e := New(Options{})
		defer e.Close()
		s := &funcServer{e: e, db: newFakeDB(), proto: proto}
		for _, step := range funcSteps {
			want := conn.Do(step...)
			got := s.do(step...)
			if got != want {
				t.Errorf("resp%d %q\n got  %q\n want %q", proto, step, got, want)
			}
		}
	}
}

// The payload of FUNCTION DUMP restores in both directions: Redis takes
// the engine's and the engine takes Redis's.
func TestFunctionDumpRestoresAcrossRedis(t *testing.T) {
	addr := servertest.StartRedis(t)
	conn := servertest.Dial(t, addr)
	conn.Do("FUNCTION", "FLUSH")
	e := New(Options{})
	defer e.Close()
	s := &funcServer{e: e, db: newFakeDB(), proto: 2}
	if got := s.do("FUNCTION", "LOAD", libOne); got != "$6\r\nlibone\r\n" {
		t.Fatalf("load: %q", got)
	}
	v, _, err := resp.ParseValue([]byte(s.do("FUNCTION", "DUMP")))
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.Do("FUNCTION", "RESTORE", string(v.Str)); got != "+OK\r\n" {
		t.Fatalf("redis restoring the engine's dump: %q", got)
	}
	redisDump, _, err := resp.ParseValue([]byte(conn.Do("FUNCTION", "DUMP")))
	if err != nil {
		t.Fatal(err)
	}
	if string(redisDump.Str) != string(v.Str) {
		t.Errorf("dumps differ:\n engine %q\n redis  %q", v.Str, redisDump.Str)
	}
	for _, policy := range []string{"APPEND", "REPLACE", "FLUSH"} {
		want := conn.Do("FUNCTION", "RESTORE", string(redisDump.Str), policy)
		if got := s.do("FUNCTION", "RESTORE", string(redisDump.Str), policy); got != want {
			t.Errorf("restore %s: got %q, want %q", policy, got, want)
		}
	}
	if got, want := s.do("FCALL", "one", "0"), conn.Do("FCALL", "one", "0"); got != want {
		t.Errorf("after restore: got %q, want %q", got, want)
	}
}
