// Command 15-scripting is chapter 15's server: chapter 14's (every data
// type, streams, the AOF and RDB snapshots) plus Lua scripting. EVAL and
// FCALL run on the loop goroutine as one command each; what a script
// writes reaches the AOF as the commands it ran, and function libraries
// are kept in the AOF, its rewrite and dump.rdb.
//
//	go run ./chapters/15-scripting --appendonly yes
//
// Scripts can call every command this program registers, as the final
// server's scripts can.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/chapter12"
	"github.com/gocache/gocache/chapters/14-streams/chapter14"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	flags := append(chapter12.Flags(), &cli.IntFlag{Name: "busy-reply-threshold", Aliases: []string{"lua-time-limit"}, Value: 5000,
		Usage: "milliseconds a script runs before other clients get -BUSY and SCRIPT KILL may stop it"})
	app := server.App{
		Name:  "15-scripting",
		Usage: "a Redis-compatible server with every data type, an AOF, RDB snapshots and Lua scripting",
		Flags: flags,
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 14's server with the scripting layer between the
// commands and persistence (chapter12.Persist, last): the AOF replays
// FUNCTION LOAD and what scripts wrote through it, and the libraries go
// into every rewrite's base and dump.rdb.
func setup(s *server.Server, ctx *cli.Context) error {
	if ctx.Int("busy-reply-threshold") < 0 {
		return fmt.Errorf("15-scripting: busy-reply-threshold must be 0 or more")
	}
	ca := cache.Register(s, keyspace.NewDatabases(databases)...)
	l := chapter14.Register(s, ca) // chapter 12's types and streams
	l.Libraries = scripting.Register(s, scripting.Config{BusyReplyThreshold: time.Duration(ctx.Int("busy-reply-threshold")) * time.Millisecond})
	_, err := chapter12.Persist(s, ctx, ca, l)
	return err
}
