package keyspace

import "fmt"

// The observers of a server's databases: the layers that must hear of a
// change as it happens. Each says what it wants by the methods it has.

// WriteObserver hears of a write before it changes key in database db:
// on LookupWrite, Set, SetString, Delete, Remove, and before a key is
// removed because it expired. e is the entry as it still is (nil if the
// key is absent). The AOF rewrite saves the old value here, WATCH notes
// the key, a blocked client's key becomes ready.
type WriteObserver interface {
	KeyWriting(db int, key string, e *Entry)
}

// FlushObserver hears of Flush before database db is emptied.
type FlushObserver interface {
	Flushing(db int)
}

// ExpireObserver hears of a key removed from db because its time to live
// passed (the server propagates a DEL).
type ExpireObserver interface {
	KeyExpired(db int, key string)
}

// SwapObserver hears of SWAPDB after databases a and b exchanged their
// contents.
type SwapObserver interface {
	Swapped(a, b int)
}

// AccessCounter replaces the LRU clock as what a lookup records in
// Entry.LRU: an LFU policy's counter. Frequency reads the counter as of
// now without touching it (OBJECT FREQ).
type AccessCounter interface {
	Touch(e *Entry, now int64)
	Frequency(e *Entry, now int64) int
}

// Observers is the one list of observers of a server's databases. It
// lives outside every DB (each holds a pointer to it and its own index),
// so that SWAPDB moves keys between positions without moving who
// watches them. Observers are independent of each other: none changes
// data, so the order in which they hear of a change does not matter.
type Observers struct {
	writes  []WriteObserver
	flushes []FlushObserver
	expires []ExpireObserver
	swaps   []SwapObserver
	access  AccessCounter
}

// Observe makes dbs one server's databases, dbs[i] at index i, sharing
// the observers it returns.
func Observe(dbs []*DB) *Observers {
	o := &Observers{}
	for i, db := range dbs {
		db.index, db.obs = i, o
	}
	return o
}

// Add registers w for every kind of change it has a method for. A value
// with none of them is a mistake, and panics at start-up.
func (o *Observers) Add(w any) {
	n := 0
	if x, ok := w.(WriteObserver); ok {
		o.writes = append(o.writes, x)
		n++
	}
	if x, ok := w.(FlushObserver); ok {
		o.flushes = append(o.flushes, x)
		n++
	}
	if x, ok := w.(ExpireObserver); ok {
		o.expires = append(o.expires, x)
		n++
	}
	if x, ok := w.(SwapObserver); ok {
		o.swaps = append(o.swaps, x)
		n++
	}
	if n == 0 {
		panic(fmt.Sprintf("keyspace: %T observes nothing", w))
	}
}

// SetAccess installs the access counter lookups use; nil restores the
// LRU clock.
func (o *Observers) SetAccess(a AccessCounter) { o.access = a }

// Access is the access counter in use, nil for the LRU clock.
func (o *Observers) Access() AccessCounter { return o.access }

// The notifications; a lone DB (nil observers) has nobody to tell.

func (o *Observers) writing(db int, key string, e *Entry) {
	for _, w := range o.writes {
		w.KeyWriting(db, key, e)
	}
}

func (o *Observers) flushing(db int) {
	if o == nil {
		return
	}
	for _, w := range o.flushes {
		w.Flushing(db)
	}
}

func (o *Observers) expired(db int, key string) {
	if o == nil {
		return
	}
	for _, w := range o.expires {
		w.KeyExpired(db, key)
	}
}

func (o *Observers) swapped(a, b int) {
	if o == nil {
		return
	}
	for _, w := range o.swaps {
		w.Swapped(a, b)
	}
}
