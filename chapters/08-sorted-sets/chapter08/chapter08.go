// Package chapter08 is this chapter's server as a layer: chapter 07's
// plus sorted sets, whose blocking pops wait in chapter 06's room.
package chapter08

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/07-hashes-sets/chapter07"
	"github.com/gocache/gocache/chapters/08-sorted-sets/sortcmd"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// Register adds chapter 07's layers, then the sorted set commands and
// SORT, to s.
func Register(s *server.Server, ca *cache.Cache) {
	blk := chapter07.Register(s, ca)
	zsets := zset.Register(s, ca)        // ZADD, ZRANGE, ZRANK, ZUNIONSTORE ...
	zsets.BlockIn(blk)                   // BZPOPMIN, BZPOPMAX, BZMPOP
	sortcmd.Register(s, ca, blk.Lists()) // SORT and SORT_RO, over lists, sets and sorted sets, BY and GET in hashes
}
