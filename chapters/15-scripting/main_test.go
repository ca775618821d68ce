package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMain removes the binary the tests build.
func TestMain(m *testing.M) { servertest.Main(m) }

func run(t *testing.T, bin, dir string, extra ...string) *servertest.Process {
	t.Helper()
	p := servertest.StartProcess(t, dir, bin, append([]string{"--dir", dir, "--appendonly", "yes", "--appendfsync", "always"}, extra...)...)
	p.WaitReady(t, 60*time.Second)
	return p
}

// TestProgramKeepsScriptEffectsAndFunctions: chapter 15's program is
// chapter 5's server with scripting. What a script wrote and the loaded
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
