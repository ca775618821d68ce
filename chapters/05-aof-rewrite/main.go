// Command 05-aof-rewrite is chapter 5's server: chapter 4's persistent
// cache plus the AOF rewrite. BGREWRITEAOF, or the AOF growing past
// auto-aof-rewrite-percentage, replaces the log by one command per key
// while the server keeps answering clients.
//
//	go run ./chapters/05-aof-rewrite --appendonly yes
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
)

// databases is Redis's default number of databases: an AOF written by
// redis-server may SELECT any of them.
const databases = 16

func main() {
	app := server.App{
		Name:  "05-aof-rewrite",
		Usage: "a Redis-compatible cache with an append-only file that compacts itself",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 4's (commands, then load, then append) plus the
// rewrite, which observes the databases' writes and attaches itself to
// the AOF (rewrite.Persist).
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := keyspace.NewDatabases(databases)
	ca := cache.Register(s, dbs...)
	return rewrite.Persist(s, ctx, ca, nil)
}
