package main

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestKill9DuringRewrite kills the real binary with SIGKILL while it
// rewrites a dataset large enough to take many loop turns, at a different
// point each time, and checks that it restarts with every key and with
// every acknowledged INCR (appendfsync always) applied exactly once.
func TestKill9DuringRewrite(t *testing.T) {
	bin := servertest.Build(t, ".")
	const keys = 100000
	for _, after := range []int{0, 10, 100} {
		t.Run(fmt.Sprintf("after-%d-incr", after), func(t *testing.T) {
			dir := t.TempDir()
			p := run(t, bin, dir)
			c := dial(t, p.Addr)
			for i := 0; i < keys; i += 1000 {
				for j := i; j < i+1000; j++ {
					c.send("SET", "key:"+strconv.Itoa(j), "value-"+strconv.Itoa(j))
				}
				for j := i; j < i+1000; j++ {
					if v := c.read(t); string(v.Str) != "OK" {
						t.Fatalf("SET: %+v", v)
					}
				}
			}
			if got := c.do(t, "BGREWRITEAOF"); got != "Background append only file rewriting started" {
				t.Fatalf("BGREWRITEAOF: %q", got)
			}
			acked := 0
			for ; acked < after; acked++ {
				c.do(t, "INCR", "counter")
			}
			c.send("INCR", "counter") // in flight when the process dies
			c.w.Flush()
			p.Kill()

			p = run(t, bin, dir)
			c = dial(t, p.Addr)
			n, _ := strconv.Atoi(c.do(t, "GET", "counter"))
			if n < acked || n > acked+1 {
				t.Fatalf("counter = %d after %d acknowledged INCR", n, acked)
			}
			if got := c.do(t, "DBSIZE"); got != strconv.Itoa(keys+min(n, 1)) {
				t.Fatalf("DBSIZE = %s, want %d", got, keys+min(n, 1))
			}
			for i := 0; i < keys; i += 1000 {
				args := []string{"MGET"}
				for j := i; j < i+1000; j++ {
					args = append(args, "key:"+strconv.Itoa(j))
				}
				c.send(args...)
				v := c.read(t)
				for j, e := range v.Elems {
					if want := "value-" + strconv.Itoa(i+j); string(e.Str) != want {
						t.Fatalf("key:%d = %q, want %q", i+j, e.Str, want)
					}
				}
			}
			p.Kill()
		})
	}
}

// TestMain removes the binary TestKill9DuringRewrite builds.
func TestMain(m *testing.M) { servertest.Main(m) }

// run starts the binary on dir and waits until it answers PING, which
// also means the AOF is loaded.
func run(t *testing.T, bin, dir string) *servertest.Process {
	t.Helper()
	p := servertest.StartProcess(t, dir, bin, "--dir", dir, "--appendonly", "yes", "--appendfsync", "always")
	p.WaitReady(t, 60*time.Second)
	return p
}

type client struct {
	conn net.Conn
	r    *resp.ReplyReader
	w    *bufio.Writer
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{conn: conn, r: resp.NewReplyReader(conn), w: bufio.NewWriter(conn)}
}

func (c *client) send(args ...string) { c.w.Write(servertest.Command(args...)) }

func (c *client) read(t *testing.T) resp.Value {
	t.Helper()
	c.w.Flush()
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	v, err := c.r.Read()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *client) do(t *testing.T, args ...string) string {
	t.Helper()
	c.send(args...)
	return strings.TrimSpace(servertest.Text(c.read(t)))
}

// TestKeyThatExpiredWhileDownIsGone: chapter 05 loads the AOF the way
// chapter 04 does, in the loading state.
func TestKeyThatExpiredWhileDownIsGone(t *testing.T) {
	bin, dir := servertest.Build(t, "."), t.TempDir()
	servertest.ExpiresWhileDown(t, func() *servertest.Process { return run(t, bin, dir) })
}
