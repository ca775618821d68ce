// Package notify is exercise 2 of chapter 10: a small version of Redis's
// keyspace notifications. After each command that changed data, the
// command's name, lowercased, is published on the keyspace channel of
// each key the command names: __keyspace@<db>__:<key>.
//
// The place of the command path that says "this command changed data" is
// the call observer: Called runs after every command, EXEC's queued ones
// included, with changed true when the command propagated something. So a
// failed INCR or a DEL of a missing key publishes nothing.
package notify

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

type notifier struct {
	ps *pubsub.PubSub
}

// Register makes s publish keyspace events through ps.
func Register(s *server.Server, ps *pubsub.PubSub) {
	s.ObserveCalls(notifier{ps})
}

// Called is the server.CallObserver method.
func (n notifier) Called(c *server.Client, cmd *server.Command, changed bool) {
	if !changed {
		return
	}
	event := []byte(strings.ToLower(cmd.Name))
	prefix := "__keyspace@" + strconv.Itoa(c.DB) + "__:"
	for _, i := range cmd.Keys(len(c.Args)) {
		n.ps.Publish([]byte(prefix+string(c.Args[i])), event)
	}
}
