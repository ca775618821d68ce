package block

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/final/list"
	"github.com/gocache/gocache/final/zset"
)

// serveOne serves w from key k if k holds what w waits for, as Redis's
// serveClientsBlockedOnListKey and serveClientsBlockedOnSortedSetKey do
// for one client. It reports whether k may still serve the next client:
// false once k holds nothing (any more) to pop.
func (b *Block) serveOne(w *waiter, k dbKey) bool {
	if w.stream != nil {
		b.serveStream(w, k)
		return true
	}
	db, now := b.ca.DBs[k.db], b.ca.Now()
	key := []byte(k.key)
	e := db.Peek(key, now)
	if e == nil {
		return false
	}
	switch v := e.Value.(type) {
	case *list.List:
		if v.Len() == 0 {
			return false
		}
		if !w.zset {
			b.serveList(w, k.db, key, v)
		}
	case *zset.ZSet:
		if v.Len() == 0 {
			return false
		}
		if w.zset {
			db.LookupWrite(key, now)
			var prop [][]byte
			b.wake(w, func(rw *resp.Writer) { prop = zset.Pop(rw, db, now, key, v, w.left, w.count) })
			b.propagate(k.db, prop...)
		}
	default:
		return false
	}
	return true
}

// serveList pops (or moves) one list element, or COUNT of them, for w.
func (b *Block) serveList(w *waiter, db int, key []byte, l *list.List) {
	d, now := b.ca.DBs[db], b.ca.Now()
	if !w.move {
		d.LookupWrite(key, now)
		var prop [][]byte
		b.wake(w, func(rw *resp.Writer) { prop = popList(rw, d, now, key, l, w.left, w.count) })
		b.propagate(db, prop...)
		return
	}
	if de := d.Peek([]byte(w.dst), now); de != nil {
		if _, ok := de.Value.(*list.List); !ok {
			// Redis pops, fails to push and puts the element back: the
			// client is answered WRONGTYPE and the list is unchanged.
			b.wake(w, func(rw *resp.Writer) { rw.Error(cache.ErrWrongType) })
			return
		}
	}
	d.LookupWrite(key, now)
	v, _ := b.move(d, now, key, l, []byte(w.dst), w.left, w.toLeft)
	b.wake(w, func(rw *resp.Writer) { rw.Bulk(v) })
	b.propagate(db, w.moveArgs...)
}
