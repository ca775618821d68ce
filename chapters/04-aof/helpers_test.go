package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMain removes the chapter's server binary that the crash tests
// build (servertest.Build): they need a real process to kill.
func TestMain(m *testing.M) { servertest.Main(m) }

// stopWithin is how long a clean shutdown may take.
const stopWithin = 20 * time.Second

// spawn runs the chapter's binary in dir without waiting for it.
func spawn(t testing.TB, dir string, args ...string) *servertest.Process {
	t.Helper()
	return servertest.StartProcess(t, dir, servertest.Build(t, "."), args...)
}

// startGocache runs the chapter's binary with --appendonly yes in dir and
// waits until it answers PING (which, since the AOF loads before clients
// are served, also means the load is over).
func startGocache(t testing.TB, dir string, args ...string) *servertest.Process {
	t.Helper()
	p := spawn(t, dir, append([]string{"--appendonly", "yes", "--dir", dir}, args...)...)
	p.WaitReady(t, 60*time.Second)
	return p
}

// client is a minimal RESP client that reports errors instead of failing
// the test: in the crash tests the server dies under it on purpose.
type client struct {
	conn net.Conn
	rd   *resp.ReplyReader
}

func dial(addr string) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &client{conn: conn, rd: resp.NewReplyReader(conn)}, nil
}

func mustDial(t testing.TB, addr string) *client {
	t.Helper()
	c, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.conn.Close() })
	return c
}

func (c *client) do(args ...string) (resp.Value, error) {
	c.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write(servertest.Command(args...)); err != nil {
		return resp.Value{}, err
	}
	return c.rd.Read()
}

// str runs a command that must succeed and returns its reply as text:
// the string, the integer, "(nil)", or "(error) ...".
func (c *client) str(t testing.TB, args ...string) string {
	t.Helper()
	v, err := c.do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return servertest.Text(v)
}

// keyState is what a key looks like from outside: its value and its
// absolute expiry in ms (0: none).
type keyState struct {
	val      string
	expireAt int64
}

// snapshot reads keys from db: value and absolute expire time, computed
// from PTTL so it works on any server.
func snapshot(t testing.TB, c *client, db int, keys []string) map[string]keyState {
	t.Helper()
	if got := c.str(t, "SELECT", strconv.Itoa(db)); got != "OK" {
		t.Fatalf("SELECT %d: %s", db, got)
	}
	out := map[string]keyState{}
	for _, k := range keys {
		v := c.str(t, "GET", k)
		if v == "(nil)" {
			continue
		}
		ks := keyState{val: v}
		pttl, _ := strconv.ParseInt(c.str(t, "PTTL", k), 10, 64)
		if pttl >= 0 {
			ks.expireAt = time.Now().UnixMilli() + pttl
		}
		out[k] = ks
	}
	return out
}

// sameState compares snapshots; expiry times may differ by the time
// between the two PTTL calls.
func sameState(a, b map[string]keyState, slack time.Duration) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d keys before, %d after: %q / %q", len(a), len(b), fmt.Sprint(a), fmt.Sprint(b))
	}
	for k, va := range a {
		vb, ok := b[k]
		switch {
		case !ok:
			return fmt.Sprintf("key %q lost", k)
		case va.val != vb.val:
			return fmt.Sprintf("key %q: %q before, %q after", k, va.val, vb.val)
		case (va.expireAt == 0) != (vb.expireAt == 0):
			return fmt.Sprintf("key %q: expire %d before, %d after", k, va.expireAt, vb.expireAt)
		case abs(va.expireAt-vb.expireAt) > slack.Milliseconds():
			return fmt.Sprintf("key %q: expire %d before, %d after", k, va.expireAt, vb.expireAt)
		}
	}
	return ""
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func aofFile(t testing.TB, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "appendonlydir", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func needRedis(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not installed: skipping the interoperability check with real Redis (apt-get install redis-server redis-tools)", tool)
	}
	return p
}

// startRedis runs redis-server 7 with an AOF in dir, the way gocache
// writes it (no RDB preamble, no snapshots).
func startRedis(t testing.TB, dir string, args ...string) *servertest.Process {
	t.Helper()
	bin := needRedis(t, "redis-server")
	p := servertest.StartProcess(t, dir, bin, append([]string{"--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--aof-use-rdb-preamble", "no"}, args...)...)
	p.WaitReady(t, 30*time.Second)
	return p
}

func keysN(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = prefix + strconv.Itoa(i)
	}
	return keys
}
