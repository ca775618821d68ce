package bitcmd_test

import (
	"fmt"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestBitCommandsPropagateAsRedis checks what reaches the AOF, as read
// from redis-server 7.0.15's appendonly file after the same commands:
// SETBIT and BITFIELD only when a field changed or the string grew (a
// refused OVERFLOW FAIL counts for nothing), BITOP when it stored or
// deleted the destination.
func TestBitCommandsPropagateAsRedis(t *testing.T) {
	s, rec := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	tests := []struct {
		cmd   []string
		reply string
		want  []string
	}{
		{[]string{"SETBIT", "b", "3", "1"}, ":0\r\n", []string{"0: SETBIT b 3 1"}},
		{[]string{"SETBIT", "b", "3", "1"}, ":1\r\n", nil},
		{[]string{"SETBIT", "b", "20", "0"}, ":0\r\n", []string{"0: SETBIT b 20 0"}},
		{[]string{"SETBIT", "b", "-1", "0"}, "-ERR bit offset is not an integer or out of range\r\n", nil},
		{[]string{"SETBIT", "b", "4294967296", "0"}, "-ERR bit offset is not an integer or out of range\r\n", nil},
		{[]string{"SETBIT", "b", "1", "2"}, "-ERR bit is not an integer or out of range\r\n", nil},
		{[]string{"BITFIELD", "b", "GET", "u8", "0"}, "*1\r\n:16\r\n", nil},
		{[]string{"BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"}, "*1\r\n$-1\r\n", nil},
		{[]string{"BITFIELD", "b", "SET", "u8", "0", "16"}, "*1\r\n:16\r\n", nil},
		{[]string{"BITFIELD", "b", "INCRBY", "u8", "0", "1"}, "*1\r\n:17\r\n", []string{"0: BITFIELD b INCRBY u8 0 1"}},
		{[]string{"BITFIELD", "b", "SET", "u8", "#9", "0"}, "*1\r\n:0\r\n", []string{"0: BITFIELD b SET u8 #9 0"}},
		{[]string{"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "5"}, "*1\r\n$-1\r\n", nil},
		{[]string{"STRLEN", "f"}, ":13\r\n", nil},
		{[]string{"BITFIELD_RO", "b", "SET", "u8", "0", "1"}, "-ERR BITFIELD_RO only supports the GET subcommand\r\n", nil},
		{[]string{"BITOP", "AND", "d", "b"}, ":10\r\n", []string{"0: BITOP AND d b"}},
		{[]string{"BITOP", "AND", "d", "nokey"}, ":0\r\n", []string{"0: BITOP AND d nokey"}},
		{[]string{"BITOP", "AND", "d", "nokey"}, ":0\r\n", nil},
		{[]string{"BITOP", "NOT", "d", "b", "b"}, "-ERR BITOP NOT must be called with a single source key.\r\n", nil},
	}
	for _, tc := range tests {
		if got := c.Do(tc.cmd...); got != tc.reply {
			t.Errorf("%q replied %q, want %q", tc.cmd, got, tc.reply)
		}
		if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q propagated %q, want %q", tc.cmd, got, tc.want)
		}
	}
}
