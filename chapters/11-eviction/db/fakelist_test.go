package db_test

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/11-eviction/db"
)

// fakeList is the smallest value type that meets db.Value, so the tests
// here can check TYPE, OBJECT ENCODING, WRONGTYPE and the deep copy of
// COPY against Redis's lists without depending on the list package.
type fakeList struct{ items []string }

func (l *fakeList) Type() string     { return "list" }
func (l *fakeList) Encoding() string { return "quicklist" }
func (l *fakeList) Copy() any        { return &fakeList{items: append([]string(nil), l.items...)} }

var _ db.Value = (*fakeList)(nil)

// addFakeList registers LPUSH key element and LRANGE key 0 -1 over
// fakeList.
func addFakeList(s *server.Server, k *db.Keys) {
	lookup := func(c *server.Client) (*fakeList, bool) {
		e := k.DB(c).LookupWrite(c.Args[1], k.Now())
		if e == nil {
			return nil, true
		}
		l, ok := e.Value.(*fakeList)
		if !ok {
			c.Error(cache.ErrWrongType)
		}
		return l, ok
	}
	lpush := func(c *server.Client) {
		l, ok := lookup(c)
		if !ok {
			return
		}
		if l == nil {
			l = &fakeList{}
			k.DB(c).Set(c.Args[1], l, k.Now())
		}
		l.items = append([]string{string(c.Args[2])}, l.items...)
		c.W.Int(int64(len(l.items)))
		c.Propagate()
	}
	lrange := func(c *server.Client) {
		l, ok := lookup(c)
		if !ok {
			return
		}
		if l == nil {
			c.W.Array(0)
			return
		}
		c.W.Array(len(l.items))
		for _, it := range l.items {
			c.W.BulkString(it)
		}
	}
	s.Commands.Add(
		&server.Command{Name: "lpush", Arity: 3, Flags: server.Write, FirstKey: 1, LastKey: 1, Step: 1, Run: lpush},
		&server.Command{Name: "lrange", Arity: 4, Flags: server.ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Run: lrange},
	)
}
