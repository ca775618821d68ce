// Package hash is the Redis hash: a map from fields to values, kept as a
// listpack of field/value pairs while small and as a dict past Redis
// 7.0's limits (hash-max-listpack-entries 512, hash-max-listpack-value
// 64). A hash never converts back, as in Redis.
package hash

import (
	"math/rand/v2"

	"github.com/gocache/gocache/chapters/03-cache/dict"
	"github.com/gocache/gocache/chapters/06-lists/listpack"
)

// Encodings as OBJECT ENCODING reports them.
const (
	EncListpack  = "listpack"
	EncHashtable = "hashtable"
)

// Limits are the conversion thresholds: a hash with more than Entries
// fields, or any field or value longer than Value bytes, is a hashtable.
type Limits struct {
	Entries int // hash-max-listpack-entries
	Value   int // hash-max-listpack-value
}

// DefaultLimits are Redis 7.0's defaults.
var DefaultLimits = Limits{Entries: 512, Value: 64}

// Hash is a Redis hash. The zero value is an empty listpack hash. Byte
// slices it returns alias its storage: valid until the next change.
type Hash struct {
	lp listpack.Pack      // field, value, field, value ... while d is nil
	d  *dict.Dict[string] // the hashtable encoding
}

// Encoding is "listpack" or "hashtable".
func (h *Hash) Encoding() string {
	if h.d != nil {
		return EncHashtable
	}
	return EncListpack
}

// Len is the number of fields.
func (h *Hash) Len() int {
	if h.d != nil {
		return h.d.Len()
	}
	return h.lp.Len() / 2
}

// find returns the listpack offset of field, or -1.
func (h *Hash) find(field []byte) int { return h.lp.Find(0, field, 1) }

// Get returns field's value.
func (h *Hash) Get(field []byte) ([]byte, bool) {
	if h.d != nil {
		if v := h.d.Get(field); v != nil {
			return keyBytes(*v), true
		}
		return nil, false
	}
	o := h.find(field)
	if o < 0 {
		return nil, false
	}
	_, vo := h.lp.Get(o)
	v, _ := h.lp.Get(vo)
	return v, true
}

// Has reports whether field exists.
func (h *Hash) Has(field []byte) bool {
	_, ok := h.Get(field)
	return ok
}

// TryConvert is Redis's hashTypeTryConversion: before a write that
// brings the strings args, a listpack hash becomes a hashtable if any of
// them is longer than lim.Value.
func (h *Hash) TryConvert(args [][]byte, lim Limits) {
	if h.d != nil {
		return
	}
	for _, a := range args {
		if len(a) > lim.Value {
			h.convert()
			return
		}
	}
}

// Set sets field to val (both copied) and reports whether the field is
// new. Like Redis's hashTypeSet it converts a listpack hash that would
// hold a string longer than lim.Value, or more than lim.Entries fields.
func (h *Hash) Set(field, val []byte, lim Limits) bool {
	if h.d == nil && (len(field) > lim.Value || len(val) > lim.Value) {
		h.convert()
	}
	if h.d != nil {
		p, isNew := h.d.Upsert(field)
		*p = string(val)
		return isNew
	}
	if o := h.find(field); o >= 0 {
		_, vo := h.lp.Get(o)
		h.lp.Replace(vo, val)
		return false
	}
	h.lp.Insert(h.lp.End(), field, val)
	if h.Len() > lim.Entries {
		h.convert()
	}
	return true
}

// convert moves the pairs into a dict (hashTypeConvertListpack).
func (h *Hash) convert() {
	d := &dict.Dict[string]{}
	for o := 0; o < h.lp.End(); {
		var f, v []byte
		f, o = h.lp.Get(o)
		v, o = h.lp.Get(o)
		d.Set(f, string(v))
	}
	h.d = d
	h.lp.Reset()
}

// Delete removes field and reports whether it was there.
func (h *Hash) Delete(field []byte) bool {
	if h.d != nil {
		_, ok := h.d.Delete(field)
		return ok
	}
	o := h.find(field)
	if o < 0 {
		return false
	}
	h.lp.Delete(o, 2)
	return true
}

// All calls fn for every pair: in insertion order for a listpack, in
// table order for a hashtable. fn returns false to stop; it must not
// change the hash.
func (h *Hash) All(fn func(field, val []byte) bool) {
	if h.d != nil {
		for k, v := range h.d.All() {
			if !fn(keyBytes(k), keyBytes(*v)) {
				return
			}
		}
		return
	}
	for o := 0; o < h.lp.End(); {
		var f, v []byte
		f, o = h.lp.Get(o)
		v, o = h.lp.Get(o)
		if !fn(f, v) {
			return
		}
	}
}

// Scan is HSCAN's walk: a hashtable returns some pairs and the next
// cursor; a listpack returns every pair and cursor 0, as Redis does for
// its small encodings.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, val []byte)) uint64 {
	if h.d != nil {
		return h.d.Scan(cursor, count, func(k string, v *string) { fn(keyBytes(k), keyBytes(*v)) })
	}
	h.All(func(f, v []byte) bool { fn(f, v); return true })
	return 0
}

// Random returns a pair chosen at random; ok is false when empty.
func (h *Hash) Random() (field, val []byte, ok bool) {
	if h.d != nil {
		k, v, ok := h.d.Random()
		if !ok {
			return nil, nil, false
		}
		return keyBytes(k), keyBytes(*v), true
	}
	if h.lp.Len() == 0 {
		return nil, nil, false
	}
	return h.Pair(rand.IntN(h.Len()))
}

// Pair returns pair i of a listpack hash in order (ok false for a
// hashtable or out of range): HRANDFIELD samples a small hash by index.
func (h *Hash) Pair(i int) (field, val []byte, ok bool) {
	if h.d != nil || i < 0 || i >= h.Len() {
		return nil, nil, false
	}
	o := h.lp.Seek(2 * i)
	field, o = h.lp.Get(o)
	val, _ = h.lp.Get(o)
	return field, val, true
}

// ListpackBytes is the size of the listpack encoding (0 for a hashtable).
func (h *Hash) ListpackBytes() int { return h.lp.Size() }

// Clone returns an independent copy with the same encoding.
func (h *Hash) Clone() *Hash {
	if h.d == nil {
		return &Hash{lp: h.lp.Clone()}
	}
	d := &dict.Dict[string]{}
	for k, v := range h.d.All() {
		d.Set(keyBytes(k), *v)
	}
	return &Hash{d: d}
}
