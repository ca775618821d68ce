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
	"github.com/gocache/gocache/chapters/06-lists/chapter06"
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
// the keyspace, then the list commands and the blocking layer over it
// (chapter06.Register), then persistence, which replays the AOF through
// them all and rewrites lists as RPUSH commands.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	chapter06.Register(s, ca) // lists, blocking pops, OBJECT ENCODING
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
