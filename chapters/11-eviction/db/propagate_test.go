package db_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
	"github.com/gocache/gocache/chapters/09-compact/hllcmd"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

const clockStart = 1_700_000_000_000

func startClocked(t *testing.T) (*server.Server, *db.Keys, *servertest.Clock, *servertest.Recorder) {
	clock := servertest.NewClock(clockStart)
	var rec *servertest.Recorder
	var k *db.Keys
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		rec = servertest.RecordPropagated(s)
		ca := cache.Register(s)
		k = db.Register(s, ca)
		bitcmd.Register(s, ca) // go-redis's bitmap and HyperLogLog calls
		hllcmd.Register(s, ca)
		addFakeList(s, k)
	})
	return s, k, clock, rec
}

// TestPropagatedForms checks what the AOF sees for each write, in the
// forms redis-server 7.0 writes to its AOF: relative times become
// absolute, GETEX becomes PEXPIREAT/PERSIST/DEL, INCRBYFLOAT becomes
// SET ... KEEPTTL, and commands that change nothing are not propagated.
func TestPropagatedForms(t *testing.T) {
	s, _, _, rec := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	abs := func(d int64) string { return strconv.FormatInt(clockStart+d, 10) }
	tests := []struct {
		cmd  []string
		want []string
	}{
		{[]string{"SET", "k", "v", "PXAT", "99999999999999", "NX", "GET"}, []string{"0: SET k v PXAT 99999999999999"}},
		{[]string{"GETSET", "k", "w"}, []string{"0: SET k w"}},
		{[]string{"SETEX", "s", "100", "v"}, []string{"0: SET s v PXAT " + abs(100_000)}},
		{[]string{"PSETEX", "s", "100", "v"}, []string{"0: SET s v PXAT " + abs(100)}},
		{[]string{"SETEX", "s", "0", "v"}, nil},
		{[]string{"GETEX", "k", "EX", "10"}, []string{"0: PEXPIREAT k " + abs(10_000)}},
		{[]string{"GETEX", "k", "PXAT", "99999999999999"}, []string{"0: PEXPIREAT k 99999999999999"}},
		{[]string{"GETEX", "k"}, nil},
		{[]string{"GETEX", "k", "PERSIST"}, []string{"0: PERSIST k"}},
		{[]string{"GETEX", "k", "PERSIST"}, nil},
		{[]string{"GETEX", "k", "EXAT", "1"}, []string{"0: DEL k"}},
		{[]string{"GETEX", "k", "EX", "10"}, nil},
		{[]string{"SET", "f", "1.5"}, []string{"0: SET f 1.5"}},
		{[]string{"INCRBYFLOAT", "f", "1.1"}, []string{"0: SET f 2.6 KEEPTTL"}},
		{[]string{"INCRBYFLOAT", "f", "x"}, nil},
		{[]string{"GETDEL", "f"}, []string{"0: DEL f"}},
		{[]string{"GETDEL", "f"}, nil},
		{[]string{"SETNX", "n", "1"}, []string{"0: SETNX n 1"}},
		{[]string{"SETNX", "n", "1"}, nil},
		{[]string{"MSETNX", "m1", "1", "m2", "2"}, []string{"0: MSETNX m1 1 m2 2"}},
		{[]string{"MSETNX", "m1", "1"}, nil},
		{[]string{"SETRANGE", "r", "2", "ab"}, []string{"0: SETRANGE r 2 ab"}},
		{[]string{"SETRANGE", "r", "0", ""}, nil},
		{[]string{"UNLINK", "r", "zz"}, []string{"0: UNLINK r zz"}},
		{[]string{"UNLINK", "r"}, nil},
		{[]string{"RENAME", "n", "n2"}, []string{"0: RENAME n n2"}},
		{[]string{"RENAME", "n2", "n2"}, nil},
		{[]string{"RENAMENX", "n2", "m1"}, nil},
		{[]string{"COPY", "n2", "c", "DB", "3"}, []string{"0: COPY n2 c DB 3"}},
		{[]string{"COPY", "n2", "c", "DB", "3"}, nil},
		{[]string{"MOVE", "n2", "3"}, []string{"0: MOVE n2 3"}},
		{[]string{"MOVE", "nokey", "3"}, nil},
		{[]string{"TOUCH", "m1"}, nil},
		{[]string{"SWAPDB", "0", "1"}, []string{"0: SWAPDB 0 1"}},
		{[]string{"SWAPDB", "2", "2"}, []string{"0: SWAPDB 2 2"}},
		{[]string{"FLUSHDB"}, []string{"0: FLUSHDB"}},
		{[]string{"FLUSHDB", "ASYNC"}, []string{"0: FLUSHDB ASYNC"}},
		{[]string{"SELECT", "3"}, nil},
		{[]string{"GETDEL", "c"}, []string{"3: DEL c"}},
	}
	for _, tc := range tests {
		c.Do(tc.cmd...)
		got := rec.Take()
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q propagated %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// TestExpiredKeysPropagateAsDEL: a key whose time passed reaches the
// propagators as DEL in its own database, whether a command finds it
// (lazy expiry, also inside RENAME, MOVE and COPY's lookups in another
// database) or the active cycle does.
func TestExpiredKeysPropagateAsDEL(t *testing.T) {
	s, _, clock, rec := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	for _, cmd := range [][]string{
		{"SET", "a", "1", "PX", "100"}, {"SET", "b", "1", "PX", "100"}, {"SELECT", "2"},
		{"SET", "m", "1", "PX", "100"}, {"SET", "live", "1"}, {"SELECT", "0"}, {"SET", "m", "0"},
	} {
		c.Do(cmd...)
	}
	rec.Take()
	clock.Advance(time.Second)
	tests := []struct {
		cmd   []string
		reply string
		want  []string
	}{
		{[]string{"GETEX", "a", "PERSIST"}, "$-1\r\n", []string{"0: DEL a"}},
		// The DEL of a key expired during a command and the command itself
		// are one unit: Redis 7.0 wraps them in MULTI/EXEC.
		{[]string{"MOVE", "m", "2"}, ":1\r\n", []string{"2: MULTI", "2: DEL m", "0: MOVE m 2", "0: EXEC"}},
		{[]string{"RENAME", "b", "x"}, "-ERR no such key\r\n", []string{"0: DEL b"}},
	}
	for _, tc := range tests {
		if got := c.Do(tc.cmd...); got != tc.reply {
			t.Errorf("%q replied %q, want %q", tc.cmd, got, tc.reply)
		}
		if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q propagated %q, want %q", tc.cmd, got, tc.want)
		}
	}

	// The active cycle: nobody touches the key; poll until it is gone.
	c.Do("SELECT", "5")
	c.Do("SET", "gone", "1", "PX", "10")
	rec.Take()
	clock.Advance(time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for c.Do("DBSIZE") != ":0\r\n" {
		if time.Now().After(deadline) {
			t.Fatal("the active expiry cycle did not remove the key within 5s")
		}
		time.Sleep(10 * time.Millisecond) // polling interval
	}
	if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint([]string{"5: DEL gone"}) {
		t.Errorf("active expiry propagated %q, want [5: DEL gone]", got)
	}
}
