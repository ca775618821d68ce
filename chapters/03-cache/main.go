// Command 03-cache is chapter 3's server: chapter 2's RESP server with a
// keyspace behind it, answering the string and key commands (GET, SET with
// its options, INCR, APPEND, DEL, EXISTS, EXPIRE, TTL, KEYS, SCAN, ...)
// with keys that expire lazily and in the background.
//
//	go run ./chapters/03-cache   # listens on 127.0.0.1:6380
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

func main() {
	app := server.App{
		Name:  "03-cache",
		Usage: "a Redis-compatible in-memory cache: strings, expiry, KEYS and SCAN",
		Setup: func(s *server.Server, _ *cli.Context) error {
			cache.Register(s)
			return nil
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
