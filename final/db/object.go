package db

import (
	"math/rand/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// objectCommand is OBJECT, a container command like CONFIG: the server
// finds the subcommand, so arity errors name "object|encoding".
func (k *Keys) objectCommand() *server.Command {
	const r = server.ReadOnly
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "encoding", Arity: 3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: k.objectEncoding},
		&server.Command{Name: "freq", Arity: 3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: k.objectFreq},
		&server.Command{Name: "idletime", Arity: 3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: k.objectIdletime},
		&server.Command{Name: "refcount", Arity: 3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: k.objectRefcount},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Group: "generic", Run: objectHelp},
	)
	return &server.Command{Name: "object", Arity: -2, Group: "generic", Subcommands: sub, Run: unknownSubcommand}
}

// unknownSubcommand is Redis's addReplySubcommandSyntaxError.
func unknownSubcommand(c *server.Client) {
	c.Error("ERR unknown subcommand '" + string(c.Args[1]) + "'. Try OBJECT HELP.")
}

// objectHelp is Redis 7.0's text, line for line.
func objectHelp(c *server.Client) {
	lines := []string{
		"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.",
		"HELP",
		"    Prints this help.",
	}
	c.W.Array(len(lines))
	for _, l := range lines {
		c.W.SimpleString(l)
	}
}

// objectEntry looks the key up without touching it (LOOKUP_NOTOUCH);
// a missing key replies nil.
func (k *Keys) objectEntry(c *server.Client) *keyspace.Entry {
	e := k.PeekRead(c, c.Args[2])
	if e == nil {
		c.W.Null()
	}
	return e
}

func (k *Keys) objectEncoding(c *server.Client) {
	if e := k.objectEntry(c); e != nil {
		c.W.BulkString(EncodingName(e))
	}
}

func (k *Keys) objectRefcount(c *server.Client) {
	if e := k.objectEntry(c); e != nil {
		c.W.Int(refcount(e))
	}
}

// OBJECT IDLETIME: seconds since the last access, from the LRU clock,
// which wraps as Redis's does (estimateObjectIdleTime).
func (k *Keys) objectIdletime(c *server.Client) {
	e := k.objectEntry(c)
	if e == nil {
		return
	}
	if k.lfu() {
		c.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	now, lru := keyspace.LRUClock(k.Clock()), e.LRU&keyspace.LRUClockMax
	idle := int64(now) - int64(lru)
	if now < lru {
		idle = int64(now) + int64(keyspace.LRUClockMax-lru)
	}
	c.W.Int(idle)
}

// OBJECT FREQ: the LFU counter after its decay, with an LFU policy only.
func (k *Keys) objectFreq(c *server.Client) {
	e := k.objectEntry(c)
	if e == nil {
		return
	}
	if !k.lfu() {
		c.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	c.W.Int(int64(k.lfuDecayed(e.LRU, k.Clock())))
}

// Redis's LFU data in Entry.LRU's 24 bits: the minute of the last
// decrement (16 bits) above a logarithmic access counter (8 bits).
const (
	lfuInitVal = 5 // LFU_INIT_VAL: new keys start here so they are not evicted at once
	lfuMaxVal  = 255
)

func lfuMinutes(nowMs int64) uint32 { return uint32(nowMs/60000) & 0xffff }

// lfuDecayed is LFUDecrAndReturn: the counter less one per
// lfu-decay-time minutes since the last decrement.
func (k *Keys) lfuDecayed(lru uint32, nowMs int64) uint32 {
	ldt, counter := (lru>>8)&0xffff, lru&0xff
	if k.LFUDecayTime <= 0 {
		return counter
	}
	now := lfuMinutes(nowMs)
	elapsed := now - ldt
	if now < ldt {
		elapsed = 0xffff - ldt + now
	}
	periods := elapsed / uint32(k.LFUDecayTime)
	if periods >= counter {
		return 0
	}
	return counter - periods
}

// lfuTouch is Redis's updateLFU, installed as the databases' Touch hook
// under an LFU policy: decay the counter, then increment it with a
// probability that falls as it grows (LFULogIncr). A slot never used
// before (LRU 0) is a new key and starts at LFU_INIT_VAL.
func (k *Keys) lfuTouch(e *keyspace.Entry, now int64) {
	if e.LRU == 0 {
		e.LRU = lfuMinutes(now)<<8 | lfuInitVal
		return
	}
	counter := k.lfuDecayed(e.LRU, now)
	if counter < lfuMaxVal {
		base := float64(counter) - lfuInitVal
		if base < 0 {
			base = 0
		}
		if rand.Float64() < 1/(base*float64(k.LFULogFactor)+1) {
			counter++
		}
	}
	e.LRU = lfuMinutes(now)<<8 | counter
}

// SetLFU switches the access bookkeeping of every database between the
// LRU clock (off) and the LFU counter (on). Whoever owns the
// maxmemory-policy option calls it when the policy changes between an
// LFU policy and any other.
func (k *Keys) SetLFU(on bool) {
	for _, db := range k.DBs {
		if on {
			db.Touch = k.lfuTouch
		} else {
			db.Touch = nil
		}
	}
}
