package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// TestTryIt runs the README's redis-cli sessions against the chapter's
// program: every reply the tutorial shows is the one a learner gets.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the tutorial's outputs are Redis's.
func TestTryItMatchesRedis(t *testing.T) { servertest.TryItRedis(t) }

// TestTransactionSurvivesRestart: the program composes this chapter's
// layers with chapters 04 and 05, so a transaction reaches the AOF as
// one MULTI ... EXEC block and replays after a restart, also after a
// rewrite.
func TestTransactionSurvivesRestart(t *testing.T) {
	bin, dir := servertest.Build(t, "."), t.TempDir()
	start := func() (*servertest.Process, *servertest.Conn) {
		p := servertest.StartProcess(t, dir, bin, "--appendonly", "yes")
		p.WaitReady(t, 20*time.Second)
		return p, servertest.Dial(t, p.Addr)
	}
	p, c := start()
	for _, cmd := range [][]string{{"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"SETBIT", "b", "7", "1"}, {"EXEC"}} {
		c.Do(cmd...)
	}
	if got := c.Do("BGREWRITEAOF"); got != "+Background append only file rewriting started\r\n" {
		t.Fatalf("BGREWRITEAOF: %q", got)
	}
	c.Do("MULTI")
	c.Do("INCR", "a")
	c.Do("PFADD", "h", "x", "y")
	if got := c.Do("EXEC"); got != "*2\r\n:3\r\n:1\r\n" {
		t.Fatalf("EXEC: %q", got)
	}
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	_, c = start()
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"GET", "a"}, "$1\r\n3\r\n"},
		{[]string{"GET", "b"}, "$1\r\n\x01\r\n"},
		{[]string{"PFCOUNT", "h"}, ":2\r\n"},
	} {
		if got := c.Do(tc.cmd...); got != tc.want {
			t.Errorf("%v after restart = %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// TestTrackingAndNotificationsLikeRedis: what the sessions of the README
// cannot show, on the program and on redis-server 7, byte for byte: a
// RESP2 client's invalidations redirected to the connection whose CLIENT
// ID it names, the errors of a redirect to nobody, and the expired event,
// which no command announces (the keyspace's expiry does).
func TestTrackingAndNotificationsLikeRedis(t *testing.T) {
	bin := servertest.Build(t, ".")
	p := servertest.StartProcess(t, t.TempDir(), bin)
	p.WaitReady(t, 20*time.Second)
	got := trackingScript(t, p.Addr)
	want := trackingScript(t, servertest.StartRedis(t))
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("step %d: gocache %q, redis %q", i, got, want)
		}
	}
}

// trackingScript runs the conversation on the server at addr and returns
// every reply and message, in order.
func trackingScript(t *testing.T, addr string) []string {
	var out []string
	inv := servertest.Dial(t, addr)
	id := strings.TrimSuffix(strings.TrimPrefix(inv.Do("CLIENT", "ID"), ":"), "\r\n")
	out = append(out, inv.Do("SUBSCRIBE", "__redis__:invalidate"))
	c, w := servertest.Dial(t, addr), servertest.Dial(t, addr)
	out = append(out,
		c.Do("CLIENT", "TRACKING", "on", "REDIRECT", id),
		strconv.FormatBool(c.Do("CLIENT", "GETREDIR") == ":"+id+"\r\n"), // the ids differ; the echo does not
		c.Do("GET", "k"),
		w.Do("SET", "k", "v"),
		inv.ReadRaw(), // the invalidation of k
		c.Do("CLIENT", "TRACKING", "on", "REDIRECT", "999999"),
		c.Do("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"),
		c.Do("CLIENT", "CACHING", "yes"),
		w.Do("CONFIG", "SET", "notify-keyspace-events", "Ex"),
	)
	ev := servertest.Dial(t, addr)
	out = append(out,
		ev.Do("SUBSCRIBE", "__keyevent@0__:expired"),
		w.Do("SET", "gone", "x", "PX", "1"),
		ev.ReadRaw(), // the active expiry's event, within 10 s
		w.Do("CONFIG", "SET", "notify-keyspace-events", ""),
	)
	return out
}
