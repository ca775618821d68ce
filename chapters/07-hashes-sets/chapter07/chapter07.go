// Package chapter07 is this chapter's server as a layer: chapter 06's
// plus hashes and sets.
package chapter07

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/chapter06"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
)

// Layers are chapter 06's and the hash and set commands, whose encoding
// thresholds chapter 12's RDB files follow.
type Layers struct {
	chapter06.Layers
	Hashes *hash.Commands
	Sets   *set.Commands
}

// Register adds chapter 06's layers, then the hash and set commands
// (and their encoding thresholds as CONFIG options), to s.
func Register(s *server.Server, ca *cache.Cache) Layers {
	l := Layers{Layers: chapter06.Register(s, ca)}
	l.Hashes = hash.Register(s, ca) // HSET, HGET, HGETALL, HSCAN ...
	l.Sets = set.Register(s, ca)    // SADD, SMEMBERS, SINTER, SSCAN ...
	return l
}
