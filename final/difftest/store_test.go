package difftest_test

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// A STORE command whose result is empty deletes its destination: a
// change WATCH sees when the destination was there, none when it was
// not, as in Redis. A command that only reads its sources changes none.
func TestEmptyStoreResultIsAChangeForWatch(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, setup)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	var seqs [][][]string
	for _, store := range [][]string{
		{"ZRANGESTORE", "d", "z", "5", "9"}, {"ZDIFFSTORE", "d", "2", "z", "z"}, {"ZINTERSTORE", "d", "2", "z", "no"},
		{"ZUNIONSTORE", "d", "1", "no"}, {"SORT", "z", "LIMIT", "5", "5", "STORE", "d"}, {"SORT", "no", "STORE", "d"},
	} {
		seqs = append(seqs,
			[][]string{{"ZADD", "z", "1", "a"}, {"SET", "d", "x"}, {"WATCH", "d"}, store, {"MULTI"}, {"PING"}, {"EXEC"}, {"EXISTS", "d"}},
			[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "d"}, store, {"MULTI"}, {"PING"}, {"EXEC"}},
			[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "z"}, store, {"MULTI"}, {"PING"}, {"EXEC"}})
	}
	seqs = append(seqs,
		[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "z"}, {"ZUNION", "1", "z"}, {"ZINTERCARD", "1", "z"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "z", "n"}, {"ZMPOP", "2", "n", "z", "MIN"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		[][]string{{"WATCH", "n"}, {"ZMPOP", "1", "n", "MIN"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "z"}, {"SORT", "z", "ALPHA"}, {"SORT_RO", "z"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		[][]string{{"ZADD", "z", "1", "a"}, {"WATCH", "d"}, {"SORT", "z", "STORE", "d"}, {"MULTI"}, {"PING"}, {"EXEC"}})
	p.SameSequences(seqs)
}
