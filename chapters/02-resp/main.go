// Command 02-resp is chapter 2's server: it speaks RESP2 and RESP3 and
// answers PING, ECHO, HELLO, AUTH, QUIT, COMMAND, CONFIG and INFO, enough for
// redis-cli and go-redis to connect.
//
//	go run ./chapters/02-resp   # listens on 127.0.0.1:6380
package main

import (
	"fmt"
	"os"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

func main() {
	app := server.App{Name: "02-resp", Usage: "a RESP server that answers PING, ECHO and HELLO"}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
