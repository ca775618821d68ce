// Package evict keeps the server under maxmemory, as Redis's evict.c does:
// before each command it compares the memory in use with maxmemory and,
// when over, removes keys chosen by maxmemory-policy, or refuses the
// command (-OOM) if it may grow memory and nothing can be removed.
//
// Victims are chosen the way Redis approximates LRU, LFU and TTL order
// without keeping keys sorted: sample maxmemory-samples keys of each
// database, keep the best candidates seen so far in a pool of 16, and
// evict the best of the pool. An evicted key reaches the AOF as a DEL
// and WATCH sees it change, through the keyspace's write observers and
// the server's propagation, like any deletion.
//
// Memory is the Go heap as the runtime reports it (see meter), and the
// package sets the runtime's soft memory limit so that garbage is
// collected before the process grows much past maxmemory.
//
// Everything runs on the loop goroutine.
package evict

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
	"unsafe"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// ErrOOM (server.ErrOOM) is Redis's reply to a command with the denyoom flag when memory
// is over maxmemory and nothing can be evicted (shared.oomerr).
const ErrOOM = server.ErrOOM

// timeLimit is how long one round of evictions may take before the
// command goes ahead anyway: Redis's evictionTimeLimitUs at the default
// maxmemory-eviction-tenacity 10. The next command (or the cron) goes on.
const timeLimit = 500 * time.Microsecond

// cronEvery is how often evictions also run without commands, as Redis's
// eviction time event does when a round was cut short.
const cronEvery = 100 * time.Millisecond

// Evictor is the eviction state of a server.
type Evictor struct {
	// LFULogFactor and LFUDecayTime are lfu-log-factor and lfu-decay-time
	// (Redis's defaults 10 and 1).
	LFULogFactor, LFUDecayTime int
	// SizeOf, if set, estimates the bytes removing an entry frees. The
	// default counts key and value bytes for strings and the key alone
	// for other types; a low estimate only means more keys go until the
	// next collection shows the real figure.
	SizeOf func(e *keyspace.Entry) uint64
	// Evicted, if set, hears of each key evicted, after it is gone
	// (keyspace notifications' evicted event).
	Evicted func(db int, key string)

	srv *server.Server
	ca  *cache.Cache

	maxmemory int64
	policy    Policy
	samples   int

	meter   meter
	limit   limit
	collect collector
	pool    pool
	nextDB  int // where random eviction looks first (Redis's next_db)
	ticks   int
	nudged  time.Time // last collection started by the evictor

	rand func() float64 // for the LFU counter; tests fix it
	// roundTime is how long one round of evictions may run (timeLimit);
	// a test that checks where a whole round ends up lengthens it.
	roundTime time.Duration
}

// New installs eviction on s for the databases of ca, with maxmemory,
// maxmemory-policy and maxmemory-samples from opts, following their
// changes (CONFIG SET). With opts nil it starts with Redis's defaults
// (no limit, noeviction, 5 samples) and the setters change them.
//
// If no layer has registered an INFO memory section, New adds one with
// used_memory, maxmemory and maxmemory_policy; a layer that owns INFO
// memory reports UsedMemory instead.
func New(s *server.Server, ca *cache.Cache, opts Options) *Evictor {
	samples := heapSamples()
	ev := &Evictor{
		LFULogFactor: 10,
		LFUDecayTime: 1,
		srv:          s,
		ca:           ca,
		samples:      5,
		meter:        meter{read: func() Reading { return readHeap(samples) }},
		rand:         rand.Float64,
		roundTime:    timeLimit,
	}
	if opts != nil {
		ev.follow(opts)
	}
	s.UseMemory(ev)
	s.Loop.Every(cronEvery, ev.cron)
	if len(s.Info("memory")) == 0 {
		s.AddInfo("Memory", true, ev.infoMemory)
	}
	return ev
}

// follow applies the three options now and on every change. Whoever
// holds them has checked the values already.
func (ev *Evictor) follow(cfg Options) {
	maxmemory, _ := strconv.ParseInt(cfg.Get("maxmemory"), 10, 64)
	ev.apply(maxmemory)
	if p, err := ParsePolicy(cfg.Get("maxmemory-policy")); err == nil {
		ev.SetPolicy(p)
	}
	samples, _ := strconv.Atoi(cfg.Get("maxmemory-samples"))
	ev.SetSamples(samples)
	if m := ev.maxmemory; m > 0 && m < 1<<20 {
		ev.srv.Log.Warnf("WARNING: You specified a maxmemory value that is less than 1MB (current value is %d bytes). Are you sure this is what you really want?", m)
	}
	cfg.OnChange("maxmemory", func(v string) error {
		n, _ := strconv.ParseInt(v, 10, 64)
		ev.SetMaxMemory(n)
		return nil
	})
	cfg.OnChange("maxmemory-policy", func(v string) error {
		p, err := ParsePolicy(v)
		if err == nil {
			ev.SetPolicy(p)
		}
		return err
	})
	cfg.OnChange("maxmemory-samples", func(v string) error {
		n, _ := strconv.Atoi(v)
		ev.SetSamples(n)
		return nil
	})
}

// SetMaxMemory changes maxmemory at run time (0: no limit). Like Redis's
// CONFIG SET, it warns when memory is already over the new limit and
// starts evicting at once.
func (ev *Evictor) SetMaxMemory(n int64) {
	ev.apply(n)
	if n <= 0 {
		return
	}
	if used := ev.meter.used(); used > uint64(n) {
		ev.srv.Log.Warnf("WARNING: the new maxmemory value set via CONFIG SET (%d) is smaller than the current memory usage (%d). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.", n, used)
		ev.perform()
	}
}

func (ev *Evictor) apply(n int64) {
	ev.maxmemory = max(n, 0)
	ev.limit.set(ev.maxmemory)
	if n > 0 {
		ev.meter.refresh()
	}
}

// SetPolicy changes maxmemory-policy; switching to or from an LFU policy
// switches what lookups record in Entry.LRU.
func (ev *Evictor) SetPolicy(p Policy) {
	ev.policy = p
	ev.installTouch()
}

// SetSamples changes maxmemory-samples (at least 1).
func (ev *Evictor) SetSamples(n int) { ev.samples = max(n, 1) }

// MaxMemory is maxmemory in bytes, 0 for no limit.
func (ev *Evictor) MaxMemory() int64 { return ev.maxmemory }

// Policy is the maxmemory-policy in force.
func (ev *Evictor) Policy() Policy { return ev.policy }

// UsedMemory is INFO's used_memory: the figure eviction compares with
// maxmemory, read fresh.
func (ev *Evictor) UsedMemory() uint64 {
	ev.meter.refresh()
	return ev.meter.used()
}

// Close gives the process's memory limit back as it was before New (for
// tests and programs that run several servers in one process).
func (ev *Evictor) Close() { ev.apply(0) }

func (ev *Evictor) infoMemory(b *bytes.Buffer) {
	b.WriteString("used_memory:" + strconv.FormatUint(ev.UsedMemory(), 10) + "\r\n")
	b.WriteString("maxmemory:" + strconv.FormatInt(ev.maxmemory, 10) + "\r\n")
	b.WriteString("maxmemory_policy:" + ev.policy.String() + "\r\n")
}

// result is performEvictions's answer.
type result uint8

const (
	evictOK      result = iota // under the limit
	evictRunning               // still over, but the round ran out of time: let the command run
	evictFail                  // over, and nothing (more) could be evicted
)

// OutOfMemory is Redis's maxmemory step of processCommand (the
// server.Memory method): with a limit set, every command first makes
// room, and the server refuses one that may grow memory when room
// cannot be made.
func (ev *Evictor) OutOfMemory(c *server.Client) bool {
	if ev.maxmemory == 0 || ev.ca.Loading() {
		return false
	}
	m := &ev.meter
	n := uint64(64)
	for _, a := range c.Args {
		n += uint64(len(a))
	}
	m.grown += 2 * n
	m.stale++
	if m.stale < readEvery && m.used() <= uint64(ev.maxmemory) {
		return false
	}
	return ev.perform() == evictFail
}

// cron continues evictions a round cut short, with no command coming,
// and keeps the memory limit in step with the runtime's overhead.
func (ev *Evictor) cron() {
	if ev.maxmemory == 0 || ev.ca.Loading() {
		return
	}
	if ev.ticks++; ev.ticks%10 == 0 {
		ev.limit.set(ev.maxmemory)
	}
	if ev.meter.used() > uint64(ev.maxmemory) {
		ev.perform()
	}
}

// perform is performEvictions: evict until the estimate is under
// maxmemory, or the time is up, or there is nothing left to evict.
func (ev *Evictor) perform() result {
	m := &ev.meter
	m.refresh()
	used, limit := m.used(), uint64(ev.maxmemory)
	if used <= limit {
		return evictOK
	}
	if ev.policy == NoEviction {
		ev.maybeCollect()
		return evictFail
	}
	toFree := used - limit
	start := time.Now()
	freed := uint64(0)
	for keys := 1; freed < toFree; keys++ {
		n, ok := ev.evictOne()
		if !ok {
			ev.maybeCollect()
			return evictFail
		}
		freed += n
		m.evicted += n
		if keys%16 == 0 && time.Since(start) > ev.roundTime {
			// A long round: maybe the sizes were low estimates.
			ev.maybeCollect()
			return evictRunning
		}
	}
	return evictOK
}

// maybeCollect starts a collection when one may bring memory under the
// limit: more than a little was allocated since the last cycle, and some
// of it may be garbage by now. At most ten a second.
func (ev *Evictor) maybeCollect() {
	m := &ev.meter
	slack := max(uint64(ev.maxmemory)/32, 64<<10)
	if m.last.Allocs-min(m.last.Allocs, m.base) < slack {
		return
	}
	if now := time.Now(); now.Sub(ev.nudged) >= cronEvery {
		ev.nudged = now
		ev.collect.start()
	}
}

// evictOne removes one key chosen by the policy and returns the bytes
// that frees; false when there is no key to evict.
func (ev *Evictor) evictOne() (uint64, bool) {
	now := ev.ca.Clock()
	var index int
	var e *keyspace.Entry
	if ev.policy.pooled() {
		index, e = ev.fromPool(now)
	} else {
		index, e = ev.random(now)
	}
	if e == nil {
		return 0, false
	}
	return ev.remove(index, e), true
}

// remove deletes an evicted key the way a DEL would reach the rest of
// the server: the write observers (WATCH, AOF rewrite) through
// DB.Remove, then a propagated DEL (AOF), as Redis's dbSyncDelete,
// signalModifiedKey and propagateDeletion do.
func (ev *Evictor) remove(index int, e *keyspace.Entry) uint64 {
	size := ev.sizeOf(e)
	key := e.Key
	ev.ca.DBs[index].Remove(e)
	ev.srv.Stats.EvictedKeys++
	ev.srv.PropagateNow(index, [][]byte{[]byte("DEL"), []byte(key)})
	if ev.Evicted != nil {
		ev.Evicted(index, key)
	}
	return size
}

func (ev *Evictor) sizeOf(e *keyspace.Entry) uint64 {
	if ev.SizeOf != nil {
		return ev.SizeOf(e)
	}
	n := uint64(len(e.Key))
	if b, ok := e.Bytes(); ok {
		n += uint64(len(b))
	}
	return n
}

// random is the allkeys-random and volatile-random choice: a random key
// of the next database that has one.
func (ev *Evictor) random(now int64) (int, *keyspace.Entry) {
	dbs := ev.ca.DBs
	for range dbs {
		ev.nextDB = (ev.nextDB + 1) % len(dbs)
		db := dbs[ev.nextDB]
		var e *keyspace.Entry
		if ev.policy.Volatile() {
			e = db.RandomVolatile(now)
		} else {
			e = db.RandomEntry(now)
		}
		if e != nil {
			return ev.nextDB, e
		}
	}
	return 0, nil
}

// fromPool is the LRU, LFU and TTL choice: refill the pool with samples
// of every database, then take its best candidate that still exists
// (a key may have gone since it was sampled: Redis calls those ghosts).
func (ev *Evictor) fromPool(now int64) (int, *keyspace.Entry) {
	for {
		total := 0
		for i, db := range ev.ca.DBs {
			n := db.Len()
			if ev.policy.Volatile() {
				n = db.Expires()
			}
			if n > 0 {
				ev.populate(i, db, now)
				total += n
			}
		}
		if total == 0 {
			return 0, nil
		}
		for {
			c, ok := ev.pool.pop()
			if !ok {
				break // all ghosts: sample again
			}
			e := ev.ca.DBs[c.db].Peek(unsafe.Slice(unsafe.StringData(c.key), len(c.key)), now)
			if e != nil && (!ev.policy.Volatile() || e.ExpireAt != 0) {
				return c.db, e
			}
		}
	}
}

// populate is evictionPoolPopulate: sample keys of one database and
// offer each to the pool. Each sample is read before the next is taken,
// since sampling may remove expired keys and move entries.
//
// Redis samples with dictGetSomeKeys, which returns distinct keys and,
// asked for as many keys as the database holds, all of them. Random
// draws repeat keys (64 draws from 30 keys miss one of them about one
// time in nine), so a database no larger than the sample is offered
// whole instead: there the pool does see every key.
func (ev *Evictor) populate(index int, db *keyspace.DB, now int64) {
	if db.Len() <= ev.samples {
		ev.offerAll(index, db, now)
		return
	}
	for range ev.samples {
		var e *keyspace.Entry
		if ev.policy.Volatile() {
			e = db.RandomVolatile(now)
		} else {
			e = db.RandomEntry(now)
		}
		if e == nil {
			return
		}
		ev.pool.insert(candidate{idle: ev.idle(e, now), key: e.Key, db: index})
	}
}

// offerAll offers every key of a small database to the pool, once.
// Scan removes nothing, so an expired key is skipped here and left to
// the lookups and active expiry.
func (ev *Evictor) offerAll(index int, db *keyspace.DB, now int64) {
	offer := func(e *keyspace.Entry) {
		if e.IsExpired(now) || ev.policy.Volatile() && e.ExpireAt == 0 {
			return
		}
		ev.pool.insert(candidate{idle: ev.idle(e, now), key: e.Key, db: index})
	}
	for cur := db.Scan(0, ev.samples, offer); cur != 0; {
		cur = db.Scan(cur, ev.samples, offer)
	}
}

// idle is the score the pool orders by: the higher, the sooner evicted.
// LRU: milliseconds since the last access (estimateObjectIdleTime); LFU:
// 255 less the decayed counter; TTL: the further from the maximum, the
// sooner the key expires.
func (ev *Evictor) idle(e *keyspace.Entry, now int64) uint64 {
	switch ev.policy {
	case AllKeysLFU, VolatileLFU:
		return lfuMax - uint64(LFUDecay(e.LRU, now, ev.LFUDecayTime))
	case VolatileTTL:
		return math.MaxUint64 - uint64(e.ExpireAt)
	}
	return IdleTime(e.LRU, now) * 1000
}

// IdleTime is estimateObjectIdleTime in seconds: how long ago the LRU
// clock stamp lru was taken, across one wrap of the 24-bit clock.
func IdleTime(lru uint32, nowMs int64) uint64 {
	clock, lru := keyspace.LRUClock(nowMs), lru&keyspace.LRUClockMax
	if clock >= lru {
		return uint64(clock - lru)
	}
	return uint64(clock) + uint64(keyspace.LRUClockMax-lru)
}
