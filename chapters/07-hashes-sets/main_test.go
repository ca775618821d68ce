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
// program and expects the output the tutorial shows.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// TestRewriteReadsBack writes hashes and sets in each encoding, some
// longer than one rewrite command (64 elements), rewrites the AOF and
// restarts: every field, value and member, and every encoding, is back.
func TestRewriteReadsBack(t *testing.T) {
	dir := t.TempDir()
	bin := servertest.Build(t, ".")
	p := servertest.StartProcess(t, dir, bin, "--appendonly", "yes")
	p.WaitReady(t, 20*time.Second)
	c := servertest.Dial(t, p.Addr)
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		c.Do("HSET", "small-hash", "f"+n, "v"+n)
		c.Do("HSET", "big-hash", "f"+n, strings.Repeat("v", 70)+n)
		c.Do("SADD", "ints", n)
		c.Do("SADD", "strings", "m"+n)
	}
	checks := [][]string{
		{"OBJECT", "ENCODING", "small-hash"}, {"OBJECT", "ENCODING", "big-hash"},
		{"OBJECT", "ENCODING", "ints"}, {"OBJECT", "ENCODING", "strings"},
		{"HLEN", "small-hash"}, {"HGET", "small-hash", "f150"}, {"HGET", "big-hash", "f199"},
		{"SCARD", "ints"}, {"SISMEMBER", "ints", "199"}, {"SMISMEMBER", "strings", "m0", "m199", "m200"},
		{"HSCAN", "small-hash", "0", "COUNT", "1000"}, {"SSCAN", "ints", "0"},
	}
	var before []string
	for _, cmd := range checks {
		before = append(before, c.Do(cmd...))
	}
	if got := c.Do("OBJECT", "ENCODING", "big-hash"); got != "$9\r\nhashtable\r\n" {
		t.Fatalf("a hash with 70-byte values is %q", got)
	}
	if got := c.Do("BGREWRITEAOF"); !strings.Contains(got, "rewriting started") {
		t.Fatalf("BGREWRITEAOF = %q", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(c.Do("INFO", "persistence"), "aof_rewrite_in_progress:0") {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not finish")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, p.Log)
	}
	p = servertest.StartProcess(t, dir, bin, "--appendonly", "yes")
	p.WaitReady(t, 20*time.Second)
	c = servertest.Dial(t, p.Addr)
	for i, cmd := range checks {
		if got := c.Do(cmd...); got != before[i] {
			t.Errorf("%v after the rewrite = %q, before %q", cmd, got, before[i])
		}
	}
}
