package reactor

import (
	"io"
	"net"
	"testing"
	"time"
)

// rawEcho echoes every byte back; it keeps the last connection it saw
// so the test can look at that connection's state on the loop goroutine.
type rawEcho struct{ last *Conn }

func (h *rawEcho) Open(c *Conn) { h.last = c }
func (h *rawEcho) Readable(ready []*Conn) {
	for _, c := range ready {
		if c.Fill() == nil {
			in := c.Input()
			c.Write(in)
			c.Consume(len(in))
		}
	}
}
func (h *rawEcho) Closed(*Conn) {}

type connState struct {
	mask    uint8
	pending int
	in, out bool // holds a buffer
	paused  bool // backpressure
}

func (l *Loop) inspect(t *testing.T, c *Conn) connState {
	t.Helper()
	ch := make(chan connState, 1)
	l.Post(func() {
		ch <- connState{c.mask, c.Pending(), c.in != nil, c.out != nil, c.flags&fBackpressure != 0}
	})
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("loop did not run the posted function")
		return connState{}
	}
}

func pollState(t *testing.T, l *Loop, c *Conn, what string, ok func(connState) bool) connState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := l.inspect(t, c)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; state %+v", what, s)
		}
		time.Sleep(time.Millisecond)
	}
}

// EPOLLOUT is armed only while output is pending; an idle connection holds
// no buffers; over HighWater the connection is not read.
func TestWriteInterestOnlyWhilePending(t *testing.T) {
	h := &rawEcho{}
	l, err := New(Config{Listen: []string{"127.0.0.1:0"}, HighWater: 64 << 10}, h)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	defer func() { l.Stop(); <-done; l.CloseAll() }()

	nc, err := net.Dial("tcp", l.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	nc.(*net.TCPConn).SetReadBuffer(64 << 10)

	// A small echo drains in the flush phase: EPOLLOUT never armed.
	if _, err := nc.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(nc, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	var c *Conn
	ch := make(chan *Conn, 1)
	l.Post(func() { ch <- h.last })
	c = <-ch
	s := l.inspect(t, c)
	if s.mask != evRead || s.in || s.out {
		t.Fatalf("idle connection: %+v, want read interest only and no buffers", s)
	}

	// A client that writes and does not read: output piles up, EPOLLOUT
	// is armed and reading stops.
	stopWriting := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		chunk := make([]byte, 32<<10)
		for {
			select {
			case <-stopWriting:
				return
			default:
			}
			nc.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
			nc.Write(chunk) // times out once the server stops reading
		}
	}()
	pollState(t, l, c, "backpressure", func(s connState) bool {
		return s.paused && s.mask == evWrite && s.pending > 64<<10
	})
	close(stopWriting)
	<-writerDone

	// The client reads everything: EPOLLOUT is disarmed, reading resumes,
	// and the buffers go back to the pool.
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	go io.Copy(io.Discard, nc)
	pollState(t, l, c, "output drained", func(s connState) bool {
		return s.mask == evRead && s.pending == 0 && !s.out && !s.in && !s.paused
	})
}

// The steady state allocates nothing: a round trip through accept-less
// turns (epoll_wait, Readable, flush) reuses the event slice, the batch
// and pooled buffers.
func TestSteadyStateDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("under the race detector sync.Pool drops items on purpose: run without -race")
	}
	l, err := New(Config{Listen: []string{"127.0.0.1:0"}}, &rawEcho{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	defer func() { l.Stop(); <-done; l.CloseAll() }()
	nc, err := net.Dial("tcp", l.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	msg, got := []byte("*1\r\n$4\r\nPING\r\n"), make([]byte, 14)
	roundTrip := func() {
		if _, err := nc.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(nc, got); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 { // warm up: pools, slices, the runtime's poller
		roundTrip()
	}
	const n = 2000
	allocs := testing.AllocsPerRun(1, func() {
		for range n {
			roundTrip()
		}
	})
	// A GC empties sync.Pool, so the odd buffer is allocated again; one
	// allocation per 20 round trips is the alarm threshold.
	if per := allocs / n; per > 0.05 {
		t.Fatalf("%.3f allocations per round trip, want ~0", per)

	}
}

// TestAdaptReadSizesTheNextBuffer: a read that fills the buffer moves the
// next one a class up, to at most maxReadClass; a small read into an
// empty buffer moves it down; the read that completes a cut command does
// not.
func TestAdaptReadSizesTheNextBuffer(t *testing.T) {
	for _, tc := range []struct {
		name      string
		class     uint8
		n, free   int
		fresh     bool
		wantClass uint8
	}{
		{"full read grows", 0, readSize, readSize, true, 1},
		{"full read of the rest grows", 1, 30 << 10, 30 << 10, false, 2},
		{"no bigger than the bound", maxReadClass, 256 << 10, 256 << 10, true, maxReadClass},
		{"small fresh read shrinks", 1, 1 << 10, 64 << 10, true, 0},
		{"never below the first class", 0, 10, readSize, true, 0},
		{"a quarter or more stays", 1, 16 << 10, 64 << 10, true, 1},
		{"completing a cut command stays", 1, 1 << 10, 60 << 10, false, 1},
	} {
		c := &Conn{readClass: tc.class}
		c.adaptRead(tc.n, tc.free, tc.fresh)
		if c.readClass != tc.wantClass {
			t.Errorf("%s: class %d after reading %d of %d, want %d", tc.name, c.readClass, tc.n, tc.free, tc.wantClass)
		}
	}
}
