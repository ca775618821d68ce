package block_test

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/block/blocktest"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// layers are what these tests add to lists and blocking: sorted sets and
// their blocking pops, transactions, and SWAPDB.
func layers(s *server.Server, ca *cache.Cache, b *block.Block) {
	zset.Register(s, ca).BlockIn(b)
	multi.Register(s, ca)
	db.Register(s, ca)
}

func start(t *testing.T) *blocktest.Fixture { return blocktest.Start(t, layers) }

func sameAsRedis(t *testing.T, script func(s *blocktest.Session)) {
	t.Helper()
	blocktest.SameAsRedis(t, layers, script)
}
