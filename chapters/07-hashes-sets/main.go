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
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
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

// setup is chapter 6's, with the hash and set commands (and their
// encoding thresholds as CONFIG options) next to the lists. The AOF
// rewrite already knows them: typecmd.AppendRewrite asks each value for
// the commands that recreate it (HSET, SADD).
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := make([]*keyspace.DB, databases)
	for i := range dbs {
		dbs[i] = keyspace.New()
	}
	ca := cache.Register(s, dbs...)
	lists := list.Register(s, ca)              // chapter 06
	block.Register(s, ca, lists)               // chapter 06
	hash.Register(s, ca)                       // HSET, HGET, HGETALL, HSCAN ...
	set.Register(s, ca)                        // SADD, SMEMBERS, SINTER, SSCAN ...
	s.Commands.Add(typecmd.ObjectEncoding(ca)) // OBJECT ENCODING key
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
