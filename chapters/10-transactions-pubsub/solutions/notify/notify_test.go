package notify

import (
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

func TestChangesArePublished(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		multi.Register(s, ca)
		Register(s, pubsub.Register(s))
	})
	addr := servertest.Addr(s)
	sub, c := servertest.Dial(t, addr), servertest.Dial(t, addr)
	if got := sub.Do("PSUBSCRIBE", "__keyspace@*"); got != "*3\r\n$10\r\npsubscribe\r\n$12\r\n__keyspace@*\r\n:1\r\n" {
		t.Fatalf("PSUBSCRIBE = %q", got)
	}
	c.Do("SET", "a", "1")
	c.Do("INCR", "a")
	c.Do("INCR", "nope", "extra") // refused: nothing ran
	c.Do("SET", "s", "x")
	c.Do("INCR", "s") // ran, failed, changed nothing
	c.Do("DEL", "missing")
	c.Do("MULTI")
	c.Do("DEL", "a", "s")
	c.Do("EXEC")
	c.Do("SELECT", "3")
	c.Do("SET", "b", "2")
	for _, want := range [][2]string{
		{"__keyspace@0__:a", "set"}, {"__keyspace@0__:a", "incr"}, {"__keyspace@0__:s", "set"},
		{"__keyspace@0__:a", "del"}, {"__keyspace@0__:s", "del"}, {"__keyspace@3__:b", "set"},
	} {
		msg := "*4\r\n$8\r\npmessage\r\n$12\r\n__keyspace@*\r\n" + bulk(want[0]) + bulk(want[1])
		if got := sub.ReadRaw(); got != msg {
			t.Fatalf("got %q, want %q", got, msg)
		}
	}
}

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
