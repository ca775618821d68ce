package zset_test

import (
	"fmt"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// The new sorted-set writes reach the AOF in the forms redis-server 7.0
// writes there (checked with appendonly yes): the STORE commands as
// sent, also when an empty result deletes the destination, nothing when
// there was nothing to delete, and ZMPOP as ZPOPMIN/ZPOPMAX key n with n
// the number popped.
func TestAlgebraPropagatedForms(t *testing.T) {
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		rec = servertest.RecordPropagated(s)
		zset.Register(s, cache.Register(s))
	})
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("ZADD", "z", "1", "a", "2", "b", "3", "c")
	rec.Take()
	tests := []struct {
		cmd  []string
		want []string
	}{
		{[]string{"ZRANGESTORE", "d", "z", "1", "2", "BYSCORE"}, []string{"0: ZRANGESTORE d z 1 2 BYSCORE"}},
		{[]string{"ZRANGESTORE", "d", "z", "5", "9"}, []string{"0: ZRANGESTORE d z 5 9"}},
		{[]string{"ZRANGESTORE", "d", "z", "5", "9"}, nil},
		{[]string{"ZDIFFSTORE", "d", "1", "z"}, []string{"0: ZDIFFSTORE d 1 z"}},
		{[]string{"ZDIFFSTORE", "d", "2", "z", "z"}, []string{"0: ZDIFFSTORE d 2 z z"}},
		{[]string{"ZDIFFSTORE", "d", "2", "z", "z"}, nil},
		{[]string{"ZUNION", "1", "z"}, nil},
		{[]string{"ZINTERCARD", "1", "z"}, nil},
		{[]string{"ZMPOP", "2", "no", "z", "MIN", "COUNT", "2"}, []string{"0: ZPOPMIN z 2"}},
		{[]string{"ZMPOP", "1", "z", "MAX", "COUNT", "10"}, []string{"0: ZPOPMAX z 1"}},
		{[]string{"ZMPOP", "1", "z", "MAX"}, nil},
	}
	for _, tc := range tests {
		c.Do(tc.cmd...)
		if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q propagated %q, want %q", tc.cmd, got, tc.want)
		}
	}
}
