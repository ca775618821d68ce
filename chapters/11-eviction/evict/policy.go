package evict

import (
	"fmt"
	"strings"
)

// Policy is maxmemory-policy: which keys may go, and how the victim is
// chosen among a sample of them.
type Policy uint8

const (
	NoEviction     Policy = iota // refuse commands that may grow memory
	AllKeysLRU                   // least recently used, any key
	VolatileLRU                  // least recently used, keys with a TTL
	AllKeysLFU                   // least frequently used, any key
	VolatileLFU                  // least frequently used, keys with a TTL
	AllKeysRandom                // any key
	VolatileRandom               // any key with a TTL
	VolatileTTL                  // the key closest to expiring
)

// policyNames are Redis's spellings, in the order Redis's error message
// lists them.
var policyNames = []struct {
	p    Policy
	name string
}{
	{VolatileLRU, "volatile-lru"}, {VolatileLFU, "volatile-lfu"}, {VolatileRandom, "volatile-random"},
	{VolatileTTL, "volatile-ttl"}, {AllKeysLRU, "allkeys-lru"}, {AllKeysLFU, "allkeys-lfu"},
	{AllKeysRandom, "allkeys-random"}, {NoEviction, "noeviction"},
}

// ParsePolicy reads a maxmemory-policy value, without case.
func ParsePolicy(s string) (Policy, error) {
	names := make([]string, len(policyNames))
	for i, pn := range policyNames {
		if strings.EqualFold(s, pn.name) {
			return pn.p, nil
		}
		names[i] = pn.name
	}
	return 0, fmt.Errorf("argument(s) must be one of the following: %s", strings.Join(names, ", "))
}

func (p Policy) String() string {
	for _, pn := range policyNames {
		if pn.p == p {
			return pn.name
		}
	}
	return "unknown"
}

// Volatile reports whether only keys with a time to live may be evicted
// (Redis samples db->expires instead of db->dict).
func (p Policy) Volatile() bool {
	return p == VolatileLRU || p == VolatileLFU || p == VolatileRandom || p == VolatileTTL
}

// LFU reports whether keys carry the LFU counter instead of the LRU clock
// (MAXMEMORY_FLAG_LFU).
func (p Policy) LFU() bool { return p == AllKeysLFU || p == VolatileLFU }

// pooled reports whether victims come from the eviction pool (the LRU,
// LFU and TTL policies) rather than from one random pick.
func (p Policy) pooled() bool {
	return p != NoEviction && p != AllKeysRandom && p != VolatileRandom
}
