package stream_test

import (
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/14-streams/stream"
)

type env struct {
	s     *server.Server
	clock *servertest.Clock
	rec   *servertest.Recorder
	c     *servertest.Conn
}

// start runs the stream commands (with transactions and blocking) with a fake clock at
// 1700000000000 ms and a propagation recorder.
func start(t *testing.T) *env {
	e := &env{clock: servertest.NewClock(1_700_000_000_000)}
	e.s = servertest.Start(t, func(s *server.Server) {
		s.Now = e.clock.Now
		e.rec = servertest.RecordPropagated(s)
		ca := cache.Register(s)
		multi.Register(s, ca)
		stream.Register(s, ca).BlockIn(block.Register(s, ca, list.Register(s, ca)))
	})
	e.c = servertest.Dial(t, servertest.Addr(e.s))
	return e
}

func (e *env) do(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.c.Do(args...); got != want {
		t.Fatalf("%q: got %q, want %q", args, got, want)
	}
}

// TestPropagatedForms checks what reaches the AOF: the replayable forms
// redis-server 7.0 writes (compared with its appendonly file).
func TestPropagatedForms(t *testing.T) {
	e := start(t)
	for _, step := range []struct {
		args []string
		want []string
	}{
		// The ID XADD made, in place of * or ms-*.
		{[]string{"XADD", "s", "*", "f", "v"}, []string{"0: XADD s 1700000000000-0 f v"}},
		{[]string{"xadd", "s", "1700000000000-*", "f", "v"}, []string{"0: xadd s 1700000000000-1 f v"}},
		{[]string{"XADD", "s", "1700000000001-0", "f", "v"}, []string{"0: XADD s 1700000000001-0 f v"}},
		// An exact trim as it is; an approximate one as "=" and what it left.
		{[]string{"XADD", "s", "MAXLEN", "5", "*", "f", "v"}, []string{"0: XADD s MAXLEN 5 1700000000001-1 f v"}},
		{[]string{"XADD", "s", "MAXLEN", "~", "1", "*", "f", "v"}, []string{"0: XADD s MAXLEN = 5 1700000000001-2 f v"}},
		{[]string{"XTRIM", "s", "MAXLEN", "~", "0"}, []string{"0: XTRIM s MAXLEN = 0"}},
		{[]string{"XTRIM", "s", "MAXLEN", "0"}, nil},  // nothing left to remove
		{[]string{"XADD", "s", "5-1", "f", "v"}, nil}, // refused
		{[]string{"XADD", "s", "1700000000002-0", "a", "1"}, []string{"0: XADD s 1700000000002-0 a 1"}},
		{[]string{"XADD", "s", "1700000000002-1", "a", "2"}, []string{"0: XADD s 1700000000002-1 a 2"}},
		{[]string{"XADD", "s", "1700000000002-2", "a", "3"}, []string{"0: XADD s 1700000000002-2 a 3"}},
		{[]string{"XGROUP", "CREATE", "s", "g", "0"}, []string{"0: XGROUP CREATE s g 0"}},
		// XREADGROUP: one XCLAIM per delivery, in MULTI/EXEC when more than one.
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"},
			[]string{"0: XCLAIM s g alice 0 1700000000002-0 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1700000000002-0"}},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, []string{
			"0: MULTI",
			"0: XCLAIM s g alice 0 1700000000002-1 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1700000000002-1",
			"0: XCLAIM s g alice 0 1700000000002-2 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1700000000002-2",
			"0: EXEC"}},
		{[]string{"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}, nil}, // history: not propagated
		{[]string{"XADD", "s", "1700000000003-0", "a", "4"}, []string{"0: XADD s 1700000000003-0 a 4"}},
		// NOACK: the group's new position, with its read counter.
		{[]string{"XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"},
			[]string{"0: XGROUP SETID s g 1700000000003-0 ENTRIESREAD 9"}},
		{[]string{"XACK", "s", "g", "1700000000002-0", "9-9"}, []string{"0: XACK s g 1700000000002-0 9-9"}},
		{[]string{"XACK", "s", "g", "9-9"}, nil},
		// XCLAIM as its idempotent form, the ID as the client wrote it.
		{[]string{"XCLAIM", "s", "g", "carol", "0", "1700000000002-1", "RETRYCOUNT", "7"},
			[]string{"0: XCLAIM s g carol 0 1700000000002-1 TIME 1700000000000 RETRYCOUNT 7 FORCE JUSTID LASTID 1700000000003-0"}},
		// A pending entry deleted meanwhile leaves the PEL, by XCLAIM.
		{[]string{"XDEL", "s", "1700000000002-2"}, []string{"0: XDEL s 1700000000002-2"}},
		{[]string{"XAUTOCLAIM", "s", "g", "dave", "0", "0"}, []string{
			"0: MULTI",
			"0: XCLAIM s g dave 0 1700000000002-1 TIME 1700000000000 RETRYCOUNT 8 FORCE JUSTID LASTID 1700000000003-0",
			"0: XCLAIM s g alice 0 1700000000002-2 TIME 1700000000000 RETRYCOUNT 2 FORCE JUSTID LASTID 1700000000003-0",
			"0: EXEC"}},
		{[]string{"XCLAIM", "s", "g", "erin", "0", "1700000000003-0", "LASTID", "1800000000000-0"},
			[]string{"0: XGROUP SETID s g 1800000000000-0 ENTRIESREAD 9"}},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", "frank"}, []string{"0: XGROUP CREATECONSUMER s g frank"}},
		{[]string{"XGROUP", "CREATECONSUMER", "s", "g", "frank"}, nil},
		{[]string{"XSETID", "s", "1900000000000-0"}, []string{"0: XSETID s 1900000000000-0"}},
	} {
		e.c.Do(step.args...)
		servertest.ExpectPropagated(t, e.rec, step.want...)
	}
}

// TestPropagatedInsideExec: EXEC wraps everything once, so an XREADGROUP
// inside it adds its XCLAIMs to the transaction without a MULTI of its own.
func TestPropagatedInsideExec(t *testing.T) {
	e := start(t)
	e.do(t, "$3\r\n1-1\r\n", "XADD", "s", "1-1", "f", "v")
	e.do(t, "$3\r\n1-2\r\n", "XADD", "s", "1-2", "f", "v")
	e.do(t, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0")
	e.rec.Take()
	e.do(t, "+OK\r\n", "MULTI")
	e.do(t, "+QUEUED\r\n", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	e.do(t, "+QUEUED\r\n", "XADD", "s", "2-1", "f", "v")
	e.c.Do("EXEC")
	servertest.ExpectPropagated(t, e.rec,
		"0: MULTI",
		"0: XCLAIM s g c 0 1-1 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
		"0: XCLAIM s g c 0 1-2 TIME 1700000000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-2",
		"0: XADD s 2-1 f v",
		"0: EXEC")
}

// TestClockGoingBack: IDs from * keep growing when the clock goes back.
func TestClockGoingBack(t *testing.T) {
	e := start(t)
	e.do(t, "$15\r\n1700000000000-0\r\n", "XADD", "s", "*", "f", "v")
	e.clock.Advance(-time.Second)
	e.do(t, "$15\r\n1700000000000-1\r\n", "XADD", "s", "*", "f", "v")
	e.clock.Advance(2 * time.Second)
	e.do(t, "$15\r\n1700000001000-0\r\n", "XADD", "s", "*", "f", "v")
	e.do(t, "$15\r\n1700000001000-1\r\n", "XADD", "s", "1700000001000-*", "f", "v")
	e.do(t, "$15\r\n1700000005000-0\r\n", "XADD", "s", "1700000005000-*", "f", "v")
	e.do(t, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", "XADD", "s", "1700000000000-*", "f", "v")
}
