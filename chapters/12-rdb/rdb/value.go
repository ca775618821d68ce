package rdb

// Value is one key's value, independent of any server's own types: one of
// String, List, Hash, Set, ZSet or Stream.
type Value interface {
	isValue()
}

// String is a string value.
type String []byte

// List is a list's elements, head first.
type List [][]byte

// Hash is a hash's field-value pairs, fields distinct; the order is the
// insertion order a small (listpack) hash keeps.
type Hash [][2][]byte

// Set is a set's members, distinct.
type Set [][]byte

// ZSet is a sorted set's members, distinct, in any order.
type ZSet []Scored

// Scored is one sorted-set member and its score.
type Scored struct {
	Member []byte
	Score  float64
}

func (String) isValue() {}
func (List) isValue()   {}
func (Hash) isValue()   {}
func (Set) isValue()    {}
func (ZSet) isValue()   {}

// Meta is what a file records about a key besides its name and value.
type Meta struct {
	// ExpireMs is the absolute expiry time in Unix milliseconds; 0 means
	// the key does not expire.
	ExpireMs int64
	// Evict says which eviction hint the key carries: Redis writes the LRU
	// idle time or the LFU counter when maxmemory-policy is an LRU or LFU
	// one.
	Evict Evict
	Idle  uint64 // seconds since last access, with EvictLRU
	Freq  uint8  // logarithmic access counter, with EvictLFU
}

// Evict is the kind of eviction hint stored with a key.
type Evict uint8

const (
	EvictNone Evict = iota
	EvictLRU
	EvictLFU
)

// RDB value types and opcodes, as in Redis's rdb.h.
const (
	typeString              = 0
	typeList                = 1
	typeSet                 = 2
	typeZSet                = 3
	typeHash                = 4
	typeZSet2               = 5
	typeModulePreGA         = 6
	typeModule2             = 7
	typeHashZipmap          = 9
	typeListZiplist         = 10
	typeSetIntset           = 11
	typeZSetZiplist         = 12
	typeHashZiplist         = 13
	typeListQuicklist       = 14
	typeStreamListpacks     = 15
	typeHashListpack        = 16
	typeZSetListpack        = 17
	typeListQuicklist2      = 18
	typeStreamListpacks2    = 19
	typeSetListpack         = 20
	typeStreamListpacks3    = 21
	typeHashMetadataPreGA   = 22
	typeHashListpackExPreGA = 23
	typeHashMetadata        = 24
	typeHashListpackEx      = 25

	opSlotInfo      = 244
	opFunction2     = 245
	opFunctionPreGA = 246
	opModuleAux     = 247
	opIdle          = 248
	opFreq          = 249
	opAux           = 250
	opResizeDB      = 251
	opExpireTimeMs  = 252
	opExpireTime    = 253
	opSelectDB      = 254
	opEOF           = 255
)

// Version is the RDB version this package writes: Redis 7.0's.
const Version = 10

// MaxVersion is the newest RDB version this package reads (Redis 7.4).
const MaxVersion = 12

// Quicklist node containers (quicklist.h).
const (
	containerPlain  = 1
	containerPacked = 2
)
