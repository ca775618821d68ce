// Package chapter10 is this chapter's server as a layer: chapter 09's
// plus transactions, Pub/Sub and MONITOR.
package chapter10

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/09-compact/chapter09"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/monitor"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

// Register adds chapter 09's layers, then MULTI/EXEC and WATCH, Pub/Sub
// and MONITOR, to s.
func Register(s *server.Server, ca *cache.Cache) {
	chapter09.Register(s, ca)
	multi.Register(s, ca) // MULTI/EXEC/DISCARD, and WATCH over ca's databases
	pubsub.Register(s)    // SUBSCRIBE, PUBLISH ... and client-output-buffer-limit
	monitor.Register(s)   // MONITOR
}
