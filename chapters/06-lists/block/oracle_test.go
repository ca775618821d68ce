package block_test

import (
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/block/blocktest"
)

// TestImmediateLikeRedis checks the paths that do not block: a key that
// holds something is popped at once, and bad arguments get Redis's
// errors, in Redis's order of checks, in both protocols.
func TestImmediateLikeRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		sameAsRedis(t, func(s *blocktest.Session) {
			if proto == 3 {
				s.RESP3(0)
			}
			steps := [][]string{
				{"RPUSH", "l", "a", "b", "c", "d", "e"},
				{"BLPOP", "l", "0"},
				{"BRPOP", "nokey", "l", "0"},
				{"BLPOP", "l", "l", "0.5"},
				{"BLMPOP", "0", "2", "nokey", "l", "RIGHT", "COUNT", "5"},
				{"EXISTS", "l"},
				{"SET", "s", "v"},
				{"RPUSH", "l", "x"},
				{"BLPOP", "s", "l", "0"},
				{"BLPOP", "nokey", "s", "0"},
				{"BZPOPMIN", "s", "0"},
				{"BLMPOP", "0", "1", "s", "LEFT"},
				{"BZMPOP", "0", "1", "s", "MIN"},
				{"RPUSH", "src", "x", "y", "z"},
				{"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"},
				{"BLMOVE", "src", "dst", "left", "left", "0"},
				{"BLMOVE", "src", "s", "LEFT", "LEFT", "0"},
				{"BLMOVE", "s", "dst", "LEFT", "LEFT", "0"},
				{"BLMOVE", "src", "dst", "UP", "LEFT", "0"},
				{"BLMOVE", "src", "dst", "LEFT", "LEFT", "-1"},
				{"BRPOPLPUSH", "src", "src", "0"},
				{"BRPOPLPUSH", "src", "dst", "0"},
				{"LRANGE", "dst", "0", "-1"},
				{"EXISTS", "src"},
				{"ZADD", "z", "1", "a", "2.5", "b", "3", "c", "4", "d"},
				{"BZPOPMIN", "nokey", "z", "0"},
				{"BZPOPMAX", "z", "0"},
				{"BZMPOP", "0", "1", "z", "MIN", "COUNT", "10"},
				{"EXISTS", "z"},
				{"BLMPOP", "0", "0", "l", "LEFT"},
				{"BLMPOP", "0", "x", "l", "LEFT"},
				{"BLMPOP", "0", "2", "l", "LEFT"},
				{"BLMPOP", "0", "1", "l", "UP"},
				{"BLMPOP", "0", "1", "l", "LEFT", "COUNT", "0"},
				{"BLMPOP", "0", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"},
				{"BLMPOP", "0", "1", "l", "LEFT", "EXTRA"},
				{"BLMPOP", "x", "1", "l", "LEFT"},
				{"BLMPOP", "-1", "1", "l", "LEFT", "COUNT", "x"},
				{"BZMPOP", "0", "1", "z", "MID"},
				{"BZMPOP", "-1", "1", "z", "MAX"},
				{"BZMPOP", "0", "-3", "z", "MAX"},
				{"BLPOP", "l"},
				{"BZPOPMAX", "z"},
				{"BLMOVE", "a", "b", "LEFT", "LEFT"},
				{"BLMPOP", "0", "1", "l"},
			}
			for _, st := range steps {
				s.Do(0, st...)
			}
		})
	}
}

// TestTimeoutArgumentLikeRedis runs the timeout argument through Redis's
// parser cases; inside MULTI every valid one answers null at once, so
// each is checked without waiting.
func TestTimeoutArgumentLikeRedis(t *testing.T) {
	timeouts := []string{
		"0", "1", "0.5", "-0", "-0.0001", "0.0001", "+1", ".5", "5.", "1e3", "0x10", "0x1p3", "0x.8",
		"1e-400", "9e15", "abc", "", " 1", "1 ", "1.5.5", "0x", "1e", "1e+", "nan", "-nan", "NaN",
		"-1", "-1.5", "inf", "-inf", "Infinity", "1e400", "1e5000", "1e-5000", "9223372036854775807",
		"9.3e15", "1e16", "-1e30", "1_000", "0b1", "1p3", "0x1e3",
	}
	sameAsRedis(t, func(s *blocktest.Session) {
		for _, to := range timeouts {
			s.Do(0, "MULTI")
			s.Do(0, "BLPOP", "nokey", to)
			s.Do(0, "BZPOPMIN", "nokey", to)
			s.Do(0, "BLMOVE", "nokey", "d", "LEFT", "LEFT", to)
			s.Do(0, "BRPOPLPUSH", "nokey", "d", to)
			s.Do(0, "BLMPOP", to, "1", "nokey", "LEFT")
			s.Do(0, "BZMPOP", to, "1", "nokey", "MIN")
			s.Do(0, "EXEC")
		}
	})
}

// TestServedLikeRedis plays blocking scenarios against both servers:
// who is served, in which order, with which reply, and what is left.
func TestServedLikeRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		sameAsRedis(t, func(s *blocktest.Session) {
			if proto == 3 {
				for i := 1; i <= 3; i++ {
					s.RESP3(i)
				}
			}
			// FIFO: three clients, one push of three elements.
			s.Block(1, 1, "BLPOP", "k", "0")
			s.Block(2, 2, "BRPOP", "k", "0")
			s.Block(3, 3, "BLPOP", "other", "k", "0")
			s.Do(0, "RPUSH", "k", "a", "b", "c", "d")
			s.Read(1)
			s.Read(2)
			s.Read(3)
			s.Do(0, "LRANGE", "k", "0", "-1")

			// The first key that becomes ready serves a client waiting
			// on several; in a transaction, after EXEC.
			s.Do(0, "DEL", "k")
			s.Block(1, 1, "BLPOP", "k1", "k2", "0")
			s.Do(0, "MULTI")
			s.Do(0, "RPUSH", "k2", "x")
			s.Do(0, "RPUSH", "k1", "y")
			s.Do(0, "LLEN", "k2")
			s.Do(0, "EXEC")
			s.Read(1)
			s.Do(0, "LRANGE", "k1", "0", "-1")
			s.Do(0, "EXISTS", "k2")

			// A BLMOVE chain: the move wakes a client on its destination.
			s.Block(1, 1, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0")
			s.Block(2, 2, "BRPOPLPUSH", "b", "c", "0")
			s.Block(3, 3, "BLPOP", "c", "0")
			s.Do(0, "RPUSH", "a", "v")
			s.Read(1)
			s.Read(2)
			s.Read(3)
			s.Do(0, "EXISTS", "a", "b", "c")

			// Sorted sets, and a list client waiting on the same key.
			s.Block(1, 1, "BZPOPMIN", "z", "0")
			s.Block(2, 2, "BLPOP", "z", "0")
			s.Block(3, 3, "BZMPOP", "0", "1", "z", "MAX", "COUNT", "5")
			s.Do(0, "ZADD", "z", "1.5", "m1", "2", "m2", "3", "m3")
			s.Read(1)
			s.Read(3)
			s.Do(0, "RPUSH", "z", "oops")
			s.Do(0, "DEL", "z")
			s.Do(0, "RPUSH", "z", "l1", "l2")
			s.Read(2)
			s.Do(0, "LRANGE", "z", "0", "-1")

			// BLMPOP with a count larger than the list.
			s.Block(1, 1, "BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "10")
			s.Do(0, "RPUSH", "m2", "1", "2", "3")
			s.Read(1)

			// A destination of the wrong type: WRONGTYPE, nothing moves.
			s.Do(0, "DEL", "z")
			s.Block(1, 1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
			s.Do(0, "SET", "dst", "string")
			s.Do(0, "RPUSH", "src", "e")
			s.Read(1)
			s.Do(0, "LRANGE", "src", "0", "-1")

			// Timeouts, and the commands pipelined behind a blocked one.
			s.Do(1, "BLPOP", "t", "0.02")
			s.Do(1, "BLMOVE", "t", "u", "LEFT", "LEFT", "0.02")
			s.Do(1, "BZMPOP", "0.02", "1", "t", "MIN")
			s.Conn(2).Send("*3\r\n$5\r\nBLPOP\r\n$1\r\nt\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
			s.WaitBlocked(1)
			s.Do(0, "LPUSH", "t", "w")
			s.Read(2)
			s.Read(2)
		})
	}
}
