package multi_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

type env struct {
	s     *server.Server
	clock *servertest.Clock
	rec   *servertest.Recorder
}

// start runs gocache with the cache, pub/sub and transactions, a fake
// clock and a propagation recorder; setup runs first.
func start(t *testing.T, setup func(s *server.Server)) *env {
	e := &env{clock: servertest.NewClock(1_700_000_000_000)}
	e.s = servertest.Start(t, func(s *server.Server) {
		s.Now = e.clock.Now
		if setup != nil {
			setup(s)
		}
		e.rec = servertest.RecordPropagated(s)
		ca := cache.Register(s)
		pubsub.Register(s)
		multi.Register(s, ca)
	})
	return e
}

func pair(t *testing.T, gocache *server.Server, redisAddr string) *servertest.Pair {
	return servertest.DialPair(t, servertest.Addr(gocache), redisAddr)
}

// TestTransactionsLikeRedis compares MULTI/EXEC/DISCARD/WATCH replies and
// errors with Redis byte for byte, in RESP2 and RESP3.
func TestTransactionsLikeRedis(t *testing.T) {
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			e := start(t, nil)
			redisAddr := servertest.StartRedis(t)
			p := pair(t, e.s, redisAddr)
			other := pair(t, e.s, redisAddr)
			if proto == "3" {
				p.Go.Do("HELLO", "3")
				p.Redis.Do("HELLO", "3")
			}
			script := [][]string{
				{"EXEC"},
				{"DISCARD"},
				{"UNWATCH"},
				{"MULTI", "x"},
				// queued commands, runtime errors do not roll back
				{"MULTI"},
				{"SET", "s", "text"},
				{"INCR", "s"},
				{"INCR", "n"},
				{"GET", "nosuch"},
				{"MULTI"}, // nested: an error, the transaction goes on
				{"WATCH", "n"},
				{"EXEC"},
				{"GET", "s"},
				// an empty transaction
				{"MULTI"},
				{"EXEC"},
				// DISCARD drops the queue
				{"MULTI"},
				{"SET", "d", "1"},
				{"DISCARD"},
				{"EXISTS", "d"},
				// errors while queuing abort EXEC
				{"MULTI"},
				{"SET", "a", "1"},
				{"NOSUCH", "x"},
				{"SET", "a"},
				{"EXEC"},
				{"EXISTS", "a"},
				{"MULTI"},
				{"GET"},
				{"DISCARD"},
				// WATCH with nothing changed
				{"WATCH", "n", "n", "other"},
				{"MULTI"},
				{"INCR", "n"},
				{"EXEC"},
				// the client's own change aborts too
				{"WATCH", "n"},
				{"SET", "n", "5"},
				{"MULTI"},
				{"INCR", "n"},
				{"EXEC"},
				{"GET", "n"},
				// UNWATCH forgets the change
				{"WATCH", "n"},
				{"SET", "n", "6"},
				{"UNWATCH"},
				{"MULTI"},
				{"INCR", "n"},
				{"EXEC"},
				// SELECT inside a transaction
				{"MULTI"},
				{"SELECT", "2"},
				{"SET", "in2", "x"},
				{"EXEC"},
				{"GET", "in2"},
				{"SELECT", "0"},
				{"WATCH"},
				{"PING"},
				// a refused EXEC ends the transaction, naming the reason
				{"MULTI"},
				{"SET", "a", "1"},
				{"EXEC", "x"},
				{"EXEC"},
				{"MULTI"},
				{"DISCARD", "x"},
				{"EXEC"},
				{"MULTI"},
				{"UNWATCH"},
				{"EXEC"},
			}
			for _, cmd := range script {
				p.Same(cmd...)
			}
			if proto == "2" {
				// A RESP2 subscriber's refused command also dooms the transaction.
				p.Same("MULTI")
				p.Same("SUBSCRIBE", "ch")
				p.Same("GET", "x")
				p.Same("EXEC")
				p.Same("UNSUBSCRIBE")
			}
			other.Same("PING")
		})
	}
}

// TestWatchedKeyChangedByAnotherClient compares with Redis which changes
// by another client abort EXEC (a write, DEL, FLUSHALL of an existing
// key) and which do not (a failed command, a no-op, FLUSHALL when the key
// does not exist).
func TestWatchedKeyChangedByAnotherClient(t *testing.T) {
	e := start(t, nil)
	redisAddr := servertest.StartRedis(t)
	tx, other := pair(t, e.s, redisAddr), pair(t, e.s, redisAddr)
	cases := []struct {
		name  string
		setup [][]string
		other [][]string
	}{
		{"write", [][]string{{"SET", "k", "1"}}, [][]string{{"SET", "k", "2"}}},
		{"same value", [][]string{{"SET", "k", "1"}}, [][]string{{"SET", "k", "1"}}},
		{"create", nil, [][]string{{"SET", "k", "1"}}},
		{"delete", [][]string{{"SET", "k", "1"}}, [][]string{{"DEL", "k"}}},
		{"delete missing", nil, [][]string{{"DEL", "k"}}},
		{"failed incr", [][]string{{"SET", "k", "x"}}, [][]string{{"INCR", "k"}}},
		{"expire missing", nil, [][]string{{"EXPIRE", "k", "100"}}},
		{"expire", [][]string{{"SET", "k", "1"}}, [][]string{{"EXPIRE", "k", "100"}}},
		{"set nx existing", [][]string{{"SET", "k", "1"}}, [][]string{{"SET", "k", "2", "NX"}}},
		{"read", [][]string{{"SET", "k", "1"}}, [][]string{{"GET", "k"}}},
		{"other key", [][]string{{"SET", "k", "1"}}, [][]string{{"SET", "j", "1"}}},
		{"other db", [][]string{{"SET", "k", "1"}}, [][]string{{"SELECT", "1"}, {"SET", "k", "2"}, {"SELECT", "0"}}},
		{"flushall", [][]string{{"SET", "k", "1"}}, [][]string{{"FLUSHALL"}}},
		{"flushall missing", [][]string{{"SET", "j", "1"}}, [][]string{{"FLUSHALL"}}},
	}
	for _, c := range cases {
		other.Same("FLUSHALL")
		for _, cmd := range c.setup {
			tx.Same(cmd...)
		}
		tx.Same("WATCH", "k")
		for _, cmd := range c.other {
			other.Same(cmd...)
		}
		tx.Same("MULTI")
		tx.Same("PING")
		if got := tx.Same("EXEC"); t.Failed() {
			t.Fatalf("case %q: EXEC replied %q", c.name, got)
		}
	}
}

// exec runs WATCH key / MULTI / PING / EXEC on c, with between() in the
// middle, and returns the EXEC reply.
func exec(t *testing.T, c *servertest.Conn, key string, between func()) string {
	t.Helper()
	c.Do("WATCH", key)
	between()
	c.Do("MULTI")
	c.Do("PING")
	return c.Do("EXEC")
}

const (
	aborted = "*-1\r\n"
	ran     = "*1\r\n+PONG\r\n"
)

// TestWatchSeesExpiry uses the injected clock: a watched key whose time
// to live passes aborts EXEC whether it was already removed or not, and
// a key that had already expired when it was watched is absent all
// along, so its removal changes nothing (Redis 7.0's rule; checked
// against redis-server 7.0.15 with DEBUG SET-ACTIVE-EXPIRE 0, which the
// real-time oracle cannot do without sleeping).
func TestWatchSeesExpiry(t *testing.T) {
	e := start(t, nil)
	c := servertest.Dial(t, servertest.Addr(e.s))
	other := servertest.Dial(t, servertest.Addr(e.s))

	c.Do("SET", "k", "v", "PX", "100")
	got := exec(t, c, "k", func() { e.clock.Advance(200 * time.Millisecond) })
	if got != aborted {
		t.Fatalf("expired, not removed yet: EXEC = %q, want a null array", got)
	}

	c.Do("SET", "k", "v", "PX", "100")
	got = exec(t, c, "k", func() {
		e.clock.Advance(200 * time.Millisecond)
		if r := other.Do("GET", "k"); r != "$-1\r\n" { // lazy expiry removes it
			t.Fatalf("GET of an expired key: %q", r)
		}
	})
	if got != aborted {
		t.Fatalf("expired and removed: EXEC = %q, want a null array", got)
	}

	c.Do("SET", "k", "v", "PX", "100")
	e.clock.Advance(200 * time.Millisecond) // k expired, still stored
	got = exec(t, c, "k", func() {})
	if got != ran {
		t.Fatalf("watched when already expired: EXEC = %q, want it to run", got)
	}

	c.Do("SET", "k", "v", "PX", "100")
	e.clock.Advance(200 * time.Millisecond)
	got = exec(t, c, "k", func() { other.Do("GET", "k") })
	if got != ran {
		t.Fatalf("watched when already expired, then removed: EXEC = %q, want it to run", got)
	}

	c.Do("SET", "k", "v", "PX", "100")
	e.clock.Advance(200 * time.Millisecond)
	got = exec(t, c, "k", func() { other.Do("SET", "k", "new") })
	if got != aborted {
		t.Fatalf("watched when already expired, then written: EXEC = %q, want a null array", got)
	}

	c.Do("SET", "k", "v", "PX", "100")
	e.clock.Advance(200 * time.Millisecond)
	got = exec(t, c, "k", func() { other.Do("FLUSHALL") })
	if got != ran {
		t.Fatalf("watched when already expired, then flushed: EXEC = %q, want it to run", got)
	}

	// Active expiry (the periodic task) removes it without any command.
	c.Do("SET", "k", "v", "PX", "100")
	got = exec(t, c, "k", func() {
		e.clock.Advance(200 * time.Millisecond)
		deadline := time.Now().Add(10 * time.Second)
		for other.Do("DBSIZE") != ":0\r\n" {
			if time.Now().After(deadline) {
				t.Fatal("active expiry did not remove the key")
			}
			time.Sleep(10 * time.Millisecond) // polling interval
		}
	})
	if got != aborted {
		t.Fatalf("removed by active expiry: EXEC = %q, want a null array", got)
	}
}

// TestTransactionPropagation checks what the AOF receives: the writes of
// a transaction between MULTI and EXEC when there are several, a single
// write as it is, nothing for reads or an aborted transaction.
func TestTransactionPropagation(t *testing.T) {
	e := start(t, nil)
	c := servertest.Dial(t, servertest.Addr(e.s))
	other := servertest.Dial(t, servertest.Addr(e.s))
	run := func(cmds ...[]string) {
		for _, cmd := range cmds {
			c.Do(cmd...)
		}
	}
	tests := []struct {
		name string
		cmds [][]string
		want []string
	}{
		{"several writes", [][]string{{"MULTI"}, {"SET", "a", "1"}, {"GET", "a"}, {"INCR", "a"}, {"EXEC"}},
			[]string{"0: MULTI", "0: SET a 1", "0: INCR a", "0: EXEC"}},
		{"one write", [][]string{{"MULTI"}, {"SET", "b", "1"}, {"GET", "b"}, {"EXEC"}},
			[]string{"0: SET b 1"}},
		{"reads only", [][]string{{"MULTI"}, {"GET", "a"}, {"EXEC"}}, nil},
		{"failed write", [][]string{{"MULTI"}, {"INCR", "nosuch"}, {"SET", "s", "x"}, {"INCR", "s"}, {"EXEC"}},
			[]string{"0: MULTI", "0: INCR nosuch", "0: SET s x", "0: EXEC"}},
		{"rewritten forms", [][]string{{"MULTI"}, {"SET", "t", "1", "PX", "500"}, {"DEL", "t"}, {"EXEC"}},
			[]string{"0: MULTI", "0: SET t 1 PXAT 1700000000500", "0: DEL t", "0: EXEC"}},
		{"databases", [][]string{{"MULTI"}, {"SELECT", "2"}, {"SET", "x", "1"}, {"SELECT", "3"}, {"SET", "y", "1"}, {"EXEC"}, {"SELECT", "0"}},
			[]string{"2: MULTI", "2: SET x 1", "3: SET y 1", "3: EXEC"}},
		{"discarded", [][]string{{"MULTI"}, {"SET", "a", "2"}, {"DISCARD"}}, nil},
		{"queuing error", [][]string{{"MULTI"}, {"SET", "a", "2"}, {"SET"}, {"EXEC"}}, nil},
		{"watch aborted", [][]string{{"WATCH", "a"}, {"MULTI"}, {"SET", "a", "2"}, {"SET", "z", "2"}}, nil},
	}
	for _, tt := range tests {
		run(tt.cmds...)
		if tt.name == "watch aborted" {
			other.Do("SET", "a", "9")
			e.rec.Take()
			run([]string{"EXEC"})
		}
		if got := e.rec.Take(); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: propagated %q, want %q", tt.name, got, tt.want)
		}
	}
	// An expired key met inside the transaction is deleted within it.
	c.Do("SET", "old", "v", "PX", "10")
	e.clock.Advance(time.Second)
	e.rec.Take()
	run([]string{"MULTI"}, []string{"GET", "old"}, []string{"SET", "new", "v"}, []string{"EXEC"})
	want := []string{"0: MULTI", "0: DEL old", "0: SET new v", "0: EXEC"}
	if got := e.rec.Take(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lazy expiry in a transaction: propagated %q, want %q", got, want)
	}
}

// failingDisk is a persistence layer whose disk fails on demand.
type failingDisk struct{ failing *atomic.Bool }

func (d failingDisk) Feed(int, [][]byte) {}
func (d failingDisk) Shutdown()          {}
func (d failingDisk) WriteError() string {
	if d.failing.Load() {
		return "MISCONF Errors writing to the AOF file: No space left on device"
	}
	return ""
}

// TestRefusedExec: a check that refuses EXEC itself ends the transaction
// with EXECABORT and the reason, as Redis 7.0 does for OOM or MISCONF.
// EXEC of a queued write counts as a write for MISCONF.
func TestRefusedExec(t *testing.T) {
	var refuse atomic.Bool
	e := start(t, func(s *server.Server) { s.UsePersistence(failingDisk{&refuse}) })
	c := servertest.Dial(t, servertest.Addr(e.s))
	c.Do("MULTI")
	c.Do("SET", "a", "1")
	refuse.Store(true)
	if got := c.Do("EXEC"); got != "-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: No space left on device\r\n" {
		t.Fatalf("refused EXEC: %q", got)
	}
	refuse.Store(false)
	if got := c.Do("EXEC"); got != "-ERR EXEC without MULTI\r\n" {
		t.Fatalf("EXEC after the abort: %q", got)
	}
	if got := c.Do("EXISTS", "a"); got != ":0\r\n" {
		t.Fatalf("the refused transaction ran: EXISTS = %q", got)
	}
}

// TestNoMultiCommands: a command flagged no-multi is refused inside MULTI
// and dooms the transaction.
func TestNoMultiCommands(t *testing.T) {
	e := start(t, func(s *server.Server) {
		s.Commands.Add(&server.Command{Name: "save", Arity: 1, Flags: server.Admin | server.NoScript | server.NoMulti,
			Run: func(c *server.Client) { c.OK() }})
	})
	c := servertest.Dial(t, servertest.Addr(e.s))
	c.Do("MULTI")
	if got := c.Do("SAVE"); got != "-ERR Command not allowed inside a transaction\r\n" {
		t.Fatalf("SAVE in MULTI: %q", got)
	}
	if got := c.Do("EXEC"); got != "-EXECABORT Transaction discarded because of previous errors.\r\n" {
		t.Fatalf("EXEC: %q", got)
	}
}

// TestClientGoneUnwatches: a client that disconnects in the middle of a
// transaction leaves nothing behind (a later write touches no state of it).
func TestClientGoneUnwatches(t *testing.T) {
	e := start(t, nil)
	addr := servertest.Addr(e.s)
	c := servertest.Dial(t, addr)
	c.Do("WATCH", "k")
	c.Do("MULTI")
	c.Do("SET", "k", "1")
	c.Send(string(servertest.Command("QUIT")))
	if got := c.ReadEOF(); got != "+OK\r\n" {
		t.Fatalf("QUIT in MULTI: %q", got)
	}
	other := servertest.Dial(t, addr)
	if got := other.Do("SET", "k", "2"); got != "+OK\r\n" {
		t.Fatalf("SET: %q", got)
	}
	if got := other.Do("GET", "k"); got != "$1\r\n2\r\n" {
		t.Fatalf("GET: %q (the quit transaction must not have run)", got)
	}
}

// TestGoRedis uses go-redis's TxPipelined and Watch: a counter increased
// by concurrent optimistic transactions ends exact, and a transaction whose
// watched key changes fails with TxFailedErr.
func TestGoRedis(t *testing.T) {
	e := start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(e.s), PoolSize: 8})
	defer rdb.Close()

	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "a", "1", 0)
		p.Incr(ctx, "a")
		p.Get(ctx, "a")
		return nil
	})
	if err != nil || len(cmds) != 3 || cmds[2].(*redis.StringCmd).Val() != "2" {
		t.Fatalf("TxPipelined = %v, %v", cmds, err)
	}

	const workers, each = 4, 25
	incr := func(key string) error {
		for {
			err := rdb.Watch(ctx, func(tx *redis.Tx) error {
				n, err := tx.Get(ctx, key).Int()
				if err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, key, strconv.Itoa(n+1), 0)
					return nil
				})
				return err
			}, key)
			if !errors.Is(err, redis.TxFailedErr) {
				return err
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := incr("counter"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, err := rdb.Get(ctx, "counter").Int(); err != nil || n != workers*each {
		t.Fatalf("counter = %d, %v; want %d", n, err, workers*each)
	}

	err = rdb.Watch(ctx, func(tx *redis.Tx) error {
		if err := rdb.Set(ctx, "guarded", "changed", 0).Err(); err != nil {
			return err
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "guarded", "mine", 0)
			return nil
		})
		return err
	}, "guarded")
	if !errors.Is(err, redis.TxFailedErr) {
		t.Fatalf("Watch with a concurrent change: %v, want TxFailedErr", err)
	}
	if v, _ := rdb.Get(ctx, "guarded").Result(); v != "changed" {
		t.Fatalf("guarded = %q", v)
	}
}
