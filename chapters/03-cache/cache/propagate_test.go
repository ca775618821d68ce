package cache_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// startClocked runs a server whose clock starts at start (unix ms) and
// records propagation.
func startClocked(t *testing.T, start int64) (*server.Server, *servertest.Clock, *servertest.Recorder) {
	clock := servertest.NewClock(start)
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		rec = servertest.RecordPropagated(s)
		cache.Register(s)
	})
	return s, clock, rec
}

// TestPropagatedForms checks what the AOF will see for each write: relative
// times become absolute, SET ... GET loses GET, an EXPIRE into the past
// becomes DEL, reads and writes that change nothing propagate nothing.
func TestPropagatedForms(t *testing.T) {
	const now = 1_700_000_000_000
	s, _, rec := startClocked(t, now)
	c := servertest.Dial(t, servertest.Addr(s))
	abs := func(d int64) string { return strconv.FormatInt(now+d, 10) }
	tests := []struct {
		cmd  []string
		want []string
	}{
		{[]string{"SET", "k", "v"}, []string{"0: SET k v"}},
		{[]string{"SET", "k", "v", "EX", "10"}, []string{"0: SET k v PXAT " + abs(10_000)}},
		{[]string{"set", "k", "v", "px", "10", "nx"}, nil},
		{[]string{"SET", "k", "v", "PX", "10", "XX", "GET"}, []string{"0: SET k v PXAT " + abs(10)}},
		{[]string{"SET", "k", "v", "PXAT", "1800000000000"}, []string{"0: SET k v PXAT 1800000000000"}},
		{[]string{"SET", "k", "w", "get", "KEEPTTL", "GET"}, []string{"0: SET k w KEEPTTL"}},
		{[]string{"SET", "k", "w", "EXAT", "1800000000"}, []string{"0: SET k w PXAT 1800000000000"}},
		{[]string{"GET", "k"}, nil},
		{[]string{"MSET", "a", "1", "b", "2"}, []string{"0: MSET a 1 b 2"}},
		{[]string{"INCR", "a"}, []string{"0: INCR a"}},
		{[]string{"INCRBY", "a", "x"}, nil},
		{[]string{"APPEND", "b", "3"}, []string{"0: APPEND b 3"}},
		{[]string{"EXPIRE", "a", "100"}, []string{"0: PEXPIREAT a " + abs(100_000)}},
		{[]string{"PEXPIRE", "a", "100", "GT"}, nil},
		{[]string{"pexpire", "a", "200000", "gt"}, []string{"0: PEXPIREAT a " + abs(200_000) + " gt"}},
		{[]string{"EXPIREAT", "a", "1800000000"}, []string{"0: PEXPIREAT a 1800000000000"}},
		{[]string{"pexpireat", "a", "1800000000001"}, []string{"0: pexpireat a 1800000000001"}},
		{[]string{"EXPIRE", "nope", "100"}, nil},
		{[]string{"PERSIST", "a"}, []string{"0: PERSIST a"}},
		{[]string{"PERSIST", "a"}, nil},
		{[]string{"EXPIRE", "a", "-1"}, []string{"0: DEL a"}},
		{[]string{"DEL", "a", "nope"}, nil},
		{[]string{"DEL", "b", "nope"}, []string{"0: DEL b nope"}},
		{[]string{"FLUSHALL"}, []string{"0: FLUSHALL"}},
		{[]string{"FLUSHALL"}, []string{"0: FLUSHALL"}},
	}
	for _, tt := range tests {
		c.Do(tt.cmd...)
		if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q propagated %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

// TestLazyExpiry moves the clock past a key's expiry: the next access
// finds it gone and the AOF gets a DEL before anything else.
func TestLazyExpiry(t *testing.T) {
	const now = 1_700_000_000_000
	s, clock, rec := startClocked(t, now)
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SET", "k", "v", "PX", "1500")
	c.Do("SET", "j", "v", "EX", "100")
	rec.Take()
	if got := c.Do("PTTL", "k"); got != ":1500\r\n" {
		t.Fatalf("PTTL = %q", got)
	}
	clock.Advance(1500 * time.Millisecond)
	if got := c.Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("at exactly its expiry time GET = %q, want the value", got)
	}
	if got := c.Do("TTL", "k"); got != ":0\r\n" {
		t.Fatalf("TTL = %q", got)
	}
	clock.Advance(time.Millisecond)
	if got := c.Do("GET", "k"); got != "$-1\r\n" {
		t.Fatalf("after expiry GET = %q", got)
	}
	if got := rec.Take(); fmt.Sprint(got) != "[0: DEL k]" {
		t.Fatalf("propagated %q", got)
	}
	if got := c.Do("DBSIZE"); got != ":1\r\n" {
		t.Fatalf("DBSIZE = %q", got)
	}
	// DEL of an expired key replies 0: the key was already gone.
	clock.Advance(100 * time.Second)
	if got := c.Do("DEL", "j"); got != ":0\r\n" {
		t.Fatalf("DEL of an expired key = %q", got)
	}
	if got := rec.Take(); fmt.Sprint(got) != "[0: DEL j]" {
		t.Fatalf("propagated %q", got)
	}
	if info := c.Do("INFO", "stats"); !strings.Contains(info, "expired_keys:2\r\n") {
		t.Fatalf("INFO stats: %q", info)
	}
}

// TestActiveExpiry lets the clock pass the expiry of many keys nobody
// reads: the periodic task removes them. The test polls DBSIZE until the
// task has run, with a deadline.
func TestActiveExpiry(t *testing.T) {
	const now = 1_700_000_000_000
	s, clock, rec := startClocked(t, now)
	c := servertest.Dial(t, servertest.Addr(s))
	var cmds strings.Builder
	for i := 0; i < 500; i++ {
		cmds.Write(servertest.Command("SET", fmt.Sprint("v", i), "x", "PX", "100"))
		cmds.Write(servertest.Command("SET", fmt.Sprint("p", i), "x"))
	}
	c.Send(cmds.String())
	for i := 0; i < 1000; i++ {
		c.ReadRaw()
	}
	rec.Take()
	clock.Advance(time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for c.Do("DBSIZE") != ":500\r\n" {
		if time.Now().After(deadline) {
			t.Fatalf("DBSIZE still %q after 10s", c.Do("DBSIZE"))
		}
		time.Sleep(10 * time.Millisecond) // polling interval
	}
	dels := 0
	for _, line := range rec.Take() {
		if !strings.HasPrefix(line, "0: DEL v") {
			t.Fatalf("unexpected propagation %q", line)
		}
		dels++
	}
	if dels != 500 {
		t.Fatalf("%d DELs propagated, want 500", dels)
	}
	if got := c.Do("INFO", "keyspace"); !strings.Contains(got, "db0:keys=500,expires=0,avg_ttl=0\r\n") {
		t.Fatalf("INFO keyspace: %q", got)
	}
}

// TestExpiryWithRealClock uses the real clock: a key with a 50 ms time to
// live disappears by itself, observed by polling with a deadline.
func TestExpiryWithRealClock(t *testing.T) {
	s, _ := startCache(t)
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SET", "k", "v", "PX", "50")
	if got := c.Do("EXISTS", "k"); got != ":1\r\n" {
		t.Fatalf("EXISTS right after SET = %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.Do("DBSIZE") != ":0\r\n" {
		if time.Now().After(deadline) {
			t.Fatal("key with PX 50 still there after 5s")
		}
		time.Sleep(5 * time.Millisecond) // polling interval
	}
	if got := c.Do("GET", "k"); got != "$-1\r\n" {
		t.Fatalf("GET = %q", got)
	}
}

// TestLoadingKeepsPastExpiries is what the AOF loader of a later chapter
// relies on: while the server loads (server.Load), keys do not expire and
// a PEXPIREAT in the past is stored, not turned into a DEL; nothing that
// is replayed is propagated again.
func TestLoadingKeepsPastExpiries(t *testing.T) {
	var (
		sizeWhileLoading int
		loadErr          error
		rec              *servertest.Recorder
	)
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		rec = servertest.RecordPropagated(s)
		loadErr = s.Load(func(apply server.Apply) error {
			for _, cmd := range [][]string{{"SET", "k", "v", "PXAT", "1000"}, {"SET", "j", "v"}, {"PEXPIREAT", "j", "1000"}, {"GET", "k"}} {
				var args [][]byte
				for _, a := range cmd {
					args = append(args, []byte(a))
				}
				if err := apply(0, args); err != nil {
					return err
				}
			}
			sizeWhileLoading = ca.DBs[0].Len()
			return nil
		})
	})
	if loadErr != nil || sizeWhileLoading != 2 {
		t.Fatalf("while loading: %d keys (err %v), want 2", sizeWhileLoading, loadErr)
	}
	c := servertest.Dial(t, servertest.Addr(s))
	if got := c.Do("MGET", "k", "j"); got != "*2\r\n$-1\r\n$-1\r\n" {
		t.Fatalf("after loading MGET = %q", got)
	}
	// Both keys expire in one command: their DELs are one unit, as in
	// Redis 7.0.
	servertest.ExpectPropagated(t, rec, "0: MULTI", "0: DEL k", "0: DEL j", "0: EXEC")
}
