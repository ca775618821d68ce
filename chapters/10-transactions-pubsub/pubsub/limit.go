package pubsub

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/outlimit"
)

// Limit is the pub/sub class of client-output-buffer-limit (see
// outlimit.Limit): a subscriber whose unsent output passes it is
// disconnected.
type Limit = outlimit.Limit

// DefaultLimit is Redis's "pubsub 32mb 8mb 60".
var DefaultLimit = outlimit.Defaults.PubSub

// Param is the client-output-buffer-limit parameter for CONFIG GET/SET, in
// Redis's format: "normal 0 0 0 slave 268435456 67108864 60 pubsub
// 33554432 8388608 60". Only the pubsub class acts here; the other two
// are kept so that CONFIG GET shows what CONFIG SET was given.
func (ps *PubSub) Param() *server.Param {
	limits := func() outlimit.Limits {
		return outlimit.Limits{Normal: ps.others[0], Replica: ps.others[1], PubSub: ps.Limit}
	}
	return &server.Param{
		Name: "client-output-buffer-limit",
		Get:  func() string { return limits().String() },
		Set: func(v string) error {
			l, err := outlimit.Parse(v, limits())
			if err != nil {
				return err
			}
			ps.others[0], ps.others[1], ps.Limit = l.Normal, l.Replica, l.PubSub
			return nil
		},
	}
}
