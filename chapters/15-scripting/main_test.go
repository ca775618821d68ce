package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMain removes the binary the tests build.
func TestMain(m *testing.M) { servertest.Main(m) }

// TestTryIt runs the README's redis-cli sessions against the chapter's
// program: every reply the tutorial shows is the one a learner gets.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the tutorial's outputs are Redis's.
func TestTryItMatchesRedis(t *testing.T) { servertest.TryItRedis(t) }

func run(t *testing.T, bin, dir string, extra ...string) *servertest.Process {
	t.Helper()
	p := servertest.StartProcess(t, dir, bin, append([]string{"--dir", dir, "--appendonly", "yes", "--appendfsync", "always"}, extra...)...)
	p.WaitReady(t, 60*time.Second)
	return p
}

// TestProgramKeepsScriptEffectsAndFunctions: chapter 15's program is
// chapter 14's server with scripting. What a script wrote and the loaded
// libraries survive kill -9 (appendfsync always) and a rewrite; cached
// scripts do not.
func TestProgramKeepsScriptEffectsAndFunctions(t *testing.T) {
	bin, dir := servertest.Build(t, "."), t.TempDir()
	p := run(t, bin, dir)
	c := servertest.Dial(t, p.Addr)
	lib := "#!lua name=acc\nredis.register_function('add', function(k, a) return redis.call('incrby', k[1], a[1]) end)"
	for _, st := range []struct {
		args []string
		want string
	}{
		{[]string{"EVAL", "redis.call('set', 'a', '1') return redis.call('incr', 'a')", "0"}, ":2\r\n"},
		{[]string{"FUNCTION", "LOAD", lib}, "$3\r\nacc\r\n"},
		{[]string{"FCALL", "add", "1", "a", "40"}, ":42\r\n"},
		{[]string{"SCRIPT", "LOAD", "return 1"}, "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n"},
	} {
		if got := c.Do(st.args...); got != st.want {
			t.Fatalf("%q: %q, want %q", st.args, got, st.want)
		}
	}
	check := func(when string) {
		c := servertest.Dial(t, p.Addr)
		for _, q := range [][2]string{
			{c.Do("GET", "a"), "$2\r\n42\r\n"},
			{c.Do("FCALL", "add", "1", "a", "0"), ":42\r\n"},
			{c.Do("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"), "-NOSCRIPT No matching script. Please use EVAL.\r\n"},
		} {
			if q[0] != q[1] {
				t.Errorf("%s: %q, want %q", when, q[0], q[1])
			}
		}
	}
	p.Kill()
	p = run(t, bin, dir)
	check("after kill -9")
	c = servertest.Dial(t, p.Addr)
	if got := c.Do("BGREWRITEAOF"); !strings.Contains(got, "rewriting started") {
		t.Fatalf("BGREWRITEAOF: %q", got)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !rewriteDone(c) {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not finish within 30s")
		}
	}
	p.Kill()
	p = run(t, bin, dir)
	check("after the rewrite and kill -9")
}

// rewriteDone reports whether INFO persistence shows no rewrite running
// and the last one succeeded.
func rewriteDone(c *servertest.Conn) bool {
	info := c.Do("INFO", "persistence")
	return strings.Contains(info, "aof_rewrite_in_progress:0\r\n") && strings.Contains(info, "aof_last_bgrewrite_status:ok\r\n")
}

// TestBusyThresholdFlag: --busy-reply-threshold (alias lua-time-limit)
// sets what CONFIG GET reports.
func TestBusyThresholdFlag(t *testing.T) {
	bin := servertest.Build(t, ".")
	p := servertest.StartProcess(t, t.TempDir(), bin, "--lua-time-limit", "250")
	p.WaitReady(t, 60*time.Second)
	c := servertest.Dial(t, p.Addr)
	want := "*2\r\n$20\r\nbusy-reply-threshold\r\n$3\r\n250\r\n"
	if got := c.Do("CONFIG", "GET", "busy-reply-threshold"); got != want {
		t.Errorf("CONFIG GET busy-reply-threshold: %q, want %q", got, want)
	}
}

// TestProgramSavesFunctionsAndStreamsInDumpRDB: the program has chapter
// 14's streams and chapter 12's snapshots under the scripting layer. A
// script that writes a stream, then SAVE, then a restart from dump.rdb
// alone (no AOF): the stream and the library are back.
func TestProgramSavesFunctionsAndStreamsInDumpRDB(t *testing.T) {
	bin, dir := servertest.Build(t, "."), t.TempDir()
	start := func() *servertest.Process {
		p := servertest.StartProcess(t, dir, bin, "--dir", dir, "--appendonly", "no")
		p.WaitReady(t, 60*time.Second)
		return p
	}
	p := start()
	c := servertest.Dial(t, p.Addr)
	lib := "#!lua name=log\nredis.register_function('note', function(k, a) return redis.call('xadd', k[1], '1-1', 'msg', a[1]) end)"
	for _, st := range []struct {
		args []string
		want string
	}{
		{[]string{"FUNCTION", "LOAD", lib}, "$3\r\nlog\r\n"},
		{[]string{"FCALL", "note", "1", "events", "hello"}, "$3\r\n1-1\r\n"},
		{[]string{"EVAL", "return redis.call('zadd', KEYS[1], 1, 'a')", "1", "z"}, ":1\r\n"},
		{[]string{"SAVE"}, "+OK\r\n"},
	} {
		if got := c.Do(st.args...); got != st.want {
			t.Fatalf("%q: %q, want %q", st.args, got, st.want)
		}
	}
	p.Kill()
	p = start()
	c = servertest.Dial(t, p.Addr)
	for _, q := range [][2]string{
		{c.Do("XRANGE", "events", "-", "+"), "*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$3\r\nmsg\r\n$5\r\nhello\r\n"},
		{c.Do("ZSCORE", "z", "a"), "$1\r\n1\r\n"},
	} {
		if q[0] != q[1] {
			t.Errorf("after a restart from dump.rdb: %q, want %q", q[0], q[1])
		}
	}
	if got := c.Do("FCALL", "note", "1", "events2", "again"); got != "$3\r\n1-1\r\n" {
		t.Errorf("FCALL after the restart: %q", got)
	}
}
