// Command 14-streams is chapter 14's server: chapter 12's (the cache, the
// AOF and its rewrite, RDB snapshots, and the data types of chapters 06
// to 08) plus streams: an append-only log of entries with IDs (XADD,
// XRANGE, XREAD), consumer groups that hand each entry to one consumer
// and keep it pending until acknowledged (XREADGROUP, XACK, XPENDING),
// and the claims that move a dead consumer's entries to a live one
// (XCLAIM, XAUTOCLAIM).
//
//	go run ./chapters/14-streams --port 6380
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/chapter12"
	"github.com/gocache/gocache/chapters/14-streams/chapter14"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	app := server.App{
		Name:  "14-streams",
		Usage: "a Redis-compatible server with streams and consumer groups, kept in an AOF and RDB snapshots",
		Flags: chapter12.Flags(),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 12's server with the stream commands between the
// data types and persistence (chapter14.Register): the AOF replays XADD
// and XCLAIM through them, and dump.rdb and an RDB base hold streams in
// Redis's layout.
func setup(s *server.Server, ctx *cli.Context) error {
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	l := chapter14.Register(s, ca) // chapter 12's types, then streams
	_, err := chapter12.Persist(s, ctx, ca, l)
	return err
}
