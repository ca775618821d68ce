package main

import (
	"os"
	"path/filepath"
	"regexp"
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

// jobs builds a stream with two consumer groups on c: entries read by
// two consumers, one acknowledged, one claimed by the other consumer; an
// old entry trimmed away and one not yet delivered deleted.
func jobs(c *servertest.Conn) {
	for _, cmd := range [][]string{
		{"XADD", "jobs", "1-1", "task", "resize", "img", "a.png"},
		{"XADD", "jobs", "1-2", "task", "resize", "img", "b.png"},
		{"XADD", "jobs", "2-0", "task", "thumb", "img", "c.png"},
		{"XADD", "jobs", "3-0", "task", "thumb", "img", "d.png", "size", "64"},
		{"XADD", "jobs", "MAXLEN", "4", "4-0", "task", "email", "to", "ann"},
		{"XGROUP", "CREATE", "jobs", "workers", "0"},
		{"XREADGROUP", "GROUP", "workers", "alice", "COUNT", "2", "STREAMS", "jobs", ">"},
		{"XREADGROUP", "GROUP", "workers", "bob", "COUNT", "1", "STREAMS", "jobs", ">"},
		{"XACK", "jobs", "workers", "1-2"},
		{"XCLAIM", "jobs", "workers", "bob", "0", "2-0"},
		{"XDEL", "jobs", "4-0"},
		{"XGROUP", "CREATE", "jobs", "audit", "$"},
	} {
		c.Do(cmd...)
	}
}

// state is what the stream holds, in replies that do not depend on the
// time: its entries, its groups and their pending entries.
func state(c *servertest.Conn) string {
	var b strings.Builder
	for _, cmd := range [][]string{
		{"XLEN", "jobs"}, {"XRANGE", "jobs", "-", "+"},
		{"XINFO", "GROUPS", "jobs"}, {"XPENDING", "jobs", "workers"},
	} {
		b.WriteString(strings.Join(cmd, " ") + " -> " + c.Do(cmd...) + "\n")
	}
	return b.String()
}

// TestStreamsSurviveRestart writes a stream with a consumer group, stops
// the server and starts it again on the same directory, for each way
// chapter 12's server keeps data: the AOF as it was appended, the AOF
// after a rewrite with an RDB base and with a base of commands, and
// dump.rdb without an AOF. The stream, its groups and their pending
// entries come back the same.
func TestStreamsSurviveRestart(t *testing.T) {
	bin := servertest.Build(t, ".")
	for _, tc := range []struct {
		name    string
		args    []string
		persist []string // the command that writes the data down before the stop
	}{
		{"aof", []string{"--appendonly", "yes", "--save", ""}, nil},
		{"aof-rewrite-rdb-base", []string{"--appendonly", "yes", "--save", ""}, []string{"BGREWRITEAOF"}},
		{"aof-rewrite-command-base", []string{"--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", "no"}, []string{"BGREWRITEAOF"}},
		{"dump.rdb", []string{"--appendonly", "no", "--save", ""}, []string{"SAVE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			start := func() (*servertest.Process, *servertest.Conn) {
				p := servertest.StartProcess(t, "", bin, append([]string{"--dir", dir}, tc.args...)...)
				p.WaitReady(t, 20*time.Second)
				return p, servertest.Dial(t, p.Addr)
			}
			p, c := start()
			jobs(c)
			before := state(c)
			if tc.persist != nil {
				c.Do(tc.persist...)
				waitRewrite(t, c)
			}
			if code := p.Stop(t, 20*time.Second); code != 0 {
				t.Fatalf("exit status %d:\n%s", code, p.Log)
			}
			if tc.name == "dump.rdb" {
				if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err != nil {
					t.Fatal(err)
				}
			}
			_, c = start()
			after := state(c)
			if tc.name == "aof" {
				// The AOF as appended holds XCLAIMs, not the groups'
				// read counters: after it is replayed, Redis 7.0 too
				// reports entries-read and lag as unknown (nil).
				before, after = counters.ReplaceAllString(before, "$1 ?"), counters.ReplaceAllString(after, "$1 ?")
			}
			if after != before {
				t.Errorf("after restart:\n%s\nbefore:\n%s", after, before)
			}
			if !strings.Contains(before, "bob") || !strings.Contains(before, "consumers\r\n:2") {
				t.Fatalf("the stream was not built: %s", before)
			}
		})
	}
}

// counters are the entries-read and lag of XINFO GROUPS, with the reply
// that follows each.
var counters = regexp.MustCompile(`(entries-read|lag)\r\n[^\r]*`)

// waitRewrite polls INFO persistence until no rewrite is running.
func waitRewrite(t *testing.T, c *servertest.Conn) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Contains(c.Do("INFO", "persistence"), "aof_rewrite_in_progress:1") {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not finish within 20s")
		}
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
	}
}
