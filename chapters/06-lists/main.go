// Command 06-lists is chapter 6's server: chapter 5's persistent cache
// plus lists (LPUSH, LRANGE, LMOVE ...) stored as quicklists of
// listpacks, and the blocking pops (BLPOP, BRPOP, BLMOVE, BLMPOP) that
// wait on the event loop's timers. The AOF rewrite writes lists as RPUSH
// commands.
//
//	go run ./chapters/06-lists --appendonly yes
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
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "06-lists",
		Usage: "chapter 5's persistent cache with lists and blocking pops",
		Flags: append(persistence.Flags(), rewrite.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 5's server with this chapter's layer in the middle:
// the keyspace, then the list commands and the blocking layer over it,
// then persistence, which replays the AOF through them all.
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := make([]*keyspace.DB, databases)
	for i := range dbs {
		dbs[i] = keyspace.New()
	}
	ca := cache.Register(s, dbs...)
	lists := list.Register(s, ca)              // LPUSH, LRANGE, LMOVE ... and the list-max-listpack-size option
	block.Register(s, ca, lists)               // BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP
	s.Commands.Add(typecmd.ObjectEncoding(ca)) // OBJECT ENCODING key
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
