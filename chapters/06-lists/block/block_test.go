package block_test

import (
	"context"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

func TestTimeoutRepliesNullAfterTheTimeout(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		proto int
		want  string
	}{{2, "*-1\r\n"}, {3, "_\r\n"}} {
		c := servertest.Dial(t, f.Addr)
		if tc.proto == 3 {
			c.Do("HELLO", "3")
		}
		began := time.Now()
		got := c.Do("BLPOP", "nokey", "0.3")
		took := time.Since(began)
		if got != tc.want {
			t.Errorf("RESP%d: BLPOP timed out with %q, want %q", tc.proto, got, tc.want)
		}
		if took < 300*time.Millisecond || took >= 2300*time.Millisecond {
			t.Errorf("RESP%d: BLPOP with timeout 0.3 returned after %v", tc.proto, took)
		}
	}
}

func TestPushWakesTheFirstBlockedClient(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	first, second := servertest.Dial(t, f.Addr), servertest.Dial(t, f.Addr)
	first.Send(string(servertest.Command("BLPOP", "k", "0")))
	servertest.WaitBlocked(t, ctl, 1)
	second.Send(string(servertest.Command("BLPOP", "k", "0")))
	servertest.WaitBlocked(t, ctl, 2)
	if got := ctl.Do("LPUSH", "k", "a"); got != ":1\r\n" {
		t.Fatalf("LPUSH = %q", got)
	}
	if got := first.ReadRaw(); got != "*2\r\n$1\r\nk\r\n$1\r\na\r\n" {
		t.Fatalf("first client got %q", got)
	}
	servertest.WaitBlocked(t, ctl, 1)
	if got := ctl.Do("EXISTS", "k"); got != ":0\r\n" {
		t.Fatalf("the served list should be gone: EXISTS = %q", got)
	}
	ctl.Do("RPUSH", "k", "b")
	if got := second.ReadRaw(); got != "*2\r\n$1\r\nk\r\n$1\r\nb\r\n" {
		t.Fatalf("second client got %q", got)
	}
	servertest.WaitBlocked(t, ctl, 0)
}

func TestFIFOAcrossThreeClients(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	var cs []*servertest.Conn
	for i := 0; i < 3; i++ {
		c := servertest.Dial(t, f.Addr)
		c.Send(string(servertest.Command("BLPOP", "k", "0")))
		servertest.WaitBlocked(t, ctl, i+1)
		cs = append(cs, c)
	}
	ctl.Do("RPUSH", "k", "a", "b", "c")
	for i, want := range []string{"a", "b", "c"} {
		if got := cs[i].ReadRaw(); got != "*2\r\n$1\r\nk\r\n$1\r\n"+want+"\r\n" {
			t.Errorf("client %d got %q, want element %s", i, got, want)
		}
	}
	f.Propagated()
}

func TestPropagatesTheNonBlockingForm(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	c := servertest.Dial(t, f.Addr)
	// At once.
	for _, cmd := range [][]string{
		{"RPUSH", "l", "a", "b", "c", "d", "e"},
		{"BLPOP", "l", "0"},
		{"BRPOP", "l", "0"},
		{"BLMOVE", "l", "m", "left", "Right", "0"},
		{"BRPOPLPUSH", "m", "n", "0"},
		{"BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "9"},
		{"ZADD", "z", "1", "a", "2", "b", "3", "c"},
		{"BZPOPMIN", "z", "0"},
		{"BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"},
	} {
		c.Do(cmd...)
	}
	want := []string{
		"RPUSH l a b c d e", "LPOP l", "RPOP l", "LMOVE l m left Right", "RPOPLPUSH m n",
		"RPOP l 2", "ZADD z 1 a 2 b 3 c", "ZPOPMIN z", "ZPOPMAX z 2",
	}
	if got := f.Propagated(); !slices.Equal(withoutSelect(got), want) {
		t.Errorf("immediate forms propagated\n %q\nwant\n %q", got, want)
	}
	// Served.
	for i, cmd := range [][]string{
		{"BLMOVE", "a", "b", "LEFT", "RIGHT", "0"},
		{"BLPOP", "b", "0"},
		{"BZPOPMAX", "y", "0"},
		{"BLMPOP", "0", "1", "q", "LEFT", "COUNT", "2"},
	} {
		servertest.Dial(t, f.Addr).Send(string(servertest.Command(cmd...)))
		servertest.WaitBlocked(t, ctl, i+1)
	}
	ctl.Do("RPUSH", "a", "x")
	ctl.Do("ZADD", "y", "5", "e")
	ctl.Do("RPUSH", "q", "1", "2", "3")
	servertest.WaitBlocked(t, ctl, 0)
	want = []string{
		"RPUSH a x", "LMOVE a b LEFT RIGHT", "LPOP b",
		"ZADD y 5 e", "ZPOPMAX y",
		"RPUSH q 1 2 3", "LPOP q 2",
	}
	if got := f.Propagated(); !slices.Equal(withoutSelect(got), want) {
		t.Errorf("served forms propagated\n %q\nwant\n %q", got, want)
	}
}

func withoutSelect(p []string) []string {
	return slices.DeleteFunc(slices.Clone(p), func(s string) bool { return strings.HasPrefix(s, "SELECT") })
}

// TestInsideMulti: a blocking command in a transaction does not block,
// and a push in a transaction serves the waiting client after EXEC, whose
// pop reaches the AOF after the transaction.
func TestInsideMulti(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	c := servertest.Dial(t, f.Addr)
	c.Do("MULTI")
	c.Do("BLPOP", "k", "0")
	c.Do("BLMOVE", "k", "d", "LEFT", "LEFT", "0")
	c.Do("BZPOPMIN", "k", "0")
	if got := c.Do("EXEC"); got != "*3\r\n*-1\r\n$-1\r\n*-1\r\n" {
		t.Fatalf("EXEC of blocking commands on nothing = %q", got)
	}
	w := servertest.Dial(t, f.Addr)
	w.Send(string(servertest.Command("BLPOP", "k", "0")))
	servertest.WaitBlocked(t, ctl, 1)
	f.Propagated()
	c.Do("MULTI")
	c.Do("RPUSH", "k", "a")
	c.Do("SET", "s", "1")
	c.Do("LLEN", "k")
	if got := c.Do("EXEC"); got != "*3\r\n:1\r\n+OK\r\n:1\r\n" {
		t.Fatalf("EXEC = %q: the waiting client was served inside the transaction", got)
	}
	if got := w.ReadRaw(); got != "*2\r\n$1\r\nk\r\n$1\r\na\r\n" {
		t.Fatalf("waiting client got %q", got)
	}
	want := []string{"MULTI", "RPUSH k a", "SET s 1", "EXEC", "LPOP k"}
	if got := withoutSelect(f.Propagated()); !slices.Equal(got, want) {
		t.Fatalf("propagated %q, want %q", got, want)
	}
}

// TestDisconnectWhileBlocked: a client that goes away stops waiting, and
// a later push is not handed to it.
func TestDisconnectWhileBlocked(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	c, err := net.Dial("tcp", f.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write(servertest.Command("BLPOP", "k", "0"))
	servertest.WaitBlocked(t, ctl, 1)
	c.Close()
	servertest.WaitBlocked(t, ctl, 0)
	ctl.Do("RPUSH", "k", "a")
	if got := ctl.Do("LLEN", "k"); got != ":1\r\n" {
		t.Fatalf("LLEN after the waiting client left = %q, want :1", got)
	}
}

// TestBlockedClientsNeedNoGoroutines: waiting is a queue entry and a
// timer of the event loop, not a goroutine.
func TestBlockedClientsNeedNoGoroutines(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	ctl.Do("PING")
	before := runtime.NumGoroutine()
	const n = 100
	conns := make([]*servertest.Conn, n)
	for i := range conns {
		conns[i] = servertest.Dial(t, f.Addr)
		conns[i].Send(string(servertest.Command("BLPOP", "k", "2")))
	}
	servertest.WaitBlocked(t, ctl, n)
	if after := runtime.NumGoroutine(); after > before+5 {
		t.Fatalf("%d blocked clients: goroutines went from %d to %d", n, before, after)
	}
	for i, c := range conns {
		if got := c.ReadRaw(); got != "*-1\r\n" {
			t.Fatalf("client %d: %q, want the timeout's null array", i, got)
		}
	}
	servertest.WaitBlocked(t, ctl, 0)
}

func TestGoRedisBLPop(t *testing.T) {
	f := start(t)
	rdb := redis.NewClient(&redis.Options{Addr: f.Addr, Protocol: 3})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		v   []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := rdb.BLPop(ctx, 5*time.Second, "q1", "q2").Result()
		done <- result{v, err}
	}()
	ctl := servertest.Dial(t, f.Addr)
	servertest.WaitBlocked(t, ctl, 1)
	ctl.Do("RPUSH", "q2", "job")
	r := <-done
	if r.err != nil || !slices.Equal(r.v, []string{"q2", "job"}) {
		t.Fatalf("BLPop = %q, %v", r.v, r.err)
	}
	_, err := rdb.BLPop(ctx, time.Second, "q1").Result()
	if err != redis.Nil {
		t.Fatalf("BLPop that timed out: err = %v, want redis.Nil", err)
	}
}

// TestUnblock is the function CLIENT UNBLOCK calls.
func TestUnblock(t *testing.T) {
	f := start(t)
	ctl := servertest.Dial(t, f.Addr)
	for _, tc := range []struct {
		withError bool
		want      string
	}{{false, "*-1\r\n"}, {true, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"}} {
		c := servertest.Dial(t, f.Addr)
		c.Send(string(servertest.Command("BZPOPMIN", "z", "0")))
		servertest.WaitBlocked(t, ctl, 1)
		done := make(chan [2]bool, 1)
		f.Srv.Loop.Post(func() {
			var r [2]bool
			for _, cl := range f.Srv.Clients() {
				if cl.Blocked() {
					r[0] = f.Block.Unblock(cl, tc.withError)
				} else if !r[1] {
					r[1] = f.Block.Unblock(cl, tc.withError)
				}
			}
			done <- r
		})
		if r := <-done; !r[0] || r[1] {
			t.Fatalf("Unblock reported %v for the blocked client and %v for the others", r[0], r[1])
		}
		if got := c.ReadRaw(); got != tc.want {
			t.Fatalf("unblocked client got %q, want %q", got, tc.want)
		}
		if got := c.Do("PING"); got != "+PONG\r\n" {
			t.Fatalf("unblocked client then PING = %q", got)
		}
	}
}

// TestSwapDB: SWAPDB brings a list into the database a client waits in.
func TestSwapDB(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		lc := list.Register(s, ca)
		keys := db.Register(s, ca)
		_ = keys
		block.Register(s, ca, lc)
	})
	ctl := servertest.Dial(t, servertest.Addr(s))
	c := servertest.Dial(t, servertest.Addr(s))
	c.Send(string(servertest.Command("BLPOP", "k", "0")))
	servertest.WaitBlocked(t, ctl, 1)
	ctl.Do("SELECT", "1")
	ctl.Do("RPUSH", "k", "from1")
	ctl.Do("SWAPDB", "0", "1")
	if got := c.ReadRaw(); got != "*2\r\n$1\r\nk\r\n$5\r\nfrom1\r\n" {
		t.Fatalf("after SWAPDB the waiting client got %q", got)
	}
}
