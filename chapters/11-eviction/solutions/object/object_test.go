package object

import (
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
)

// session is the same commands on the layer and on redis-server: the
// counter of a new key, its first increment (certain: below LFU_INIT_VAL
// + 1 the probability is 1), and the errors when the policy keeps the
// other kind of data.
var session = []struct{ args []string }{
	{[]string{"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}},
	{[]string{"SET", "k", "v"}},
	{[]string{"OBJECT", "FREQ", "k"}},
	{[]string{"GET", "k"}},
	{[]string{"OBJECT", "FREQ", "k"}},
	{[]string{"OBJECT", "FREQ", "nope"}},
	{[]string{"OBJECT", "IDLETIME", "k"}},
	{[]string{"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}},
	{[]string{"OBJECT", "FREQ", "k"}},
	{[]string{"SET", "fresh", "v"}},
	{[]string{"OBJECT", "IDLETIME", "fresh"}},
	{[]string{"OBJECT", "FREQ"}},
}

func run(t *testing.T, addr string) []string {
	c := servertest.Dial(t, addr)
	var out []string
	for _, s := range session {
		out = append(out, c.Do(s.args...))
	}
	return out
}

func TestFreqAndIdletimeMatchRedis(t *testing.T) {
	clock := servertest.NewClock(1_700_000_000_000)
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		ca := cache.Register(s)
		ev := evict.New(s, ca, evict.NewParams(s))
		t.Cleanup(ev.Close)
		Register(s, ca, ev)
	})
	got := run(t, servertest.Addr(s))
	want := run(t, servertest.StartRedis(t))
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%v: got %q, redis %q", session[i].args, got[i], want[i])
		}
	}
}

// TestIdletimeCountsSecondsSinceTheLastAccess uses the injected clock:
// idle time grows with the clock and a read starts it again, while OBJECT
// itself does not.
func TestIdletimeCountsSecondsSinceTheLastAccess(t *testing.T) {
	clock := servertest.NewClock(1_700_000_000_000)
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		ca := cache.Register(s)
		Register(s, ca, evict.New(s, ca, nil))
	})
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SET", "k", "v")
	clock.Advance(90 * time.Second)
	for _, want := range []string{":90\r\n", ":90\r\n"} { // OBJECT does not touch
		if got := c.Do("OBJECT", "IDLETIME", "k"); got != want {
			t.Fatalf("IDLETIME = %q, want %q", got, want)
		}
	}
	c.Do("GET", "k")
	if got := c.Do("OBJECT", "IDLETIME", "k"); got != ":0\r\n" {
		t.Fatalf("IDLETIME after GET = %q", got)
	}
}
