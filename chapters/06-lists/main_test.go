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

// TestAOFRecordsThePopNotTheWait: a client served after waiting in BLPOP
// reaches the AOF as the LPOP it amounts to, after the RPUSH that woke
// it; after a rewrite the list is one RPUSH; both load back.
func TestAOFRecordsThePopNotTheWait(t *testing.T) {
	dir := t.TempDir()
	bin := servertest.Build(t, ".")
	p := servertest.StartProcess(t, dir, bin, "--appendonly", "yes", "--appendfsync", "always")
	p.WaitReady(t, 20*time.Second)
	ctl := servertest.Dial(t, p.Addr)
	waiter := servertest.Dial(t, p.Addr)
	waiter.Send(string(servertest.Command("BLPOP", "jobs", "0")))
	servertest.WaitBlocked(t, ctl, 1)
	if got := ctl.Do("RPUSH", "jobs", "a", "b", "c"); got != ":3\r\n" {
		t.Fatalf("RPUSH = %q", got)
	}
	if got := waiter.ReadRaw(); got != "*2\r\n$4\r\njobs\r\n$1\r\na\r\n" {
		t.Fatalf("BLPOP = %q", got)
	}
	incr := readIncr(t, dir)
	push, pop := strings.Index(incr, "RPUSH"), strings.Index(incr, "LPOP")
	if push < 0 || pop < push || strings.Contains(incr, "BLPOP") {
		t.Fatalf("the AOF should hold RPUSH then LPOP, no BLPOP:\n%q", incr)
	}
	if got := ctl.Do("BGREWRITEAOF"); !strings.Contains(got, "rewriting started") {
		t.Fatalf("BGREWRITEAOF = %q", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(ctl.Do("INFO", "persistence"), "aof_rewrite_in_progress:0") {
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
	if got := servertest.Dial(t, p.Addr).Do("LRANGE", "jobs", "0", "-1"); got != "*2\r\n$1\r\nb\r\n$1\r\nc\r\n" {
		t.Fatalf("after the rewrite and a restart LRANGE = %q", got)
	}
}

// readIncr is the content of the AOF's incr files.
func readIncr(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no incr file in %s: %v", dir, err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
