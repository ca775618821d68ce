// Package chapter07 is this chapter's server as a layer: chapter 06's
// plus hashes and sets.
package chapter07

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/chapter06"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
)

// Register adds chapter 06's layers, then the hash and set commands
// (and their encoding thresholds as CONFIG options), to s. It returns
// chapter 06's waiting room.
func Register(s *server.Server, ca *cache.Cache) *block.Block {
	blk := chapter06.Register(s, ca)
	hash.Register(s, ca) // HSET, HGET, HGETALL, HSCAN ...
	set.Register(s, ca)  // SADD, SMEMBERS, SINTER, SSCAN ...
	return blk
}
