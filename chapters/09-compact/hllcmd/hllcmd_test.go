package hllcmd_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestHLLCommandsPropagateAsRedis checks what reaches the AOF, as read
// from redis-server 7.0.15's appendonly file after the same commands:
// PFADD when a register changed or the key was made, PFCOUNT of one key
// when it refreshed the cached count (that changes the value), PFMERGE
// always, PFDEBUG when it turned a value dense.
func TestHLLCommandsPropagateAsRedis(t *testing.T) {
	s, rec := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	tests := []struct {
		cmd   []string
		reply string
		want  []string
	}{
		{[]string{"PFADD", "h", "a", "b", "c"}, ":1\r\n", []string{"0: PFADD h a b c"}},
		{[]string{"PFADD", "h", "a"}, ":0\r\n", nil},
		{[]string{"PFADD", "e"}, ":1\r\n", []string{"0: PFADD e"}},
		{[]string{"PFADD", "e"}, ":0\r\n", nil},
		{[]string{"PFCOUNT", "h"}, ":3\r\n", []string{"0: PFCOUNT h"}},
		{[]string{"PFCOUNT", "h"}, ":3\r\n", nil},
		{[]string{"PFCOUNT", "h", "e", "nokey"}, ":3\r\n", nil},
		{[]string{"PFMERGE", "m", "h"}, "+OK\r\n", []string{"0: PFMERGE m h"}},
		{[]string{"PFDEBUG", "ENCODING", "m"}, "+sparse\r\n", nil},
		{[]string{"PFDEBUG", "TODENSE", "m"}, ":1\r\n", []string{"0: PFDEBUG TODENSE m"}},
		{[]string{"PFDEBUG", "TODENSE", "m"}, ":0\r\n", nil},
		{[]string{"PFDEBUG", "DECODE", "m"}, "-ERR HLL encoding is not sparse\r\n", nil},
		{[]string{"SET", "s", "abc"}, "+OK\r\n", []string{"0: SET s abc"}},
		{[]string{"PFADD", "s", "a"}, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", nil},
		{[]string{"SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"}, "+OK\r\n", []string{"0: SET bad ?"}},
		{[]string{"PFCOUNT", "bad"}, "-INVALIDOBJ Corrupted HLL object detected\r\n", nil},
		{[]string{"PFSELFTEST"}, "+OK\r\n", nil},
	}
	for _, tc := range tests {
		if got := c.Do(tc.cmd...); got != tc.reply {
			t.Errorf("%q replied %q, want %q", tc.cmd, got, tc.reply)
		}
		servertest.ExpectPropagated(t, rec, tc.want...)
	}
	// hll-sparse-max-bytes takes a memory value, as in Redis.
	c.Do("CONFIG", "SET", "hll-sparse-max-bytes", "3kb")
	if got := c.Do("CONFIG", "GET", "hll-sparse-max-bytes"); got != "*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3072\r\n" {
		t.Errorf("CONFIG GET hll-sparse-max-bytes after 3kb = %q", got)
	}
	if got := c.Do("PFDEBUG", "GETREG", "m"); !strings.HasPrefix(got, "*16384\r\n") {
		t.Errorf("PFDEBUG GETREG replied %.40q, want 16384 registers", got)
	}
}
