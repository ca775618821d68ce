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
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/09-compact/chapter09"
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

// setup is chapter 8's server with the bit and HyperLogLog commands
// (chapter09.Register). Both work on string values, so the AOF and its
// rewrite need nothing new: a bitmap or a HyperLogLog is rewritten as
// the SET of its bytes.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	chapter09.Register(s, ca) // chapter 08's types, then bitmaps and HyperLogLog
	return rewrite.Persist(s, ctx, ca, typecmd.AppendRewrite)
}
