package keyspace

import "unsafe"

// Entry is one key of a DB. Entries live in the slab of the DB's hash
// table (a dict.Table), so an entry costs no allocation of its own and
// the table links entries by slot number instead of by pointer.
//
// A *Entry returned by a DB method stays valid until the next call that
// can remove or insert a key (Set, SetString, Delete, Remove, Flush, a
// lookup of an expired key, ActiveExpire, RandomEntry). After that the
// slot may hold another key.
type Entry struct {
	Key string

	// Value is the key's value for every type except strings; a string
	// is kept in a compact form that only Bytes, SetBytes and Append
	// read and write (one allocation: the bytes themselves). Other types
	// (lists, hashes, sets, sorted sets: chapters 06, 07 and 08) are
	// stored here as pointers, which an interface holds without
	// allocating.
	Value any

	ExpireAt int64  // unix time in milliseconds; 0 = no expiry
	LRU      uint32 // access clock (LRUClock) or LFU data, for eviction and OBJECT
	Mark     uint32 // belongs to the AOF rewrite; DB.NewMark for new keys, never read here

	next uint32 // the table's link (see DictLink)
	meta uint32 // string length, grown flag, listed flag: see the constants below
}

// DictLink gives the DB's dict.Table the key and the link it chains the
// entry with (slot+1 of the next entry in the bucket, or of the next
// free slot). Only the table uses it.
func (e *Entry) DictLink() (key *string, next *uint32) { return &e.Key, &e.next }

const (
	// lenMask keeps the string length in meta's low 30 bits: enough for
	// Redis's 512 MB proto-max-bulk-len, with room to spare.
	lenMask = 1<<30 - 1
	// grownBit marks a string buffer whose capacity is growCap(len)
	// (made by Append) rather than exactly len (made by SetBytes).
	grownBit = 1 << 30
	// listedBit belongs to the slot, not the key: the slot's number is in
	// DB.vol. It survives the key's removal so the slot is never listed
	// twice; ActiveExpire clears it when it drops a stale listing.
	listedBit = 1 << 31

	// MaxLen is the longest string an entry can hold.
	MaxLen = lenMask
)

// str is the compact string form stored in Entry.Value: a pointer to the
// first byte; the length sits in Entry.meta. A pointer-shaped type is
// held by an interface without allocating, so a string value costs
// exactly its bytes (a 32-byte value is one 32-byte allocation).
type str *byte

// computedStr and rawStr hold a string exactly as str does; the type
// records how the value was made (see StringForm) at no cost in memory.
type (
	computedStr *byte
	rawStr      *byte
	copiedStr   *byte
)

// StringForm is how a string value was made. Redis keeps such a value
// in one of three encodings and OBJECT ENCODING reports which; the form
// is what decides it, since the bytes alone cannot ("11" written by SET
// is "int", the same bytes built by APPEND are "raw").
type StringForm uint8

const (
	// FormStored: written whole (SET, MSET, INCR...), what Redis's
	// tryObjectEncoding makes: "int" if it reads as an integer, else
	// "embstr" up to 44 bytes, else "raw".
	FormStored StringForm = iota
	// FormComputed: a result Redis builds with createStringObject
	// (INCRBYFLOAT): "embstr" or "raw" by length, never "int".
	FormComputed
	// FormRaw: changed in place (APPEND, SETRANGE): always "raw".
	FormRaw
	// FormCopied: a copy of a FormStored value (COPY): encoded the same
	// way, but never one of Redis's shared integer objects.
	FormCopied
)

// strPtr returns the first byte of a string value of any form.
func strPtr(v any) (*byte, bool) {
	switch p := v.(type) {
	case str:
		return p, true
	case rawStr:
		return p, true
	case computedStr:
		return p, true
	case copiedStr:
		return p, true
	}
	return nil, false
}

// Form returns how the string value was made (FormStored for values
// that are not strings).
func (e *Entry) Form() StringForm {
	switch e.Value.(type) {
	case rawStr:
		return FormRaw
	case computedStr:
		return FormComputed
	case copiedStr:
		return FormCopied
	}
	return FormStored
}

// SetForm records how the string value was made; SetBytes resets it to
// FormStored and Append and SetRange set FormRaw. It does nothing to a
// value that is not a string.
func (e *Entry) SetForm(f StringForm) {
	p, ok := strPtr(e.Value)
	if !ok {
		return
	}
	switch f {
	case FormRaw:
		e.Value = rawStr(p)
	case FormComputed:
		e.Value = computedStr(p)
	case FormCopied:
		e.Value = copiedStr(p)
	default:
		e.Value = str(p)
	}
}

// emptyByte stands for the empty string (a nil pointer would do, but a
// fixed address keeps Bytes from returning nil for a present value).
var emptyByte byte

// Bytes returns the value if it is a string. The slice aliases the
// entry's buffer: it is valid until the next write to this entry, and
// must not be modified.
func (e *Entry) Bytes() (b []byte, ok bool) {
	p, ok := strPtr(e.Value)
	if !ok {
		return nil, false
	}
	return unsafe.Slice(p, e.meta&lenMask), true
}

// IsString reports whether the value is a string.
func (e *Entry) IsString() bool {
	_, ok := strPtr(e.Value)
	return ok
}

// SetBytes makes the value the string b (copied). It reuses the current
// buffer when b fits it exactly as a fresh one would (same length for an
// exact buffer, same capacity class for a grown one), so overwriting a
// value with one of the same size, as INCR usually does, allocates
// nothing.
func (e *Entry) SetBytes(b []byte) {
	n := len(b)
	if n > MaxLen {
		panic("keyspace: string longer than MaxLen")
	}
	if p, ok := strPtr(e.Value); ok && n > 0 {
		cur := int(e.meta & lenMask)
		if (e.meta&grownBit == 0 && n == cur) || (e.meta&grownBit != 0 && growCap(n) == growCap(cur)) {
			copy(unsafe.Slice(p, n), b)
			e.Value = str(p)
			e.meta = e.meta&^lenMask | uint32(n)
			return
		}
	}
	e.meta &= listedBit
	if n == 0 {
		e.Value = str(&emptyByte)
		return
	}
	buf := make([]byte, n)
	copy(buf, b)
	e.Value = str(&buf[0])
	e.meta |= uint32(n)
}

// Append appends b to the string value (an absent or non-string value
// counts as empty) and returns the new length. Like Redis's sds, the
// buffer grows to twice the length (1 MB steps above 1 MB), so a
// sequence of APPENDs costs amortized O(1) per byte.
func (e *Entry) Append(b []byte) int {
	cur, ok := e.Bytes()
	n := len(cur) + len(b)
	if n > MaxLen {
		panic("keyspace: string longer than MaxLen")
	}
	if len(b) == 0 {
		if !ok {
			e.SetBytes(nil)
		}
		e.SetForm(FormRaw)
		return n
	}
	if ok && e.meta&grownBit != 0 && n <= growCap(len(cur)) {
		p, _ := strPtr(e.Value)
		copy(unsafe.Slice(p, n)[len(cur):], b)
		e.Value = rawStr(p)
		e.meta = e.meta&^lenMask | uint32(n)
		return n
	}
	buf := make([]byte, n, growCap(n))
	copy(buf, cur)
	copy(buf[len(cur):], b)
	e.Value = rawStr(&buf[0])
	e.meta = e.meta&listedBit | grownBit | uint32(n)
	return n
}

// SetRange overwrites the string value with b from byte off on, padding
// with zero bytes when off is past the end (Redis's SETRANGE), and
// returns the new length. An absent or non-string value counts as
// empty. The buffer grows as Append's does, so writing a little at a
// time is amortized O(1) per byte; the value's form becomes FormRaw.
func (e *Entry) SetRange(off int, b []byte) int {
	cur, ok := e.Bytes()
	n := max(len(cur), off+len(b))
	if n > MaxLen || off < 0 {
		panic("keyspace: string longer than MaxLen")
	}
	if n == 0 {
		if !ok {
			e.SetBytes(nil)
		}
		e.SetForm(FormRaw)
		return 0
	}
	if ok && (n == len(cur) || (e.meta&grownBit != 0 && n <= growCap(len(cur)))) {
		p, _ := strPtr(e.Value)
		buf := unsafe.Slice(p, n)
		if off > len(cur) {
			clear(buf[len(cur):off]) // a grown buffer may hold old bytes there
		}
		copy(buf[off:], b)
		e.Value = rawStr(p)
		e.meta = e.meta&^lenMask | uint32(n)
		return n
	}
	buf := make([]byte, n, growCap(n))
	copy(buf, cur)
	copy(buf[off:], b)
	e.Value = rawStr(&buf[0])
	e.meta = e.meta&listedBit | grownBit | uint32(n)
	return n
}

// growCap is the capacity of a grown buffer holding n bytes. It is a
// step function (next power of two below 1 MB, next 1 MB multiple
// above), so the capacity can be recomputed from the length instead of
// being stored: for every m in (n, growCap(n)], growCap(m) == growCap(n).
func growCap(n int) int {
	const mb = 1 << 20
	if n >= mb {
		return (n + mb - 1) &^ (mb - 1)
	}
	c := 1
	for c < n {
		c <<= 1
	}
	return c
}

// IsExpired reports whether the key's time to live has passed at now
// (unix ms). As in Redis, a key is still alive at exactly ExpireAt.
// now <= 0 means "never expire", which is what loading an AOF wants.
func (e *Entry) IsExpired(now int64) bool {
	return now > 0 && e.ExpireAt != 0 && now > e.ExpireAt
}

// LRUClock is Redis's LRU clock: seconds, in 24 bits. Lookups store it in
// Entry.LRU unless an AccessCounter is installed (Observers.SetAccess).
func LRUClock(now int64) uint32 {
	return uint32(now/1000) & LRUClockMax
}

// LRUClockMax is the largest LRUClock value; the clock wraps after it
// (about 194 days), as Redis's does.
const LRUClockMax = 1<<24 - 1
