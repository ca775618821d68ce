// Command 08-sorted-sets is chapter 8's server: chapter 7's (the
// persistent cache with lists, blocking pops, hashes and sets) plus
// sorted sets (ZADD, ZRANGE by rank, score or lex, ZUNIONSTORE ...) kept
// in a listpack while small and in a skiplist with a hash table beside
// it once big, the blocking pops BZPOPMIN, BZPOPMAX and BZMPOP, and the
// GEO commands, whose positions are sorted-set scores.
//
//	go run ./chapters/08-sorted-sets --appendonly yes
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
	"github.com/gocache/gocache/chapters/08-sorted-sets/chapter08"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "08-sorted-sets",
		Usage: "chapter 7's server with sorted sets",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 7's, with the sorted set commands
// (chapter08.Register), whose blocking pops wait in chapter 06's room.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	chapter08.Register(s, ca) // chapter 07's types, then sorted sets
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
