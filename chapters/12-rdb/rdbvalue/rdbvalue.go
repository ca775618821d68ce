// Package rdbvalue maps the server's values to the RDB codec's
// (chapter 12's package rdb) and back: the one adapter DUMP, RESTORE and
// the RDB files use. Every type has an RDB form: strings, lists, hashes,
// sets, sorted sets and streams.
package rdbvalue

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
	"github.com/gocache/gocache/final/stream"
)

// Types are the data-type packages whose settings (list-max-listpack-size,
// hash-max-listpack-*, set-max-intset-entries, zset-max-listpack-*) decide
// how a value is laid out in a payload and how a loaded one is built, as
// they decide it for a value made by commands. CONFIG SET changes them.
type Types struct {
	Lists  *list.Commands
	Hashes *hash.Commands
	Sets   *set.Commands
	ZSets  *zset.Commands
}

// ErrNoRDBForm is the error for a value the RDB codec cannot hold.
var ErrNoRDBForm = errors.New("no RDB form for this value")

// Options are rdb.Defaults with the types' current limits.
func (t Types) Options() rdb.Options {
	o := rdb.Defaults()
	o.ListMaxListpackSize = t.Lists.Fill
	o.HashMaxListpackEntries, o.HashMaxListpackValue = t.Hashes.Limits.Entries, t.Hashes.Limits.Value
	o.SetMaxIntsetEntries = t.Sets.MaxIntset
	o.ZSetMaxListpackEntries, o.ZSetMaxListpackValue = t.ZSets.Limits.Entries, t.ZSets.Limits.Value
	return o
}

// FromEntry is e's value as an rdb.Value. A string aliases e's storage
// (encode it before the keyspace changes); elements are copied, since
// iterators may format integers into one reused buffer.
func FromEntry(e *keyspace.Entry) (rdb.Value, error) {
	if b, ok := e.Bytes(); ok {
		return rdb.String(b), nil
	}
	switch v := e.Value.(type) {
	case *list.List:
		out := make(rdb.List, 0, v.Len())
		v.All(func(_ int, b []byte) bool { out = append(out, bytes.Clone(b)); return true })
		return out, nil
	case *hash.Hash:
		out := make(rdb.Hash, 0, v.Len())
		v.All(func(f, val []byte) bool { out = append(out, [2][]byte{bytes.Clone(f), bytes.Clone(val)}); return true })
		return out, nil
	case *set.Set:
		out := make(rdb.Set, 0, v.Len())
		v.All(func(m []byte) bool { out = append(out, bytes.Clone(m)); return true })
		return out, nil
	case *zset.ZSet:
		out := make(rdb.ZSet, 0, v.Len())
		v.All(func(m []byte, score float64) bool {
			out = append(out, rdb.Scored{Member: bytes.Clone(m), Score: score})
			return true
		})
		return out, nil
	case *stream.Stream:
		return v.ToRDB(), nil
	}
	return nil, fmt.Errorf("%w: %T", ErrNoRDBForm, e.Value)
}

// Build makes the server's value from v: a []byte for a string (store it
// with SetString), else a *list.List, *hash.Hash, *set.Set or *zset.ZSet
// (store it with Set), encoded as the current limits say. A hash, set or
// sorted set with a repeated field or member is refused, as Redis's
// rdbLoadObject refuses it; so is an empty value.
func (t Types) Build(v rdb.Value) (any, error) {
	switch v := v.(type) {
	case rdb.String:
		return []byte(v), nil
	case rdb.List:
		if len(v) == 0 {
			break
		}
		l := &list.List{Fill: t.Lists.Fill}
		for _, b := range v {
			l.PushRight(b)
		}
		return l, nil
	case rdb.Hash:
		if len(v) == 0 {
			break
		}
		h := &hash.Hash{}
		for _, p := range v {
			if !h.Set(p[0], p[1], t.Hashes.Limits) {
				return nil, fmt.Errorf("duplicate hash field %q", p[0])
			}
		}
		return h, nil
	case rdb.Set:
		if len(v) == 0 {
			break
		}
		s := set.New(v[0])
		for _, m := range v {
			if !s.Add(m, t.Sets.MaxIntset) {
				return nil, fmt.Errorf("duplicate set member %q", m)
			}
		}
		return s, nil
	case rdb.ZSet:
		if len(v) == 0 {
			break
		}
		z := zset.New(len(v[0].Member), t.ZSets.Limits)
		for _, m := range v {
			if res, _ := z.Add(m.Member, m.Score, zset.AddFlags{}, t.ZSets.Limits); res != zset.Added {
				return nil, fmt.Errorf("duplicate sorted set member %q", m.Member)
			}
		}
		return z, nil
	case rdb.Stream:
		return stream.FromRDB(v)
	default:
		return nil, fmt.Errorf("%w: %T", ErrNoRDBForm, v)
	}
	return nil, errors.New("empty value")
}

// Value is FromEntry as a method, so that Types is what chapter 12's
// save package needs (save.Types) to write and load every type.
func (t Types) Value(e *keyspace.Entry) (rdb.Value, error) { return FromEntry(e) }
