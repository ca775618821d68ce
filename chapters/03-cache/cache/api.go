package cache

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// The exported names below let later layers (more commands, more data
// types) work on the keyspace exactly as this chapter's commands do:
// the same database choice, clock, lookups, parsing and error texts.

// Redis's error replies shared by every command that reads a value.
const (
	ErrWrongType = errWrongType
	ErrNotInt    = errNotInt
	ErrTooBig    = errTooBig
)

// DB is the database the client selected.
func (ca *Cache) DB(c *server.Client) *keyspace.DB { return ca.db(c) }

// Now is the time keys expire by, in unix ms: 0 while loading, which
// keeps every key alive.
func (ca *Cache) Now() int64 { return ca.now() }

// Clock is the server's clock in unix ms, for turning relative expiry
// times into absolute ones.
func (ca *Cache) Clock() int64 { return ca.clock() }

// LookupRead is Redis's lookupKeyRead: lazy expiry, the access clock and
// the keyspace_hits/misses counters.
func (ca *Cache) LookupRead(c *server.Client, key []byte) *keyspace.Entry {
	return ca.lookupRead(c, key)
}

// PeekRead is LookupRead without touching the access clock
// (LOOKUP_NOTOUCH: TYPE, TTL, OBJECT).
func (ca *Cache) PeekRead(c *server.Client, key []byte) *keyspace.Entry {
	return ca.peekRead(c, key)
}

// Eq compares an argument with a lowercase word, ignoring ASCII case.
func Eq(arg []byte, word string) bool { return eq(arg, word) }

// typeName is the TYPE of an entry for SCAN's filter.
func (ca *Cache) typeName(e *keyspace.Entry) string {
	switch {
	case ca.TypeName != nil:
		return ca.TypeName(e)
	case e == nil:
		return "none"
	}
	return "string"
}

// Del is DEL's handler. UNLINK (chapter 11's db) is the same command here: Go's
// collector already frees memory in the background, and the AOF gets the
// command as sent either way.
func (ca *Cache) Del(c *server.Client) { ca.del(c) }
