package procmem

import (
	"net"
	"os"
	"testing"
	"time"
)

// TestRSSOfThisProcess: a running process has a resident set, and its
// peak is at least what it holds now.
func TestRSSOfThisProcess(t *testing.T) {
	rss, err := RSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	peak, err := PeakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 || peak < rss {
		t.Fatalf("RSS %d, peak %d: want 0 < RSS <= peak", rss, peak)
	}
	if _, err := RSS(-1); err == nil {
		t.Fatal("RSS of pid -1: no error")
	}
}

// TestDialIdleOpensEveryConnection: the listener accepts exactly n.
func TestDialIdleOpensEveryConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	conns, err := DialIdle(ln.Addr().String(), 50, 10*time.Second)
	if err != nil || len(conns) != 50 {
		t.Fatalf("opened %d of 50: %v", len(conns), err)
	}
	for _, c := range conns {
		c.Close()
		(<-accepted).Close()
	}
}

// TestDialIdleReportsARefusedAddress: nothing listens, nothing opens.
func TestDialIdleReportsARefusedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if conns, err := DialIdle(addr, 5, 10*time.Second); err == nil || len(conns) != 0 {
		t.Fatalf("got %d connections, error %v; want none and an error", len(conns), err)
	}
}
