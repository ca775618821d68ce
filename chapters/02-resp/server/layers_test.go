package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// fakeTx is the smallest transaction layer: MULTI starts queuing, EXEC
// calls the queue, and a refusal while queuing dooms it.
type fakeTx struct {
	srv   *server.Server
	slot  server.Slot
	mu    *sync.Mutex
	calls *[]string
}

type fakeTxState struct {
	failed bool
	queue  [][][]byte
}

func (f *fakeTx) state(c *server.Client) *fakeTxState {
	st, _ := c.Slot(f.slot).(*fakeTxState)
	return st
}
func (f *fakeTx) InMulti(c *server.Client) bool             { return f.state(c) != nil }
func (f *fakeTx) QueuedFlags(c *server.Client) server.Flags { return 0 }
func (f *fakeTx) Queue(c *server.Client, cmd *server.Command) {
	args := make([][]byte, len(c.Args))
	for i, a := range c.Args {
		args[i] = append([]byte(nil), a...)
	}
	st := f.state(c)
	st.queue = append(st.queue, args)
}
func (f *fakeTx) Flag(c *server.Client)                     { f.state(c).failed = true }
func (f *fakeTx) Discard(c *server.Client)                  { c.SetSlot(f.slot, nil) }
func (f *fakeTx) Queued(c *server.Client) (cmds, bytes int) { return -1, 0 }
func (f *fakeTx) Reset(c *server.Client)                    { c.SetSlot(f.slot, nil) }

func (f *fakeTx) commands() []*server.Command {
	return []*server.Command{
		{Name: "multi", Arity: 1, Run: func(c *server.Client) {
			c.SetSlot(f.slot, &fakeTxState{})
			c.OK()
		}},
		{Name: "exec", Arity: 1, Run: func(c *server.Client) {
			st := f.state(c)
			c.SetSlot(f.slot, nil)
			if st.failed {
				c.Error("EXECABORT Transaction discarded because of previous errors.")
				return
			}
			args := c.Args
			c.W.Array(len(st.queue))
			for _, q := range st.queue {
				c.Args = q
				cmd := f.srv.Commands.Lookup(q[0])
				c.LastCmd = cmd
				f.srv.Call(c, cmd)
			}
			c.Args = args
		}},
	}
}

// Called is a server.CallObserver.
func (f *fakeTx) Called(c *server.Client, cmd *server.Command, changed bool) {
	mark := ""
	if changed {
		mark = "*"
	}
	if f.srv.Nested() {
		mark += "(nested)"
	}
	f.mu.Lock()
	*f.calls = append(*f.calls, cmd.Name+mark)
	f.mu.Unlock()
}

// TestTransactionsPlugIntoThePath checks the places a transaction layer
// fills: commands queue instead of running, a refusal while queuing
// dooms the transaction, a refused EXEC is answered EXECABORT naming
// why, EXEC's Calls are nested, and their changes reach the followers
// once, wrapped in MULTI/EXEC, when EXEC ends.
func TestTransactionsPlugIntoThePath(t *testing.T) {
	var (
		mu    sync.Mutex
		calls []string
		rec   *servertest.Recorder
	)
	s := servertest.Start(t, func(s *server.Server) {
		tx := &fakeTx{srv: s, mu: &mu, calls: &calls}
		tx.slot = s.NewSlot(tx)
		s.UseTransactions(tx)
		s.ObserveCalls(tx)
		rec = servertest.RecordPropagated(s)
		s.Commands.Add(tx.commands()...)
		s.Commands.Add(&server.Command{Name: "incr", Arity: 2, Flags: server.Write, Run: func(c *server.Client) {
			c.W.Int(1)
			c.Propagate()
		}})
	})
	c := servertest.Dial(t, servertest.Addr(s))
	steps := []struct {
		cmd  []string
		want string
	}{
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"PING"}, "+QUEUED\r\n"},
		{[]string{"INCR", "b"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*3\r\n:1\r\n+PONG\r\n:1\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"NOSUCH"}, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{[]string{"EXEC"}, "-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EXEC", "x"}, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"},
		{[]string{"PING"}, "+PONG\r\n"}, // the refused EXEC ended the transaction
	}
	for _, st := range steps {
		if got := c.Do(st.cmd...); got != st.want {
			t.Fatalf("%q: %q, want %q", st.cmd, got, st.want)
		}
	}
	servertest.ExpectPropagated(t, rec, "0: MULTI", "0: INCR a", "0: INCR b", "0: EXEC")
	want := "multi incr*(nested) ping(nested) incr*(nested) exec* multi exec multi ping"
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(calls, " "); got != want {
		t.Fatalf("calls observed %q, want %q", got, want)
	}
}

// TestALayerPlaceIsTakenOnce: two layers for one place is a wiring
// mistake, and so is a command registered twice; both panic at start-up.
func TestALayerPlaceIsTakenOnce(t *testing.T) {
	mustPanic := func(name string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		fn()
	}
	s := servertest.Start(t, func(s *server.Server) {
		tx := &fakeTx{srv: s}
		s.UseTransactions(tx)
		mustPanic("a second UseTransactions", func() { s.UseTransactions(tx) })
		mustPanic("a second PING", func() { s.Commands.Add(&server.Command{Name: "ping", Arity: 1}) })
		mustPanic("Replace of a missing command", func() { s.Commands.Replace(&server.Command{Name: "nosuch", Arity: 1}) })
		s.Commands.Replace(&server.Command{Name: "ping", Arity: -1, Run: func(c *server.Client) { c.OK() }})
	})
	if got := servertest.Dial(t, servertest.Addr(s)).Do("PING"); got != "+OK\r\n" {
		t.Fatalf("PING after Replace = %q, want +OK", got)
	}
}
