package main

import (
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

// TestEvictedKeysStayEvictedAfterRestart: an eviction reaches the AOF as
// a DEL, so the key does not come back when the log is replayed.
func TestEvictedKeysStayEvictedAfterRestart(t *testing.T) {
	bin, dir := servertest.Build(t, "."), t.TempDir()
	start := func() (*servertest.Process, *servertest.Conn) {
		p := servertest.StartProcess(t, dir, bin, "--appendonly", "yes", "--maxmemory-policy", "volatile-lru")
		p.WaitReady(t, 20*time.Second)
		return p, servertest.Dial(t, p.Addr)
	}
	p, c := start()
	c.Do("SET", "kept", "1")
	c.Do("SET", "cache", "2", "EX", "1000")
	c.Do("CONFIG", "SET", "maxmemory", "1") // always over: the key with a TTL goes
	if got := c.Do("EXISTS", "kept", "cache"); got != ":1\r\n" {
		t.Fatalf("EXISTS kept cache = %q, want :1", got)
	}
	if got := c.Do("CONFIG", "SET", "maxmemory", "0"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxmemory 0: %q", got)
	}
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	_, c = start()
	if got := c.Do("EXISTS", "cache"); got != ":0\r\n" {
		t.Errorf("the evicted key is back after a restart: EXISTS = %q", got)
	}
	if got := c.Do("GET", "kept"); got != "$1\r\n1\r\n" {
		t.Errorf("GET kept after restart = %q", got)
	}
}
