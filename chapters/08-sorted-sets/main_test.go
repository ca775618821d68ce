package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// TestTryIt runs the README's redis-cli sessions against the chapter's
// program and expects the output the tutorial shows.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// start runs the chapter's program in dir with the AOF on.
func start(t *testing.T, dir string) (*servertest.Process, *servertest.Conn) {
	t.Helper()
	p := servertest.StartProcess(t, dir, servertest.Build(t, "."), "--appendonly", "yes", "--appendfsync", "always")
	p.WaitReady(t, 20*time.Second)
	return p, servertest.Dial(t, p.Addr)
}

// TestRewriteReadsBack: sorted sets in both encodings, one longer than a
// rewrite command (64 pairs), with scores whose text is not their value
// (0.1), a negative zero and infinities, survive BGREWRITEAOF and a
// restart with every member, score and encoding.
func TestRewriteReadsBack(t *testing.T) {
	dir := t.TempDir()
	p, c := start(t, dir)
	c.Do("ZADD", "small", "0.1", "a", "-0", "b", "inf", "c", "-inf", "d", "1e300", "e")
	for i := 0; i < 300; i++ {
		c.Do("ZADD", "big", strings.Repeat("1", 1+i%5)+".25", "m"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	checks := [][]string{
		{"ZRANGE", "small", "0", "-1", "WITHSCORES"}, {"ZRANGE", "big", "0", "-1", "WITHSCORES"},
		{"OBJECT", "ENCODING", "small"}, {"OBJECT", "ENCODING", "big"}, {"ZCARD", "big"},
	}
	var before []string
	for _, cmd := range checks {
		before = append(before, c.Do(cmd...))
	}
	if before[3] != "$8\r\nskiplist\r\n" || before[2] != "$8\r\nlistpack\r\n" {
		t.Fatalf("encodings before the rewrite: %q %q", before[2], before[3])
	}
	if got := c.Do("BGREWRITEAOF"); !strings.Contains(got, "rewriting started") {
		t.Fatalf("BGREWRITEAOF = %q", got)
	}
	waitRewrite(t, c)
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, p.Log)
	}
	_, c = start(t, dir)
	for i, cmd := range checks {
		if got := c.Do(cmd...); got != before[i] {
			t.Errorf("%v after the rewrite = %q, before %q", cmd, got, before[i])
		}
	}
}

// TestBlockingPopsShareTheQueue: a BZPOPMIN and a BLPOP client wait on
// one key, in that order. The key becoming a sorted set serves the
// first and leaves the second in place; becoming a list serves the
// second. The AOF holds the pops, not the blocking commands.
func TestBlockingPopsShareTheQueue(t *testing.T) {
	dir := t.TempDir()
	p, ctl := start(t, dir)
	zwait := servertest.Dial(t, p.Addr)
	lwait := servertest.Dial(t, p.Addr)
	zwait.Send(string(servertest.Command("BZPOPMIN", "queue", "0")))
	servertest.WaitBlocked(t, ctl, 1)
	lwait.Send(string(servertest.Command("BLPOP", "queue", "0")))
	servertest.WaitBlocked(t, ctl, 2)

	ctl.Do("ZADD", "queue", "1", "urgent", "5", "later")
	if got := zwait.ReadRaw(); got != "*3\r\n$5\r\nqueue\r\n$6\r\nurgent\r\n$1\r\n1\r\n" {
		t.Fatalf("BZPOPMIN = %q", got)
	}
	if got := ctl.Do("INFO", "clients"); !strings.Contains(got, "blocked_clients:1\r\n") {
		t.Fatalf("the BLPOP client should still wait: %q", got)
	}
	ctl.Do("DEL", "queue")
	ctl.Do("RPUSH", "queue", "job")
	if got := lwait.ReadRaw(); got != "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n" {
		t.Fatalf("BLPOP = %q", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if len(files) != 1 {
		t.Fatalf("incr files: %v", files)
	}
	aof, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	log := string(aof)
	order := []string{"ZADD", "ZPOPMIN", "DEL", "RPUSH", "LPOP"}
	at := 0
	for _, word := range order {
		i := strings.Index(log[at:], "\r\n"+word+"\r\n")
		if i < 0 {
			t.Fatalf("the AOF lacks %s after offset %d:\n%q", word, at, log)
		}
		at += i + 1
	}
	if strings.Contains(log, "BZPOPMIN") || strings.Contains(log, "BLPOP") {
		t.Fatalf("a blocking command reached the AOF:\n%q", log)
	}
}

// waitRewrite polls INFO persistence until no rewrite is in progress.
func waitRewrite(t *testing.T, c *servertest.Conn) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(c.Do("INFO", "persistence"), "aof_rewrite_in_progress:0") {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not finish")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the tutorial's outputs are Redis's.
func TestTryItMatchesRedis(t *testing.T) { servertest.TryItRedis(t) }
