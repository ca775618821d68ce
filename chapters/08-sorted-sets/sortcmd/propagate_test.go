package sortcmd_test

import (
	"fmt"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/08-sorted-sets/sortcmd"
)

// SORT ... STORE reaches the AOF as sent, as redis-server 7.0 writes it:
// also when an empty result deletes the destination, not when there was
// nothing to delete; SORT without STORE and SORT_RO write nothing.
func TestSortStorePropagatesAsSent(t *testing.T) {
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		rec = servertest.RecordPropagated(s)
		ca := cache.Register(s)
		sortcmd.Register(s, ca, list.Register(s, ca))
	})
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("RPUSH", "l", "3", "1", "2")
	rec.Take()
	tests := []struct {
		cmd  []string
		want []string
	}{
		{[]string{"SORT", "l"}, nil},
		{[]string{"SORT_RO", "l", "BY", "nosort"}, nil},
		{[]string{"SORT", "l", "STORE", "d"}, []string{"0: SORT l STORE d"}},
		{[]string{"SORT", "l", "BY", "nosort", "STORE", "d"}, []string{"0: SORT l BY nosort STORE d"}},
		{[]string{"SORT", "no", "STORE", "d"}, []string{"0: SORT no STORE d"}},
		{[]string{"SORT", "no", "STORE", "d"}, nil},
		{[]string{"SORT", "l", "LIMIT", "5", "1", "STORE", "l"}, []string{"0: SORT l LIMIT 5 1 STORE l"}},
	}
	for _, tc := range tests {
		c.Do(tc.cmd...)
		if got := rec.Take(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q propagated %q, want %q", tc.cmd, got, tc.want)
		}
	}
}
