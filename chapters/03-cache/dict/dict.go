package dict

import "iter"

// entry is one key of a Dict.
type entry[V any] struct {
	key  string
	next uint32
	val  V
}

func (e *entry[V]) DictLink() (*string, *uint32) { return &e.key, &e.next }

// Dict is a Table from binary-safe string keys to values of type V: the
// hash table behind the big encodings of hashes, sets and sorted sets.
// The zero value is an empty Dict. It is not safe for concurrent use.
type Dict[V any] struct {
	t Table[entry[V], *entry[V]]
}

// Len is the number of keys.
func (d *Dict[V]) Len() int { return d.t.Len() }

// Buckets is the number of buckets of both tables (for memory reports).
func (d *Dict[V]) Buckets() int { return d.t.Buckets() }

// Get returns a pointer to key's value, or nil. The pointer is valid
// until the next Set or Delete of another key.
func (d *Dict[V]) Get(key []byte) *V {
	e, _ := d.t.Find(key)
	if e == nil {
		return nil
	}
	return &e.val
}

// Has reports whether key is present.
func (d *Dict[V]) Has(key []byte) bool { return d.Get(key) != nil }

// Set stores v under key (copied) and reports whether the key is new.
func (d *Dict[V]) Set(key []byte, v V) bool {
	p, isNew := d.Upsert(key)
	*p = v
	return isNew
}

// Upsert returns a pointer to key's value, inserting the key with a zero
// value if absent (isNew). The new key is a copy of key.
func (d *Dict[V]) Upsert(key []byte) (p *V, isNew bool) {
	if e, _ := d.t.Find(key); e != nil {
		return &e.val, false
	}
	e, _ := d.t.Insert(string(key))
	return &e.val, true
}

// SetString is Set for a key already held as a string, which the Dict
// keeps without copying (a sorted set shares the member's bytes between
// its skiplist node and its dict this way).
func (d *Dict[V]) SetString(key string, v V) bool {
	if e, _ := d.t.Find(keyBytes(key)); e != nil {
		e.val = v
		return false
	}
	e, _ := d.t.Insert(key)
	e.val = v
	return true
}

// Delete removes key and returns its value.
func (d *Dict[V]) Delete(key []byte) (v V, ok bool) {
	e, slot := d.t.Find(key)
	if e == nil {
		return v, false
	}
	v = e.val
	d.t.Remove(slot)
	if d.t.Len() == 0 {
		*d = Dict[V]{} // give everything back, as an emptied key is deleted anyway
		return v, true
	}
	var zero V
	e.val = zero
	return v, true
}

// All iterates over the keys in slab order. The loop body may delete the
// key it is given (SPOP, SINTERSTORE do); inserting during the loop may
// or may not visit the new keys.
func (d *Dict[V]) All() iter.Seq2[string, *V] {
	return func(yield func(string, *V) bool) {
		for _, e := range d.t.All() {
			if !yield(e.key, &e.val) {
				return
			}
		}
	}
}

// Random returns a key chosen at random and its value; ok is false when
// the Dict is empty (see Table.Random: fair but for a mostly empty slab,
// as Redis's dictGetFairRandomKey is not fair either).
func (d *Dict[V]) Random() (key string, v *V, ok bool) {
	e, _ := d.t.Random()
	if e == nil {
		return "", nil, false
	}
	return e.key, &e.val, true
}

// Scan calls fn for the keys of some buckets from cursor on and returns
// the next cursor, 0 when the scan is complete: Table.Scan, with the
// same cursor as the keyspace's SCAN. fn must not insert or delete keys.
func (d *Dict[V]) Scan(cursor uint64, count int, fn func(key string, v *V)) uint64 {
	return d.t.Scan(cursor, count, func(e *entry[V]) { fn(e.key, &e.val) })
}
