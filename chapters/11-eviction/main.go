// Command 11-eviction is chapter 11's server: chapter 10's (the cache with
// bitmaps and HyperLogLog, the AOF and its rewrite, transactions,
// pub/sub, MONITOR, keyspace notifications, client-side caching) kept
// under maxmemory by one of Redis's eight eviction policies, with the
// rest of the key and string commands (package db).
//
//	go run ./chapters/11-eviction --port 6380 --maxmemory 100mb --maxmemory-policy allkeys-lru
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
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	flags := append(persistence.Flags(), rewrite.Flags()...)
	app := server.App{
		Name:  "11-eviction",
		Usage: "a Redis-compatible cache that stays under maxmemory",
		Flags: append(flags, evict.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 10's server with the evictor added. The evictor
// registers maxmemory, maxmemory-policy and maxmemory-samples for CONFIG
// GET and SET (evict.Params), takes the maxmemory place of the command
// path, and removes keys through the keyspace like any DEL: the AOF logs
// a DEL and WATCH sees the key change.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	ch10 := chapter10.Register(s, ca) // chapter 10's server
	db.Register(s, ca)                // the rest of the key and string commands: TYPE, RENAME, COPY, OBJECT ...
	params := evict.NewParams(s)
	if err := params.FromFlags(ctx); err != nil {
		return err
	}
	ev := evict.New(s, ca, params)      // maxmemory: evict, or refuse writes with -OOM
	ev.Evicted = ch10.Notify.KeyEvicted // the evicted event of keyspace notifications
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
