// Package chapter14 is this chapter's server as a layer: chapter 12's
// plus streams, which wait in chapter 06's room and are saved in RDB
// files as Redis saves them.
package chapter14

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/12-rdb/chapter12"
	"github.com/gocache/gocache/chapters/14-streams/stream"
)

// Register adds chapter 12's data types, then the stream commands, to s,
// and gives the RDB layer the streams' RDB form. It returns the layers
// for chapter12.Persist, which comes last.
func Register(s *server.Server, ca *cache.Cache) *chapter12.Layers {
	l := chapter12.Register(s, ca)
	streams := stream.Register(s, ca) // XADD, XRANGE, XREAD, XREADGROUP, XACK, XCLAIM ...
	streams.BlockIn(l.Block)          // XREAD and XREADGROUP with BLOCK
	l.Types.More = append(l.Types.More, stream.RDBKind{})
	return l
}
