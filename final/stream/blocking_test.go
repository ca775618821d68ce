package stream_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/block/blocktest"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/final/stream"
)

// blockingLayers are what the blocking stream reads are tested with:
// streams waiting in chapter 06's blocking layer, transactions (BLOCK
// inside MULTI) and SWAPDB.
func blockingLayers(s *server.Server, ca *cache.Cache, b *block.Block) {
	stream.Register(s, ca).BlockIn(b)
	multi.Register(s, ca)
	db.Register(s, ca)
}

// TestStreamsBlockLikeRedis plays XREAD and XREADGROUP with BLOCK against
// gocache and redis-server: first blocked first served, every XREAD
// reader served by one XADD, one XREADGROUP reader per new entry, the
// errors when the group or the key goes away, timeouts, and the
// non-blocking answer inside MULTI, in both protocols.
func TestStreamsBlockLikeRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		blocktest.SameAsRedis(t, blockingLayers, func(s *blocktest.Session) {
			if proto == 3 {
				for i := 0; i < 4; i++ {
					s.RESP3(i)
				}
			}
			s.Do(0, "XADD", "s", "1-1", "f", "v")
			s.Do(0, "XGROUP", "CREATE", "s", "g", "$")

			// Two XREADs and two XREADGROUPs of one group wait on s.
			s.Block(1, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.Block(2, 2, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "s", "0", "$")
			s.Block(3, 3, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
			s.Block(4, 4, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">")
			s.Do(0, "XADD", "s", "2-1", "f", "v2")
			s.Read(1)
			s.Read(2)
			s.Read(3) // alice, who blocked first, gets 2-1; bob waits on
			s.Do(0, "XPENDING", "s", "g")
			s.Do(0, "XADD", "s", "3-1", "f", "v3")
			s.Read(4)
			s.Do(0, "XINFO", "GROUPS", "s")

			// XGROUP DESTROY fails the group's blocked readers; XDEL or
			// XSETID wake no one.
			s.Block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.Do(0, "XSETID", "s", "9-9")
			s.Do(0, "XDEL", "s", "1-1")
			s.Do(0, "XGROUP", "DESTROY", "s", "g")
			s.Read(1)

			// A deleted or overwritten key fails XREADGROUP, not XREAD.
			s.Do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.Block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.Block(2, 2, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.Do(0, "SET", "s", "string now")
			s.Read(1)
			s.Do(0, "DEL", "s")
			s.Do(0, "XADD", "s", "10-1", "f", "again")
			s.Read(2)

			// FLUSHALL and SWAPDB take the stream away from XREADGROUP.
			s.Do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.Block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.Block(2, 2, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.Do(0, "FLUSHALL")
			s.Read(1)
			s.Do(0, "XADD", "s", "20-1", "f", "after flush")
			s.Read(2)
			s.Do(0, "XGROUP", "CREATE", "s", "g", "$")
			s.Block(1, 1, "XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "s", ">")
			s.Do(0, "SWAPDB", "0", "1")
			s.Read(1)
			s.Do(0, "SWAPDB", "0", "1")

			// Timeouts, and BLOCK inside a transaction.
			s.Do(1, "XREAD", "BLOCK", "10", "STREAMS", "s", "$")
			s.Do(1, "XGROUP", "CREATE", "s", "g", "$")
			s.Do(1, "XREADGROUP", "GROUP", "g", "dave", "BLOCK", "10", "STREAMS", "s", ">")
			s.Do(1, "MULTI")
			s.Do(1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			s.Do(1, "EXEC")
			s.Do(1, "XREAD", "BLOCK", "-1", "STREAMS", "s", "$")
			s.Do(1, "XREAD", "BLOCK", "x", "STREAMS", "s", "$")
		})
	}
}

// TestBlockedXReadGroupPropagatesClaims: a reader served after waiting
// reaches the AOF as the XCLAIM of what it was given.
func TestBlockedXReadGroupPropagatesClaims(t *testing.T) {
	f := blocktest.Start(t, blockingLayers)
	s := blocktest.NewSession(t, f.Addr)
	s.Do(0, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	f.Propagated()
	s.Block(1, 1, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	s.Do(0, "XADD", "s", "5-1", "f", "v")
	if got := s.Read(1); got != "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n" {
		t.Fatalf("served %q", got)
	}
	p := f.Propagated()
	if len(p) != 2 || p[0] != "XADD s 5-1 f v" || !strings.HasPrefix(p[1], "XCLAIM s g alice 0 5-1 TIME ") ||
		!strings.HasSuffix(p[1], " RETRYCOUNT 1 FORCE JUSTID LASTID 5-1") {
		t.Fatalf("propagated %q", p)
	}
}
