package block_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/final/block"
	"github.com/gocache/gocache/final/db"
	"github.com/gocache/gocache/final/list"
	"github.com/gocache/gocache/final/stream"
	"github.com/gocache/gocache/final/zset"
)

// fixture is a server with the keyspace, lists, sorted sets,
// transactions and the blocking commands, and a record of what it
// propagates.
type fixture struct {
	srv   *server.Server
	addr  string
	block *block.Block

	mu   sync.Mutex
	prop []string // "db: ARGS ..." in order
}

func start(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	f.srv = servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		lc := list.Register(s, ca)
		zset.Register(s, ca)
		multi.Register(s, ca)
		f.block = block.Register(s, ca, lc)
		f.block.Streams(stream.Register(s, ca))
		db.Register(s, ca) // SWAPDB
		s.Follow(f)
	})
	f.addr = servertest.Addr(f.srv)
	return f
}

// propagated returns what was propagated so far and forgets it.
func (f *fixture) propagated() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.prop
	f.prop = nil
	return p
}

// waitBlocked polls INFO clients until blocked_clients is n.
func waitBlocked(t *testing.T, c *servertest.Conn, n int) {
	t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r\n"
	deadline := time.Now().Add(10 * time.Second)
	for {
		info := c.Do("INFO", "clients")
		if strings.Contains(info, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked_clients never became %d: %q", n, info)
		}
		time.Sleep(2 * time.Millisecond) // polling interval, not a wait for a condition
	}
}

// session plays a script over several connections to one server and
// records every reply, so that the same script can run against gocache
// and redis-server and the transcripts be compared byte for byte.
type session struct {
	t     *testing.T
	addr  string
	conns map[int]*servertest.Conn
	ctl   *servertest.Conn
	out   []string
}

func newSession(t *testing.T, addr string) *session {
	s := &session{t: t, addr: addr, conns: map[int]*servertest.Conn{}, ctl: servertest.Dial(t, addr)}
	s.ctl.Do("FLUSHALL")
	return s
}

func (s *session) conn(i int) *servertest.Conn {
	if s.conns[i] == nil {
		s.conns[i] = servertest.Dial(s.t, s.addr)
	}
	return s.conns[i]
}

// do sends a command on connection i and records its reply.
func (s *session) do(i int, args ...string) string {
	s.t.Helper()
	r := s.conn(i).Do(args...)
	s.out = append(s.out, strings.Join(args, " ")+" -> "+r)
	return r
}

// block sends a blocking command on connection i and waits until the
// server counts n blocked clients.
func (s *session) block(i, n int, args ...string) {
	s.t.Helper()
	s.conn(i).Send(string(servertest.Command(args...)))
	waitBlocked(s.t, s.ctl, n)
}

// read records the next reply on connection i.
func (s *session) read(i int) string {
	s.t.Helper()
	r := s.conn(i).ReadRaw()
	s.out = append(s.out, "client "+strconv.Itoa(i)+" <- "+r)
	return r
}

// sameAsRedis runs script against gocache and a real redis-server and
// fails on any difference.
func sameAsRedis(t *testing.T, script func(s *session)) {
	t.Helper()
	redis := servertest.StartRedis(t)
	f := start(t)
	got := newSession(t, f.addr)
	script(got)
	want := newSession(t, redis)
	script(want)
	if len(got.out) != len(want.out) {
		t.Fatalf("transcripts differ in length:\n gocache: %q\n   redis: %q", got.out, want.out)
	}
	for i := range got.out {
		if got.out[i] != want.out[i] {
			t.Errorf("step %d:\n gocache: %q\n   redis: %q", i, got.out[i], want.out[i])
		}
	}
}

// resp3 switches connection i to RESP3 without recording HELLO's reply,
// which names the server.
func (s *session) resp3(i int) {
	s.t.Helper()
	s.conn(i).Do("HELLO", "3")
}

// Feed is the server.Follower method: it records what was propagated.
func (f *fixture) Feed(db int, args [][]byte) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	f.mu.Lock()
	f.prop = append(f.prop, strings.Join(parts, " "))
	f.mu.Unlock()
}
