// Package db is the rest of the keyspace: sixteen databases (or as
// many as --databases says) of chapter 03's keyspace, with every key,
// string and database command of Redis 7.0 that chapter 03 leaves out
// (SWAPDB, MOVE, COPY, RENAME, OBJECT, GETEX, SETRANGE, INCRBYFLOAT...),
// and the value model the data-type packages plug into.
//
// Chapter 03's commands stay registered and are used as they are; this
// package adds to the same command table and reuses the chapter's
// lookups, clock and parsing through its exported helpers. Everything
// runs on the loop goroutine.
package db

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// Value is the contract of every value that is not a string. A data-type
// package (list, hash, set, zset) stores a pointer to its type in
// keyspace.Entry.Value with DB.Set, and that type satisfies Value
// without importing this package:
//
//	func (l *List) Type() string     { return "list" }
//	func (l *List) Encoding() string { return "quicklist" }
//	func (l *List) Copy() any        { return l.clone() } // a *List
//
// Type is TYPE's reply and what SCAN ... TYPE matches: "list", "hash",
// "set" or "zset". Encoding is OBJECT ENCODING's reply, as Redis 7.0
// would choose it for the same contents ("quicklist", "listpack",
// "hashtable", "intset", "skiplist"). Copy returns a deep copy of the
// same type that shares no memory with the original: COPY stores it
// under the new key, and later writes to either must not show in the
// other. RENAME and MOVE do not copy: the pointer moves to the new key.
type Value interface {
	Type() string
	Encoding() string
	Copy() any
}

// TypeName is TYPE's answer for an entry: "none" for nil, "string" for
// strings, Value.Type for the other types.
func TypeName(e *keyspace.Entry) string {
	switch {
	case e == nil:
		return "none"
	case e.IsString():
		return "string"
	}
	if v, ok := e.Value.(Value); ok {
		return v.Type()
	}
	return "none"
}

// embstrLimit is OBJ_ENCODING_EMBSTR_SIZE_LIMIT: strings up to 44 bytes
// live in one allocation with their object header.
const embstrLimit = 44

// EncodingName is OBJECT ENCODING's answer for an entry, as Redis 7.0
// decides it. For strings that depends on how the value was made (see
// keyspace.StringForm): a value stored whole is "int" when it reads as
// a 64-bit integer (tryObjectEncoding), a computed one never is, and a
// value changed in place is always "raw".
func EncodingName(e *keyspace.Entry) string {
	b, ok := e.Bytes()
	if !ok {
		if v, ok := e.Value.(Value); ok {
			return v.Encoding()
		}
		return "unknown"
	}
	switch e.Form() {
	case keyspace.FormRaw:
		return "raw"
	case keyspace.FormStored, keyspace.FormCopied:
		if len(b) <= 20 {
			if _, isInt := resp.ParseInt(b); isInt {
				return "int"
			}
		}
	}
	if len(b) <= embstrLimit {
		return "embstr"
	}
	return "raw"
}

// sharedIntegers is OBJ_SHARED_INTEGERS: Redis keeps one object for each
// of 0..9999 and stores those values by reference.
const sharedIntegers = 10000

// sharedRefcount is OBJ_SHARED_REFCOUNT, what OBJECT REFCOUNT says for a
// shared object.
const sharedRefcount = 1<<31 - 1

// refcount is OBJECT REFCOUNT: an "int" string from 0 to 9999 is one of
// Redis's shared integers, except a copy (COPY makes its own object).
// (Redis stops sharing new ones while an LRU or
// LFU policy is in force, and keeps sharing those made before; the
// keyspace does not record under which policy a value was made, so they
// count as shared here.)
func refcount(e *keyspace.Entry) int64 {
	if e.Form() != keyspace.FormStored || EncodingName(e) != "int" {
		return 1
	}
	b, _ := e.Bytes()
	if n, _ := resp.ParseInt(b); n >= 0 && n < sharedIntegers {
		return sharedRefcount
	}
	return 1
}
