package block_test

import (
	"strings"
	"testing"
)

// TestStreamsBlockLikeRedis plays XREAD and XREADGROUP with BLOCK against
// gocache and redis-server: first blocked first served, every XREAD
// reader served by one XADD, one XREADGROUP reader per new entry, the
// errors when the group or the key goes away, timeouts, and the
// non-blocking answer inside MULTI, in both protocols.
func TestStreamsBlockLikeRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		sameAsRedis(t, func(s *session) {
			if proto == 3 {
				for i := 0; i < 4; i++ {
					s.resp3(i)
				}
			}
			s.do(0, "XADD", "s", "1-1", "f", "v")
			s.do(0, "XGROUP", "CREATE", "s", "g", "$")

			// Two XREADs and two XREADGROUPs of one group wait on s.
			s.block(1, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.block(2, 2, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "s", "0", "$")
			s.block(3, 3, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
			s.block(4, 4, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">")
			s.do(0, "XADD", "s", "2-1", "f", "v2")
			s.read(1)
			s.read(2)
			s.read(3) // alice, who blocked first, gets 2-1; bob waits on
			s.do(0, "XPENDING", "s", "g")
			s.do(0, "XADD", "s", "3-1", "f", "v3")
			s.read(4)
			s.do(0, "XINFO", "GROUPS", "s")

			// XGROUP DESTROY fails the group's blocked readers; XDEL or
			// XSETID wake no one.
			s.block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.do(0, "XSETID", "s", "9-9")
			s.do(0, "XDEL", "s", "1-1")
			s.do(0, "XGROUP", "DESTROY", "s", "g")
			s.read(1)

			// A deleted or overwritten key fails XREADGROUP, not XREAD.
			s.do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.block(2, 2, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.do(0, "SET", "s", "string now")
			s.read(1)
			s.do(0, "DEL", "s")
			s.do(0, "XADD", "s", "10-1", "f", "again")
			s.read(2)

			// FLUSHALL and SWAPDB take the stream away from XREADGROUP.
			s.do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.block(2, 2, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.do(0, "FLUSHALL")
			s.read(1)
			s.do(0, "XADD", "s", "20-1", "f", "after flush")
			s.read(2)
			s.do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.do(0, "SWAPDB", "0", "1")
			s.read(1)
			s.do(0, "SWAPDB", "0", "1")

			// Timeouts, and BLOCK inside a transaction.
			s.do(1, "XREAD", "BLOCK", "10", "STREAMS", "s", "$")
			s.do(1, "XGROUP", "CREATE", "s", "g", "$")
			s.do(1, "XREADGROUP", "GROUP", "g", "dave", "BLOCK", "10", "STREAMS", "s", ">")
			s.do(1, "MULTI")
			s.do(1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.do(1, "EXEC")
			s.do(1, "XREAD", "BLOCK", "-1", "STREAMS", "s", "$")
			s.do(1, "XREAD", "BLOCK", "x", "STREAMS", "s", "$")
		})
	}
}

// TestBlockedXReadGroupPropagatesClaims: a reader served after waiting
// reaches the AOF as the XCLAIM of what it was given.
func TestBlockedXReadGroupPropagatesClaims(t *testing.T) {
	f := start(t)
	s := newSession(t, f.addr)
	s.do(0, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	f.propagated()
	s.block(1, 1, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	s.do(0, "XADD", "s", "5-1", "f", "v")
	if got := s.read(1); got != "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n" {
		t.Fatalf("served %q", got)
	}
	p := f.propagated()
	if len(p) != 2 || p[0] != "XADD s 5-1 f v" || !strings.HasPrefix(p[1], "XCLAIM s g alice 0 5-1 TIME ") ||
		!strings.HasSuffix(p[1], " RETRYCOUNT 1 FORCE JUSTID LASTID 5-1") {
		t.Fatalf("propagated %q", p)
	}
}
