package history

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

func TestHistoryKeepsTheLastMessages(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		pubsub.Register(s)
		Register(s, 2)
	})
	addr := servertest.Addr(s)
	sub, c := servertest.Dial(t, addr), servertest.Dial(t, addr)
	sub.Do("SUBSCRIBE", "news")
	for i, m := range []string{"one", "two", "three"} {
		// PUBLISH still delivers, and still counts its receivers.
		if got := c.Do("PUBLISH", "news", m); got != ":1\r\n" {
			t.Fatalf("PUBLISH %d = %q", i, got)
		}
		want := "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$" + string(rune('0'+len(m))) + "\r\n" + m + "\r\n"
		if got := sub.ReadRaw(); got != want {
			t.Fatalf("message %d = %q, want %q", i, got, want)
		}
	}
	if got := c.Do("HISTORY", "news"); got != "*2\r\n$3\r\ntwo\r\n$5\r\nthree\r\n" {
		t.Errorf("HISTORY news = %q", got)
	}
	if got := c.Do("HISTORY", "weather"); got != "*0\r\n" {
		t.Errorf("HISTORY weather = %q", got)
	}
}
