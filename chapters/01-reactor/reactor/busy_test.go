package reactor_test

import (
	"bufio"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
)

// TestTurnWhileBusyServesOthersButNotTheRunningConnection: a handler
// that works for a long time on one connection's line keeps the loop
// turning with TurnWhileBusy. Other clients are answered meanwhile, new
// ones accepted; the running connection is not read (its next line waits)
// until the work ends, which a line from another client decides.
func TestTurnWhileBusyServesOthersButNotTheRunningConnection(t *testing.T) {
	h := &echoHandler{lines: true}
	var running *reactor.Conn
	stop := false
	var nested atomic.Int64
	h.onLine = func(c *reactor.Conn, line []byte) bool {
		switch string(line) {
		case "busy\n":
			if running != nil {
				return true // a second busy while busy: echoed, not nested
			}
			running = c
			deadline := time.Now().Add(10 * time.Second)
			for !stop && time.Now().Before(deadline) {
				if h.loop.Busy() {
					t.Error("Busy reported outside TurnWhileBusy")
				}
				if err := h.loop.TurnWhileBusy(c); err != nil {
					t.Error(err)
				}
				nested.Add(1)
			}
			running = nil
			c.Write([]byte("done\n"))
			return true
		case "stop\n":
			if !h.loop.Busy() {
				t.Error("stop seen outside TurnWhileBusy")
			}
			stop = true
		}
		return true
	}
	_, addr := start(t, reactor.Config{}, h)

	worker := dial(t, addr)
	before := dial(t, addr) // accepted before the work starts
	if _, err := io.WriteString(worker, "busy\n"); err != nil {
		t.Fatal(err)
	}
	// A client connected before and one connected during the work both get
	// answers while it runs; the working connection's next line waits.
	if err := roundTrip(before, "ping\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(worker, "after\n"); err != nil {
		t.Fatal(err)
	}
	during := dial(t, addr)
	if err := roundTrip(during, "hello\n"); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(during, "stop\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(worker)
	for _, want := range []string{"done\n", "busy\n", "after\n"} {
		got, err := r.ReadString('\n')
		if err != nil || got != want {
			t.Fatalf("the working connection got %q (%v), want %q", got, err, want)
		}
	}
	if nested.Load() == 0 {
		t.Error("TurnWhileBusy never ran")
	}
}
