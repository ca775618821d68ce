// Package blocktest holds what the tests of the blocking commands share,
// in this chapter and in the layers that plug into package block (sorted
// sets, streams): a server with the keyspace, lists and the blocking
// layer plus the layers under test, a record of what it propagates, and
// scripted sessions over several connections that run against gocache
// and a real redis-server, whose transcripts must be the same bytes.
package blocktest

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
)

// Layers registers what a test adds to the keyspace, the lists and the
// blocking layer (nil: nothing).
type Layers func(s *server.Server, ca *cache.Cache, b *block.Block)

// Fixture is a running server and what it propagated.
type Fixture struct {
	Srv   *server.Server
	Addr  string
	Block *block.Block

	mu   sync.Mutex
	prop []string // "ARGS ..." in order
}

// Start runs a server with the keyspace, the lists, the blocking layer
// and layers, and records what it propagates.
func Start(t *testing.T, layers Layers) *Fixture {
	t.Helper()
	f := &Fixture{}
	f.Srv = servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		f.Block = block.Register(s, ca, list.Register(s, ca))
		if layers != nil {
			layers(s, ca, f.Block)
		}
		s.Follow(f)
	})
	f.Addr = servertest.Addr(f.Srv)
	return f
}

// Propagated returns what was propagated so far and forgets it.
func (f *Fixture) Propagated() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.prop
	f.prop = nil
	return p
}

// Feed is the server.Follower method: it records what was propagated.
func (f *Fixture) Feed(db int, args [][]byte) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	f.mu.Lock()
	f.prop = append(f.prop, strings.Join(parts, " "))
	f.mu.Unlock()
}

// Session plays a script over several connections to one server and
// records every reply, so that the same script can run against gocache
// and redis-server and the transcripts be compared byte for byte.
type Session struct {
	T     *testing.T
	addr  string
	conns map[int]*servertest.Conn
	ctl   *servertest.Conn
	out   []string
}

// NewSession connects to addr and empties the server.
func NewSession(t *testing.T, addr string) *Session {
	s := &Session{T: t, addr: addr, conns: map[int]*servertest.Conn{}, ctl: servertest.Dial(t, addr)}
	s.ctl.Do("FLUSHALL")
	return s
}

// Conn is connection i, opened on first use.
func (s *Session) Conn(i int) *servertest.Conn {
	if s.conns[i] == nil {
		s.conns[i] = servertest.Dial(s.T, s.addr)
	}
	return s.conns[i]
}

// Do sends a command on connection i and records its reply.
func (s *Session) Do(i int, args ...string) string {
	s.T.Helper()
	r := s.Conn(i).Do(args...)
	s.out = append(s.out, strings.Join(args, " ")+" -> "+r)
	return r
}

// Block sends a blocking command on connection i and waits until the
// server counts n blocked clients.
func (s *Session) Block(i, n int, args ...string) {
	s.T.Helper()
	s.Conn(i).Send(string(servertest.Command(args...)))
	s.WaitBlocked(n)
}

// WaitBlocked waits until the server counts n blocked clients.
func (s *Session) WaitBlocked(n int) {
	s.T.Helper()
	servertest.WaitBlocked(s.T, s.ctl, n)
}

// Read records the next reply on connection i.
func (s *Session) Read(i int) string {
	s.T.Helper()
	r := s.Conn(i).ReadRaw()
	s.out = append(s.out, "client "+strconv.Itoa(i)+" <- "+r)
	return r
}

// RESP3 switches connection i to RESP3 without recording HELLO's reply,
// which names the server.
func (s *Session) RESP3(i int) {
	s.T.Helper()
	s.Conn(i).Do("HELLO", "3")
}

// SameAsRedis runs script against gocache (with layers) and a real
// redis-server and fails on any difference.
func SameAsRedis(t *testing.T, layers Layers, script func(s *Session)) {
	t.Helper()
	redis := servertest.StartRedis(t)
	f := Start(t, layers)
	got := NewSession(t, f.Addr)
	script(got)
	want := NewSession(t, redis)
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
