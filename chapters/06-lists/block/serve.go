package block

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/list"
)

// serveOne serves w from key k if k holds what w waits for, as Redis's
// serveClientsBlockedOnListKey (and the same for the other kinds) does
// for one client. It reports whether k may still serve the next client:
// false once k holds nothing (any more) to pop.
func (b *Block) serveOne(w *Waiter, k dbKey) bool {
	db, now := b.ca.DBs[k.db], b.ca.Now()
	key := []byte(k.key)
	want := w.want.Kind()
	if want == nil {
		w.want.Serve(w, db, now, key, nil)
		return true
	}
	e := db.Peek(key, now)
	if e == nil {
		return false
	}
	for _, kind := range b.kinds {
		n, ok := kind.Len(e.Value)
		if !ok {
			continue
		}
		if n == 0 {
			return false
		}
		if kind == want {
			w.want.Serve(w, db, now, key, e.Value)
		}
		return true
	}
	return false
}

// listKind is the lists' Kind.
type listKind struct{}

func (listKind) Len(v any) (int, bool) {
	l, ok := v.(*list.List)
	if !ok {
		return 0, false
	}
	return l.Len(), true
}

// listWant is what BLPOP, BRPOP and BLMPOP wait for, or BLMOVE and
// BRPOPLPUSH.
type listWant struct {
	b     *Block
	left  bool  // pops from the head
	count int64 // BLMPOP's COUNT; -1 for the single-element forms

	// BLMOVE and BRPOPLPUSH: the destination and the arguments the
	// move is propagated with.
	move     bool
	dst      string
	toLeft   bool
	moveArgs [][]byte
}

func (lw *listWant) Kind() Kind { return listKind{} }

// Serve pops (or moves) one list element, or COUNT of them, for w.
func (lw *listWant) Serve(w *Waiter, d *keyspace.DB, now int64, key []byte, v any) {
	l := v.(*list.List)
	if !lw.move {
		d.LookupWrite(key, now)
		var prop [][]byte
		w.Wake(func(rw *resp.Writer) { prop = popList(rw, d, now, key, l, lw.left, lw.count) })
		w.Propagate(prop)
		return
	}
	if de := d.Peek([]byte(lw.dst), now); de != nil {
		if _, ok := de.Value.(*list.List); !ok {
			// Redis pops, fails to push and puts the element back: the
			// client is answered WRONGTYPE and the list is unchanged.
			w.Wake(func(rw *resp.Writer) { rw.Error(cache.ErrWrongType) })
			return
		}
	}
	d.LookupWrite(key, now)
	e, _ := lw.b.move(d, now, key, l, []byte(lw.dst), lw.left, lw.toLeft)
	w.Wake(func(rw *resp.Writer) { rw.Bulk(e) })
	w.Propagate(lw.moveArgs)
}
