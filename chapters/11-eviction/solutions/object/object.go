// Package object is exercise 1 of chapter 11: OBJECT FREQ and OBJECT
// IDLETIME, the two windows Redis gives onto the 24 bits of a key that
// eviction reads (Entry.LRU). Under an LFU policy they hold the minute of
// the last decay and the logarithmic counter; under any other policy, the
// LRU clock of the last access. Each subcommand refuses the kind of data
// the policy in force does not keep, with Redis's words.
//
// The server's OBJECT (package db, in this chapter) has these two
// subcommands and ENCODING, REFCOUNT and HELP.
package object

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
)

const (
	errNotLFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	errLFU    = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
)

type object struct {
	ca *cache.Cache
	ev *evict.Evictor
}

// Register adds OBJECT FREQ and OBJECT IDLETIME to s.
func Register(s *server.Server, ca *cache.Cache, ev *evict.Evictor) {
	o := object{ca, ev}
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "freq", Arity: 3, Flags: server.ReadOnly, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: o.freq},
		&server.Command{Name: "idletime", Arity: 3, Flags: server.ReadOnly, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic", Run: o.idletime},
	)
	s.Commands.Add(&server.Command{Name: "object", Arity: -2, Group: "generic", Subcommands: sub, Run: func(c *server.Client) {
		c.Error("ERR unknown subcommand '" + string(c.Args[1]) + "'. Try OBJECT HELP.")
	}})
}

// entry looks the key up without touching it: reading the counter must
// not change it. A missing key replies nil.
func (o object) entry(c *server.Client) *keyspace.Entry {
	e := o.ca.DBs[c.DB].Peek(c.Args[2], o.ca.Clock())
	if e == nil {
		c.W.Null()
	}
	return e
}

// freq is OBJECT FREQ: the LFU counter after decay, as eviction sees it.
func (o object) freq(c *server.Client) {
	e := o.entry(c)
	if e == nil {
		return
	}
	if !o.ev.Policy().LFU() {
		c.Error(errNotLFU)
		return
	}
	c.W.Int(int64(evict.LFUDecay(e.LRU, o.ca.Clock(), o.ev.LFUDecayTime)))
}

// idletime is OBJECT IDLETIME: seconds since the last access, from the
// LRU clock.
func (o object) idletime(c *server.Client) {
	e := o.entry(c)
	if e == nil {
		return
	}
	if o.ev.Policy().LFU() {
		c.Error(errLFU)
		return
	}
	c.W.Int(int64(evict.IdleTime(e.LRU, o.ca.Clock())))
}
