package db

import (
	"github.com/gocache/gocache/chapters/11-eviction/evict"

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
	server.ReplyHelp(c,
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
	)
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
	c.W.Int(int64(k.freq(e)))
}

// freq is the LFU counter of e as OBJECT FREQ reports it: the reading of
// the access counter in use (the evictor's), else the counter decayed at
// Redis's default lfu-decay-time.
func (k *Keys) freq(e *keyspace.Entry) int {
	if a := k.Observers.Access(); a != nil {
		return a.Frequency(e, k.Clock())
	}
	return int(evict.LFUDecay(e.LRU, k.Clock(), 1))
}
