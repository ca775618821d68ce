// Package history is exercise 1 of chapter 10: pub/sub keeps nothing, so
// a subscriber that connects late has missed everything said before. This
// layer remembers the last messages of each channel and adds
//
//	HISTORY channel
//
// which answers them, oldest first. It extends PUBLISH the way package
// pubsub extends PING: it replaces the command with one that records the
// message and then runs the original.
package history

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// History holds the last messages of each channel.
type History struct {
	keep     int
	channels map[string][][]byte
}

// Register keeps the last keep messages of each channel published on s.
// It must come after pubsub.Register, whose PUBLISH it wraps.
func Register(s *server.Server, keep int) *History {
	h := &History{keep: keep, channels: map[string][][]byte{}}
	publish := s.Commands["publish"]
	wrapped := *publish
	wrapped.Run = func(c *server.Client) {
		h.record(string(c.Args[1]), c.Args[2])
		publish.Run(c)
	}
	s.Commands.Replace(&wrapped)
	s.Commands.Add(&server.Command{Name: "history", Arity: 2, Flags: server.Loading | server.Stale | server.ReadOnly,
		Group: "pubsub", Run: h.history})
	return h
}

// record appends a copy of the message (the client's buffer is reused for
// its next command), dropping the oldest beyond keep.
func (h *History) record(channel string, msg []byte) {
	list := append(h.channels[channel], append([]byte(nil), msg...))
	if len(list) > h.keep {
		list = append(list[:0], list[len(list)-h.keep:]...)
	}
	h.channels[channel] = list
}

func (h *History) history(c *server.Client) {
	list := h.channels[string(c.Args[1])]
	c.W.Array(len(list))
	for _, m := range list {
		c.W.Bulk(m)
	}
}
