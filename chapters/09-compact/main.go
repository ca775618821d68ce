// Command 09-compact is chapter 09's server: the persistent cache of the
// chapters before it plus the compact structures Redis builds on strings,
// bitmaps (SETBIT, BITCOUNT, BITFIELD ...) and HyperLogLog (PFADD,
// PFCOUNT, PFMERGE).
//
//	go run ./chapters/09-compact --port 6380
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
	"github.com/gocache/gocache/chapters/09-compact/hllcmd"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "09-compact",
		Usage: "a Redis-compatible cache with bitmaps and HyperLogLog",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is the previous chapter's server (the cache, the AOF and its
// rewrite, lists, hashes, sets and sorted sets) with the bit and
// HyperLogLog commands. Both work on string values, so the AOF and its
// rewrite need nothing new: a bitmap or a HyperLogLog is rewritten as the
// SET of its bytes.
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := make([]*keyspace.DB, databases)
	for i := range dbs {
		dbs[i] = keyspace.New()
	}
	ca := cache.Register(s, dbs...)
	lists := list.Register(s, ca)              // chapter 06
	blk := block.Register(s, ca, lists)        // chapter 06
	hash.Register(s, ca)                       // chapter 07
	set.Register(s, ca)                        // chapter 07
	zset.Register(s, ca).BlockIn(blk)          // chapter 08
	s.Commands.Add(typecmd.ObjectEncoding(ca)) // OBJECT ENCODING key
	bitcmd.Register(s, ca)
	hllcmd.Register(s, ca)
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
