package typecmd

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Encoded is a value that names its encoding for OBJECT ENCODING:
// "quicklist" for a list, "listpack", "intset", "hashtable" or
// "skiplist" for the others.
type Encoded interface {
	Encoding() string
}

// ObjectEncoding is OBJECT ENCODING key for the course's programs, which
// show how lists, hashes, sets and sorted sets are stored: a container
// command with that one subcommand. Chapter 11's OBJECT (package db)
// replaces it: it has the other subcommands and also names the encodings
// of strings.
func ObjectEncoding(ks Keyspace) *server.Command {
	sub := server.Table{}
	sub.Add(&server.Command{Name: "encoding", Arity: 3, Flags: server.ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
		Group: "generic", Run: func(c *server.Client) {
			e := ks.DB(c).Peek(c.Args[2], ks.Now())
			if e == nil {
				c.W.Null()
				return
			}
			v, ok := e.Value.(Encoded)
			if !ok {
				c.W.Error("ERR this OBJECT ENCODING names the encodings of lists, hashes, sets and sorted sets only")
				return
			}
			c.W.BulkString(v.Encoding())
		}})
	return &server.Command{Name: "object", Arity: -2, Group: "generic", Subcommands: sub, Run: func(c *server.Client) {
		c.Error("ERR unknown subcommand '" + string(c.Args[1]) + "'. Try OBJECT HELP.")
	}}
}
