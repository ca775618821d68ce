// Command 10-transactions-pubsub is chapter 10's server: chapter 09's
// (the persistent cache with bitmaps and HyperLogLog) plus transactions
// (MULTI, EXEC, DISCARD, WATCH), publish/subscribe, MONITOR, keyspace
// notifications and client-side caching (CLIENT TRACKING).
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
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/chapter10"
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

// setup is the previous chapter's server (the cache, the types of
// chapters 06 to 09, the AOF and its rewrite) with this chapter's
// layers (chapter10.Register) added before persistence, which must come
// last: loading the AOF replays commands, MULTI and EXEC among them.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	chapter10.Register(s, ca) // chapter 09's server, then MULTI, Pub/Sub, MONITOR, notifications, tracking
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
