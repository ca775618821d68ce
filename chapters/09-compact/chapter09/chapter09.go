// Package chapter09 is this chapter's server as a layer: chapter 08's
// plus bitmaps and HyperLogLog.
package chapter09

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/08-sorted-sets/chapter08"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
	"github.com/gocache/gocache/chapters/09-compact/hllcmd"
)

// Register adds chapter 08's layers, then the bit and HyperLogLog
// commands, to s. Both work on string values: the AOF and its rewrite
// need nothing new.
func Register(s *server.Server, ca *cache.Cache) {
	chapter08.Register(s, ca)
	bitcmd.Register(s, ca) // SETBIT, BITCOUNT, BITOP, BITFIELD ...
	hllcmd.Register(s, ca) // PFADD, PFCOUNT, PFMERGE ...
}
