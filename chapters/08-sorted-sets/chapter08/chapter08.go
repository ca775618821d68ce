// Package chapter08 is this chapter's server as a layer: chapter 07's
// plus sorted sets, whose blocking pops wait in chapter 06's room, and
// the GEO commands on them.
package chapter08

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/07-hashes-sets/chapter07"
	"github.com/gocache/gocache/chapters/08-sorted-sets/sortcmd"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// Layers are chapter 07's and the sorted set commands.
type Layers struct {
	chapter07.Layers
	ZSets *zset.Commands
}

// Register adds chapter 07's layers, then the sorted set commands, the
// GEO commands, whose positions are sorted-set scores, and SORT, to s.
func Register(s *server.Server, ca *cache.Cache) Layers {
	l := Layers{Layers: chapter07.Register(s, ca)}
	l.ZSets = zset.Register(s, ca)   // ZADD, ZRANGE, ZRANK, ZUNIONSTORE ...
	l.ZSets.BlockIn(l.Block)         // BZPOPMIN, BZPOPMAX, BZMPOP
	l.ZSets.RegisterGeo(s)           // GEOADD, GEODIST, GEOSEARCH ...
	sortcmd.Register(s, ca, l.Lists) // SORT and SORT_RO, over lists, sets and sorted sets, BY and GET in hashes
	return l
}
