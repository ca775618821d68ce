// Command 15-scripting is chapter 15's server: chapter 5's persistent
// cache (strings, expiry, the AOF and its rewrite) plus Lua scripting.
// EVAL and FCALL run on the loop goroutine as one command each; what a
// script writes reaches the AOF as the commands it ran, and function
// libraries are kept in the AOF and its rewrite.
//
//	go run ./chapters/15-scripting --appendonly yes
//
// Scripts can call the commands this program registers: the strings,
// keys and connection commands of chapters 02 to 05. The final server
// composes the same layer with every data type.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	flags := append(persistence.Flags(), rewrite.Flags()...)
	flags = append(flags, &cli.IntFlag{Name: "busy-reply-threshold", Aliases: []string{"lua-time-limit"}, Value: 5000,
		Usage: "milliseconds a script runs before other clients get -BUSY and SCRIPT KILL may stop it"})
	app := server.App{
		Name:  "15-scripting",
		Usage: "a Redis-compatible cache with an append-only file and Lua scripting",
		Flags: flags,
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 5's with the scripting layer added before the AOF
// loads: loading replays the FUNCTION LOADs the AOF holds, and the
// rewrite writes the libraries first in every new base.
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := keyspace.NewDatabases(databases)
	ca := cache.Register(s, dbs...)
	if ctx.Int("busy-reply-threshold") < 0 {
		return fmt.Errorf("15-scripting: busy-reply-threshold must be 0 or more")
	}
	scr := scripting.Register(s, scripting.Config{BusyReplyThreshold: time.Duration(ctx.Int("busy-reply-threshold")) * time.Millisecond})
	cfg, err := persistence.FromFlags(ctx)
	if err != nil {
		return err
	}
	rcfg, err := rewrite.FromFlags(ctx)
	if err != nil {
		return err
	}
	p, err := persistence.Setup(s, cfg)
	if err != nil {
		return err
	}
	rewrite.Setup(s, p, ca, rcfg).AddPrelude(scr.AppendFunctions)
	return nil
}
