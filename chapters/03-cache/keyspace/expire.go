package keyspace

import (
	"math/rand/v2"
	"time"
)

// Active expiry constants, from Redis 7's activeExpireCycle at the
// default active-expire-effort 1.
const (
	keysPerLoop     = 20 // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
	acceptableStale = 10 // percent; ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE (Redis 5 used 25)
)

// SetExpire sets the key's expiry time (unix ms; 0 removes it). e must
// come from LookupWrite, Set or SetString of the current command, which
// already told the write observers.
func (db *DB) SetExpire(e *Entry, at int64) {
	if at == 0 {
		db.Persist(e)
		return
	}
	if e.ExpireAt == 0 {
		db.expires++
		if e.meta&listedBit == 0 {
			db.vol = append(db.vol, db.slotOf(e))
			e.meta |= listedBit
		}
	}
	e.ExpireAt = at
}

// Persist removes the key's time to live and reports whether it had one
// (the PERSIST reply). Like SetExpire, it does not tell the write observers.
func (db *DB) Persist(e *Entry) bool {
	if e.ExpireAt == 0 {
		return false
	}
	db.clearTTL(e)
	return true
}

// clearTTL leaves the slot listed in vol: removing it would need its
// position there. ActiveExpire drops the listing when it meets it.
func (db *DB) clearTTL(e *Entry) {
	if e.ExpireAt != 0 {
		e.ExpireAt = 0
		db.expires--
	}
}

// slotOf finds the slot of a linked entry.
func (db *DB) slotOf(e *Entry) uint32 { return db.keys.Slot(e) }

// unlist removes vol[i] (swapping in the last element).
func (db *DB) unlist(i int) {
	db.entry(db.vol[i]).meta &^= listedBit
	last := len(db.vol) - 1
	db.vol[i] = db.vol[last]
	db.vol = db.vol[:last]
	if cap(db.vol) > 1024 && len(db.vol) < cap(db.vol)/4 {
		db.vol = append([]uint32(nil), db.vol...)
	}
}

// ActiveExpire removes keys whose time to live passed before now, the
// way Redis's activeExpireCycle does: check keysPerLoop keys with a time
// to live, and go on while more than acceptableStale percent of them had
// expired, so that when few keys are expired it costs almost nothing,
// and when many are, it keeps working until budget is used up. Keys are
// visited in order through the volatile index (as Redis 7 walks its
// expires dict with a cursor), so every volatile key is checked in turn.
// It returns the number of keys removed.
func (db *DB) ActiveExpire(now int64, budget time.Duration) int {
	if db.expires == 0 || now <= 0 {
		return 0
	}
	start := time.Now()
	removed, visits := 0, 0
	for {
		target := min(keysPerLoop, db.expires)
		sampled, expired := 0, 0
		for sampled < target && len(db.vol) > 0 {
			if visits++; visits&1023 == 0 && time.Since(start) > budget {
				return removed + expired
			}
			if db.volNext >= len(db.vol) {
				db.volNext = 0
			}
			slot := db.vol[db.volNext]
			e := db.entry(slot)
			if e.Value == nil || e.ExpireAt == 0 {
				db.unlist(db.volNext) // stale: key gone or persisted
				continue
			}
			sampled++
			if e.IsExpired(now) {
				db.unlist(db.volNext)
				db.expire(slot, e)
				expired++
				continue
			}
			db.volNext++
		}
		removed += expired
		if sampled == 0 || expired*100/sampled <= acceptableStale {
			return removed
		}
		if time.Since(start) > budget {
			return removed
		}
	}
}

// RandomVolatile returns a random key that has a time to live, or nil
// (for the volatile-* eviction policies). Expired keys met on the way
// are removed.
func (db *DB) RandomVolatile(now int64) *Entry {
	for db.expires > 0 {
		i := rand.IntN(len(db.vol))
		slot := db.vol[i]
		e := db.entry(slot)
		switch {
		case e.Value == nil || e.ExpireAt == 0:
			db.unlist(i)
		case e.IsExpired(now):
			db.unlist(i)
			db.expire(slot, e)
		default:
			return e
		}
	}
	return nil
}
