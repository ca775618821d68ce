// Package typecmd holds what the commands of the data types (list in
// chapter 06, hash and set in 07, zset in 08) share around their values: the
// keyspace they need, Redis's typed key lookups with the WRONGTYPE reply,
// the shape of HSCAN, SSCAN and ZSCAN, and the CONFIG options of the
// encoding thresholds.
package typecmd

import (
	"errors"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/glob"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// Keyspace is what the type commands need from the server's data layer:
// the client's database and the time that decides expiry (unix ms, 0
// while an AOF is loading so nothing expires).
type Keyspace interface {
	DB(c *server.Client) *keyspace.DB
	Now() int64
}

// ErrWrongType is Redis's reply to a command on a key of another type.
const ErrWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// Read looks key up for a read command (lookupKeyRead, counting the
// keyspace hit or miss): its value as a T, or the zero T (nil) when the
// key is absent; ok is false after a WRONGTYPE reply.
func Read[T any](c *server.Client, ks Keyspace, key []byte) (v T, ok bool) {
	e := ks.DB(c).Lookup(key, ks.Now())
	if e != nil {
		c.Srv.Stats.KeyspaceHits++
	} else {
		c.Srv.Stats.KeyspaceMisses++
	}
	return As[T](c, e)
}

// Write looks key up for a change (lookupKeyWrite), as Read.
func Write[T any](c *server.Client, ks Keyspace, key []byte) (v T, ok bool) {
	return As[T](c, ks.DB(c).LookupWrite(key, ks.Now()))
}

// As is checkType: the value of e as a T, the zero T when e is nil; ok
// is false after a WRONGTYPE reply.
func As[T any](c *server.Client, e *keyspace.Entry) (v T, ok bool) {
	if e == nil {
		return v, true
	}
	v, ok = e.Value.(T)
	if !ok {
		c.W.Error(ErrWrongType)
	}
	return v, ok
}

// Scan is HSCAN, SSCAN and ZSCAN (scanGenericCommand) for a value of
// type T: the cursor is checked before the key, MATCH and COUNT only
// when the key exists. scan walks v from cursor for about count
// elements, calling emit with each element's name (what MATCH tests)
// and what follows it in the reply, and returns the next cursor.
func Scan[T comparable](c *server.Client, ks Keyspace,
	scan func(v T, cursor uint64, count int, emit func(name []byte, more ...[]byte)) uint64) {
	cursor, ok := cmdarg.Cursor(c.Args[2])
	if !ok {
		c.W.Error("ERR invalid cursor")
		return
	}
	v, ok := Read[T](c, ks, c.Args[1])
	if !ok {
		return
	}
	var zero T
	if v == zero {
		reply(c, 0, nil)
		return
	}
	count, pattern, ok := cmdarg.ScanOptions(c, 3)
	if !ok {
		return
	}
	var out [][]byte
	next := scan(v, cursor, count, func(name []byte, more ...[]byte) {
		if pattern == nil || glob.Match(pattern, name, false) {
			out = append(append(out, name), more...)
		}
	})
	reply(c, next, out)
}

// reply writes a SCAN-family reply: the next cursor and the elements.
func reply(c *server.Client, cursor uint64, elems [][]byte) {
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	c.W.Array(len(elems))
	for _, b := range elems {
		c.W.Bulk(b)
	}
}

// IntParam is a CONFIG option backed by *p that takes a non-negative
// integer (the encodings' size thresholds); alias is its pre-7.0 name,
// or "".
func IntParam(name, alias string, p *int) *server.Param {
	return &server.Param{
		Name: name, Alias: alias,
		Get: func() string { return strconv.Itoa(*p) },
		Set: func(v string) error {
			n, ok := resp.ParseInt([]byte(v))
			if !ok {
				return errors.New("argument couldn't be parsed into an integer")
			}
			if n < 0 {
				return errors.New("argument must be between 0 and 9223372036854775807 inclusive")
			}
			*p = int(n)
			return nil
		},
	}
}

// Remove is HDEL, SREM and ZREM: remove each argument from the third on
// from the T at key (argument 1) with remove, delete the key once the
// value is empty (Redis keeps no empty aggregate), reply how many were
// removed and propagate the command if any was.
func Remove[T interface {
	comparable
	Len() int
}](c *server.Client, ks Keyspace, remove func(v T, member []byte) bool) {
	key := c.Args[1]
	v, ok := Write[T](c, ks, key)
	if !ok {
		return
	}
	var zero T
	if v == zero {
		c.W.Int(0)
		return
	}
	n := 0
	for _, m := range c.Args[2:] {
		if remove(v, m) {
			n++
			if v.Len() == 0 {
				ks.DB(c).Delete(key, ks.Now())
				break
			}
		}
	}
	c.W.Int(int64(n))
	if n > 0 {
		c.Propagate()
	}
}
