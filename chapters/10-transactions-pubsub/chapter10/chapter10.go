// Package chapter10 is this chapter's server as a layer: chapter 09's
// plus transactions, Pub/Sub and MONITOR, and the two layers built on
// them: keyspace notifications and client-side caching.
package chapter10

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/09-compact/chapter09"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/monitor"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/notify"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/tracking"
)

// Layers are the parts of this chapter's server that later chapters
// hook into: chapter 11's evictor announces its evictions through Notify.
type Layers struct {
	Notify   *notify.Notifier
	Tracking *tracking.Tracker
}

// Register adds chapter 09's layers, then MULTI/EXEC and WATCH, Pub/Sub,
// MONITOR, keyspace notifications and CLIENT TRACKING, to s.
func Register(s *server.Server, ca *cache.Cache) Layers {
	chapter09.Register(s, ca)
	multi.Register(s, ca)             // MULTI/EXEC/DISCARD, and WATCH over ca's databases
	ps := pubsub.Register(s)          // SUBSCRIBE, PUBLISH ... and client-output-buffer-limit
	monitor.Register(s)               // MONITOR
	n := notify.Register(s, ca, ps)   // notify-keyspace-events: each change published through ps
	t := tracking.Register(s, ca)     // client-side caching: invalidations of the keys a client read
	s.Commands.Add(t.ClientCommand()) // CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO and ID
	return Layers{Notify: n, Tracking: t}
}
