// Command 10-transactions-pubsub is chapter 10's server: chapter 09's
// (the persistent cache with bitmaps and HyperLogLog) plus transactions
// (MULTI, EXEC, DISCARD, WATCH), publish/subscribe and MONITOR.
//
//	go run ./chapters/10-transactions-pubsub --port 6380
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
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/monitor"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "10-transactions-pubsub",
		Usage: "a Redis-compatible cache with transactions, pub/sub and MONITOR",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is the previous chapter's server (the cache, bitmaps and
// HyperLogLog, the AOF and its rewrite) with this chapter's three layers
// added before persistence, which must come last: loading the AOF
// replays commands, MULTI and EXEC among them.
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
	bitcmd.Register(s, ca)                     // chapter 09
	hllcmd.Register(s, ca)
	multi.Register(s, ca) // MULTI/EXEC/DISCARD, and WATCH over ca's databases
	pubsub.Register(s)    // SUBSCRIBE, PUBLISH ... and client-output-buffer-limit
	monitor.Register(s)   // MONITOR
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
