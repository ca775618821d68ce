package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

// The tests here check the order of the command path (chapter 02's
// server/path.go) rule by rule, as Redis 7.0's processCommand has them.
// Each runs the same commands against the final server and, when it is
// installed, against redis-server, and wants the same bytes from both.

// target is one server under test: its address and data directory.
type target struct {
	name string
	addr string
	dir  string
}

// targets starts gocache and, if installed, redis-server with the same
// options (plus Redis's no-RDB defaults from servertest).
func targets(t *testing.T, args ...string) []target {
	t.Helper()
	gdir := t.TempDir()
	g := startProc(t, append(args, "--dir", gdir)...)
	list := []target{{name: "gocache", addr: g.Addr, dir: gdir}}
	if servertest.RedisPath() == "" {
		t.Log("redis-server not installed: checking gocache against the expected bytes only")
		return list
	}
	rdir := t.TempDir()
	addr := servertest.StartRedis(t, append(args, "--dir", rdir)...)
	return append(list, target{name: "redis", addr: addr, dir: rdir})
}

// sameReplies sends cmds in order on one connection to gocache and, when
// it is installed, to redis-server, logs "command -> reply" for each
// (the reply passed through fix, when not nil, to hide what may differ:
// times, addresses, versions), fails t when the two logs differ, and
// returns gocache's log.
func sameReplies(t *testing.T, cmds [][]string, fix func(cmd []string, reply string) string) string {
	t.Helper()
	var logs []string
	for _, tg := range targets(t) {
		c := servertest.Dial(t, tg.addr)
		var b strings.Builder
		for _, cmd := range cmds {
			reply := c.Do(cmd...)
			if fix != nil {
				reply = fix(cmd, reply)
			}
			b.WriteString(strings.Join(cmd, " ") + " -> " + reply + "\n")
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
	return logs[0]
}

// step is one command and the exact reply Redis 7.0 gives.
type step struct {
	cmd  []string
	want string
}

func expect(t *testing.T, tg target, c *servertest.Conn, steps []step) {
	t.Helper()
	for _, st := range steps {
		if got := c.Do(st.cmd...); got != st.want {
			t.Errorf("%s: %q = %q, want %q", tg.name, st.cmd, got, st.want)
		}
	}
}

const (
	errExecAbort = "-EXECABORT Transaction discarded because of previous errors.\r\n"
	errMisconf   = "-MISCONF Errors writing to the AOF file: No space left on device\r\n"
	errOOM       = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
)

// TestPathNoAuthComesAfterLookupAndArity: an unknown command and a wrong
// number of arguments are refused as such even before AUTH; everything
// else is NOAUTH, and a refused EXEC says so in its EXECABORT.
func TestPathNoAuthComesAfterLookupAndArity(t *testing.T) {
	for _, tg := range targets(t, "--requirepass", "pw") {
		expect(t, tg, servertest.Dial(t, tg.addr), []step{
			{[]string{"NOSUCH", "x"}, "-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"},
			{[]string{"GET"}, "-ERR wrong number of arguments for 'get' command\r\n"},
			{[]string{"GET", "k"}, "-NOAUTH Authentication required.\r\n"},
			{[]string{"SHUTDOWN"}, "-NOAUTH Authentication required.\r\n"},
			{[]string{"EXEC"}, "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n"},
			{[]string{"AUTH", "pw"}, "+OK\r\n"},
			{[]string{"GET", "k"}, "$-1\r\n"},
		})
	}
}

// TestPathNoMultiInsideMulti: a command that cannot be queued is refused
// inside MULTI and dooms the transaction.
func TestPathNoMultiInsideMulti(t *testing.T) {
	for _, tg := range targets(t) {
		expect(t, tg, servertest.Dial(t, tg.addr), []step{
			{[]string{"MULTI"}, "+OK\r\n"},
			{[]string{"SHUTDOWN"}, "-ERR Command not allowed inside a transaction\r\n"},
			{[]string{"SET", "a", "1"}, "+QUEUED\r\n"},
			{[]string{"EXEC"}, errExecAbort},
			{[]string{"GET", "a"}, "$-1\r\n"},
			{[]string{"EXEC", "x"}, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"},
		})
	}
}

// TestPathOOMInsideMulti: out of memory, a command that may grow memory
// is refused and a read runs; inside MULTI every command but EXEC,
// DISCARD, QUIT and RESET is refused, since queuing takes memory too.
func TestPathOOMInsideMulti(t *testing.T) {
	for _, tg := range targets(t) {
		c := servertest.Dial(t, tg.addr)
		expect(t, tg, c, []step{
			{[]string{"SET", "k", "v"}, "+OK\r\n"},
			{[]string{"CONFIG", "SET", "maxmemory", "1"}, "+OK\r\n"},
			{[]string{"SET", "k", "w"}, errOOM},
			{[]string{"GET", "k"}, "$1\r\nv\r\n"},
			{[]string{"MULTI"}, "+OK\r\n"},
			{[]string{"GET", "k"}, errOOM},
			{[]string{"DISCARD"}, "+OK\r\n"},
			{[]string{"MULTI"}, "+OK\r\n"},
			{[]string{"PING"}, errOOM},
			{[]string{"EXEC"}, errExecAbort},
			{[]string{"CONFIG", "SET", "maxmemory", "0"}, "+OK\r\n"},
		})
	}
}

// TestPathMisconfComesBeforeThePubSubContext: while the AOF cannot be
// written, a RESP2 subscriber's write gets -MISCONF, as in Redis, which
// checks the disk before the pub/sub context; its read gets the pub/sub
// error; a write queued in MULTI is refused and dooms the transaction.
// gocache runs in the test process with a file system that fails on
// demand; Redis's disk is made to fail by failDisk.
func TestPathMisconfComesBeforeThePubSubContext(t *testing.T) {
	fsys := aof.NewFaultFS(nil)
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		multi.Register(s, ca)
		pubsub.Register(s)
		cfg := persistence.Defaults()
		cfg.AppendOnly, cfg.Dir, cfg.FS = true, t.TempDir(), fsys
		if _, err := persistence.Setup(s, cfg); err != nil {
			t.Fatal(err)
		}
	})
	list := []target{{name: "gocache", addr: servertest.Addr(s)}}
	if servertest.RedisPath() != "" {
		dir := t.TempDir()
		list = append(list, target{name: "redis", dir: dir,
			addr: servertest.StartRedis(t, "--appendonly", "yes", "--dir", dir)})
	}
	for _, tg := range list {
		if tg.name == "gocache" {
			fsys.FailWrites(syscall.ENOSPC, true)
			waitMisconf(t, tg)
		} else {
			failDisk(t, tg)
		}
		sub := servertest.Dial(t, tg.addr)
		expect(t, tg, sub, []step{
			{[]string{"SUBSCRIBE", "ch"}, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"},
			{[]string{"SET", "a", "b"}, errMisconf},
			{[]string{"PING"}, errMisconf},
			{[]string{"GET", "a"}, "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"},
		})
		expect(t, tg, servertest.Dial(t, tg.addr), []step{
			{[]string{"GET", "a"}, "$-1\r\n"},
			{[]string{"MULTI"}, "+OK\r\n"},
			{[]string{"SET", "a", "b"}, errMisconf},
			{[]string{"GET", "a"}, "+QUEUED\r\n"},
			{[]string{"EXEC"}, errExecAbort},
		})
	}
	if !t.Failed() {
		fsys.FailWrites(nil, false) // let the server stop cleanly
	}
}

// failDisk makes the AOF of tg fail the way a full disk does, in gocache
// and in Redis alike: the next incr file is made a link to /dev/full, a
// rewrite opens it, and the next write fails with ENOSPC. It returns once
// PING answers -MISCONF.
func failDisk(t *testing.T, tg target) {
	t.Helper()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to make the AOF fail")
	}
	dir := filepath.Join(tg.dir, "appendonlydir")
	manifest, err := os.ReadFile(filepath.Join(dir, "appendonly.aof.manifest"))
	if err != nil {
		t.Fatalf("%s: %v", tg.name, err)
	}
	m := regexp.MustCompile(`seq (\d+) type i`).FindSubmatch(manifest)
	if m == nil {
		t.Fatalf("%s: no incr file in the manifest:\n%s", tg.name, manifest)
	}
	seq, _ := strconv.Atoi(string(m[1]))
	next := filepath.Join(dir, fmt.Sprintf("appendonly.aof.%d.incr.aof", seq+1))
	if err := os.Symlink("/dev/full", next); err != nil {
		t.Fatal(err)
	}
	c := servertest.Dial(t, tg.addr)
	if got := c.Do("BGREWRITEAOF"); !strings.HasPrefix(got, "+Background append only file rewriting") {
		t.Fatalf("%s: BGREWRITEAOF = %q", tg.name, got)
	}
	waitMisconf(t, tg)
}

// waitMisconf writes until the failing disk shows: PING answers -MISCONF.
func waitMisconf(t *testing.T, tg target) {
	t.Helper()
	c := servertest.Dial(t, tg.addr)
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		if c.Do("PING") == errMisconf {
			return
		}
		// A write once the failing file is in use is what fails.
		if info := c.Do("INFO", "persistence"); strings.Contains(info, "aof_rewrite_in_progress:0") &&
			strings.Contains(info, "aof_rewrite_scheduled:0") {
			c.Do("SET", "probe", strconv.Itoa(i))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the AOF never failed", tg.name)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// TestPathPauseComesAfterTheChecks: during CLIENT PAUSE WRITE a read
// runs, a refused command is refused at once, and a write waits for the
// end of the pause (the client shows as blocked meanwhile), then runs.
func TestPathPauseComesAfterTheChecks(t *testing.T) {
	for _, tg := range targets(t) {
		ctl, c := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		expect(t, tg, ctl, []step{{[]string{"CLIENT", "PAUSE", "100000", "WRITE"}, "+OK\r\n"}})
		expect(t, tg, c, []step{
			{[]string{"GET", "k"}, "$-1\r\n"},
			{[]string{"NOSUCH"}, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
			{[]string{"SET", "k"}, "-ERR wrong number of arguments for 'set' command\r\n"},
		})
		c.Send(string(servertest.Command("SET", "k", "v")))
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(ctl.Do("INFO", "clients"), "blocked_clients:1\r\n") {
			if time.Now().After(deadline) {
				t.Fatalf("%s: SET during CLIENT PAUSE WRITE was not postponed", tg.name)
			}
			time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
		}
		expect(t, tg, ctl, []step{{[]string{"CLIENT", "UNPAUSE"}, "+OK\r\n"}})
		if got := c.ReadRaw(); got != "+OK\r\n" {
			t.Errorf("%s: postponed SET = %q after the pause, want +OK", tg.name, got)
		}
		expect(t, tg, ctl, []step{{[]string{"GET", "k"}, "$1\r\nv\r\n"}})
	}
}
