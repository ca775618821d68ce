// Command 07-hashes-sets is chapter 7's server: chapter 6's (the
// persistent cache with lists and blocking pops) plus hashes (HSET,
// HGETALL, HINCRBYFLOAT, HSCAN ...) and sets (SADD, SINTER, SMOVE,
// SSCAN ...), each kept compact (listpack, intset) while small and
// converted to a hash table when it grows past its thresholds.
//
//	go run ./chapters/07-hashes-sets --appendonly yes
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
	"github.com/gocache/gocache/chapters/07-hashes-sets/chapter07"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "07-hashes-sets",
		Usage: "chapter 6's server with hashes and sets",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 6's, with the hash and set commands next to the
// lists (chapter07.Register). The AOF rewrite already knows them:
// typecmd.AppendRewrite asks each value for the commands that recreate
// it (HSET, SADD).
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	chapter07.Register(s, ca) // chapter 06's lists, then hashes and sets
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
