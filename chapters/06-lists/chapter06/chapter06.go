// Package chapter06 is this chapter's server as a layer the next
// chapters stack on: each chapter's Register registers the layers of the
// chapter before it, then its own, so a chapter's program is the previous
// one's plus what the chapter teaches, written once.
package chapter06

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Layers are what this chapter registered that later layers build on.
type Layers struct {
	// Lists are the list commands, whose list-max-listpack-size chapter
	// 12's RDB files follow.
	Lists *list.Commands
	// Block is the waiting room, which later kinds of values (sorted
	// sets, streams) wait in too.
	Block *block.Block
}

// Register adds the list commands and the blocking layer over ca to s,
// and OBJECT ENCODING, which the value types of this and the next
// chapters answer.
func Register(s *server.Server, ca *cache.Cache) Layers {
	lists := list.Register(s, ca)              // LPUSH, LRANGE, LMOVE ... and the list-max-listpack-size option
	blk := block.Register(s, ca, lists)        // BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP
	s.Commands.Add(typecmd.ObjectEncoding(ca)) // OBJECT ENCODING key
	return Layers{Lists: lists, Block: blk}
}
