package evict

import "github.com/gocache/gocache/chapters/03-cache/keyspace"

// Redis's LFU data lives in the 24 bits of Entry.LRU that otherwise hold
// the LRU clock: the minute of the last decrement in the high 16 bits,
// a logarithmic access counter in the low 8.
//
//	  16 bits      8 bits
//	+----------+---------+
//	| minutes  | counter |
//	+----------+---------+
//
// The counter does not count accesses: it grows by one with probability
// 1/((counter-5)*lfu-log-factor+1), so with the default factor 10 it
// reaches 255 only after about a million hits, and loses one per
// lfu-decay-time minutes without access. A key that was hot long ago
// therefore cools down, and eight bits tell hot from cold keys.
const (
	LFUInitVal = 5   // LFU_INIT_VAL: a new key starts here, so it is not the first to go
	lfuMax     = 255 // the counter saturates
)

// lfuMinutes is LFUGetTimeInMinutes: unix minutes in 16 bits (wraps
// every 45 days, as in Redis).
func lfuMinutes(nowMs int64) uint32 { return uint32(nowMs/60000) & 0xffff }

// lfuElapsed is LFUTimeElapsed: minutes since ldt, across one wrap of
// the 16-bit clock (with Redis's arithmetic, one less than exact there).
func lfuElapsed(ldt uint32, nowMs int64) uint32 {
	now := lfuMinutes(nowMs)
	if now >= ldt {
		return now - ldt
	}
	return 0xffff - ldt + now
}

// LFUDecay is LFUDecrAndReturn: the counter of LFU data lru at nowMs,
// less one per decayTime minutes since the last decrement (no decay
// when decayTime is 0). It does not store the result.
func LFUDecay(lru uint32, nowMs int64, decayTime int) uint32 {
	counter := lru & 0xff
	if decayTime <= 0 {
		return counter
	}
	periods := lfuElapsed(lru>>8&0xffff, nowMs) / uint32(decayTime)
	if periods >= counter {
		return 0
	}
	return counter - periods
}

// lfuIncr is LFULogIncr with the random draw r in [0, 1) passed in, so
// tests can pick it: the counter grows with probability
// 1/((counter-LFUInitVal)*logFactor+1).
func lfuIncr(counter uint32, logFactor int, r float64) uint32 {
	if counter >= lfuMax {
		return lfuMax
	}
	base := float64(counter) - LFUInitVal
	if base < 0 {
		base = 0
	}
	if r < 1/(base*float64(logFactor)+1) {
		counter++
	}
	return counter
}

// TouchLFU is Redis's updateLFU, what the keyspace's access counter does under an LFU
// policy: decay, then maybe increment (r is the random draw in [0, 1)),
// then stamp the minute. A slot whose LRU is 0 holds a key just inserted
// (freed slots are zeroed) and starts at LFUInitVal without an increment,
// as createObject does; an overwritten key keeps its counter, as
// dbOverwrite does.
func TouchLFU(e *keyspace.Entry, now int64, logFactor, decayTime int, r float64) {
	if e.LRU == 0 {
		e.LRU = lfuMinutes(now)<<8 | LFUInitVal
		return
	}
	counter := LFUDecay(e.LRU, now, decayTime)
	counter = lfuIncr(counter, logFactor, r)
	e.LRU = lfuMinutes(now)<<8 | counter
}

// lfuCounter is the access counter the keyspace uses under an LFU
// policy (keyspace.AccessCounter).
type lfuCounter struct{ ev *Evictor }

func (l lfuCounter) Touch(e *keyspace.Entry, now int64) {
	TouchLFU(e, now, l.ev.LFULogFactor, l.ev.LFUDecayTime, l.ev.rand())
}

// Frequency is OBJECT FREQ's answer for an entry under an LFU policy:
// its counter after decay, as of now. It does not touch the entry.
func (l lfuCounter) Frequency(e *keyspace.Entry, now int64) int {
	return int(LFUDecay(e.LRU, now, l.ev.LFUDecayTime))
}

// installTouch makes the LFU counter the databases' access counter under
// an LFU policy and restores the LRU clock otherwise. As in Redis, keys
// keep their old 24 bits across a switch and read as the other kind of
// data until they are next touched.
func (ev *Evictor) installTouch() {
	if ev.policy.LFU() {
		ev.ca.Observers.SetAccess(lfuCounter{ev})
	} else {
		ev.ca.Observers.SetAccess(nil)
	}
}
