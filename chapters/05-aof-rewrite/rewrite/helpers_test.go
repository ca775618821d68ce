package rewrite

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
)

const testDBs = 4

// node is a server in the test process: chapter 03's commands, chapter
// 04's AOF and the rewrite, on a free port, with the AOF in dir.
type node struct {
	srv  *server.Server
	ca   *cache.Cache
	rw   *Rewriter
	addr string
	done chan error
}

// build makes a server with its AOF in dir (loaded, not running yet).
// hook, if not nil, becomes the rewrite's AfterStep.
func build(t testing.TB, dir string, fsync aof.Policy, rcfg Config, hook func(Step) error) *node {
	t.Helper()
	log := logrus.New()
	log.SetOutput(io.Discard)
	s, err := server.New(server.Options{Listen: []string{"127.0.0.1:0"}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	dbs := make([]*keyspace.DB, testDBs)
	for i := range dbs {
		dbs[i] = keyspace.New()
	}
	ca := cache.Register(s, dbs...)
	if s.Commands.Lookup([]byte("select")) == nil {
		// Chapter 03 serves one database; the rewrite's SELECT handling
		// needs a client that can reach the others.
		s.Commands.Add(&server.Command{Name: "select", Arity: 2, Flags: server.Loading | server.Fast, Run: func(c *server.Client) {
			n, err := strconv.Atoi(string(c.Args[1]))
			if err != nil || n < 0 || n >= testDBs {
				c.Error("ERR DB index is out of range")
				return
			}
			c.DB = n
			c.OK()
		}})
	}
	cfg := persistence.Defaults()
	cfg.AppendOnly, cfg.Dir, cfg.AppendFsync = true, dir, fsync
	p, err := persistence.Setup(s, cfg)
	if err != nil {
		s.Loop.CloseAll()
		t.Fatalf("load %s: %v", dir, err)
	}
	rw := Setup(s, p, ca, rcfg)
	rw.AfterStep = hook
	return &node{srv: s, ca: ca, rw: rw}
}

// start builds a server and runs it; the test's cleanup stops it.
func start(t testing.TB, dir string, fsync aof.Policy, rcfg Config, hook func(Step) error) *node {
	t.Helper()
	n := build(t, dir, fsync, rcfg, hook)
	n.addr = n.srv.Addrs()[0]
	n.done = make(chan error, 1)
	go func() { n.done <- n.srv.Run() }()
	t.Cleanup(func() { n.stop(t) })
	return n
}

// stop shuts the server down cleanly and waits for Run to return; after
// that its databases may be read from the test goroutine.
func (n *node) stop(t testing.TB) {
	if n.done == nil {
		return
	}
	n.srv.Stop()
	select {
	case <-n.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not stop within 20 s")
	}
	n.srv.Loop.CloseAll()
	n.done = nil
}

// item is one key as the comparison sees it.
type item struct {
	val      string
	expireAt int64
}

// dump reads every key of every database. Only for a stopped server.
func dump(dbs []*keyspace.DB) map[string]item {
	all := map[string]item{}
	for i, db := range dbs {
		var cursor uint64
		for {
			cursor = db.Scan(cursor, 1000, func(e *keyspace.Entry) {
				v, _ := e.Bytes()
				all[fmt.Sprintf("%d/%s", i, e.Key)] = item{string(v), e.ExpireAt}
			})
			if cursor == 0 {
				break
			}
		}
	}
	return all
}

// loaded is the data a fresh server loads from dir, read before it runs
// (so nothing expires in between).
func loaded(t testing.TB, dir string) map[string]item {
	t.Helper()
	n := build(t, dir, aof.EverySec, Config{}, nil)
	defer n.srv.Loop.CloseAll()
	return dump(n.ca.DBs)
}

// diff describes how two states differ, "" when they are equal. A key
// whose time to live had passed when the server stopped counts as absent
// (the server may or may not have removed it yet).
func diff(want, got map[string]item) string {
	cutoff := time.Now().UnixMilli()
	for _, m := range []map[string]item{want, got} {
		for k, it := range m {
			if it.expireAt != 0 && it.expireAt < cutoff {
				delete(m, k)
			}
		}
	}
	var b strings.Builder
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			fmt.Fprintf(&b, "missing %s=%q\n", k, w.val)
		case g != w:
			fmt.Fprintf(&b, "%s: want %q@%d, got %q@%d\n", k, w.val, w.expireAt, g.val, g.expireAt)
		}
		if b.Len() > 2000 {
			return b.String()
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "extra %s=%q\n", k, g.val)
		}
		if b.Len() > 2000 {
			break
		}
	}
	return b.String()
}

// client is a minimal RESP client.
type client struct {
	conn net.Conn
	r    *resp.ReplyReader
	w    *bufio.Writer
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{conn: conn, r: resp.NewReplyReader(conn), w: bufio.NewWriter(conn)}
}

func (c *client) send(args ...string) { c.w.Write(servertest.Command(args...)) }

func (c *client) read() (resp.Value, error) {
	if err := c.w.Flush(); err != nil {
		return resp.Value{}, err
	}
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	return c.r.Read()
}

// do sends one command and returns the reply as text: the string, the
// integer, "(error) ..." or "(nil)".
func (c *client) do(t testing.TB, args ...string) string {
	t.Helper()
	c.send(args...)
	v, err := c.read()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return servertest.Text(v)
}

// pipeline sends many commands and checks that none failed.
func (c *client) pipeline(t testing.TB, cmds [][]string) {
	t.Helper()
	for _, cmd := range cmds {
		c.send(cmd...)
	}
	for _, cmd := range cmds {
		v, err := c.read()
		if err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
		if v.Kind == '-' {
			t.Fatalf("%v: %s", cmd, v.Str)
		}
	}
}

var infoLine = regexp.MustCompile(`(?m)^([a-z_]+):(.*)\r$`)

// info returns the fields of INFO persistence.
func (c *client) info(t testing.TB) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, f := range infoLine.FindAllStringSubmatch(c.do(t, "INFO", "persistence"), -1) {
		m[f[1]] = f[2]
	}
	return m
}

// waitRewrite polls INFO until no rewrite is running or scheduled and
// returns the fields then.
func (c *client) waitRewrite(t testing.TB) map[string]string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m := c.info(t)
		if m["aof_rewrite_in_progress"] == "0" && m["aof_rewrite_scheduled"] == "0" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("rewrite still running after 30 s: %v", m)
		}
		time.Sleep(5 * time.Millisecond) // poll interval, not a wait for a condition
	}
}

// populate writes n keys over the test databases: plain values, values
// with a time to live, counters.
func populate(t testing.TB, c *client, n int) {
	t.Helper()
	var cmds [][]string
	for db := 0; db < testDBs; db++ {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)})
		for i := db; i < n; i += testDBs {
			k := fmt.Sprintf("k:%d", i)
			switch (i / testDBs) % 4 {
			case 0:
				cmds = append(cmds, []string{"SET", k, fmt.Sprintf("value %d\r\n\x00", i)})
			case 1:
				cmds = append(cmds, []string{"SET", k, "ttl", "EX", strconv.Itoa(1000 + i)})
			case 2:
				cmds = append(cmds, []string{"INCRBY", k, strconv.Itoa(i)})
			case 3:
				cmds = append(cmds, []string{"APPEND", k, "a"}, []string{"APPEND", k, "b"})
			}
			if len(cmds) >= 1000 {
				c.pipeline(t, cmds)
				cmds = cmds[:0]
			}
		}
	}
	c.pipeline(t, cmds)
	c.do(t, "SELECT", "0")
}
