package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestCallHooks checks the hooks a transaction layer builds on: per-client
// slots, Intercept taking a command instead of running it, OnReject
// rewriting a refusal, AfterCall after each Call, and Call run again from
// inside a command with other arguments.
func TestCallHooks(t *testing.T) {
	var (
		mu    sync.Mutex
		calls []string
	)
	s := servertest.Start(t, func(s *server.Server) {
		slot := s.NewSlot()
		other := s.NewSlot()
		s.Commands.Add(
			&server.Command{Name: "hold", Arity: 1, Run: func(c *server.Client) {
				c.SetSlot(slot, true)
				c.OK()
			}},
			&server.Command{Name: "twice", Arity: 2, Run: func(c *server.Client) {
				echo := s.Commands["echo"]
				args := c.Args
				c.W.Array(2)
				for i := 0; i < 2; i++ {
					c.Args = [][]byte{[]byte("echo"), args[1]}
					s.Call(c, echo)
				}
				c.Args = args
			}},
		)
		s.Intercept = func(c *server.Client, cmd *server.Command) bool {
			if c.Slot(slot) != true || cmd.Name == "hold" || c.Slot(other) != nil {
				return false
			}
			c.W.SimpleString("HELD " + string(c.Args[0]))
			return true
		}
		s.OnReject = append(s.OnReject, func(c *server.Client, msg string) string {
			if c.Slot(slot) == true {
				return "ERR held: " + msg
			}
			return msg
		})
		s.AfterCall = append(s.AfterCall, func(c *server.Client, cmd *server.Command) {
			mu.Lock()
			calls = append(calls, cmd.Name)
			mu.Unlock()
		})
	})
	c := servertest.Dial(t, servertest.Addr(s))
	steps := []struct {
		cmd  []string
		want string
	}{
		{[]string{"TWICE", "x"}, "*2\r\n$1\r\nx\r\n$1\r\nx\r\n"},
		{[]string{"PING"}, "+PONG\r\n"},
		{[]string{"HOLD"}, "+OK\r\n"},
		{[]string{"PING"}, "+HELD PING\r\n"},
		{[]string{"NOSUCH"}, "-ERR held: ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{[]string{"ECHO"}, "-ERR held: ERR wrong number of arguments for 'echo' command\r\n"},
	}
	for _, st := range steps {
		if got := c.Do(st.cmd...); got != st.want {
			t.Fatalf("%q: %q, want %q", st.cmd, got, st.want)
		}
	}
	other := servertest.Dial(t, servertest.Addr(s))
	if got := other.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("a slot is per client: PING on another client = %q", got)
	}
	want := "echo echo twice ping hold ping"
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(calls, " "); got != want {
		t.Fatalf("AfterCall saw %q, want %q", got, want)
	}
}
