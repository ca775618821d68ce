// Command 04-aof is chapter 4's server: chapter 3's cache plus the
// append-only file. With --appendonly yes every write is logged to
// <dir>/<appenddirname>/ in Redis 7's multi-part format and replayed at
// start, so the data survives a restart or a crash.
//
//	go run ./chapters/04-aof --appendonly yes --appendfsync always
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
)

func main() {
	app := server.App{
		Name:  "04-aof",
		Usage: "a Redis-compatible cache whose writes survive restarts (AOF)",
		Flags: persistence.Flags(),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup registers chapter 3's commands, then loads the AOF into them and
// starts appending. The order matters: loading replays commands, so they
// must be in the table first.
func setup(s *server.Server, ctx *cli.Context) error {
	cache.Register(s)
	cfg, err := persistence.FromFlags(ctx)
	if err != nil {
		return err
	}
	_, err = persistence.Setup(s, cfg)
	return err
}
