package zset

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// BlockIn adds BZPOPMIN, BZPOPMAX and BZMPOP, which wait in b's queues
// for a sorted set to pop from, as BLPOP does for a list.
func (zc *Commands) BlockIn(b *block.Block) {
	const w, ns, blk, fast, mk = server.Write, server.NoScript, server.Blocking, server.Fast, server.Movablekeys
	b.Add(kind{},
		server.NewCommand("bzpopmin", -3, w|ns|blk|fast, 1, -2, 1, "sortedset", func(c *server.Client) { bzpop(b, c, true) }),
		server.NewCommand("bzpopmax", -3, w|ns|blk|fast, 1, -2, 1, "sortedset", func(c *server.Client) { bzpop(b, c, false) }),
		server.NewCommand("bzmpop", -5, w|blk|mk, 0, 0, 0, "sortedset", func(c *server.Client) { bzmpop(b, c) }),
	)
}

// kind is the sorted sets' block.Kind.
type kind struct{}

func (kind) Len(v any) (int, bool) {
	z, ok := v.(*ZSet)
	if !ok {
		return 0, false
	}
	return z.Len(), true
}

// popWant is what a blocked BZPOPMIN, BZPOPMAX or BZMPOP waits for.
type popWant struct {
	min   bool
	count int64 // BZMPOP's COUNT; -1 for BZPOPMIN and BZPOPMAX
}

func (pw *popWant) Kind() block.Kind { return kind{} }

// Serve pops for w from the sorted set v, as Redis's
// serveClientsBlockedOnSortedSetKey, and propagates the ZPOPMIN or
// ZPOPMAX that replays it.
func (pw *popWant) Serve(w *block.Waiter, db *keyspace.DB, now int64, key []byte, v any) {
	db.LookupWrite(key, now)
	var prop [][]byte
	w.Wake(func(rw *resp.Writer) { prop = Pop(rw, db, now, key, v.(*ZSet), pw.min, pw.count) })
	w.Propagate(prop)
}

// bzpop is BZPOPMIN and BZPOPMAX key [key ...] timeout.
func bzpop(b *block.Block, c *server.Client, min bool) {
	ms, ok := block.Timeout(c, c.Args[len(c.Args)-1])
	if !ok {
		return
	}
	popOrWait(b, c, ms, c.Args[1:len(c.Args)-1], &popWant{min: min, count: -1})
}

// bzmpop is BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
// Like Redis, it checks its other arguments before the timeout.
func bzmpop(b *block.Block, c *server.Client) {
	keys, min, count, ok := cmdarg.MPop(c, 2, Side)
	if !ok {
		return
	}
	ms, ok := block.Timeout(c, c.Args[1])
	if !ok {
		return
	}
	popOrWait(b, c, ms, keys, &popWant{min: min, count: count})
}

// popOrWait pops from the first sorted set of keys that holds something,
// or waits for one.
func popOrWait(b *block.Block, c *server.Client, ms int64, keys [][]byte, pw *popWant) {
	block.PopOrWait(b, c, ms, keys, pw, func(db *keyspace.DB, now int64, key []byte, z *ZSet) [][]byte {
		return Pop(c.W, db, now, key, z, pw.min, pw.count)
	})
}
