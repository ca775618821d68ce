package server_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestBlockedClientThatHangsUpIsClosed: a blocked client's commands wait,
// but its socket is still read, so the server notices when it goes away
// (and the layer it waits in, which keeps its state in a Slot, forgets
// it).
func TestBlockedClientThatHangsUpIsClosed(t *testing.T) {
	closed := make(chan string, 1)
	s := servertest.Start(t, func(s *server.Server) {
		slot := s.NewSlot(resetFunc(func(c *server.Client) {
			if c.Blocked() {
				closed <- "blocked"
			}
		}))
		s.Commands.Add(&server.Command{Name: "wait", Arity: 1, Run: func(c *server.Client) {
			c.SetSlot(slot, true)
			c.Block()
		}})
	})
	conn, err := net.Dial("tcp", servertest.Addr(s))
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("WAIT\r\nPING\r\n"))
	ctl := servertest.Dial(t, servertest.Addr(s))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ctl.Do("INFO", "clients"), "blocked_clients:1\r\n") {
		if time.Now().After(deadline) {
			t.Fatal("the client never blocked")
		}
		time.Sleep(2 * time.Millisecond) // polling interval, not a wait for a condition
	}
	conn.Close()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("a blocked client that hung up was not closed")
	}
}

// resetFunc is a server.ClientState made of a function.
type resetFunc func(c *server.Client)

func (f resetFunc) Reset(c *server.Client) { f(c) }
