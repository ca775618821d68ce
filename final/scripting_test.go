package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// incrFiles is the text of the incr files of the AOF in dir.
func incrFiles(t *testing.T, dir string) string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no incr file in %s: %v", dir, err)
	}
	var all strings.Builder
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	return all.String()
}

// baseLibraries counts the function libraries in an AOF base: FUNCTION
// LOAD commands at its start, or function records of an RDB base
// (aof-use-rdb-preamble yes).
func baseLibraries(t *testing.T, base []byte) int {
	t.Helper()
	if !bytes.HasPrefix(base, []byte("REDIS")) {
		return bytes.Count(base, []byte("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"))
	}
	d := rdb.NewDecoder(bytes.NewReader(base), "base")
	n := 0
	for {
		e, err := d.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("the RDB base: %v", err)
		}
		if e.Kind == rdb.KindFunction {
			n++
		}
	}
}

const counterLib = "#!lua name=counters\n" +
	"redis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n" +
	"redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"

// TestScriptWritesAndFunctionsSurviveRestart: the AOF holds what scripts
// wrote (the commands, in MULTI/EXEC) and the libraries, not the
// scripts; after a crash, after a rewrite, and in redis-server 7 loading
// gocache's files, the data and the functions are back and the script
// cache is empty.
func TestScriptWritesAndFunctionsSurviveRestart(t *testing.T) {
	for _, preamble := range []string{"yes", "no"} {
		t.Run("aof-use-rdb-preamble "+preamble, func(t *testing.T) { scriptsSurviveRestart(t, preamble) })
	}
}

func scriptsSurviveRestart(t *testing.T, preamble string) {
	dir := t.TempDir()
	args := []string{"--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", preamble, "--dir", dir}
	p := startProc(t, args...)
	c := servertest.Dial(t, p.Addr)
	steps := [][2]string{
		{c.Do("EVAL", "redis.call('set', KEYS[1], ARGV[1]) redis.call('rpush', KEYS[2], ARGV[1], ARGV[1]) return redis.call('hset', KEYS[3], 'f', ARGV[1])", "3", "s", "l", "h", "v"), ":1\r\n"},
		{c.Do("SCRIPT", "LOAD", "return 'cached'"), "$40\r\n0a69ab5a4fbdb0d3b7f2c08c5c2bcb4c8e8b2dd6\r\n"},
		{c.Do("FUNCTION", "LOAD", counterLib), "$8\r\ncounters\r\n"},
		{c.Do("FCALL", "bump", "1", "n", "5"), ":5\r\n"},
	}
	for i, st := range steps {
		if i != 1 && st[0] != st[1] {
			t.Fatalf("step %d: %q, want %q", i, st[0], st[1])
		}
	}
	sha := strings.Split(steps[1][0], "\r\n")[1]
	aof := incrFiles(t, dir)
	for _, want := range []string{"MULTI", "rpush", "hset", "EXEC", "FUNCTION\r\n$4\r\nLOAD", "incrby"} {
		if !strings.Contains(aof, want) {
			t.Errorf("the AOF lacks %q:\n%q", want, aof)
		}
	}
	if strings.Contains(aof, "EVAL") || strings.Contains(aof, "FCALL") || strings.Contains(aof, "SCRIPT") {
		t.Errorf("the AOF holds scripts, not their effects:\n%q", aof)
	}

	check := func(t *testing.T, addr string, scriptCache bool) {
		t.Helper()
		c := servertest.Dial(t, addr)
		for _, q := range []struct {
			args []string
			want string
		}{
			{[]string{"GET", "s"}, "$1\r\nv\r\n"},
			{[]string{"LRANGE", "l", "0", "-1"}, "*2\r\n$1\r\nv\r\n$1\r\nv\r\n"},
			{[]string{"HGET", "h", "f"}, "$1\r\nv\r\n"},
			{[]string{"FCALL_RO", "peek", "1", "n"}, "$1\r\n5\r\n"},
			{[]string{"FCALL", "bump", "1", "n", "1"}, ":6\r\n"},
			{[]string{"FCALL", "bump", "1", "n", "-1"}, ":5\r\n"},
			{[]string{"SCRIPT", "EXISTS", sha}, "*1\r\n:0\r\n"},
			{[]string{"EVALSHA", sha, "0"}, "-NOSCRIPT No matching script. Please use EVAL.\r\n"},
		} {
			if got := c.Do(q.args...); got != q.want {
				t.Errorf("%q: %q, want %q", q.args, got, q.want)
			}
		}
	}

	p.Kill()
	p = startProc(t, args...)
	t.Run("after kill -9", func(t *testing.T) { check(t, p.Addr, false) })

	bgrewrite(t, dialDB(t, p.Addr, 0))
	if n := baseLibraries(t, readBase(t, dir)); n != 1 {
		t.Errorf("the rewritten base holds %d libraries, want 1", n)
	}
	t.Run("in redis-server 7", func(t *testing.T) {
		copied := t.TempDir()
		copyDir(t, filepath.Join(dir, "appendonlydir"), filepath.Join(copied, "appendonlydir"))
		check(t, servertest.StartRedis(t, "--appendonly", "yes", "--dir", copied, "--aof-use-rdb-preamble", "no"), false)
	})
	stopProc(t, p, false)
	p = startProc(t, args...)
	t.Run("after the rewrite", func(t *testing.T) { check(t, p.Addr, false) })

	if got := servertest.Dial(t, p.Addr).Do("FUNCTION", "DELETE", "counters"); got != "+OK\r\n" {
		t.Fatalf("FUNCTION DELETE: %q", got)
	}
	stopProc(t, p, true)
	p = startProc(t, args...)
	if got := servertest.Dial(t, p.Addr).Do("FCALL", "bump", "1", "n", "1"); got != "-ERR Function not found\r\n" {
		t.Errorf("a deleted library after a restart: %q", got)
	}
}

// TestScriptsOverMaxmemoryAsRedis: with memory over maxmemory, Redis
// lets a script read, refuses a script's first write that may grow
// memory, and refuses at once a script or function that declares it may
// write (unless allow-oom).
func TestScriptsOverMaxmemoryAsRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	p := startProc(t)
	pair := servertest.DialPair(t, p.Addr, redisAddr)
	pair.Same("SET", "k", "v")
	pair.Same("FUNCTION", "FLUSH")
	pair.Same("FUNCTION", "LOAD", counterLib)
	pair.Same("FUNCTION", "LOAD", "#!lua name=oom\nredis.register_function{function_name='oomset', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'allow-oom'}}")
	pair.Same("CONFIG", "SET", "maxmemory", "1")
	for _, proto := range []string{"2", "3"} {
		pair.Hello(proto)
		for _, args := range [][]string{
			{"SET", "k", "w"},
			{"EVAL", "return redis.call('get', KEYS[1])", "1", "k"},
			{"EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k"},
			{"EVAL", "return redis.pcall('set', KEYS[1], 'x')", "1", "k"},
			{"EVAL", "redis.call('del', 'nosuch') return redis.call('set', KEYS[1], 'x')", "1", "k"},
			{"EVAL", "#!lua\nreturn redis.call('get', KEYS[1])", "1", "k"},
			{"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "k"},
			{"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', KEYS[1], 'y')", "1", "k"},
			{"FCALL", "bump", "1", "n", "1"},
			{"FCALL_RO", "peek", "1", "k"},
			{"FCALL", "oomset", "1", "k"},
			{"FUNCTION", "LOAD", "REPLACE", counterLib},
			{"GET", "k"},
		} {
			pair.Same(args...)
		}
	}
	pair.Same("CONFIG", "SET", "maxmemory", "0")
}

// rateLimiter allows ARGV[1] calls per ARGV[2] milliseconds for the key:
// a fixed-window limiter as client libraries ship it.
var rateLimiter = redis.NewScript(`
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return {0, redis.call('pttl', KEYS[1])} end
return {1, tonumber(ARGV[1]) - n}
`)

// unlock is Redlock's release: delete the lock only if it still holds
// our token.
var unlock = redis.NewScript(`
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
`)

// TestGoRedisScripts runs a rate limiter and a lock the way applications
// do, through go-redis's Script (EVALSHA, falling back to EVAL on
// NOSCRIPT), in RESP2 and RESP3.
func TestGoRedisScripts(t *testing.T) {
	p := startProc(t)
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: p.Addr, Protocol: proto, MaxRetries: -1, DisableIdentity: true, ReadTimeout: hangGuard})
		ctx := context.Background()
		key := "rate:" + string(rune('0'+proto))
		for i := 1; i <= 4; i++ {
			v, err := rateLimiter.Run(ctx, c, []string{key}, 3, 60000).Int64Slice()
			if err != nil {
				t.Fatalf("RESP%d call %d: %v", proto, i, err)
			}
			if allowed := v[0] == 1; allowed != (i <= 3) {
				t.Errorf("RESP%d call %d: allowed=%v (reply %v)", proto, i, allowed, v)
			}
			if i == 4 && (v[1] <= 0 || v[1] > 60000) {
				t.Errorf("RESP%d: the denied call's wait is %d ms", proto, v[1])
			}
		}
		ok, err := c.SetNX(ctx, "lock", "token-a", time.Minute).Result()
		if err != nil || !ok {
			t.Fatalf("RESP%d SET NX: %v %v", proto, ok, err)
		}
		if n, err := unlock.Run(ctx, c, []string{"lock"}, "token-b").Int(); err != nil || n != 0 {
			t.Errorf("RESP%d: unlock with another token: %d %v", proto, n, err)
		}
		if n, err := unlock.Run(ctx, c, []string{"lock"}, "token-a").Int(); err != nil || n != 1 {
			t.Errorf("RESP%d: unlock with our token: %d %v", proto, n, err)
		}
		if n, _ := c.Exists(ctx, "lock").Result(); n != 0 {
			t.Errorf("RESP%d: the lock is still there", proto)
		}
		c.Close()
	}
}

// TestFunctionsInDumpRDB: SAVE writes the libraries into dump.rdb, which
// gocache and redis-server 7 both load back.
func TestFunctionsInDumpRDB(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, "--dir", dir)
	c := servertest.Dial(t, p.Addr)
	for _, st := range [][2]string{
		{c.Do("FUNCTION", "LOAD", counterLib), "$8\r\ncounters\r\n"},
		{c.Do("SET", "n", "5"), "+OK\r\n"},
		{c.Do("SAVE"), "+OK\r\n"},
	} {
		if st[0] != st[1] {
			t.Fatalf("%q, want %q", st[0], st[1])
		}
	}
	p.Kill()
	copied := t.TempDir()
	b, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copied, "dump.rdb"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, addr := range map[string]string{
		"gocache":        startProc(t, "--dir", dir).Addr,
		"redis-server 7": servertest.StartRedis(t, "--dir", copied, "--dbfilename", "dump.rdb"),
	} {
		if got := servertest.Dial(t, addr).Do("FCALL", "bump", "1", "n", "1"); got != ":6\r\n" {
			t.Errorf("%s on gocache's dump.rdb: FCALL bump = %q, want :6", name, got)
		}
	}
}
