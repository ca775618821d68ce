package db_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// LCS answers as redis-server: the string, LEN, and IDX's matches in
// Redis's order (from the ends of the strings back) with MINMATCHLEN
// and WITHMATCHLEN, in RESP2 and RESP3, and its errors.
func TestLCSMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := start(t)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	long := strings.Repeat("ab", 300)
	p.SameSequences([][][]string{
		{{"SET", "a", "ohmytext"}, {"SET", "b", "mynewtext"}, {"LCS", "a", "b"}, {"LCS", "a", "b", "LEN"}, {"LCS", "a", "b", "IDX"},
			{"LCS", "a", "b", "idx", "MINMATCHLEN", "4"}, {"LCS", "a", "b", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"},
			{"LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-5"}, {"LCS", "a", "b", "WITHMATCHLEN"}, {"LCS", "a", "b", "MINMATCHLEN", "1"},
			{"LCS", "a", "b", "IDX", "LEN"}, {"LCS", "a", "b", "LEN", "LEN"}, {"LCS", "a", "b", "MINMATCHLEN"}, {"LCS", "a", "b", "MINMATCHLEN", "x"},
			{"LCS", "a", "b", "FOO"}, {"LCS", "a", "no"}, {"LCS", "no", "no2", "IDX"}, {"LCS", "no", "no2", "LEN"}, {"LCS", "a", "a", "IDX", "WITHMATCHLEN"},
			{"LPUSH", "l", "x"}, {"LCS", "a", "l"}, {"LCS", "l", "no", "FOO"}, {"SET", "n", "12345"}, {"SET", "m", "2x4"}, {"LCS", "n", "m", "IDX"}},
		{{"SET", "x", "aaaa"}, {"SET", "y", "aa"}, {"LCS", "x", "y", "IDX", "WITHMATCHLEN"}, {"SET", "x", "abcabcabc"}, {"SET", "y", "cbacba"},
			{"LCS", "x", "y"}, {"LCS", "x", "y", "IDX", "WITHMATCHLEN"}, {"SET", "x", long}, {"SET", "y", "b" + long[:400] + "zz" + long[:100]},
			{"LCS", "x", "y", "LEN"}, {"LCS", "x", "y", "IDX", "MINMATCHLEN", "50", "WITHMATCHLEN"}, {"SET", "x", ""}, {"LCS", "x", "y", "IDX"}},
	})
}
